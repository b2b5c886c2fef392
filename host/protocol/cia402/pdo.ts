// The fixed process-data mapping of our CiA 402 drives (firmware-bridge/PROTOCOL.md §5; CoE objects per
// CiA 402-2), little-endian as all EtherCAT process data (ETG.1000.4), fields packed without padding:
//
//   RxPDO 0x1600, master → drive, 13 bytes        TxPDO 0x1A00, drive → master, 15 bytes
//   +0  0x6040 controlword        u16             +0   0x6041 statusword                u16
//   +2  0x6060 modes of operation i8              +2   0x6061 modes of operation display i8
//   +3  0x607A target position    i32 [inc]       +3   0x6064 position actual value     i32 [inc]
//   +7  0x60FF target velocity    i32 [inc/s]     +7   0x606C velocity actual value     i32 [inc/s]
//   +11 0x6071 target torque      i16 [‰ rated]   +11  0x6077 torque actual value       i16 [‰ rated]
//                                                 +13  0x603F error code                u16
//
// Byte arithmetic only: no DataView, nothing allocated per call. Packing keeps the low bits of each
// field (two's complement); callers clamp first (scaling.ts does).

export const CIA402_RXPDO_LEN = 13
export const CIA402_TXPDO_LEN = 15

/** RxPDO contents (drive units). */
export interface Cia402Outputs {
  controlword: number
  /** 0x6060: 8 CSP, 9 CSV, 10 CST */
  mode: number
  /** increments */
  target_position: number
  /** increments/s */
  target_velocity: number
  /** per-mille of rated torque 0x6076 */
  target_torque: number
}

/** TxPDO contents (drive units). */
export interface Cia402Inputs {
  statusword: number
  mode_display: number
  /** increments */
  position: number
  /** increments/s */
  velocity: number
  /** per-mille of rated torque */
  torque: number
  /** 0x603F, 0 = no error */
  error_code: number
}

export function createCia402Outputs (): Cia402Outputs {
  return { controlword: 0, mode: 0, target_position: 0, target_velocity: 0, target_torque: 0 }
}

export function createCia402Inputs (): Cia402Inputs {
  return { statusword: 0, mode_display: 0, position: 0, velocity: 0, torque: 0, error_code: 0 }
}

function put16 (v: number, out: Uint8Array, o: number): void {
  out[o] = v & 0xff
  out[o + 1] = (v >>> 8) & 0xff
}

function put32 (v: number, out: Uint8Array, o: number): void {
  out[o] = v & 0xff
  out[o + 1] = (v >>> 8) & 0xff
  out[o + 2] = (v >>> 16) & 0xff
  out[o + 3] = (v >>> 24) & 0xff
}

function getU16 (b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8)
}

function getI16 (b: Uint8Array, o: number): number {
  return ((b[o] | (b[o + 1] << 8)) << 16) >> 16
}

function getI32 (b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)
}

function getI8 (b: Uint8Array, o: number): number {
  return (b[o] << 24) >> 24
}

/** Writes the 13-byte RxPDO at out[off]; returns 13, or 0 (nothing written) if it does not fit. */
export function packRxPdo (o: Cia402Outputs, out: Uint8Array, off: number): number {
  if (off < 0 || out.length - off < CIA402_RXPDO_LEN) return 0
  put16(o.controlword, out, off)
  out[off + 2] = o.mode & 0xff
  put32(o.target_position, out, off + 3)
  put32(o.target_velocity, out, off + 7)
  put16(o.target_torque, out, off + 11)
  return CIA402_RXPDO_LEN
}

/** Reads a 13-byte RxPDO from buf[off] (the drive's side: emulators, tests); false if too short. */
export function unpackRxPdo (buf: Uint8Array, off: number, into: Cia402Outputs): boolean {
  if (off < 0 || buf.length - off < CIA402_RXPDO_LEN) return false
  into.controlword = getU16(buf, off)
  into.mode = getI8(buf, off + 2)
  into.target_position = getI32(buf, off + 3)
  into.target_velocity = getI32(buf, off + 7)
  into.target_torque = getI16(buf, off + 11)
  return true
}

/** Writes the 15-byte TxPDO at out[off] (the drive's side); returns 15, or 0 if it does not fit. */
export function packTxPdo (i: Cia402Inputs, out: Uint8Array, off: number): number {
  if (off < 0 || out.length - off < CIA402_TXPDO_LEN) return 0
  put16(i.statusword, out, off)
  out[off + 2] = i.mode_display & 0xff
  put32(i.position, out, off + 3)
  put32(i.velocity, out, off + 7)
  put16(i.torque, out, off + 11)
  put16(i.error_code, out, off + 13)
  return CIA402_TXPDO_LEN
}

/** Reads the 15-byte TxPDO from buf[off]; false (into unchanged) if too short. */
export function unpackTxPdo (buf: Uint8Array, off: number, into: Cia402Inputs): boolean {
  if (off < 0 || buf.length - off < CIA402_TXPDO_LEN) return false
  into.statusword = getU16(buf, off)
  into.mode_display = getI8(buf, off + 2)
  into.position = getI32(buf, off + 3)
  into.velocity = getI32(buf, off + 7)
  into.torque = getI16(buf, off + 11)
  into.error_code = getU16(buf, off + 13)
  return true
}
