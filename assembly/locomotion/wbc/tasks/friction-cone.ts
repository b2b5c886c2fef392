// Friction pyramid and normal-force bounds of each stance foot, on flat ground (normal = world z):
//   −∞ ≤ f_x − μ f_z ≤ 0,   0 ≤ f_x + μ f_z ≤ ∞,   (same for f_y),   f_z,min ≤ f_z ≤ f_z,max
// μ is the pyramid's own coefficient (pass μ/√2 for an inner approximation of the cone).
// Reads cfg.mu, cfg.fz_min, cfg.fz_max. 5 rows per stance foot.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class FrictionConeTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_friction }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_friction }
  ineqRows (ctx: WbcContext): i32 { return 5 * ctx.nstance }

  writeIneq (ctx: WbcContext, C: StaticArray<f64>, l: StaticArray<f64>, u: StaticArray<f64>, r0: i32): void {
    const n = ctx.n
    const mu = ctx.cfg.mu
    for (let s = 0; s < ctx.nstance; s++) {
      const fo = ctx.fcol + 3 * s
      const r = r0 + 5 * s
      for (let a = 0; a < 2; a++) {
        const rm = (r + 2 * a) * n
        const rp = (r + 2 * a + 1) * n
        unchecked(C[rm + fo + a] = 1.0)
        unchecked(C[rm + fo + 2] = -mu)
        unchecked(l[r + 2 * a] = -Infinity)
        unchecked(u[r + 2 * a] = 0.0)
        unchecked(C[rp + fo + a] = 1.0)
        unchecked(C[rp + fo + 2] = mu)
        unchecked(l[r + 2 * a + 1] = 0.0)
        unchecked(u[r + 2 * a + 1] = Infinity)
      }
      unchecked(C[(r + 4) * n + fo + 2] = 1.0)
      unchecked(l[r + 4] = ctx.cfg.fz_min)
      unchecked(u[r + 4] = ctx.cfg.fz_max)
    }
  }
}
