// Contact-aided invariant EKF (Hartley, Ghaffari, Eustice, Grizzle, RSS 2018 / IJRR 2020) with IMU
// biases ("imperfect" InEKF: the biases sit outside the group and break invariance only through them).
//
// State X ∈ SE_{2+nf}(3): R (world-from-base), v, p (base origin, world), d_i (the foot frames of the
// feet in contact, world), plus θ = [b_g, b_a]. Right-invariant error η = X̄·X⁻¹ ≈ exp(ξ), ξ = [ξ_R, ξ_v, ξ_p, ξ_d1…, ζ_g, ζ_a]
// (ζ = estimate − truth). Error dynamics ξ̇ = A·ξ + noise with the nonzero blocks
//   A_vR = [g]×, A_pv = I, A_R,bg = −R̄, A_v,bg = −[v̄]×R̄, A_v,ba = −R̄, A_p,bg = −[p̄]×R̄, A_di,bg = −[d̄_i]×R̄
// discretized as Φ = I + A·dt + A²·dt²/2 + A³·dt³/6 (A is nilpotent on the navigation part), and the
// noise Ad_X̄·Q_c·Ad_X̄ᵀ·dt, which for isotropic densities is σ_g²·X_a·X_bᵀ between navigation blocks
// (X_R = I, X_v = [v̄]×, X_p = [p̄]×, X_di = [d̄_i]×) plus σ_a², σ_foot², σ_bg², σ_ba² on their diagonals.
//
// Measurements are left-invariant, Y = X⁻¹·b, so the innovation δ = X̄·Y − b ≈ −H·ξ is linear in ξ with a
// constant H; the update is X ← exp(L·δ)·X̄, θ ← θ + L_θ·δ, P ← (I − L·H)·P, L = P·Hᵀ·S⁻¹:
//   foot i in contact:  y = Rᵀ(d_i − p) (leg kinematics),   δ = R̄·y − (d̄_i − p̄),   H = [0, 0, −I, …, I_i, …]
//   IMU tilt (optional): u = Rᵀ·e_z from the IMU quaternion, δ = (R̄·u − e_z)_{x,y},   H = ([e_z]×)_{rows x,y} on ξ_R
//   IMU heading (optional): w = Rᵀ·e_x,                      δ = (R̄·w − e_x)_y,        H = ([e_x]×)_{row y} on ξ_R
// A touchdown re-initializes d_i = p̄ + R̄·y; in right-invariant coordinates ξ_d = ξ_p + R̄·n exactly, so the
// rows of d_i copy those of p and P_dd = P_pp + σ²·I (the paper's state augmentation, at fixed size).
// Swing feet keep their rows untouched until they land again. (The Estimator moves d_i of a rolling foot
// sphere by its known rolling velocity between updates; see leg-kinematics.ts.)
//
// No allocation after construction; every matrix is row-major in preallocated StaticArrays.
import { mat3Mul, mat3MulVec } from '../math/rotation'
import { so3Exp, so3LeftJacobian, mat3Orthonormalize } from './so3'
import { axpyRow, inverse3, sub3Rows } from './small-kernels'

export class InvariantEkf {
  readonly nf: i32
  /** Error-state dimension 15 + 3·nf. */
  readonly dim: i32
  readonly ibg: i32
  readonly iba: i32
  /** (9) world-from-base rotation. */
  readonly R: StaticArray<f64> = new StaticArray<f64>(9)
  /** (3) base velocity, world [m/s]. */
  readonly v: StaticArray<f64> = new StaticArray<f64>(3)
  /** (3) base origin, world [m]. */
  readonly p: StaticArray<f64> = new StaticArray<f64>(3)
  /** (3·nf) contact points, world [m] (meaningful while the foot is in contact). */
  readonly d: StaticArray<f64>
  /** (3) gyro bias, base frame [rad/s]; (3) accelerometer bias [m/s²]. */
  readonly bg: StaticArray<f64> = new StaticArray<f64>(3)
  readonly ba: StaticArray<f64> = new StaticArray<f64>(3)
  /** (nf) 1 while foot i is a contact of the filter. */
  readonly active: StaticArray<i32>
  /** (dim × dim) error covariance. */
  readonly P: StaticArray<f64>

