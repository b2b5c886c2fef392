// Handshake and link-liveness messages (firmware-bridge/PROTOCOL.md §3.1–3.5): HELLO, INFO, CONFIG,
// CONFIG_ACK, HEARTBEAT. pack* write a complete raw frame (header ‖ body ‖ CRC) at out[off] and
// return its length (0: invalid message or no room); unpack* read a raw frame at buf[off], verify
// CRC, header and exact body shape, fill `into` and return false on any mismatch. Field names are
// the protocol's (the same as firmware-bridge/include/msg.h).
import { FIRMWARE_LEN, FRAME_HEADER_LEN, FRAME_MAX_RAW, FRAME_OVERHEAD, MAX_BUSES, MAX_MOTORS, MsgType } from './constants.ts'
import { crc32c } from './crc32c.ts'
import { createFrameHeader, finishFrame, openFrame, type FrameHeader } from './frame.ts'
import { getF32, getU16, getU32, putF32, putU16, putU32 } from './le.ts'

function room (out: Uint8Array, off: number, bodyLen: number): boolean {
  return off >= 0 && FRAME_OVERHEAD + bodyLen <= FRAME_MAX_RAW && off + FRAME_OVERHEAD + bodyLen <= out.length
}

// ---------------------------------------------------------------- HELLO

export interface Hello {
  /** pack reads seq and t_us; unpack fills all */
  header: FrameHeader
  proto_min: number
  proto_max: number
  /** echoed in INFO */
  nonce: number
}

/** A zero-filled Hello object, allocated once, for the pack / unpack functions. */
export function createHello (): Hello {
  return { header: createFrameHeader(), proto_min: 1, proto_max: 1, nonce: 0 }
}

/** Writes the raw Hello frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packHello (msg: Hello, out: Uint8Array, off: number): number {
  if (!room(out, off, 8)) return 0
  const b = off + FRAME_HEADER_LEN
  out[b] = msg.proto_min
  out[b + 1] = msg.proto_max
  putU16(out, b + 2, 0)
  putU32(out, b + 4, msg.nonce)
  return finishFrame(out, off, MsgType.HELLO, msg.header, 8)
}

/** Reads a raw Hello frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackHello (buf: Uint8Array, off: number, into: Hello, len?: number): boolean {
  if (openFrame(buf, off, MsgType.HELLO, into.header, len) !== 8) return false
  const b = off + FRAME_HEADER_LEN
  into.proto_min = buf[b]
  into.proto_max = buf[b + 1]
  into.nonce = getU32(buf, b + 4)
  return true
}

// ---------------------------------------------------------------- INFO

export interface BusInfo {
  bus_id: number
  /** BusType */
  bus_type: number
  /** BusCap bits */
  caps: number
  max_nominal_bps: number
  max_data_bps: number
}

export interface Info {
  /** pack reads seq and t_us; unpack fills all */
  header: FrameHeader
  proto_version: number
  n_buses: number
  max_motors: number
  max_slot_len: number
  nonce: number
  /** UART rate, 0 on a pseudo-terminal */
  link_baud: number
  max_raw_frame: number
  /** ASCII, at most 16 characters (handshake only: a string is fine here) */
  firmware: string
  bus: BusInfo[]
}

/** A zero-filled Info object, allocated once, for the pack / unpack functions. */
export function createInfo (): Info {
  const bus: BusInfo[] = []
  for (let i = 0; i < MAX_BUSES; i++) bus.push({ bus_id: 0, bus_type: 0, caps: 0, max_nominal_bps: 0, max_data_bps: 0 })
  return { header: createFrameHeader(), proto_version: 0, n_buses: 0, max_motors: 0, max_slot_len: 0, nonce: 0, link_baud: 0, max_raw_frame: 0, firmware: '', bus }
}

