// Actuator torque limits on the torque the solution implies (actuated rows of the EoM):
//   τ_j = M_j·qdd + h_j − Σ J_c,jᵀ f   ∈ [−τ_max,j, τ_max,j]
//   ⇔  −τ_max,j − h_j ≤ [M_j, −J_c,jᵀ] x ≤ τ_max,j − h_j        (row j = dof 6 + j)
// Reads data.M, data.bias, data.frame_jac, cfg.tau_max.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class TorqueLimitsTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_torque }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_torque }
  ineqRows (ctx: WbcContext): i32 { return ctx.nj }

  writeIneq (ctx: WbcContext, C: StaticArray<f64>, l: StaticArray<f64>, u: StaticArray<f64>, r0: i32): void {
    const nv = ctx.nv
    const n = ctx.n
    const M = ctx.data.M
    const J = ctx.data.frame_jac
    const tmax = ctx.cfg.tau_max
    for (let j = 0; j < ctx.nj; j++) {
      const r = 6 + j
      const ro = (r0 + j) * n
      for (let c = 0; c < nv; c++) unchecked(C[ro + c] = M[r * nv + c])
      for (let s = 0; s < ctx.nstance; s++) {
        const i = unchecked(ctx.stance[s])
        const jo = ctx.footJacobian(i)
        const fo = ro + ctx.fcol + 3 * s
        for (let c = 0; c < 3; c++) unchecked(C[fo + c] = -J[jo + c * nv + r])
      }
      const h = unchecked(ctx.data.bias[r])
      const t = unchecked(tmax[j])
      unchecked(l[r0 + j] = -t - h)
      unchecked(u[r0 + j] = t - h)
    }
  }
}
