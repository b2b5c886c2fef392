// Multi-turn position from MIT replies. The reference firmware packs the multi-turn angle without
// clamping and sends the low 16 bits of the code (bgkatz/motorcontrol can.c pack_reply), so the
// reported position jumps by one period 65536·span/65535 each time the shaft crosses ±p_max.
// Unwrapping assumes the shaft moves less than half a span (12.5 rad for ±12.5) between two
// replies — 6 250 rad/s at 500 Hz, far above any drive's velocity range.
import type { MitRange } from './range.ts'

export interface PositionUnwrap {
  initialized: boolean
  /** last reported (wrapped) position, rad */
  last_reported: number
  /** whole periods added so far */
  turns: number
  /** the unwrapped position, rad (what unwrapPosition returned last) */
  q: number
}

/** A zero-filled PositionUnwrap object, allocated once, for the pack / unpack functions. */
export function createPositionUnwrap (): PositionUnwrap {
  return { initialized: false, last_reported: 0, turns: 0, q: 0 }
}

/** Wrap period of the 16-bit position field of a range, rad. */
export function positionWrapPeriod (r: MitRange): number {
  return (65536 * (r.p_max - r.p_min)) / 65535
}

/** Feeds one reported position (rad); returns and stores the unwrapped position. */
export function unwrapPosition (s: PositionUnwrap, reported: number, r: MitRange): number {
  const period = positionWrapPeriod(r)
  if (!s.initialized) {
    s.initialized = true
    s.turns = 0
  } else {
    const d = reported - s.last_reported
    if (d > period / 2) s.turns--
    else if (d < -period / 2) s.turns++
  }
  s.last_reported = reported
  s.q = reported + s.turns * period
  return s.q
}
