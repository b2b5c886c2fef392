// Centroidal momentum (Orin, Goswami & Lee 2013; Pinocchio ccrba / computeCentroidalMapTimeVariation):
// h_g = A_g·v = [p (3), L_c (3)]: total linear momentum and angular momentum about the CoM c,
// world-aligned. With F_d = I_c·S_d the subtree momentum at the world origin per unit rate of dof d
// (compositeInertias), moving a momentum to the CoM gives
//   A_g[:, d] = [F_d,lin, F_d,ang − c × F_d,lin]
// Drift Ȧ_g·v: the momentum rate at qacc = 0 without gravity is the sum of the link forces
//   ḣ_O = Σ_k (I_k·a_bias,k + v_k ×* I_k·v_k),   Ȧ_g·v = [ḣ_lin, ḣ_ang − c × ḣ_lin]
// (ċ × p vanishes because p = m·ċ).
//
// Reads data.link_inertia, data.dof_motion (forwardKinematics); centroidalDrift also reads
// data.link_vel, data.link_acc_bias (forwardVelocity).
import { Model } from '../model/model'
import { Data } from '../model/data'
import { centerOfMass, comJacobianFromMomenta } from './center-of-mass'
import { compositeInertias } from './composite-inertia'
import { matVec } from '../math/dense'
import { forceCrossAdd, inertiaMulMotion } from '../math/spatial'

/**
 * Centroidal momentum matrix A_g into data.centroidal_map (6 × nv row-major), with data.com and
 * data.com_jac (3 × nv, = A_g linear rows / m_total) on the way. Requires forwardKinematics.
 */
export function centroidalMap (model: Model, data: Data): void {
  compositeInertias(model, data)
  centerOfMass(model, data)
  comJacobianFromMomenta(model, data)
  const nv = model.nv
  const F = data.dof_momentum
  const A = data.centroidal_map
  const cx = unchecked(data.com[0]); const cy = unchecked(data.com[1]); const cz = unchecked(data.com[2])
  for (let d = 0; d < nv; d++) {
    const fo = 6 * d
    const fx = unchecked(F[fo]); const fy = unchecked(F[fo + 1]); const fz = unchecked(F[fo + 2])
    unchecked(A[d] = fx)
    unchecked(A[nv + d] = fy)
    unchecked(A[2 * nv + d] = fz)
    unchecked(A[3 * nv + d] = F[fo + 3] - (cy * fz - cz * fy))
    unchecked(A[4 * nv + d] = F[fo + 4] - (cz * fx - cx * fz))
    unchecked(A[5 * nv + d] = F[fo + 5] - (cx * fy - cy * fx))
  }
}

/** h_g = A_g·v into data.centroidal_momentum (6). Requires centroidalMap. */
export function centroidalMomentum (model: Model, data: Data, v: StaticArray<f64>): void {
  assert(v.length >= model.nv)
  matVec(data.centroidal_momentum, 0, data.centroidal_map, 0, v, 0, 6, model.nv)
}

/**
 * Ȧ_g·v into data.centroidal_drift (6) and data.com (3). Requires forwardKinematics and
 * forwardVelocity (for the same v).
 */
export function centroidalDrift (model: Model, data: Data): void {
  centerOfMass(model, data)
  const I = data.link_inertia
  const V = data.link_vel
  const A = data.link_acc_bias
  const tmp = data.scratch
  const out = data.centroidal_drift
  for (let i = 0; i < 6; i++) unchecked(out[i] = 0.0)
  for (let k = 0; k < model.nlink; k++) {
    const o = 6 * k
    // f_k = I·a_bias + v ×* (I·v), accumulated
    inertiaMulMotion(tmp, 0, I, 10 * k, A, o)
    inertiaMulMotion(tmp, 6, I, 10 * k, V, o)
    forceCrossAdd(tmp, 0, V, o, tmp, 6)
    for (let i = 0; i < 6; i++) unchecked(out[i] += tmp[i])
  }
  const cx = unchecked(data.com[0]); const cy = unchecked(data.com[1]); const cz = unchecked(data.com[2])
  const fx = unchecked(out[0]); const fy = unchecked(out[1]); const fz = unchecked(out[2])
  unchecked(out[3] -= cy * fz - cz * fy)
  unchecked(out[4] -= cz * fx - cx * fz)
  unchecked(out[5] -= cx * fy - cy * fx)
}
