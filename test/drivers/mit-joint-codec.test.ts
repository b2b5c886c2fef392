// Joint-space commands through the transmission into MIT frames and back (host/drivers/mit-joint-codec.ts),
// against values computed by hand: a knee with the Mini Cheetah belt (gear 1.555), mounted reversed
// (direction −1) with a 0.3 rad zero offset, MiniCheetah ranges (p ±12.5, v ±65, τ ±18, kp 0..500, kd 0..5).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileURLToPath } from 'node:url'
import { MitJointCodec } from '../../host/drivers/mit-joint-codec.ts'
import { loadMotorMap, type JointMotor } from '../../host/drivers/motor-map.ts'
import { MitClamp, MitProtocol, createMitReply, packMitReply, unpackMitCommand } from '../../host/protocol/mit/index.ts'

const MOTORS = fileURLToPath(new URL('../../robots/quad12/motors.yaml', import.meta.url))
const base = loadMotorMap(MOTORS).motors.find((m) => m.joint === 'FL_calf_joint')!
const knee: JointMotor = { ...base, direction: -1, zero_offset: 0.3 }
if (knee.model.kind !== 'mit') throw new Error('quad12 knee: an MIT drive expected')
const r = knee.model.range
const step = (lo: number, hi: number, bits: number): number => (hi - lo) / (2 ** bits - 1)

test('command: q −1 rad, q̇ 2 rad/s, kp 40, kd 1, τ 5 N·m at the joint', () => {
  const c = new MitJointCodec(knee)
  const out = new Uint8Array(8)
  assert.is(c.pack({ q_des: -1, qd_des: 2, kp: 40, kd: 1, tau_ff: 5 }, out, 0), 0, 'no clamp')
  const m = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  assert.ok(unpackMitCommand(out, 0, r, m))
  // by hand: θ = −1·1.555·(−1) + 0.3 = 1.855; θ̇ = −3.11; kp/1.555² = 16.5424; kd/1.555² = 0.413560; τ/(−1.555) = −3.21543
  const exp = { q_des: 1.855, qd_des: -3.11, kp: 40 / 2.418025, kd: 1 / 2.418025, tau_ff: -5 / 1.555 }
  assert.ok(Math.abs(m.q_des - exp.q_des) <= step(-12.5, 12.5, 16), `p ${m.q_des}`)
  assert.ok(Math.abs(m.qd_des - exp.qd_des) <= step(-65, 65, 12), `v ${m.qd_des}`)
  assert.ok(Math.abs(m.kp - exp.kp) <= step(0, 500, 12), `kp ${m.kp}`)
  assert.ok(Math.abs(m.kd - exp.kd) <= step(0, 5, 12), `kd ${m.kd}`)
  assert.ok(Math.abs(m.tau_ff - exp.tau_ff) <= step(-18, 18, 12), `τ ${m.tau_ff}`)
  // position code by hand: ⌊(1.855 + 12.5) · 65535 / 25⌋ = ⌊37630.24…⌋ = 37630 = 0x92FE
  assert.is((out[0] << 8) | out[1], 37630)
})

test('clamping before packing: joint limits first, then the drive\'s ranges; every clamp counted', () => {
  const c = new MitJointCodec(knee)
  const out = new Uint8Array(8)
  const m = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  c.pack({ q_des: 0, qd_des: 0, kp: 10, kd: 0.5, tau_ff: 0 }, out, 0)
  unpackMitCommand(out, 0, r, m)
  // q 0 is above the knee's −0.45 limit: θ = −1.555·(−0.45) + 0.3 = 0.99975
  assert.ok(Math.abs(m.q_des - 0.99975) <= step(-12.5, 12.5, 16))
  assert.is(c.clamps.joint_limit, 1)
  const mask = c.pack({ q_des: -1, qd_des: 0, kp: 2000, kd: 0, tau_ff: 100 }, out, 0)
  assert.is(mask, MitClamp.KP | MitClamp.T, 'kp 2000/1.555² = 827 > 500 and τ 100/1.555 = 64 > 18')
  unpackMitCommand(out, 0, r, m)
  assert.is(m.kp, 500)
  assert.ok(Math.abs(m.tau_ff + 18) < 1e-6, `τ clamped to −18 (direction −1): ${m.tau_ff}`)
  assert.is(c.clamps.kp, 1)
  assert.is(c.clamps.t, 1)
})

test('a NaN field never reaches the drive: the frame becomes damping', () => {
  const c = new MitJointCodec(knee)
  const out = new Uint8Array(8)
  const mask = c.pack({ q_des: NaN, qd_des: 0, kp: 40, kd: 1, tau_ff: 0 }, out, 0)
  assert.ok((mask & MitClamp.NAN) !== 0)
  const m = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }
  unpackMitCommand(out, 0, r, m)
  assert.is(m.kp, 0)
  assert.ok(Math.abs(m.kd) < 1e-6, 'kd 0 (damping with the given 0)')
  assert.is(c.clamps.nan, 1)
})

test('reply: drive angle, rate and torque back to the joint', () => {
  const c = new MitJointCodec(knee)
  const rep = createMitReply()
  Object.assign(rep, { id: 3, q: 1.855, qd: -3.11, tau: -5 / 1.555 })
  const buf = new Uint8Array(8)
  const n = packMitReply(rep, MitProtocol.CHEETAH, r, buf, 0)
  assert.ok(c.decode(buf, 0, n))
  assert.ok(Math.abs(c.q + 1) <= step(-12.5, 12.5, 16) / 1.555 + 1e-9, `q ${c.q}`)
  assert.ok(Math.abs(c.qd - 2) <= step(-65, 65, 12) / 1.555, `q̇ ${c.qd}`)
  assert.ok(Math.abs(c.tau - 5) <= step(-18, 18, 12) * 1.555, `τ ${c.tau}`)
  assert.ok(Number.isNaN(c.temp_c), 'the reference firmware reports no temperature')
})

test('position unwrapping across the ±12.5 rad wrap of the 16-bit field', () => {
  const hip: JointMotor = { ...base, gear_ratio: 1, direction: 1, zero_offset: 0, q_min: -100, q_max: 100 }
  const c = new MitJointCodec(hip)
  const rep = createMitReply()
  const buf = new Uint8Array(8)
  let prev = -Infinity
  // the shaft turns from 12.0 to 13.5 rad: the drive reports 12.0 … 12.5, then −12.5 …
  for (let theta = 12.0; theta <= 13.5 + 1e-9; theta += 0.1) {
    rep.q = theta
    const n = packMitReply(rep, MitProtocol.CHEETAH, r, buf, 0)
    c.decode(buf, 0, n)
    assert.ok(Math.abs(c.q - theta) < 1e-3, `θ ${theta.toFixed(1)} decoded as ${c.q}`)
    assert.ok(c.q > prev)
    prev = c.q
  }
})

test('vendor fault codes and temperatures: CubeMars AK reply', () => {
  if (base.model.kind !== 'mit') throw new Error('an MIT drive expected')
  const ak: JointMotor = { ...base, model: { ...base.model, protocol: MitProtocol.CUBEMARS } }
  const c = new MitJointCodec(ak)
  const rep = createMitReply()
  Object.assign(rep, { id: 3, q: 0, temp_c: 71, fault: 1 })
  const buf = new Uint8Array(8)
  packMitReply(rep, MitProtocol.CUBEMARS, r, buf, 0)
  assert.ok(c.decode(buf, 0, 8))
  assert.is(c.temp_c, 71)
  assert.is(c.fault, 1, 'CubeMars error code 1: over-temperature')
})

test.run()
