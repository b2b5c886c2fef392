// Contact probability per foot from three pieces of evidence, fused as a sum of log-odds (independent
// evidence in a naive-Bayes sense; the idea of fusing gait phase, foot height and force follows Bledt,
// Wensing, Ingersoll, Kim, "Contact Model Fusion for Event-Based Locomotion in Unstructured Terrains",
// ICRA 2018, here with logistic terms instead of Gaussian CDFs):
//   schedule  ℓ_s = ±ℓ_sched·min(1, min(t_elapsed, t_remaining)/t_edge)  (+ stance, − swing, 0 without a schedule)
//             near a scheduled touchdown or lift-off the schedule says nothing: the foot may be early or late
//   force     ℓ_f = clamp((f̄_n − f_mid)/f_scale, ±ℓ_force)              (torque-based normal force f_n,
//             low-passed: f̄_n ← f̄_n + α·(f_n − f̄_n), α = dt/(τ + dt), against the estimate's white noise)
//   height    ℓ_h = −min(ℓ_height, (h − h_mid)/h_scale) when h > h_mid, else 0
//             (a high foot is not in contact; a low one may hang in a hole, so height never votes for contact)
//   p = 1 / (1 + exp(−(ℓ_s + ℓ_f + ℓ_h)))
// A binary contact with hysteresis (on above p_on, off below p_off) gives the touchdown and lift-off events.
//
// Reads the per-foot evidence; writes prob, contact, touchdown, liftoff, logodds. No allocation after construction.

export class ContactEstimator {
  readonly nf: i32
  /** (nf) contact probability. */
  readonly prob: StaticArray<f64>
  /** (nf) 1 in contact (hysteresis on prob), else 0. */
  readonly contact: StaticArray<i32>
  /** (nf) 1 on the update where contact began / ended, else 0. */
  readonly touchdown: StaticArray<i32>
  readonly liftoff: StaticArray<i32>
  /** (nf × 3) log-odds from schedule, force, height (for inspection). */
  readonly logodds: StaticArray<f64>
  /** (nf) low-passed normal force [N]. */
  readonly force_filt: StaticArray<f64>

  constructor (nf: i32) {
    this.nf = nf
    this.prob = new StaticArray<f64>(nf)
    this.contact = new StaticArray<i32>(nf)
    this.touchdown = new StaticArray<i32>(nf)
    this.liftoff = new StaticArray<i32>(nf)
    this.logodds = new StaticArray<f64>(3 * nf)
    this.force_filt = new StaticArray<f64>(nf)
  }

  /** Low-passes foot i's normal force fn [N] over dt with time constant tau [s]; returns the filtered value. */
  filterForce (i: i32, fn: f64, dt: f64, tau: f64): f64 {
    const a = dt / (tau + dt)
    const f = this.force_filt[i] + a * (fn - this.force_filt[i])
    this.force_filt[i] = f
    return f
  }

  /** Log-odds of contact from the gait schedule: state 1 stance, 0 swing, anything else none. */
  @inline static scheduleLogOdds (state: f64, elapsed: f64, remaining: f64, l: f64, edge: f64): f64 {
    if (state != 1.0 && state != 0.0) return 0.0
    let t = elapsed < remaining ? elapsed : remaining
    if (t < 0.0) t = 0.0
    const w = edge > 0.0 ? (t < edge ? t / edge : 1.0) : 1.0
    return state == 1.0 ? l * w : -l * w
  }

  /** Log-odds from the estimated normal force f_n [N]. */
  @inline static forceLogOdds (fn: f64, mid: f64, scale: f64, l: f64): f64 {
    const x = (fn - mid) / scale
    return x > l ? l : (x < -l ? -l : x)
  }

  /** Log-odds from the contact-point height above the ground h [m] (never positive). */
  @inline static heightLogOdds (h: f64, mid: f64, scale: f64, l: f64): f64 {
    if (!(h > mid)) return 0.0
    const x = (h - mid) / scale
    return x > l ? -l : -x
  }

  /** Sets every foot's contact state from its probability, and its filtered force from fn (3 per foot, z used). */
  resetFrom (prob: StaticArray<f64>, fn: StaticArray<f64>): void {
    for (let i = 0; i < this.nf; i++) {
      this.force_filt[i] = fn[3 * i + 2]
      this.prob[i] = prob[i]
      this.contact[i] = prob[i] > 0.5 ? 1 : 0
      this.touchdown[i] = 0
      this.liftoff[i] = 0
    }
  }

  /** Fuses the evidence of foot i (log-odds ls, lf, lh) and applies the hysteresis. */
  fuse (i: i32, ls: f64, lf: f64, lh: f64, pOn: f64, pOff: f64): void {
    this.logodds[3 * i] = ls
    this.logodds[3 * i + 1] = lf
    this.logodds[3 * i + 2] = lh
    const p = 1.0 / (1.0 + Math.exp(-(ls + lf + lh)))
    this.prob[i] = p
    this.touchdown[i] = 0
    this.liftoff[i] = 0
    if (this.contact[i] == 0 && p > pOn) {
      this.contact[i] = 1
      this.touchdown[i] = 1
    } else if (this.contact[i] != 0 && p < pOff) {
      this.contact[i] = 0
      this.liftoff[i] = 1
    }
  }
}
