// Host-facing exports of the solvers (re-exported by assembly/index.ts). Each solver instance is a
// bundle of dims / data / solution / options / workspace created once (the only allocation); the
// host gets zero-copy views of its arrays by field id and calls the solve, which never allocates.
// Handles are the bundle's address. host/solvers/*.ts mirrors the field ids and statuses.
import { QpDims, QpData, QpOptions, QpSolution } from './qp/qp-types'
import { QpWorkspace } from './qp/qp-workspace'
import { qpSolve } from './qp/dense-qp'
import { HqpDims, HqpData, HqpOptions, HqpSolution, HqpWorkspace } from './hqp/hqp-types'
import { hqpSolve } from './hqp/lexicographic-qp'
import { OcpDims, OcpBlocks, OcpData, OcpOptions, OcpSolution, OcpWorkspace } from './ocp/ocp-types'
import { ocpSolve } from './ocp/ocp-ipm'

// ---------------------------------------------------------------- probes

/**
 * Allocation probe: returns the current top of the heap (the stub allocator's next address) by
 * allocating 8 bytes. Two probes around a loop of solves differ by exactly one probe's cost when
 * the solves allocated nothing.
 */
export function solversHeapProbe (): usize {
  return heap.alloc(8)
}

// ---------------------------------------------------------------- dense QP

class DenseQp {
  dims: QpDims
  data: QpData
  sol: QpSolution
  opts: QpOptions
  ws: QpWorkspace
  constructor (nMax: i32, meMax: i32, mcMax: i32) {
    const dims = new QpDims(nMax, meMax, mcMax)
    this.dims = dims
    this.data = new QpData(dims)
    this.sol = new QpSolution(dims)
    this.opts = new QpOptions()
    this.ws = new QpWorkspace(dims)
  }
}

@inline function qp (h: usize): DenseQp { return changetype<DenseQp>(h) }

/** Creates a dense QP instance for n ≤ nMax variables, me ≤ meMax equalities, mc ≤ mcMax rows. */
export function qpCreate (nMax: i32, meMax: i32, mcMax: i32): usize {
  assert(nMax >= 0 && meMax >= 0 && mcMax >= 0)
  return changetype<usize>(new DenseQp(nMax, meMax, mcMax))
}

/** Sets the current sizes (the data arrays are then read compactly with these sizes). */
export function qpSetDims (h: usize, n: i32, me: i32, mc: i32): void {
  const d = qp(h).dims
  if (n < 0 || me < 0 || mc < 0 || n > d.nMax || me > d.meMax || mc > d.mcMax) throw new Error('qpSetDims: sizes exceed the instance maxima')
  d.n = n
  d.me = me
  d.mc = mc
}

/** Field ids of qpField. */
export const QP_F_H: i32 = 0
export const QP_F_G: i32 = 1
export const QP_F_A: i32 = 2
export const QP_F_B: i32 = 3
export const QP_F_C: i32 = 4
export const QP_F_L: i32 = 5
export const QP_F_U: i32 = 6
export const QP_F_LB: i32 = 7
export const QP_F_UB: i32 = 8
export const QP_F_X: i32 = 10
export const QP_F_Y: i32 = 11
export const QP_F_Z: i32 = 12
export const QP_F_ZB: i32 = 13
export const QP_F_ACTIVE_C: i32 = 14
export const QP_F_ACTIVE_B: i32 = 15
export const QP_F_INFEASIBLE: i32 = 16

/** Address of a data or solution array (f64, or i32 for the active sets and infeasible ids). */
export function qpField (h: usize, f: i32): usize {
  const q = qp(h)
  switch (f) {
    case QP_F_H: return changetype<usize>(q.data.H)
    case QP_F_G: return changetype<usize>(q.data.g)
    case QP_F_A: return changetype<usize>(q.data.A)
    case QP_F_B: return changetype<usize>(q.data.b)
    case QP_F_C: return changetype<usize>(q.data.C)
    case QP_F_L: return changetype<usize>(q.data.l)
    case QP_F_U: return changetype<usize>(q.data.u)
    case QP_F_LB: return changetype<usize>(q.data.lb)
    case QP_F_UB: return changetype<usize>(q.data.ub)
    case QP_F_X: return changetype<usize>(q.sol.x)
    case QP_F_Y: return changetype<usize>(q.sol.y)
    case QP_F_Z: return changetype<usize>(q.sol.z)
    case QP_F_ZB: return changetype<usize>(q.sol.zb)
    case QP_F_ACTIVE_C: return changetype<usize>(q.sol.activeC)
    case QP_F_ACTIVE_B: return changetype<usize>(q.sol.activeB)
    case QP_F_INFEASIBLE: return changetype<usize>(q.sol.infeasible)
    default: throw new Error('qpField: unknown field id')
  }
}

