// Parameters and bad input: the host's parameter table and the core's agree name for name; bad values,
// frames, joints, inputs and time steps give clear errors (naming what was wrong) and never a crash; a
// parameter change takes effect at the next update.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { StateEstimator, EST_STATUS } from '../../host/estimation/estimator.ts'
import { DEFAULT_ESTIMATOR_PARAMS, ESTIMATOR_PARAM_SPECS, estimatorParams, flattenEstimatorParams } from '../../host/estimation/params.ts'
import { FEET, coreOptions, jointNames, quad12Estimator, robot } from './helpers.ts'

test('the core and the host name the same parameters', async () => {
  const est = await quad12Estimator()
  const host = ESTIMATOR_PARAM_SPECS.map((s) => s.core).sort()
  assert.equal([...est.paramNames].sort(), host)
  assert.is(new Set(host).size, host.length, 'duplicate parameter')
  // every value lands at its name
  const flat = flattenEstimatorParams(DEFAULT_ESTIMATOR_PARAMS)
  const values = est.field('params')
  est.paramNames.forEach((n, i) => assert.is(values[i], flat.get(n), n))
})

test('bad parameter values are rejected naming the key', () => {
  const bad: Array<[object, RegExp]> = [
    [{ estimator: 'ekf' }, /'estimator' must be 'kf' or 'inekf'/],
    [{ kf: { accel_psd: -1 } }, /'kf\.accel_psd' = -1 is outside/],
    [{ joint: { q_std: Number.NaN } }, /'joint\.q_std' must be a finite number/],
    [{ contact: { p_on: 0.2, p_off: 0.3 } }, /contact\.p_on \(0\.2\) must lie in/],
    [{ use_imu_quat: 1 }, /'use_imu_quat' must be true or false/]
  ]
  for (const [over, re] of bad) {
    assert.throws(() => flattenEstimatorParams(estimatorParams(over as never)), re)
  }
})

test('a parameter written past the host check is caught by the core, which keeps running', async () => {
  const est = await quad12Estimator()
  est.setSensors({ quat_imu: [1, 0, 0, 0], gyro_imu: [0, 0, 0], accel_imu: [0, 0, 9.81], q: new Float64Array(12), qd: new Float64Array(12), tau: new Float64Array(12) })
  const params = est.field('params')
  const i = est.paramNames.indexOf('kf_foot_vel_std')
  const saved = params[i]
  params[i] = -1
  const code = est.update(0.002)
  assert.is(code, EST_STATUS.BAD_PARAM)
  assert.match(est.statusMessage(code), /kf_foot_vel_std/)
  params[i] = saved
  assert.is(est.update(0.002), EST_STATUS.OK)
})

async function rejects (p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p
  } catch (err) {
    assert.match((err as Error).message, re)
    return
  }
  assert.unreachable(`expected an error matching ${re}`)
}

test('bad frames and joints in the setup are named', async () => {
  const desc = await robot()
  const joints = jointNames(desc)
  const make = async (feet: readonly string[], imu: string | null, js: readonly string[]): Promise<StateEstimator> =>
    await StateEstimator.create(desc, { feet, imu, joints: js }, DEFAULT_ESTIMATOR_PARAMS, coreOptions())
  await rejects(make(['FL_foot', 'nope'], 'imu', joints), /no frame 'nope'/)
  await rejects(make(FEET, 'FL_foot', joints), /IMU frame 'FL_foot'/)
  await rejects(make(FEET, 'imu', [...joints.slice(0, 11), 'knee_x']), /no joint 'knee_x'/)
  await rejects(make(FEET, 'imu', joints.slice(0, 11)), /reads 12 joints/)
  await rejects(make(FEET, 'imu', [...joints.slice(0, 11), joints[0]]), /joint 'FL_hip_joint' \(named twice/)
})

test('non-finite sensor values and bad time steps give a status naming them; the next good sample works', async () => {
  const est = await quad12Estimator()
  const q = Float64Array.from(DEFAULT_Q)
  const good = { quat_imu: [1, 0, 0, 0], gyro_imu: [0, 0, 0], accel_imu: [0, 0, 9.81], q, qd: new Float64Array(12), tau: new Float64Array(12) }
  est.setSensors(good)
  assert.is(est.update(0.002), EST_STATUS.OK)
  est.setSensors({ ...good, gyro_imu: [0, Number.NaN, 0] })
  let code = est.update(0.002)
  assert.is(code, EST_STATUS.BAD_INPUT)
  assert.match(est.statusMessage(code), /imu_gyro/)
  est.setSensors({ ...good, tau: Float64Array.from({ length: 12 }, (_, j) => (j === 5 ? Infinity : 0)) })
  code = est.update(0.002)
  assert.match(est.statusMessage(code), /joint_tau/)
  est.setSensors(good)
  for (const dt of [0, -0.002, Number.NaN, 1]) {
    code = est.update(dt)
    assert.is(code, EST_STATUS.BAD_DT, `dt ${dt}`)
  }
  assert.is(est.update(0.002), EST_STATUS.OK)
  for (const x of est.p_base_world) assert.ok(Number.isFinite(x))
})

test('switching the estimator re-initializes the newly selected one from the sensors', async () => {
  const est = await quad12Estimator({ estimator: 'kf' })
  const good = { quat_imu: [1, 0, 0, 0], gyro_imu: [0, 0, 0], accel_imu: [0, 0, 9.81], q: Float64Array.from(DEFAULT_Q), qd: new Float64Array(12), tau: new Float64Array(12) }
  est.setSensors(good)
  for (let k = 0; k < 10; k++) assert.is(est.update(0.002), 0)
  assert.is(est.base_std[6], 0, 'the KF has no attitude covariance')
  est.setParams(estimatorParams({ estimator: 'inekf' }))
  assert.is(est.update(0.002), 0)
  assert.ok(est.base_std[6] > 0, 'the InEKF reports its attitude σ')
  assert.ok(Math.abs(est.p_base_world[2] - 0.29) < 0.03, `height from the legs ${est.p_base_world[2]}`)
})

// quad12's 'home' joint angles (robots/quad12/quad12.xml)
const DEFAULT_Q = [0, 0.8, -1.6, 0, 0.8, -1.6, 0, 0.8, -1.6, 0, 0.8, -1.6]

test.run()
