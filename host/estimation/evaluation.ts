// Estimator evaluation on scripted motions: `recordScenario` drives the MuJoCo plant through a scenario
// (scenarios.ts) in lockstep — leg IK turns the base and foot targets into joint PD targets — and records
// the plant's noisy sensor samples, the gait schedule and the simulator's ground truth; `replay` feeds one
// recording to an estimator (the same run for every estimator) and `evaluate` scores the trace with
// metrics.ts. Deterministic: the same scenario and seed give the same recording.
import type { RobotDescription } from '../robot/description.ts'
import { Plant, type PlantOptions } from '../sim/plant.ts'
import { createGroundTruth } from '../sim/ground-truth.ts'
import type { CoreOptions } from '../core/wasm.ts'
import { LegIk } from './leg-ik.ts'
import { createTargets, type Scenario } from './scenarios.ts'
import type { StateEstimator } from './estimator.ts'
import { BaseEstimateMetrics, TouchdownMetrics, type BaseMetricsSummary, type TouchdownSummary } from './metrics.ts'

/** A recorded run: per tick k (0 = the sample after reset), flat arrays with the stride in the comment. */
export interface Recording {
  scenario: string
  /** Joint names in sensor (actuator) order. */
  joints: string[]
  dt: number
  n: number
  nj: number
  nf: number
  settle_s: number
  ground_height_m: number
  time: Float64Array          // (n)
  quat_imu: Float64Array      // (4n)
  gyro_imu: Float64Array      // (3n)
  accel_imu: Float64Array     // (3n)
  q: Float64Array             // (nj·n)
  qd: Float64Array            // (nj·n)
  tau: Float64Array           // (nj·n)
  sched: Float64Array         // (3·nf·n) state, elapsed, remaining
  gt_p: Float64Array          // (3n) base position
  gt_quat: Float64Array       // (4n)
  gt_v: Float64Array          // (3n) base velocity, world
  gt_qd: Float64Array         // (nj·n) true joint velocities
  gt_contact: Float64Array    // (nf·n) 1 when the foot geom touches anything
  gt_p_foot: Float64Array     // (3·nf·n)
  gt_f_foot: Float64Array     // (3·nf·n) contact force on the foot, world
  /** Largest foot IK error over the run [m] (a scripted motion the legs cannot reach shows here). */
  ik_err_max: number
}

export interface RecordOptions {
  /** MJCF scene (robots/quad12/scene.xml). */
  scene: string
  /** The robot description (for the leg IK). */
  robot: RobotDescription
  feet: readonly string[]
  seed?: number
  /** Joint PD gains of the scripted motion [N·m/rad, N·m·s/rad]. */
  kp?: number
  kd?: number
  plant?: Omit<PlantOptions, 'seed' | 'world'>
  core?: CoreOptions
}

