// `cerebellum qp FILE.json [--json]`: solves a QP file (the ../shared/qpbench form, the "hqp" form
// with priority levels, or the "ocp" form of the MPCs' structured QPs; see host/solvers/qp-json.ts)
// with the WASM core's solvers and prints status, objective, iterations, solve time and x. The
// controller dumps its failing force QP, whole-body HQP and MPC QP in these forms
// (LocomotionCore.dumpFailedQp), so they can be replayed here.
//
// Exit codes: 0 optimal, 1 solved with another status (infeasible, max_iter, numerical), 2 bad
// file or arguments. The WASM core is build/release.wasm (CEREBELLUM_SOLVERS_WASM overrides it).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadSolvers } from '../../solvers/wasm.ts'
import { DenseQp, describeConstraintId, type QpResult } from '../../solvers/dense-qp.ts'
import { Hqp, levelRows, type HqpResult } from '../../solvers/hqp.ts'
import { OcpQp, type OcpResult } from '../../solvers/ocp-qp.ts'
import { parseQpJson, QpFileError, type ParsedQpFile } from '../../solvers/qp-json.ts'

export const summary = 'solve a QP, hierarchical QP or MPC QP stored as JSON (qpbench, "hqp" or "ocp" form)'

const USAGE = `usage: cerebellum qp FILE.json [--json] [--repeat N]

  FILE.json   a QP in the ../shared/qpbench/problems form (P, q, G, h, A, b, lb, ub; optional "l"
              lower bounds of the G rows), {"format": "hqp", "n", "levels": [{A, b, C, l, u}, …],
              "lb", "ub"} for a strict hierarchy (level 0 first), or {"format": "ocp", "nx", "x0",
              "stages": [{nu, Q, q, A, B, c, Dx, Eu, e, Gx, Gu, lg, ug}, …]} for an MPC's QP
  --json      print exactly one JSON object:
              {"status", "objective", "x", "iterations", "solve_time_us"} (+ "levels" for an HQP;
              for an OCP, x is the trajectory stacked [x_0; u_0; x_1; u_1; …; x_N])
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

/** An OCP file solved cold by the structured solver, timed likewise. */
function solveOcp (parsed: Extract<ParsedQpFile, { kind: 'ocp' }>, w: Awaited<ReturnType<typeof loadSolvers>>, reps: number): { result: OcpResult, timeUs: number } {
  const p = parsed.problem
  const st = p.stages
  const ocp = new OcpQp(w, {
    Nmax: st.length - 1,
    nxMax: p.nx,
    nuMax: Math.max(...st.map((s) => s.nu)),
    ngMax: Math.max(0, ...st.map((s) => s.lg?.length ?? 0)),
    neMax: Math.max(0, ...st.map((s) => s.e?.length ?? 0))
  })
  ocp.load(p)
  ocp.run()
  const result = ocp.result()
  const timeUs = medianUs(() => { ocp.resetWarm(); ocp.run() }, reps)
  return { result, timeUs }
}

function solveFile (parsed: Exclude<ParsedQpFile, { kind: 'ocp' }>, w: Awaited<ReturnType<typeof loadSolvers>>, reps: number): { result: QpResult | HqpResult, timeUs: number, objective: number, me: number, mc: number } {
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
  if (parsed.kind === 'ocp') return reportOcp(parsed, solveOcp(parsed, w, reps), reps, values.json === true)
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

/** Prints an OCP solve (the same fields as the dense forms; x stacked per stage); returns the exit code. */
function reportOcp (parsed: Extract<ParsedQpFile, { kind: 'ocp' }>, solved: { result: OcpResult, timeUs: number }, reps: number, json: boolean): number {
  const { result, timeUs } = solved
  const p = parsed.problem
  const x: number[] = []
  result.x.forEach((xk, k) => { x.push(...xk); if (k < result.u.length) x.push(...result.u[k]) })
  const out: Record<string, unknown> = {
    status: result.statusName,
    objective: num(result.objective),
    x,
    iterations: result.iterations,
    solve_time_us: Math.round(timeUs * 10) / 10
  }
  if (result.error !== null) { out.error = result.error; out.error_stage = result.errorStage }
  if (json) {
    console.log(JSON.stringify(out))
  } else {
    console.log(`${parsed.name}  (OCP N=${p.stages.length - 1}, nx=${p.nx}${p.x0 === undefined ? ', x_0 free' : ''})`)
    console.log(`  status      ${result.statusName}${result.error !== null ? ` (${result.error} at stage ${result.errorStage})` : ''}`)
    console.log(`  objective   ${result.objective}`)
    console.log(`  iterations  ${result.iterations}${result.polished ? ` (+ active-set start: ${result.polishRounds} rounds)` : ''}`)
    console.log(`  solve time  ${timeUs.toFixed(1)} µs (median of ${reps} cold solves)`)
    result.x.forEach((xk, k) => console.log(`  stage ${String(k).padStart(2)}    x [${Array.from(xk, (v) => v.toPrecision(6)).join(', ')}]${k < result.u.length && result.u[k].length > 0 ? `  u [${Array.from(result.u[k], (v) => v.toPrecision(6)).join(', ')}]` : ''}`))
  }
  return result.statusName === 'optimal' ? 0 : 1
}
