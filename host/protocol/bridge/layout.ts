// The shape of COMMAND and STATE frames under one configuration (firmware-bridge/PROTOCOL.md §3.3):
// per bus, in CONFIG order, the number of motor slots (motors of the table on that bus, in table
// order) and the payload bytes per slot. Derived once per CONFIG, never per frame.
import { BusType, ECAT_IN_LEN, ECAT_MAX_SLAVES, ECAT_OUT_LEN, ECAT_STATE_HDR, FRAME_MAX_RAW, FRAME_OVERHEAD, MAX_BUSES, MAX_MOTORS, MAX_SLOT_LEN } from './constants.ts'
import type { Config } from './handshake.ts'

export interface BusLayout {
  bus_id: number
  bus_type: number
  n_slots: number
  /** payload bytes per slot: CAN payload, or the EtherCAT RxPDO (13) */
  slot_len: number
  /** payload bytes per slot in STATE: slot_len for CAN, the TxPDO (15) for EtherCAT */
  in_len: number
  /** an EtherCAT bus (PROTOCOL.md §5): sections without per-slot headers */
  ecat: boolean
  /** global index of this bus's slot 0 */
  first_slot: number
}

export interface BridgeLayout {
  buses: BusLayout[]
  n_slots: number
  /** global slot → motor table index */
  slot_motor: number[]
  /** motor table index → global slot */
  motor_slot: number[]
}

/** Builds the layout of a configuration; throws (at configuration time) if it cannot be framed. */
export function layoutOfConfig (cfg: Config): BridgeLayout {
  if (cfg.n_buses < 1 || cfg.n_buses > MAX_BUSES || cfg.n_motors > MAX_MOTORS) {
    throw new RangeError(`bridge config: ${cfg.n_buses} buses / ${cfg.n_motors} motors outside 1..${MAX_BUSES} / 0..${MAX_MOTORS}`)
  }
  const buses: BusLayout[] = []
  const slotMotor: number[] = []
  const motorSlot: number[] = new Array<number>(cfg.n_motors).fill(-1)
  for (let b = 0; b < cfg.n_buses; b++) {
    const bus = cfg.bus[b]
    const ecat = bus.bus_type === BusType.ETHERCAT
    if (ecat && bus.slot_len !== ECAT_OUT_LEN) throw new RangeError(`bridge config: EtherCAT bus ${bus.bus_id} slot_len ${bus.slot_len}, the RxPDO is ${ECAT_OUT_LEN} bytes`)
    if (!ecat && (bus.slot_len < 1 || bus.slot_len > MAX_SLOT_LEN)) throw new RangeError(`bridge config: bus ${bus.bus_id} slot_len ${bus.slot_len} outside 1..${MAX_SLOT_LEN}`)
    const first = slotMotor.length
    for (let m = 0; m < cfg.n_motors; m++) {
      if (cfg.motor[m].bus_id === bus.bus_id) {
        motorSlot[m] = slotMotor.length
        slotMotor.push(m)
      }
    }
    const n = slotMotor.length - first
    if (ecat && n > ECAT_MAX_SLAVES) throw new RangeError(`bridge config: EtherCAT bus ${bus.bus_id} has ${n} slaves, at most ${ECAT_MAX_SLAVES}`)
    buses.push({ bus_id: bus.bus_id, bus_type: bus.bus_type, n_slots: n, slot_len: bus.slot_len, in_len: ecat ? ECAT_IN_LEN : bus.slot_len, ecat, first_slot: first })
  }
  const orphan = motorSlot.indexOf(-1)
  if (orphan >= 0) throw new RangeError(`bridge config: motor ${orphan} is on bus ${cfg.motor[orphan].bus_id}, which is not configured`)
  const layout = { buses, n_slots: slotMotor.length, slot_motor: slotMotor, motor_slot: motorSlot }
  if (commandBodyLen(layout) + FRAME_OVERHEAD > FRAME_MAX_RAW || stateBodyLen(layout) + FRAME_OVERHEAD > FRAME_MAX_RAW) {
    throw new RangeError(`bridge config: ${layout.n_slots} slots make frames longer than ${FRAME_MAX_RAW} bytes`)
  }
  return layout
}

/** COMMAND image bytes of one bus section: flag byte + payload per CAN slot, RxPDOs for EtherCAT. */
export function commandImageLen (b: BusLayout): number {
  return b.ecat ? b.n_slots * ECAT_OUT_LEN : b.n_slots * (1 + b.slot_len)
}

/** STATE image bytes of one bus section: 6-byte header + payload per CAN slot; section header + TxPDOs for EtherCAT. */
export function stateImageLen (b: BusLayout): number {
  return b.ecat ? ECAT_STATE_HDR + b.n_slots * ECAT_IN_LEN : b.n_slots * (6 + b.slot_len)
}

/** Body length in bytes for the given counts. */
export function commandBodyLen (l: BridgeLayout): number {
  let n = 8
  for (const b of l.buses) n += 4 + commandImageLen(b)
  return n
}

/** Body length in bytes for the given counts. */
export function stateBodyLen (l: BridgeLayout): number {
  let n = 20
  for (const b of l.buses) n += 4 + stateImageLen(b)
  return n
}
