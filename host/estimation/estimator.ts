// StateEstimator: the host's handle on the WASM state estimator (assembly/estimation) of one robot.
// It builds the robot's dynamics Model in a fresh core (RobotDynamics), creates the estimator for the
// named feet, IMU frame and sensed joints, writes the parameters, and exposes the estimator's inputs and
// outputs as zero-copy views. Per tick: `setSensors` (or write the input views), optionally
// `setSchedule`, then `update(dt)`; read the outputs. Nothing allocates per tick on either side.
import type { RobotDescription } from '../robot/description.ts'
import { RobotDynamics } from '../core/dynamics.ts'
import { ViewSet, type CoreOptions } from '../core/wasm.ts'
import { DEFAULT_ESTIMATOR_PARAMS, writeEstimatorParams, type EstimatorParams } from './params.ts'

/** estUpdate / estBuild status codes (assembly/estimation/estimator.ts). */
export const EST_STATUS = {
  OK: 0,
  NOT_BUILT: 1,
  BAD_DT: 2,
  BAD_INPUT: 3,
  BAD_CONFIG: 4,
  DIVERGED: 5,
  BAD_PARAM: 6
} as const

const INPUT_NAMES = ['imu_quat', 'imu_quat_valid', 'imu_gyro', 'imu_accel', 'joint_q', 'joint_qd', 'joint_tau',
  'sched_state', 'sched_elapsed', 'sched_remaining'] as const

type Field = 'params' | 'imu_frame' | 'foot_frame' | 'joint_qadr' | 'joint_vadr' | typeof INPUT_NAMES[number] |
  'p_base_world' | 'quat_base_world' | 'v_base_world' | 'v_base_body' | 'omega_base_body' | 'a_base_world' |
  'p_foot_world' | 'f_foot_world' | 'foot_height' | 'contact_prob' | 'contact' | 'touchdown' | 'contact_logodds' |
  'joint_state' | 'gyro_bias' | 'accel_bias' | 'base_std' | 'status' | 'r_world' | 'v_rel_world' |
  'v_roll_world' | 'kf_accel_world' | 'kf_dv_world' | 'kf_prob_predict' | 'kf_foot_vel' | 'kf_x' | 'kf_P' | 'inekf_P'

const FIELDS: Field[] = ['params', 'imu_frame', 'foot_frame', 'joint_qadr', 'joint_vadr', ...INPUT_NAMES,
  'p_base_world', 'quat_base_world', 'v_base_world', 'v_base_body', 'omega_base_body', 'a_base_world',
  'p_foot_world', 'f_foot_world', 'foot_height', 'contact_prob', 'contact', 'touchdown', 'contact_logodds',
  'joint_state', 'gyro_bias', 'accel_bias', 'base_std', 'status', 'r_world', 'v_rel_world', 'v_roll_world',
  'kf_accel_world', 'kf_dv_world', 'kf_prob_predict', 'kf_foot_vel', 'kf_x', 'kf_P', 'inekf_P']

/** Which robot frames and joints the estimator reads. */
export interface EstimatorSetup {
  /** Foot frame names (sites at the foot centres); their number is the estimator's number of feet. */
  feet: readonly string[]
  /** IMU frame name (a frame on the floating base), or null for an IMU at the base origin with base axes. */
  imu: string | null
  /** Joint names in sensor order (the order of q, qd, tau in each sample); every non-base dof once. */
  joints: readonly string[]
}

/** One sensor sample, as the plant (host/sim/plant.ts SensorFrame) or a driver layer gives it. */
export interface EstimatorSensors {
  /** IMU orientation in the world, wxyz (4), or null when the IMU gives none. */
  quat_imu: ArrayLike<number> | null
  gyro_imu: ArrayLike<number>
  accel_imu: ArrayLike<number>
  q: ArrayLike<number>
  qd: ArrayLike<number>
  tau: ArrayLike<number>
}

export class StateEstimator {
  readonly dyn: RobotDynamics
  readonly nfeet: number
  readonly njoints: number
  readonly footNames: readonly string[]
  readonly paramNames: readonly string[]
  private readonly views: ViewSet<Field>
  private readonly updateFn: (dt: number) => number
  private readonly resetFn: (x: number, y: number) => void
  private readonly indexFn: () => number
  private readonly probeFn: () => number
  private paramsNow: EstimatorParams

