// Paces simulated ticks against the wall clock, separately from the plant: the caller asks how many
// ticks are due, runs them, and sleeps until the next one is. The average rate is exact; individual
// ticks can be up to about a millisecond late (timer granularity), and when the loop falls further
// behind than `maxLag_s` the schedule is reset instead of bursting to catch up (counted in `resyncs`).
// The precise 500 Hz worker loop is a separate component; this is for simulation only.
import { setTimeout as sleep } from 'node:timers/promises'

export class RealtimePacer {
  private t0_ms = 0
  private ticks = 0
  /** Number of times the schedule was reset after falling behind. */
  resyncs = 0

  constructor (readonly period_s: number, readonly maxLag_s = 0.1, private readonly now_ms: () => number = () => performance.now()) {
    if (!(period_s > 0)) throw new RangeError(`period must be positive, got ${period_s}`)
  }

  /** Starts the schedule now. */
  start (): void {
    this.t0_ms = this.now_ms()
    this.ticks = 0
    this.resyncs = 0
  }

  /** Ticks due now (≥ 0); the caller runs them and reports them with `done`. */
  due (): number {
    const elapsed_s = (this.now_ms() - this.t0_ms) / 1000
    let n = Math.floor(elapsed_s / this.period_s) - this.ticks
    if (n * this.period_s > this.maxLag_s) {
      this.resyncs++
      this.t0_ms = this.now_ms() - (this.ticks + 1) * this.period_s * 1000
      n = 1
    }
    return Math.max(0, n)
  }

  /** Records `n` executed ticks. */
  done (n: number): void {
    this.ticks += n
  }

  /** Sleeps until the next tick is due (at least one timer turn, so signals and I/O run). */
  async waitNext (): Promise<void> {
    const next_ms = this.t0_ms + (this.ticks + 1) * this.period_s * 1000
    const delay = next_ms - this.now_ms()
    await sleep(delay > 1 ? Math.floor(delay) : 0)
  }
}
