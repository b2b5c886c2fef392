// Log-bucketed histogram of durations in µs, on shared memory so the main thread can read percentiles
// while the worker records (no messages, no allocation per sample). Bucket k > 0 covers
// [LO·R^(k−1), LO·R^k) with R = 1.02, so a percentile is within 2 % of the true sample; bucket 0 holds
// everything below LO = 0.05 µs (including 0), the last bucket everything above ~5 min. The exact
// maximum, sum and count are kept beside the buckets.
//
// Layout (float64 index): [0] count, [1] sum_us, [2] max_us, then BINS counts (stored as float64 so
// one Float64Array covers the whole histogram; counts stay exact below 2⁵³).

const LO_US = 0.05
const RATIO = 1.02
const LOG_RATIO = Math.log(RATIO)
/** Number of buckets: LO·R^(BINS−1) ≈ 3·10⁸ µs (five minutes). */
export const HISTOGRAM_BINS = 1140
/** Float64 elements one histogram occupies. */
export const HISTOGRAM_LENGTH = 3 + HISTOGRAM_BINS

export interface Percentiles { p50: number, p99: number, p999: number, max: number, mean: number, count: number }

/** A histogram over `HISTOGRAM_LENGTH` float64 values of `store` starting at `offset`. */
export class LatencyHistogram {
  private readonly a: Float64Array
  private readonly one = new Float64Array(1)

  constructor (store: Float64Array, offset = 0) {
    if (offset + HISTOGRAM_LENGTH > store.length) throw new RangeError('histogram does not fit in its store')
    this.a = store.subarray(offset, offset + HISTOGRAM_LENGTH)
  }

  /** A histogram on its own private memory. */
  static create (): LatencyHistogram {
    return new LatencyHistogram(new Float64Array(HISTOGRAM_LENGTH))
  }

  /** Records one sample [µs]; NaN and negative samples count as 0. */
  record (us: number): void {
    this.one[0] = us
    this.recordAt(this.one, 0)
  }

  /** Records src[i] [µs]: the hot-path form (a number passed as an argument may be boxed; an index is not). */
  recordAt (src: Float64Array, i: number): void {
    const a = this.a
    const us = src[i]
    const v = us > 0 ? us : 0
    a[0] += 1
    a[1] += v
    if (v > a[2]) a[2] = v
    let k = v < LO_US ? 0 : 1 + Math.floor(Math.log(v / LO_US) / LOG_RATIO)
    if (k >= HISTOGRAM_BINS) k = HISTOGRAM_BINS - 1
    a[3 + k] += 1
  }

  count (): number { return this.a[0] }
  max (): number { return this.a[2] }

  /** Value below which a fraction `q` of the samples lie (bucket's upper edge, capped by the max). */
  quantile (q: number): number {
    const a = this.a
    const n = a[0]
    if (n === 0) return NaN
    const rank = Math.max(1, Math.ceil(q * n))
    let acc = 0
    for (let k = 0; k < HISTOGRAM_BINS; k++) {
      acc += a[3 + k]
      if (acc >= rank) {
        const upper = k === 0 ? LO_US : LO_US * Math.pow(RATIO, k)
        return Math.min(upper, a[2])
      }
    }
    return a[2]
  }

  percentiles (): Percentiles {
    const n = this.a[0]
    return { p50: this.quantile(0.5), p99: this.quantile(0.99), p999: this.quantile(0.999), max: this.a[2], mean: n > 0 ? this.a[1] / n : NaN, count: n }
  }

  reset (): void { this.a.fill(0) }

  /** Adds another histogram's samples into this one. */
  merge (other: LatencyHistogram): void {
    const a = this.a; const b = other.a
    a[0] += b[0]; a[1] += b[1]
    if (b[2] > a[2]) a[2] = b[2]
    for (let k = 3; k < HISTOGRAM_LENGTH; k++) a[k] += b[k]
  }
}
