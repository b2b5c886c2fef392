// Configuration of the whole-body controller: limits, per-task priority levels, weights and gains.
// Read by the controller at every update (changes apply at the next tick); nothing here allocates
// after the constructor. Each parameter also has a numeric id and a name (WBC_PARAM_NAMES) so the
// host can set it generically (wbcParamSet in exports.ts; the YAML section maps names to ids).
//
// Levels are 1-based (1 = highest priority), at most WBC_LEVELS_MAX. Within a level each task's
// rows are scaled by √weight, so a relaxed level minimizes Σ_task weight·‖rows‖².
// Gains are on accelerations: a_des = a_ff + kp·e + kd·ė (so kp [1/s²], kd [1/s]).
import { Model } from '../../model/model'

export const WBC_LEVELS_MAX: i32 = 3

/** Parameter ids (index into WBC_PARAM_NAMES). Vectors: length 3, nj (joints) as noted. */
export const WBC_P_DT: i32 = 0                // control period [s] over which q_des, qd_des integrate qdd
export const WBC_P_MU: i32 = 1                // friction pyramid coefficient |f_t,x|, |f_t,y| ≤ μ·f_n
export const WBC_P_FZ_MIN: i32 = 2            // normal force bounds of a stance foot [N]
export const WBC_P_FZ_MAX: i32 = 3
export const WBC_P_TAU_MAX: i32 = 4           // (nj) actuator torque limits [N·m]
export const WBC_P_QD_MAX: i32 = 5            // (nj) actuator velocity limits [rad/s] (clamp of qd_des)
export const WBC_P_KP_JOINT: i32 = 6          // (nj) drivers' PD gains sent with the command [N·m/rad]
export const WBC_P_KD_JOINT: i32 = 7          // (nj) [N·m·s/rad]
export const WBC_P_LEVEL_DYNAMICS: i32 = 8    // level of each task (1 … WBC_LEVELS_MAX)
export const WBC_P_LEVEL_TORQUE: i32 = 9
export const WBC_P_LEVEL_FRICTION: i32 = 10
export const WBC_P_LEVEL_NO_SLIP: i32 = 11
export const WBC_P_LEVEL_BASE: i32 = 12
export const WBC_P_LEVEL_SWING: i32 = 13
export const WBC_P_LEVEL_FORCE: i32 = 14
export const WBC_P_LEVEL_POSTURE: i32 = 15
export const WBC_P_W_DYNAMICS: i32 = 16       // weight of each task within its level (> 0)
export const WBC_P_W_TORQUE: i32 = 17
export const WBC_P_W_FRICTION: i32 = 18
export const WBC_P_W_NO_SLIP: i32 = 19
export const WBC_P_W_BASE: i32 = 20
export const WBC_P_W_SWING: i32 = 21
export const WBC_P_W_FORCE: i32 = 22
export const WBC_P_W_POSTURE: i32 = 23
export const WBC_P_KP_BASE_POS: i32 = 24      // (3) world axes [1/s²]
export const WBC_P_KD_BASE_POS: i32 = 25      // (3) [1/s]
export const WBC_P_KP_BASE_ORI: i32 = 26      // (3) world axes, on the rotation vector log(R_des·Rᵀ)
export const WBC_P_KD_BASE_ORI: i32 = 27      // (3)
export const WBC_P_KP_SWING: i32 = 28         // (3) world axes
export const WBC_P_KD_SWING: i32 = 29         // (3)
export const WBC_P_KP_POSTURE: i32 = 30       // joint-space PD toward ref.q_joint_des
export const WBC_P_KD_POSTURE: i32 = 31
export const WBC_P_TOL_LEVEL1: i32 = 32       // largest equality residual of level 1 accepted as a solve [N, m/s²]
export const WBC_PARAM_COUNT: i32 = 33

export const WBC_PARAM_NAMES: StaticArray<string> = [
  'dt', 'mu', 'fz_min', 'fz_max', 'tau_max', 'qd_max', 'kp_joint', 'kd_joint',
  'level_dynamics', 'level_torque', 'level_friction', 'level_no_slip', 'level_base', 'level_swing',
  'level_force', 'level_posture',
  'w_dynamics', 'w_torque', 'w_friction', 'w_no_slip', 'w_base', 'w_swing', 'w_force', 'w_posture',
  'kp_base_pos', 'kd_base_pos', 'kp_base_ori', 'kd_base_ori', 'kp_swing', 'kd_swing',
  'kp_posture', 'kd_posture', 'tol_level1'
]

/**
 * Controller configuration for a robot with `nj` actuated joints (the non-free joints, qpos order).
 * `new WbcConfig(model)` fills the defaults: torque and velocity limits from the model's
 * dof_effort_limit / dof_velocity_limit, the levels of issue 5 (1: dynamics, torque limits,
 * friction, no-slip; 2: base pose, swing feet; 3: force tracking, posture), unit weights.
 */
