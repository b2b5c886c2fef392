// Host handle on the WASM whole-body controller (assembly/locomotion/wbc), for tests and benches:
// builds the robot's dynamics Model in a fresh core (RobotDynamics), creates the controller for the
// named foot frames, writes parameters by name, and exposes its inputs and outputs as zero-copy
// views. Per tick: write qpos/qvel and the reference views (or setState), call update(), read the
// outputs. Nothing allocates per tick on either side. The pipeline uses the AS class directly.
import type { RobotDescription } from '../../robot/description.ts'
import { RobotDynamics } from '../../core/dynamics.ts'
import { ViewSet, type CoreOptions } from '../../core/wasm.ts'
import type { HqpLevel, HqpProblem } from '../../solvers/hqp.ts'
import { hqpToJson } from '../../solvers/qp-json.ts'

/** wbcUpdate statuses (assembly/locomotion/wbc/whole-body-controller.ts WBC_*). */
export const WBC_STATUS = {
  OK: 0,
  BAD_INPUT: 1,
  BAD_CONFIG: 2,
  QP_FAILED: 3,
  LEVEL1_INFEASIBLE: 4
} as const

export const WBC_STATUS_NAMES: Record<number, string> = {
  0: 'ok', 1: 'bad input', 2: 'bad config', 3: 'QP failed', 4: 'level 1 infeasible'
}

/** Per-level HQP outcomes (assembly/solvers/hqp/hqp-types.ts LEVEL_*). */
export const WBC_LEVEL_NAMES = ['exact', 'relaxed', 'max_iter', 'numerical', 'not_solved'] as const

type Field = 'qpos' | 'qvel' | 'p_base_des_world' | 'quat_base_des_world' | 'v_base_des_world' | 'omega_base_des_world' |
  'a_base_ff_world' | 'p_foot_des_world' | 'v_foot_des_world' | 'a_foot_des_world' | 'f_foot_des_world' | 'q_joint_des' |
  'tau_ff' | 'q_des' | 'qd_des' | 'kp' | 'kd' | 'qdd' | 'f_foot_world' | 'tau_wbc' | 'slack_eq' | 'slack_ineq' |
  'level_status' | 'p_foot_world' | 'e_pos_world' | 'e_rot_world' | 'M' | 'bias' | 'frame_jac' | 'frame_drift'

/** Parameter values by name (see assembly/locomotion/wbc/wbc-config.ts); vectors as arrays. */
export type WbcParams = Record<string, number | ArrayLike<number>>

export interface WbcSetup {
  /** Foot frame names (sites at the foot centres), in the order of the reference's foot arrays. */
  feet: readonly string[]
}

interface Exports {
  wbcCreate: (nfeet: number) => void
  wbcSetFoot: (i: number, frame: number) => void
  wbcBuild: () => number
  wbcUpdate: () => number
  wbcContactPtr: () => number
  wbcInfo: (i: number) => number
  wbcParamCount: () => number
  wbcParamName: (i: number) => number
  wbcParamLength: (i: number) => number
  wbcParamSet: (i: number, k: number, v: number) => number
  wbcParamGet: (i: number, k: number) => number
  wbcFieldCount: () => number
  wbcFieldName: (i: number) => number
  wbcFieldPtr: (i: number) => number
  wbcFieldLength: (i: number) => number
  wbcFieldKind: (i: number) => number
  wbcHqpInfo: (i: number) => number
  wbcHqpLevelRows: (k: number, what: number) => number
  wbcHqpField: (f: number) => number
  wbcHqpSetOption: (i: number, v: number) => void
  wbcHeapProbe: () => number
}

export class WholeBodyControl {
  readonly dyn: RobotDynamics
  readonly nfeet: number
  readonly nj: number
  /** Decision size of the HQP: nv + 3·nfeet. */
  readonly n: number
  readonly footNames: readonly string[]
  /** Parameter names → ids. */
  readonly paramIds: ReadonlyMap<string, number>
  private readonly x: Exports
  private readonly views: ViewSet<Field>
  private contactView: Uint8Array
  private contactBuffer: ArrayBuffer

