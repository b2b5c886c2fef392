// LocomotionStep: the WASM locomotion pipeline (LocomotionCore) behind the runtime's ControlStep
// interface. The control worker loads this module (`createControlStep`) and calls `step` in locomotion
// mode (live twist targets). Per tick:
//
//   estimate  the noisy sensors → the WASM state estimator (InEKF by default) → controller inputs
//   plan      twist targets → gait, touchdown handling, footholds, swing targets, reference
//   mpc       contact forces (SRBD MPC when due, or the kinodynamic NMPC's latest plan, or the
//             force-distribution QP). With locomotion.mpc.kind kinodynamic the NMPC runs in its own
//             thread in real time (the tick only posts snapshots and takes solutions, never waits) and
//             in the tick's thread in lockstep (every 1/rate_hz, applied delay_ms later: reproducible)
//   wbc       joint command (τ_ff, q_des, qd_des, kp, kd)
//
// The runtime's own base estimate (ControlInput.estimate) is not used: the controller sees only what
// the WASM estimator made of the sensors. On entering the mode the estimator and the plan restart from
// the current pose (stand → walk starts from rest). A failed force solve keeps the last good forces and
// a failed joint stage sends the controller's safe command (damped stand, τ_ff decaying); both are
// counted in the outputs, and the first few force QPs that fail are dumped as `cerebellum qp` JSON files
// when options.dumpDir is set. Nothing allocates in `step` (performance.now() aside, see the runtime README).
import type { RuntimeConfig } from '../config/runtime-config.ts'
import { loadRobot } from '../robot/load.ts'
import type { CommandOutput, ControlInput, ControlRobot, ControlStep, ParamDef } from '../runtime/control-step.ts'
import { GAIT_NAMES } from '../runtime/frames.ts'
import { field, type FieldDef } from '../runtime/record-layout.ts'
import { locoMpcSetup, locoParamValues } from './config.ts'
import { attachKinodynamic, KinoThread } from './mpc/kinodynamic-async.ts'
import { LocomotionCore, LOCO_INFO, type LocomotionSensors } from './locomotion-core.ts'
import { LOCO_GAITS, LOCO_PARAM_SPECS } from './params.ts'

export interface LocomotionStepOptions {
  /** Robot file (MJCF or URDF) the controller's model is built from. */
  robotFile: string
  /** Write failed force QPs here as JSON (the `cerebellum qp` form); null: no dumps. */
  dumpDir?: string | null
}

export const LOCOMOTION_STAGES = ['estimate', 'plan', 'mpc', 'wbc'] as const

/** What the step records per tick (sized from the number of feet). */
export function locomotionOutputs (nfeet: number): FieldDef[] {
  return [
    field('loco_gait', 1, '', 'gait id (0 stand, 1 walking trot, 2 trot, 3 pace, 4 bound, 5 pronk, 6 static walk)'),
    field('loco_phase', 1, '', 'gait phase φ ∈ [0, 1)'),
    field('loco_contact', nfeet, '', 'contact state the controller acts on (1 stance)'),
    field('loco_f_foot_world', 3 * nfeet, 'N', 'planned ground force on each foot, world'),
    field('loco_p_base_est', 3, 'm', 'estimated base position, world'),
    field('loco_v_base_est', 3, 'm/s', 'estimated base velocity, world'),
    field('loco_qp_failures', 1, '', 'failed MPC / force-QP / joint-stage solves so far'),
    field('loco_mpc_ran', 1, '', '1 when the MPC ran this tick'),
    field('loco_est_status', 1, '', 'estimator status (0 ok)')
  ]
}

/** Bounds and unit of a whole-body-controller parameter by its name (the core refuses values outside its own domain too). */
function wbcBounds (name: string): { unit: string, min: number, max: number } {
  const n = name.slice(4)
  if (n.startsWith('level_')) return { unit: '', min: 1, max: 3 }
  if (n.startsWith('w_')) return { unit: '', min: 1e-6, max: 1e6 }
  if (n.startsWith('kp_')) return { unit: '1/s²', min: 0, max: 1e4 }
  if (n.startsWith('kd_')) return { unit: '1/s', min: 0, max: 1e3 }
  if (n === 'fz_min') return { unit: 'N', min: 0, max: 1000 }
  if (n === 'tol_level1') return { unit: '', min: 1e-12, max: 1 }
  return { unit: '', min: -1e9, max: 1e9 }
}

