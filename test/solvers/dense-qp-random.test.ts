// Dense QP solver against an independent solver (npm quadprog, a pure-JS Goldfarb–Idnani) and KKT
// residuals on thousands of seeded random problems: feasible, degenerate (duplicate / parallel /
// redundant rows, bounds active with zero multiplier, more active rows than variables, fixed
// variables, l = u rows), semidefinite Hessians and infeasible ones; statuses, certificates of
// infeasibility, warm starts, input errors and allocation-freedom.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadForTest } from './lib/load.ts'
import { DenseQp, type QpProblem } from '../../host/solvers/dense-qp.ts'
import { Rng } from '../../host/solvers/seeded-rng.ts'
import { randomFeasible, randomDegenerate, randomInfeasible } from './lib/random-qp.ts'
import { solveQuadprog } from './lib/quadprog-ref.ts'
import { kkt, objective } from './lib/kkt.ts'

const SIZES = { nMax: 40, meMax: 20, mcMax: 80 }

function randomSizes (rng: Rng): { n: number, me: number, mc: number } {
  const n = rng.int(2, 40)
  return { n, me: rng.int(0, Math.min(20, n - 1)), mc: rng.int(0, 80) }
}

/** The problem restricted to the listed constraint ids, with H = I and g = 0 (a feasibility problem). */
function subset (p: QpProblem, ids: number[]): QpProblem {
  const n = p.n
  const me = p.b?.length ?? 0
  const mc = p.l?.length ?? 0
  const A: number[] = []
  const b: number[] = []
  const C: number[] = []
  const l: number[] = []
  const u: number[] = []
  const lb = new Float64Array(n).fill(-Infinity)
  const ub = new Float64Array(n).fill(Infinity)
  for (const id of ids) {
    if (id < me) { for (let j = 0; j < n; j++) A.push((p.A as ArrayLike<number>)[id * n + j]); b.push((p.b as ArrayLike<number>)[id]) } else if (id < me + mc) {
      const i = id - me
      for (let j = 0; j < n; j++) C.push((p.C as ArrayLike<number>)[i * n + j])
      l.push((p.l as ArrayLike<number>)[i]); u.push((p.u as ArrayLike<number>)[i])
    } else { const j = id - me - mc; lb[j] = (p.lb as ArrayLike<number>)[j]; ub[j] = (p.ub as ArrayLike<number>)[j] }
  }
  const H = new Float64Array(n * n)
  for (let i = 0; i < n; i++) H[i * n + i] = 1
  return { n, H, g: new Float64Array(n), A, b, C, l, u, lb, ub }
}

function assertKkt (p: QpProblem, r: Parameters<typeof kkt>[1], what: string): void {
  const k = kkt(p, r)
  assert.ok(k.stationarity <= 1e-8, `${what}: stationarity ${k.stationarity}`)
  assert.ok(k.primal <= 1e-8, `${what}: primal ${k.primal}`)
  assert.ok(k.dualSign <= 1e-8, `${what}: dual sign ${k.dualSign}`)
  assert.ok(k.complementarity <= 1e-8, `${what}: complementarity ${k.complementarity}`)
}

test('2400 random feasible and degenerate QPs: optimal, KKT ≤ 1e-8, same objective as quadprog', async () => {
  const w = await loadForTest('release')
  const qp = new DenseQp(w, SIZES)
  const rng = new Rng(20240601)
  const kinds = ['feasible', 'duplicate', 'zero-mult', 'vertex', 'fixed'] as const
  let compared = 0
  const perKind: Record<string, number> = {}
  for (let t = 0; t < 2400; t++) {
    const s = randomSizes(rng)
    const kind = kinds[t % kinds.length]
    const p = kind === 'feasible' ? randomFeasible(rng, s) : randomDegenerate(rng, s, kind)
    const r = qp.solve(p)
    const what = `#${t} ${kind} n=${s.n} me=${s.me} mc=${s.mc}`
    assert.is(r.statusName, 'optimal', `${what}: status`)
    assertKkt(p, r, what)
    const ref = solveQuadprog(p)
    if (ref.ok) {
      // quadprog fails on some degenerate problems (dependent equalities): KKT alone then certifies
      const d = Math.abs(ref.objective - objective(p, r.x)) / Math.max(1, Math.abs(ref.objective))
      assert.ok(d <= 1e-8, `${what}: objective ${objective(p, r.x)} vs quadprog ${ref.objective}`)
      let dx = 0
      for (let i = 0; i < p.n; i++) dx = Math.max(dx, Math.abs(ref.x[i] - r.x[i]))
      assert.ok(dx <= 1e-6, `${what}: x differs from quadprog by ${dx}`)
      compared++
      perKind[kind] = (perKind[kind] ?? 0) + 1
    }
  }
  assert.ok(compared >= 1200, `quadprog solved ${compared} of 2400 (each kind: ${JSON.stringify(perKind)})`)
  for (const k of kinds) assert.ok((perKind[k] ?? 0) >= 100, `quadprog comparisons for ${k}: ${perKind[k] ?? 0}`)
})

test('600 random QPs with a semidefinite H (proximal loop): optimal and KKT ≤ 1e-8', async () => {
  const w = await loadForTest('release')
  const qp = new DenseQp(w, SIZES)
  const rng = new Rng(7)
  let regularized = 0
  for (let t = 0; t < 600; t++) {
    const s = randomSizes(rng)
    const p = randomFeasible(rng, s, { delta: 0, rank: rng.int(0, s.n - 1), boxAll: true })
    const r = qp.solve(p)
    assert.is(r.statusName, 'optimal', `#${t}: status`)
    assertKkt(p, r, `#${t} psd n=${s.n}`)
    if (r.regularized) regularized++
  }
  assert.ok(regularized >= 200, `the proximal loop ran on ${regularized} problems`)
})

