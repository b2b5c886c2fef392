// Strict hierarchical QP (lexicographic least squares with equalities and inequalities):
// dims / data / options / solution / workspace.
//
// Levels k = 0..nl−1, level 0 first. Level k holds equality rows A_k x = b_k (me_k rows) and
// two-sided rows l_k ≤ C_k x ≤ u_k (mc_k rows). Level k minimizes ½‖w_k‖² + ½‖v_k‖² over the
// points that are optimal for all higher levels, where w_k = A_k x − b_k and v_k is the violation
// of l_k ≤ C_k x ≤ u_k. The box lb ≤ x ≤ ub (lb = ub fixes a variable) is hard, above every level.
// Rows of all levels are stacked in A, b (Σ me_k rows) and C, l, u (Σ mc_k rows), level by level,
// compact with row stride n.
import { GiWorkspace } from '../qp/gi-workspace'
import { Elimination } from '../qp/nullspace-elimination'

export const HQP_OPTIMAL: i32 = 0
export const HQP_INFEASIBLE: i32 = 1
export const HQP_MAX_ITER: i32 = 2
export const HQP_NUMERICAL: i32 = 3

/** Per-level outcome: met exactly, relaxed (least-squares slacks), or the solve stopped there. */
export const LEVEL_EXACT: i32 = 0
export const LEVEL_RELAXED: i32 = 1
export const LEVEL_MAX_ITER: i32 = 2
export const LEVEL_NUMERICAL: i32 = 3
export const LEVEL_NOT_SOLVED: i32 = 4

export class HqpDims {
  nMax: i32
  levelsMax: i32
  /** Σ over levels of equality rows / two-sided rows (capacities). */
  meMax: i32
  mcMax: i32
  n: i32 = 0
  nl: i32 = 0
  /** Rows per level (levelsMax). */
  me: StaticArray<i32>
  mc: StaticArray<i32>
  constructor (nMax: i32, levelsMax: i32, meMax: i32, mcMax: i32) {
    this.nMax = nMax
    this.levelsMax = levelsMax
    this.meMax = meMax
    this.mcMax = mcMax
    this.me = new StaticArray<i32>(max(1, levelsMax))
    this.mc = new StaticArray<i32>(max(1, levelsMax))
  }
}

export class HqpData {
  /** Stacked equality rows (Σme × n) and right-hand sides. */
  A: StaticArray<f64>
  b: StaticArray<f64>
  /** Stacked two-sided rows (Σmc × n) and bounds (±∞ allowed). */
  C: StaticArray<f64>
  l: StaticArray<f64>
  u: StaticArray<f64>
  /** Hard box (n). */
  lb: StaticArray<f64>
  ub: StaticArray<f64>
  constructor (d: HqpDims) {
    const n = max(1, d.nMax)
    this.A = new StaticArray<f64>(max(1, d.meMax * d.nMax))
    this.b = new StaticArray<f64>(max(1, d.meMax))
    this.C = new StaticArray<f64>(max(1, d.mcMax * d.nMax))
    this.l = new StaticArray<f64>(max(1, d.mcMax))
    this.u = new StaticArray<f64>(max(1, d.mcMax))
    this.lb = new StaticArray<f64>(n)
    this.ub = new StaticArray<f64>(n)
  }
}

export class HqpOptions {
  /** Bound on active-set changes per level (all its phases and proximal passes). */
  maxIter: i32 = 1000
  tolFeas: f64 = 1e-9
  tolRank: f64 = 1e-10
  /** Proximal weight (relative) and stopping rule for levels whose reduced Hessian is singular. */
  rhoRel: f64 = 1e-6
  proxTol: f64 = 1e-10
  proxMaxIter: i32 = 200
  warmStart: bool = true
}

