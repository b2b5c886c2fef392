// Deadline bookkeeping of the real-time loop on a simulated clock: misses are blamed on compute or on
// wake-up per the documented rule, passed releases are skipped without bursts; the sleeper naps to
// release − spin, busy-waits to the release with few clock reads, and stops early when asked.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DeadlineSchedule, MissCause, ReleaseSleeper } from '../../host/runtime/deadline-loop.ts'

const timing = { period_ms: 2, deadline_ms: 2, wakeAllowance_ms: 0.3, spin_ms: 0.2 }

test('a tick published inside its deadline is not a miss; releases advance by one period', () => {
  const s = new DeadlineSchedule(timing)
  s.start(100)
  assert.is(s.release(), 100)
  assert.is(s.finish(100.001, 100.05, 100.06), MissCause.none)
  assert.is(s.release(), 102)
  assert.is(s.tick(), 1)
})

test('long compute is blamed on compute, a late wake-up on wake-up', () => {
  const s = new DeadlineSchedule(timing)
  s.start(0)
  // woke on time, computed 2.1 ms: over D − A = 1.7 ms
  assert.is(s.finish(0.001, 2.101, 2.101), MissCause.compute)
  // next release 2: woke 1.9 ms late, computed 0.2 ms: publish 4.1 > 2 + 2
  assert.is(s.release(), 2)
  assert.is(s.finish(3.9, 4.1, 4.1), MissCause.wakeup)
  assert.is(s.missedCompute, 1)
  assert.is(s.missedWakeup, 1)
  assert.is(s.skipped, 0)
})

test('releases already passed are skipped, not run in a burst', () => {
  const s = new DeadlineSchedule(timing)
  s.start(0)
  // the tick released at 0 ended at 9.5 ms: releases 2, 4, 6 passed, 8 is the newest passed one
  s.finish(0.01, 9.5, 9.5)
  assert.is(s.release(), 8)
  assert.is(s.skipped, 3)
  s.finish(9.5, 9.6, 9.6)
  assert.is(s.release(), 10)
  assert.is(s.skipped, 3)
})

test('the sleeper naps to release − spin, then busy-waits to the release with few clock reads', () => {
  let now = 0
  let reads = 0
  const waits: number[] = []
  const target = Float64Array.from([5])
  // simulated clock: each read after the nap advances 3 µs (the busy chunks take real time, not simulated)
  const clock = (): number => { reads++; const t = now; if (waits.length > 0) now += 0.003; return t }
  const s = new ReleaseSleeper(target, 0, 0.2, clock, (ms) => { waits.push(ms); now += ms }, () => false, undefined, 1e-6)
  reads = 0
  assert.ok(s.sleep())
  assert.is(waits.length, 1)
  assert.ok(Math.abs(waits[0] - 4.8) < 1e-12, `napped ${waits[0]} ms`)
  assert.ok(now >= 5, 'returned at or after the release')
  assert.ok(reads < 80, `${reads} clock reads`)
})

test('the sleeper with a real clock arrives at the release, not before', () => {
  const clock = (): number => performance.now()
  const target = new Float64Array(1)
  const s = new ReleaseSleeper(target, 0, 0.2, clock, (ms) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms) }, () => false)
  assert.ok(s.msPerIter > 0 && s.msPerIter < 1e-3, `calibrated ${s.msPerIter} ms per iteration`)
  for (let i = 0; i < 5; i++) {
    target[0] = clock() + 1
    assert.ok(s.sleep())
    assert.ok(clock() >= target[0])
  }
})

test('the sleeper returns false when stopped during the nap', () => {
  let now = 0
  let stopped = false
  const s = new ReleaseSleeper(Float64Array.from([5]), 0, 0.2, () => now, (ms) => { now += ms / 2; stopped = true }, () => stopped, undefined, 1e-6)
  assert.not.ok(s.sleep())
})

test('bad timing is refused', () => {
  assert.throws(() => new DeadlineSchedule({ ...timing, period_ms: 0 }), /period/)
  assert.throws(() => new DeadlineSchedule({ ...timing, deadline_ms: -1 }), /deadline/)
})

test.run()
