// The SRBD model of the NMPC (assembly/locomotion/mpc/srbd-dynamics.ts): its Jacobians against
// central finite differences of the discrete step, and the step itself against an independent
// evaluation of the rigid-body equations (rotation matrices from a quaternion, no Euler angles),
// plus the model's mass and inertia against the robot file's bodies.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dynamics, rng, robot } from './helpers.ts'
import { SrbdMpcHost } from '../../../host/locomotion/mpc/srbd-mpc.ts'

const dyn = await dynamics()
const mpc = new SrbdMpcHost(dyn, { dt: 0.025 })

function randomCase (r: () => number): { x: number[], f: number[], p: number[], s: number[] } {
  const u = (a: number, b: number): number => a + (b - a) * r()
  const x = [u(-0.5, 0.5), u(-0.5, 0.5), u(-3, 3), u(-1, 1), u(-1, 1), u(0.1, 0.5), u(-2, 2), u(-2, 2), u(-2, 2), u(-1, 1), u(-1, 1), u(-1, 1)]
  const f: number[] = []
  const p: number[] = []
  const s: number[] = []
  for (let i = 0; i < 4; i++) {
    f.push(u(-20, 20), u(-20, 20), u(0, 60))
    p.push(u(-0.4, 0.4), u(-0.3, 0.3), u(-0.05, 0.05))
    s.push(r() < 0.7 ? 1 : 0)
  }
  return { x, f, p, s }
}

test('A = ∂x⁺/∂x and B = ∂x⁺/∂f match central differences (ε = 1e-6, tol 1e-6 relative) on 200 random states', () => {
  const r = rng(11)
  const eps = 1e-6
  let worst = 0
  for (let t = 0; t < 200; t++) {
    const c = randomCase(r)
    const { A, B } = mpc.step(c.x, c.f, c.p, c.s)
    const nu = 3 * c.s.reduce((a, b) => a + b, 0)
    for (let j = 0; j < 12; j++) {
      const xp = c.x.slice(); xp[j] += eps
      const xm = c.x.slice(); xm[j] -= eps
      const fp = mpc.step(xp, c.f, c.p, c.s).xn
      const fm = mpc.step(xm, c.f, c.p, c.s).xn
      for (let i = 0; i < 12; i++) {
        const fd = (fp[i] - fm[i]) / (2 * eps)
        const err = Math.abs(fd - A[12 * i + j]) / Math.max(1, Math.abs(fd))
        worst = Math.max(worst, err)
        assert.ok(err < 1e-6, `case ${t}: A[${i}][${j}] = ${A[12 * i + j]} vs FD ${fd}`)
      }
    }
    let col = 0
    for (let foot = 0; foot < 4; foot++) {
      if (c.s[foot] === 0) continue
      for (let a = 0; a < 3; a++) {
        const up = c.f.slice(); up[3 * foot + a] += eps
        const um = c.f.slice(); um[3 * foot + a] -= eps
        const fp = mpc.step(c.x, up, c.p, c.s).xn
        const fm = mpc.step(c.x, um, c.p, c.s).xn
        for (let i = 0; i < 12; i++) {
          const fd = (fp[i] - fm[i]) / (2 * eps)
          const err = Math.abs(fd - B[nu * i + col + a]) / Math.max(1, Math.abs(fd))
          worst = Math.max(worst, err)
          assert.ok(err < 1e-6, `case ${t}: B[${i}][foot ${foot} axis ${a}] = ${B[nu * i + col + a]} vs FD ${fd}`)
        }
      }
      col += 3
    }
    // a swing foot's force has no effect
    for (let foot = 0; foot < 4; foot++) {
      if (c.s[foot] !== 0) continue
      const up = c.f.slice(); up[3 * foot + 2] += 100
      const a0 = mpc.step(c.x, c.f, c.p, c.s).xn
      const a1 = mpc.step(c.x, up, c.p, c.s).xn
      for (let i = 0; i < 12; i++) assert.is(a1[i], a0[i], `case ${t}: swing foot ${foot} changed x⁺[${i}]`)
    }
  }
  assert.ok(worst > 0, 'the comparison ran')
})

/** R = Rz(ψ) Ry(θ) Rx(φ) built from a quaternion product (independent of the core's formula). */
function quatZyx (phi: number, theta: number, psi: number): number[] {
  const qx = [Math.cos(phi / 2), Math.sin(phi / 2), 0, 0]
  const qy = [Math.cos(theta / 2), 0, Math.sin(theta / 2), 0]
  const qz = [Math.cos(psi / 2), 0, 0, Math.sin(psi / 2)]
  return qmul(qz, qmul(qy, qx))
}
function qmul (a: number[], b: number[]): number[] {
  return [a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]]
}
function qmat (q: number[]): number[] {
  const [w, x, y, z] = q
  return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
}
function mm (A: number[], B: number[]): number[] {
  const C = new Array(9).fill(0)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) C[3 * i + j] += A[3 * i + k] * B[3 * k + j]
  return C
}
function mt (A: number[]): number[] { return [A[0], A[3], A[6], A[1], A[4], A[7], A[2], A[5], A[8]] }
function mv (A: number[], v: number[]): number[] { return [0, 1, 2].map((i) => A[3 * i] * v[0] + A[3 * i + 1] * v[1] + A[3 * i + 2] * v[2]) }
function cross (a: number[], b: number[]): number[] { return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]] }
function solve3 (A: number[], b: number[]): number[] {
  // Cramer's rule
  const det = (M: number[]): number => M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6])
  const d = det(A)
  return [0, 1, 2].map((c) => { const M = A.slice(); for (let r = 0; r < 3; r++) M[3 * r + c] = b[r]; return det(M) / d })
}

