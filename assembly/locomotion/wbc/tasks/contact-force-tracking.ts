// Contact-force tracking of the MPC's forces, 3 rows per stance foot: f_i = f_des,i (world frame).
// Reads ref.f_foot_des_world.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class ContactForceTrackingTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_force }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_force }
  eqRows (ctx: WbcContext): i32 { return 3 * ctx.nstance }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const n = ctx.n
    for (let s = 0; s < ctx.nstance; s++) {
      const i = unchecked(ctx.stance[s])
      for (let c = 0; c < 3; c++) {
        const r = r0 + 3 * s + c
        unchecked(A[r * n + ctx.fcol + 3 * s + c] = 1.0)
        unchecked(b[r] = ctx.ref.f_foot_des_world[3 * i + c])
      }
    }
  }
}
