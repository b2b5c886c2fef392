// Orientation from gyro and accelerometer when the IMU gives no quaternion: the explicit
// complementary filter on SO(3) with gyro-bias estimation (Mahony, Hamel, Pflimlin, IEEE TAC 2008):
//   e   = â × v̂,   â = f/|f| (measured up direction), v̂ = R̂ᵀ·e_z (predicted up direction)
//   ω_c = ω_gyro − b̂ + k_p·e,   q̂ ← q̂ ⊗ exp(ω_c·dt/2),   b̂ ← b̂ − k_i·e·dt
// The accelerometer is used only while ||f| − g| < gate (not during impacts or hard acceleration).
// Roll and pitch converge; yaw integrates the bias-corrected gyro and drifts slowly (unobservable).
//
// Reads the base-frame gyro and specific force; writes quat (world-from-base, wxyz) and bias.
import { quatIntegrateBody, quatToMat3 } from '../math/quaternion'

export class MahonyFilter {
  /** (4) world-from-base orientation, wxyz. */
  readonly quat: StaticArray<f64> = new StaticArray<f64>(4)
  /** (3) gyro bias, base frame [rad/s]. */
  readonly bias: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly R: StaticArray<f64> = new StaticArray<f64>(9)

  /**
   * Starts with roll and pitch from the accelerometer (yaw 0) and zero bias; f = specific force, base frame
   * [m/s²]. When ||f| − g| ≥ gate the robot is not at rest (falling, bumped) and the start is level.
   */
  reset (fx: f64, fy: f64, fz: f64, g: f64, gate: f64): void {
    for (let k = 0; k < 3; k++) this.bias[k] = 0.0
    const fn = Math.sqrt(fx * fx + fy * fy + fz * fz)
    if (!(Math.abs(fn - g) < gate)) {
      this.quat[0] = 1.0; this.quat[1] = 0.0; this.quat[2] = 0.0; this.quat[3] = 0.0
      return
    }
    // roll/pitch of a body whose up direction in body axes is f/|f|
    const roll = Math.atan2(fy, fz)
    const pitch = Math.atan2(-fx, Math.sqrt(fy * fy + fz * fz))
    const cr = Math.cos(0.5 * roll); const sr = Math.sin(0.5 * roll)
    const cp = Math.cos(0.5 * pitch); const sp = Math.sin(0.5 * pitch)
    // q = Rz(0)·Ry(pitch)·Rx(roll)
    this.quat[0] = cp * cr; this.quat[1] = cp * sr; this.quat[2] = sp * cr; this.quat[3] = -sp * sr
  }

  /** One step over dt [s] with gyro ω [rad/s] and specific force f [m/s²] (base frame), gravity magnitude g. */
  update (wx: f64, wy: f64, wz: f64, fx: f64, fy: f64, fz: f64, dt: f64, kp: f64, ki: f64, gate: f64, g: f64): void {
    let ex = 0.0; let ey = 0.0; let ez = 0.0
    const fn = Math.sqrt(fx * fx + fy * fy + fz * fz)
    if (fn > 1e-6 && Math.abs(fn - g) < gate) {
      const q = this.quat
      quatToMat3(this.R, 0, q[0], q[1], q[2], q[3])
      // v̂ = Rᵀ e_z = third row of R
      const vx = this.R[6]; const vy = this.R[7]; const vz = this.R[8]
      const ax = fx / fn; const ay = fy / fn; const az = fz / fn
      ex = ay * vz - az * vy
      ey = az * vx - ax * vz
      ez = ax * vy - ay * vx
    }
    this.bias[0] -= ki * ex * dt; this.bias[1] -= ki * ey * dt; this.bias[2] -= ki * ez * dt
    quatIntegrateBody(this.quat, 0, wx - this.bias[0] + kp * ex, wy - this.bias[1] + kp * ey, wz - this.bias[2] + kp * ez, dt)
  }
}
