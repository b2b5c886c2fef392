// CiA 402 statusword 0x6041 → device-control state and flags (CiA 402-2 / IEC 61800-7-201, statusword
// bit coding table). States are recognised by value & mask, never by the whole word: the bits outside
// each mask (voltage enabled, warning, remote, target reached, mode-specific and manufacturer bits)
// change freely while the state holds.
//
//   state                      mask     value
//   not ready to switch on     0x004F   0x0000
//   switch on disabled         0x004F   0x0040
//   ready to switch on         0x006F   0x0021
//   switched on                0x006F   0x0023
//   operation enabled          0x006F   0x0027
//   quick stop active          0x006F   0x0007
//   fault reaction active      0x004F   0x000F
//   fault                      0x004F   0x0008

/** Device-control states; UNKNOWN = a bit pattern the table above does not define. */
export const Cia402State = {
  NOT_READY: 0,
  SWITCH_ON_DISABLED: 1,
  READY_TO_SWITCH_ON: 2,
  SWITCHED_ON: 3,
  OPERATION_ENABLED: 4,
  QUICK_STOP_ACTIVE: 5,
  FAULT_REACTION_ACTIVE: 6,
  FAULT: 7,
  UNKNOWN: 8
} as const
export type Cia402StateCode = typeof Cia402State[keyof typeof Cia402State]

/** Statusword bits (CiA 402-2). Bits 12 and 13 are mode-specific; bit 13 is following error in CSP. */
export const Cia402Sw = {
  READY_TO_SWITCH_ON: 1 << 0,
  SWITCHED_ON: 1 << 1,
  OPERATION_ENABLED: 1 << 2,
  FAULT: 1 << 3,
  VOLTAGE_ENABLED: 1 << 4,
  QUICK_STOP: 1 << 5,
  SWITCH_ON_DISABLED: 1 << 6,
  WARNING: 1 << 7,
  REMOTE: 1 << 9,
  TARGET_REACHED: 1 << 10,
  INTERNAL_LIMIT_ACTIVE: 1 << 11,
  FOLLOWING_ERROR: 1 << 13
} as const

/** Modes of operation 0x6060 / 0x6061 used here (CiA 402-2): cyclic synchronous position, velocity, torque. */
export const Cia402Mode = { CSP: 8, CSV: 9, CST: 10 } as const
export type Cia402ModeCode = typeof Cia402Mode[keyof typeof Cia402Mode]

const NAMES: readonly string[] = [
  'not ready to switch on', 'switch on disabled', 'ready to switch on', 'switched on', 'operation enabled',
  'quick stop active', 'fault reaction active', 'fault', 'unknown state'
]

/** The device-control state a statusword encodes (masks of the table above). */
export function decodeStatusword (sw: number): Cia402StateCode {
  const a = sw & 0x004f
  if (a === 0x0000) return Cia402State.NOT_READY
  if (a === 0x0040) return Cia402State.SWITCH_ON_DISABLED
  if (a === 0x000f) return Cia402State.FAULT_REACTION_ACTIVE
  if (a === 0x0008) return Cia402State.FAULT
  switch (sw & 0x006f) {
    case 0x0021: return Cia402State.READY_TO_SWITCH_ON
    case 0x0023: return Cia402State.SWITCHED_ON
    case 0x0027: return Cia402State.OPERATION_ENABLED
    case 0x0007: return Cia402State.QUICK_STOP_ACTIVE
  }
  return Cia402State.UNKNOWN
}

/** Lower-case name of a state, for messages ('switch on disabled'). */
export function cia402StateName (state: number): string {
  return state >= 0 && state < NAMES.length ? NAMES[state | 0] : NAMES[Cia402State.UNKNOWN]
}

/** A decoded statusword. */
export interface Cia402Status {
  /** the raw word */
  statusword: number
  state: Cia402StateCode
  /** bit 7: the drive reports a warning (it keeps running) */
  warning: boolean
  /** bit 9: the controlword is obeyed (drive under fieldbus control) */
  remote: boolean
  /** bit 10 */
  target_reached: boolean
  /** bit 11: a drive-internal limit (torque, velocity, position) is active */
  internal_limit: boolean
  /** bit 13, meaningful in CSP only (false in other modes) */
  following_error: boolean
}

/** A zero-filled Cia402Status, allocated once, for decodeStatus. */
export function createCia402Status (): Cia402Status {
  return { statusword: 0, state: Cia402State.NOT_READY, warning: false, remote: false, target_reached: false, internal_limit: false, following_error: false }
}

/** Decodes statusword `sw` seen in mode `mode` (0x6061) into `into`; returns into.state. */
export function decodeStatus (sw: number, mode: number, into: Cia402Status): Cia402StateCode {
  const w = sw & 0xffff
  into.statusword = w
  into.state = decodeStatusword(w)
  into.warning = (w & Cia402Sw.WARNING) !== 0
  into.remote = (w & Cia402Sw.REMOTE) !== 0
  into.target_reached = (w & Cia402Sw.TARGET_REACHED) !== 0
  into.internal_limit = (w & Cia402Sw.INTERNAL_LIMIT_ACTIVE) !== 0
  into.following_error = mode === Cia402Mode.CSP && (w & Cia402Sw.FOLLOWING_ERROR) !== 0
  return into.state
}
