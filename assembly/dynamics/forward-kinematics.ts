// Forward kinematics, position stage (MuJoCo mj_kinematics + mj_comPos; Pinocchio forwardKinematics):
// (qpos) => link placements, each dof's motion subspace and each link's spatial inertia, all in world
// axes at the world origin, so that Jacobians, CRBA, RNEA and the centroidal quantities need no
// further coordinate transforms.
//
// Reads model.*, q. Writes data.link_pos, data.link_rot, data.dof_motion, data.link_inertia.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { JOINT_FREE, JOINT_HINGE, JOINT_SLIDE } from '../model/joint-type'
import { quatToMat3 } from '../math/quaternion'
import { inertiaToWorld } from '../math/spatial'

/**
 * R ← R·rot_k(θ) for a rotation about the coordinate axis k whose other two axes are (u, w) in
 * right-handed order (x: (y, z), y: (z, x), z: (x, y)): col_u ← c·col_u + s·col_w, col_w ← c·col_w − s·col_u.
 */
@inline function rotateColumns (R: StaticArray<f64>, ro: i32, u: i32, w: i32, c: f64, s: f64): void {
  for (let r = 0; r < 3; r++) {
    const a = unchecked(R[ro + 3 * r + u])
    const b = unchecked(R[ro + 3 * r + w])
    unchecked(R[ro + 3 * r + u] = c * a + s * b)
    unchecked(R[ro + 3 * r + w] = c * b - s * a)
  }
}

/**
 * Computes every link placement oMi and the position-dependent dynamics terms for the configuration
 * `q` (nq, MuJoCo convention; the free joint's quaternion is normalized as MuJoCo does).
 * Hinge and slide joints move by q − qpos0 (MuJoCo's `ref`).
 * Writes data.link_pos (nlink × 3), data.link_rot (nlink × 9), data.dof_motion (nv × 6),
 * data.link_inertia (nlink × 10).
 */
