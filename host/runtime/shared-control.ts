// The memory the control worker and the main thread share: control words, counters, timing histograms
// and the five rings (sensors in, commands out, targets in, parameters in, telemetry out). Both threads
// build the same views from one JSON-able `SharedControlSpec` and the SharedArrayBuffer; offsets follow
// from the spec, so nothing else crosses over. The region may start at any 64-byte-aligned offset of a
// larger SharedArrayBuffer — e.g. a shared WebAssembly.Memory, once the core shares its memory.
import { HISTOGRAM_LENGTH, LatencyHistogram } from './latency-histogram.ts'
import { makeLayouts, type FrameDims, type Layouts } from './frames.ts'
import { SpscRing, ringByteLength } from './spsc-ring.ts'

/** Control words (Int32, Atomics). */
export const Ctrl = {
  /** Lifecycle: WorkerState. */
  state: 0,
  /** The worker sleeps on this word between ticks; the main thread notifies it to stop promptly. */
  wake: 1,
  /** Ticks done (mod 2³²), notified after every tick. */
  tick: 2,
  /** Set to 1 by the main thread to restart the statistics (after a warm-up); the worker clears it. */
  resetStats: 3
} as const
const CTRL_WORDS = 16

export const WorkerState = { init: 0, ready: 1, running: 2, stopRequested: 3, stopped: 4, failed: 5 } as const

/** Counters the worker keeps (float64, written by the worker only). */
export const COUNTERS = [
  'ticks', 'missed', 'missed_compute', 'missed_wakeup', 'skipped', 'late_commands',
  'stale_sensor_ticks', 'sensor_timeouts', 'sensor_invalid', 'policy_timeouts', 'control_faults', 'falls',
  'clamped_ticks', 'telemetry_dropped', 'commands_dropped', 'targets_applied', 'targets_refused',
  'params_applied', 'params_refused', 'mode', 'faults', 't', 't0_ms'
] as const
export type CounterName = typeof COUNTERS[number]
export const Counter = Object.fromEntries(COUNTERS.map((n, i) => [n, i])) as Record<CounterName, number>
/** Counters a statistics reset clears (the others describe state, not history). */
const STAT_COUNTERS: readonly CounterName[] = ['ticks', 'missed', 'missed_compute', 'missed_wakeup', 'skipped', 'late_commands', 'stale_sensor_ticks', 'clamped_ticks']

export interface RingCapacities { sensor: number, command: number, target: number, param: number, telemetry: number }

export const DEFAULT_CAPACITIES: RingCapacities = { sensor: 8, command: 64, target: 256, param: 64, telemetry: 1024 }

/** Everything needed to lay out the shared region. Plain data: sent to the worker in workerData. */
export interface SharedControlSpec {
  dims: FrameDims
  capacities: RingCapacities
  /** Names of all timed stages (runtime stages then the control step's), dims.nstages long. */
  stageNames: string[]
  /** Names of the controller outputs recorded per tick, dims.nout long. */
  outputNames: string[]
}

function align64 (n: number): number { return (n + 63) & ~63 }

interface Offsets { ctrl: number, counters: number, hist: number, rings: Record<keyof RingCapacities, number>, total: number }

function offsetsOf (spec: SharedControlSpec, l: Layouts): Offsets {
  let off = 0
  const ctrl = off; off = align64(off + CTRL_WORDS * 4)
  const counters = off; off = align64(off + COUNTERS.length * 8)
  const hist = off; off = align64(off + (2 + spec.dims.nstages) * HISTOGRAM_LENGTH * 8)
  const slot: Record<keyof RingCapacities, number> = { sensor: l.sensor.size, command: l.command.size, target: l.target.size, param: l.param.size, telemetry: l.telemetry.size }
  const rings = {} as Record<keyof RingCapacities, number>
  for (const k of ['sensor', 'command', 'target', 'param', 'telemetry'] as const) {
    rings[k] = off
    off = align64(off + ringByteLength(spec.capacities[k], slot[k]))
  }
  return { ctrl, counters, hist, rings, total: off }
}

/** Bytes the region needs for `spec`. */
export function sharedControlByteLength (spec: SharedControlSpec): number {
  return offsetsOf(spec, makeLayouts(spec.dims)).total
}

