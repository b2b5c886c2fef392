// The 62 robotics MPC QPs of ../shared/qpbench (mpc_qpbenchmark), solved by the dense solver
// (and, written as one-stage OCPs, by the interior-point OCP solver): objective within 1e-6
// relative of the reference (absolute 1e-9 where the reference is exactly 0: QUADCMPC3/4) and
// primal feasibility 1e-8, checked here from the problem data, on every problem the reference
// marks as solved. One instance per solver, sized for the largest problem, serves all of them.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadForTest, sharedDir } from './lib/load.ts'
import { DenseQp, type QpProblem } from '../../host/solvers/dense-qp.ts'
import { OcpQp } from '../../host/solvers/ocp-qp.ts'
import { parseQpJson } from '../../host/solvers/qp-json.ts'
import { objective } from './lib/kkt.ts'
import { qpAsOcp } from './lib/qp-as-ocp.ts'

const shared = sharedDir()
if (shared === null) console.log('SKIP: ../shared not found (qpbench peer suite)')
const t = shared === null ? test.skip : test

interface Entry { name: string, problem: QpProblem, refObjective: number, solved: boolean }

function loadSuite (): Entry[] {
  const dir = join(shared as string, 'qpbench/problems')
  const ref = JSON.parse(readFileSync(join(shared as string, 'qpbench/reference.json'), 'utf8')) as Record<string, { objective: number | null, solvers_ok: string[], data_available: boolean }>
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const parsed = parseQpJson(readFileSync(join(dir, f), 'utf8'), f)
    if (parsed.kind !== 'qp') throw new Error(`${f} is not a QP`)
    const r = ref[parsed.name]
    return { name: parsed.name, problem: parsed.problem, refObjective: r.objective ?? NaN, solved: r.data_available && r.solvers_ok.length > 0 }
  })
}

/** Max violation of A x = b, l ≤ C x ≤ u, lb ≤ x ≤ ub (absolute). */
function primalViolation (p: QpProblem, x: ArrayLike<number>): number {
  const n = p.n
  let v = 0
  const dotRow = (M: ArrayLike<number>, i: number): number => { let s = 0; for (let j = 0; j < n; j++) s += M[i * n + j] * x[j]; return s }
  for (let i = 0; i < (p.b?.length ?? 0); i++) v = Math.max(v, Math.abs(dotRow(p.A as ArrayLike<number>, i) - (p.b as ArrayLike<number>)[i]))
  for (let i = 0; i < (p.u?.length ?? 0); i++) {
    const c = dotRow(p.C as ArrayLike<number>, i)
    v = Math.max(v, (p.l?.[i] ?? -Infinity) - c, c - (p.u as ArrayLike<number>)[i])
  }
  for (let j = 0; j < n; j++) v = Math.max(v, (p.lb?.[j] ?? -Infinity) - x[j], x[j] - (p.ub?.[j] ?? Infinity))
  return v
}

function checkObjective (e: Entry, obj: number, who: string): void {
  if (e.refObjective === 0) assert.ok(Math.abs(obj) <= 1e-9, `${who} ${e.name}: objective ${obj}, reference exactly 0`)
  else {
    const rel = Math.abs(obj - e.refObjective) / Math.abs(e.refObjective)
    assert.ok(rel <= 1e-6, `${who} ${e.name}: objective ${obj} vs reference ${e.refObjective} (relative ${rel.toExponential(2)})`)
  }
}

t('dense solver: every reference-solved peer problem, objective 1e-6 and feasibility 1e-8', async () => {
  const suite = loadSuite()
  assert.is(suite.length, 62, 'the suite has 62 problems')
  const w = await loadForTest('release')
  const nMax = Math.max(...suite.map((e) => e.problem.n))
  const meMax = Math.max(...suite.map((e) => e.problem.b?.length ?? 0))
  const mcMax = Math.max(...suite.map((e) => e.problem.u?.length ?? 0))
  const qp = new DenseQp(w, { nMax, meMax, mcMax })
  let checked = 0
  for (const e of suite) {
    if (!e.solved) continue
    qp.resetWarm()
    const r = qp.solve(e.problem)
    assert.is(r.statusName, 'optimal', `${e.name}: status`)
    checkObjective(e, objective(e.problem, r.x), 'dense')
    assert.ok(Math.abs(r.objective - objective(e.problem, r.x)) <= 1e-9 * Math.max(1, Math.abs(r.objective)), `${e.name}: reported objective matches x`)
    const viol = primalViolation(e.problem, r.x)
    assert.ok(viol <= 1e-8, `${e.name}: primal violation ${viol}`)
    if (e.name.startsWith('QUADCMPC')) assert.ok(r.regularized, `${e.name}: the PSD Hessian goes through the proximal loop`)
    checked++
  }
  assert.is(checked, 62)
})

t('dense solver: a warm re-solve keeps the factorization and the answer', async () => {
  const suite = loadSuite().filter((e) => e.name === 'LIPMWALK7' || e.name === 'WHLIPBAL0' || e.name === 'QUADCMPC4')
  const w = await loadForTest('release')
  const qp = new DenseQp(w, { nMax: 384, meMax: 192, mcMax: 256 })
  for (const e of suite) {
    qp.resetWarm()
    const cold = qp.solve(e.problem)
    const warm = qp.solve(e.problem)
    assert.ok(warm.reused, `${e.name}: structure reused`)
    assert.ok(warm.iterations <= cold.iterations, `${e.name}: warm start needs no more active-set changes (${warm.iterations} vs ${cold.iterations})`)
    if (cold.regularized) {
      // semidefinite H: the minimizer is not unique, the objective is
      assert.ok(Math.abs(warm.objective - cold.objective) <= 1e-12, `${e.name}: warm and cold objectives agree`)
    } else {
      let dx = 0
      for (let i = 0; i < e.problem.n; i++) dx = Math.max(dx, Math.abs(warm.x[i] - cold.x[i]))
      assert.ok(dx <= 1e-9, `${e.name}: warm and cold solutions agree (${dx})`)
    }
  }
})

t('OCP solver (one-stage form): every reference-solved peer problem, objective 1e-6 and feasibility 1e-8', async () => {
  const suite = loadSuite()
  const w = await loadForTest('release')
  const ocps = suite.map((e) => ({ e, o: qpAsOcp(e.problem) }))
  const nuMax = Math.max(...ocps.map(({ o }) => o.stages[0].nu))
  const ngMax = Math.max(...ocps.map(({ o }) => o.stages[0].lg?.length ?? 0))
  const neMax = Math.max(...ocps.map(({ o }) => o.stages[0].e?.length ?? 0))
  const ocp = new OcpQp(w, { Nmax: 0, nxMax: 0, nuMax, ngMax, neMax })
  for (const { e, o } of ocps) {
    if (!e.solved) continue
    const r = ocp.solve(o)
    assert.is(r.statusName, 'optimal', `${e.name}: OCP status (${r.error ?? ''})`)
    checkObjective(e, objective(e.problem, r.u[0]), 'ocp')
    const viol = primalViolation(e.problem, r.u[0])
    assert.ok(viol <= 1e-8, `${e.name}: OCP primal violation ${viol}`)
  }
})

test.run()
