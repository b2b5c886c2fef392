// Composite Rigid-Body Algorithm (Featherstone, Rigid Body Dynamics Algorithms, ch. 6; MuJoCo mj_crb):
// the joint-space mass matrix M(q), including the rotor armature on the diagonal as MuJoCo's M does.
//   M_ij = S_iᵀ · (I_c,link(j) · S_j)   for i an ancestor dof of j (or j itself), else 0
// Only ancestor pairs are visited (walking model.dof_parent), so the cost is Σ_j depth(j) dot products.
//
// Reads data.link_inertia, data.dof_motion (forwardKinematics). Writes data.link_composite,
// data.dof_momentum (compositeInertias) and data.M (nv × nv, both triangles; entries of dofs on
// different branches are never written and stay zero).
import { Model } from '../model/model'
import { Data } from '../model/data'
import { compositeInertias } from './composite-inertia'
import { dot6 } from '../math/simd'

/** Mass matrix into data.M (nv × nv, row-major, symmetric, incl. armature). Requires forwardKinematics. */
export function crba (model: Model, data: Data): void {
  compositeInertias(model, data)
  const nv = model.nv
  const M = data.M
  const F = data.dof_momentum
  const S = data.dof_motion
  for (let j = 0; j < nv; j++) {
    const fo = 6 * j
    unchecked(M[j * nv + j] = dot6(S, fo, F, fo) + model.dof_armature[j])
    let i = unchecked(model.dof_parent[j])
    while (i >= 0) {
      const m = dot6(S, 6 * i, F, fo)
      unchecked(M[i * nv + j] = m)
      unchecked(M[j * nv + i] = m)
      i = unchecked(model.dof_parent[i])
    }
  }
}
