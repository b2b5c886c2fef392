// `cerebellum qp`: solves a peer-suite file, an HQP file and an MPC's OCP file, prints one JSON
// object with --json, replays QPs dumped from WASM memory, and rejects bad files with one error
// naming file and field (exit code 2).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { loadForTest, sharedDir } from './lib/load.ts'
import { DenseQp } from '../../host/solvers/dense-qp.ts'
import { Hqp } from '../../host/solvers/hqp.ts'
import { Rng } from '../../host/solvers/seeded-rng.ts'
import { quadrupedWbc, centroidalMpc } from '../../host/solvers/synthetic-problems.ts'
import { dumpDenseQp, dumpHqp, ocpToJson, parseQpJson } from '../../host/solvers/qp-json.ts'
import { OcpQp } from '../../host/solvers/ocp-qp.ts'
import { randomFeasible } from './lib/random-qp.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'cb-qp-'))
const shared = sharedDir()

function cli (...args: string[]): { code: number, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'host/cli/main.ts'), 'qp', ...args], { cwd: root, encoding: 'utf8', env: process.env })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function lastJson (stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>
}

const peerTest = shared === null ? test.skip : test
if (shared === null) console.log('SKIP: ../shared not found (qpbench file for the CLI)')

peerTest('solves a peer-suite file: --json prints exactly one object with the reference objective', () => {
  const file = join(shared as string, 'qpbench/problems/LIPMWALK13.json')
  const ref = JSON.parse(readFileSync(join(shared as string, 'qpbench/reference.json'), 'utf8')).LIPMWALK13.objective as number
  const r = cli(file, '--json', '--repeat', '3')
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.is(lines.length, 1, 'one line of output')
  const out = lastJson(r.stdout)
  assert.equal(Object.keys(out).sort(), ['iterations', 'objective', 'solve_time_us', 'status', 'x'])
  assert.is(out.status, 'optimal')
  assert.ok(Math.abs((out.objective as number) - ref) <= 1e-6 * Math.abs(ref))
  assert.is((out.x as number[]).length, 16)
  assert.ok((out.solve_time_us as number) > 0)
  const text = cli(file, '--repeat', '2')
  assert.is(text.code, 0)
  assert.match(text.stdout, /status\s+optimal/)
  assert.match(text.stdout, /solve time/)
})

test('replays QPs dumped from WASM memory (dense and hierarchical) with the same answers', async () => {
  const w = await loadForTest('release')
  const rng = new Rng(31)
  const p = randomFeasible(rng, { n: 12, me: 3, mc: 20 })
  const qp = new DenseQp(w, { nMax: 20, meMax: 5, mcMax: 30 })
  const direct = qp.solve(p)
  const file = join(tmp, 'dumped.json')
  writeFileSync(file, dumpDenseQp(w.exports, qp.handle, 'dumped'))
  const out = lastJson(cli(file, '--json', '--repeat', '1').stdout)
  assert.is(out.status, direct.statusName)
  const x = out.x as number[]
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(x[i] - direct.x[i]) <= 1e-12, `x[${i}]`)

  const wbc = quadrupedWbc(rng, 1).hqp
  const hqp = new Hqp(w, { nMax: 42, levelsMax: 3, meMax: 200, mcMax: 40 })
  const hd = hqp.solve(wbc)
  const hfile = join(tmp, 'wbc.json')
  writeFileSync(hfile, dumpHqp(w.exports, hqp.handle, 'wbc'))
  assert.is(parseQpJson(readFileSync(hfile, 'utf8'), hfile).kind, 'hqp')
  const r = cli(hfile, '--json', '--repeat', '1')
  assert.is(r.code, 0, r.stderr)
  const ho = lastJson(r.stdout)
  assert.is(ho.status, 'optimal')
  const levels = ho.levels as Array<{ slack_eq: number, slack_ineq: number, outcome: string }>
  assert.is(levels.length, 3)
  levels.forEach((lv, k) => {
    assert.ok(Math.abs(lv.slack_eq - hd.levels[k].slackEq) <= 1e-9 * Math.max(1, hd.levels[k].slackEq), `level ${k} slack`)
    assert.is(lv.outcome, hd.levels[k].outcome)
  })
})