  private constructor (dyn: RobotDynamics, setup: WbcSetup, params: WbcParams) {
    this.dyn = dyn
    const core = dyn.core
    const x = {} as Record<string, unknown>
    for (const name of ['wbcCreate', 'wbcSetFoot', 'wbcBuild', 'wbcUpdate', 'wbcContactPtr', 'wbcInfo', 'wbcParamCount',
      'wbcParamName', 'wbcParamLength', 'wbcParamSet', 'wbcParamGet', 'wbcFieldCount', 'wbcFieldName', 'wbcFieldPtr',
      'wbcFieldLength', 'wbcFieldKind', 'wbcHqpInfo', 'wbcHqpLevelRows', 'wbcHqpField', 'wbcHqpSetOption', 'wbcHeapProbe']) {
      x[name] = core.fn(name)
    }
    this.x = x as unknown as Exports
    const nf = setup.feet.length
    if (nf < 1 || nf > 16) throw new RangeError(`the WBC needs 1 to 16 feet, got ${nf}`)
    this.nfeet = nf
    this.footNames = [...setup.feet]
    this.x.wbcCreate(nf)
    setup.feet.forEach((name, i) => { this.x.wbcSetFoot(i, dyn.frameIndex(name)) })
    const ids = new Map<string, number>()
    const count = this.x.wbcParamCount()
    for (let i = 0; i < count; i++) ids.set(core.string(this.x.wbcParamName(i)), i)
    this.paramIds = ids
    this.setParams(params)
    const st = this.x.wbcBuild()
    if (st !== 0) {
      if (st >= 100) throw new RangeError(`WBC parameter '${[...ids].find(([, v]) => v === st - 100)?.[0] ?? st - 100}' is out of its domain`)
      throw new RangeError(`WBC foot ${st - 1} ('${setup.feet[st - 1]}') has no valid frame`)
    }
    const specs = new Map<Field, { ptr: number, length: number, kind: 'f64' | 'i32' }>()
    const fc = this.x.wbcFieldCount()
    for (let i = 0; i < fc; i++) {
      specs.set(core.string(this.x.wbcFieldName(i)) as Field,
        { ptr: this.x.wbcFieldPtr(i), length: this.x.wbcFieldLength(i), kind: this.x.wbcFieldKind(i) === 0 ? 'f64' : 'i32' })
    }
    this.views = new ViewSet(core.memory, specs)
    this.nj = this.x.wbcInfo(7)
    this.n = this.x.wbcInfo(6)
    this.contactBuffer = core.memory.buffer
    this.contactView = new Uint8Array(this.contactBuffer, this.x.wbcContactPtr(), nf)
  }

  /** Builds the dynamics of `desc` in a fresh core and the controller for `setup.feet`. */
  static async create (desc: RobotDescription, setup: WbcSetup, params: WbcParams = {}, opts: CoreOptions = {}): Promise<WholeBodyControl> {
    return new WholeBodyControl(await RobotDynamics.create(desc, opts), setup, params)
  }

  /** Sets parameters by name; throws naming the parameter on an unknown name, wrong length or a rejected value. */
  setParams (params: WbcParams): void {
    for (const [name, value] of Object.entries(params)) {
      const id = this.paramIds.get(name)
      if (id === undefined) throw new RangeError(`unknown WBC parameter '${name}' (known: ${[...this.paramIds.keys()].join(', ')})`)
      const len = this.x.wbcParamLength(id)
      const vals = typeof value === 'number' ? [value] : Array.from(value)
      if (vals.length !== len) throw new RangeError(`WBC parameter '${name}' needs ${len} value(s), got ${vals.length}`)
      vals.forEach((v, k) => {
        if (this.x.wbcParamSet(id, k, v) !== 1) throw new RangeError(`WBC parameter '${name}'[${k}] = ${v} is out of its domain`)
      })
    }
  }

  /** A parameter's current value(s). */
  getParam (name: string): number[] {
    const id = this.paramIds.get(name)
    if (id === undefined) throw new RangeError(`unknown WBC parameter '${name}'`)
    return Array.from({ length: this.x.wbcParamLength(id) }, (_, k) => this.x.wbcParamGet(id, k))
  }

  /** HQP options: iteration bound and warm start. */
  setHqpOptions (o: { maxIter?: number, warmStart?: boolean }): void {
    if (o.maxIter !== undefined) this.x.wbcHqpSetOption(0, o.maxIter)
    if (o.warmStart !== undefined) this.x.wbcHqpSetOption(1, o.warmStart ? 1 : 0)
  }

  // --- inputs ---
  /** (nq) estimated qpos, MuJoCo layout. */
  get qpos (): Float64Array { return this.views.f64('qpos') }
  /** (nv) estimated qvel (base: world linear, body angular). */
  get qvel (): Float64Array { return this.views.f64('qvel') }
  /** (nfeet) 1 = stance. */
  get contact (): Uint8Array {
    if (this.contactBuffer !== this.dyn.core.memory.buffer) {
      this.contactBuffer = this.dyn.core.memory.buffer
      this.contactView = new Uint8Array(this.contactBuffer, this.x.wbcContactPtr(), this.nfeet)
    }
    return this.contactView
  }
  get pBaseDes (): Float64Array { return this.views.f64('p_base_des_world') }
  get quatBaseDes (): Float64Array { return this.views.f64('quat_base_des_world') }
  get vBaseDes (): Float64Array { return this.views.f64('v_base_des_world') }
  get omegaBaseDes (): Float64Array { return this.views.f64('omega_base_des_world') }
  /** (6) feed-forward base acceleration, world [linear; angular]. */
  get aBaseFf (): Float64Array { return this.views.f64('a_base_ff_world') }
  get pFootDes (): Float64Array { return this.views.f64('p_foot_des_world') }
  get vFootDes (): Float64Array { return this.views.f64('v_foot_des_world') }
  get aFootDes (): Float64Array { return this.views.f64('a_foot_des_world') }
  get fFootDes (): Float64Array { return this.views.f64('f_foot_des_world') }
  get qJointDes (): Float64Array { return this.views.f64('q_joint_des') }

