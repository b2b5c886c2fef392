// SPSC ring on shared memory: random producer/consumer interleavings against a model queue, wrap-around
// of the slots and of the 32-bit counters, full and empty behaviour, popLatest, and real cross-thread
// transfer in both directions with random pauses on both sides.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Worker } from 'node:worker_threads'
import { SpscRing, ringByteLength } from '../../host/runtime/spsc-ring.ts'
import { mulberry32 } from './helpers/prng.ts'

function makeRing (capacity: number, slotLength: number, offset = 0): SpscRing {
  return new SpscRing(new SharedArrayBuffer(offset + ringByteLength(capacity, slotLength)), offset, capacity, slotLength)
}

test('random interleavings match a FIFO model: order, contents, full and empty', () => {
  for (const [capacity, slotLength, seed] of [[2, 1, 1], [4, 3, 2], [8, 5, 3], [16, 2, 4]] as const) {
    const ring = makeRing(capacity, slotLength, 64)
    const rnd = mulberry32(seed)
    const model: number[] = []
    let next = 0
    let refused = 0
    const dst = new Float64Array(slotLength)
    for (let step = 0; step < 20000; step++) {
      const r = rnd()
      if (r < 0.5) {
        const ok = ring.push(Array.from({ length: slotLength }, (_, k) => next * 10 + k))
        assert.is(ok, model.length < capacity, `push when ${model.length}/${capacity} full`)
        if (ok) model.push(next)
        else refused++
        next++
      } else if (r < 0.9) {
        const ok = ring.pop(dst)
        assert.is(ok, model.length > 0, 'pop succeeds exactly when not empty')
        if (ok) {
          const want = model.shift()!
          for (let k = 0; k < slotLength; k++) assert.is(dst[k], want * 10 + k)
        }
      } else {
        const n = ring.popLatest(dst)
        assert.is(n, model.length)
        if (n > 0) {
          assert.is(dst[0], model[model.length - 1] * 10)
          model.length = 0
        }
      }
      assert.is(ring.size(), model.length)
    }
    assert.is(ring.dropped(), refused, 'every refused push is counted')
    assert.ok(refused > 0, 'the test reached the full state')
  }
})

test('the 32-bit counters wrap around without losing records', () => {
  const ring = makeRing(4, 1)
  Atomics.store(ring.ctrl, 0, -3) // head = 2³² − 3
  Atomics.store(ring.ctrl, 16, -3) // tail likewise: empty
  assert.is(ring.size(), 0)
  const dst = new Float64Array(1)
  for (let i = 0; i < 40; i++) {
    assert.ok(ring.push([i]))
    assert.ok(ring.push([i + 0.5]))
    assert.is(ring.size(), 2)
    assert.ok(ring.pop(dst)); assert.is(dst[0], i)
    assert.ok(ring.pop(dst)); assert.is(dst[0], i + 0.5)
    assert.is(ring.size(), 0)
  }
  for (let i = 0; i < 4; i++) assert.ok(ring.push([i]))
  assert.not.ok(ring.push([9]), 'full across the wrap')
})

test('peek/release and claim/commit expose slots in place', () => {
  const ring = makeRing(2, 2)
  assert.is(ring.peek(), null)
  const s = ring.claim()!
  s[0] = 1; s[1] = 2
  assert.is(ring.peek(), null, 'not visible before commit')
  ring.commit()
  const r = ring.peek()!
  assert.equal([r[0], r[1]], [1, 2])
  ring.release()
  assert.is(ring.size(), 0)
})

test('a wake-up without a new record (a deferred wake for one already read) does not end the wait', async () => {
  const sab = new SharedArrayBuffer(ringByteLength(4, 1))
  const ring = new SpscRing(sab, 0, 4, 1)
  // Another thread notifies the head 20 ms from now without committing, then commits at 60 ms.
  const w = new Worker(`
    const { workerData } = require('node:worker_threads')
    const ctrl = new Int32Array(workerData, 0, 48)
    const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
    nap(20); Atomics.notify(ctrl, 0)
    nap(40); Atomics.add(ctrl, 0, 1); Atomics.notify(ctrl, 0)
  `, { eval: true, workerData: sab })
  assert.ok(ring.waitForData(5000), 'woken by the commit, not by the bare notify')
  assert.is(ring.size(), 1)
  await w.terminate()
})

test('constructor refuses bad geometry', () => {
  assert.throws(() => makeRing(3, 1), /power of two/)
  assert.throws(() => new SpscRing(new SharedArrayBuffer(64), 0, 4, 4), /needs bytes/)
  assert.throws(() => new SpscRing(new SharedArrayBuffer(1024), 4, 2, 1), /multiple of 8/)
})

async function runPeer (data: Record<string, unknown>): Promise<{ done: boolean, error?: string | null }> {
  const w = new Worker(new URL('../../host/runtime/worker-bootstrap.mjs', import.meta.url), { workerData: { entry: new URL('./helpers/ring-peer.ts', import.meta.url).href, ...data } })
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', resolve)
      w.once('error', reject)
    })
  } finally {
    await w.terminate()
  }
}

test('worker → main: every record arrives once, in order, intact', async () => {
  const capacity = 8; const slotLength = 7; const n = 20000
  const sab = new SharedArrayBuffer(ringByteLength(capacity, slotLength))
  const ring = new SpscRing(sab, 0, capacity, slotLength)
  const peer = runPeer({ sab, offset: 0, capacity, slotLength, role: 'produce', n, seed: 11 })
  const rnd = mulberry32(12)
  const dst = new Float64Array(slotLength)
  for (let i = 0; i < n; i++) {
    while (!ring.pop(dst)) { if (rnd() < 0.5) ring.waitForData(1) }
    for (let k = 0; k < slotLength; k++) if (dst[k] !== i * 1000 + k) assert.unreachable(`record ${i} value ${k} is ${dst[k]}`)
    if (rnd() < 0.1) { const until = performance.now() + 0.01; while (performance.now() < until) { /* pause */ } }
  }
  assert.equal(await peer, { done: true })
  assert.is(ring.size(), 0)
})

test('main → worker: the consumer sees every record in order, through full-ring back-pressure', async () => {
  const capacity = 4; const slotLength = 3; const n = 20000
  const sab = new SharedArrayBuffer(128 + ringByteLength(capacity, slotLength))
  const ring = new SpscRing(sab, 128, capacity, slotLength)
  const peer = runPeer({ sab, offset: 128, capacity, slotLength, role: 'consume', n, seed: 21 })
  const rnd = mulberry32(22)
  const rec = new Float64Array(slotLength)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < slotLength; k++) rec[k] = i * 1000 + k
    while (!ring.push(rec)) { await new Promise((resolve) => setImmediate(resolve)) }
    if (rnd() < 0.05) await new Promise((resolve) => setImmediate(resolve))
  }
  const r = await peer
  assert.is(r.error, null)
  assert.ok(ring.dropped() > 0, 'the ring was full at times (back-pressure exercised)')
})

test.run()
