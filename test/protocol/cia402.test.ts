// CiA 402 drive profile (host/protocol/cia402/, host/drivers/cia402-joint-codec.ts) against values
// worked out by hand from firmware-bridge/PROTOCOL.md §5 and CiA 402-2: statusword masks with junk in every don't-care bit,
// the device-control sequencer's walks (enable, fault reset as a rising edge, persistent fault, quick
// stop, timeouts), the 13/15-byte PDO layout as hand-written byte strings, the emulated knee drive's
// scaling (131072 inc/rev, gear 9, rated 1000 mN·m, max 2933 ‰) and the CST / CSV / CSP laws.
//
// Knee figures used below: inc/rad = 131072·9 / 2π = 1179648 / 6.283185307… = 187746.810308…
//   1 rad → 187746.81 → 187747 = 0x0002DD63;  0.1 rad → 18774.68 → 18775 = 0x4957
//   ‰/N·m = 1000 / (1.000 N·m · 9) = 111.111…;  5 N·m → 555.56 → 556;  max 2933 ‰ → 26.397 N·m
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  CIA402_RXPDO_LEN, CIA402_TXPDO_LEN, Cia402Cw, Cia402Mode, Cia402Request, Cia402Scaling, Cia402SeqStatus,
  Cia402Sequencer, Cia402State, cia402StateName, createCia402Inputs, createCia402Outputs, createCia402Status,
  decodeStatus, decodeStatusword, packRxPdo, packTxPdo, unpackRxPdo, unpackTxPdo, type Cia402ScalingParams
} from '../../host/protocol/cia402/index.ts'
import { Cia402Clamp, Cia402JointCodec } from '../../host/drivers/cia402-joint-codec.ts'

const KNEE: Cia402ScalingParams = { incs_per_rev: 131072, gear: 9, rated_torque_mNm: 1000, max_torque_permille: 2933 }
const INC_PER_RAD = 187746.81030846815
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim()
const S = Cia402State
const R = Cia402Request

// --- statusword ----------------------------------------------------------------------------------

// state → (mask, value) of CiA 402-2's statusword table
const TABLE: Array<[number, number, number]> = [
  [S.NOT_READY, 0x004f, 0x0000], [S.SWITCH_ON_DISABLED, 0x004f, 0x0040], [S.READY_TO_SWITCH_ON, 0x006f, 0x0021],
  [S.SWITCHED_ON, 0x006f, 0x0023], [S.OPERATION_ENABLED, 0x006f, 0x0027], [S.QUICK_STOP_ACTIVE, 0x006f, 0x0007],
  [S.FAULT_REACTION_ACTIVE, 0x004f, 0x000f], [S.FAULT, 0x004f, 0x0008]
]

test('statusword: every state, with every combination of its don\'t-care bits set', () => {
  for (const [state, mask, value] of TABLE) {
    const free: number[] = []
    for (let b = 0; b < 16; b++) if ((mask & (1 << b)) === 0) free.push(b)
    for (let j = 0; j < 1 << free.length; j++) {
      let sw = value
      for (let k = 0; k < free.length; k++) if ((j & (1 << k)) !== 0) sw |= 1 << free[k]
      if (decodeStatusword(sw) !== state) assert.unreachable(`0x${sw.toString(16)} decoded as ${cia402StateName(decodeStatusword(sw))}, expected ${cia402StateName(state)}`)
    }
  }
  // the same by hand: junk 0xFF90 (bits 4, 7, 8–15) or 0xFFB0 (also bit 5, outside the 0x004F masks)
  assert.is(decodeStatusword(0xffb0), S.NOT_READY)
  assert.is(decodeStatusword(0xfff0), S.SWITCH_ON_DISABLED)
  assert.is(decodeStatusword(0xffb1), S.READY_TO_SWITCH_ON)
  assert.is(decodeStatusword(0xffb3), S.SWITCHED_ON)
  assert.is(decodeStatusword(0xffb7), S.OPERATION_ENABLED)
  assert.is(decodeStatusword(0xff97), S.QUICK_STOP_ACTIVE)
  assert.is(decodeStatusword(0xffbf), S.FAULT_REACTION_ACTIVE)
  assert.is(decodeStatusword(0xffb8), S.FAULT)
  // typical words of a real drive: 0x0250 switch on disabled + remote + voltage, 0x1637 enabled in CSP
  assert.is(decodeStatusword(0x0250), S.SWITCH_ON_DISABLED)
  assert.is(decodeStatusword(0x1637), S.OPERATION_ENABLED)
})

