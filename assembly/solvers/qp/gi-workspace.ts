// Workspace of the Goldfarb–Idnani core (goldfarb-idnani.ts): the reduced problem it solves and
// the factorization it maintains, sized once from maximum dimensions.
//
// Reduced problem (written by the caller before each solve):
//   minimize ½ zᵀH z + gᵀz   subject to   lo_i ≤ c_iᵀz ≤ hi_i   (general rows, i < m)
//                                         blo_j ≤ z[bvar_j] ≤ bhi_j   (unit rows, j < nb)
// with H = L·Lᵀ given by its Cholesky factor L. Constraint k < m is general row k; k ≥ m is unit
// row k − m. A side is +1 for the lower bound (normal c, rhs lo) and −1 for the upper bound
// (normal −c, rhs −hi).

export const GI_OPTIMAL: i32 = 0
export const GI_INFEASIBLE: i32 = 1
export const GI_MAX_ITER: i32 = 2
export const GI_NUMERICAL: i32 = 3

export class GiWorkspace {
  nMax: i32
  mMax: i32
  nbMax: i32
  /** Current sizes: variables, general rows, unit rows. */
  n: i32 = 0
  m: i32 = 0
  nb: i32 = 0

  // ---- problem (caller writes) ----
  /** Cholesky factor of H, lower, (n × n) row stride nMax. */
  L: StaticArray<f64>
  /** Linear term (n). */
  g: StaticArray<f64>
  /** General rows, (m × n) row stride nMax; scaled to unit norm by the caller. */
  rows: StaticArray<f64>
  /** Row bounds (m); ±∞ allowed. */
  lo: StaticArray<f64>
  hi: StaticArray<f64>
  /** Feasibility tolerance of each row (m), in the row's (scaled) units. */
  tol: StaticArray<f64>
  /** Unit rows: variable index (nb), bounds and tolerances. */
  bvar: StaticArray<i32>
  blo: StaticArray<f64>
  bhi: StaticArray<f64>
  btol: StaticArray<f64>

  // ---- options ----
  maxIter: i32 = 1000
  /** A normal counts as dependent on the active set when ‖d₂‖² ≤ epsDep·‖d‖² (angle below ~1e-9 rad in the H-metric: adding it would take a step of ~1e9). */
  epsDep: f64 = 1e-18

  // ---- state and result ----
  /** Primal point (n). */
  x: StaticArray<f64>
  /** Jᵀ = Qᵀ·L⁻¹ (n × n, stride nMax): row j is column j of J = L⁻ᵀ·Q. */
  JT: StaticArray<f64>
  /** Upper-triangular R (q × q, stride nMax) with Jᵀ·N_active = [R; 0]. */
  R: StaticArray<f64>
  /** Number of active constraints. */
  q: i32 = 0
  /** Active constraint ids (q), their sides (q) and multipliers λ ≥ 0 (q). */
  act: StaticArray<i32>
  actSide: StaticArray<i32>
  lam: StaticArray<f64>
  /**
   * Per constraint (m + nb): 0 inactive, +1 lower bound active, −1 upper bound active, 2 implied
   * (dependent on the active set and satisfied within the propagated tolerances; cleared at the
   * next active-set change).
   */
  cstat: StaticArray<i32>
  implied: StaticArray<i32>
  nImplied: i32 = 0
  /** Warm-start list (constraint id, side), nwarm entries; read by a warm solve. */
  warmId: StaticArray<i32>
  warmSide: StaticArray<i32>
  nwarm: i32 = 0
  /** True while JT/R/act describe a valid factorization for the current H and rows. */
  factorValid: bool = false
  status: i32 = GI_OPTIMAL
  iter: i32 = 0
  /**
   * Infeasibility certificate: constraints (ids, sides, weights μ > 0) with Σ μ_i·n_i = 0 on the
   * reduced space and Σ μ_i·b_i > 0. certId[0] is the constraint that could not be added.
   */
  certId: StaticArray<i32>
  certSide: StaticArray<i32>
  certCoef: StaticArray<f64>
  ncert: i32 = 0

  // ---- scratch ----
  d: StaticArray<f64>
  zdir: StaticArray<f64>
  r: StaticArray<f64>
  s: StaticArray<f64>
  y: StaticArray<f64>

  constructor (nMax: i32, mMax: i32, nbMax: i32) {
    this.nMax = nMax
    this.mMax = mMax
    this.nbMax = nbMax
    const n2 = max(1, nMax * nMax)
    const nn = max(1, nMax)
    const mm = max(1, mMax)
    const mt = max(1, mMax + nbMax)
    this.L = new StaticArray<f64>(n2)
    this.g = new StaticArray<f64>(nn)
    this.rows = new StaticArray<f64>(max(1, mMax * nMax))
    this.lo = new StaticArray<f64>(mm)
    this.hi = new StaticArray<f64>(mm)
    this.tol = new StaticArray<f64>(mm)
    this.bvar = new StaticArray<i32>(max(1, nbMax))
    this.blo = new StaticArray<f64>(max(1, nbMax))
    this.bhi = new StaticArray<f64>(max(1, nbMax))
    this.btol = new StaticArray<f64>(max(1, nbMax))
    this.x = new StaticArray<f64>(nn)
    this.JT = new StaticArray<f64>(n2)
    this.R = new StaticArray<f64>(n2)
    this.act = new StaticArray<i32>(nn)
    this.actSide = new StaticArray<i32>(nn)
    this.lam = new StaticArray<f64>(nn)
    this.cstat = new StaticArray<i32>(mt)
    this.implied = new StaticArray<i32>(mt)
    this.warmId = new StaticArray<i32>(mt)
    this.warmSide = new StaticArray<i32>(mt)
    this.certId = new StaticArray<i32>(nn + 1)
    this.certSide = new StaticArray<i32>(nn + 1)
    this.certCoef = new StaticArray<f64>(nn + 1)
    this.d = new StaticArray<f64>(nn)
    this.zdir = new StaticArray<f64>(nn)
    this.r = new StaticArray<f64>(nn)
    this.s = new StaticArray<f64>(nn)
    this.y = new StaticArray<f64>(nn)
  }

  /** Stores the current active set as the warm-start list. */
  saveWarm (): void {
    const q = this.q
    for (let i = 0; i < q; i++) {
      this.warmId[i] = this.act[i]
      this.warmSide[i] = this.actSide[i]
    }
    this.nwarm = q
  }
}
