// The gait table: each gait as a period, a duty factor (stance fraction of the cycle) and a phase offset
// per leg role, after the gait atlases used by the MIT Cheetah and OCS2 (offsets: the phase at which
// the leg's stance begins, in cycles). A foot's phase is φ_i = (φ − offset_i) mod 1; it stands for
// φ_i < duty and swings for the rest of the cycle.
//
// Leg roles are fixed by where a foot sits on the body (front/hind, left/right), so the table does not
// depend on the order in which a robot lists its feet.

export const GAIT_STAND: i32 = 0
export const GAIT_WALKING_TROT: i32 = 1
export const GAIT_TROT: i32 = 2
export const GAIT_PACE: i32 = 3
export const GAIT_BOUND: i32 = 4
export const GAIT_PRONK: i32 = 5
export const GAIT_STATIC_WALK: i32 = 6
export const GAIT_COUNT: i32 = 7

/** Leg roles (index into the offset rows). */
export const ROLE_FL: i32 = 0
export const ROLE_FR: i32 = 1
export const ROLE_RL: i32 = 2
export const ROLE_RR: i32 = 3

// Per gait: period scale (× the configured trot period), duty factor, offsets FL FR RL RR [cycles].
// Static walk: the crawl sequence RL → FL → RR → FR with duty 0.8, so three or four feet always stand.
const TABLE: StaticArray<f64> = [
  1.0, 1.0, 0.0, 0.0, 0.0, 0.0,     // stand (never swings)
  1.2, 0.6, 0.0, 0.5, 0.5, 0.0,     // walking trot: trot pairs with a double-support overlap
  1.0, 0.5, 0.0, 0.5, 0.5, 0.0,     // trot: diagonal pairs
  1.0, 0.5, 0.0, 0.5, 0.0, 0.5,     // pace: lateral pairs
  1.0, 0.4, 0.0, 0.0, 0.5, 0.5,     // bound: front pair, hind pair
  1.0, 0.5, 0.0, 0.0, 0.0, 0.0,     // pronk: all four together
  2.0, 0.8, 0.25, 0.75, 0.0, 0.5    // static walk
]

/** Period of `gait` for a base (trot) period T [s]. */
export function gaitPeriod (gait: i32, T: f64): f64 { return TABLE[6 * gait] * T }

/** Duty factor of `gait` (1 for stand). */
export function gaitDuty (gait: i32): f64 { return TABLE[6 * gait + 1] }

/** Stance-start phase offset of leg role `role` in `gait` [cycles]. */
export function gaitOffset (gait: i32, role: i32): f64 { return TABLE[6 * gait + 2 + role] }

/** True when `gait` is a valid id. */
export function gaitValid (gait: i32): bool { return gait >= 0 && gait < GAIT_COUNT }
