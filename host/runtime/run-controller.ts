// The main job (`cerebellum run`, `npm start`, the loop bench): plant + control worker + policy port +
// recorder, wired through the shared-memory rings, until a duration or an abort signal; returns the
// summary that `--json` prints.
//
// Main thread, per control period:
//   realtime  the plant steps once per period on the wall clock: it waits (Atomics.waitAsync, the event
//             loop stays free for the policy port) for the worker's command of that period, at most half
//             a period past its release; an overdue command is replaced by the previous one, counted as
//             `stale_commands` (damping after control.command_timeout_ms, `damped_steps`) — never
//             silently; periods missed while the main thread stalled are stepped to catch up.
//   lockstep  push a sensor frame, block until the worker's command for it arrives, step; yields to the
//             event loop every 50 ticks. Deterministic for a given plant seed and input timing.
// Then it drains the telemetry ring into the recorder and the policy port's state stream.
import { fileURLToPath } from 'node:url'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.ts'
import { isMotorTableFile } from '../drivers/motor-map.ts'
import type { Validated } from '../config/schema.ts'
import { OnnxPolicy, configDir } from '../policy/onnx-policy.ts'
import { OnnxPolicyRunner } from '../policy/onnx-runner.ts'
import { PolicyPort } from '../policy/policy-port.ts'
import { McapRecorder } from '../record/mcap-recorder.ts'
import { loadRobot } from '../robot/load.ts'
import { Plant } from '../sim/plant.ts'
import { monotonicClock } from './clock.ts'
import { controlRobotFrom } from './control-robot.ts'
import type { ControlRobot } from './control-step.ts'
import { ControlWorker } from './control-worker-handle.ts'
import { FAULT_NAMES, Fault, MODE_NAMES, RUNTIME_STAGES, faultNames } from './frames.ts'
import type { Percentiles } from './latency-histogram.ts'
import { checkPlantMatches, type PlantPort } from './plant-port.ts'
import type { SchedulingInfo } from './rt-scheduling.ts'
import { Counter } from './shared-control.ts'
import { SimPlantPort } from './sim-plant-port.ts'
import { openDriverPlant } from '../hil/open-driver-plant.ts'
import { locomotionPlugin } from '../locomotion/locomotion-step.ts'

export const DEFAULT_SCENE = fileURLToPath(new URL('../../robots/quad12/scene.xml', import.meta.url))

export interface RunOptions {
  /** MJCF scene for the simulated plant (default robots/quad12/scene.xml). */
  robot?: string
  /** Configuration file, or an already validated configuration; default: all defaults. */
  config?: string | Validated<RuntimeConfig>
  /** 'sim' (default), 'hil' (MuJoCo behind the POSIX bridge on a pty) or 'serial:PATH' (a bridge on a serial port). */
  plant?: string
  /** Motor map for 'hil' and 'serial:' (default: motors.yaml beside the scene). */
  motors?: string
  /** Overrides control.mode. */
  mode?: 'realtime' | 'lockstep'
  /** Write an MCAP recording here. */
  record?: string
  /** Stop after this much plant time [s] (default: until `signal` aborts). */
  duration_s?: number
  /** A constant twist target (body frame) queued as a local policy; its fields default to 0. */
  twist?: { vx?: number, vy?: number, wz?: number }
  /** Open the policy port (default true). */
  policyPort?: boolean
  /** Load the locomotion controller (host/locomotion) for twist targets (default false: stand controller only). */
  locomotion?: boolean
  /** Without `twist`: walk with the configuration's demo twist (locomotion.demo), as `cerebellum run` does by default. */
  demo?: boolean
  /** Directory for the locomotion controller's dumps of failed QPs (default: none). */
  qpDumpDir?: string
  /** Restart the timing statistics after this much plant time [s] (warm-up; default 0). */
  warmup_s?: number
  /** Plant options: sensor-noise seed, ideal sensors, initial keyframe (default 'home'; null: qpos0). */
  seed?: number
  noiseless?: boolean
  keyframe?: string | null
  signal?: AbortSignal
  /** Called about once a second with the live state. */
  onStatus?: (s: LiveStatus) => void
  /** Called with every command record the plant applies (lockstep determinism tests). */
  onCommand?: (cmd: Float64Array) => void
  /** Called with every telemetry record as it is drained (valid during the call only). */
  onTelemetry?: (tel: Float64Array) => void
  /** Called once everything is up: ports bound, worker ready. */
  onReady?: (info: ReadyInfo) => void
}

