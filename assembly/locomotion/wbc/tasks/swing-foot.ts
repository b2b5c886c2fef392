// Swing-foot tracking (PD + feed-forward), 3 rows per swing foot, world frame:
//   J_i·qdd = a_des − J̇_i·v,   a_des = a_ff + Kp ∘ (p_des − p) + Kd ∘ (v_des − J_i·v)
// Reads data.frame_jac, data.frame_vel, data.frame_drift, ctx.p_foot_world, the reference.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class SwingFootTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_swing }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_swing }
  eqRows (ctx: WbcContext): i32 { return 3 * (ctx.nfeet - ctx.nstance) }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const nv = ctx.nv
    const n = ctx.n
    const J = ctx.data.frame_jac
    const V = ctx.data.frame_vel
    const D = ctx.data.frame_drift
    const ref = ctx.ref
    const kp = ctx.cfg.kp_swing
    const kd = ctx.cfg.kd_swing
    let r = r0
    for (let i = 0; i < ctx.nfeet; i++) {
      if (ctx.isStance(i)) continue
      const jo = ctx.footJacobian(i)
      const f6 = 6 * unchecked(ctx.footFrames[i])
      for (let c = 0; c < 3; c++) {
        const k = 3 * i + c
        const a = unchecked(ref.a_foot_des_world[k] + kp[c] * (ref.p_foot_des_world[k] - ctx.p_foot_world[k]) +
          kd[c] * (ref.v_foot_des_world[k] - V[f6 + c]))
        const ro = r * n
        for (let d = 0; d < nv; d++) unchecked(A[ro + d] = J[jo + c * nv + d])
        unchecked(b[r] = a - D[f6 + c])
        r++
      }
    }
  }
}
