// Forward velocity pass (Featherstone ch. 5, in world coordinates; MuJoCo mj_comVel):
//   v_k      = v_parent + Σ S_d·q̇_d
//   a_bias_k = a_bias_parent + Ṡ_k·q̇_k     (spatial acceleration at qacc = 0, gravity excluded)
// with Ṡ·q̇ = v_k × (S·q̇) for hinge/slide joints (their axis is fixed in parent and child), and for the
// free joint (qvel = [ṗ_world, ω_body]), d/dt [ṗ − ω × p, ω] at constant qvel = [−ω × ṗ, 0].
//
// Reads data.dof_motion (forwardKinematics), v. Writes data.link_vel, data.link_acc_bias.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { JOINT_FREE } from '../model/joint-type'

/** Link spatial velocities and bias accelerations for the velocity `v` (nv). Requires forwardKinematics. */
export function forwardVelocity (model: Model, data: Data, v: StaticArray<f64>): void {
  assert(v.length >= model.nv)
  const V = data.link_vel
  const A = data.link_acc_bias
  const S = data.dof_motion
  for (let k = 0; k < model.nlink; k++) {
    const parent = unchecked(model.link_parent[k])
    const o = 6 * k
    if (parent >= 0) {
      const op = 6 * parent
      for (let i = 0; i < 6; i++) {
        unchecked(V[o + i] = V[op + i])
        unchecked(A[o + i] = A[op + i])
      }
    } else {
      for (let i = 0; i < 6; i++) {
        unchecked(V[o + i] = 0.0)
        unchecked(A[o + i] = 0.0)
      }
    }
    const n = unchecked(model.link_nv[k])
    if (n == 0) continue
    const va = unchecked(model.link_vadr[k])
    // u = S·q̇ (joint velocity)
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
      // [−ω × ṗ, 0]
      const wx = u3; const wy = u4; const wz = u5
      const vx = unchecked(v[va]); const vy = unchecked(v[va + 1]); const vz = unchecked(v[va + 2])
      unchecked(A[o] -= wy * vz - wz * vy)
      unchecked(A[o + 1] -= wz * vx - wx * vz)
      unchecked(A[o + 2] -= wx * vy - wy * vx)
    } else {
      // v_k × u
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
}
