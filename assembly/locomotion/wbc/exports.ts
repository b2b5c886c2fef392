// Flat WASM exports of the whole-body controller, for its host tests and benches
// (host/locomotion/wbc/whole-body-controller.ts). The pipeline calls WholeBodyController directly
// in AssemblyScript. One controller per instance, on the instance's built Model.
//
// Life cycle: wbcCreate(nfeet) allocates the config (defaults from the model) and the foot list;
// the host sets wbcSetFoot(i, frame) and parameters (wbcParamSet), then wbcBuild() allocates the
// controller (all of its memory). Each tick: write qpos, qvel and the reference through the views
// (wbcField*), call wbcUpdate(), read the outputs. wbcUpdate never allocates.
import { instanceModel, hasData } from '../../model/instance'
import { FieldTable } from '../../model/field-table'
import { WbcConfig, WBC_PARAM_COUNT, WBC_PARAM_NAMES } from './wbc-config'
import { WholeBodyController } from './whole-body-controller'

let config: WbcConfig | null = null
let feet: StaticArray<i32> | null = null
let current: WholeBodyController | null = null
let table: FieldTable | null = null
let qposIn: StaticArray<f64> | null = null
let qvelIn: StaticArray<f64> | null = null

function cfg (): WbcConfig {
  const c = config
  if (c === null) throw new Error('no WBC config: call wbcCreate first')
  return c
}

function wbc (): WholeBodyController {
  const w = current
  if (w === null) throw new Error('no WBC: call wbcBuild first')
  return w
}

/** Allocates the configuration (defaults from this instance's built Model) and a foot list of `nfeet`. */
export function wbcCreate (nfeet: i32): void {
  assert(nfeet > 0 && nfeet <= 16)
  if (!hasData()) throw new Error('no built model: call dynModelBuild before wbcCreate')
  const m = instanceModel()
  if (m.nv <= 6) throw new Error('wbcCreate: the model needs a floating base and actuated joints')
  config = new WbcConfig(m)
  const f = new StaticArray<i32>(nfeet)
  for (let i = 0; i < nfeet; i++) f[i] = -1
  feet = f
  current = null
  table = null
}

/** Foot i is model frame `frame` (foot order = the order of the reference's foot arrays). */
export function wbcSetFoot (i: i32, frame: i32): void {
  const f = feet
  if (f === null) throw new Error('no WBC config: call wbcCreate first')
  if (i < 0 || i >= f.length) throw new Error('wbcSetFoot: foot index out of range')
  f[i] = frame
}

/**
 * Allocates the controller. Returns 0, or 1 + i when foot i has no valid frame, or
 * 100 + id when parameter id is out of its domain.
 */
export function wbcBuild (): i32 {
  const m = instanceModel()
  const f = feet
  if (f === null) throw new Error('no WBC config: call wbcCreate first')
  for (let i = 0; i < f.length; i++) if (f[i] < 0 || f[i] >= m.nframe) return 1 + i
  const bad = cfg().validate()
  if (bad >= 0) return 100 + bad
  const w = new WholeBodyController(m, f, cfg())
  current = w
  const q = new StaticArray<f64>(m.nq)
  for (let i = 0; i < m.nq; i++) q[i] = m.qpos0[i]
  qposIn = q
  qvelIn = new StaticArray<f64>(m.nv)
  const t = new FieldTable()
  t.f64('qpos', q)
  t.f64('qvel', changetype<StaticArray<f64>>(qvelIn))
  const r = w.ref
  t.f64('p_base_des_world', r.p_base_des_world)
  t.f64('quat_base_des_world', r.quat_base_des_world)
  t.f64('v_base_des_world', r.v_base_des_world)
  t.f64('omega_base_des_world', r.omega_base_des_world)
  t.f64('a_base_ff_world', r.a_base_ff_world)
  t.f64('p_foot_des_world', r.p_foot_des_world)
  t.f64('v_foot_des_world', r.v_foot_des_world)
  t.f64('a_foot_des_world', r.a_foot_des_world)
  t.f64('f_foot_des_world', r.f_foot_des_world)
  t.f64('q_joint_des', r.q_joint_des)
  t.f64('tau_ff', w.tau_ff)
  t.f64('q_des', w.q_des)
  t.f64('qd_des', w.qd_des)
  t.f64('kp', w.kp)
  t.f64('kd', w.kd)
  t.f64('qdd', w.qdd)
  t.f64('f_foot_world', w.f_foot_world)
  t.f64('tau_wbc', w.tau_wbc)
  t.f64('slack_eq', w.slack_eq)
  t.f64('slack_ineq', w.slack_ineq)
  t.i32('level_status', w.level_status)
  t.f64('p_foot_world', w.ctx.p_foot_world)
  t.f64('e_pos_world', w.basePose.e_pos_world)
  t.f64('e_rot_world', w.basePose.e_rot_world)
  t.f64('M', w.data.M)
  t.f64('bias', w.data.bias)
  t.f64('frame_jac', w.data.frame_jac)
  t.f64('frame_drift', w.data.frame_drift)
  table = t
  return 0
}

