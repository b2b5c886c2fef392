// Structured OCP QP (Riccati-based interior point) against the dense solver on the same problems
// condensed (states eliminated through the dynamics), on random OCPs and on a quadruped centroidal
// MPC with swing-foot equalities; Riccati gains against finite differences and the Bellman
// principle; setup errors; warm starts; allocation-freedom.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadForTest } from './lib/load.ts'
import { DenseQp } from '../../host/solvers/dense-qp.ts'
import { OcpQp, type OcpProblem, type OcpResult } from '../../host/solvers/ocp-qp.ts'
import { Rng } from '../../host/solvers/seeded-rng.ts'
import { centroidalMpc } from '../../host/solvers/synthetic-problems.ts'
import { randomOcp, condenseOcp } from './lib/random-ocp.ts'

const OCP_SIZES = { Nmax: 25, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 }
const DENSE_SIZES = { nMax: 300, meMax: 250, mcMax: 500 }

/** Max |difference| of the trajectories (relative to max(1, |value|)) and of the objectives. */
function compareToDense (qp: DenseQp, p: OcpProblem, r: OcpResult, what: string): void {
  const c = condenseOcp(p)
  qp.resetWarm()
  const d = qp.solve(c.qp)
  assert.is(d.statusName, 'optimal', `${what}: dense status`)
  const tr = c.unpack(d.x)
  let dx = 0
  let scale = 1
  for (let k = 0; k < p.stages.length; k++) {
    for (let i = 0; i < p.nx; i++) { dx = Math.max(dx, Math.abs(tr.x[k][i] - r.x[k][i])); scale = Math.max(scale, Math.abs(tr.x[k][i])) }
    for (let a = 0; a < p.stages[k].nu; a++) { dx = Math.max(dx, Math.abs(tr.u[k][a] - r.u[k][a])); scale = Math.max(scale, Math.abs(tr.u[k][a])) }
  }
  assert.ok(dx <= 1e-8 * scale, `${what}: trajectories differ by ${dx} (scale ${scale})`)
  const objDense = d.objective + c.constant
  assert.ok(Math.abs(objDense - r.objective) <= 1e-8 * Math.max(1, Math.abs(objDense)), `${what}: objective ${r.objective} vs dense ${objDense}`)
}

test('300 random OCP QPs (stage equalities, two-sided rows, free or fixed x0) equal the condensed dense solution to 1e-8', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, OCP_SIZES)
  const qp = new DenseQp(w, DENSE_SIZES)
  const rng = new Rng(1234)
  let withEq = 0
  let withRows = 0
  for (let t = 0; t < 300; t++) {
    const g = { N: rng.int(1, 15), nx: rng.int(1, 8), nu: rng.int(1, 6), ng: rng.int(0, 10), ne: rng.int(0, 3), x0Fixed: rng.next() < 0.7, nuLast: rng.next() < 0.3 ? 2 : 0 }
    const p = randomOcp(rng, g)
    const r = ocp.solve(p)
    const what = `#${t} ${JSON.stringify(g)}`
    assert.is(r.statusName, 'optimal', `${what}: status (${r.error ?? ''})`)
    compareToDense(qp, p, r, what)
    // stage equalities hold to roundoff at every stage
    p.stages.forEach((s, k) => {
      const ne = s.e?.length ?? 0
      for (let i = 0; i < ne; i++) {
        let v = -(s.e as ArrayLike<number>)[i]
        for (let j = 0; j < p.nx; j++) v += (s.Dx?.[i * p.nx + j] ?? 0) * r.x[k][j]
        for (let a = 0; a < s.nu; a++) v += (s.Eu as ArrayLike<number>)[i * s.nu + a] * r.u[k][a]
        assert.ok(Math.abs(v) <= 1e-11 * Math.max(1, Math.abs((s.e as ArrayLike<number>)[i])), `${what}: stage ${k} equality ${i} residual ${v}`)
      }
    })
    if (g.ne > 0) withEq++
    if (g.ng > 0) withRows++
  }
  assert.ok(withEq > 150 && withRows > 200)
})

