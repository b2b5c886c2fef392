// Flat WASM exports of the SRBD and kinodynamic MPC, for the host tests and benches
// (host/locomotion/mpc/*.ts); the controller calls the AS classes directly. Handles are object
// addresses; arrays are reached by field id as zero-copy views. Allocation happens only in the
// *Create functions.
import { SrbdMpc, SrbdMpcConfig } from './srbd-mpc'
import { instanceModel, instanceData } from '../../model/instance'
import { KinodynamicMpc, KinodynamicMpcConfig } from './kinodynamic-mpc'
import { KinoSnapshotSolver } from './kinodynamic-snapshot'
import { OcpData, OcpBlocks } from '../../solvers/ocp/ocp-types'

/** Heap top (allocates 8 bytes): equal probes around a loop minus one probe = nothing allocated. */
export function mpcHeapProbe (): usize {
  return heap.alloc(8)
}

// ---------------------------------------------------------------- SRBD config

/** A config with the defaults of SrbdMpcConfig (mass 0: set it, or mpcSrbdConfigFromModel). */
export function mpcSrbdConfigCreate (): usize {
  return changetype<usize>(new SrbdMpcConfig())
}

@inline function cfgOf (h: usize): SrbdMpcConfig { return changetype<SrbdMpcConfig>(h) }

/** Scalar ids: 0 mass, 1 N, 2 dt, 3 nfeet, 4 mu, 5 fz_min, 6 fz_max, 7 w_terminal_scale, 8 qp_max_iter, 9 qp_tol, 10 qp_polish (0/1), 11 qp_tail_dual_tol. */
export function mpcSrbdConfigSet (h: usize, id: i32, v: f64): void {
  const c = cfgOf(h)
  switch (id) {
    case 0: c.mass = v; break
    case 1: c.N = <i32>v; break
    case 2: c.dt = v; break
    case 3: c.nfeet = <i32>v; break
    case 4: c.mu = v; break
    case 5: c.fz_min = v; break
    case 6: c.fz_max = v; break
    case 7: c.w_terminal_scale = v; break
    case 8: c.qp_max_iter = <i32>v; break
    case 9: c.qp_tol = v; break
    case 10: c.qp_polish = v != 0.0; break
    case 11: c.qp_tail_dual_tol = v; break
    default: throw new Error('mpcSrbdConfigSet: unknown id')
  }
}

export function mpcSrbdConfigGet (h: usize, id: i32): f64 {
  const c = cfgOf(h)
  switch (id) {
    case 0: return c.mass
    case 1: return <f64>c.N
    case 2: return c.dt
    case 3: return <f64>c.nfeet
    case 4: return c.mu
    case 5: return c.fz_min
    case 6: return c.fz_max
    case 7: return c.w_terminal_scale
    case 8: return <f64>c.qp_max_iter
    case 9: return c.qp_tol
    case 10: return c.qp_polish ? 1.0 : 0.0
    case 11: return c.qp_tail_dual_tol
    default: throw new Error('mpcSrbdConfigGet: unknown id')
  }
}

/** Array ids: 0 I_body (9), 1 w_state (12), 2 w_input (3), 3 com_base (3). Returns the byte address. */
export function mpcSrbdConfigArray (h: usize, id: i32): usize {
  const c = cfgOf(h)
  switch (id) {
    case 0: return changetype<usize>(c.I_body)
    case 1: return changetype<usize>(c.w_state)
    case 2: return changetype<usize>(c.w_input)
    case 3: return changetype<usize>(c.com_base)
    default: throw new Error('mpcSrbdConfigArray: unknown id')
  }
}

/**
 * Sets mass, I_body and com_base from this instance's robot model at the configuration in the
 * dynamics Data's qpos (the host writes the home keyframe there). Returns the mass, or −1 when the
 * model has no free-floating base.
 */
export function mpcSrbdConfigFromModel (h: usize): f64 {
  const c = cfgOf(h)
  const d = instanceData()
  return c.fromModel(instanceModel(), d, d.qpos) ? c.mass : -1.0
}

// ---------------------------------------------------------------- SRBD MPC

