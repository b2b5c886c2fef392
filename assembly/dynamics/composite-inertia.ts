// Composite rigid-body inertias (Featherstone §6.2), in world coordinates:
//   I_c,k = I_k + Σ_{children j} I_c,j      (a plain sum: all inertias are at the world origin)
//   F_d   = I_c,link(d) · S_d               (subtree momentum per unit rate of dof d)
// Shared by crba (M_ij = S_iᵀ·F_j) and the centroidal map (A_g columns are F_d moved to the CoM).
//
// Reads data.link_inertia, data.dof_motion (forwardKinematics).
// Writes data.link_composite (nlink × 10), data.dof_momentum (nv × 6).
import { Model } from '../model/model'
import { Data } from '../model/data'
import { inertiaMulMotion } from '../math/spatial'
import { add10, copyN } from '../math/simd'

/** Composite inertias and per-dof subtree momenta. Requires forwardKinematics. */
export function compositeInertias (model: Model, data: Data): void {
  const nlink = model.nlink
  const Ic = data.link_composite
  const I = data.link_inertia
  copyN(Ic, 0, I, 0, 10 * nlink)
  for (let k = nlink - 1; k > 0; k--) {
    const parent = unchecked(model.link_parent[k])
    if (parent >= 0) add10(Ic, 10 * parent, Ic, 10 * k)
  }
  const F = data.dof_momentum
  const S = data.dof_motion
  for (let d = 0; d < model.nv; d++) {
    inertiaMulMotion(F, 6 * d, Ic, 10 * unchecked(model.dof_link[d]), S, 6 * d)
  }
}