test('quadruped centroidal MPC (N = 20, 12 states, 12 inputs, 4 friction pyramids, swing-foot equalities) equals the dense solution', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  const qp = new DenseQp(w, DENSE_SIZES)
  const rng = new Rng(21)
  for (let t = 0; t < 6; t++) {
    const p = centroidalMpc(rng, { N: 20, gait: t % 2 === 0 ? undefined : () => [true, true, true, true] })
    const r = ocp.solve(p)
    assert.is(r.statusName, 'optimal', `mpc #${t}`)
    compareToDense(qp, p, r, `mpc #${t}`)
    // no bound is active at these optima: one active-set round settles, its passes each cut the
    // active rows' error by ~1e-5 (2 to 8 per round)
    assert.ok(r.polished && r.polishRounds === 1 && r.polishPasses >= 2 && r.polishPasses <= 8, `mpc #${t}: polished ${String(r.polished)}, ${r.polishRounds} rounds, ${r.polishPasses} passes`)
    // swing feet carry exactly zero force; stance forces satisfy the pyramid
    p.stages.forEach((s, k) => {
      if (s.e === undefined) return
      const ne = s.e.length
      for (let i = 0; i < ne; i++) {
        let v = 0
        for (let a = 0; a < s.nu; a++) v += (s.Eu as ArrayLike<number>)[i * s.nu + a] * r.u[k][a]
        assert.ok(Math.abs(v) <= 1e-12, `mpc #${t} stage ${k}: swing force ${v}`)
      }
    })
  }
})

test('Riccati gains: K_0 equals the finite-difference sensitivity ∂u_0/∂x_0, and K_k equals the tail problem\'s K_0', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, OCP_SIZES)
  const rng = new Rng(55)
  for (let t = 0; t < 20; t++) {
    // an LQ problem (no rows: the control law is exactly affine), with stage equalities
    const p = randomOcp(rng, { N: rng.int(2, 10), nx: rng.int(2, 6), nu: rng.int(2, 5), ng: 0, ne: rng.int(0, 2), x0Fixed: true })
    const base = ocp.solve(p)
    const nx = p.nx
    const nu = p.stages[0].nu
    const x0 = p.x0 as ArrayLike<number>
    for (let j = 0; j < nx; j++) {
      const eps = 1e-3
      const x1 = Array.from(x0)
      x1[j] += eps
      const pert = ocp.solve({ ...p, x0: x1 })
      for (let a = 0; a < nu; a++) {
        const fd = (pert.u[0][a] - base.u[0][a]) / eps
        assert.ok(Math.abs(fd - base.K[0][a * nx + j]) <= 1e-7 * Math.max(1, Math.abs(fd)), `#${t}: K_0[${a}][${j}] ${base.K[0][a * nx + j]} vs finite difference ${fd}`)
      }
    }
    // Bellman: the problem restricted to stages k..N from x_k* has K_0 = K_k and u_0 = u_k*
    const k = rng.int(1, p.stages.length - 2)
    const full = ocp.solve(p)
    const tail = ocp.solve({ nx, stages: p.stages.slice(k), x0: full.x[k] })
    for (let a = 0; a < p.stages[k].nu; a++) {
      assert.ok(Math.abs(tail.u[0][a] - full.u[k][a]) <= 1e-9 * Math.max(1, Math.abs(full.u[k][a])), `#${t}: tail u_0 vs u_${k}`)
      for (let j = 0; j < nx; j++) {
        const a1 = tail.K[0][a * nx + j]
        const b1 = full.K[k][a * nx + j]
        assert.ok(Math.abs(a1 - b1) <= 1e-8 * Math.max(1, Math.abs(b1)), `#${t}: K_${k}[${a}][${j}] ${b1} vs tail K_0 ${a1}`)
      }
    }
  }
})

