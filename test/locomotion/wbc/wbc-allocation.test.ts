// Robustness of the whole-body controller's core: no allocation over 1000 updates (release build,
// varying states and contact sets, including failing updates), a debug-build pass (bounds checks and
// assertions on) that must agree with release, failures that leave the outputs untouched with a
// status naming the problem, configuration errors named by parameter, and the HQP dump that
// `cerebellum qp` reads.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseQpJson } from '../../../host/solvers/qp-json.ts'
import { WBC_STATUS, type WholeBodyControl } from '../../../host/locomotion/wbc/whole-body-controller.ts'
import type { RobotDescription } from '../../../host/robot/description.ts'
import { CONTACT_SETS, nearStandState, quad12Present, quad12Wbc, quad12Xml, rng, writeReference } from './helpers.ts'

/** `count` updates at seeded near-stance states cycling through the contact sets; returns sampled outputs. */
function drive (desc: RobotDescription, wbc: WholeBodyControl, count: number, seed: number): number[] {
  const rand = rng(seed)
  const out: number[] = []
  for (let u = 0; u < count; u++) {
    const st = nearStandState(desc, rand)
    wbc.qpos.set(st.qpos)
    wbc.qvel.set(st.qvel)
    writeReference(desc, wbc, st.qpos, CONTACT_SETS[Math.floor(u / 7) % CONTACT_SETS.length], wbc.dyn.massTotal)
    const code = wbc.update()
    if (code !== 0) throw new Error(`update ${u}: status ${code}`)
    if (u % 13 === 0) out.push(...wbc.tauFf, ...wbc.qDes, ...wbc.qdDes, ...wbc.fFoot, ...wbc.slackEq)
  }
  return out
}