test('an MPC\'s OCP QP in the "ocp" form: written, read back identical, solved by the CLI to the same trajectory', async () => {
  const w = await loadForTest('release')
  const p = centroidalMpc(new Rng(33), { N: 20 })
  // one force limit infinite on both sides of a row, to round-trip null bounds
  const s0 = p.stages[0]
  ;(s0.lg as Float64Array)[4] = -Infinity
  const ocp = new OcpQp(w, { Nmax: 20, nxMax: 12, nuMax: 12, ngMax: 20, neMax: 12 })
  const direct = ocp.solve(p)
  assert.is(direct.statusName, 'optimal')
  const file = join(tmp, 'mpc.json')
  writeFileSync(file, ocpToJson(p, 'mpc'))
  const parsed = parseQpJson(readFileSync(file, 'utf8'), file)
  assert.is(parsed.kind, 'ocp')
  if (parsed.kind !== 'ocp') return
  assert.is(parsed.problem.stages.length, 21)
  parsed.problem.stages.forEach((st, k) => {
    const o = p.stages[k]
    assert.is(st.nu, o.nu, `stage ${k} nu`)
    for (const key of ['Q', 'q', 'A', 'B', 'c', 'Dx', 'Eu', 'e', 'Gx', 'Gu', 'lg', 'ug'] as const) {
      const a = o[key]
      const b = st[key]
      if (a === undefined || a.length === 0) { assert.ok(b === undefined || Array.from(b).every((v) => v === 0), `stage ${k} ${key} absent`); continue }
      assert.equal(Array.from(b as ArrayLike<number>), Array.from(a), `stage ${k} ${key}`)
    }
  })
  const r = cli(file, '--json', '--repeat', '2')
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout.trim().split('\n').length, 1, 'one line of output')
  const out = lastJson(r.stdout)
  assert.is(out.status, 'optimal')
  assert.ok(Math.abs((out.objective as number) - direct.objective) <= 1e-9 * Math.max(1, Math.abs(direct.objective)))
  // x stacked [x_0; u_0; …; x_N]
  const x = out.x as number[]
  const stacked: number[] = []
  direct.x.forEach((xk, k) => stacked.push(...xk, ...direct.u[k]))
  assert.is(x.length, stacked.length)
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - stacked[i]) <= 1e-9 * Math.max(1, Math.abs(stacked[i])), `x[${i}] ${x[i]} vs ${stacked[i]}`)
  const text = cli(file, '--repeat', '1')
  assert.is(text.code, 0)
  assert.match(text.stdout, /OCP N=20, nx=12/)
  assert.match(text.stdout, /stage 20/)
})

test('bad files: one error naming the file and the field, exit code 2', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['dim.json', JSON.stringify({ n: 2, P: { format: 'dense', rows: 2, cols: 2, data: [1, 0, 0, 1] }, q: [1] }), /dim\.json: q: wrong dimension: 1 entries, expected 2/],
    ['nonnum.json', JSON.stringify({ n: 2, P: { format: 'dense', rows: 2, cols: 2, data: [1, 'x', 0, 1] }, q: [1, 1] }), /nonnum\.json: P\.data\[1\]: non-numeric entry "x"/],
    ['asym.json', JSON.stringify({ n: 2, P: { format: 'dense', rows: 2, cols: 2, data: [1, 0.5, 0, 1] }, q: [1, 1] }), /asym\.json: P: asymmetric/],
    ['coo.json', JSON.stringify({ n: 2, P: { format: 'coo', rows: 2, cols: 2, nnz: 1, i: [2], j: [0], v: [1] }, q: [1, 1] }), /coo\.json: P\.i\[0\]: row index 2 outside 0\.\.1/],
    ['gdim.json', JSON.stringify({ n: 2, P: { format: 'dense', rows: 2, cols: 2, data: [1, 0, 0, 1] }, q: [1, 1], G: { format: 'dense', rows: 1, cols: 3, data: [1, 1, 1] }, h: [1] }), /gdim\.json: G\.cols: wrong dimension: 3, expected 2/],
    ['hqp.json', JSON.stringify({ format: 'hqp', n: 2, levels: [{ A: [[1, 0]], b: [1, 2] }] }), /hqp\.json: levels\[0\]\.b: wrong dimension: 2 entries, expected 1/],
    ['ocpq.json', JSON.stringify({ format: 'ocp', nx: 1, stages: [{ nu: 1, Q: [[1, 0], [0, 1]], q: [0, 0], A: [[1]], B: [[1]] }, { nu: 0, Q: [[1, 2]], q: [0] }] }), /ocpq\.json: stages\[1\]\.Q\[0\]: wrong dimension: 2 entries, expected 1/],
    ['ocpdyn.json', JSON.stringify({ format: 'ocp', nx: 1, stages: [{ nu: 1, Q: [[1, 0], [0, 1]], q: [0, 0], B: [[1]] }, { nu: 0, Q: [[1]], q: [0] }] }), /ocpdyn\.json: stages\[0\]\.A: expected a matrix object, got undefined/],
    ['notjson.json', '{"n": 2,', /notjson\.json: \(file\): not valid JSON/]
  ]
  for (const [name, text, re] of cases) {
    const file = join(tmp, name)
    writeFileSync(file, text)
    const r = cli(file, '--json')
    assert.is(r.code, 2, `${name}: exit code`)
    assert.match(r.stderr, re, `${name}: ${r.stderr}`)
    assert.is(r.stderr.trim().split('\n').length, 1, `${name}: one line`)
  }
  const missing = cli(join(tmp, 'nope.json'))
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /nope\.json: cannot read/)
})

test.run()
