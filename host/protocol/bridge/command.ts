// COMMAND (host → bridge, once per control tick; firmware-bridge/PROTOCOL.md §3.6): every motor's
// CAN payload for this tick, bus by bus, in slot order. Objects are created once per configuration
// (createCommand) and refilled every tick; packCommand allocates nothing.
import { CommandSlotFlag, FRAME_HEADER_LEN, FRAME_OVERHEAD, MsgType } from './constants.ts'
import { createFrameHeader, finishFrame, openFrame, type FrameHeader } from './frame.ts'
import { commandBodyLen, commandImageLen, type BridgeLayout } from './layout.ts'
import { getU16, getU32, putU16, putU32 } from './le.ts'

export interface CommandSlot {
  /** CommandSlotFlag bits: SEND puts data on the bus this tick */
  flags: number
  /** the CAN payload (slot_len bytes): an MIT command or a special frame */
  data: Uint8Array
}

export interface Command {
  header: FrameHeader
  layout: BridgeLayout
  /** host control tick, echoed in STATE */
  tick: number
  /** CommandFlag bits (ARM) */
  flags: number
  /** layout.n_slots slots, bus after bus */
  slot: CommandSlot[]
}

/** A zero-filled Command object, allocated once, for the pack / unpack functions. */
export function createCommand (layout: BridgeLayout): Command {
  const slot: CommandSlot[] = []
  for (const b of layout.buses) {
    for (let k = 0; k < b.n_slots; k++) slot.push({ flags: CommandSlotFlag.SEND, data: new Uint8Array(b.slot_len) })
  }
  return { header: createFrameHeader(), layout, tick: 0, flags: 0, slot }
}

/** Writes the raw COMMAND frame at out[off]; returns its length (0 if it does not fit). */
export function packCommand (msg: Command, out: Uint8Array, off: number): number {
  const l = msg.layout
  const bodyLen = commandBodyLen(l)
  if (off < 0 || off + FRAME_OVERHEAD + bodyLen > out.length || msg.slot.length < l.n_slots) return 0
  let p = off + FRAME_HEADER_LEN
  putU32(out, p, msg.tick)
  putU16(out, p + 4, msg.flags)
  out[p + 6] = l.buses.length
  out[p + 7] = 0
  p += 8
  let s = 0
  for (const b of l.buses) {
    out[p] = b.bus_id
    out[p + 1] = b.bus_type
    putU16(out, p + 2, commandImageLen(b))
    p += 4
    for (let k = 0; k < b.n_slots; k++, s++) {
      const slot = msg.slot[s]
      if (!b.ecat) out[p++] = slot.flags
      for (let i = 0; i < b.slot_len; i++) out[p++] = i < slot.data.length ? slot.data[i] : 0
    }
  }
  return finishFrame(out, off, MsgType.COMMAND, msg.header, bodyLen)
}

/** Reads a raw COMMAND frame shaped by into.layout; false on any mismatch. */
export function unpackCommand (buf: Uint8Array, off: number, into: Command, len?: number): boolean {
  const l = into.layout
  const bodyLen = openFrame(buf, off, MsgType.COMMAND, into.header, len)
  if (bodyLen !== commandBodyLen(l) || into.slot.length < l.n_slots) return false
  let p = off + FRAME_HEADER_LEN
  if (buf[p + 6] !== l.buses.length) return false
  const tick = getU32(buf, p)
  const flags = getU16(buf, p + 4)
  p += 8
  for (const b of l.buses) {
    if (buf[p] !== b.bus_id || buf[p + 1] !== b.bus_type || getU16(buf, p + 2) !== commandImageLen(b)) return false
    p += 4 + commandImageLen(b)
  }
  into.tick = tick
  into.flags = flags
  p = off + FRAME_HEADER_LEN + 8
  let s = 0
  for (const b of l.buses) {
    p += 4
    for (let k = 0; k < b.n_slots; k++, s++) {
      const slot = into.slot[s]
      slot.flags = b.ecat ? CommandSlotFlag.SEND : buf[p++]
      for (let i = 0; i < b.slot_len; i++) slot.data[i] = buf[p++]
    }
  }
  return true
}
