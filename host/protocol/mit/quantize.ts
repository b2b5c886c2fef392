// MIT-mode fixed-point quantisation exactly as the reference firmware computes it
// (bgkatz/motorcontrol Core/Src/math_ops.c, float_to_uint / uint_to_float): binary32 arithmetic in
// the order u = (int)((x − x_min) · (2^bits − 1) / (x_max − x_min)), truncation toward zero, and
// x = u · span / (2^bits − 1) + x_min. Math.fround after every operation reproduces binary32: for
// +, −, ×, ÷ of binary32 values, rounding the binary64 result once more gives the correctly rounded
// binary32 result (binary64 has ≥ 2·24 + 2 significand bits).

const f = Math.fround

/**
 * Quantises x into [0, 2^bits − 1]. x outside [xMin, xMax] is clamped first; NaN gives 0 (callers
 * that must not send NaN check for it before, as packMitCommand does).
 */
export function floatToUint (x: number, xMin: number, xMax: number, bits: number): number {
  const top = 2 ** bits - 1
  const lo = f(xMin)
  const hi = f(xMax)
  const span = f(hi - lo)
  if (!(span > 0) || Number.isNaN(x)) return 0
  let xf = f(x)
  if (xf < lo) xf = lo
  if (xf > hi) xf = hi
  const v = f(f(f(xf - lo) * top) / span)
  if (!(v >= 0)) return 0
  return v >= top ? top : Math.trunc(v)
}

/** Inverse of floatToUint, in binary32 as the drives decode (result is a binary32 value). */
export function uintToFloat (u: number, xMin: number, xMax: number, bits: number): number {
  const top = 2 ** bits - 1
  const lo = f(xMin)
  const span = f(f(xMax) - lo)
  return f(f(f(f(u) * span) / top) + lo)
}

/**
 * The 16-bit position code a drive sends for a multi-turn angle x: the reference firmware does not
 * clamp, so the field keeps the low 16 bits of the truncated value and the reported angle wraps with
 * period 65536·span/65535 (bgkatz/motorcontrol Core/Src/can.c, pack_reply).
 */
export function floatToU16Wrapping (x: number, xMin: number, xMax: number): number {
  const lo = f(xMin)
  const span = f(f(xMax) - lo)
  if (!(span > 0) || !Number.isFinite(x)) return 0
  let v = f(f(f(f(x) - lo) * 65535) / span)
  if (v > 1073741824) v = 1073741824
  if (v < -1073741824) v = -1073741824
  return Math.trunc(v) & 0xffff
}