/** Views on the shared region; build one per thread. */
export class SharedControl {
  readonly layouts: Layouts
  readonly ctrl: Int32Array
  readonly counters: Float64Array
  readonly lateness: LatencyHistogram
  readonly compute: LatencyHistogram
  /** One histogram per stage, in spec.stageNames order. */
  readonly stages: LatencyHistogram[]
  readonly sensorRing: SpscRing
  readonly commandRing: SpscRing
  readonly targetRing: SpscRing
  readonly paramRing: SpscRing
  readonly telemetryRing: SpscRing

  constructor (readonly spec: SharedControlSpec, readonly sab: SharedArrayBuffer, readonly byteOffset = 0) {
    if (byteOffset % 64 !== 0) throw new RangeError(`shared control region must start 64-byte aligned, got ${byteOffset}`)
    if (spec.stageNames.length !== spec.dims.nstages) throw new RangeError(`spec has ${spec.stageNames.length} stage names for nstages ${spec.dims.nstages}`)
    if (spec.outputNames.length !== spec.dims.nout) throw new RangeError(`spec has ${spec.outputNames.length} output names for nout ${spec.dims.nout}`)
    const l = makeLayouts(spec.dims)
    this.layouts = l
    const o = offsetsOf(spec, l)
    if (byteOffset + o.total > sab.byteLength) throw new RangeError(`shared control region needs ${o.total} bytes at ${byteOffset}; the buffer has ${sab.byteLength}`)
    const b = byteOffset
    this.ctrl = new Int32Array(sab, b + o.ctrl, CTRL_WORDS)
    this.counters = new Float64Array(sab, b + o.counters, COUNTERS.length)
    const h = new Float64Array(sab, b + o.hist, (2 + spec.dims.nstages) * HISTOGRAM_LENGTH)
    this.lateness = new LatencyHistogram(h, 0)
    this.compute = new LatencyHistogram(h, HISTOGRAM_LENGTH)
    this.stages = spec.stageNames.map((_, i) => new LatencyHistogram(h, (2 + i) * HISTOGRAM_LENGTH))
    const c = spec.capacities
    this.sensorRing = new SpscRing(sab, b + o.rings.sensor, c.sensor, l.sensor.size)
    this.commandRing = new SpscRing(sab, b + o.rings.command, c.command, l.command.size)
    this.targetRing = new SpscRing(sab, b + o.rings.target, c.target, l.target.size)
    this.paramRing = new SpscRing(sab, b + o.rings.param, c.param, l.param.size)
    this.telemetryRing = new SpscRing(sab, b + o.rings.telemetry, c.telemetry, l.telemetry.size)
  }

  /**
   * Allocates a fresh SharedArrayBuffer for `spec` and builds the views on it. Every page is written
   * once here, so the loop never takes a first-touch page fault in a ring slot.
   */
  static allocate (spec: SharedControlSpec): SharedControl {
    const sab = new SharedArrayBuffer(sharedControlByteLength(spec))
    const bytes = new Uint8Array(sab)
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0
    return new SharedControl(spec, sab)
  }

  counter (name: CounterName): number { return this.counters[Counter[name]] }

  state (): number { return Atomics.load(this.ctrl, Ctrl.state) }

  setState (s: number): void {
    Atomics.store(this.ctrl, Ctrl.state, s)
    Atomics.notify(this.ctrl, Ctrl.state)
  }

  /** Clears the timing histograms and the statistics counters (the worker does it at its next tick). */
  resetStats (): void {
    Atomics.store(this.ctrl, Ctrl.resetStats, 1)
  }

  /** Worker side: performs a requested statistics reset; returns true when it did. */
  applyStatsReset (): boolean {
    if (Atomics.load(this.ctrl, Ctrl.resetStats) === 0) return false
    this.lateness.reset()
    this.compute.reset()
    for (const h of this.stages) h.reset()
    for (const n of STAT_COUNTERS) this.counters[Counter[n]] = 0
    Atomics.store(this.ctrl, Ctrl.resetStats, 0)
    return true
  }

  /** Asks the worker to stop and wakes it from any wait. */
  requestStop (): void {
    Atomics.store(this.ctrl, Ctrl.state, WorkerState.stopRequested)
    Atomics.add(this.ctrl, Ctrl.wake, 1)
    Atomics.notify(this.ctrl, Ctrl.wake)
    // A lockstep worker sleeps on the sensor ring's head: wake it too.
    Atomics.notify(this.sensorRing.ctrl, this.sensorRing.headIndex)
  }
}
