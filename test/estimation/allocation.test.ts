// No allocation after build: 10^5 estimator updates (both estimators, replaying a recorded run with lifts,
// touchdowns and re-initializations) leave the core's heap top and memory size unchanged on the release
// build; a smaller pass runs on the debug build (bounds checks and assertions on), whose outputs must equal
// the release build's.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { StateEstimator } from '../../host/estimation/estimator.ts'
import type { EstimatorKind } from '../../host/estimation/params.ts'
import { liftScenario } from '../../host/estimation/scenarios.ts'
import type { Recording } from '../../host/estimation/evaluation.ts'
import { FEET, footXY, quad12Estimator, record } from './helpers.ts'

let recCache: Recording | null = null
async function recording (): Promise<Recording> {
  recCache ??= await record(liftScenario(await footXY()))
  return recCache
}

/** Feeds `count` updates from the recording (restarting it, with a reset, when it runs out); calls `each` after every update. */
function drive (est: StateEstimator, rec: Recording, count: number, each?: (k: number) => void): void {
  const { nj } = rec
  const nf = FEET.length
  const v = {
    quat: est.field('imu_quat'), valid: est.field('imu_quat_valid'), gyro: est.field('imu_gyro'), accel: est.field('imu_accel'),
    q: est.field('joint_q'), qd: est.field('joint_qd'), tau: est.field('joint_tau'),
    state: est.field('sched_state'), elapsed: est.field('sched_elapsed'), remaining: est.field('sched_remaining')
  }
  v.valid[0] = 1
  for (let u = 0; u < count; u++) {
    const k = u % rec.n
    if (k === 0) est.reset(rec.gt_p[0], rec.gt_p[1])
    for (let c = 0; c < 4; c++) v.quat[c] = rec.quat_imu[4 * k + c]
    for (let c = 0; c < 3; c++) { v.gyro[c] = rec.gyro_imu[3 * k + c]; v.accel[c] = rec.accel_imu[3 * k + c] }
    for (let j = 0; j < nj; j++) { v.q[j] = rec.q[nj * k + j]; v.qd[j] = rec.qd[nj * k + j]; v.tau[j] = rec.tau[nj * k + j] }
    for (let i = 0; i < nf; i++) {
      const o = 3 * nf * k + 3 * i
      v.state[i] = rec.sched[o]; v.elapsed[i] = rec.sched[o + 1]; v.remaining[i] = rec.sched[o + 2]
    }
    const code = est.update(rec.dt)
    if (code !== 0) throw new Error(`update ${u}: ${est.statusMessage(code)}`)
    each?.(u)
  }
}

for (const kind of ['kf', 'inekf'] as EstimatorKind[]) {
  test(`${kind}: release build allocates nothing over 10^5 updates`, async () => {
    const rec = await recording()
    const est = await quad12Estimator({ estimator: kind }, 'release')
    drive(est, rec, 100) // first update initializes
    const probe = -est.heapProbe() + est.heapProbe()
    assert.ok(probe > 0, 'the heap probe must see its own allocation')
    const bytes0 = est.memoryBytes
    const p0 = est.heapProbe()
    drive(est, rec, 100_000)
    const p1 = est.heapProbe()
    assert.is(p1 - p0 - probe, 0, 'heap top moved')
    assert.is(est.memoryBytes, bytes0, 'memory grew')
  })

  test(`${kind}: debug build (bounds checks, asserts) allocates nothing and agrees with release`, async () => {
    const rec = await recording()
    const dbg = await quad12Estimator({ estimator: kind }, 'debug')
    const rel = await quad12Estimator({ estimator: kind }, 'release')
    drive(dbg, rec, 10)
    const probe = -dbg.heapProbe() + dbg.heapProbe()
    const p0 = dbg.heapProbe()
    const outD: number[] = []
    const outR: number[] = []
    const take = (e: StateEstimator, out: number[]) => (u: number): void => {
      if (u % 97 === 0) out.push(...e.p_base_world, ...e.v_base_world, ...e.quat_base_world, ...e.contact_prob, ...e.f_foot_world)
    }
    drive(dbg, rec, 3000, take(dbg, outD))
    assert.is(dbg.heapProbe() - p0 - probe, 0, 'heap top moved')
    drive(rel, rec, 10)
    drive(rel, rec, 3000, take(rel, outR))
    assert.is(outD.length, outR.length)
    let worst = 0
    for (let i = 0; i < outD.length; i++) worst = Math.max(worst, Math.abs(outD[i] - outR[i]) / Math.max(1, Math.abs(outR[i])))
    assert.ok(worst <= 1e-9, `debug and release differ by ${worst}`)
  })
}

test.run()
