// DIAG (every 100 ms) and FAULT (per event) records, bridge → host (firmware-bridge/PROTOCOL.md
// §3.8–3.9): link counters, per-bus error state and load, per-motor fault code and temperature;
// fault records with a running index so the host can see lost ones.
import { FRAME_HEADER_LEN, FRAME_MAX_RAW, FRAME_OVERHEAD, LINK_COUNTERS, MAX_BUSES, MAX_MOTORS, MsgType } from './constants.ts'
import { createFrameHeader, finishFrame, openFrame, type FrameHeader } from './frame.ts'
import { getI16, getU16, getU32, putI16, putU16, putU32 } from './le.ts'

export interface DiagBus {
  bus_id: number
  /** BusState */
  state: number
  tec: number
  rec: number
  /** bus time of frames seen in the window, worst-case stuffed, ‰ of the window */
  load_permille: number
  /** configured worst-case tick budget, ‰ of the tick */
  budget_permille: number
  tx_frames: number
  rx_frames: number
  error_events: number
  bus_off_count: number
  tx_overruns: number
}

export interface DiagMotor {
  motor_index: number
  /** vendor fault code, 0 none, 0xFF unknown */
  fault: number
  /** 0.1 °C, TEMP_UNKNOWN (−32768) unknown */
  temp_dC: number
  /** cumulative ticks without reply (u16, wrapping) */
  missed: number
  /** bit 0 replied at least once, bit 1 drive reports enabled */
  flags: number
}

export interface Diag {
  header: FrameHeader
  window_us: number
  n_buses: number
  n_motors: number
  /** LinkCounter-indexed cumulative counters (u32, wrapping) */
  link: number[]
  bus: DiagBus[]
  motor: DiagMotor[]
  /** EtherCAT buses (PROTOCOL.md §5): distributed-clock cycle jitter over the window */
  n_ecat: number
  ecat: Array<{ bus_id: number, dc_jitter_ns: number }>
}

/** A zero-filled Diag object, allocated once, for the pack / unpack functions. */
export function createDiag (): Diag {
  const bus: DiagBus[] = []
  const motor: DiagMotor[] = []
  for (let i = 0; i < MAX_BUSES; i++) bus.push({ bus_id: 0, state: 0, tec: 0, rec: 0, load_permille: 0, budget_permille: 0, tx_frames: 0, rx_frames: 0, error_events: 0, bus_off_count: 0, tx_overruns: 0 })
  for (let i = 0; i < MAX_MOTORS; i++) motor.push({ motor_index: 0, fault: 0, temp_dC: 0, missed: 0, flags: 0 })
  return { header: createFrameHeader(), window_us: 0, n_buses: 0, n_motors: 0, link: new Array<number>(LINK_COUNTERS).fill(0), bus, motor, n_ecat: 0, ecat: [{ bus_id: 0, dc_jitter_ns: 0 }] }
}

/** Body length in bytes for the given counts. */
export function diagBodyLen (nb: number, nm: number, n_ecat = 0): number {
  return 40 + 28 * nb + 8 * nm + 8 * n_ecat
}

