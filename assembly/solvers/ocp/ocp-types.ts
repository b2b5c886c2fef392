// Structured OCP QP (optimal-control QP for MPC), in HPIPM's roles: dims / data / options /
// solution / workspace.
//
//   minimize    Σ_{k=0..N} ½ [x_k; u_k]ᵀ Q_k [x_k; u_k] + q_kᵀ [x_k; u_k]
//   subject to  x_{k+1} = A_k x_k + B_k u_k + c_k                 (k < N)
//               Dx_k x_k + Eu_k u_k = e_k                          (ne_k rows; Eu_k full row rank)
//               lg_k ≤ Gx_k x_k + Gu_k u_k ≤ ug_k                  (ng_k rows; ±∞ allowed)
//               x_0 = x0 when x0Fixed
// x_k has nx entries at every stage; u_k has nu_k (often nu_N = 0). Stage k's blocks live at
// k·(block capacity) in each field array and are compact with the stage's sizes: Q_k is
// (nx+nu_k)² row-major in [x; u] order, A_k nx×nx, B_k nx×nu_k, Dx_k ne_k×nx, Eu_k ne_k×nu_k,
// Gx_k ng_k×nx, Gu_k ng_k×nu_k.
import { Elimination } from '../qp/nullspace-elimination'

export const OCP_OPTIMAL: i32 = 0
export const OCP_INFEASIBLE: i32 = 1
export const OCP_MAX_ITER: i32 = 2
export const OCP_NUMERICAL: i32 = 3

/**
 * Setup problems reported through OcpSolution.error with the stage in errorStage; the status is
 * OCP_INFEASIBLE for OCP_E_BOUNDS and OCP_E_INFEASIBLE_ROW, OCP_NUMERICAL for the others.
 */
export const OCP_E_NONE: i32 = 0
/** A stage's equality rows do not have a full-row-rank input part Eu_k (pure state rows). */
export const OCP_E_EQ_RANK: i32 = 1
/** Non-finite data. */
export const OCP_E_NONFINITE: i32 = 2
/** A bound pair with lg > ug. */
export const OCP_E_BOUNDS: i32 = 3
/** A row made constant by the stage equalities (or without variables) violates its bounds. */
export const OCP_E_INFEASIBLE_ROW: i32 = 4

export class OcpDims {
  Nmax: i32
  nxMax: i32
  nuMax: i32
  ngMax: i32
  neMax: i32
  N: i32 = 0
  nx: i32 = 0
  x0Fixed: bool = true
  /** Per stage (Nmax + 1): inputs, two-sided rows, equality rows. */
  nu: StaticArray<i32>
  ng: StaticArray<i32>
  ne: StaticArray<i32>
  constructor (Nmax: i32, nxMax: i32, nuMax: i32, ngMax: i32, neMax: i32) {
    this.Nmax = Nmax
    this.nxMax = nxMax
    this.nuMax = nuMax
    this.ngMax = ngMax
    this.neMax = neMax
    this.nu = new StaticArray<i32>(Nmax + 1)
    this.ng = new StaticArray<i32>(Nmax + 1)
    this.ne = new StaticArray<i32>(Nmax + 1)
  }
}

/** Block capacities per stage. */
export class OcpBlocks {
  Q: i32
  q: i32
  A: i32
  B: i32
  c: i32
  Dx: i32
  Eu: i32
  e: i32
  Gx: i32
  Gu: i32
  g: i32
  constructor (d: OcpDims) {
    const nv = d.nxMax + d.nuMax
    this.Q = max(1, nv * nv)
    this.q = max(1, nv)
    this.A = max(1, d.nxMax * d.nxMax)
    this.B = max(1, d.nxMax * d.nuMax)
    this.c = max(1, d.nxMax)
    this.Dx = max(1, d.neMax * d.nxMax)
    this.Eu = max(1, d.neMax * d.nuMax)
    this.e = max(1, d.neMax)
    this.Gx = max(1, d.ngMax * d.nxMax)
    this.Gu = max(1, d.ngMax * d.nuMax)
    this.g = max(1, d.ngMax)
  }
}

