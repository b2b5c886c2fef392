// Frame placements (Pinocchio updateFramePlacement; MuJoCo site_xpos/site_xmat):
// oMf = oMlink · linkMf. Reads data.link_pos/link_rot (forwardKinematics); writes data.frame_pos,
// data.frame_rot.
import { Model } from '../model/model'
import { Data } from '../model/data'

/**
 * World placement of frame `f`. Requires forwardKinematics.
 * Writes data.frame_pos[3f..3f+3] (origin, world [m]) and data.frame_rot[9f..9f+9] (world-from-frame).
 */
export function framePlacement (model: Model, data: Data, f: i32): void {
  assert(f >= 0 && f < model.nframe)
  const k = unchecked(model.frame_link[f])
  const R = data.link_rot
  const ro = 9 * k
  const po = 3 * k
  const F = model.frame_rot
  const fo = 9 * f
  const lx = unchecked(model.frame_pos[3 * f]); const ly = unchecked(model.frame_pos[3 * f + 1]); const lz = unchecked(model.frame_pos[3 * f + 2])
  const out = data.frame_rot
  for (let r = 0; r < 3; r++) {
    const a0 = unchecked(R[ro + 3 * r]); const a1 = unchecked(R[ro + 3 * r + 1]); const a2 = unchecked(R[ro + 3 * r + 2])
    unchecked(data.frame_pos[3 * f + r] = data.link_pos[po + r] + a0 * lx + a1 * ly + a2 * lz)
    unchecked(out[fo + 3 * r] = a0 * F[fo] + a1 * F[fo + 3] + a2 * F[fo + 6])
    unchecked(out[fo + 3 * r + 1] = a0 * F[fo + 1] + a1 * F[fo + 4] + a2 * F[fo + 7])
    unchecked(out[fo + 3 * r + 2] = a0 * F[fo + 2] + a1 * F[fo + 5] + a2 * F[fo + 8])
  }
}

/** framePlacement for every frame. Requires forwardKinematics. */
export function framePlacements (model: Model, data: Data): void {
  for (let f = 0; f < model.nframe; f++) framePlacement(model, data, f)
}

/** World position of frame `f`'s origin into out[oo..oo+3], from the link placement (no frame_rot). */
@inline export function frameOrigin (model: Model, data: Data, f: i32, out: StaticArray<f64>, oo: i32): void {
  const k = unchecked(model.frame_link[f])
  const R = data.link_rot
  const ro = 9 * k
  const po = 3 * k
  const lx = unchecked(model.frame_pos[3 * f]); const ly = unchecked(model.frame_pos[3 * f + 1]); const lz = unchecked(model.frame_pos[3 * f + 2])
  unchecked(out[oo] = data.link_pos[po] + R[ro] * lx + R[ro + 1] * ly + R[ro + 2] * lz)
  unchecked(out[oo + 1] = data.link_pos[po + 1] + R[ro + 3] * lx + R[ro + 4] * ly + R[ro + 5] * lz)
  unchecked(out[oo + 2] = data.link_pos[po + 2] + R[ro + 6] * lx + R[ro + 7] * ly + R[ro + 8] * lz)
}
