// The simulated plant: a MuJoCo model of the robot driven the way a real robot is driven.
//
// Per control tick (default 2 ms) the controller writes a joint command (τ_ff, q_des, qd_des, kp, kd per
// joint) into `plant.command` and calls `tick()`. The plant then runs `substeps` physics steps (default
// 4 × 0.5 ms); before each it evaluates every motor driver's PD loop from the true joint state, clamps to
// the driver's torque limit (actuator-model.ts) and writes the torques to data.ctrl; after each it samples
// the rotor encoders. At the end of the tick it writes `plant.sensors`: IMU (imu-model.ts) and joint
// sensors (joint-sensors.ts), time-stamped with plant time and a sample counter.
//
// World options are applied at load: terrain geoms (terrain.ts) are added to the scene text before
// compiling, a payload is merged into the base inertia (payload.ts), and the ground friction is written
// to every world geom, which also gets the highest contact priority so that its friction governs.
// External pushes set xfrc_applied on the base for a duration.
//
// Everything the tick touches is allocated at load; MuJoCo's objects live on its heap and are freed by
// close(). The plant is deterministic: the same scene, options and seed give bit-identical sensor streams.
import { RobotFileError } from '../robot/description.ts'
import { createJointCommand, driveTorques, validateCommand, type DriveMode, type DriveParams, type JointCommand } from './actuator-model.ts'
import { createGroundTruth, readGroundTruth, type GroundTruth } from './ground-truth.ts'
import { idealImu, type ImuMount } from './imu-kinematics.ts'
import { ImuModel, VN100_NOISE, type ImuNoise } from './imu-model.ts'
import { JointSensors, MINI_CHEETAH_DRIVER_NOISE, type JointSensorNoise } from './joint-sensors.ts'
import { readModelInfo, type PlantModelInfo } from './model-info.ts'
import { loadMujoco, type Mujoco } from './mujoco.ts'
import { addPayload, type PayloadSpec } from './payload.ts'
import { Rng } from './rng.ts'
import { compileScene } from './scene-files.ts'
import { addTerrainToMjcf, TERRAIN_GEOM_PREFIX, type TerrainSpec } from './terrain.ts'

type MjModel = InstanceType<Mujoco['MjModel']>
type MjData = InstanceType<Mujoco['MjData']>
type DoubleBuffer = InstanceType<Mujoco['DoubleBuffer']>

export type { DriveMode, JointCommand } from './actuator-model.ts'
export type { GroundTruth } from './ground-truth.ts'
export type { TerrainSpec } from './terrain.ts'
export type { PayloadSpec } from './payload.ts'

/** Changes to the world for scenarios. */
export interface WorldOptions {
  /** Sliding friction coefficient of the floor and terrain; governs foot contacts. */
  groundFriction?: number
  /** Box payload rigidly added to the floating base. */
  payload?: PayloadSpec
  /** Extra terrain ahead of the robot. */
  terrain?: TerrainSpec
}

export interface PlantOptions {
  /** Control period [s] (default 0.002). */
  controlPeriod?: number
  /** Physics steps per control period (default 4); the model's timestep is overridden. */
  substeps?: number
  /** Seed of the sensor noise (default 1). */
  seed?: number
  /** Ideal sensors: no noise, no quantization, no bias (for tests). */
  noiseless?: boolean
  /** Overrides of the IMU and joint-sensor error parameters. */
  noise?: { imu?: Partial<ImuNoise>, joints?: Partial<JointSensorNoise> }
  world?: WorldOptions
  /** Initial keyframe; default 'home' when the model has one, null for the model's qpos0. */
  keyframe?: string | null
  /** IMU site name (default 'imu'; the base origin when the model has none). */
  imuSite?: string
  /** Foot geom names (default: geoms named *foot*, else spheres on leaf bodies). */
  footGeoms?: string[]
  /** Damping gain of the 'damping' safe mode [N·m·s/rad] (default 1). */
  dampingKd?: number
  /** Keep MuJoCo's own <sensor> elements computed while stepping (default false: they cost time). */
  mujocoSensors?: boolean
}

