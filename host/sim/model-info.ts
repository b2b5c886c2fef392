// The plant's view of a compiled MuJoCo model: which actuators drive which joints and with what limits,
// where the floating base, the IMU and the feet are. Read once at load; nothing here runs per tick.
//
// Actuators: each must drive one hinge or slide joint through a joint transmission without activation
// dynamics. Plain `motor` actuators are used as they are. Position servos (`position`, as in MuJoCo
// Menagerie robots) are turned into torque motors (gain 1, no bias) because the plant emulates the
// motor drivers' PD loops itself; their torque limit then comes from forcerange.
//
// Numbers MJCF cannot express are read from `<custom><numeric>` entries, one value per actuator in
// actuator order: `cerebellum_gear_ratio` (rotor turns per output turn; the encoder sits on the rotor)
// and `cerebellum_velocity_limit` (no-load output speed [rad/s]). Absent: ratio 1, no speed limit.
import type { Mujoco } from './mujoco.ts'
import { RobotFileError } from '../robot/description.ts'

type MjModel = InstanceType<Mujoco['MjModel']>

/** One actuated joint, in actuator order. */
export interface ActuatedJoint {
  /** Joint name. */
  name: string
  actuatorId: number
  qposAdr: number
  dofAdr: number
  /** ctrl = τ · ctrlPerTorque (1 / (gear · gain)). */
  ctrlPerTorque: number
  /** Symmetric torque limit [N·m or N]; Infinity when the file gives none. */
  torqueLimit: number
  /** No-load output speed [rad/s]; Infinity when unknown (no torque–speed derating). */
  velocityLimit: number
  /** Rotor-to-output gear ratio, for a rotor-side encoder; 1 when unknown. */
  gearRatio: number
}

export interface FootGeom { name: string, geomId: number }

export interface PlantModelInfo {
  joints: ActuatedJoint[]
  baseBodyId: number
  baseName: string
  /** qpos address of the base free joint (position 3 + quaternion 4). */
  baseQposAdr: number
  /** qvel address of the base free joint (linear world 3 + angular body 3). */
  baseDofAdr: number
  /** IMU placement in the base body frame; the base origin when the model has no IMU site. */
  imuPos: [number, number, number]
  imuQuat: [number, number, number, number]
  imuSiteName: string | null
  feet: FootGeom[]
  /** Geoms attached to the world body (floor, terrain). */
  worldGeomIds: number[]
}

export interface ModelInfoOptions {
  /** Name of the IMU site (default 'imu'). */
  imuSite?: string
  /** Foot geom names; default: geoms named "*foot*", else the sphere geoms of leaf bodies. */
  footGeoms?: string[]
}

const JNT_FREE = 0
const JNT_SLIDE = 2
const JNT_HINGE = 3
const TRN_JOINT = 0
const GEOM_SPHERE = 2

function nonDegenerate (lo: number, hi: number): boolean {
  return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo
}

function readNumeric (mj: Mujoco, model: MjModel, name: string, n: number, file: string): Float64Array | null {
  const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_NUMERIC.value, name)
  if (id < 0) return null
  const adr = (model.numeric_adr as Int32Array)[id]
  const size = (model.numeric_size as Int32Array)[id]
  if (size !== n) throw new RobotFileError(file, null, 'numeric', `'${name}' has ${size} values; expected one per actuator (${n})`)
  const data = model.numeric_data as Float64Array
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    out[i] = data[adr + i]
    if (!(out[i] > 0)) throw new RobotFileError(file, null, 'numeric', `'${name}' value ${i + 1} must be positive, got ${out[i]}`)
  }
  return out
}

/**
 * Reads the plant's view of `model` and turns position servos into torque motors (writes
 * actuator_gainprm, actuator_biasprm, actuator_ctrlrange of those actuators). `file` names the scene in errors.
 */