class SrbdHandle {
  mpc: SrbdMpc
  // probe of the discrete dynamics (tests): x, forces, foot positions, stance → x⁺, A, B
  px: StaticArray<f64>
  pf: StaticArray<f64>
  pr: StaticArray<f64>
  ps: StaticArray<u8>
  pxn: StaticArray<f64>
  pA: StaticArray<f64>
  pB: StaticArray<f64>
  constructor (cfg: SrbdMpcConfig) {
    this.mpc = new SrbdMpc(cfg)
    const nf = cfg.nfeet
    this.px = new StaticArray<f64>(12)
    this.pf = new StaticArray<f64>(3 * nf)
    this.pr = new StaticArray<f64>(3 * nf)
    this.ps = new StaticArray<u8>(nf)
    this.pxn = new StaticArray<f64>(12)
    this.pA = new StaticArray<f64>(144)
    this.pB = new StaticArray<f64>(12 * 3 * nf)
  }
}

@inline function srbd (h: usize): SrbdHandle { return changetype<SrbdHandle>(h) }

/** Creates an SRBD MPC from a config (the config is copied by reference: keep it alive). */
export function mpcSrbdCreate (cfg: usize): usize {
  return changetype<usize>(new SrbdHandle(cfgOf(cfg)))
}

/**
 * Field ids: 0 x0 (12), 1 quat_base_world (4), 2 x_ref ((N+1)·12), 3 contact (u8, N·nfeet),
 * 4 p_foot_world (N·nfeet·3), 5 f_foot_world (nfeet·3), 6 x_pred ((N+1)·12), 7 u_pred (N·nfeet·3);
 * probe: 10 x (12), 11 f (3·nfeet), 12 r (3·nfeet), 13 stance (u8, nfeet), 14 x⁺ (12), 15 A (144),
 * 16 B (12 × 3·n_stance).
 */
export function mpcSrbdField (h: usize, id: i32): usize {
  const s = srbd(h)
  const m = s.mpc
  switch (id) {
    case 0: return changetype<usize>(m.x0)
    case 1: return changetype<usize>(m.quat_base_world)
    case 2: return changetype<usize>(m.x_ref)
    case 3: return changetype<usize>(m.contact)
    case 4: return changetype<usize>(m.p_foot_world)
    case 5: return changetype<usize>(m.f_foot_world)
    case 6: return changetype<usize>(m.x_pred)
    case 7: return changetype<usize>(m.u_pred)
    case 10: return changetype<usize>(s.px)
    case 11: return changetype<usize>(s.pf)
    case 12: return changetype<usize>(s.pr)
    case 13: return changetype<usize>(s.ps)
    case 14: return changetype<usize>(s.pxn)
    case 15: return changetype<usize>(s.pA)
    case 16: return changetype<usize>(s.pB)
    default: throw new Error('mpcSrbdField: unknown id')
  }
}

/** Time since the previous solve [s]. */
export function mpcSrbdSetElapsed (h: usize, s: f64): void { srbd(h).mpc.elapsed_s = s }

/** One SQP-RTI iteration; returns MPC_* (0 ok, 1 infeasible, 2 max iter, 3 numerical, 4 bad input). */
export function mpcSrbdSolve (h: usize): i32 { return srbd(h).mpc.solve() }

/** Only the checks, linearization and QP build of a solve (timing breakdowns); returns MPC_*. */
export function mpcSrbdPrepare (h: usize): i32 { return srbd(h).mpc.prepare() }

/** Forgets the plan and the warm start. */
export function mpcSrbdReset (h: usize): void { srbd(h).mpc.reset() }

/** Re-reads the QP limits of the config (after mpcSrbdConfigSet of qp_max_iter / qp_tol). */
export function mpcSrbdApplyOptions (h: usize): void { srbd(h).mpc.applyOptions() }

/**
 * Info ids: 0 status, 1 QP iterations, 2 QP status, 3 QP error, 4 objective, 5 bad input (MPC_IN_*),
 * 6 solves, 7 failures, 8 N, 9 nfeet, 10 QP stationarity residual, 11 QP equality residual, 12 μ,
 * 13 QP warm flag, 14 QP active-set rounds, 15 QP augmented-Lagrangian passes.
 */
