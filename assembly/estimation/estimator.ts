// The state estimator of one robot: joint filter, orientation, leg kinematics, torque-based contact
// forces, contact fusion, and one of two base estimators (linear KF or contact-aided invariant EKF,
// chosen by params[P_ESTIMATOR] at every update). Sized once from the Model and the number of feet;
// `update` never allocates.
//
// Per update (dt, sensors) => estimate:
//   sense       IMU → base frame (gyro ω, specific force at the base origin f_o = R_bi·f − ω×(ω×r)),
//               lever-arm velocity term dv = −R·((ω_k − ω_{k−1}) × r) (the ω̇×r part, integrated exactly)
//   joints      JointVelocityFilter(q, q̇) → q̇, q̈
//   attitude    KF: the IMU quaternion moved to the base (q_wb = q_wi ⊗ q_biᶜ), or the Mahony filter;
//               InEKF: propagation (gyro, accel, biases)
//   kinematics  LegKinematics at the current attitude → r_world, r_body, v_rel
//   predict     KF: p, v from a = R·f_o + g (trapezoidal)
//   contacts    ContactForce (RNEA) → normal force; foot height; schedule → ContactEstimator
//   correct     KF: foot positions, stance velocities and heights; InEKF: touchdown/lift-off, contact
//               kinematics, optional IMU tilt/heading
//   outputs     base pose/twist, feet, contacts, forces, joint state, biases, standard deviations
//
// Inputs, outputs and configuration are registered in a FieldTable for zero-copy host views
// (host/estimation/estimator.ts). Status codes: EST_*.
import { Model } from '../model/model'
import { FieldTable } from '../model/field-table'
import { JOINT_FREE } from '../model/joint-type'
import { quatToMat3 } from '../math/quaternion'
import { LegKinematics } from './leg-kinematics'
import { JointVelocityFilter } from './joint-velocity-filter'
import { MahonyFilter } from './mahony-filter'
import { LinearKf } from './linear-kf'
import { InvariantEkf } from './invariant-ekf'
import { ContactForce } from './contact-force'
import { ContactEstimator } from './contact-estimator'
import { quatFromMat3 } from './so3'
import {
  PARAM_COUNT, P_ESTIMATOR, P_USE_IMU_QUAT, P_FOOT_RADIUS, P_GROUND_HEIGHT, P_JOINT_Q_STD, P_JOINT_QD_STD,
  P_JOINT_JERK_PSD, P_MAHONY_KP, P_MAHONY_KI, P_MAHONY_ACCEL_GATE, P_KF_ACCEL_PSD, P_KF_POS_PSD,
  P_KF_FOOT_STANCE_PSD, P_KF_FOOT_SWING_PSD, P_KF_FOOT_POS_STD, P_KF_FOOT_VEL_STD, P_KF_FOOT_HEIGHT_STD,
  P_KF_SWING_INFLATION, P_INIT_POS_STD, P_INIT_VEL_STD, P_INEKF_GYRO_PSD, P_INEKF_ACCEL_PSD,
  P_INEKF_GYRO_BIAS_PSD, P_INEKF_ACCEL_BIAS_PSD, P_INEKF_FOOT_PSD, P_INEKF_FOOT_POS_STD, P_INEKF_TILT_STD,
  P_INEKF_YAW_STD, P_INEKF_INIT_ROT_STD, P_INEKF_INIT_GYRO_BIAS_STD, P_INEKF_INIT_ACCEL_BIAS_STD,
  P_CONTACT_FORCE_MID, P_CONTACT_FORCE_SCALE, P_CONTACT_FORCE_LOGODDS, P_CONTACT_HEIGHT_MID,
  P_CONTACT_HEIGHT_SCALE, P_CONTACT_HEIGHT_LOGODDS, P_CONTACT_SCHED_LOGODDS, P_CONTACT_SCHED_EDGE,
  P_CONTACT_P_ON, P_CONTACT_P_OFF, P_CONTACT_FORCE_DAMPING, P_INEKF_CONTACT_INFLATION, P_KF_BIAS_PSD,
  P_KF_INIT_BIAS_STD, P_CONTACT_FORCE_TAU
} from './estimator-params'

/** Status of build / update (host/estimation/estimator.ts mirrors them). */
export const EST_OK: i32 = 0
export const EST_NOT_BUILT: i32 = 1      // estBuild has not succeeded
export const EST_BAD_DT: i32 = 2         // dt not in (0, 0.1] s
export const EST_BAD_INPUT: i32 = 3      // a non-finite sensor value (error_index names the input field)
export const EST_BAD_CONFIG: i32 = 4     // foot frame / joint / IMU frame invalid (error_index says which)
export const EST_DIVERGED: i32 = 5       // the state became non-finite: re-initialized at the next update
export const EST_BAD_PARAM: i32 = 6      // a parameter out of range (error_index = parameter index)