export class WbcConfig {
  nj: i32
  dt: f64 = 0.002
  mu: f64 = 0.6
  fz_min: f64 = 0.0
  fz_max: f64 = 300.0
  tau_max: StaticArray<f64>       // (nj) [N·m]
  qd_max: StaticArray<f64>        // (nj) [rad/s]
  kp_joint: StaticArray<f64>      // (nj) [N·m/rad]
  kd_joint: StaticArray<f64>      // (nj) [N·m·s/rad]
  level_dynamics: i32 = 1
  level_torque: i32 = 1
  level_friction: i32 = 1
  level_no_slip: i32 = 1
  level_base: i32 = 2
  level_swing: i32 = 2
  level_force: i32 = 3
  level_posture: i32 = 3
  w_dynamics: f64 = 1.0
  w_torque: f64 = 1.0
  w_friction: f64 = 1.0
  w_no_slip: f64 = 1.0
  w_base: f64 = 1.0
  w_swing: f64 = 1.0
  w_force: f64 = 1.0
  w_posture: f64 = 1.0
  kp_base_pos: StaticArray<f64> = [60.0, 60.0, 100.0]
  kd_base_pos: StaticArray<f64> = [12.0, 12.0, 20.0]
  kp_base_ori: StaticArray<f64> = [300.0, 300.0, 150.0]
  kd_base_ori: StaticArray<f64> = [30.0, 30.0, 20.0]
  kp_swing: StaticArray<f64> = [400.0, 400.0, 400.0]
  kd_swing: StaticArray<f64> = [40.0, 40.0, 40.0]
  kp_posture: f64 = 50.0
  kd_posture: f64 = 10.0
  tol_level1: f64 = 1e-6

  constructor (model: Model) {
    const nj = model.nv - 6
    assert(nj > 0, 'WbcConfig: the model needs a free base and actuated joints')
    this.nj = nj
    this.tau_max = new StaticArray<f64>(nj)
    this.qd_max = new StaticArray<f64>(nj)
    this.kp_joint = new StaticArray<f64>(nj)
    this.kd_joint = new StaticArray<f64>(nj)
    for (let j = 0; j < nj; j++) {
      this.tau_max[j] = model.dof_effort_limit[6 + j]
      this.qd_max[j] = model.dof_velocity_limit[6 + j]
      this.kp_joint[j] = 3.0
      this.kd_joint[j] = 0.3
    }
  }

  /** Element count of parameter `id` (1, 3 or nj), or 0 for an unknown id. */
  paramLength (id: i32): i32 {
    if (id < 0 || id >= WBC_PARAM_COUNT) return 0
    if (id >= WBC_P_TAU_MAX && id <= WBC_P_KD_JOINT) return this.nj
    if (id >= WBC_P_KP_BASE_POS && id <= WBC_P_KD_SWING) return 3
    return 1
  }

  private vec (id: i32): StaticArray<f64> {
    switch (id) {
      case WBC_P_TAU_MAX: return this.tau_max
      case WBC_P_QD_MAX: return this.qd_max
      case WBC_P_KP_JOINT: return this.kp_joint
      case WBC_P_KD_JOINT: return this.kd_joint
      case WBC_P_KP_BASE_POS: return this.kp_base_pos
      case WBC_P_KD_BASE_POS: return this.kd_base_pos
      case WBC_P_KP_BASE_ORI: return this.kp_base_ori
      case WBC_P_KD_BASE_ORI: return this.kd_base_ori
      case WBC_P_KP_SWING: return this.kp_swing
      default: return this.kd_swing
    }
  }