/** Runs `sc` in the plant and records sensors, schedule and ground truth at every control tick. */
export async function recordScenario (sc: Scenario, o: RecordOptions): Promise<Recording> {
  const plant = await Plant.load(o.scene, { ...o.plant, seed: o.seed ?? 1, world: sc.terrain === undefined ? {} : { terrain: sc.terrain } })
  try {
    const nj = plant.nu
    const nf = o.feet.length
    if (plant.info.feet.length !== nf) throw new RangeError(`the plant has ${plant.info.feet.length} foot geoms, the setup names ${nf} feet`)
    const ik = await LegIk.create(o.robot, o.feet, plant.jointNames, o.core)
    const dt = plant.controlPeriod
    const home = plant.hasKeyframe('home') ? plant.keyframeJointPositions('home') : new Float64Array(nj)
    const nominal = ik.forward(home)
    if (sc.base_lift_m !== 0) {
      const qpos = plant.data.qpos as Float64Array
      qpos[plant.info.baseQposAdr + 2] += sc.base_lift_m
      plant.mj.mj_forward(plant.model, plant.data)
    }
    const n = Math.round(sc.duration_s / dt) + 1
    const rec: Recording = {
      scenario: sc.name, joints: [...plant.jointNames], dt, n, nj, nf, settle_s: sc.settle_s, ground_height_m: sc.ground_height_m,
      time: new Float64Array(n), quat_imu: new Float64Array(4 * n), gyro_imu: new Float64Array(3 * n), accel_imu: new Float64Array(3 * n),
      q: new Float64Array(nj * n), qd: new Float64Array(nj * n), tau: new Float64Array(nj * n), sched: new Float64Array(3 * nf * n),
      gt_p: new Float64Array(3 * n), gt_quat: new Float64Array(4 * n), gt_v: new Float64Array(3 * n), gt_qd: new Float64Array(nj * n), gt_contact: new Float64Array(nf * n),
      gt_p_foot: new Float64Array(3 * nf * n), gt_f_foot: new Float64Array(3 * nf * n), ik_err_max: 0
    }
    const tg = createTargets(nf)
    const target = new Float64Array(3 * nf)
    const qd = Float64Array.from(home)
    const qPrev = Float64Array.from(home)
    const gt = createGroundTruth(nj, nf)
    const kp = o.kp ?? 60
    const kd = o.kd ?? 1.5
    plant.command.kp.fill(kp)
    plant.command.kd.fill(kd)
    plant.command.q_des.set(home)
    const R = new Float64Array(9)
    const pushes = [...sc.pushes].sort((a, b) => a.t_s - b.t_s)
    let nextPush = 0
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        const t = k * dt
        sc.targets(t, tg)
        // feet in the base frame: Rᵀ·(foot_nominal + offset − dp), R = Rz(yaw)·Ry(pitch)·Rx(roll)
        rpyToMat(tg.rpy, R)
        for (let i = 0; i < nf; i++) {
          const x = nominal[3 * i] + tg.foot[3 * i] - tg.dp[0]
          const y = nominal[3 * i + 1] + tg.foot[3 * i + 1] - tg.dp[1]
          const z = nominal[3 * i + 2] + tg.foot[3 * i + 2] - tg.dp[2]
          for (let r = 0; r < 3; r++) target[3 * i + r] = R[r] * x + R[3 + r] * y + R[6 + r] * z
        }
        rec.ik_err_max = Math.max(rec.ik_err_max, ik.solve(target, qd))
        for (let j = 0; j < nj; j++) {
          plant.command.q_des[j] = qd[j]
          plant.command.qd_des[j] = (qd[j] - qPrev[j]) / dt
          qPrev[j] = qd[j]
        }
        while (nextPush < pushes.length && pushes[nextPush].t_s <= plant.time + 1e-9) {
          plant.push(pushes[nextPush].force_world, pushes[nextPush].duration_s)
          nextPush++
        }
        plant.tick()
      } else {
        sc.targets(0, tg)
      }
      const s = plant.sensors
      rec.time[k] = s.time_s
      rec.quat_imu.set(s.quat_imu, 4 * k)
      rec.gyro_imu.set(s.gyro_imu, 3 * k)
      rec.accel_imu.set(s.accel_imu, 3 * k)
      rec.q.set(s.q, nj * k)
      rec.qd.set(s.qd, nj * k)
      rec.tau.set(s.tau, nj * k)
      rec.sched.set(tg.sched, 3 * nf * k)
      plant.groundTruth(gt)
      rec.gt_p.set(gt.p_base_world, 3 * k)
      rec.gt_quat.set(gt.quat_base_world, 4 * k)
      rec.gt_v.set(gt.v_base_world, 3 * k)
      rec.gt_qd.set(gt.qd, nj * k)
      for (let i = 0; i < nf; i++) rec.gt_contact[nf * k + i] = gt.contact[i]
      rec.gt_p_foot.set(gt.p_foot_world, 3 * nf * k)
      rec.gt_f_foot.set(gt.f_foot_world, 3 * nf * k)
    }
    return rec
  } finally {
    plant.close()
  }
}

/**
 * Horizontal positions of the feet relative to the base (x, y per foot) in a keyframe of the description
 * (its hinge/slide coordinates after the free joint), for the scenarios' base shifts.
 */
export async function stanceFootXY (desc: RobotDescription, feet: readonly string[], keyframe = 'home',
  core: CoreOptions = {}): Promise<Array<[number, number]>> {
  const joints = desc.bodies.flatMap((b) => b.joints).filter((j) => j.type !== 'free')
  const key = desc.keyframes[keyframe]
  const q = joints.map((j, i) => key === undefined ? j.qpos0[0] : key[7 + i])
  const ik = await LegIk.create(desc, feet, joints.map((j) => j.name), core)
  const p = ik.forward(q)
  return feet.map((_, i) => [p[3 * i], p[3 * i + 1]])
}

/** R (row-major) = Rz(yaw)·Ry(pitch)·Rx(roll). */
function rpyToMat (rpy: ArrayLike<number>, R: Float64Array): void {
  const cr = Math.cos(rpy[0]), sr = Math.sin(rpy[0])
  const cp = Math.cos(rpy[1]), sp = Math.sin(rpy[1])
  const cy = Math.cos(rpy[2]), sy = Math.sin(rpy[2])
  R[0] = cy * cp; R[1] = cy * sp * sr - sy * cr; R[2] = cy * sp * cr + sy * sr
  R[3] = sy * cp; R[4] = sy * sp * sr + cy * cr; R[5] = sy * sp * cr - cy * sr
  R[6] = -sp; R[7] = cp * sr; R[8] = cp * cr
}

/** The estimator's outputs over a replayed recording. */
export interface Trace {
  n: number
  p: Float64Array        // (3n)
  quat: Float64Array     // (4n)
  v: Float64Array        // (3n)
  contact: Float64Array  // (nf·n)
  prob: Float64Array     // (nf·n)
  f_foot: Float64Array   // (3·nf·n)
  joint_qd: Float64Array // (nj·n) filtered joint velocities
  /** Wall time of each update call [µs] (when timed). */
  update_us: Float64Array | null
}

