// Scenario runner: the whole locomotion pipeline (estimator → plan → MPC → joints, LocomotionCore) against
// the MuJoCo plant in lockstep — one control tick per plant tick, as fast as the machine allows,
// deterministic from the seed. The controller reads only the plant's noisy sensors; ground truth is read
// only for the metrics. Every command passes the runtime's safety limits (host/runtime/safety-limits.ts),
// as under `cerebellum run`.
//
// Metrics (after `settle_s`, the start-up and first speed ramp):
//   fell / fell_at_s      true base height < safety.fall_height_m or tilt > safety.tilt_max_deg
//   vel_err_mean / max    |v_xy − v_cmd| [m/s], planar base velocity in the heading frame vs the command,
//                         on 0.2 s block averages (a trot oscillates within each stride)
//   fwd_vel_err_mean      |v_x − vx_cmd| on the same blocks [m/s]
//   yaw_rate_err_mean     |ω_z − wz_cmd| on the same blocks [rad/s]
//   height_rms            base height above the ground vs the commanded height [m]
//   attitude_rms          tilt (roll, pitch vs the commanded ones) [rad]
//   slip_m                ∫ |horizontal velocity of the foot's material point at the contact| dt over the
//                         ticks a foot stays in contact (ground truth; the foot sphere rolling is not slip)
//   torque_limit_hits     (tick, joint) pairs whose driver torque hit its limit
//   qp_failures           failed MPC / force-QP / joint-stage solves
//   estimator.vel_rmse    RMS of the estimated − true base velocity (world) [m/s]
//   estimator.pos_drift_pct  final horizontal position error / distance travelled × 100
//   timing_us             estimate, mpc (the forces stage), wbc (the joints stage), tick (all, incl. plan)
//   kino                  with locomotion.mpc.kind kinodynamic: NMPC solves, failures and the ticks its
//                         plan was missing/stale/inconsistent (force QP instead); null otherwise
// With locomotion.mpc.kind kinodynamic the NMPC solves in lockstep (in the tick's thread, every
// 1/rate_hz of plant time, each solution applied delay_ms of plant time later): the forces stage's
// timing then includes those solves.
import { fileURLToPath } from 'node:url'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.ts'
import { loadRobot } from '../robot/load.ts'
import { Plant } from '../sim/plant.ts'
import { createGroundTruth } from '../sim/ground-truth.ts'
import type { TerrainSpec } from '../sim/terrain.ts'
import { controlRobotFrom } from '../runtime/control-robot.ts'
import { SafetyLimits } from '../runtime/safety-limits.ts'
import type { CommandOutput } from '../runtime/control-step.ts'
import { LocomotionCore, LOCO_INFO } from './locomotion-core.ts'
import { locoMpcSetup, locoParamValues } from './config.ts'
import { attachKinodynamic, type KinoLockstep } from './mpc/kinodynamic-async.ts'
import { LOCO_PARAM_SPECS } from './params.ts'
import { StageTimer, type StagePercentiles } from './stage-timer.ts'

export const DEFAULT_SCENE = fileURLToPath(new URL('../../robots/quad12/scene.xml', import.meta.url))

export interface Push { t: number, force: [number, number, number], duration: number }

/** A twist command at time t (body frame) and the gait (−1 auto, else the gait-table id). */
export interface TwistCommand { vx: number, vy: number, wz: number, gait: number }

export interface ScenarioSpec {
  name: string
  duration_s: number
  /** Metrics from this time on [s]. */
  settle_s: number
  command: (t: number, out: TwistCommand) => void
  pushes: Push[]
  payload_kg?: number
  friction?: number
  terrain?: TerrainSpec
  /** Start lying ('lie' keyframe) and stand up with the joint-space ramp for this long first [s]. */
  standUp_s?: number
  /** Height command [m] (0: the parameter). */
  height?: number
}

export interface ScenarioOptions {
  robot?: string
  seed?: number
  /** Configuration file or validated config (safety limits, locomotion section, estimator). */
  config?: RuntimeConfig
  /** Parameter overrides by name. */
  params?: Record<string, number>
  /** Directory for QP dumps on a failed solve (null: no dumps). */
  dumpDir?: string | null
  /** Called about once per simulated second. */
  onProgress?: (t: number) => void
  /** Called with every command the plant applies (tick index; determinism tests). */
  onCommand?: (k: number, cmd: CommandOutput) => void
}

