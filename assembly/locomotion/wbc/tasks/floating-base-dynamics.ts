// Floating-base equations of motion: the 6 unactuated rows of M(q)·qdd + h(q, v) = Sᵀτ + Σ J_iᵀ f_i
// (Sherikov/Herzog style: the actuated rows only define τ, which then follows from the solution):
//   [M_u, −J_c,uᵀ] x = −h_u,   J_c,u = columns 0..5 of the stance feet's translational Jacobians.
// Reads data.M, data.bias, data.frame_jac. Swing feet have no force variables.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class FloatingBaseDynamicsTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_dynamics }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_dynamics }
  eqRows (ctx: WbcContext): i32 { return 6 }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const nv = ctx.nv
    const n = ctx.n
    const M = ctx.data.M
    const J = ctx.data.frame_jac
    for (let r = 0; r < 6; r++) {
      const ro = (r0 + r) * n
      for (let c = 0; c < nv; c++) unchecked(A[ro + c] = M[r * nv + c])
      for (let s = 0; s < ctx.nstance; s++) {
        const i = unchecked(ctx.stance[s])
        const jo = ctx.footJacobian(i)
        const fo = ro + ctx.fcol + 3 * s
        // (Jᵀf)_r = Σ_c J[c][r]·f_c
        for (let c = 0; c < 3; c++) unchecked(A[fo + c] = -J[jo + c * nv + r])
      }
      unchecked(b[r0 + r] = -ctx.data.bias[r])
    }
  }
}
