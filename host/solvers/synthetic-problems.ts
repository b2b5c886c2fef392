// Seeded synthetic solver problems shaped like the controller's: whole-body-control hierarchies
// of a 12-DoF quadruped and of a humanoid, and a centroidal MPC OCP of a quadruped. They are
// random but structured like the real ones (floating-base equations of motion, friction
// pyramids, torque limits, no-slip contacts, tracking tasks), so benchmarks and tests exercise the
// solvers on realistic sparsity, sizes and conditioning, and other solvers can be given exactly the
// same problems. Units are SI; masses and lengths are those of a ~12 kg quadruped and a ~40 kg
// humanoid (orders of magnitude only).
import type { HqpProblem, HqpLevel } from './hqp.ts'
import type { QpProblem } from './dense-qp.ts'
import type { OcpProblem, OcpStage } from './ocp-qp.ts'
import { Rng } from './seeded-rng.ts'

const GRAVITY = 9.81

/** Skew matrix [r]× (row-major 3×3) into out at offset o with row stride s. */
function skewInto (out: Float64Array, o: number, s: number, r: ArrayLike<number>, scale = 1): void {
  out[o + 1] = -r[2] * scale; out[o + 2] = r[1] * scale
  out[o + s] = r[2] * scale; out[o + s + 2] = -r[0] * scale
  out[o + 2 * s] = -r[1] * scale; out[o + 2 * s + 1] = r[0] * scale
}

interface Robot {
  nv: number
  /** Contacts: base-frame foot position, owning joint columns (in v), contact dimension 3. */
  feet: Array<{ r: number[], joints: number[] }>
  /** Joint-space mass matrix (nv × nv) and bias h (nv). */
  M: Float64Array
  h: Float64Array
  /** Contact Jacobians (3 per foot × nv) and J̇v (3 per foot). */
  J: Float64Array
  Jdv: Float64Array
  mass: number
  tauMax: number[]
}

/** A floating-base robot at a random configuration: M ≻ 0, h, contact Jacobians. */
function randomRobot (rng: Rng, nLegJoints: number[], feetR: number[][], baseMass: number, baseInertia: number[], linkInertia: number): Robot {
  const nj = nLegJoints.reduce((a, b) => a + b, 0)
  const nv = 6 + nj
  const M = new Float64Array(nv * nv)
  // M = blockdiag(m I3, I_base, joint inertias) + Σ over links of mass-weighted JᵀJ couplings
  for (let i = 0; i < 3; i++) M[i * nv + i] = baseMass
  for (let i = 0; i < 3; i++) M[(3 + i) * nv + 3 + i] = baseInertia[i]
  const C = new Float64Array(nv * nv)
  for (let k = 0; k < 2 * nj; k++) {
    // a random link-like Jacobian row: touches the base and one or two joints
    const row = new Float64Array(nv)
    for (let i = 0; i < 6; i++) row[i] = rng.normal() * (i < 3 ? 1 : 0.3)
    const j = 6 + rng.int(0, nj - 1)
    row[j] = rng.normal() * 0.5
    if (j + 1 < nv && rng.next() < 0.5) row[j + 1] = rng.normal() * 0.3
    const w = linkInertia * rng.uniform(0.5, 2)
    for (let a = 0; a < nv; a++) for (let b = 0; b < nv; b++) C[a * nv + b] += w * row[a] * row[b]
  }
  for (let i = 0; i < nv * nv; i++) M[i] += C[i]
  for (let i = 6; i < nv; i++) M[i * nv + i] += linkInertia * rng.uniform(0.5, 1.5)
  const h = new Float64Array(nv)
  const totalMass = baseMass + linkInertia * nj * 4
  h[2] = totalMass * GRAVITY
  for (let i = 0; i < nv; i++) h[i] += rng.normal() * (i < 6 ? 0.5 : 0.3)
  const feet: Robot['feet'] = []
  let col = 6
  const J = new Float64Array(3 * feetR.length * nv)
  const Jdv = new Float64Array(3 * feetR.length)
  feetR.forEach((r0, f) => {
    const r = r0.map((v) => v + rng.normal() * 0.02)
    const joints = Array.from({ length: nLegJoints[f] }, (_, t) => col + t)
    // J_foot = [I3, −[r]×, leg block]
    for (let i = 0; i < 3; i++) J[(3 * f + i) * nv + i] = 1
    skewInto(J, (3 * f) * nv + 3, nv, r, -1)
    for (let i = 0; i < 3; i++) for (const j of joints) J[(3 * f + i) * nv + j] = rng.normal() * 0.2
    for (let i = 0; i < 3; i++) Jdv[3 * f + i] = rng.normal() * 0.3
    feet.push({ r, joints })
    col += nLegJoints[f]
  })
  return { nv, feet, M, h, J, Jdv, mass: totalMass, tauMax: Array.from({ length: nj }, () => rng.uniform(25, 45)) }
}

