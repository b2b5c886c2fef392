// The kinodynamic NMPC (fidelity (b)) beside the 500 Hz locomotion tick. Each tick, between the plan and
// forces stages, LocomotionCore calls the driver's beforeForces(); the driver hands the controller's
// snapshot (estimated state, reference, contact plan, swing heights: locoKinoSnapshot) to the solver when
// one is due and writes the latest time-stamped solution into the controller's kino_plan, which the
// forces stage interpolates at the current time (assembly/locomotion/controller.ts kinoForces).
//
//   KinoLockstep  deterministic runs (scenarios, `cerebellum run --lockstep`): solves in the tick's own
//                 thread every round(1/(rate_hz·dt)) ticks of plant time and applies each solution
//                 round(delay_ms/dt) ticks later (the modelled latency). Bit-for-bit reproducible.
//   KinoThread    real time: the solver runs in its own worker_thread (kinodynamic-worker.ts, its own
//                 WASM instance on the same robot). The tick never waits: it posts a snapshot only
//                 when the solver is idle (so at most rate_hz, and as fast as the solver goes) and takes
//                 a solution only when a new one has been published. Shared memory, no messages, and no
//                 Atomics.notify from the tick (the solver polls every KINO_POLL_MS): a wake-up from the
//                 tick let the kernel run the solver on the tick's core, 2 ms p99 forces stage.
//
// Neither allocates per tick: the views are made at start-up (and again only if a WASM memory grows).
import { Worker } from 'node:worker_threads'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LocomotionCore, KinoDriver } from '../locomotion-core.ts'
import { KinodynamicMpcHost } from './kinodynamic-mpc.ts'

/** Solution layout heads (assembly/locomotion/mpc/kinodynamic-snapshot.ts KP_*). */
export const KP = { t: 0, epoch: 1, status: 2, valid: 3, head: 4 } as const

export interface KinoAsyncOptions {
  /** NMPC horizon and stage length [s] (the controller's kino_size). */
  horizon: number
  dt: number
  /** Solve rate [Hz] and, in lockstep, the modelled latency [ms]. */
  rate_hz: number
  delay_ms: number
  /** Control period [s]. */
  controlDt: number
}

/** Lockstep: solve in-thread on a fixed grid of plant time, apply after a fixed delay. */
export class KinoLockstep implements KinoDriver {
  readonly mpc: KinodynamicMpcHost
  readonly every: number
  readonly delayTicks: number
  solves = 0
  failures = 0
  private readonly slots: Float64Array[]
  private readonly applyAt: Float64Array
  private head = 0
  private count = 0
  private lastEpoch = -1
  private readonly snapshotFn: () => number
  private readonly cdt: number

  constructor (private readonly core: LocomotionCore, o: KinoAsyncOptions) {
    this.cdt = o.controlDt
    this.mpc = new KinodynamicMpcHost(core.est.dyn, core.feet, { N: o.horizon, dt: o.dt })
    this.every = Math.max(1, Math.round(1 / (o.rate_hz * o.controlDt)))
    this.delayTicks = Math.max(0, Math.round(o.delay_ms / 1000 / o.controlDt))
    const n = Math.ceil(this.delayTicks / this.every) + 2
    const len = this.mpc.solutionLength
    if (len !== core.field('kino_plan').length) throw new Error('kinodynamic NMPC: solution and kino_plan lengths differ (rebuild the WASM core)')
    this.slots = Array.from({ length: n }, () => new Float64Array(len))
    this.applyAt = new Float64Array(n)
    this.snapshotFn = core.est.dyn.core.fn('locoKinoSnapshot')
  }