test('statusword: patterns outside the table are UNKNOWN, not a neighbouring state', () => {
  assert.is(decodeStatusword(0x0001), S.UNKNOWN, 'ready bit without quick-stop bit 5')
  assert.is(decodeStatusword(0x0048), S.UNKNOWN, 'fault with switch on disabled')
  assert.is(decodeStatusword(0x0061), S.UNKNOWN, 'ready with switch on disabled')
  assert.is(cia402StateName(S.UNKNOWN), 'unknown state')
  assert.is(cia402StateName(S.SWITCH_ON_DISABLED), 'switch on disabled')
  assert.is(cia402StateName(99), 'unknown state')
})

test('statusword flags: warning 7, remote 9, target reached 10, internal limit 11, following error 13 in CSP only', () => {
  const st = createCia402Status()
  const sw = 0x0027 | 0x0080 | 0x0200 | 0x0400 | 0x0800 | 0x2000
  assert.is(decodeStatus(sw, Cia402Mode.CSP, st), S.OPERATION_ENABLED)
  assert.equal({ ...st }, { statusword: 0x2ea7, state: S.OPERATION_ENABLED, warning: true, remote: true, target_reached: true, internal_limit: true, following_error: true })
  decodeStatus(sw, Cia402Mode.CST, st)
  assert.is(st.following_error, false, 'bit 13 is not following error outside CSP')
  decodeStatus(0x0027, Cia402Mode.CSP, st)
  assert.equal([st.warning, st.remote, st.target_reached, st.internal_limit, st.following_error], [false, false, false, false, false])
})

// --- sequencer -----------------------------------------------------------------------------------

test('sequencer: enable walks not ready → switch on disabled → ready → switched on → enabled, one step per cycle', () => {
  const q = new Cia402Sequencer()
  assert.is(q.step(S.NOT_READY, R.ENABLE, 0), 0x0000, 'not ready: wait for the drive\'s own transition 1')
  assert.is(q.status, Cia402SeqStatus.BUSY)
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0), 0x0006, 'shutdown')
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0), 0x0006, 'held while the drive has not answered')
  assert.is(q.step(S.READY_TO_SWITCH_ON, R.ENABLE, 0), 0x0007, 'switch on')
  assert.is(q.step(S.SWITCHED_ON, R.ENABLE, 0), 0x000f, 'enable operation')
  assert.is(q.status, Cia402SeqStatus.BUSY)
  assert.match(q.reason, 'drive in switched on, waiting for operation enabled')
  assert.is(q.step(S.OPERATION_ENABLED, R.ENABLE, 0), 0x000f)
  assert.is(q.status, Cia402SeqStatus.ENABLED)
  assert.is(q.reason, 'operation enabled')
  // disable: disable voltage straight to switch on disabled (transition 9)
  assert.is(q.step(S.OPERATION_ENABLED, R.DISABLE, 0), 0x0000)
  assert.is(q.status, Cia402SeqStatus.BUSY)
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.DISABLE, 0), 0x0000)
  assert.is(q.status, Cia402SeqStatus.DISABLED)
})

test('sequencer: fault → rising edge of bit 7 → switch on disabled → re-enable', () => {
  const q = new Cia402Sequencer()
  q.step(S.OPERATION_ENABLED, R.ENABLE, 0)
  assert.is(q.step(S.FAULT_REACTION_ACTIVE, R.ENABLE, 0x4310), 0x0000)
  assert.is(q.status, Cia402SeqStatus.FAULT)
  assert.is(q.step(S.FAULT, R.ENABLE, 0x4310), 0x0000, 'enable never resets a fault by itself')
  assert.is(q.status, Cia402SeqStatus.FAULT)
  assert.is(q.reason, 'drive in fault (error code 0x4310); a fault reset is required')
  const cws: number[] = []
  cws.push(q.step(S.FAULT, R.FAULT_RESET, 0x4310)) // bit 7 low first
  cws.push(q.step(S.FAULT, R.FAULT_RESET, 0x4310)) // rising edge
  cws.push(q.step(S.FAULT, R.FAULT_RESET, 0x4310)) // back to 0 while the drive answers
  assert.equal(cws, [0x0000, 0x0080, 0x0000])
  assert.is(q.reset_attempts, 1)
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.FAULT_RESET, 0), 0x0000)
  assert.is(q.status, Cia402SeqStatus.DISABLED)
  assert.match(q.reason, 'fault reset done: drive in switch on disabled (error code 0x4310)')
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0), 0x0006)
  assert.is(q.step(S.READY_TO_SWITCH_ON, R.ENABLE, 0), 0x0007)
  assert.is(q.step(S.SWITCHED_ON, R.ENABLE, 0), 0x000f)
  q.step(S.OPERATION_ENABLED, R.ENABLE, 0)
  assert.is(q.status, Cia402SeqStatus.ENABLED)
})

