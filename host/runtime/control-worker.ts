// The control worker thread. Start-up (postMessage allowed): build the views on the shared memory, the
// controller core and the optional locomotion step, report the scheduling the thread got and the
// parameter table, then wait for `running`. From then on it only touches shared memory:
//   realtime  deadline loop (deadline-loop.ts): sleep, spin, tick at each release, book misses
//   lockstep  block on the sensor ring; one tick per sensor frame, at the frame's time, no deadline
// It stops when the main thread sets `stopRequested` (and notifies), then reports `stopped`.
import { parentPort, workerData } from 'node:worker_threads'
import type { RuntimeConfig } from '../config/runtime-config.ts'
import { monotonicClock } from './clock.ts'
import type { ControlRobot, ControlStep } from './control-step.ts'
import { ControllerCore, TickIo } from './controller-core.ts'
import { DeadlineSchedule, MissCause, ReleaseSleeper, Sched } from './deadline-loop.ts'
import { readSchedulingInfo } from './rt-scheduling.ts'
import { Counter, Ctrl, SharedControl, WorkerState, type SharedControlSpec } from './shared-control.ts'

/** A locomotion step loaded inside the worker: `module` exports `createControlStep(robot, config, options)`. */
export interface ControlStepPlugin { module: string, options?: unknown }

export interface ControlWorkerData {
  entry: string
  spec: SharedControlSpec
  sab: SharedArrayBuffer
  byteOffset: number
  robot: ControlRobot
  config: RuntimeConfig
  locomotion: ControlStepPlugin | null
}

export type WorkerMessage =
  | { type: 'ready', sched: ReturnType<typeof readSchedulingInfo>, params: Array<{ name: string, unit: string, min: number, max: number }> }
  | { type: 'stopped' }
  | { type: 'error', message: string, stack: string }

const data = workerData as ControlWorkerData
const port = parentPort
if (port === null) throw new Error('control-worker.ts must run as a worker thread')

async function main (): Promise<void> {
  const shared = new SharedControl(data.spec, data.sab, data.byteOffset)
  const clock = monotonicClock()
  let locomotion: ControlStep | null = null
  if (data.locomotion !== null) {
    const mod = await import(data.locomotion.module) as { createControlStep: (r: ControlRobot, c: RuntimeConfig, o: unknown) => ControlStep | Promise<ControlStep> }
    locomotion = await mod.createControlStep(data.robot, data.config, data.locomotion.options)
  }
  const core = new ControllerCore(shared, data.robot, data.config, clock, locomotion)
  // State first, message second: the main thread may set `running` as soon as it has the message.
  shared.setState(WorkerState.ready)
  port!.postMessage({ type: 'ready', sched: readSchedulingInfo(), params: core.params.map((p) => ({ name: p.name, unit: p.unit, min: p.min, max: p.max })) } satisfies WorkerMessage)
  while (shared.state() === WorkerState.ready) Atomics.wait(shared.ctrl, Ctrl.state, WorkerState.ready, 1000)
  if (shared.state() === WorkerState.running) {
    if (data.config.control.mode === 'lockstep') runLockstep(shared, core, clock)
    else runRealtime(shared, core, clock, data.config)
  }
  shared.setState(WorkerState.stopped)
  port!.postMessage({ type: 'stopped' } satisfies WorkerMessage)
}

function running (shared: SharedControl): boolean {
  return Atomics.load(shared.ctrl, Ctrl.state) === WorkerState.running
}

function runRealtime (shared: SharedControl, core: ControllerCore, clock: () => number, cfg: RuntimeConfig): void {
  const period_ms = 1000 / cfg.control.rate_hz
  const sched = new DeadlineSchedule({
    period_ms,
    deadline_ms: cfg.control.deadline_us > 0 ? cfg.control.deadline_us / 1000 : period_ms,
    wakeAllowance_ms: cfg.control.wake_allowance_us / 1000,
    spin_ms: cfg.control.spin_us / 1000
  })
  const cnt = shared.counters
  const ctrl = shared.ctrl
  const deadline = sched.timing.deadline_ms
  const s = sched.s
  const io = core.io
  const lat = new Float64Array(1)
  const wake = (ms: number): void => { Atomics.wait(ctrl, Ctrl.wake, Atomics.load(ctrl, Ctrl.wake), ms) }
  const sleeper = new ReleaseSleeper(s, Sched.release, cfg.control.spin_us / 1000, clock, wake, () => !running(shared), ctrl)
  // First release one period from now, so the first tick is not late by start-up work.
  sched.start(clock() + period_ms)
  cnt[Counter.t0_ms] = s[Sched.t0]
  while (running(shared)) {
    if (!sleeper.sleep()) break
    io[TickIo.wake] = clock()
    shared.applyStatsReset()
    io[TickIo.release] = s[Sched.release]
    io[TickIo.deadline] = s[Sched.release] + deadline
    io[TickIo.t] = s[Sched.k] * period_ms / 1000
    lat[0] = (io[TickIo.wake] - io[TickIo.release]) * 1000
    shared.lateness.recordAt(lat, 0)
    core.run()
    s[Sched.wake] = io[TickIo.wake]
    s[Sched.publish] = io[TickIo.publish]
    s[Sched.now] = clock()
    const skippedBefore = sched.skipped
    const cause = sched.finishFromSlots()
    if (cause !== MissCause.none) {
      cnt[Counter.missed]++
      if (cause === MissCause.compute) cnt[Counter.missed_compute]++
      else cnt[Counter.missed_wakeup]++
    }
    cnt[Counter.skipped] += sched.skipped - skippedBefore
  }
}

function runLockstep (shared: SharedControl, core: ControllerCore, clock: () => number): void {
  const ring = shared.sensorRing
  const tAt = shared.layouts.sensor.at.t
  const io = core.io
  const zero = new Float64Array(1)
  io[TickIo.release] = NaN
  io[TickIo.deadline] = Infinity
  while (running(shared)) {
    if (!ring.waitForData(200)) continue
    const frame = ring.peek()
    if (frame === null) continue
    io[TickIo.t] = frame[tAt]
    shared.applyStatsReset()
    io[TickIo.wake] = clock()
    shared.lateness.recordAt(zero, 0)
    core.run()
  }
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err))
  try { new SharedControl(data.spec, data.sab, data.byteOffset).setState(WorkerState.failed) } catch { /* the spec itself was bad */ }
  port.postMessage({ type: 'error', message: e.message, stack: e.stack ?? '' } satisfies WorkerMessage)
})
