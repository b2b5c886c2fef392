// Parameters of the locomotion controller: one flat f64 array (LocomotionController.params), written by
// the host by name (host/locomotion/params.ts holds the defaults, units, ranges and docs; the two lists
// must stay in step, test/locomotion/params.test.ts checks the names). SI units.

export const LP_GAIT_PERIOD: i32 = 0     // [s] trot period (other gaits scale it, gait-table.ts)
export const LP_SWING_HEIGHT: i32 = 1    // [m] swing apex above the higher end point
export const LP_HEIGHT: i32 = 2          // [m] default base height above the ground
export const LP_MU: i32 = 3              // friction coefficient the force plan assumes
export const LP_FZ_MIN: i32 = 4          // [N] smallest normal force of a stance foot
export const LP_FZ_MAX: i32 = 5          // [N] largest normal force of a stance foot
export const LP_KP_XY: i32 = 6           // [1/s²] base horizontal position gain
export const LP_KD_XY: i32 = 7           // [1/s] base horizontal velocity gain
export const LP_KP_Z: i32 = 8            // [1/s²] base height gain
export const LP_KD_Z: i32 = 9            // [1/s] base vertical velocity gain
export const LP_KP_ROT: i32 = 10         // [1/s²] attitude gain
export const LP_KD_ROT: i32 = 11         // [1/s] angular velocity gain
export const LP_KP_SWING: i32 = 12       // [N·m/rad] drivers' position gain on swing legs
export const LP_KD_SWING: i32 = 13       // [N·m·s/rad] drivers' velocity gain on swing legs
export const LP_KP_STANCE: i32 = 14      // [N·m/rad] drivers' position gain on stance legs
export const LP_KD_STANCE: i32 = 15      // [N·m·s/rad] drivers' velocity gain on stance legs
export const LP_CAPTURE_GAIN: i32 = 16   // capture-point gain of the foothold
export const LP_REACH: i32 = 17          // [m] foothold distance limit from the hip's nominal point
export const LP_FOOT_RADIUS: i32 = 18    // [m] foot frame origin above the contact point
export const LP_FORCE_SOURCE: i32 = 19   // 0 force distribution QP, 1 SRBD MPC
export const LP_JOINT_SOURCE: i32 = 20   // 0 leg Jacobian control, 1 whole-body QP
export const LP_MPC_EVERY: i32 = 21      // run the MPC every this many ticks
export const LP_AUTO_GAIT: i32 = 22      // gait used when a twist moves the robot without naming one
export const LP_MOVE_THRESHOLD: i32 = 23 // [m/s] command speed (|v| + 0.2 m·|ω|) above which the robot steps
export const LP_STOP_DELAY: i32 = 24     // [s] command at rest this long: back to stand
export const LP_EARLY_MIN: i32 = 25      // swing progress from which a contact ends the swing
export const LP_LATE_MAX: i32 = 26       // [s] longest search for a late touchdown
export const LP_SAFE_KP: i32 = 27        // [N·m/rad] safe command (damped stand) position gain
export const LP_SAFE_KD: i32 = 28        // [N·m·s/rad] safe command velocity gain
export const LP_TAU_DECAY: i32 = 29      // per-tick factor of the last good τ_ff in the safe command
export const LP_VX_ACCEL: i32 = 30       // [m/s²] forward/lateral acceleration limit of the reference
export const LP_WZ_ACCEL: i32 = 31       // [rad/s²] yaw acceleration limit of the reference
export const LP_W_TORQUE: i32 = 32       // torque-row weight of the force distribution (force rows: 1)
export const LP_MPC_W_RP: i32 = 33       // MPC weight on roll and pitch error
export const LP_MPC_W_YAW: i32 = 34      // MPC weight on yaw error
export const LP_MPC_W_XY: i32 = 35       // MPC weight on horizontal CoM position error
export const LP_MPC_W_Z: i32 = 36        // MPC weight on CoM height error
export const LP_MPC_W_OMEGA: i32 = 37    // MPC weight on angular velocity error (z: twice this)
export const LP_MPC_W_VEL: i32 = 38      // MPC weight on CoM velocity error
export const LP_MPC_W_FORCE: i32 = 39    // MPC weight on contact forces
export const LP_PUSH_STEP_SPEED: i32 = 40 // [m/s] standing, a velocity error above this starts stepping (push recovery)
export const LP_MPC_TAIL_TOL: i32 = 41   // MPC active-set start: dual tolerance of its approximate tail (0: exact)
export const LP_COUNT: i32 = 42

export const LP_NAMES: StaticArray<string> = [
  'gait_period', 'swing_height', 'height', 'mu', 'fz_min', 'fz_max', 'kp_xy', 'kd_xy', 'kp_z', 'kd_z', 'kp_rot', 'kd_rot', 'kp_swing', 'kd_swing', 'kp_stance', 'kd_stance', 'capture_gain', 'reach', 'foot_radius', 'force_source', 'joint_source', 'mpc_every', 'auto_gait', 'move_threshold', 'stop_delay', 'early_min', 'late_max', 'safe_kp', 'safe_kd', 'tau_decay', 'v_accel', 'wz_accel', 'w_torque',
  'mpc_w_rp', 'mpc_w_yaw', 'mpc_w_xy', 'mpc_w_z', 'mpc_w_omega', 'mpc_w_vel', 'mpc_w_force', 'push_step_speed', 'mpc_tail_tol'
]