export const ESTIMATOR_KF: i32 = 0
export const ESTIMATOR_INEKF: i32 = 1

export class Estimator {
  readonly model: Model
  readonly nf: i32
  readonly nj: i32
  readonly kin: LegKinematics
  readonly jf: JointVelocityFilter
  readonly mahony: MahonyFilter = new MahonyFilter()
  readonly kf: LinearKf
  readonly inekf: InvariantEkf
  readonly force: ContactForce
  readonly contacts: ContactEstimator

  // --- configuration (host writes before estBuild; params any time) ---
  readonly params: StaticArray<f64> = new StaticArray<f64>(PARAM_COUNT)
  readonly imu_frame: StaticArray<i32> = new StaticArray<i32>(1) // (1) model frame of the IMU, −1 = base origin

  // --- inputs (host writes before each update) ---
  readonly imu_quat: StaticArray<f64> = new StaticArray<f64>(4)       // (4) IMU orientation in the world, wxyz
  readonly imu_quat_valid: StaticArray<f64> = new StaticArray<f64>(1) // (1) 1 when imu_quat is a measurement
  readonly imu_gyro: StaticArray<f64> = new StaticArray<f64>(3)       // (3) angular rate, IMU frame [rad/s]
  readonly imu_accel: StaticArray<f64> = new StaticArray<f64>(3)      // (3) specific force, IMU frame [m/s²]
  readonly joint_q: StaticArray<f64>        // (nj) encoder positions [rad], sensor order
  readonly joint_qd: StaticArray<f64>       // (nj) driver velocities [rad/s]
  readonly joint_tau: StaticArray<f64>      // (nj) torque estimates [N·m]
  readonly sched_state: StaticArray<f64>    // (nf) gait schedule: 1 stance, 0 swing, −1 none
  readonly sched_elapsed: StaticArray<f64>  // (nf) time since the scheduled phase began [s]
  readonly sched_remaining: StaticArray<f64> // (nf) time until it ends [s]

  // --- outputs ---
  readonly p_base_world: StaticArray<f64> = new StaticArray<f64>(3)    // (3) base origin [m]
  readonly quat_base_world: StaticArray<f64> = new StaticArray<f64>(4) // (4) world-from-base, wxyz
  readonly v_base_world: StaticArray<f64> = new StaticArray<f64>(3)    // (3) [m/s]
  readonly v_base_body: StaticArray<f64> = new StaticArray<f64>(3)     // (3) [m/s]
  readonly omega_base_body: StaticArray<f64> = new StaticArray<f64>(3) // (3) bias-corrected [rad/s]
  readonly a_base_world: StaticArray<f64> = new StaticArray<f64>(3)    // (3) base origin acceleration, gravity removed [m/s²]
  readonly p_foot_world: StaticArray<f64>   // (3·nf) foot frame origins [m]
  readonly f_foot_world: StaticArray<f64>   // (3·nf) estimated ground force on each foot [N]
  readonly foot_height: StaticArray<f64>    // (nf) contact-point height above the ground [m]
  readonly contact_prob: StaticArray<f64>   // (nf)
  readonly contact: StaticArray<f64>        // (nf) 1 in contact
  readonly touchdown: StaticArray<f64>      // (nf) 1 on the update of a touchdown
  readonly gyro_bias: StaticArray<f64> = new StaticArray<f64>(3)  // (3) base frame [rad/s]
  readonly accel_bias: StaticArray<f64> = new StaticArray<f64>(3) // (3) base axes [m/s²] (KF: its world-frame bias rotated)
  readonly base_std: StaticArray<f64> = new StaticArray<f64>(9)   // (9) σ of position (3), velocity (3), attitude (3, InEKF)
  readonly status: StaticArray<f64> = new StaticArray<f64>(2)     // (2) last status, error index

  // --- diagnostics of the KF's inputs on the last update (for the dense-filter oracle test) ---
  readonly kf_accel_world: StaticArray<f64> = new StaticArray<f64>(3) // (3) acceleration used in predict
  readonly kf_dv_world: StaticArray<f64> = new StaticArray<f64>(3)    // (3) lever-arm velocity increment
  readonly kf_prob_predict: StaticArray<f64>  // (nf) contact probabilities used in predict (previous update's)
  readonly kf_foot_vel: StaticArray<f64>      // (3·nf) foot velocity input of predict (p_i·v_roll,i)

  readonly fields: FieldTable = new FieldTable()

  // --- derived at build ---
  private readonly imu_pos: StaticArray<f64> = new StaticArray<f64>(3)  // IMU origin in the base frame [m]
  private readonly imu_rot: StaticArray<f64> = new StaticArray<f64>(9)  // base-from-IMU rotation
  private readonly imu_q: StaticArray<f64> = new StaticArray<f64>(4)    // base-from-IMU quaternion
  private g_norm: f64 = 9.81
  built: bool = false
  private needInit: bool = true
  private running: i32 = -1
  private init_x: f64 = 0.0
  private init_y: f64 = 0.0