export function mpcSrbdInfo (h: usize, id: i32): f64 {
  const m = srbd(h).mpc
  switch (id) {
    case 0: return <f64>m.status
    case 1: return <f64>m.iterations
    case 2: return <f64>m.qp_status
    case 3: return <f64>m.qp_error
    case 4: return m.objective
    case 5: return <f64>m.bad_input
    case 6: return <f64>m.solves
    case 7: return <f64>m.failures
    case 8: return <f64>m.N
    case 9: return <f64>m.nfeet
    case 10: return m.sol.resStat
    case 11: return m.sol.resEq
    case 12: return m.sol.resComp
    case 13: return <f64>m.sol.warm
    case 14: return <f64>m.sol.polishRounds
    case 15: return <f64>m.sol.polishPasses
    default: throw new Error('mpcSrbdInfo: unknown id')
  }
}

/** Stage k's QP sizes of the last build: what 0 = nu_k, 1 = ng_k, 2 = ne_k. */
export function mpcSrbdQpSize (h: usize, k: i32, what: i32): i32 {
  const d = srbd(h).mpc.dims
  if (k < 0 || k > d.N) throw new Error('mpcSrbdQpSize: stage out of range')
  return what == 0 ? d.nu[k] : what == 1 ? d.ng[k] : d.ne[k]
}

/**
 * Byte address of stage k's block of the last QP (ids as ocpField: 0 Q, 1 q, 2 A, 3 B, 4 c, 8 Gx,
 * 9 Gu, 10 lg, 11 ug, 12 x0), compact with the stage's sizes.
 */
export function mpcSrbdQpField (h: usize, f: i32, k: i32): usize {
  const m = srbd(h).mpc
  return ocpBlockAddress(m.data, m.blocks, m.dims.N, f, k)
}

/** Probe: x⁺ = F(x, f) and (jac ≠ 0) A, B of the discrete SRBD at the probe fields. */
export function mpcSrbdProbeStep (h: usize, jac: i32): void {
  const s = srbd(h)
  s.mpc.dyn.step(s.px, 0, s.pf, 0, s.pr, 0, s.ps, 0, s.pxn, 0, jac != 0, s.pA, 0, s.pB, 0)
}

// ---------------------------------------------------------------- kinodynamic MPC

/** A kinodynamic config with defaults for nj joints (nj = model nv − 6). */
export function mpcKinoConfigCreate (nj: i32): usize {
  return changetype<usize>(new KinodynamicMpcConfig(nj))
}

@inline function kcfg (h: usize): KinodynamicMpcConfig { return changetype<KinodynamicMpcConfig>(h) }

/** Scalar ids: 1 N, 2 dt, 4 mu, 5 fz_min, 6 fz_max, 7 w_terminal_scale, 8 qp_max_iter, 9 qp_tol, 10 qp_polish, 11 w_qdot, 12 swing_kp, 13 eliminate_foot_rows. */
export function mpcKinoConfigSet (h: usize, id: i32, v: f64): void {
  const c = kcfg(h)
  switch (id) {
    case 1: c.N = <i32>v; break
    case 2: c.dt = v; break
    case 4: c.mu = v; break
    case 5: c.fz_min = v; break
    case 6: c.fz_max = v; break
    case 7: c.w_terminal_scale = v; break
    case 8: c.qp_max_iter = <i32>v; break
    case 9: c.qp_tol = v; break
    case 10: c.qp_polish = v != 0.0; break
    case 11: c.w_qdot = v; break
    case 12: c.swing_kp = v; break
    case 13: c.eliminate_foot_rows = v != 0.0; break
    default: throw new Error('mpcKinoConfigSet: unknown id')
  }
}

/** Array ids: 1 w_state (12 + nj), 2 w_force (3). */
export function mpcKinoConfigArray (h: usize, id: i32): usize {
  const c = kcfg(h)
  if (id == 1) return changetype<usize>(c.w_state)
  if (id == 2) return changetype<usize>(c.w_force)
  throw new Error('mpcKinoConfigArray: unknown id')
}

