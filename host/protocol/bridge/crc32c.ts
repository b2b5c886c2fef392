// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init 0xFFFFFFFF, final XOR 0xFFFFFFFF;
// check value CRC-32C("123456789") = 0xE3069283 (firmware-bridge/PROTOCOL.md §2). Byte-wise
// table method; the 1 KiB table is built once at module load.

const TABLE = new Uint32Array(256)
for (let i = 0; i < 256; i++) {
  let c = i
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  TABLE[i] = c >>> 0
}

/** CRC-32C of buf[off..off+len), as an unsigned 32-bit number. */
export function crc32c (buf: Uint8Array, off: number, len: number): number {
  let c = 0xffffffff
  const end = off + len
  for (let i = off; i < end; i++) c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