test('equalities that fix single inputs (selection path) match the same rows mixed (QR path): x, u, gains, multipliers', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, OCP_SIZES)
  const rng = new Rng(77)
  let checked = 0
  for (let t = 0; t < 30; t++) {
    const nx = rng.int(2, 6)
    const nu = rng.int(3, 6)
    const ng = t < 10 ? 0 : 3
    const base = randomOcp(rng, { N: rng.int(2, 10), nx, nu, ng, ne: 0, x0Fixed: true })
    const N = base.stages.length - 1
    // stage k < N: rows fixing inputs a0 and a1 (u_a = e / Eu_a) vs the rows [r0 + r1; r0 − r1]
    const a0 = rng.int(0, nu - 1)
    const a1 = (a0 + 1 + rng.int(0, nu - 2)) % nu
    const e0 = rng.normal()
    const e1 = rng.normal()
    const c0 = rng.uniform(0.5, 2)
    const c1 = -rng.uniform(0.5, 2)
    const sel = { ...base, stages: base.stages.map((s, k) => {
      if (k === N) return s
      const Eu = new Float64Array(2 * nu)
      Eu[a0] = c0; Eu[nu + a1] = c1
      return { ...s, Dx: new Float64Array(2 * nx), Eu, e: [e0, e1] }
    }) }
    const mixed = { ...base, stages: base.stages.map((s, k) => {
      if (k === N) return s
      const Eu = new Float64Array(2 * nu)
      Eu[a0] = c0; Eu[a1] += c1; Eu[nu + a0] = c0; Eu[nu + a1] -= c1
      return { ...s, Dx: new Float64Array(2 * nx), Eu, e: [e0 + e1, e0 - e1] }
    }) }
    const a = ocp.solve(sel)
    const aK = a.K.map((v) => v.slice())
    const b = ocp.solve(mixed)
    // (fixing inputs can make the random rows infeasible: then both must say so)
    if (ng > 0 && b.statusName !== 'optimal') { assert.is.not(a.statusName, 'optimal', `#${t}: selection optimal, mixed ${b.statusName}`); continue }
    checked++
    assert.is(b.statusName, 'optimal', `#${t}: mixed status`)
    assert.is(a.statusName, 'optimal', `#${t}: selection status`)
    for (let k = 0; k <= N; k++) {
      for (let i = 0; i < nx; i++) assert.ok(Math.abs(a.x[k][i] - b.x[k][i]) <= 1e-9 * Math.max(1, Math.abs(b.x[k][i])), `#${t}: x_${k}`)
      for (let j = 0; j < base.stages[k].nu; j++) assert.ok(Math.abs(a.u[k][j] - b.u[k][j]) <= 1e-9 * Math.max(1, Math.abs(b.u[k][j])), `#${t}: u_${k}`)
      if (k === N) continue
      assert.ok(Math.abs(a.u[k][a0] - e0 / c0) <= 1e-14 && Math.abs(a.u[k][a1] - e1 / c1) <= 1e-14, `#${t}: fixed inputs of stage ${k}`)
      // Euᵀν = Eu'ᵀν' with Eu' = M Eu, M = [1 1; 1 −1]: ν = Mᵀν'
      const n0 = b.nu[k][0] + b.nu[k][1]
      const n1 = b.nu[k][0] - b.nu[k][1]
      assert.ok(Math.abs(a.nu[k][0] - n0) <= 1e-7 * Math.max(1, Math.abs(n0)) && Math.abs(a.nu[k][1] - n1) <= 1e-7 * Math.max(1, Math.abs(n1)), `#${t}: ν_${k} ${a.nu[k]} vs ${n0}, ${n1}`)
      if (ng === 0) {
        for (let i = 0; i < aK[k].length; i++) assert.ok(Math.abs(aK[k][i] - b.K[k][i]) <= 1e-8 * Math.max(1, Math.abs(b.K[k][i])), `#${t}: K_${k}[${i}] ${aK[k][i]} vs ${b.K[k][i]}`)
      }
    }
  }
  assert.ok(checked >= 20, `only ${checked} instances were feasible`)
})

test('setup errors: state-only equality rows → equality-rank; a row the equalities make constant and violate → infeasible', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, OCP_SIZES)
  const rng = new Rng(9)
  const p = randomOcp(rng, { N: 5, nx: 3, nu: 2, ng: 2, ne: 0, x0Fixed: true })
  const bad = { ...p, stages: p.stages.map((s, k) => (k === 2 ? { ...s, Dx: [1, 0, 0], Eu: [0, 0], e: [0.5] } : s)) }
  const r1 = ocp.solve(bad)
  assert.is(r1.statusName, 'numerical')
  assert.is(r1.error, 'equality-rank')
  assert.is(r1.errorStage, 2)
  for (const u of r1.u) for (const v of u) assert.ok(Number.isFinite(v))
  // u_2 fixed to 0 by equalities, and a row 1 ≤ u_2[0] ≤ 2 on it
  const fixed = { ...p, stages: p.stages.map((s, k) => (k === 2 ? { ...s, Dx: new Float64Array(6), Eu: [1, 0, 0, 1], e: [0, 0], Gx: new Float64Array(3), Gu: [1, 0], lg: [1], ug: [2] } : s)) }
  const r2 = ocp.solve(fixed)
  assert.is(r2.statusName, 'infeasible')
  assert.is(r2.error, 'infeasible-row')
  assert.is(r2.errorStage, 2)
})

/** A warm-started solver and a cold one, and the centroidal MPC (N = 20) with its vertical-force limits at 45 N. */
async function bindingPair (rng: Rng): Promise<{ warm: OcpQp, cold: OcpQp, binding: OcpProblem }> {
  const w = await loadForTest('release')
  const warm = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  warm.setOption('warmStart', true)
  const cold = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  // vertical-force limits at 45 N bind at every stance stage (about 59 N per foot otherwise)
  const base = centroidalMpc(rng, { N: 20 })
  const binding: OcpProblem = { ...base, stages: base.stages.map((s) => (s.ug === undefined ? s : { ...s, ug: Float64Array.from(s.ug, (v, r) => (r % 5 === 4 ? 45 : v)) })) }
  return { warm, cold, binding }
}