  private readonly phi: StaticArray<f64>      // (dim × dim) Φ, identity outside the pattern
  private readonly nzStart: StaticArray<i32>  // (dim + 1) CSR row starts of Φ's pattern
  private readonly nzCol: StaticArray<i32>    // pattern columns
  private readonly M: StaticArray<f64>        // (dim × dim) Φ·P
  private readonly H: StaticArray<f64>        // (3 × dim)
  private readonly PHt: StaticArray<f64>      // (3 × dim) (P·Hᵀ)ᵀ: row j = P·h_j
  private readonly L: StaticArray<f64>        // (3 × dim) Lᵀ: row b = column b of the gain
  private readonly corr: StaticArray<f64>     // (dim)
  private readonly innov: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly S: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly Si: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly E: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly J: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly T: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly t3: StaticArray<f64> = new StaticArray<f64>(3)

  constructor (nf: i32) {
    this.nf = nf
    const dim = 15 + 3 * nf
    this.dim = dim
    this.ibg = 9 + 3 * nf
    this.iba = 12 + 3 * nf
    this.d = new StaticArray<f64>(3 * nf)
    this.active = new StaticArray<i32>(nf)
    this.P = new StaticArray<f64>(dim * dim)
    this.phi = new StaticArray<f64>(dim * dim)
    this.M = new StaticArray<f64>(dim * dim)
    this.H = new StaticArray<f64>(3 * dim)
    this.PHt = new StaticArray<f64>(3 * dim)
    this.L = new StaticArray<f64>(3 * dim)
    this.corr = new StaticArray<f64>(dim)
    // sparsity pattern of Φ (phiRowCols)
    const ibg = 9 + 3 * nf
    const iba = 12 + 3 * nf
    let count = 0
    for (let r = 0; r < dim; r++) count += phiRowCols(r, nf, ibg, iba, null, 0)
    const nzCol = new StaticArray<i32>(count)
    const nzStart = new StaticArray<i32>(dim + 1)
    let at = 0
    for (let r = 0; r < dim; r++) {
      nzStart[r] = at
      at += phiRowCols(r, nf, ibg, iba, nzCol, at)
    }
    nzStart[dim] = at
    this.nzStart = nzStart
    this.nzCol = nzCol
    for (let k = 0; k < dim; k++) this.phi[k * dim + k] = 1.0
  }

  /**
   * Starts at orientation R0 (9), position p0 (3), zero velocity, zero biases, and every foot in
   * contact at p0 + r_world[i] when inContact[i] != 0. Covariance: block-diagonal σ_R², σ_v², σ_p²,
   * feet sharing the base position error plus σ_f², biases σ_bg², σ_ba².
   */
  reset (R0: StaticArray<f64>, p0: StaticArray<f64>, r_world: StaticArray<f64>, inContact: StaticArray<i32>,
    sR: f64, sv: f64, sp: f64, sf: f64, sbg: f64, sba: f64): void {
    const dim = this.dim
    for (let k = 0; k < 9; k++) this.R[k] = R0[k]
    for (let k = 0; k < 3; k++) { this.v[k] = 0.0; this.p[k] = p0[k]; this.bg[k] = 0.0; this.ba[k] = 0.0 }
    for (let i = 0; i < this.nf; i++) {
      for (let k = 0; k < 3; k++) this.d[3 * i + k] = p0[k] + r_world[3 * i + k]
      this.active[i] = inContact[i] != 0 ? 1 : 0
    }
    for (let k = 0; k < dim * dim; k++) this.P[k] = 0.0
    for (let k = 0; k < 3; k++) {
      this.P[k * dim + k] = sR * sR
      this.P[(3 + k) * dim + 3 + k] = sv * sv
      this.P[(6 + k) * dim + 6 + k] = sp * sp
      for (let i = 0; i < this.nf; i++) {
        const di = 9 + 3 * i + k
        this.P[di * dim + 6 + k] = sp * sp
        this.P[(6 + k) * dim + di] = sp * sp
        for (let j = 0; j < this.nf; j++) this.P[di * dim + 9 + 3 * j + k] = sp * sp
        this.P[di * dim + di] += sf * sf
      }
      this.P[(this.ibg + k) * dim + this.ibg + k] = sbg * sbg
      this.P[(this.iba + k) * dim + this.iba + k] = sba * sba
    }
  }