  // --- scratch ---
  private readonly w_b: StaticArray<f64> = new StaticArray<f64>(3)      // gyro, base frame
  private readonly w_prev: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly f_o: StaticArray<f64> = new StaticArray<f64>(3)      // specific force at the base origin
  private readonly f_prev: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly a_prev: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly w_avg: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly f_avg: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly w_corr: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly q_att: StaticArray<f64> = new StaticArray<f64>(4)
  private readonly q_meas: StaticArray<f64> = new StaticArray<f64>(4)
  private readonly R_att: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly R_meas: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly v_tmp: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly p0: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly init_contact: StaticArray<i32>
  private readonly init_prob: StaticArray<f64>

  constructor (model: Model, nf: i32) {
    this.model = model
    this.nf = nf
    const nj = model.nv - 6
    this.nj = nj
    this.kin = new LegKinematics(model, nf, nj)
    this.jf = new JointVelocityFilter(nj)
    this.kf = new LinearKf(nf)
    this.inekf = new InvariantEkf(nf)
    this.force = new ContactForce(nf, model.nv)
    this.contacts = new ContactEstimator(nf)
    this.joint_q = new StaticArray<f64>(nj)
    this.joint_qd = new StaticArray<f64>(nj)
    this.joint_tau = new StaticArray<f64>(nj)
    this.sched_state = new StaticArray<f64>(nf)
    this.sched_elapsed = new StaticArray<f64>(nf)
    this.sched_remaining = new StaticArray<f64>(nf)
    this.p_foot_world = new StaticArray<f64>(3 * nf)
    this.f_foot_world = new StaticArray<f64>(3 * nf)
    this.foot_height = new StaticArray<f64>(nf)
    this.contact_prob = new StaticArray<f64>(nf)
    this.contact = new StaticArray<f64>(nf)
    this.touchdown = new StaticArray<f64>(nf)
    this.kf_prob_predict = new StaticArray<f64>(nf)
    this.kf_foot_vel = new StaticArray<f64>(3 * nf)
    this.init_contact = new StaticArray<i32>(nf)
    this.init_prob = new StaticArray<f64>(nf)

    const t = this.fields
    t.f64('params', this.params)
    t.i32('imu_frame', this.imu_frame)
    t.i32('foot_frame', this.kin.foot_frame)
    t.i32('joint_qadr', this.kin.joint_qadr)
    t.i32('joint_vadr', this.kin.joint_vadr)
    t.f64('imu_quat', this.imu_quat)
    t.f64('imu_quat_valid', this.imu_quat_valid)
    t.f64('imu_gyro', this.imu_gyro)
    t.f64('imu_accel', this.imu_accel)
    t.f64('joint_q', this.joint_q)
    t.f64('joint_qd', this.joint_qd)
    t.f64('joint_tau', this.joint_tau)
    t.f64('sched_state', this.sched_state)
    t.f64('sched_elapsed', this.sched_elapsed)
    t.f64('sched_remaining', this.sched_remaining)
    t.f64('p_base_world', this.p_base_world)
    t.f64('quat_base_world', this.quat_base_world)
    t.f64('v_base_world', this.v_base_world)
    t.f64('v_base_body', this.v_base_body)
    t.f64('omega_base_body', this.omega_base_body)
    t.f64('a_base_world', this.a_base_world)
    t.f64('p_foot_world', this.p_foot_world)
    t.f64('f_foot_world', this.f_foot_world)
    t.f64('foot_height', this.foot_height)
    t.f64('contact_prob', this.contact_prob)
    t.f64('contact', this.contact)
    t.f64('touchdown', this.touchdown)
    t.f64('contact_logodds', this.contacts.logodds)
    t.f64('joint_state', this.jf.x)
    t.f64('gyro_bias', this.gyro_bias)
    t.f64('accel_bias', this.accel_bias)
    t.f64('base_std', this.base_std)
    t.f64('status', this.status)
    t.f64('r_world', this.kin.r_world)
    t.f64('v_rel_world', this.kin.v_rel_world)
    t.f64('kf_accel_world', this.kf_accel_world)
    t.f64('kf_dv_world', this.kf_dv_world)
    t.f64('kf_prob_predict', this.kf_prob_predict)
    t.f64('kf_foot_vel', this.kf_foot_vel)
    t.f64('v_roll_world', this.kin.v_roll_world)
    t.f64('kf_x', this.kf.x)
    t.f64('kf_P', this.kf.P)
    t.f64('inekf_P', this.inekf.P)
    this.imu_frame[0] = -1
    for (let i = 0; i < nf; i++) this.sched_state[i] = -1.0
    this.imu_quat[0] = 1.0
  }