test('sequencer: a persistent fault gets 3 single-cycle edges, then FAULT_PERSISTS naming 0x603F', () => {
  const q = new Cia402Sequencer({ reset_attempts: 3, reset_wait_cycles: 4 })
  const cws: number[] = []
  for (let i = 0; i < 24; i++) cws.push(q.step(S.FAULT, R.FAULT_RESET, 0x8611))
  const E = 0x80
  assert.equal(cws, [0, E, 0, 0, 0, 0, E, 0, 0, 0, 0, E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  for (let i = 1; i < cws.length; i++) assert.ok((cws[i] & cws[i - 1] & 0x80) === 0, 'bit 7 never high on two cycles running')
  assert.is(q.status, Cia402SeqStatus.FAULT_PERSISTS)
  assert.is(q.reset_attempts, 3)
  assert.is(q.reason, 'fault persists after 3 reset attempts: drive in fault (error code 0x8611)')
  // a new request starts a new count
  q.step(S.FAULT, R.DISABLE, 0x8611)
  assert.is(q.step(S.FAULT, R.FAULT_RESET, 0x8611), 0)
  assert.is(q.step(S.FAULT, R.FAULT_RESET, 0x8611), 0x80)
})

test('sequencer: quick stop → 0x0002 held through quick stop active and switch on disabled; enable waits for the stop', () => {
  const q = new Cia402Sequencer()
  q.step(S.OPERATION_ENABLED, R.ENABLE, 0)
  assert.is(q.step(S.OPERATION_ENABLED, R.QUICK_STOP, 0), 0x0002)
  assert.is(q.status, Cia402SeqStatus.BUSY)
  assert.is(q.step(S.QUICK_STOP_ACTIVE, R.QUICK_STOP, 0), 0x0002)
  assert.is(q.status, Cia402SeqStatus.QUICK_STOPPED)
  assert.is(q.step(S.QUICK_STOP_ACTIVE, R.QUICK_STOP, 0), 0x0002)
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.QUICK_STOP, 0), 0x0002, 'option code 2: the drive ends in switch on disabled')
  assert.is(q.status, Cia402SeqStatus.QUICK_STOPPED)
  assert.match(q.reason, 'quick stop requested: drive in switch on disabled')
  // enabling during the drive's braking does not cut it short
  const p = new Cia402Sequencer()
  p.step(S.QUICK_STOP_ACTIVE, R.QUICK_STOP, 0)
  assert.is(p.step(S.QUICK_STOP_ACTIVE, R.ENABLE, 0), 0x0002)
  assert.is(p.status, Cia402SeqStatus.BUSY)
  assert.is(p.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0), 0x0006)
  // from ready / switched on, quick stop goes to switch on disabled (transitions 7, 10)
  assert.is(new Cia402Sequencer().step(S.SWITCHED_ON, R.QUICK_STOP, 0), 0x0002)
})

test('sequencer: a transition that does not happen times out, naming it; progress clears the timeout', () => {
  const q = new Cia402Sequencer({ transition_timeout_cycles: 5 })
  q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0)
  for (let i = 0; i < 4; i++) q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0)
  assert.is(q.status, Cia402SeqStatus.BUSY, '4 cycles after the command: still in time')
  assert.is(q.step(S.SWITCH_ON_DISABLED, R.ENABLE, 0), 0x0006, 'the command is held')
  assert.is(q.status, Cia402SeqStatus.TIMEOUT)
  assert.is(q.reason, 'transition switch on disabled → ready to switch on (controlword 0x0006 shutdown) did not happen within 5 cycles: drive in switch on disabled')
  assert.is(q.step(S.READY_TO_SWITCH_ON, R.ENABLE, 0), 0x0007)
  assert.is(q.status, Cia402SeqStatus.BUSY)
  for (let i = 0; i < 5; i++) q.step(S.READY_TO_SWITCH_ON, R.ENABLE, 0x5530)
  assert.is(q.status, Cia402SeqStatus.TIMEOUT)
  assert.match(q.reason, 'ready to switch on → switched on (controlword 0x0007 switch on)')
  assert.match(q.reason, '(error code 0x5530)')
})