/** Solves; returns the status (QP_OPTIMAL 0, QP_INFEASIBLE 1, QP_MAX_ITER 2, QP_NUMERICAL 3). */
export function qpRun (h: usize): i32 {
  const q = qp(h)
  return qpSolve(q.dims, q.data, q.sol, q.opts, q.ws)
}

/** Info ids of qpInfo. */
export const QP_I_STATUS: i32 = 0
export const QP_I_OBJECTIVE: i32 = 1
export const QP_I_ITERATIONS: i32 = 2
export const QP_I_PROX_ITERATIONS: i32 = 3
export const QP_I_NINF: i32 = 4
export const QP_I_PRIMAL_RES: i32 = 5
export const QP_I_DUAL_RES: i32 = 6
export const QP_I_REGULARIZED: i32 = 7
export const QP_I_REUSED: i32 = 8
export const QP_I_N: i32 = 9
export const QP_I_ME: i32 = 10
export const QP_I_MC: i32 = 11

/** A scalar of the last solve, or a current size (QP_I_N, QP_I_ME, QP_I_MC). */
export function qpInfo (h: usize, i: i32): f64 {
  const s = qp(h).sol
  const d = qp(h).dims
  switch (i) {
    case QP_I_N: return <f64>d.n
    case QP_I_ME: return <f64>d.me
    case QP_I_MC: return <f64>d.mc
    case QP_I_STATUS: return <f64>s.status
    case QP_I_OBJECTIVE: return s.objective
    case QP_I_ITERATIONS: return <f64>s.iterations
    case QP_I_PROX_ITERATIONS: return <f64>s.proxIterations
    case QP_I_NINF: return <f64>s.ninf
    case QP_I_PRIMAL_RES: return s.primalResidual
    case QP_I_DUAL_RES: return s.dualResidual
    case QP_I_REGULARIZED: return <f64>s.regularized
    case QP_I_REUSED: return <f64>s.reused
    default: throw new Error('qpInfo: unknown info id')
  }
}

/** Option ids of qpSetOption. */
export const QP_O_MAX_ITER: i32 = 0
export const QP_O_TOL_FEAS: i32 = 1
export const QP_O_TOL_RANK: i32 = 2
export const QP_O_RHO_REL: i32 = 3
export const QP_O_PROX_TOL: i32 = 4
export const QP_O_PROX_MAX_ITER: i32 = 5
export const QP_O_WARM_START: i32 = 6

/** Sets an option. */
export function qpSetOption (h: usize, i: i32, v: f64): void {
  const o = qp(h).opts
  switch (i) {
    case QP_O_MAX_ITER: o.maxIter = <i32>v; break
    case QP_O_TOL_FEAS: o.tolFeas = v; break
    case QP_O_TOL_RANK: o.tolRank = v; break
    case QP_O_RHO_REL: o.rhoRel = v; break
    case QP_O_PROX_TOL: o.proxTol = v; break
    case QP_O_PROX_MAX_ITER: o.proxMaxIter = <i32>v; break
    case QP_O_WARM_START: o.warmStart = v != 0.0; break
    default: throw new Error('qpSetOption: unknown option id')
  }
}

/** Forgets the warm start and the kept factorization (next solve is cold). */
export function qpResetWarm (h: usize): void {
  const w = qp(h).ws
  w.nwarm = 0
  w.structValid = false
  w.zPrevValid = false
  w.gi.factorValid = false
}


// ---------------------------------------------------------------- hierarchical QP

class Hqp {
  dims: HqpDims
  data: HqpData
  sol: HqpSolution
  opts: HqpOptions
  ws: HqpWorkspace
  constructor (nMax: i32, levelsMax: i32, meMax: i32, mcMax: i32) {
    const dims = new HqpDims(nMax, levelsMax, meMax, mcMax)
    this.dims = dims
    this.data = new HqpData(dims)
    this.sol = new HqpSolution(dims)
    this.opts = new HqpOptions()
    this.ws = new HqpWorkspace(dims)
  }
}

@inline function hqp (h: usize): Hqp { return changetype<Hqp>(h) }

/**
 * Creates a hierarchical QP instance: n ≤ nMax variables, ≤ levelsMax levels, ≤ meMax equality
 * rows and ≤ mcMax two-sided rows in all levels together.
 */
