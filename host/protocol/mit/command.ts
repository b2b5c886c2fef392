// MIT-mode command frames (8 bytes, big-endian bit fields: p 16, v 12, kp 12, kd 12, τ 12 bits) and
// the special frames FF×7 FB/FC/FD/FE, as the reference firmware reads them (bgkatz/motorcontrol
// Core/Src/can.c unpack_cmd; special commands in Core/Src/stm32f4xx_it.c, CAN1_RX0_IRQHandler).
// Values are clamped into the drive's range before packing and every clamp is reported.
import { floatToUint, uintToFloat } from './quantize.ts'
import type { MitRange } from './range.ts'

export const MIT_FRAME_LEN = 8

export interface MitCommand {
  /** desired position, rad */
  q_des: number
  /** desired velocity, rad/s */
  qd_des: number
  /** N·m/rad */
  kp: number
  /** N·m·s/rad */
  kd: number
  /** feed-forward torque, N·m */
  tau_ff: number
}

/** clamp report bits */
export const MitClamp = { P: 0x01, V: 0x02, KP: 0x04, KD: 0x08, T: 0x10, NAN: 0x20 } as const

/** what packMitCommand did to the command: MitClamp bits, 0 = sent as given */
export interface MitPackReport {
  clamp_mask: number
}

export const MitSpecial = { NONE: 0, CLEAR: 0xfb, ENTER: 0xfc, EXIT: 0xfd, ZERO: 0xfe } as const

let mask = 0

function clampField (x: number, lo: number, hi: number, bit: number): number {
  if (Number.isNaN(x)) {
    mask |= MitClamp.NAN | bit
    return Math.min(Math.max(0, lo), hi)
  }
  if (x < lo) { mask |= bit; return lo }
  if (x > hi) { mask |= bit; return hi }
  return x
}

/** Places already-quantised codes (p 16 bit, the others 12 bit) into out[off..off+8). */
export function packMitFields (pu: number, vu: number, kpu: number, kdu: number, tu: number, out: Uint8Array, off: number): void {
  out[off] = (pu >>> 8) & 0xff
  out[off + 1] = pu & 0xff
  out[off + 2] = (vu >>> 4) & 0xff
  out[off + 3] = ((vu & 0xf) << 4) | ((kpu >>> 8) & 0xf)
  out[off + 4] = kpu & 0xff
  out[off + 5] = (kdu >>> 4) & 0xff
  out[off + 6] = ((kdu & 0xf) << 4) | ((tu >>> 8) & 0xf)
  out[off + 7] = tu & 0xff
}

/**
 * Clamps cmd into r and writes the 8-byte command at out[off]. Returns MIT_FRAME_LEN; report (if
 * given) receives the clamp bits. A NaN field is packed as 0 clamped into range and flagged
 * MitClamp.NAN: a caller must not send such a frame.
 */
export function packMitCommand (cmd: MitCommand, r: MitRange, out: Uint8Array, off: number, report?: MitPackReport): number {
  mask = 0
  const p = clampField(cmd.q_des, r.p_min, r.p_max, MitClamp.P)
  const v = clampField(cmd.qd_des, r.v_min, r.v_max, MitClamp.V)
  const kp = clampField(cmd.kp, r.kp_min, r.kp_max, MitClamp.KP)
  const kd = clampField(cmd.kd, r.kd_min, r.kd_max, MitClamp.KD)
  const t = clampField(cmd.tau_ff, r.t_min, r.t_max, MitClamp.T)
  packMitFields(
    floatToUint(p, r.p_min, r.p_max, 16),
    floatToUint(v, r.v_min, r.v_max, 12),
    floatToUint(kp, r.kp_min, r.kp_max, 12),
    floatToUint(kd, r.kd_min, r.kd_max, 12),
    floatToUint(t, r.t_min, r.t_max, 12),
    out, off)
  if (report !== undefined) report.clamp_mask = mask
  return MIT_FRAME_LEN
}

/** Decodes an 8-byte command as a drive does; false if fewer than 8 bytes remain. */
export function unpackMitCommand (buf: Uint8Array, off: number, r: MitRange, into: MitCommand): boolean {
  if (off < 0 || buf.length - off < MIT_FRAME_LEN) return false
  const pu = (buf[off] << 8) | buf[off + 1]
  const vu = (buf[off + 2] << 4) | (buf[off + 3] >>> 4)
  const kpu = ((buf[off + 3] & 0xf) << 8) | buf[off + 4]
  const kdu = (buf[off + 5] << 4) | (buf[off + 6] >>> 4)
  const tu = ((buf[off + 6] & 0xf) << 8) | buf[off + 7]
  into.q_des = uintToFloat(pu, r.p_min, r.p_max, 16)
  into.qd_des = uintToFloat(vu, r.v_min, r.v_max, 12)
  into.kp = uintToFloat(kpu, r.kp_min, r.kp_max, 12)
  into.kd = uintToFloat(kdu, r.kd_min, r.kd_max, 12)
  into.tau_ff = uintToFloat(tu, r.t_min, r.t_max, 12)
  return true
}

/** Writes FF×7 followed by kind (ENTER 0xFC, EXIT 0xFD, ZERO 0xFE, CLEAR 0xFB); returns 8. */
export function packMitSpecial (kind: number, out: Uint8Array, off: number): number {
  for (let i = 0; i < 7; i++) out[off + i] = 0xff
  out[off + 7] = kind & 0xff
  return MIT_FRAME_LEN
}

/** The special command an 8-byte payload carries, or MitSpecial.NONE. */
export function mitSpecialOf (buf: Uint8Array, off: number, len: number): number {
  if (len !== MIT_FRAME_LEN || buf.length - off < MIT_FRAME_LEN) return MitSpecial.NONE
  for (let i = 0; i < 7; i++) if (buf[off + i] !== 0xff) return MitSpecial.NONE
  const k = buf[off + 7]
  return k >= MitSpecial.CLEAR && k <= MitSpecial.ZERO ? k : MitSpecial.NONE
}
