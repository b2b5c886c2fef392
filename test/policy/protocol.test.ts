// The UDP protocol's byte layout against hand-written golden packets (PROTOCOL.md), the HMAC trailer
// against an independent HMAC over the documented byte range, round trips of every kind, and the
// structural refusals of the decoder.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHmac } from 'node:crypto'
import { checkToken, decodePacket, HEADER_BYTES, packChunk, packEe, packJoint, packRaw, packReject, packState, packSubscribe, packTwist, unpackReject, unpackState } from '../../host/policy/protocol.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'))

test('golden TWIST packet: header then mask, gait, seven f32', () => {
  const got = packTwist({ vx: 0.5, wz: -0.25 }, { seq: 7, t: 1.5 })
  const want = bytes(`
    4352424c 01 01 0000 07000000 20000000 000000000000f83f
    0500 00 00 0000003f 00000000 000080be 00000000 00000000 00000000 00000000`)
  assert.is(hex(got), hex(want))
})

test('golden JOINT packet: n, mask, then the present arrays', () => {
  const got = packJoint({ q: [0.5, -1], kp: [20, 20] }, { seq: 1, t: null })
  const want = bytes(`
    4352424c 01 02 0200 01000000 14000000 0000000000000000
    0200 0500 0000003f 000080bf 0000a041 0000a041`)
  assert.is(hex(got), hex(want), 'unstamped flag (bit 1), mask q|kp = 5, 4 + 4·4 bytes')
})

test('the HMAC trailer is HMAC-SHA256(token, header + payload) truncated to 16 bytes', () => {
  const p = packTwist({ vx: 0.1 }, { seq: 3, t: 2, token: 'k3y' })
  const body = p.subarray(0, p.length - 16)
  assert.is(p[6] & 1, 1, 'flag bit 0 set')
  assert.is(hex(p.subarray(p.length - 16)), createHmac('sha256', 'k3y').update(body).digest('hex').slice(0, 32))
  assert.is(checkToken(p, 'k3y'), null)
  assert.match(checkToken(p, 'other')!, /does not match/)
  assert.match(checkToken(packTwist({ vx: 0.1 }, { seq: 3, t: 2 }), 'k3y')!, /requires a token/)
  assert.is(checkToken(packTwist({ vx: 0.1 }, { seq: 3, t: 2 }), ''), null, 'no token configured: no trailer needed')
  const d = decodePacket(p)
  assert.ok(d.ok)
})

test('round trips: twist, joint, ee, chunk, subscribe', () => {
  const tw = decodePacket(packTwist({ vx: 0.25, vy: -0.5, wz: 1, height: 0.3, gait: 2, step_hz: 2 }, { seq: 9, t: 4.25 }))
  assert.ok(tw.ok)
  if (tw.ok) {
    assert.equal(tw.header, { kind: 1, flags: 0, seq: 9, t: 4.25 })
    assert.equal(tw.msg, { kind: 'twist', mask: 1 | 2 | 4 | 8 | 64 | 128, vx: 0.25, vy: -0.5, wz: 1, height: Math.fround(0.3), roll: NaN, pitch: NaN, gait: 2, step_hz: 2 })
  }
  const jt = decodePacket(packJoint({ q: [1, 2, 3], qd: [0, 0, 0.5], tau: [-1, 0, 1] }, { seq: 1, t: 0 }))
  assert.ok(jt.ok && jt.msg.kind === 'joint' && jt.msg.n === 3 && jt.msg.mask === (1 | 2 | 16))
  if (jt.ok && jt.msg.kind === 'joint') { assert.equal(Array.from(jt.msg.tau!), [-1, 0, 1]); assert.is(jt.msg.kp, null) }
  const ee = decodePacket(packEe([{ frame: 1, pos: [0.25, 0, -0.25], quat: [1, 0, 0, 0] }], { seq: 1, t: 0 }))
  assert.ok(ee.ok && ee.msg.kind === 'ee' && ee.msg.items[0].frame === 1 && ee.msg.items[0].mask === 3)
  const ch = decodePacket(packChunk([{ dt: 0, joint: { q: [1, 2] } }, { dt: 0.02, joint: { q: [1.5, 2] } }, { dt: 0.04, joint: { q: [2, 2] } }], { seq: 5, t: 1 }))
  assert.ok(ch.ok && ch.msg.kind === 'chunk')
  if (ch.ok && ch.msg.kind === 'chunk') {
    assert.is(ch.msg.inner, 'joint')
    assert.equal(ch.msg.points.map((p) => p.dt), [0, Math.fround(0.02), Math.fround(0.04)])
  }
  const sub = decodePacket(packSubscribe(25, { seq: 0, t: null }))
  assert.ok(sub.ok && sub.msg.kind === 'subscribe' && sub.msg.rate_hz === 25)
})

