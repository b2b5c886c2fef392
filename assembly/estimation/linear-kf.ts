// Linear Kalman filter for base position, base velocity and foot positions, in the form the legged
// community uses (Bledt et al., "MIT Cheetah 3", IROS 2018; the PositionVelocityEstimator of MIT
// Cheetah-Software; legged_control's LinearKalmanFilter), with the orientation taken as known:
//   state   x = [p_base, v_base, b_a, p_foot_1 … p_foot_nf]  (world frame)
//   process p ← p + v·dt + ½·(a − b_a)·dt²,  v ← v + (a − b_a)·dt,  p_foot_i ← p_foot_i + u_i·dt
//           (u_i: the known rolling velocity of a stance foot's centre), b_a and feet random walks;
//           a = R·f_base + g from the IMU; b_a absorbs the slowly varying world-frame acceleration error
//           that an attitude error leaks from gravity (g·δθ: 0.09 m/s² for the VN-100's 0.5° tilt)
//   measure p_foot_i − p = R·r_i          (leg kinematics, every foot; tracks swing feet too)
//           v = v_roll,i − (ω × R·r_i + R·J_i·q̇)  (stance foot's contact point at rest; weight from the
//                                            contact probability)
//           p_foot_i,z = ground + radius  (stance foot on the ground; weight from the contact probability)
// Because every noise term is isotropic (σ²·I is the same in any frame) and the process and
// measurement matrices act on x, y and z alike, the 3·(2 + nf)-state filter is exactly three
// independent (2 + nf)-state filters, one per world axis; each measurement is a scalar with a
// two-entry row, processed sequentially (exact for diagonal measurement noise). For the quadruped that
// is three 7-state filters instead of one 21-state filter with a 28-row update.
//
// Contact weighting: the foot process noise blends stance and swing densities by the contact
// probability p_i; the velocity and height variances are multiplied by 1 + inflation·(1 − p_i).
//
// Reads the inputs given to predict/update*; writes x and P. No allocation after construction.
import { axpyRow } from './small-kernels'

export class LinearKf {
  readonly nf: i32
  /** States per axis: 3 + nf. */
  readonly n: i32
  /** (3 × n) per world axis [p, v, b_a, p_foot_1 … p_foot_nf] [m, m/s, m/s², m]. */
  readonly x: StaticArray<f64>
  /** (3 × n × n) covariance per axis, row-major. */
  readonly P: StaticArray<f64>
  private readonly ph: StaticArray<f64>

  constructor (nf: i32) {
    this.nf = nf
    const n = 3 + nf
    this.n = n
    this.x = new StaticArray<f64>(3 * n)
    this.P = new StaticArray<f64>(3 * n * n)
    this.ph = new StaticArray<f64>(n)
  }

  /**
   * Starts at base position p0 (3) with zero velocity and bias and feet at p0 + r_world[i] (3·nf). The
   * feet share the base's position uncertainty σ_p plus their own σ_f; velocity σ_v, bias σ_b.
   */
  reset (p0: StaticArray<f64>, r_world: StaticArray<f64>, sp: f64, sv: f64, sf: f64, sb: f64): void {
    const n = this.n
    for (let a = 0; a < 3; a++) {
      const xo = a * n
      this.x[xo] = p0[a]
      this.x[xo + 1] = 0.0
      this.x[xo + 2] = 0.0
      for (let i = 0; i < this.nf; i++) this.x[xo + 3 + i] = p0[a] + r_world[3 * i + a]
      const po = a * n * n
      for (let k = 0; k < n * n; k++) this.P[po + k] = 0.0
      // p and every foot share the base error: P_pp = P_pf = P_ff' = σ_p², P_ff += σ_f²
      for (let r = 0; r < n; r++) {
        if (r == 1 || r == 2) continue
        for (let c = 0; c < n; c++) {
          if (c == 1 || c == 2) continue
          this.P[po + r * n + c] = sp * sp
        }
      }
      for (let i = 0; i < this.nf; i++) this.P[po + (3 + i) * (n + 1)] += sf * sf
      this.P[po + n + 1] = sv * sv
      this.P[po + 2 * n + 2] = sb * sb
    }
  }