/** Writes the raw Info frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packInfo (msg: Info, out: Uint8Array, off: number): number {
  const nb = msg.n_buses
  if (nb < 1 || nb > MAX_BUSES || msg.bus.length < nb || msg.firmware.length > FIRMWARE_LEN) return 0
  const bodyLen = 32 + 12 * nb
  if (!room(out, off, bodyLen)) return 0
  const b = off + FRAME_HEADER_LEN
  out[b] = msg.proto_version
  out[b + 1] = nb
  out[b + 2] = msg.max_motors
  out[b + 3] = msg.max_slot_len
  putU32(out, b + 4, msg.nonce)
  putU32(out, b + 8, msg.link_baud)
  putU16(out, b + 12, msg.max_raw_frame)
  putU16(out, b + 14, 0)
  for (let i = 0; i < FIRMWARE_LEN; i++) out[b + 16 + i] = i < msg.firmware.length ? msg.firmware.charCodeAt(i) & 0x7f : 0
  for (let i = 0; i < nb; i++) {
    const e = b + 32 + 12 * i
    const s = msg.bus[i]
    out[e] = s.bus_id
    out[e + 1] = s.bus_type
    out[e + 2] = s.caps
    out[e + 3] = 0
    putU32(out, e + 4, s.max_nominal_bps)
    putU32(out, e + 8, s.max_data_bps)
  }
  return finishFrame(out, off, MsgType.INFO, msg.header, bodyLen)
}

/** Reads a raw Info frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackInfo (buf: Uint8Array, off: number, into: Info, len?: number): boolean {
  const bodyLen = openFrame(buf, off, MsgType.INFO, into.header, len)
  if (bodyLen < 32) return false
  const b = off + FRAME_HEADER_LEN
  const nb = buf[b + 1]
  if (nb < 1 || nb > MAX_BUSES || bodyLen !== 32 + 12 * nb || into.bus.length < nb) return false
  into.proto_version = buf[b]
  into.n_buses = nb
  into.max_motors = buf[b + 2]
  into.max_slot_len = buf[b + 3]
  into.nonce = getU32(buf, b + 4)
  into.link_baud = getU32(buf, b + 8)
  into.max_raw_frame = getU16(buf, b + 12)
  let fw = ''
  for (let i = 0; i < FIRMWARE_LEN && buf[b + 16 + i] !== 0; i++) fw += String.fromCharCode(buf[b + 16 + i])
  into.firmware = fw
  for (let i = 0; i < nb; i++) {
    const e = b + 32 + 12 * i
    const s = into.bus[i]
    s.bus_id = buf[e]
    s.bus_type = buf[e + 1]
    s.caps = buf[e + 2]
    s.max_nominal_bps = getU32(buf, e + 4)
    s.max_data_bps = getU32(buf, e + 8)
  }
  return true
}

// ---------------------------------------------------------------- CONFIG

export interface BusConfig {
  bus_id: number
  bus_type: number
  /** BusFlag bits */
  flags: number
  /** CAN payload bytes per motor slot (8 for MIT) */
  slot_len: number
  nominal_bps: number
  /** 0 unless FD with bit-rate switch */
  data_bps: number
}

export interface MotorConfig {
  bus_id: number
  /** MitProtocol: reply layout of the drive */
  protocol: number
  /** the drive id carried in reply byte 0 (Damiao: low nibble) */
  reply_key: number
  /** MotorFlag bits */
  flags: number
  can_id: number
  /** REPLY_ID_ANY or the replies' identifier */
  reply_id: number
  /** top of the drive's KD range, N·m·s/rad (for the bridge's safe damping command) */
  kd_max: number
}

export interface Config {
  /** pack reads seq and t_us; unpack fills all */
  header: FrameHeader
  tick_period_us: number
  watchdog_us: number
  /** 0 = automatic */
  reply_timeout_us: number
  /** damping gain of the safe command, N·m·s/rad */
  safe_kd: number
  /** SafeAction */
  safe_action: number
  n_buses: number
  n_motors: number
  bus: BusConfig[]
  motor: MotorConfig[]
}

/** A zero-filled Config object, allocated once, for the pack / unpack functions. */
export function createConfig (): Config {
  const bus: BusConfig[] = []
  const motor: MotorConfig[] = []
  for (let i = 0; i < MAX_BUSES; i++) bus.push({ bus_id: 0, bus_type: 0, flags: 0, slot_len: 0, nominal_bps: 0, data_bps: 0 })
  for (let i = 0; i < MAX_MOTORS; i++) motor.push({ bus_id: 0, protocol: 0, reply_key: 0, flags: 0, can_id: 0, reply_id: 0, kd_max: 0 })
  return { header: createFrameHeader(), tick_period_us: 2000, watchdog_us: 10000, reply_timeout_us: 0, safe_kd: 1, safe_action: 0, n_buses: 0, n_motors: 0, bus, motor }
}

/** Body length of a CONFIG with nb buses and nm motors. */
export function configBodyLen (nb: number, nm: number): number {
  return 20 + 12 * nb + 16 * nm
}

