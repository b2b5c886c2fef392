// IMU model: the ideal readings (host/sim/imu-kinematics.ts) against MuJoCo's own framequat, gyro and
// accelerometer sensors at the same site during motion; the accelerometer at rest reads +g upward; and
// the attitude error of the AHRS output has the configured stationary σ and correlation.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { idealImu } from '../../host/sim/imu-kinematics.ts'
import { ImuModel, VN100_NOISE } from '../../host/sim/imu-model.ts'
import { Rng } from '../../host/sim/rng.ts'
import { quatRotateInv } from '../../host/sim/rotation.ts'
import { mean, standingPlant, std } from './helpers.ts'

test('ideal IMU = MuJoCo framequat / gyro / accelerometer at the imu site, during a push', async () => {
  const plant = await standingPlant({ noiseless: true, mujocoSensors: true })
  const { mj, model, data } = plant
  const adr = (name: string): number => {
    const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_SENSOR.value, name)
    assert.ok(id >= 0, `scene.xml has sensor ${name}`)
    return (model.sensor_adr as Int32Array)[id]
  }
  const [aq, ag, aa] = [adr('imu_quat'), adr('imu_gyro'), adr('imu_accel')]
  const mount = {
    qposAdr: plant.info.baseQposAdr,
    dofAdr: plant.info.baseDofAdr,
    r_base: Float64Array.from(plant.info.imuPos),
    q_base_imu: Float64Array.from(plant.info.imuQuat),
    gravity_world: Float64Array.from(model.opt.gravity as Float64Array)
  }
  const q = new Float64Array(4)
  const w = new Float64Array(3)
  const f = new Float64Array(3)
  const scratch = new Float64Array(3)
  let maxAccel = 0
  for (let t = 0; t < 600; t++) {
    if (t === 100) plant.push([40, 25, 0], 0.15, [2, -3, 1])
    plant.tick()
    if (t % 10 !== 0) continue
    mj.mj_forward(model, data) // recomputes qacc and MuJoCo's sensors at the current state
    idealImu(mount, data.qpos as Float64Array, data.qvel as Float64Array, data.qacc as Float64Array, q, w, f, scratch)
    const sd = data.sensordata as Float64Array
    const sign = Math.sign(q[0] * sd[aq] + q[1] * sd[aq + 1] + q[2] * sd[aq + 2] + q[3] * sd[aq + 3])
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(q[k] - sign * sd[aq + k]) < 1e-9, `quat ${k}`)
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(w[k] - sd[ag + k]) < 1e-9, `gyro ${k}: ${w[k]} vs ${sd[ag + k]}`)
      assert.ok(Math.abs(f[k] - sd[aa + k]) < 1e-7, `accel ${k} at t=${t}: ${f[k]} vs ${sd[aa + k]}`)
      maxAccel = Math.max(maxAccel, Math.abs(f[k] - (k === 2 ? 9.81 : 0)))
    }
  }
  assert.ok(maxAccel > 1, 'the push should produce accelerations well away from 1 g')
  plant.close()
})

test('accelerometer at rest reads +g upward in the IMU frame (≈ [0, 0, 9.81] when level)', async () => {
  const plant = await standingPlant({ seed: 11 })
  for (let i = 0; i < 500; i++) plant.tick()
  const n = 2000
  const a = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]
  for (let t = 0; t < n; t++) {
    plant.tick()
    for (let k = 0; k < 3; k++) a[k][t] = plant.sensors.accel_imu[k]
  }
  const gt = plant.groundTruth()
  const expected = new Float64Array(3)
  quatRotateInv(expected, gt.quat_base_world, 0, [0, 0, 9.81], 0)
  // σ_a = 0.0307 m/s² per sample → SE of the mean 7e-4; bias drift over 5 s ≈ 1.5e-4.
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(mean(a[k]) - expected[k]) < 0.005, `axis ${k}: ${mean(a[k])} vs ${expected[k]}`)
    assert.ok(Math.abs(std(a[k]) / (VN100_NOISE.accelNoiseDensity * Math.sqrt(500)) - 1) < 0.1, `axis ${k} σ ${std(a[k])}`)
  }
  assert.ok(Math.abs(mean(a[2]) - 9.81) < 0.01, 'level robot: z reads +9.81')
  assert.ok(Math.abs(mean(a[0])) < 0.1 && Math.abs(mean(a[1])) < 0.1)
  plant.close()
})

test('AHRS attitude error: stationary σ per axis and Gauss–Markov correlation exp(−Δt/τ)', () => {
  const dt = 0.002
  const models = 3000
  const rng = new Rng(3)
  const e0 = [new Float64Array(models), new Float64Array(models), new Float64Array(models)]
  let corr = 0
  let norm = 0
  const ident = Float64Array.of(1, 0, 0, 0)
  const zero = new Float64Array(3)
  const q = new Float64Array(4); const g = new Float64Array(3); const a = new Float64Array(3)
  for (let m = 0; m < models; m++) {
    const imu = new ImuModel(VN100_NOISE, dt, rng)
    imu.sample(ident, zero, zero, q, g, a)
    // Small-angle error rotation vector ≈ 2 · vector part of the measured quaternion (true = identity).
    const e = [2 * q[1], 2 * q[2], 2 * q[3]]
    for (let k = 0; k < 3; k++) e0[k][m] = e[k]
    for (let s = 0; s < 500; s++) imu.sample(ident, zero, zero, q, g, a) // 1 s later
    const e1 = [2 * q[1], 2 * q[2], 2 * q[3]]
    for (let k = 0; k < 2; k++) { corr += e[k] * e1[k]; norm += e[k] * e[k] }
  }
  const sRP = VN100_NOISE.attitudeRollPitchStd
  // Relative SE of an SD over 3000 samples: 1.3 %; tolerance 6 %.
  assert.ok(Math.abs(std(e0[0]) / sRP - 1) < 0.06, `roll σ ${std(e0[0])}`)
  assert.ok(Math.abs(std(e0[1]) / sRP - 1) < 0.06, `pitch σ ${std(e0[1])}`)
  assert.ok(Math.abs(std(e0[2]) / VN100_NOISE.attitudeYawStd - 1) < 0.06, `yaw σ ${std(e0[2])}`)
  const phi1s = Math.exp(-1 / VN100_NOISE.attitudeTau)
  assert.ok(Math.abs(corr / norm - phi1s) < 0.03, `1 s correlation ${corr / norm} vs ${phi1s}`)
})

test.run()
