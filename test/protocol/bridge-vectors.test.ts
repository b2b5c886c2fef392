// Bridge protocol, host side, against the golden vectors shared with the firmware (test/vectors:
// CRC-32C check values from RFC 3720 §B.4, COBS edge cases from Cheshire & Baker, complete frames
// built by an independent implementation of PROTOCOL.md, frames every receiver must reject).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  CobsDecoder, FRAME_MAX_RAW, FRAME_MAX_WIRE, FrameStatus, MsgType, checkFrame, cobsDecode, cobsEncode,
  cobsMaxEncoded, configCrc, crc32c, createCommand, createConfig, createConfigAck, createDiag, createFault,
  createFrameHeader, createHeartbeat, createHello, createInfo, createState, frameToWire, layoutOfConfig,
  packCommand, packConfig, packConfigAck, packDiag, packFault, packHeartbeat, packHello, packInfo, packState,
  unpackCommand, unpackConfig, unpackConfigAck, unpackDiag, unpackFault, unpackHeartbeat, unpackHello,
  unpackInfo, unpackState, type BridgeLayout, type Config
} from '../../host/protocol/bridge/index.ts'

const dir = fileURLToPath(new URL('../vectors/', import.meta.url))
const load = (name: string): any => JSON.parse(readFileSync(dir + name, 'utf8'))
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array, off = 0, len = b.length - off): string => Buffer.from(b.subarray(off, off + len)).toString('hex')

const crcV = load('crc32c.json')
const cobsV = load('cobs.json')
const framesV = load('bridge-frames.json')

test('CRC-32C check values', () => {
  for (const c of crcV.cases) {
    const data = c.ascii !== undefined ? Uint8Array.from(Buffer.from(c.ascii, 'ascii')) : hex(c.hex)
    assert.is(crc32c(data, 0, data.length).toString(16).padStart(8, '0'), c.crc, c.name)
  }
  // an offset window gives the same value as the bytes alone
  const padded = Uint8Array.from(Buffer.from('xx123456789yy', 'ascii'))
  assert.is(crc32c(padded, 2, 9), 0xe3069283)
})

test('COBS encode and decode the edge cases', () => {
  const out = new Uint8Array(1000)
  for (const c of cobsV.cases) {
    const dec = hex(c.decoded)
    const n = cobsEncode(dec, 0, dec.length, out, 0)
    assert.is(toHex(out, 0, n), c.encoded, `encode ${c.name}`)
    assert.ok(n <= cobsMaxEncoded(dec.length))
    const enc = hex(c.encoded)
    const m = cobsDecode(enc, 0, enc.length, out, 0)
    assert.is(m, dec.length, `decode length ${c.name}`)
    assert.is(toHex(out, 0, m), c.decoded, `decode ${c.name}`)
    assert.is(cobsEncode(dec, 0, dec.length, new Uint8Array(enc.length - 1), 0), 0, `no room ${c.name}`)
  }
  for (const c of cobsV.decode_only) {
    const enc = hex(c.encoded)
    const m = cobsDecode(enc, 0, enc.length, out, 0)
    assert.is(toHex(out, 0, m), c.decoded, c.name)
  }
  for (const c of cobsV.invalid) {
    const enc = hex(c.encoded)
    assert.is(cobsDecode(enc, 0, enc.length, out, 0), -1, c.name)
  }
})

test('streaming COBS decoder: any chunking gives the same frames', () => {
  // all cases back to back, each ended by 0x00, with idle delimiters in between
  const parts: number[] = [0, 0]
  for (const c of cobsV.cases) parts.push(...hex(c.encoded), 0, 0)
  const stream = Uint8Array.from(parts)
  let seed = 12345
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n }
  for (let trial = 0; trial < 50; trial++) {
    const d = new CobsDecoder(FRAME_MAX_RAW)
    const got: string[] = []
    let errors = 0
    for (let i = 0; i < stream.length;) {
      const n = trial === 0 ? 1 : 1 + rnd(64)
      d.push(stream, (f, len) => got.push(toHex(f, 0, len)), () => errors++, i, Math.min(n, stream.length - i))
      i += n
    }
    // the empty input encodes as 01: a real (empty) frame, not an idle delimiter
    assert.equal(got, cobsV.cases.map((c: any) => c.decoded), `trial ${trial}`)
    assert.is(errors, 0)
  }
  const d = new CobsDecoder(16)
  let errors = 0
  const long = new Uint8Array(40).fill(7)
  const enc = new Uint8Array(64)
  const n = cobsEncode(long, 0, long.length, enc, 0)
  d.push(enc.subarray(0, n + 1), () => assert.unreachable('oversized frame delivered'), () => errors++)
  assert.is(errors, 1, 'a frame longer than the buffer is an error, not an overflow')
})

