// Rate- and acceleration-limited tracking of a set point (one channel): the value x moves toward the
// target with its rate ẋ bounded by rate_max and its change of rate bounded by accel_max, braking in
// time to stop at the target (the time-optimal profile of a double integrator):
//
//   ẋ_want = sign(e)·min(rate_max, v_brake(|e|)),  e = target − x
//   ẋ ← ẋ + clamp(ẋ_want − ẋ, ±accel_max·dt);  x ← x + ẋ·dt
// with the discrete braking curve v_brake(e) = a·dt·(√(¼ + 2e/(a·dt²)) − ½) (the largest rate from
// which steps shrinking by a·dt per tick stop within e; → √(2ae) for small dt). A step that would pass
// the target lands on it and stops, from a rate of at most 2·a·dt.
//
// Writes x and xd. Never allocates.

export class RateLimiter {
  x: f64 = 0.0
  xd: f64 = 0.0
  rate_max: f64
  accel_max: f64

  constructor (rate_max: f64, accel_max: f64) {
    this.rate_max = rate_max
    this.accel_max = accel_max
  }

  reset (x: f64): void {
    this.x = x
    this.xd = 0.0
  }

  /** One step of dt [s] toward `target`; returns the new value. */
  step (target: f64, dt: f64): f64 {
    const e = target - this.x
    const a = this.accel_max
    const adt = a * dt
    let want = adt > 0.0 ? adt * (Math.sqrt(0.25 + 2.0 * Math.abs(e) / (adt * dt)) - 0.5) : 0.0
    if (want > this.rate_max) want = this.rate_max
    if (e < 0.0) want = -want
    let dv = want - this.xd
    const lim = adt
    if (dv > lim) dv = lim
    else if (dv < -lim) dv = -lim
    this.xd += dv
    const xn = this.x + this.xd * dt
    // do not step over the target (the discrete profile would ring around it)
    if ((target - xn) * e < 0.0) {
      this.x = target
      this.xd = 0.0
    } else {
      this.x = xn
    }
    return this.x
  }
}
