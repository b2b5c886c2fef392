// Kinodynamic NMPC (assembly/locomotion/mpc/kinodynamic-mpc.ts): its linearized dynamics against
// central finite differences of its own discrete step (exact blocks to 1e-6; the blocks where
// ∂A_g/∂q is dropped are exact at zero momentum and joint rates, and are checked there), and its
// constraint rows against foot velocities and heights computed independently through the dynamics
// core's host view (RobotDynamics: forward kinematics, frame Jacobians, centroidal map).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dynamics, rng, FEET } from './helpers.ts'
import { KinodynamicMpcHost } from '../../../host/locomotion/mpc/kinodynamic-mpc.ts'
import { DYN, type RobotDynamics } from '../../../host/core/dynamics.ts'

const dyn = await dynamics()
const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 10 })
const home = dyn.description.keyframes.home
const nj = mpc.nj
const nx = mpc.nx

function randomState (r: () => number, moving: boolean): { x: number[], u: number[], s: number[] } {
  const u = (a: number, b: number): number => a + (b - a) * r()
  const x: number[] = []
  for (let i = 0; i < 6; i++) x.push(moving ? u(-0.5, 0.5) : 0)
  x.push(u(-0.2, 0.2), u(-0.2, 0.2), u(0.25, 0.32))
  x.push(u(-0.3, 0.3), u(-0.3, 0.3), u(-2, 2))
  for (let j = 0; j < nj; j++) x.push(home[7 + j] + u(-0.3, 0.3))
  const uu: number[] = []
  for (let i = 0; i < 4; i++) uu.push(u(-10, 10), u(-10, 10), u(5, 40))
  for (let j = 0; j < nj; j++) uu.push(moving ? u(-2, 2) : 0)
  const s = [0, 1, 2, 3].map(() => (r() < 0.6 ? 1 : 0))
  return { x, u: uu, s }
}

/** Columns of B of the full-input index a (every foot's force, then q̇); −1 for a swing foot. */
function bColumn (s: number[], a: number): number {
  if (a >= 12) return 3 * s.reduce((p, v) => p + v, 0) + (a - 12)
  const foot = Math.floor(a / 3)
  if (s[foot] === 0) return -1
  return 3 * s.slice(0, foot).reduce((p, v) => p + v, 0) + (a % 3)
}

function checkJacobians (moving: boolean, seed: number, exactOnly: boolean): number {
  const r = rng(seed)
  const eps = 1e-6
  let worst = 0
  for (let t = 0; t < 40; t++) {
    const c = randomState(r, moving)
    const st = mpc.linearize(c.x, c.u, c.s)
    const A = st.A as Float64Array
    const B = st.B as Float64Array
    const nu = st.nu
    for (let j = 0; j < nx; j++) {
      const xp = c.x.slice(); xp[j] += eps
      const xm = c.x.slice(); xm[j] -= eps
      const fp = mpc.step(xp, c.u, c.s) as Float64Array
      const fm = mpc.step(xm, c.u, c.s) as Float64Array
      for (let i = 0; i < nx; i++) {
        // rows of p_base and Θ against Θ and q_j columns carry the dropped ∂A_g/∂q when moving
        if (exactOnly && i >= 6 && i < 12 && j >= 9) continue
        const fd = (fp[i] - fm[i]) / (2 * eps)
        const err = Math.abs(fd - A[nx * i + j]) / Math.max(1, Math.abs(fd))
        worst = Math.max(worst, err)
        assert.ok(err < 1e-6, `${moving ? 'moving' : 'at rest'} case ${t}: A[${i}][${j}] = ${A[nx * i + j]} vs FD ${fd}`)
      }
    }
    for (let a = 0; a < mpc.nuFull; a++) {
      const col = bColumn(c.s, a)
      const up = c.u.slice(); up[a] += eps
      const um = c.u.slice(); um[a] -= eps
      const fp = mpc.step(c.x, up, c.s) as Float64Array
      const fm = mpc.step(c.x, um, c.s) as Float64Array
      for (let i = 0; i < nx; i++) {
        const fd = (fp[i] - fm[i]) / (2 * eps)
        const an = col < 0 ? 0 : B[nu * i + col]
        const err = Math.abs(fd - an) / Math.max(1, Math.abs(fd))
        worst = Math.max(worst, err)
        assert.ok(err < 1e-6, `case ${t}: B[${i}][input ${a}] = ${an} vs FD ${fd}`)
      }
    }
    // c closes the linearization: A x̄ + B ū + c = F(x̄, ū)
    const f0 = mpc.step(c.x, c.u, c.s) as Float64Array
    for (let i = 0; i < nx; i++) {
      let v = (st.c as Float64Array)[i]
      for (let j = 0; j < nx; j++) v += A[nx * i + j] * c.x[j]
      for (let a = 0; a < mpc.nuFull; a++) { const col = bColumn(c.s, a); if (col >= 0) v += B[nu * i + col] * c.u[a] }
      assert.ok(Math.abs(v - f0[i]) < 1e-9 * Math.max(1, Math.abs(f0[i])), `case ${t}: affine model at x̄ row ${i}: ${v} vs ${f0[i]}`)
    }
  }
  return worst
}