  /**
   * Propagates over dt with the world acceleration a (3) and an extra velocity increment dv (3)
   * (the IMU lever-arm term), feet moving with u (3·nf, world). Process noise: base acceleration density
   * sa, base position density sp, bias random walk sb, foot density blended per foot:
   * σ_i² = p_i·s_stance² + (1 − p_i)·s_swing².
   */
  predict (a: StaticArray<f64>, dv: StaticArray<f64>, u: StaticArray<f64>, dt: f64, sa: f64, sp: f64, sb: f64,
    sStance: f64, sSwing: f64, pContact: StaticArray<f64>): void {
    const n = this.n
    const dt2 = dt * dt
    const qa = sa * sa
    const q00 = qa * dt2 * dt / 3.0 + sp * sp * dt
    const q01 = qa * dt2 / 2.0
    const q11 = qa * dt
    const h = 0.5 * dt2
    for (let ax = 0; ax < 3; ax++) {
      const xo = ax * n
      const dvk = (a[ax] - this.x[xo + 2]) * dt + dv[ax]
      const v = this.x[xo + 1]
      this.x[xo] = this.x[xo] + (v + 0.5 * dvk) * dt
      this.x[xo + 1] = v + dvk
      for (let i = 0; i < this.nf; i++) this.x[xo + 3 + i] += u[3 * i + ax] * dt
      // P ← F·P·Fᵀ, F = I + dt·e_0·e_1ᵀ − (dt²/2)·e_0·e_2ᵀ − dt·e_1·e_2ᵀ: rows first (row 0 before row 1
      // reads the old row 1), then columns likewise
      const po = ax * n * n
      const P = this.P
      for (let c = 0; c < n; c++) unchecked(P[po + c] += dt * P[po + n + c] - h * P[po + 2 * n + c])
      for (let c = 0; c < n; c++) unchecked(P[po + n + c] -= dt * P[po + 2 * n + c])
      for (let r = 0; r < n; r++) unchecked(P[po + r * n] += dt * P[po + r * n + 1] - h * P[po + r * n + 2])
      for (let r = 0; r < n; r++) unchecked(P[po + r * n + 1] -= dt * P[po + r * n + 2])
      unchecked(P[po + 2 * n + 2] += sb * sb * dt)
      unchecked(P[po] += q00)
      unchecked(P[po + 1] += q01)
      unchecked(P[po + n] += q01)
      unchecked(P[po + n + 1] += q11)
      for (let i = 0; i < this.nf; i++) {
        const pc = unchecked(pContact[i])
        const q = (pc * sStance * sStance + (1.0 - pc) * sSwing * sSwing) * dt
        unchecked(P[po + (3 + i) * (n + 1)] += q)
      }
    }
  }

  /**
   * Scalar measurement y = c1·x[i1] + c2·x[i2] + noise (variance r) on axis ax (c2 = 0 for a single
   * entry): x ← x + K·(y − ŷ), P ← P − K·(P·h)ᵀ with K = P·h / (hᵀ·P·h + r).
   */
  scalarUpdate (ax: i32, i1: i32, c1: f64, i2: i32, c2: f64, y: f64, r: f64): void {
    const n = this.n
    const xo = ax * n
    const po = ax * n * n
    const P = this.P
    const ph = this.ph
    // P·h = c1·P[:, i1] + c2·P[:, i2] = c1·P[i1, :] + c2·P[i2, :] (P symmetric: rows, contiguous)
    for (let k = 0; k < n; k++) unchecked(ph[k] = c1 * P[po + i1 * n + k])
    if (c2 != 0.0) axpyRow(ph, 0, c2, P, po + i2 * n, n)
    const s = c1 * unchecked(ph[i1]) + c2 * unchecked(ph[i2]) + r
    const inv = 1.0 / s
    const gain = (y - (c1 * this.x[xo + i1] + c2 * this.x[xo + i2])) * inv
    axpyRow(this.x, xo, gain, ph, 0, n)
    for (let rr = 0; rr < n; rr++) axpyRow(P, po + rr * n, -unchecked(ph[rr]) * inv, ph, 0, n)
  }

  /** Foot i's position relative to the base, world axis ax: y = p_foot_i − p. */
  updateFootPosition (ax: i32, i: i32, y: f64, r: f64): void { this.scalarUpdate(ax, 3 + i, 1.0, 0, -1.0, y, r) }

  /** Base velocity, world axis ax. */
  updateVelocity (ax: i32, y: f64, r: f64): void { this.scalarUpdate(ax, 1, 1.0, 1, 0.0, y, r) }

  /** Foot i's world height. */
  updateFootHeight (i: i32, y: f64, r: f64): void { this.scalarUpdate(2, 3 + i, 1.0, 3 + i, 0.0, y, r) }
}