/** Writes the raw Diag frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packDiag (msg: Diag, out: Uint8Array, off: number): number {
  const nb = msg.n_buses
  const nm = msg.n_motors
  if (nb < 0 || nb > MAX_BUSES || nm < 0 || nm > MAX_MOTORS || msg.bus.length < nb || msg.motor.length < nm) return 0
  const ne = Math.min(msg.n_ecat, msg.ecat.length)
  const bodyLen = diagBodyLen(nb, nm, ne)
  if (off < 0 || FRAME_OVERHEAD + bodyLen > FRAME_MAX_RAW || off + FRAME_OVERHEAD + bodyLen > out.length) return 0
  const b = off + FRAME_HEADER_LEN
  putU32(out, b, msg.window_us)
  out[b + 4] = nb
  out[b + 5] = nm
  putU16(out, b + 6, 0)
  for (let i = 0; i < LINK_COUNTERS; i++) putU32(out, b + 8 + 4 * i, msg.link[i])
  for (let i = 0; i < nb; i++) {
    const e = b + 40 + 28 * i
    const s = msg.bus[i]
    out[e] = s.bus_id
    out[e + 1] = s.state
    out[e + 2] = s.tec
    out[e + 3] = s.rec
    putU16(out, e + 4, s.load_permille)
    putU16(out, e + 6, s.budget_permille)
    putU32(out, e + 8, s.tx_frames)
    putU32(out, e + 12, s.rx_frames)
    putU32(out, e + 16, s.error_events)
    putU32(out, e + 20, s.bus_off_count)
    putU32(out, e + 24, s.tx_overruns)
  }
  for (let i = 0; i < nm; i++) {
    const e = b + 40 + 28 * nb + 8 * i
    const m = msg.motor[i]
    out[e] = m.motor_index
    out[e + 1] = m.fault
    putI16(out, e + 2, m.temp_dC)
    putU16(out, e + 4, m.missed)
    out[e + 6] = m.flags
    out[e + 7] = 0
  }
  for (let i = 0; i < ne; i++) {
    const e = b + 40 + 28 * nb + 8 * nm + 8 * i
    out[e] = msg.ecat[i].bus_id
    out[e + 1] = 0
    putU16(out, e + 2, 0)
    putU32(out, e + 4, msg.ecat[i].dc_jitter_ns)
  }
  return finishFrame(out, off, MsgType.DIAG, msg.header, bodyLen)
}

/** Reads a raw Diag frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackDiag (buf: Uint8Array, off: number, into: Diag, len?: number): boolean {
  const bodyLen = openFrame(buf, off, MsgType.DIAG, into.header, len)
  if (bodyLen < 40) return false
  const b = off + FRAME_HEADER_LEN
  const nb = buf[b + 4]
  const nm = buf[b + 5]
  const extra = bodyLen - diagBodyLen(nb, nm)
  if (nb > MAX_BUSES || nm > MAX_MOTORS || extra < 0 || extra % 8 !== 0 || extra / 8 > into.ecat.length || into.bus.length < nb || into.motor.length < nm) return false
  into.n_ecat = extra / 8
  for (let i = 0; i < into.n_ecat; i++) {
    const e = b + 40 + 28 * nb + 8 * nm + 8 * i
    into.ecat[i].bus_id = buf[e]
    into.ecat[i].dc_jitter_ns = getU32(buf, e + 4)
  }
  into.window_us = getU32(buf, b)
  into.n_buses = nb
  into.n_motors = nm
  for (let i = 0; i < LINK_COUNTERS; i++) into.link[i] = getU32(buf, b + 8 + 4 * i)
  for (let i = 0; i < nb; i++) {
    const e = b + 40 + 28 * i
    const s = into.bus[i]
    s.bus_id = buf[e]
    s.state = buf[e + 1]
    s.tec = buf[e + 2]
    s.rec = buf[e + 3]
    s.load_permille = getU16(buf, e + 4)
    s.budget_permille = getU16(buf, e + 6)
    s.tx_frames = getU32(buf, e + 8)
    s.rx_frames = getU32(buf, e + 12)
    s.error_events = getU32(buf, e + 16)
    s.bus_off_count = getU32(buf, e + 20)
    s.tx_overruns = getU32(buf, e + 24)
  }
  for (let i = 0; i < nm; i++) {
    const e = b + 40 + 28 * nb + 8 * i
    const m = into.motor[i]
    m.motor_index = buf[e]
    m.fault = buf[e + 1]
    m.temp_dC = getI16(buf, e + 2)
    m.missed = getU16(buf, e + 4)
    m.flags = buf[e + 6]
  }
  return true
}

export interface Fault {
  header: FrameHeader
  /** 0, 1, 2, … per record created; a gap = records lost */
  fault_index: number
  /** bridge clock at the event, µs */
  t_us: number
  /** FaultCode */
  code: number
  /** 0xFF none */
  bus_id: number
  /** 0xFF none */
  motor_index: number
  detail: number
}

/** A zero-filled Fault object, allocated once, for the pack / unpack functions. */
export function createFault (): Fault {
  return { header: createFrameHeader(), fault_index: 0, t_us: 0, code: 0, bus_id: 0, motor_index: 0, detail: 0 }
}

/** Writes the raw Fault frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packFault (msg: Fault, out: Uint8Array, off: number): number {
  if (off < 0 || off + FRAME_OVERHEAD + 16 > out.length) return 0
  const b = off + FRAME_HEADER_LEN
  putU32(out, b, msg.fault_index)
  putU32(out, b + 4, msg.t_us)
  putU16(out, b + 8, msg.code)
  out[b + 10] = msg.bus_id
  out[b + 11] = msg.motor_index
  putU32(out, b + 12, msg.detail)
  return finishFrame(out, off, MsgType.FAULT, msg.header, 16)
}

/** Reads a raw Fault frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackFault (buf: Uint8Array, off: number, into: Fault, len?: number): boolean {
  if (openFrame(buf, off, MsgType.FAULT, into.header, len) !== 16) return false
  const b = off + FRAME_HEADER_LEN
  into.fault_index = getU32(buf, b)
  into.t_us = getU32(buf, b + 4)
  into.code = getU16(buf, b + 8)
  into.bus_id = buf[b + 10]
  into.motor_index = buf[b + 11]
  into.detail = getU32(buf, b + 12)
  return true
}
