// Forward velocity pass (Featherstone ch. 5, in world coordinates; MuJoCo mj_comVel):
//   v_k      = v_parent + Σ S_d·q̇_d
//   a_bias_k = a_bias_parent + Ṡ_k·q̇_k     (spatial acceleration at qacc = 0, gravity excluded)
// with Ṡ·q̇ = v_k × (S·q̇) for hinge/slide joints (their axis is fixed in parent and child), and for the
// free joint (qvel = [ṗ_world, ω_body]), d/dt [ṗ − ω × p, ω] at constant qvel = [−ω × ṗ, 0].
//
// Reads data.dof_motion (forwardKinematics), v. Writes data.link_vel, data.link_acc_bias.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { addJointMotion } from './joint-motion'

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
    addJointMotion(model, S, V, A, o, k, v, va, n)
  }
}