/** Writes the raw Config frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packConfig (msg: Config, out: Uint8Array, off: number): number {
  const nb = msg.n_buses
  const nm = msg.n_motors
  if (nb < 1 || nb > MAX_BUSES || nm < 0 || nm > MAX_MOTORS || msg.bus.length < nb || msg.motor.length < nm) return 0
  const bodyLen = configBodyLen(nb, nm)
  if (!room(out, off, bodyLen)) return 0
  const b = off + FRAME_HEADER_LEN
  putU32(out, b, msg.tick_period_us)
  putU32(out, b + 4, msg.watchdog_us)
  putU32(out, b + 8, msg.reply_timeout_us)
  putF32(out, b + 12, msg.safe_kd)
  out[b + 16] = msg.safe_action
  out[b + 17] = nb
  out[b + 18] = nm
  out[b + 19] = 0
  for (let i = 0; i < nb; i++) {
    const e = b + 20 + 12 * i
    const s = msg.bus[i]
    out[e] = s.bus_id
    out[e + 1] = s.bus_type
    out[e + 2] = s.flags
    out[e + 3] = s.slot_len
    putU32(out, e + 4, s.nominal_bps)
    putU32(out, e + 8, s.data_bps)
  }
  for (let i = 0; i < nm; i++) {
    const e = b + 20 + 12 * nb + 16 * i
    const m = msg.motor[i]
    out[e] = m.bus_id
    out[e + 1] = m.protocol
    out[e + 2] = m.reply_key
    out[e + 3] = m.flags
    putU32(out, e + 4, m.can_id)
    putU32(out, e + 8, m.reply_id)
    putF32(out, e + 12, m.kd_max)
  }
  return finishFrame(out, off, MsgType.CONFIG, msg.header, bodyLen)
}

/** Reads a raw Config frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackConfig (buf: Uint8Array, off: number, into: Config, len?: number): boolean {
  const bodyLen = openFrame(buf, off, MsgType.CONFIG, into.header, len)
  if (bodyLen < 20) return false
  const b = off + FRAME_HEADER_LEN
  const nb = buf[b + 17]
  const nm = buf[b + 18]
  if (nb < 1 || nb > MAX_BUSES || nm > MAX_MOTORS || bodyLen !== configBodyLen(nb, nm) || into.bus.length < nb || into.motor.length < nm) return false
  into.tick_period_us = getU32(buf, b)
  into.watchdog_us = getU32(buf, b + 4)
  into.reply_timeout_us = getU32(buf, b + 8)
  into.safe_kd = getF32(buf, b + 12)
  into.safe_action = buf[b + 16]
  into.n_buses = nb
  into.n_motors = nm
  for (let i = 0; i < nb; i++) {
    const e = b + 20 + 12 * i
    const s = into.bus[i]
    s.bus_id = buf[e]
    s.bus_type = buf[e + 1]
    s.flags = buf[e + 2]
    s.slot_len = buf[e + 3]
    s.nominal_bps = getU32(buf, e + 4)
    s.data_bps = getU32(buf, e + 8)
  }
  for (let i = 0; i < nm; i++) {
    const e = b + 20 + 12 * nb + 16 * i
    const m = into.motor[i]
    m.bus_id = buf[e]
    m.protocol = buf[e + 1]
    m.reply_key = buf[e + 2]
    m.flags = buf[e + 3]
    m.can_id = getU32(buf, e + 4)
    m.reply_id = getU32(buf, e + 8)
    m.kd_max = getF32(buf, e + 12)
  }
  return true
}

/**
 * CRC-32C of the CONFIG body inside a packed raw frame raw[off..] — what the bridge echoes as
 * CONFIG_ACK.config_crc.
 */
export function configCrc (raw: Uint8Array, off: number): number {
  return crc32c(raw, off + FRAME_HEADER_LEN, getU16(raw, off + 2))
}

// ---------------------------------------------------------------- CONFIG_ACK

export interface AckBus {
  bus_id: number
  n_slots: number
  /** worst-case bus time of one tick, ns */
  budget_ns: number
}

export interface ConfigAck {
  /** pack reads seq and t_us; unpack fills all */
  header: FrameHeader
  /** ConfigStatus */
  status: number
  /** offending bus or motor entry, 0xFF none */
  index: number
  config_crc: number
  command_raw_len: number
  state_raw_len: number
  reply_timeout_us: number
  n_buses: number
  bus: AckBus[]
}

