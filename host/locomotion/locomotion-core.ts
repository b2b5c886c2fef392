// LocomotionCore: the host's handle on the WASM locomotion pipeline of one robot — the state estimator
// (assembly/estimation, through StateEstimator) and the locomotion controller (assembly/locomotion) in
// one core instance, on one Model. Per tick, each stage is one call the caller may time:
//
//   estimate  sensors → estimator inputs (IMU, joints, the controller's gait schedule) → estUpdate;
//             then the estimate → the controller's inputs (base state, joints, contacts)
//   plan      locoPlan: gait, touchdown handling, footholds, swing targets, reference
//   forces    locoForces: SRBD MPC when due, or the kinodynamic NMPC's latest plan (an attached
//             KinoDriver hands it a snapshot and its solutions first: mpc/kinodynamic-async.ts), or the
//             force-distribution QP
//   joints    locoJoints: joint command (safe command on failure)
//
// The controller reads only what the estimator made of the noisy sensors. All views are zero-copy and
// nothing allocates per tick. `dumpFailedQp` writes the QP that failed in the `cerebellum qp` JSON form.
import { writeFileSync } from 'node:fs'
import type { RobotDescription } from '../robot/description.ts'
import type { CoreOptions } from '../core/wasm.ts'
import { ViewSet } from '../core/wasm.ts'
import { StateEstimator, EST_STATUS, type EstimatorSensors } from '../estimation/estimator.ts'
import { DEFAULT_ESTIMATOR_PARAMS, type EstimatorParams } from '../estimation/params.ts'
import { LOCO_PARAM_SPECS } from './params.ts'
import type { QpProblem } from '../solvers/dense-qp.ts'
import type { HqpLevel, HqpProblem } from '../solvers/hqp.ts'
import { hqpToJson, ocpToJson, qpToJson } from '../solvers/qp-json.ts'
import { ocpFromBlocks, type OcpProblem } from '../solvers/ocp-qp.ts'

/** locoBuild / stage statuses (assembly/locomotion/controller.ts). */
export const LOCO_STATUS = { OK: 0, NOT_BUILT: 1, BAD_INPUT: 2, BAD_CONFIG: 3, FORCE_FAILED: 4, JOINT_FAILED: 5 } as const

/** Indices of the `info` view (assembly/locomotion/controller.ts I_*). */
export const LOCO_INFO = {
  status: 0, badIndex: 1, gait: 2, phi: 3, forceStatus: 4, jointStatus: 5, qpFailures: 6, mpcFailures: 7,
  forceQpFailures: 8, safeTicks: 9, mpcSolves: 10, early: 11, late: 12, transitions: 13, groundZ: 14, lastFail: 15,
  mpcRan: 16, tauClamped: 17, wbcStatus: 18, wbcFailures: 19, time: 20, epoch: 21, kinoAge: 22, kinoFallbacks: 23,
  mpcQpIters: 24, mpcQpRounds: 25, mpcQpPasses: 26
} as const

/** What runs the kinodynamic NMPC beside the tick (mpc/kinodynamic-async.ts): called between plan and forces. */
export interface KinoDriver {
  beforeForces: () => void
  close: () => void
}

/** info.lastFail values: which solve failed last. */
export const LOCO_FAIL = { mpc: 1, forceQp: 2, wbc: 3, command: 4 } as const

type F64Field = 'params' | 'mpc_size' | 'kino_size' | 'kino_snap' | 'kino_plan' | 'p_base_world' | 'quat_base_world' | 'v_base_world' | 'omega_base_body' | 'q' | 'qd' |
  'contact_est' | 'command' | 'tau_ff' | 'q_des' | 'qd_des' | 'kp' | 'kd' | 'contact' | 'swing_phase' | 'sched' |
  'f_foot_world' | 'p_foot_world' | 'p_foot_des' | 'v_foot_des' | 'a_foot_des' | 'foothold' | 'ref0' | 'wrench' | 'info' |
  'r_hip' | 'I_body' | 'com_base' | 'q_stand' | 'q_posture' | 'posture_active' | 'tau_max' | 'fd_H' | 'fd_g' | 'fd_C' | 'fd_l' | 'fd_u' | 'fd_lb' | 'fd_ub' |
  'wbc_q_joint_des' | 'wbc_A' | 'wbc_b' | 'wbc_C' | 'wbc_l' | 'wbc_u' | 'wbc_lb' | 'wbc_ub'
type I32Field = 'foot_frame' | 'foot_role' | 'joint_qadr' | 'joint_vadr'
type Field = F64Field | I32Field

