// Touchdown handling: the contact state the controller acts on, from the schedule and the contact
// estimate. Per foot:
//   scheduled swing begins               → lift-off (the swing starts from where the foot is)
//   swinging, s ≥ early_min, contact     → early touchdown: the swing ends, the foot stands until its
//                                          next scheduled swing
//   scheduled stance, no contact yet     → late touchdown: the foot keeps swinging (reaching down,
//                                          s > 1) until contact or late_max_s, then stands anyway
//   otherwise                            → the schedule
// Writes contact (nf, 1 = stance), s (nf, swing progress, > 1 while reaching down late), liftoff and
// touchdown (nf, 1 on the tick the event happens). Never allocates.

export class TouchdownHandler {
  readonly nf: i32
  /** Swing progress from which a contact counts as an early touchdown. */
  early_min: f64 = 0.6
  /** Longest late search after the scheduled touchdown [s]. */
  late_max_s: f64 = 0.12

  readonly contact: StaticArray<u8>
  readonly s: StaticArray<f64>
  readonly liftoff: StaticArray<u8>
  readonly touchdown: StaticArray<u8>
  /** Late touchdowns and early touchdowns so far (telemetry). */
  late_count: i32 = 0
  early_count: i32 = 0
  private readonly late_s: StaticArray<f64>
  private readonly landed: StaticArray<u8>

  constructor (nf: i32) {
    this.nf = nf
    this.contact = new StaticArray<u8>(nf)
    this.s = new StaticArray<f64>(nf)
    this.liftoff = new StaticArray<u8>(nf)
    this.touchdown = new StaticArray<u8>(nf)
    this.late_s = new StaticArray<f64>(nf)
    this.landed = new StaticArray<u8>(nf)
    this.reset()
  }

  reset (): void {
    for (let i = 0; i < this.nf; i++) {
      this.contact[i] = 1
      this.s[i] = 0.0
      this.liftoff[i] = 0
      this.touchdown[i] = 0
      this.late_s[i] = 0.0
      this.landed[i] = 0
    }
  }

  /**
   * One tick: sched (nf, 1 stance), sched_phase (nf, progress of the scheduled phase), swing_s (nf,
   * swing duration [s]), est (nf, estimated contact, 1 in contact), dt [s].
   */
  update (sched: StaticArray<u8>, sched_phase: StaticArray<f64>, swing_s: StaticArray<f64>, est: StaticArray<f64>, dt: f64): void {
    for (let i = 0; i < this.nf; i++) {
      this.liftoff[i] = 0
      this.touchdown[i] = 0
      const was = this.contact[i]
      const inContact = est[i] > 0.5
      if (sched[i] == 0) {
        if (this.landed[i] != 0) continue
        if (was != 0 && this.late_s[i] == 0.0) {
          this.contact[i] = 0
          this.liftoff[i] = 1
        }
        this.late_s[i] = 0.0
        this.s[i] = sched_phase[i]
        if (this.contact[i] == 0 && sched_phase[i] >= this.early_min && inContact) {
          this.contact[i] = 1
          this.touchdown[i] = 1
          this.landed[i] = 1
          this.early_count++
        }
      } else {
        this.landed[i] = 0
        if (was == 0) {
          // the scheduled swing is over: stand on contact, else keep reaching down for a while
          const T = swing_s[i] > 0.0 ? swing_s[i] : 1.0
          if (inContact || this.late_s[i] >= this.late_max_s) {
            this.contact[i] = 1
            this.touchdown[i] = 1
            this.late_s[i] = 0.0
          } else {
            if (this.late_s[i] == 0.0) this.late_count++
            this.late_s[i] += dt
            this.s[i] = 1.0 + this.late_s[i] / T
          }
        } else {
          this.s[i] = 0.0
        }
      }
    }
  }
}
