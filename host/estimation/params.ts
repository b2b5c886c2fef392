// Parameters of the state estimator (assembly/estimation): a plain typed object with documented
// defaults and units, its validation, and the writer into the WASM core's parameter array. The YAML
// configuration maps one key per entry of ESTIMATOR_PARAM_SPECS (path `kf.accel_psd` ↔ YAML
// `estimator.kf.accel_psd`); every spec carries its unit, range and one-line doc for the schema.
//
// Noise figures are continuous-time densities ("psd", σ per √Hz) so the filters do not change with
// the update rate. Defaults are tuned for quad12 (Mini Cheetah class, 8.9 kg, VN-100 IMU, 14-bit
// rotor encoders); the force thresholds scale with the robot's weight per foot.

export type EstimatorKind = 'kf' | 'inekf'

export interface EstimatorParams {
  /** Base estimator: 'kf' (linear Kalman filter) or 'inekf' (contact-aided invariant EKF). */
  estimator: EstimatorKind
  /** Use the IMU's own quaternion when the sensor gives one (else the Mahony filter / pure InEKF). */
  use_imu_quat: boolean
  /** Foot frame origin above the contact point [m] (the foot sphere's radius). */
  foot_radius: number
  /** World z of the ground the stance feet stand on [m] (flat-ground assumption of the height terms). */
  ground_height: number
  joint: {
    /** Encoder noise including quantization [rad]. */
    q_std: number
    /** Noise of the driver's velocity [rad/s]. */
    qd_std: number
    /** Joint jerk process noise density [rad/s³/√Hz]. */
    jerk_psd: number
  }
  mahony: {
    /** Proportional gain on the gravity-direction error [rad/s]. */
    kp: number
    /** Integral gain (gyro bias) [rad/s²]. */
    ki: number
    /** The accelerometer corrects only while ||f| − g| is below this [m/s²]. */
    accel_gate: number
  }
  kf: {
    /** Base acceleration process noise density [m/s²/√Hz]. */
    accel_psd: number
    /** Base position process noise density [m/s/√Hz]. */
    pos_psd: number
    /** Foot position random walk in stance (slip) [m/s/√Hz]. */
    foot_stance_psd: number
    /** Foot position random walk in swing [m/s/√Hz]. */
    foot_swing_psd: number
    /** Leg-kinematics foot position noise [m]. */
    foot_pos_std: number
    /** Base velocity from one stance foot, noise [m/s]. */
    foot_vel_std: number
    /** Stance foot height (on the ground) noise [m]. */
    foot_height_std: number
    /** Velocity and height variances × (1 + this·(1 − p_contact)): σ_swing²/σ_stance² − 1 of a two-mode mixture. */
    swing_inflation: number
    /** World-frame acceleration bias random walk (absorbs the gravity leaked by an attitude error) [m/s³/√Hz]. */
    bias_psd: number
    /** Initial acceleration bias uncertainty [m/s²]. */
    init_bias_std: number
  }
  init: {
    /** Initial base and foot position uncertainty [m]. */
    pos_std: number
    /** Initial base velocity uncertainty [m/s]. */
    vel_std: number
  }
  inekf: {
    /** Gyro noise density [rad/s/√Hz]. */
    gyro_psd: number
    /** Accelerometer noise density [m/s²/√Hz]. */
    accel_psd: number
    /** Gyro bias random walk [rad/s²/√Hz]. */
    gyro_bias_psd: number
    /** Accelerometer bias random walk [m/s³/√Hz]. */
    accel_bias_psd: number
    /** Contact point random walk (slip) [m/s/√Hz]. */
    foot_psd: number
    /** Leg-kinematics foot position noise [m]. */
    foot_pos_std: number
    /** The IMU quaternion's tilt fused as a measurement with this σ [rad]; 0 = not fused. */
    tilt_std: number
    /** The IMU quaternion's heading fused with this σ [rad]; 0 = not fused (magnetometer headings are poor near motors). */
    yaw_std: number
    /** Initial attitude uncertainty [rad]. */
    init_rot_std: number
    /** Initial gyro bias uncertainty [rad/s]. */
    init_gyro_bias_std: number
    /** Initial accelerometer bias uncertainty [m/s²]. */
    init_accel_bias_std: number
    /** Foot measurement variance × (1 + this·(1 − p_contact)). */
    contact_inflation: number
  }
  contact: {
    /** Normal force at which the force evidence is neutral [N]. */
    force_mid: number
    /** Force per unit of log-odds [N]. */
    force_scale: number
    /** Largest |log-odds| from the force. */
    force_logodds: number
    /** Contact-point height above the ground beyond which the height votes swing [m]. */
    height_mid: number
    /** Height per unit of log-odds [m]. */
    height_scale: number
    /** Largest log-odds against contact from the height. */
    height_logodds: number
    /** Log-odds of the gait schedule inside a phase. */
    sched_logodds: number
    /** Near a scheduled phase edge the schedule's weight ramps up from 0 over this time [s]. */
    sched_edge: number
    /** Contact is declared above this probability. */
    p_on: number
    /** Contact is released below this probability. */
    p_off: number
    /** Damping of the (J·Jᵀ) solve of the foot force [m²]. */
    force_damping: number
    /** Time constant of the normal-force low-pass [s]. */
    force_tau: number
  }
}

