// Field ranges of one drive: what MIT packing clamps into and scales by.
import type { MitModel } from './models.ts'

export interface MitRange {
  p_min: number // rad
  p_max: number
  v_min: number // rad/s
  v_max: number
  t_min: number // N·m
  t_max: number
  kp_min: number // N·m/rad
  kp_max: number
  kd_min: number // N·m·s/rad
  kd_max: number
}

/** Symmetric p, v, t ranges and kp, kd from 0, as every model of models.ts defines them. */
export function rangeOfModel (m: MitModel): MitRange {
  return {
    p_min: -m.p_max, p_max: m.p_max,
    v_min: -m.v_max, v_max: m.v_max,
    t_min: -m.t_max, t_max: m.t_max,
    kp_min: 0, kp_max: m.kp_max,
    kd_min: 0, kd_max: m.kd_max
  }
}