/** max |u_a − u_b| over every stage. */
function inputDiff (a: OcpResult, b: OcpResult): number {
  let dx = 0
  for (let k = 0; k < a.u.length; k++) for (let i = 0; i < a.u[k].length; i++) dx = Math.max(dx, Math.abs(a.u[k][i] - b.u[k][i]))
  return dx
}

test('warm start from the shifted previous solution gives the cold answers on an MPC sequence', async () => {
  const w = await loadForTest('release')
  const warm = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  warm.setOption('warmStart', true)
  warm.setOption('shift', true)
  const cold = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  const rng = new Rng(4)
  let p = centroidalMpc(rng, { N: 20, gait: () => [true, true, true, true] })
  let warmIts = 0
  let coldIts = 0
  for (let step = 0; step < 15; step++) {
    const a = warm.solve(p)
    const b = cold.solve(p)
    assert.is(a.statusName, 'optimal')
    const dx = inputDiff(a, b)
    assert.ok(dx <= 1e-7, `step ${step}: warm vs cold ${dx}`)
    if (step > 0) { warmIts += a.iterations; coldIts += b.iterations }
    // the plant moves to the predicted x_1 (plus a small disturbance); the problem shifts
    p = { ...p, x0: Float64Array.from(a.x[1], (v) => v + 0.002 * rng.normal()) }
  }
  assert.ok(warmIts <= coldIts, `warm starts used ${warmIts} iterations, cold ${coldIts}`)
})

test('warm active-set start: the previous solution\'s active rows (small multipliers too) are the guess, one round settles the next solve', async () => {
  const rng = new Rng(9)
  // the binding rows' multipliers are far below the unit slack a warm interior-point start lifts rows to
  const { warm, cold, binding } = await bindingPair(rng)
  const first = warm.solve(binding)
  assert.is(first.statusName, 'optimal')
  let active = 0
  let small = 0
  first.lam.forEach((l) => l.forEach((v) => { if (v > 0) { active++; if (v < 1) small++ } }))
  assert.ok(active >= 20 && small >= 1, `${active} active rows, ${small} with λ < 1`)
  for (let step = 0; step < 5; step++) {
    const p = { ...binding, x0: Float64Array.from(binding.x0 as Float64Array, (v) => v + 1e-3 * rng.normal()) }
    const a = warm.solve(p)
    const b = cold.solve(p)
    assert.is(a.statusName, 'optimal')
    assert.ok(a.polished && a.iterations === 0 && a.polishRounds === 1, `step ${step}: ${a.iterations} interior-point iterations, ${a.polishRounds} rounds`)
    const dx = inputDiff(a, b)
    assert.ok(dx <= 1e-7, `step ${step}: warm vs cold ${dx}`)
  }
})

test('active-set rounds after a few row changes update the Riccati factors (rank-one up- and downdates) instead of factoring: a warm-started sequence with large state jumps gives the cold answers', async () => {
  const rng = new Rng(9)
  const { warm, cold, binding } = await bindingPair(rng)
  let updates = 0
  let multi = 0
  let worst = 0
  for (let step = 0; step < 16; step++) {
    // jumps of 0.1 in every state: some rows enter the active set, some leave it
    const p = { ...binding, x0: Float64Array.from(binding.x0 as Float64Array, (v) => v + 0.1 * rng.normal()) }
    const a = warm.solve(p)
    const b = cold.solve(p)
    assert.is(a.statusName, 'optimal', `step ${step}`)
    worst = Math.max(worst, inputDiff(a, b))
    updates += a.polishUpdates
    if (a.polishRounds > 1) multi++
  }
  assert.ok(updates >= 5 && multi >= 3, `${updates} rank-one updates in ${multi} solves with more than one round`)
  assert.ok(worst <= 1e-7, `warm (updated factors) vs cold: ${worst}`)
})

test('no allocation: heap top and memory size unchanged over 300 solves', async () => {
  const w = await loadForTest('release')
  const ocp = new OcpQp(w, OCP_SIZES)
  const rng = new Rng(6)
  const problems = Array.from({ length: 10 }, (_, t) => (t % 2 === 0 ? centroidalMpc(rng, { N: 12 }) : randomOcp(rng, { N: 10, nx: 6, nu: 4, ng: 6, ne: 2, x0Fixed: t % 4 === 1 })))
  ocp.solve(problems[0])
  const e = w.exports
  const p0 = e.solversHeapProbe()
  const p1 = e.solversHeapProbe()
  const bytes = e.memory.buffer.byteLength
  for (let i = 0; i < 300; i++) { ocp.load(problems[i % problems.length]); ocp.run() }
  assert.is(e.solversHeapProbe() - p1, p1 - p0, 'the solves allocated nothing')
  assert.is(e.memory.buffer.byteLength, bytes)
})

test.run()
