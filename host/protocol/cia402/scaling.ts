// Joint SI units ↔ CiA 402 drive units for one joint (units as firmware-bridge/PROTOCOL.md §5 states them after
// CiA 402-2: position in encoder increments, velocity in increments/s, torque in per-mille of the
// motor's rated torque 0x6076):
//
//   inc      = zero_offset_inc + direction · q · incs_per_rev · gear / 2π       q    [rad]
//   inc/s    = direction · q̇ · incs_per_rev · gear / 2π                         q̇   [rad/s]
//   ‰        = direction · τ · 1000 / (rated_N·m · gear)                         τ    [N·m, joint]
//
// gear = 0x6091:01 motor revs / 0x6091:02 shaft revs. To integers: round half away from zero (so the
// two directions give mirror-image codes), then clamp into the field (i32, i16) and, for torque, into
// ±max_torque_permille (0x6072). NaN encodes as 0 and is flagged. No allocation.

const I32_MIN = -2147483648
const I32_MAX = 2147483647
const I16_MAX = 32767

export interface Cia402ScalingParams {
  /** 0x608F encoder increments per motor revolution */
  incs_per_rev: number
  /** 0x6091:01 / 0x6091:02 motor revolutions per joint revolution */
  gear: number
  /** 0x6076 rated motor torque, mN·m */
  rated_torque_mNm: number
  /** 0x6072 max torque, ‰ of rated */
  max_torque_permille: number
  /** position actual value (increments) at joint angle 0; default 0 */
  zero_offset_inc?: number
  /** +1 or −1: sign between the joint axis and the drive's positive direction; default +1 */
  direction?: number
}

function roundAway (x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

/** Unit conversions of one joint's drive; the flags describe the newest to-drive conversion. */
export class Cia402Scaling {
  readonly incs_per_rev: number
  readonly gear: number
  readonly rated_torque_mNm: number
  readonly max_torque_permille: number
  readonly zero_offset_inc: number
  readonly direction: number
  /** increments per joint radian: incs_per_rev · gear / 2π */
  readonly inc_per_rad: number
  /** ‰ per joint N·m: 1000 / (rated_N·m · gear) */
  readonly permille_per_Nm: number
  /** joint torque at max_torque_permille, N·m */
  readonly tau_max: number
  /** the newest toDrive conversion was clamped (or was NaN) */
  clamped = false
  /** the newest toDrive conversion was NaN */
  nan = false

  constructor (p: Cia402ScalingParams) {
    const dir = p.direction ?? 1
    if (!(p.incs_per_rev > 0) || !(p.gear > 0) || !(p.rated_torque_mNm > 0) || !(p.max_torque_permille > 0) || (dir !== 1 && dir !== -1)) {
      throw new RangeError(`Cia402Scaling: incs_per_rev, gear, rated_torque_mNm, max_torque_permille must be > 0 and direction ±1 (got ${JSON.stringify(p)})`)
    }
    this.incs_per_rev = p.incs_per_rev
    this.gear = p.gear
    this.rated_torque_mNm = p.rated_torque_mNm
    this.max_torque_permille = Math.floor(Math.min(p.max_torque_permille, I16_MAX))
    this.zero_offset_inc = p.zero_offset_inc ?? 0
    this.direction = dir
    this.inc_per_rad = (p.incs_per_rev * p.gear) / (2 * Math.PI)
    this.permille_per_Nm = 1000 / ((p.rated_torque_mNm / 1000) * p.gear)
    this.tau_max = this.max_torque_permille / this.permille_per_Nm
  }

  /** Joint angle [rad] → target position [inc], i32. */
  radToInc (q: number): number {
    return this.toInt(this.zero_offset_inc + this.direction * q * this.inc_per_rad, I32_MIN, I32_MAX)
  }

  /** Position [inc] → joint angle [rad]. */
  incToRad (inc: number): number {
    return (this.direction * (inc - this.zero_offset_inc)) / this.inc_per_rad
  }

  /** Joint velocity [rad/s] → target velocity [inc/s], i32. */
  radPerSecToIncPerSec (qd: number): number {
    return this.toInt(this.direction * qd * this.inc_per_rad, I32_MIN, I32_MAX)
  }

  /** Velocity [inc/s] → joint velocity [rad/s]. */
  incPerSecToRadPerSec (v: number): number {
    return (this.direction * v) / this.inc_per_rad
  }

  /** Joint torque [N·m] → target torque [‰ of rated], clamped to ±max_torque_permille. */
  nmToPermille (tau: number): number {
    return this.toInt(this.direction * tau * this.permille_per_Nm, -this.max_torque_permille, this.max_torque_permille)
  }

  /** Torque [‰ of rated] → joint torque [N·m]. */
  permilleToNm (permille: number): number {
    return (this.direction * permille) / this.permille_per_Nm
  }

  private toInt (x: number, lo: number, hi: number): number {
    this.nan = Number.isNaN(x)
    if (this.nan) { this.clamped = true; return 0 }
    const r = roundAway(x)
    if (r < lo) { this.clamped = true; return lo }
    if (r > hi) { this.clamped = true; return hi }
    this.clamped = false
    return r
  }
}
