// The records exchanged between the plant / drivers, the policy port and the control worker, sized for a
// robot with nj actuated joints (actuator order) and nfeet feet. Codes for modes, faults and command
// flags live here too, because every side (worker, recorder, policy port, tests) reads them.
import { RecordLayout, field } from './record-layout.ts'

// --- codes

/** Controller modes (telemetry `mode`, state stream `mode`). */
export const Mode = {
  /** Joint PD to the stand pose, ramped from the pose held when the mode was entered. Also the safe mode. */
  stand: 0,
  /** Joint targets from a policy, through the safety limits. */
  joint: 1,
  /** Twist / body targets tracked by the locomotion controller (MPC + WBC, a later issue). */
  locomotion: 2,
  /** Drivers' damping state, τ = −kd·qd: sensors lost, robot fell, or the controller faulted. */
  damping: 3
} as const
export type ModeName = keyof typeof Mode
export const MODE_NAMES: readonly ModeName[] = ['stand', 'joint', 'locomotion', 'damping']

/** Fault bits (telemetry `faults`, state stream `faults`); set while the condition holds. */
export const Fault = {
  /** No fresh sensor frame for longer than control.sensor_timeout_ms. */
  sensorTimeout: 1 << 0,
  /** A sensor frame held NaN/Inf or was flagged invalid. */
  sensorInvalid: 1 << 1,
  /** The policy went silent for longer than policy.timeout_ms: ramping to stand. */
  policyTimeout: 1 << 2,
  /** The control step threw or wrote a non-finite command: the safe command replaced it. */
  controlFault: 1 << 3,
  /** Base tilt beyond safety.tilt_max_deg. */
  fell: 1 << 4,
  /** Twist targets arrived but no locomotion controller is loaded: the robot keeps standing. */
  noLocomotion: 1 << 5,
  /** The telemetry ring was full: records were dropped (recording has gaps). */
  telemetryDropped: 1 << 6
} as const
export type FaultName = keyof typeof Fault
export const FAULT_NAMES = Object.keys(Fault) as FaultName[]

/** Names of the bits set in a fault mask. */
export function faultNames (mask: number): FaultName[] {
  return FAULT_NAMES.filter((n) => (mask & Fault[n]) !== 0)
}

/** Command flags (command `flags`): what the consumer must know about this command. */
export const CommandFlag = {
  /** Published after the tick's deadline (wake-up or compute overran). Still fresh: computed from the newest sensors. */
  late: 1 << 0,
  /** Computed from a sensor frame already used by an earlier tick (no new frame arrived). */
  staleSensor: 1 << 1,
  /** The safe command (stand or damping), substituted for a faulty or missing one. */
  safe: 1 << 2,
  /** At least one value was clamped by the safety limits. */
  clamped: 1 << 3
} as const

/** Drive modes of a command, as the motor drivers know them (see host/sim/actuator-model.ts). */
export const DriveMode = { pd: 0, damping: 1, disable: 2 } as const
export const DRIVE_MODE_NAMES = ['pd', 'damping', 'disable'] as const

/** Target kinds (the policy port's `kind` byte and the target record's `kind`). */
export const TargetKind = { twist: 1, joint: 2, ee: 3, chunk: 4 } as const
export type TargetKindName = keyof typeof TargetKind

/** Gaits a twist target may ask for. */
export const GAIT_NAMES = ['stand', 'trot', 'walk', 'pace', 'bound', 'pronk'] as const
export type GaitName = typeof GAIT_NAMES[number]

/** Twist payload fields, in order (target record payload and the active twist). */
export const TWIST_FIELDS = ['vx', 'vy', 'wz', 'height', 'roll', 'pitch', 'gait', 'step_hz'] as const
export const TWIST_UNITS = ['m/s', 'm/s', 'rad/s', 'm', 'rad', 'rad', '', 'Hz'] as const
export const TWIST_LEN = TWIST_FIELDS.length

/** Joint-target arrays, in order; each nj long. */
export const JOINT_TARGET_FIELDS = ['q', 'qd', 'kp', 'kd', 'tau'] as const

/** End-effector targets a record can hold at most, each [frame index, p_world (3), quat wxyz (4)]. */
export const MAX_EE = 4
export const EE_STRIDE = 8

