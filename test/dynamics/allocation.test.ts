// No allocation after build: the full set of dynamics calls (FK, frames, Jacobians, velocities,
// CRBA, RNEA, bias, gravity, centroidal map and drift, factor + solve) leaves the core's heap top and
// memory size unchanged over 10^5 calls on the release build; a smaller pass runs on the debug build
// (bounds checks and assertions on), whose results must equal the release build's.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadRobot } from '../../host/robot/load.ts'
import { RobotDynamics, DYN, DYN_ALL } from '../../host/core/dynamics.ts'
import { randomState, relErr, rng, repoRoot } from './helpers.ts'

const FILES = [repoRoot + 'test/fixtures/arm.xml', repoRoot + 'robots/quad12/quad12.xml']

async function heapTopDrift (dyn: RobotDynamics, calls: number): Promise<{ drift: number, grew: boolean }> {
  const desc = dyn.description
  const st = randomState(desc, rng(3))
  dyn.qpos.set(st.qpos); dyn.qvel.set(st.qvel); dyn.qacc.set(st.qacc)
  const probeSize = -dyn.heapProbe() + dyn.heapProbe()
  if (!(probeSize > 0)) throw new Error(`the heap probe does not move (${probeSize}): it could not see an allocation`)
  const bytes0 = dyn.memoryBytes
  const p0 = dyn.heapProbe()
  const flags = DYN_ALL | DYN.FACTOR
  for (let i = 0; i < calls; i++) {
    if (dyn.compute(flags) !== 0) throw new Error('M did not factorize')
    dyn.solveM()
  }
  const p1 = dyn.heapProbe()
  return { drift: p1 - p0 - probeSize, grew: dyn.memoryBytes !== bytes0 }
}

for (const file of FILES) {
  const name = file.slice(repoRoot.length)
  test(`${name}: release build allocates nothing over 10^5 full dynamics calls`, async () => {
    const dyn = await RobotDynamics.create(await loadRobot(file), { build: 'release' })
    const r = await heapTopDrift(dyn, 100_000)
    assert.is(r.drift, 0, 'heap top moved')
    assert.is(r.grew, false, 'memory grew')
  })

  test(`${name}: debug build (bounds checks, asserts) allocates nothing and agrees with release`, async () => {
    const desc = await loadRobot(file)
    const dbg = await RobotDynamics.create(desc, { build: 'debug' })
    const rel = await RobotDynamics.create(desc, { build: 'release' })
    const r = await heapTopDrift(dbg, 2_000)
    assert.is(r.drift, 0, 'heap top moved')
    assert.is(r.grew, false, 'memory grew')
    const rand = rng(5)
    for (let s = 0; s < 20; s++) {
      const st = randomState(desc, rand)
      for (const d of [dbg, rel]) {
        d.qpos.set(st.qpos); d.qvel.set(st.qvel); d.qacc.set(st.qacc)
        d.solveX.fill(1)
        assert.is(d.compute(DYN_ALL | DYN.FACTOR), 0)
        d.solveM()
      }
      for (const k of ['M', 'bias', 'tau', 'gravityTorque', 'com', 'comJacobian', 'centroidalMap', 'centroidalMomentum',
        'centroidalDrift', 'framePos', 'frameRot', 'frameJacobians', 'frameVelocities', 'frameDrifts', 'solveX'] as const) {
        assert.ok(relErr(dbg[k], rel[k]) <= 1e-14, `${k}: debug and release differ`)
      }
    }
  })
}

test.run()