test('dynamics Jacobians vs central differences (ε = 1e-6, tol 1e-6): every block at zero momentum and joint rates', () => {
  assert.ok(checkJacobians(false, 21, false) > 0)
})

test('dynamics Jacobians vs central differences while moving: all blocks except the dropped ∂A_g/∂q terms', () => {
  assert.ok(checkJacobians(true, 22, true) > 0)
})

function rpyQuat (phi: number, th: number, psi: number): number[] {
  const c = (a: number): number => Math.cos(a / 2)
  const s = (a: number): number => Math.sin(a / 2)
  const mul = (a: number[], b: number[]): number[] => [a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2], a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]]
  return mul([c(psi), 0, 0, s(psi)], mul([c(th), 0, s(th), 0], [c(phi), s(phi), 0, 0]))
}

/** qpos of a kinodynamic state. */
function qposOf (x: ArrayLike<number>): number[] {
  return [x[6], x[7], x[8], ...rpyQuat(x[9], x[10], x[11]), ...Array.from(x).slice(12)]
}

/** Foot velocities (world, 3 per foot) and heights of (x, q̇) through the host dynamics: qvel from A_g. */
function feetMotion (d: RobotDynamics, x: ArrayLike<number>, qd: ArrayLike<number>, m: number): { v: number[][], z: number[] } {
  d.qpos.set(qposOf(x))
  d.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS | DYN.CENTROIDAL)
  const nv = d.nv
  const Ag = d.centroidalMap
  // A_b v_b = m h/m − A_j q̇ (Gaussian elimination on the 6 × 6)
  const M = [0, 1, 2, 3, 4, 5].map((r) => [...Array.from(Ag.subarray(r * nv, r * nv + 6)), m * x[r] - Array.from(qd).reduce((s, v, j) => s + Ag[r * nv + 6 + j] * v, 0)])
  for (let c = 0; c < 6; c++) {
    let p = c
    for (let r = c + 1; r < 6; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r
    ;[M[c], M[p]] = [M[p], M[c]]
    for (let r = 0; r < 6; r++) if (r !== c) { const l = M[r][c] / M[c][c]; for (let k = c; k < 7; k++) M[r][k] -= l * M[c][k] }
  }
  const vb = M.map((row, r) => row[6] / row[r])
  const qvel = [...vb, ...Array.from(qd)]
  const v: number[][] = []
  const z: number[] = []
  for (const name of FEET) {
    const f = d.frameIndex(name)
    const J = d.frameJacobians.subarray(f * 6 * nv, (f + 1) * 6 * nv)
    v.push([0, 1, 2].map((a) => qvel.reduce((s, q, c) => s + J[a * nv + c] * q, 0)))
    z.push(d.framePos[3 * f + 2])
  }
  return { v, z }
}

test('constraint rows vs the dynamics core: stance rows = foot velocity J(q)·v; swing rows = ż − ż_ref − k_p (z_ref − z) and ∂z/∂q', () => {
  const r = rng(31)
  const kp = 20
  const m = mpc.mass
  for (let t = 0; t < 30; t++) {
    const c = randomState(r, true)
    // swing references of stage 0
    const zr = [0.05, 0.06, 0.07, 0.08]
    const vzr = [0.1, -0.2, 0.3, 0]
    mpc.zRef.set(zr)
    mpc.vzRef.set(vzr)
    const st = mpc.linearize(c.x, c.u, c.s)
    const qd = c.u.slice(12)
    const fm = feetMotion(dyn, c.x, qd, m)
    const uc: number[] = []
    for (let i = 0; i < 4; i++) if (c.s[i] === 1) uc.push(...c.u.slice(3 * i, 3 * i + 3))
    uc.push(...qd)
    const rowVal = (row: number, x: ArrayLike<number>, u: ArrayLike<number>): number => {
      let v = -(st.e as Float64Array)[row]
      for (let j = 0; j < nx; j++) v += (st.Dx as Float64Array)[row * nx + j] * x[j]
      for (let a = 0; a < st.nu; a++) v += (st.Eu as Float64Array)[row * st.nu + a] * u[a]
      return v
    }
    let row = 0
    for (let i = 0; i < 4; i++) {
      if (c.s[i] === 1) {
        for (let a = 0; a < 3; a++) {
          const v = rowVal(row++, c.x, uc)
          assert.ok(Math.abs(v - fm.v[i][a]) < 1e-9 * Math.max(1, Math.abs(fm.v[i][a])), `case ${t} foot ${i}: row ${v} vs foot velocity ${fm.v[i][a]}`)
        }
      } else {
        const want = fm.v[i][2] - vzr[i] - kp * (zr[i] - fm.z[i])
        const v = rowVal(row, c.x, uc)
        assert.ok(Math.abs(v - want) < 1e-9 * Math.max(1, Math.abs(want)), `case ${t} swing foot ${i}: row ${v} vs ${want}`)
        // ∂z/∂(p, Θ, q_j) against differences of the core's forward kinematics
        for (let j = 6; j < nx; j++) {
          const h = 1e-6
          const xp = c.x.slice(); xp[j] += h
          const xm = c.x.slice(); xm[j] -= h
          const dz = (feetMotion(dyn, xp, qd, m).z[i] - feetMotion(dyn, xm, qd, m).z[i]) / (2 * h)
          const an = (st.Dx as Float64Array)[row * nx + j] / kp
          assert.ok(Math.abs(an - dz) < 1e-6, `case ${t} swing foot ${i}: ∂z/∂x[${j}] ${an} vs ${dz}`)
        }
        row++
      }
    }
    assert.is(row, (st.e as Float64Array).length, 'one row per swing foot, three per stance foot')
  }
})

