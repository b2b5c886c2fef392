// Joint-target pass-through: the control step for RL policies that drive the joints directly. It copies
// the active joint targets (q, qd, kp, kd, τ — already validated, interpolated and defaulted by the
// policy port and the target schedule) into the command; the loop's safety limits then clamp gains,
// ranges and torque and slew-limit q_des, so a policy's first target after standing is approached at
// safety.joint_speed_max rather than jumped to. When the WBC lands, these targets become its posture task.
import type { CommandOutput, ControlInput, ControlStep, ParamDef } from './control-step.ts'
import type { FieldDef } from './record-layout.ts'

export class JointTargetStep implements ControlStep {
  readonly name = 'joint'
  readonly stages = [] as const
  readonly outputs: readonly FieldDef[] = []
  readonly params: readonly ParamDef[] = []

  enter (_input: ControlInput): void {}

  step (input: ControlInput, cmd: CommandOutput): void {
    const tg = input.targets
    cmd.q_des.set(tg.q)
    cmd.qd_des.set(tg.qd)
    cmd.kp.set(tg.kp)
    cmd.kd.set(tg.kd)
    cmd.tau_ff.set(tg.tau)
  }

  setParam (_index: number, _values: Float64Array, _at: number): void {}
}
