// Smoke pass of the three solvers on build/debug.wasm (bounds checks and assertions on): an
// out-of-range index or a failed assertion aborts the instance and fails this test. The answers
// are compared with the release build's.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadForTest, sharedDir } from './lib/load.ts'
import { DenseQp, type QpProblem } from '../../host/solvers/dense-qp.ts'
import { Hqp } from '../../host/solvers/hqp.ts'
import { OcpQp } from '../../host/solvers/ocp-qp.ts'
import { Rng } from '../../host/solvers/seeded-rng.ts'
import { quadrupedWbc, humanoidWbc, centroidalMpc } from '../../host/solvers/synthetic-problems.ts'
import { parseQpJson } from '../../host/solvers/qp-json.ts'
import { randomFeasible, randomDegenerate, randomInfeasible } from './lib/random-qp.ts'
import { randomHierarchy } from './lib/random-hqp.ts'
import { randomOcp } from './lib/random-ocp.ts'

function maxAbs (a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]))
  return d
}

test('dense QP: 150 random (feasible, degenerate, semidefinite, infeasible) and peer problems on the debug build', async () => {
  const dbg = await loadForTest('debug')
  const rel = await loadForTest('release')
  const sizes = { nMax: 50, meMax: 20, mcMax: 100 }
  const a = new DenseQp(dbg, sizes)
  const b = new DenseQp(rel, sizes)
  const rng = new Rng(404)
  const problems: QpProblem[] = []
  for (let t = 0; t < 150; t++) {
    const n = rng.int(3, 30)
    const s = { n, me: rng.int(0, Math.min(10, n - 1)), mc: rng.int(3, 60) }
    const k = t % 5
    problems.push(k === 0 ? randomFeasible(rng, s) : k === 1 ? randomDegenerate(rng, s, 'vertex') : k === 2 ? randomDegenerate(rng, s, 'fixed') : k === 3 ? randomFeasible(rng, s, { delta: 0, rank: rng.int(0, n - 1), boxAll: true }) : randomInfeasible(rng, { n, me: Math.max(3, Math.min(s.me, n)), mc: s.mc }, 'farkas').p)
  }
  const shared = sharedDir()
  if (shared !== null) {
    for (const name of ['LIPMWALK0', 'LIPMWALK17', 'WHLIPBAL0', 'WHLIPBAL2']) {
      const parsed = parseQpJson(readFileSync(join(shared, `qpbench/problems/${name}.json`), 'utf8'), name)
      if (parsed.kind === 'qp') problems.push(parsed.problem)
    }
  } else console.log('SKIP: ../shared not found (peer problems of the debug pass)')
  for (const [t, p] of problems.entries()) {
    const ra = a.solve(p)
    const rb = b.solve(p)
    assert.is(ra.statusName, rb.statusName, `#${t}: status`)
    if (ra.statusName === 'optimal') assert.ok(Math.abs(ra.objective - rb.objective) <= 1e-9 * Math.max(1, Math.abs(rb.objective)), `#${t}: objective`)
  }
})

test('HQP and OCP QP on the debug build', async () => {
  const dbg = await loadForTest('debug')
  const rel = await loadForTest('release')
  const rng = new Rng(505)
  const hs = { nMax: 70, levelsMax: 6, meMax: 300, mcMax: 200 }
  const ha = new Hqp(dbg, hs)
  const hb = new Hqp(rel, hs)
  for (let t = 0; t < 12; t++) {
    const p = t % 3 === 0 ? quadrupedWbc(rng, t % 3).hqp : t % 3 === 1 ? humanoidWbc(rng, 0).hqp : randomHierarchy(rng, rng.int(5, 50), rng.int(3, 6), { box: true })
    const ra = ha.solve(p)
    const rb = hb.solve(p)
    assert.is(ra.statusName, rb.statusName, `hqp #${t}`)
    assert.ok(maxAbs(ra.x, rb.x) <= 1e-8 * Math.max(1, ...Array.from(rb.x, Math.abs)), `hqp #${t}: x`)
  }
  const os = { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 }
  const oa = new OcpQp(dbg, os)
  const ob = new OcpQp(rel, os)
  for (let t = 0; t < 8; t++) {
    const p = t % 2 === 0 ? centroidalMpc(rng, { N: 10 }) : randomOcp(rng, { N: 8, nx: 5, nu: 3, ng: 6, ne: 1, x0Fixed: t % 4 === 1 })
    const ra = oa.solve(p)
    const rb = ob.solve(p)
    assert.is(ra.statusName, rb.statusName, `ocp #${t}`)
    assert.ok(Math.abs(ra.objective - rb.objective) <= 1e-8 * Math.max(1, Math.abs(rb.objective)), `ocp #${t}: objective`)
  }
})

test.run()