/**
 * Defaults for quad12 (see the file header), tuned on the scripted runs of test/estimation and
 * `npm run bench -- estimator`. The InEKF is the default: with the same sensors it keeps the attitude
 * to 0.05° RMS (the KF inherits the IMU quaternion's 0.6°), its heading does not wander with the IMU's
 * magnetic yaw, and it needs no flat-ground assumption for the height (1 mm vs the KF's 11 mm with a
 * foot on a 5 cm step); velocity errors of the two are alike. The IMU quaternion is not fused into the
 * InEKF (tilt_std 0): fused at its datasheet 0.5°, it pulls the tilt error up to about 1°.
 */
export const DEFAULT_ESTIMATOR_PARAMS: Readonly<EstimatorParams> = Object.freeze({
  estimator: 'inekf',
  use_imu_quat: true,
  foot_radius: 0.02,
  ground_height: 0,
  joint: { q_std: 7e-5, qd_std: 0.2, jerk_psd: 300 },
  mahony: { kp: 0.5, ki: 0.1, accel_gate: 1.5 },
  kf: {
    accel_psd: 0.05, pos_psd: 0.001, foot_stance_psd: 0.002, foot_swing_psd: 1.0, foot_pos_std: 0.003,
    foot_vel_std: 0.05, foot_height_std: 0.01, swing_inflation: 400, bias_psd: 0.05, init_bias_std: 0.2
  },
  init: { pos_std: 0.01, vel_std: 0.1 },
  inekf: {
    gyro_psd: 1e-3, accel_psd: 0.05, gyro_bias_psd: 1e-4, accel_bias_psd: 1e-3, foot_psd: 0.01, foot_pos_std: 0.005,
    tilt_std: 0, yaw_std: 0, init_rot_std: 0.02, init_gyro_bias_std: 0.005, init_accel_bias_std: 0.05,
    contact_inflation: 100
  },
  contact: {
    force_mid: 5, force_scale: 1, force_logodds: 8, height_mid: 0.06, height_scale: 0.02, height_logodds: 4,
    sched_logodds: 2.5, sched_edge: 0.05, p_on: 0.75, p_off: 0.15, force_damping: 1e-3, force_tau: 0.004
  }
}) as EstimatorParams

function valueAt (p: EstimatorParams, path: string): unknown {
  let v: unknown = p
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k]
  return v
}

/** One parameter: its path in EstimatorParams, the core's name, unit, range, default and doc (one YAML key each). */
export interface ParamSpec {
  path: string
  core: string
  unit: string
  min: number
  max: number
  default: number | boolean | string
  doc: string
}

const spec = (path: string, unit: string, min: number, max: number, doc: string): ParamSpec =>
  ({ path, core: path.replace('.', '_'), unit, min, max, default: valueAt(DEFAULT_ESTIMATOR_PARAMS, path) as number | boolean | string, doc })

