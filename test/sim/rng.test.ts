// The sensor-noise generator: xoshiro128** against its reference outputs for the state {1, 2, 3, 4}
// (the first three worked by hand from the published algorithm: rotl(2·5, 7)·9 = 11520, then 0, then
// rotl(1029·5, 7)·9 = 5927040; the rest from an independent Python transcription), seeding, and the
// moments of the uniform and normal variates.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Rng } from '../../host/sim/rng.ts'
import { mean, std } from './helpers.ts'

test('xoshiro128** reproduces the reference sequence for state {1, 2, 3, 4}', () => {
  const r = new Rng(0)
  r.setState(1, 2, 3, 4)
  const out = Array.from({ length: 6 }, () => r.nextU32())
  assert.equal(out, [11520, 0, 5927040, 70819200, 2031721883, 1637235492])
})

test('same seed gives the same stream, different seeds differ, reseed restarts', () => {
  const a = new Rng(42)
  const b = new Rng(42)
  const c = new Rng(43)
  const xa = Array.from({ length: 100 }, () => a.normal())
  const xb = Array.from({ length: 100 }, () => b.normal())
  const xc = Array.from({ length: 100 }, () => c.normal())
  assert.equal(xa, xb)
  assert.not.equal(xa, xc)
  a.reseed(42)
  assert.equal(Array.from({ length: 100 }, () => a.normal()), xa)
  assert.throws(() => new Rng(Number.NaN), /finite/)
})

test('uniform in [0, 1) with mean 1/2 and variance 1/12; normal with mean 0, variance 1, light tails', () => {
  const r = new Rng(7)
  const N = 200000
  const u = new Float64Array(N)
  const z = new Float64Array(N)
  for (let i = 0; i < N; i++) u[i] = r.uniform()
  for (let i = 0; i < N; i++) z[i] = r.normal()
  assert.ok(u.every((x) => x >= 0 && x < 1))
  // Standard errors: uniform mean 0.00065, normal mean 0.0022, normal sd ≈ 0.0016; tolerances ≈ 5 SE.
  assert.ok(Math.abs(mean(u) - 0.5) < 0.0035, `uniform mean ${mean(u)}`)
  assert.ok(Math.abs(std(u) ** 2 - 1 / 12) < 0.0015, `uniform var ${std(u) ** 2}`)
  assert.ok(Math.abs(mean(z)) < 0.011, `normal mean ${mean(z)}`)
  assert.ok(Math.abs(std(z) - 1) < 0.008, `normal sd ${std(z)}`)
  let beyond3 = 0
  for (const x of z) if (Math.abs(x) > 3) beyond3++
  // P(|z| > 3) = 0.0027 → 540 expected, SD 23.
  assert.ok(Math.abs(beyond3 - 540) < 120, `tail count ${beyond3}`)
})

test.run()