export class OcpData {
  Q: StaticArray<f64>
  q: StaticArray<f64>
  A: StaticArray<f64>
  B: StaticArray<f64>
  c: StaticArray<f64>
  Dx: StaticArray<f64>
  Eu: StaticArray<f64>
  e: StaticArray<f64>
  Gx: StaticArray<f64>
  Gu: StaticArray<f64>
  lg: StaticArray<f64>
  ug: StaticArray<f64>
  /** Initial state (nx), used when x0Fixed. */
  x0: StaticArray<f64>
  constructor (d: OcpDims, b: OcpBlocks) {
    const S = d.Nmax + 1
    this.Q = new StaticArray<f64>(S * b.Q)
    this.q = new StaticArray<f64>(S * b.q)
    this.A = new StaticArray<f64>(S * b.A)
    this.B = new StaticArray<f64>(S * b.B)
    this.c = new StaticArray<f64>(S * b.c)
    this.Dx = new StaticArray<f64>(S * b.Dx)
    this.Eu = new StaticArray<f64>(S * b.Eu)
    this.e = new StaticArray<f64>(S * b.e)
    this.Gx = new StaticArray<f64>(S * b.Gx)
    this.Gu = new StaticArray<f64>(S * b.Gu)
    this.lg = new StaticArray<f64>(S * b.g)
    this.ug = new StaticArray<f64>(S * b.g)
    this.x0 = new StaticArray<f64>(max(1, d.nxMax))
  }
}

export class OcpOptions {
  maxIter: i32 = 50
  /** Stop when stationarity, dynamics, bound residuals (relative) and the mean complementarity μ are below these. */
  tolStat: f64 = 1e-9
  tolEq: f64 = 1e-9
  tolComp: f64 = 1e-9
  /** Start from the previous solution (in original coordinates), shifted by one stage when shift. */
  warmStart: bool = false
  shift: bool = false
  /** Floor on a Riccati Cholesky pivot, relative to the stage's largest diagonal (regularization). */
  pivotFloor: f64 = 1e-13
  /**
   * Try the active-set polish at the start point and polish the interior-point solution on its
   * active set (augmented-Lagrangian refinement with the
   * Riccati factorization of Q̃ + ρ G_Aᵀ G_A), kept only if it is primal feasible with
   * multipliers of the right sign: removes the O(μ) (O(√μ) at degenerate rows) error of the
   * interior point.
   */
  polish: bool = true
  /**
   * Real-time iterations: the active-set start only (at most polishStartRounds rounds); when it fails
   * the interior point runs to tolerance without further polish attempts or the extra iterations
   * they wait for (an RTI step needs no O(μ) refinement, and failed attempts cost factorizations).
   */
  polishStartOnly: bool = false
  polishStartRounds: i32 = 8
  /**
   * Approximate tail for real-time iterations: at the last polishTailStages stages, an active row
   * whose multiplier has fallen below zero by less than polishTailDualTol·max(1, largest multiplier)
   * stays active, and the result keeps that multiplier: a KKT point of the QP with a linear term of
   * that size added at those rows. As the horizon slides, the friction rows of the newest stages
   * see their multipliers pass through zero, and each such pass would cost another active-set round.
   * 0 stages (the default): exact.
   */
  polishTailStages: i32 = 0
  polishTailDualTol: f64 = 0.0
  /**
   * Compute the Riccati feedback gains K, kff and cost-to-go Hessians P of the solution (OcpSolution).
   * Off, they are left as they were: an MPC that applies only the planned inputs saves their cost
   * (O(N·nx³), several % of a solve).
   */
  gains: bool = true
}

