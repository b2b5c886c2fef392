// Stance feet do not accelerate: J_i·qdd + J̇_i·v = 0 (translational rows of the foot frame, world
// aligned), 3 rows per stance foot. Reads data.frame_jac and data.frame_drift (J̇·v).
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class ContactNoSlipTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_no_slip }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_no_slip }
  eqRows (ctx: WbcContext): i32 { return 3 * ctx.nstance }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const nv = ctx.nv
    const n = ctx.n
    const J = ctx.data.frame_jac
    const drift = ctx.data.frame_drift
    for (let s = 0; s < ctx.nstance; s++) {
      const i = unchecked(ctx.stance[s])
      const jo = ctx.footJacobian(i)
      const f = unchecked(ctx.footFrames[i])
      for (let c = 0; c < 3; c++) {
        const r = r0 + 3 * s + c
        const ro = r * n
        for (let d = 0; d < nv; d++) unchecked(A[ro + d] = J[jo + c * nv + d])
        unchecked(b[r] = -drift[6 * f + c])
      }
    }
  }
}
