// Bridge frame envelope (firmware-bridge/PROTOCOL.md §2): header(12) ‖ body ‖ CRC-32C(4), COBS,
// 0x00. Message packers write the body at raw[off + 12] and call finishFrame; receivers call
// checkFrame on each decoded raw frame. Same checks, in the same order, as firmware-bridge/src/frame.c.
import { cobsEncode } from './cobs.ts'
import { crc32c } from './crc32c.ts'
import { FRAME_CRC_LEN, FRAME_HEADER_LEN, FRAME_MAX_RAW, FRAME_OVERHEAD, MsgType, PROTO_VERSION } from './constants.ts'
import { getU16, getU32, putU16, putU32 } from './le.ts'

/** The fields of a frame header; pack functions take seq and t_us, unpack functions fill all. */
export interface FrameHeader {
  version: number
  type: number
  body_len: number
  /** sender's frame counter, u32 */
  seq: number
  /** sender's clock when the frame was built, µs, u32 wrapping */
  t_us: number
}

/** A zero-filled FrameHeader object, allocated once, for the pack / unpack functions. */
export function createFrameHeader (): FrameHeader {
  return { version: 0, type: 0, body_len: 0, seq: 0, t_us: 0 }
}

/** Results of checkFrame, in the order the checks run (PROTOCOL.md §2.2). */
export const FrameStatus = {
  OK: 0,
  SHORT: 1,
  LONG: 2,
  CRC: 3,
  /** header filled in; a bridge still answers HELLO */
  VERSION: 4,
  TYPE: 5,
  LENGTH: 6
} as const
export type FrameStatusCode = typeof FrameStatus[keyof typeof FrameStatus]

const KNOWN_TYPES = new Set<number>(Object.values(MsgType))

/**
 * Writes the header (version 1, type, body_len, seq, t_us) at raw[off..off+12) and the CRC after the
 * body that is already at raw[off+12 .. off+12+bodyLen). Returns the raw length, 0 if it would exceed
 * FRAME_MAX_RAW or the buffer.
 */
export function finishFrame (raw: Uint8Array, off: number, type: number, header: { seq: number, t_us: number }, bodyLen: number): number {
  const len = FRAME_OVERHEAD + bodyLen
  if (bodyLen < 0 || len > FRAME_MAX_RAW || off + len > raw.length) return 0
  raw[off] = PROTO_VERSION
  raw[off + 1] = type
  putU16(raw, off + 2, bodyLen)
  putU32(raw, off + 4, header.seq)
  putU32(raw, off + 8, header.t_us)
  putU32(raw, off + FRAME_HEADER_LEN + bodyLen, crc32c(raw, off, FRAME_HEADER_LEN + bodyLen))
  return len
}

/**
 * Checks the raw frame raw[off..off+len): length bounds, CRC, version, known type, body_len ===
 * len − 16. Fills `into` whenever the CRC is good.
 */
export function checkFrame (raw: Uint8Array, off: number, len: number, into: FrameHeader): FrameStatusCode {
  if (len < FRAME_OVERHEAD) return FrameStatus.SHORT
  if (len > FRAME_MAX_RAW || off + len > raw.length) return FrameStatus.LONG
  const crcAt = off + len - FRAME_CRC_LEN
  if (crc32c(raw, off, len - FRAME_CRC_LEN) !== getU32(raw, crcAt)) return FrameStatus.CRC
  into.version = raw[off]
  into.type = raw[off + 1]
  into.body_len = getU16(raw, off + 2)
  into.seq = getU32(raw, off + 4)
  into.t_us = getU32(raw, off + 8)
  if (into.version !== PROTO_VERSION) return FrameStatus.VERSION
  if (!KNOWN_TYPES.has(into.type)) return FrameStatus.TYPE
  if (into.body_len !== len - FRAME_OVERHEAD) return FrameStatus.LENGTH
  return FrameStatus.OK
}

/**
 * Reads a raw frame whose total length comes from its own header (message unpackers use this): the
 * frame must fit in buf, pass the CRC, carry version 1 and the expected type, and, when `len` is
 * given (the decoded length), match it exactly. Returns the body length or −1.
 */
export function openFrame (buf: Uint8Array, off: number, type: number, into: FrameHeader, len?: number): number {
  if (off < 0 || buf.length - off < FRAME_OVERHEAD) return -1
  const bodyLen = getU16(buf, off + 2)
  const total = FRAME_OVERHEAD + bodyLen
  if (total > FRAME_MAX_RAW || off + total > buf.length || (len !== undefined && len !== total)) return -1
  if (checkFrame(buf, off, total, into) !== FrameStatus.OK || into.type !== type) return -1
  return bodyLen
}

/** COBS-encodes raw[rawOff..rawOff+rawLen) into wire[wireOff..] and appends 0x00; returns the wire length or 0. */
export function frameToWire (raw: Uint8Array, rawOff: number, rawLen: number, wire: Uint8Array, wireOff: number): number {
  if (wire.length - wireOff < 2) return 0
  const n = cobsEncode(raw, rawOff, rawLen, wire, wireOff)
  if (n === 0 || wireOff + n >= wire.length) return 0
  wire[wireOff + n] = 0
  return n + 1
}

/** Message type of a raw frame (its second byte), or −1 if too short. */
export function peekType (raw: Uint8Array, off: number, len: number): number {
  return len >= FRAME_OVERHEAD ? raw[off + 1] : -1
}