export function hqpCreate (nMax: i32, levelsMax: i32, meMax: i32, mcMax: i32): usize {
  assert(nMax >= 0 && levelsMax >= 0 && meMax >= 0 && mcMax >= 0)
  return changetype<usize>(new Hqp(nMax, levelsMax, meMax, mcMax))
}

/** Sets n and the number of levels (then hqpSetLevel for each level's row counts). */
export function hqpSetDims (h: usize, n: i32, levels: i32): void {
  const d = hqp(h).dims
  if (n < 0 || n > d.nMax || levels < 0 || levels > d.levelsMax) throw new Error('hqpSetDims: sizes exceed the instance maxima')
  d.n = n
  d.nl = levels
}

/** Sets level k's equality and two-sided row counts. */
export function hqpSetLevel (h: usize, k: i32, me: i32, mc: i32): void {
  const d = hqp(h).dims
  if (k < 0 || k >= d.levelsMax || me < 0 || mc < 0) throw new Error('hqpSetLevel: bad level or size')
  d.me[k] = me
  d.mc[k] = mc
}

export const HQP_F_A: i32 = 0
export const HQP_F_B: i32 = 1
export const HQP_F_C: i32 = 2
export const HQP_F_L: i32 = 3
export const HQP_F_U: i32 = 4
export const HQP_F_LB: i32 = 5
export const HQP_F_UB: i32 = 6
export const HQP_F_X: i32 = 10
export const HQP_F_W: i32 = 11
export const HQP_F_V: i32 = 12
export const HQP_F_LEVEL_STATUS: i32 = 13
export const HQP_F_SLACK_EQ: i32 = 14
export const HQP_F_SLACK_INEQ: i32 = 15
export const HQP_F_LEVEL_ITER: i32 = 16
export const HQP_F_INFEASIBLE: i32 = 17

/** Address of a data or solution array (i32 for level status, level iterations, infeasible ids). */
export function hqpField (h: usize, f: i32): usize {
  const q = hqp(h)
  switch (f) {
    case HQP_F_A: return changetype<usize>(q.data.A)
    case HQP_F_B: return changetype<usize>(q.data.b)
    case HQP_F_C: return changetype<usize>(q.data.C)
    case HQP_F_L: return changetype<usize>(q.data.l)
    case HQP_F_U: return changetype<usize>(q.data.u)
    case HQP_F_LB: return changetype<usize>(q.data.lb)
    case HQP_F_UB: return changetype<usize>(q.data.ub)
    case HQP_F_X: return changetype<usize>(q.sol.x)
    case HQP_F_W: return changetype<usize>(q.sol.w)
    case HQP_F_V: return changetype<usize>(q.sol.v)
    case HQP_F_LEVEL_STATUS: return changetype<usize>(q.sol.levelStatus)
    case HQP_F_SLACK_EQ: return changetype<usize>(q.sol.slackEq)
    case HQP_F_SLACK_INEQ: return changetype<usize>(q.sol.slackIneq)
    case HQP_F_LEVEL_ITER: return changetype<usize>(q.sol.levelIter)
    case HQP_F_INFEASIBLE: return changetype<usize>(q.sol.infeasible)
    default: throw new Error('hqpField: unknown field id')
  }
}

/** Solves; returns the status (0 optimal, 1 infeasible box, 2 iteration limit, 3 numerical). */
export function hqpRun (h: usize): i32 {
  const q = hqp(h)
  return hqpSolve(q.dims, q.data, q.sol, q.opts, q.ws)
}

/**
 * Info: 0 status, 1 iterations, 2 number of infeasible box ids, 3 n, 4 number of levels, 5 proximal
 * passes, 6 relaxed levels finished at their least-squares point.
 */
export function hqpInfo (h: usize, i: i32): f64 {
  const s = hqp(h).sol
  const d = hqp(h).dims
  if (i == 0) return <f64>s.status
  if (i == 1) return <f64>s.iterations
  if (i == 2) return <f64>s.ninf
  if (i == 3) return <f64>d.n
  if (i == 4) return <f64>d.nl
  if (i == 5) return <f64>s.proxPasses
  if (i == 6) return <f64>s.lsLevels
  throw new Error('hqpInfo: unknown info id')
}

/** Level k's current row counts: what 0 → equality rows, 1 → two-sided rows. */
export function hqpLevelRows (h: usize, k: i32, what: i32): i32 {
  const d = hqp(h).dims
  if (k < 0 || k >= d.levelsMax) throw new Error('hqpLevelRows: bad level')
  return what == 0 ? d.me[k] : d.mc[k]
}

