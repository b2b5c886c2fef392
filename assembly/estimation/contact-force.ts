// Foot contact forces from the joint torques (torque-based estimate, the quasi-dynamic form of the
// momentum-observer approach of De Luca & Mattone, ICRA 2005, used for legged contact detection by
// Bledt et al., ICRA 2018): the floating-base dynamics M·v̇ + h = Sᵀτ + Σ J_iᵀ·f_i, read on the rows of
// leg i's joints, give
//   J_i,legᵀ·f_i = τ_id,leg − τ_meas,leg,   τ_id = rnea(q, v, v̇)  (inverse dynamics with no contact)
// with the base velocity from the estimator, the base linear acceleration from the IMU, ω̇ = 0, and the
// joint rates and accelerations from the joint filter. Least squares with damping λ (exact for a
// square, well-conditioned 3-DoF leg):
//   f_i = (J_l·J_lᵀ + λ·I)⁻¹·J_l·(τ_id − τ_meas)_leg        (J_l: the 3 × n_leg linear rows, world-aligned)
// Joint friction and damping are not modelled (0.2 N·m of dry friction is about 1 N at the foot).
//
// Reads the LegKinematics state (forwardKinematics and the foot Jacobians must be current). Writes
// f_world. No allocation after construction.
import { rneaInto } from '../dynamics/rnea'
import { LegKinematics } from './leg-kinematics'
import { inverse3 } from './small-kernels'

export class ContactForce {
  readonly nf: i32
  /** (3·nf) estimated force of the ground on each foot, world [N]. */
  readonly f_world: StaticArray<f64>
  private readonly qvel: StaticArray<f64>
  private readonly qacc: StaticArray<f64>
  private readonly tau_id: StaticArray<f64>
  private readonly A: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly Ai: StaticArray<f64> = new StaticArray<f64>(9)

  constructor (nf: i32, nv: i32) {
    this.nf = nf
    this.f_world = new StaticArray<f64>(3 * nf)
    this.qvel = new StaticArray<f64>(nv)
    this.qacc = new StaticArray<f64>(nv)
    this.tau_id = new StaticArray<f64>(nv)
  }

  /**
   * v_world: base velocity (3, world), w_body: base angular rate (3, base frame), a_world: base origin
   * acceleration (3, world), x_joint: joint filter state (nj × 3: q, q̇, q̈), tau: measured joint torques (nj).
   */
  compute (kin: LegKinematics, v_world: StaticArray<f64>, w_body: StaticArray<f64>, a_world: StaticArray<f64>,
    x_joint: StaticArray<f64>, tau: StaticArray<f64>, lambda: f64): void {
    const m = kin.model
    const nv = m.nv
    const qvel = this.qvel
    const qacc = this.qacc
    for (let k = 0; k < 3; k++) {
      qvel[k] = v_world[k]; qvel[3 + k] = w_body[k]
      qacc[k] = a_world[k]; qacc[3 + k] = 0.0
    }
    for (let j = 0; j < kin.nj; j++) {
      const va = kin.joint_vadr[j]
      qvel[va] = x_joint[3 * j + 1]
      qacc[va] = x_joint[3 * j + 2]
    }
    rneaInto(m, kin.data, qvel, qacc, true, this.tau_id)
    const J = kin.data.frame_jac
    const A = this.A
    for (let i = 0; i < this.nf; i++) {
      const jo = kin.foot_frame[i] * 6 * nv
      const n = kin.leg_ndof[i]
      for (let k = 0; k < 9; k++) A[k] = 0.0
      let b0 = 0.0; let b1 = 0.0; let b2 = 0.0
      for (let k = 0; k < n; k++) {
        const d = kin.leg_dofs[i * nv + k]
        const dtau = this.tau_id[d] - tau[kin.dof_joint[d]]
        const j0 = J[jo + d]; const j1 = J[jo + nv + d]; const j2 = J[jo + 2 * nv + d]
        A[0] += j0 * j0; A[1] += j0 * j1; A[2] += j0 * j2
        A[4] += j1 * j1; A[5] += j1 * j2; A[8] += j2 * j2
        b0 += j0 * dtau; b1 += j1 * dtau; b2 += j2 * dtau
      }
      A[0] += lambda; A[4] += lambda; A[8] += lambda
      A[3] = A[1]; A[6] = A[2]; A[7] = A[5]
      inverse3(this.Ai, A)
      const Ai = this.Ai
      const o = 3 * i
      this.f_world[o] = Ai[0] * b0 + Ai[1] * b1 + Ai[2] * b2
      this.f_world[o + 1] = Ai[3] * b0 + Ai[4] * b1 + Ai[5] * b2
      this.f_world[o + 2] = Ai[6] * b0 + Ai[7] * b1 + Ai[8] * b2
    }
  }
}