export class HqpSolution {
  /** Solution (n). */
  x: StaticArray<f64>
  /** Equality slacks w = A x − b (Σme) and row violations v (Σmc) at x. */
  w: StaticArray<f64>
  v: StaticArray<f64>
  /** Per level: LEVEL_* outcome, ‖w_k‖₂, ‖v_k‖₂, active-set changes. */
  levelStatus: StaticArray<i32>
  slackEq: StaticArray<f64>
  slackIneq: StaticArray<f64>
  levelIter: StaticArray<i32>
  /** Box variables whose bounds contradict (lb > ub), as ids j. */
  infeasible: StaticArray<i32>
  ninf: i32 = 0
  status: i32 = HQP_OPTIMAL
  iterations: i32 = 0
  /** Dense solves of the relaxed phases' proximal-point loops (all levels; a cost diagnostic). */
  proxPasses: i32 = 0
  /** Relaxed levels finished at their least-squares point (level-least-squares.ts), without the relaxed QP. */
  lsLevels: i32 = 0
  constructor (d: HqpDims) {
    const n = max(1, d.nMax)
    const nl = max(1, d.levelsMax)
    this.x = new StaticArray<f64>(n)
    this.w = new StaticArray<f64>(max(1, d.meMax))
    this.v = new StaticArray<f64>(max(1, d.mcMax))
    this.levelStatus = new StaticArray<i32>(nl)
    this.slackEq = new StaticArray<f64>(nl)
    this.slackIneq = new StaticArray<f64>(nl)
    this.levelIter = new StaticArray<i32>(nl)
    this.infeasible = new StaticArray<i32>(n)
  }
}

export class HqpWorkspace {
  gi: GiWorkspace
  el: Elimination
  /** Active rows of a relaxed level (polish) and the column-pivoted QR of its least squares. */
  elp: Elimination
  elq: Elimination
  /** Affine set of the levels done so far: x = xp + Z z, Z (n × nz, stride nMax) orthonormal. */
  Z: StaticArray<f64>
  Znext: StaticArray<f64>
  xp: StaticArray<f64>
  xpNext: StaticArray<f64>
  nz: i32 = 0
  zIdentity: bool = true
  /** The last level factorization left its complete QR and nullspace basis in el. */
  factorValid: bool = false
  /** Current point (n) and the previous level's point (prox center). */
  x: StaticArray<f64>
  /** Hard-row bounds of C rows (Σmc), relaxed by the optimal violations of their level. */
  loR: StaticArray<f64>
  hiR: StaticArray<f64>
  /** Reduced equality rows of the level (me_k × nz, stride nMax) and their right-hand sides. */
  AZ: StaticArray<f64>
  rhs: StaticArray<f64>
  /** ‖A_k row‖² of the level's equality rows (full space; me_k). */
  aSq: StaticArray<f64>
  /** Nonzero columns of each C row (row i's list at i·n, Σmc × n) and their counts (Σmc). */
  cCols: StaticArray<i32>
  cCount: StaticArray<i32>
  /** GI row sources: id j < n is the box of x_j, n + i is row i of C. giOf maps back (−1: none). */
  giSrc: StaticArray<i32>
  giNorm: StaticArray<f64>
  giOf: StaticArray<i32>
  /** Per level and phase (0 hard, 1 relaxed) warm-start lists of (source id, side). */
  warmId: StaticArray<i32>
  warmSide: StaticArray<i32>
  warmCount: StaticArray<i32>
  warmStride: i32
  Hs: StaticArray<f64>
  t1: StaticArray<f64>
  t2: StaticArray<f64>
  zbar: StaticArray<f64>
  gbase: StaticArray<f64>
  /** Primal active-set finish (level-polish.ts): EQP point ŷ, gradient, multipliers (ngi each);
   *  working set ids and sides (polishQ entries), side of each GI row in it (0: outside);
   *  working-set changes it made. */
  pY: StaticArray<f64>
  pGrad: StaticArray<f64>
  pMu: StaticArray<f64>
  pAct: StaticArray<i32>
  pSide: StaticArray<i32>
  pStat: StaticArray<i32>
  polishQ: i32 = 0
  polishChanges: i32 = 0
  /** Singleton elimination scratch (singleton-elimination.ts): column → row / position, row →
   *  singleton column, free columns, QR row → level row, N_R (n × n, stride nMax), δ_R, Gram. */
  sColRow: StaticArray<i32>
  sRowCol: StaticArray<i32>
  sFree: StaticArray<i32>
  /** Positions of one singleton row's nonzeros on F (coefficients in sRow). */
  sIdx: StaticArray<i32>
  sRowOf: StaticArray<i32>
  sN: StaticArray<f64>
  sDelta: StaticArray<f64>
  sG: StaticArray<f64>
  /** W by columns (n × n, stride nMax); one row's coefficients −a_ip / a_i,js, or the rows'
   *  largest entries. */
  sWt: StaticArray<f64>
  sRow: StaticArray<f64>