export interface WbcProblem {
  /** Strict hierarchy (levels in priority order) on x = [a (nv); f (3·feet); τ (nj)]. */
  hqp: HqpProblem
  /**
   * The same task set flattened into one QP the way weighted WBCs do it: level 0 as hard
   * constraints, the other levels as weighted least squares (weights 1, 1e-2, 1e-4, …) in H, g.
   */
  weighted: QpProblem
  /** Variable layout. */
  nv: number
  nf: number
  nj: number
}

export interface WbcOptions {
  /** Which feet are in contact (the others swing: zero force, tracked acceleration). */
  stance: boolean[]
  /** Friction coefficient and normal-force range [N]. */
  mu?: number
  fzMax?: number
}

/**
 * Builds a WBC hierarchy:
 *   level 0: floating-base EoM  M a − Jᵀ f − Sᵀ τ = −h,  stance no-slip J_i a = −J̇_i v,
 *            swing forces f_i = 0, friction pyramids (4 sides + 0 ≤ f_z ≤ f_z,max per foot),
 *            torque limits |τ| ≤ τ_max (box);
 *   level 1: base acceleration task (6) and swing-foot acceleration tasks (3 each);
 *   then `extra` levels of random posture rows (joint accelerations), and last a regularization
 *   level [a; f; τ] → [0; f_ref; τ_ref] with per-block weights (full rank: unique solution).
 */