  beforeForces (): void {
    const core = this.core
    const info = core.info
    const epoch = info[LOCO_INFO_EPOCH]
    // controller ticks since its reset (time is k·dt summed, so rounding recovers k exactly)
    const k = Math.round(info[LOCO_INFO_TIME] / this.cdt)
    if (epoch !== this.lastEpoch) { this.lastEpoch = epoch; this.head = 0; this.count = 0 }
    if (k % this.every === 0) {
      this.snapshotFn()
      this.mpc.snapshot.set(core.field('kino_snap'))
      const st = this.mpc.solveSnapshot()
      this.solves++
      if (st === 0 && this.count < this.slots.length) {
        const i = (this.head + this.count) % this.slots.length
        this.slots[i].set(this.mpc.solution)
        this.applyAt[i] = k + this.delayTicks
        this.count++
      } else if (st !== 0) {
        this.failures++
        info[LOCO_INFO_MPC_FAILURES]++
        info[LOCO_INFO_QP_FAILURES]++
      }
    }
    const plan = core.field('kino_plan')
    while (this.count > 0 && this.applyAt[this.head] <= k) {
      plan.set(this.slots[this.head])
      this.head = (this.head + 1) % this.slots.length
      this.count--
    }
  }

  close (): void {}
}

// info indices (assembly/locomotion/controller.ts I_*), kept numeric here to avoid a cycle of imports
const LOCO_INFO_TIME = 20
const LOCO_INFO_EPOCH = 21
const LOCO_INFO_MPC_FAILURES = 7
const LOCO_INFO_QP_FAILURES = 6

/** Shared control words between the tick and the solver thread. */
export const KC = { snapSeq: 0, doneSeq: 1, solSeq: 2, stop: 3, solves: 4, failures: 5, ready: 6, timeCount: 7 } as const
const KC_LEN = 8
/** The solver thread's poll period for a new snapshot [ms] (the tick does not wake it). */
export const KINO_POLL_MS = 1
/** Solve-time ring in the shared buffer (µs, the worker's own clock), for benches. */
export const KINO_TIME_RING = 4096

/** The shared buffer's layout for given snapshot and solution lengths. */
export function kinoSharedLayout (snapLen: number, solLen: number): { ctrl: number, snap: number, sol0: number, sol1: number, times: number, bytes: number } {
  const ctrl = 0
  const snap = 64
  const sol0 = snap + 8 * snapLen
  const sol1 = sol0 + 8 * solLen
  const times = sol1 + 8 * solLen
  return { ctrl, snap, sol0, sol1, times, bytes: times + 8 * KINO_TIME_RING }
}

export interface KinoWorkerData {
  entry: string
  sab: SharedArrayBuffer
  robotFile: string
  feet: string[]
  horizon: number
  dt: number
  snapLen: number
  solLen: number
}

/** Real time: the solver in its own worker_thread; the tick only copies. */
export class KinoThread implements KinoDriver {
  private readonly ctrl: Int32Array
  private readonly snap: Float64Array
  private readonly sols: Float64Array[]
  readonly times: Float64Array
  private readonly snapshotFn: () => number
  private readonly every: number
  private taken = 0
  private posted = 0
  private lastSnapTick = -1e9
  private lastEpoch = -1
  torn = 0

  private constructor (private readonly core: LocomotionCore, private readonly worker: Worker, sab: SharedArrayBuffer, o: KinoAsyncOptions, snapLen: number, solLen: number) {
    const L = kinoSharedLayout(snapLen, solLen)
    this.ctrl = new Int32Array(sab, L.ctrl, KC_LEN)
    this.snap = new Float64Array(sab, L.snap, snapLen)
    this.sols = [new Float64Array(sab, L.sol0, solLen), new Float64Array(sab, L.sol1, solLen)]
    this.times = new Float64Array(sab, L.times, KINO_TIME_RING)
    this.snapshotFn = core.est.dyn.core.fn('locoKinoSnapshot')
    this.every = Math.max(1, Math.round(1 / (o.rate_hz * o.controlDt)))
    this.cdt = o.controlDt
  }

  private readonly cdt: number

