// Joint ↔ motor mapping (robots/<robot>/motors.yaml): which drive turns which joint — bus, CAN ids,
// protocol and model (field ranges), or, on an EtherCAT bus, the slave position, the CiA 402 mode of
// operation and the drive model (cia402-models.yaml) — gear ratio between the drive's reported shaft and the joint,
// direction, zero offset, joint limits — plus the bridge settings and the drivers' safety thresholds.
//
//   θ_motor  = direction · gear_ratio · q_joint + zero_offset          [rad, the drive's reported angle]
//   θ̇_motor = direction · gear_ratio · q̇_joint
//   τ_joint  = direction · gear_ratio · τ_motor
// so a joint PD (kp, kd) is the motor PD (kp / gear_ratio², kd / gear_ratio²) on the motor side.
//
// Validation names file, line and key for every problem (host/config/schema.ts); checks across entries
// (duplicate ids, unknown buses or models, a joint range the drive cannot represent) do too.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { resolve } from 'node:path'
import { bool, int, list, map, num, obj, oneOf, str, validateYaml, type Infer, type Validated } from '../config/schema.ts'
import { BusType, SafeAction } from '../protocol/bridge/index.ts'
import { MitProtocol, mitReplyKey } from '../protocol/mit/index.ts'
import { cia402ModelSchema, cia402ModelTable, resolveCia402Model, type Cia402DriveModel } from './cia402-models.ts'
import { mitModelTable, modelSchema, resolveModel, type MitDriveModel } from './motor-models.ts'

const busSchema = obj({
  id: int('bridge bus id (as the bridge lists it in INFO)', { min: 0, max: 255 }),
  type: oneOf(['can', 'canfd', 'ethercat'] as const, 'bus type (ethercat: the bridge is the EtherCAT master, PROTOCOL.md §5)', 'can'),
  bitrate: int('nominal bit rate (CAN; EtherCAT runs at 100 Mbit/s)', { unit: 'bit/s', default: 1000000, min: 125000, max: 1000000 }),
  dc: bool('EtherCAT: distributed clocks, SYNC0 every tick', true),
  timed: bool('EtherCAT: the bridge sends the cyclic frame from its own timer at a fixed phase (drives synchronised to SYNC0 see one frame per period whatever the host link\'s jitter) instead of one per COMMAND; adds up to one period of latency', false),
  data_bitrate: int('CAN FD data-phase bit rate with bit-rate switch; 0 = none', { unit: 'bit/s', default: 0, min: 0, max: 8000000 })
})

const jointSchema = obj({
  joint: str('joint name in the robot description'),
  bus: int('bus id (bridge.buses)', { min: 0, max: 255 }),
  can_id: int('CAN identifier of the drive\'s command frames (CAN buses)', { default: -1, min: -1, max: 0x1fffffff }),
  position: int('EtherCAT: the slave\'s position on the segment, 0-based (the k-th joint of the bus is position k)', { default: -1, min: -1, max: 15 }),
  mode: oneOf(['cst', 'csp', 'csv'] as const, 'EtherCAT: CiA 402 mode of operation (cst: the host closes the joint PD at the tick rate; csp / csv: the drive\'s own loops)', 'cst'),
  reply_id: int('CAN identifier of its replies (reference firmware: 0; Damiao: its master id); -1 = any', { default: 0, min: -1, max: 0x1fffffff }),
  extended: bool('29-bit identifiers', false),
  model: str('drive model (host/drivers/mit-models.yaml, cia402-models.yaml on EtherCAT, or this file\'s models)'),
  gear_ratio: num('joint-side reduction after the drive\'s reported shaft: θ_motor = direction · gear_ratio · q + zero_offset', { default: 1, min: 0, exclusive: true, max: 1000 }),
  direction: int('+1 or -1: sign between the joint axis and the drive\'s positive direction', { default: 1, min: -1, max: 1 }),
  zero_offset: num('drive angle at joint angle 0 (cerebellum calibrate writes it)', { unit: 'rad', default: 0, min: -1000, max: 1000 }),
  limits: list(num('joint angle', { unit: 'rad', min: -100, max: 100 }), 'joint range [min, max]', { minItems: 2, maxItems: 2 })
})

