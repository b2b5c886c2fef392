// Builds the controller's view of a robot (ControlRobot: actuator-order joint limits, stand pose and
// gains, IMU mounting, feet) from a RobotDescription and the validated configuration. Configuration
// mistakes that need the robot to be seen (a stand pose naming a joint the robot lacks, a gain list of
// the wrong length) are reported with the configuration file's line.
import { perJoint, type RuntimeConfig } from '../config/runtime-config.ts'
import { nearest, type Validated } from '../config/schema.ts'
import { dofsOfJoint, type RobotDescription } from '../robot/description.ts'
import type { ControlRobot } from './control-step.ts'

export interface ControlRobotOptions {
  /** Joint names in actuator order; default: the description's actuators (else its non-free joints). */
  jointNames?: string[]
  /** Velocity limits [rad/s] in that order, when a better source than the description exists (the plant's). */
  qd_max?: ArrayLike<number>
  /** Torque limits [N·m] in that order, likewise. */
  tau_max?: ArrayLike<number>
  /** Foot names, in the order of the sensor frame's contact flags; default: sites/frames named *foot*. */
  footNames?: string[]
  /** Keyframe giving the default stand pose (default 'home'). */
  standKeyframe?: string
}

export function controlRobotFrom (desc: RobotDescription, cfg: Validated<RuntimeConfig>, opts: ControlRobotOptions = {}): ControlRobot {
  const joints = new Map<string, { range: [number, number] | null, effort: number, velocity: number, qadr: number, qpos0: number }>()
  let qadr = 0
  for (const b of desc.bodies) {
    for (const j of b.joints) {
      if (j.type !== 'free') joints.set(j.name, { range: j.range, effort: j.effortLimit, velocity: j.velocityLimit, qadr, qpos0: j.qpos0[0] ?? 0 })
      qadr += dofsOfJoint(j.type).nq
    }
  }
  const names = opts.jointNames ?? (desc.actuators.length > 0 ? desc.actuators.map((a) => a.joint) : [...joints.keys()])
  for (const n of names) if (!joints.has(n)) throw new Error(`${desc.sourceFile}: no joint named '${n}'`)
  const nj = names.length
  const effortByJoint = new Map(desc.actuators.map((a) => [a.joint, a.effortLimit * (a.gear !== 0 ? Math.abs(a.gear) : 1)]))
  const c = cfg.value
  const key = desc.keyframes[opts.standKeyframe ?? 'home']
  const q_stand = names.map((n) => {
    const j = joints.get(n)!
    return key !== undefined ? key[j.qadr] : j.qpos0
  })
  if (c.stand.pose !== null) {
    for (const [name, value] of Object.entries(c.stand.pose)) {
      const i = names.indexOf(name)
      if (i < 0) {
        const hint = nearest(name, names)
        throw cfg.error(`stand.pose.${name}`, `the robot has no actuated joint '${name}'${hint !== null ? ` (did you mean '${hint}'?)` : ''}`)
      }
      q_stand[i] = value
    }
  }
  const imu = desc.frames.find((f) => f.name === 'imu')
  const feet = opts.footNames ?? desc.frames.filter((f) => /foot/i.test(f.name) && f.kind === 'site').map((f) => f.name)
  const pick = (arr: ArrayLike<number> | undefined, i: number, fallback: number): number => arr !== undefined ? arr[i] : fallback
  return {
    jointNames: names,
    q_min: names.map((n) => joints.get(n)!.range?.[0] ?? -Infinity),
    q_max: names.map((n) => joints.get(n)!.range?.[1] ?? Infinity),
    qd_max: names.map((n, i) => pick(opts.qd_max, i, joints.get(n)!.velocity)),
    tau_max: names.map((n, i) => pick(opts.tau_max, i, Math.min(joints.get(n)!.effort, effortByJoint.get(n) ?? Infinity))),
    q_stand,
    kp_stand: [...perJoint(cfg, 'stand.kp', c.stand.kp, nj)],
    kd_stand: [...perJoint(cfg, 'stand.kd', c.stand.kd, nj)],
    quat_base_imu: imu !== undefined && imu.body === 0 ? [...imu.quat] : [1, 0, 0, 0],
    footNames: feet
  }
}
