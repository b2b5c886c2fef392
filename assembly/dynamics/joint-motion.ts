// One link's joint motion in the velocity recursion (shared by forwardVelocity and rnea):
//   u = S·q̇ is added to the link velocity V_k (already holding the parent's), and Ṡ·q̇ to the bias
//   acceleration A_k: v_k × u for hinge/slide joints (axis fixed in parent and child), and
//   [−ω × ṗ, 0] for the free joint (qvel = [ṗ_world, ω_body]).
import { Model } from '../model/model'
import { JOINT_FREE } from '../model/joint-type'

/** Adds link k's joint velocity (dofs va..va+n of `v`) to V[o..o+6) and its Ṡ·q̇ term to A[o..o+6). */
// @ts-ignore: decorator
@inline
export function addJointMotion (model: Model, S: StaticArray<f64>, V: StaticArray<f64>, A: StaticArray<f64>, o: i32, k: i32,
  v: StaticArray<f64>, va: i32, n: i32): void {
  let u0 = 0.0; let u1 = 0.0; let u2 = 0.0; let u3 = 0.0; let u4 = 0.0; let u5 = 0.0
  for (let d = va; d < va + n; d++) {
    const qd = unchecked(v[d])
    const so = 6 * d
    u0 += unchecked(S[so]) * qd; u1 += unchecked(S[so + 1]) * qd; u2 += unchecked(S[so + 2]) * qd
    u3 += unchecked(S[so + 3]) * qd; u4 += unchecked(S[so + 4]) * qd; u5 += unchecked(S[so + 5]) * qd
  }
  unchecked(V[o] += u0); unchecked(V[o + 1] += u1); unchecked(V[o + 2] += u2)
  unchecked(V[o + 3] += u3); unchecked(V[o + 4] += u4); unchecked(V[o + 5] += u5)
  if (unchecked(model.link_jtype[k]) == JOINT_FREE) {
    const vx = unchecked(v[va]); const vy = unchecked(v[va + 1]); const vz = unchecked(v[va + 2])
    unchecked(A[o] -= u4 * vz - u5 * vy)
    unchecked(A[o + 1] -= u5 * vx - u3 * vz)
    unchecked(A[o + 2] -= u3 * vy - u4 * vx)
  } else {
    const vx = unchecked(V[o]); const vy = unchecked(V[o + 1]); const vz = unchecked(V[o + 2])
    const wx = unchecked(V[o + 3]); const wy = unchecked(V[o + 4]); const wz = unchecked(V[o + 5])
    unchecked(A[o] += wy * u2 - wz * u1 + vy * u5 - vz * u4)
    unchecked(A[o + 1] += wz * u0 - wx * u2 + vz * u3 - vx * u5)
    unchecked(A[o + 2] += wx * u1 - wy * u0 + vx * u4 - vy * u3)
    unchecked(A[o + 3] += wy * u5 - wz * u4)
    unchecked(A[o + 4] += wz * u3 - wx * u5)
    unchecked(A[o + 5] += wx * u4 - wy * u3)
  }
}