// a CiA 402 drive reduced to its state machine (transition numbers of CiA 402-2), one cycle of latency
class TinyDrive {
  state: number = S.NOT_READY
  code = 0
  stuck = false
  private prev = 0
  private qsCycles = 0
  statusword (): number {
    const v = [0x0000, 0x0040, 0x0021, 0x0023, 0x0027, 0x0007, 0x000f, 0x0008][this.state]
    return v | 0x0200 | (this.state >= S.READY_TO_SWITCH_ON && this.state <= S.QUICK_STOP_ACTIVE ? 0x0010 : 0)
  }

  apply (cw: number): void {
    const s = this.state
    const edge = (cw & 0x80) !== 0 && (this.prev & 0x80) === 0
    this.prev = cw
    if (s === S.FAULT) { if (edge && !this.stuck) { this.state = S.SWITCH_ON_DISABLED; this.code = 0 } return }
    if (s === S.FAULT_REACTION_ACTIVE) { this.state = S.FAULT; return }
    if (s === S.NOT_READY) { this.state = S.SWITCH_ON_DISABLED; return }
    if (s === S.QUICK_STOP_ACTIVE) { if ((cw & 0x82) === 0 || ++this.qsCycles >= 3) this.state = S.SWITCH_ON_DISABLED; return }
    if ((cw & 0x82) === 0x0000) { this.state = S.SWITCH_ON_DISABLED; return }
    if ((cw & 0x86) === 0x0002) { this.state = s === S.OPERATION_ENABLED ? S.QUICK_STOP_ACTIVE : S.SWITCH_ON_DISABLED; this.qsCycles = 0; return }
    if ((cw & 0x87) === 0x0006) { this.state = S.READY_TO_SWITCH_ON; return }
    if ((cw & 0x8f) === 0x0007) { if (s === S.READY_TO_SWITCH_ON || s === S.OPERATION_ENABLED) this.state = S.SWITCHED_ON; return }
    if ((cw & 0x8f) === 0x000f) { if (s === S.SWITCHED_ON) this.state = S.OPERATION_ENABLED }
  }

  fault (code: number): void { this.state = S.FAULT_REACTION_ACTIVE; this.code = code }
}

test('closed loop through the PDO bytes: codec + sequencer enable, fault, reset and re-enable a drive', () => {
  const drive = new TinyDrive()
  const codec = new Cia402JointCodec({ scaling: KNEE, mode: Cia402Mode.CST })
  const seq = new Cia402Sequencer({ reset_wait_cycles: 3 })
  const rx = new Uint8Array(CIA402_RXPDO_LEN)
  const tx = new Uint8Array(CIA402_TXPDO_LEN)
  const outs = createCia402Outputs()
  const ins = createCia402Inputs()
  const cmd = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  let request: number = R.ENABLE
  const cycle = (): void => {
    ins.statusword = drive.statusword(); ins.mode_display = Cia402Mode.CST; ins.error_code = drive.code
    packTxPdo(ins, tx, 0)
    assert.ok(codec.decode(tx, 0))
    const cw = seq.step(codec.state, request, codec.error_code)
    codec.pack(cmd, codec.q, codec.qd, cw, rx, 0)
    assert.ok(unpackRxPdo(rx, 0, outs))
    drive.apply(outs.controlword)
  }
  let n = 0
  while (seq.status !== Cia402SeqStatus.ENABLED && n < 20) { cycle(); n++ }
  assert.is(seq.status, Cia402SeqStatus.ENABLED)
  assert.is(n, 5, 'not ready, switch on disabled, ready, switched on: 4 commanded cycles + 1 to see it')
  drive.fault(0x4310)
  cycle(); cycle()
  assert.is(seq.status, Cia402SeqStatus.FAULT)
  assert.match(seq.reason, '0x4310')
  request = R.FAULT_RESET
  n = 0
  while (seq.status !== Cia402SeqStatus.DISABLED && n < 20) { cycle(); n++ }
  assert.is(drive.state, S.SWITCH_ON_DISABLED)
  assert.is(seq.reset_attempts, 1)
  request = R.ENABLE
  n = 0
  while (seq.status !== Cia402SeqStatus.ENABLED && n < 20) { cycle(); n++ }
  assert.is(n, 4)
  // a fault the drive cannot clear
  drive.fault(0x3220); drive.stuck = true
  request = R.FAULT_RESET
  for (let i = 0; i < 40; i++) cycle()
  assert.is(seq.status, Cia402SeqStatus.FAULT_PERSISTS)
  assert.is(seq.reason, 'fault persists after 3 reset attempts: drive in fault (error code 0x3220)')
})

