// Adds a rigid payload (a uniform box) to a compiled MuJoCo body, for scenarios that load the robot.
//
// MuJoCo stores a body's inertia as mass, CoM (body_ipos), principal-axes orientation (body_iquat) and
// principal moments (body_inertia). The payload is merged with the parallel-axis theorem,
//   I_c = Σ_k [ R_k diag(I_k) R_kᵀ + m_k (|d_k|² 𝟙 − d_k d_kᵀ) ],  d_k = c_k − c,
// the merged tensor is re-diagonalized (cyclic Jacobi), and mj_setConst refreshes the constants derived
// from the masses. Writes model.body_mass/ipos/iquat/inertia of one body.
import type { Mujoco } from './mujoco.ts'

type MjModel = InstanceType<Mujoco['MjModel']>
type MjData = InstanceType<Mujoco['MjData']>

/** A uniform box rigidly attached to a body. Lengths in m, in the body frame. */
export interface PayloadSpec {
  mass: number
  /** Centre of the box in the body frame [m]; default on top of the base, [0, 0, 0.07]. */
  pos?: [number, number, number]
  /** Full edge lengths [m]; default [0.15, 0.1, 0.04]. */
  size?: [number, number, number]
}

/** Eigen-decomposition of a symmetric 3×3 matrix (row-major `a`, destroyed): writes eigenvalues to
 *  `values` and the eigenvectors to the columns of `vectors` (row-major), a right-handed rotation. */
export function symmetricEigen3 (a: number[], values: number[], vectors: number[]): void {
  const v = vectors
  v.fill(0); v[0] = 1; v[4] = 1; v[8] = 1
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5])
    const scale = Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8])
    if (off <= 1e-18 * scale || off === 0) break
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      const apq = a[3 * p + q]
      if (apq === 0) continue
      // Rotation in the (p, q) plane that zeroes a[p][q] (Golub & Van Loan, Alg. 8.4.1).
      const theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq)
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
      const c = 1 / Math.sqrt(t * t + 1)
      const s = t * c
      for (let k = 0; k < 3; k++) { // A ← A J
        const akp = a[3 * k + p], akq = a[3 * k + q]
        a[3 * k + p] = c * akp - s * akq
        a[3 * k + q] = s * akp + c * akq
      }
      for (let k = 0; k < 3; k++) { // A ← Jᵀ A
        const apk = a[3 * p + k], aqk = a[3 * q + k]
        a[3 * p + k] = c * apk - s * aqk
        a[3 * q + k] = s * apk + c * aqk
      }
      for (let k = 0; k < 3; k++) { // V ← V J
        const vkp = v[3 * k + p], vkq = v[3 * k + q]
        v[3 * k + p] = c * vkp - s * vkq
        v[3 * k + q] = s * vkp + c * vkq
      }
    }
  }
  values[0] = a[0]; values[1] = a[4]; values[2] = a[8]
  const det = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6])
  if (det < 0) { v[2] = -v[2]; v[5] = -v[5]; v[8] = -v[8] }
}

/** Unit quaternion [w, x, y, z] of a rotation matrix (row-major), Shepperd's method. */
export function quatFromMatrix (r: number[]): [number, number, number, number] {
  const tr = r[0] + r[4] + r[8]
  let w: number, x: number, y: number, z: number
  if (tr > 0) {
    const s = 2 * Math.sqrt(tr + 1)
    w = 0.25 * s; x = (r[7] - r[5]) / s; y = (r[2] - r[6]) / s; z = (r[3] - r[1]) / s
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const s = 2 * Math.sqrt(1 + r[0] - r[4] - r[8])
    w = (r[7] - r[5]) / s; x = 0.25 * s; y = (r[1] + r[3]) / s; z = (r[2] + r[6]) / s
  } else if (r[4] > r[8]) {
    const s = 2 * Math.sqrt(1 + r[4] - r[0] - r[8])
    w = (r[2] - r[6]) / s; x = (r[1] + r[3]) / s; y = 0.25 * s; z = (r[5] + r[7]) / s
  } else {
    const s = 2 * Math.sqrt(1 + r[8] - r[0] - r[4])
    w = (r[3] - r[1]) / s; x = (r[2] + r[6]) / s; y = (r[5] + r[7]) / s; z = 0.25 * s
  }
  const n = Math.hypot(w, x, y, z)
  return [w / n, x / n, y / n, z / n]
}

function matrixFromQuat (q: ArrayLike<number>, o: number): number[] {
  const w = q[o], x = q[o + 1], y = q[o + 2], z = q[o + 3]
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
  ]
}

/** Merges the payload into body `bodyId` of `model` and calls mj_setConst. Throws RangeError on a bad spec. */
export function addPayload (mj: Mujoco, model: MjModel, data: MjData, bodyId: number, spec: PayloadSpec): void {
  const mp = spec.mass
  if (!(Number.isFinite(mp) && mp > 0)) throw new RangeError(`payload mass must be a positive number of kg, got ${mp}`)
  const p = spec.pos ?? [0, 0, 0.07]
  const size = spec.size ?? [0.15, 0.1, 0.04]
  if (![...p, ...size].every(Number.isFinite) || size.some((s) => s <= 0)) {
    throw new RangeError('payload pos must be finite and size positive')
  }
  const bodyMass = model.body_mass as Float64Array
  const ipos = model.body_ipos as Float64Array
  const iquat = model.body_iquat as Float64Array
  const inertia = model.body_inertia as Float64Array
  const m = bodyMass[bodyId]
  const c0 = [ipos[3 * bodyId], ipos[3 * bodyId + 1], ipos[3 * bodyId + 2]]
  const M = m + mp
  const c = [0, 1, 2].map((k) => (m * c0[k] + mp * p[k]) / M)
  const r = matrixFromQuat(iquat, 4 * bodyId)
  const d0 = [inertia[3 * bodyId], inertia[3 * bodyId + 1], inertia[3 * bodyId + 2]]
  const [a, b, h] = size
  const dp = [mp * (b * b + h * h) / 12, mp * (a * a + h * h) / 12, mp * (a * a + b * b) / 12]
  const I = new Array<number>(9).fill(0)
  const parallel = (mass: number, d: number[]): void => {
    const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) I[3 * i + j] += mass * ((i === j ? dd : 0) - d[i] * d[j])
  }
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0
      for (let k = 0; k < 3; k++) s += r[3 * i + k] * d0[k] * r[3 * j + k]
      I[3 * i + j] += s + (i === j ? dp[i] : 0)
    }
  }
  parallel(m, [c0[0] - c[0], c0[1] - c[1], c0[2] - c[2]])
  parallel(mp, [p[0] - c[0], p[1] - c[1], p[2] - c[2]])
  const values = [0, 0, 0]
  const vectors = new Array<number>(9).fill(0)
  symmetricEigen3(I, values, vectors)
  const q = quatFromMatrix(vectors)
  bodyMass[bodyId] = M
  for (let k = 0; k < 3; k++) { ipos[3 * bodyId + k] = c[k]; inertia[3 * bodyId + k] = values[k] }
  for (let k = 0; k < 4; k++) iquat[4 * bodyId + k] = q[k]
  mj.mj_setConst(model, data)
}