  /**
   * Propagates over dt with the base-frame angular rate w (3, gyro, bias not removed) and specific force
   * f (3, at the base origin, bias not removed), gravity g (3, world), plus an extra world velocity
   * increment dv (3, IMU lever arm). Noise densities: gyro, accel, their bias random walks, foot slip.
   */
  propagate (w: StaticArray<f64>, f: StaticArray<f64>, g: StaticArray<f64>, dv: StaticArray<f64>, dt: f64,
    sg: f64, sa: f64, sbg: f64, sba: f64, sfoot: f64): void {
    this.buildPhi(g, dt)
    this.propagateCovariance()
    this.addProcessNoise(dt, sg, sa, sbg, sba, sfoot)
    // mean: a_w = R·(f − b_a) + g; p ← p + v·dt + ½·a_w·dt²; v ← v + a_w·dt; R ← R·Exp((ω − b_g)·dt)
    const R = this.R
    const ax = f[0] - this.ba[0]; const ay = f[1] - this.ba[1]; const az = f[2] - this.ba[2]
    for (let k = 0; k < 3; k++) {
      const aw = R[3 * k] * ax + R[3 * k + 1] * ay + R[3 * k + 2] * az + g[k]
      const dvk = aw * dt + dv[k]
      this.p[k] += (this.v[k] + 0.5 * dvk) * dt
      this.v[k] += dvk
    }
    so3Exp(this.E, 0, (w[0] - this.bg[0]) * dt, (w[1] - this.bg[1]) * dt, (w[2] - this.bg[2]) * dt)
    mat3Mul(this.T, 0, R, 0, this.E, 0)
    for (let k = 0; k < 9; k++) R[k] = this.T[k]
    mat3Orthonormalize(R, 0)
  }

  /** Writes the time-varying blocks of Φ (see the file header) at the current mean. */
  private buildPhi (g: StaticArray<f64>, dt: f64): void {
    const dim = this.dim
    const R = this.R
    const T = this.T
    const dt2 = 0.5 * dt * dt
    const dt3 = dt * dt * dt / 6.0
    const gx = g[0]; const gy = g[1]; const gz = g[2]
    // Φ_vR = [g]×·dt, Φ_pR = [g]×·dt²/2, Φ_pv = I·dt
    this.setSkew(3, 0, gx * dt, gy * dt, gz * dt)
    this.setSkew(6, 0, gx * dt2, gy * dt2, gz * dt2)
    for (let k = 0; k < 3; k++) for (let c = 0; c < 3; c++) this.phi[(6 + k) * dim + 3 + c] = k == c ? dt : 0.0
    // Φ_R,bg = −R·dt
    this.setBlock(0, this.ibg, R, -dt)
    // Φ_v,ba = −R·dt; Φ_p,ba = −R·dt²/2
    this.setBlock(3, this.iba, R, -dt)
    this.setBlock(6, this.iba, R, -dt2)
    // Φ_v,bg = −([v]×·dt + [g]×·dt²/2)·R
    this.skewTimesR(T, this.v[0] * dt + gx * dt2, this.v[1] * dt + gy * dt2, this.v[2] * dt + gz * dt2)
    this.setBlock(3, this.ibg, T, -1.0)
    // Φ_p,bg = −([p]×·dt + [v]×·dt²/2 + [g]×·dt³/6)·R
    this.skewTimesR(T, this.p[0] * dt + this.v[0] * dt2 + gx * dt3, this.p[1] * dt + this.v[1] * dt2 + gy * dt3,
      this.p[2] * dt + this.v[2] * dt2 + gz * dt3)
    this.setBlock(6, this.ibg, T, -1.0)
    // Φ_di,bg = −[d_i]×·R·dt
    for (let i = 0; i < this.nf; i++) {
      this.skewTimesR(T, this.d[3 * i] * dt, this.d[3 * i + 1] * dt, this.d[3 * i + 2] * dt)
      this.setBlock(9 + 3 * i, this.ibg, T, -1.0)
    }
  }