  /**
   * Sets element k of parameter `id`. Returns false (and changes nothing) for an unknown id, an
   * element out of range, or a value outside the parameter's domain (see validate()).
   */
  setParam (id: i32, k: i32, v: f64): bool {
    const len = this.paramLength(id)
    if (len == 0 || k < 0 || k >= len || isNaN(v)) return false
    if (len > 1 || (id >= WBC_P_KP_BASE_POS && id <= WBC_P_KD_SWING)) {
      if (!paramOk(id, v)) return false
      this.vec(id)[k] = v
      return true
    }
    if (!paramOk(id, v)) return false
    switch (id) {
      case WBC_P_DT: this.dt = v; break
      case WBC_P_MU: this.mu = v; break
      case WBC_P_FZ_MIN: this.fz_min = v; break
      case WBC_P_FZ_MAX: this.fz_max = v; break
      case WBC_P_LEVEL_DYNAMICS: this.level_dynamics = <i32>v; break
      case WBC_P_LEVEL_TORQUE: this.level_torque = <i32>v; break
      case WBC_P_LEVEL_FRICTION: this.level_friction = <i32>v; break
      case WBC_P_LEVEL_NO_SLIP: this.level_no_slip = <i32>v; break
      case WBC_P_LEVEL_BASE: this.level_base = <i32>v; break
      case WBC_P_LEVEL_SWING: this.level_swing = <i32>v; break
      case WBC_P_LEVEL_FORCE: this.level_force = <i32>v; break
      case WBC_P_LEVEL_POSTURE: this.level_posture = <i32>v; break
      case WBC_P_W_DYNAMICS: this.w_dynamics = v; break
      case WBC_P_W_TORQUE: this.w_torque = v; break
      case WBC_P_W_FRICTION: this.w_friction = v; break
      case WBC_P_W_NO_SLIP: this.w_no_slip = v; break
      case WBC_P_W_BASE: this.w_base = v; break
      case WBC_P_W_SWING: this.w_swing = v; break
      case WBC_P_W_FORCE: this.w_force = v; break
      case WBC_P_W_POSTURE: this.w_posture = v; break
      case WBC_P_KP_POSTURE: this.kp_posture = v; break
      case WBC_P_KD_POSTURE: this.kd_posture = v; break
      default: this.tol_level1 = v
    }
    return true
  }

  /** Element k of parameter `id` (NaN for an unknown id or element). */
  getParam (id: i32, k: i32): f64 {
    const len = this.paramLength(id)
    if (len == 0 || k < 0 || k >= len) return NaN
    if (len > 1 || (id >= WBC_P_KP_BASE_POS && id <= WBC_P_KD_SWING)) return this.vec(id)[k]
    switch (id) {
      case WBC_P_DT: return this.dt
      case WBC_P_MU: return this.mu
      case WBC_P_FZ_MIN: return this.fz_min
      case WBC_P_FZ_MAX: return this.fz_max
      case WBC_P_LEVEL_DYNAMICS: return <f64>this.level_dynamics
      case WBC_P_LEVEL_TORQUE: return <f64>this.level_torque
      case WBC_P_LEVEL_FRICTION: return <f64>this.level_friction
      case WBC_P_LEVEL_NO_SLIP: return <f64>this.level_no_slip
      case WBC_P_LEVEL_BASE: return <f64>this.level_base
      case WBC_P_LEVEL_SWING: return <f64>this.level_swing
      case WBC_P_LEVEL_FORCE: return <f64>this.level_force
      case WBC_P_LEVEL_POSTURE: return <f64>this.level_posture
      case WBC_P_W_DYNAMICS: return this.w_dynamics
      case WBC_P_W_TORQUE: return this.w_torque
      case WBC_P_W_FRICTION: return this.w_friction
      case WBC_P_W_NO_SLIP: return this.w_no_slip
      case WBC_P_W_BASE: return this.w_base
      case WBC_P_W_SWING: return this.w_swing
      case WBC_P_W_FORCE: return this.w_force
      case WBC_P_W_POSTURE: return this.w_posture
      case WBC_P_KP_POSTURE: return this.kp_posture
      case WBC_P_KD_POSTURE: return this.kd_posture
      default: return this.tol_level1
    }
  }

  /**
   * Checks every parameter against its domain. Returns −1 when all are valid, else the id of the
   * first invalid one (the update refuses to run with it: status WBC_BAD_CONFIG).
   */
  validate (): i32 {
    for (let id = 0; id < WBC_PARAM_COUNT; id++) {
      const len = this.paramLength(id)
      for (let k = 0; k < len; k++) if (!paramOk(id, this.getParam(id, k))) return id
    }
    if (this.fz_min > this.fz_max) return WBC_P_FZ_MIN
    return -1
  }
}

/** Domain of each parameter: levels are integers in 1..WBC_LEVELS_MAX, weights and dt > 0, the rest ≥ 0. */
function paramOk (id: i32, v: f64): bool {
  if (isNaN(v)) return false
  if (id >= WBC_P_LEVEL_DYNAMICS && id <= WBC_P_LEVEL_POSTURE) return v == Math.floor(v) && v >= 1.0 && v <= <f64>WBC_LEVELS_MAX
  if (id == WBC_P_DT || (id >= WBC_P_W_DYNAMICS && id <= WBC_P_W_POSTURE)) return v > 0.0 && isFinite(v)
  if (id == WBC_P_TAU_MAX || id == WBC_P_QD_MAX || id == WBC_P_FZ_MAX) return v > 0.0
  if (id == WBC_P_TOL_LEVEL1) return v > 0.0 && isFinite(v)
  return v >= 0.0 && isFinite(v)
}
