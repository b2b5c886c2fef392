// Live parameter edits ramp in when they are big: a change larger than
//   threshold = max(RAMP_REL · |from|, RAMP_SPAN · (max − min))      (the span term only for finite bounds)
// moves linearly from `from` to `to` over RAMP_S, in steps every RAMP_STEP_MS; smaller ones apply at once.
// A gain that jumps by 10× in one tick kicks the robot; the same change over half a second does not.

/** Relative size of a change that ramps. */
export const RAMP_REL = 0.2
/** Share of the bounds' width that ramps (what counts as big when the value is at or near zero). */
export const RAMP_SPAN = 0.002
/** Ramp duration [s]. */
export const RAMP_S = 0.5
/** Time between ramp updates [ms] (50 Hz). */
export const RAMP_STEP_MS = 20

export interface Ramp {
  from: number
  to: number
  /** Start on the ramp clock [ms]. */
  t0_ms: number
  duration_ms: number
}

/** True when going from `from` to `to` must ramp, for a parameter bounded by [min, max]. */
export function needsRamp (from: number, to: number, min: number, max: number): boolean {
  const span = Number.isFinite(max - min) ? RAMP_SPAN * (max - min) : 0
  return Math.abs(to - from) > Math.max(RAMP_REL * Math.abs(from), span)
}

export function startRamp (from: number, to: number, now_ms: number): Ramp {
  return { from, to, t0_ms: now_ms, duration_ms: RAMP_S * 1000 }
}

/** The ramp's value at `now_ms` (exactly `to` once it has ended). */
export function rampValue (r: Ramp, now_ms: number): number {
  const s = (now_ms - r.t0_ms) / r.duration_ms
  if (s >= 1) return r.to
  if (s <= 0) return r.from
  return r.from + s * (r.to - r.from)
}
