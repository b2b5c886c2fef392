// Leg kinematics for the estimators: forward kinematics of the robot with the base at the world origin
// and the estimated orientation, so that each foot frame's origin is r_i = R·r_i,base (the foot relative
// to the base, world-aligned) and its Jacobian columns are world-aligned. From them:
//   r_world,i  = p_foot,i − p_base                        (3 per foot)
//   r_body,i   = Rᵀ·r_world,i                             (3 per foot)
//   v_rel,i    = ω_world × r_world,i + J_i,leg·q̇_leg      (foot velocity relative to the base, world-aligned)
//   ω_foot,i   = ω_world + J_i,leg,ω·q̇_leg                (the foot link's angular velocity, world)
//   v_roll,i   = ω_foot,i × (ρ·e_z)                        (velocity of a foot sphere of radius ρ rolling
//                                                           without slip on level ground: its contact point
//                                                           is at rest, its centre is not)
// A stance foot gives the base velocity v = v_roll,i − v_rel,i (for a point foot, ρ = 0: v = −v_rel,i).
//
// Owns a Data of its own (the controllers' Data is left alone). Reads model, the orientation, q, q̇, ω;
// writes data.qpos, data.link_*, data.frame_jac (foot blocks) and the arrays below. No allocation after
// construction.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { forwardKinematics } from '../dynamics/forward-kinematics'
import { frameOrigin } from '../dynamics/frame-placement'
import { frameJacobian } from '../dynamics/frame-jacobian'

export class LegKinematics {
  readonly model: Model
  readonly data: Data
  readonly nf: i32
  readonly nj: i32
  /** (nf) model frame of each foot. */
  readonly foot_frame: StaticArray<i32>
  /** (nj) qpos / qvel index of each sensed joint (sensor order). */
  readonly joint_qadr: StaticArray<i32>
  readonly joint_vadr: StaticArray<i32>
  /** (nv) sensed joint of each dof, −1 for the base dofs. */
  readonly dof_joint: StaticArray<i32>
  /** (nf × nv) the non-base dofs moving foot i (first leg_ndof[i] entries). */
  readonly leg_dofs: StaticArray<i32>
  readonly leg_ndof: StaticArray<i32>
  /** (3·nf) foot relative to the base origin, world-aligned [m]. */
  readonly r_world: StaticArray<f64>
  /** (3·nf) foot relative to the base origin, base frame [m]. */
  readonly r_body: StaticArray<f64>
  /** (3·nf) foot velocity relative to the base, world-aligned [m/s]. */
  readonly v_rel_world: StaticArray<f64>
  /** (3·nf) rolling velocity of each foot centre over its contact point, world [m/s]. */
  readonly v_roll_world: StaticArray<f64>

  constructor (model: Model, nf: i32, nj: i32) {
    this.model = model
    this.data = new Data(model)
    this.nf = nf
    this.nj = nj
    this.foot_frame = new StaticArray<i32>(nf)
    this.joint_qadr = new StaticArray<i32>(nj)
    this.joint_vadr = new StaticArray<i32>(nj)
    this.dof_joint = new StaticArray<i32>(model.nv)
    this.leg_dofs = new StaticArray<i32>(nf * model.nv)
    this.leg_ndof = new StaticArray<i32>(nf)
    this.r_world = new StaticArray<f64>(3 * nf)
    this.r_body = new StaticArray<f64>(3 * nf)
    this.v_rel_world = new StaticArray<f64>(3 * nf)
    this.v_roll_world = new StaticArray<f64>(3 * nf)
  }