// --- PDO layout ----------------------------------------------------------------------------------

test('RxPDO: 13 bytes little-endian, hand-written from the mapping', () => {
  const out = new Uint8Array(17).fill(0xaa)
  const o = { controlword: 0x000f, mode: 10, target_position: -1, target_velocity: 187747, target_torque: -1000 }
  assert.is(packRxPdo(o, out, 2), 13)
  // cw 0F 00 | mode 0A | pos −1 FF FF FF FF | vel 187747 = 0x0002DD63 → 63 DD 02 00 | τ −1000 = 0xFC18 → 18 FC
  assert.is(toHex(out), 'aa aa 0f 00 0a ff ff ff ff 63 dd 02 00 18 fc aa aa')
  const back = createCia402Outputs()
  assert.ok(unpackRxPdo(out, 2, back))
  assert.equal(back, o)
  // extremes: i32 min / max, i16 min, mode −1 (manufacturer-specific modes are negative)
  const e = { controlword: 0x8000, mode: -1, target_position: -2147483648, target_velocity: 2147483647, target_torque: -32768 }
  packRxPdo(e, out, 0)
  assert.is(toHex(out.subarray(0, 13)), '00 80 ff 00 00 00 80 ff ff ff 7f 00 80')
  assert.ok(unpackRxPdo(out, 0, back))
  assert.equal(back, e)
  assert.is(packRxPdo(o, out, 5), 0, '5 + 13 > 17: refused')
  assert.is(unpackRxPdo(out, 5, back), false)
})

test('TxPDO: 15 bytes little-endian, hand-written from the mapping', () => {
  // sw 0x1637 → 37 16 | mode 10 → 0A | pos −187747 = 0xFFFD229D → 9D 22 FD FF | vel 1 → 01 00 00 00
  // τ −2933 = 0xF48B → 8B F4 | error 0x4310 → 10 43
  const buf = hex('55 37 16 0a 9d 22 fd ff 01 00 00 00 8b f4 10 43')
  const i = createCia402Inputs()
  assert.ok(unpackTxPdo(buf, 1, i))
  assert.equal(i, { statusword: 0x1637, mode_display: 10, position: -187747, velocity: 1, torque: -2933, error_code: 0x4310 })
  const out = new Uint8Array(16).fill(0x55)
  assert.is(packTxPdo(i, out, 1), 15)
  assert.is(toHex(out), toHex(buf))
  const i2 = createCia402Inputs()
  assert.is(unpackTxPdo(buf, 2, i2), false, 'one byte short')
  assert.is(i2.statusword, 0, 'into unchanged')
})

// --- scaling -------------------------------------------------------------------------------------

test('scaling: the emulated knee drive, by hand', () => {
  const s = new Cia402Scaling(KNEE)
  assert.ok(Math.abs(s.inc_per_rad - INC_PER_RAD) < 1e-9)
  assert.is(s.radToInc(1), 187747, '1179648 / 2π = 187746.81')
  assert.is(s.radToInc(-1), -187747)
  assert.is(s.radToInc(0.5), 93873, '93873.41')
  assert.is(s.radToInc(0.1), 18775, '18774.68')
  assert.is(s.radPerSecToIncPerSec(2), 375494, '375493.62')
  assert.is(s.nmToPermille(5), 556, '5 · 1000/9 = 555.56')
  assert.is(s.nmToPermille(-5), -556)
  assert.ok(Math.abs(s.permilleToNm(2933) - 26.397) < 1e-12, '2933/1000 · 1 N·m · 9')
  assert.ok(Math.abs(s.tau_max - 26.397) < 1e-12)
  assert.ok(Math.abs(s.incToRad(187747) - 187747 / INC_PER_RAD) < 1e-15)
  assert.ok(Math.abs(s.incPerSecToRadPerSec(-375494) + 375494 / INC_PER_RAD) < 1e-15)
  // round trip within half an increment
  for (const q of [-3, -0.7, 0, 0.2, 1.3, 12.5]) assert.ok(Math.abs(s.incToRad(s.radToInc(q)) - q) <= 0.5 / INC_PER_RAD)
})

