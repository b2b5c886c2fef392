// STATE (bridge → host, once per tick; firmware-bridge/PROTOCOL.md §3.7): the drives' latest raw
// replies, slot by slot, with freshness, age and arrival time. Decode the payloads with
// host/protocol/mit. EtherCAT buses (§5) carry a section header (working counter, master and AL state)
// and the drives' TxPDOs; their slots read FRESH | SENT when the section is FRESH. Objects are created
// once per configuration; unpackState allocates nothing.
import { EcatSectionFlag, FRAME_HEADER_LEN, FRAME_OVERHEAD, MsgType, StateSlotFlag } from './constants.ts'
import { createFrameHeader, finishFrame, openFrame, type FrameHeader } from './frame.ts'
import { stateBodyLen, stateImageLen, type BridgeLayout } from './layout.ts'
import { getU16, getU32, putU16, putU32 } from './le.ts'

export interface StateSlot {
  /** StateSlotFlag bits: FRESH, TIMEOUT, SENT */
  flags: number
  /** ticks since the last reply, 255 = never / saturated */
  age: number
  /** valid bytes in data */
  len: number
  /** reply arrival − command acceptance, µs; RX_DT_NONE when not FRESH */
  rx_dt_us: number
  /** last reply payload (slot_len bytes, zero-padded) */
  data: Uint8Array
}

/** Header of an EtherCAT STATE section (PROTOCOL.md §5). */
export interface EcatSection {
  wkc: number
  wkc_expected: number
  /** EcatMaster */
  master: number
  /** lowest AL state of the slaves (1, 2, 4, 8; 0 none answers) */
  al_state: number
  /** EcatSectionFlag bits */
  flags: number
  n_op: number
}

export interface State {
  header: FrameHeader
  layout: BridgeLayout
  tick: number
  cmd_seq: number
  cmd_rx_t_us: number
  /** Status bits */
  status: number
  /** WatchdogState */
  wd_state: number
  fault_count: number
  slot: StateSlot[]
  /** per bus position: the EtherCAT section header (unused entries for CAN buses) */
  ecat: EcatSection[]
}

/** A zero-filled State object, allocated once, for the pack / unpack functions. */
export function createState (layout: BridgeLayout): State {
  const slot: StateSlot[] = []
  for (const b of layout.buses) {
    for (let k = 0; k < b.n_slots; k++) slot.push({ flags: 0, age: 255, len: 0, rx_dt_us: 0xffff, data: new Uint8Array(b.in_len) })
  }
  const ecat = layout.buses.map(() => ({ wkc: 0, wkc_expected: 0, master: 0, al_state: 0, flags: 0, n_op: 0 }))
  return { header: createFrameHeader(), layout, tick: 0, cmd_seq: 0, cmd_rx_t_us: 0, status: 0, wd_state: 0, fault_count: 0, slot, ecat }
}

/** Writes the raw STATE frame at out[off] (bridge side; used by tests and emulators). */
export function packState (msg: State, out: Uint8Array, off: number): number {
  const l = msg.layout
  const bodyLen = stateBodyLen(l)
  if (off < 0 || off + FRAME_OVERHEAD + bodyLen > out.length || msg.slot.length < l.n_slots) return 0
  let p = off + FRAME_HEADER_LEN
  putU32(out, p, msg.tick)
  putU32(out, p + 4, msg.cmd_seq)
  putU32(out, p + 8, msg.cmd_rx_t_us)
  putU16(out, p + 12, msg.status)
  out[p + 14] = msg.wd_state
  out[p + 15] = l.buses.length
  putU32(out, p + 16, msg.fault_count)
  p += 20
  let s = 0
  for (let bi = 0; bi < l.buses.length; bi++) {
    const b = l.buses[bi]
    out[p] = b.bus_id
    out[p + 1] = b.bus_type
    putU16(out, p + 2, stateImageLen(b))
    p += 4
    if (b.ecat) {
      const e = msg.ecat[bi]
      putU16(out, p, e.wkc)
      putU16(out, p + 2, e.wkc_expected)
      out[p + 4] = e.master
      out[p + 5] = e.al_state
      out[p + 6] = e.flags
      out[p + 7] = e.n_op
      p += 8
      for (let k = 0; k < b.n_slots; k++, s++) {
        const d = msg.slot[s].data
        for (let i = 0; i < b.in_len; i++) out[p++] = i < d.length ? d[i] : 0
      }
      continue
    }
    for (let k = 0; k < b.n_slots; k++, s++) {
      const slot = msg.slot[s]
      out[p] = slot.flags
      out[p + 1] = slot.age
      out[p + 2] = Math.min(slot.len, b.slot_len)
      out[p + 3] = 0
      putU16(out, p + 4, slot.rx_dt_us)
      p += 6
      for (let i = 0; i < b.slot_len; i++) out[p++] = i < slot.data.length ? slot.data[i] : 0
    }
  }
  return finishFrame(out, off, MsgType.STATE, msg.header, bodyLen)
}

/** Reads a raw STATE frame shaped by into.layout; false on any mismatch (then only into.header may have changed). */
export function unpackState (buf: Uint8Array, off: number, into: State, len?: number): boolean {
  const l = into.layout
  const bodyLen = openFrame(buf, off, MsgType.STATE, into.header, len)
  if (bodyLen !== stateBodyLen(l) || into.slot.length < l.n_slots) return false
  const base = off + FRAME_HEADER_LEN
  if (buf[base + 15] !== l.buses.length) return false
  let p = base + 20
  for (const b of l.buses) {
    if (buf[p] !== b.bus_id || buf[p + 1] !== b.bus_type || getU16(buf, p + 2) !== stateImageLen(b)) return false
    for (let k = 0; k < b.n_slots && !b.ecat; k++) {
      if (buf[p + 4 + k * (6 + b.slot_len) + 2] > b.slot_len) return false
    }
    p += 4 + stateImageLen(b)
  }
  into.tick = getU32(buf, base)
  into.cmd_seq = getU32(buf, base + 4)
  into.cmd_rx_t_us = getU32(buf, base + 8)
  into.status = getU16(buf, base + 12)
  into.wd_state = buf[base + 14]
  into.fault_count = getU32(buf, base + 16)
  p = base + 20
  let s = 0
  for (let bi = 0; bi < l.buses.length; bi++) {
    const b = l.buses[bi]
    p += 4
    if (b.ecat) {
      const e = into.ecat[bi]
      e.wkc = getU16(buf, p)
      e.wkc_expected = getU16(buf, p + 2)
      e.master = buf[p + 4]
      e.al_state = buf[p + 5]
      e.flags = buf[p + 6]
      e.n_op = buf[p + 7]
      p += 8
      const fresh = (e.flags & EcatSectionFlag.FRESH) !== 0
      for (let k = 0; k < b.n_slots; k++, s++) {
        const slot = into.slot[s]
        slot.flags = fresh ? StateSlotFlag.FRESH | StateSlotFlag.SENT : 0
        slot.age = fresh ? 0 : Math.min(255, slot.age + 1)
        slot.len = b.in_len
        slot.rx_dt_us = 0xffff
        for (let i = 0; i < b.in_len; i++) slot.data[i] = buf[p++]
      }
      continue
    }
    for (let k = 0; k < b.n_slots; k++, s++) {
      const slot = into.slot[s]
      slot.flags = buf[p]
      slot.age = buf[p + 1]
      slot.len = buf[p + 2]
      slot.rx_dt_us = getU16(buf, p + 4)
      p += 6
      for (let i = 0; i < b.slot_len; i++) slot.data[i] = buf[p++]
    }
  }
  return true
}
