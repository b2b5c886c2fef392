// Little-endian field access for the bridge protocol (firmware-bridge/PROTOCOL.md §1). Plain byte
// arithmetic on Uint8Array, no DataView per call (that would allocate per frame); f32 goes through
// one module-level scratch word.

const f32 = new Float32Array(1)
const f32Bytes = new Uint8Array(f32.buffer)

/** Writes v as u8 at buf[off]. */
export function putU8 (buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff
}

/** Writes v as little-endian u16 at buf[off..off+2). */
export function putU16 (buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff
  buf[off + 1] = (v >>> 8) & 0xff
}

/** Writes v as little-endian u32 at buf[off..off+4); v is taken modulo 2^32. */
export function putU32 (buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff
  buf[off + 1] = (v >>> 8) & 0xff
  buf[off + 2] = (v >>> 16) & 0xff
  buf[off + 3] = (v >>> 24) & 0xff
}

/** Writes v as little-endian i16 (two's complement) at buf[off..off+2). */
export function putI16 (buf: Uint8Array, off: number, v: number): void {
  putU16(buf, off, v & 0xffff)
}

/** Writes v rounded to binary32, little-endian, at buf[off..off+4). */
export function putF32 (buf: Uint8Array, off: number, v: number): void {
  f32[0] = v
  // the scratch shares the platform's byte order; normalise to little-endian
  if (LITTLE_ENDIAN) {
    buf[off] = f32Bytes[0]; buf[off + 1] = f32Bytes[1]; buf[off + 2] = f32Bytes[2]; buf[off + 3] = f32Bytes[3]
  } else {
    buf[off] = f32Bytes[3]; buf[off + 1] = f32Bytes[2]; buf[off + 2] = f32Bytes[1]; buf[off + 3] = f32Bytes[0]
  }
}

/** Reads a little-endian u16 at buf[off]. */
export function getU16 (buf: Uint8Array, off: number): number {
  return buf[off] | (buf[off + 1] << 8)
}

/** Reads a little-endian i16 at buf[off]. */
export function getI16 (buf: Uint8Array, off: number): number {
  const u = getU16(buf, off)
  return u >= 0x8000 ? u - 0x10000 : u
}

/** Reads a little-endian u32 at buf[off]. */
export function getU32 (buf: Uint8Array, off: number): number {
  return (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)) >>> 0
}

/** Reads a little-endian f32 at buf[off]. */
export function getF32 (buf: Uint8Array, off: number): number {
  if (LITTLE_ENDIAN) {
    f32Bytes[0] = buf[off]; f32Bytes[1] = buf[off + 1]; f32Bytes[2] = buf[off + 2]; f32Bytes[3] = buf[off + 3]
  } else {
    f32Bytes[3] = buf[off]; f32Bytes[2] = buf[off + 1]; f32Bytes[1] = buf[off + 2]; f32Bytes[0] = buf[off + 3]
  }
  return f32[0]
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