test('scaling: zero offset and direction −1', () => {
  const s = new Cia402Scaling({ ...KNEE, zero_offset_inc: 1000, direction: -1 })
  assert.is(s.radToInc(0), 1000, 'joint 0 reads as the offset')
  assert.is(s.radToInc(1), -186747, '1000 − 187746.81')
  assert.is(s.radToInc(-0.25), 47937, '1000 + 46936.70')
  assert.ok(Math.abs(s.incToRad(1000)) < 1e-15)
  assert.ok(Math.abs(s.incToRad(-186747) - 187747 / INC_PER_RAD) < 1e-15)
  assert.is(s.radPerSecToIncPerSec(2), -375494, 'velocity has no offset')
  assert.is(s.nmToPermille(5), -556)
  assert.ok(Math.abs(s.permilleToNm(-556) - 5.004) < 1e-12, '556 · 9 / 1000')
})

test('scaling: clamping to ±max torque ‰, to i32, rounding half away from zero, NaN flagged', () => {
  const s = new Cia402Scaling(KNEE)
  assert.is(s.nmToPermille(26.4), 2933, '2933.33 rounds to 2933, the limit itself')
  assert.not.ok(s.clamped)
  assert.is(s.nmToPermille(26.42), 2933, '2935.56 → 2936 → clamped to 0x6072 = 2933')
  assert.ok(s.clamped)
  assert.is(s.nmToPermille(26.39), 2932, '2932.22')
  assert.not.ok(s.clamped)
  assert.is(s.nmToPermille(-1000), -2933)
  assert.ok(s.clamped)
  assert.is(s.radToInc(20000), 2147483647, '20000 · 187746.8 = 3.75e9 > 2^31 − 1')
  assert.ok(s.clamped)
  assert.is(s.radToInc(-20000), -2147483648)
  assert.is(s.radPerSecToIncPerSec(1e6), 2147483647)
  assert.is(s.nmToPermille(NaN), 0)
  assert.ok(s.nan && s.clamped)
  const big = new Cia402Scaling({ ...KNEE, max_torque_permille: 50000 })
  assert.is(big.nmToPermille(1000), 32767, 'never beyond i16')
  // gear 1, rated 1 N·m: 1000 ‰ per N·m, so 0.0025 N·m is exactly 2.5 ‰
  const unit = new Cia402Scaling({ incs_per_rev: 4096, gear: 1, rated_torque_mNm: 1000, max_torque_permille: 3000 })
  assert.is(unit.nmToPermille(0.0025), 3)
  assert.is(unit.nmToPermille(-0.0025), -3, 'half away from zero: mirror image of +2.5')
  assert.throws(() => new Cia402Scaling({ ...KNEE, gear: 0 }), /gear/)
  assert.throws(() => new Cia402Scaling({ ...KNEE, direction: 0 }), /direction/)
})

// --- joint codec ---------------------------------------------------------------------------------

test('CST: τ = kp·(q_des − q) + kd·(q̇_des − q̇) + τ_ff, packed as ‰; target position holds the measured q', () => {
  const c = new Cia402JointCodec({ scaling: KNEE, mode: Cia402Mode.CST })
  const out = new Uint8Array(13)
  // 60·(0.2 − 0.1) + 1.5·(0 − 0.4) + 2 = 6 − 0.6 + 2 = 7.4 N·m → 822.2 ‰ → 822 = 0x0336
  assert.is(c.pack({ q_des: 0.2, qd_des: 0, kp: 60, kd: 1.5, tau_ff: 2 }, 0.1, 0.4, Cia402Cw.ENABLE_OPERATION, out, 0), 0)
  assert.ok(Math.abs(c.tau_cmd - 7.4) < 1e-12)
  // cw 0F 00 | mode 0A | pos 0.1 rad = 18775 = 0x4957 | vel 0 | τ 36 03
  assert.is(toHex(out), '0f 00 0a 57 49 00 00 00 00 00 00 36 03')
  // kp 1000 → 100 + … N·m → clamped to 2933 = 0x0B75
  assert.is(c.pack({ q_des: 0.2, qd_des: 0, kp: 1000, kd: 0, tau_ff: 0 }, 0.1, 0, 0x000f, out, 0), Cia402Clamp.TORQUE)
  assert.is(toHex(out.subarray(11)), '75 0b')
  assert.is(c.clamps.torque, 1)
  // NaN never reaches the drive: τ 0
  assert.is(c.pack({ q_des: NaN, qd_des: 0, kp: 60, kd: 1.5, tau_ff: 0 }, 0.1, 0, 0x000f, out, 0), Cia402Clamp.NAN)
  assert.is(toHex(out.subarray(11)), '00 00')
  assert.is(c.clamps.nan, 1)
})