/** Options: 0 maxIter, 1 tolFeas, 2 tolRank, 3 rhoRel, 4 proxTol, 5 proxMaxIter, 6 warmStart. */
export function hqpSetOption (h: usize, i: i32, v: f64): void {
  const o = hqp(h).opts
  switch (i) {
    case 0: o.maxIter = <i32>v; break
    case 1: o.tolFeas = v; break
    case 2: o.tolRank = v; break
    case 3: o.rhoRel = v; break
    case 4: o.proxTol = v; break
    case 5: o.proxMaxIter = <i32>v; break
    case 6: o.warmStart = v != 0.0; break
    default: throw new Error('hqpSetOption: unknown option id')
  }
}

/** Forgets the per-level warm starts. */
export function hqpResetWarm (h: usize): void {
  const w = hqp(h).ws
  for (let i = 0; i < w.warmCount.length; i++) w.warmCount[i] = 0
}

// ---------------------------------------------------------------- OCP QP

class Ocp {
  dims: OcpDims
  blocks: OcpBlocks
  data: OcpData
  sol: OcpSolution
  opts: OcpOptions
  ws: OcpWorkspace
  constructor (Nmax: i32, nxMax: i32, nuMax: i32, ngMax: i32, neMax: i32) {
    const dims = new OcpDims(Nmax, nxMax, nuMax, ngMax, neMax)
    const blocks = new OcpBlocks(dims)
    this.dims = dims
    this.blocks = blocks
    this.data = new OcpData(dims, blocks)
    this.sol = new OcpSolution(dims)
    this.opts = new OcpOptions()
    this.ws = new OcpWorkspace(dims)
  }
}

@inline function ocp (h: usize): Ocp { return changetype<Ocp>(h) }

/** Creates an OCP QP instance for horizons N ≤ Nmax and per-stage sizes up to the maxima. */
export function ocpCreate (Nmax: i32, nxMax: i32, nuMax: i32, ngMax: i32, neMax: i32): usize {
  assert(Nmax >= 0 && nxMax >= 0 && nuMax >= 0 && ngMax >= 0 && neMax >= 0)
  return changetype<usize>(new Ocp(Nmax, nxMax, nuMax, ngMax, neMax))
}

/** Sets the horizon, the state size and whether x_0 is fixed to data.x0 (1) or free (0). */
export function ocpSetHorizon (h: usize, N: i32, nx: i32, x0Fixed: i32): void {
  const d = ocp(h).dims
  if (N < 0 || N > d.Nmax || nx < 0 || nx > d.nxMax) throw new Error('ocpSetHorizon: sizes exceed the instance maxima')
  d.N = N
  d.nx = nx
  d.x0Fixed = x0Fixed != 0
}

/** Sets stage k's input count, two-sided rows and equality rows. */
export function ocpSetStage (h: usize, k: i32, nu: i32, ng: i32, ne: i32): void {
  const d = ocp(h).dims
  if (k < 0 || k > d.Nmax || nu < 0 || nu > d.nuMax || ng < 0 || ng > d.ngMax || ne < 0 || ne > d.neMax) throw new Error('ocpSetStage: bad stage or size')
  d.nu[k] = nu
  d.ng[k] = ng
  d.ne[k] = ne
}

export const OCP_F_Q: i32 = 0
export const OCP_F_QV: i32 = 1
export const OCP_F_A: i32 = 2
export const OCP_F_B: i32 = 3
export const OCP_F_C: i32 = 4
export const OCP_F_DX: i32 = 5
export const OCP_F_EU: i32 = 6
export const OCP_F_E: i32 = 7
export const OCP_F_GX: i32 = 8
export const OCP_F_GU: i32 = 9
export const OCP_F_LG: i32 = 10
export const OCP_F_UG: i32 = 11
export const OCP_F_X0: i32 = 12
export const OCP_F_X: i32 = 20
export const OCP_F_U: i32 = 21
export const OCP_F_PI: i32 = 22
export const OCP_F_LAM: i32 = 23
export const OCP_F_NU: i32 = 24
export const OCP_F_K: i32 = 25
export const OCP_F_KFF: i32 = 26
export const OCP_F_P: i32 = 27

/**
 * Address of stage k's block of a field. Data blocks are compact with the stage's sizes. Solution
 * blocks: x at k·nx, u at k·nuMax, π_{k+1} at k·nx, λ at k·ngMax, ν at k·neMax,
 * K at k·nuMax·nxMax (nu_k × nx), kff at k·nuMax, P at k·nxMax² (nx × nx).
 */