export interface ScenarioMetrics {
  scenario: string
  duration_s: number
  fell: boolean
  fell_at_s: number | null
  vel_err_mean: number
  vel_err_max: number
  fwd_vel_err_mean: number
  yaw_rate_err_mean: number
  height_rms: number
  /** Mean base height error [m] (the bias inside height_rms). */
  height_err_mean: number
  attitude_rms: number
  slip_m: number
  torque_limit_hits: number
  qp_failures: number
  mpc_failures: number
  safe_ticks: number
  estimator: { vel_rmse: number, pos_drift_pct: number }
  timing_us: { estimate: StagePercentiles, mpc: StagePercentiles, wbc: StagePercentiles, tick: StagePercentiles }
  kino: { solves: number, failures: number, fallback_ticks: number } | null
  distance_m: number
  mean_vx: number
  mean_wz: number
  wall_s: number
}

function r4 (x: number): number { return Math.round(x * 1e4) / 1e4 }

/** Runs one scenario; resolves with its metrics. */
export async function runScenario (spec: ScenarioSpec, o: ScenarioOptions = {}): Promise<ScenarioMetrics> {
  const scene = o.robot ?? DEFAULT_SCENE
  const cfgV = loadRuntimeConfig()
  const config = o.config ?? cfgV.value
  const dt = 1 / config.control.rate_hz
  const world: { groundFriction?: number, payload?: { mass: number }, terrain?: TerrainSpec } = {}
  if (spec.friction !== undefined) world.groundFriction = spec.friction
  if (spec.payload_kg !== undefined && spec.payload_kg > 0) world.payload = { mass: spec.payload_kg }
  if (spec.terrain !== undefined) world.terrain = spec.terrain
  const standUp = spec.standUp_s ?? 0
  let objVelDelete: (() => void) | null = null
  let coreClose: (() => void) | null = null
  const plant = await Plant.load(scene, { controlPeriod: dt, seed: o.seed ?? 1, world, keyframe: standUp > 0 ? 'lie' : undefined, dampingKd: config.safety.damping_kd })
  try {
    const desc = await loadRobot(scene)
    const robot = controlRobotFrom(desc, { ...cfgV, value: config }, {
      jointNames: [...plant.jointNames],
      qd_max: plant.info.joints.map((j) => j.velocityLimit),
      tau_max: plant.info.joints.map((j) => j.torqueLimit),
      footNames: plant.info.feet.map((f) => f.name)
    })
    const lc = config.locomotion
    const params: Record<string, number> = {}
    const values = locoParamValues(lc)
    LOCO_PARAM_SPECS.forEach((s, i) => { params[s.name] = values[i] })
    Object.assign(params, o.params ?? {})
    const imu = desc.frames.some((f) => f.name === 'imu') ? 'imu' : null
    const ms = locoMpcSetup(lc.mpc)
    const core = await LocomotionCore.create(desc, {
      feet: robot.footNames, imu, joints: robot.jointNames, q_stand: robot.q_stand, tau_max: robot.tau_max,
      params, estimator: config.estimator, mpc: ms.mpc, kino: ms.kino
    })
    coreClose = () => core.close()
    const kino = ms.kino === null ? null
      : await attachKinodynamic(core, 'lockstep', scene, { horizon: ms.kino.horizon, dt: ms.kino.dt, rate_hz: lc.mpc.rate_hz, delay_ms: lc.mpc.delay_ms, controlDt: dt }) as KinoLockstep
    const nj = robot.jointNames.length
    const nf = robot.footNames.length
    const safety = new SafetyLimits(robot, config.safety, dt)
    const cmd: CommandOutput = plant.command
    const s = plant.sensors
    const sensors = s
    const timer = new StageTimer(['estimate', 'mpc', 'wbc', 'tick'])
    const gt = createGroundTruth(nj, nf)
    const tw: TwistCommand = { vx: 0, vy: 0, wz: 0, gait: -1 }
    const fallH = config.safety.fall_height_m
    const tiltCos = Math.cos(config.safety.tilt_max_deg * Math.PI / 180)
    const torqueLimit = plant.info.joints.map((j) => j.torqueLimit)
    const pushes = [...spec.pushes].sort((a, b) => a.t - b.t)
    let nextPush = 0
    // metrics state
    let fell = false
    let fellAt: number | null = null
    const block = Math.max(1, Math.round(0.2 / dt))
    let bN = 0; let bvx = 0; let bvy = 0; let bwz = 0; let bcx = 0; let bcy = 0; let bcw = 0
    let nBlocks = 0; let velErrSum = 0; let velErrMax = 0; let fwdErrSum = 0; let yawErrSum = 0
    let nEval = 0; let h2 = 0; let hSum = 0; let att2 = 0; let slip = 0; let hits = 0; let ev2 = 0
    let sumVx = 0; let sumWz = 0
    const mj = plant.mj
    const objVel = new mj.DoubleBuffer(6)
    objVelDelete = () => objVel.delete()
    const geomType = mj.mjtObj.mjOBJ_GEOM.value
    const footGeom = plant.info.feet.map((f) => f.geomId)
    const geomSize = plant.model.geom_size as Float64Array
    const footRadius = footGeom.map((g) => geomSize[3 * g])
    const footWasContact = new Uint8Array(nf)
    const p0 = new Float64Array(2)
    let dist = 0
    const pPrev = new Float64Array(2)
    let evalStarted = false
    let haveStood = false
    const q_enter = new Float64Array(nj)
    const wall0 = performance.now()
    const nTicks = Math.round(spec.duration_s / dt)
    let lastProgress = 0
    let dumped = 0
    let lastFailures = 0
    const height = spec.height ?? 0
    for (let k = 0; k < nTicks; k++) {
      const t = plant.time
      while (nextPush < pushes.length && pushes[nextPush].t <= t + 1e-9) {
        const p = pushes[nextPush++]
        plant.push(p.force, p.duration)
      }
      spec.command(t, tw)
      core.setCommand(tw.vx, tw.vy, tw.wz, height, 0, 0, tw.gait, 0)
      const t0 = performance.now()
      core.estimate(sensors, dt)
      const t1 = performance.now()
      let t2 = t1; let t3 = t1
      if (t < standUp) {
        // stand up from lying: joint-space quintic ramp to the stand pose (the runtime's stand controller)
        if (k === 0) q_enter.set(s.q)
        const x = Math.min(1, t / Math.max(1e-3, standUp - 0.5))
        const w = x * x * x * (10 - 15 * x + 6 * x * x)
        for (let j = 0; j < nj; j++) {
          cmd.q_des[j] = q_enter[j] + w * (robot.q_stand[j] - q_enter[j])
          cmd.qd_des[j] = 0
          cmd.kp[j] = robot.kp_stand[j]
          cmd.kd[j] = robot.kd_stand[j]
          cmd.tau_ff[j] = 0
        }
        t2 = t3 = performance.now()
      } else {
        if (!haveStood) { core.reset(); haveStood = true }
        core.plan(dt)
        t2 = performance.now()
        core.forces()
        t3 = performance.now()
        core.joints()
        cmd.tau_ff.set(core.tau_ff)
        cmd.q_des.set(core.q_des)
        cmd.qd_des.set(core.qd_des)
        cmd.kp.set(core.kp)
        cmd.kd.set(core.kd)
      }
      const t4 = performance.now()
      if (t >= standUp) timer.record(t1 - t0, t3 - t2, t4 - t3, t4 - t0)
      if (k === 0) safety.resetReference(s.q)
      if (safety.apply(cmd) < 0) { core.safe(); cmd.tau_ff.set(core.tau_ff); cmd.q_des.set(core.q_des); cmd.qd_des.set(core.qd_des); cmd.kp.set(core.kp); cmd.kd.set(core.kd) }
      const failures = core.info[LOCO_INFO.qpFailures]
      if (failures > lastFailures && o.dumpDir != null && dumped < 5) {
        if (core.dumpFailedQp(`${o.dumpDir}/${spec.name}-qp-${k}.json`, `${spec.name}: QP that failed at t=${t.toFixed(3)} s`)) dumped++
      }
      lastFailures = failures
      if (o.onCommand !== undefined) o.onCommand(k, cmd)
      plant.tick()

      // --- metrics (ground truth)
      plant.groundTruth(gt)
      const tn = plant.time
      const q = gt.quat_base_world
      const cosTilt = 1 - 2 * (q[1] * q[1] + q[2] * q[2])
      if (!fell && tn > standUp + 0.3 && (gt.p_base_world[2] < fallH || cosTilt < tiltCos)) { fell = true; fellAt = r4(tn) }
      for (let j = 0; j < nj; j++) if (Math.abs(plant.tau_applied[j]) >= 0.999 * torqueLimit[j]) hits++
      if (tn < spec.settle_s) {
        for (let i = 0; i < nf; i++) footWasContact[i] = gt.contact[i]
        continue
      }
      if (!evalStarted) {
        evalStarted = true
        p0[0] = gt.p_base_world[0]; p0[1] = gt.p_base_world[1]
        pPrev[0] = p0[0]; pPrev[1] = p0[1]
      }
      dist += Math.hypot(gt.p_base_world[0] - pPrev[0], gt.p_base_world[1] - pPrev[1])
      pPrev[0] = gt.p_base_world[0]; pPrev[1] = gt.p_base_world[1]
      const yaw = Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]))
      const c = Math.cos(yaw); const sn = Math.sin(yaw)
      const vw = gt.v_base_world
      const vxh = c * vw[0] + sn * vw[1]
      const vyh = -sn * vw[0] + c * vw[1]
      const wz = gt.omega_base_world[2]
      bvx += vxh; bvy += vyh; bwz += wz; bcx += tw.vx; bcy += tw.vy; bcw += tw.wz; bN++
      sumVx += vxh; sumWz += wz
      if (bN === block) {
        const ex = (bvx - bcx) / bN; const ey = (bvy - bcy) / bN; const ew = (bwz - bcw) / bN
        const e = Math.hypot(ex, ey)
        velErrSum += e; if (e > velErrMax) velErrMax = e
        fwdErrSum += Math.abs(ex)
        yawErrSum += Math.abs(ew)
        nBlocks++
        bN = 0; bvx = bvy = bwz = bcx = bcy = bcw = 0
      }
      const ground = spec.terrain === undefined || spec.terrain.kind === 'flat' ? 0 : Math.min(...Array.from({ length: nf }, (_, i) => gt.p_foot_world[3 * i + 2])) - 0.02
      const hRef = height > 0 ? height : core.param('height')
      const dh = gt.p_base_world[2] - ground - hRef
      h2 += dh * dh
      hSum += dh
      const tilt = Math.acos(Math.max(-1, Math.min(1, cosTilt)))
      att2 += tilt * tilt
      const ve = core.est.v_base_world
      ev2 += (ve[0] - vw[0]) ** 2 + (ve[1] - vw[1]) ** 2 + (ve[2] - vw[2]) ** 2
      nEval++
      for (let i = 0; i < nf; i++) {
        if (gt.contact[i] !== 0 && footWasContact[i] !== 0) {
          // velocity of the foot's material point at the contact: v_centre + ω × (−r ẑ) (rolling is not slip)
          mj.mj_objectVelocity(plant.model, plant.data, geomType, footGeom[i], objVel, 0)
          const w6 = objVel.GetView() as Float64Array
          const r = footRadius[i]
          slip += Math.hypot(w6[3] - r * w6[1], w6[4] + r * w6[0]) * dt
        }
        footWasContact[i] = gt.contact[i]
      }
      if (o.onProgress !== undefined && tn - lastProgress >= 1) { lastProgress = tn; o.onProgress(tn) }
      if (fell && tn > (fellAt ?? 0) + 0.5) break
    }
    const pe = core.est.p_base_world
    const drift = Math.hypot(pe[0] - gt.p_base_world[0], pe[1] - gt.p_base_world[1])
    const info = core.info
    const pct = timer.percentiles()
    return {
      scenario: spec.name,
      duration_s: spec.duration_s,
      fell,
      fell_at_s: fellAt,
      vel_err_mean: r4(nBlocks > 0 ? velErrSum / nBlocks : NaN),
      vel_err_max: r4(velErrMax),
      fwd_vel_err_mean: r4(nBlocks > 0 ? fwdErrSum / nBlocks : NaN),
      yaw_rate_err_mean: r4(nBlocks > 0 ? yawErrSum / nBlocks : NaN),
      height_rms: r4(Math.sqrt(h2 / Math.max(1, nEval))),
      height_err_mean: r4(hSum / Math.max(1, nEval)),
      attitude_rms: r4(Math.sqrt(att2 / Math.max(1, nEval))),
      slip_m: r4(slip),
      torque_limit_hits: hits,
      qp_failures: info[LOCO_INFO.qpFailures],
      mpc_failures: info[LOCO_INFO.mpcFailures],
      safe_ticks: info[LOCO_INFO.safeTicks],
      estimator: { vel_rmse: r4(Math.sqrt(ev2 / Math.max(1, nEval))), pos_drift_pct: r4(dist > 0.05 ? 100 * drift / dist : 0) },
      timing_us: { estimate: pct.estimate, mpc: pct.mpc, wbc: pct.wbc, tick: pct.tick },
      kino: kino === null ? null : { solves: kino.solves, failures: kino.failures, fallback_ticks: info[LOCO_INFO.kinoFallbacks] },
      distance_m: r4(dist),
      mean_vx: r4(nEval > 0 ? sumVx / nEval : 0),
      mean_wz: r4(nEval > 0 ? sumWz / nEval : 0),
      wall_s: r4((performance.now() - wall0) / 1000)
    }
  } finally {
    objVelDelete?.()
    coreClose?.()
    plant.close()
  }
}
