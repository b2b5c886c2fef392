// Frame drift J̇·v (Pinocchio getFrameClassicalAcceleration at a = 0, LOCAL_WORLD_ALIGNED): the
// classical acceleration of the frame origin p when qacc = 0 (gravity excluded), and the angular
// acceleration, world-aligned. For the link's bias acceleration [a_O, α] and velocity [v_O, ω] at the
// world origin: p̈ = a_O + α × p + ω × (v_O + ω × p).
//
// Reads data.link_acc_bias, data.link_vel (forwardVelocity), data.link_pos/link_rot.
// Writes data.frame_drift block f.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { frameOrigin } from './frame-placement'

/** J̇·v of frame `f` into data.frame_drift[6f..6f+6]. Requires forwardKinematics, forwardVelocity. */
export function frameDrift (model: Model, data: Data, f: i32): void {
  assert(f >= 0 && f < model.nframe)
  const out = data.frame_drift
  const o = 6 * f
  frameOrigin(model, data, f, out, o)
  const px = unchecked(out[o]); const py = unchecked(out[o + 1]); const pz = unchecked(out[o + 2])
  const k6 = 6 * unchecked(model.frame_link[f])
  const V = data.link_vel
  const A = data.link_acc_bias
  const wx = unchecked(V[k6 + 3]); const wy = unchecked(V[k6 + 4]); const wz = unchecked(V[k6 + 5])
  // velocity of the origin
  const vx = unchecked(V[k6]) + wy * pz - wz * py
  const vy = unchecked(V[k6 + 1]) + wz * px - wx * pz
  const vz = unchecked(V[k6 + 2]) + wx * py - wy * px
  const ax = unchecked(A[k6 + 3]); const ay = unchecked(A[k6 + 4]); const az = unchecked(A[k6 + 5])
  unchecked(out[o] = A[k6] + ay * pz - az * py + wy * vz - wz * vy)
  unchecked(out[o + 1] = A[k6 + 1] + az * px - ax * pz + wz * vx - wx * vz)
  unchecked(out[o + 2] = A[k6 + 2] + ax * py - ay * px + wx * vy - wy * vx)
  unchecked(out[o + 3] = ax)
  unchecked(out[o + 4] = ay)
  unchecked(out[o + 5] = az)
}
