// Recursive Newton-Euler Algorithm (Featherstone ch. 5; MuJoCo mj_rne; Pinocchio rnea), in world
// coordinates at the world origin, with gravity as a base acceleration a_0 = [−g, 0]:
//   forward:  v_k = v_parent + S·q̇,  a_k = a_parent + S·q̈ + Ṡ·q̇    (Ṡ·q̇ as in forward-velocity.ts)
//             f_k = I_k·a_k + v_k ×* (I_k·v_k)
//   backward: τ_d = S_dᵀ·f_k + armature_d·q̈_d,  f_parent += f_k
// The armature term makes rnea(q, v, a) = M·a + bias exactly, with M from crba (MuJoCo's convention).
//
// Reads data.link_inertia, data.dof_motion (forwardKinematics). Writes data.link_acc, data.link_force
// (nlink × 6) and the output vector named by each entry point.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { forceCrossAdd, inertiaMulMotion } from '../math/spatial'
import { addJointMotion } from './joint-motion'
import { add6, axpy6, copy6, dot6 } from '../math/simd'

/** τ = M(q)·a + C(q, v)·v + g(q) into data.tau (nv). Requires forwardKinematics. */
export function rnea (model: Model, data: Data, v: StaticArray<f64>, a: StaticArray<f64>): void {
  rneaInto(model, data, v, a, true, data.tau)
}

/** bias = C(q, v)·v + g(q) (MuJoCo qfrc_bias; rnea with a = 0) into data.bias (nv). Requires forwardKinematics. */
export function nonLinearEffects (model: Model, data: Data, v: StaticArray<f64>): void {
  rneaInto(model, data, v, null, true, data.bias)
}

/** g(q) (rnea with v = a = 0) into data.gravity_torque (nv). Requires forwardKinematics. */
export function generalizedGravity (model: Model, data: Data): void {
  rneaInto(model, data, null, null, true, data.gravity_torque)
}

/**
 * RNEA core: `v` or `a` null means zero; `withGravity` false drops gravity. Writes out[0..nv].
 * `out` may be any array of length ≥ nv that is not one of data's scratch arrays.
 */
export function rneaInto (model: Model, data: Data, v: StaticArray<f64> | null, a: StaticArray<f64> | null,
  withGravity: bool, out: StaticArray<f64>): void {
  const nv = model.nv
  assert(out.length >= nv && (v === null || v.length >= nv) && (a === null || a.length >= nv))
  const V = data.rnea_vel
  const A = data.link_acc
  const F = data.link_force
  const S = data.dof_motion
  const I = data.link_inertia
  const tmp = data.scratch
  const g = model.gravity
  const g0: f64 = withGravity ? -unchecked(g[0]) : 0.0
  const g1: f64 = withGravity ? -unchecked(g[1]) : 0.0
  const g2: f64 = withGravity ? -unchecked(g[2]) : 0.0
  const hasV = v !== null
  const hasA = a !== null
  for (let k = 0; k < model.nlink; k++) {
    const parent = unchecked(model.link_parent[k])
    const o = 6 * k
    if (parent >= 0) {
      copy6(V, o, V, 6 * parent)
      copy6(A, o, A, 6 * parent)
    } else {
      for (let i = 0; i < 6; i++) {
        unchecked(V[o + i] = 0.0)
        unchecked(A[o + i] = 0.0)
      }
      unchecked(A[o] = g0)
      unchecked(A[o + 1] = g1)
      unchecked(A[o + 2] = g2)
    }
    const n = unchecked(model.link_nv[k])
    if (n > 0) {
      const va = unchecked(model.link_vadr[k])
      if (hasV) {
        addJointMotion(model, S, V, A, o, k, changetype<StaticArray<f64>>(v), va, n)
      }
      if (hasA) {
        const aa = changetype<StaticArray<f64>>(a)
        for (let d = va; d < va + n; d++) axpy6(A, o, S, 6 * d, unchecked(aa[d]))
      }
    }
    // f = I·a + v ×* (I·v)
    inertiaMulMotion(F, o, I, 10 * k, A, o)
    if (hasV) {
      inertiaMulMotion(tmp, 0, I, 10 * k, V, o)
      forceCrossAdd(F, o, V, o, tmp, 0)
    }
  }
  for (let k = model.nlink - 1; k >= 0; k--) {
    const o = 6 * k
    const n = unchecked(model.link_nv[k])
    if (n > 0) {
      const va = unchecked(model.link_vadr[k])
      for (let d = va; d < va + n; d++) {
        let t = dot6(S, 6 * d, F, o)
        if (hasA) t += unchecked(model.dof_armature[d]) * unchecked(changetype<StaticArray<f64>>(a)[d])
        unchecked(out[d] = t)
      }
    }
    const parent = unchecked(model.link_parent[k])
    if (parent >= 0) add6(F, 6 * parent, F, o)
  }
}