  private constructor (dyn: RobotDynamics, setup: EstimatorSetup, params: EstimatorParams) {
    this.dyn = dyn
    const core = dyn.core
    const nf = setup.feet.length
    if (nf < 1 || nf > 16) throw new RangeError(`the estimator needs 1 to 16 feet, got ${nf}`)
    this.nfeet = nf
    this.footNames = [...setup.feet]
    core.fn<(n: number) => void>('estCreate')(nf)
    this.njoints = core.fn<() => number>('estJointCount')()
    const count = core.fn<() => number>('estFieldCount')()
    const name = core.fn<(i: number) => number>('estFieldName')
    const ptr = core.fn<(i: number) => number>('estFieldPtr')
    const len = core.fn<(i: number) => number>('estFieldLength')
    const kind = core.fn<(i: number) => number>('estFieldKind')
    const table = new Map<string, { ptr: number, length: number, kind: 'f64' | 'i32' }>()
    for (let i = 0; i < count; i++) table.set(core.string(name(i)), { ptr: ptr(i), length: len(i), kind: kind(i) === 0 ? 'f64' : 'i32' })
    const specs = new Map(FIELDS.map((k) => {
      const s = table.get(k)
      if (s === undefined) throw new Error(`the WASM core's estimator has no field '${k}'`)
      return [k, s] as const
    }))
    this.views = new ViewSet(core.memory, specs)
    const pc = core.fn<() => number>('estParamCount')()
    const pn = core.fn<(i: number) => number>('estParamName')
    this.paramNames = Array.from({ length: pc }, (_, i) => core.string(pn(i)))
    this.updateFn = core.fn('estUpdate')
    this.resetFn = core.fn('estReset')
    this.indexFn = core.fn('estStatusIndex')
    this.probeFn = core.fn('estHeapProbe')

    // --- configuration ---
    const desc = dyn.description
    const feet = this.views.i32('foot_frame')
    setup.feet.forEach((f, i) => { feet[i] = dyn.frameIndex(f) })
    if (setup.joints.length !== this.njoints) {
      throw new RangeError(`${desc.sourceFile}: the estimator reads ${this.njoints} joints (nv − 6), the setup names ${setup.joints.length}`)
    }
    const qadr = this.views.i32('joint_qadr')
    const vadr = this.views.i32('joint_vadr')
    const low = dyn.lowered
    setup.joints.forEach((j, i) => {
      const qa = low.qposNames.indexOf(j)
      const va = low.dofNames.indexOf(j)
      if (qa < 0 || va < 0) throw new RangeError(`${desc.sourceFile}: no joint '${j}' for the estimator (joints: ${low.dofNames.slice(6).join(', ')})`)
      qadr[i] = qa
      vadr[i] = va
    })
    this.views.i32('imu_frame')[0] = setup.imu === null ? -1 : dyn.frameIndex(setup.imu)
    this.paramsNow = params
    this.setParams(params)
    const code = core.fn<() => number>('estBuild')()
    if (code !== EST_STATUS.OK) {
      const idx = this.indexFn()
      const what = idx < nf ? `foot frame '${setup.feet[idx]}' (it must move with at least one sensed joint)`
        : idx < nf + this.njoints ? `joint '${setup.joints[idx - nf]}' (named twice or not a hinge/slide)`
          : idx === nf + this.njoints ? `IMU frame '${setup.imu ?? ''}' (it must be attached to the floating base)`
            : 'the model (the first joint must be a free joint)'
      throw new RangeError(`${desc.sourceFile}: the estimator rejected ${what}`)
    }
  }

  /** Builds the robot's dynamics and its estimator in a fresh core. */
  static async create (desc: RobotDescription, setup: EstimatorSetup, params: EstimatorParams = DEFAULT_ESTIMATOR_PARAMS,
    opts: CoreOptions = {}): Promise<StateEstimator> {
    const dyn = await RobotDynamics.create(desc, opts)
    return new StateEstimator(dyn, setup, params)
  }

  /** Writes the parameters into the core (effective at the next update; a change of estimator re-initializes). */
  setParams (p: EstimatorParams): void {
    writeEstimatorParams({ names: this.paramNames, values: this.views.f64('params') }, p)
    this.paramsNow = p
  }

  get params (): EstimatorParams { return this.paramsNow }

  /** Re-initializes at the next update with the base at (x, y) [m]; the height comes from the legs. */
  reset (x = 0, y = 0): void { this.resetFn(x, y) }