/** The JSON field objects turned into the host's message objects. */
function hostConfig (f: any): Config {
  const c = createConfig()
  Object.assign(c, { ...f, bus: c.bus, motor: c.motor })
  f.bus.forEach((b: any, i: number) => Object.assign(c.bus[i], b))
  f.motor.forEach((m: any, i: number) => Object.assign(c.motor[i], m))
  return c
}

function layoutFromJson (l: any): BridgeLayout {
  let first = 0
  const buses = l.bus.map((b: any) => { const e = { ...b, in_len: b.bus_type === 3 ? 15 : b.slot_len, ecat: b.bus_type === 3, first_slot: first }; first += b.n_slots; return e })
  const slots = Array.from({ length: l.n_slots_total }, (_, i) => i)
  return { buses, n_slots: l.n_slots_total, slot_motor: slots, motor_slot: slots }
}

function build (frame: any, layout: BridgeLayout): { pack: (out: Uint8Array) => number, unpackRepack: (raw: Uint8Array, out: Uint8Array) => number } {
  const f = frame.fields
  const header = { ...createFrameHeader(), seq: frame.seq, t_us: frame.t_us }
  switch (frame.type) {
    case MsgType.HELLO: {
      const m = { ...createHello(), ...f, header }
      return { pack: (o) => packHello(m, o, 0), unpackRepack: (r, o) => { const x = createHello(); return unpackHello(r, 0, x, r.length) ? packHello(x, o, 0) : 0 } }
    }
    case MsgType.INFO: {
      const m = createInfo()
      Object.assign(m, { ...f, bus: m.bus, header })
      f.bus.forEach((b: any, i: number) => Object.assign(m.bus[i], b))
      return { pack: (o) => packInfo(m, o, 0), unpackRepack: (r, o) => { const x = createInfo(); return unpackInfo(r, 0, x, r.length) ? packInfo(x, o, 0) : 0 } }
    }
    case MsgType.CONFIG: {
      const m = hostConfig(f)
      m.header = header
      return { pack: (o) => packConfig(m, o, 0), unpackRepack: (r, o) => { const x = createConfig(); return unpackConfig(r, 0, x, r.length) ? packConfig(x, o, 0) : 0 } }
    }
    case MsgType.CONFIG_ACK: {
      const m = createConfigAck()
      Object.assign(m, { ...f, bus: m.bus, header })
      f.bus.forEach((b: any, i: number) => Object.assign(m.bus[i], b))
      return { pack: (o) => packConfigAck(m, o, 0), unpackRepack: (r, o) => { const x = createConfigAck(); return unpackConfigAck(r, 0, x, r.length) ? packConfigAck(x, o, 0) : 0 } }
    }
    case MsgType.HEARTBEAT: {
      const m = { ...createHeartbeat(), ...f, header }
      return { pack: (o) => packHeartbeat(m, o, 0), unpackRepack: (r, o) => { const x = createHeartbeat(); return unpackHeartbeat(r, 0, x, r.length) ? packHeartbeat(x, o, 0) : 0 } }
    }
    case MsgType.COMMAND: {
      const m = createCommand(layout)
      m.header = header; m.tick = f.tick; m.flags = f.flags
      f.slot.forEach((s: any, i: number) => { m.slot[i].flags = s.flags; m.slot[i].data.set(hex(s.data)) })
      return { pack: (o) => packCommand(m, o, 0), unpackRepack: (r, o) => { const x = createCommand(layout); return unpackCommand(r, 0, x, r.length) ? packCommand(x, o, 0) : 0 } }
    }
    case MsgType.STATE: {
      const m = createState(layout)
      Object.assign(m, { ...f, slot: m.slot, layout, header })
      f.slot.forEach((s: any, i: number) => { Object.assign(m.slot[i], { ...s, data: m.slot[i].data }); m.slot[i].data.set(hex(s.data)) })
      return { pack: (o) => packState(m, o, 0), unpackRepack: (r, o) => { const x = createState(layout); return unpackState(r, 0, x, r.length) ? packState(x, o, 0) : 0 } }
    }
    case MsgType.DIAG: {
      const m = createDiag()
      Object.assign(m, { ...f, bus: m.bus, motor: m.motor, header })
      f.bus.forEach((b: any, i: number) => Object.assign(m.bus[i], b))
      f.motor.forEach((b: any, i: number) => Object.assign(m.motor[i], b))
      return { pack: (o) => packDiag(m, o, 0), unpackRepack: (r, o) => { const x = createDiag(); return unpackDiag(r, 0, x, r.length) ? packDiag(x, o, 0) : 0 } }
    }
    case MsgType.FAULT: {
      const m = { ...createFault(), ...f, header }
      return { pack: (o) => packFault(m, o, 0), unpackRepack: (r, o) => { const x = createFault(); return unpackFault(r, 0, x, r.length) ? packFault(x, o, 0) : 0 } }
    }
  }
  throw new Error(`unknown frame type ${frame.type}`)
}

