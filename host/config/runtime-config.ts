// The controller configuration: control loop, stand controller, safety limits, policy port, recording.
// One YAML file (`--config FILE`); every key is optional and takes the default below. Each key is one
// line of schema with its range, unit and meaning; `describeSchema(runtimeConfigSchema)` prints the
// table in host/config/README.md. Later issues add their sections (`plant:`, `estimator:`, `mpc:`, …)
// as one more line in the root `obj({...})`.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { bool, int, list, map, num, numOrList, obj, oneOf, optional, str, validateYaml, type Infer, type Validated } from './schema.ts'
import { estimatorSchema } from '../estimation/estimator-config.ts'
import { locomotionSchema } from '../locomotion/config.ts'

const controlSchema = obj({
  rate_hz: num('control loop rate', { default: 500, min: 50, max: 2000, unit: 'Hz' }),
  mode: oneOf(['realtime', 'lockstep'] as const, 'realtime: deadline loop on the wall clock; lockstep: one tick per plant step, as fast as possible and deterministic', 'realtime'),
  spin_us: num('sleep (Atomics.wait) until this long before each deadline, then spin on the clock', { default: 200, min: 0, max: 5000, unit: 'µs' }),
  deadline_us: num('a tick misses its deadline when its command is published later than this after its release; 0 means one period', { default: 0, min: 0, max: 100000, unit: 'µs' }),
  wake_allowance_us: num('wake-up lateness budgeted inside the deadline; a miss with compute above (deadline − this) is blamed on compute, otherwise on wake-up', { default: 300, min: 0, max: 100000, unit: 'µs' }),
  sensor_timeout_ms: num('no fresh sensor frame for this long: damping mode (fault sensorTimeout)', { default: 20, min: 1, max: 1000, unit: 'ms' }),
  command_timeout_ms: num('plant/driver side: no fresh command for this long: the drivers go to damping', { default: 20, min: 1, max: 1000, unit: 'ms' }),
  rt_priority: int('ask for SCHED_FIFO at this priority for the control thread (chrt; needs CAP_SYS_NICE); 0: leave the scheduling alone', { default: 0, min: 0, max: 99 }),
  cpu: int('pin the control thread to this CPU (taskset; isolate it with isolcpus=); -1: no pinning', { default: -1, min: -1, max: 1023 }),
  telemetry_capacity: int('telemetry ring slots (power of two; 1024 = 2 s at 500 Hz); the main thread drains it, a full ring drops records and says so', { default: 1024, min: 64, max: 65536 })
}, 'control worker loop')

const standSchema = obj({
  pose: optional(map(num('joint angle', { unit: 'rad', min: -10, max: 10 }), 'stand pose by joint name; absent joints (or an absent map) take the robot\'s "home" keyframe, else zero')),
  kp: numOrList('stand position gain, one value or one per joint (actuator order); the default holds the 9 kg quad12 with ~0.05 rad knee sag', { default: 60, min: 0, max: 2000, unit: 'N·m/rad' }),
  kd: numOrList('stand velocity gain, one value or one per joint', { default: 1.5, min: 0, max: 100, unit: 'N·m·s/rad' }),
  ramp_s: num('time to blend from the pose held on entry to the stand pose (quintic)', { default: 1.5, min: 0.05, max: 20, unit: 's' })
}, 'joint-space stand controller (the safe mode)')

const safetySchema = obj({
  kp_max: num('largest position gain any command may carry', { default: 200, min: 0, max: 5000, unit: 'N·m/rad' }),
  kd_max: num('largest velocity gain any command may carry', { default: 10, min: 0, max: 500, unit: 'N·m·s/rad' }),
  joint_range_margin: num('q_des is kept this far inside the joint limits', { default: 0.02, min: 0, max: 0.5, unit: 'rad' }),
  joint_speed_max: num('q_des may move at most this fast between ticks (slew limit)', { default: 12, min: 0.1, max: 200, unit: 'rad/s' }),
  damping_kd: num('velocity gain of the damping mode', { default: 2, min: 0, max: 100, unit: 'N·m·s/rad' }),
  tilt_max_deg: num('base tilt (angle between base z and world z) that counts as a fall: damping mode', { default: 60, min: 10, max: 180, unit: '°' }),
  fall_height_m: num('the plant reports a fall when the true base height drops below this (simulation)', { default: 0.12, min: 0, max: 2, unit: 'm' })
}, 'limits applied to every command, whatever produced it')

