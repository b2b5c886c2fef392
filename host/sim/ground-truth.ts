// Ground truth of the simulated robot for tests and estimator checks: the base pose and twist (world and
// body frames), the actuated joints' positions and velocities, foot positions, and the contact forces on
// each foot geom summed over MuJoCo's contacts, expressed in the world frame.
//
// MuJoCo contact convention: the contact frame's first row is the normal, pointing from geom1 to geom2,
// and mj_contactForce gives the force that geom1 exerts on geom2 in that frame (normal, tangent 1,
// tangent 2), so the force on a foot is +Fᵀf when the foot is geom2 and −Fᵀf when it is geom1.
// Reads model/data; reading contacts creates short-lived binding objects, so this is for tests and
// logging, not for the 500 Hz path.
import type { Mujoco } from './mujoco.ts'
import type { PlantModelInfo } from './model-info.ts'
import { quatRotate } from './rotation.ts'

type MjModel = InstanceType<Mujoco['MjModel']>
type MjData = InstanceType<Mujoco['MjData']>
type DoubleBuffer = InstanceType<Mujoco['DoubleBuffer']>

export interface GroundTruth {
  time_s: number
  /** Base origin in the world [m] (3). */
  p_base_world: Float64Array
  /** Base orientation in the world, wxyz (4). */
  quat_base_world: Float64Array
  /** Base origin velocity, world frame [m/s] (3). */
  v_base_world: Float64Array
  /** Base origin velocity, base frame [m/s] (3). */
  v_base_body: Float64Array
  /** Base angular velocity, world frame [rad/s] (3). */
  omega_base_world: Float64Array
  /** Base angular velocity, base frame [rad/s] (3). */
  omega_base_body: Float64Array
  /** Actuated joint positions [rad] (nu, actuator order). */
  q: Float64Array
  /** Actuated joint velocities [rad/s] (nu). */
  qd: Float64Array
  /** Foot geom centres in the world [m] (3 per foot, foot order of PlantModelInfo.feet). */
  p_foot_world: Float64Array
  /** 1 when the foot geom touches anything, else 0 (per foot). */
  contact: Uint8Array
  /** Total contact force on each foot, world frame [N] (3 per foot). */
  f_foot_world: Float64Array
  /** True IMU biases: gyro [rad/s] (3) and accelerometer [m/s²] (3), IMU frame. */
  gyroBias_imu: Float64Array
  accelBias_imu: Float64Array
}

export function createGroundTruth (nu: number, nfeet: number): GroundTruth {
  return {
    time_s: 0,
    p_base_world: new Float64Array(3),
    quat_base_world: new Float64Array(4),
    v_base_world: new Float64Array(3),
    v_base_body: new Float64Array(3),
    omega_base_world: new Float64Array(3),
    omega_base_body: new Float64Array(3),
    q: new Float64Array(nu),
    qd: new Float64Array(nu),
    p_foot_world: new Float64Array(3 * nfeet),
    contact: new Uint8Array(nfeet),
    f_foot_world: new Float64Array(3 * nfeet),
    gyroBias_imu: new Float64Array(3),
    accelBias_imu: new Float64Array(3)
  }
}

/** Fills `out` from the current data (geom positions as of the last kinematics pass). */
export function readGroundTruth (mj: Mujoco, model: MjModel, data: MjData, info: PlantModelInfo,
  force6: DoubleBuffer, out: GroundTruth): void {
  const qpos = data.qpos as Float64Array
  const qvel = data.qvel as Float64Array
  const pa = info.baseQposAdr
  const da = info.baseDofAdr
  out.time_s = data.time
  for (let k = 0; k < 3; k++) out.p_base_world[k] = qpos[pa + k]
  for (let k = 0; k < 4; k++) out.quat_base_world[k] = qpos[pa + 3 + k]
  for (let k = 0; k < 3; k++) {
    out.v_base_world[k] = qvel[da + k]
    out.omega_base_body[k] = qvel[da + 3 + k]
  }
  const qn = out.quat_base_world
  // v_body = Rᵀ v_world: rotate by the conjugate.
  const conj = [qn[0], -qn[1], -qn[2], -qn[3]]
  quatRotate(out.v_base_body, conj, 0, out.v_base_world, 0)
  quatRotate(out.omega_base_world, qn, 0, out.omega_base_body, 0)
  for (let i = 0; i < info.joints.length; i++) {
    out.q[i] = qpos[info.joints[i].qposAdr]
    out.qd[i] = qvel[info.joints[i].dofAdr]
  }
  const xpos = data.geom_xpos as Float64Array
  out.contact.fill(0)
  out.f_foot_world.fill(0)
  for (let f = 0; f < info.feet.length; f++) {
    const g = info.feet[f].geomId
    for (let k = 0; k < 3; k++) out.p_foot_world[3 * f + k] = xpos[3 * g + k]
  }
  const ncon = data.ncon
  if (ncon === 0 || info.feet.length === 0) return
  const contacts = data.contact
  try {
    for (let i = 0; i < ncon; i++) {
      const c = contacts.get(i)
      if (c === undefined) continue
      try {
        const g1 = c.geom1
        const g2 = c.geom2
        let foot = -1
        let sign = 1
        for (let f = 0; f < info.feet.length; f++) {
          if (info.feet[f].geomId === g2) { foot = f; sign = 1; break }
          if (info.feet[f].geomId === g1) { foot = f; sign = -1; break }
        }
        if (foot < 0) continue
        mj.mj_contactForce(model, data, i, force6)
        const f6 = force6.GetView() as Float64Array
        const fr = c.frame as Float64Array
        out.contact[foot] = 1
        for (let k = 0; k < 3; k++) {
          out.f_foot_world[3 * foot + k] += sign * (fr[k] * f6[0] + fr[3 + k] * f6[1] + fr[6 + k] * f6[2])
        }
      } finally {
        c.delete()
      }
    }
  } finally {
    contacts.delete()
  }
}