  /**
   * Validates the configuration (foot frames, joint addresses, IMU frame, the model's floating base)
   * and derives the IMU mount. Returns EST_OK or EST_BAD_CONFIG with status[1] = the offending item:
   * foot i → i, joint j → nf + j, IMU frame → nf + nj, base → nf + nj + 1.
   */
  build (): i32 {
    const m = this.model
    this.built = false
    if (m.nlink < 1 || m.link_jtype[0] != JOINT_FREE || m.link_qadr[0] != 0 || m.link_vadr[0] != 0 || this.nj < 1) {
      return this.fail(EST_BAD_CONFIG, this.nf + this.nj + 1)
    }
    const bad = this.kin.derive()
    if (bad >= 0) return this.fail(EST_BAD_CONFIG, bad)
    const f = this.imu_frame[0]
    if (f >= 0) {
      if (f >= m.nframe || m.frame_link[f] != 0) return this.fail(EST_BAD_CONFIG, this.nf + this.nj)
      for (let k = 0; k < 3; k++) this.imu_pos[k] = m.frame_pos[3 * f + k]
      for (let k = 0; k < 9; k++) this.imu_rot[k] = m.frame_rot[9 * f + k]
      quatFromMat3(this.imu_q, 0, this.imu_rot, 0)
    } else if (f == -1) {
      for (let k = 0; k < 3; k++) this.imu_pos[k] = 0.0
      for (let k = 0; k < 9; k++) this.imu_rot[k] = (k % 4 == 0) ? 1.0 : 0.0
      this.imu_q[0] = 1.0; this.imu_q[1] = 0.0; this.imu_q[2] = 0.0; this.imu_q[3] = 0.0
    } else {
      return this.fail(EST_BAD_CONFIG, this.nf + this.nj)
    }
    const g = m.gravity
    this.g_norm = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2])
    this.built = true
    this.needInit = true
    this.status[0] = EST_OK
    this.status[1] = -1
    return EST_OK
  }

  /** Re-initializes at the next update, with the base at (x, y) and its height from the leg kinematics. */
  reset (x: f64, y: f64): void {
    this.init_x = x
    this.init_y = y
    this.needInit = true
  }

  private fail (code: i32, index: i32): i32 {
    this.status[0] = code
    this.status[1] = index
    return code
  }

  /** Index of the first parameter out of its range, or −1 (ranges: host/estimation/params.ts). */
  checkParams (): i32 {
    const P = this.params
    for (let i = 0; i < PARAM_COUNT; i++) if (!isFinite(P[i])) return i
    for (let i = P_FOOT_RADIUS + 2; i < PARAM_COUNT; i++) {
      if (i == P_CONTACT_FORCE_MID) continue
      if (P[i] < 0.0) return i
    }
    if (P[P_FOOT_RADIUS] < 0.0) return P_FOOT_RADIUS
    if (!(P[P_JOINT_Q_STD] > 0.0)) return P_JOINT_Q_STD
    if (!(P[P_JOINT_QD_STD] > 0.0)) return P_JOINT_QD_STD
    if (!(P[P_KF_FOOT_POS_STD] > 0.0)) return P_KF_FOOT_POS_STD
    if (!(P[P_KF_FOOT_VEL_STD] > 0.0)) return P_KF_FOOT_VEL_STD
    if (!(P[P_KF_FOOT_HEIGHT_STD] > 0.0)) return P_KF_FOOT_HEIGHT_STD
    if (!(P[P_INEKF_FOOT_POS_STD] > 0.0)) return P_INEKF_FOOT_POS_STD
    if (!(P[P_CONTACT_FORCE_SCALE] > 0.0)) return P_CONTACT_FORCE_SCALE
    if (!(P[P_CONTACT_HEIGHT_SCALE] > 0.0)) return P_CONTACT_HEIGHT_SCALE
    if (!(P[P_CONTACT_P_ON] > P[P_CONTACT_P_OFF] && P[P_CONTACT_P_ON] < 1.0)) return P_CONTACT_P_ON
    return -1
  }

  /** Index (into the input list of the field table, 0 = imu_quat …) of the first non-finite input, or −1. */
  private badInput (): i32 {
    for (let k = 0; k < 4; k++) if (!isFinite(this.imu_quat[k]) && this.imu_quat_valid[0] >= 0.5) return 0
    if (!isFinite(this.imu_quat_valid[0])) return 1
    for (let k = 0; k < 3; k++) if (!isFinite(this.imu_gyro[k])) return 2
    for (let k = 0; k < 3; k++) if (!isFinite(this.imu_accel[k])) return 3
    for (let j = 0; j < this.nj; j++) if (!isFinite(this.joint_q[j])) return 4
    for (let j = 0; j < this.nj; j++) if (!isFinite(this.joint_qd[j])) return 5
    for (let j = 0; j < this.nj; j++) if (!isFinite(this.joint_tau[j])) return 6
    for (let i = 0; i < this.nf; i++) if (!isFinite(this.sched_state[i])) return 7
    for (let i = 0; i < this.nf; i++) if (!isFinite(this.sched_elapsed[i])) return 8
    for (let i = 0; i < this.nf; i++) if (!isFinite(this.sched_remaining[i])) return 9
    return -1
  }

  /** One estimator step over dt [s] from the current inputs. Returns EST_* (also in status[0]). */
  update (dt: f64): i32 {
    if (!this.built) return this.fail(EST_NOT_BUILT, -1)
    if (!(dt > 0.0 && dt <= 0.1)) return this.fail(EST_BAD_DT, -1)
    const bad = this.badInput()
    if (bad >= 0) return this.fail(EST_BAD_INPUT, bad)
    const badParam = this.checkParams()
    if (badParam >= 0) return this.fail(EST_BAD_PARAM, badParam)
    this.sense()
    const est = this.which()
    if (est != this.running) {
      // a switch of estimator starts the newly selected one from the sensors
      this.running = est
      this.needInit = true
    }
    if (this.needInit) {
      this.initialize()
      this.needInit = false
    } else {
      this.step(dt)
    }
    if (!this.writeOutputs()) {
      this.needInit = true
      return this.fail(EST_DIVERGED, -1)
    }
    this.status[0] = EST_OK
    this.status[1] = -1
    return EST_OK
  }

  /** IMU → base frame: w_b = R_bi·ω, f_o = R_bi·f − ω × (ω × r). */
  private sense (): void {
    const Rb = this.imu_rot
    const g = this.imu_gyro
    const a = this.imu_accel
    for (let r = 0; r < 3; r++) {
      this.w_b[r] = Rb[3 * r] * g[0] + Rb[3 * r + 1] * g[1] + Rb[3 * r + 2] * g[2]
      this.f_o[r] = Rb[3 * r] * a[0] + Rb[3 * r + 1] * a[1] + Rb[3 * r + 2] * a[2]
    }
    const wx = this.w_b[0]; const wy = this.w_b[1]; const wz = this.w_b[2]
    const rx = this.imu_pos[0]; const ry = this.imu_pos[1]; const rz = this.imu_pos[2]
    const cx = wy * rz - wz * ry; const cy = wz * rx - wx * rz; const cz = wx * ry - wy * rx
    this.f_o[0] -= wy * cz - wz * cy
    this.f_o[1] -= wz * cx - wx * cz
    this.f_o[2] -= wx * cy - wy * cx
    // measured base attitude q_wb = q_wi ⊗ conj(q_bi)
    const q = this.imu_quat
    const b = this.imu_q
    const iw = q[0]; const ix = q[1]; const iy = q[2]; const iz = q[3]
    const bw = b[0]; const bx = -b[1]; const by = -b[2]; const bz = -b[3]
    const m = this.q_meas
    m[0] = iw * bw - ix * bx - iy * by - iz * bz
    m[1] = iw * bx + ix * bw + iy * bz - iz * by
    m[2] = iw * by - ix * bz + iy * bw + iz * bx
    m[3] = iw * bz + ix * by - iy * bx + iz * bw
    quatToMat3(this.R_meas, 0, m[0], m[1], m[2], m[3])
  }

  @inline private useImuQuat (): bool {
    return this.params[P_USE_IMU_QUAT] >= 0.5 && this.imu_quat_valid[0] >= 0.5
  }

  @inline private which (): i32 {
    return this.params[P_ESTIMATOR] >= 0.5 ? ESTIMATOR_INEKF : ESTIMATOR_KF
  }

  private initialize (): void {
    const P = this.params
    const nf = this.nf
    this.jf.reset(this.joint_q, this.joint_qd, P[P_JOINT_Q_STD], P[P_JOINT_QD_STD])
    this.mahony.reset(this.f_o[0], this.f_o[1], this.f_o[2], this.g_norm, P[P_MAHONY_ACCEL_GATE])
    if (this.useImuQuat()) {
      for (let k = 0; k < 4; k++) this.q_att[k] = this.q_meas[k]
      for (let k = 0; k < 4; k++) this.mahony.quat[k] = this.q_meas[k]
    } else {
      for (let k = 0; k < 4; k++) this.q_att[k] = this.mahony.quat[k]
    }
    const qa = this.q_att
    quatToMat3(this.R_att, 0, qa[0], qa[1], qa[2], qa[3])
    for (let k = 0; k < 3; k++) this.w_corr[k] = this.w_b[k]
    this.kin.compute(qa[0], qa[1], qa[2], qa[3], this.joint_q, this.jf.x, 1, 3, this.w_b[0], this.w_b[1], this.w_b[2],
      P[P_FOOT_RADIUS])
    // contact prior: every foot not scheduled in swing is on the ground
    let n = 0
    let z = 0.0
    const ground = P[P_GROUND_HEIGHT] + P[P_FOOT_RADIUS]
    for (let i = 0; i < nf; i++) {
      const c = this.sched_state[i] != 0.0
      this.init_contact[i] = c ? 1 : 0
      this.init_prob[i] = c ? 0.9 : 0.1
      if (c) { z += ground - this.kin.r_world[3 * i + 2]; n++ }
    }
    if (n == 0) {
      for (let i = 0; i < nf; i++) z += ground - this.kin.r_world[3 * i + 2]
      n = nf
    }
    this.p0[0] = this.init_x; this.p0[1] = this.init_y; this.p0[2] = z / <f64>n
    this.kf.reset(this.p0, this.kin.r_world, P[P_INIT_POS_STD], P[P_INIT_VEL_STD], P[P_KF_FOOT_POS_STD], P[P_KF_INIT_BIAS_STD])
    this.inekf.reset(this.R_att, this.p0, this.kin.r_world, this.init_contact, P[P_INEKF_INIT_ROT_STD],
      P[P_INIT_VEL_STD], P[P_INIT_POS_STD], P[P_INEKF_FOOT_POS_STD], P[P_INEKF_INIT_GYRO_BIAS_STD], P[P_INEKF_INIT_ACCEL_BIAS_STD])
    const g = this.model.gravity
    for (let k = 0; k < 3; k++) {
      this.w_prev[k] = this.w_b[k]
      this.f_prev[k] = this.f_o[k]
      this.a_prev[k] = this.R_att[3 * k] * this.f_o[0] + this.R_att[3 * k + 1] * this.f_o[1] + this.R_att[3 * k + 2] * this.f_o[2] + g[k]
      this.a_base_world[k] = this.a_prev[k]
      this.v_tmp[k] = 0.0
    }
    this.force.compute(this.kin, this.v_tmp, this.w_b, this.a_prev, this.jf.x, this.joint_tau, P[P_CONTACT_FORCE_DAMPING])
    this.contacts.resetFrom(this.init_prob, this.force.f_world)
    for (let i = 0; i < nf; i++) this.foot_height[i] = 0.0
  }

  private step (dt: f64): void {
    const P = this.params
    const nf = this.nf
    const g = this.model.gravity
    const est = this.which()
    const quat = this.useImuQuat()
    this.jf.update(this.joint_q, this.joint_qd, dt, P[P_JOINT_Q_STD], P[P_JOINT_QD_STD], P[P_JOINT_JERK_PSD])

    // --- attitude, corrected rate, world acceleration ---
    const dwx = this.w_b[0] - this.w_prev[0]; const dwy = this.w_b[1] - this.w_prev[1]; const dwz = this.w_b[2] - this.w_prev[2]
    const rx = this.imu_pos[0]; const ry = this.imu_pos[1]; const rz = this.imu_pos[2]
    // dv_body = −(Δω × r)
    const lx = -(dwy * rz - dwz * ry); const ly = -(dwz * rx - dwx * rz); const lz = -(dwx * ry - dwy * rx)
    const ie = this.inekf
    if (est == ESTIMATOR_KF) {
      if (quat) {
        for (let k = 0; k < 4; k++) this.q_att[k] = this.q_meas[k]
        for (let k = 0; k < 3; k++) this.w_corr[k] = this.w_b[k]
      } else {
        this.mahony.update(this.w_b[0], this.w_b[1], this.w_b[2], this.f_o[0], this.f_o[1], this.f_o[2], dt,
          P[P_MAHONY_KP], P[P_MAHONY_KI], P[P_MAHONY_ACCEL_GATE], this.g_norm)
        for (let k = 0; k < 4; k++) this.q_att[k] = this.mahony.quat[k]
        for (let k = 0; k < 3; k++) this.w_corr[k] = this.w_b[k] - this.mahony.bias[k]
      }
      const qa = this.q_att
      quatToMat3(this.R_att, 0, qa[0], qa[1], qa[2], qa[3])
      const R = this.R_att
      for (let k = 0; k < 3; k++) {
        const a = R[3 * k] * this.f_o[0] + R[3 * k + 1] * this.f_o[1] + R[3 * k + 2] * this.f_o[2] + g[k]
        this.kf_accel_world[k] = 0.5 * (a + this.a_prev[k])
        this.kf_dv_world[k] = R[3 * k] * lx + R[3 * k + 1] * ly + R[3 * k + 2] * lz
        this.a_prev[k] = a
        this.a_base_world[k] = a
      }
    } else {
      for (let k = 0; k < 3; k++) {
        this.w_avg[k] = 0.5 * (this.w_b[k] + this.w_prev[k])
        this.f_avg[k] = 0.5 * (this.f_o[k] + this.f_prev[k])
      }
      const R0 = ie.R
      for (let k = 0; k < 3; k++) this.v_tmp[k] = R0[3 * k] * lx + R0[3 * k + 1] * ly + R0[3 * k + 2] * lz
      ie.propagate(this.w_avg, this.f_avg, g, this.v_tmp, dt, P[P_INEKF_GYRO_PSD], P[P_INEKF_ACCEL_PSD],
        P[P_INEKF_GYRO_BIAS_PSD], P[P_INEKF_ACCEL_BIAS_PSD], P[P_INEKF_FOOT_PSD])
      quatFromMat3(this.q_att, 0, ie.R, 0)
      for (let k = 0; k < 9; k++) this.R_att[k] = ie.R[k]
      for (let k = 0; k < 3; k++) this.w_corr[k] = this.w_b[k] - ie.bg[k]
      const R = this.R_att
      const fx = this.f_o[0] - ie.ba[0]; const fy = this.f_o[1] - ie.ba[1]; const fz = this.f_o[2] - ie.ba[2]
      for (let k = 0; k < 3; k++) {
        this.a_base_world[k] = R[3 * k] * fx + R[3 * k + 1] * fy + R[3 * k + 2] * fz + g[k]
        this.a_prev[k] = this.a_base_world[k]
      }
    }
    for (let k = 0; k < 3; k++) {
      this.w_prev[k] = this.w_b[k]
      this.f_prev[k] = this.f_o[k]
    }

    // --- kinematics at the current attitude ---
    const qa = this.q_att
    const kin = this.kin
    kin.compute(qa[0], qa[1], qa[2], qa[3], this.joint_q, this.jf.x, 1, 3, this.w_corr[0], this.w_corr[1], this.w_corr[2],
      P[P_FOOT_RADIUS])

    // --- KF prediction (with the previous contact probabilities) ---
    const kf = this.kf
    const n = kf.n
    if (est == ESTIMATOR_KF) {
      for (let i = 0; i < nf; i++) {
        const pc = this.contacts.prob[i]
        this.kf_prob_predict[i] = pc
        for (let k = 0; k < 3; k++) this.kf_foot_vel[3 * i + k] = pc * kin.v_roll_world[3 * i + k]
      }
      kf.predict(this.kf_accel_world, this.kf_dv_world, this.kf_foot_vel, dt, P[P_KF_ACCEL_PSD], P[P_KF_POS_PSD], P[P_KF_BIAS_PSD],
        P[P_KF_FOOT_STANCE_PSD], P[P_KF_FOOT_SWING_PSD], this.kf_prob_predict)
      for (let k = 0; k < 3; k++) this.v_tmp[k] = kf.x[k * n + 1]
    } else {
      for (let k = 0; k < 3; k++) this.v_tmp[k] = ie.v[k]
      // contact points of rolling feet move with their centres
      for (let i = 0; i < nf; i++) {
        if (ie.active[i] == 0) continue
        for (let k = 0; k < 3; k++) ie.d[3 * i + k] += kin.v_roll_world[3 * i + k] * dt
      }
    }
    const pz = est == ESTIMATOR_KF ? kf.x[2 * n] : ie.p[2]

    // --- contacts ---
    this.force.compute(kin, this.v_tmp, this.w_corr, this.a_base_world, this.jf.x, this.joint_tau, P[P_CONTACT_FORCE_DAMPING])
    const ground = P[P_GROUND_HEIGHT]
    const radius = P[P_FOOT_RADIUS]
    const ce = this.contacts
    for (let i = 0; i < nf; i++) {
      const h = pz + kin.r_world[3 * i + 2] - radius - ground
      this.foot_height[i] = h
      const ls = ContactEstimator.scheduleLogOdds(this.sched_state[i], this.sched_elapsed[i], this.sched_remaining[i],
        P[P_CONTACT_SCHED_LOGODDS], P[P_CONTACT_SCHED_EDGE])
      const fn = ce.filterForce(i, this.force.f_world[3 * i + 2], dt, P[P_CONTACT_FORCE_TAU])
      const lf = ContactEstimator.forceLogOdds(fn, P[P_CONTACT_FORCE_MID], P[P_CONTACT_FORCE_SCALE], P[P_CONTACT_FORCE_LOGODDS])
      const lh = ContactEstimator.heightLogOdds(h, P[P_CONTACT_HEIGHT_MID], P[P_CONTACT_HEIGHT_SCALE], P[P_CONTACT_HEIGHT_LOGODDS])
      ce.fuse(i, ls, lf, lh, P[P_CONTACT_P_ON], P[P_CONTACT_P_OFF])
    }

    // --- correction ---
    if (est == ESTIMATOR_KF) {
      const rPos = P[P_KF_FOOT_POS_STD] * P[P_KF_FOOT_POS_STD]
      const rVel = P[P_KF_FOOT_VEL_STD] * P[P_KF_FOOT_VEL_STD]
      const rH = P[P_KF_FOOT_HEIGHT_STD] * P[P_KF_FOOT_HEIGHT_STD]
      const infl = P[P_KF_SWING_INFLATION]
      for (let i = 0; i < nf; i++) {
        const p = ce.prob[i]
        const scale = 1.0 + infl * (1.0 - p)
        for (let ax = 0; ax < 3; ax++) kf.updateFootPosition(ax, i, kin.r_world[3 * i + ax], rPos)
        if (p > 1e-3) {
          for (let ax = 0; ax < 3; ax++) kf.updateVelocity(ax, kin.v_roll_world[3 * i + ax] - kin.v_rel_world[3 * i + ax], rVel * scale)
          kf.updateFootHeight(i, ground + radius, rH * scale)
        }
      }
    } else {
      const sig = P[P_INEKF_FOOT_POS_STD]
      const infl = P[P_INEKF_CONTACT_INFLATION]
      for (let i = 0; i < nf; i++) {
        if (ce.contact[i] != 0 && ie.active[i] == 0) {
          ie.touchdown(i, kin.r_body, 3 * i, sig)
        } else if (ce.contact[i] == 0 && ie.active[i] != 0) {
          ie.liftoff(i)
        } else if (ce.contact[i] != 0) {
          ie.updateContact(i, kin.r_body, 3 * i, sig * Math.sqrt(1.0 + infl * (1.0 - ce.prob[i])))
        }
      }
      if (quat) {
        const Rm = this.R_meas
        const st = P[P_INEKF_TILT_STD]
        if (st > 0.0) ie.updateTilt(Rm[6], Rm[7], Rm[8], st)
        const sy = P[P_INEKF_YAW_STD]
        if (sy > 0.0) ie.updateHeading(Rm[0], Rm[1], Rm[2], sy)
      }
      quatFromMat3(this.q_att, 0, ie.R, 0)
      for (let k = 0; k < 9; k++) this.R_att[k] = ie.R[k]
      for (let k = 0; k < 3; k++) this.w_corr[k] = this.w_b[k] - ie.bg[k]
    }
  }

  /** Copies the selected filter's state to the outputs; false when any is not finite. */
  private writeOutputs (): bool {
    const est = this.which()
    const nf = this.nf
    const kin = this.kin
    const ce = this.contacts
    let ok = true
    if (est == ESTIMATOR_KF) {
      const kf = this.kf
      const n = kf.n
      for (let k = 0; k < 3; k++) {
        this.p_base_world[k] = kf.x[k * n]
        this.v_base_world[k] = kf.x[k * n + 1]
        for (let i = 0; i < nf; i++) this.p_foot_world[3 * i + k] = kf.x[k * n + 3 + i]
        this.base_std[k] = Math.sqrt(kf.P[k * n * n])
        this.base_std[3 + k] = Math.sqrt(kf.P[k * n * n + n + 1])
        this.base_std[6 + k] = 0.0
        this.gyro_bias[k] = this.useImuQuat() ? 0.0 : this.mahony.bias[k]
      }
      // the world-frame acceleration bias, in base axes
      const R = this.R_att
      const bx = kf.x[2]; const by = kf.x[n + 2]; const bz = kf.x[2 * n + 2]
      for (let k = 0; k < 3; k++) this.accel_bias[k] = R[k] * bx + R[3 + k] * by + R[6 + k] * bz
    } else {
      const ie = this.inekf
      const dim = ie.dim
      for (let k = 0; k < 3; k++) {
        this.p_base_world[k] = ie.p[k]
        this.v_base_world[k] = ie.v[k]
        for (let i = 0; i < nf; i++) {
          this.p_foot_world[3 * i + k] = ie.active[i] != 0 ? ie.d[3 * i + k] : ie.p[k] + kin.r_world[3 * i + k]
        }
        this.base_std[k] = Math.sqrt(ie.P[(6 + k) * dim + 6 + k])
        this.base_std[3 + k] = Math.sqrt(ie.P[(3 + k) * dim + 3 + k])
        this.base_std[6 + k] = Math.sqrt(ie.P[k * dim + k])
        this.gyro_bias[k] = ie.bg[k]
        this.accel_bias[k] = ie.ba[k]
      }
    }
    for (let k = 0; k < 4; k++) this.quat_base_world[k] = this.q_att[k]
    const R = this.R_att
    const vx = this.v_base_world[0]; const vy = this.v_base_world[1]; const vz = this.v_base_world[2]
    for (let k = 0; k < 3; k++) {
      this.v_base_body[k] = R[k] * vx + R[3 + k] * vy + R[6 + k] * vz
      this.omega_base_body[k] = this.w_corr[k]
    }
    for (let i = 0; i < nf; i++) {
      this.contact_prob[i] = ce.prob[i]
      this.contact[i] = <f64>ce.contact[i]
      this.touchdown[i] = <f64>ce.touchdown[i]
      for (let k = 0; k < 3; k++) this.f_foot_world[3 * i + k] = this.force.f_world[3 * i + k]
    }
    for (let k = 0; k < 3; k++) {
      if (!isFinite(this.p_base_world[k]) || !isFinite(this.v_base_world[k])) ok = false
    }
    for (let k = 0; k < 4; k++) if (!isFinite(this.quat_base_world[k])) ok = false
    return ok
  }
}