/** What the pipeline needs to know of the robot. */
export interface LocomotionSetup {
  /** Foot frame names (sites at the foot centres), in the order of the sensors' contact flags. */
  feet: readonly string[]
  /** IMU frame name, or null for an IMU at the base origin with base axes. */
  imu: string | null
  /** Joint names in actuator (sensor) order. */
  joints: readonly string[]
  /** Stand pose [rad] and torque limits [N·m], actuator order. */
  q_stand: readonly number[]
  tau_max: readonly number[]
  /** Parameter values by name (params.ts); absent names take their defaults. */
  params?: Record<string, number>
  estimator?: EstimatorParams
  /** SRBD MPC horizon and stage length [s]; horizon 0 = no MPC. */
  mpc?: { horizon: number, dt: number }
  /** Kinodynamic NMPC horizon and stage length [s] (its snapshot/plan interface; attach a KinoDriver to run it); null: not used. */
  kino?: { horizon: number, dt: number } | null
}

/** Sensor views for one tick (IMU in the IMU frame; joints in actuator order): the estimator's. */
export type LocomotionSensors = EstimatorSensors

export class LocomotionCore {
  readonly est: StateEstimator
  readonly nfeet: number
  readonly nj: number
  readonly paramNames: readonly string[]
  /** Foot frame names, in the order of the contact flags and forces. */
  readonly feet: readonly string[]
  private views: ViewSet<Field>
  private kino: KinoDriver | null = null
  private readonly wbcDims: { n: () => number, nl: () => number, me: (k: number) => number, mc: (k: number) => number }
  private readonly wbcSet: (id: number, k: number, v: number) => number
  private readonly planFn: (dt: number) => number
  private readonly forcesFn: () => number
  private readonly jointsFn: () => number
  private readonly tickFn: (dt: number) => number
  private readonly safeFn: () => void
  private readonly resetFn: () => void
  private readonly probeFn: () => number
  private readonly fdN: () => number
  private readonly fdMc: () => number
  private readonly paramIndex = new Map<string, number>()
  /** Last estimator status (0 ok). */
  estStatus = 0

  private constructor (est: StateEstimator, setup: LocomotionSetup) {
    this.est = est
    const core = est.dyn.core
    const nf = setup.feet.length
    const nj = setup.joints.length
    this.nfeet = nf
    this.nj = nj
    this.feet = [...setup.feet]
    core.fn<(a: number, b: number) => void>('locoCreate')(nf, nj)
    const name = core.fn<(i: number) => number>('locoFieldName')
    const ptr = core.fn<(i: number) => number>('locoFieldPtr')
    const len = core.fn<(i: number) => number>('locoFieldLength')
    const kind = core.fn<(i: number) => number>('locoFieldKind')
    const table = (): Map<Field, { ptr: number, length: number, kind: 'f64' | 'i32' }> => {
      const specs = new Map<Field, { ptr: number, length: number, kind: 'f64' | 'i32' }>()
      const c = core.fn<() => number>('locoFieldCount')()
      for (let i = 0; i < c; i++) specs.set(core.string(name(i)) as Field, { ptr: ptr(i), length: len(i), kind: kind(i) === 0 ? 'f64' : 'i32' })
      return specs
    }
    this.views = new ViewSet(core.memory, table())
    this.wbcDims = { n: core.fn('locoWbcQpN'), nl: core.fn('locoWbcQpLevels'), me: core.fn('locoWbcQpMe'), mc: core.fn('locoWbcQpMc') }
    this.wbcSet = core.fn('locoWbcParamSet')
    const pc = core.fn<() => number>('locoParamCount')()
    const pn = core.fn<(i: number) => number>('locoParamName')
    this.paramNames = Array.from({ length: pc }, (_, i) => core.string(pn(i)))
    this.paramNames.forEach((n, i) => this.paramIndex.set(n, i))
    for (const s of LOCO_PARAM_SPECS) {
      if (!this.paramIndex.has(s.name)) throw new Error(`the WASM core's locomotion controller has no parameter '${s.name}': rebuild with 'npm run build:wasm'`)
    }
    this.planFn = core.fn('locoPlan')
    this.forcesFn = core.fn('locoForces')
    this.jointsFn = core.fn('locoJoints')
    this.tickFn = core.fn('locoTick')
    this.safeFn = core.fn('locoSafe')
    this.resetFn = core.fn('locoReset')
    this.probeFn = core.fn('locoHeapProbe')
    this.fdN = core.fn('locoForceQpN')
    this.fdMc = core.fn('locoForceQpMc')

    // --- configuration
    const dyn = est.dyn
    const low = dyn.lowered
    const v = this.views
    setup.feet.forEach((f, i) => { v.i32('foot_frame')[i] = dyn.frameIndex(f) })
    v.i32('foot_role').fill(-1)
    setup.joints.forEach((j, i) => {
      const qa = low.qposNames.indexOf(j)
      const va = low.dofNames.indexOf(j)
      if (qa < 0 || va < 0) throw new RangeError(`${dyn.description.sourceFile}: no joint '${j}' for the locomotion controller`)
      v.i32('joint_qadr')[i] = qa
      v.i32('joint_vadr')[i] = va
    })
    if (setup.q_stand.length !== nj || setup.tau_max.length !== nj) throw new RangeError(`stand pose and torque limits need ${nj} entries`)
    v.f64('q_stand').set(setup.q_stand)
    v.f64('tau_max').set(setup.tau_max.map((t) => Number.isFinite(t) ? t : 1e9))
    for (const s of LOCO_PARAM_SPECS) this.setParam(s.name, setup.params?.[s.name] ?? s.default)
    const mpc = setup.mpc ?? { horizon: 20, dt: 0.02 }
    v.f64('mpc_size')[0] = mpc.horizon
    v.f64('mpc_size')[1] = mpc.dt
    const kino = setup.kino ?? null
    v.f64('kino_size')[0] = kino === null ? 0 : kino.horizon
    v.f64('kino_size')[1] = kino === null ? 0 : kino.dt
    const code = core.fn<() => number>('locoBuild')()
    if (code !== LOCO_STATUS.OK) {
      const idx = core.fn<() => number>('locoStatusIndex')()
      const what = idx < nf ? `foot '${setup.feet[idx]}' (its leg must have 3 joints from the base, all actuated)`
        : idx < nf + nj ? `joint '${setup.joints[idx - nf]}'` : 'the model (the first joint must be a free joint)'
      throw new RangeError(`${dyn.description.sourceFile}: the locomotion controller rejected ${what}`)
    }
    // build registered the whole-body QP's arrays: view the table again
    this.views = new ViewSet(core.memory, table())
    // the estimator gets the gait schedule from now on
    for (let i = 0; i < nf; i++) est.setSchedule(i, 1, 0, 0)
  }