  /** Copies one sensor sample into the input views. */
  setSensors (s: EstimatorSensors): void {
    const v = this.views
    if (s.quat_imu === null) {
      v.f64('imu_quat_valid')[0] = 0
    } else {
      v.f64('imu_quat').set(s.quat_imu)
      v.f64('imu_quat_valid')[0] = 1
    }
    v.f64('imu_gyro').set(s.gyro_imu)
    v.f64('imu_accel').set(s.accel_imu)
    v.f64('joint_q').set(s.q)
    v.f64('joint_qd').set(s.qd)
    v.f64('joint_tau').set(s.tau)
  }

  /**
   * Gait schedule of foot i: state 1 stance, 0 swing, −1 none (default); time since the phase began
   * and until it ends [s].
   */
  setSchedule (foot: number, state: number, elapsed_s = 0, remaining_s = 0): void {
    this.views.f64('sched_state')[foot] = state
    this.views.f64('sched_elapsed')[foot] = elapsed_s
    this.views.f64('sched_remaining')[foot] = remaining_s
  }

  /** One update over dt [s]; returns an EST_STATUS code (0 = ok); see statusMessage for the others. */
  update (dt: number): number { return this.updateFn(dt) }

  /** Human-readable meaning of a status code returned by update. */
  statusMessage (code: number): string {
    const idx = this.indexFn()
    switch (code) {
      case EST_STATUS.OK: return 'ok'
      case EST_STATUS.NOT_BUILT: return 'estimator not built'
      case EST_STATUS.BAD_DT: return 'dt must lie in (0, 0.1] s'
      case EST_STATUS.BAD_INPUT: return `non-finite sensor input '${INPUT_NAMES[idx] ?? idx}'`
      case EST_STATUS.DIVERGED: return 'the estimate became non-finite; re-initialized at the next update'
      case EST_STATUS.BAD_PARAM: return `estimator parameter '${this.paramNames[idx] ?? idx}' out of range`
      default: return `status ${code}`
    }
  }

  /** A view of any estimator field by name (inputs, outputs, diagnostics). */
  field (name: Field): Float64Array { return this.views.f64(name) }

  // --- outputs (zero-copy views) ---
  /** (3) base origin, world [m]. */
  get p_base_world (): Float64Array { return this.views.f64('p_base_world') }
  /** (4) world-from-base orientation, wxyz. */
  get quat_base_world (): Float64Array { return this.views.f64('quat_base_world') }
  /** (3) base velocity, world [m/s]. */
  get v_base_world (): Float64Array { return this.views.f64('v_base_world') }
  /** (3) base velocity, base frame [m/s]. */
  get v_base_body (): Float64Array { return this.views.f64('v_base_body') }
  /** (3) bias-corrected angular velocity, base frame [rad/s]. */
  get omega_base_body (): Float64Array { return this.views.f64('omega_base_body') }
  /** (3·nfeet) foot positions, world [m]. */
  get p_foot_world (): Float64Array { return this.views.f64('p_foot_world') }
  /** (3·nfeet) estimated ground force on each foot, world [N]. */
  get f_foot_world (): Float64Array { return this.views.f64('f_foot_world') }
  /** (nfeet) contact-point height above the ground [m]. */
  get foot_height (): Float64Array { return this.views.f64('foot_height') }
  /** (nfeet) contact probability. */
  get contact_prob (): Float64Array { return this.views.f64('contact_prob') }
  /** (nfeet) 1 in contact. */
  get contact (): Float64Array { return this.views.f64('contact') }
  /** (nfeet) 1 on the update of a touchdown. */
  get touchdown (): Float64Array { return this.views.f64('touchdown') }
  /** (3·njoints) filtered [q, q̇, q̈] per joint. */
  get joint_state (): Float64Array { return this.views.f64('joint_state') }
  /** (3) gyro bias, base frame [rad/s]; (3) accelerometer bias [m/s²]. */
  get gyro_bias (): Float64Array { return this.views.f64('gyro_bias') }
  get accel_bias (): Float64Array { return this.views.f64('accel_bias') }
  /** (9) σ of position (3), velocity (3), attitude (3, InEKF only). */
  get base_std (): Float64Array { return this.views.f64('base_std') }

  /** Heap-top probe of the core (allocation tests). */
  heapProbe (): number { return this.probeFn() }
  get memoryBytes (): number { return this.dyn.memoryBytes }
}