/** Sources of targets (target record `source`). */
export const TargetSource = { udp: 0, ws: 1, onnx: 2, local: 3 } as const

/** Sizes every record depends on. */
export interface FrameDims {
  /** Actuated joints. */
  nj: number
  /** Feet (contact flags). */
  nfeet: number
  /** Values the control step exposes for recording (MPC/WBC outputs); see ControlStep.outputs. */
  nout: number
  /** Named stages timed per tick: the runtime's own plus the control step's. */
  nstages: number
}

/** Sensor frame, plant or drivers → worker. */
export function sensorLayout (d: FrameDims) {
  return new RecordLayout('sensor', [
    field('seq', 1, '', 'frame number, increasing'),
    field('t', 1, 's', 'time the sensors were sampled (sim time, or controller clock on hardware)'),
    field('valid', 1, '', '1 when every reading is usable; 0 marks a frame the drivers know to be bad'),
    field('q', d.nj, 'rad', 'joint positions, actuator order'),
    field('qd', d.nj, 'rad/s', 'joint velocities'),
    field('tau', d.nj, 'N·m', 'joint torque estimates (from motor current)'),
    field('imu_quat', 4, '', 'IMU attitude, world ← IMU, wxyz (the AHRS output)'),
    field('imu_gyro', 3, 'rad/s', 'IMU angular velocity, IMU frame'),
    field('imu_accel', 3, 'm/s²', 'IMU specific force, IMU frame'),
    field('contact', d.nfeet, '', 'foot contact switches: 1 touching, 0 not, -1 no sensor'),
    field('gt_valid', 1, '', '1 when the ground-truth block below is filled (simulation only)'),
    field('gt_p_base_world', 3, 'm', 'true base position, world frame'),
    field('gt_quat_base_world', 4, '', 'true base orientation, world ← base, wxyz'),
    field('gt_v_base_world', 3, 'm/s', 'true base linear velocity, world frame'),
    field('gt_omega_base_body', 3, 'rad/s', 'true base angular velocity, base frame')
  ])
}

/** Joint command, worker → plant or drivers (MIT mode: τ = τ_ff + kp(q_des − q) + kd(qd_des − qd)). */
export function commandLayout (d: FrameDims) {
  return new RecordLayout('command', [
    field('seq', 1, '', 'command number = the tick that produced it'),
    field('t', 1, 's', 'controller time of the tick'),
    field('sensor_seq', 1, '', 'seq of the sensor frame it was computed from'),
    field('drive_mode', 1, '', '0 pd, 1 damping, 2 disable (DriveMode)'),
    field('flags', 1, '', 'CommandFlag bits: late, staleSensor, safe, clamped'),
    field('mode', 1, '', 'controller Mode that produced it'),
    field('tau_ff', d.nj, 'N·m', 'feed-forward torque'),
    field('q_des', d.nj, 'rad', 'desired position'),
    field('qd_des', d.nj, 'rad/s', 'desired velocity'),
    field('kp', d.nj, 'N·m/rad', 'position gain'),
    field('kd', d.nj, 'N·m·s/rad', 'velocity gain')
  ])
}

/** Payload length of a target record: the largest of twist, joint and end-effector targets. */
export function targetPayloadLength (nj: number): number {
  return Math.max(TWIST_LEN, JOINT_TARGET_FIELDS.length * nj, MAX_EE * EE_STRIDE)
}

/** One validated target point, main thread → worker. Chunks arrive as one record per point. */
export function targetLayout (d: FrameDims) {
  return new RecordLayout('target', [
    field('kind', 1, '', 'TargetKind of the payload: twist, joint or ee (never chunk)'),
    field('source', 1, '', 'TargetSource: udp, ws, onnx, local'),
    field('seq', 1, '', 'sender sequence number'),
    field('t_stamp', 1, 's', 'controller time the sender stamped (of the observation it acted on)'),
    field('t_exec', 1, 's', 'controller time the point applies at'),
    field('t_recv', 1, 's', 'controller time the port accepted it'),
    field('chunk_index', 1, '', 'index of the point in its chunk; 0 for a single target'),
    field('chunk_len', 1, '', 'points in its chunk; 1 for a single target'),
    field('count', 1, '', 'end-effector targets in the payload (ee only)'),
    field('payload', targetPayloadLength(d.nj), '', 'twist: vx vy wz height roll pitch gait step_hz; joint: q, qd, kp, kd, tau (nj each); ee: count × [frame, p(3), quat(4)]')
  ])
}