export class OcpSolution {
  /** States (N+1)·nx and inputs (N+1)·nuMax (stage k at k·nuMax). */
  x: StaticArray<f64>
  u: StaticArray<f64>
  /** Dynamics multipliers π_{k+1} of x_{k+1} = A_k x_k + … (k < N), at k·nx. */
  pi: StaticArray<f64>
  /** Row multipliers (stage k at k·ngMax): > 0 upper bound active, < 0 lower; equality multipliers at k·neMax. */
  lam: StaticArray<f64>
  nu: StaticArray<f64>
  /**
   * Riccati feedback of the last Newton system around the solution (stage k): u_k ≈ u*_k +
   * K_k (x_k − x*_k), K_k (nuMax × nxMax block, nu_k × nx), kff_k = u*_k − K_k x*_k, and the
   * cost-to-go Hessian P_k (nx × nx; barrier terms of the active rows included).
   */
  K: StaticArray<f64>
  kff: StaticArray<f64>
  P: StaticArray<f64>
  status: i32 = OCP_OPTIMAL
  error: i32 = OCP_E_NONE
  errorStage: i32 = -1
  iterations: i32 = 0
  objective: f64 = 0.0
  resStat: f64 = 0.0
  resEq: f64 = 0.0
  resComp: f64 = 0.0
  /** 1 when the solve started from the previous solution, 2 when that failed and it restarted cold. */
  warm: i32 = 0
  /** 1 when the active-set polish was accepted. */
  polished: i32 = 0
  /** Active-set rounds (Riccati factorizations) and augmented-Lagrangian passes (Riccati solves) of the polish, this solve. */
  polishRounds: i32 = 0
  polishPasses: i32 = 0
  /** Rank-one changes of the factors (row changes between active-set rounds) of the polish. */
  polishUpdates: i32 = 0
  constructor (d: OcpDims) {
    const S = d.Nmax + 1
    this.x = new StaticArray<f64>(S * max(1, d.nxMax))
    this.u = new StaticArray<f64>(S * max(1, d.nuMax))
    this.pi = new StaticArray<f64>(S * max(1, d.nxMax))
    this.lam = new StaticArray<f64>(S * max(1, d.ngMax))
    this.nu = new StaticArray<f64>(S * max(1, d.neMax))
    this.K = new StaticArray<f64>(S * max(1, d.nuMax * d.nxMax))
    this.kff = new StaticArray<f64>(S * max(1, d.nuMax))
    this.P = new StaticArray<f64>(S * max(1, d.nxMax * d.nxMax))
  }
}

