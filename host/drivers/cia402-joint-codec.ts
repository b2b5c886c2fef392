// Joint-space commands and measurements ↔ CiA 402 process data (host/protocol/cia402/pdo.ts) for one
// joint's drive, through its unit scaling (scaling.ts). What the RxPDO carries depends on the mode of
// operation; the fields a mode does not use carry safe values (the measured position, zero velocity,
// zero torque) so that a drive falling back to another mode holds the joint instead of jumping:
//
//   CST (10)  target torque   τ = clamp(kp·(q_des − q) + kd·(q̇_des − q̇) + τ_ff, ±τ_max)
//             the host closes the joint PD loop at the tick rate on the measured q, q̇.
//   CSV (9)   target velocity v = q̇_des + (kp / kd)·(q_des − q)          (kd > 0; else v = q̇_des)
//             the drive's velocity loop gives τ ≈ kd_drive·(v − q̇); with kd_drive = kd (0x2001:03
//             on the emulated drive) this is the same PD law. τ_ff cannot be sent: the mapping has
//             no torque offset 0x60B2. csv_position_correction = false sends v = q̇_des only.
//   CSP (8)   target position  q_des (clamped into the joint limits); kp, kd are the drive's own
//             (0x2001:01 / :02), τ_ff cannot be sent (no 0x60B2).
//
// A NaN in a field the law uses never reaches the drive: CST sends τ 0, CSV v 0, CSP holds the
// measured position (or the previous target if that is NaN too); each is counted. Nothing here
// allocates per call.
import {
  Cia402Mode, Cia402Scaling, createCia402Inputs, createCia402Outputs, createCia402Status,
  decodeStatus, unpackTxPdo, packRxPdo,
  type Cia402Inputs, type Cia402ModeCode, type Cia402Outputs, type Cia402ScalingParams, type Cia402StateCode, type Cia402Status
} from '../protocol/cia402/index.ts'
import type { JointCommandValues } from './mit-joint-codec.ts'

export interface Cia402JointConfig {
  scaling: Cia402ScalingParams
  /** 8 CSP, 9 CSV, 10 CST */
  mode: Cia402ModeCode
  /** joint limits for q_des, rad (default unlimited) */
  q_min?: number
  q_max?: number
  /** CSV: add (kp / kd)·(q_des − q) to q̇_des (default true) */
  csv_position_correction?: boolean
}

/** What clamped, cumulatively. */
export interface Cia402ClampCounts {
  joint_limit: number
  position: number
  velocity: number
  torque: number
  nan: number
}

/** Clamp bits returned by pack(). */
export const Cia402Clamp = { JOINT_LIMIT: 0x01, POSITION: 0x02, VELOCITY: 0x04, TORQUE: 0x08, NAN: 0x10 } as const

export class Cia402JointCodec {
  readonly scaling: Cia402Scaling
  readonly mode: Cia402ModeCode
  readonly q_min: number
  readonly q_max: number
  readonly csv_position_correction: boolean
  /** decoded joint state of the newest TxPDO: rad, rad/s, N·m (joint side) */
  q = 0
  qd = 0
  tau = 0
  /** 0x603F of the newest TxPDO */
  error_code = 0
  /** the drive reports the mode this codec sends (0x6061 = 0x6060) */
  mode_ok = false
  hasInputs = false
  /** the newest TxPDO, drive units */
  readonly inputs: Cia402Inputs = createCia402Inputs()
  /** the newest decoded statusword */
  readonly status: Cia402Status = createCia402Status()
  /** the newest RxPDO packed, drive units */
  readonly outputs: Cia402Outputs = createCia402Outputs()
  readonly clamps: Cia402ClampCounts = { joint_limit: 0, position: 0, velocity: 0, torque: 0, nan: 0 }
  /** joint torque the newest CST command asked for before clamping, N·m (NaN in other modes) */
  tau_cmd = NaN

  constructor (cfg: Cia402JointConfig) {
    if (cfg.mode !== Cia402Mode.CSP && cfg.mode !== Cia402Mode.CSV && cfg.mode !== Cia402Mode.CST) {
      throw new RangeError(`Cia402JointCodec: mode ${String(cfg.mode)} is not CSP 8, CSV 9 or CST 10`)
    }
    this.scaling = new Cia402Scaling(cfg.scaling)
    this.mode = cfg.mode
    this.q_min = cfg.q_min ?? -Infinity
    this.q_max = cfg.q_max ?? Infinity
    this.csv_position_correction = cfg.csv_position_correction ?? true
  }

