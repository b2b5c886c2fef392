// The default robot is written twice, as URDF and as MJCF. The MJCF path is proven against MuJoCo
// (test/dynamics); here the URDF path must give the same dynamics at random states, which checks
// the URDF loader (fixed-link merging, rotated inertial frames, armature extension, qpos0) end to end.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../../host/robot/load.ts'
import { RobotDynamics } from '../../host/core/dynamics.ts'

const dir = fileURLToPath(new URL('../../robots/quad12/', import.meta.url))

/** Deterministic uniform numbers in [0, 1) (splitmix-style), so a failure reproduces. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296
  }
}

test('quad12: URDF and MJCF give the same M, bias and CoM at 50 random states', async () => {
  const urdf = await RobotDynamics.create(await loadRobot(dir + 'quad12.urdf'))
  const mjcf = await RobotDynamics.create(await loadRobot(dir + 'quad12.xml'))
  assert.is(urdf.nq, mjcf.nq)
  const desc = await loadRobot(dir + 'quad12.xml')
  const ranges = desc.bodies.flatMap((b) => b.joints.filter((j) => j.type !== 'free').map((j) => j.range ?? [-Math.PI, Math.PI]))
  const r = rng(7)
  let worst = 0
  for (let s = 0; s < 50; s++) {
    const q = [r() - 0.5, r() - 0.5, 0.3 + r() * 0.1]
    const quat = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5]
    const n = Math.hypot(...quat)
    q.push(...quat.map((x) => x / n))
    for (const [lo, hi] of ranges) q.push(lo + (hi - lo) * r())
    const v = Array.from({ length: urdf.nv }, () => 2 * r() - 1)
    for (const d of [urdf, mjcf]) { d.qpos.set(q); d.qvel.set(v); d.computeAll() }
    const diff = (a: Float64Array, b: Float64Array): number => {
      let m = 0; let scale = 1
      for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])) }
      return m / scale
    }
    worst = Math.max(worst, diff(urdf.M, mjcf.M), diff(urdf.bias, mjcf.bias), diff(urdf.com, mjcf.com))
  }
  console.log(`quad12 URDF vs MJCF: worst relative difference ${worst.toExponential(2)}`)
  assert.ok(worst < 1e-9, `worst relative difference ${worst}`)
})

test.run()