  constructor (d: HqpDims) {
    const n = max(1, d.nMax)
    const ngi = d.nMax + d.mcMax
    this.gi = new GiWorkspace(ngi, d.nMax + d.mcMax, 0)
    this.el = new Elimination(max(d.meMax, d.nMax), d.nMax)
    this.elp = new Elimination(ngi, ngi)
    this.elq = new Elimination(ngi, d.meMax + d.mcMax)
    this.Z = new StaticArray<f64>(n * n)
    this.Znext = new StaticArray<f64>(n * n)
    this.xp = new StaticArray<f64>(n)
    this.xpNext = new StaticArray<f64>(n)
    this.x = new StaticArray<f64>(n)
    this.loR = new StaticArray<f64>(max(1, d.mcMax))
    this.hiR = new StaticArray<f64>(max(1, d.mcMax))
    this.AZ = new StaticArray<f64>(max(1, d.meMax * d.nMax))
    this.rhs = new StaticArray<f64>(max(1, max(d.meMax, d.nMax)))
    this.aSq = new StaticArray<f64>(max(1, d.meMax))
    this.cCols = new StaticArray<i32>(max(1, d.mcMax * d.nMax))
    this.cCount = new StaticArray<i32>(max(1, d.mcMax))
    this.giSrc = new StaticArray<i32>(max(1, d.nMax + d.mcMax))
    this.giNorm = new StaticArray<f64>(max(1, d.nMax + d.mcMax))
    this.giOf = new StaticArray<i32>(max(1, d.nMax + d.mcMax))
    const stride = max(1, ngi)
    this.warmStride = stride
    const nl = max(1, d.levelsMax)
    this.warmId = new StaticArray<i32>(nl * 2 * stride)
    this.warmSide = new StaticArray<i32>(nl * 2 * stride)
    this.warmCount = new StaticArray<i32>(nl * 2)
    this.Hs = new StaticArray<f64>(max(1, ngi * ngi))
    this.t1 = new StaticArray<f64>(max(1, max(ngi, d.meMax + d.mcMax)))
    this.t2 = new StaticArray<f64>(max(1, max(ngi, d.meMax + d.mcMax)))
    this.zbar = new StaticArray<f64>(max(1, ngi))
    this.gbase = new StaticArray<f64>(max(1, ngi))
    this.pY = new StaticArray<f64>(max(1, ngi))
    this.pGrad = new StaticArray<f64>(max(1, ngi))
    this.pMu = new StaticArray<f64>(max(1, ngi))
    this.pAct = new StaticArray<i32>(max(1, ngi))
    this.pSide = new StaticArray<i32>(max(1, ngi))
    this.pStat = new StaticArray<i32>(max(1, ngi))
    const me = max(1, max(d.meMax, d.nMax))
    this.sColRow = new StaticArray<i32>(n)
    this.sRowCol = new StaticArray<i32>(me)
    this.sFree = new StaticArray<i32>(n)
    this.sIdx = new StaticArray<i32>(n)
    this.sRowOf = new StaticArray<i32>(me)
    this.sN = new StaticArray<f64>(n * n)
    this.sDelta = new StaticArray<f64>(n)
    this.sG = new StaticArray<f64>(n * n)
    this.sWt = new StaticArray<f64>(n * n)
    this.sRow = new StaticArray<f64>(max(n, me))
  }
}