if (!quad12Present) {
  console.log(`SKIP: ${quad12Xml} not found`)
  test.skip('WBC allocation and robustness on quad12', () => {})
} else {
  test('release build: no allocation over 1000 updates (including failed ones)', async () => {
    const { desc, wbc } = await quad12Wbc()
    drive(desc, wbc, 20, 1)
    const probe = -wbc.heapProbe() + wbc.heapProbe()
    assert.ok(probe > 0, 'the heap probe sees its own allocation')
    const bytes0 = wbc.memoryBytes
    const p0 = wbc.heapProbe()
    drive(desc, wbc, 1000, 2)
    wbc.qvel[3] = NaN
    assert.is(wbc.update(), WBC_STATUS.BAD_INPUT)
    wbc.qvel[3] = 0
    assert.is(wbc.heapProbe() - p0 - probe, 0, 'heap top moved')
    assert.is(wbc.memoryBytes, bytes0, 'memory grew')
  })

  test('debug build (bounds checks, asserts): no allocation, same outputs as release', async () => {
    const dbg = await quad12Wbc({}, { build: 'debug' })
    const rel = await quad12Wbc({}, { build: 'release' })
    drive(dbg.desc, dbg.wbc, 5, 3)
    const probe = -dbg.wbc.heapProbe() + dbg.wbc.heapProbe()
    const p0 = dbg.wbc.heapProbe()
    const outD = drive(dbg.desc, dbg.wbc, 200, 4)
    assert.is(dbg.wbc.heapProbe() - p0 - probe, 0, 'heap top moved')
    drive(rel.desc, rel.wbc, 5, 3)
    const outR = drive(rel.desc, rel.wbc, 200, 4)
    assert.is(outD.length, outR.length)
    let worst = 0
    for (let i = 0; i < outD.length; i++) worst = Math.max(worst, Math.abs(outD[i] - outR[i]) / Math.max(1, Math.abs(outR[i])))
    assert.ok(worst <= 1e-9, `debug and release differ by ${worst}`)
  })

  test('a failed update leaves the outputs untouched and says why', async () => {
    const { desc, wbc } = await quad12Wbc()
    drive(desc, wbc, 3, 5)
    const before = [...wbc.tauFf, ...wbc.qDes, ...wbc.qdDes, ...wbc.kp, ...wbc.kd, ...wbc.qdd, ...wbc.fFoot]
    const failures = wbc.failures
    // non-finite state: the index names the entry (qvel[2] is entry nq + 2)
    wbc.qvel[2] = Infinity
    assert.is(wbc.update(), WBC_STATUS.BAD_INPUT)
    assert.is(wbc.badIndex, desc.nq + 2)
    wbc.qvel[2] = 0
    // non-finite reference (first entry of the MPC forces)
    wbc.fFootDes[0] = NaN
    assert.is(wbc.update(), WBC_STATUS.BAD_INPUT)
    wbc.fFootDes[0] = 0
    // level 1 infeasible: base pose and posture moved up to level 1 over-determine the accelerations
    wbc.setParams({ level_base: 1, level_posture: 1 })
    wbc.qJointDes[0] += 0.3
    assert.is(wbc.update(), WBC_STATUS.LEVEL1_INFEASIBLE)
    assert.ok(wbc.slackEq[0] > 1e-3, `level-1 slack reported (${wbc.slackEq[0]})`)
    const after = [...wbc.tauFf, ...wbc.qDes, ...wbc.qdDes, ...wbc.kp, ...wbc.kd, ...wbc.qdd, ...wbc.fFoot]
    assert.equal(after, before, 'outputs untouched')
    assert.is(wbc.failures, failures + 3)
    assert.is(wbc.status, WBC_STATUS.LEVEL1_INFEASIBLE)
    // the failing hierarchy can be dumped and read back by `cerebellum qp`
    const parsed = parseQpJson(wbc.dumpHqp('failed'), 'failed.json')
    assert.is(parsed.kind, 'hqp')
    if (parsed.kind === 'hqp') {
      assert.is(parsed.problem.n, wbc.n)
      // level 1 (everything moved up) and level 3 (force tracking); level 2 is empty and skipped
      assert.is(parsed.problem.levels.length, 2)
    }
  })

  test('torque limits too low to hold the stand: limits hold (level 1), the base task gives (level 2)', async () => {
    const { desc, wbc } = await quad12Wbc({ tau_max: new Array(12).fill(0.5) })
    const home = desc.keyframes.home
    wbc.qpos.set(home)
    wbc.qvel.fill(0)
    writeReference(desc, wbc, home, [1, 1, 1, 1], wbc.dyn.massTotal)
    assert.is(wbc.update(), WBC_STATUS.OK)
    assert.is(wbc.levelStatus[0], 0, 'level 1 exact')
    assert.is(wbc.levelStatus[1], 1, 'level 2 relaxed')
    assert.ok(wbc.slackEq[1] > 1, `base-task slack reported (${wbc.slackEq[1]})`)
    assert.ok(wbc.qdd[2] < -1, `the base sinks (${wbc.qdd[2]} m/s²)`)
    for (const t of wbc.tauWbc) assert.ok(Math.abs(t) <= 0.5 + 1e-9, `τ ${t} within the limit`)
  })

  test('parameters: unknown names, wrong lengths and values out of domain are refused by name', async () => {
    const { wbc } = await quad12Wbc()
    assert.throws(() => wbc.setParams({ mu_typo: 1 }), /unknown WBC parameter 'mu_typo'/)
    assert.throws(() => wbc.setParams({ kp_swing: [1, 2] }), /'kp_swing' needs 3 value/)
    assert.throws(() => wbc.setParams({ level_base: 4 }), /'level_base'\[0\] = 4 is out of its domain/)
    assert.throws(() => wbc.setParams({ w_posture: 0 }), /'w_posture'\[0\] = 0 is out of its domain/)
    assert.throws(() => wbc.setParams({ mu: -0.1 }), /'mu'\[0\] = -0.1/)
    wbc.setParams({ level_posture: 2, w_posture: 0.01 })
    assert.equal(wbc.getParam('level_posture'), [2])
    assert.equal(wbc.getParam('w_posture'), [0.01])
  })
}

test.run()