/** One sample of the robot's sensors, written by the plant at the end of each tick. */
export interface SensorFrame {
  /** Plant time of the sample [s]. */
  time_s: number
  /** Sample counter: 0 after load/reset, +1 per tick. */
  seq: number
  /** IMU (AHRS) orientation of the IMU frame in the world, wxyz (4). */
  quat_imu: Float64Array
  /** Angular velocity, IMU frame [rad/s] (3). */
  gyro_imu: Float64Array
  /** Specific force (acceleration minus gravity), IMU frame [m/s²] (3). */
  accel_imu: Float64Array
  /** Joint positions from the encoders [rad] (nu, actuator order). */
  q: Float64Array
  /** Joint velocities as the drivers report them [rad/s] (nu). */
  qd: Float64Array
  /** Joint torques estimated from motor current [N·m] (nu). */
  tau: Float64Array
}

interface Views {
  qpos: Float64Array
  qvel: Float64Array
  qacc: Float64Array
  ctrl: Float64Array
  xfrc: Float64Array
}

function positive (x: number | undefined, def: number, what: string): number {
  const v = x ?? def
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${what} must be a positive number, got ${v}`)
  return v
}

export class Plant {
  /** The joint command applied at the next tick; the caller fills it in place. */
  readonly command: JointCommand
  /** The latest sensor sample. */
  readonly sensors: SensorFrame
  /** Torque applied by each driver in the last physics step [N·m] (nu). */
  readonly tau_applied: Float64Array
  readonly nu: number
  readonly jointNames: readonly string[]
  /** Physics step [s]. */
  readonly physicsDt: number
  /** Why the last command was rejected (the plant then held the drivers in damping mode), else null. */
  commandError: string | null = null

  private mode: DriveMode = 'pd'
  private readonly params: DriveParams
  private readonly ctrlPerTorque: Float64Array
  private readonly rng: Rng
  private readonly imu: ImuModel
  private readonly imuMount: ImuMount
  private readonly jointSensors: JointSensors
  private readonly idealQuat = new Float64Array(4)
  private readonly idealOmega = new Float64Array(3)
  private readonly idealForce = new Float64Array(3)
  private readonly scratch = new Float64Array(3)
  private readonly force6: DoubleBuffer
  private readonly pushForce = new Float64Array(6)
  private pushEnd_s = -Infinity
  private pushActive = false
  private v: Views
  private closed = false

  private constructor (
    readonly mj: Mujoco,
    readonly model: MjModel,
    readonly data: MjData,
    readonly info: PlantModelInfo,
    readonly file: string,
    readonly controlPeriod: number,
    readonly substeps: number,
    readonly noiseless: boolean,
    private readonly seed: number,
    private readonly initialKeyframe: string | null,
    opts: PlantOptions
  ) {
    const n = info.joints.length
    this.nu = n
    this.jointNames = info.joints.map((j) => j.name)
    this.physicsDt = controlPeriod / substeps
    this.command = createJointCommand(n)
    this.tau_applied = new Float64Array(n)
    this.sensors = {
      time_s: 0,
      seq: 0,
      quat_imu: new Float64Array(4),
      gyro_imu: new Float64Array(3),
      accel_imu: new Float64Array(3),
      q: new Float64Array(n),
      qd: new Float64Array(n),
      tau: new Float64Array(n)
    }
    this.params = {
      n,
      qposAdr: Int32Array.from(info.joints, (j) => j.qposAdr),
      dofAdr: Int32Array.from(info.joints, (j) => j.dofAdr),
      torqueLimit: Float64Array.from(info.joints, (j) => j.torqueLimit),
      velocityLimit: Float64Array.from(info.joints, (j) => j.velocityLimit),
      dampingKd: opts.dampingKd ?? 1
    }
    if (!(this.params.dampingKd >= 0)) throw new RangeError(`dampingKd must be ≥ 0, got ${this.params.dampingKd}`)
    this.ctrlPerTorque = Float64Array.from(info.joints, (j) => j.ctrlPerTorque)
    this.rng = new Rng(seed)
    const imuNoise: ImuNoise = { ...VN100_NOISE, ...opts.noise?.imu }
    this.imu = new ImuModel(imuNoise, controlPeriod, this.rng)
    const jointNoise: JointSensorNoise = { ...MINI_CHEETAH_DRIVER_NOISE, ...opts.noise?.joints }
    this.jointSensors = new JointSensors(n, Float64Array.from(info.joints, (j) => j.gearRatio), this.physicsDt,
      jointNoise, this.rng, noiseless)
    const opt = model.opt
    this.imuMount = {
      qposAdr: info.baseQposAdr,
      dofAdr: info.baseDofAdr,
      r_base: Float64Array.from(info.imuPos),
      q_base_imu: Float64Array.from(info.imuQuat),
      gravity_world: Float64Array.from(opt.gravity as Float64Array)
    }
    this.force6 = new mj.DoubleBuffer(6)
    this.v = this.views()
    this.reset(initialKeyframe, seed)
  }

  /**
   * Loads an MJCF scene file (includes and assets are resolved from its directory) and prepares the
   * plant. Throws RobotFileError naming the file for missing or invalid files, RangeError for bad options.
   */
  static async load (path: string, opts: PlantOptions = {}): Promise<Plant> {
    const controlPeriod = positive(opts.controlPeriod, 0.002, 'controlPeriod')
    const substeps = opts.substeps ?? 4
    if (!(Number.isInteger(substeps) && substeps >= 1 && substeps <= 100)) {
      throw new RangeError(`substeps must be an integer in [1, 100], got ${substeps}`)
    }
    const seed = opts.seed ?? 1
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`)
    const world = opts.world ?? {}
    if (world.groundFriction !== undefined) positive(world.groundFriction, 1, 'groundFriction')
    const mj = await loadMujoco()
    const terrain = world.terrain
    const model = compileScene(mj, path, terrain === undefined ? undefined : (xml) => addTerrainToMjcf(xml, terrain))
    let data: MjData | null = null
    try {
      data = new mj.MjData(model)
      const info = readModelInfo(mj, model, path, { imuSite: opts.imuSite, footGeoms: opts.footGeoms })
      const opt = model.opt
      opt.timestep = controlPeriod / substeps
      const sensorBit = mj.mjtDisableBit.mjDSBL_SENSOR.value
      opt.disableflags = opts.mujocoSensors === true ? opt.disableflags & ~sensorBit : opt.disableflags | sensorBit
      applyWorld(mj, model, data, info, world)
      let keyframe: string | null = opts.keyframe === undefined ? 'home' : opts.keyframe
      if (keyframe !== null && mj.mj_name2id(model, mj.mjtObj.mjOBJ_KEY.value, keyframe) < 0) {
        if (opts.keyframe !== undefined) throw new RobotFileError(path, null, 'key', `no keyframe named '${keyframe}'`)
        keyframe = null
      }
      return new Plant(mj, model, data, info, path, controlPeriod, substeps, opts.noiseless === true, seed, keyframe, opts)
    } catch (err) {
      data?.delete()
      model.delete()
      throw err
    }
  }

  /** Plant time [s]. */
  get time (): number {
    return this.data.time
  }

  /** Selects the drivers' mode: 'pd' (the command), 'damping' (τ = −kd·qd) or 'disable' (τ = 0). */
  setMode (mode: DriveMode): void {
    if (mode !== 'pd' && mode !== 'damping' && mode !== 'disable') throw new RangeError(`unknown drive mode '${String(mode)}'`)
    this.mode = mode
  }

  getMode (): DriveMode {
    return this.mode
  }

  /**
   * Advances one control period with the current command and writes `sensors`. A command with a
   * non-finite value or a negative gain is not applied: the drivers damp instead and `commandError` says why.
   */
  tick (): void {
    if (this.closed) throw new Error('plant is closed')
    let v = this.v
    if (v.qpos.length === 0) v = this.v = this.views()
    let mode = this.mode
    this.commandError = null
    if (mode === 'pd') {
      this.commandError = validateCommand(this.command, this.nu, this.jointNames)
      if (this.commandError !== null) mode = 'damping'
    }
    const mj = this.mj
    const model = this.model
    const data = this.data
    const p = this.params
    const tau = this.tau_applied
    const cpt = this.ctrlPerTorque
    const base = 6 * this.info.baseBodyId
    for (let s = 0; s < this.substeps; s++) {
      if (this.pushActive) {
        const on = data.time < this.pushEnd_s - 1e-12
        for (let k = 0; k < 6; k++) v.xfrc[base + k] = on ? this.pushForce[k] : 0
        if (!on) this.pushActive = false
      }
      driveTorques(mode, this.command, v.qpos, v.qvel, p, tau)
      for (let i = 0; i < p.n; i++) v.ctrl[i] = tau[i] * cpt[i]
      mj.mj_step(model, data)
      this.jointSensors.sampleEncoders(v.qpos, p.qposAdr)
    }
    this.sampleSensors(this.sensors.seq + 1)
  }

  /**
   * Applies a force [N] (and optional torque [N·m]), world frame, at the base's centre of mass for
   * `duration_s` of plant time from now, replacing any push in progress.
   */
  push (force_world: ArrayLike<number>, duration_s: number, torque_world: ArrayLike<number> = [0, 0, 0]): void {
    if (!(duration_s >= 0) || !Number.isFinite(duration_s)) throw new RangeError(`push duration must be ≥ 0 s, got ${duration_s}`)
    for (let k = 0; k < 3; k++) {
      this.pushForce[k] = force_world[k]
      this.pushForce[3 + k] = torque_world[k]
    }
    if (!this.pushForce.every(Number.isFinite)) throw new RangeError('push force and torque must be finite')
    this.pushEnd_s = this.data.time + duration_s
    this.pushActive = true
  }

  /**
   * Resets the state to a keyframe (default: the one used at load; null: qpos0), optionally re-seeding
   * the sensor noise, and writes the first sensor sample (seq 0).
   */
  reset (keyframe: string | null = this.initialKeyframe, seed?: number): void {
    if (this.closed) throw new Error('plant is closed')
    const mj = this.mj
    if (keyframe === null) {
      mj.mj_resetData(this.model, this.data)
    } else {
      const id = mj.mj_name2id(this.model, mj.mjtObj.mjOBJ_KEY.value, keyframe)
      if (id < 0) throw new RobotFileError(this.file, null, 'key', `no keyframe named '${keyframe}'`)
      mj.mj_resetDataKeyframe(this.model, this.data, id)
    }
    this.v = this.views()
    this.v.ctrl.fill(0)
    this.v.xfrc.fill(0)
    this.pushActive = false
    this.pushEnd_s = -Infinity
    this.tau_applied.fill(0)
    mj.mj_forward(this.model, this.data)
    if (seed !== undefined) this.rng.reseed(seed)
    this.imu.reset()
    this.jointSensors.reset(this.v.qpos, this.params.qposAdr)
    this.sampleSensors(0)
  }

  /** True base position (3) and orientation wxyz (4) from the state, without a kinematics pass. */
  readBasePose (p_world: Float64Array, quat_world: Float64Array): void {
    let v = this.v
    if (v.qpos.length === 0) v = this.v = this.views()
    const a = this.info.baseQposAdr
    for (let k = 0; k < 3; k++) p_world[k] = v.qpos[a + k]
    for (let k = 0; k < 4; k++) quat_world[k] = v.qpos[a + 3 + k]
  }

  /** Actuated joint positions of a keyframe, in actuator order (writes `out`, length nu). */
  keyframeJointPositions (keyframe: string, out: Float64Array = new Float64Array(this.nu)): Float64Array {
    const id = this.mj.mj_name2id(this.model, this.mj.mjtObj.mjOBJ_KEY.value, keyframe)
    if (id < 0) throw new RobotFileError(this.file, null, 'key', `no keyframe named '${keyframe}'`)
    const keyQpos = this.model.key_qpos as Float64Array
    const nq = this.model.nq
    for (let i = 0; i < this.nu; i++) out[i] = keyQpos[id * nq + this.params.qposAdr[i]]
    return out
  }

  /** Base height of a keyframe [m] (z of the free joint). */
  keyframeBaseHeight (keyframe: string): number {
    const id = this.mj.mj_name2id(this.model, this.mj.mjtObj.mjOBJ_KEY.value, keyframe)
    if (id < 0) throw new RobotFileError(this.file, null, 'key', `no keyframe named '${keyframe}'`)
    return (this.model.key_qpos as Float64Array)[id * this.model.nq + this.info.baseQposAdr + 2]
  }

  hasKeyframe (keyframe: string): boolean {
    return this.mj.mj_name2id(this.model, this.mj.mjtObj.mjOBJ_KEY.value, keyframe) >= 0
  }

  /**
   * Ground truth at the current time. Runs mj_forward first so that positions, contacts and forces all
   * belong to the current state (this does not change the simulated trajectory). Not for the hot path.
   */
  groundTruth (out: GroundTruth = createGroundTruth(this.nu, this.info.feet.length)): GroundTruth {
    if (this.closed) throw new Error('plant is closed')
    this.mj.mj_forward(this.model, this.data)
    readGroundTruth(this.mj, this.model, this.data, this.info, this.force6, out)
    out.gyroBias_imu.set(this.imu.gyroBias)
    out.accelBias_imu.set(this.imu.accelBias)
    return out
  }

  /** Frees MuJoCo's objects. The plant cannot be used afterwards. */
  close (): void {
    if (this.closed) return
    this.closed = true
    this.force6.delete()
    this.data.delete()
    this.model.delete()
  }

  private views (): Views {
    return {
      qpos: this.data.qpos as Float64Array,
      qvel: this.data.qvel as Float64Array,
      qacc: this.data.qacc as Float64Array,
      ctrl: this.data.ctrl as Float64Array,
      xfrc: this.data.xfrc_applied as Float64Array
    }
  }

  private sampleSensors (seq: number): void {
    const v = this.v
    const s = this.sensors
    idealImu(this.imuMount, v.qpos, v.qvel, v.qacc, this.idealQuat, this.idealOmega, this.idealForce, this.scratch)
    if (this.noiseless) {
      s.quat_imu.set(this.idealQuat)
      s.gyro_imu.set(this.idealOmega)
      s.accel_imu.set(this.idealForce)
    } else {
      this.imu.sample(this.idealQuat, this.idealOmega, this.idealForce, s.quat_imu, s.gyro_imu, s.accel_imu)
    }
    this.jointSensors.read(s.q, s.qd, v.qvel, this.params.dofAdr)
    this.jointSensors.torque(this.tau_applied, this.params.torqueLimit, s.tau)
    s.time_s = this.data.time
    s.seq = seq
  }
}

