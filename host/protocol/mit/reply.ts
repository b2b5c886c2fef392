// MIT-mode reply frames of the drives this project supports (layouts and sources in README.md):
//   CHEETAH   reference firmware, 6 bytes: id, p 16, v 12, τ 12 (bgkatz/motorcontrol can.c pack_reply)
//   CUBEMARS  AK series, 8 bytes: as above + temperature °C (u8) + error code (u8)
//             (AK Series Actuator Driver Manual V1.0.8 §5.3)
//   DAMIAO    DM-J series, 8 bytes: id | state << 4, p, v, τ, MOS temperature °C (u8), rotor
//             temperature °C (u8) (Damiao DM-J4310-2EC manual, feedback frame)
//   ROBSTRIDE RS series in MIT protocol mode, 8 bytes: id, p, v, τ, temperature × 10 (u16 big-endian)
//             (RobStride RS00 manual v1.0, MIT protocol feedback frame)
import { floatToU16Wrapping, floatToUint, uintToFloat } from './quantize.ts'
import type { MitRange } from './range.ts'

export const MitProtocol = { CHEETAH: 0, CUBEMARS: 1, DAMIAO: 2, ROBSTRIDE: 3 } as const
export type MitProtocolCode = typeof MitProtocol[keyof typeof MitProtocol]

export interface MitReply {
  /** drive id from byte 0 (Damiao: low nibble) */
  id: number
  /** reported position, rad, wrapped to the ±p_max range (unwrap.ts) */
  q: number
  /** rad/s */
  qd: number
  /** torque estimate, N·m */
  tau: number
  has_temp: boolean
  /** motor (Damiao: rotor / coil) temperature, °C */
  temp_c: number
  /** Damiao: MOS (driver) temperature, °C */
  temp_mos_c: number
  has_fault: boolean
  /** vendor fault code, 0 = none (CubeMars: error byte; Damiao: state nibble ≥ 2) */
  fault: number
  /** Damiao state nibble: 0 disabled, 1 enabled, 8.. faults */
  state: number
}

/** A zero-filled MitReply object, allocated once, for the pack / unpack functions. */
export function createMitReply (): MitReply {
  return { id: 0, q: 0, qd: 0, tau: 0, has_temp: false, temp_c: 0, temp_mos_c: 0, has_fault: false, fault: 0, state: 0 }
}

/** Reply payload length of a protocol. */
export function mitReplyLen (protocol: number): number {
  return protocol === MitProtocol.CHEETAH ? 6 : 8
}

/** The drive id a reply carries in byte 0. */
export function mitReplyKey (protocol: number, byte0: number): number {
  return protocol === MitProtocol.DAMIAO ? byte0 & 0x0f : byte0
}

/** Decodes a reply payload buf[off..off+len) of `protocol`; false if too short or unknown protocol. */
export function unpackMitReply (buf: Uint8Array, off: number, len: number, protocol: number, r: MitRange, into: MitReply): boolean {
  if (protocol < MitProtocol.CHEETAH || protocol > MitProtocol.ROBSTRIDE || len < mitReplyLen(protocol) || off < 0 || buf.length - off < len) return false
  const pu = (buf[off + 1] << 8) | buf[off + 2]
  const vu = (buf[off + 3] << 4) | (buf[off + 4] >>> 4)
  const tu = ((buf[off + 4] & 0xf) << 8) | buf[off + 5]
  into.id = mitReplyKey(protocol, buf[off])
  into.q = uintToFloat(pu, r.p_min, r.p_max, 16)
  into.qd = uintToFloat(vu, r.v_min, r.v_max, 12)
  into.tau = uintToFloat(tu, r.t_min, r.t_max, 12)
  into.has_temp = false
  into.has_fault = false
  into.temp_c = 0
  into.temp_mos_c = 0
  into.fault = 0
  into.state = 0
  switch (protocol) {
    case MitProtocol.CUBEMARS:
      into.has_temp = true
      into.temp_c = buf[off + 6]
      into.has_fault = true
      into.fault = buf[off + 7]
      break
    case MitProtocol.DAMIAO:
      into.state = buf[off] >>> 4
      into.has_fault = true
      into.fault = into.state > 1 ? into.state : 0
      into.has_temp = true
      into.temp_mos_c = buf[off + 6]
      into.temp_c = buf[off + 7]
      break
    case MitProtocol.ROBSTRIDE:
      into.has_temp = true
      into.temp_c = ((buf[off + 6] << 8) | buf[off + 7]) / 10
      break
  }
  return true
}

/**
 * Packs a reply as a drive would (for emulators and tests): the position keeps the reference
 * firmware's wrapping; velocity and torque are clamped to the range. Returns the payload length.
 */
export function packMitReply (rep: MitReply, protocol: number, r: MitRange, out: Uint8Array, off: number): number {
  const pu = floatToU16Wrapping(rep.q, r.p_min, r.p_max)
  const vu = floatToUint(rep.qd, r.v_min, r.v_max, 12)
  const tu = floatToUint(rep.tau, r.t_min, r.t_max, 12)
  const n = mitReplyLen(protocol)
  for (let i = 0; i < n; i++) out[off + i] = 0
  out[off] = protocol === MitProtocol.DAMIAO ? (rep.id & 0x0f) | ((rep.state & 0x0f) << 4) : rep.id & 0xff
  out[off + 1] = pu >>> 8
  out[off + 2] = pu & 0xff
  out[off + 3] = vu >>> 4
  out[off + 4] = ((vu & 0xf) << 4) | (tu >>> 8)
  out[off + 5] = tu & 0xff
  const u8 = (c: number): number => (c > 0 ? Math.min(255, Math.round(c)) : 0)
  if (protocol === MitProtocol.CUBEMARS) {
    out[off + 6] = u8(rep.temp_c)
    out[off + 7] = rep.fault & 0xff
  } else if (protocol === MitProtocol.DAMIAO) {
    out[off + 6] = u8(rep.temp_mos_c)
    out[off + 7] = u8(rep.temp_c)
  } else if (protocol === MitProtocol.ROBSTRIDE) {
    const t10 = Math.min(65535, Math.max(0, Math.round(rep.temp_c * 10)))
    out[off + 6] = t10 >>> 8
    out[off + 7] = t10 & 0xff
  }
  return n
}
