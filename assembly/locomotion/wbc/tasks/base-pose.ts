// Base pose tracking (PD on the plan with feed-forward), 6 rows. With MuJoCo's free-joint velocity
// (qvel[0:3] = ṗ_world of the base origin, qvel[3:6] = ω_body) the base accelerations are exact
// linear functions of qdd with no drift term: p̈_world = qdd[0:3] and ω̇_world = R·qdd[3:6]
// (d/dt (R ω_body) = R ω̇_body + ω × ω). So the rows are
//   qdd[0:3] = a_ff,lin + Kp,p ∘ (p_des − p) + Kd,p ∘ (v_des − ṗ)
//   qdd[3:6] = Rᵀ (a_ff,ang + Kp,R ∘ log(R_des Rᵀ) + Kd,R ∘ (ω_des − R ω_body))
// (world-axis gains; the angular rows are written in base axes, which leaves their least-squares
// norm unchanged since R is orthonormal). Reads qpos, qvel, ctx.R_base_world, the reference.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class BasePoseTask extends WbcTask {
  /** Last errors, world frame: position [m] and rotation vector [rad] (for logs and tests). */
  e_pos_world: StaticArray<f64> = new StaticArray<f64>(3)
  e_rot_world: StaticArray<f64> = new StaticArray<f64>(3)
  private a_des: StaticArray<f64> = new StaticArray<f64>(6)

  level (ctx: WbcContext): i32 { return ctx.cfg.level_base }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_base }
  eqRows (ctx: WbcContext): i32 { return 6 }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const n = ctx.n
    const q = ctx.qpos
    const v = ctx.qvel
    const ref = ctx.ref
    const cfg = ctx.cfg
    const R = ctx.R_base_world
    const ad = this.a_des
    for (let c = 0; c < 3; c++) {
      const e = unchecked(ref.p_base_des_world[c] - q[c])
      unchecked(this.e_pos_world[c] = e)
      unchecked(ad[c] = ref.a_base_ff_world[c] + cfg.kp_base_pos[c] * e + cfg.kd_base_pos[c] * (ref.v_base_des_world[c] - v[c]))
    }
    // rotation error e = log(q_des ⊗ q⁻¹) (world frame), taking the shorter way round
    const dw = unchecked(ref.quat_base_des_world[0]); const dx = unchecked(ref.quat_base_des_world[1])
    const dy = unchecked(ref.quat_base_des_world[2]); const dz = unchecked(ref.quat_base_des_world[3])
    let w = unchecked(q[3]); let x = -unchecked(q[4]); let y = -unchecked(q[5]); let z = -unchecked(q[6])
    const qn = Math.sqrt(w * w + x * x + y * y + z * z)
    const dn = Math.sqrt(dw * dw + dx * dx + dy * dy + dz * dz)
    const s = 1.0 / (qn * dn)
    let ew = (dw * w - dx * x - dy * y - dz * z) * s
    let ex = (dw * x + dx * w + dy * z - dz * y) * s
    let ey = (dw * y - dx * z + dy * w + dz * x) * s
    let ez = (dw * z + dx * y - dy * x + dz * w) * s
    if (ew < 0.0) { ew = -ew; ex = -ex; ey = -ey; ez = -ez }
    const vn = Math.sqrt(ex * ex + ey * ey + ez * ez)
    const k = vn > 1e-12 ? 2.0 * Math.atan2(vn, ew) / vn : 2.0
    const er0 = k * ex; const er1 = k * ey; const er2 = k * ez
    unchecked(this.e_rot_world[0] = er0); unchecked(this.e_rot_world[1] = er1); unchecked(this.e_rot_world[2] = er2)
    // ω_world = R ω_body
    const wb0 = unchecked(v[3]); const wb1 = unchecked(v[4]); const wb2 = unchecked(v[5])
    const ww0 = unchecked(R[0] * wb0 + R[1] * wb1 + R[2] * wb2)
    const ww1 = unchecked(R[3] * wb0 + R[4] * wb1 + R[5] * wb2)
    const ww2 = unchecked(R[6] * wb0 + R[7] * wb1 + R[8] * wb2)
    const al0 = unchecked(ref.a_base_ff_world[3] + cfg.kp_base_ori[0] * er0 + cfg.kd_base_ori[0] * (ref.omega_base_des_world[0] - ww0))
    const al1 = unchecked(ref.a_base_ff_world[4] + cfg.kp_base_ori[1] * er1 + cfg.kd_base_ori[1] * (ref.omega_base_des_world[1] - ww1))
    const al2 = unchecked(ref.a_base_ff_world[5] + cfg.kp_base_ori[2] * er2 + cfg.kd_base_ori[2] * (ref.omega_base_des_world[2] - ww2))
    // base axes: Rᵀ α
    unchecked(ad[3] = R[0] * al0 + R[3] * al1 + R[6] * al2)
    unchecked(ad[4] = R[1] * al0 + R[4] * al1 + R[7] * al2)
    unchecked(ad[5] = R[2] * al0 + R[5] * al1 + R[8] * al2)
    for (let r = 0; r < 6; r++) {
      unchecked(A[(r0 + r) * n + r] = 1.0)
      unchecked(b[r0 + r] = ad[r])
    }
  }
}