/** A zero-filled ConfigAck object, allocated once, for the pack / unpack functions. */
export function createConfigAck (): ConfigAck {
  const bus: AckBus[] = []
  for (let i = 0; i < MAX_BUSES; i++) bus.push({ bus_id: 0, n_slots: 0, budget_ns: 0 })
  return { header: createFrameHeader(), status: 0, index: 0, config_crc: 0, command_raw_len: 0, state_raw_len: 0, reply_timeout_us: 0, n_buses: 0, bus }
}

/** Writes the raw ConfigAck frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packConfigAck (msg: ConfigAck, out: Uint8Array, off: number): number {
  const nb = msg.n_buses
  if (nb < 0 || nb > MAX_BUSES || msg.bus.length < nb) return 0
  const bodyLen = 16 + 8 * nb
  if (!room(out, off, bodyLen)) return 0
  const b = off + FRAME_HEADER_LEN
  out[b] = msg.status
  out[b + 1] = msg.index
  putU16(out, b + 2, 0)
  putU32(out, b + 4, msg.config_crc)
  putU16(out, b + 8, msg.command_raw_len)
  putU16(out, b + 10, msg.state_raw_len)
  putU32(out, b + 12, msg.reply_timeout_us)
  for (let i = 0; i < nb; i++) {
    const e = b + 16 + 8 * i
    out[e] = msg.bus[i].bus_id
    out[e + 1] = msg.bus[i].n_slots
    putU16(out, e + 2, 0)
    putU32(out, e + 4, msg.bus[i].budget_ns)
  }
  return finishFrame(out, off, MsgType.CONFIG_ACK, msg.header, bodyLen)
}

/** Reads a raw ConfigAck frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackConfigAck (buf: Uint8Array, off: number, into: ConfigAck, len?: number): boolean {
  const bodyLen = openFrame(buf, off, MsgType.CONFIG_ACK, into.header, len)
  if (bodyLen < 16 || (bodyLen - 16) % 8 !== 0 || (bodyLen - 16) / 8 > MAX_BUSES) return false
  const nb = (bodyLen - 16) / 8
  if (into.bus.length < nb) return false
  const b = off + FRAME_HEADER_LEN
  into.status = buf[b]
  into.index = buf[b + 1]
  into.config_crc = getU32(buf, b + 4)
  into.command_raw_len = getU16(buf, b + 8)
  into.state_raw_len = getU16(buf, b + 10)
  into.reply_timeout_us = getU32(buf, b + 12)
  into.n_buses = nb
  for (let i = 0; i < nb; i++) {
    const e = b + 16 + 8 * i
    into.bus[i].bus_id = buf[e]
    into.bus[i].n_slots = buf[e + 1]
    into.bus[i].budget_ns = getU32(buf, e + 4)
  }
  return true
}

// ---------------------------------------------------------------- HEARTBEAT

export interface Heartbeat {
  /** pack reads seq and t_us; unpack fills all */
  header: FrameHeader
  /** Status bits (bridge), 0 (host) */
  status: number
  /** WatchdogState */
  wd_state: number
  fault_count: number
}

/** A zero-filled Heartbeat object, allocated once, for the pack / unpack functions. */
export function createHeartbeat (): Heartbeat {
  return { header: createFrameHeader(), status: 0, wd_state: 0, fault_count: 0 }
}

/** Writes the raw Heartbeat frame (header ‖ body ‖ CRC) at out[off]; returns its length, 0 if invalid or no room. */
export function packHeartbeat (msg: Heartbeat, out: Uint8Array, off: number): number {
  if (!room(out, off, 8)) return 0
  const b = off + FRAME_HEADER_LEN
  putU16(out, b, msg.status)
  out[b + 2] = msg.wd_state
  out[b + 3] = 0
  putU32(out, b + 4, msg.fault_count)
  return finishFrame(out, off, MsgType.HEARTBEAT, msg.header, 8)
}

/** Reads a raw Heartbeat frame at buf[off] (len: the decoded length, if known) into `into`; false on any mismatch. */
export function unpackHeartbeat (buf: Uint8Array, off: number, into: Heartbeat, len?: number): boolean {
  if (openFrame(buf, off, MsgType.HEARTBEAT, into.header, len) !== 8) return false
  const b = off + FRAME_HEADER_LEN
  into.status = getU16(buf, b)
  into.wd_state = buf[b + 2]
  into.fault_count = getU32(buf, b + 4)
  return true
}
