// Gait scheduler: advances the gait phase and says, per foot, whether it stands or swings, how far
// through its phase it is and how long the phase lasts. Gaits come from gait-table.ts.
//
//   φ ← φ + dt / T_gait (mod 1);  φ_i = (φ − offset_i) mod 1;  stance ⇔ φ_i < duty
//
// Transitions happen only at a safe phase: all feet on the ground. A requested change of gait (to stand
// or to another gait) first *drains* the current one: a swinging foot finishes its swing, a standing
// foot does not lift again; once every foot has stood for `dwell_s` (the feet that just landed take
// load), the new gait starts at φ = 0 (stand just stays; leaving stand needs no dwell).
// Leaving stand is always safe (every foot stands), and the first swing of a new gait starts from rest,
// so stand → walk and walk → stand have no jolt; the speed ramp is the reference's job.
//
// Reads the requested gait and period; writes per-foot `contact`, `phase`, `phase_s` (duration of the
// current phase) and `remaining_s`, and the horizon contact plan (contactAt). Never allocates after
// construction.
import { GAIT_STAND, gaitDuty, gaitOffset, gaitPeriod, gaitValid } from './gait-table'

export class GaitScheduler {
  readonly nf: i32
  /** (nf) leg role of each foot (gait-table ROLE_*). */
  readonly role: StaticArray<i32>
  /** Current gait and the one requested. */
  gait: i32 = GAIT_STAND
  requested: i32 = GAIT_STAND
  /** Base (trot) period [s]; a new value takes effect at once, keeping φ. */
  period_s: f64 = 0.36
  /** Gait phase φ ∈ [0, 1). */
  phi: f64 = 0.0
  /** 1 while draining toward a transition. */
  draining: bool = false
  /** Number of completed transitions (for tests and telemetry). */
  transitions: i32 = 0
  /** All-stance dwell before a transition [s]: the feet that just landed load before any foot lifts. */
  dwell_s: f64 = 0.04
  private dwelled: f64 = 0.0

  // --- per-foot outputs (nf) ---
  /** 1 = scheduled stance. */
  readonly contact: StaticArray<u8>
  /** Progress through the current stance or swing, in [0, 1]. */
  readonly phase: StaticArray<f64>
  /** Duration of the current stance or swing [s] (stand: the period). */
  readonly phase_s: StaticArray<f64>
  /** Time left in the current phase [s]. */
  readonly remaining_s: StaticArray<f64>
  /** Duration of the swing of the current gait [s] (0 for stand). */
  readonly swing_s: StaticArray<f64>
  /** 1 when the foot must not lift again before the transition (draining). */
  private readonly held: StaticArray<u8>

  constructor (role: StaticArray<i32>) {
    const nf = role.length
    this.nf = nf
    this.role = role
    this.contact = new StaticArray<u8>(nf)
    this.phase = new StaticArray<f64>(nf)
    this.phase_s = new StaticArray<f64>(nf)
    this.remaining_s = new StaticArray<f64>(nf)
    this.swing_s = new StaticArray<f64>(nf)
    this.held = new StaticArray<u8>(nf)
    this.reset()
  }

  /** Back to stand, φ = 0. */
  reset (): void {
    this.gait = GAIT_STAND
    this.requested = GAIT_STAND
    this.phi = 0.0
    this.draining = false
    for (let i = 0; i < this.nf; i++) this.held[i] = 0
    this.evaluate()
  }

  /** Requests `gait` (ignored when invalid); it starts at the next safe phase. */
  request (gait: i32): void {
    if (gaitValid(gait)) this.requested = gait
  }

  /** Advances by dt [s] and updates the per-foot outputs. */
  advance (dt: f64): void {
    if (this.requested != this.gait && !this.draining) {
      this.draining = true
      this.dwelled = 0.0
      for (let i = 0; i < this.nf; i++) this.held[i] = 0
    }
    if (this.gait != GAIT_STAND) {
      this.phi += dt / gaitPeriod(this.gait, this.period_s)
      this.phi -= Math.floor(this.phi)
    }
    this.evaluate()
    if (this.draining) {
      let all = true
      for (let i = 0; i < this.nf; i++) {
        if (this.contact[i] != 0) this.held[i] = 1
        else all = false
      }
      if (all) {
        if (this.dwelled >= this.dwell_s || this.gait == GAIT_STAND) this.switchNow()
        else this.dwelled += dt
      }
    }
  }

  /** The transition itself (every foot stands): start the requested gait at φ = 0. */
  private switchNow (): void {
    this.gait = this.requested
    this.phi = 0.0
    this.draining = false
    for (let i = 0; i < this.nf; i++) this.held[i] = 0
    this.transitions++
    this.evaluate()
  }

  /** Writes the per-foot outputs for the current φ. */
  private evaluate (): void {
    const g = this.gait
    const T = gaitPeriod(g, this.period_s)
    const duty = gaitDuty(g)
    for (let i = 0; i < this.nf; i++) {
      if (g == GAIT_STAND) {
        this.contact[i] = 1
        this.phase[i] = 0.0
        this.phase_s[i] = T
        this.remaining_s[i] = T
        this.swing_s[i] = 0.0
        continue
      }
      let p = this.phi - gaitOffset(g, this.role[i])
      p -= Math.floor(p)
      this.swing_s[i] = (1.0 - duty) * T
      if (p < duty || (this.draining && this.held[i] != 0)) {
        this.contact[i] = 1
        const st = p < duty ? p / duty : 1.0
        this.phase[i] = st
        this.phase_s[i] = duty * T
        this.remaining_s[i] = this.draining ? T : (duty - p) * T
      } else {
        this.contact[i] = 0
        const s = (p - duty) / (1.0 - duty)
        this.phase[i] = s
        this.phase_s[i] = (1.0 - duty) * T
        this.remaining_s[i] = (1.0 - p) * T
      }
    }
  }

  /**
   * Scheduled contact of foot i at `ahead` [s] from now (1 stance), for the MPC's contact plan. While
   * draining, a foot that stands (or finishes its swing) stays down; the next gait is not anticipated.
   */
  contactAt (i: i32, ahead: f64): u8 {
    const g = this.gait
    if (g == GAIT_STAND) return 1
    if (this.draining) {
      if (this.contact[i] != 0) return 1
      return ahead >= this.remaining_s[i] ? 1 : 0
    }
    const T = gaitPeriod(g, this.period_s)
    let p = this.phi + ahead / T - gaitOffset(g, this.role[i])
    p -= Math.floor(p)
    return p < gaitDuty(g) ? 1 : 0
  }

  /**
   * Swing progress s ∈ [0, 1) of foot i at `ahead` [s] from now, −1 when it is scheduled in stance then
   * (the kinodynamic NMPC's swing-height reference); same schedule as contactAt.
   */
  swingProgressAt (i: i32, ahead: f64): f64 {
    const g = this.gait
    if (g == GAIT_STAND) return -1.0
    if (this.draining) {
      if (this.contact[i] != 0 || ahead >= this.remaining_s[i]) return -1.0
      return this.phase[i] + ahead / this.swing_s[i]
    }
    const T = gaitPeriod(g, this.period_s)
    const duty = gaitDuty(g)
    let p = this.phi + ahead / T - gaitOffset(g, this.role[i])
    p -= Math.floor(p)
    return p < duty ? -1.0 : (p - duty) / (1.0 - duty)
  }

  /** Stance duration of the current gait [s] (the period for stand). */
  stanceDuration (): f64 {
    const T = gaitPeriod(this.gait, this.period_s)
    return this.gait == GAIT_STAND ? T : gaitDuty(this.gait) * T
  }
}
