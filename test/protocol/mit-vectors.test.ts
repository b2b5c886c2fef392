// MIT-mode packing against values computed by hand from the reference firmware's formulas
// (test/vectors/mit.json, shared with the firmware's C tests): commands at range edges and interior
// points, truncation vs rounding, binary32 arithmetic, clamping, special frames, every supported
// vendor's reply layout, position unwrapping across ±P_MAX; and the model table's consistency.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  MIT_MODELS, MitClamp, MitProtocol, MitSpecial, createMitReply, createPositionUnwrap, floatToUint,
  mitReplyKey, mitSpecialOf, packMitCommand, packMitReply, packMitSpecial, positionWrapPeriod, rangeOfModel,
  uintToFloat, unpackMitCommand, unpackMitReply, unwrapPosition, type MitPackReport, type MitRange
} from '../../host/protocol/mit/index.ts'

const v = JSON.parse(readFileSync(fileURLToPath(new URL('../vectors/mit.json', import.meta.url)), 'utf8'))
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const PROTO: Record<string, number> = { cheetah: MitProtocol.CHEETAH, cubemars: MitProtocol.CUBEMARS, damiao: MitProtocol.DAMIAO, robstride: MitProtocol.ROBSTRIDE }

function range (name: string): MitRange {
  const m = v.models[name]
  return { p_min: -m.p_max, p_max: m.p_max, v_min: -m.v_max, v_max: m.v_max, t_min: -m.t_max, t_max: m.t_max, kp_min: 0, kp_max: m.kp_max, kd_min: 0, kd_max: m.kd_max }
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))

test('command packing matches the hand-computed codes and bytes', () => {
  const out = new Uint8Array(8)
  const report: MitPackReport = { clamp_mask: -1 }
  for (const c of v.commands) {
    const r = range(c.model)
    const k = c.command
    packMitCommand({ q_des: k.p, qd_des: k.v, kp: k.kp, kd: k.kd, tau_ff: k.t }, r, out, 0, report)
    assert.is(toHex(out), c.bytes, `${c.name}: ${c.derivation.join('; ')}`)
    assert.is(report.clamp_mask, c.clamp_mask, `${c.name}: clamp mask`)
    assert.is(floatToUint(Math.min(Math.max(k.p, r.p_min), r.p_max), r.p_min, r.p_max, 16), c.uint.p, `${c.name}: p code`)
    assert.is(floatToUint(Math.min(Math.max(k.t, r.t_min), r.t_max), r.t_min, r.t_max, 12), c.uint.t, `${c.name}: t code`)
    assert.is(mitSpecialOf(out, 0, 8), MitSpecial.NONE)
  }
})

test('truncation, not rounding; binary32, not binary64', () => {
  const r = range('AK80-9')
  // (1 + 12.5)·65535/25 = 35388.9: the reference truncates
  assert.is(floatToUint(1.0, r.p_min, r.p_max, 16), 35388)
  // (−0.4 + 18)·4095/36 in binary32 rounds up to exactly 2002
  assert.is(floatToUint(-0.4, r.t_min, r.t_max, 12), 2002)
  // a decoded code re-encodes to itself across the whole 12-bit range
  for (let u = 0; u < 4096; u++) assert.is(floatToUint(uintToFloat(u, r.v_min, r.v_max, 12), r.v_min, r.v_max, 12) >= u - 1, true)
})

test('NaN never silently becomes a command', () => {
  const out = new Uint8Array(8)
  const report: MitPackReport = { clamp_mask: 0 }
  packMitCommand({ q_des: NaN, qd_des: 0, kp: 10, kd: NaN, tau_ff: Infinity }, range('AK80-9'), out, 0, report)
  assert.ok((report.clamp_mask & MitClamp.NAN) !== 0)
  assert.ok((report.clamp_mask & MitClamp.T) !== 0, 'infinite torque is clamped and reported')
  const back = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  unpackMitCommand(out, 0, range('AK80-9'), back)
  assert.is(back.kd, 0, 'NaN kd packs as 0')
  assert.is(back.tau_ff, 18)
})

