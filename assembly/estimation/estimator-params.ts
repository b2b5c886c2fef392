// Parameters of the state estimator: one flat f64 array (Estimator.params), written by the host
// (host/estimation/params.ts holds the documented defaults and units and writes them by name).
// SI units; "psd" entries are continuous-time noise densities (σ per √Hz), so the filters behave the
// same at any update rate. PARAM_NAMES[i] is the name of index i; the two lists must stay in step
// (test/estimation/params.test.ts checks every name round-trips).

export const P_ESTIMATOR: i32 = 0             // 0 = linear KF, 1 = invariant EKF
export const P_USE_IMU_QUAT: i32 = 1          // 1 = use the IMU's own quaternion when the sample carries one
export const P_FOOT_RADIUS: i32 = 2           // [m] foot frame origin above the contact point
export const P_GROUND_HEIGHT: i32 = 3         // [m] world z of the (assumed flat) ground
export const P_JOINT_Q_STD: i32 = 4           // [rad] encoder noise incl. quantization
export const P_JOINT_QD_STD: i32 = 5          // [rad/s] noise of the driver's velocity
export const P_JOINT_JERK_PSD: i32 = 6        // [rad/s³/√Hz] joint jerk process noise
export const P_MAHONY_KP: i32 = 7             // [rad/s] proportional gain on the gravity-direction error
export const P_MAHONY_KI: i32 = 8             // [rad/s²] integral gain (gyro bias)
export const P_MAHONY_ACCEL_GATE: i32 = 9     // [m/s²] use the accelerometer only when ||f| − g| is below this
export const P_KF_ACCEL_PSD: i32 = 10         // [m/s²/√Hz] base acceleration process noise
export const P_KF_POS_PSD: i32 = 11           // [m/s/√Hz] base position process noise
export const P_KF_FOOT_STANCE_PSD: i32 = 12   // [m/s/√Hz] foot position random walk in stance (slip)
export const P_KF_FOOT_SWING_PSD: i32 = 13    // [m/s/√Hz] foot position random walk in swing
export const P_KF_FOOT_POS_STD: i32 = 14      // [m] leg-kinematics foot position noise
export const P_KF_FOOT_VEL_STD: i32 = 15      // [m/s] leg-kinematics base velocity noise (per stance foot)
export const P_KF_FOOT_HEIGHT_STD: i32 = 16   // [m] stance foot height (on the ground) noise
export const P_KF_SWING_INFLATION: i32 = 17   // variance × (1 + this·(1 − p_contact)) for velocity/height
export const P_INIT_POS_STD: i32 = 18         // [m] initial base/foot position uncertainty
export const P_INIT_VEL_STD: i32 = 19         // [m/s] initial base velocity uncertainty
export const P_INEKF_GYRO_PSD: i32 = 20       // [rad/s/√Hz]
export const P_INEKF_ACCEL_PSD: i32 = 21      // [m/s²/√Hz]
export const P_INEKF_GYRO_BIAS_PSD: i32 = 22  // [rad/s²/√Hz] gyro bias random walk
export const P_INEKF_ACCEL_BIAS_PSD: i32 = 23 // [m/s³/√Hz] accelerometer bias random walk
export const P_INEKF_FOOT_PSD: i32 = 24       // [m/s/√Hz] contact point random walk (slip)
export const P_INEKF_FOOT_POS_STD: i32 = 25   // [m] leg-kinematics foot position noise
export const P_INEKF_TILT_STD: i32 = 26       // [rad] IMU-quaternion tilt fused as a measurement; 0 = off
export const P_INEKF_YAW_STD: i32 = 27        // [rad] IMU-quaternion heading fused as a measurement; 0 = off
export const P_INEKF_INIT_ROT_STD: i32 = 28   // [rad]
export const P_INEKF_INIT_GYRO_BIAS_STD: i32 = 29  // [rad/s]
export const P_INEKF_INIT_ACCEL_BIAS_STD: i32 = 30 // [m/s²]
export const P_CONTACT_FORCE_MID: i32 = 31    // [N] normal force at which the force evidence is neutral
export const P_CONTACT_FORCE_SCALE: i32 = 32  // [N] per unit of log-odds
export const P_CONTACT_FORCE_LOGODDS: i32 = 33 // largest |log-odds| from the force
export const P_CONTACT_HEIGHT_MID: i32 = 34   // [m] contact-point height above which the height votes swing
export const P_CONTACT_HEIGHT_SCALE: i32 = 35 // [m] per unit of log-odds
export const P_CONTACT_HEIGHT_LOGODDS: i32 = 36 // largest log-odds against contact from the height
export const P_CONTACT_SCHED_LOGODDS: i32 = 37 // log-odds of the gait schedule inside a phase
export const P_CONTACT_SCHED_EDGE: i32 = 38   // [s] the schedule's weight ramps from 0 over this near phase edges
export const P_CONTACT_P_ON: i32 = 39         // contact declared above this probability
export const P_CONTACT_P_OFF: i32 = 40        // contact released below this probability
export const P_CONTACT_FORCE_DAMPING: i32 = 41 // [m²] damping of the (J Jᵀ) solve for the foot force
export const P_INEKF_CONTACT_INFLATION: i32 = 42 // foot measurement variance × (1 + this·(1 − p_contact))

export const P_KF_BIAS_PSD: i32 = 43         // [m/s³/√Hz] world-frame acceleration bias random walk
export const P_KF_INIT_BIAS_STD: i32 = 44    // [m/s²] initial acceleration bias uncertainty

export const P_CONTACT_FORCE_TAU: i32 = 45   // [s] time constant of the normal-force low-pass

export const PARAM_COUNT: i32 = 46

export const PARAM_NAMES: Array<string> = [
  'estimator', 'use_imu_quat', 'foot_radius', 'ground_height',
  'joint_q_std', 'joint_qd_std', 'joint_jerk_psd',
  'mahony_kp', 'mahony_ki', 'mahony_accel_gate',
  'kf_accel_psd', 'kf_pos_psd', 'kf_foot_stance_psd', 'kf_foot_swing_psd', 'kf_foot_pos_std', 'kf_foot_vel_std',
  'kf_foot_height_std', 'kf_swing_inflation',
  'init_pos_std', 'init_vel_std',
  'inekf_gyro_psd', 'inekf_accel_psd', 'inekf_gyro_bias_psd', 'inekf_accel_bias_psd', 'inekf_foot_psd',
  'inekf_foot_pos_std', 'inekf_tilt_std', 'inekf_yaw_std', 'inekf_init_rot_std', 'inekf_init_gyro_bias_std',
  'inekf_init_accel_bias_std',
  'contact_force_mid', 'contact_force_scale', 'contact_force_logodds', 'contact_height_mid', 'contact_height_scale',
  'contact_height_logodds', 'contact_sched_logodds', 'contact_sched_edge', 'contact_p_on', 'contact_p_off',
  'contact_force_damping', 'inekf_contact_inflation', 'kf_bias_psd', 'kf_init_bias_std',
  'contact_force_tau'
]