  /** T = [a]×·R (3×3). */
  private skewTimesR (T: StaticArray<f64>, ax: f64, ay: f64, az: f64): void {
    const R = this.R
    for (let c = 0; c < 3; c++) {
      const r0 = R[c]; const r1 = R[3 + c]; const r2 = R[6 + c]
      T[c] = ay * r2 - az * r1
      T[3 + c] = az * r0 - ax * r2
      T[6 + c] = ax * r1 - ay * r0
    }
  }

  /** Φ[r0.., c0..] = s·B (3×3). */
  private setBlock (r0: i32, c0: i32, B: StaticArray<f64>, s: f64): void {
    const dim = this.dim
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) this.phi[(r0 + r) * dim + c0 + c] = s * B[3 * r + c]
  }

  /** Φ[r0.., c0..] = [a]×. */
  private setSkew (r0: i32, c0: i32, ax: f64, ay: f64, az: f64): void {
    const dim = this.dim
    const o = r0 * dim + c0
    const phi = this.phi
    phi[o] = 0.0; phi[o + 1] = -az; phi[o + 2] = ay
    phi[o + dim] = az; phi[o + dim + 1] = 0.0; phi[o + dim + 2] = -ax
    phi[o + 2 * dim] = -ay; phi[o + 2 * dim + 1] = ax; phi[o + 2 * dim + 2] = 0.0
  }

  /** P ← Φ·P·Φᵀ over Φ's sparsity pattern (M = Φ·P, then the upper triangle of M·Φᵀ, mirrored). */
  private propagateCovariance (): void {
    const dim = this.dim
    const P = this.P
    const M = this.M
    const phi = this.phi
    const st = this.nzStart
    const col = this.nzCol
    for (let i = 0; i < dim; i++) {
      const mo = i * dim
      for (let j = 0; j < dim; j++) unchecked(M[mo + j] = 0.0)
      for (let t = unchecked(st[i]); t < unchecked(st[i + 1]); t++) {
        const k = unchecked(col[t])
        const a = unchecked(phi[i * dim + k])
        if (a != 0.0) axpyRow(M, mo, a, P, k * dim, dim)
      }
    }
    for (let i = 0; i < dim; i++) {
      const mo = i * dim
      for (let j = i; j < dim; j++) {
        let s = 0.0
        for (let t = unchecked(st[j]); t < unchecked(st[j + 1]); t++) {
          const k = unchecked(col[t])
          s += unchecked(M[mo + k] * phi[j * dim + k])
        }
        unchecked(P[mo + j] = s)
        unchecked(P[j * dim + i] = s)
      }
    }
  }

  /** P += Ad·Q_c·Adᵀ·dt (file header). Swing feet get no noise (their rows are re-initialized at touchdown). */
  private addProcessNoise (dt: f64, sg: f64, sa: f64, sbg: f64, sba: f64, sfoot: f64): void {
    const dim = this.dim
    const P = this.P
    const qg = sg * sg * dt
    const nb = 3 + this.nf
    // navigation blocks: 0 = R, 1 = v, 2 = p, 3 + i = d_i; vector u_b of block b (R has none)
    for (let a = 0; a < nb; a++) {
      if (a >= 3 && this.active[a - 3] == 0) continue
      const ax = a == 0 ? 0.0 : this.blockVec(a, 0)
      const ay = a == 0 ? 0.0 : this.blockVec(a, 1)
      const az = a == 0 ? 0.0 : this.blockVec(a, 2)
      for (let b = a; b < nb; b++) {
        if (b >= 3 && this.active[b - 3] == 0) continue
        const bx = b == 0 ? 0.0 : this.blockVec(b, 0)
        const by = b == 0 ? 0.0 : this.blockVec(b, 1)
        const bz = b == 0 ? 0.0 : this.blockVec(b, 2)
        // X_a·X_bᵀ: (R,R) = I; (R,b) = [b]×ᵀ = −[b]×; (a,b) = (a·b)·I − b·aᵀ
        const T = this.T
        if (a == 0 && b == 0) {
          for (let k = 0; k < 9; k++) T[k] = (k % 4 == 0) ? 1.0 : 0.0
        } else if (a == 0) {
          T[0] = 0.0; T[1] = bz; T[2] = -by
          T[3] = -bz; T[4] = 0.0; T[5] = bx
          T[6] = by; T[7] = -bx; T[8] = 0.0
        } else {
          const ab = ax * bx + ay * by + az * bz
          T[0] = ab - bx * ax; T[1] = -bx * ay; T[2] = -bx * az
          T[3] = -by * ax; T[4] = ab - by * ay; T[5] = -by * az
          T[6] = -bz * ax; T[7] = -bz * ay; T[8] = ab - bz * az
        }
        const ro = 3 * a
        const co = 3 * b
        for (let r = 0; r < 3; r++) {
          for (let c = 0; c < 3; c++) {
            const q = qg * T[3 * r + c]
            P[(ro + r) * dim + co + c] += q
            if (a != b) P[(co + c) * dim + ro + r] += q
          }
        }
      }
    }
    const qa = sa * sa * dt
    const qf = sfoot * sfoot * dt
    const qbg = sbg * sbg * dt
    const qba = sba * sba * dt
    for (let k = 0; k < 3; k++) {
      P[(3 + k) * dim + 3 + k] += qa
      for (let i = 0; i < this.nf; i++) {
        if (this.active[i] == 0) continue
        const di = 9 + 3 * i + k
        P[di * dim + di] += qf
      }
      P[(this.ibg + k) * dim + this.ibg + k] += qbg
      P[(this.iba + k) * dim + this.iba + k] += qba
    }
  }

  @inline private blockVec (b: i32, k: i32): f64 {
    if (b == 1) return this.v[k]
    if (b == 2) return this.p[k]
    return this.d[3 * (b - 3) + k]
  }

  /**
   * Foot i lands: d_i = p̄ + R̄·y (y = foot position in the base frame, 3) and its covariance rows become
   * those of p with P_dd = P_pp + σ²·I.
   */
  touchdown (i: i32, y: StaticArray<f64>, yo: i32, sigma: f64): void {
    const dim = this.dim
    const P = this.P
    mat3MulVec(this.t3, 0, this.R, 0, y[yo], y[yo + 1], y[yo + 2])
    for (let k = 0; k < 3; k++) this.d[3 * i + k] = this.p[k] + this.t3[k]
    const di = 9 + 3 * i
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < dim; j++) {
        if (j >= di && j < di + 3) continue
        P[(di + k) * dim + j] = P[(6 + k) * dim + j]
        P[j * dim + di + k] = P[j * dim + 6 + k]
      }
    }
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) P[(di + a) * dim + di + b] = P[(6 + a) * dim + 6 + b] + (a == b ? sigma * sigma : 0.0)
    }
    this.active[i] = 1
  }

  /** Foot i leaves the ground: its rows stay as they are and it is no longer measured. */
  liftoff (i: i32): void { this.active[i] = 0 }

  /** Leg-kinematics update of contact i: y = foot position in the base frame (3 at y[yo]), noise σ (isotropic, world). */
  updateContact (i: i32, y: StaticArray<f64>, yo: i32, sigma: f64): void {
    const dim = this.dim
    const H = this.H
    for (let k = 0; k < 3 * dim; k++) H[k] = 0.0
    const di = 9 + 3 * i
    for (let k = 0; k < 3; k++) {
      H[k * dim + 6 + k] = -1.0
      H[k * dim + di + k] = 1.0
    }
    mat3MulVec(this.t3, 0, this.R, 0, y[yo], y[yo + 1], y[yo + 2])
    for (let k = 0; k < 3; k++) this.innov[k] = this.t3[k] - (this.d[3 * i + k] - this.p[k])
    this.correct(3, sigma * sigma)
  }

  /** Tilt from the IMU's own attitude: u = measured Rᵀ·e_z (base frame, 3), noise σ [rad]. */
  updateTilt (ux: f64, uy: f64, uz: f64, sigma: f64): void {
    const dim = this.dim
    const H = this.H
    for (let k = 0; k < 3 * dim; k++) H[k] = 0.0
    H[1] = -1.0       // row x of [e_z]×: (0, −1, 0)
    H[dim] = 1.0      // row y: (1, 0, 0)
    mat3MulVec(this.t3, 0, this.R, 0, ux, uy, uz)
    this.innov[0] = this.t3[0]
    this.innov[1] = this.t3[1]
    this.correct(2, sigma * sigma)
  }

  /** Heading from the IMU's own attitude: w = measured Rᵀ·e_x (base frame, 3), noise σ [rad]. */
  updateHeading (wx: f64, wy: f64, wz: f64, sigma: f64): void {
    const dim = this.dim
    const H = this.H
    for (let k = 0; k < 3 * dim; k++) H[k] = 0.0
    H[2] = -1.0       // row y of [e_x]×: (0, 0, −1)
    mat3MulVec(this.t3, 0, this.R, 0, wx, wy, wz)
    this.innov[0] = this.t3[1]
    this.correct(1, sigma * sigma)
  }

  /** Kalman correction with the m rows of H, innovation `innov`, isotropic noise variance r; then retraction. */
  private correct (m: i32, r: f64): void {
    const dim = this.dim
    const P = this.P
    const H = this.H
    const PHt = this.PHt
    const L = this.L
    // row j of PHt = P·h_j = Σ_c H[j][c]·P[c][:] (P symmetric), skipping H's zeros
    for (let k = 0; k < 3 * dim; k++) unchecked(PHt[k] = 0.0)
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < dim; c++) {
        const h = unchecked(H[j * dim + c])
        if (h != 0.0) axpyRow(PHt, j * dim, h, P, c * dim, dim)
      }
    }
    // S = H·Pᵀ·Hᵀ + r·I (padded to 3×3 with the identity)
    const S = this.S
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let s = 0.0
        if (a < m && b < m) {
          for (let c = 0; c < dim; c++) {
            const h = unchecked(H[a * dim + c])
            if (h != 0.0) s += h * unchecked(PHt[b * dim + c])
          }
          if (a == b) s += r
        } else if (a == b) {
          s = 1.0
        }
        S[3 * a + b] = s
      }
    }
    inverse3(this.Si, S)
    // Lᵀ row b = Σ_a S⁻¹[a][b]·PHt row a; corr = L·δ
    const Si = this.Si
    for (let k = 0; k < 3 * dim; k++) unchecked(L[k] = 0.0)
    for (let b = 0; b < m; b++) {
      for (let a = 0; a < m; a++) axpyRow(L, b * dim, Si[3 * a + b], PHt, a * dim, dim)
    }
    const c = this.corr
    for (let k = 0; k < dim; k++) unchecked(c[k] = 0.0)
    for (let b = 0; b < m; b++) axpyRow(c, 0, this.innov[b], L, b * dim, dim)
    // P ← P − L·(P·Hᵀ)ᵀ, row by row
    for (let i = 0; i < dim; i++) {
      sub3Rows(P, i * dim, unchecked(L[i]), PHt, 0, unchecked(L[dim + i]), PHt, dim, unchecked(L[2 * dim + i]), PHt, 2 * dim, dim)
    }
    this.retract()
  }

  /** X ← exp(corr)·X, θ ← θ + corr_θ (SE_{2+nf}(3) exponential: R part Exp(φ), translations J_l(φ)·ν). */
  private retract (): void {
    const c = this.corr
    const E = this.E
    const J = this.J
    so3Exp(E, 0, c[0], c[1], c[2])
    so3LeftJacobian(J, 0, c[0], c[1], c[2])
    mat3Mul(this.T, 0, E, 0, this.R, 0)
    for (let k = 0; k < 9; k++) this.R[k] = this.T[k]
    mat3Orthonormalize(this.R, 0)
    this.applyTranslation(this.v, 0, 3)
    this.applyTranslation(this.p, 0, 6)
    for (let i = 0; i < this.nf; i++) this.applyTranslation(this.d, 3 * i, 9 + 3 * i)
    for (let k = 0; k < 3; k++) {
      this.bg[k] += c[this.ibg + k]
      this.ba[k] += c[this.iba + k]
    }
  }

  /** x[o..o+3] ← E·x + J·corr[ci..ci+3]. */
  private applyTranslation (x: StaticArray<f64>, o: i32, ci: i32): void {
    const E = this.E
    const J = this.J
    const c = this.corr
    const x0 = x[o]; const x1 = x[o + 1]; const x2 = x[o + 2]
    const c0 = c[ci]; const c1 = c[ci + 1]; const c2 = c[ci + 2]
    for (let r = 0; r < 3; r++) {
      x[o + r] = E[3 * r] * x0 + E[3 * r + 1] * x1 + E[3 * r + 2] * x2 + J[3 * r] * c0 + J[3 * r + 1] * c1 + J[3 * r + 2] * c2
    }
  }
}