test('special frames', () => {
  const out = new Uint8Array(8)
  for (const s of v.specials) {
    const kind = hex(s.bytes)[7]
    packMitSpecial(kind, out, 0)
    assert.is(toHex(out), s.bytes, s.name)
    assert.is(mitSpecialOf(out, 0, 8), kind, s.name)
  }
  assert.is(mitSpecialOf(hex('ffffffffffffffff'), 0, 8), MitSpecial.NONE, 'FF×8 is a command (all maxima)')
  assert.is(mitSpecialOf(hex('ffffffffffffff'), 0, 7), MitSpecial.NONE)
})

test('replies of every supported vendor', () => {
  const rep = createMitReply()
  const again = new Uint8Array(8)
  for (const c of v.replies) {
    const r = range(c.model)
    const b = hex(c.bytes)
    const proto = PROTO[c.protocol]
    assert.ok(unpackMitReply(b, 0, b.length, proto, r, rep), c.name)
    const e = c.expect
    assert.is(rep.id, e.id, `${c.name}: id`)
    assert.ok(close(rep.q, e.p) && close(rep.qd, e.v) && close(rep.tau, e.t), `${c.name}: ${rep.q} ${rep.qd} ${rep.tau}`)
    if (e.temp_c !== undefined) assert.ok(rep.has_temp && close(rep.temp_c, e.temp_c), `${c.name}: temperature`)
    else assert.not.ok(rep.has_temp)
    if (e.fault !== undefined) assert.ok(rep.has_fault && rep.fault === e.fault, `${c.name}: fault`)
    else assert.not.ok(rep.has_fault)
    if (e.temp_mos_c !== undefined) assert.is(rep.temp_mos_c, e.temp_mos_c)
    if (e.state !== undefined) assert.is(rep.state, e.state)
    assert.not.ok(unpackMitReply(b, 0, b.length - 1, proto, r, rep), `${c.name}: one byte short`)
    // repacking the decoded values as a drive would gives the bytes back
    unpackMitReply(b, 0, b.length, proto, r, rep)
    const n = packMitReply(rep, proto, r, again, 0)
    assert.is(toHex(again.subarray(0, n)), c.bytes, `${c.name}: repack`)
  }
  assert.is(mitReplyKey(MitProtocol.DAMIAO, 0xb3), 3)
  assert.not.ok(unpackMitReply(new Uint8Array(8), 0, 8, 9, range('AK80-9'), rep), 'unknown protocol')
})

test('position unwrapping across ±P_MAX', () => {
  for (const c of v.unwrap) {
    const r = range(c.model)
    assert.ok(Math.abs(positionWrapPeriod(r) - c.period) < 1e-9, `${c.name}: period`)
    const s = createPositionUnwrap()
    const quantum = (r.p_max - r.p_min) / 65535
    c.reported.forEach((rep: number, i: number) => {
      const q = unwrapPosition(s, rep, r)
      assert.ok(Math.abs(q - c.true_position[i]) <= quantum * 1.5, `${c.name}[${i}]: ${q} vs ${c.true_position[i]}`)
    })
  }
})

test('model table: plain data, sources, valid ranges, unique names', () => {
  const names = new Set<string>()
  for (const m of MIT_MODELS) {
    assert.not.ok(names.has(m.name), `duplicate ${m.name}`)
    names.add(m.name)
    assert.ok(m.source.length > 10, `${m.name}: source`)
    for (const k of ['p_max', 'v_max', 't_max', 'kp_max', 'kd_max'] as const) assert.ok(m[k] > 0 && Number.isFinite(m[k]), `${m.name}.${k}`)
    assert.ok(Object.values(MitProtocol).includes(m.protocol))
  }
  for (const want of ['AK10-9', 'AK60-6', 'AK70-10', 'AK80-9', 'DM-J4310-2EC', 'DM-J4340-2EC', 'DM-J8009-2EC', 'RS01', 'RS02', 'RS03', 'RS04']) {
    assert.ok(names.has(want), `table has ${want}`)
  }
  // the vectors' models agree with the table
  for (const [name, m] of Object.entries<any>(v.models)) {
    const t = MIT_MODELS.find((x) => x.name === name)
    assert.ok(t !== undefined, name)
    assert.equal(rangeOfModel(t!), range(name), name)
    assert.is(t!.p_max, m.p_max)
  }
  assert.ok(JSON.parse(JSON.stringify(MIT_MODELS)).length === MIT_MODELS.length, 'serialisable as plain data')
})

test.run()
