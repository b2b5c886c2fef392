// Frame Jacobian (MuJoCo mj_jacSite; Pinocchio getFrameJacobian with LOCAL_WORLD_ALIGNED):
// J (6 × nv) maps qvel to [v (3) of the frame origin, ω (3)], world-aligned. Column d of a dof on the
// frame's support is [s_v + s_ω × p, s_ω] for the dof motion s = [s_v, s_ω] at the world origin and the
// frame origin p; every other column is zero. Only the support columns are written (walking
// model.dof_parent from the frame's link), so the zero columns cost nothing.
//
// Reads data.dof_motion, data.link_pos/link_rot (forwardKinematics). Writes data.frame_jac block f.
import { Model } from '../model/model'
import { Data } from '../model/data'

/**
 * Jacobian of frame `f` into data.frame_jac[f·6·nv .. (f+1)·6·nv] (6 × nv row-major, rows vx vy vz
 * ωx ωy ωz). Requires forwardKinematics.
 */
export function frameJacobian (model: Model, data: Data, f: i32): void {
  assert(f >= 0 && f < model.nframe)
  const nv = model.nv
  const k = unchecked(model.frame_link[f])
  const R = data.link_rot
  const ro = 9 * k
  const po = 3 * k
  const lx = unchecked(model.frame_pos[3 * f]); const ly = unchecked(model.frame_pos[3 * f + 1]); const lz = unchecked(model.frame_pos[3 * f + 2])
  const px = unchecked(data.link_pos[po] + R[ro] * lx + R[ro + 1] * ly + R[ro + 2] * lz)
  const py = unchecked(data.link_pos[po + 1] + R[ro + 3] * lx + R[ro + 4] * ly + R[ro + 5] * lz)
  const pz = unchecked(data.link_pos[po + 2] + R[ro + 6] * lx + R[ro + 7] * ly + R[ro + 8] * lz)
  writeJacobianColumns(model, data.dof_motion, unchecked(model.link_dof_last[k]), px, py, pz, data.frame_jac, f * 6 * nv)
}

/**
 * Writes the support columns (dof `last` and its ancestors) of the Jacobian of the point (px, py, pz)
 * into J[jo ..] (6 × nv row-major). Columns off the support are left untouched.
 */
@inline export function writeJacobianColumns (model: Model, S: StaticArray<f64>, last: i32, px: f64, py: f64, pz: f64,
  J: StaticArray<f64>, jo: i32): void {
  const nv = model.nv
  let d = last
  while (d >= 0) {
    const so = 6 * d
    const wx = unchecked(S[so + 3]); const wy = unchecked(S[so + 4]); const wz = unchecked(S[so + 5])
    unchecked(J[jo + d] = S[so] + wy * pz - wz * py)
    unchecked(J[jo + nv + d] = S[so + 1] + wz * px - wx * pz)
    unchecked(J[jo + 2 * nv + d] = S[so + 2] + wx * py - wy * px)
    unchecked(J[jo + 3 * nv + d] = wx)
    unchecked(J[jo + 4 * nv + d] = wy)
    unchecked(J[jo + 5 * nv + d] = wz)
    d = unchecked(model.dof_parent[d])
  }
}