/** Runtime gait index (frames.ts GAIT_NAMES) → controller gait id; −1 = automatic (stand at rest, auto_gait moving). */
const GAIT_MAP: number[] = GAIT_NAMES.map((n) => n === 'stand' || n === 'trot' ? -1 : n === 'walk' ? LOCO_GAITS.indexOf('walking_trot') : LOCO_GAITS.indexOf(n as typeof LOCO_GAITS[number]))

export class LocomotionStep implements ControlStep {
  readonly name = 'locomotion'
  readonly stages = LOCOMOTION_STAGES
  readonly outputs: readonly FieldDef[]
  readonly params: readonly ParamDef[]
  private sensors: LocomotionSensors | null = null
  private readonly dt: number
  private readonly defaultStepHz: number
  private readonly nf: number
  private readonly paramCoreIndex: Int32Array
  private readonly wbcIds: Int32Array
  private readonly wbcElems: Int32Array
  private dumped = 0
  private lastFailures = 0

  constructor (readonly core: LocomotionCore, config: RuntimeConfig, private readonly dumpDir: string | null,
    private readonly limits: { q_min: ArrayLike<number>, q_max: ArrayLike<number> } | null = null) {
    this.dt = 1 / config.control.rate_hz
    this.defaultStepHz = config.policy.defaults.step_hz
    this.nf = core.nfeet
    this.outputs = locomotionOutputs(core.nfeet)
    const wbc = core.wbcParams()
    this.params = [
      ...LOCO_PARAM_SPECS.map((s) => ({ name: `locomotion.${s.name}`, unit: s.unit, min: s.min, max: s.max, doc: s.doc })),
      ...wbc.map((w) => ({ name: `locomotion.${w.name}`, ...wbcBounds(w.name), doc: `whole-body controller ${w.name.slice(4)} (assembly/locomotion/wbc/wbc-config.ts); default ${w.value}` }))
    ]
    this.paramCoreIndex = Int32Array.from(LOCO_PARAM_SPECS, (s) => core.indexOfParam(s.name))
    this.wbcIds = Int32Array.from(wbc, (w) => w.id)
    this.wbcElems = Int32Array.from(wbc, (w) => w.k)
  }

  enter (input: ControlInput): void {
    this.bind(input)
    this.core.resetEstimator(0, 0)
    this.core.reset()
  }

  private bind (input: ControlInput): LocomotionSensors {
    const s = this.sensors
    if (s !== null && s.q === input.q && s.quat_imu === input.imu_quat) return s
    const n: LocomotionSensors = { quat_imu: input.imu_quat, gyro_imu: input.imu_gyro, accel_imu: input.imu_accel, q: input.q, qd: input.qd, tau: input.tau }
    this.sensors = n
    return n
  }

  step (input: ControlInput, cmd: CommandOutput, stageUs: Float64Array, out: Float64Array): void {
    const core = this.core
    const sensors = this.bind(input)
    const tw = input.targets.twist
    const g = tw[6] | 0
    const gait = g >= 0 && g < GAIT_MAP.length ? GAIT_MAP[g] : -1
    const hz = tw[7]
    const period = hz > 0 && hz !== this.defaultStepHz ? 1 / hz : 0
    core.setCommand(tw[0], tw[1], tw[2], tw[3], tw[4], tw[5], gait, period)
    // joint targets (kind 2) while the WBC runs: its posture task, inside the joint limits
    const tg = input.targets
    core.setPosture(tg.jointActive ? tg.q : null, this.limits?.q_min, this.limits?.q_max)
    const t0 = performance.now()
    const est = core.estimate(sensors, this.dt)
    const t1 = performance.now()
    const a = core.plan(this.dt)
    const t2 = performance.now()
    if (a === 0) core.forces()
    const t3 = performance.now()
    if (a === 0) core.joints()
    else core.safe()
    const t4 = performance.now()
    stageUs[0] = (t1 - t0) * 1000
    stageUs[1] = (t2 - t1) * 1000
    stageUs[2] = (t3 - t2) * 1000
    stageUs[3] = (t4 - t3) * 1000
    cmd.tau_ff.set(core.tau_ff)
    cmd.q_des.set(core.q_des)
    cmd.qd_des.set(core.qd_des)
    cmd.kp.set(core.kp)
    cmd.kd.set(core.kd)
    const info = core.info
    const nf = this.nf
    let o = 0
    out[o++] = info[LOCO_INFO.gait]
    out[o++] = info[LOCO_INFO.phi]
    const c = core.contact
    for (let i = 0; i < nf; i++) out[o++] = c[i]
    const f = core.f_foot_world
    for (let i = 0; i < 3 * nf; i++) out[o++] = f[i]
    const pe = core.est.p_base_world
    const ve = core.est.v_base_world
    for (let k = 0; k < 3; k++) out[o++] = pe[k]
    for (let k = 0; k < 3; k++) out[o++] = ve[k]
    const failures = info[LOCO_INFO.qpFailures]
    out[o++] = failures
    out[o++] = info[LOCO_INFO.mpcRan]
    out[o++] = est
    if (failures > this.lastFailures) {
      this.lastFailures = failures
      if (this.dumpDir !== null && this.dumped < 5) {
        if (core.dumpFailedQp(`${this.dumpDir}/loco-qp-${Math.round(input.t * 1000)}ms.json`, `locomotion QP that failed at t=${input.t.toFixed(3)} s`)) this.dumped++
      }
    }
  }

