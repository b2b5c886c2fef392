// The other end of a ring in a worker thread, for the cross-thread ring tests: produces records
// i = 0..n−1 (value k of record i is i·1000 + k) or consumes and checks them, pausing at random.
import { parentPort, workerData } from 'node:worker_threads'
import { SpscRing } from '../../../host/runtime/spsc-ring.ts'
import { mulberry32 } from './prng.ts'

interface PeerData { sab: SharedArrayBuffer, offset: number, capacity: number, slotLength: number, role: 'produce' | 'consume', n: number, seed: number }
const d = workerData as PeerData
const ring = new SpscRing(d.sab, d.offset, d.capacity, d.slotLength)
const rnd = mulberry32(d.seed)

function pause (): void {
  const r = rnd()
  if (r < 0.05) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0.05)
  else if (r < 0.3) { const until = performance.now() + 0.002; while (performance.now() < until) { /* short spin */ } }
}

if (d.role === 'produce') {
  for (let i = 0; i < d.n; i++) {
    let slot = ring.claim()
    while (slot === null) { pause(); slot = ring.claim() }
    for (let k = 0; k < d.slotLength; k++) slot[k] = i * 1000 + k
    ring.commit()
    if (rnd() < 0.2) pause()
  }
  parentPort!.postMessage({ done: true })
} else {
  let error: string | null = null
  const dst = new Float64Array(d.slotLength)
  for (let i = 0; i < d.n && error === null; i++) {
    while (!ring.pop(dst)) { if (rnd() < 0.5) pause(); else ring.waitForData(1) }
    for (let k = 0; k < d.slotLength; k++) {
      if (dst[k] !== i * 1000 + k) { error = `record ${i} value ${k} is ${dst[k]}, expected ${i * 1000 + k}`; break }
    }
    if (rnd() < 0.2) pause()
  }
  parentPort!.postMessage({ done: true, error })
}
