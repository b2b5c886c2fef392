// Single-producer / single-consumer ring of fixed-size Float64 records on a SharedArrayBuffer: the only
// channel between the control worker and the main thread once the loop runs (no postMessage, no
// allocation). One thread writes, one thread reads; each side owns one counter.
//
// Layout at `byteOffset` (all counters Int32, each on its own 64-byte line against false sharing):
//   [0]   head     records ever committed by the producer (wraps at 2³²)
//   [16]  tail     records ever released by the consumer
//   [32]  dropped  producer writes refused because the ring was full
//   then  capacity × slotLength Float64 slots (slot i at index head mod capacity)
//
// Occupancy is (head − tail) mod 2³², valid while capacity < 2³¹. Publication: the producer writes the
// slot with plain stores, then Atomics.store(head); the consumer Atomics.load(head) before reading the
// slot. JS Atomics are sequentially consistent, so the slot stores happen-before the consumer's reads.
// The consumer may block on `head` with Atomics.wait (lockstep); the producer notifies on every commit.

const HEAD = 0
const TAIL = 16
const DROPPED = 32
const HEADER_BYTES = 192

type WaitAsyncResult = { async: false, value: 'not-equal' | 'timed-out' } | { async: true, value: Promise<'ok' | 'timed-out'> }
/** Atomics.waitAsync (Node ≥ 16; typed here because the project's TypeScript lib predates it). */
export const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, t: number) => WaitAsyncResult }).waitAsync

/** Bytes a ring of `capacity` slots of `slotLength` float64 occupies (a multiple of 8). */
export function ringByteLength (capacity: number, slotLength: number): number {
  return HEADER_BYTES + capacity * slotLength * 8
}

/** Which end of the ring this handle is; each end touches only its own counter. */
export type RingRole = 'producer' | 'consumer' | 'both'

/** A handle on one ring. Both threads build their own handle on the same memory. */
export class SpscRing {
  readonly capacity: number
  readonly slotLength: number
  readonly byteOffset: number
  readonly byteLength: number
  /** The counters; exposed so a waiter can Atomics.wait on `ctrl[headIndex]`. */
  readonly ctrl: Int32Array
  readonly headIndex = HEAD
  /** One preallocated view per slot: the hot path never creates a view. */
  private readonly slots: Float64Array[]
  private readonly mask: number