export interface ReplayOptions {
  /** Time every update call (process.hrtime around estUpdate only). */
  time?: boolean
  /** Withhold the IMU quaternion (exercise the Mahony filter). */
  noImuQuat?: boolean
}

/** Feeds the recording to the estimator from a fresh start (base at the true initial x, y). */
export function replay (est: StateEstimator, rec: Recording, o: ReplayOptions = {}): Trace {
  const { n, nj, nf } = rec
  const tr: Trace = {
    n, p: new Float64Array(3 * n), quat: new Float64Array(4 * n), v: new Float64Array(3 * n), contact: new Float64Array(nf * n),
    prob: new Float64Array(nf * n), f_foot: new Float64Array(3 * nf * n), joint_qd: new Float64Array(nj * n), update_us: o.time === true ? new Float64Array(n) : null
  }
  est.reset(rec.gt_p[0], rec.gt_p[1])
  const sensors = {
    quat_imu: null as Float64Array | null, gyro_imu: rec.gyro_imu.subarray(0, 3), accel_imu: rec.accel_imu.subarray(0, 3),
    q: rec.q.subarray(0, nj), qd: rec.qd.subarray(0, nj), tau: rec.tau.subarray(0, nj)
  }
  for (let k = 0; k < n; k++) {
    sensors.quat_imu = o.noImuQuat === true ? null : rec.quat_imu.subarray(4 * k, 4 * k + 4)
    sensors.gyro_imu = rec.gyro_imu.subarray(3 * k, 3 * k + 3)
    sensors.accel_imu = rec.accel_imu.subarray(3 * k, 3 * k + 3)
    sensors.q = rec.q.subarray(nj * k, nj * k + nj)
    sensors.qd = rec.qd.subarray(nj * k, nj * k + nj)
    sensors.tau = rec.tau.subarray(nj * k, nj * k + nj)
    est.setSensors(sensors)
    for (let i = 0; i < nf; i++) {
      const o3 = 3 * nf * k + 3 * i
      est.setSchedule(i, rec.sched[o3], rec.sched[o3 + 1], rec.sched[o3 + 2])
    }
    const dt = k === 0 ? rec.dt : rec.time[k] - rec.time[k - 1]
    let code: number
    if (tr.update_us !== null) {
      const t0 = process.hrtime.bigint()
      code = est.update(dt)
      tr.update_us[k] = Number(process.hrtime.bigint() - t0) / 1000
    } else {
      code = est.update(dt)
    }
    if (code !== 0) throw new Error(`${rec.scenario}: estimator update ${k} failed: ${est.statusMessage(code)}`)
    tr.p.set(est.p_base_world, 3 * k)
    tr.quat.set(est.quat_base_world, 4 * k)
    tr.v.set(est.v_base_world, 3 * k)
    tr.contact.set(est.contact, nf * k)
    tr.prob.set(est.contact_prob, nf * k)
    tr.f_foot.set(est.f_foot_world, 3 * nf * k)
    const js = est.joint_state
    for (let j = 0; j < nj; j++) tr.joint_qd[nj * k + j] = js[3 * j + 1]
  }
  return tr
}

export interface Evaluation {
  base: BaseMetricsSummary
  touchdown: TouchdownSummary
}

/**
 * Scores a trace against the recording's ground truth from the scenario's settle time on; simulator
 * touchdowns count for the recall when the foot then carries more than minLoad_N (metrics.ts).
 */
export function evaluate (rec: Recording, tr: Trace, minLoad_N: number, tol_s = 0.01): Evaluation {
  const base = new BaseEstimateMetrics()
  const td = new TouchdownMetrics(rec.nf, minLoad_N)
  const nf = rec.nf
  const fn = new Float64Array(nf)
  for (let k = 0; k < rec.n; k++) {
    const t = rec.time[k]
    for (let i = 0; i < nf; i++) fn[i] = rec.gt_f_foot[3 * nf * k + 3 * i + 2]
    td.add(t, tr.contact.subarray(nf * k, nf * k + nf), rec.gt_contact.subarray(nf * k, nf * k + nf), fn)
    if (t < rec.settle_s) continue
    base.add(
      { p_base_world: tr.p.subarray(3 * k, 3 * k + 3), quat_base_world: tr.quat.subarray(4 * k, 4 * k + 4), v_base_world: tr.v.subarray(3 * k, 3 * k + 3) },
      { p_base_world: rec.gt_p.subarray(3 * k, 3 * k + 3), quat_base_world: rec.gt_quat.subarray(4 * k, 4 * k + 4), v_base_world: rec.gt_v.subarray(3 * k, 3 * k + 3) })
  }
  return { base: base.summary(), touchdown: td.summary(tol_s) }
}
