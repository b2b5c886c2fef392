// The MuJoCo plant behind the POSIX bridge's emulated drives (firmware-bridge/SHAFT.md): a UDP server on
// 127.0.0.1 that answers every STEP datagram of the bridge by advancing the plant one step and returning
// the shafts' state. The bridge clocks the physics (one STEP per --plant-dt-us of its wall clock).
//
// Shaft i is drive i of the bridge (the motor map's order). The transmission between a drive's shaft and
// its MuJoCo joint is the motor map's (motor-map.ts), with the bench's own mounting offset in place of the
// calibrated zero_offset:
//   θ = d·q + mount,  θ̇ = d·q̇,  d = direction · gear_ratio
// and the drive's law τ_shaft = clamp(kp(θ_des − θ) + kd(θ̇_des − θ̇) + τ_ff, ±τ_max) seen at the joint is
//   τ = d·τ_shaft = d²kp·((θ_des − mount)/d − q) + d²kd·(θ̇_des/d − q̇) + d·τ_ff
// which the plant's drive emulation evaluates at every physics substep (the implicit form SHAFT.md allows;
// the plant's own peak-torque limit, host/sim/actuator-model.ts, stands for τ_max).
//
// `hold` freezes the physics (the robot on the bench's stand): STEPs are answered with the held state.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import type { Plant } from '../sim/plant.ts'
import type { JointMotor } from '../drivers/motor-map.ts'

export const SHAFT_MAGIC = 0x48534243
export const SHAFT_VERSION = 1
const HEADER = 20
const STEP_JOINT = 28
const STATE_JOINT = 16

export interface ShaftServerCounters {
  steps: number
  /** STEPs answered without advancing (hold) */
  held: number
  malformed: number
  /** STEPs whose dt differs from the plant's control period */
  dt_mismatch: number
}

export class ShaftServer {
  readonly counters: ShaftServerCounters = { steps: 0, held: 0, malformed: 0, dt_mismatch: 0 }
  /** While true, the physics does not advance. */
  hold = true
  /** Bench mounting offset per shaft [rad] (drive angle at joint angle 0). */
  readonly mount: Float64Array
  /** Last message about a malformed datagram. */
  lastError: string | null = null
  private sock: Socket | null = null
  private readonly jointOfShaft: Int32Array
  private readonly d: Float64Array
  private readonly out: Buffer
  private readonly n: number
  private readonly qposAdr: Int32Array
  private readonly dofAdr: Int32Array
  private readonly listeners: Array<() => void> = []

  constructor (readonly plant: Plant, readonly motors: readonly JointMotor[], mount?: ArrayLike<number>) {
    this.n = motors.length
    this.jointOfShaft = Int32Array.from(motors, (m) => {
      const j = plant.jointNames.indexOf(m.joint)
      if (j < 0) throw new Error(`motor map joint '${m.joint}' is not an actuated joint of ${plant.file}`)
      return j
    })
    this.d = Float64Array.from(motors, (m) => m.direction * m.gear_ratio)
    this.mount = mount !== undefined ? Float64Array.from(mount) : Float64Array.from(motors, (m) => m.zero_offset)
    this.out = Buffer.alloc(HEADER + STATE_JOINT * this.n)
    this.qposAdr = Int32Array.from(plant.info.joints, (j) => j.qposAdr)
    this.dofAdr = Int32Array.from(plant.info.joints, (j) => j.dofAdr)
  }

  /** Binds to 127.0.0.1 on an ephemeral port; resolves with the port. */
  async listen (): Promise<number> {
    const sock = createSocket('udp4')
    this.sock = sock
    sock.on('message', (msg: Buffer, from: RemoteInfo) => this.onStep(msg, from))
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()))
    return sock.address().port
  }

  /** Called after every STEP answered (plant advanced or held). */
  onStepped (fn: () => void): void {
    this.listeners.push(fn)
  }

  close (): void {
    this.sock?.close()
    this.sock = null
  }

  private onStep (msg: Buffer, from: RemoteInfo): void {
    if (msg.length < HEADER || msg.readUInt32LE(0) !== SHAFT_MAGIC || msg.readUInt16LE(4) !== SHAFT_VERSION || msg.readUInt16LE(6) !== 1) {
      this.counters.malformed++
      this.lastError = `STEP datagram of ${msg.length} bytes with a bad header`
      return
    }
    const n = msg.readUInt16LE(16)
    if (n !== this.n || msg.length !== HEADER + STEP_JOINT * n) {
      this.counters.malformed++
      this.lastError = `STEP for ${n} joints (${msg.length} bytes); the motor map has ${this.n}`
      return
    }
    const step = msg.readUInt32LE(8)
    const dt_ns = msg.readUInt32LE(12)
    const p = this.plant
    if (Math.abs(dt_ns * 1e-9 - p.controlPeriod) > 1e-7) this.counters.dt_mismatch++
    const c = p.command
    for (let i = 0; i < n; i++) {
      const o = HEADER + STEP_JOINT * i
      const kp = msg.readFloatLE(o + 4)
      const kd = msg.readFloatLE(o + 8)
      const qDes = msg.readFloatLE(o + 12)
      const qdDes = msg.readFloatLE(o + 16)
      const tauFf = msg.readFloatLE(o + 20)
      const j = this.jointOfShaft[i]
      const d = this.d[i]
      const ok = Number.isFinite(kp) && Number.isFinite(kd) && Number.isFinite(qDes) && Number.isFinite(qdDes) && Number.isFinite(tauFf) && kp >= 0 && kd >= 0
      c.kp[j] = ok ? d * d * kp : 0
      c.kd[j] = ok ? d * d * kd : 0
      c.q_des[j] = ok ? (qDes - this.mount[i]) / d : 0
      c.qd_des[j] = ok ? qdDes / d : 0
      c.tau_ff[j] = ok ? d * tauFf : 0
    }
    if (this.hold) {
      this.counters.held++
    } else {
      p.setMode('pd')
      p.tick()
      this.counters.steps++
    }
    const out = this.out
    out.writeUInt32LE(SHAFT_MAGIC, 0)
    out.writeUInt16LE(SHAFT_VERSION, 4)
    out.writeUInt16LE(2, 6)
    out.writeUInt32LE(step, 8)
    out.writeUInt32LE(0, 12)
    out.writeUInt16LE(n, 16)
    out.writeUInt16LE(0, 18)
    const qpos = p.data.qpos as Float64Array
    const qvel = p.data.qvel as Float64Array
    for (let i = 0; i < n; i++) {
      const j = this.jointOfShaft[i]
      const d = this.d[i]
      out.writeDoubleLE(d * qpos[this.qposAdr[j]] + this.mount[i], HEADER + STATE_JOINT * i)
      out.writeDoubleLE(d * qvel[this.dofAdr[j]], HEADER + STATE_JOINT * i + 8)
    }
    this.sock?.send(out, from.port, from.address)
    for (const fn of this.listeners) fn()
  }
}
