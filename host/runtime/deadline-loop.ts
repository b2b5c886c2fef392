// Scheduling of the real-time control loop: absolute release times t0 + k·T, a sleep with Atomics.wait
// until `spin` before the release, then a busy wait to the release (measured here: p50 lateness 0.1 µs,
// where setTimeout fires ~0.4 ms early and setInterval drifts to ~470 Hz; TOOLCHAIN.md).
//
// Tick k is released at r_k = t0 + k·T and its command is due at r_k + D (D = deadline, default T).
// A tick whose command is published after r_k + D is a missed deadline, blamed on
//   compute   when its compute time (publish − wake) exceeded D − A (A = wake-up allowance), else
//   wake-up   (the thread woke more than A late, e.g. preempted or the VM paused).
// After a tick the loop never bursts to catch up: if the clock is already past r_{k+2}, the releases in
// between are skipped (counted) and the newest passed release runs at once, with its lateness recorded.
//
// Allocation: on Node 20 every performance.now() returns a freshly allocated number (~33 B, measured),
// so the busy wait does not read the clock in a tight loop (that would be ~5000 reads per 200 µs spin);
// it burns calibrated chunks of half the remaining time between reads (about 20 reads per tick), and
// the calibration follows the measured chunk durations. Times cross function boundaries in Float64Arrays
// (`DeadlineSchedule.s`), never as arguments, so no number is boxed. Clock and wait are injected, so
// the bookkeeping is tested with a simulated clock.

export const MissCause = { none: 0, compute: 1, wakeup: 2 } as const

export interface DeadlineTiming {
  /** Period T [ms]. */
  period_ms: number
  /** Deadline D after release [ms]. */
  deadline_ms: number
  /** Wake-up allowance A inside the deadline [ms]. */
  wakeAllowance_ms: number
  /** Spin before each release [ms]. */
  spin_ms: number
}

/** Slots of `DeadlineSchedule.s`. */
export const Sched = {
  /** Release of tick 0 [ms]. */
  t0: 0,
  /** Index of the next tick to run. */
  k: 1,
  /** Release of the next tick [ms] (t0 + k·T). */
  release: 2,
  /** Inputs of `finish`: when the tick woke, published its command, and now [ms]. */
  wake: 3,
  publish: 4,
  now: 5
} as const

export class DeadlineSchedule {
  /** State and hand-off slots (see `Sched`). */
  readonly s = new Float64Array(8)
  missedCompute = 0
  missedWakeup = 0
  skipped = 0
  private readonly period: number
  private readonly deadline: number
  private readonly computeBudget: number

  constructor (readonly timing: DeadlineTiming) {
    if (!(timing.period_ms > 0)) throw new RangeError(`period must be positive, got ${timing.period_ms} ms`)
    if (!(timing.deadline_ms > 0)) throw new RangeError(`deadline must be positive, got ${timing.deadline_ms} ms`)
    this.period = timing.period_ms
    this.deadline = timing.deadline_ms
    this.computeBudget = timing.deadline_ms - timing.wakeAllowance_ms
  }

  /** Starts the schedule: tick 0 is released at `t0_ms`. */
  start (t0_ms: number): void {
    this.s.fill(0)
    this.s[Sched.t0] = t0_ms
    this.s[Sched.release] = t0_ms
    this.missedCompute = 0
    this.missedWakeup = 0
    this.skipped = 0
  }

  /** Release time of the next tick [ms]. */
  release (): number {
    return this.s[Sched.release]
  }

  /** Index of the next tick. */
  tick (): number {
    return this.s[Sched.k]
  }

  /**
   * Books the tick just run from s[wake], s[publish] and s[now] (see `Sched`), advances to the next
   * release and returns the MissCause. Allocation-free: the hot-path form.
   */
  finishFromSlots (): number {
    const s = this.s
    const rel = s[Sched.release]
    let cause: number = MissCause.none
    if (s[Sched.publish] - rel > this.deadline) {
      if (s[Sched.publish] - s[Sched.wake] > this.computeBudget) { cause = MissCause.compute; this.missedCompute++ } else { cause = MissCause.wakeup; this.missedWakeup++ }
    }
    const next = s[Sched.k] + 1
    const newest = Math.floor((s[Sched.now] - s[Sched.t0]) / this.period)
    if (newest > next) {
      this.skipped += newest - next
      s[Sched.k] = newest
    } else {
      s[Sched.k] = next
    }
    s[Sched.release] = s[Sched.t0] + s[Sched.k] * this.period
    return cause
  }

  /** `finishFromSlots` with the times as arguments (tests, tools). */
  finish (wake_ms: number, publish_ms: number, now_ms: number): number {
    this.s[Sched.wake] = wake_ms
    this.s[Sched.publish] = publish_ms
    this.s[Sched.now] = now_ms
    return this.finishFromSlots()
  }
}

/**
 * Sleeps until a release time read from `target[index]`: `wait(ms)` (Atomics.wait on the wake word)
 * until `spin_ms` before it, then busy-waits in calibrated chunks of half the remaining time, reading the
 * clock between chunks, so it arrives within a fraction of a microsecond with ~20 clock reads.
 */
export class ReleaseSleeper {
  /** Busy-wait cost per iteration [ms], calibrated at construction and refined after every chunk. */
  msPerIter: number
  private readonly calibrated: number
  /** Sum of the busy loop's reads: an observable result, so the loop is not optimized away. */
  busySum = 0

  constructor (
    private readonly target: Float64Array,
    private readonly index: number,
    private readonly spin_ms: number,
    private readonly clock: () => number,
    private readonly wait: (ms: number) => void,
    private readonly stopped: () => boolean,
    /** Word read by the busy loop (any Int32Array; an atomic read cannot be optimized away). */
    private readonly word: Int32Array = new Int32Array(new SharedArrayBuffer(4)),
    msPerIter?: number
  ) {
    this.msPerIter = msPerIter ?? this.calibrate()
    this.calibrated = this.msPerIter
  }

  private calibrate (): number {
    const n = 200_000
    const t0 = this.clock()
    this.busy(n)
    const dt = this.clock() - t0
    return dt > 0 ? dt / n : 1e-6
  }

  private busy (n: number): void {
    let s = 0
    for (let i = 0; i < n; i++) s += Atomics.load(this.word, 0)
    this.busySum = s
  }

  /** Sleeps to the target; false when `stopped()` became true during the sleep. */
  sleep (): boolean {
    const target = this.target[this.index]
    let now = this.clock()
    const nap = target - this.spin_ms - now
    if (nap > 0) {
      this.wait(nap)
      if (this.stopped()) return false
      now = this.clock()
    }
    for (;;) {
      const rem = target - now
      if (rem <= 0) break
      const chunk = rem * 0.5 - 0.0002
      if (chunk > 0) {
        const n = Math.floor(chunk / this.msPerIter)
        this.busy(n)
        const after = this.clock()
        // Follow the machine's speed (frequency changes) within 4× of the calibration; a preempted chunk
        // (much longer than asked) is not a speed measurement.
        if (n > 1000 && after - now < 4 * chunk) {
          const m = 0.7 * this.msPerIter + 0.3 * ((after - now) / n)
          this.msPerIter = m < 0.25 * this.calibrated ? 0.25 * this.calibrated : m > 4 * this.calibrated ? 4 * this.calibrated : m
        }
        now = after
      } else {
        now = this.clock()
      }
    }
    return true
  }
}
