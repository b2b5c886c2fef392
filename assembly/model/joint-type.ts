// Joint types of the core Model (MuJoCo semantics; the host's model-builder.ts mirrors these values).
// Fixed: welded link, no coordinate. Free: qpos = [p_world (3), quat wxyz (4)], qvel = [v_world (3)
// of the link origin, ω_body (3)]. Hinge/Slide: one coordinate about/along an axis in the link frame.
export const JOINT_FIXED: i32 = 0
export const JOINT_FREE: i32 = 1
export const JOINT_HINGE: i32 = 2
export const JOINT_SLIDE: i32 = 3