  /** Builds the robot's dynamics, estimator and locomotion controller in a fresh core. */
  static async create (desc: RobotDescription, setup: LocomotionSetup, opts: CoreOptions = {}): Promise<LocomotionCore> {
    const est = await StateEstimator.create(desc, { feet: setup.feet, imu: setup.imu, joints: setup.joints }, setup.estimator ?? DEFAULT_ESTIMATOR_PARAMS, opts)
    return new LocomotionCore(est, setup)
  }

  /** Sets a parameter by name (effective at the next tick); throws for an unknown name. */
  setParam (name: string, value: number): void {
    const i = this.paramIndex.get(name)
    if (i === undefined) throw new RangeError(`no locomotion parameter '${name}'`)
    this.views.f64('params')[i] = value
  }

  /** Sets parameter `index` (core order) without a lookup (hot path). */
  setParamAt (index: number, value: number): void { this.views.f64('params')[index] = value }

  param (name: string): number { return this.views.f64('params')[this.paramIndex.get(name) ?? -1] }

  indexOfParam (name: string): number { return this.paramIndex.get(name) ?? -1 }

  /** Command: body twist [m/s, m/s, rad/s], height [m] (≤ 0: parameter), roll, pitch [rad], gait id (−1 auto), period [s] (0: parameter). */
  setCommand (vx: number, vy: number, wz: number, height: number, roll: number, pitch: number, gait: number, period: number): void {
    const c = this.views.f64('command')
    c[0] = vx; c[1] = vy; c[2] = wz; c[3] = height; c[4] = roll; c[5] = pitch; c[6] = gait; c[7] = period
  }

  /**
   * The whole-body controller's posture reference: a policy's joint targets (actuator order, rad,
   * clamped into [q_min, q_max] where given), or null for the stand pose. No allocation.
   */
  setPosture (q: ArrayLike<number> | null, q_min?: ArrayLike<number>, q_max?: ArrayLike<number>): void {
    const v = this.views
    const on = v.f64('posture_active')
    if (q === null) { on[0] = 0; return }
    const p = v.f64('q_posture')
    for (let j = 0; j < p.length; j++) {
      let x = q[j]
      if (!Number.isFinite(x)) { on[0] = 0; return }
      if (q_min !== undefined && x < q_min[j]) x = q_min[j]
      if (q_max !== undefined && x > q_max[j]) x = q_max[j]
      p[j] = x
    }
    on[0] = 1
  }

