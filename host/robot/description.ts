// One host-side description of a robot, whatever file it came from (URDF or MJCF).
//
// It is a kinematic tree of rigid bodies in depth-first order (a parent always comes before its
// children), with the joints that move each body relative to its parent, the inertia of each body,
// and named frames. The WASM core's immutable Model is built from this and nothing else.
//
// Conventions (the same as MuJoCo's, so that numbers can be checked against it directly):
// - SI units. Quaternions are [w, x, y, z]. Vectors are [x, y, z].
// - A body's placement is given in its parent's frame at the reference configuration qpos0 (parent -1
//   means the world); a hinge or slide moves the body by q − qpos0 (MuJoCo's rule; qpos0 is 0 for URDF).
// - A joint's `pos` and `axis` are in the frame of the body it moves (as MJCF's jnt_pos/jnt_axis).
//   With several joints on one body they are applied in order, each about the frame as moved by
//   the joints before it (MuJoCo's rule).
// - Generalized coordinates follow joint order: a free joint takes qpos = [p_world (3), quat wxyz (4)]
//   and qvel = [v_world (3) of the body origin, omega_body (3)]; hinge and slide joints take one each.
// - Inertia: mass, centre of mass in the body frame, and the full 3×3 inertia tensor about the centre
//   of mass, expressed in the body frame's axes (row-major, symmetric).

export type Vec3 = [number, number, number]
export type Quat = [number, number, number, number]
/** 3×3 row-major. */
export type Mat3 = [number, number, number, number, number, number, number, number, number]

export type JointType = 'free' | 'hinge' | 'slide'

export interface JointDesc {
  name: string
  type: JointType
  /** Point on the axis, in the moved body's frame [m]. Zero for free joints. */
  pos: Vec3
  /** Unit axis in the moved body's frame. Unused for free joints. */
  axis: Vec3
  /** Position limits [rad or m]; null when unlimited (continuous joints, free joints). */
  range: [number, number] | null
  /** Effort limit [N·m or N]; Infinity when the file gives none. */
  effortLimit: number
  /** Velocity limit [rad/s or m/s]; Infinity when the file gives none. */
  velocityLimit: number
  /** Reflected rotor inertia added to the mass matrix diagonal [kg·m² or kg], one per DoF. */
  armature: number
  /** Viscous damping [N·m·s/rad], for the plant only (not part of bias forces). */
  damping: number
  /** Dry friction [N·m], for the plant only. */
  frictionLoss: number
  /** Value of the coordinate(s) at the reference configuration (qpos0). */
  qpos0: number[]
}

export interface BodyDesc {
  name: string
  /** Index of the parent body in `bodies`, or -1 for the world. */
  parent: number
  /** Placement of the body frame in the parent frame at q = 0. */
  pos: Vec3
  quat: Quat
  /** Joints moving this body relative to its parent; empty means welded to the parent. */
  joints: JointDesc[]
  mass: number
  /** Centre of mass in the body frame [m]. */
  com: Vec3
  /** Inertia tensor about the CoM in body-frame axes [kg·m²], row-major 3×3. */
  inertia: Mat3
}

export type FrameKind = 'site' | 'body' | 'link'

export interface FrameDesc {
  name: string
  kind: FrameKind
  /** Index of the body it is rigidly attached to. */
  body: number
  /** Placement in that body's frame. */
  pos: Vec3
  quat: Quat
}

export interface ActuatorDesc {
  name: string
  /** Name of the joint it drives. */
  joint: string
  /** Symmetric torque/force limit [N·m or N]; Infinity when none is given. */
  effortLimit: number
  /** Gear ratio of the actuator as written in the file (1 for URDF). */
  gear: number
}

export interface RobotDescription {
  name: string
  /** Absolute path of the file it was loaded from. */
  sourceFile: string
  format: 'urdf' | 'mjcf'
  gravity: Vec3
  bodies: BodyDesc[]
  frames: FrameDesc[]
  actuators: ActuatorDesc[]
  nq: number
  nv: number
  /** True when the first joint of the first body is a free joint. */
  floatingBase: boolean
  /** Named configurations (MJCF keyframes), each of length nq. */
  keyframes: Record<string, number[]>
}

/** Error raised for a robot file that cannot be loaded; the message names file, place and reason. */
export class RobotFileError extends Error {
  readonly file: string
  readonly line: number | null
  readonly element: string | null
  constructor (file: string, line: number | null, element: string | null, reason: string) {
    const where = [file, line !== null ? `line ${line}` : null, element !== null ? `<${element}>` : null]
      .filter((s) => s !== null).join(': ')
    super(`${where}: ${reason}`)
    this.name = 'RobotFileError'
    this.file = file
    this.line = line
    this.element = element
  }
}

export function dofsOfJoint (type: JointType): { nq: number, nv: number } {
  switch (type) {
    case 'free': return { nq: 7, nv: 6 }
    case 'hinge': return { nq: 1, nv: 1 }
    case 'slide': return { nq: 1, nv: 1 }
  }
}
