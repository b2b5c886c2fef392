// Attitude and IMU biases: the InEKF's bias states against biases injected into a recorded run (a wrong
// sign in its error dynamics makes them diverge instead), and the Mahony filter that replaces the IMU
// quaternion when the sensor gives none, both against MuJoCo ground truth.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { replay, evaluate, type Recording } from '../../host/estimation/evaluation.ts'
import { standScenario, swayScenario } from '../../host/estimation/scenarios.ts'
import { FEET, MIN_LOAD_N, fmt, quad12Estimator, record } from './helpers.ts'

const nf = FEET.length
const rows: string[] = []

/** A copy of the recording with constant biases added to the gyro [rad/s] and accelerometer [m/s²] samples. */
function withBias (rec: Recording, bg: number[], ba: number[]): Recording {
  const gyro = Float64Array.from(rec.gyro_imu)
  const accel = Float64Array.from(rec.accel_imu)
  for (let k = 0; k < rec.n; k++) {
    for (let c = 0; c < 3; c++) { gyro[3 * k + c] += bg[c]; accel[3 * k + c] += ba[c] }
  }
  return { ...rec, gyro_imu: gyro, accel_imu: accel }
}

let standRec: Recording | null = null
let swayRec: Recording | null = null

test('InEKF: injected gyro and accelerometer z biases are estimated (planted feet make even the yaw rate observable)', async () => {
  standRec ??= await record(standScenario(nf, 8))
  const bg = [0.01, -0.008, 0.004]
  const ba = [0, 0, 0.15]
  const rec = withBias(standRec, bg, ba)
  const est = await quad12Estimator({ estimator: 'inekf', inekf: { init_gyro_bias_std: 0.02, init_accel_bias_std: 0.2 } })
  const tr = replay(est, rec)
  const m = evaluate(rec, tr, MIN_LOAD_N).base
  const g = est.gyro_bias
  const a = est.accel_bias
  rows.push(`inekf, injected bias gyro (${bg.join(', ')}) rad/s, accel z ${ba[2]} m/s²: estimated gyro (${Array.from(g, (x) => fmt(x, 4)).join(', ')}), ` +
    `accel (${Array.from(a, (x) => fmt(x, 3)).join(', ')}); tilt max ${fmt(m.tilt_err_max_deg, 3)}°, yaw drift ${fmt(m.yaw_drift_deg, 3)}°, vel ${fmt(m.vel_rmse)} m/s`)
  assert.ok(Math.abs(g[0] - bg[0]) < 0.002 && Math.abs(g[1] - bg[1]) < 0.002, `gyro bias x, y ${g[0]}, ${g[1]}`)
  assert.ok(Math.abs(a[2] - ba[2]) < 0.03, `accel bias z ${a[2]}`)
  assert.ok(m.tilt_err_max_deg < 1.0, `tilt ${m.tilt_err_max_deg}°`)
  assert.ok(m.vel_rmse < 0.02, `velocity ${m.vel_rmse}`)
  // yaw itself is unobservable, but a yaw rate against planted feet is not: the z bias is found and the
  // heading drifts far less than the 7.5 s × 0.004 rad/s = 1.7° of an uncorrected gyro
  assert.ok(Math.abs(g[2] - bg[2]) < 0.001, `gyro bias z ${g[2]}`)
  const uncorrected = bg[2] * (rec.time[rec.n - 1] - rec.settle_s) * 180 / Math.PI
  assert.ok(Math.abs(m.yaw_drift_deg) < 0.25 * uncorrected, `yaw drift ${m.yaw_drift_deg}° (uncorrected ${uncorrected}°)`)
})

test('no IMU quaternion: the Mahony filter gives the KF its attitude (sway), and estimates an injected gyro bias', async () => {
  swayRec ??= await record(swayScenario(nf, 10))
  const bg = [0.006, -0.005, 0.002]
  const rec = withBias(swayRec, bg, [0, 0, 0])
  const est = await quad12Estimator({ estimator: 'kf' })
  const tr = replay(est, rec, { noImuQuat: true })
  const m = evaluate(rec, tr, MIN_LOAD_N).base
  const g = est.gyro_bias
  rows.push(`kf + Mahony (no IMU quaternion), injected gyro bias (${bg.join(', ')}): estimated (${Array.from(g, (x) => fmt(x, 4)).join(', ')}); ` +
    `tilt rms ${fmt(m.tilt_err_rms_deg, 3)}° max ${fmt(m.tilt_err_max_deg, 3)}°, yaw drift ${fmt(m.yaw_drift_deg, 3)}°, vel ${fmt(m.vel_rmse)} m/s, height ${fmt(m.height_err_max)} m`)
  assert.ok(m.tilt_err_max_deg < 1.5, `tilt ${m.tilt_err_max_deg}°`)
  assert.ok(m.vel_rmse < 0.05, `velocity ${m.vel_rmse}`)
  assert.ok(m.height_err_max < 0.01, `height ${m.height_err_max}`)
  assert.ok(Math.abs(g[0] - bg[0]) < 0.002 && Math.abs(g[1] - bg[1]) < 0.002, `gyro bias ${g[0]}, ${g[1]}`)
})

test('no IMU quaternion: the InEKF alone (started level from the accelerometer) keeps tilt and velocity (sway)', async () => {
  swayRec ??= await record(swayScenario(nf, 10))
  const est = await quad12Estimator({ estimator: 'inekf' })
  const tr = replay(est, swayRec, { noImuQuat: true })
  const m = evaluate(swayRec, tr, MIN_LOAD_N).base
  rows.push(`inekf without IMU quaternion (sway): tilt rms ${fmt(m.tilt_err_rms_deg, 3)}° max ${fmt(m.tilt_err_max_deg, 3)}°, yaw drift ${fmt(m.yaw_drift_deg, 3)}°, vel ${fmt(m.vel_rmse)} m/s`)
  assert.ok(m.tilt_err_max_deg < 0.6, `tilt ${m.tilt_err_max_deg}°`)
  assert.ok(m.vel_rmse < 0.05, `velocity ${m.vel_rmse}`)
  assert.ok(Math.abs(m.yaw_drift_deg) < 0.5, `yaw drift ${m.yaw_drift_deg}°`)
})

test('report', () => {
  for (const r of rows) console.log(r)
})

test.run()