export interface ReadyInfo {
  sched: SchedulingInfo
  udpPort: number
  wsPort: number
  robot: ControlRobot
  mode: 'realtime' | 'lockstep'
  port: PolicyPort | null
  worker: ControlWorker
  /** Queues a parameter update by name (recorded for replay); false when unknown or the queue is full. */
  setParam: (name: string, value: number) => boolean
  /** Link health of the plant (bridge counters on hil / serial), or null in simulation. */
  plantLink: (() => Record<string, number | string>) | null
}

export interface LiveStatus {
  t: number
  ticks: number
  missed: number
  mode: string
  faults: string[]
  base_height: number
  /** Control ticks per second of wall time since the previous status. */
  rate_hz: number
  /** Wake-up lateness p99 since start [µs]. */
  lateness_p99_us: number
  /** Mean time of each stage of the control step (e.g. estimate, mpc, wbc) over the ticks that ran it since the previous status [µs]. */
  stage_mean_us: Record<string, number>
  /** Commanded twist (vx, vy [m/s] body frame, wz [rad/s]) and the estimate of the same (NaN when unknown). */
  twist_cmd: [number, number, number]
  twist_est: [number, number, number]
}

export interface RunSummary {
  ticks: number
  missed: number
  fell: boolean
  /** Every fault seen during the run. */
  faults: string[]
  lateness_us: { p50: number, p99: number, max: number }
  compute_us: { p50: number, p99: number, max: number }
  /** Beyond the required fields: */
  mode: 'realtime' | 'lockstep'
  lateness_p999_us: number
  compute_p999_us: number
  missed_compute: number
  missed_wakeup: number
  skipped: number
  late_commands: number
  stale_sensor_ticks: number
  stale_commands: number
  damped_steps: number
  /** Plant periods stepped late, after a main-thread stall (real time only). */
  plant_catchup_steps: number
  /** Times the plant fell more than 10 periods behind and skipped the rest (plant time lags wall time). */
  plant_resyncs: number
  telemetry_dropped: number
  stages_us: Record<string, { p50: number, p99: number, max: number }>
  policy: { accepted: number, rejected: number, states_sent: number } | null
  onnx: { steps: number, skipped: number, refused: number, last_error: string | null } | null
  final_mode: string
  sim_time_s: number
  wall_time_s: number
  base_height_final: number
  /** Lowest true base height once standing (from stand.ramp_s + 0.5 s; the final height for shorter runs) [m]. */
  base_height_min: number
  realtime_scheduling: boolean
  scheduling: string
  /** Why control.rt_priority / control.cpu could not be applied. */
  rt_problems: string[]
  recorded_ticks: number | null
}

function pct (p: Percentiles): { p50: number, p99: number, max: number } {
  const r = (x: number): number => Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x
  return { p50: r(p.p50), p99: r(p.p99), max: r(p.max) }
}

