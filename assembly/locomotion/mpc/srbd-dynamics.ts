// Discrete single-rigid-body dynamics (SRBD) of a legged robot and its exact Jacobians, the model of
// the centroidal NMPC (srbd-mpc.ts; cf. Di Carlo et al., "Dynamic Locomotion in the MIT Cheetah 3
// Through Convex Model-Predictive Control", IROS 2018, kept here without its small-angle and
// dropped-ω×Iω simplifications).
//
// State x (12) = [Θ (3), p_com_world (3), ω_world (3), v_com_world (3)], Θ = ZYX Euler angles
// (roll φ, pitch θ, yaw ψ) with R_world_base = Rz(ψ)·Ry(θ)·Rx(φ). Input: the ground force f_i
// (world, 3) on each stance foot i at r_i (world). Continuous dynamics:
//   Θ̇ = E(Θ)⁻¹ ω,   ṗ = v,
//   ω̇ = α = I_w⁻¹ (Σ (r_i − p) × f_i − ω × I_w ω),   I_w = R I_b Rᵀ,
//   v̇ = a = Σ f_i / m + g
// Discrete step (inputs held over dt; exact for the translational part):
//   v⁺ = v + dt a,  p⁺ = p + dt v + ½dt² a,  ω⁺ = ω + dt α,  Θ⁺ = Θ + dt E(Θ)⁻¹ (ω + ½dt α)
// Nonlinear in Θ (through R, I_w and E⁻¹), in ω (gyroscopic term) and in p·f (r × f).
//
// Reads the parameters set at construction; writes the caller's x⁺, A = ∂x⁺/∂x (12 × 12) and
// B = ∂x⁺/∂u (12 × 3·n_stance, stance feet in foot order). Never allocates after construction.

import { rotationZyx, eulerRateInverse, eulerRateInverseDerivative } from './euler-zyx'
import { fill } from '../../solvers/linalg/dense-kernels'

export const SRBD_NX: i32 = 12

/** Parameters and scratch of the discrete SRBD step. */
export class SrbdDynamics {
  nfeet: i32
  mass: f64            // [kg]
  dt: f64              // [s]
  I_body: StaticArray<f64> = new StaticArray<f64>(9)     // (3 × 3) inertia about the CoM, base axes [kg·m²]
  I_body_inv: StaticArray<f64> = new StaticArray<f64>(9) // (3 × 3)
  gravity: StaticArray<f64> = new StaticArray<f64>(3)    // (3) world [m/s²]
  // ---- scratch (3 × 3 blocks) ----
  R: StaticArray<f64> = new StaticArray<f64>(9)
  dR: StaticArray<f64> = new StaticArray<f64>(27)   // ∂R/∂φ, ∂R/∂θ, ∂R/∂ψ
  Iw: StaticArray<f64> = new StaticArray<f64>(9)
  Iwi: StaticArray<f64> = new StaticArray<f64>(9)
  Einv: StaticArray<f64> = new StaticArray<f64>(9)
  dA: StaticArray<f64> = new StaticArray<f64>(9)    // ∂α/∂Θ
  pA: StaticArray<f64> = new StaticArray<f64>(9)    // ∂α/∂p
  wA: StaticArray<f64> = new StaticArray<f64>(9)    // ∂α/∂ω
  fA: StaticArray<f64> = new StaticArray<f64>(9)    // ∂α/∂f_i
  dE: StaticArray<f64> = new StaticArray<f64>(9)    // ∂(E⁻¹ w)/∂Θ at fixed w
  IbRt: StaticArray<f64> = new StaticArray<f64>(9)  // I_b Rᵀ
  IbiRt: StaticArray<f64> = new StaticArray<f64>(9) // I_b⁻¹ Rᵀ
  t1: StaticArray<f64> = new StaticArray<f64>(9)
  t2: StaticArray<f64> = new StaticArray<f64>(9)
  t3: StaticArray<f64> = new StaticArray<f64>(9)
  v3: StaticArray<f64> = new StaticArray<f64>(12)

  /** I_body: (3 × 3) row-major inertia about the CoM in base axes; it must be positive definite. */
  constructor (nfeet: i32, mass: f64, I_body: StaticArray<f64>, dt: f64) {
    this.nfeet = nfeet
    this.mass = mass
    this.dt = dt
    for (let i = 0; i < 9; i++) this.I_body[i] = I_body[i]
    inverse3(this.I_body_inv, this.I_body)
    this.gravity[2] = -9.81
  }

