// The interface between the control worker's loop and a controller. The loop owns timing, rings, mode
// switching and safety; a ControlStep only turns this tick's inputs into a joint command. The stand
// controller (the safe mode) and joint-target pass-through implement it now; the WASM locomotion
// controller (MPC + WBC) plugs in behind the same interface later.
//
// Everything a step reads or writes is a preallocated view: a step must not allocate in `step`.
import type { FieldDef } from './record-layout.ts'

/** Robot constants the controller needs, in actuator order. Plain data (crosses to the worker). */
export interface ControlRobot {
  /** Joint names, actuator order (nj). */
  jointNames: string[]
  /** Lower / upper joint limits [rad]; -Infinity / Infinity when unlimited (nj). */
  q_min: number[]
  q_max: number[]
  /** Velocity limit [rad/s]; Infinity when unknown (nj). */
  qd_max: number[]
  /** Torque limit [N·m]; Infinity when unknown (nj). */
  tau_max: number[]
  /** Stand pose [rad] (nj). */
  q_stand: number[]
  /** Stand gains (nj). */
  kp_stand: number[]
  kd_stand: number[]
  /** IMU frame orientation in the base frame, wxyz (4). */
  quat_base_imu: number[]
  /** Foot names, in the order of the sensor frame's contact flags (nfeet). */
  footNames: string[]
}

/** A runtime-tunable parameter of a control step. */
export interface ParamDef {
  name: string
  unit: string
  min: number
  max: number
  doc: string
}

/** The base state estimate the loop maintains (views, updated every tick before `step`). */
export interface BaseEstimate {
  /** Base position, world [m] (3); NaN when unknown. */
  p_base_world: Float64Array
  /** Base orientation, world ← base, wxyz (4). */
  quat_base_world: Float64Array
  /** Base linear velocity, base frame [m/s] (3); NaN when unknown. */
  v_base_body: Float64Array
  /** Base angular velocity, base frame [rad/s] (3). */
  omega_base_body: Float64Array
}

/** Targets after interpolation and slew limits (views, updated every tick before `step`). */
export interface ActiveTargets {
  /** vx vy wz height roll pitch gait step_hz (TWIST_FIELDS). */
  twist: Float64Array
  /** 1 while a policy's twist targets are live (not timed out). */
  twistActive: boolean
  /** Joint targets (nj each). */
  q: Float64Array
  qd: Float64Array
  kp: Float64Array
  kd: Float64Array
  tau: Float64Array
  jointActive: boolean
  /** End-effector targets: count, then count × [frame, p_world (3), quat wxyz (4)]. */
  eeCount: number
  ee: Float64Array
}

/** One tick's inputs. */
export interface ControlInput {
  /** Controller time [s]. */
  t: number
  /** Control period [s]. */
  dt: number
  /** Measured joint positions [rad], velocities [rad/s], torques [N·m] (nj each). */
  q: Float64Array
  qd: Float64Array
  tau: Float64Array
  /** IMU readings: attitude wxyz (4), gyro [rad/s] (3), specific force [m/s²] (3), IMU frame. */
  imu_quat: Float64Array
  imu_gyro: Float64Array
  imu_accel: Float64Array
  /** Foot contact switches (nfeet): 1, 0, or -1 without sensor. */
  contact: Float64Array
  estimate: BaseEstimate
  targets: ActiveTargets
}

/** The command a step writes (views into the command record). All five arrays must be written. */
export interface CommandOutput {
  tau_ff: Float64Array
  q_des: Float64Array
  qd_des: Float64Array
  kp: Float64Array
  kd: Float64Array
}

export interface ControlStep {
  readonly name: string
  /** Names of the stages the step times itself (written to `stageUs` in this order). */
  readonly stages: readonly string[]
  /** Values the step reports each tick for recording (written to `out` in this order). */
  readonly outputs: readonly FieldDef[]
  /** Parameters the step accepts at run time (`setParam` index order). */
  readonly params: readonly ParamDef[]
  /** Called when the step becomes the active one, with the tick's inputs (capture what to ramp from). */
  enter: (input: ControlInput) => void
  /**
   * One tick. Writes `cmd` (all arrays), `stageUs[0..stages.length)` [µs] and `out[0..outputs.length)`.
   * Must not allocate. May throw; the loop then sends the safe command and reports a controlFault.
   */
  step: (input: ControlInput, cmd: CommandOutput, stageUs: Float64Array, out: Float64Array) => void
  /**
   * Sets parameter `index` to `values[at]` (already range-checked by the loop). The value comes in an
   * array because a number passed through an interface call would be boxed (allocated).
   */
  setParam: (index: number, values: Float64Array, at: number) => void
}
