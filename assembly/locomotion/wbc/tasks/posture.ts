// Posture regularization: joint accelerations toward the posture target, nj rows:
//   qdd_j = kp·(q_des,j − q_j) − kd·qd_j
// Reads qpos[7 + j], qvel[6 + j], ref.q_joint_des, cfg.kp_posture, cfg.kd_posture.
import { WbcContext } from '../wbc-context'
import { WbcTask } from './wbc-task'

export class PostureTask extends WbcTask {
  level (ctx: WbcContext): i32 { return ctx.cfg.level_posture }
  weight (ctx: WbcContext): f64 { return ctx.cfg.w_posture }
  eqRows (ctx: WbcContext): i32 { return ctx.nj }

  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {
    const n = ctx.n
    const kp = ctx.cfg.kp_posture
    const kd = ctx.cfg.kd_posture
    for (let j = 0; j < ctx.nj; j++) {
      const r = r0 + j
      unchecked(A[r * n + 6 + j] = 1.0)
      unchecked(b[r] = kp * (ctx.ref.q_joint_des[j] - ctx.qpos[7 + j]) - kd * ctx.qvel[6 + j])
    }
  }
}