  /**
   * x⁺ = F(x, u) into xn[xno..+12]; with `jac`, also A (12 × 12 at Ao, row-major) and B (12 × nu at
   * Bo, row stride nu = 3·(stance feet), the stance feet's columns in foot order).
   * x at xo (12); f: forces (3·nfeet at fo, swing feet ignored); r: foot positions (3·nfeet at ro);
   * stance: (nfeet at so) 1 = stance.
   */
  step (x: StaticArray<f64>, xo: i32, f: StaticArray<f64>, fo: i32, r: StaticArray<f64>, ro: i32,
    stance: StaticArray<u8>, so: i32, xn: StaticArray<f64>, xno: i32,
    jac: bool, A: StaticArray<f64>, Ao: i32, B: StaticArray<f64>, Bo: i32): void {
    const dt = this.dt
    const m = this.mass
    const R = this.R
    const dR = this.dR
    rotationZyx(R, dR, x[xo], x[xo + 1], x[xo + 2])
    // I_w = R (I_b Rᵀ), I_w⁻¹ = R (I_b⁻¹ Rᵀ); the bracketed products serve the Jacobian too
    mulABt(this.IbRt, this.I_body, 0, R)
    mulABt(this.IbiRt, this.I_body_inv, 0, R)
    mulAB(this.Iw, R, 0, this.IbRt)
    mulAB(this.Iwi, R, 0, this.IbiRt)
    const px = x[xo + 3]; const py = x[xo + 4]; const pz = x[xo + 5]
    const wx = x[xo + 6]; const wy = x[xo + 7]; const wz = x[xo + 8]
    // F = Σ f_i, τ = Σ (r_i − p) × f_i
    let Fx = 0.0; let Fy = 0.0; let Fz = 0.0
    let tx = 0.0; let ty = 0.0; let tz = 0.0
    let nu = 0
    for (let i = 0; i < this.nfeet; i++) {
      if (stance[so + i] == 0) continue
      nu += 3
      const fx = f[fo + 3 * i]; const fy = f[fo + 3 * i + 1]; const fz = f[fo + 3 * i + 2]
      const dx = r[ro + 3 * i] - px; const dy = r[ro + 3 * i + 1] - py; const dz = r[ro + 3 * i + 2] - pz
      Fx += fx; Fy += fy; Fz += fz
      tx += dy * fz - dz * fy
      ty += dz * fx - dx * fz
      tz += dx * fy - dy * fx
    }
    // h = I_w ω, b = τ − ω × h, α = I_w⁻¹ b
    const Iw = this.Iw
    const Iwi = this.Iwi
    const hx = Iw[0] * wx + Iw[1] * wy + Iw[2] * wz
    const hy = Iw[3] * wx + Iw[4] * wy + Iw[5] * wz
    const hz = Iw[6] * wx + Iw[7] * wy + Iw[8] * wz
    const bx = tx - (wy * hz - wz * hy)
    const by = ty - (wz * hx - wx * hz)
    const bz = tz - (wx * hy - wy * hx)
    const ax_ = Iwi[0] * bx + Iwi[1] * by + Iwi[2] * bz
    const ay_ = Iwi[3] * bx + Iwi[4] * by + Iwi[5] * bz
    const az_ = Iwi[6] * bx + Iwi[7] * by + Iwi[8] * bz
    const lx = Fx / m + this.gravity[0]
    const ly = Fy / m + this.gravity[1]
    const lz = Fz / m + this.gravity[2]
    // ω_mid = ω + ½dt α
    const mx = wx + 0.5 * dt * ax_; const my = wy + 0.5 * dt * ay_; const mz = wz + 0.5 * dt * az_
    const th = x[xo + 1]; const ps = x[xo + 2]
    const E = this.Einv
    eulerRateInverse(E, th, ps)
    xn[xno] = x[xo] + dt * (E[0] * mx + E[1] * my)
    xn[xno + 1] = x[xo + 1] + dt * (E[3] * mx + E[4] * my)
    xn[xno + 2] = x[xo + 2] + dt * (E[6] * mx + E[7] * my + mz)
    xn[xno + 3] = px + dt * x[xo + 9] + 0.5 * dt * dt * lx
    xn[xno + 4] = py + dt * x[xo + 10] + 0.5 * dt * dt * ly
    xn[xno + 5] = pz + dt * x[xo + 11] + 0.5 * dt * dt * lz
    xn[xno + 6] = wx + dt * ax_
    xn[xno + 7] = wy + dt * ay_
    xn[xno + 8] = wz + dt * az_
    xn[xno + 9] = x[xo + 9] + dt * lx
    xn[xno + 10] = x[xo + 10] + dt * ly
    xn[xno + 11] = x[xo + 11] + dt * lz
    if (!jac) return

    // ---- ∂α/∂Θ, column j: ∂I_w⁻¹/∂Θ_j b − I_w⁻¹ (ω × (∂I_w/∂Θ_j ω)),
    //      ∂I_w/∂Θ_j = M + Mᵀ with M = ∂R/∂Θ_j I_b Rᵀ (likewise for I_w⁻¹ with I_b⁻¹)
    const t1 = this.t1
    const t2 = this.t2
    const t3 = this.t3
    const v = this.v3
    const dA = this.dA
    const pA = this.pA
    const wA = this.wA
    const fA = this.fA
    for (let j = 0; j < 3; j++) {
      mulAB(t3, dR, 9 * j, this.IbRt)   // t3 = dR_j I_b Rᵀ
      mulAB(t2, dR, 9 * j, this.IbiRt)  // t2 = dR_j I_b⁻¹ Rᵀ
      // u = (t3 + t3ᵀ) ω
      for (let a = 0; a < 3; a++) {
        v[a] = (t3[3 * a] + t3[a]) * wx + (t3[3 * a + 1] + t3[3 + a]) * wy + (t3[3 * a + 2] + t3[6 + a]) * wz
      }
      // c = ω × u
      const cx = wy * v[2] - wz * v[1]
      const cy = wz * v[0] - wx * v[2]
      const cz = wx * v[1] - wy * v[0]
      for (let a = 0; a < 3; a++) {
        const dIb = (t2[3 * a] + t2[a]) * bx + (t2[3 * a + 1] + t2[3 + a]) * by + (t2[3 * a + 2] + t2[6 + a]) * bz
        dA[3 * a + j] = dIb - (Iwi[3 * a] * cx + Iwi[3 * a + 1] * cy + Iwi[3 * a + 2] * cz)
      }
    }
    // ∂α/∂p = I_w⁻¹ [F]×
    crossLeft(pA, Iwi, Fx, Fy, Fz)
    // ∂α/∂ω = I_w⁻¹ ([h]× − [ω]× I_w)
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        // ([ω]× I_w)[a][c]
        let wI: f64
        if (a == 0) wI = wy * Iw[6 + c] - wz * Iw[3 + c]
        else if (a == 1) wI = wz * Iw[c] - wx * Iw[6 + c]
        else wI = wx * Iw[3 + c] - wy * Iw[c]
        t1[3 * a + c] = skewAt(hx, hy, hz, a, c) - wI
      }
    }
    mulAB(wA, Iwi, 0, t1)
    // ∂(E⁻¹ w)/∂Θ at w = ω_mid
    const dE = this.dE
    eulerRateInverseDerivative(dE, th, ps, mx, my)

    fill(A, Ao, 0.0, 144)
    const hdt2 = 0.5 * dt * dt
    // Θ rows: I + dt ∂E⁻¹/∂Θ + ½dt² E⁻¹ ∂α/∂Θ | ½dt² E⁻¹ ∂α/∂p | dt E⁻¹ (I + ½dt ∂α/∂ω) | 0
    mulAB(t1, E, 0, dA)
    mulAB(t2, E, 0, pA)
    mulAB(t3, E, 0, wA)
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        A[Ao + 12 * a + c] = (a == c ? 1.0 : 0.0) + dt * dE[3 * a + c] + hdt2 * t1[3 * a + c]
        A[Ao + 12 * a + 3 + c] = hdt2 * t2[3 * a + c]
        A[Ao + 12 * a + 6 + c] = dt * E[3 * a + c] + hdt2 * t3[3 * a + c]
        // ω rows: dt ∂α/∂Θ | dt ∂α/∂p | I + dt ∂α/∂ω
        A[Ao + 12 * (6 + a) + c] = dt * dA[3 * a + c]
        A[Ao + 12 * (6 + a) + 3 + c] = dt * pA[3 * a + c]
        A[Ao + 12 * (6 + a) + 6 + c] = (a == c ? 1.0 : 0.0) + dt * wA[3 * a + c]
      }
      // p rows: I | dt I (v); v rows: I
      A[Ao + 12 * (3 + a) + 3 + a] = 1.0
      A[Ao + 12 * (3 + a) + 9 + a] = dt
      A[Ao + 12 * (9 + a) + 9 + a] = 1.0
    }

    // ---- B: per stance foot, ∂α/∂f_i = I_w⁻¹ [r_i − p]×
    fill(B, Bo, 0.0, 12 * nu)
    let col = 0
    for (let i = 0; i < this.nfeet; i++) {
      if (stance[so + i] == 0) continue
      crossLeft(fA, Iwi, r[ro + 3 * i] - px, r[ro + 3 * i + 1] - py, r[ro + 3 * i + 2] - pz)
      mulAB(t1, E, 0, fA)
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++) {
          B[Bo + nu * a + col + c] = hdt2 * t1[3 * a + c]
          B[Bo + nu * (6 + a) + col + c] = dt * fA[3 * a + c]
        }
        B[Bo + nu * (3 + a) + col + a] = hdt2 / m
        B[Bo + nu * (9 + a) + col + a] = dt / m
      }
      col += 3
    }
  }
}