/** Every parameter; the core names it by its path with '.' → '_' (the order is the core's business). */
export const ESTIMATOR_PARAM_SPECS: readonly ParamSpec[] = [
  spec('estimator', '', 0, 1, "'kf' (linear Kalman filter) or 'inekf' (contact-aided invariant EKF)"),
  spec('use_imu_quat', '', 0, 1, "use the IMU's own quaternion when the sensor gives one"),
  spec('foot_radius', 'm', 0, 0.5, 'foot frame origin above the contact point'),
  spec('ground_height', 'm', -100, 100, 'world z of the ground (flat-ground assumption of the height terms)'),
  spec('joint.q_std', 'rad', 1e-9, 0.1, 'encoder noise including quantization'),
  spec('joint.qd_std', 'rad/s', 1e-6, 100, "noise of the driver's velocity"),
  spec('joint.jerk_psd', 'rad/s³/√Hz', 0, 1e6, 'joint jerk process noise density'),
  spec('mahony.kp', 'rad/s', 0, 100, 'Mahony proportional gain (no IMU quaternion)'),
  spec('mahony.ki', 'rad/s²', 0, 100, 'Mahony integral gain (gyro bias)'),
  spec('mahony.accel_gate', 'm/s²', 0, 100, 'the accelerometer corrects only while ||f| − g| is below this'),
  spec('kf.accel_psd', 'm/s²/√Hz', 0, 100, 'base acceleration process noise density'),
  spec('kf.pos_psd', 'm/s/√Hz', 0, 10, 'base position process noise density'),
  spec('kf.foot_stance_psd', 'm/s/√Hz', 0, 10, 'foot position random walk in stance (slip)'),
  spec('kf.foot_swing_psd', 'm/s/√Hz', 0, 100, 'foot position random walk in swing'),
  spec('kf.foot_pos_std', 'm', 1e-6, 1, 'leg-kinematics foot position noise'),
  spec('kf.foot_vel_std', 'm/s', 1e-6, 10, 'base velocity from one stance foot, noise'),
  spec('kf.foot_height_std', 'm', 1e-6, 10, 'stance foot height (on the ground) noise'),
  spec('kf.swing_inflation', '', 0, 1e8, 'velocity/height variance × (1 + this·(1 − p_contact))'),
  spec('kf.bias_psd', 'm/s³/√Hz', 0, 100, 'world-frame acceleration bias random walk (gravity leaked by an attitude error)'),
  spec('kf.init_bias_std', 'm/s²', 0, 100, 'initial acceleration bias uncertainty'),
  spec('init.pos_std', 'm', 0, 10, 'initial base and foot position uncertainty'),
  spec('init.vel_std', 'm/s', 0, 10, 'initial base velocity uncertainty'),
  spec('inekf.gyro_psd', 'rad/s/√Hz', 0, 10, 'InEKF gyro noise density'),
  spec('inekf.accel_psd', 'm/s²/√Hz', 0, 100, 'InEKF accelerometer noise density'),
  spec('inekf.gyro_bias_psd', 'rad/s²/√Hz', 0, 10, 'InEKF gyro bias random walk'),
  spec('inekf.accel_bias_psd', 'm/s³/√Hz', 0, 100, 'InEKF accelerometer bias random walk'),
  spec('inekf.foot_psd', 'm/s/√Hz', 0, 10, 'InEKF contact point random walk (slip)'),
  spec('inekf.foot_pos_std', 'm', 1e-6, 1, 'InEKF leg-kinematics foot position noise'),
  spec('inekf.tilt_std', 'rad', 0, 1, "the IMU quaternion's tilt fused with this σ; 0 = not fused"),
  spec('inekf.yaw_std', 'rad', 0, 3.2, "the IMU quaternion's heading fused with this σ; 0 = not fused"),
  spec('inekf.init_rot_std', 'rad', 0, 3.2, 'InEKF initial attitude uncertainty'),
  spec('inekf.init_gyro_bias_std', 'rad/s', 0, 10, 'InEKF initial gyro bias uncertainty'),
  spec('inekf.init_accel_bias_std', 'm/s²', 0, 100, 'InEKF initial accelerometer bias uncertainty'),
  spec('inekf.contact_inflation', '', 0, 1e8, 'InEKF foot measurement variance × (1 + this·(1 − p_contact))'),
  spec('contact.force_mid', 'N', -1e4, 1e4, 'normal force at which the force evidence is neutral'),
  spec('contact.force_scale', 'N', 1e-6, 1e4, 'force per unit of log-odds'),
  spec('contact.force_logodds', '', 0, 50, 'largest |log-odds| from the force'),
  spec('contact.height_mid', 'm', 0, 1, 'contact-point height beyond which the height votes swing'),
  spec('contact.height_scale', 'm', 1e-6, 1, 'height per unit of log-odds'),
  spec('contact.height_logodds', '', 0, 50, 'largest log-odds against contact from the height'),
  spec('contact.sched_logodds', '', 0, 50, 'log-odds of the gait schedule inside a phase'),
  spec('contact.sched_edge', 's', 0, 10, "near a scheduled phase edge the schedule's weight ramps up from 0 over this time"),
  spec('contact.p_on', '', 0, 1, 'contact is declared above this probability'),
  spec('contact.p_off', '', 0, 1, 'contact is released below this probability (< p_on)'),
  spec('contact.force_damping', 'm²', 0, 1, 'damping of the (J·Jᵀ) solve of the foot force'),
  spec('contact.force_tau', 's', 0, 1, 'time constant of the normal-force low-pass')
]

