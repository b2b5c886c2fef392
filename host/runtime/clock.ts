// One monotonic clock in milliseconds that every thread of the process reads the same way: CLOCK_MONOTONIC
// (process.hrtime) for its origin, performance.now() for each reading, because performance.now() returns
// a plain double while hrtime.bigint() allocates a BigInt per call. performance.now() has a different
// origin in each thread (its timeOrigin), so each thread calibrates its offset once against hrtime; the
// two calls are ~0.1 µs apart, which bounds the disagreement between threads.

/** Returns a clock in ms on the process-wide monotonic time base (ms since boot, not since an epoch). */
export function monotonicClock (): () => number {
  const hr = Number(process.hrtime.bigint()) / 1e6
  const offset = hr - performance.now()
  return () => performance.now() + offset
}