@inline function skewAt (x: f64, y: f64, z: f64, a: i32, c: i32): f64 {
  // [v]× = [[0, −z, y], [z, 0, −x], [−y, x, 0]]
  if (a == c) return 0.0
  if (a == 0) return c == 1 ? -z : y
  if (a == 1) return c == 0 ? z : -x
  return c == 0 ? -y : x
}

/** out = M [v]× (3 × 3). */
function crossLeft (out: StaticArray<f64>, M: StaticArray<f64>, x: f64, y: f64, z: f64): void {
  for (let a = 0; a < 3; a++) {
    const m0 = M[3 * a]; const m1 = M[3 * a + 1]; const m2 = M[3 * a + 2]
    out[3 * a] = m1 * z - m2 * y
    out[3 * a + 1] = -m0 * z + m2 * x
    out[3 * a + 2] = m0 * y - m1 * x
  }
}

/** out = D[dO..] Rᵀ (3 × 3); out must not alias D or R. */
function mulABt (out: StaticArray<f64>, D: StaticArray<f64>, dO: i32, R: StaticArray<f64>): void {
  for (let a = 0; a < 3; a++) {
    const d0 = D[dO + 3 * a]; const d1 = D[dO + 3 * a + 1]; const d2 = D[dO + 3 * a + 2]
    for (let c = 0; c < 3; c++) out[3 * a + c] = d0 * R[3 * c] + d1 * R[3 * c + 1] + d2 * R[3 * c + 2]
  }
}

