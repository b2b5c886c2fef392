// Frame velocity (Pinocchio getFrameVelocity LOCAL_WORLD_ALIGNED; MuJoCo mj_objectVelocity with
// flg_local = 0, reordered linear first): the velocity of the frame origin p and the angular
// velocity, world-aligned: [v_O + ω × p, ω] for the link's spatial velocity [v_O, ω] at the world origin.
//
// Reads data.link_vel (forwardVelocity), data.link_pos/link_rot. Writes data.frame_vel block f.
import { Model } from '../model/model'
import { Data } from '../model/data'
import { frameOrigin } from './frame-placement'

/** Velocity of frame `f` into data.frame_vel[6f..6f+6]. Requires forwardKinematics, forwardVelocity. */
export function frameVelocity (model: Model, data: Data, f: i32): void {
  assert(f >= 0 && f < model.nframe)
  const out = data.frame_vel
  const o = 6 * f
  frameOrigin(model, data, f, out, o) // p, overwritten below
  const px = unchecked(out[o]); const py = unchecked(out[o + 1]); const pz = unchecked(out[o + 2])
  const V = data.link_vel
  const vo = 6 * unchecked(model.frame_link[f])
  const wx = unchecked(V[vo + 3]); const wy = unchecked(V[vo + 4]); const wz = unchecked(V[vo + 5])
  unchecked(out[o] = V[vo] + wy * pz - wz * py)
  unchecked(out[o + 1] = V[vo + 1] + wz * px - wx * pz)
  unchecked(out[o + 2] = V[vo + 2] + wx * py - wy * px)
  unchecked(out[o + 3] = wx)
  unchecked(out[o + 4] = wy)
  unchecked(out[o + 5] = wz)
}
