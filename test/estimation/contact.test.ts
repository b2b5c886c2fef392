// Contact estimation against MuJoCo contacts: touchdown events within ±10 ms (precision and recall) on the
// scripted lifts, a push, an early touchdown (a foot landing on a 5 cm step it was not told about) and a
// late touchdown (a foot stepping over the edge of a 5 cm platform, meeting nothing where the schedule
// says ground, landing 5 cm deeper). metrics.ts defines the events: a simulator touchdown counts for the
// recall when the foot takes at least a quarter of its share of the weight within 30 ms (MIN_LOAD_N).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { replay, evaluate, type Recording, type Trace } from '../../host/estimation/evaluation.ts'
import { holeScenario, liftScenario, pushScenario, stepScenario } from '../../host/estimation/scenarios.ts'
import type { TouchdownSummary } from '../../host/estimation/metrics.ts'
import { FEET, MIN_LOAD_N, fmt, footXY, quad12Estimator, record } from './helpers.ts'

const nf = FEET.length
const TOL = 0.01
const rows: string[] = []

interface Run { rec: Recording, trace: Trace, td: TouchdownSummary }
const runs = new Map<string, Run>()

async function run (name: string): Promise<Run> {
  const hit = runs.get(name)
  if (hit !== undefined) return hit
  const xy = await footXY()
  const sc = name === 'lift' ? liftScenario(xy) : name === 'push' ? pushScenario(nf) : name === 'step' ? stepScenario(xy) : holeScenario(xy)
  const rec = await record(sc)
  const est = await quad12Estimator({ ground_height: sc.ground_height_m })
  const trace = replay(est, rec)
  const td = evaluate(rec, trace, MIN_LOAD_N, TOL).touchdown
  rows.push(`${name.padEnd(5)} touchdowns: estimated ${td.est_events}, correct ${td.correct}, loaded true ${td.true_events} (onsets ${td.onsets}), ` +
    `matched ${td.matched}; precision ${fmt(td.precision, 3)} recall ${fmt(td.recall, 3)}; timing mean ${fmt(1000 * td.timing_err_mean_s, 1)} ms ` +
    `max ${fmt(1000 * td.timing_err_max_s, 1)} ms; missed ${JSON.stringify(td.missed_events.map((a) => a.map((t) => +t.toFixed(3))))}`)
  const r = { rec, trace, td }
  runs.set(name, r)
  return r
}

/** Rising edges (after ≥ 20 ms off) of foot i's contact flag in a flat series. */
function edges (series: Float64Array, nfeet: number, i: number, time: Float64Array): number[] {
  const out: number[] = []
  let on = true
  let off = -Infinity
  for (let k = 0; k < time.length; k++) {
    const c = series[nfeet * k + i] !== 0
    if (on && !c) off = time[k]
    if (!on && c && time[k] - off >= 0.02 - 1e-9) out.push(time[k])
    on = c
  }
  return out
}

/** Time at which the schedule of foot i switches from swing (0) to stance (1). */
function scheduledTouchdown (rec: Recording, i: number): number {
  for (let k = 1; k < rec.n; k++) {
    if (rec.sched[3 * nf * (k - 1) + 3 * i] === 0 && rec.sched[3 * nf * k + 3 * i] === 1) return rec.time[k]
  }
  throw new Error(`foot ${i} never lands in the schedule`)
}

test('lifting each foot in turn: every touchdown found within ±10 ms, no false ones', async () => {
  const { td } = await run('lift')
  assert.is(td.true_events, 4, 'four scripted touchdowns')
  assert.is(td.matched, 4)
  assert.is(td.correct, td.est_events, `false touchdowns: ${JSON.stringify(td.false_events)}`)
})

test('early touchdown on an unexpected 5 cm step: found within ±10 ms, well before the schedule says', async () => {
  const { rec, trace } = await run('step')
  const foot = 0
  const truth = edges(rec.gt_contact, nf, foot, rec.time).filter((t) => t > 1.0)
  const est = edges(trace.contact, nf, foot, rec.time).filter((t) => t > 1.0)
  const planned = scheduledTouchdown(rec, foot)
  assert.ok(truth.length >= 1 && est.length >= 1, `touchdowns: true ${truth}, estimated ${est}`)
  const footZ = rec.gt_p_foot[3 * nf * Math.round(truth[0] / rec.dt) + 3 * foot + 2]
  rows.push(`step: scheduled touchdown ${fmt(planned, 3)} s, MuJoCo contact ${fmt(truth[0], 3)} s (foot centre z ${fmt(footZ, 3)} m), estimated ${fmt(est[0], 3)} s`)
  assert.ok(footZ > 0.06, `the foot landed on the step (z ${footZ})`)
  assert.ok(planned - truth[0] >= 0.05, `the touchdown is early: ${truth[0]} vs scheduled ${planned}`)
  assert.ok(Math.abs(est[0] - truth[0]) <= TOL, `estimated ${est[0]} vs MuJoCo ${truth[0]}`)
})

test('late touchdown in a 5 cm hole: no contact at the scheduled time, found within ±10 ms when it lands', async () => {
  const { rec, trace } = await run('hole')
  const foot = 2
  const truth = edges(rec.gt_contact, nf, foot, rec.time).filter((t) => t > 1.0)
  const est = edges(trace.contact, nf, foot, rec.time).filter((t) => t > 1.0)
  const planned = scheduledTouchdown(rec, foot)
  assert.ok(truth.length >= 1 && est.length >= 1, `touchdowns: true ${truth}, estimated ${est}`)
  rows.push(`hole: scheduled touchdown ${fmt(planned, 3)} s, MuJoCo contact ${fmt(truth[0], 3)} s, estimated ${fmt(est[0], 3)} s`)
  assert.ok(truth[0] - planned >= 0.05, `the touchdown is late: ${truth[0]} vs scheduled ${planned}`)
  assert.ok(Math.abs(est[0] - truth[0]) <= TOL, `estimated ${est[0]} vs MuJoCo ${truth[0]}`)
  // between the scheduled and the real touchdown the estimate says swing
  for (let k = Math.round(planned / rec.dt); k < Math.round((truth[0] - TOL) / rec.dt); k++) {
    assert.is(trace.contact[nf * k + foot], 0, `contact declared at ${rec.time[k]} s with the foot over the hole`)
  }
})

test('precision and recall over lifts, push, step and hole', async () => {
  let est = 0; let correct = 0; let truth = 0; let matched = 0
  for (const name of ['lift', 'push', 'step', 'hole']) {
    const { td } = await run(name)
    est += td.est_events; correct += td.correct; truth += td.true_events; matched += td.matched
  }
  const precision = correct / est
  const recall = matched / truth
  rows.push(`all: precision ${fmt(precision, 3)} (${correct}/${est}), recall ${fmt(recall, 3)} (${matched}/${truth}) within ±${1000 * TOL} ms`)
  assert.ok(precision >= 0.9, `precision ${precision}`)
  // misses are stance feet hopping for 20–45 ms under a push or an impact and landing with a few newtons
  assert.ok(recall >= 0.7, `recall ${recall}`)
})

test('report', () => {
  for (const r of rows) console.log(r)
})

test.run()