export const motorMapSchema = obj({
  robot: str('robot this map belongs to', ''),
  bridge: obj({
    tick_period_us: int('control period', { unit: 'µs', default: 2000, min: 500, max: 100000 }),
    watchdog_us: int('bridge watchdog: no command for this long → the bridge damps the drives itself', { unit: 'µs', default: 10000, min: 1000, max: 1000000 }),
    reply_timeout_us: int('send STATE once all replies are in or after this; 0 = automatic', { unit: 'µs', default: 0, min: 0, max: 100000 }),
    safe_kd: num('damping gain of the safe command (motor side)', { unit: 'N·m·s/rad', default: 1, min: 0, max: 100 }),
    safe_action: oneOf(['damping', 'disable'] as const, 'what the bridge sends when its watchdog trips', 'damping'),
    baud: int('UART rate to the bridge (ignored on a pty)', { unit: 'baud', default: 4000000, min: 9600, max: 12000000 }),
    buses: list(busSchema, 'the bridge\'s buses used', { minItems: 1, maxItems: 4 })
  }, 'the serial bridge (firmware-bridge/PROTOCOL.md)'),
  safety: obj({
    temp_max_c: num('a drive reporting this temperature or more is a fault', { unit: '°C', default: 80, min: 20, max: 200 }),
    reply_timeout_ticks: int('a drive silent for this many ticks is a fault', { default: 10, min: 1, max: 1000 }),
    state_timeout_ms: num('no STATE from the bridge for this long is a fault', { unit: 'ms', default: 20, min: 2, max: 10000 }),
    limit_margin_rad: num('at enable, every joint must be inside its limits widened by this', { unit: 'rad', default: 0.1, min: 0, max: 1 }),
    soft_start_s: num('gains ramp from 0 to the commanded value over this time after enable', { unit: 's', default: 1, min: 0, max: 30 }),
    damping_kd: num('joint-side damping gain of the host safe mode', { unit: 'N·m·s/rad', default: 1, min: 0, max: 100 })
  }, 'driver safety thresholds'),
  models: map(modelSchema, 'extra drive models, by name (same fields as host/drivers/mit-models.yaml)', {}),
  cia402_models: map(cia402ModelSchema, 'extra CiA 402 drive models, by name (same fields as host/drivers/cia402-models.yaml)', {}),
  calibration: obj({
    pose: map(num('joint angle', { unit: 'rad', min: -100, max: 100 }), 'the joint angles of the calibration pose (the robot is placed in it, drives passive)', {}),
    samples: int('replies averaged per drive', { default: 50, min: 1, max: 10000 })
  }, 'cerebellum calibrate'),
  joints: list(jointSchema, 'one entry per actuated joint', { minItems: 1, maxItems: 32 })
})

export type MotorMapFile = Infer<typeof motorMapSchema>

/** CiA 402 mode of operation codes (0x6060) */
export const CIA402_MODE = { csp: 8, csv: 9, cst: 10 } as const

/** One joint's drive, resolved. */
export interface JointMotor {
  /** index in the map (= motor index on the bridge) */
  index: number
  joint: string
  bus: number
  can_id: number
  /** REPLY_ID_ANY (0xFFFFFFFF) for any */
  reply_id: number
  extended: boolean
  reply_key: number
  /** the drive: MIT-mode CAN, or CiA 402 on EtherCAT */
  model: MitDriveModel | Cia402DriveModel
  /** EtherCAT: slave position (also in can_id, as CONFIG carries it) and mode of operation; null on CAN */
  ecat: { position: number, mode: 8 | 9 | 10 } | null
  gear_ratio: number
  direction: 1 | -1
  zero_offset: number
  q_min: number
  q_max: number
}