test('CSV: v = q̇_des + (kp/kd)·(q_des − q); without correction v = q̇_des', () => {
  const c = new Cia402JointCodec({ scaling: KNEE, mode: Cia402Mode.CSV })
  const out = new Uint8Array(13)
  // 0.5 + (60/1.5)·0.1 = 4.5 rad/s → 844860.65 → 844861 = 0x000CE43D
  c.pack({ q_des: 0.2, qd_des: 0.5, kp: 60, kd: 1.5, tau_ff: 3 }, 0.1, 0.4, 0x000f, out, 0)
  assert.is(toHex(out), '0f 00 09 57 49 00 00 3d e4 0c 00 00 00', 'τ_ff is not sent in CSV')
  const plain = new Cia402JointCodec({ scaling: KNEE, mode: Cia402Mode.CSV, csv_position_correction: false })
  plain.pack({ q_des: 0.2, qd_des: 0.5, kp: 60, kd: 1.5, tau_ff: 0 }, 0.1, 0.4, 0x000f, out, 0)
  assert.is(plain.outputs.target_velocity, 93873, '0.5 · 187746.81 = 93873.41')
  c.pack({ q_des: 0.2, qd_des: 0.5, kp: 60, kd: 0, tau_ff: 0 }, 0.1, 0.4, 0x000f, out, 0)
  assert.is(c.outputs.target_velocity, 93873, 'kd 0: no correction')
})

test('CSP: target position = q_des, clamped into the joint limits; NaN holds the measured position', () => {
  const c = new Cia402JointCodec({ scaling: KNEE, mode: Cia402Mode.CSP, q_min: -2.7, q_max: 1 })
  const out = new Uint8Array(13)
  assert.is(c.pack({ q_des: 1, qd_des: 0, kp: 60, kd: 1.5, tau_ff: 0 }, 0, 0, 0x000f, out, 0), 0)
  assert.is(toHex(out), '0f 00 08 63 dd 02 00 00 00 00 00 00 00')
  assert.is(c.pack({ q_des: 1.5, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }, 0, 0, 0x000f, out, 0), Cia402Clamp.JOINT_LIMIT)
  assert.is(c.outputs.target_position, 187747)
  assert.is(c.pack({ q_des: NaN, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }, 0.1, 0, 0x000f, out, 0), Cia402Clamp.NAN)
  assert.is(c.outputs.target_position, 18775)
  assert.equal({ ...c.clamps }, { joint_limit: 1, position: 0, velocity: 0, torque: 0, nan: 1 })
})

test('decode: TxPDO bytes → joint q, q̇, τ (SI), state, error code; direction −1 and zero offset applied', () => {
  const c = new Cia402JointCodec({ scaling: { ...KNEE, zero_offset_inc: 1000, direction: -1 }, mode: Cia402Mode.CST })
  // sw 0x0237 (enabled + remote + voltage), mode 10, pos −186747, vel 375494 = 0x0005BAC6, τ −556 = 0xFDD4, err 0
  const buf = hex('37 02 0a 85 26 fd ff c6 ba 05 00 d4 fd 00 00')
  assert.ok(c.decode(buf, 0))
  assert.is(c.inputs.position, -186747)
  assert.ok(Math.abs(c.q - 187747 / INC_PER_RAD) < 1e-12, `q ${c.q}`)
  assert.ok(Math.abs(c.qd + 375494 / INC_PER_RAD) < 1e-12, `q̇ ${c.qd}`)
  assert.ok(Math.abs(c.tau - 5.004) < 1e-12, `τ ${c.tau}`)
  assert.is(c.state, S.OPERATION_ENABLED)
  assert.ok(c.status.remote)
  assert.ok(c.mode_ok)
  assert.is(c.error_code, 0)
  assert.is(c.decode(buf, 1), false, 'short buffer')
})

test.run()
