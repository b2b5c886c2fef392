// Joint-space stand controller, the runtime's safe mode: PD to a stand pose, reached by a smooth ramp
// from whatever pose the robot holds when the mode is entered (after start-up, a policy timeout, a
// fault). With s = (t − t_enter) / T_ramp clamped to [0, 1] and the quintic blend
//   w(s) = 10s³ − 15s⁴ + 6s⁵      (zero velocity and acceleration at both ends)
//   q_des  = q_enter + w(s) (q_stand − q_enter)
//   qd_des = w'(s) / T_ramp · (q_stand − q_enter),   w'(s) = 30s² − 60s³ + 30s⁴
//   τ_ff = 0,  kp, kd = the stand gains
// Reads the measured joint positions on entry; writes the command, the ramp fraction and the largest
// tracking error.
import type { CommandOutput, ControlInput, ControlRobot, ControlStep, ParamDef } from './control-step.ts'
import { field } from './record-layout.ts'

/** What the stand controller reports per tick. */
export const STAND_OUTPUTS = [
  field('stand_ramp', 1, '', 'ramp fraction w(s), 0 at entry, 1 when the stand pose is reached'),
  field('stand_err_max', 1, 'rad', 'largest |q_des − q| over the joints')
]

export class StandController implements ControlStep {
  readonly name = 'stand'
  readonly stages = [] as const
  readonly outputs = STAND_OUTPUTS
  readonly params: readonly ParamDef[]
  private readonly nj: number
  private readonly q_enter: Float64Array
  private readonly q_stand: Float64Array
  private readonly kp: Float64Array
  private readonly kd: Float64Array
  private t_enter = 0
  private ramp_s: number

  constructor (robot: ControlRobot, ramp_s: number) {
    const nj = robot.jointNames.length
    this.nj = nj
    this.q_enter = new Float64Array(nj)
    this.q_stand = Float64Array.from(robot.q_stand)
    this.kp = Float64Array.from(robot.kp_stand)
    this.kd = Float64Array.from(robot.kd_stand)
    this.ramp_s = ramp_s
    const p: ParamDef[] = [{ name: 'stand.ramp_s', unit: 's', min: 0.05, max: 20, doc: 'ramp duration' }]
    for (const j of robot.jointNames) p.push({ name: `stand.kp.${j}`, unit: 'N·m/rad', min: 0, max: 2000, doc: 'stand position gain' })
    for (const j of robot.jointNames) p.push({ name: `stand.kd.${j}`, unit: 'N·m·s/rad', min: 0, max: 100, doc: 'stand velocity gain' })
    for (const j of robot.jointNames) p.push({ name: `stand.q.${j}`, unit: 'rad', min: -10, max: 10, doc: 'stand pose' })
    this.params = p
  }

  enter (input: ControlInput): void {
    this.q_enter.set(input.q)
    this.t_enter = input.t
  }

  step (input: ControlInput, cmd: CommandOutput, _stageUs: Float64Array, out: Float64Array): void {
    const s0 = (input.t - this.t_enter) / this.ramp_s
    const s = s0 < 0 ? 0 : s0 > 1 ? 1 : s0
    const s2 = s * s
    const w = s2 * s * (10 - 15 * s + 6 * s2)
    const dw = s0 >= 1 ? 0 : 30 * s2 * (1 - 2 * s + s2) / this.ramp_s
    let err = 0
    for (let i = 0; i < this.nj; i++) {
      const d = this.q_stand[i] - this.q_enter[i]
      const q = s0 >= 1 ? this.q_stand[i] : this.q_enter[i] + w * d
      cmd.q_des[i] = q
      cmd.qd_des[i] = dw * d
      cmd.kp[i] = this.kp[i]
      cmd.kd[i] = this.kd[i]
      cmd.tau_ff[i] = 0
      const e = Math.abs(q - input.q[i])
      if (e > err) err = e
    }
    out[0] = w
    out[1] = err
  }

  setParam (index: number, values: Float64Array, at: number): void {
    const value = values[at]
    const nj = this.nj
    if (index === 0) this.ramp_s = value
    else if (index <= nj) this.kp[index - 1] = value
    else if (index <= 2 * nj) this.kd[index - 1 - nj] = value
    else if (index <= 3 * nj) this.q_stand[index - 1 - 2 * nj] = value
  }
}
