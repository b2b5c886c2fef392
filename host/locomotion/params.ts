// Parameters of the locomotion controller (assembly/locomotion/loco-params.ts): one spec per entry with
// its default, unit, range and doc. The same list gives the YAML section `locomotion:` (config.ts), the
// runtime-tunable parameters of the LocomotionStep (`locomotion.NAME`, bounds enforced by the loop) and
// the values written into the WASM core by name. Defaults are tuned for quad12 (8.9 kg, Mini Cheetah class).

export interface LocoParamSpec {
  name: string
  default: number
  unit: string
  min: number
  max: number
  doc: string
}

function p (name: string, def: number, unit: string, min: number, max: number, doc: string): LocoParamSpec {
  return { name, default: def, unit, min, max, doc }
}

export const LOCO_PARAM_SPECS: readonly LocoParamSpec[] = [
  p('gait_period', 0.36, 's', 0.15, 2, 'trot period (the other gaits scale it); a twist\'s step_hz overrides it when it differs from the policy default'),
  p('swing_height', 0.07, 'm', 0, 0.2, 'swing apex above the higher end point'),
  p('height', 0.28, 'm', 0.12, 0.4, 'base height above the ground when no twist names one'),
  p('mu', 0.5, '', 0.05, 2, 'friction coefficient the force plan assumes (pyramid)'),
  p('fz_min', 3, 'N', 0, 50, 'smallest normal force of a stance foot'),
  p('fz_max', 160, 'N', 1, 2000, 'largest normal force of a stance foot'),
  p('kp_xy', 40, '1/s²', 0, 1000, 'base horizontal position gain (force distribution)'),
  p('kd_xy', 12, '1/s', 0, 200, 'base horizontal velocity gain (force distribution)'),
  p('kp_z', 300, '1/s²', 0, 5000, 'base height gain (force distribution)'),
  p('kd_z', 30, '1/s', 0, 500, 'base vertical velocity gain (force distribution)'),
  p('kp_rot', 300, '1/s²', 0, 5000, 'attitude gain (force distribution)'),
  p('kd_rot', 30, '1/s', 0, 500, 'angular velocity gain (force distribution)'),
  p('kp_swing', 40, 'N·m/rad', 0, 500, 'drivers\' position gain on swing legs'),
  p('kd_swing', 1.0, 'N·m·s/rad', 0, 20, 'drivers\' velocity gain on swing legs'),
  p('kp_stance', 0, 'N·m/rad', 0, 500, 'drivers\' position gain on stance legs'),
  p('kd_stance', 0.5, 'N·m·s/rad', 0, 20, 'drivers\' velocity gain on stance legs'),
  p('capture_gain', 1.0, '', 0, 3, 'capture-point gain of the foothold (velocity feedback)'),
  p('reach', 0.15, 'm', 0.02, 0.5, 'foothold distance limit from the hip\'s nominal foot position'),
  p('foot_radius', 0.02, 'm', 0, 0.2, 'foot frame origin above the contact point'),
  p('force_source', 1, '', 0, 1, '0: force-distribution QP; 1: SRBD MPC (the QP is its fallback)'),
  p('joint_source', 1, '', 0, 1, '0: leg Jacobian control; 1: whole-body QP torques with the leg controller\'s PD targets (the leg controller is its fallback)'),
  p('mpc_every', 1, 'ticks', 1, 100, 'run the MPC every this many control ticks'),
  p('auto_gait', 2, '', 1, 6, 'gait when a twist moves the robot without naming one (1 walking trot, 2 trot, 3 pace, 4 bound, 5 pronk, 6 static walk)'),
  p('move_threshold', 0.04, 'm/s', 0, 1, 'command speed (|vx| + |vy| + 0.2 m·|wz|) above which the robot steps'),
  p('stop_delay', 0.5, 's', 0, 10, 'command at rest this long: back to stand'),
  p('early_min', 0.6, '', 0.3, 1, 'swing progress from which a contact ends the swing (early touchdown)'),
  p('late_max', 0.1, 's', 0, 1, 'longest search for a late touchdown'),
  p('safe_kp', 40, 'N·m/rad', 0, 500, 'safe command (damped stand) position gain'),
  p('safe_kd', 2, 'N·m·s/rad', 0, 50, 'safe command velocity gain'),
  p('tau_decay', 0.98, '', 0, 1, 'per-tick factor of the last good τ_ff in the safe command'),
  p('v_accel', 1.5, 'm/s²', 0.05, 20, 'acceleration limit of the velocity reference'),
  p('wz_accel', 3, 'rad/s²', 0.05, 50, 'yaw acceleration limit of the reference'),
  p('w_torque', 10, '', 0.01, 1000, 'torque-row weight of the force distribution (force rows: 1)'),
  p('mpc_w_rp', 50, '', 0, 1e5, 'MPC weight on roll and pitch error'),
  p('mpc_w_yaw', 20, '', 0, 1e5, 'MPC weight on yaw error'),
  p('mpc_w_xy', 50, '', 0, 1e5, 'MPC weight on horizontal CoM position error'),
  p('mpc_w_z', 200, '', 0, 1e5, 'MPC weight on CoM height error'),
  p('mpc_w_omega', 0.5, '', 0, 1e5, 'MPC weight on angular velocity error (yaw rate: twice this)'),
  p('mpc_w_vel', 5, '', 0, 1e5, 'MPC weight on CoM velocity error'),
  p('mpc_w_force', 1e-4, '', 1e-8, 10, 'MPC weight on contact forces'),
  p('push_step_speed', 0.2, 'm/s', 0.01, 10, 'a base velocity this far from the reference (a push) starts stepping, so the capture-point footholds catch it'),
  p('mpc_tail_tol', 3e-3, '', 0, 0.1, 'MPC: at its last two force stages a friction row whose multiplier passes through zero by less (relative to the largest) stays active, saving an active-set round; 0: the exact QP optimum')
]

export type LocoParams = Record<string, number>

/** The defaults as a name → value map. */
export function defaultLocoParams (): LocoParams {
  const o: LocoParams = {}
  for (const s of LOCO_PARAM_SPECS) o[s.name] = s.default
  return o
}

/** Gaits by name (assembly/locomotion/gait/gait-table.ts ids). */
export const LOCO_GAITS = ['stand', 'walking_trot', 'trot', 'pace', 'bound', 'pronk', 'static_walk'] as const
export type LocoGait = typeof LOCO_GAITS[number]
