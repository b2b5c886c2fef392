// Main-thread handle on the control worker: allocates the shared memory, starts the worker thread
// (postMessage only here and at shutdown), and gives the rings, counters and histograms to the rest of
// the main thread (plant pump, policy port, recorder).
import { Worker } from 'node:worker_threads'
import type { RuntimeConfig } from '../config/runtime-config.ts'
import type { ControlRobot } from './control-step.ts'
import type { ControlStepPlugin, ControlWorkerData, WorkerMessage } from './control-worker.ts'
import { makeControlSpec, type StepInfo } from './controller-core.ts'
import { applyRealtime, readThreadScheduling, type SchedulingInfo } from './rt-scheduling.ts'
import { Counter, Ctrl, SharedControl, WorkerState, type RingCapacities } from './shared-control.ts'

export interface ControlWorkerOptions {
  robot: ControlRobot
  config: RuntimeConfig
  /** A locomotion step to load in the worker, with its stages and outputs (for sizing the shared memory). */
  locomotion?: { plugin: ControlStepPlugin, info: StepInfo } | null
  capacities?: Partial<RingCapacities>
}

export interface ParamInfo { name: string, unit: string, min: number, max: number }

export class ControlWorker {
  /** Scheduling the worker thread got (policy, priority, CPUs, kernel), read after applying the configuration. */
  readonly sched: SchedulingInfo
  readonly params: ParamInfo[]
  private readonly paramIndex: Map<string, number>
  private readonly paramRec = new Float64Array(2)
  private readonly stoppedP: Promise<void>
  private failure: Error | null = null
  /** Why control.rt_priority / control.cpu could not be applied (empty when they were, or were not asked). */
  rtProblems: string[] = []

  private constructor (readonly shared: SharedControl, private readonly worker: Worker, ready: { sched: SchedulingInfo, params: ParamInfo[] }, stopped: Promise<void>) {
    this.sched = ready.sched
    this.params = ready.params
    this.paramIndex = new Map(ready.params.map((p, i) => [p.name, i]))
    this.stoppedP = stopped
  }

  /** Starts the worker and waits until it is ready (not yet ticking: call `run`). */
  static async start (opts: ControlWorkerOptions): Promise<ControlWorker> {
    const loco = opts.locomotion ?? null
    const spec = makeControlSpec(opts.robot, opts.config, loco?.info ?? null, opts.capacities)
    const shared = SharedControl.allocate(spec)
    const wd: ControlWorkerData = {
      entry: new URL('./control-worker.ts', import.meta.url).href,
      spec,
      sab: shared.sab,
      byteOffset: shared.byteOffset,
      robot: opts.robot,
      config: opts.config,
      locomotion: loco?.plugin ?? null
    }
    const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData: wd, name: 'cerebellum-control' })
    let handle: ControlWorker | null = null
    let resolveStopped: () => void = () => {}
    const stopped = new Promise<void>((resolve) => { resolveStopped = resolve })
    const ready = await new Promise<{ sched: SchedulingInfo, params: ParamInfo[] }>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve({ sched: m.sched, params: m.params })
        else if (m.type === 'stopped') resolveStopped()
        else if (m.type === 'error') {
          const e = new Error(`control worker: ${m.message}`)
          e.stack = m.stack
          if (handle !== null) handle.failure = e
          reject(e)
          resolveStopped()
        }
      })
      worker.on('error', (e) => { if (handle !== null) handle.failure = e; reject(e); resolveStopped() })
      worker.on('exit', () => { resolveStopped() })
    })
    const c = opts.config.control
    const tid = ready.sched.tid
    let rtProblems: string[] = []
    if ((c.rt_priority > 0 || c.cpu >= 0) && tid !== null) {
      rtProblems = applyRealtime(tid, { priority: c.rt_priority, cpu: c.cpu })
      ready.sched = readThreadScheduling(tid)
    }
    handle = new ControlWorker(shared, worker, ready, stopped)
    handle.rtProblems = rtProblems
    return handle
  }

  /** Lets the worker start ticking. */
  run (): void {
    this.shared.setState(WorkerState.running)
  }

  /** Controller time [s] now, on the worker's release grid (real-time mode; after `run`). */
  controllerTime (nowMs: number): number {
    return (nowMs - this.shared.counters[Counter.t0_ms]) / 1000
  }

  /** Queues a parameter update by name; false when unknown or the ring is full. Range is checked in the worker. */
  setParam (name: string, value: number): boolean {
    const i = this.paramIndex.get(name)
    if (i === undefined) return false
    this.paramRec[0] = i
    this.paramRec[1] = value
    return this.shared.paramRing.push(this.paramRec)
  }

  /** The worker's failure, if it failed. */
  error (): Error | null { return this.failure }

  /** Ticks done so far. */
  ticks (): number { return Atomics.load(this.shared.ctrl, Ctrl.tick) >>> 0 }

  /** Stops the loop and the thread. */
  async stop (): Promise<void> {
    this.shared.requestStop()
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref())
    const r = await Promise.race([this.stoppedP.then(() => 'ok' as const), timeout])
    await this.worker.terminate()
    if (r === 'timeout') throw new Error('control worker did not stop within 5 s')
    if (this.failure !== null) throw this.failure
  }
}