/** out = D[dO..] M (3 × 3); out must not alias D or M. */
function mulAB (out: StaticArray<f64>, D: StaticArray<f64>, dO: i32, M: StaticArray<f64>): void {
  for (let a = 0; a < 3; a++) {
    const d0 = D[dO + 3 * a]; const d1 = D[dO + 3 * a + 1]; const d2 = D[dO + 3 * a + 2]
    for (let c = 0; c < 3; c++) out[3 * a + c] = d0 * M[c] + d1 * M[3 + c] + d2 * M[6 + c]
  }
}

/** out = A⁻¹ (3 × 3, by the adjugate); A must be invertible. */
export function inverse3 (out: StaticArray<f64>, A: StaticArray<f64>): void {
  const a = A[0]; const b = A[1]; const c = A[2]
  const d = A[3]; const e = A[4]; const f = A[5]
  const g = A[6]; const h = A[7]; const i = A[8]
  const c0 = e * i - f * h
  const c1 = f * g - d * i
  const c2 = d * h - e * g
  const det = a * c0 + b * c1 + c * c2
  const s = 1.0 / det
  out[0] = c0 * s; out[1] = (c * h - b * i) * s; out[2] = (b * f - c * e) * s
  out[3] = c1 * s; out[4] = (a * i - c * g) * s; out[5] = (c * d - a * f) * s
  out[6] = c2 * s; out[7] = (b * g - a * h) * s; out[8] = (a * e - b * d) * s
}