test('the discrete step agrees with the centroidal equations evaluated through the host dynamics (A_g, CoM, feet)', () => {
  const r = rng(41)
  const m = mpc.mass
  const dt = mpc.dt
  for (let t = 0; t < 30; t++) {
    const c = randomState(r, true)
    const xn = mpc.step(c.x, c.u, c.s) as Float64Array
    const qd = c.u.slice(12)
    feetMotion(dyn, c.x, qd, m) // leaves the host dynamics at q(x) with the frames, CoM and A_g computed
    const com = Array.from(dyn.com)
    const nv = dyn.nv
    // ḣ/m = [Σf/m + g; Σ (r_i − c) × f_i / m]
    const dh = [0, 0, -9.81 * m, 0, 0, 0]
    for (let i = 0; i < 4; i++) {
      if (c.s[i] === 0) continue
      const f = c.u.slice(3 * i, 3 * i + 3)
      const fr = dyn.frameIndex(FEET[i])
      const rr = [0, 1, 2].map((a) => dyn.framePos[3 * fr + a] - com[a])
      dh[0] += f[0]; dh[1] += f[1]; dh[2] += f[2]
      dh[3] += rr[1] * f[2] - rr[2] * f[1]
      dh[4] += rr[2] * f[0] - rr[0] * f[2]
      dh[5] += rr[0] * f[1] - rr[1] * f[0]
    }
    for (let a = 0; a < 6; a++) {
      const want = c.x[a] + dt * dh[a] / m
      assert.ok(Math.abs(xn[a] - want) < 1e-10 * Math.max(1, Math.abs(want)), `case ${t}: h/m[${a}] ${xn[a]} vs ${want}`)
    }
    // base position: v_world from A_b v_b = h − A_j q̇ (solved on the host in feetMotion's qvel)
    const Ag = dyn.centroidalMap
    const M = [0, 1, 2, 3, 4, 5].map((row) => [...Array.from(Ag.subarray(row * nv, row * nv + 6)), m * c.x[row] - qd.reduce((s, v, j) => s + Ag[row * nv + 6 + j] * v, 0)])
    for (let col = 0; col < 6; col++) {
      let p = col
      for (let row = col + 1; row < 6; row++) if (Math.abs(M[row][col]) > Math.abs(M[p][col])) p = row
      ;[M[col], M[p]] = [M[p], M[col]]
      for (let row = 0; row < 6; row++) if (row !== col) { const l = M[row][col] / M[col][col]; for (let k = col; k < 7; k++) M[row][k] -= l * M[col][k] }
    }
    const vb = M.map((row, i) => row[6] / row[i])
    for (let a = 0; a < 3; a++) {
      const want = c.x[6 + a] + dt * vb[a]
      assert.ok(Math.abs(xn[6 + a] - want) < 1e-10, `case ${t}: p_base[${a}] ${xn[6 + a]} vs ${want}`)
    }
    // joints integrate their rates
    for (let j = 0; j < nj; j++) assert.ok(Math.abs(xn[12 + j] - (c.x[12 + j] + dt * qd[j])) < 1e-14)
  }
})

test('setStateFromMujoco: h/m = A_g(q)·qvel / m from the host dynamics, Euler angles of the base quaternion, joints', () => {
  const r = rng(51)
  for (let t = 0; t < 10; t++) {
    const x = randomState(r, false).x
    const q = [x[6], x[7], x[8], ...rpyQuat(x[9], x[10], x[11]), ...x.slice(12)]
    const qvel = Array.from({ length: dyn.nv }, () => 2 * r() - 1)
    mpc.xRef[11] = x[11]
    mpc.setStateFromMujoco(q, qvel)
    dyn.qpos.set(q)
    dyn.compute(DYN.POSITION | DYN.CENTROIDAL)
    for (let a = 0; a < 6; a++) {
      let h = 0
      for (let c = 0; c < dyn.nv; c++) h += dyn.centroidalMap[a * dyn.nv + c] * qvel[c]
      assert.ok(Math.abs(mpc.x0[a] - h / mpc.mass) < 1e-12, `h/m[${a}]`)
    }
    for (let i = 6; i < nx; i++) assert.ok(Math.abs(mpc.x0[i] - x[i]) < 1e-10, `x0[${i}] ${mpc.x0[i]} vs ${x[i]}`)
  }
})

test.run()