  /** Stage estimate: sensors → estimator → controller inputs. Returns the estimator status (0 ok). */
  estimate (s: LocomotionSensors, dt: number): number {
    const est = this.est
    const v = this.views
    est.setSensors(s)
    const sched = v.f64('sched')
    const ss = est.field('sched_state')
    const se = est.field('sched_elapsed')
    const sr = est.field('sched_remaining')
    for (let i = 0; i < this.nfeet; i++) {
      ss[i] = sched[3 * i]
      se[i] = sched[3 * i + 1]
      sr[i] = sched[3 * i + 2]
    }
    const st = est.update(dt)
    this.estStatus = st
    v.f64('p_base_world').set(est.p_base_world)
    v.f64('quat_base_world').set(est.quat_base_world)
    v.f64('v_base_world').set(est.v_base_world)
    v.f64('omega_base_body').set(est.omega_base_body)
    v.f64('q').set(s.q)
    const js = est.joint_state
    const qd = v.f64('qd')
    for (let j = 0; j < this.nj; j++) qd[j] = js[3 * j + 1]
    v.f64('contact_est').set(est.contact)
    return st
  }

  plan (dt: number): number { return this.planFn(dt) }
  forces (): number {
    if (this.kino !== null) this.kino.beforeForces()
    return this.forcesFn()
  }
  joints (): number { return this.jointsFn() }
  /** plan + forces + joints in one call (three with a kinodynamic driver attached). */
  tick (dt: number): number {
    if (this.kino === null) return this.tickFn(dt)
    const a = this.planFn(dt)
    if (a !== LOCO_STATUS.OK) { this.safeFn(); return a }
    const b = this.forces()
    const j = this.jointsFn()
    return b !== LOCO_STATUS.OK ? b : j
  }

  /** Runs the kinodynamic NMPC through `d` from the next tick (the core must be built with `kino`). */
  attachKino (d: KinoDriver): void {
    if (this.views.f64('kino_size')[0] <= 0) throw new Error('attachKino: the controller was built without a kinodynamic NMPC (setup.kino)')
    this.kino = d
  }

  get kinoDriver (): KinoDriver | null { return this.kino }

  /** Stops the kinodynamic driver's thread, if any. */
  close (): void {
    this.kino?.close()
    this.kino = null
  }
  /** Writes the safe command into the outputs. */
  safe (): void { this.safeFn() }
  /** Restarts the plan (stand; reference at the next estimate). */
  reset (): void { this.resetFn() }
  /** Re-initializes the estimator at the next update with the base at (x, y). */
  resetEstimator (x = 0, y = 0): void { this.est.reset(x, y) }

  /** A view of a controller field. */
  field (name: F64Field): Float64Array { return this.views.f64(name) }

  get tau_ff (): Float64Array { return this.views.f64('tau_ff') }
  get q_des (): Float64Array { return this.views.f64('q_des') }
  get qd_des (): Float64Array { return this.views.f64('qd_des') }
  get kp (): Float64Array { return this.views.f64('kp') }
  get kd (): Float64Array { return this.views.f64('kd') }
  get info (): Float64Array { return this.views.f64('info') }
  get contact (): Float64Array { return this.views.f64('contact') }
  get f_foot_world (): Float64Array { return this.views.f64('f_foot_world') }

  heapProbe (): number { return this.probeFn() }
  get memoryBytes (): number { return this.est.dyn.memoryBytes }

  /** The estimator status as text. */
  estimatorMessage (code: number): string { return code === EST_STATUS.OK ? 'ok' : this.est.statusMessage(code) }

  /** The force-distribution QP of the last solve (min ½xᵀHx + gᵀx, l ≤ Cx ≤ u, lb ≤ x ≤ ub), copied out. */
  forceQp (): QpProblem {
    const n = this.fdN()
    const mc = this.fdMc()
    const v = this.views
    return {
      n,
      H: v.f64('fd_H').slice(0, n * n),
      g: v.f64('fd_g').slice(0, n),
      C: v.f64('fd_C').slice(0, mc * n),
      l: v.f64('fd_l').slice(0, mc),
      u: v.f64('fd_u').slice(0, mc),
      lb: v.f64('fd_lb').slice(0, n),
      ub: v.f64('fd_ub').slice(0, n)
    }
  }

