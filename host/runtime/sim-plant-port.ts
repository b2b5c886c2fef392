// PlantPort over the MuJoCo plant (host/sim/plant.ts): copies command records into plant.command, maps
// the drive mode, ticks, and fills sensor records from plant.sensors plus the simulator's ground truth of
// the base (position, orientation, velocities; flagged gt_valid so nothing mistakes it for a measurement).
// Foot contact switches: the simulated robot has none (-1), like quad12's real counterpart.
import type { Plant } from '../sim/plant.ts'
import { DriveMode, type Layouts } from './frames.ts'
import type { PlantPort } from './plant-port.ts'

export class SimPlantPort implements PlantPort {
  readonly jointNames: readonly string[]
  readonly nfeet: number
  readonly period_s: number
  private readonly nj: number
  private readonly baseQ: number
  private readonly baseV: number

  constructor (readonly plant: Plant, private readonly layouts: Layouts, nfeet = layouts.dims.nfeet) {
    this.jointNames = plant.jointNames
    this.nj = plant.nu
    this.nfeet = nfeet
    this.period_s = plant.controlPeriod
    this.baseQ = plant.info.baseQposAdr
    this.baseV = plant.info.baseDofAdr
  }

  readSensors (out: Float64Array): void {
    const a = this.layouts.sensor.at
    const s = this.plant.sensors
    out[a.seq] = s.seq
    out[a.t] = s.time_s
    out[a.valid] = 1
    out.set(s.q, a.q)
    out.set(s.qd, a.qd)
    out.set(s.tau, a.tau)
    out.set(s.quat_imu, a.imu_quat)
    out.set(s.gyro_imu, a.imu_gyro)
    out.set(s.accel_imu, a.imu_accel)
    for (let k = 0; k < this.nfeet; k++) out[a.contact + k] = -1
    const qpos = this.plant.data.qpos as Float64Array
    const qvel = this.plant.data.qvel as Float64Array
    out[a.gt_valid] = 1
    for (let k = 0; k < 3; k++) out[a.gt_p_base_world + k] = qpos[this.baseQ + k]
    for (let k = 0; k < 4; k++) out[a.gt_quat_base_world + k] = qpos[this.baseQ + 3 + k]
    // MuJoCo free joint: qvel = [v_world (3), ω_body (3)].
    for (let k = 0; k < 3; k++) out[a.gt_v_base_world + k] = qvel[this.baseV + k]
    for (let k = 0; k < 3; k++) out[a.gt_omega_base_body + k] = qvel[this.baseV + 3 + k]
  }

  step (cmd: Float64Array | null): void {
    const p = this.plant
    if (cmd === null) {
      p.setMode('damping')
    } else {
      const c = this.layouts.command.at
      const nj = this.nj
      const pc = p.command
      for (let i = 0; i < nj; i++) {
        pc.tau_ff[i] = cmd[c.tau_ff + i]
        pc.q_des[i] = cmd[c.q_des + i]
        pc.qd_des[i] = cmd[c.qd_des + i]
        pc.kp[i] = cmd[c.kp + i]
        pc.kd[i] = cmd[c.kd + i]
      }
      const m = cmd[c.drive_mode]
      p.setMode(m === DriveMode.pd ? 'pd' : m === DriveMode.damping ? 'damping' : 'disable')
    }
    p.tick()
  }

  time (): number {
    return this.plant.time
  }

  truePose (p_world: Float64Array, quat_world: Float64Array): boolean {
    this.plant.readBasePose(p_world, quat_world)
    return true
  }

  close (): void {
    this.plant.close()
  }
}
