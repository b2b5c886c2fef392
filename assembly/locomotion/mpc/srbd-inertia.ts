// Single-rigid-body parameters of a floating-base robot at one configuration, from its model: the
// centroidal composite inertia (Orin, Goswami & Lee 2013) with the joints locked. The centroidal map
// A_g (dynamics/centroidal.ts) gives the angular momentum about the CoM per unit base angular
// velocity (body axes, MuJoCo's free-joint qvel): L_c = A_g[3:6, 3:6] ω_body and L_c = I_w R ω_body,
// so I_w = A_g[3:6, 3:6] Rᵀ and I_body = Rᵀ I_w R = Rᵀ A_g[3:6, 3:6].
//
// Reads model, q (nq). Writes data (forward kinematics and centroidal map at q), I_body (9, base
// axes, about the CoM [kg·m²]) and com_base (3, CoM in the base frame [m]); returns the total mass
// [kg], or −1 when the root is not a free joint.
import { Model } from '../../model/model'
import { Data } from '../../model/data'
import { JOINT_FREE } from '../../model/joint-type'
import { forwardKinematics } from '../../dynamics/forward-kinematics'
import { centroidalMap } from '../../dynamics/centroidal'
import { quatToMat3 } from '../../math/quaternion'

/** Mass (returned), I_body (3 × 3 row-major, base axes) and CoM in the base frame at configuration q. */
export function srbdInertiaFromModel (model: Model, data: Data, q: StaticArray<f64>, I_body: StaticArray<f64>, com_base: StaticArray<f64>): f64 {
  if (model.nlink < 1 || model.link_jtype[0] != JOINT_FREE || model.nv < 6) return -1.0
  forwardKinematics(model, data, q)
  centroidalMap(model, data)
  const nv = model.nv
  const Ag = data.centroidal_map
  const R = data.scratch
  quatToMat3(R, 0, q[3], q[4], q[5], q[6])
  // I_body = Rᵀ A_g[3:6, 3:6], symmetrized against roundoff
  for (let a = 0; a < 3; a++) {
    for (let c = 0; c < 3; c++) {
      let s = 0.0
      for (let k = 0; k < 3; k++) s += R[3 * k + a] * Ag[(3 + k) * nv + 3 + c]
      I_body[3 * a + c] = s
    }
  }
  for (let a = 0; a < 3; a++) {
    for (let c = a + 1; c < 3; c++) {
      const s = 0.5 * (I_body[3 * a + c] + I_body[3 * c + a])
      I_body[3 * a + c] = s
      I_body[3 * c + a] = s
    }
  }
  const dx = data.com[0] - q[0]; const dy = data.com[1] - q[1]; const dz = data.com[2] - q[2]
  for (let a = 0; a < 3; a++) com_base[a] = R[a] * dx + R[3 + a] * dy + R[6 + a] * dz
  return Ag[0]
}