  /**
   * Derives dof_joint and the leg dofs from the configured frames and joints. Returns −1 when valid,
   * else the index of the offending foot (0..nf−1) or nf + the offending joint.
   */
  derive (): i32 {
    const m = this.model
    const nv = m.nv
    for (let d = 0; d < nv; d++) this.dof_joint[d] = -1
    for (let j = 0; j < this.nj; j++) {
      const qa = this.joint_qadr[j]
      const va = this.joint_vadr[j]
      if (qa < 7 || qa >= m.nq || va < 6 || va >= nv || this.dof_joint[va] >= 0) return this.nf + j
      this.dof_joint[va] = j
    }
    for (let i = 0; i < this.nf; i++) {
      const f = this.foot_frame[i]
      if (f < 0 || f >= m.nframe) return i
      let d = m.link_dof_last[m.frame_link[f]]
      let n = 0
      while (d >= 0) {
        if (d >= 6) {
          if (this.dof_joint[d] < 0) return i
          this.leg_dofs[i * nv + n] = d
          n++
        }
        d = m.dof_parent[d]
      }
      if (n == 0) return i
      this.leg_ndof[i] = n
    }
    return -1
  }

  /**
   * Runs the kinematics for the base orientation quat (wxyz, world-from-base), joint positions q and
   * rates qd (qd[qdo + qds·j], sensor order), base angular rate ω (base frame) and foot radius ρ [m].
   * Writes r_world, r_body, v_rel_world, v_roll_world.
   */
  compute (qw: f64, qx: f64, qy: f64, qz: f64, q: StaticArray<f64>, qd: StaticArray<f64>, qdo: i32, qds: i32,
    wx: f64, wy: f64, wz: f64, radius: f64): void {
    const m = this.model
    const data = this.data
    const nv = m.nv
    const qpos = data.qpos
    qpos[0] = 0.0; qpos[1] = 0.0; qpos[2] = 0.0
    qpos[3] = qw; qpos[4] = qx; qpos[5] = qy; qpos[6] = qz
    for (let j = 0; j < this.nj; j++) unchecked(qpos[this.joint_qadr[j]] = q[j])
    forwardKinematics(m, data, qpos)
    const R = data.link_rot // link 0 is the floating base
    const owx = R[0] * wx + R[1] * wy + R[2] * wz
    const owy = R[3] * wx + R[4] * wy + R[5] * wz
    const owz = R[6] * wx + R[7] * wy + R[8] * wz
    const J = data.frame_jac
    for (let i = 0; i < this.nf; i++) {
      const f = this.foot_frame[i]
      const o = 3 * i
      frameOrigin(m, data, f, this.r_world, o)
      const rx = this.r_world[o]; const ry = this.r_world[o + 1]; const rz = this.r_world[o + 2]
      this.r_body[o] = R[0] * rx + R[3] * ry + R[6] * rz
      this.r_body[o + 1] = R[1] * rx + R[4] * ry + R[7] * rz
      this.r_body[o + 2] = R[2] * rx + R[5] * ry + R[8] * rz
      frameJacobian(m, data, f)
      let vx = owy * rz - owz * ry
      let vy = owz * rx - owx * rz
      let vz = owx * ry - owy * rx
      let fwx = owx; let fwy = owy
      const jo = f * 6 * nv
      const n = this.leg_ndof[i]
      for (let k = 0; k < n; k++) {
        const d = unchecked(this.leg_dofs[i * nv + k])
        const rate = unchecked(qd[qdo + qds * this.dof_joint[d]])
        vx += unchecked(J[jo + d]) * rate
        vy += unchecked(J[jo + nv + d]) * rate
        vz += unchecked(J[jo + 2 * nv + d]) * rate
        fwx += unchecked(J[jo + 3 * nv + d]) * rate
        fwy += unchecked(J[jo + 4 * nv + d]) * rate
      }
      this.v_rel_world[o] = vx; this.v_rel_world[o + 1] = vy; this.v_rel_world[o + 2] = vz
      // ω_foot × (ρ·e_z) = ρ·(ω_y, −ω_x, 0)
      this.v_roll_world[o] = radius * fwy; this.v_roll_world[o + 1] = -radius * fwx; this.v_roll_world[o + 2] = 0.0
    }
  }
}