/** A runtime parameter update, main thread → worker: set parameter `index` (worker's table) to `value`. */
export function paramLayout () {
  return new RecordLayout('param', [
    field('index', 1, '', 'index in the worker parameter table (names sent once at start-up)'),
    field('value', 1, '', 'new value, in the parameter unit')
  ])
}

/** Runtime stage names timed on every tick, in telemetry `stage_us` order (then the control step's). */
export const RUNTIME_STAGES = ['sense', 'targets', 'control', 'safety', 'publish'] as const

/** Everything one tick did, worker → main thread (recording, state stream, statistics). */
export function telemetryLayout (d: FrameDims) {
  const s = sensorLayout(d)
  const c = commandLayout(d)
  return new RecordLayout('telemetry', [
    field('tick', 1, '', 'tick number'),
    field('t', 1, 's', 'controller time of the tick'),
    field('lateness_us', 1, 'µs', 'wake-up time minus release time (0 in lockstep)'),
    field('compute_us', 1, 'µs', 'wake-up to command published'),
    field('stage_us', d.nstages, 'µs', 'time per stage: sense, targets, control, safety, publish, then the control step\'s own'),
    field('mode', 1, '', 'controller Mode'),
    field('faults', 1, '', 'Fault bits'),
    field('missed', 1, '', 'deadlines missed so far'),
    field('stale_sensor_ticks', 1, '', 'ticks so far that found no new sensor frame'),
    field('targets_taken', 1, '', 'target records taken from the ring so far (applied or refused), for replay'),
    field('params_taken', 1, '', 'parameter updates taken from the ring so far, for replay'),
    field('last_target_seq', 1, '', 'sender seq of the newest applied target'),
    field('sensor', s.size, '', 'the sensor frame this tick used (sensor layout)'),
    field('est_p_base_world', 3, 'm', 'base position estimate, world frame (NaN when unknown)'),
    field('est_quat_base_world', 4, '', 'base orientation estimate, wxyz'),
    field('est_v_base_body', 3, 'm/s', 'base linear velocity estimate, base frame (NaN when unknown)'),
    field('est_omega_base_body', 3, 'rad/s', 'base angular velocity estimate, base frame'),
    field('est_source', 1, '', '0 IMU only (position, velocity unknown), 1 simulator ground truth'),
    field('twist', TWIST_LEN, '', 'active twist target after interpolation and slew limits (TWIST_FIELDS)'),
    field('joint_active', 1, '', '1 when joint targets are active'),
    field('joint_target', JOINT_TARGET_FIELDS.length * d.nj, '', 'active joint targets q, qd, kp, kd, tau'),
    field('ee_count', 1, '', 'active end-effector targets'),
    field('ee_target', MAX_EE * EE_STRIDE, '', 'active end-effector targets [frame, p(3), quat(4)]'),
    field('controller_out', d.nout, '', 'the control step\'s outputs (ControlStep.outputs)'),
    field('command', c.size, '', 'the command published (command layout)')
  ])
}

export type SensorLayout = ReturnType<typeof sensorLayout>
export type CommandLayout = ReturnType<typeof commandLayout>
export type TargetLayout = ReturnType<typeof targetLayout>
export type ParamLayout = ReturnType<typeof paramLayout>
export type TelemetryLayout = ReturnType<typeof telemetryLayout>

/** All five layouts for one robot. */
export interface Layouts {
  dims: FrameDims
  sensor: SensorLayout
  command: CommandLayout
  target: TargetLayout
  param: ParamLayout
  telemetry: TelemetryLayout
}

export function makeLayouts (d: FrameDims): Layouts {
  return { dims: d, sensor: sensorLayout(d), command: commandLayout(d), target: targetLayout(d), param: paramLayout(), telemetry: telemetryLayout(d) }
}