function buildWbc (rng: Rng, robot: Robot, opts: WbcOptions, extraLevels: number, postureRows: number): WbcProblem {
  const { nv, feet } = robot
  const nfeet = feet.length
  const nf = 3 * nfeet
  const nj = nv - 6
  const n = nv + nf + nj
  const mu = opts.mu ?? 0.6
  const fzMax = opts.fzMax ?? robot.mass * GRAVITY * 1.5
  const fo = nv
  const to = nv + nf
  // ---- level 0 ----
  const A0: number[] = []
  const b0: number[] = []
  const row = (): Float64Array => new Float64Array(n)
  for (let i = 0; i < nv; i++) {
    const r = row()
    for (let j = 0; j < nv; j++) r[j] = robot.M[i * nv + j]
    for (let c = 0; c < nf; c++) r[fo + c] = -robot.J[c * nv + i]
    if (i >= 6) r[to + i - 6] = -1
    A0.push(...r); b0.push(-robot.h[i])
  }
  const stanceCount = opts.stance.filter((s) => s).length
  for (let f = 0; f < nfeet; f++) {
    for (let i = 0; i < 3; i++) {
      const r = row()
      if (opts.stance[f]) {
        for (let j = 0; j < nv; j++) r[j] = robot.J[(3 * f + i) * nv + j]
        A0.push(...r); b0.push(-robot.Jdv[3 * f + i])
      } else {
        r[fo + 3 * f + i] = 1
        A0.push(...r); b0.push(0)
      }
    }
  }
  const C0: number[] = []
  const l0: number[] = []
  const u0: number[] = []
  for (let f = 0; f < nfeet; f++) {
    // friction pyramids of the stance feet (a swing foot's force is fixed to 0 above)
    if (!opts.stance[f]) continue
    const x = fo + 3 * f
    const sides: Array<[number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    for (const [sx, sy] of sides) {
      // s·f_t − μ f_z ≤ 0
      const r = row(); r[x] = sx; r[x + 1] = sy; r[x + 2] = -mu
      C0.push(...r); l0.push(-Infinity); u0.push(0)
    }
    const r = row(); r[x + 2] = 1
    C0.push(...r); l0.push(0); u0.push(fzMax)
  }
  const lb = new Float64Array(n).fill(-Infinity)
  const ub = new Float64Array(n).fill(Infinity)
  for (let j = 0; j < nj; j++) { lb[to + j] = -robot.tauMax[j]; ub[to + j] = robot.tauMax[j] }
  const levels: HqpLevel[] = [{ A: A0, b: b0, C: C0, l: l0, u: u0 }]
  // ---- level 1: base and swing-foot acceleration tasks ----
  const A1: number[] = []
  const b1: number[] = []
  for (let i = 0; i < 6; i++) {
    const r = row(); r[i] = 1
    A1.push(...r); b1.push(rng.normal() * (i < 3 ? 1.0 : 2.0))
  }
  for (let f = 0; f < nfeet; f++) {
    if (opts.stance[f]) continue
    for (let i = 0; i < 3; i++) {
      const r = row()
      for (let j = 0; j < nv; j++) r[j] = robot.J[(3 * f + i) * nv + j]
      A1.push(...r); b1.push(rng.normal() * 5 - robot.Jdv[3 * f + i])
    }
  }
  levels.push({ A: A1, b: b1 })
  // ---- posture levels ----
  for (let e = 0; e < extraLevels; e++) {
    const A: number[] = []
    const b: number[] = []
    for (let t = 0; t < postureRows; t++) {
      const r = row()
      const j = 6 + rng.int(0, nj - 1)
      r[j] = 1
      if (rng.next() < 0.3) r[6 + rng.int(0, nj - 1)] += 0.5
      A.push(...r); b.push(rng.normal() * 3)
    }
    levels.push({ A, b })
  }
  // ---- regularization ----
  const Ar: number[] = []
  const br: number[] = []
  const fRef = robot.mass * GRAVITY / Math.max(1, stanceCount)
  for (let c = 0; c < n; c++) {
    const r = row()
    let w = 0.1
    let target = 0
    if (c >= fo && c < to) { w = 0.01; const f = Math.floor((c - fo) / 3); target = opts.stance[f] && (c - fo) % 3 === 2 ? fRef : 0 }
    if (c >= to) w = 0.01
    r[c] = w
    Ar.push(...r); br.push(w * target)
  }
  levels.push({ A: Ar, b: br })
  const hqp: HqpProblem = { n, levels, lb, ub }
  return { hqp, weighted: weightedFromHierarchy(hqp), nv, nf, nj }
}

/**
 * The weighted single-QP version of a hierarchy: level 0 hard; level k ≥ 1 contributes
 * w_k ‖A_k x − b_k‖² with w_k = 10^(−2(k−1)) (equality rows only; two-sided rows of lower levels
 * are kept as hard rows).
 */
export function weightedFromHierarchy (p: HqpProblem): QpProblem {
  const n = p.n
  const H = new Float64Array(n * n)
  const g = new Float64Array(n)
  const lvl0 = p.levels[0]
  const C: number[] = Array.from(lvl0.C ?? [])
  const l: number[] = Array.from(lvl0.l ?? [])
  const u: number[] = Array.from(lvl0.u ?? [])
  p.levels.slice(1).forEach((lv, k) => {
    const w = Math.pow(10, -2 * k)
    const me = lv.b?.length ?? 0
    for (let i = 0; i < me; i++) {
      const a = (lv.A as ArrayLike<number>)
      const bi = (lv.b as ArrayLike<number>)[i]
      for (let r = 0; r < n; r++) {
        const ar = a[i * n + r]
        if (ar === 0) continue
        g[r] -= w * ar * bi
        for (let c = 0; c < n; c++) H[r * n + c] += w * ar * a[i * n + c]
      }
    }
    const mc = lv.l?.length ?? 0
    for (let i = 0; i < mc; i++) {
      for (let c = 0; c < n; c++) C.push((lv.C as ArrayLike<number>)[i * n + c])
      l.push((lv.l as ArrayLike<number>)[i]); u.push((lv.u as ArrayLike<number>)[i])
    }
  })
  return { n, H, g, A: Array.from(lvl0.A ?? []), b: Array.from(lvl0.b ?? []), C, l, u, lb: p.lb, ub: p.ub }
}

const QUADRUPED_FEET = [[0.19, 0.11, -0.28], [0.19, -0.11, -0.28], [-0.19, 0.11, -0.28], [-0.19, -0.11, -0.28]]

/**
 * Quadruped (12 joints, 4 point feet): n = 18 + 12 + 12 = 42 variables, 30 equality rows in
 * level 0 (18 EoM + 12 no-slip/zero-force), 5 friction rows per stance foot (20 in full stance)
 * + 12 torque boxes, 3 levels.
 * `phase` picks the stance set: 0 full stance, 1 trot LF+RH, 2 trot RF+LH.
 */
export function quadrupedWbc (rng: Rng, phase = 0): WbcProblem {
  const robot = randomRobot(rng, [3, 3, 3, 3], QUADRUPED_FEET, 6.0, [0.05, 0.15, 0.17], 0.15)
  const stance = phase === 0 ? [true, true, true, true] : phase === 1 ? [true, false, false, true] : [false, true, true, false]
  return buildWbc(rng, robot, { stance }, 0, 0)
}

const HUMANOID_FEET = [[0.0, 0.1, -0.9], [0.0, -0.1, -0.9], [0.1, 0.1, -0.9], [0.1, -0.1, -0.9]]

/**
 * Humanoid (24 joints; each foot as two point contacts at heel and toe): n = 30 + 12 + 24 = 66
 * variables, 4 levels (EoM/contacts/limits; base + swing foot; posture; regularization).
 * `phase`: 0 double support, 1 left support, 2 right support.
 */
export function humanoidWbc (rng: Rng, phase = 0): WbcProblem {
  // joints: 6 per leg (on the foot's two contacts), 12 upper body (arms/torso, no contact)
  const robot = randomRobot(rng, [6, 6, 0, 0], HUMANOID_FEET, 15.0, [1.2, 1.0, 0.3], 0.4)
  // add the upper body joints: extend the robot with 12 contact-free joints
  const nvOld = robot.nv
  const nv = nvOld + 12
  const M = new Float64Array(nv * nv)
  for (let i = 0; i < nvOld; i++) for (let j = 0; j < nvOld; j++) M[i * nv + j] = robot.M[i * nvOld + j]
  for (let i = nvOld; i < nv; i++) {
    M[i * nv + i] = rng.uniform(0.05, 0.4)
    const c = rng.normal() * 0.05
    M[i * nv + 3 + (i % 3)] = c
    M[(3 + (i % 3)) * nv + i] = c
    M[(3 + (i % 3)) * nv + 3 + (i % 3)] += Math.abs(c) * 4
  }
  const h = new Float64Array(nv)
  h.set(robot.h)
  for (let i = nvOld; i < nv; i++) h[i] = rng.normal() * 0.5
  const J = new Float64Array(3 * 4 * nv)
  for (let r = 0; r < 12; r++) for (let j = 0; j < nvOld; j++) J[r * nv + j] = robot.J[r * nvOld + j]
  // the heel/toe pairs share their leg: the second pair (indices 2, 3) reuses legs 0 and 1
  for (let f = 2; f < 4; f++) for (let i = 0; i < 3; i++) for (let t = 0; t < 6; t++) J[(3 * f + i) * nv + 6 + 6 * (f - 2) + t] = J[(3 * (f - 2) + i) * nv + 6 + 6 * (f - 2) + t] + rng.normal() * 0.02
  const tauMax = [...robot.tauMax, ...Array.from({ length: 12 }, () => rng.uniform(20, 60))]
  const big: Robot = { ...robot, nv, M, h, J, tauMax }
  const stance = phase === 0 ? [true, true, true, true] : phase === 1 ? [true, false, true, false] : [false, true, false, true]
  return buildWbc(rng, big, { stance, mu: 0.7 }, 1, 12)
}

export interface MpcOptions {
  N: number
  /** Stance pattern per stage: 4 flags per stage; swing feet get zero-force equalities. */
  gait?: (k: number) => boolean[]
  dt?: number
}

/**
 * Centroidal (single rigid body) MPC of a quadruped as an OCP QP: x = [p; v; θ; ω] (12),
 * u = 4 foot forces (12); x_{k+1} = x_k + dt·(v; Σf/m + g; ω; I⁻¹ Σ r_i × f_i) (small-angle);
 * 4 friction pyramids (5 rows each) per stage; swing feet f_i = 0 as stage equalities; tracking
 * cost on a forward-walking reference, small force regularization. x_0 fixed.
 */
export function centroidalMpc (rng: Rng, o: MpcOptions): OcpProblem {
  const N = o.N
  const dt = o.dt ?? 0.02
  const nx = 12
  const nu = 12
  const m = 12.0
  const Iinv = [1 / 0.05, 1 / 0.15, 1 / 0.17]
  const mu = 0.6
  const fzMax = 2 * m * GRAVITY
  const gait = o.gait ?? ((k: number) => (Math.floor(k / 5) % 2 === 0 ? [true, false, false, true] : [false, true, true, false]))
  const vx = rng.uniform(0.2, 0.8)
  const x0 = new Float64Array(nx)
  x0[2] = 0.3 + rng.normal() * 0.01
  x0[3] = vx + rng.normal() * 0.05
  for (let i = 6; i < 12; i++) x0[i] = rng.normal() * 0.02
  const stages: OcpStage[] = []
  const qDiag = [0, 50, 200, 10, 10, 10, 50, 50, 10, 1, 1, 1]
  const rDiag = 1e-4
  for (let k = 0; k <= N; k++) {
    const last = k === N
    const nuk = last ? 0 : nu
    const nxu = nx + nuk
    const Q = new Float64Array(nxu * nxu)
    const q = new Float64Array(nxu)
    const xref = new Float64Array(nx)
    xref[0] = x0[0] + vx * k * dt; xref[2] = 0.3; xref[3] = vx
    const w = last ? 10 : 1
    for (let i = 0; i < nx; i++) { Q[i * nxu + i] = w * qDiag[i] + 1e-6; q[i] = -w * qDiag[i] * xref[i] }
    for (let a = 0; a < nuk; a++) Q[(nx + a) * nxu + nx + a] = rDiag
    const s: OcpStage = { nu: nuk, Q, q }
    if (!last) {
      const feet = QUADRUPED_FEET.map((r) => r.map((v) => v + rng.normal() * 0.01))
      const A = new Float64Array(nx * nx)
      for (let i = 0; i < nx; i++) A[i * nx + i] = 1
      for (let i = 0; i < 3; i++) { A[i * nx + 3 + i] = dt; A[(6 + i) * nx + 9 + i] = dt }
      const B = new Float64Array(nx * nu)
      for (let f = 0; f < 4; f++) {
        for (let i = 0; i < 3; i++) B[(3 + i) * nu + 3 * f + i] = dt / m
        const S = new Float64Array(9)
        skewInto(S, 0, 3, feet[f])
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) B[(9 + i) * nu + 3 * f + j] = dt * Iinv[i] * S[i * 3 + j]
      }
      const c = new Float64Array(nx)
      c[5] = -dt * GRAVITY
      s.A = A; s.B = B; s.c = c
      const stance = gait(k)
      const Gu = new Float64Array(20 * nu)
      const lg = new Float64Array(20)
      const ug = new Float64Array(20)
      for (let f = 0; f < 4; f++) {
        const sides: Array<[number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1]]
        sides.forEach(([sx, sy], t) => {
          const r = 5 * f + t
          Gu[r * nu + 3 * f] = sx; Gu[r * nu + 3 * f + 1] = sy; Gu[r * nu + 3 * f + 2] = -mu
          lg[r] = -Infinity; ug[r] = 0
        })
        const r = 5 * f + 4
        Gu[r * nu + 3 * f + 2] = 1
        lg[r] = 0; ug[r] = fzMax
      }
      s.Gx = new Float64Array(20 * nx); s.Gu = Gu; s.lg = lg; s.ug = ug
      const swing = stance.map((st, f) => (st ? -1 : f)).filter((f) => f >= 0)
      if (swing.length > 0) {
        const ne = 3 * swing.length
        const Eu = new Float64Array(ne * nu)
        swing.forEach((f, t) => { for (let i = 0; i < 3; i++) Eu[(3 * t + i) * nu + 3 * f + i] = 1 })
        s.Dx = new Float64Array(ne * nx); s.Eu = Eu; s.e = new Float64Array(ne)
      }
    }
    stages.push(s)
  }
  return { nx, stages, x0 }
}

