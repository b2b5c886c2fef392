// Emulation of a motor driver's joint loop in "MIT mode" (the command format of the MIT Mini Cheetah
// drivers and their commercial descendants: τ_ff, q_des, qd_des, kp, kd per joint). The driver closes
// this loop itself at tens of kHz (40 kHz on the Mini Cheetah driver, Katz 2018 §2.3.2); the plant
// evaluates it at every physics step from the true joint state:
//
//   τ = clamp( τ_ff + kp·(q_des − q) + kd·(qd_des − qd),  ±τ_avail(qd) )
//
// τ_avail is the peak torque, derated for positive work above a knee speed as the driver's current
// limit falls with back-EMF: flat up to 0.26·ω_max, then linear to zero at ω_max. The shape follows the
// Mini Cheetah firmware's current-limit-vs-speed table (benkatz HKC_MiniCheetah, Tables/imax_vs_w.h:
// 40 A to 59 rad/s rotor speed, falling to 2 A at 220 rad/s); braking (negative work) keeps full torque.
//
// Modes: 'pd' (the command above), 'damping' (τ = −kd_safe·qd, the drivers' safe state), 'disable' (τ = 0).

/** Per-joint command, all of length nu (actuator order). The caller owns and fills it. */
export interface JointCommand {
  /** Feed-forward torque [N·m]. */
  tau_ff: Float64Array
  /** Desired position [rad]. */
  q_des: Float64Array
  /** Desired velocity [rad/s]. */
  qd_des: Float64Array
  /** Position gain [N·m/rad], ≥ 0. */
  kp: Float64Array
  /** Velocity gain [N·m·s/rad], ≥ 0. */
  kd: Float64Array
}

export type DriveMode = 'pd' | 'damping' | 'disable'

/** Fixed per-joint drive parameters (actuator order). */
export interface DriveParams {
  n: number
  qposAdr: Int32Array
  dofAdr: Int32Array
  /** Peak torque [N·m]. */
  torqueLimit: Float64Array
  /** No-load output speed [rad/s] (Infinity: no derating). */
  velocityLimit: Float64Array
  /** Damping gain of the 'damping' mode [N·m·s/rad]. */
  dampingKd: number
}

/** Fraction of the no-load speed below which full torque is available for positive work. */
export const TORQUE_SPEED_KNEE = 0.26

export function createJointCommand (n: number): JointCommand {
  return {
    tau_ff: new Float64Array(n),
    q_des: new Float64Array(n),
    qd_des: new Float64Array(n),
    kp: new Float64Array(n),
    kd: new Float64Array(n)
  }
}

/** Torque magnitude available at joint speed `qd` for a torque request of sign `tau` (see header). */
export function availableTorque (peak: number, velocityLimit: number, qd: number, tau: number): number {
  if (tau * qd <= 0 || velocityLimit === Infinity) return peak
  const w = Math.abs(qd)
  const knee = TORQUE_SPEED_KNEE * velocityLimit
  if (w <= knee) return peak
  if (w >= velocityLimit) return 0
  return peak * (velocityLimit - w) / (velocityLimit - knee)
}

/**
 * Driver torques for the current true state. Reads qpos/qvel at the joints' addresses; writes tau_out[0..n).
 * The command must have been validated (finite, gains ≥ 0) by the caller.
 */
export function driveTorques (mode: DriveMode, cmd: JointCommand, qpos: Float64Array, qvel: Float64Array,
  p: DriveParams, tau_out: Float64Array): void {
  const n = p.n
  if (mode === 'disable') {
    tau_out.fill(0, 0, n)
    return
  }
  for (let i = 0; i < n; i++) {
    const q = qpos[p.qposAdr[i]]
    const qd = qvel[p.dofAdr[i]]
    const raw = mode === 'pd'
      ? cmd.tau_ff[i] + cmd.kp[i] * (cmd.q_des[i] - q) + cmd.kd[i] * (cmd.qd_des[i] - qd)
      : -p.dampingKd * qd
    const lim = availableTorque(p.torqueLimit[i], p.velocityLimit[i], qd, raw)
    tau_out[i] = raw > lim ? lim : raw < -lim ? -lim : raw
  }
}

const COMMAND_FIELDS = ['tau_ff', 'q_des', 'qd_des', 'kp', 'kd'] as const

/** Returns null when every command value is usable, else a message naming the first bad field and joint. */
export function validateCommand (cmd: JointCommand, n: number, jointNames: readonly string[]): string | null {
  for (let k = 0; k < COMMAND_FIELDS.length; k++) {
    const f = COMMAND_FIELDS[k]
    const a = cmd[f]
    if (a.length < n) return `command.${f} has length ${a.length}, expected ${n}`
    for (let i = 0; i < n; i++) {
      const v = a[i]
      if (!Number.isFinite(v)) return `command.${f}[${i}] (${jointNames[i]}) is ${v}`
      if ((f === 'kp' || f === 'kd') && v < 0) return `command.${f}[${i}] (${jointNames[i]}) is negative (${v})`
    }
  }
  return null
}