export interface MotorMap {
  file: string
  value: MotorMapFile
  motors: JointMotor[]
  validated: Validated<MotorMapFile>
}

/** Validates motor-map text (`file` names it in errors). Throws ConfigError. */
export function parseMotorMap (text: string, file: string): MotorMap {
  const v = validateYaml(motorMapSchema, text, file)
  const m = v.value
  const table = mitModelTable()
  const models = new Map(table)
  for (const [name, e] of Object.entries(m.models)) models.set(name, resolveModel(name, e, {}))
  const ecatModels = new Map(cia402ModelTable())
  for (const [name, e] of Object.entries(m.cia402_models)) ecatModels.set(name, resolveCia402Model(name, e, {}))
  const busIds = new Set<number>()
  const busType = new Map<number, string>()
  m.bridge.buses.forEach((b, i) => {
    if (busIds.has(b.id)) throw v.error(`bridge.buses[${i}].id`, `bus ${b.id} is listed twice`)
    if (b.data_bitrate !== 0 && b.type !== 'canfd') throw v.error(`bridge.buses[${i}].data_bitrate`, 'a data bit rate needs type: canfd')
    if (b.type === 'ethercat' && [...busType.values()].includes('ethercat')) throw v.error(`bridge.buses[${i}].type`, 'one EtherCAT bus per bridge (PROTOCOL.md §5)')
    busIds.add(b.id)
    busType.set(b.id, b.type)
  })
  const ecatCount = new Map<number, number>()
  const names = new Set<string>()
  const ids = new Set<string>()
  const motors = m.joints.map((j, i): JointMotor => {
    const key = `joints[${i}]`
    if (names.has(j.joint)) throw v.error(`${key}.joint`, `joint '${j.joint}' is mapped twice`)
    names.add(j.joint)
    if (!busIds.has(j.bus)) throw v.error(`${key}.bus`, `bus ${j.bus} is not in bridge.buses (${[...busIds].join(', ')})`)
    if (j.direction !== 1 && j.direction !== -1) throw v.error(`${key}.direction`, `must be +1 or -1, got ${j.direction}`)
    const [lo, hi] = j.limits
    if (!(lo < hi)) throw v.error(`${key}.limits`, `min ${lo} is not below max ${hi}`)
    if (busType.get(j.bus) === 'ethercat') {
      const k = ecatCount.get(j.bus) ?? 0
      ecatCount.set(j.bus, k + 1)
      if (j.position !== k) throw v.error(`${key}.position`, `the ${k + 1}. joint on EtherCAT bus ${j.bus} must be the slave at position ${k} (joints in segment order), got ${j.position}`)
      const drive = ecatModels.get(j.model)
      if (drive === undefined) throw v.error(`${key}.model`, `unknown CiA 402 model '${j.model}' (known: ${[...ecatModels.keys()].join(', ')})`)
      return {
        index: i, joint: j.joint, bus: j.bus, can_id: j.position, reply_id: drive.product_code, extended: false, reply_key: 0,
        model: drive, ecat: { position: j.position, mode: CIA402_MODE[j.mode] }, gear_ratio: j.gear_ratio,
        direction: j.direction as 1 | -1, zero_offset: j.zero_offset, q_min: lo, q_max: hi
      }
    }
    if (j.can_id < 0) throw v.error(`${key}.can_id`, `a joint on CAN bus ${j.bus} needs can_id`)
    const idKey = `${j.bus}:${j.can_id}`
    if (ids.has(idKey)) throw v.error(`${key}.can_id`, `CAN id ${j.can_id} is used twice on bus ${j.bus}`)
    ids.add(idKey)
    if (!j.extended && j.can_id > 0x7ff) throw v.error(`${key}.can_id`, `${j.can_id} needs a 29-bit identifier (extended: true)`)
    const model = models.get(j.model)
    if (model === undefined) throw v.error(`${key}.model`, `unknown model '${j.model}' (known: ${[...models.keys()].join(', ')})`)
    // the drive must be able to represent the whole joint range (16-bit position field, ±p_max)
    const a = j.direction * j.gear_ratio * lo + j.zero_offset
    const b = j.direction * j.gear_ratio * hi + j.zero_offset
    if (Math.max(Math.abs(a), Math.abs(b)) > model.range.p_max) {
      throw v.error(`${key}.zero_offset`, `the joint range [${lo}, ${hi}] rad maps to drive angles [${Math.min(a, b).toFixed(3)}, ${Math.max(a, b).toFixed(3)}] rad, outside the ${model.name}'s ±${model.range.p_max} rad`)
    }
    const replyId = j.reply_id < 0 ? 0xffffffff : j.reply_id
    // reply byte 0 carries the drive id: the command id for these protocols (Damiao: its low nibble)
    return {
      index: i, joint: j.joint, bus: j.bus, can_id: j.can_id, reply_id: replyId, extended: j.extended,
      reply_key: mitReplyKey(model.protocol, j.can_id & 0xff), model, ecat: null, gear_ratio: j.gear_ratio,
      direction: j.direction as 1 | -1, zero_offset: j.zero_offset, q_min: lo, q_max: hi
    }
  })
  for (const name of Object.keys(m.calibration.pose)) {
    if (!names.has(name)) throw v.error(`calibration.pose.${name}`, `no joint '${name}' in joints`)
  }
  return { file, value: m, motors, validated: v }
}