const copyF64 = (a: ArrayLike<number> | undefined): Float64Array | undefined => (a === undefined ? undefined : Float64Array.from(a))

/**
 * A controller-like sequence of WBC hierarchies (the qp bench's): 3 gait phases of ticksPerPhase ticks;
 * each tick level 0's dynamics terms and every level's targets drift a little. Typed arrays throughout.
 */
export function wbcSequence (make: (rng: Rng, phase: number) => WbcProblem, seed: number, ticksPerPhase: number): HqpProblem[] {
  const rng = new Rng(seed)
  const out: HqpProblem[] = []
  for (let phase = 0; phase < 3; phase++) {
    const base = make(rng, phase).hqp
    for (let t = 0; t < ticksPerPhase; t++) {
      const levels = base.levels.map((lv, k) => ({
        A: k === 0 && lv.A !== undefined ? Float64Array.from(lv.A, (v) => (v === 0 || v === 1 || v === -1 ? v : v * (1 + 1e-3 * rng.normal()))) : copyF64(lv.A),
        b: lv.b === undefined ? undefined : Float64Array.from(lv.b, (v) => v + (k === 0 ? 1e-2 : 5e-2) * rng.normal()),
        C: copyF64(lv.C),
        l: copyF64(lv.l),
        u: copyF64(lv.u)
      }))
      // typed arrays throughout, as a host would hold them
      out.push({ n: base.n, levels, lb: copyF64(base.lb), ub: copyF64(base.ub) })
    }
  }
  return out
}
