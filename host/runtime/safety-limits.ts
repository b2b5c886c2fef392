// Safety limits applied to every command after the control step, whatever produced it:
//   kp ∈ [0, kp_max], kd ∈ [0, kd_max]
//   q_des ∈ [q_min + margin, q_max − margin]                 (limited joints)
//   |q_des − q_des_prev| ≤ joint_speed_max · dt              (slew limit from the last published command)
//   |qd_des| ≤ qd_max,  |τ_ff| ≤ τ_max                        (where the robot gives limits)
// A non-finite value anywhere rejects the whole command (the loop substitutes the safe command).
// Writes the command in place and `q_prev` (the slew reference) for the next tick.
import type { CommandOutput, ControlRobot } from './control-step.ts'

export interface SafetyParams {
  kp_max: number
  kd_max: number
  joint_range_margin: number
  joint_speed_max: number
}

/** Result of `apply`: values clamped (≥ 0), or -1 when the command held NaN/Inf and was not usable. */
export type SafetyResult = number

export class SafetyLimits {
  private readonly nj: number
  private readonly lo: Float64Array
  private readonly hi: Float64Array
  private readonly qdMax: Float64Array
  private readonly tauMax: Float64Array
  /** q_des of the last published PD command (the slew reference) [rad] (nj). */
  readonly q_prev: Float64Array

  /** @param dt tick length [s] (the slew limit is joint_speed_max · dt per tick) */
  constructor (robot: ControlRobot, readonly p: SafetyParams, private readonly dt: number) {
    const nj = robot.jointNames.length
    this.nj = nj
    this.lo = new Float64Array(nj)
    this.hi = new Float64Array(nj)
    for (let i = 0; i < nj; i++) {
      const a = robot.q_min[i]; const b = robot.q_max[i]
      const limited = Number.isFinite(a) && Number.isFinite(b) && b - a > 2 * p.joint_range_margin
      this.lo[i] = limited ? a + p.joint_range_margin : -Infinity
      this.hi[i] = limited ? b - p.joint_range_margin : Infinity
    }
    this.qdMax = Float64Array.from(robot.qd_max)
    this.tauMax = Float64Array.from(robot.tau_max)
    this.q_prev = new Float64Array(nj)
  }

  /** Sets the slew reference to the measured pose (at start and whenever the drives were not in PD). */
  resetReference (q: Float64Array): void {
    this.q_prev.set(q)
  }

  /** Clamps `cmd` in place for one tick; see the file header. */
  apply (cmd: CommandOutput): SafetyResult {
    const dt = this.dt
    const nj = this.nj
    for (let i = 0; i < nj; i++) {
      const s = cmd.q_des[i] + cmd.qd_des[i] + cmd.kp[i] + cmd.kd[i] + cmd.tau_ff[i]
      if (s - s !== 0) return -1 // NaN or ±Inf in one of the five
    }
    const p = this.p
    const step = p.joint_speed_max * dt
    let n = 0
    for (let i = 0; i < nj; i++) {
      let kp = cmd.kp[i]
      if (kp < 0) { kp = 0; n++ } else if (kp > p.kp_max) { kp = p.kp_max; n++ }
      cmd.kp[i] = kp
      let kd = cmd.kd[i]
      if (kd < 0) { kd = 0; n++ } else if (kd > p.kd_max) { kd = p.kd_max; n++ }
      cmd.kd[i] = kd
      let q = cmd.q_des[i]
      if (q < this.lo[i]) { q = this.lo[i]; n++ } else if (q > this.hi[i]) { q = this.hi[i]; n++ }
      const prev = this.q_prev[i]
      if (q > prev + step) { q = prev + step; n++ } else if (q < prev - step) { q = prev - step; n++ }
      cmd.q_des[i] = q
      this.q_prev[i] = q
      const vmax = this.qdMax[i]
      const qd = cmd.qd_des[i]
      if (qd > vmax) { cmd.qd_des[i] = vmax; n++ } else if (qd < -vmax) { cmd.qd_des[i] = -vmax; n++ }
      const tmax = this.tauMax[i]
      const tau = cmd.tau_ff[i]
      if (tau > tmax) { cmd.tau_ff[i] = tmax; n++ } else if (tau < -tmax) { cmd.tau_ff[i] = -tmax; n++ }
    }
    return n
  }
}