/** Applies payload and ground friction to the compiled model (writes body inertia and geom arrays). */
function applyWorld (mj: Mujoco, model: MjModel, data: MjData, info: PlantModelInfo, world: WorldOptions): void {
  if (world.payload !== undefined) addPayload(mj, model, data, info.baseBodyId, world.payload)
  const friction = model.geom_friction as Float64Array
  const priority = model.geom_priority as Int32Array
  const type = model.geom_type as Int32Array
  const terrainIds = info.worldGeomIds.filter((g) => (mj.mj_id2name(model, mj.mjtObj.mjOBJ_GEOM.value, g) ?? '').startsWith(TERRAIN_GEOM_PREFIX))
  if (world.groundFriction !== undefined) {
    let maxPriority = 0
    for (let g = 0; g < model.ngeom; g++) maxPriority = Math.max(maxPriority, priority[g])
    for (const g of info.worldGeomIds) {
      friction[3 * g] = world.groundFriction
      priority[g] = maxPriority + 1
    }
  } else if (terrainIds.length > 0) {
    // Terrain takes the friction of the scene's floor (the first world plane), when there is one.
    const floor = info.worldGeomIds.find((g) => type[g] === 0)
    if (floor !== undefined) {
      for (const g of terrainIds) {
        for (let k = 0; k < 3; k++) friction[3 * g + k] = friction[3 * floor + k]
        priority[g] = priority[floor]
      }
    }
  }
}