/** A partial override: any subset of the groups and keys. */
export type EstimatorParamsOverride = {
  [K in keyof EstimatorParams]?: EstimatorParams[K] extends object ? Partial<EstimatorParams[K]> : EstimatorParams[K]
}

/** Defaults with `over` applied (a deep copy; groups merge key by key). */
export function estimatorParams (over: EstimatorParamsOverride = {}): EstimatorParams {
  const d = DEFAULT_ESTIMATOR_PARAMS
  return {
    estimator: over.estimator ?? d.estimator,
    use_imu_quat: over.use_imu_quat ?? d.use_imu_quat,
    foot_radius: over.foot_radius ?? d.foot_radius,
    ground_height: over.ground_height ?? d.ground_height,
    joint: { ...d.joint, ...over.joint },
    mahony: { ...d.mahony, ...over.mahony },
    kf: { ...d.kf, ...over.kf },
    init: { ...d.init, ...over.init },
    inekf: { ...d.inekf, ...over.inekf },
    contact: { ...d.contact, ...over.contact }
  }
}

/** The parameters as core name → number; throws RangeError naming the key for a bad value. */
export function flattenEstimatorParams (p: EstimatorParams): Map<string, number> {
  const out = new Map<string, number>()
  for (const s of ESTIMATOR_PARAM_SPECS) {
    const raw = valueAt(p, s.path)
    let x: number
    if (s.path === 'estimator') {
      if (raw !== 'kf' && raw !== 'inekf') throw new RangeError(`estimator parameter 'estimator' must be 'kf' or 'inekf', got ${JSON.stringify(raw)}`)
      x = raw === 'kf' ? 0 : 1
    } else if (s.path === 'use_imu_quat') {
      if (typeof raw !== 'boolean') throw new RangeError(`estimator parameter 'use_imu_quat' must be true or false, got ${JSON.stringify(raw)}`)
      x = raw ? 1 : 0
    } else {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        throw new RangeError(`estimator parameter '${s.path}' must be a finite number [${s.unit || '-'}], got ${JSON.stringify(raw)}`)
      }
      if (raw < s.min || raw > s.max) {
        throw new RangeError(`estimator parameter '${s.path}' = ${raw} is outside [${s.min}, ${s.max}] ${s.unit}`)
      }
      x = raw
    }
    out.set(s.core, x)
  }
  const pOn = out.get('contact_p_on') as number
  const pOff = out.get('contact_p_off') as number
  if (!(pOn > pOff && pOn < 1)) throw new RangeError(`estimator parameters: contact.p_on (${pOn}) must lie in (contact.p_off = ${pOff}, 1)`)
  return out
}

/** Where the values go: the core's parameter array and its names, in core order. */
export interface ParamSink { names: readonly string[], values: Float64Array }

/**
 * Writes `p` into the core's parameter array. Throws RangeError for a bad value (naming the key) and
 * Error when the core and the host disagree on the parameter set (a build from another version).
 */
export function writeEstimatorParams (sink: ParamSink, p: EstimatorParams): void {
  const flat = flattenEstimatorParams(p)
  if (sink.names.length !== flat.size) {
    throw new Error(`the WASM core has ${sink.names.length} estimator parameters, the host knows ${flat.size}: rebuild the core`)
  }
  sink.names.forEach((name, i) => {
    const v = flat.get(name)
    if (v === undefined) throw new Error(`the WASM core's estimator parameter '${name}' is unknown to the host (host/estimation/params.ts)`)
    sink.values[i] = v
  })
}
