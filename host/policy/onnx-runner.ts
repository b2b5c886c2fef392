// Runs an OnnxPolicy at its own rate (policy.onnx.rate_hz) beside the controller: on each policy tick
// it builds the observation from the newest telemetry record, runs the model, and queues the joint
// targets through the policy port, stamped with the controller time of the observation. Ticks are
// decided on controller time, so the same code runs in real time and in lockstep (where the run loop
// awaits each inference, keeping runs deterministic). An inference still running when the next tick is
// due is not overlapped: that tick is skipped and counted.
import type { Layouts } from '../runtime/frames.ts'
import type { OnnxPolicy } from './onnx-policy.ts'
import type { PolicyPort } from './policy-port.ts'

export class OnnxPolicyRunner {
  /** Policy ticks run, skipped (previous inference still busy), and refused by the port. */
  steps = 0
  skipped = 0
  refused = 0
  lastError: string | null = null
  /** Velocity command (vx, vy, wz) the policy is asked to track. */
  readonly commands = new Float64Array(3)
  private next = -Infinity
  private busy = false
  private seq = 1
  private readonly period: number
  private readonly tel: Float64Array
  private haveTel = false
  private readonly input: { omega_base_body: Float64Array, v_base_body: Float64Array, quat_base_world: Float64Array, commands: Float64Array, q: Float64Array, qd: Float64Array }

  constructor (readonly policy: OnnxPolicy, private readonly port: PolicyPort, private readonly L: Layouts, rate_hz: number) {
    this.period = 1 / rate_hz
    this.tel = new Float64Array(L.telemetry.size)
    const a = L.telemetry.at
    const s = L.sensor.at
    const nj = L.dims.nj
    this.input = {
      omega_base_body: this.tel.subarray(a.est_omega_base_body, a.est_omega_base_body + 3),
      v_base_body: this.tel.subarray(a.est_v_base_body, a.est_v_base_body + 3),
      quat_base_world: this.tel.subarray(a.est_quat_base_world, a.est_quat_base_world + 4),
      commands: this.commands,
      q: this.tel.subarray(a.sensor + s.q, a.sensor + s.q + nj),
      qd: this.tel.subarray(a.sensor + s.qd, a.sensor + s.qd + nj)
    }
  }

  /** Keeps the newest telemetry record (call for each drained record). */
  observe (tel: Float64Array): void {
    this.tel.set(tel)
    this.haveTel = true
  }

  /** Runs a policy tick if one is due at the newest record's time; resolves when its targets are queued. */
  async maybeStep (): Promise<void> {
    if (!this.haveTel) return
    const t = this.tel[this.L.telemetry.at.t]
    if (t < this.next) return
    if (this.busy) { this.skipped++; this.next += this.period; return }
    this.next = this.next === -Infinity ? t + this.period : Math.max(this.next + this.period, t)
    this.busy = true
    try {
      const msg = await this.policy.step(this.input)
      const v = this.port.submitLocal(msg, t, this.seq++)
      if (!v.ok) { this.refused++; this.lastError = `${v.reason}: ${v.message}` }
      this.steps++
    } finally {
      this.busy = false
    }
  }
}