  /** Starts the solver thread on `robotFile` (the controller's robot) and waits until it is built. */
  static async start (core: LocomotionCore, robotFile: string, o: KinoAsyncOptions): Promise<KinoThread> {
    const snapLen = core.field('kino_snap').length
    const solLen = core.field('kino_plan').length
    const sab = new SharedArrayBuffer(kinoSharedLayout(snapLen, solLen).bytes)
    const wd: KinoWorkerData = {
      entry: new URL('./kinodynamic-worker.ts', import.meta.url).href,
      sab, robotFile, feet: [...core.feet], horizon: o.horizon, dt: o.dt, snapLen, solLen
    }
    const worker = new Worker(new URL('../../runtime/worker-bootstrap.mjs', import.meta.url), { workerData: wd, name: 'cerebellum-kino-mpc' })
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { type: string, message?: string }) => {
        if (m.type === 'ready') resolve()
        else reject(new Error(`kinodynamic NMPC thread: ${m.message ?? m.type}`))
      })
      worker.once('error', reject)
    })
    worker.unref()
    const t = new KinoThread(core, worker, sab, o, snapLen, solLen)
    worker.on('message', (m: { type: string, message?: string }) => { if (m.type === 'error') t.error = m.message ?? 'error' })
    worker.on('error', (e: Error) => { t.error = e.message })
    return t
  }

  /** The solver thread's error, if it stopped on one (the tick then keeps using the force QP). */
  error: string | null = null

  /** Solves published so far, and failed solves. */
  get solves (): number { return Atomics.load(this.ctrl, KC.solves) }
  get failures (): number { return Atomics.load(this.ctrl, KC.failures) }
  /** Solve times recorded so far [µs] (the last KINO_TIME_RING). */
  solveTimes (): number[] {
    const n = Math.min(Atomics.load(this.ctrl, KC.timeCount), KINO_TIME_RING)
    return Array.from(this.times.subarray(0, n))
  }

  beforeForces (): void {
    const ctrl = this.ctrl
    const core = this.core
    const info = core.info
    // the latest solution, if a new one was published (the controller drops one of another epoch)
    const seq = Atomics.load(ctrl, KC.solSeq)
    if (seq !== this.taken) {
      const plan = core.field('kino_plan')
      plan.set(this.sols[seq & 1])
      // two more publishes during the copy would have rewritten this slot: drop it
      if (Atomics.load(ctrl, KC.solSeq) - seq >= 2) { plan[KP.valid] = 0; this.torn++ }
      this.taken = seq
    }
    const epoch = info[LOCO_INFO_EPOCH]
    const k = Math.round(info[LOCO_INFO_TIME] / this.cdt)
    if (epoch !== this.lastEpoch) { this.lastEpoch = epoch; this.lastSnapTick = -1e9 }
    // a snapshot when due and the solver is idle; never wait for it
    if (k - this.lastSnapTick >= this.every && Atomics.load(ctrl, KC.doneSeq) === this.posted) {
      this.snapshotFn()
      this.snap.set(core.field('kino_snap'))
      this.posted++
      // no notify: waking the solver from the tick lets the kernel switch to it on this core (measured:
      // forces-stage p99 ~2 ms on the shared 2-core box); it polls every POLL_MS instead
      Atomics.store(ctrl, KC.snapSeq, this.posted)
      this.lastSnapTick = k
    }
  }

  /** Lets the solver run `n` more solves on the current snapshot (start-up warm-up; not for the loop). */
  async warm (n: number, timeoutMs = 30000): Promise<void> {
    const ctrl = this.ctrl
    const t0 = Date.now()
    for (let i = 0; i < n && Date.now() - t0 < timeoutMs; i++) {
      while (Atomics.load(ctrl, KC.doneSeq) !== this.posted) {
        if (Date.now() - t0 > timeoutMs) return
        await sleep(1)
      }
      this.posted++
      Atomics.store(ctrl, KC.snapSeq, this.posted)
      Atomics.notify(ctrl, KC.snapSeq)
    }
    while (Atomics.load(ctrl, KC.doneSeq) !== this.posted && Date.now() - t0 < timeoutMs) await sleep(1)
  }

  close (): void {
    Atomics.store(this.ctrl, KC.stop, 1)
    Atomics.notify(this.ctrl, KC.snapSeq)
    void this.worker.terminate()
  }
}

/** Attaches the kinodynamic NMPC to a core built with kino_size: in-thread lockstep, or its own thread. */
export async function attachKinodynamic (core: LocomotionCore, mode: 'lockstep' | 'thread', robotFile: string, o: KinoAsyncOptions): Promise<KinoDriver> {
  const d = mode === 'lockstep' ? new KinoLockstep(core, o) : await KinoThread.start(core, robotFile, o)
  core.attachKino(d)
  return d
}
