// `cerebellum qp FILE.json [--json]`: solves a QP file (the ../shared/qpbench form, or the "hqp"
// form with priority levels; see host/solvers/qp-json.ts) with the WASM core's solvers and prints
// status, objective, iterations, solve time and x. The controller dumps failing WBC/MPC QPs in
// these forms (dumpDenseQp / dumpHqp), so they can be replayed here.
//
// Exit codes: 0 optimal, 1 solved with another status (infeasible, max_iter, numerical), 2 bad
// file or arguments. The WASM core is build/release.wasm (CEREBELLUM_SOLVERS_WASM overrides it).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadSolvers } from '../../solvers/wasm.ts'
import { DenseQp, describeConstraintId, type QpResult } from '../../solvers/dense-qp.ts'
import { Hqp, levelRows, type HqpResult } from '../../solvers/hqp.ts'
import { parseQpJson, QpFileError, type ParsedQpFile } from '../../solvers/qp-json.ts'

export const summary = 'solve a QP or hierarchical QP stored as JSON (qpbench form or "hqp" form)'

const USAGE = `usage: cerebellum qp FILE.json [--json] [--repeat N]

  FILE.json   a QP in the ../shared/qpbench/problems form (P, q, G, h, A, b, lb, ub; optional "l"
              lower bounds of the G rows), or {"format": "hqp", "n", "levels": [{A, b, C, l, u}, …],
              "lb", "ub"} for a strict hierarchy (level 0 first)
  --json      print exactly one JSON object:
              {"status", "objective", "x", "iterations", "solve_time_us"} (+ "levels" for an HQP)
  --repeat N  time N cold solves and report the median (default 20)

exit code: 0 optimal, 1 other status, 2 bad file or arguments`

/** Median wall time [µs] of `reps` calls of fn. */
function medianUs (fn: () => void, reps: number): number {
  const t = new Float64Array(reps)
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint()
    fn()
    t[i] = Number(process.hrtime.bigint() - t0) / 1000
  }
  t.sort()
  return t[Math.floor(reps / 2)]
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null)

function solveFile (parsed: ParsedQpFile, w: Awaited<ReturnType<typeof loadSolvers>>, reps: number): { result: QpResult | HqpResult, timeUs: number, objective: number, me: number, mc: number } {
  if (parsed.kind === 'qp') {
    const p = parsed.problem
    const qp = new DenseQp(w, { nMax: p.n, meMax: parsed.me, mcMax: parsed.mc })
    qp.load(p)
    qp.setOption('warmStart', false)
    qp.run()
    const result = qp.result()
    const timeUs = medianUs(() => { qp.resetWarm(); qp.run() }, reps)
    return { result, timeUs, objective: result.objective, me: parsed.me, mc: parsed.mc }
  }
  const p = parsed.problem
  const rows = p.levels.map(levelRows)
  const hqp = new Hqp(w, { nMax: p.n, levelsMax: p.levels.length, meMax: rows.reduce((a, r) => a + r.me, 0), mcMax: rows.reduce((a, r) => a + r.mc, 0) })
  hqp.load(p)
  hqp.setOption('warmStart', false)
  hqp.run()
  const result = hqp.result()
  const timeUs = medianUs(() => { hqp.run() }, reps)
  const last = result.levels[result.levels.length - 1]
  // the lowest level's objective ½(‖w‖² + ‖v‖²); the higher levels' are in "levels"
  const objective = 0.5 * (last.slackEq * last.slackEq + last.slackIneq * last.slackIneq)
  return { result, timeUs, objective, me: 0, mc: 0 }
}

export async function run (argv: string[]): Promise<number> {
  let values: { json?: boolean, repeat?: string, help?: boolean }
  let positionals: string[]
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, repeat: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (err) {
    console.error(`cerebellum qp: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(USAGE); return 0 }
  if (positionals.length !== 1) { console.error(`cerebellum qp: expected one FILE.json\n${USAGE}`); return 2 }
  const reps = values.repeat === undefined ? 20 : Number(values.repeat)
  if (!Number.isInteger(reps) || reps < 1) { console.error(`cerebellum qp: --repeat: expected a positive integer, got ${values.repeat}`); return 2 }
  const file = positionals[0]
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    console.error(`cerebellum qp: ${file}: cannot read: ${(err as Error).message}`)
    return 2
  }
  let parsed: ParsedQpFile
  try {
    parsed = parseQpJson(text, file)
  } catch (err) {
    if (err instanceof QpFileError) { console.error(`cerebellum qp: ${err.message}`); return 2 }
    throw err
  }
  const override = process.env.CEREBELLUM_SOLVERS_WASM
  const w = await loadSolvers('release', override !== undefined && override !== '' ? override : undefined)
  const { result, timeUs, objective, me, mc } = solveFile(parsed, w, reps)
  const x = Array.from(result.x)
  const out: Record<string, unknown> = {
    status: result.statusName,
    objective: num(objective),
    x,
    iterations: result.iterations,
    solve_time_us: Math.round(timeUs * 10) / 10
  }
  if ('levels' in result) {
    out.levels = result.levels.map((lv) => ({ outcome: lv.outcome, slack_eq: lv.slackEq, slack_ineq: lv.slackIneq, slack_norm: Math.hypot(lv.slackEq, lv.slackIneq), iterations: lv.iterations }))
  }
  if (result.infeasible.length > 0) out.infeasible = result.infeasible
  if (values.json === true) {
    console.log(JSON.stringify(out))
  } else {
    const kind = parsed.kind === 'qp' ? `QP n=${parsed.problem.n} me=${me} mc=${mc}` : `HQP n=${parsed.problem.n}, ${parsed.problem.levels.length} levels`
    console.log(`${parsed.name}  (${kind})`)
    console.log(`  status      ${result.statusName}`)
    console.log(`  objective   ${objective}`)
    console.log(`  iterations  ${result.iterations}`)
    console.log(`  solve time  ${timeUs.toFixed(1)} µs (median of ${reps} cold solves)`)
    if ('levels' in result) {
      result.levels.forEach((lv, k) => console.log(`  level ${k}     ${lv.outcome.padEnd(9)} ‖w‖ ${lv.slackEq.toExponential(3)}  ‖v‖ ${lv.slackIneq.toExponential(3)}`))
    }
    if (result.infeasible.length > 0) {
      const names = parsed.kind === 'qp' ? result.infeasible.map((id) => describeConstraintId(id, me, mc)) : result.infeasible.map((j) => `bound on x[${j}]`)
      console.log(`  offending   ${names.join(', ')}`)
    }
    console.log(`  x           [${x.map((v) => v.toPrecision(10)).join(', ')}]`)
  }
  return result.statusName === 'optimal' ? 0 : 1
}
