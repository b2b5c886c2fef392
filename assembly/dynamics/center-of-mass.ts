// Centre of mass and its Jacobian (MuJoCo subtree_com of the root, mj_jacSubtreeCom; Pinocchio
// centerOfMass, jacobianCenterOfMass):
//   c      = Σ_k h_k / m_total                 (h_k = m_k·c_k, the first moment at the world origin)
//   J_c[d] = (m_sub·s_v + s_ω × h_sub) / m_total = linear part of F_d / m_total
// with m_sub, h_sub the mass and first moment of the subtree moved by dof d (composite inertia).
// Every link counts, including links welded to the world.
//
// Reads data.link_inertia (forwardKinematics). Writes data.com (3); jacobianCenterOfMass also writes
// data.com_jac (3 × nv) and the compositeInertias fields.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { compositeInertias } from './composite-inertia'

/** Centre of mass into data.com (world [m]); the origin for a massless model. Requires forwardKinematics. */
export function centerOfMass (model: Model, data: Data): void {
  const I = data.link_inertia
  let hx = 0.0; let hy = 0.0; let hz = 0.0
  for (let k = 0; k < model.nlink; k++) {
    const o = 10 * k
    hx += unchecked(I[o + 1]); hy += unchecked(I[o + 2]); hz += unchecked(I[o + 3])
  }
  const inv = model.mass_total > 0.0 ? 1.0 / model.mass_total : 0.0
  unchecked(data.com[0] = hx * inv)
  unchecked(data.com[1] = hy * inv)
  unchecked(data.com[2] = hz * inv)
}

/**
 * Centre of mass into data.com and its Jacobian into data.com_jac (3 × nv row-major). Requires
 * forwardKinematics.
 */
export function jacobianCenterOfMass (model: Model, data: Data): void {
  compositeInertias(model, data)
  centerOfMass(model, data)
  comJacobianFromMomenta(model, data)
}

/** data.com_jac from data.dof_momentum (compositeInertias must be current). */
export function comJacobianFromMomenta (model: Model, data: Data): void {
  const nv = model.nv
  const F = data.dof_momentum
  const J = data.com_jac
  const inv = model.mass_total > 0.0 ? 1.0 / model.mass_total : 0.0
  for (let d = 0; d < nv; d++) {
    const fo = 6 * d
    unchecked(J[d] = F[fo] * inv)
    unchecked(J[nv + d] = F[fo + 1] * inv)
    unchecked(J[2 * nv + d] = F[fo + 2] * inv)
  }
}
