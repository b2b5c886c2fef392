// Error model of a MEMS IMU/AHRS, at the datasheet figures of the VectorNav VN-100 (an IMU with an
// on-board attitude filter, widely used on legged robots; MIT Cheetah-Software ships a VN-100 driver).
//
//   gyro  = ω_s + b_g + n_g,   n_g ~ N(0, σ_g²),  b_g[k+1] = b_g[k] + K_g √Δt · w
//   accel = f_s + b_a + n_a,   n_a ~ N(0, σ_a²),  b_a[k+1] = b_a[k] + K_a √Δt · w
//   quat  = exp(e) ⊗ q_ws,     e[k+1] = φ e[k] + √(1 − φ²) σ_e · w,  φ = exp(−Δt/τ_e)   (world-frame error)
//
// Datasheet figures (VN-100 product brief / datasheet, IMU section; g = 9.80665 m/s²):
//   gyro noise density 0.0035 °/s/√Hz                → N_g = 6.109e-5 rad/s/√Hz
//   gyro in-run bias stability < 10 °/h              → B_g = 4.848e-5 rad/s
//   accel noise density 0.14 mg/√Hz                  → N_a = 1.373e-3 m/s²/√Hz
//   accel in-run bias stability < 0.04 mg            → B_a = 3.923e-4 m/s²
//   attitude: pitch/roll 0.5° RMS (static), heading 2.0° RMS (magnetic)
// Conversions:
//   white noise, per sample at rate f_s = 1/Δt:  σ = N √f_s  (continuous white noise of PSD N², the
//     convention of Kalibr and of most estimator papers); at 500 Hz σ_g = 1.366e-3 rad/s, σ_a = 0.0307 m/s².
//   bias random walk: a rate random walk K has Allan deviation K √(τ/3); we let it reach the datasheet bias
//     instability B at τ_B = 100 s (assumed; MEMS Allan minima lie at 10–1000 s), K = B √(3/τ_B):
//     K_g = 8.40e-6 rad/s/√s, K_a = 6.79e-5 m/s²/√s (VectorNav's support quotes 5e-5 m/s³/√Hz for the
//     accelerometer bias random walk, as cited in public Kalibr configurations: the same magnitude).
//   attitude error: first-order Gauss–Markov with the datasheet RMS as stationary σ_e and τ_e = 10 s (assumed).
// Turn-on biases are zero by default (the VN-100 is factory calibrated); set gyroBiasInit/accelBiasInit.
import type { Rng } from './rng.ts'
import { quatFromRotvec, quatMul } from './rotation.ts'

const DEG = Math.PI / 180
const G0 = 9.80665

/** IMU error parameters; all SI. Zero disables a term. */
export interface ImuNoise {
  /** Gyro white noise density [rad/s/√Hz]. */
  gyroNoiseDensity: number
  /** Gyro bias random walk [rad/s/√s]. */
  gyroBiasRandomWalk: number
  /** Standard deviation of the turn-on gyro bias, per axis [rad/s]. */
  gyroBiasInit: number
  /** Accelerometer white noise density [m/s²/√Hz]. */
  accelNoiseDensity: number
  /** Accelerometer bias random walk [m/s²/√s]. */
  accelBiasRandomWalk: number
  /** Standard deviation of the turn-on accelerometer bias, per axis [m/s²]. */
  accelBiasInit: number
  /** Stationary standard deviation of the attitude error about world x and y [rad]. */
  attitudeRollPitchStd: number
  /** Stationary standard deviation of the heading error (about world z) [rad]. */
  attitudeYawStd: number
  /** Correlation time of the attitude error [s]. */
  attitudeTau: number
}

const TAU_B = 100

/** VN-100 figures converted as in the file header. */
export const VN100_NOISE: Readonly<ImuNoise> = {
  gyroNoiseDensity: 0.0035 * DEG,
  gyroBiasRandomWalk: (10 * DEG / 3600) * Math.sqrt(3 / TAU_B),
  gyroBiasInit: 0,
  accelNoiseDensity: 0.14e-3 * G0,
  accelBiasRandomWalk: 0.04e-3 * G0 * Math.sqrt(3 / TAU_B),
  accelBiasInit: 0,
  attitudeRollPitchStd: 0.5 * DEG,
  attitudeYawStd: 2.0 * DEG,
  attitudeTau: 10
}

