// Elimination of equality constraints by the nullspace method (Nocedal & Wright, Numerical
// Optimization §16.2): for rows D z = d in a space of dimension nz, a rank-revealing QR
// Dᵀ·Π = Q·R (householder-qr.ts) gives
//   every solution  z = δ + M w,  δ = Q·[R11⁻ᵀ·d_sel; 0],  M = Q·[0; I]  (nz × (nz − r), orthonormal)
// where d_sel are the right-hand sides of the r independent rows. Rows found dependent keep their
// representation on the independent ones (R12), which the caller uses to check consistency and to
// name the rows behind an inconsistency. The dense QP applies it once (to the free variables); the
// hierarchical QP applies it again at each level inside the previous nullspace.
import { householderQrPivoted, qrApplyQ, qrApplyQt, qrSolveR, qrSolveRt, qrNullspaceBasis } from '../linalg/householder-qr'
import { dot, fill, scal } from '../linalg/dense-kernels'

export class Elimination {
  mMax: i32
  nzMax: i32
  /** Rows (m × nz, stride nzMax), written by the caller, factored in place. */
  D: StaticArray<f64>
  /** Right-hand sides (m), written by the caller. */
  rhs: StaticArray<f64>
  /** Row scale (m), written by the caller: rows and rhs are multiplied by it before factoring. */
  scale: StaticArray<f64>
  tau: StaticArray<f64>
  /** perm[k] = caller's index of the row at pivot position k. */
  perm: StaticArray<i32>
  m: i32 = 0
  nz: i32 = 0
  rank: i32 = 0
  /** Nullspace basis M (nz × (nz − rank), stride nzMax). */
  M: StaticArray<f64>
  /** Particular solution δ (nz). */
  delta: StaticArray<f64>
  w: StaticArray<f64>
  w2: StaticArray<f64>
  /** Pivot-norm scratch of the QR (mMax each). */
  vn: StaticArray<f64>
  vref: StaticArray<f64>

  constructor (mMax: i32, nzMax: i32) {
    this.mMax = mMax
    this.nzMax = nzMax
    const mm = max(1, mMax)
    const nn = max(1, nzMax)
    this.D = new StaticArray<f64>(mm * nn)
    this.rhs = new StaticArray<f64>(mm)
    this.scale = new StaticArray<f64>(mm)
    this.tau = new StaticArray<f64>(nn)
    this.perm = new StaticArray<i32>(mm)
    this.M = new StaticArray<f64>(nn * nn)
    this.delta = new StaticArray<f64>(nn)
    this.w = new StaticArray<f64>(max(mm, nn))
    this.w2 = new StaticArray<f64>(max(mm, nn))
    this.vn = new StaticArray<f64>(mm)
    this.vref = new StaticArray<f64>(mm)
  }
}

/**
 * Scales the m rows (nz columns) by el.scale and factors them. Writes el.rank and the factors.
 * A row whose scaled remaining norm is ≤ tolRank counts as dependent.
 */
export function eliminationFactor (el: Elimination, m: i32, nz: i32, tolRank: f64): i32 {
  el.m = m
  el.nz = nz
  const s = el.nzMax
  for (let i = 0; i < m; i++) {
    const c = el.scale[i]
    scal(el.D, i * s, c, nz)
  }
  el.rank = householderQrPivoted(el.D, 0, s, m, nz, el.tau, el.perm, tolRank, el.vn, el.vref)
  return el.rank
}

/** Writes the nullspace basis el.M = Q·[0; I] (nz × (nz − rank), stride nzMax). */
export function eliminationNullspace (el: Elimination): void {
  qrNullspaceBasis(el.M, 0, el.nzMax, el.D, 0, el.nzMax, el.nz, el.tau, el.rank)
}

/**
 * The affine set of m rows (already written to el.D, el.rhs, el.scale) in nz variables: factor,
 * nullspace basis el.M and particular solution el.delta; with no rows, M = I and δ = 0. Returns
 * the rank.
 */
export function eliminationAffine (el: Elimination, m: i32, nz: i32, tolRank: f64): i32 {
  if (m > 0) {
    const r = eliminationFactor(el, m, nz, tolRank)
    eliminationNullspace(el)
    eliminationParticular(el)
    return r
  }
  const s = el.nzMax
  el.m = 0
  el.nz = nz
  el.rank = 0
  fill(el.delta, 0, 0.0, nz)
  for (let i = 0; i < nz; i++) { fill(el.M, i * s, 0.0, nz); el.M[i * s + i] = 1.0 }
  return 0
}

/**
 * Basic least-squares solution of K t ≈ rhs, K (rows × cols) held by columns as the first `cols`
 * rows of el.D (stride el.nzMax): column-pivoted QR, columns whose pivot falls below 1e-9 of the
 * largest column norm counting as dependent (a correction along them could blow up). Overwrites
 * rhs[0..rank) with t in pivot order (t_a belongs to column el.perm[a]); returns the rank, 0 for an
 * empty or zero K.
 */
export function basicLeastSquares (el: Elimination, cols: i32, rows: i32, rhs: StaticArray<f64>): i32 {
  if (cols <= 0 || rows <= 0) return 0
  const s = el.nzMax
  let cmax = 0.0
  for (let j = 0; j < cols; j++) cmax = max(cmax, Math.sqrt(dot(el.D, j * s, el.D, j * s, rows)))
  if (!(cmax > 0.0)) return 0
  const r = householderQrPivoted(el.D, 0, s, cols, rows, el.tau, el.perm, 1e-9 * cmax, el.vn, el.vref)
  qrApplyQt(rhs, 0, el.D, 0, s, rows, el.tau, r)
  qrSolveR(rhs, 0, el.D, 0, s, r)
  return r
}

/** Writes the particular solution el.delta from el.rhs (scaled here by el.scale). */
export function eliminationParticular (el: Elimination): void {
  const r = el.rank
  const nz = el.nz
  for (let k = 0; k < r; k++) {
    const i = el.perm[k]
    el.delta[k] = el.rhs[i] * el.scale[i]
  }
  qrSolveRt(el.delta, 0, el.D, 0, el.nzMax, r)
  for (let k = r; k < nz; k++) el.delta[k] = 0.0
  qrApplyQ(el.delta, 0, el.D, 0, el.nzMax, nz, el.tau, r)
}

/**
 * Least-squares multipliers: y with Dᵀy = v (v has nz entries, not modified). Writes y[perm[k]]
 * for the independent rows and 0 for dependent ones, in the unscaled rows' units.
 */
export function eliminationMultipliers (el: Elimination, v: StaticArray<f64>, y: StaticArray<f64>, yo: i32): void {
  const nz = el.nz
  const r = el.rank
  for (let j = 0; j < nz; j++) el.w[j] = v[j]
  qrApplyQt(el.w, 0, el.D, 0, el.nzMax, nz, el.tau, r)
  qrSolveR(el.w, 0, el.D, 0, el.nzMax, r)
  for (let i = 0; i < el.m; i++) y[yo + i] = 0.0
  for (let k = 0; k < r; k++) {
    const i = el.perm[k]
    y[yo + i] = el.w[k] * el.scale[i]
  }
}

/**
 * For the dependent row at pivot position k ≥ rank: coefficients c (over pivot positions < rank,
 * written to el.w2) with scaled row_k ≈ Σ c_j · scaled row_j.
 */
export function eliminationDependence (el: Elimination, k: i32): void {
  const r = el.rank
  const rk = k * el.nzMax
  for (let j = 0; j < r; j++) el.w2[j] = el.D[rk + j]
  qrSolveR(el.w2, 0, el.D, 0, el.nzMax, r)
}