test('the step agrees with the Newton–Euler equations evaluated independently (dt → 0 rates, 1e-6)', async () => {
  const h = 1e-7
  const small = new SrbdMpcHost(dyn, { dt: h })
  const Ib = Array.from(small.inertiaBody)
  const m = small.mass
  const r = rng(5)
  for (let t = 0; t < 50; t++) {
    const c = randomCase(r)
    const xn = small.step(c.x, c.f, c.p, c.s).xn
    const R = qmat(quatZyx(c.x[0], c.x[1], c.x[2]))
    const Iw = mm(mm(R, Ib), mt(R))
    const p = c.x.slice(3, 6)
    const w = c.x.slice(6, 9)
    let tau = [0, 0, 0]
    let F = [0, 0, 0]
    for (let i = 0; i < 4; i++) {
      if (c.s[i] === 0) continue
      const fi = c.f.slice(3 * i, 3 * i + 3)
      const ri = c.p.slice(3 * i, 3 * i + 3).map((v, a) => v - p[a])
      tau = tau.map((v, a) => v + cross(ri, fi)[a])
      F = F.map((v, a) => v + fi[a])
    }
    const alpha = solve3(Iw, tau.map((v, a) => v - cross(w, mv(Iw, w))[a]))
    const acc = [F[0] / m, F[1] / m, F[2] / m - 9.81]
    for (let a = 0; a < 3; a++) {
      const ra = (xn[6 + a] - c.x[6 + a]) / h
      assert.ok(Math.abs(ra - alpha[a]) <= 1e-6 * Math.max(1, Math.abs(alpha[a])) + 1e-4, `case ${t}: ω̇[${a}] ${ra} vs ${alpha[a]}`)
      const va = (xn[9 + a] - c.x[9 + a]) / h
      assert.ok(Math.abs(va - acc[a]) <= 1e-6 * Math.max(1, Math.abs(acc[a])), `case ${t}: v̇[${a}] ${va} vs ${acc[a]}`)
    }
    // orientation: R(Θ⁺) ≈ (I + h[ω]×) R(Θ)
    const Rn = qmat(quatZyx(xn[0], xn[1], xn[2]))
    const dR = Rn.map((v, i) => (v - R[i]) / h)
    const skew = [0, -w[2], w[1], w[2], 0, -w[0], -w[1], w[0], 0]
    const want = mm(skew, R)
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(dR[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])), `case ${t}: Ṙ[${i}] ${dR[i]} vs ${want[i]}`)
  }
})

test('mass and inertia come from the robot model: Σ body masses and the parallel-axis sum over bodies at the home keyframe', async () => {
  const desc = await robot()
  const sum = desc.bodies.reduce((a, b) => a + b.mass, 0)
  assert.ok(Math.abs(mpc.mass - sum) < 1e-9, `mass ${mpc.mass} vs Σ bodies ${sum}`)
  // independent: I_c = Σ_b R_b I_b R_bᵀ + m_b (|d|² 1 − d dᵀ), d = c_b − c, from the body placements
  dyn.qpos.set(desc.keyframes.home)
  dyn.compute(1)
  const cs: number[][] = []
  const Rs: number[][] = []
  let com = [0, 0, 0]
  desc.bodies.forEach((b, i) => {
    const l = dyn.lowered.bodyLink[i]
    const R = Array.from(dyn.linkRot.subarray(9 * l, 9 * l + 9))
    const o = Array.from(dyn.linkPos.subarray(3 * l, 3 * l + 3))
    const c = mv(R, b.com).map((v, a) => v + o[a])
    cs.push(c); Rs.push(R)
    com = com.map((v, a) => v + b.mass * c[a] / sum)
  })
  const I = new Array(9).fill(0)
  desc.bodies.forEach((b, i) => {
    const Ib = mm(mm(Rs[i], Array.from(b.inertia)), mt(Rs[i]))
    const d = cs[i].map((v, a) => v - com[a])
    const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) I[3 * r + c] += Ib[3 * r + c] + b.mass * ((r === c ? dd : 0) - d[r] * d[c])
  })
  // home has the base level (R = 1): world and base axes agree
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(I[i] - mpc.inertiaBody[i]) < 1e-10, `I_body[${i}] ${mpc.inertiaBody[i]} vs parallel-axis sum ${I[i]}`)
  const base = desc.keyframes.home.slice(0, 3)
  for (let a = 0; a < 3; a++) assert.ok(Math.abs(mpc.comBase[a] - (com[a] - base[a])) < 1e-12, `com_base[${a}]`)
})

test.run()
