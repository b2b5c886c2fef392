// Ideal IMU readings from MuJoCo's floating-base state: orientation of the IMU frame, angular velocity
// and specific force in the IMU frame, for an IMU rigidly mounted on the base at r (base frame) with
// orientation q_bs.
//
//   ω_s = R_bsᵀ ω_b
//   f_s = R_bsᵀ ( R_wbᵀ (a_o − g) + α_b × r + ω_b × (ω_b × r) )
//   q_ws = q_wb ⊗ q_bs
//
// MuJoCo's free joint gives qvel = [v_o (world), ω_b (base frame)] and qacc = d/dt qvel, so a_o is the
// classical acceleration of the base origin in the world and α_b the angular acceleration in base axes.
// Reads qpos, qvel, qacc in place; writes the three outputs; allocates nothing.
import { quatMul, quatRotateInv } from './rotation.ts'

/** Where the IMU sits on the base, and gravity. */
export interface ImuMount {
  /** qpos address of the free joint (p 3, q 4). */
  qposAdr: number
  /** qvel/qacc address of the free joint (v 3, ω 3). */
  dofAdr: number
  /** IMU position in the base frame [m]. */
  r_base: Float64Array
  /** IMU orientation in the base frame, wxyz. */
  q_base_imu: Float64Array
  /** Gravity in the world frame [m/s²]. */
  gravity_world: Float64Array
}

/** Writes the ideal readings: quat_world_imu (4), omega_imu (3, rad/s), specificForce_imu (3, m/s²). */
export function idealImu (mount: ImuMount, qpos: Float64Array, qvel: Float64Array, qacc: Float64Array,
  quat_world_imu: Float64Array, omega_imu: Float64Array, specificForce_imu: Float64Array, scratch: Float64Array): void {
  const qa = mount.qposAdr + 3
  const d = mount.dofAdr
  const r = mount.r_base
  // Linear part: R_wbᵀ (a_o − g) in scratch[0..3)
  scratch[0] = qacc[d] - mount.gravity_world[0]
  scratch[1] = qacc[d + 1] - mount.gravity_world[1]
  scratch[2] = qacc[d + 2] - mount.gravity_world[2]
  quatRotateInv(scratch, qpos, qa, scratch, 0)
  const wx = qvel[d + 3], wy = qvel[d + 4], wz = qvel[d + 5]
  const ax = qacc[d + 3], ay = qacc[d + 4], az = qacc[d + 5]
  // α × r
  let fx = scratch[0] + (ay * r[2] - az * r[1])
  let fy = scratch[1] + (az * r[0] - ax * r[2])
  let fz = scratch[2] + (ax * r[1] - ay * r[0])
  // ω × (ω × r)
  const cx = wy * r[2] - wz * r[1]
  const cy = wz * r[0] - wx * r[2]
  const cz = wx * r[1] - wy * r[0]
  fx += wy * cz - wz * cy
  fy += wz * cx - wx * cz
  fz += wx * cy - wy * cx
  scratch[0] = fx; scratch[1] = fy; scratch[2] = fz
  quatRotateInv(specificForce_imu, mount.q_base_imu, 0, scratch, 0)
  scratch[0] = wx; scratch[1] = wy; scratch[2] = wz
  quatRotateInv(omega_imu, mount.q_base_imu, 0, scratch, 0)
  quatMul(quat_world_imu, qpos, qa, mount.q_base_imu, 0)
}