export function readModelInfo (mj: Mujoco, model: MjModel, file: string, opts: ModelInfoOptions = {}): PlantModelInfo {
  const name = (type: { value: number }, id: number): string => mj.mj_id2name(model, type.value, id) ?? ''
  const jntType = model.jnt_type as Int32Array
  const jntQposAdr = model.jnt_qposadr as Int32Array
  const jntDofAdr = model.jnt_dofadr as Int32Array
  const jntBody = model.jnt_bodyid as Int32Array

  // --- floating base
  let freeJoint = -1
  for (let j = 0; j < model.njnt; j++) if (jntType[j] === JNT_FREE) { freeJoint = j; break }
  if (freeJoint < 0) throw new RobotFileError(file, null, null, 'no free joint: the plant needs a floating-base robot')
  const baseBodyId = jntBody[freeJoint]

  // --- actuators
  const nu = model.nu
  if (nu === 0) throw new RobotFileError(file, null, 'actuator', 'the model has no actuators')
  const trnType = model.actuator_trntype as Int32Array
  const trnId = model.actuator_trnid as Int32Array
  const dynType = model.actuator_dyntype as Int32Array
  const gainType = model.actuator_gaintype as Int32Array
  const biasType = model.actuator_biastype as Int32Array
  const gainPrm = model.actuator_gainprm as Float64Array
  const biasPrm = model.actuator_biasprm as Float64Array
  const gear = model.actuator_gear as Float64Array
  const ctrlRange = model.actuator_ctrlrange as Float64Array
  const forceRange = model.actuator_forcerange as Float64Array
  const gearRatio = readNumeric(mj, model, 'cerebellum_gear_ratio', nu, file)
  const velocityLimit = readNumeric(mj, model, 'cerebellum_velocity_limit', nu, file)
  const joints: ActuatedJoint[] = []
  for (let a = 0; a < nu; a++) {
    const aname = name(mj.mjtObj.mjOBJ_ACTUATOR, a) || `#${a}`
    const fail = (why: string): never => { throw new RobotFileError(file, null, 'actuator', `actuator '${aname}': ${why}`) }
    if (trnType[a] !== TRN_JOINT) fail('only joint transmissions are supported')
    const j = trnId[2 * a]
    if (jntType[j] !== JNT_HINGE && jntType[j] !== JNT_SLIDE) fail('drives a joint that is not a hinge or slide')
    if (dynType[a] !== 0) fail('has activation dynamics; the plant needs direct torque actuators')
    if (gainType[a] !== 0) fail('has a non-fixed gain; the plant needs motor or position actuators')
    const g = gear[6 * a]
    if (!(Math.abs(g) > 0)) fail('has zero gear')
    let limit = Infinity
    const fr0 = forceRange[2 * a], fr1 = forceRange[2 * a + 1]
    if (nonDegenerate(fr0, fr1)) limit = Math.min(-fr0, fr1) * Math.abs(g)
    if (biasType[a] !== 0) {
      // Position servo → pure torque motor: force = 1 · ctrl, ctrl limited to the force range.
      for (let k = 0; k < 10; k++) { gainPrm[10 * a + k] = k === 0 ? 1 : 0; biasPrm[10 * a + k] = 0 }
      if (Number.isFinite(limit)) {
        ctrlRange[2 * a] = -limit / Math.abs(g)
        ctrlRange[2 * a + 1] = limit / Math.abs(g)
      } else {
        ctrlRange[2 * a] = 0
        ctrlRange[2 * a + 1] = 0
      }
    } else {
      const gain = gainPrm[10 * a]
      if (!(Math.abs(gain) > 0)) fail('has zero gain')
      const c0 = ctrlRange[2 * a], c1 = ctrlRange[2 * a + 1]
      if (nonDegenerate(c0, c1)) limit = Math.min(limit, Math.min(-c0, c1) * Math.abs(g * gain))
    }
    if (!(limit > 0)) fail(`torque limit must be positive, got ${limit}`)
    const gain = gainPrm[10 * a]
    joints.push({
      name: name(mj.mjtObj.mjOBJ_JOINT, j) || `#${j}`,
      actuatorId: a,
      qposAdr: jntQposAdr[j],
      dofAdr: jntDofAdr[j],
      ctrlPerTorque: 1 / (g * gain),
      torqueLimit: limit,
      velocityLimit: velocityLimit === null ? Infinity : velocityLimit[a],
      gearRatio: gearRatio === null ? 1 : gearRatio[a]
    })
  }

  // --- IMU
  const imuSiteName = opts.imuSite ?? 'imu'
  const siteId = mj.mj_name2id(model, mj.mjtObj.mjOBJ_SITE.value, imuSiteName)
  let imuPos: [number, number, number] = [0, 0, 0]
  let imuQuat: [number, number, number, number] = [1, 0, 0, 0]
  if (siteId >= 0) {
    const body = (model.site_bodyid as Int32Array)[siteId]
    if (body !== baseBodyId) {
      throw new RobotFileError(file, null, 'site', `IMU site '${imuSiteName}' must be on the floating base '${name(mj.mjtObj.mjOBJ_BODY, baseBodyId)}'`)
    }
    const sp = model.site_pos as Float64Array
    const sq = model.site_quat as Float64Array
    imuPos = [sp[3 * siteId], sp[3 * siteId + 1], sp[3 * siteId + 2]]
    imuQuat = [sq[4 * siteId], sq[4 * siteId + 1], sq[4 * siteId + 2], sq[4 * siteId + 3]]
  } else if (opts.imuSite !== undefined) {
    throw new RobotFileError(file, null, 'site', `no site named '${imuSiteName}' for the IMU`)
  }

  // --- feet and world geoms
  const geomBody = model.geom_bodyid as Int32Array
  const geomType = model.geom_type as Int32Array
  const worldGeomIds: number[] = []
  for (let g = 0; g < model.ngeom; g++) if (geomBody[g] === 0) worldGeomIds.push(g)
  const feet: FootGeom[] = []
  if (opts.footGeoms !== undefined) {
    for (const f of opts.footGeoms) {
      const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_GEOM.value, f)
      if (id < 0) throw new RobotFileError(file, null, 'geom', `no geom named '${f}' for a foot`)
      feet.push({ name: f, geomId: id })
    }
  } else {
    for (let g = 0; g < model.ngeom; g++) {
      const n = name(mj.mjtObj.mjOBJ_GEOM, g)
      if (geomBody[g] !== 0 && /foot/i.test(n)) feet.push({ name: n, geomId: g })
    }
    if (feet.length === 0) {
      const parent = model.body_parentid as Int32Array
      const hasChild = new Uint8Array(model.nbody)
      for (let b = 1; b < model.nbody; b++) hasChild[parent[b]] = 1
      for (let g = 0; g < model.ngeom; g++) {
        const b = geomBody[g]
        if (b !== 0 && hasChild[b] === 0 && geomType[g] === GEOM_SPHERE) {
          feet.push({ name: name(mj.mjtObj.mjOBJ_GEOM, g) || `geom#${g}`, geomId: g })
        }
      }
    }
  }

  return {
    joints,
    baseBodyId,
    baseName: name(mj.mjtObj.mjOBJ_BODY, baseBodyId),
    baseQposAdr: jntQposAdr[freeJoint],
    baseDofAdr: jntDofAdr[freeJoint],
    imuPos,
    imuQuat,
    imuSiteName: siteId >= 0 ? imuSiteName : null,
    feet,
    worldGeomIds
  }
}