  /** device-control state of the newest TxPDO */
  get state (): Cia402StateCode {
    return this.status.state
  }

  /**
   * Packs the joint command `c`, given the measured joint state (q rad, qd rad/s) and the sequencer's
   * controlword, as the 13-byte RxPDO at out[off]. Returns Cia402Clamp bits (0: sent as given).
   * Writes this.outputs.
   */
  pack (c: JointCommandValues, q: number, qd: number, controlword: number, out: Uint8Array, off: number): number {
    const s = this.scaling
    const o = this.outputs
    let mask = 0
    o.controlword = controlword & 0xffff
    o.mode = this.mode
    const hold = this.holdPosition(q)
    o.target_position = hold
    o.target_velocity = 0
    o.target_torque = 0
    this.tau_cmd = NaN
    if (this.mode === Cia402Mode.CST) {
      // τ = kp·(q_des − q) + kd·(q̇_des − q̇) + τ_ff
      const tau = c.kp * (c.q_des - q) + c.kd * (c.qd_des - qd) + c.tau_ff
      this.tau_cmd = tau
      o.target_torque = s.nmToPermille(tau)
      if (s.nan) mask |= Cia402Clamp.NAN
      else if (s.clamped) mask |= Cia402Clamp.TORQUE
    } else if (this.mode === Cia402Mode.CSV) {
      // v = q̇_des + (kp / kd)·(q_des − q)
      let v = c.qd_des
      // !(kd <= 0): a NaN kd reaches v and is caught as NaN, kd ≤ 0 means no correction
      if (this.csv_position_correction && !(c.kd <= 0)) v += (c.kp / c.kd) * (c.q_des - q)
      o.target_velocity = s.radPerSecToIncPerSec(v)
      if (s.nan) mask |= Cia402Clamp.NAN
      else if (s.clamped) mask |= Cia402Clamp.VELOCITY
    } else {
      let qt = c.q_des
      if (qt < this.q_min) { qt = this.q_min; mask |= Cia402Clamp.JOINT_LIMIT } else if (qt > this.q_max) { qt = this.q_max; mask |= Cia402Clamp.JOINT_LIMIT }
      const inc = s.radToInc(qt)
      if (s.nan) mask |= Cia402Clamp.NAN
      else {
        if (s.clamped) mask |= Cia402Clamp.POSITION
        o.target_position = inc
      }
    }
    this.count(mask)
    packRxPdo(o, out, off)
    return mask
  }

  /** Packs a command that holds the joint: CSP the measured position, CSV 0 velocity, CST 0 torque. */
  packHold (q: number, controlword: number, out: Uint8Array, off: number): number {
    const o = this.outputs
    o.controlword = controlword & 0xffff
    o.mode = this.mode
    o.target_position = this.holdPosition(q)
    o.target_velocity = 0
    o.target_torque = 0
    this.tau_cmd = NaN
    return packRxPdo(o, out, off)
  }

  /** Decodes the 15-byte TxPDO at buf[off] into q, qd, tau, status, error_code; false (state unchanged) if short. */
  decode (buf: Uint8Array, off: number): boolean {
    const i = this.inputs
    if (!unpackTxPdo(buf, off, i)) return false
    const s = this.scaling
    this.q = s.incToRad(i.position)
    this.qd = s.incPerSecToRadPerSec(i.velocity)
    this.tau = s.permilleToNm(i.torque)
    this.error_code = i.error_code
    this.mode_ok = i.mode_display === this.mode
    decodeStatus(i.statusword, i.mode_display, this.status)
    this.hasInputs = true
    return true
  }

  // target position that holds the joint where it is: the measured q, else the previous target
  private holdPosition (q: number): number {
    if (Number.isNaN(q)) return this.outputs.target_position
    return this.scaling.radToInc(q)
  }

  private count (mask: number): void {
    if (mask === 0) return
    const c = this.clamps
    if ((mask & Cia402Clamp.JOINT_LIMIT) !== 0) c.joint_limit++
    if ((mask & Cia402Clamp.POSITION) !== 0) c.position++
    if ((mask & Cia402Clamp.VELOCITY) !== 0) c.velocity++
    if ((mask & Cia402Clamp.TORQUE) !== 0) c.torque++
    if ((mask & Cia402Clamp.NAN) !== 0) c.nan++
  }
}

