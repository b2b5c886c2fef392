// PlantPort over the motor drivers (host/drivers): `cerebellum run --plant hil` (the bench of hil-bench.ts
// behind a pty) and `--plant serial:PATH` (a real bridge). Each `step` hands the controller's command
// record to MitRobotDriver.step, which sends one COMMAND frame; STATE frames decoded in between are what
// `readSensors` reports. The first step starts the drivers' safe start (enter motor mode, limit check,
// soft start); sensors are flagged valid only while the drivers run (`sensorsValid`), so the controller
// damps until then and again whenever the drivers fall into their safe mode.
//
// The bridge carries joints only. On the HIL bench the IMU and the ground truth come from the simulated
// plant (the bench's IMU); on a real robot no IMU driver exists yet, so IMU fields are NaN and the frame
// is flagged invalid: the drives are commanded (damping) but the controller will not stand.
import { DriveMode, type Layouts } from '../runtime/frames.ts'
import type { PlantPort } from '../runtime/plant-port.ts'
import { createDriverCommand, type DriverCommand, type MitRobotDriver } from '../drivers/mit-robot-driver.ts'
import type { HilBench } from './hil-bench.ts'

export class DriverPlantPort implements PlantPort {
  readonly jointNames: readonly string[]
  readonly nfeet: number
  readonly period_s: number
  private readonly cmd: DriverCommand
  private readonly t0_ms = performance.now()
  private seq = 0
  private started = false
  private lastSend_ms = -Infinity
  /** Steps not sent because they came less than half a period after the previous one. */
  coalesced = 0

  constructor (readonly driver: MitRobotDriver, private readonly layouts: Layouts, jointNames: readonly string[], readonly bench: HilBench | null, nfeet = layouts.dims.nfeet) {
    this.jointNames = jointNames
    this.nfeet = nfeet
    this.period_s = driver.map.value.bridge.tick_period_us * 1e-6
    this.cmd = createDriverCommand(driver.n)
  }

  /** Bridge link health for the operator (terminal UI): session and driver state, frame counters, bus load. */
  link (): Record<string, number | string> {
    const d = this.driver
    const s = d.session
    const c = s.counters
    const out: Record<string, number | string> = {
      session: s.phase, drives: d.phase, watchdog: s.tripped ? 'TRIPPED' : 'ok',
      commands: c.commands_sent, states: c.states, stale: c.states_stale, seq_gaps: c.rx_seq_gaps,
      bad_frames: c.rx_bad + c.rx_malformed, faults: c.faults, safe_entries: d.counters.safe_entries, coalesced: this.coalesced
    }
    if (d.safeReason !== null) out.safe_reason = d.safeReason
    const e = d.ecat
    if (e !== null) {
      // the EtherCAT segment behind the bridge (PROTOCOL.md §5)
      out.ecat = ['idle', 'start-up', 'OP', 'degraded', 'failed'][e.master] ?? String(e.master)
      out.ecat_wkc = `${d.ecatWkc}/${e.wkc_expected}`
      out.ecat_stale = d.ecatStale
      out.ecat_in_op = e.n_op
      if (s.diag.n_ecat > 0) out.ecat_dc_jitter_us = Math.round(s.diag.ecat[0].dc_jitter_ns / 100) / 10
    }
    for (let b = 0; b < 8; b++) {
      const load = s.busLoad(b)
      if (Number.isFinite(load)) out[`bus${b}_load`] = Math.round(load * 1000) / 1000
    }
    return out
  }

  readSensors (out: Float64Array): void {
    const a = this.layouts.sensor.at
    const d = this.driver
    out[a.seq] = ++this.seq
    out[a.t] = this.time()
    out[a.valid] = d.sensorsValid ? 1 : 0
    out.set(d.q, a.q)
    out.set(d.qd, a.qd)
    out.set(d.tau, a.tau)
    for (let k = 0; k < this.nfeet; k++) out[a.contact + k] = -1
    const b = this.bench
    if (b === null) {
      for (let k = 0; k < 4; k++) out[a.imu_quat + k] = NaN
      for (let k = 0; k < 3; k++) { out[a.imu_gyro + k] = NaN; out[a.imu_accel + k] = NaN }
      out[a.valid] = 0
      out[a.gt_valid] = 0
      return
    }
    const s = b.plant.sensors
    out.set(s.quat_imu, a.imu_quat)
    out.set(s.gyro_imu, a.imu_gyro)
    out.set(s.accel_imu, a.imu_accel)
    const p = b.plant
    const qpos = p.data.qpos as Float64Array
    const qvel = p.data.qvel as Float64Array
    const bq = p.info.baseQposAdr
    const bv = p.info.baseDofAdr
    out[a.gt_valid] = 1
    for (let k = 0; k < 3; k++) out[a.gt_p_base_world + k] = qpos[bq + k]
    for (let k = 0; k < 4; k++) out[a.gt_quat_base_world + k] = qpos[bq + 3 + k]
    for (let k = 0; k < 3; k++) out[a.gt_v_base_world + k] = qvel[bv + k]
    for (let k = 0; k < 3; k++) out[a.gt_omega_base_body + k] = qvel[bv + 3 + k]
  }

  step (rec: Float64Array | null): void {
    const d = this.driver
    if (!this.started) {
      this.started = true
      if (d.phase === 'idle') d.enable()
    }
    const c = this.cmd
    if (rec === null) {
      c.mode = 'damping'
      c.kd.fill(d.map.value.safety.damping_kd)
    } else {
      const at = this.layouts.command.at
      const m = rec[at.drive_mode]
      c.mode = m === DriveMode.pd ? 'pd' : m === DriveMode.damping ? 'damping' : 'disable'
      const n = d.n
      for (let i = 0; i < n; i++) {
        c.q_des[i] = rec[at.q_des + i]
        c.qd_des[i] = rec[at.qd_des + i]
        c.kp[i] = rec[at.kp + i]
        c.kd[i] = rec[at.kd + i]
        c.tau_ff[i] = rec[at.tau_ff + i]
      }
    }
    // The runtime steps missed periods back to back after a main-thread stall; drives get at most one
    // COMMAND per 0.75 period (a burst would cancel every tick's frames but the last, PROTOCOL.md §4)
    const now = performance.now()
    if (now - this.lastSend_ms < 0.75 * this.period_s * 1000) {
      this.coalesced++
      return
    }
    this.lastSend_ms = now
    d.step(c)
    // the bench's stand lets go once the drives hold the robot with their full gains
    if (this.bench !== null && this.bench.shaft.hold && d.phase === 'running') this.bench.shaft.hold = false
  }

  /** The drivers' clock: wall time since the port opened [s] (on the bench too: its stand may hold the physics). */
  time (): number {
    return (performance.now() - this.t0_ms) / 1000
  }

  truePose (p_world: Float64Array, quat_world: Float64Array): boolean {
    if (this.bench === null) return false
    this.bench.plant.readBasePose(p_world, quat_world)
    return true
  }

  /** Safe stop of the drives, then the link and the bench. */
  async shutdown (): Promise<void> {
    const d = this.driver
    if (d.session.phase === 'configured' && d.phase !== 'idle' && d.phase !== 'stopped') await d.runStop(this.cmd)
    await d.close()
    await this.bench?.close()
  }

  /** Same as shutdown (the runtime awaits the promise). */
  async close (): Promise<void> {
    await this.shutdown()
  }
}