test('structural refusals name what is wrong', () => {
  const expect = (buf: Uint8Array, reason: string, re: RegExp): void => {
    const d = decodePacket(buf)
    assert.not.ok(d.ok)
    if (!d.ok) { assert.is(d.reason, reason); assert.match(d.message, re) }
  }
  expect(new Uint8Array(10), 'malformed', /shorter than the 24-byte header/)
  const good = packTwist({ vx: 0 }, { seq: 1, t: 0 })
  const badMagic = good.slice(); badMagic[0] = 0x58
  expect(badMagic, 'malformed', /bad magic/)
  const v2 = good.slice(); v2[4] = 2
  expect(v2, 'version', /version 2/)
  expect(packRaw(9, new Uint8Array(4), { seq: 1, t: 0 }), 'unknown_kind', /unknown message kind 9/)
  expect(good.subarray(0, good.length - 1), 'wrong_size', /header says 24 \+ 32/)
  expect(packRaw(1, new Uint8Array(20), { seq: 1, t: 0 }), 'wrong_size', /twist payload needs 32 bytes/)
  expect(packRaw(2, Uint8Array.from([3, 0, 1, 0, 0, 0, 0, 0]), { seq: 1, t: 0 }), 'wrong_size', /3 joints .* needs 16 bytes, has 8/)
  expect(packRaw(5, new Uint8Array(8), { seq: 1, t: 0 }), 'wrong_size', /4 bytes left over/)
  expect(packRaw(4, Uint8Array.from([7, 0, 1, 0]), { seq: 1, t: 0 }), 'unknown_kind', /chunk of kind 7/)
  expect(packRaw(3, Uint8Array.from([9, 0, 0, 0]), { seq: 1, t: 0 }), 'wrong_size', /count 9 outside \[1, 4\]/)
})

test('STATE and REJECT round trips', () => {
  const s = {
    mode: 2, est_source: 1, faults: 5, last_target_seq: 41, rejected: 3,
    p_base_world: [1, 2, 0.25], quat_base_world: [1, 0, 0, 0], v_base_body: [0.5, 0, 0], omega_base_body: [0, 0, 0.125],
    projected_gravity: [0, 0, -1], twist: [0.5, 0, 0, 0.28, 0, 0, 1, 2.5], q: [0.1, 0.2, 0.3], qd: [1, 2, 3], tau: [-1, -2, -3], contact: [1, 0, -1]
  }
  const buf = packState(s, { seq: 77, t: 12.5 })
  assert.is((buf.length - HEADER_BYTES) % 4, 0, 'payload padded to 4 bytes')
  const d = unpackState(buf)!
  assert.is(d.t, 12.5); assert.is(d.seq, 77); assert.is(d.mode, 2); assert.is(d.faults, 5); assert.is(d.last_target_seq, 41)
  assert.equal(d.contact, [1, 0, -1])
  assert.equal(d.q, [0.1, 0.2, 0.3].map(Math.fround))
  assert.equal(d.twist, s.twist.map(Math.fround))
  const r = unpackReject(packReject(12, 1, 'out_of_range', 'vx = 5 m/s is outside [-1.5, 1.5] m/s', { seq: 0, t: 1 }))
  assert.equal(r, { seq: 12, kind: 1, reason: 'out_of_range', message: 'vx = 5 m/s is outside [-1.5, 1.5] m/s' })
})

test.run()