  setParam (index: number, values: Float64Array, at: number): void {
    const n = this.paramCoreIndex.length
    if (index < n) {
      const i = this.paramCoreIndex[index]
      if (i >= 0) this.core.setParamAt(i, values[at])
    } else if (index - n < this.wbcIds.length) {
      this.core.setWbcParam(this.wbcIds[index - n], this.wbcElems[index - n], values[at])
    }
  }
}

/** The plug-in entry the control worker calls (host/runtime/control-worker.ts). */
export async function createControlStep (robot: ControlRobot, config: RuntimeConfig, options: LocomotionStepOptions): Promise<ControlStep> {
  const desc = await loadRobot(options.robotFile)
  const lc = config.locomotion
  const values = locoParamValues(lc)
  const params: Record<string, number> = {}
  LOCO_PARAM_SPECS.forEach((s, i) => { params[s.name] = values[i] })
  const imu = desc.frames.some((f) => f.name === 'imu') ? 'imu' : null
  const ms = locoMpcSetup(lc.mpc)
  const core = await LocomotionCore.create(desc, {
    feet: robot.footNames, imu, joints: robot.jointNames, q_stand: robot.q_stand, tau_max: robot.tau_max,
    params, estimator: config.estimator, mpc: ms.mpc, kino: ms.kino
  })
  const dt = 1 / config.control.rate_hz
  const kino = ms.kino === null ? null
    : await attachKinodynamic(core, config.control.mode === 'lockstep' ? 'lockstep' : 'thread', options.robotFile,
      { horizon: ms.kino.horizon, dt: ms.kino.dt, rate_hz: lc.mpc.rate_hz, delay_ms: lc.mpc.delay_ms, controlDt: dt })
  warmUp(core, robot, dt)
  // the solver thread's first solves (compilation) happen now, not in the loop
  if (kino instanceof KinoThread) await kino.warm(30)
  return new LocomotionStep(core, config, options.dumpDir ?? null, { q_min: robot.q_min, q_max: robot.q_max })
}

/**
 * Runs the pipeline for a second of synthetic trotting on a robot standing still, then resets it. The
 * first calls into each WASM function compile it, and the first MPC/WBC ticks of a run took 60–120 ms
 * together on a 2-core machine: long enough to trip a bridge watchdog the moment the robot starts to
 * walk (seen on the HIL bench). Paying that at start-up keeps it out of the control loop.
 */
function warmUp (core: LocomotionCore, robot: ControlRobot, dt: number, ticks = 500): void {
  const nj = robot.jointNames.length
  const sensors: LocomotionSensors = {
    quat_imu: [1, 0, 0, 0], gyro_imu: [0, 0, 0], accel_imu: [0, 0, 9.81],
    q: Float64Array.from(robot.q_stand), qd: new Float64Array(nj), tau: new Float64Array(nj)
  }
  core.setCommand(0.3, 0, 0.2, 0, 0, 0, -1, 0)
  for (let k = 0; k < ticks; k++) {
    core.estimate(sensors, dt)
    if (core.plan(dt) === 0) { core.forces(); core.joints() } else core.safe()
  }
  core.setCommand(0, 0, 0, 0, 0, 0, -1, 0)
  core.resetEstimator(0, 0)
  core.reset()
  core.info.fill(0)
}

/** The `locomotion` option of ControlWorker.start for a robot with `nfeet` feet. */
export function locomotionPlugin (robotFile: string, nfeet: number, dumpDir: string | null = null): { plugin: { module: string, options: LocomotionStepOptions }, info: { stages: readonly string[], outputs: readonly FieldDef[] } } {
  return {
    plugin: { module: new URL('./locomotion-step.ts', import.meta.url).href, options: { robotFile, dumpDir } },
    info: { stages: LOCOMOTION_STAGES, outputs: locomotionOutputs(nfeet) }
  }
}