/**
 * Structural nonzero columns of Φ's row r (see buildPhi): R: itself, b_g | v: R, itself, b_g, b_a |
 * p: R, v (diagonal), itself, b_g, b_a | d_i: itself, b_g | biases: themselves. Writes them at out[at..]
 * when out is given; returns their number. Construction only.
 */
function phiRowCols (r: i32, nf: i32, ibg: i32, iba: i32, out: StaticArray<i32> | null, at: i32): i32 {
  const blk = r / 3
  const k = r - 3 * blk
  const c = new StaticArray<i32>(16)
  let n = 0
  if (blk == 0) {
    c[n++] = r
    for (let j = 0; j < 3; j++) c[n++] = ibg + j
  } else if (blk == 1) {
    for (let j = 0; j < 3; j++) c[n++] = j
    c[n++] = r
    for (let j = 0; j < 3; j++) c[n++] = ibg + j
    for (let j = 0; j < 3; j++) c[n++] = iba + j
  } else if (blk == 2) {
    for (let j = 0; j < 3; j++) c[n++] = j
    c[n++] = 3 + k
    c[n++] = r
    for (let j = 0; j < 3; j++) c[n++] = ibg + j
    for (let j = 0; j < 3; j++) c[n++] = iba + j
  } else if (blk < 3 + nf) {
    c[n++] = r
    for (let j = 0; j < 3; j++) c[n++] = ibg + j
  } else {
    c[n++] = r
  }
  if (out !== null) for (let j = 0; j < n; j++) out[at + j] = c[j]
  return n
}