/** Whether a YAML file is a motor table (top-level `bridge:` and `joints:`) rather than a runtime configuration. */
export function isMotorTableFile (file: string): boolean {
  try {
    const doc = parseYaml(readFileSync(resolve(file), 'utf8')) as unknown
    return typeof doc === 'object' && doc !== null && 'joints' in doc && 'bridge' in doc
  } catch {
    return false // unreadable or not YAML: the configuration loader names the problem
  }
}

/** Reads and validates a motor map file. */
export function loadMotorMap (file: string): MotorMap {
  const path = resolve(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`${path}: cannot read the motor map (${(err as Error).message})`)
  }
  return parseMotorMap(text, path)
}

/**
 * Orders the map's motors like `jointNames` (the controller's actuator order). Throws naming the first
 * joint without a motor, or a motor whose joint the robot lacks.
 */
export function motorsInJointOrder (mm: MotorMap, jointNames: readonly string[]): JointMotor[] {
  const byName = new Map(mm.motors.map((m) => [m.joint, m]))
  const out = jointNames.map((n) => {
    const m = byName.get(n)
    if (m === undefined) throw new Error(`${mm.file}: joint '${n}' of the robot has no motor in joints`)
    return m
  })
  const extra = mm.motors.find((m) => !jointNames.includes(m.joint))
  if (extra !== undefined) throw mm.validated.error(`joints[${extra.index}].joint`, `the robot has no joint '${extra.joint}' (it has ${jointNames.join(', ')})`)
  return out
}

/** Bridge bus type code of a map's bus entry. */
export function busTypeCode (t: 'can' | 'canfd' | 'ethercat'): number {
  return t === 'ethercat' ? BusType.ETHERCAT : t === 'canfd' ? BusType.CANFD : BusType.CAN
}

export function safeActionCode (a: 'damping' | 'disable'): number {
  return a === 'disable' ? SafeAction.DISABLE : SafeAction.DAMPING
}

/** Drive angle of joint angle q [rad]. */
export function motorAngle (m: JointMotor, q: number): number {
  return m.direction * m.gear_ratio * q + m.zero_offset
}

/** Joint angle of drive angle θ [rad]. */
export function jointAngle (m: JointMotor, theta: number): number {
  return m.direction * (theta - m.zero_offset) / m.gear_ratio
}

/** Whether a map's drives report temperature (every protocol except the reference firmware's). */
export function reportsTemperature (m: JointMotor): boolean {
  return m.model.kind === 'mit' && m.model.protocol !== MitProtocol.CHEETAH
}
