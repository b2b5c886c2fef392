// Unit quaternions [w, x, y, z] (MuJoCo's order) stored flat in f64 arrays.

/**
 * out = rotation matrix (3×3 row-major) of the quaternion (w, x, y, z), normalized first so that a
 * slightly denormalized input (integration drift) still gives a rotation, as MuJoCo does.
 * A zero quaternion gives the identity.
 */
@inline export function quatToMat3 (out: StaticArray<f64>, oo: i32, w0: f64, x0: f64, y0: f64, z0: f64): void {
  const n2 = w0 * w0 + x0 * x0 + y0 * y0 + z0 * z0
  let w = 1.0; let x = 0.0; let y = 0.0; let z = 0.0
  if (n2 > 0.0) {
    const inv = 1.0 / Math.sqrt(n2)
    w = w0 * inv; x = x0 * inv; y = y0 * inv; z = z0 * inv
  }
  const ww = w * w; const xx = x * x; const yy = y * y; const zz = z * z
  const wx = w * x; const wy = w * y; const wz = w * z
  const xy = x * y; const xz = x * z; const yz = y * z
  unchecked(out[oo] = ww + xx - yy - zz)
  unchecked(out[oo + 1] = 2.0 * (xy - wz))
  unchecked(out[oo + 2] = 2.0 * (xz + wy))
  unchecked(out[oo + 3] = 2.0 * (xy + wz))
  unchecked(out[oo + 4] = ww - xx + yy - zz)
  unchecked(out[oo + 5] = 2.0 * (yz - wx))
  unchecked(out[oo + 6] = 2.0 * (xz - wy))
  unchecked(out[oo + 7] = 2.0 * (yz + wx))
  unchecked(out[oo + 8] = ww - xx - yy + zz)
}

/** out = a ⊗ b (Hamilton product, 4). `out` may alias neither input. */
@inline export function quatMul (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32): void {
  const aw = unchecked(a[ao]); const ax = unchecked(a[ao + 1]); const ay = unchecked(a[ao + 2]); const az = unchecked(a[ao + 3])
  const bw = unchecked(b[bo]); const bx = unchecked(b[bo + 1]); const by = unchecked(b[bo + 2]); const bz = unchecked(b[bo + 3])
  unchecked(out[oo] = aw * bw - ax * bx - ay * by - az * bz)
  unchecked(out[oo + 1] = aw * bx + ax * bw + ay * bz - az * by)
  unchecked(out[oo + 2] = aw * by - ax * bz + ay * bw + az * bx)
  unchecked(out[oo + 3] = aw * bz + ax * by - ay * bx + az * bw)
}

/** Normalizes the quaternion at q[o..o+4] in place; a zero quaternion becomes the identity. */
@inline export function quatNormalize (q: StaticArray<f64>, o: i32): void {
  const w = unchecked(q[o]); const x = unchecked(q[o + 1]); const y = unchecked(q[o + 2]); const z = unchecked(q[o + 3])
  const n2 = w * w + x * x + y * y + z * z
  if (n2 > 0.0) {
    const inv = 1.0 / Math.sqrt(n2)
    unchecked(q[o] = w * inv); unchecked(q[o + 1] = x * inv); unchecked(q[o + 2] = y * inv); unchecked(q[o + 3] = z * inv)
  } else {
    unchecked(q[o] = 1.0); unchecked(q[o + 1] = 0.0); unchecked(q[o + 2] = 0.0); unchecked(q[o + 3] = 0.0)
  }
}

/**
 * q ← q ⊗ exp(ω·dt/2): integrates the orientation q over dt [s] with the angular velocity ω given in
 * the rotated (body) frame [rad/s], as MuJoCo integrates a free joint's quaternion. In place, normalized.
 */
export function quatIntegrateBody (q: StaticArray<f64>, o: i32, wx: f64, wy: f64, wz: f64, dt: f64): void {
  const n = Math.sqrt(wx * wx + wy * wy + wz * wz)
  const angle = n * dt
  if (angle == 0.0) return
  const half = 0.5 * angle
  const s = Math.sin(half) / n
  const dw = Math.cos(half); const dx = wx * s; const dy = wy * s; const dz = wz * s
  const w = unchecked(q[o]); const x = unchecked(q[o + 1]); const y = unchecked(q[o + 2]); const z = unchecked(q[o + 3])
  unchecked(q[o] = w * dw - x * dx - y * dy - z * dz)
  unchecked(q[o + 1] = w * dx + x * dw + y * dz - z * dy)
  unchecked(q[o + 2] = w * dy - x * dz + y * dw + z * dx)
  unchecked(q[o + 3] = w * dz + x * dy - y * dx + z * dw)
  quatNormalize(q, o)
}
