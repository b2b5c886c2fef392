// Small rotation kernels for the plant's sensor models, on plain arrays with explicit offsets so that
// they read MuJoCo's state arrays in place. Quaternions are [w, x, y, z] (MuJoCo's order), unit norm.
// Every function writes into `out` and allocates nothing; each reads its inputs before writing, so `out`
// may alias an input.

type Arr = Float64Array | number[]

/** out = q ⊗ p (Hamilton product). `out` may alias an input: all inputs are read before writing. */
export function quatMul (out: Arr, q: Arr, qo: number, p: Arr, po: number): void {
  const qw = q[qo], qx = q[qo + 1], qy = q[qo + 2], qz = q[qo + 3]
  const pw = p[po], px = p[po + 1], py = p[po + 2], pz = p[po + 3]
  out[0] = qw * pw - qx * px - qy * py - qz * pz
  out[1] = qw * px + qx * pw + qy * pz - qz * py
  out[2] = qw * py - qx * pz + qy * pw + qz * px
  out[3] = qw * pz + qx * py - qy * px + qz * pw
}

/** out = R(q) · v, the vector v (frame B) expressed in frame A when q is B's orientation in A. `out` may alias v. */
export function quatRotate (out: Arr, q: Arr, qo: number, v: Arr, vo: number): void {
  const w = q[qo], x = q[qo + 1], y = q[qo + 2], z = q[qo + 3]
  const vx = v[vo], vy = v[vo + 1], vz = v[vo + 2]
  // t = 2 (q_vec × v); v' = v + w t + q_vec × t
  const tx = 2 * (y * vz - z * vy)
  const ty = 2 * (z * vx - x * vz)
  const tz = 2 * (x * vy - y * vx)
  out[0] = vx + w * tx + (y * tz - z * ty)
  out[1] = vy + w * ty + (z * tx - x * tz)
  out[2] = vz + w * tz + (x * ty - y * tx)
}

/** out = R(q)ᵀ · v (inverse rotation). `out` may alias v. */
export function quatRotateInv (out: Arr, q: Arr, qo: number, v: Arr, vo: number): void {
  const w = q[qo], x = -q[qo + 1], y = -q[qo + 2], z = -q[qo + 3]
  const vx = v[vo], vy = v[vo + 1], vz = v[vo + 2]
  const tx = 2 * (y * vz - z * vy)
  const ty = 2 * (z * vx - x * vz)
  const tz = 2 * (x * vy - y * vx)
  out[0] = vx + w * tx + (y * tz - z * ty)
  out[1] = vy + w * ty + (z * tx - x * tz)
  out[2] = vz + w * tz + (x * ty - y * tx)
}

/** out = exp(r): unit quaternion of the rotation vector r [rad] (axis × angle). */
export function quatFromRotvec (out: Arr, r: Arr, ro: number): void {
  const x = r[ro], y = r[ro + 1], z = r[ro + 2]
  const angle = Math.sqrt(x * x + y * y + z * z)
  if (angle < 1e-12) {
    out[0] = 1; out[1] = 0.5 * x; out[2] = 0.5 * y; out[3] = 0.5 * z
    return
  }
  const s = Math.sin(0.5 * angle) / angle
  out[0] = Math.cos(0.5 * angle); out[1] = s * x; out[2] = s * y; out[3] = s * z
}

/** Angle [rad] between the body z axis of orientation q and the world z axis (0 when level). */
export function tiltAngle (q: Arr, qo: number): number {
  const x = q[qo + 1], y = q[qo + 2]
  // R[2][2] = 1 − 2(x² + y²) is the cosine of the tilt.
  const c = 1 - 2 * (x * x + y * y)
  return Math.acos(Math.max(-1, Math.min(1, c)))
}

/** Roll and pitch [rad] (ZYX Euler convention) of orientation q, written to out[0], out[1]. */
export function rollPitch (out: Arr, q: Arr, qo: number): void {
  const w = q[qo], x = q[qo + 1], y = q[qo + 2], z = q[qo + 3]
  out[0] = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
  out[1] = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))))
}