/** One update from the qpos/qvel/reference views. Returns WBC_* (0 = ok). */
export function wbcUpdate (): i32 {
  const w = wbc()
  return w.update(changetype<StaticArray<f64>>(qposIn), changetype<StaticArray<f64>>(qvelIn), w.ref)
}

/** Address of the reference's contact flags (u8 per foot, 1 = stance). */
export function wbcContactPtr (): usize { return changetype<usize>(wbc().ref.contact) }

/** Info: 0 status, 1 bad_index, 2 failures, 3 hqp_status, 4 hqp_iterations, 5 torque_limit_hits, 6 n (decision size), 7 nj, 8 nfeet. */
export function wbcInfo (i: i32): f64 {
  const w = wbc()
  switch (i) {
    case 0: return <f64>w.status
    case 1: return <f64>w.bad_index
    case 2: return <f64>w.failures
    case 3: return <f64>w.hqp_status
    case 4: return <f64>w.hqp_iterations
    case 5: return <f64>w.torque_limit_hits
    case 6: return <f64>w.n
    case 7: return <f64>w.nj
    case 8: return <f64>w.nfeet
    default: throw new Error('wbcInfo: unknown info id')
  }
}

// ---- parameters (WbcConfig; names in WBC_PARAM_NAMES) ----

export function wbcParamCount (): i32 { return WBC_PARAM_COUNT }
/** Name of parameter i (AS string pointer). */
export function wbcParamName (i: i32): usize { return changetype<usize>(WBC_PARAM_NAMES[i]) }
export function wbcParamLength (i: i32): i32 { return cfg().paramLength(i) }
/** Sets element k of parameter i; returns 1, or 0 when the id, element or value is rejected. */
export function wbcParamSet (i: i32, k: i32, v: f64): i32 { return cfg().setParam(i, k, v) ? 1 : 0 }
export function wbcParamGet (i: i32, k: i32): f64 { return cfg().getParam(i, k) }

// ---- field table (after wbcBuild): inputs, outputs, diagnostics ----

function tbl (): FieldTable {
  const t = table
  if (t === null) throw new Error('no WBC: call wbcBuild first')
  return t
}
export function wbcFieldCount (): i32 { return tbl().count }
export function wbcFieldName (i: i32): usize { return changetype<usize>(tbl().names[i]) }
export function wbcFieldPtr (i: i32): usize { return tbl().ptrs[i] }
export function wbcFieldLength (i: i32): i32 { return tbl().lengths[i] }
export function wbcFieldKind (i: i32): i32 { return tbl().kinds[i] }

// ---- the HQP of the last update (for dumps in the `cerebellum qp` HQP form) ----

/** 0 n, 1 number of levels, 2 status of the last solve. */
export function wbcHqpInfo (i: i32): i32 {
  const w = wbc()
  if (i == 0) return w.hqp_dims.n
  if (i == 1) return w.hqp_dims.nl
  if (i == 2) return w.hqp_status
  throw new Error('wbcHqpInfo: unknown info id')
}

/** HQP level k's rows: what 0 → equality rows, 1 → two-sided rows. */
export function wbcHqpLevelRows (k: i32, what: i32): i32 {
  const d = wbc().hqp_dims
  if (k < 0 || k >= d.nl) throw new Error('wbcHqpLevelRows: bad level')
  return what == 0 ? d.me[k] : d.mc[k]
}

/** Address of the HQP's A (0), b (1), C (2), l (3), u (4), lb (5), ub (6) (rows stacked by level, stride n). */
export function wbcHqpField (f: i32): usize {
  const d = wbc().hqp_data
  switch (f) {
    case 0: return changetype<usize>(d.A)
    case 1: return changetype<usize>(d.b)
    case 2: return changetype<usize>(d.C)
    case 3: return changetype<usize>(d.l)
    case 4: return changetype<usize>(d.u)
    case 5: return changetype<usize>(d.lb)
    case 6: return changetype<usize>(d.ub)
    default: throw new Error('wbcHqpField: unknown field id')
  }
}

/** HQP options: 0 maxIter, 1 warmStart (0/1). */
export function wbcHqpSetOption (i: i32, v: f64): void {
  const o = wbc().hqp_opts
  if (i == 0) o.maxIter = <i32>v
  else if (i == 1) o.warmStart = v != 0.0
  else throw new Error('wbcHqpSetOption: unknown option id')
}

/** Heap-top probe: two probes around a workload differ by one probe's size when it allocated nothing. */
export function wbcHeapProbe (): usize { return changetype<usize>(new StaticArray<u8>(0)) }
