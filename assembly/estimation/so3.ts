// SO(3) helpers of the estimators on flat row-major storage (R[off + 3·row + col]), as in
// math/rotation.ts: the exponential map (Rodrigues), its left Jacobian (the translation part of the
// SE_K(3) exponential), and the quaternion of a rotation matrix. Output first; no aliasing.

/** out (3×3) = Exp(φ) = I + (sin θ/θ)·[φ]× + ((1 − cos θ)/θ²)·[φ]×², θ = |φ| [rad]. */
export function so3Exp (out: StaticArray<f64>, oo: i32, x: f64, y: f64, z: f64): void {
  const t2 = x * x + y * y + z * z
  let a: f64, b: f64
  if (t2 < 1e-4) {
    // Taylor to θ⁴ (remainder below θ⁶/5040 ≈ 2e-16 here): the per-update increments of the filters,
    // without the software sin/cos
    a = 1.0 - t2 / 6.0 + t2 * t2 / 120.0
    b = 0.5 - t2 / 24.0 + t2 * t2 / 720.0
  } else {
    const t = Math.sqrt(t2)
    a = Math.sin(t) / t
    b = (1.0 - Math.cos(t)) / t2
  }
  writeRodrigues(out, oo, x, y, z, a, b)
}

/** out (3×3) = J_l(φ) = I + ((1 − cos θ)/θ²)·[φ]× + ((θ − sin θ)/θ³)·[φ]×². */
export function so3LeftJacobian (out: StaticArray<f64>, oo: i32, x: f64, y: f64, z: f64): void {
  const t2 = x * x + y * y + z * z
  let a: f64, b: f64
  if (t2 < 1e-4) {
    a = 0.5 - t2 / 24.0 + t2 * t2 / 720.0
    b = 1.0 / 6.0 - t2 / 120.0 + t2 * t2 / 5040.0
  } else {
    const t = Math.sqrt(t2)
    a = (1.0 - Math.cos(t)) / t2
    b = (t - Math.sin(t)) / (t2 * t)
  }
  writeRodrigues(out, oo, x, y, z, a, b)
}

/** out = I + a·[φ]× + b·[φ]×², with [φ]×² = φφᵀ − |φ|²·I. */
@inline function writeRodrigues (out: StaticArray<f64>, oo: i32, x: f64, y: f64, z: f64, a: f64, b: f64): void {
  const xx = x * x; const yy = y * y; const zz = z * z
  const xy = x * y; const xz = x * z; const yz = y * z
  out[oo] = 1.0 - b * (yy + zz)
  out[oo + 1] = -a * z + b * xy
  out[oo + 2] = a * y + b * xz
  out[oo + 3] = a * z + b * xy
  out[oo + 4] = 1.0 - b * (xx + zz)
  out[oo + 5] = -a * x + b * yz
  out[oo + 6] = -a * y + b * xz
  out[oo + 7] = a * x + b * yz
  out[oo + 8] = 1.0 - b * (xx + yy)
}

/** out[oo..oo+4] = the unit quaternion (w ≥ 0, wxyz) of the rotation matrix R (Shepperd's method). */
export function quatFromMat3 (out: StaticArray<f64>, oo: i32, R: StaticArray<f64>, ro: i32): void {
  const m00 = R[ro]; const m01 = R[ro + 1]; const m02 = R[ro + 2]
  const m10 = R[ro + 3]; const m11 = R[ro + 4]; const m12 = R[ro + 5]
  const m20 = R[ro + 6]; const m21 = R[ro + 7]; const m22 = R[ro + 8]
  const tr = m00 + m11 + m22
  let w: f64, x: f64, y: f64, z: f64
  if (tr > 0.0) {
    const s = 2.0 * Math.sqrt(1.0 + tr)
    w = 0.25 * s; x = (m21 - m12) / s; y = (m02 - m20) / s; z = (m10 - m01) / s
  } else if (m00 > m11 && m00 > m22) {
    const s = 2.0 * Math.sqrt(1.0 + m00 - m11 - m22)
    w = (m21 - m12) / s; x = 0.25 * s; y = (m01 + m10) / s; z = (m02 + m20) / s
  } else if (m11 > m22) {
    const s = 2.0 * Math.sqrt(1.0 + m11 - m00 - m22)
    w = (m02 - m20) / s; x = (m01 + m10) / s; y = 0.25 * s; z = (m12 + m21) / s
  } else {
    const s = 2.0 * Math.sqrt(1.0 + m22 - m00 - m11)
    w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = 0.25 * s
  }
  const n = (w < 0.0 ? -1.0 : 1.0) / Math.sqrt(w * w + x * x + y * y + z * z)
  out[oo] = w * n; out[oo + 1] = x * n; out[oo + 2] = y * n; out[oo + 3] = z * n
}

/** Re-orthonormalizes R in place (one Gram–Schmidt pass on the rows), against drift from products. */
export function mat3Orthonormalize (R: StaticArray<f64>, ro: i32): void {
  let ax = R[ro]; let ay = R[ro + 1]; let az = R[ro + 2]
  let n = 1.0 / Math.sqrt(ax * ax + ay * ay + az * az)
  ax *= n; ay *= n; az *= n
  let bx = R[ro + 3]; let by = R[ro + 4]; let bz = R[ro + 5]
  const d = ax * bx + ay * by + az * bz
  bx -= d * ax; by -= d * ay; bz -= d * az
  n = 1.0 / Math.sqrt(bx * bx + by * by + bz * bz)
  bx *= n; by *= n; bz *= n
  R[ro] = ax; R[ro + 1] = ay; R[ro + 2] = az
  R[ro + 3] = bx; R[ro + 4] = by; R[ro + 5] = bz
  R[ro + 6] = ay * bz - az * by; R[ro + 7] = az * bx - ax * bz; R[ro + 8] = ax * by - ay * bx
}
