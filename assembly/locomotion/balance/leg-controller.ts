// Joint commands per leg from the contact forces and the swing targets (the MIT Mini Cheetah's leg
// control, Di Carlo et al. 2018 §III-D, with the position loop handed to the drivers' PD):
//   stance:  τ_ff = b_leg − J_legᵀ f            (the leg pushes the ground with −f)
//            q̇_des = J_leg⁻¹·(−(v_base + ω × r)) (the foot stays put while the base moves as planned)
//            q_des = q + q̇_des·dt;  kp, kd = stance gains
//   swing:   q_des = q + J_leg⁻¹·(p_des − p_foot)       (one Newton step of the leg IK per tick)
//            q̇_des = J_leg⁻¹·(v_des − v_base − ω × r);  τ_ff = b_leg;  kp, kd = swing gains
// J_leg is the 3 × 3 block of the foot's world-aligned Jacobian on the leg's joints, inverted by damped
// least squares J⁻¹ ≈ Jᵀ(JJᵀ + λI)⁻¹ so a stretched leg does not blow up. b_leg is the bias force
// (gravity, Coriolis) of the leg's joints. It is the joint-space fallback when the whole-body QP is off
// or fails, and the first integration step of the pipeline.
//
// Reads the controller's Data (forwardKinematics, frame Jacobians, bias) and the per-foot plan; writes
// the joint command (actuator order). Never allocates.
import { Model } from '../../model/model'
import { Data } from '../../model/data'

/** x = Jᵀ(J Jᵀ + λI)⁻¹ b for a 3 × 3 J (row-major at jo in J), b (3); writes x (3). */
export function dampedSolve3 (J: StaticArray<f64>, b0: f64, b1: f64, b2: f64, lambda: f64, x: StaticArray<f64>): void {
  // A = J Jᵀ + λI (symmetric)
  const a00 = J[0] * J[0] + J[1] * J[1] + J[2] * J[2] + lambda
  const a01 = J[0] * J[3] + J[1] * J[4] + J[2] * J[5]
  const a02 = J[0] * J[6] + J[1] * J[7] + J[2] * J[8]
  const a11 = J[3] * J[3] + J[4] * J[4] + J[5] * J[5] + lambda
  const a12 = J[3] * J[6] + J[4] * J[7] + J[5] * J[8]
  const a22 = J[6] * J[6] + J[7] * J[7] + J[8] * J[8] + lambda
  const c00 = a11 * a22 - a12 * a12
  const c01 = a02 * a12 - a01 * a22
  const c02 = a01 * a12 - a02 * a11
  const det = a00 * c00 + a01 * c01 + a02 * c02
  const inv = det != 0.0 ? 1.0 / det : 0.0
  const c11 = a00 * a22 - a02 * a02
  const c12 = a01 * a02 - a00 * a12
  const c22 = a00 * a11 - a01 * a01
  const y0 = (c00 * b0 + c01 * b1 + c02 * b2) * inv
  const y1 = (c01 * b0 + c11 * b1 + c12 * b2) * inv
  const y2 = (c02 * b0 + c12 * b1 + c22 * b2) * inv
  x[0] = J[0] * y0 + J[3] * y1 + J[6] * y2
  x[1] = J[1] * y0 + J[4] * y1 + J[7] * y2
  x[2] = J[2] * y0 + J[5] * y1 + J[8] * y2
}

export class LegController {
  readonly nf: i32
  readonly nj: i32
  /** (3·nf) dof index (qvel) of each leg joint, hip first. */
  readonly leg_dof: StaticArray<i32>
  /** (3·nf) actuator index of each leg joint. */
  readonly leg_act: StaticArray<i32>
  /** (nj) qpos index of each actuator's joint. */
  readonly act_qadr: StaticArray<i32>
  /** Damping of the least-squares leg inverse [m²]. */
  lambda: f64 = 1e-5
  /** Largest joint step of the swing IK per tick [rad]. */
  max_step: f64 = 0.4
  kp_swing: f64 = 30.0
  kd_swing: f64 = 1.0
  kp_stance: f64 = 0.0
  kd_stance: f64 = 0.5

