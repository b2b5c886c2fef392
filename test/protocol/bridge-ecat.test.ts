// EtherCAT sections of COMMAND, STATE and DIAG (firmware-bridge/PROTOCOL.md §5) against bytes written
// by hand from the tables there: a CAN bus with one MIT slot and an EtherCAT bus with two CiA 402
// slaves. The firmware side is exercised end to end by test/hil/ecat-mixed.test.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildConfig } from '../../host/drivers/bridge-session.ts'
import {
  BusType, ECAT_BPS, ECAT_OUT_LEN, EcatSectionFlag, FRAME_HEADER_LEN, FRAME_MAX_RAW, StateSlotFlag,
  createCommand, createDiag, createState, layoutOfConfig, packCommand, packDiag, packState, unpackCommand, unpackDiag, unpackState
} from '../../host/protocol/bridge/index.ts'

const hex = (s: string): number[] => s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16))
const body = (raw: Uint8Array, n: number): number[] => Array.from(raw.subarray(FRAME_HEADER_LEN, n - 4))

const cfg = buildConfig({
  tick_period_us: 2000, watchdog_us: 10000, reply_timeout_us: 0, safe_kd: 1, safe_action: 0,
  buses: [
    { bus_id: 0, bus_type: BusType.CAN, flags: 0, slot_len: 8, nominal_bps: 1000000, data_bps: 0 },
    { bus_id: 2, bus_type: BusType.ETHERCAT, flags: 1, slot_len: ECAT_OUT_LEN, nominal_bps: ECAT_BPS, data_bps: 0 }
  ],
  motors: [
    { bus_id: 0, protocol: 0, reply_key: 1, flags: 0, can_id: 1, reply_id: 0, kd_max: 5 },
    { bus_id: 2, protocol: 10, reply_key: 0, flags: 0, can_id: 0, reply_id: 0x00402001, kd_max: 1 },
    { bus_id: 2, protocol: 10, reply_key: 0, flags: 0, can_id: 1, reply_id: 0x00402001, kd_max: 1 }
  ]
})
const layout = layoutOfConfig(cfg)

test('layout: EtherCAT slots carry 13-byte RxPDOs out and 15-byte TxPDOs in', () => {
  assert.equal(layout.buses.map((b) => [b.bus_id, b.n_slots, b.slot_len, b.in_len, b.ecat]), [[0, 1, 8, 8, false], [2, 2, 13, 15, true]])
  assert.throws(() => layoutOfConfig({ ...cfg, bus: cfg.bus.map((b, i) => i === 1 ? { ...b, slot_len: 8 } : b) }), /RxPDO is 13 bytes/)
})

test('COMMAND: the EtherCAT section is the RxPDOs, no flag bytes', () => {
  const c = createCommand(layout)
  c.tick = 0x01020304
  c.flags = 1
  c.slot[0].flags = 1
  c.slot[0].data.set(hex('1112131415161718'))
  // controlword 0x000F, mode 10, target position −1, target velocity 0x01020304, target torque −2
  c.slot[1].data.set(hex('0F00 0A FFFFFFFF 04030201 FEFF'))
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const n = packCommand(c, raw, 0)
  assert.equal(body(raw, n), hex(
    '04030201 0100 02 00' +
    '00 01 0900 01 1112131415161718' + // CAN: 1 slot × (1 + 8)
    '02 03 1A00' + '0F000AFFFFFFFF04030201FEFF' + '00000000000000000000000000' // EtherCAT: 2 × 13
  ))
  const back = createCommand(layout)
  assert.ok(unpackCommand(raw, 0, back, n))
  assert.equal(Array.from(back.slot[1].data), Array.from(c.slot[1].data))
  assert.is(back.slot[2].flags, 1, 'EtherCAT slots are always sent')
})

test('STATE: the EtherCAT section header (WKC, master, AL state, flags, slaves in OP) and the TxPDOs', () => {
  const s = createState(layout)
  Object.assign(s, { tick: 7, cmd_seq: 9, cmd_rx_t_us: 0x100, status: 1, wd_state: 1, fault_count: 3 })
  Object.assign(s.slot[0], { flags: StateSlotFlag.FRESH, age: 0, len: 8, rx_dt_us: 100 })
  s.slot[0].data.set(hex('2122232425262728'))
  Object.assign(s.ecat[1], { wkc: 6, wkc_expected: 6, master: 2, al_state: 8, flags: EcatSectionFlag.FRESH, n_op: 2 })
  // statusword 0x0237 (operation enabled, remote), mode 10, position 0x00010000, velocity −3, torque 100 ‰, error 0
  s.slot[1].data.set(hex('3702 0A 00000100 FDFFFFFF 6400 0000'))
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const n = packState(s, raw, 0)
  assert.equal(body(raw, n), hex(
    '07000000 09000000 00010000 0100 01 02 03000000' +
    '00 01 0E00 01 00 08 00 6400 2122232425262728' + // CAN: 1 slot × (6 + 8)
    '02 03 2600 0600 0600 02 08 01 02' + // EtherCAT: 8 + 2 × 15 = 38
    '37020A00000100FDFFFFFF64000000' + '000000000000000000000000000000'
  ))
  const back = createState(layout)
  assert.ok(unpackState(raw, 0, back, n))
  assert.equal(back.ecat[1], { wkc: 6, wkc_expected: 6, master: 2, al_state: 8, flags: 1, n_op: 2 })
  assert.equal(Array.from(back.slot[1].data), Array.from(s.slot[1].data))
  assert.is(back.slot[2].flags, StateSlotFlag.FRESH | StateSlotFlag.SENT, 'a FRESH section makes its slots fresh')
  // a section not FRESH: its slots are not, and age
  const n2 = packState({ ...back, ecat: back.ecat.map((e, i) => i === 1 ? { ...e, flags: 0 } : e) }, raw, 0)
  assert.ok(unpackState(raw, 0, back, n2))
  assert.is(back.slot[1].flags, 0)
  assert.is(back.slot[1].age, 1)
})

test('DIAG: one 8-byte entry per EtherCAT bus after the motors, with the DC cycle jitter', () => {
  const d = createDiag()
  d.n_buses = 2
  d.n_motors = 3
  d.n_ecat = 1
  d.ecat[0].bus_id = 2
  d.ecat[0].dc_jitter_ns = 0x00012345
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const n = packDiag(d, raw, 0)
  assert.is(n - 16, 40 + 28 * 2 + 8 * 3 + 8)
  assert.equal(body(raw, n).slice(-8), hex('02 00 0000 45230100'))
  const back = createDiag()
  assert.ok(unpackDiag(raw, 0, back, n))
  assert.is(back.n_ecat, 1)
  assert.equal(back.ecat[0], { bus_id: 2, dc_jitter_ns: 0x12345 })
  d.n_ecat = 0
  assert.ok(unpackDiag(raw, 0, back, packDiag(d, raw, 0)))
  assert.is(back.n_ecat, 0, 'a DIAG without EtherCAT buses has no entry')
})

test.run()
