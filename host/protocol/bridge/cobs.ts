// COBS — Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM Trans. Networking 7(2),
// 1999): one-shot encode/decode and a streaming decoder for bytes arriving in arbitrary chunks
// (firmware-bridge/PROTOCOL.md §2). Encoded data never contains 0x00; the protocol ends each frame
// with one 0x00. A 254-byte group at the very end of the input gets no extra 0x01 code byte; the
// decoders accept both forms. Same algorithm as firmware-bridge/src/cobs.c.

/** Worst-case encoded length of n bytes, without the 0x00 delimiter. */
export function cobsMaxEncoded (n: number): number {
  return n + Math.floor(n / 254) + 1
}

/**
 * Encodes src[srcOff..srcOff+len) into out[outOff..]. Returns the bytes written (≥ 1), or 0 if out
 * has fewer than cobsMaxEncoded(len) bytes free.
 */
export function cobsEncode (src: Uint8Array, srcOff: number, len: number, out: Uint8Array, outOff: number): number {
  if (out.length - outOff < cobsMaxEncoded(len)) return 0
  let codePos = outOff
  let o = outOff + 1
  let code = 1
  const end = srcOff + len
  for (let i = srcOff; i < end; i++) {
    const b = src[i]
    if (b === 0) {
      out[codePos] = code
      codePos = o++
      code = 1
    } else {
      out[o++] = b
      code++
      if (code === 0xff && i + 1 < end) {
        out[codePos] = code
        codePos = o++
        code = 1
      }
    }
  }
  out[codePos] = code
  return o - outOff
}

/**
 * Decodes one encoded block (no delimiter) src[srcOff..srcOff+len) into out[outOff..]. Returns the
 * decoded length, or -1 if the block is malformed or does not fit.
 */
export function cobsDecode (src: Uint8Array, srcOff: number, len: number, out: Uint8Array, outOff: number): number {
  let o = outOff
  let remaining = 0
  let pendingZero = false
  const end = srcOff + len
  if (len === 0) return -1
  for (let i = srcOff; i < end; i++) {
    const b = src[i]
    if (b === 0) return -1
    if (remaining === 0) {
      if (pendingZero) {
        if (o >= out.length) return -1
        out[o++] = 0
      }
      remaining = b - 1
      pendingZero = b !== 0xff
    } else {
      if (o >= out.length) return -1
      out[o++] = b
      remaining--
    }
  }
  return remaining === 0 ? o - outOff : -1
}

/**
 * Streaming COBS decoder with a fixed buffer: push() feeds any chunk of received bytes and reports
 * every frame that ends in it. A frame's bytes stay valid in `buf` only during the onFrame call.
 * Frames longer than the capacity and malformed frames are reported to onError and discarded; the
 * decoder resynchronises at the next 0x00. Runs of 0x00 (empty frames) are ignored.
 */
export class CobsDecoder {
  /** decoded bytes of the frame in progress (capacity = the constructor's argument) */
  readonly buf: Uint8Array
  private len = 0
  private remaining = 0
  private pendingZero = false
  private started = false
  private bad = false

  constructor (capacity: number) {
    this.buf = new Uint8Array(capacity)
  }

  /** Feeds chunk[off..off+len) (default: all of it). */
  push (chunk: Uint8Array, onFrame: (frame: Uint8Array, len: number) => void, onError?: () => void, off = 0, len = chunk.length - off): void {
    const end = off + len
    for (let i = off; i < end; i++) {
      const b = chunk[i]
      if (b === 0) {
        if (!this.started) continue
        const broken = this.bad || this.remaining !== 0
        const n = this.len
        this.reset()
        if (broken) {
          if (onError !== undefined) onError()
        } else {
          onFrame(this.buf, n)
        }
        continue
      }
      if (!this.started) {
        this.started = true
        this.len = 0
      }
      if (this.bad) continue
      if (this.remaining === 0) {
        if (this.pendingZero) this.append(0)
        this.remaining = b - 1
        this.pendingZero = b !== 0xff
      } else {
        this.append(b)
        this.remaining--
      }
    }
  }

  /** Drops a partly received frame (after a reconnect). */
  reset (): void {
    this.len = 0
    this.remaining = 0
    this.pendingZero = false
    this.started = false
    this.bad = false
  }

  private append (b: number): void {
    if (this.len >= this.buf.length) {
      this.bad = true
      return
    }
    this.buf[this.len++] = b
  }
}