  /**
   * @param sab shared memory holding the ring
   * @param byteOffset start of the ring (multiple of 8)
   * @param capacity number of slots, a power of two ≥ 2
   * @param slotLength float64 values per slot
   */
  constructor (readonly sab: SharedArrayBuffer, byteOffset: number, capacity: number, slotLength: number) {
    if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0 || capacity >= 2 ** 30) {
      throw new RangeError(`ring capacity must be a power of two in [2, 2^30), got ${capacity}`)
    }
    if (!Number.isInteger(slotLength) || slotLength < 1) throw new RangeError(`ring slot length must be a positive integer, got ${slotLength}`)
    if (byteOffset % 8 !== 0) throw new RangeError(`ring byte offset must be a multiple of 8, got ${byteOffset}`)
    const bytes = ringByteLength(capacity, slotLength)
    if (byteOffset + bytes > sab.byteLength) throw new RangeError(`ring needs bytes [${byteOffset}, ${byteOffset + bytes}) but the buffer has ${sab.byteLength}`)
    this.capacity = capacity
    this.slotLength = slotLength
    this.byteOffset = byteOffset
    this.byteLength = bytes
    this.mask = capacity - 1
    this.ctrl = new Int32Array(sab, byteOffset, HEADER_BYTES / 4)
    this.slots = []
    for (let i = 0; i < capacity; i++) this.slots.push(new Float64Array(sab, byteOffset + HEADER_BYTES + i * slotLength * 8, slotLength))
  }

  /** Records committed and not yet released (either thread may ask; the answer may be stale by one). */
  size (): number {
    return (Atomics.load(this.ctrl, HEAD) - Atomics.load(this.ctrl, TAIL)) >>> 0
  }

  /** Producer writes refused because the ring was full. */
  dropped (): number {
    return Atomics.load(this.ctrl, DROPPED) >>> 0
  }

  /** Records ever committed (mod 2³²). */
  committed (): number {
    return Atomics.load(this.ctrl, HEAD) >>> 0
  }

  // --- producer side

  /** The next free slot to fill, or null when the ring is full (counted in `dropped`). Call `commit` after filling. */
  claim (): Float64Array | null {
    const head = Atomics.load(this.ctrl, HEAD)
    const tail = Atomics.load(this.ctrl, TAIL)
    if (((head - tail) >>> 0) >= this.capacity) {
      Atomics.add(this.ctrl, DROPPED, 1)
      return null
    }
    return this.slots[head & this.mask]
  }

  /**
   * Publishes the slot returned by the last `claim` and, unless `wake` is false, wakes a waiting consumer.
   * (A producer on a deadline publishes first and wakes later with `wake()`: waking another thread can
   * cost it its CPU on a busy machine.)
   */
  commit (wake = true): void {
    Atomics.add(this.ctrl, HEAD, 1)
    if (wake) Atomics.notify(this.ctrl, HEAD)
  }

  /** Wakes a consumer blocked in `waitForData` / `waitForDataAsync`. */
  wake (): void {
    Atomics.notify(this.ctrl, HEAD)
  }

  /** Copies `src[0..slotLength)` into a new record; false (and counted) when full. `wake` as in `commit`. */
  push (src: ArrayLike<number>, wake = true): boolean {
    const slot = this.claim()
    if (slot === null) return false
    const n = this.slotLength
    for (let i = 0; i < n; i++) slot[i] = src[i]
    this.commit(wake)
    return true
  }

  // --- consumer side

  /** The oldest unread record, or null when empty. The view stays valid until `release`. */
  peek (): Float64Array | null {
    const tail = Atomics.load(this.ctrl, TAIL)
    if (Atomics.load(this.ctrl, HEAD) === tail) return null
    return this.slots[tail & this.mask]
  }

  /** Frees the record returned by `peek`. */
  release (): void {
    Atomics.add(this.ctrl, TAIL, 1)
  }

  /** Copies the oldest record into `dst` and frees it; false when empty. */
  pop (dst: Float64Array): boolean {
    const slot = this.peek()
    if (slot === null) return false
    dst.set(slot)
    this.release()
    return true
  }

  /**
   * Drops every record but the newest, copies that one into `dst` and frees it; returns how many
   * records were consumed (0 when empty). For streams where only the latest value matters (sensors).
   */
  popLatest (dst: Float64Array): number {
    const tail = Atomics.load(this.ctrl, TAIL)
    const head = Atomics.load(this.ctrl, HEAD)
    const n = (head - tail) >>> 0
    if (n === 0) return 0
    dst.set(this.slots[(head - 1) & this.mask])
    Atomics.store(this.ctrl, TAIL, head)
    return n
  }

  /**
   * Blocks the calling thread until there is a record to read or `timeoutMs` has passed (Atomics.wait;
   * not on a browser main thread). Returns true when there is a record. Wake-ups without a new record
   * (a producer's deferred `wake` for a record already read) go back to waiting for the rest of the time.
   */
  waitForData (timeoutMs: number): boolean {
    let left = timeoutMs
    let t0 = -1
    for (;;) {
      const head = Atomics.load(this.ctrl, HEAD)
      if (head !== Atomics.load(this.ctrl, TAIL)) return true
      if (left <= 0) return false
      if (t0 < 0) t0 = performance.now()
      Atomics.wait(this.ctrl, HEAD, head, left)
      left = timeoutMs - (performance.now() - t0)
    }
  }

  /** Resolves true when there is a record to read, false after `timeoutMs` (Atomics.waitAsync; does not block the event loop). */
  async waitForDataAsync (timeoutMs: number): Promise<boolean> {
    const t0 = performance.now()
    for (;;) {
      const head = Atomics.load(this.ctrl, HEAD)
      if (head !== Atomics.load(this.ctrl, TAIL)) return true
      const left = timeoutMs - (performance.now() - t0)
      if (left <= 0) return false
      const r = waitAsync(this.ctrl, HEAD, head, left)
      if (r.async) await r.value
    }
  }
}