const rangeSchema = (doc: string, unit: string, lo: number, hi: number, abs: number) =>
  list(num(doc, { unit, min: -abs, max: abs }), `${doc} [min, max]`, { default: [lo, hi], minItems: 2, maxItems: 2 })

const onnxSchema = obj({
  model: str('path of the .onnx file, relative to the config file'),
  rate_hz: num('policy rate', { default: 50, min: 1, max: 500, unit: 'Hz' }),
  input: str('input tensor name; empty: the model\'s first input', ''),
  output: str('output tensor name; empty: the model\'s first output', ''),
  observations: list(obj({
    name: oneOf(['base_ang_vel', 'projected_gravity', 'commands', 'joint_pos', 'joint_vel', 'last_action', 'base_lin_vel'] as const, 'observation term'),
    scale: numOrList('scale applied to the term (one value or one per element)', { default: 1 })
  }), 'observation terms, concatenated in this order', { minItems: 1 }),
  actions: obj({
    scale: numOrList('q_target = default_pose + scale · action', { default: 0.25 }),
    clip: num('actions are clipped to ±clip before scaling', { default: 100, min: 0, exclusive: true }),
    kp: numOrList('position gain sent with the targets', { default: 20, min: 0, unit: 'N·m/rad' }),
    kd: numOrList('velocity gain sent with the targets', { default: 0.5, min: 0, unit: 'N·m·s/rad' })
  }, 'how the output maps to joint targets'),
  default_pose: optional(map(num('joint angle', { unit: 'rad' }), 'default pose the actions are relative to (by joint name); absent: the stand pose')),
  joint_order: optional(list(str('joint name'), 'joint order of the policy\'s observations and actions; absent: actuator order'))
}, 'in-process ONNX policy (RL locomotion)')

const policySchema = obj({
  bind: str('address the policy port binds; anything but loopback also needs allow_remote and a token', '127.0.0.1'),
  allow_remote: bool('permit binding a non-loopback address', false),
  token: str('shared secret: UDP packets carry an HMAC-SHA256 of it, WebSocket clients present it; required when allow_remote', ''),
  udp_port: int('UDP port (0: pick a free port, -1: off)', { default: 7770, min: -1, max: 65535 }),
  ws_port: int('WebSocket port (0: pick a free port, -1: off)', { default: 7771, min: -1, max: 65535 }),
  timeout_ms: num('policy silence longer than this ramps the robot to stand', { default: 200, min: 10, max: 60000, unit: 'ms' }),
  max_age_ms: num('targets stamped further in the past than this are stale', { default: 500, min: 1, max: 60000, unit: 'ms' }),
  future_tolerance_ms: num('targets stamped further in the future than this are rejected (clock error)', { default: 50, min: 0, max: 10000, unit: 'ms' }),
  max_rate_hz: num('per-sender message rate above which messages are rejected as a flood (token bucket)', { default: 1000, min: 1, max: 100000, unit: 'Hz' }),
  burst: int('token bucket depth for max_rate_hz', { default: 50, min: 1, max: 10000 }),
  max_chunk_points: int('largest action chunk accepted', { default: 64, min: 1, max: 1024 }),
  state_rate_hz: num('rate of the state stream sent back to each client', { default: 50, min: 1, max: 500, unit: 'Hz' }),
  subscriber_timeout_s: num('a UDP client that has sent nothing for this long stops receiving state', { default: 5, min: 0.1, max: 3600, unit: 's' }),
  limits: obj({
    vx: rangeSchema('forward velocity command', 'm/s', -1.5, 1.5, 20),
    vy: rangeSchema('lateral velocity command', 'm/s', -0.8, 0.8, 20),
    wz: rangeSchema('yaw rate command', 'rad/s', -2, 2, 50),
    height: rangeSchema('body height command', 'm', 0.15, 0.40, 5),
    roll: rangeSchema('body roll command', 'rad', -0.4, 0.4, 1.5),
    pitch: rangeSchema('body pitch command', 'rad', -0.4, 0.4, 1.5),
    step_hz: rangeSchema('stepping frequency', 'Hz', 0.5, 5, 20),
    joint_qd: num('largest |qd| in joint targets', { default: 30, min: 0, unit: 'rad/s' }),
    ee_radius: num('end-effector targets must lie within this distance of the base', { default: 1.5, min: 0, unit: 'm' })
  }, 'ranges of accepted targets (outside: rejected, not clamped)'),
  defaults: obj({
    height: num('body height when a twist omits it', { default: 0.28, min: 0, max: 5, unit: 'm' }),
    gait: oneOf(['stand', 'trot', 'walk', 'pace', 'bound', 'pronk'] as const, 'gait when a twist omits it', 'trot'),
    step_hz: num('stepping frequency when a twist omits it', { default: 2.5, min: 0.1, max: 20, unit: 'Hz' }),
    joint_kp: num('position gain when joint targets omit kp', { default: 20, min: 0, unit: 'N·m/rad' }),
    joint_kd: num('velocity gain when joint targets omit kd', { default: 0.5, min: 0, unit: 'N·m·s/rad' })
  }, 'values for fields a target leaves out'),
  slew: obj({
    lin_accel: num('twist vx, vy change at most this fast', { default: 2, min: 0.01, unit: 'm/s²' }),
    yaw_accel: num('twist wz changes at most this fast', { default: 4, min: 0.01, unit: 'rad/s²' }),
    height_rate: num('body height target changes at most this fast', { default: 0.2, min: 0.001, unit: 'm/s' }),
    angle_rate: num('body roll/pitch targets change at most this fast', { default: 1, min: 0.01, unit: 'rad/s' })
  }, 'rate limits between the policy and the controller (joint targets: safety.joint_speed_max)'),
  onnx: optional(onnxSchema)
}, 'the policy port: targets in, state out')