  /**
   * The whole-body controller's run-time parameters other than those the pipeline writes every tick from
   * its own (base gains, μ, f_z max, dt, limits): name (`wbc.NAME`, `wbc.NAME.x|y|z` for 3-vectors), id,
   * element, current value.
   */
  wbcParams (): Array<{ name: string, id: number, k: number, value: number }> {
    const core = this.est.dyn.core
    const count = core.fn<() => number>('locoWbcParamCount')()
    const nameOf = core.fn<(i: number) => number>('locoWbcParamName')
    const lenOf = core.fn<(i: number) => number>('locoWbcParamLength')
    const get = core.fn<(i: number, k: number) => number>('locoWbcParamGet')
    const skip = new Set(['dt', 'mu', 'fz_max', 'tau_max', 'qd_max', 'kp_joint', 'kd_joint', 'kp_base_pos', 'kd_base_pos', 'kp_base_ori', 'kd_base_ori'])
    const out: Array<{ name: string, id: number, k: number, value: number }> = []
    for (let id = 0; id < count; id++) {
      const n = core.string(nameOf(id))
      const len = lenOf(id)
      if (skip.has(n) || len === 0 || len > 3) continue
      for (let k = 0; k < len; k++) out.push({ name: len === 1 ? `wbc.${n}` : `wbc.${n}.${'xyz'[k]}`, id, k, value: get(id, k) })
    }
    return out
  }

  /** Sets element k of a whole-body-controller parameter by id (assembly/locomotion/wbc/wbc-config.ts); false when refused. */
  setWbcParam (id: number, k: number, v: number): boolean { return this.wbcSet(id, k, v) !== 0 }

  /** The whole-body HQP of the last update (levels in priority order), copied out. */
  wbcQp (): HqpProblem {
    const n = this.wbcDims.n()
    const nl = this.wbcDims.nl()
    const v = this.views
    const levels: HqpLevel[] = []
    let e = 0
    let c = 0
    for (let k = 0; k < nl; k++) {
      const me = this.wbcDims.me(k)
      const mc = this.wbcDims.mc(k)
      const lev: HqpLevel = {}
      if (me > 0) { lev.A = v.f64('wbc_A').slice(e * n, (e + me) * n); lev.b = v.f64('wbc_b').slice(e, e + me) }
      if (mc > 0) { lev.C = v.f64('wbc_C').slice(c * n, (c + mc) * n); lev.l = v.f64('wbc_l').slice(c, c + mc); lev.u = v.f64('wbc_u').slice(c, c + mc) }
      e += me
      c += mc
      levels.push(lev)
    }
    return { n, levels, lb: v.f64('wbc_lb').slice(0, n), ub: v.f64('wbc_ub').slice(0, n) }
  }

  /** The SRBD MPC's OCP QP of its last solve (x_0 fixed), or null without an MPC. Not for the hot path. */
  mpcQp (): OcpProblem | null {
    const core = this.est.dyn.core
    const N = core.fn<() => number>('locoMpcQpN')()
    if (N < 0) return null
    const size = core.fn<(k: number, w: number) => number>('locoMpcQpSize')
    const field = core.fn<(f: number, k: number) => number>('locoMpcQpField')
    return ocpFromBlocks({ N, nx: 12, size, field, f64: (p, n) => core.f64(p, n) })
  }

  /**
   * Writes the QP that failed last (SRBD MPC, force QP or whole-body HQP) to `file`; when the SRBD MPC
   * failed on this tick before it (the force QP then stands in), the MPC's QP as well, to
   * `file` with `.mpc.json` for `.json`. False when none applies. Not for the hot path.
   */
  dumpFailedQp (file: string, name: string): boolean {
    const f = this.info[LOCO_INFO.lastFail]
    const mpcFailed = this.info[LOCO_INFO.mpcRan] === 1 && this.info[LOCO_INFO.forceStatus] !== 0
    if (f === LOCO_FAIL.mpc || mpcFailed) {
      const p = this.mpcQp()
      if (p !== null) writeFileSync(f === LOCO_FAIL.mpc ? file : file.replace(/(\.json)?$/, '.mpc.json'), ocpToJson(p, f === LOCO_FAIL.mpc ? name : `${name} (the MPC's, which failed first)`) + '\n')
      if (f === LOCO_FAIL.mpc) return p !== null
    }
    if (f === LOCO_FAIL.forceQp) { writeFileSync(file, qpToJson(this.forceQp(), name) + '\n'); return true }
    if (f === LOCO_FAIL.wbc) { writeFileSync(file, hqpToJson(this.wbcQp(), name) + '\n'); return true }
    return false
  }
}