  // --- outputs ---
  get tauFf (): Float64Array { return this.views.f64('tau_ff') }
  get qDes (): Float64Array { return this.views.f64('q_des') }
  get qdDes (): Float64Array { return this.views.f64('qd_des') }
  get kp (): Float64Array { return this.views.f64('kp') }
  get kd (): Float64Array { return this.views.f64('kd') }
  get qdd (): Float64Array { return this.views.f64('qdd') }
  get fFoot (): Float64Array { return this.views.f64('f_foot_world') }
  /** (nj) torque of the solution before clamping. */
  get tauWbc (): Float64Array { return this.views.f64('tau_wbc') }
  /** Per configured level (3): weighted equality / inequality slack norms, LEVEL_* outcome. */
  get slackEq (): Float64Array { return this.views.f64('slack_eq') }
  get slackIneq (): Float64Array { return this.views.f64('slack_ineq') }
  get levelStatus (): Int32Array { return this.views.i32('level_status') }
  get pFoot (): Float64Array { return this.views.f64('p_foot_world') }
  get ePosWorld (): Float64Array { return this.views.f64('e_pos_world') }
  get eRotWorld (): Float64Array { return this.views.f64('e_rot_world') }
  /** The controller's own dynamics of the last update: M (nv × nv), bias (nv), frame Jacobians, drifts. */
  get M (): Float64Array { return this.views.f64('M') }
  get bias (): Float64Array { return this.views.f64('bias') }
  get frameJac (): Float64Array { return this.views.f64('frame_jac') }
  get frameDrift (): Float64Array { return this.views.f64('frame_drift') }

  /** One update; returns WBC_STATUS. */
  update (): number { return this.x.wbcUpdate() }

  get status (): number { return this.x.wbcInfo(0) }
  get badIndex (): number { return this.x.wbcInfo(1) }
  get failures (): number { return this.x.wbcInfo(2) }
  get hqpStatus (): number { return this.x.wbcInfo(3) }
  get hqpIterations (): number { return this.x.wbcInfo(4) }
  get torqueLimitHits (): number { return this.x.wbcInfo(5) }

  /** Sizes of the last HQP: n, and per non-empty level the equality / two-sided row counts. */
  hqpSizes (): { n: number, levels: Array<{ me: number, mc: number }> } {
    const nl = this.x.wbcHqpInfo(1)
    return {
      n: this.x.wbcHqpInfo(0),
      levels: Array.from({ length: nl }, (_, k) => ({ me: this.x.wbcHqpLevelRows(k, 0), mc: this.x.wbcHqpLevelRows(k, 1) }))
    }
  }

  /** The hierarchy of the last update, copied out of WASM memory (for dumps and reference solves). */
  hqpProblem (): HqpProblem {
    const n = this.x.wbcHqpInfo(0)
    const nl = this.x.wbcHqpInfo(1)
    const buf = this.dyn.core.memory.buffer
    const at = (f: number, off: number, len: number): Float64Array => new Float64Array(buf, this.x.wbcHqpField(f) + 8 * off, len).slice()
    const levels: HqpLevel[] = []
    let a0 = 0
    let c0 = 0
    for (let k = 0; k < nl; k++) {
      const me = this.x.wbcHqpLevelRows(k, 0)
      const mc = this.x.wbcHqpLevelRows(k, 1)
      const lv: HqpLevel = {}
      if (me > 0) { lv.A = at(0, a0 * n, me * n); lv.b = at(1, a0, me) }
      if (mc > 0) { lv.C = at(2, c0 * n, mc * n); lv.l = at(3, c0, mc); lv.u = at(4, c0, mc) }
      levels.push(lv)
      a0 += me
      c0 += mc
    }
    return { n, levels, lb: at(5, 0, n), ub: at(6, 0, n) }
  }

  /** JSON text of the last HQP in the `cerebellum qp` "hqp" form (write it to a file to replay a failure). */
  dumpHqp (name = 'wbc'): string { return hqpToJson(this.hqpProblem(), name) }

  /** Heap-top probe of the core (for allocation tests). */
  heapProbe (): number { return this.x.wbcHeapProbe() }

  get memoryBytes (): number { return this.dyn.core.memory.buffer.byteLength }
}
