// Per-stage timing of the locomotion pipeline: samples [ms] recorded into preallocated arrays (no
// allocation per tick; the oldest samples are overwritten once `capacity` is reached), summarized as
// p50/p99/max in µs.

export interface StagePercentiles { p50: number, p99: number, max: number }

export class StageTimer {
  private readonly samples: Float64Array[]
  private n = 0

  constructor (readonly names: readonly string[], readonly capacity = 1 << 16) {
    this.samples = names.map(() => new Float64Array(capacity))
  }

  /** Records one tick's stage times [ms], in `names` order (up to four). */
  record (a: number, b = 0, c = 0, d = 0): void {
    const i = this.n % this.capacity
    const s = this.samples
    if (s.length > 0) s[0][i] = a
    if (s.length > 1) s[1][i] = b
    if (s.length > 2) s[2][i] = c
    if (s.length > 3) s[3][i] = d
    this.n++
  }

  get count (): number { return this.n }

  reset (): void { this.n = 0 }

  /** p50/p99/max per stage [µs], rounded to 0.1 µs. */
  percentiles (): Record<string, StagePercentiles> {
    const out: Record<string, StagePercentiles> = {}
    const m = Math.min(this.n, this.capacity)
    this.names.forEach((name, k) => {
      const v = Float64Array.from(this.samples[k].subarray(0, m)).sort()
      const at = (q: number): number => m === 0 ? NaN : Math.round(v[Math.min(m - 1, Math.floor(q * (m - 1)))] * 1e4) / 10
      out[name] = { p50: at(0.5), p99: at(0.99), max: m === 0 ? NaN : Math.round(v[m - 1] * 1e4) / 10 }
    })
    return out
  }
}