test('800 infeasible QPs: status infeasible, and the reported constraints alone are infeasible', async () => {
  const w = await loadForTest('release')
  const qp = new DenseQp(w, SIZES)
  const rng = new Rng(99)
  const kinds = ['opposite', 'farkas', 'equality', 'box'] as const
  for (let t = 0; t < 800; t++) {
    const n = rng.int(3, 40)
    const s = { n, me: rng.int(3, Math.min(20, n)), mc: rng.int(3, 80) }
    const kind = kinds[t % kinds.length]
    const { p } = randomInfeasible(rng, s, kind)
    const r = qp.solve(p)
    const what = `#${t} ${kind} n=${s.n} me=${s.me} mc=${s.mc}`
    assert.is(r.statusName, 'infeasible', `${what}: status`)
    assert.ok(r.infeasible.length >= 1, `${what}: offending constraints listed`)
    for (const v of r.x) assert.ok(Number.isFinite(v), `${what}: x finite`)
    // the certificate: quadprog (independently) finds the listed subset inconsistent, and so do we
    const sub = subset(p, r.infeasible)
    assert.not.ok(solveQuadprog(sub).ok, `${what}: quadprog solved the reported subset ${JSON.stringify(r.infeasible)}`)
    const rs = new DenseQp(w, { nMax: 40, meMax: 40, mcMax: 120 }).solve(sub)
    assert.is(rs.statusName, 'infeasible', `${what}: subset status`)
  }
})

test('warm starts over perturbed sequences give the cold answers and reuse the factorization', async () => {
  const w = await loadForTest('release')
  const warm = new DenseQp(w, SIZES)
  const cold = new DenseQp(w, SIZES)
  cold.setOption('warmStart', false)
  const rng = new Rng(5)
  let reused = 0
  let fewer = 0
  for (let seq = 0; seq < 40; seq++) {
    const s = randomSizes(rng)
    const p = randomFeasible(rng, s)
    for (let step = 0; step < 25; step++) {
      // same H, A, C; g, b, bounds drift a little (as between two controller ticks)
      const g = Float64Array.from(p.g, (v) => v + 0.05 * rng.normal())
      const q: QpProblem = { ...p, g }
      const rw = warm.solve(q)
      cold.resetWarm()
      const rc = cold.solve(q)
      assert.is(rw.statusName, rc.statusName)
      let dx = 0
      for (let i = 0; i < p.n; i++) dx = Math.max(dx, Math.abs(rw.x[i] - rc.x[i]))
      assert.ok(dx <= 1e-9, `seq ${seq} step ${step}: warm vs cold ${dx}`)
      if (step > 0 && rw.reused) reused++
      if (rw.iterations < rc.iterations) fewer++
    }
  }
  assert.is(reused, 40 * 24, 'every warm solve after the first of a sequence reused the factorization')
  assert.ok(fewer > 200, `warm starts saved active-set changes in ${fewer} solves`)
})

test('statuses: NaN data → numerical, lb > ub → infeasible naming the bound, iteration limit → max_iter', async () => {
  const w = await loadForTest('release')
  const qp = new DenseQp(w, SIZES)
  const rng = new Rng(3)
  const p = randomFeasible(rng, { n: 10, me: 2, mc: 30 })
  const bad = { ...p, g: Float64Array.from(p.g, (v, i) => (i === 3 ? NaN : v)) }
  const r1 = qp.solve(bad)
  assert.is(r1.statusName, 'numerical')
  for (const v of r1.x) assert.ok(Number.isFinite(v))
  const lb = Float64Array.from(p.lb as ArrayLike<number>)
  const ub = Float64Array.from(p.ub as ArrayLike<number>)
  lb[4] = 2; ub[4] = 1
  const r2 = qp.solve({ ...p, lb, ub })
  assert.is(r2.statusName, 'infeasible')
  assert.equal(r2.infeasible, [2 + 30 + 4])
  qp.setOption('maxIter', 1)
  qp.resetWarm()
  // a problem whose cold solve needs several active-set changes
  let needed = 0
  let q = p
  for (let t = 0; t < 50 && needed < 3; t++) {
    q = randomFeasible(rng, { n: 10, me: 0, mc: 30 })
    const probe = new DenseQp(w, SIZES)
    needed = probe.solve(q).iterations
  }
  assert.ok(needed >= 3)
  const r3 = qp.solve(q)
  assert.is(r3.statusName, 'max_iter')
  for (const v of r3.x) assert.ok(Number.isFinite(v))
})

test('no allocation: heap top and memory size unchanged over 5000 solves', async () => {
  const w = await loadForTest('release')
  const qp = new DenseQp(w, SIZES)
  const rng = new Rng(11)
  const problems = Array.from({ length: 50 }, (_, t) => (t % 5 === 4 ? randomInfeasible(rng, { n: 20, me: 5, mc: 40 }, 'farkas').p : randomFeasible(rng, randomSizes(rng))))
  qp.solve(problems[0])
  const e = w.exports
  const p0 = e.solversHeapProbe()
  const p1 = e.solversHeapProbe()
  const probeCost = p1 - p0
  const pages = e.memory.buffer.byteLength
  for (let i = 0; i < 5000; i++) { qp.load(problems[i % problems.length]); qp.run() }
  const p2 = e.solversHeapProbe()
  assert.is(p2 - p1, probeCost, 'the solves allocated nothing')
  assert.is(e.memory.buffer.byteLength, pages)
})

test.run()