class KinoHandle {
  mpc: KinodynamicMpc
  px: StaticArray<f64>
  pu: StaticArray<f64>
  ps: StaticArray<u8>
  pxn: StaticArray<f64>
  pq: StaticArray<f64>
  pv: StaticArray<f64>
  snap: KinoSnapshotSolver
  constructor (feet: StaticArray<i32>, cfg: KinodynamicMpcConfig) {
    const model = instanceModel()
    const m = new KinodynamicMpc(model, feet, cfg)
    this.mpc = m
    this.px = new StaticArray<f64>(m.nx)
    this.pu = new StaticArray<f64>(m.nuFull)
    this.ps = new StaticArray<u8>(m.nfeet)
    this.pxn = new StaticArray<f64>(m.nx)
    this.pq = new StaticArray<f64>(model.nq)
    this.pv = new StaticArray<f64>(model.nv)
    this.snap = new KinoSnapshotSolver(m)
  }
}

@inline function kino (h: usize): KinoHandle { return changetype<KinoHandle>(h) }

/** An i32 array of n foot frame indices for mpcKinoCreate (byte address; the host fills it). */
export function mpcKinoFeetCreate (n: i32): usize {
  return changetype<usize>(new StaticArray<i32>(n))
}

/** Creates a kinodynamic MPC on this instance's robot model. */
export function mpcKinoCreate (cfg: usize, feet: usize): usize {
  return changetype<usize>(new KinoHandle(changetype<StaticArray<i32>>(feet), kcfg(cfg)))
}

/**
 * Field ids: 0 x0 (nx), 1 x_ref ((N+1)·nx), 2 contact (u8, N·nfeet), 3 z_ref (N·nfeet), 4 vz_ref,
 * 5 f_foot_world (3·nfeet), 6 x_pred, 7 u_pred (N·(3·nfeet + nj)), 8 v_base_pred (N·6);
 * probe: 10 x (nx), 11 u (3·nfeet + nj), 12 stance (u8, nfeet), 13 x⁺ (nx), 14 qpos (nq), 15 qvel (nv);
 * asynchronous interface (kinodynamic-snapshot.ts): 16 snapshot, 17 solution.
 */
export function mpcKinoField (h: usize, id: i32): usize {
  const s = kino(h)
  const m = s.mpc
  switch (id) {
    case 0: return changetype<usize>(m.x0)
    case 1: return changetype<usize>(m.x_ref)
    case 2: return changetype<usize>(m.contact)
    case 3: return changetype<usize>(m.z_ref)
    case 4: return changetype<usize>(m.vz_ref)
    case 5: return changetype<usize>(m.f_foot_world)
    case 6: return changetype<usize>(m.x_pred)
    case 7: return changetype<usize>(m.u_pred)
    case 8: return changetype<usize>(m.v_base_pred)
    case 10: return changetype<usize>(s.px)
    case 11: return changetype<usize>(s.pu)
    case 12: return changetype<usize>(s.ps)
    case 13: return changetype<usize>(s.pxn)
    case 14: return changetype<usize>(s.pq)
    case 15: return changetype<usize>(s.pv)
    case 16: return changetype<usize>(s.snap.snap)
    case 17: return changetype<usize>(s.snap.sol)
    default: throw new Error('mpcKinoField: unknown id')
  }
}

/** Lengths of the snapshot and solution buffers (fields 16, 17). */
export function mpcKinoSnapshotLength (h: usize): i32 { return kino(h).snap.snap.length }
export function mpcKinoSolutionLength (h: usize): i32 { return kino(h).snap.sol.length }
/** One solve of the snapshot (field 16) into the solution (field 17); returns MPC_*. */
export function mpcKinoSolveSnapshot (h: usize): i32 { return kino(h).snap.solve() }

export function mpcKinoSetElapsed (h: usize, s: f64): void { kino(h).mpc.elapsed_s = s }
export function mpcKinoSolve (h: usize): i32 { return kino(h).mpc.solve() }
/** Only the checks, linearization and QP build of a solve (timing breakdowns); returns MPC_*. */
export function mpcKinoPrepare (h: usize): i32 { return kino(h).mpc.prepare() }
export function mpcKinoReset (h: usize): void { kino(h).mpc.reset() }
export function mpcKinoApplyOptions (h: usize): void { kino(h).mpc.applyOptions() }

