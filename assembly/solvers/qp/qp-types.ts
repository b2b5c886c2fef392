// Dense convex QP: dims / data / options / solution, in HPIPM's roles.
//
//   minimize    ½ xᵀH x + gᵀx
//   subject to  A x = b                (me rows)
//               l ≤ C x ≤ u            (mc rows; l_i = −∞ or u_i = +∞ allowed; l_i = u_i is an equality)
//               lb ≤ x ≤ ub            (box; ±∞ allowed; lb_j = ub_j fixes x_j)
//
// H symmetric positive semidefinite. All arrays are sized once from the maximum dimensions; the
// current dimensions select compact row-major blocks (H is n×n with stride n, A is me×n, C is mc×n).

/** Solve status (host/solvers mirrors these). */
export const QP_OPTIMAL: i32 = 0
export const QP_INFEASIBLE: i32 = 1
export const QP_MAX_ITER: i32 = 2
export const QP_NUMERICAL: i32 = 3

export class QpDims {
  nMax: i32
  meMax: i32
  mcMax: i32
  /** Current sizes: variables, equality rows, two-sided rows. */
  n: i32 = 0
  me: i32 = 0
  mc: i32 = 0
  constructor (nMax: i32, meMax: i32, mcMax: i32) {
    this.nMax = nMax
    this.meMax = meMax
    this.mcMax = mcMax
  }
}

export class QpData {
  /** Hessian (n × n), row-major; read as (H + Hᵀ)/2. */
  H: StaticArray<f64>
  /** Linear term (n). */
  g: StaticArray<f64>
  /** Equality matrix (me × n) and right-hand side (me). */
  A: StaticArray<f64>
  b: StaticArray<f64>
  /** Two-sided rows (mc × n) and their bounds (mc). */
  C: StaticArray<f64>
  l: StaticArray<f64>
  u: StaticArray<f64>
  /** Box bounds (n). */
  lb: StaticArray<f64>
  ub: StaticArray<f64>
  constructor (d: QpDims) {
    const n = max(1, d.nMax)
    this.H = new StaticArray<f64>(n * n)
    this.g = new StaticArray<f64>(n)
    this.A = new StaticArray<f64>(max(1, d.meMax * d.nMax))
    this.b = new StaticArray<f64>(max(1, d.meMax))
    this.C = new StaticArray<f64>(max(1, d.mcMax * d.nMax))
    this.l = new StaticArray<f64>(max(1, d.mcMax))
    this.u = new StaticArray<f64>(max(1, d.mcMax))
    this.lb = new StaticArray<f64>(n)
    this.ub = new StaticArray<f64>(n)
  }
}

export class QpOptions {
  /** Bound on active-set changes (adds + drops), summed over proximal iterations. */
  maxIter: i32 = 2000
  /** Feasibility tolerance: a row is satisfied when its violation ≤ tolFeas·max(1, |bound|). */
  tolFeas: f64 = 1e-9
  /** Rank tolerance for equality rows (rows scaled to unit norm). */
  tolRank: f64 = 1e-10
  /**
   * Proximal weight, relative to max(1, max diag of the reduced Hessian), used only when the
   * reduced Hessian is not (numerically) positive definite — a Cholesky pivot ≤ 1e-9·max diag: the solver then iterates
   * z⁺ = argmin f(z) + ρ/2‖z − z̄‖², z̄ ← z⁺ (proximal point) until the proximal term's share of
   * the stationarity, ρ‖z⁺ − z̄‖∞, is ≤ proxTol·max(1, ‖gz‖∞).
   */
  rhoRel: f64 = 1e-6
  proxTol: f64 = 1e-10
  proxMaxIter: i32 = 200
  /** Start from the previous active set (and keep the factorization when H, A, C are unchanged). */
  warmStart: bool = true
}

export class QpSolution {
  /** Primal solution (n). */
  x: StaticArray<f64>
  /** Equality multipliers (me); Hx + g + Aᵀy + Cᵀz + zb = 0. */
  y: StaticArray<f64>
  /** Row multipliers (mc): < 0 at the lower bound, > 0 at the upper bound. */
  z: StaticArray<f64>
  /** Box multipliers (n), same sign convention. */
  zb: StaticArray<f64>
  /** Row status (mc): −1 lower active, +1 upper active, 2 equality (l = u), 0 inactive. */
  activeC: StaticArray<i32>
  /** Box status (n): −1 lower active, +1 upper active, 2 fixed (lb = ub), 0 inactive. */
  activeB: StaticArray<i32>
  /**
   * When infeasible: offending constraints (ninf entries) as ids — equality row i → i, row i of C
   * → me + i, box of x_j → me + mc + j. The set alone is infeasible (a Farkas certificate).
   */
  infeasible: StaticArray<i32>
  ninf: i32 = 0
  status: i32 = QP_OPTIMAL
  objective: f64 = 0.0
  /** Active-set changes in this solve. */
  iterations: i32 = 0
  /** Proximal iterations (0 when the reduced Hessian was positive definite). */
  proxIterations: i32 = 0
  /** Max constraint violation (absolute) and max |Hx + g + Aᵀy + Cᵀz + zb|. */
  primalResidual: f64 = 0.0
  dualResidual: f64 = 0.0
  /** 1 when the reduced Hessian was only semidefinite and the proximal loop was used. */
  regularized: i32 = 0
  /** 1 when this solve reused the previous factorization (H, A, C and patterns unchanged). */
  reused: i32 = 0
  constructor (d: QpDims) {
    const n = max(1, d.nMax)
    this.x = new StaticArray<f64>(n)
    this.y = new StaticArray<f64>(max(1, d.meMax))
    this.z = new StaticArray<f64>(max(1, d.mcMax))
    this.zb = new StaticArray<f64>(n)
    this.activeC = new StaticArray<i32>(max(1, d.mcMax))
    this.activeB = new StaticArray<i32>(n)
    this.infeasible = new StaticArray<i32>(max(1, d.meMax + d.mcMax + d.nMax))
  }
}