/** Runs the controller against a plant; see the file header. Resolves with the summary when done. */
export async function runController (opts: RunOptions = {}): Promise<RunSummary> {
  const plantKind = opts.plant ?? 'sim'
  if (plantKind !== 'sim' && plantKind !== 'hil' && !plantKind.startsWith('serial:')) throw new Error(`--plant ${plantKind}: expected sim, hil or serial:PATH`)
  // --config may name a motor table (bridge + joints, e.g. robots/quad12/hil-mixed.yaml): it then drives
  // the hil / serial plant and the runtime settings are the defaults
  let motorsFile = opts.motors
  let configFile = opts.config
  if (typeof configFile === 'string' && isMotorTableFile(configFile)) {
    if (motorsFile !== undefined) throw new Error(`--config ${configFile} is a motor table and --motors ${motorsFile} names another: give one`)
    if (plantKind === 'sim') throw new Error(`--config ${configFile} is a motor table: it needs --plant hil or serial:PATH`)
    motorsFile = configFile
    configFile = undefined
  }
  const cfgV = typeof configFile === 'object' ? configFile : loadRuntimeConfig(configFile)
  const mode = opts.mode ?? cfgV.value.control.mode
  if (plantKind !== 'sim' && mode === 'lockstep') throw new Error(`--plant ${plantKind} runs in real time only: the drives and the bridge keep their own time`)
  const config: RuntimeConfig = { ...cfgV.value, control: { ...cfgV.value.control, mode } }
  const scene = opts.robot ?? DEFAULT_SCENE
  const twistOpt = opts.twist ?? (opts.demo === true ? config.locomotion.demo : undefined)
  const rate = config.control.rate_hz

  const simPlant = await Plant.load(scene, { controlPeriod: 1 / rate, seed: opts.seed ?? 1, noiseless: opts.noiseless, dampingKd: config.safety.damping_kd, keyframe: opts.keyframe })
  let worker: ControlWorker | null = null
  let port: PolicyPort | null = null
  let recorder: McapRecorder | null = null
  let plant: PlantPort | null = null
  let onnx: OnnxPolicy | null = null
  try {
    const desc = await loadRobot(scene)
    const robot = controlRobotFrom(desc, cfgV, {
      jointNames: [...simPlant.jointNames],
      qd_max: simPlant.info.joints.map((j) => j.velocityLimit),
      tau_max: simPlant.info.joints.map((j) => j.torqueLimit),
      footNames: simPlant.info.feet.map((f) => f.name)
    })
    worker = await ControlWorker.start({ robot, config, locomotion: opts.locomotion === true ? locomotionPlugin(scene, robot.footNames.length, opts.qpDumpDir ?? null) : null })
    const shared = worker.shared
    const L = shared.layouts
    plant = plantKind === 'sim' ? new SimPlantPort(simPlant, L, robot.footNames.length) : await openDriverPlant(plantKind, scene, simPlant, L, robot.footNames.length, motorsFile)
    checkPlantMatches(plant, L)
    const clock = monotonicClock()
    const w = worker
    const p = plant
    // Controller time for the policy port: plant time in lockstep; in real time the worker's release grid
    // (0 until the worker has started it).
    const now = mode === 'lockstep' ? () => p.time() : () => shared.counters[Counter.t0_ms] === 0 ? 0 : w.controllerTime(clock())
    const epoch_ms = Date.now()
    if (opts.record !== undefined) {
      recorder = await McapRecorder.create(opts.record, { spec: shared.spec, robot, config, mode, epoch_ms, note: `cerebellum run, ${desc.name}`, locomotion_robot_file: opts.locomotion === true ? scene : null }, { chunkBytes: config.record.chunk_bytes })
    }
    const rec = recorder
    if (opts.policyPort !== false) {
      port = await PolicyPort.open({ config, robot, layouts: L, targetRing: shared.targetRing, now, robotName: desc.name, onTargetRecord: rec !== null ? (r) => rec.writeTargetInput(r) : undefined })
    }
    let runner: OnnxPolicyRunner | null = null
    if (config.policy.onnx !== null) {
      if (port === null) throw new Error('policy.onnx needs the policy port (its targets are validated there)')
      onnx = await OnnxPolicy.load(config.policy.onnx, robot, cfgV.file.startsWith('(') ? process.cwd() : configDir(cfgV.file))
      runner = new OnnxPolicyRunner(onnx, port, L, config.policy.onnx.rate_hz)
      runner.commands.set([twistOpt?.vx ?? 0, twistOpt?.vy ?? 0, twistOpt?.wz ?? 0])
    }
    const paramRec = new Float64Array(2)
    const setParam = (name: string, value: number): boolean => {
      const i = w.params.findIndex((q) => q.name === name)
      if (i < 0 || !w.setParam(name, value)) return false
      paramRec[0] = i
      paramRec[1] = value
      rec?.writeParamInput(paramRec, now())
      return true
    }
    opts.onReady?.({ sched: worker.sched, udpPort: port?.udpPort ?? -1, wsPort: port?.wsPort ?? -1, robot, mode, port, worker, setParam, plantLink: p.link !== undefined ? () => p.link!() : null })

    // --- loop state
    const duration = opts.duration_s ?? Infinity
    const sensorRec = new Float64Array(L.sensor.size)
    const cmdRec = new Float64Array(L.command.size)
    const telA = L.telemetry.at
    let haveCmd = false
    let staleCommands = 0
    let dampedSteps = 0
    let catchupSteps = 0
    let plantResyncs = 0
    let faultsSeen = 0
    let lastMode = 0
    let fell = false
    const pose = new Float64Array(3)
    const quat = new Float64Array(4)
    const lastTwist = new Float64Array(3)
    const lastVest = new Float64Array(3).fill(NaN)
    // Mean time of each stage over the ticks that ran it, since the last status line.
    const stageSum = new Float64Array(shared.spec.stageNames.length)
    const stageCnt = new Float64Array(shared.spec.stageNames.length)
    const checkFallAfter = config.stand.ramp_s + 0.5
    const tiltCos = Math.cos(config.safety.tilt_max_deg * Math.PI / 180)
    let heightMin = Infinity
    const checkFall = (): void => {
      if (p.time() < checkFallAfter || !p.truePose(pose, quat)) return
      if (pose[2] < heightMin) heightMin = pose[2]
      const c = 1 - 2 * (quat[1] * quat[1] + quat[2] * quat[2])
      if (pose[2] < config.safety.fall_height_m || c < tiltCos) fell = true
    }
    const drain = (): void => {
      const ring = shared.telemetryRing
      for (let r = ring.peek(); r !== null; r = ring.peek()) {
        faultsSeen |= r[telA.faults]
        lastMode = r[telA.mode]
        for (let i = 0; i < 3; i++) lastTwist[i] = r[telA.twist + i]
        for (let i = 0; i < stageSum.length; i++) {
          const us = r[telA.stage_us + i]
          if (us > 0) { stageSum[i] += us; stageCnt[i]++ }
        }
        lastVest[0] = r[telA.est_v_base_body]; lastVest[1] = r[telA.est_v_base_body + 1]; lastVest[2] = r[telA.est_omega_base_body + 2]
        rec?.writeTick(r)
        port?.publish(r)
        runner?.observe(r)
        opts.onTelemetry?.(r)
        ring.release()
      }
    }
    const twistMsg = twistOpt !== undefined && runner === null
      ? { kind: 'twist' as const, mask: 7, vx: twistOpt.vx ?? 0, vy: twistOpt.vy ?? 0, wz: twistOpt.wz ?? 0, height: NaN, roll: NaN, pitch: NaN, gait: -1, step_hz: NaN }
      : null
    let twistSeq = 1
    // The twist starts once the stand ramp is done (stand up first, then walk).
    let nextTwist = twistOpt !== undefined && opts.locomotion === true ? config.stand.ramp_s + 0.5 : 0
    const sendTwist = (): void => {
      if (twistMsg === null || port === null || p.time() < nextTwist) return
      const v = port.submitLocal(twistMsg, null, twistSeq++)
      if (!v.ok) throw new Error(`--vx/--vy/--wz: ${v.message}`)
      nextTwist = p.time() + Math.min(0.05, config.policy.timeout_ms / 4000)
    }
    if (twistMsg !== null && port === null) throw new Error('--vx/--vy/--wz need the policy port (it validates the twist like any policy\'s)')
    let lastStatus = performance.now()
    let lastStatusTicks = 0
    const status = (): void => {
      if (opts.onStatus === undefined) return
      const t = performance.now()
      if (t - lastStatus < 1000) return
      const ticks = shared.counter('ticks')
      const rate_hz = (ticks - lastStatusTicks) / ((t - lastStatus) / 1000)
      lastStatus = t
      lastStatusTicks = ticks
      p.truePose(pose, quat)
      const stage_mean_us: Record<string, number> = {}
      shared.spec.stageNames.forEach((n, i) => { if (i >= RUNTIME_STAGES.length && stageCnt[i] > 0) stage_mean_us[n] = stageSum[i] / stageCnt[i] })
      stageSum.fill(0)
      stageCnt.fill(0)
      opts.onStatus({
        t: p.time(), ticks, missed: shared.counter('missed'), mode: MODE_NAMES[lastMode] ?? '?', faults: faultNames(shared.counter('faults')), base_height: pose[2],
        rate_hz, lateness_p99_us: shared.lateness.percentiles().p99, stage_mean_us,
        twist_cmd: [lastTwist[0], lastTwist[1], lastTwist[2]], twist_est: [lastVest[0], lastVest[1], lastVest[2]]
      })
    }
    const aborted = (): boolean => opts.signal?.aborted === true
    const warmup = opts.warmup_s ?? 0
    let warm = warmup <= 0
    const checkWarm = (): void => {
      if (warm || p.time() < warmup) return
      warm = true
      shared.resetStats()
      staleCommands = 0
      dampedSteps = 0
      catchupSteps = 0
      plantResyncs = 0
    }

    const wall0 = performance.now()
    worker.run()
    const period_ms = 1000 / rate
    const cmdTimeout_ms = config.control.command_timeout_ms
    if (mode === 'lockstep') {
      let k = 0
      while (p.time() < duration - 1e-9 && !aborted()) {
        p.readSensors(sensorRec)
        shared.sensorRing.push(sensorRec)
        if (!shared.commandRing.waitForData(5000)) {
          // Let the worker's error message (if it failed) arrive before reporting.
          await new Promise((resolve) => setTimeout(resolve, 50))
          throw worker.error() ?? new Error(`the control worker did not answer a sensor frame within 5 s (worker state ${shared.state()}, ticks ${shared.counter('ticks')}, sensor ring ${shared.sensorRing.size()}, command ring ${shared.commandRing.size()}, plant step ${k})`)
        }
        shared.commandRing.pop(cmdRec)
        opts.onCommand?.(cmdRec)
        sendTwist()
        p.step(cmdRec)
        checkFall()
        checkWarm()
        drain()
        if (runner !== null) await runner.maybeStep()
        if (++k % 50 === 0) { status(); await yieldToEventLoop() }
      }
    } else {
      // The simulated robot keeps time like a real one: plant step n happens once per period, at the
      // latest half a period after release n, applying command n as soon as it arrives (in order), or
      // the previous command when it is overdue (counted). After a main-thread stall the missed periods
      // are stepped to catch up (at most 10 per turn; beyond 10 periods behind, the rest are skipped).
      const T = period_ms
      const phase = 0.5 * T
      p.readSensors(sensorRec)
      shared.sensorRing.push(sensorRec)
      while (shared.counters[Counter.t0_ms] === 0) {
        if (worker.error() !== null) throw worker.error()!
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      const t0 = shared.counters[Counter.t0_ms]
      let n = 0
      let lastCmd = -Infinity
      while (p.time() < duration - 1e-9 && !aborted()) {
        let t = clock()
        const due = t0 + n * T + phase
        if (shared.commandRing.size() === 0 && t < due) await shared.commandRing.waitForDataAsync(due - t)
        t = clock()
        let stepped = 0
        while (stepped < 10 && (t0 + n * T + phase <= t || (stepped === 0 && shared.commandRing.size() > 0))) {
          if (shared.commandRing.pop(cmdRec)) {
            haveCmd = true
            lastCmd = t
            opts.onCommand?.(cmdRec)
            p.step(cmdRec)
          } else if (haveCmd && t - lastCmd <= cmdTimeout_ms) {
            staleCommands++
            p.step(cmdRec)
          } else {
            if (worker.error() !== null) throw worker.error()!
            dampedSteps++
            p.step(null)
          }
          n++
          stepped++
        }
        if (stepped === 0) continue
        catchupSteps += stepped - 1
        if (t - (t0 + n * T + phase) > 10 * T) {
          // Too far behind to replay: skip to the current period (plant time falls behind wall time).
          plantResyncs++
          n = Math.floor((t - t0 - phase) / T) + 1
        }
        sendTwist()
        checkFall()
        checkWarm()
        p.readSensors(sensorRec)
        shared.sensorRing.push(sensorRec)
        drain()
        if (runner !== null) void runner.maybeStep().catch((e: unknown) => { runner!.lastError = String(e) })
        status()
      }
    }
    const wall_s = (performance.now() - wall0) / 1000
    await worker.stop()
    drain()
    const stageNames = shared.spec.stageNames
    const stages: Record<string, { p50: number, p99: number, max: number }> = {}
    stageNames.forEach((n, i) => { stages[n] = pct(shared.stages[i].percentiles()) })
    const lat = shared.lateness.percentiles()
    const comp = shared.compute.percentiles()
    p.truePose(pose, quat)
    const ps = port?.stats
    const summary: RunSummary = {
      ticks: shared.counter('ticks'),
      missed: shared.counter('missed'),
      fell,
      faults: FAULT_NAMES.filter((n) => (faultsSeen & Fault[n]) !== 0),
      lateness_us: pct(lat),
      compute_us: pct(comp),
      mode,
      lateness_p999_us: Math.round(lat.p999 * 1000) / 1000,
      compute_p999_us: Math.round(comp.p999 * 1000) / 1000,
      missed_compute: shared.counter('missed_compute'),
      missed_wakeup: shared.counter('missed_wakeup'),
      skipped: shared.counter('skipped'),
      late_commands: shared.counter('late_commands'),
      stale_sensor_ticks: shared.counter('stale_sensor_ticks'),
      stale_commands: staleCommands,
      damped_steps: dampedSteps,
      plant_catchup_steps: catchupSteps,
      plant_resyncs: plantResyncs,
      telemetry_dropped: shared.counters[Counter.telemetry_dropped],
      stages_us: stages,
      policy: ps !== undefined ? { accepted: ps.accepted, rejected: Object.values(ps.rejected).reduce((x, y) => x + y, 0), states_sent: ps.statesSent } : null,
      onnx: runner !== null ? { steps: runner.steps, skipped: runner.skipped, refused: runner.refused, last_error: runner.lastError } : null,
      final_mode: MODE_NAMES[lastMode] ?? '?',
      sim_time_s: Math.round(p.time() * 1e6) / 1e6,
      wall_time_s: Math.round(wall_s * 1000) / 1000,
      base_height_final: Math.round(pose[2] * 1e5) / 1e5,
      base_height_min: Math.round((Number.isFinite(heightMin) ? heightMin : pose[2]) * 1e5) / 1e5,
      realtime_scheduling: worker.sched.realtime,
      scheduling: `${worker.sched.policy}${worker.sched.realtime ? ` ${worker.sched.rtPriority}` : ''}, CPUs ${worker.sched.cpusAllowed}`,
      rt_problems: worker.rtProblems,
      recorded_ticks: recorder?.ticks ?? null
    }
    return summary
  } finally {
    if (worker !== null) await worker.stop().catch(() => {})
    if (port !== null) await port.close()
    if (recorder !== null) await recorder.close()
    if (onnx !== null) await onnx.close()
    if (plant !== null) await Promise.resolve(plant.close())
    if (plant === null || plantKind.startsWith('serial:')) simPlant.close()
  }
}
