// Fuzzing the host's bridge-protocol parsers (deterministic seed): random byte streams in random
// chunks, well-framed frames with random types and bodies, and valid frames with 1–3 distinct bits
// flipped on the wire. Nothing may throw or hang, every unpack must answer true/false, and no
// corrupted frame may pass the CRC. The firmware's C test adds another 1.1 million frames
// (firmware-bridge/test/t_fuzz.c).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  CobsDecoder, FRAME_HEADER_LEN, FRAME_MAX_BODY, FRAME_MAX_RAW, FRAME_MAX_WIRE, FrameStatus, MsgType, checkFrame,
  createCommand, createConfig, createConfigAck, createDiag, createFault, createFrameHeader, createHeartbeat,
  createHello, createInfo, createState, finishFrame, frameToWire, layoutOfConfig, packCommand, packConfig,
  packState, unpackCommand, unpackConfig, unpackConfigAck, unpackDiag, unpackFault, unpackHeartbeat, unpackHello,
  unpackInfo, unpackState, type Config
} from '../../host/protocol/bridge/index.ts'

let seed = 0x9e3779b9
function rnd (): number {
  // xorshift32 (Marsaglia 2003)
  seed ^= seed << 13; seed >>>= 0
  seed ^= seed >>> 17
  seed ^= seed << 5; seed >>>= 0
  return seed
}
const below = (n: number): number => rnd() % n

function config12 (): Config {
  const c = createConfig()
  c.n_buses = 3
  c.n_motors = 12
  for (let b = 0; b < 3; b++) Object.assign(c.bus[b], { bus_id: b, bus_type: 2, flags: 0, slot_len: 8, nominal_bps: 1000000, data_bps: 0 })
  for (let m = 0; m < 12; m++) Object.assign(c.motor[m], { bus_id: Math.floor(m / 4), protocol: 0, reply_key: (m % 4) + 1, flags: 0, can_id: (m % 4) + 1, reply_id: 0, kd_max: 5 })
  return c
}

const layout = layoutOfConfig(config12())
const sinks = {
  hello: createHello(), info: createInfo(), config: createConfig(), ack: createConfigAck(), hb: createHeartbeat(),
  cmd: createCommand(layout), state: createState(layout), diag: createDiag(), fault: createFault()
}
const header = createFrameHeader()

/** every parser on one decoded frame; returns how many accepted it */
function parseAll (f: Uint8Array, len: number): number {
  let ok = checkFrame(f, 0, len, header) === FrameStatus.OK ? 1 : 0
  const r = [
    unpackHello(f, 0, sinks.hello, len), unpackInfo(f, 0, sinks.info, len), unpackConfig(f, 0, sinks.config, len),
    unpackConfigAck(f, 0, sinks.ack, len), unpackHeartbeat(f, 0, sinks.hb, len), unpackCommand(f, 0, sinks.cmd, len),
    unpackState(f, 0, sinks.state, len), unpackDiag(f, 0, sinks.diag, len), unpackFault(f, 0, sinks.fault, len)
  ]
  for (const x of r) {
    assert.type(x, 'boolean')
    if (x) ok++
  }
  return ok
}

test('random byte streams in random chunks', () => {
  const dec = new CobsDecoder(FRAME_MAX_RAW)
  const chunk = new Uint8Array(2048)
  let frames = 0
  let errors = 0
  const onFrame = (f: Uint8Array, len: number): void => { frames++; parseAll(f, len) }
  const onError = (): void => { errors++ }
  const N = 200000
  for (let i = 0; i < N; i++) {
    const len = 1 + below(700)
    for (let k = 0; k < len; k++) {
      const r = rnd()
      chunk[k] = (r & 0x3f) === 0 ? 0 : (r >>> 8) & 0xff
    }
    chunk[len - 1] = 0
    for (let at = 0; at < len;) {
      const n = Math.min(1 + below(97), len - at)
      dec.push(chunk, onFrame, onError, at, n)
      at += n
    }
  }
  console.log(`garbage: ${N} runs → ${frames} delimited frames, ${errors} COBS errors`)
  assert.ok(frames + errors > N / 2)
})

test('well-framed frames with random types and bodies', () => {
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const types = [...Object.values(MsgType), 0x00, 0x7f, 0xff]
  let accepted = 0
  const N = 200000
  for (let i = 0; i < N; i++) {
    const type = types[below(types.length)]
    const len = below(3) === 0 ? below(64) : below(FRAME_MAX_BODY + 1)
    for (let k = 0; k < len; k++) raw[FRAME_HEADER_LEN + k] = rnd() & 0xff
    if (type === MsgType.COMMAND && below(2) === 0) raw[FRAME_HEADER_LEN + 6] = 3
    const n = finishFrame(raw, 0, type, { seq: i, t_us: i }, len)
    assert.is(n, len + 16)
    accepted += parseAll(raw, n) > 1 ? 1 : 0
  }
  console.log(`valid CRC, random bodies: ${N} frames, ${accepted} parsed as some message`)
})

test('corrupted frames never pass the CRC', () => {
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const wire = new Uint8Array(FRAME_MAX_WIRE)
  const cmd = createCommand(layout)
  const st = createState(layout)
  const cfg = config12()
  const dec = new CobsDecoder(FRAME_MAX_RAW)
  let accepted = 0
  let byCrc = 0
  let byOther = 0
  const flipped: number[] = [0, 0, 0]
  const onFrame = (f: Uint8Array, len: number): void => {
    const s = checkFrame(f, 0, len, header)
    if (s === FrameStatus.OK) accepted++
    else if (s === FrameStatus.CRC) byCrc++
    else byOther++
    if (parseAll(f, len) > 0 && s !== FrameStatus.OK) accepted++
  }
  const onError = (): void => { byOther++ }
  const N = 400000
  for (let i = 0; i < N; i++) {
    let n: number
    const kind = below(3)
    if (kind === 0) {
      cmd.tick = i
      for (const s of cmd.slot) { s.flags = rnd() & 1; for (let k = 0; k < 8; k++) s.data[k] = rnd() & 0xff }
      cmd.header.seq = i
      n = packCommand(cmd, raw, 0)
    } else if (kind === 1) {
      st.tick = i
      for (const s of st.slot) { s.flags = rnd() & 7; s.age = rnd() & 0xff; s.len = below(9); s.rx_dt_us = rnd() & 0xffff; for (let k = 0; k < 8; k++) s.data[k] = rnd() & 0xff }
      n = packState(st, raw, 0)
    } else {
      cfg.watchdog_us = rnd()
      n = packConfig(cfg, raw, 0)
    }
    const w = frameToWire(raw, 0, n, wire, 0)
    const flips = 1 + below(3)
    for (let k = 0; k < flips; k++) {
      let bit: number
      do { bit = below((w - 1) * 8) } while (flipped.slice(0, k).includes(bit))
      flipped[k] = bit
      wire[bit >>> 3] ^= 1 << (bit & 7)
    }
    dec.push(wire, onFrame, onError, 0, w)
    dec.reset()
  }
  console.log(`mutated: ${N} frames with 1–3 flipped bits → accepted ${accepted}, rejected by CRC ${byCrc}, by COBS/length/header ${byOther}`)
  assert.is(accepted, 0)
  assert.ok(byCrc > N / 2)
})

test.run()