test('golden frames: fields → raw → wire, and back', () => {
  const layout = layoutFromJson(framesV.layout)
  const raw = new Uint8Array(FRAME_MAX_RAW)
  const wire = new Uint8Array(FRAME_MAX_WIRE)
  const again = new Uint8Array(FRAME_MAX_RAW)
  for (const fr of framesV.frames) {
    const b = build(fr, layout)
    const n = b.pack(raw)
    assert.is(toHex(raw, 0, n), fr.raw, `${fr.name}: raw`)
    const w = frameToWire(raw, 0, n, wire, 0)
    assert.is(toHex(wire, 0, w), fr.wire, `${fr.name}: wire`)
    // receive: stream decode, check, unpack, repack
    const dec = new CobsDecoder(FRAME_MAX_RAW)
    let got: Uint8Array | null = null
    dec.push(hex(fr.wire), (f, len) => { got = f.slice(0, len) })
    assert.ok(got !== null, `${fr.name}: decoded`)
    const h = createFrameHeader()
    assert.is(checkFrame(got!, 0, (got as Uint8Array).length, h), FrameStatus.OK)
    assert.is(h.seq, fr.seq)
    assert.is(h.t_us, fr.t_us)
    const m = b.unpackRepack(got!, again)
    assert.is(toHex(again, 0, m), fr.raw, `${fr.name}: unpack → pack`)
    // a wrong decoded length or a truncated buffer is refused
    assert.is(b.unpackRepack((got as Uint8Array).subarray(0, (got as Uint8Array).length - 1), again), 0, `${fr.name}: truncated`)
  }
})

test('golden config: layout, sizes and the CRC the bridge echoes', () => {
  const fr = framesV.frames.find((f: any) => f.name === 'config')
  const ack = framesV.frames.find((f: any) => f.name === 'config_ack')
  const cfg = hostConfig(fr.fields)
  const l = layoutOfConfig(cfg)
  assert.is(l.n_slots, 12)
  assert.equal(l.buses.map((b) => b.n_slots), [4, 4, 4])
  const raw = hex(fr.raw)
  assert.is(configCrc(raw, 0), ack.fields.config_crc)
  const cmd = createCommand(l)
  assert.is(packCommand(cmd, new Uint8Array(FRAME_MAX_RAW), 0), ack.fields.command_raw_len)
  assert.is(packState(createState(l), new Uint8Array(FRAME_MAX_RAW), 0), ack.fields.state_raw_len)
})

test('frames every receiver rejects, each by the right check', () => {
  for (const r of framesV.rejects) {
    const dec = new CobsDecoder(FRAME_MAX_RAW)
    const statuses: number[] = []
    let cobsErrors = 0
    const h = createFrameHeader()
    dec.push(hex(r.wire), (f, len) => statuses.push(checkFrame(f, 0, len, h)), () => cobsErrors++)
    assert.not.ok(statuses.includes(FrameStatus.OK), `${r.name} accepted`)
    const last = statuses[statuses.length - 1]
    if (r.reason === 'crc') assert.is(last, FrameStatus.CRC, r.name)
    else if (r.reason === 'header') assert.ok(last === FrameStatus.VERSION || last === FrameStatus.TYPE || last === FrameStatus.LENGTH, r.name)
    else if (r.reason === 'length') assert.is(last, FrameStatus.SHORT, r.name)
    else if (r.reason === 'cobs') assert.is(cobsErrors, 1, r.name)
    else assert.unreachable(`unknown reason ${r.reason}`)
  }
})

test('layout errors are reported at configuration time', () => {
  const cfg = hostConfig(framesV.frames.find((f: any) => f.name === 'config').fields)
  cfg.motor[3].bus_id = 9
  assert.throws(() => layoutOfConfig(cfg), /motor 3 is on bus 9/)
  const cfg2 = hostConfig(framesV.frames.find((f: any) => f.name === 'config').fields)
  cfg2.bus[0].slot_len = 9
  assert.throws(() => layoutOfConfig(cfg2), /slot_len 9/)
})

test.run()