  private readonly J: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly x: StaticArray<f64> = new StaticArray<f64>(3)

  constructor (nf: i32, nj: i32) {
    this.nf = nf
    this.nj = nj
    this.leg_dof = new StaticArray<i32>(3 * nf)
    this.leg_act = new StaticArray<i32>(3 * nf)
    this.act_qadr = new StaticArray<i32>(nj)
  }

  /** Copies the 3 × 3 leg block of foot frame f's Jacobian (linear rows) into this.J. */
  private legJacobian (model: Model, data: Data, f: i32, i: i32): void {
    const nv = model.nv
    const jo = f * 6 * nv
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) this.J[3 * r + c] = data.frame_jac[jo + r * nv + this.leg_dof[3 * i + c]]
    }
  }

  /**
   * Writes the command of every leg. frames (nf) foot frames; contact (nf) 1 stance; f (3·nf) ground
   * force on each foot; p_des, v_des (3·nf) swing targets, world; v_base (3) world and ω (3) world
   * desired base motion for the stance legs' velocity targets; q, qd (nj) measured; dt [s]; q_lo, q_hi
   * (nj) joint ranges. Outputs (nj): tau_ff, q_des, qd_des, kp, kd.
   */
  command (model: Model, data: Data, frames: StaticArray<i32>, contact: StaticArray<u8>, f: StaticArray<f64>,
    p_des: StaticArray<f64>, v_des: StaticArray<f64>, p_base: StaticArray<f64>, v_base: StaticArray<f64>, w_world: StaticArray<f64>,
    q: StaticArray<f64>, dt: f64, q_lo: StaticArray<f64>, q_hi: StaticArray<f64>,
    tau_ff: StaticArray<f64>, q_des: StaticArray<f64>, qd_des: StaticArray<f64>, kp: StaticArray<f64>, kd: StaticArray<f64>): void {
    const J = this.J
    const x = this.x
    for (let i = 0; i < this.nf; i++) {
      const fr = frames[i]
      this.legJacobian(model, data, fr, i)
      const px = data.frame_pos[3 * fr]; const py = data.frame_pos[3 * fr + 1]; const pz = data.frame_pos[3 * fr + 2]
      const rx = px - p_base[0]; const ry = py - p_base[1]; const rz = pz - p_base[2]
      // velocity of the point fixed to the base at the foot: v + ω × r
      const bx = v_base[0] + w_world[1] * rz - w_world[2] * ry
      const by = v_base[1] + w_world[2] * rx - w_world[0] * rz
      const bz = v_base[2] + w_world[0] * ry - w_world[1] * rx
      const st = contact[i] != 0
      if (st) {
        dampedSolve3(J, -bx, -by, -bz, this.lambda, x)
      } else {
        dampedSolve3(J, v_des[3 * i] - bx, v_des[3 * i + 1] - by, v_des[3 * i + 2] - bz, this.lambda, x)
      }
      for (let c = 0; c < 3; c++) {
        const a = this.leg_act[3 * i + c]
        qd_des[a] = x[c]
      }
      if (!st) {
        dampedSolve3(J, p_des[3 * i] - px, p_des[3 * i + 1] - py, p_des[3 * i + 2] - pz, this.lambda, x)
      }
      for (let c = 0; c < 3; c++) {
        const a = this.leg_act[3 * i + c]
        const d = this.leg_dof[3 * i + c]
        // τ = b − Jᵀf on stance (column c of J dotted with f)
        let t = data.bias[d]
        if (st) t -= J[c] * f[3 * i] + J[3 + c] * f[3 * i + 1] + J[6 + c] * f[3 * i + 2]
        tau_ff[a] = t
        let step = st ? qd_des[a] * dt : x[c]
        if (step > this.max_step) step = this.max_step
        else if (step < -this.max_step) step = -this.max_step
        let qd = q[a] + step
        if (qd < q_lo[a]) qd = q_lo[a]
        else if (qd > q_hi[a]) qd = q_hi[a]
        q_des[a] = qd
        kp[a] = st ? this.kp_stance : this.kp_swing
        kd[a] = st ? this.kd_stance : this.kd_swing
      }
    }
  }
}
