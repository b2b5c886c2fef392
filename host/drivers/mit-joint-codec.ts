// Joint-space commands and replies ↔ MIT-mode CAN payloads for one joint's drive, through the motor map's
// transmission (motor-map.ts: θ = direction · gear_ratio · q + zero_offset). Commands are clamped twice
// before packing — to the joint's limits, then (by packMitCommand) to the drive model's field ranges —
// and every clamp is counted. Replies are decoded per vendor (host/protocol/mit/reply.ts), the 16-bit
// position is unwrapped to a multi-turn angle, then mapped to the joint. Nothing here allocates per call.
import {
  MitClamp, createMitReply, createPositionUnwrap, packMitCommand, packMitSpecial, unpackMitReply, unwrapPosition,
  type MitCommand, type MitPackReport, type MitReply, type PositionUnwrap
} from '../protocol/mit/index.ts'
import type { JointMotor } from './motor-map.ts'
import type { MitDriveModel } from './motor-models.ts'

/** Joint-side command of one joint (what the controller writes). */
export interface JointCommandValues {
  q_des: number
  qd_des: number
  kp: number
  kd: number
  tau_ff: number
}

/** Clamp counts per field (cumulative). */
export interface ClampCounts {
  joint_limit: number
  p: number
  v: number
  kp: number
  kd: number
  t: number
  nan: number
}

export class MitJointCodec {
  /** Decoded joint state of the newest reply. */
  q = 0
  qd = 0
  tau = 0
  temp_c = NaN
  /** vendor fault code of the newest reply (0 none) */
  fault = 0
  hasReply = false
  readonly clamps: ClampCounts = { joint_limit: 0, p: 0, v: 0, kp: 0, kd: 0, t: 0, nan: 0 }
  /** the newest decoded reply, drive side */
  readonly reply: MitReply = createMitReply()
  private readonly unwrap: PositionUnwrap = createPositionUnwrap()
  private readonly mcmd: MitCommand = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  private readonly report: MitPackReport = { clamp_mask: 0 }
  private readonly g2: number
  private readonly model: MitDriveModel

  constructor (readonly m: JointMotor) {
    if (m.model.kind !== 'mit') throw new Error(`${m.joint}: ${m.model.name} is not an MIT-mode drive`)
    this.model = m.model
    this.g2 = m.gear_ratio * m.gear_ratio
  }

  /**
   * Packs the joint command `c` (q_des clamped into the joint limits) into out[off..off+8). Returns the
   * MitClamp bits of the drive-side clamp (0: sent as given). A NaN field packs damping instead: the
   * frame a drive gets is never built from NaN.
   */
  pack (c: JointCommandValues, out: Uint8Array, off: number): number {
    const m = this.m
    let q = c.q_des
    if (q < m.q_min) { q = m.q_min; this.clamps.joint_limit++ } else if (q > m.q_max) { q = m.q_max; this.clamps.joint_limit++ }
    const d = m.direction * m.gear_ratio
    const mc = this.mcmd
    mc.q_des = d * q + m.zero_offset
    mc.qd_des = d * c.qd_des
    mc.kp = c.kp / this.g2
    mc.kd = c.kd / this.g2
    mc.tau_ff = m.direction * c.tau_ff / m.gear_ratio
    packMitCommand(mc, this.model.range, out, off, this.report)
    const mask = this.report.clamp_mask
    if (mask !== 0) this.count(mask)
    if ((mask & MitClamp.NAN) !== 0) this.packDamping(0, out, off)
    return mask
  }

  /** Packs joint-side damping: kp 0, kd = kd_joint (at the drive kd / gear_ratio²), τ 0, q̇_des 0. */
  packDamping (kd_joint: number, out: Uint8Array, off: number): void {
    const mc = this.mcmd
    mc.q_des = this.hasReply ? this.reply.q : 0
    mc.qd_des = 0
    mc.kp = 0
    mc.kd = kd_joint / this.g2
    mc.tau_ff = 0
    packMitCommand(mc, this.model.range, out, off, this.report)
  }

  /** Writes the special frame FF×7 kind (MitSpecial: ENTER, EXIT, ZERO, CLEAR). */
  packSpecial (kind: number, out: Uint8Array, off: number): void {
    packMitSpecial(kind, out, off)
  }

  /** Decodes a reply payload; false (state unchanged) if it does not parse. */
  decode (buf: Uint8Array, off: number, len: number): boolean {
    const m = this.m
    const r = this.reply
    if (!unpackMitReply(buf, off, len, this.model.protocol, this.model.range, r)) return false
    const theta = unwrapPosition(this.unwrap, r.q, this.model.range)
    this.q = m.direction * (theta - m.zero_offset) / m.gear_ratio
    this.qd = m.direction * r.qd / m.gear_ratio
    this.tau = m.direction * m.gear_ratio * r.tau
    this.temp_c = r.has_temp ? r.temp_c : NaN
    this.fault = r.has_fault ? r.fault : 0
    this.hasReply = true
    return true
  }

  /** Unwrapped drive angle of the newest reply [rad]. */
  get motorAngle (): number {
    return this.unwrap.q
  }

  /** Forgets the unwrap history (after the drive re-zeroes or a reconnect). */
  resetUnwrap (): void {
    this.unwrap.initialized = false
    this.hasReply = false
  }

  private count (mask: number): void {
    const c = this.clamps
    if ((mask & MitClamp.NAN) !== 0) c.nan++
    if ((mask & MitClamp.P) !== 0) c.p++
    if ((mask & MitClamp.V) !== 0) c.v++
    if ((mask & MitClamp.KP) !== 0) c.kp++
    if ((mask & MitClamp.KD) !== 0) c.kd++
    if ((mask & MitClamp.T) !== 0) c.t++
  }
}
