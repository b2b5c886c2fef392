// Sensor error statistics with the robot standing still (many samples), against the configured
// parameters: gyro white noise σ = N_g √f_s and bias random-walk increments σ = K_g √Δt (the defaults
// from the VN-100 datasheet, host/sim/imu-model.ts), encoder values on the 14-bit rotor grid
// Δ = 2π / (2¹⁴ N), driver velocities on the grid Δ / h, and the torque estimate's noise.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { VN100_NOISE } from '../../host/sim/imu-model.ts'
import { mean, standingPlant, std } from './helpers.ts'

const N = 10000
const DT = 0.002

test('gyro: white noise σ and bias random-walk growth match the configuration', async () => {
  const plant = await standingPlant({ seed: 5 })
  for (let i = 0; i < 250; i++) plant.tick()
  const white = [new Float64Array(N), new Float64Array(N), new Float64Array(N)]
  const incr = [new Float64Array(N), new Float64Array(N), new Float64Array(N)]
  const gt = plant.groundTruth()
  const prevBias = Float64Array.from(gt.gyroBias_imu)
  const bias0 = Float64Array.from(gt.gyroBias_imu)
  for (let t = 0; t < N; t++) {
    plant.tick()
    plant.groundTruth(gt)
    for (let k = 0; k < 3; k++) {
      // The IMU frame of quad12 is the base frame (identity site rotation).
      white[k][t] = plant.sensors.gyro_imu[k] - gt.omega_base_body[k] - gt.gyroBias_imu[k]
      incr[k][t] = gt.gyroBias_imu[k] - prevBias[k]
      prevBias[k] = gt.gyroBias_imu[k]
    }
  }
  const sigma = VN100_NOISE.gyroNoiseDensity * Math.sqrt(1 / DT)
  const sigmaStep = VN100_NOISE.gyroBiasRandomWalk * Math.sqrt(DT)
  assert.ok(Math.abs(sigma - 1.366e-3) < 1e-5, `σ_g per sample ${sigma}`)
  for (let k = 0; k < 3; k++) {
    // Relative SE of a sample SD over 10⁴ samples: 0.7 %; tolerance 3.5 %.
    assert.ok(Math.abs(std(white[k]) / sigma - 1) < 0.035, `axis ${k}: white σ ${std(white[k])} vs ${sigma}`)
    assert.ok(Math.abs(mean(white[k])) < 5 * sigma / Math.sqrt(N))
    assert.ok(Math.abs(std(incr[k]) / sigmaStep - 1) < 0.035, `axis ${k}: bias step σ ${std(incr[k])} vs ${sigmaStep}`)
    // Independent increments: lag-1 correlation within 5 SE (1/√N) of zero.
    let c = 0
    for (let t = 1; t < N; t++) c += incr[k][t] * incr[k][t - 1]
    assert.ok(Math.abs(c / ((N - 1) * sigmaStep ** 2)) < 0.05)
  }
  // Growth: Var(b(t) − b(0)) = K² t. Pool the 3 axes' squared displacements over the 20 s run.
  const T = N * DT
  let sq = 0
  for (let k = 0; k < 3; k++) sq += (gt.gyroBias_imu[k] - bias0[k]) ** 2
  const ratio = sq / (3 * VN100_NOISE.gyroBiasRandomWalk ** 2 * T)
  // χ²₃/3: 0.001 < ratio < 6 is a 99.9 % interval.
  assert.ok(ratio > 0.001 && ratio < 6, `bias growth ratio ${ratio}`)
  plant.close()
})