export function ocpField (h: usize, f: i32, k: i32): usize {
  const q = ocp(h)
  const b = q.blocks
  const d = q.dims
  let arr: StaticArray<f64>
  let off: i32
  switch (f) {
    case OCP_F_Q: arr = q.data.Q; off = k * b.Q; break
    case OCP_F_QV: arr = q.data.q; off = k * b.q; break
    case OCP_F_A: arr = q.data.A; off = k * b.A; break
    case OCP_F_B: arr = q.data.B; off = k * b.B; break
    case OCP_F_C: arr = q.data.c; off = k * b.c; break
    case OCP_F_DX: arr = q.data.Dx; off = k * b.Dx; break
    case OCP_F_EU: arr = q.data.Eu; off = k * b.Eu; break
    case OCP_F_E: arr = q.data.e; off = k * b.e; break
    case OCP_F_GX: arr = q.data.Gx; off = k * b.Gx; break
    case OCP_F_GU: arr = q.data.Gu; off = k * b.Gu; break
    case OCP_F_LG: arr = q.data.lg; off = k * b.g; break
    case OCP_F_UG: arr = q.data.ug; off = k * b.g; break
    case OCP_F_X0: arr = q.data.x0; off = 0; break
    case OCP_F_X: arr = q.sol.x; off = k * d.nx; break
    case OCP_F_U: arr = q.sol.u; off = k * d.nuMax; break
    case OCP_F_PI: arr = q.sol.pi; off = k * d.nx; break
    case OCP_F_LAM: arr = q.sol.lam; off = k * d.ngMax; break
    case OCP_F_NU: arr = q.sol.nu; off = k * d.neMax; break
    case OCP_F_K: arr = q.sol.K; off = k * d.nuMax * d.nxMax; break
    case OCP_F_KFF: arr = q.sol.kff; off = k * d.nuMax; break
    case OCP_F_P: arr = q.sol.P; off = k * d.nxMax * d.nxMax; break
    default: throw new Error('ocpField: unknown field id')
  }
  if (k < 0 || k > d.Nmax) throw new Error('ocpField: stage out of range')
  return changetype<usize>(arr) + (<usize>off << 3)
}

/** Solves; returns the status (0 optimal, 2 iteration limit, 3 numerical; see ocpInfo error). */
export function ocpRun (h: usize): i32 {
  const q = ocp(h)
  return ocpSolve(q.dims, q.data, q.blocks, q.sol, q.opts, q.ws)
}

/**
 * Info: 0 status, 1 iterations, 2 objective, 3 stationarity residual, 4 equality residual,
 * 5 μ, 6 setup error (OCP_E_*), 7 stage of the setup error, 8 warm (0 cold, 1 warm, 2 warm then cold),
 * 9 Riccati pivots floored in the last factorization, 10 active-set polish accepted (1) or not (0),
 * 11 active-set rounds and 12 augmented-Lagrangian passes (Riccati solves) of the polish, 13 rank-one
 * changes of the factors between its rounds (a round after a few row changes updates the factors
 * instead of factoring).
 */
export function ocpInfo (h: usize, i: i32): f64 {
  const q = ocp(h)
  const s = q.sol
  switch (i) {
    case 0: return <f64>s.status
    case 1: return <f64>s.iterations
    case 2: return s.objective
    case 3: return s.resStat
    case 4: return s.resEq
    case 5: return s.resComp
    case 6: return <f64>s.error
    case 7: return <f64>s.errorStage
    case 8: return <f64>s.warm
    case 9: return <f64>q.ws.floored
    case 10: return <f64>s.polished
    case 11: return <f64>s.polishRounds
    case 12: return <f64>s.polishPasses
    case 13: return <f64>s.polishUpdates
    default: throw new Error('ocpInfo: unknown info id')
  }
}

/** Options: 0 maxIter, 1 tolStat, 2 tolEq, 3 tolComp, 4 warmStart, 5 shift, 6 pivotFloor, 7 polish. */
export function ocpSetOption (h: usize, i: i32, v: f64): void {
  const o = ocp(h).opts
  switch (i) {
    case 0: o.maxIter = <i32>v; break
    case 1: o.tolStat = v; break
    case 2: o.tolEq = v; break
    case 3: o.tolComp = v; break
    case 4: o.warmStart = v != 0.0; break
    case 5: o.shift = v != 0.0; break
    case 6: o.pivotFloor = v; break
    case 7: o.polish = v != 0.0; break
    default: throw new Error('ocpSetOption: unknown option id')
  }
}

/** Forgets the previous solution (next solve starts cold). */
export function ocpResetWarm (h: usize): void {
  ocp(h).ws.prevValid = false
}