export class OcpWorkspace {
  /** Reduced stage variable y_k = [v_k; x_k] (nv_k inputs after equality elimination, nxr_k states). */
  nv: StaticArray<i32>
  nxr: StaticArray<i32>
  ny: StaticArray<i32>
  nyMax: i32
  /** [x; u] = T y + t0 per stage; selection (no equalities) maps y entries to [x; u] indices. */
  T: StaticArray<f64>
  t0: StaticArray<f64>
  sel: StaticArray<i32>
  isSel: StaticArray<i32>
  /** Stages whose equality rows each fix one input (selection stages with ne > 0): the input fixed by row i (k·neMax + i). */
  eqCol: StaticArray<i32>
  /** Scratch: inputs already fixed by an earlier row of the stage (nuMax). */
  uFixed: StaticArray<i32>
  /** Scratch: indices of the nonzero entries of t0_k (nxMax + nuMax). */
  t0Idx: StaticArray<i32>
  els: StaticArray<Elimination>
  /** Constant of the reduced stage cost, ½ t0ᵀQ t0 + qᵀt0 (objective = Σ ½yᵀQ̃y + q̃ᵀy + objC). */
  objC: StaticArray<f64>
  /**
   * Sparse rows of Ã_k when it is at most half full (arSparse = 1; dynamics of MPCs are mostly
   * identity blocks and dt couplings): the column indices of row j's nonzeros at (k·nx + j)·nyMax,
   * their count at k·nx + j.
   */
  arSparse: StaticArray<i32>
  arIdx: StaticArray<i32>
  arCnt: StaticArray<i32>
  /** 1 when Q̃_k is diagonal (its products then skip the off-diagonal zeros). */
  qDiag: StaticArray<i32>
  /** Reduced data: cost (ny²), gradient, dynamics Ã (nx × ny), c̃, rows G̃ (ng × ny), bounds. */
  Qr: StaticArray<f64>
  qr: StaticArray<f64>
  Ar: StaticArray<f64>
  cr: StaticArray<f64>
  Gr: StaticArray<f64>
  lgr: StaticArray<f64>
  ugr: StaticArray<f64>
  /** Nonzero columns of each G̃ row (ng × ny) and their count. */
  gIdx: StaticArray<i32>
  gCnt: StaticArray<i32>
  hasL: StaticArray<f64>
  hasU: StaticArray<f64>
  /** Rows with at least one finite side (absolute indices k·ngMax + i, stage k at k·ngMax) and their count: the interior-point loops visit only these. */
  live: StaticArray<i32>
  nLive: StaticArray<i32>
  // ---- iterate ----
  y: StaticArray<f64>
  pi: StaticArray<f64>
  sl: StaticArray<f64>
  su: StaticArray<f64>
  ll: StaticArray<f64>
  lu: StaticArray<f64>
  // ---- residuals ----
  rd: StaticArray<f64>
  rdyn: StaticArray<f64>
  rl: StaticArray<f64>
  ru: StaticArray<f64>
  // ---- directions (final and affine) ----
  dy: StaticArray<f64>
  dpi: StaticArray<f64>
  dsl: StaticArray<f64>
  dsu: StaticArray<f64>
  dll: StaticArray<f64>
  dlu: StaticArray<f64>
  asl: StaticArray<f64>
  asu: StaticArray<f64>
  all: StaticArray<f64>
  /** The warm start's multipliers before lifting (lower, upper side): the active-set start's. */
  gl0: StaticArray<f64>
  gu0: StaticArray<f64>
  alu: StaticArray<f64>
  // ---- Newton system and Riccati factors ----
  W: StaticArray<f64>
  rg: StaticArray<f64>
  gh: StaticArray<f64>
  L: StaticArray<f64>
  lvec: StaticArray<f64>
  p: StaticArray<f64>
  Lt: StaticArray<f64>
  /** Scratch of the factorization: where each row of Lt ends (nyMax). */
  ltLen: StaticArray<i32>
  /** Scratch of the reduction: Q_k T_k ((nx+nu) × ny). */
  QT: StaticArray<f64>
  tv: StaticArray<f64>
  tw: StaticArray<f64>
  floored: i32 = 0
  /** Rows whose active side changed in the last active-set round (at most 5). */
  chg: StaticArray<i32>
  /** Pivots floored per stage in the last factorization of that stage (N + 1). */
  flooredAt: StaticArray<i32>
  /** The iterate is initCold's (y = 0, π = 0) and has not moved since. */
  coldStart: bool = false
  /** Set by a warm start: rg holds the previous solution's active set, the active-set start's guess. */
  warmGuess: bool = false
  /** max |π|, |λ| of the current iterate (residuals). */
  dualScale: f64 = 0.0
  /** max relative dynamics residual of the current iterate (residuals). */
  dynRes: f64 = 0.0
  // ---- iterate before the last update (restored when a step breaks down) ----
  by: StaticArray<f64>
  bpi: StaticArray<f64>
  bsl: StaticArray<f64>
  bsu: StaticArray<f64>
  bll: StaticArray<f64>
  blu: StaticArray<f64>
  // ---- previous solution for warm start (original coordinates) ----
  prevValid: bool = false
  px: StaticArray<f64>
  pu: StaticArray<f64>
  ppi: StaticArray<f64>
  psl: StaticArray<f64>
  psu: StaticArray<f64>
  pll: StaticArray<f64>
  plu: StaticArray<f64>

