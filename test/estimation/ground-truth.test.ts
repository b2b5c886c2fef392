// Both estimators against MuJoCo ground truth on scripted motions of quad12 (standing, swaying, lifting one
// foot at a time, being pushed): base velocity RMSE, height error, attitude error and yaw drift, position
// drift, and the joint velocity filter on quantized encoders. The bounds are tight enough that a filter
// without leg kinematics (IMU integration drifts by m/s within seconds), with a wrong rolling or lever-arm
// model, or with the contact weighting inverted fails them. Each scenario is recorded once and replayed
// through both estimators.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { replay, evaluate, type Recording, type Trace } from '../../host/estimation/evaluation.ts'
import { liftScenario, pushScenario, standScenario, swayScenario } from '../../host/estimation/scenarios.ts'
import type { BaseMetricsSummary } from '../../host/estimation/metrics.ts'
import { FEET, MIN_LOAD_N, fmt, footXY, quad12Estimator, record } from './helpers.ts'

const nf = FEET.length
const rows: string[] = []
const results = new Map<string, { kf: BaseMetricsSummary, inekf: BaseMetricsSummary, kfTrace: Trace, rec: Recording }>()

async function run (name: string): Promise<{ kf: BaseMetricsSummary, inekf: BaseMetricsSummary, kfTrace: Trace, rec: Recording }> {
  const hit = results.get(name)
  if (hit !== undefined) return hit
  const xy = await footXY()
  const sc = name === 'stand' ? standScenario(nf) : name === 'sway' ? swayScenario(nf) : name === 'lift' ? liftScenario(xy) : pushScenario(nf)
  const rec = await record(sc)
  const kfEst = await quad12Estimator({ estimator: 'kf', ground_height: sc.ground_height_m })
  const ieEst = await quad12Estimator({ estimator: 'inekf', ground_height: sc.ground_height_m })
  const kfTrace = replay(kfEst, rec)
  const kf = evaluate(rec, kfTrace, MIN_LOAD_N).base
  const inekf = evaluate(rec, replay(ieEst, rec), MIN_LOAD_N).base
  for (const [k, m] of [['kf', kf], ['inekf', inekf]] as const) {
    rows.push(`${name.padEnd(6)} ${k.padEnd(6)} vel_rmse ${fmt(m.vel_rmse)} m/s  height_max ${fmt(m.height_err_max)} m  tilt_rms ${fmt(m.tilt_err_rms_deg, 3)}°  ` +
      `tilt_max ${fmt(m.tilt_err_max_deg, 3)}°  yaw_drift ${fmt(m.yaw_drift_deg, 3)}°  xy_drift ${fmt(m.pos_drift_xy)} m`)
  }
  const r = { kf, inekf, kfTrace, rec }
  results.set(name, r)
  return r
}

function checkCommon (name: string, m: BaseMetricsSummary, velBound: number): void {
  assert.ok(m.n > 1000, `${name}: only ${m.n} samples`)
  assert.ok(m.vel_rmse <= velBound, `${name}: velocity RMSE ${m.vel_rmse} > ${velBound} m/s`)
  assert.ok(m.height_err_max <= 0.01, `${name}: height error ${m.height_err_max} > 0.01 m`)
  assert.ok(m.pos_drift_xy <= 0.02, `${name}: horizontal drift ${m.pos_drift_xy} > 0.02 m`)
}

for (const name of ['stand', 'sway', 'lift', 'push']) {
  test(`${name}: linear KF and InEKF track the base (velocity, height, attitude, drift)`, async () => {
    const { kf, inekf } = await run(name)
    // standing and swaying: 0.05 m/s (the bound); lifting and pushes stay within it too
    checkCommon(`${name} kf`, kf, 0.05)
    checkCommon(`${name} inekf`, inekf, 0.05)
    // the KF takes the IMU's attitude (VN-100: 0.5° RMS roll/pitch, 2° heading): its error is the sensor's
    assert.ok(kf.tilt_err_max_deg <= 2.0, `${name} kf: tilt error ${kf.tilt_err_max_deg}°`)
    assert.ok(Math.abs(kf.yaw_drift_deg) <= 6, `${name} kf: yaw drift ${kf.yaw_drift_deg}°`)
    // the InEKF estimates its own attitude from gyro, accelerometer and contacts
    assert.ok(inekf.tilt_err_max_deg <= 0.6, `${name} inekf: tilt error ${inekf.tilt_err_max_deg}°`)
    assert.ok(inekf.tilt_err_rms_deg <= 0.2, `${name} inekf: tilt RMS ${inekf.tilt_err_rms_deg}°`)
    assert.ok(Math.abs(inekf.yaw_drift_deg) <= 0.5, `${name} inekf: yaw drift ${inekf.yaw_drift_deg}°`)
  })
}

test('standing still: velocity RMSE within 0.01 m/s for both', async () => {
  const { kf, inekf } = await run('stand')
  assert.ok(kf.vel_rmse <= 0.01, `kf ${kf.vel_rmse}`)
  assert.ok(inekf.vel_rmse <= 0.01, `inekf ${inekf.vel_rmse}`)
})

test('joint velocity filter: 14-bit encoder velocities 4× less noisy after filtering (sway)', async () => {
  const { rec, kfTrace } = await run('sway')
  let raw = 0; let filt = 0; let n = 0
  for (let k = Math.round(rec.settle_s / rec.dt); k < rec.n; k++) {
    for (let j = 0; j < rec.nj; j++) {
      const t = rec.gt_qd[rec.nj * k + j]
      raw += (rec.qd[rec.nj * k + j] - t) ** 2
      filt += (kfTrace.joint_qd[rec.nj * k + j] - t) ** 2
      n++
    }
  }
  const rawRms = Math.sqrt(raw / n); const filtRms = Math.sqrt(filt / n)
  rows.push(`joint velocity RMS error: driver ${fmt(rawRms)} rad/s, filtered ${fmt(filtRms)} rad/s`)
  assert.ok(rawRms > 0.1, `the plant's velocities should be noisy (${rawRms})`)
  assert.ok(filtRms < rawRms / 4 && filtRms < 0.04, `filtered ${filtRms} vs raw ${rawRms}`)
})

test('report', () => {
  for (const r of rows) console.log(r)
})

test.run()
