// 3×3 rotation kernels on flat row-major f64 storage (`R[off + 3*row + col]`).
// A rotation `R_a_b` maps coordinates in frame b to frame a. Output first, offsets after their
// array; outputs must not alias inputs unless a function says so.

/** out = a·b (3×3). */
@inline export function mat3Mul (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32): void {
  const b00 = unchecked(b[bo]); const b01 = unchecked(b[bo + 1]); const b02 = unchecked(b[bo + 2])
  const b10 = unchecked(b[bo + 3]); const b11 = unchecked(b[bo + 4]); const b12 = unchecked(b[bo + 5])
  const b20 = unchecked(b[bo + 6]); const b21 = unchecked(b[bo + 7]); const b22 = unchecked(b[bo + 8])
  for (let r = 0; r < 3; r++) {
    const a0 = unchecked(a[ao + 3 * r]); const a1 = unchecked(a[ao + 3 * r + 1]); const a2 = unchecked(a[ao + 3 * r + 2])
    unchecked(out[oo + 3 * r] = a0 * b00 + a1 * b10 + a2 * b20)
    unchecked(out[oo + 3 * r + 1] = a0 * b01 + a1 * b11 + a2 * b21)
    unchecked(out[oo + 3 * r + 2] = a0 * b02 + a1 * b12 + a2 * b22)
  }
}

/** out = R·(x, y, z) (3). */
@inline export function mat3MulVec (out: StaticArray<f64>, oo: i32, R: StaticArray<f64>, ro: i32, x: f64, y: f64, z: f64): void {
  unchecked(out[oo] = R[ro] * x + R[ro + 1] * y + R[ro + 2] * z)
  unchecked(out[oo + 1] = R[ro + 3] * x + R[ro + 4] * y + R[ro + 5] * z)
  unchecked(out[oo + 2] = R[ro + 6] * x + R[ro + 7] * y + R[ro + 8] * z)
}

/** out = Rᵀ·(x, y, z) (3). */
@inline export function mat3TMulVec (out: StaticArray<f64>, oo: i32, R: StaticArray<f64>, ro: i32, x: f64, y: f64, z: f64): void {
  unchecked(out[oo] = R[ro] * x + R[ro + 3] * y + R[ro + 6] * z)
  unchecked(out[oo + 1] = R[ro + 1] * x + R[ro + 4] * y + R[ro + 7] * z)
  unchecked(out[oo + 2] = R[ro + 2] * x + R[ro + 5] * y + R[ro + 8] * z)
}

/** out = I (3×3). */
@inline export function mat3Identity (out: StaticArray<f64>, oo: i32): void {
  for (let i = 0; i < 9; i++) unchecked(out[oo + i] = 0.0)
  unchecked(out[oo] = 1.0)
  unchecked(out[oo + 4] = 1.0)
  unchecked(out[oo + 8] = 1.0)
}

/** out = a (9 values). */
@inline export function mat3Copy (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32): void {
  for (let i = 0; i < 9; i++) unchecked(out[oo + i] = a[ao + i])
}

/**
 * out = rotation by `angle` [rad] about the unit axis (ax, ay, az) (Rodrigues):
 * R = c·I + s·[a]× + (1 − c)·a·aᵀ.
 */
@inline export function mat3AxisAngle (out: StaticArray<f64>, oo: i32, ax: f64, ay: f64, az: f64, angle: f64): void {
  const c = Math.cos(angle)
  const s = Math.sin(angle)
  const t = 1.0 - c
  unchecked(out[oo] = c + t * ax * ax)
  unchecked(out[oo + 1] = t * ax * ay - s * az)
  unchecked(out[oo + 2] = t * ax * az + s * ay)
  unchecked(out[oo + 3] = t * ax * ay + s * az)
  unchecked(out[oo + 4] = c + t * ay * ay)
  unchecked(out[oo + 5] = t * ay * az - s * ax)
  unchecked(out[oo + 6] = t * ax * az - s * ay)
  unchecked(out[oo + 7] = t * ay * az + s * ax)
  unchecked(out[oo + 8] = c + t * az * az)
}

/** True when R equals the identity exactly (used at build time to skip products). */
export function mat3IsIdentity (R: StaticArray<f64>, ro: i32): bool {
  for (let i = 0; i < 9; i++) {
    const want: f64 = (i % 4 == 0) ? 1.0 : 0.0
    if (R[ro + i] != want) return false
  }
  return true
}
