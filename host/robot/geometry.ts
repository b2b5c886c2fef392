// Small rotation helpers for building robot descriptions (host side, not on any hot path).
import type { Mat3, Quat, Vec3 } from './description.ts'

export const IDENTITY_QUAT: Quat = [1, 0, 0, 0]

/** Quaternion [w,x,y,z] of URDF's fixed-axis roll-pitch-yaw: R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export function quatFromRpy (roll: number, pitch: number, yaw: number): Quat {
  const cr = Math.cos(roll / 2); const sr = Math.sin(roll / 2)
  const cp = Math.cos(pitch / 2); const sp = Math.sin(pitch / 2)
  const cy = Math.cos(yaw / 2); const sy = Math.sin(yaw / 2)
  return [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy
  ]
}

export function quatMul (a: Quat, b: Quat): Quat {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]
  ]
}

export function quatNormalize (q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3])
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n]
}

/** Rotation matrix (row-major) of a unit quaternion. */
export function matFromQuat (q: Quat): Mat3 {
  const [w, x, y, z] = q
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
  ]
}

export function rotate (R: Mat3, v: Vec3): Vec3 {
  return [
    R[0] * v[0] + R[1] * v[1] + R[2] * v[2],
    R[3] * v[0] + R[4] * v[1] + R[5] * v[2],
    R[6] * v[0] + R[7] * v[1] + R[8] * v[2]
  ]
}

/** Placement composition: (pa, qa) ∘ (pb, qb) = (pa + Ra·pb, qa·qb). */
export function composePose (pa: Vec3, qa: Quat, pb: Vec3, qb: Quat): { pos: Vec3, quat: Quat } {
  const r = rotate(matFromQuat(qa), pb)
  return { pos: [pa[0] + r[0], pa[1] + r[1], pa[2] + r[2]], quat: quatNormalize(quatMul(qa, qb)) }
}

/** R·I·Rᵀ: an inertia tensor given in a rotated frame, expressed in the outer frame's axes. */
export function rotateInertia (R: Mat3, I: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0)
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += R[i * 3 + k] * I[k * 3 + l] * R[j * 3 + l]
      out[i * 3 + j] = s
    }
  }
  return out as Mat3
}

/** Inertia of a point mass m at offset d about the origin: m(|d|²·1 − d·dᵀ) (parallel-axis term). */
export function pointInertia (m: number, d: Vec3): Mat3 {
  const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
  return [
    m * (dd - d[0] * d[0]), -m * d[0] * d[1], -m * d[0] * d[2],
    -m * d[1] * d[0], m * (dd - d[1] * d[1]), -m * d[1] * d[2],
    -m * d[2] * d[0], -m * d[2] * d[1], m * (dd - d[2] * d[2])
  ]
}

export function addMat3 (a: Mat3, b: Mat3): Mat3 {
  return a.map((v, i) => v + b[i]) as Mat3
}

export function subMat3 (a: Mat3, b: Mat3): Mat3 {
  return a.map((v, i) => v - b[i]) as Mat3
}
