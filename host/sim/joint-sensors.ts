// Joint sensors as a Mini Cheetah-class motor driver reports them (Katz 2018, §2.3.3 and §2.3.2):
//
// Position: an AS5047P 14-bit magnetic encoder on the rotor, read every driver cycle; the output angle
// is the rotor angle over the gear ratio, so one count is 2π / (2¹⁴ · N) rad at the output
// (6.39e-5 rad for N = 6, 4.11e-5 rad for the knee's 9.33). "Individual samples have roughly 2 bits of
// noise": modelled as Gaussian noise of σ = 1 count before quantization.
//   q_meas = Δ · round((q + σ_q w) / Δ),   Δ = 2π / (2^bits · N)
//
// Velocity: the driver differences encoder samples over a short window (16 samples at 40 kHz = 0.4 ms
// on the Mini Cheetah). The plant samples the encoder every physics step h and reports
//   qd_meas = (q_meas[k] − q_meas[k − w]) / (w · h),   w = velocityWindow (default 1 step = 0.5 ms),
// a filtered difference of quantized positions, with the driver's quantization noise and lag.
//
// Torque: estimated from the measured phase current, τ_est = clamp(τ_applied + σ_τ w, ±τ_max).
// σ_τ = 0.03 N·m is a few current-ADC counts: 12-bit ADC over ±40 A (1 mΩ shunt, gain 40, §2.3.2) is
// 0.02 A/count, times KT·N = 0.45 N·m/A (Mini Cheetah firmware motor_config.h, KT_OUT) ≈ 0.009 N·m/count;
// 3 counts assumed.
import type { Rng } from './rng.ts'

export interface JointSensorNoise {
  /** Encoder resolution [bits per rotor turn]. */
  encoderBits: number
  /** Encoder noise before quantization [counts, 1σ]. */
  encoderNoiseCounts: number
  /** Velocity difference window [physics steps], ≥ 1. */
  velocityWindow: number
  /** Torque estimate noise [N·m, 1σ]. */
  torqueNoiseStd: number
}

export const MINI_CHEETAH_DRIVER_NOISE: Readonly<JointSensorNoise> = {
  encoderBits: 14,
  encoderNoiseCounts: 1,
  velocityWindow: 1,
  torqueNoiseStd: 0.03
}

/** Encoder, velocity and torque-estimate models for n joints; buffers allocated once. */
export class JointSensors {
  /** Output-side encoder quantum per joint [rad]. */
  readonly quantum: Float64Array
  private readonly ring: Float64Array
  private readonly slots: number
  private head = 0
  private readonly sigmaQ: Float64Array

  constructor (readonly n: number, gearRatio: Float64Array, readonly physicsDt: number,
    readonly noise: Readonly<JointSensorNoise>, private readonly rng: Rng, private readonly noiseless: boolean) {
    if (!(Number.isInteger(noise.encoderBits) && noise.encoderBits >= 1 && noise.encoderBits <= 32)) {
      throw new RangeError(`encoderBits must be an integer in [1, 32], got ${noise.encoderBits}`)
    }
    if (!(Number.isInteger(noise.velocityWindow) && noise.velocityWindow >= 1)) {
      throw new RangeError(`velocityWindow must be an integer ≥ 1, got ${noise.velocityWindow}`)
    }
    if (!(noise.encoderNoiseCounts >= 0 && noise.torqueNoiseStd >= 0)) throw new RangeError('joint sensor noise must be ≥ 0')
    this.quantum = new Float64Array(n)
    this.sigmaQ = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      this.quantum[i] = 2 * Math.PI / (2 ** noise.encoderBits * gearRatio[i])
      this.sigmaQ[i] = noise.encoderNoiseCounts * this.quantum[i]
    }
    this.slots = noise.velocityWindow + 1
    this.ring = new Float64Array(this.slots * n)
  }

  private measure (i: number, q: number): number {
    if (this.noiseless) return q
    const d = this.quantum[i]
    return d * Math.round((q + this.sigmaQ[i] * this.rng.normal()) / d)
  }

  /** Fills the whole window with one sample of the current positions (velocity reads 0). */
  reset (qpos: Float64Array, qposAdr: Int32Array): void {
    for (let i = 0; i < this.n; i++) {
      const m = this.measure(i, qpos[qposAdr[i]])
      for (let s = 0; s < this.slots; s++) this.ring[s * this.n + i] = m
    }
    this.head = 0
  }

  /** One encoder sample per joint (call once per physics step, after the step). */
  sampleEncoders (qpos: Float64Array, qposAdr: Int32Array): void {
    this.head = (this.head + 1) % this.slots
    const base = this.head * this.n
    for (let i = 0; i < this.n; i++) this.ring[base + i] = this.measure(i, qpos[qposAdr[i]])
  }

  /** Writes the latest position and the windowed velocity (noiseless: true values from qvel). */
  read (q_out: Float64Array, qd_out: Float64Array, qvel: Float64Array, dofAdr: Int32Array): void {
    const n = this.n
    const cur = this.head * n
    const old = ((this.head + 1) % this.slots) * n
    const inv = 1 / ((this.slots - 1) * this.physicsDt)
    for (let i = 0; i < n; i++) {
      q_out[i] = this.ring[cur + i]
      qd_out[i] = this.noiseless ? qvel[dofAdr[i]] : (this.ring[cur + i] - this.ring[old + i]) * inv
    }
  }

  /** Torque estimate from the applied torque: noise, then the driver's clamp to ±limit. */
  torque (tau_applied: Float64Array, limit: Float64Array, tau_out: Float64Array): void {
    for (let i = 0; i < this.n; i++) {
      let t = tau_applied[i]
      if (!this.noiseless) t += this.noise.torqueNoiseStd * this.rng.normal()
      const l = limit[i]
      tau_out[i] = t > l ? l : t < -l ? -l : t
    }
  }
}