/** x0 from the probe's qpos/qvel (MuJoCo layout) through the dynamics core. */
export function mpcKinoSetStateFromMujoco (h: usize): void {
  const s = kino(h)
  s.mpc.setStateFromMujoco(s.pq, s.pv)
}

/** Info ids: as mpcSrbdInfo (0–13), plus 14 nx, 15 nj, 16 mass, 17 QP error stage, 18 QP active-set rounds, 19 QP augmented-Lagrangian passes. */
export function mpcKinoInfo (h: usize, id: i32): f64 {
  const m = kino(h).mpc
  switch (id) {
    case 0: return <f64>m.status
    case 1: return <f64>m.iterations
    case 2: return <f64>m.qp_status
    case 3: return <f64>m.qp_error
    case 4: return m.objective
    case 5: return <f64>m.bad_input
    case 6: return <f64>m.solves
    case 7: return <f64>m.failures
    case 8: return <f64>m.N
    case 9: return <f64>m.nfeet
    case 10: return m.sol.resStat
    case 11: return m.sol.resEq
    case 12: return m.sol.resComp
    case 13: return <f64>m.sol.warm
    case 14: return <f64>m.nx
    case 15: return <f64>m.nj
    case 16: return m.mass
    case 17: return <f64>m.qp_error_stage
    case 18: return <f64>m.sol.polishRounds
    case 19: return <f64>m.sol.polishPasses
    default: throw new Error('mpcKinoInfo: unknown id')
  }
}

/** Stage k's sizes of the last build: 0 nu_k, 1 ng_k, 2 ne_k. */
export function mpcKinoQpSize (h: usize, k: i32, what: i32): i32 {
  const d = kino(h).mpc.dims
  if (k < 0 || k > d.N) throw new Error('mpcKinoQpSize: stage out of range')
  return what == 0 ? d.nu[k] : what == 1 ? d.ng[k] : d.ne[k]
}

/** Byte address of stage k's block of the last QP (ids as ocpField: 0 Q … 11 ug, 12 x0). */
export function mpcKinoQpField (h: usize, f: i32, k: i32): usize {
  const m = kino(h).mpc
  return ocpBlockAddress(m.qd, m.blocks, m.dims.N, f, k)
}

/** Probe: x⁺ = F(x, u) of the probe fields (full input layout). Returns 0, or 1 when A_b is singular. */
export function mpcKinoProbeStep (h: usize): i32 {
  const s = kino(h)
  return s.mpc.stepFull(s.px, 0, s.pu, 0, s.ps, 0, s.pxn, 0) ? 0 : 1
}

/** Probe: stage-0 QP blocks linearized at the probe's x, u, stance (overwrites stage 0's inputs). */
export function mpcKinoProbeLinearize (h: usize): i32 {
  const s = kino(h)
  return s.mpc.linearizeAt(s.px, s.pu, s.ps) ? 0 : 1
}

/** Byte address of stage k's block f (ids as ocpField) of an MPC's OCP data. */
export function ocpBlockAddress (d: OcpData, b: OcpBlocks, N: i32, f: i32, k: i32): usize {
  if (k < 0 || k > N) throw new Error('mpc QP field: stage out of range')
  let arr: StaticArray<f64>
  let off: i32
  switch (f) {
    case 0: arr = d.Q; off = k * b.Q; break
    case 1: arr = d.q; off = k * b.q; break
    case 2: arr = d.A; off = k * b.A; break
    case 3: arr = d.B; off = k * b.B; break
    case 4: arr = d.c; off = k * b.c; break
    case 5: arr = d.Dx; off = k * b.Dx; break
    case 6: arr = d.Eu; off = k * b.Eu; break
    case 7: arr = d.e; off = k * b.e; break
    case 8: arr = d.Gx; off = k * b.Gx; break
    case 9: arr = d.Gu; off = k * b.Gu; break
    case 10: arr = d.lg; off = k * b.g; break
    case 11: arr = d.ug; off = k * b.g; break
    case 12: arr = d.x0; off = 0; break
    default: throw new Error('mpc QP field: unknown field id')
  }
  return changetype<usize>(arr) + (<usize>off << 3)
}