  constructor (d: OcpDims) {
    const S = d.Nmax + 1
    const nx = max(1, d.nxMax)
    const nu = max(1, d.nuMax)
    const ny = max(1, d.nxMax + d.nuMax)
    const ng = max(1, d.ngMax)
    const nxu = max(1, d.nxMax + d.nuMax)
    this.nyMax = ny
    this.nv = new StaticArray<i32>(S)
    this.nxr = new StaticArray<i32>(S)
    this.ny = new StaticArray<i32>(S)
    this.T = new StaticArray<f64>(S * nxu * ny)
    this.t0 = new StaticArray<f64>(S * nxu)
    this.sel = new StaticArray<i32>(S * ny)
    this.isSel = new StaticArray<i32>(S)
    this.eqCol = new StaticArray<i32>(S * max(1, d.neMax))
    this.uFixed = new StaticArray<i32>(nu)
    this.t0Idx = new StaticArray<i32>(nxu)
    const els = new StaticArray<Elimination>(S)
    for (let k = 0; k < S; k++) els[k] = new Elimination(d.neMax, d.nuMax)
    this.els = els
    this.qDiag = new StaticArray<i32>(S)
    this.arSparse = new StaticArray<i32>(S)
    this.arIdx = new StaticArray<i32>(S * nx * ny)
    this.arCnt = new StaticArray<i32>(S * nx)
    this.objC = new StaticArray<f64>(S)
    this.Qr = new StaticArray<f64>(S * ny * ny)
    this.qr = new StaticArray<f64>(S * ny)
    this.Ar = new StaticArray<f64>(S * nx * ny)
    this.cr = new StaticArray<f64>(S * nx)
    this.Gr = new StaticArray<f64>(S * ng * ny)
    this.lgr = new StaticArray<f64>(S * ng)
    this.ugr = new StaticArray<f64>(S * ng)
    this.gIdx = new StaticArray<i32>(S * ng * ny)
    this.gCnt = new StaticArray<i32>(S * ng)
    this.hasL = new StaticArray<f64>(S * ng)
    this.hasU = new StaticArray<f64>(S * ng)
    this.live = new StaticArray<i32>(S * ng)
    this.nLive = new StaticArray<i32>(S)
    this.flooredAt = new StaticArray<i32>(S)
    this.chg = new StaticArray<i32>(8)
    this.y = new StaticArray<f64>(S * ny)
    this.pi = new StaticArray<f64>(S * nx)
    this.sl = new StaticArray<f64>(S * ng)
    this.su = new StaticArray<f64>(S * ng)
    this.ll = new StaticArray<f64>(S * ng)
    this.lu = new StaticArray<f64>(S * ng)
    this.rd = new StaticArray<f64>(S * ny)
    this.rdyn = new StaticArray<f64>(S * nx)
    this.rl = new StaticArray<f64>(S * ng)
    this.ru = new StaticArray<f64>(S * ng)
    this.dy = new StaticArray<f64>(S * ny)
    this.dpi = new StaticArray<f64>(S * nx)
    this.dsl = new StaticArray<f64>(S * ng)
    this.dsu = new StaticArray<f64>(S * ng)
    this.dll = new StaticArray<f64>(S * ng)
    this.dlu = new StaticArray<f64>(S * ng)
    this.asl = new StaticArray<f64>(S * ng)
    this.asu = new StaticArray<f64>(S * ng)
    this.all = new StaticArray<f64>(S * ng)
    this.gl0 = new StaticArray<f64>(S * ng)
    this.gu0 = new StaticArray<f64>(S * ng)
    this.alu = new StaticArray<f64>(S * ng)
    this.W = new StaticArray<f64>(S * ng)
    this.rg = new StaticArray<f64>(S * ng)
    this.gh = new StaticArray<f64>(S * ny)
    this.L = new StaticArray<f64>(S * ny * ny)
    this.lvec = new StaticArray<f64>(S * ny)
    this.p = new StaticArray<f64>(S * nx)
    this.Lt = new StaticArray<f64>(nx * ny)
    this.ltLen = new StaticArray<i32>(ny)
    this.QT = new StaticArray<f64>(nxu * ny)
    this.tv = new StaticArray<f64>(max(nxu, ny))
    this.tw = new StaticArray<f64>(max(nxu, ny))
    this.by = new StaticArray<f64>(S * ny)
    this.bpi = new StaticArray<f64>(S * nx)
    this.bsl = new StaticArray<f64>(S * ng)
    this.bsu = new StaticArray<f64>(S * ng)
    this.bll = new StaticArray<f64>(S * ng)
    this.blu = new StaticArray<f64>(S * ng)
    this.px = new StaticArray<f64>(S * nx)
    this.pu = new StaticArray<f64>(S * nu)
    this.ppi = new StaticArray<f64>(S * nx)
    this.psl = new StaticArray<f64>(S * ng)
    this.psu = new StaticArray<f64>(S * ng)
    this.pll = new StaticArray<f64>(S * ng)
    this.plu = new StaticArray<f64>(S * ng)
  }
}
