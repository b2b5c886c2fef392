// Timing statistics for benchmarks: percentiles over per-call samples in microseconds.
import { cpus } from 'node:os'

export interface Stats { p50_us: number, p99_us: number, p999_us: number, max_us: number, mean_us: number, n: number }

export function summarize (samplesUs: ArrayLike<number>): Stats {
  const a = Float64Array.from(samplesUs).sort()
  const n = a.length
  if (n === 0) return { p50_us: NaN, p99_us: NaN, p999_us: NaN, max_us: NaN, mean_us: NaN, n: 0 }
  const q = (p: number): number => a[Math.min(n - 1, Math.floor(p * (n - 1) + 0.5))]
  let sum = 0
  for (let i = 0; i < n; i++) sum += a[i]
  const r = (x: number): number => Math.round(x * 1000) / 1000
  return { p50_us: r(q(0.5)), p99_us: r(q(0.99)), p999_us: r(q(0.999)), max_us: r(a[n - 1]), mean_us: r(sum / n), n }
}

/** Times `fn` `iters` times after `warmup` calls; one sample per call, in µs. */
export function timeCalls (fn: () => void, iters: number, warmup = Math.min(1000, iters)): Stats {
  for (let i = 0; i < warmup; i++) fn()
  const s = new Float64Array(iters)
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint()
    fn()
    s[i] = Number(process.hrtime.bigint() - t0) / 1000
  }
  return summarize(s)
}

export function machineLine (): string {
  const c = cpus()
  return `node ${process.version}, ${c.length} × ${c[0]?.model ?? 'unknown CPU'}`
}