export function forwardKinematics (model: Model, data: Data, q: StaticArray<f64>): void {
  assert(q.length >= model.nq)
  const nlink = model.nlink
  const R = data.link_rot
  const P = data.link_pos
  const S = data.dof_motion
  const parents = model.link_parent
  const jtypes = model.link_jtype
  const R0 = model.link_rot
  const P0 = model.link_pos
  for (let k = 0; k < nlink; k++) {
    const jt = unchecked(jtypes[k])
    const parent = unchecked(parents[k])
    const ro = 9 * k
    const po = 3 * k
    const qa = unchecked(model.link_qadr[k])
    let px: f64, py: f64, pz: f64
    if (jt == JOINT_FREE) {
      // pose straight from qpos: p_world, quat wxyz
      quatToMat3(R, ro, unchecked(q[qa + 3]), unchecked(q[qa + 4]), unchecked(q[qa + 5]), unchecked(q[qa + 6]))
      px = unchecked(q[qa]); py = unchecked(q[qa + 1]); pz = unchecked(q[qa + 2])
    } else {
      // oMpb = oMparent · parentMlink(q0)
      const lx = unchecked(P0[po]); const ly = unchecked(P0[po + 1]); const lz = unchecked(P0[po + 2])
      if (parent < 0) {
        for (let i = 0; i < 9; i++) unchecked(R[ro + i] = R0[ro + i])
        px = lx; py = ly; pz = lz
      } else {
        const pr = 9 * parent
        const pp = 3 * parent
        px = unchecked(P[pp] + R[pr] * lx + R[pr + 1] * ly + R[pr + 2] * lz)
        py = unchecked(P[pp + 1] + R[pr + 3] * lx + R[pr + 4] * ly + R[pr + 5] * lz)
        pz = unchecked(P[pp + 2] + R[pr + 6] * lx + R[pr + 7] * ly + R[pr + 8] * lz)
        if (unchecked(model.link_rot_identity[k]) != 0) {
          for (let i = 0; i < 9; i++) unchecked(R[ro + i] = R[pr + i])
        } else {
          const b00 = unchecked(R0[ro]); const b01 = unchecked(R0[ro + 1]); const b02 = unchecked(R0[ro + 2])
          const b10 = unchecked(R0[ro + 3]); const b11 = unchecked(R0[ro + 4]); const b12 = unchecked(R0[ro + 5])
          const b20 = unchecked(R0[ro + 6]); const b21 = unchecked(R0[ro + 7]); const b22 = unchecked(R0[ro + 8])
          for (let r = 0; r < 3; r++) {
            const a0 = unchecked(R[pr + 3 * r]); const a1 = unchecked(R[pr + 3 * r + 1]); const a2 = unchecked(R[pr + 3 * r + 2])
            unchecked(R[ro + 3 * r] = a0 * b00 + a1 * b10 + a2 * b20)
            unchecked(R[ro + 3 * r + 1] = a0 * b01 + a1 * b11 + a2 * b21)
            unchecked(R[ro + 3 * r + 2] = a0 * b02 + a1 * b12 + a2 * b22)
          }
        }
      }
      if (jt == JOINT_HINGE) {
        // R ← R·rot(axis, q − q0); the axis passes through jpos, so p ← p + R_before·(j − rot·j)
        const angle = unchecked(q[qa] - model.qpos0[qa])
        NativeMath.sincos(angle)
        const c = NativeMath.sincos_cos
        const s = NativeMath.sincos_sin
        const code = unchecked(model.link_axis_code[k])
        if (unchecked(model.link_jpos_zero[k]) == 0) {
          const ax = unchecked(model.link_jaxis[po]); const ay = unchecked(model.link_jaxis[po + 1]); const az = unchecked(model.link_jaxis[po + 2])
          const jx = unchecked(model.link_jpos[po]); const jy = unchecked(model.link_jpos[po + 1]); const jz = unchecked(model.link_jpos[po + 2])
          // j − rot·j = (1 − c)·(j − (a·j)·a) − s·(a × j)
          const aj = ax * jx + ay * jy + az * jz
          const t = 1.0 - c
          const ox = t * (jx - aj * ax) - s * (ay * jz - az * jy)
          const oy = t * (jy - aj * ay) - s * (az * jx - ax * jz)
          const oz = t * (jz - aj * az) - s * (ax * jy - ay * jx)
          px += unchecked(R[ro] * ox + R[ro + 1] * oy + R[ro + 2] * oz)
          py += unchecked(R[ro + 3] * ox + R[ro + 4] * oy + R[ro + 5] * oz)
          pz += unchecked(R[ro + 6] * ox + R[ro + 7] * oy + R[ro + 8] * oz)
        }
        // about −e_k by θ = about e_k by −θ
        const sk = code < 0 ? -s : s
        if (code == 1 || code == -1) rotateColumns(R, ro, 1, 2, c, sk)
        else if (code == 2 || code == -2) rotateColumns(R, ro, 2, 0, c, sk)
        else if (code == 3 || code == -3) rotateColumns(R, ro, 0, 1, c, sk)
        else {
          const ax = unchecked(model.link_jaxis[po]); const ay = unchecked(model.link_jaxis[po + 1]); const az = unchecked(model.link_jaxis[po + 2])
          const t = 1.0 - c
          const j00 = c + t * ax * ax; const j01 = t * ax * ay - s * az; const j02 = t * ax * az + s * ay
          const j10 = t * ax * ay + s * az; const j11 = c + t * ay * ay; const j12 = t * ay * az - s * ax
          const j20 = t * ax * az - s * ay; const j21 = t * ay * az + s * ax; const j22 = c + t * az * az
          for (let r = 0; r < 3; r++) {
            const a0 = unchecked(R[ro + 3 * r]); const a1 = unchecked(R[ro + 3 * r + 1]); const a2 = unchecked(R[ro + 3 * r + 2])
            unchecked(R[ro + 3 * r] = a0 * j00 + a1 * j10 + a2 * j20)
            unchecked(R[ro + 3 * r + 1] = a0 * j01 + a1 * j11 + a2 * j21)
            unchecked(R[ro + 3 * r + 2] = a0 * j02 + a1 * j12 + a2 * j22)
          }
        }
      } else if (jt == JOINT_SLIDE) {
        // p ← p + R·axis·(q − q0)
        const d = unchecked(q[qa] - model.qpos0[qa])
        const ax = unchecked(model.link_jaxis[po]) * d; const ay = unchecked(model.link_jaxis[po + 1]) * d; const az = unchecked(model.link_jaxis[po + 2]) * d
        px += unchecked(R[ro] * ax + R[ro + 1] * ay + R[ro + 2] * az)
        py += unchecked(R[ro + 3] * ax + R[ro + 4] * ay + R[ro + 5] * az)
        pz += unchecked(R[ro + 6] * ax + R[ro + 7] * ay + R[ro + 8] * az)
      }
    }
    unchecked(P[po] = px)
    unchecked(P[po + 1] = py)
    unchecked(P[po + 2] = pz)

    // --- motion subspace of the link's dofs, at the world origin ---
    const va = unchecked(model.link_vadr[k])
    if (jt == JOINT_FREE) {
      // translations along world axes: [e_i, 0]; rotations about body axes a = R·e_i through p: [p × a, a]
      for (let i = 0; i < 3; i++) {
        const so = 6 * (va + i)
        for (let e = 0; e < 6; e++) unchecked(S[so + e] = 0.0)
        unchecked(S[so + i] = 1.0)
        const ro2 = 6 * (va + 3 + i)
        const ax = unchecked(R[ro + i]); const ay = unchecked(R[ro + 3 + i]); const az = unchecked(R[ro + 6 + i])
        unchecked(S[ro2] = py * az - pz * ay)
        unchecked(S[ro2 + 1] = pz * ax - px * az)
        unchecked(S[ro2 + 2] = px * ay - py * ax)
        unchecked(S[ro2 + 3] = ax)
        unchecked(S[ro2 + 4] = ay)
        unchecked(S[ro2 + 5] = az)
      }
    } else if (jt == JOINT_HINGE || jt == JOINT_SLIDE) {
      const lx = unchecked(model.link_jaxis[po]); const ly = unchecked(model.link_jaxis[po + 1]); const lz = unchecked(model.link_jaxis[po + 2])
      const ax = unchecked(R[ro] * lx + R[ro + 1] * ly + R[ro + 2] * lz)
      const ay = unchecked(R[ro + 3] * lx + R[ro + 4] * ly + R[ro + 5] * lz)
      const az = unchecked(R[ro + 6] * lx + R[ro + 7] * ly + R[ro + 8] * lz)
      const so = 6 * va
      if (jt == JOINT_HINGE) {
        // rotation about the world axis a through the world point w: [w × a, a]
        let wx = px; let wy = py; let wz = pz
        if (unchecked(model.link_jpos_zero[k]) == 0) {
          const jx = unchecked(model.link_jpos[po]); const jy = unchecked(model.link_jpos[po + 1]); const jz = unchecked(model.link_jpos[po + 2])
          wx += unchecked(R[ro] * jx + R[ro + 1] * jy + R[ro + 2] * jz)
          wy += unchecked(R[ro + 3] * jx + R[ro + 4] * jy + R[ro + 5] * jz)
          wz += unchecked(R[ro + 6] * jx + R[ro + 7] * jy + R[ro + 8] * jz)
        }
        unchecked(S[so] = wy * az - wz * ay)
        unchecked(S[so + 1] = wz * ax - wx * az)
        unchecked(S[so + 2] = wx * ay - wy * ax)
        unchecked(S[so + 3] = ax)
        unchecked(S[so + 4] = ay)
        unchecked(S[so + 5] = az)
      } else {
        unchecked(S[so] = ax)
        unchecked(S[so + 1] = ay)
        unchecked(S[so + 2] = az)
        unchecked(S[so + 3] = 0.0)
        unchecked(S[so + 4] = 0.0)
        unchecked(S[so + 5] = 0.0)
      }
    }

    // --- spatial inertia at the world origin: c = p + R·com ---
    const mass = unchecked(model.link_mass[k])
    const cx0 = unchecked(model.link_com[po]); const cy0 = unchecked(model.link_com[po + 1]); const cz0 = unchecked(model.link_com[po + 2])
    const cx = px + unchecked(R[ro] * cx0 + R[ro + 1] * cy0 + R[ro + 2] * cz0)
    const cy = py + unchecked(R[ro + 3] * cx0 + R[ro + 4] * cy0 + R[ro + 5] * cz0)
    const cz = pz + unchecked(R[ro + 6] * cx0 + R[ro + 7] * cy0 + R[ro + 8] * cz0)
    inertiaToWorld(data.link_inertia, 10 * k, mass, cx, cy, cz, model.link_inertia, 9 * k, R, ro)
  }
}
