// Timing statistics for benchmarks: percentiles over per-call samples in microseconds.
import { cpus } from 'node:os'
import { Worker } from 'node:worker_threads'

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

/** A fixed floating-point loop (about 5 ms), the same code on both threads of coreContention(). */
const SPIN_SRC = 'function spin () { let s = 0; for (let r = 0; r < 60; r++) for (let i = 1; i < 4096; i++) s += Math.sqrt(i * r + s * 1e-9); return s }'

/**
 * How much slower one busy thread runs while a second thread is busy too: the median time of a
 * fixed loop on the main thread with a worker_thread spinning the same loop, over its median
 * alone. 1.0 on two independent cores; about 2 when the two vCPUs are hyperthreads of one core.
 */
export async function coreContention (): Promise<number> {
  // eslint-disable-next-line no-new-func
  const spin = new Function(`${SPIN_SRC}; return spin`)() as () => number
  const time = (n: number): number => {
    const t = new Float64Array(n)
    for (let i = 0; i < n; i++) { const t0 = process.hrtime.bigint(); spin(); t[i] = Number(process.hrtime.bigint() - t0) }
    return t.sort()[n >> 1]
  }
  time(20)
  const alone = time(40)
  const w = new Worker(`${SPIN_SRC}; const { parentPort } = require('node:worker_threads'); let go = true; parentPort.on('message', () => { go = false }); (function loop () { const t = Date.now(); while (Date.now() - t < 50) spin(); if (go) setImmediate(loop); else process.exit(0) })()`, { eval: true })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const shared = time(40)
  w.postMessage('stop')
  await new Promise((resolve) => w.once('exit', resolve))
  return Math.round(100 * shared / alone) / 100
}