test('bias random walk grows as √t across independent runs (configured 10× VN-100 for a clear signal)', async () => {
  const K = 10 * VN100_NOISE.gyroBiasRandomWalk
  const runs = 24
  const ticks = 500
  const d = new Float64Array(runs * 3)
  const dHalf = new Float64Array(runs * 3)
  for (let r = 0; r < runs; r++) {
    const plant = await standingPlant({ seed: 100 + r, noise: { imu: { gyroBiasRandomWalk: K } } })
    const b0 = Float64Array.from(plant.groundTruth().gyroBias_imu)
    for (let i = 0; i < ticks; i++) {
      plant.tick()
      if (i === ticks / 4 - 1) {
        const g = plant.groundTruth()
        for (let k = 0; k < 3; k++) dHalf[3 * r + k] = g.gyroBias_imu[k] - b0[k]
      }
    }
    const g = plant.groundTruth()
    for (let k = 0; k < 3; k++) d[3 * r + k] = g.gyroBias_imu[k] - b0[k]
    plant.close()
  }
  const rms = (a: Float64Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length)
  // 72 samples: relative SE of an RMS ≈ 8 %; tolerance 30 %.
  const expectFull = K * Math.sqrt(ticks * DT)
  const expectQuarter = K * Math.sqrt(ticks / 4 * DT)
  assert.ok(Math.abs(rms(d) / expectFull - 1) < 0.3, `rms at 1 s ${rms(d)} vs ${expectFull}`)
  assert.ok(Math.abs(rms(dHalf) / expectQuarter - 1) < 0.3, `rms at 0.25 s ${rms(dHalf)} vs ${expectQuarter}`)
})

test('encoders sit on the 14-bit rotor grid; driver velocities on the grid Δ/h; torque noise σ', async () => {
  const plant = await standingPlant({ seed: 9 })
  const gear = [6, 6, 9.33]
  const h = plant.physicsDt
  const tauErr: number[] = []
  const encErr: number[] = []
  let distinct = 0
  let prev = plant.sensors.q.slice()
  for (let t = 0; t < 2000; t++) {
    plant.tick()
    const gt = plant.groundTruth()
    for (let i = 0; i < 12; i++) {
      const quantum = 2 * Math.PI / (16384 * gear[i % 3])
      const q = plant.sensors.q[i]
      const counts = q / quantum
      assert.ok(Math.abs(counts - Math.round(counts)) < 1e-6, `joint ${i}: ${q} is not a multiple of ${quantum}`)
      encErr.push((q - gt.q[i]) / quantum)
      const vcounts = plant.sensors.qd[i] * h / quantum
      assert.ok(Math.abs(vcounts - Math.round(vcounts)) < 1e-6, `joint ${i}: velocity ${plant.sensors.qd[i]} off the Δ/h grid`)
      if (q !== prev[i]) distinct++
      tauErr.push(plant.sensors.tau[i] - plant.tau_applied[i])
    }
    prev = plant.sensors.q.slice()
  }
  // Gaussian noise of 1 count, then rounding (uniform, variance 1/12): σ = √(1 + 1/12) = 1.041 counts.
  assert.ok(Math.abs(std(encErr) / Math.sqrt(1 + 1 / 12) - 1) < 0.03, `encoder error σ ${std(encErr)} counts`)
  assert.ok(Math.abs(mean(encErr)) < 0.03)
  assert.ok(encErr.every((e) => Math.abs(e) < 7))
  assert.ok(distinct > 1000, 'encoder noise should change readings between ticks')
  assert.ok(Math.abs(std(tauErr) / 0.03 - 1) < 0.03, `torque noise σ ${std(tauErr)}`)
  assert.ok(Math.abs(mean(tauErr)) < 0.001)
  plant.close()
})

test('noiseless sensors equal the truth', async () => {
  const plant = await standingPlant({ noiseless: true })
  for (let t = 0; t < 100; t++) plant.tick()
  const gt = plant.groundTruth()
  assert.equal(Array.from(plant.sensors.q), Array.from(gt.q))
  assert.equal(Array.from(plant.sensors.qd), Array.from(gt.qd))
  assert.equal(Array.from(plant.sensors.gyro_imu), Array.from(gt.omega_base_body))
  assert.equal(Array.from(plant.sensors.tau), Array.from(plant.tau_applied))
  plant.close()
})

test.run()
