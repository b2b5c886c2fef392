// Lockstep determinism: two plants with the same scene, options and seed give bit-identical sensor
// streams (with noise, a push and ground-truth reads in between); a different seed gives a different one.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Plant } from '../../host/sim/plant.ts'
import { standingPlant } from './helpers.ts'

/** Runs 1500 ticks (3 s) and returns every sensor sample concatenated. */
function stream (plant: Plant, readTruth: boolean): Float64Array {
  const s = plant.sensors
  const per = 2 + 4 + 3 + 3 + 3 * plant.nu
  const ticks = 1500
  const out = new Float64Array(per * ticks)
  for (let t = 0; t < ticks; t++) {
    if (t === 500) plant.push([25, -10, 0], 0.1, [0, 0, 1])
    plant.tick()
    if (readTruth && t % 7 === 0) plant.groundTruth()
    let o = per * t
    out[o++] = s.time_s
    out[o++] = s.seq
    for (const a of [s.quat_imu, s.gyro_imu, s.accel_imu, s.q, s.qd, s.tau]) { out.set(a, o); o += a.length }
  }
  return out
}

function identical (a: Float64Array, b: Float64Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0
}

test('same seed → bit-identical sensor streams; ground-truth reads do not perturb the run', async () => {
  const a = await standingPlant({ seed: 1234 })
  const b = await standingPlant({ seed: 1234 })
  const sa = stream(a, false)
  const sb = stream(b, true)
  assert.ok(identical(sa, sb), 'streams differ')
  assert.equal(Array.from(a.data.qpos as Float64Array), Array.from(b.data.qpos as Float64Array))
  a.close(); b.close()
})

test('a different seed gives a different stream (same physics within noise)', async () => {
  const a = await standingPlant({ seed: 1 })
  const b = await standingPlant({ seed: 2 })
  const sa = stream(a, false)
  const sb = stream(b, false)
  assert.not.ok(identical(sa, sb))
  let diff = 0
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) diff++
  assert.ok(diff > sa.length / 2, `only ${diff} of ${sa.length} values differ`)
  a.close(); b.close()
})

test('reset with the same seed replays the stream', async () => {
  const a = await standingPlant({ seed: 99 })
  const first = stream(a, false)
  a.reset('home', 99)
  assert.is(a.sensors.seq, 0)
  const second = stream(a, false)
  assert.ok(identical(first, second))
  a.close()
})

test.run()