const recordSchema = obj({
  chunk_bytes: int('MCAP chunk size', { default: 4 << 20, min: 4096, max: 1 << 30, unit: 'B' }),
  flush_ms: num('the recorder drains telemetry and writes at this period', { default: 100, min: 5, max: 5000, unit: 'ms' })
}, 'MCAP recording (--record FILE)')

/** Schema of the whole configuration file. */
export const runtimeConfigSchema = obj({
  control: controlSchema,
  stand: standSchema,
  safety: safetySchema,
  policy: policySchema,
  record: recordSchema,
  estimator: estimatorSchema,
  locomotion: locomotionSchema
})

export type RuntimeConfig = Infer<typeof runtimeConfigSchema>
export type OnnxPolicyConfig = NonNullable<RuntimeConfig['policy']['onnx']>

/** Validates configuration text; `file` names it in errors. Throws ConfigError. */
export function parseRuntimeConfig (text: string, file: string): Validated<RuntimeConfig> {
  const v = validateYaml(runtimeConfigSchema, text, file)
  const c = v.value
  const p = c.policy
  const loopback = p.bind === '127.0.0.1' || p.bind === '::1' || p.bind === 'localhost'
  if (!loopback && !p.allow_remote) throw v.error('policy.bind', `'${p.bind}' is not a loopback address: set policy.allow_remote: true (and a token) to accept remote policies`)
  if (!loopback && p.token === '') throw v.error('policy.token', `a remote bind ('${p.bind}') needs a shared token`)
  const cap = c.control.telemetry_capacity
  if ((cap & (cap - 1)) !== 0) throw v.error('control.telemetry_capacity', `must be a power of two, got ${cap}`)
  for (const k of ['vx', 'vy', 'wz', 'height', 'roll', 'pitch', 'step_hz'] as const) {
    const [lo, hi] = p.limits[k]
    if (!(lo <= hi)) throw v.error(`policy.limits.${k}`, `min ${lo} is above max ${hi}`)
  }
  return v
}

/** Reads and validates a configuration file; no file gives the defaults. */
export function loadRuntimeConfig (file?: string): Validated<RuntimeConfig> {
  if (file === undefined) return parseRuntimeConfig('', '(defaults)')
  const path = resolve(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`${path}: cannot read the configuration (${(err as Error).message})`)
  }
  return parseRuntimeConfig(text, path)
}

/** Expands a gain given as one number or a list to one value per joint; throws naming the key on a wrong length. */
export function perJoint (v: Validated<RuntimeConfig>, key: string, value: number | number[], nj: number): Float64Array {
  if (typeof value === 'number') return new Float64Array(nj).fill(value)
  if (value.length !== nj) throw v.error(key, `has ${value.length} values; the robot has ${nj} actuated joints`)
  return Float64Array.from(value)
}