/** Per-sample standard deviation of white noise of density `density` sampled every `dt` seconds. */
export function whiteNoiseStd (density: number, dt: number): number {
  return density / Math.sqrt(dt)
}

/** Stateful IMU error model; `sample` is called once per IMU sample (every control tick). */
export class ImuModel {
  /** True gyro bias, IMU frame [rad/s] (ground truth for estimator tests). */
  readonly gyroBias = new Float64Array(3)
  /** True accelerometer bias, IMU frame [m/s²]. */
  readonly accelBias = new Float64Array(3)
  /** Attitude error rotation vector, world frame [rad]. */
  readonly attitudeError = new Float64Array(3)
  private readonly sGyro: number
  private readonly sAccel: number
  private readonly sGyroBias: number
  private readonly sAccelBias: number
  private readonly phi: number
  private readonly sAtt: Float64Array
  private readonly qErr = new Float64Array(4)

  constructor (readonly noise: Readonly<ImuNoise>, readonly dt: number, private readonly rng: Rng) {
    for (const [k, v] of Object.entries(noise)) {
      if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`IMU noise parameter ${k} must be ≥ 0, got ${v}`)
    }
    if (!(dt > 0)) throw new RangeError(`IMU sample period must be positive, got ${dt}`)
    this.sGyro = whiteNoiseStd(noise.gyroNoiseDensity, dt)
    this.sAccel = whiteNoiseStd(noise.accelNoiseDensity, dt)
    this.sGyroBias = noise.gyroBiasRandomWalk * Math.sqrt(dt)
    this.sAccelBias = noise.accelBiasRandomWalk * Math.sqrt(dt)
    this.phi = noise.attitudeTau > 0 ? Math.exp(-dt / noise.attitudeTau) : 0
    const innov = Math.sqrt(1 - this.phi * this.phi)
    this.sAtt = new Float64Array([noise.attitudeRollPitchStd * innov, noise.attitudeRollPitchStd * innov, noise.attitudeYawStd * innov])
    this.reset()
  }

  /** Draws the turn-on biases and an attitude error from the stationary distribution. */
  reset (): void {
    const n = this.noise
    for (let k = 0; k < 3; k++) {
      this.gyroBias[k] = n.gyroBiasInit * this.rng.normal()
      this.accelBias[k] = n.accelBiasInit * this.rng.normal()
    }
    this.attitudeError[0] = n.attitudeRollPitchStd * this.rng.normal()
    this.attitudeError[1] = n.attitudeRollPitchStd * this.rng.normal()
    this.attitudeError[2] = n.attitudeYawStd * this.rng.normal()
  }

  /**
   * One sample: advances the biases and attitude error by dt, then writes the measured quaternion (4),
   * angular velocity (3) and specific force (3) from the ideal values. Outputs may alias the inputs.
   */
  sample (quat_true: Float64Array, omega_true: Float64Array, force_true: Float64Array,
    quat_out: Float64Array, gyro_out: Float64Array, accel_out: Float64Array): void {
    const rng = this.rng
    for (let k = 0; k < 3; k++) {
      this.gyroBias[k] += this.sGyroBias * rng.normal()
      this.accelBias[k] += this.sAccelBias * rng.normal()
      this.attitudeError[k] = this.phi * this.attitudeError[k] + this.sAtt[k] * rng.normal()
    }
    for (let k = 0; k < 3; k++) {
      gyro_out[k] = omega_true[k] + this.gyroBias[k] + this.sGyro * rng.normal()
      accel_out[k] = force_true[k] + this.accelBias[k] + this.sAccel * rng.normal()
    }
    quatFromRotvec(this.qErr, this.attitudeError, 0)
    quatMul(quat_out, this.qErr, 0, quat_true, 0)
  }
}
