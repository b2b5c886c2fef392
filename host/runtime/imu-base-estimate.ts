// Base state from the IMU alone, until the Kalman state estimator (a later issue) replaces it:
//   quat_base_world = quat_imu_world ⊗ conj(quat_base_imu)     (the IMU's AHRS attitude, moved to the base)
//   omega_base_body = R(quat_base_imu) · gyro_imu
// Base position and linear velocity are unobservable from an IMU alone: they are NaN, except in
// simulation where the sensor frame carries ground truth (est_source = 1, stated in every record so a
// consumer never mistakes it for an estimate). Reads the sensor record; writes the BaseEstimate views.
import type { BaseEstimate } from './control-step.ts'
import type { SensorLayout } from './frames.ts'

/** 0: IMU only; 1: simulator ground truth for position and velocity. */
export type EstimateSource = 0 | 1

export class ImuBaseEstimate {
  readonly estimate: BaseEstimate
  source: EstimateSource = 0
  private readonly qbi: Float64Array

  constructor (private readonly layout: SensorLayout, quat_base_imu: ArrayLike<number>) {
    this.qbi = Float64Array.from(quat_base_imu)
    this.estimate = {
      p_base_world: new Float64Array(3).fill(NaN),
      quat_base_world: new Float64Array([1, 0, 0, 0]),
      v_base_body: new Float64Array(3).fill(NaN),
      omega_base_body: new Float64Array(3)
    }
  }

  /** Updates the estimate from one sensor record. */
  update (s: Float64Array): void {
    const a = this.layout.at
    const e = this.estimate
    const b = this.qbi
    // q_wb = q_wi ⊗ conj(q_bi)
    const iw = s[a.imu_quat], ix = s[a.imu_quat + 1], iy = s[a.imu_quat + 2], iz = s[a.imu_quat + 3]
    const bw = b[0], bx = -b[1], by = -b[2], bz = -b[3]
    const q = e.quat_base_world
    q[0] = iw * bw - ix * bx - iy * by - iz * bz
    q[1] = iw * bx + ix * bw + iy * bz - iz * by
    q[2] = iw * by - ix * bz + iy * bw + iz * bx
    q[3] = iw * bz + ix * by - iy * bx + iz * bw
    rotate(e.omega_base_body, b[0], b[1], b[2], b[3], s[a.imu_gyro], s[a.imu_gyro + 1], s[a.imu_gyro + 2])
    if (s[a.gt_valid] === 1) {
      this.source = 1
      for (let k = 0; k < 3; k++) e.p_base_world[k] = s[a.gt_p_base_world + k]
      const g = a.gt_quat_base_world
      // v_body = R(q_wb)ᵀ v_world
      rotate(e.v_base_body, s[g], -s[g + 1], -s[g + 2], -s[g + 3], s[a.gt_v_base_world], s[a.gt_v_base_world + 1], s[a.gt_v_base_world + 2])
    } else {
      this.source = 0
      e.p_base_world.fill(NaN)
      e.v_base_body.fill(NaN)
    }
  }
}

/** out = R(q) v for unit quaternion q = (w, x, y, z). */
function rotate (out: Float64Array, w: number, x: number, y: number, z: number, vx: number, vy: number, vz: number): void {
  const tx = 2 * (y * vz - z * vy)
  const ty = 2 * (z * vx - x * vz)
  const tz = 2 * (x * vy - y * vx)
  out[0] = vx + w * tx + (y * tz - z * ty)
  out[1] = vy + w * ty + (z * tx - x * tz)
  out[2] = vz + w * tz + (x * ty - y * tx)
}
