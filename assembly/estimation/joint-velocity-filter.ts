// Joint velocity filter for quantized encoders: one 3-state Kalman filter per joint, x = [q, q̇, q̈],
// constant-acceleration model driven by white jerk of density s_j, measured by the encoder position
// (noise σ_q: quantization Δ/√12 plus the encoder's own noise) and the driver's velocity (σ_q̇: a
// difference of quantized samples over a fraction of a millisecond, hence noisy).
//   F = [[1, dt, dt²/2], [0, 1, dt], [0, 0, 1]]
//   Q = s_j²·[[dt⁵/20, dt⁴/8, dt³/6], [dt⁴/8, dt³/3, dt²/2], [dt³/6, dt²/2, dt]]
// The position measurement carries most of the velocity information at 500 Hz (Δ/dt ≈ 0.03 rad/s
// per count); q̈ feeds the torque-based contact force.
//
// Reads the measured q, q̇; writes x (filtered q, q̇, q̈). Nothing is allocated after construction.

export class JointVelocityFilter {
  readonly n: i32
  /** (n × 3) [q, q̇, q̈] per joint [rad, rad/s, rad/s²]. */
  readonly x: StaticArray<f64>
  /** (n × 6) covariance, upper triangle [p00, p01, p02, p11, p12, p22]. */
  readonly P: StaticArray<f64>

  constructor (n: i32) {
    this.n = n
    this.x = new StaticArray<f64>(3 * n)
    this.P = new StaticArray<f64>(6 * n)
  }

  /** Starts every joint at the measured position and velocity with a wide prior on q̇ and q̈. */
  reset (q: StaticArray<f64>, qd: StaticArray<f64>, sq: f64, sqd: f64): void {
    for (let j = 0; j < this.n; j++) {
      const o = 3 * j
      this.x[o] = q[j]; this.x[o + 1] = qd[j]; this.x[o + 2] = 0.0
      const p = 6 * j
      this.P[p] = sq * sq; this.P[p + 1] = 0.0; this.P[p + 2] = 0.0
      this.P[p + 3] = sqd * sqd; this.P[p + 4] = 0.0; this.P[p + 5] = 100.0
    }
  }

  /** One predict + two scalar updates per joint. `dt` [s] > 0; σ and s_j as in the file header. */
  update (q: StaticArray<f64>, qd: StaticArray<f64>, dt: f64, sq: f64, sqd: f64, jerkPsd: f64): void {
    const h = 0.5 * dt * dt
    const s2 = jerkPsd * jerkPsd
    const dt2 = dt * dt; const dt3 = dt2 * dt; const dt4 = dt3 * dt; const dt5 = dt4 * dt
    const q00 = s2 * dt5 / 20.0; const q01 = s2 * dt4 / 8.0; const q02 = s2 * dt3 / 6.0
    const q11 = s2 * dt3 / 3.0; const q12 = s2 * dt2 / 2.0; const q22 = s2 * dt
    const rq = sq * sq
    const rqd = sqd * sqd
    const X = this.x
    const P = this.P
    for (let j = 0; j < this.n; j++) {
      const o = 3 * j
      const p = 6 * j
      // predict: x ← F·x
      let x0 = unchecked(X[o]); let x1 = unchecked(X[o + 1]); const x2 = unchecked(X[o + 2])
      x0 += dt * x1 + h * x2
      x1 += dt * x2
      let x2n = x2
      // P ← F·P·Fᵀ + Q, with rows r_i = (F·P)_i
      const a = unchecked(P[p]); const b = unchecked(P[p + 1]); const c = unchecked(P[p + 2])
      const d = unchecked(P[p + 3]); const e = unchecked(P[p + 4]); const f = unchecked(P[p + 5])
      const r00 = a + dt * b + h * c; const r01 = b + dt * d + h * e; const r02 = c + dt * e + h * f
      const r11 = d + dt * e; const r12 = e + dt * f
      let p00 = r00 + dt * r01 + h * r02 + q00
      let p01 = r01 + dt * r02 + q01
      let p02 = r02 + q02
      let p11 = r11 + dt * r12 + q11
      let p12 = r12 + q12
      let p22 = f + q22
      // update with the position: h = e_0
      let s = p00 + rq
      let innov = unchecked(q[j]) - x0
      let k0 = p00 / s; let k1 = p01 / s; let k2 = p02 / s
      x0 += k0 * innov; x1 += k1 * innov; x2n += k2 * innov
      let c0 = p00; let c1 = p01; let c2 = p02
      p00 -= k0 * c0; p01 -= k0 * c1; p02 -= k0 * c2
      p11 -= k1 * c1; p12 -= k1 * c2; p22 -= k2 * c2
      // update with the velocity: h = e_1
      s = p11 + rqd
      innov = unchecked(qd[j]) - x1
      k0 = p01 / s; k1 = p11 / s; k2 = p12 / s
      x0 += k0 * innov; x1 += k1 * innov; x2n += k2 * innov
      c0 = p01; c1 = p11; c2 = p12
      p00 -= k0 * c0; p01 -= k0 * c1; p02 -= k0 * c2
      p11 -= k1 * c1; p12 -= k1 * c2; p22 -= k2 * c2
      unchecked(X[o] = x0); unchecked(X[o + 1] = x1); unchecked(X[o + 2] = x2n)
      unchecked(P[p] = p00); unchecked(P[p + 1] = p01); unchecked(P[p + 2] = p02)
      unchecked(P[p + 3] = p11); unchecked(P[p + 4] = p12); unchecked(P[p + 5] = p22)
    }
  }
}
