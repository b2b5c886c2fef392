// One control tick, independent of how ticks are scheduled (the real-time deadline loop and lockstep both
// call `tick`): read the newest sensor frame, apply parameter updates and targets, choose the mode, run
// the control step, apply the safety limits, publish the command, then the telemetry record.
//
//   stage     reads                                   writes
//   sense     sensor ring (newest frame), param ring   sensor copy, base estimate, sensor faults
//   targets   target ring                              target schedule → active targets, mode
//   control   sensors, estimate, targets               command (the active ControlStep, or damping)
//   safety    command                                  command clamped; the safe command if unusable
//   publish   command                                  command ring, telemetry ring, counters, histograms
//
// Modes (frames.ts Mode): damping while sensors are missing/invalid, after a fall or before the first
// frame; otherwise joint when a policy's joint targets are live, locomotion for live twist targets
// (stand, with the noLocomotion fault, until a locomotion step is loaded), stand otherwise. Entering a
// mode calls its step's `enter`, so stand always ramps from the pose held at that moment.
// A step that throws or writes NaN/Inf is replaced by the stand step (or damping if stand itself failed)
// for that tick, and the controlFault bit stays set until the parameter `runtime.clear_faults` is written.
//
// Nothing here allocates after the constructor.
import type { RuntimeConfig } from '../config/runtime-config.ts'
import { TargetSchedule } from '../policy/target-schedule.ts'
import type { CommandOutput, ControlInput, ControlRobot, ControlStep, ParamDef } from './control-step.ts'
import { CommandFlag, DriveMode, Fault, GAIT_NAMES, Mode, RUNTIME_STAGES, TargetKind, type Layouts } from './frames.ts'
import { ImuBaseEstimate } from './imu-base-estimate.ts'
import { JointTargetStep } from './joint-target-step.ts'
import { SafetyLimits } from './safety-limits.ts'
import type { FieldDef } from './record-layout.ts'
import { Counter, Ctrl, DEFAULT_CAPACITIES, type RingCapacities, type SharedControl, type SharedControlSpec } from './shared-control.ts'
import { STAND_OUTPUTS, StandController } from './stand-controller.ts'

/** Slots of `ControllerCore.io`, the per-tick time hand-off (a Float64Array, so no number is boxed). */
export const TickIo = {
  /** In: controller time of the tick [s]. */
  t: 0,
  /** Scratch of the target schedule. */
  scheduleScratch: 1,
  /** In: wake-up, release and deadline on the loop clock [ms] (release NaN and deadline Infinity in lockstep). */
  wake: 2,
  release: 3,
  deadline: 4,
  /** Out: when the command was published [ms], and compute time wake → publish [µs]. */
  publish: 5,
  compute: 6
} as const

/** Runtime parameters in front of the steps' own in the parameter table. */
const RUNTIME_PARAMS: ParamDef[] = [
  { name: 'runtime.clear_faults', unit: '', min: 0, max: 1, doc: 'write 1 to clear latched faults (fall, control fault)' },
  { name: 'runtime.estop', unit: '', min: 0, max: 1, doc: '1: e-stop, stand (the safe mode) at once and every target refused; 0 releases it' }
]

/** What the shared memory must know of a control step before it exists: its stages and outputs. */
export interface StepInfo { stages: readonly string[], outputs: readonly FieldDef[] }

/** The stage names a core with this locomotion step times (runtime stages, then the step's). */
export function stageNamesFor (locomotion: StepInfo | null): string[] {
  return [...RUNTIME_STAGES, ...(locomotion?.stages ?? [])]
}

/** Names of the controller outputs recorded per tick: the stand controller's, then the locomotion step's. */
export function outputNamesFor (locomotion: StepInfo | null): string[] {
  return [...STAND_OUTPUTS, ...(locomotion?.outputs ?? [])].map((f) => f.name)
}

/** The shared-memory spec for a robot, a configuration and an optional locomotion step. */
export function makeControlSpec (robot: ControlRobot, config: RuntimeConfig, locomotion: StepInfo | null = null, capacities: Partial<RingCapacities> = {}): SharedControlSpec {
  const stageNames = stageNamesFor(locomotion)
  const outputNames = outputNamesFor(locomotion)
  return {
    dims: { nj: robot.jointNames.length, nfeet: robot.footNames.length, nout: outputNames.length, nstages: stageNames.length },
    capacities: { ...DEFAULT_CAPACITIES, telemetry: config.control.telemetry_capacity, target: Math.max(DEFAULT_CAPACITIES.target, 2 * nextPow2(config.policy.max_chunk_points)), ...capacities },
    stageNames,
    outputNames
  }
}

function nextPow2 (n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

export class ControllerCore {
  /** Parameter table: runtime, stand, then locomotion parameters. */
  readonly params: ParamDef[]
  /** Current mode (Mode). */
  mode: number = Mode.damping
  /** Fault bits now. */
  faults = 0
  /** Per-tick times in and out (see TickIo). */
  readonly io = new Float64Array(8)

  private readonly L: Layouts
  private readonly nj: number
  private readonly dt: number
  private readonly sensor: Float64Array
  private readonly cmdRec: Float64Array
  private readonly cmd: CommandOutput
  private readonly input: ControlInput
  private readonly est: ImuBaseEstimate
  private readonly schedule: TargetSchedule
  private readonly safety: SafetyLimits
  private readonly stand: StandController
  private readonly joint = new JointTargetStep()
  private readonly stageUs: Float64Array
  private readonly stepStageUs: Float64Array
  private readonly outputs: Float64Array
  private readonly locoOutputs: Float64Array
  private readonly noOutputs = new Float64Array(0)
  private readonly paramRec: Float64Array
  private readonly incoming: Float64Array
  private readonly sensorTimeout_s: number
  private readonly tiltCos: number
  private readonly dampingKd: number
  private haveSensor = false
  private lastSensorSeq = -1
  private lastGood_t = -Infinity
  private latched = 0
  private sensorTimedOut = false
  private tickCount = 0
  private prevDrive: number = DriveMode.damping
  private targetsTaken = 0
  private paramsTaken = 0
  private activeStep: ControlStep | null = null
  /** E-stop (runtime.estop): stand at once and targets refused, until released. */
  private estop = false

  constructor (
    readonly shared: SharedControl,
    readonly robot: ControlRobot,
    readonly config: RuntimeConfig,
    /** Monotonic clock [ms]. */
    private readonly clockMs: () => number,
    private readonly locomotion: ControlStep | null = null
  ) {
    const L = shared.layouts
    this.L = L
    const nj = robot.jointNames.length
    if (L.dims.nj !== nj) throw new RangeError(`shared memory is sized for ${L.dims.nj} joints; the robot has ${nj}`)
    if (L.dims.nfeet !== robot.footNames.length) throw new RangeError(`shared memory is sized for ${L.dims.nfeet} feet; the robot has ${robot.footNames.length}`)
    const nout = outputNamesFor(locomotion).length
    if (L.dims.nout !== nout) throw new RangeError(`shared memory is sized for ${L.dims.nout} controller outputs; the steps have ${nout}`)
    if (L.dims.nstages !== stageNamesFor(locomotion).length) throw new RangeError('shared memory stage count does not match the control steps')
    this.nj = nj
    this.dt = 1 / config.control.rate_hz
    this.sensor = new Float64Array(L.sensor.size)
    this.cmdRec = new Float64Array(L.command.size)
    const c = L.command
    this.cmd = {
      tau_ff: c.view(this.cmdRec, 'tau_ff'),
      q_des: c.view(this.cmdRec, 'q_des'),
      qd_des: c.view(this.cmdRec, 'qd_des'),
      kp: c.view(this.cmdRec, 'kp'),
      kd: c.view(this.cmdRec, 'kd')
    }
    this.est = new ImuBaseEstimate(L.sensor, robot.quat_base_imu)
    const p = config.policy
    this.schedule = new TargetSchedule(L.target, nj, {
      dt: this.dt,
      jointKp: p.defaults.joint_kp,
      jointKd: p.defaults.joint_kd,
      timeout_s: p.timeout_ms / 1000,
      maxPoints: p.max_chunk_points,
      slew: p.slew,
      neutralTwist: [0, 0, 0, p.defaults.height, 0, 0, GAIT_NAMES.indexOf('stand'), p.defaults.step_hz]
    }, this.io)
    const s = L.sensor
    this.input = {
      t: 0,
      dt: this.dt,
      q: s.view(this.sensor, 'q'),
      qd: s.view(this.sensor, 'qd'),
      tau: s.view(this.sensor, 'tau'),
      imu_quat: s.view(this.sensor, 'imu_quat'),
      imu_gyro: s.view(this.sensor, 'imu_gyro'),
      imu_accel: s.view(this.sensor, 'imu_accel'),
      contact: s.view(this.sensor, 'contact'),
      estimate: this.est.estimate,
      targets: this.schedule.active
    }
    this.safety = new SafetyLimits(robot, config.safety, this.dt)
    this.stand = new StandController(robot, config.stand.ramp_s)
    this.stageUs = new Float64Array(L.dims.nstages)
    this.stepStageUs = new Float64Array(Math.max(1, locomotion?.stages.length ?? 0))
    this.outputs = new Float64Array(L.dims.nout)
    this.locoOutputs = this.outputs.subarray(STAND_OUTPUTS.length)
    this.paramRec = new Float64Array(L.param.size)
    this.incoming = new Float64Array(L.sensor.size)
    this.sensorTimeout_s = config.control.sensor_timeout_ms / 1000
    this.tiltCos = Math.cos(config.safety.tilt_max_deg * Math.PI / 180)
    this.dampingKd = config.safety.damping_kd
    this.params = [...RUNTIME_PARAMS, ...this.stand.params, ...(locomotion?.params ?? [])]
  }

  /**
   * Runs one tick at controller time t [s]. `wakeMs` is when the tick started, `releaseMs` its release
   * and `deadlineMs` the time its command is due (Infinity in lockstep), all on `clockMs`. Returns the
   * time [ms] the command was published. (The loop uses `run` with the times in `io` instead.)
   */
  tick (t: number, wakeMs: number, releaseMs: number, deadlineMs: number): number {
    const io = this.io
    io[TickIo.t] = t
    io[TickIo.wake] = wakeMs
    io[TickIo.release] = releaseMs
    io[TickIo.deadline] = deadlineMs
    this.run()
    return io[TickIo.publish]
  }

  /** Runs one tick with its times in `io` (TickIo); writes io.publish and io.compute. Allocation-free. */
  run (): void {
    const io = this.io
    const t = io[TickIo.t]
    const wakeMs = io[TickIo.wake]
    const deadlineMs = io[TickIo.deadline]
    const L = this.L
    const sh = this.shared
    const cnt = sh.counters
    const st = this.stageUs
    const clock = this.clockMs
    let flags = 0

    // --- sense
    const got = sh.sensorRing.popLatest(this.incoming)
    if (got > 0) {
      if (this.checkSensor()) {
        this.sensor.set(this.incoming)
        this.haveSensor = true
        this.lastGood_t = t
        this.faults &= ~Fault.sensorInvalid
        if (this.sensor[L.sensor.at.seq] === this.lastSensorSeq) flags |= CommandFlag.staleSensor
        this.lastSensorSeq = this.sensor[L.sensor.at.seq]
      } else {
        cnt[Counter.sensor_invalid]++
        this.faults |= Fault.sensorInvalid
        flags |= CommandFlag.staleSensor
      }
    } else {
      flags |= CommandFlag.staleSensor
    }
    if ((flags & CommandFlag.staleSensor) !== 0) cnt[Counter.stale_sensor_ticks]++
    const timedOut = !this.haveSensor || t - this.lastGood_t > this.sensorTimeout_s
    if (timedOut && this.haveSensor && !this.sensorTimedOut) cnt[Counter.sensor_timeouts]++
    this.sensorTimedOut = timedOut
    if (timedOut) this.faults |= Fault.sensorTimeout
    else this.faults &= ~Fault.sensorTimeout
    if (this.haveSensor) this.est.update(this.sensor)
    while (sh.paramRing.pop(this.paramRec)) {
      this.applyParam()
      this.paramsTaken++
    }
    const t1 = clock()
    st[0] = (t1 - wakeMs) * 1000

    // --- targets
    const tr = sh.targetRing
    for (let rec = tr.peek(); rec !== null; rec = tr.peek()) {
      if (!this.estop && this.targetUsable(rec) && this.schedule.push(rec)) cnt[Counter.targets_applied]++
      else cnt[Counter.targets_refused]++
      this.targetsTaken++
      tr.release()
    }
    const sch = this.schedule
    if (!sch.active.jointActive) {
      // Joint targets start from the last command, so a chunk that begins in the future is approached smoothly.
      sch.holdJoints(this.safety.q_prev)
    }
    const timeoutsBefore = sch.timeouts
    sch.update()
    if (sch.timeouts !== timeoutsBefore) cnt[Counter.policy_timeouts]++
    if (sch.timedOut) this.faults |= Fault.policyTimeout
    else this.faults &= ~Fault.policyTimeout
    this.input.t = t
    const mode = this.chooseMode()
    const t2 = clock()
    st[1] = (t2 - t1) * 1000

    // --- control
    let drive: number = DriveMode.pd
    let stepFailed = false
    this.outputs.fill(0)
    this.stepStageUs.fill(0)
    if (mode === Mode.damping) {
      this.writeDamping()
      drive = DriveMode.damping
    } else {
      const step = mode === Mode.joint ? this.joint : mode === Mode.locomotion && this.locomotion !== null ? this.locomotion : this.stand
      if (step !== this.activeStep) { step.enter(this.input); this.activeStep = step }
      stepFailed = !this.runStep(step)
      if (stepFailed && step !== this.stand) {
        this.stand.enter(this.input)
        this.activeStep = this.stand
        stepFailed = !this.runStep(this.stand)
      }
      if (stepFailed) { this.writeDamping(); drive = DriveMode.damping }
      if (stepFailed || step !== this.activeStep) {
        this.latched |= Fault.controlFault
        cnt[Counter.control_faults]++
        flags |= CommandFlag.safe
      }
    }
    this.mode = drive === DriveMode.damping ? Mode.damping : this.activeStep === this.stand ? Mode.stand : mode
    const t3 = clock()
    st[2] = (t3 - t2) * 1000

    // --- safety
    if (drive === DriveMode.pd) {
      // Coming out of damping (or at start) the drives were not tracking q_des: slew from the measured pose.
      if (this.prevDrive !== DriveMode.pd) this.safety.resetReference(this.input.q)
      const n = this.safety.apply(this.cmd)
      if (n < 0) {
        this.writeDamping()
        drive = DriveMode.damping
        this.mode = Mode.damping
        this.latched |= Fault.controlFault
        cnt[Counter.control_faults]++
        flags |= CommandFlag.safe
      } else if (n > 0) {
        flags |= CommandFlag.clamped
        cnt[Counter.clamped_ticks]++
      }
    }
    if (drive !== DriveMode.pd) this.activeStep = null
    this.prevDrive = drive
    this.faults = (this.faults & ~(Fault.controlFault | Fault.fell)) | this.latched
    const t4 = clock()
    st[3] = (t4 - t3) * 1000

    // --- publish: command first (it is what the deadline is about), then telemetry
    const c = L.command.at
    const rec = this.cmdRec
    rec[c.seq] = this.tickCount
    rec[c.t] = t
    rec[c.sensor_seq] = this.lastSensorSeq
    rec[c.drive_mode] = drive
    rec[c.mode] = this.mode
    if (clock() > deadlineMs) { flags |= CommandFlag.late; cnt[Counter.late_commands]++ }
    rec[c.flags] = flags
    if (!sh.commandRing.push(rec, false)) cnt[Counter.commands_dropped]++
    io[TickIo.publish] = clock()
    io[TickIo.compute] = (io[TickIo.publish] - wakeMs) * 1000
    this.writeTelemetry()
    // Wake the consumers last: a woken thread may take this CPU on a busy machine.
    sh.commandRing.wake()

    cnt[Counter.ticks]++
    cnt[Counter.mode] = this.mode
    cnt[Counter.faults] = this.faults
    cnt[Counter.t] = t
    this.tickCount++
    Atomics.add(sh.ctrl, Ctrl.tick, 1)
    Atomics.notify(sh.ctrl, Ctrl.tick)
  }

  // --- sensing

  /** True when the incoming frame is flagged valid and its joint and IMU readings are finite. */
  private checkSensor (): boolean {
    const a = this.L.sensor.at
    const s = this.incoming
    if (s[a.valid] !== 1) return false
    const nj = this.nj
    let acc = 0
    for (let i = 0; i < nj; i++) acc += s[a.q + i] + s[a.qd + i] + s[a.tau + i]
    for (let k = 0; k < 4; k++) acc += s[a.imu_quat + k]
    for (let k = 0; k < 3; k++) acc += s[a.imu_gyro + k] + s[a.imu_accel + k]
    return acc - acc === 0
  }

  // --- targets and modes

  /** Defence in depth: the port validated the record, the worker still refuses kinds and values it cannot use. */
  private targetUsable (rec: Float64Array): boolean {
    const a = this.L.target.at
    const kind = rec[a.kind]
    if (kind !== TargetKind.twist && kind !== TargetKind.joint && kind !== TargetKind.ee) return false
    let acc = rec[a.t_exec] + rec[a.t_recv]
    const n = kind === TargetKind.twist ? 8 : kind === TargetKind.joint ? 5 * this.nj : rec[a.count] * 8
    for (let k = 0; k < n; k++) acc += rec[a.payload + k]
    return acc - acc === 0
  }

  private chooseMode (): number {
    const est = this.est.estimate
    if (this.haveSensor) {
      // cos(tilt) = R[2][2] = 1 − 2(x² + y²)
      const q = est.quat_base_world
      const c = 1 - 2 * (q[1] * q[1] + q[2] * q[2])
      if (c < this.tiltCos && (this.latched & Fault.fell) === 0) {
        this.latched |= Fault.fell
        this.shared.counters[Counter.falls]++
      }
    }
    if ((this.faults & Fault.sensorTimeout) !== 0 || (this.latched & Fault.fell) !== 0) return Mode.damping
    const tg = this.schedule.active
    this.faults &= ~Fault.noLocomotion
    if ((this.latched & Fault.controlFault) !== 0 || this.estop) return Mode.stand
    // joint targets alone drive the joints (RL policies); with a twist or end-effector target the WBC
    // runs and takes them as its posture task (locomotion-step.ts)
    if (tg.jointActive && (this.locomotion === null || !(tg.twistActive || tg.eeCount > 0))) return Mode.joint
    if (tg.twistActive || tg.eeCount > 0) {
      if (this.locomotion !== null) return Mode.locomotion
      this.faults |= Fault.noLocomotion
    }
    return Mode.stand
  }

  // --- control

  /** Runs a step; false when it threw or wrote a non-finite value. */
  private runStep (step: ControlStep): boolean {
    const isLoco = step === this.locomotion
    try {
      step.step(this.input, this.cmd, this.stepStageUs, step === this.stand ? this.outputs : isLoco ? this.locoOutputs : this.noOutputs)
    } catch {
      return false
    }
    if (isLoco) for (let k = 0; k < this.stepStageUs.length && RUNTIME_STAGES.length + k < this.stageUs.length; k++) this.stageUs[RUNTIME_STAGES.length + k] = this.stepStageUs[k]
    return true
  }

  private writeDamping (): void {
    const c = this.cmd
    const q = this.input.q
    for (let i = 0; i < this.nj; i++) {
      c.q_des[i] = this.haveSensor ? q[i] : 0
      c.qd_des[i] = 0
      c.kp[i] = 0
      c.kd[i] = this.dampingKd
      c.tau_ff[i] = 0
    }
  }

  /** Applies the update in paramRec: [index, value]. */
  private applyParam (): void {
    const rec = this.paramRec
    const index = rec[0] | 0
    const p = this.params[index]
    if (p === undefined || !(rec[1] >= p.min && rec[1] <= p.max)) {
      this.shared.counters[Counter.params_refused]++
      return
    }
    if (index === 0) {
      if (rec[1] === 1) this.latched = 0
      return
    }
    if (index === 1) {
      this.estop = rec[1] >= 0.5
      this.shared.counters[Counter.params_applied]++
      return
    }
    const k = index - RUNTIME_PARAMS.length
    const ns = this.stand.params.length
    if (k < ns) this.stand.setParam(k, rec, 1)
    else this.locomotion?.setParam(k - ns, rec, 1)
    this.shared.counters[Counter.params_applied]++
  }

  // --- telemetry

  private writeTelemetry (): void {
    const io = this.io
    const t = io[TickIo.t]
    const wakeMs = io[TickIo.wake]
    const releaseMs = io[TickIo.release]
    const tCmd = io[TickIo.publish]
    const sh = this.shared
    const cnt = sh.counters
    const T = this.L.telemetry
    const a = T.at
    const st = this.stageUs
    const slot = sh.telemetryRing.claim()
    let tel = 0
    if (slot !== null) {
      slot[a.tick] = this.tickCount
      slot[a.t] = t
      slot[a.lateness_us] = Number.isFinite(releaseMs) ? (wakeMs - releaseMs) * 1000 : 0
      slot[a.compute_us] = io[TickIo.compute]
      slot[a.mode] = this.mode
      slot[a.faults] = this.faults
      slot[a.missed] = cnt[Counter.missed]
      slot[a.stale_sensor_ticks] = cnt[Counter.stale_sensor_ticks]
      slot[a.targets_taken] = this.targetsTaken
      slot[a.params_taken] = this.paramsTaken
      slot[a.last_target_seq] = this.schedule.lastSeq
      slot.set(this.sensor, a.sensor)
      const e = this.est.estimate
      slot.set(e.p_base_world, a.est_p_base_world)
      slot.set(e.quat_base_world, a.est_quat_base_world)
      slot.set(e.v_base_body, a.est_v_base_body)
      slot.set(e.omega_base_body, a.est_omega_base_body)
      slot[a.est_source] = this.est.source
      const tg = this.schedule.active
      slot.set(tg.twist, a.twist)
      slot[a.joint_active] = tg.jointActive ? 1 : 0
      slot.set(tg.q, a.joint_target)
      slot.set(tg.qd, a.joint_target + this.nj)
      slot.set(tg.kp, a.joint_target + 2 * this.nj)
      slot.set(tg.kd, a.joint_target + 3 * this.nj)
      slot.set(tg.tau, a.joint_target + 4 * this.nj)
      slot[a.ee_count] = tg.eeCount
      slot.set(tg.ee, a.ee_target)
      slot.set(this.outputs, a.controller_out)
      slot.set(this.cmdRec, a.command)
      tel = this.clockMs()
      st[4] = (tel - tCmd) * 1000 + (tCmd - wakeMs) * 1000 - st[0] - st[1] - st[2] - st[3]
      slot.set(st, a.stage_us)
      sh.telemetryRing.commit(false)
      this.faults &= ~Fault.telemetryDropped
    } else {
      cnt[Counter.telemetry_dropped]++
      this.faults |= Fault.telemetryDropped
      tel = this.clockMs()
      st[4] = (tel - wakeMs) * 1000 - st[0] - st[1] - st[2] - st[3]
    }
    sh.compute.recordAt(io, TickIo.compute)
    for (let k = 0; k < st.length; k++) sh.stages[k].recordAt(st, k)
  }
}
