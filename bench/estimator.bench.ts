// State estimator: time per update (release WASM, one estUpdate call from the host per sample, inputs
// written outside the timed region) for the linear KF and the invariant EKF, and their accuracy against
// MuJoCo ground truth on the same recorded run (quad12, scripted lifts of each foot: base shifts, swing,
// touchdowns). Notes add the accuracy table of every scripted scenario (stand, sway, lift, push, early
// touchdown on a step, late touchdown in a hole).
//   npm run bench -- estimator [--reps N] [--quick]
// --reps: timed replays of the run per estimator (default 8, about 5,000 updates each); --quick: only the
// main run. CEREBELLUM_WASM_DIR=dir loads dir/release.wasm instead of build/release.wasm.
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../host/robot/load.ts'
import { coreWasmPath, type CoreOptions } from '../host/core/wasm.ts'
import { StateEstimator } from '../host/estimation/estimator.ts'
import { DEFAULT_ESTIMATOR_PARAMS, estimatorParams, type EstimatorKind } from '../host/estimation/params.ts'
import { evaluate, recordScenario, replay, stanceFootXY, type Evaluation, type Recording } from '../host/estimation/evaluation.ts'
import { holeScenario, liftScenario, pushScenario, standScenario, stepScenario, swayScenario, type Scenario } from '../host/estimation/scenarios.ts'
import { summarize } from './lib/stats.ts'
import type { BenchResult } from './run.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const FEET = ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot']
const KINDS: EstimatorKind[] = ['kf', 'inekf']

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4

export default async function run (args: string[]): Promise<BenchResult> {
  const i = args.indexOf('--reps')
  const reps = i >= 0 ? Number(args[i + 1]) : 8
  const quick = args.includes('--quick')
  const dir = process.env.CEREBELLUM_WASM_DIR
  const core: CoreOptions = { build: 'release', wasmPath: dir !== undefined && dir !== '' ? `${dir.replace(/\/$/, '')}/release.wasm` : coreWasmPath('release') }
  const desc = await loadRobot(root + 'robots/quad12/quad12.xml')
  const joints = desc.bodies.flatMap((b) => b.joints).filter((j) => j.type !== 'free').map((j) => j.name)
  const xy = await stanceFootXY(desc, FEET, 'home', core)
  const scene = root + 'robots/quad12/scene.xml'
  const minLoad = 0.25 * 8.912 * 9.81 / FEET.length
  const rec = async (sc: Scenario): Promise<Recording> => await recordScenario(sc, { scene, robot: desc, feet: FEET, seed: 7, core })
  const estimator = async (kind: EstimatorKind, sc: Scenario): Promise<StateEstimator> =>
    await StateEstimator.create(desc, { feet: FEET, imu: 'imu', joints }, estimatorParams({ estimator: kind, ground_height: sc.ground_height_m }), core)

  const main = liftScenario(xy)
  const mainRec = await rec(main)
  const results: BenchResult['results'] = {}
  const accuracy = new Map<EstimatorKind, Evaluation>()
  for (const kind of KINDS) {
    const est = await estimator(kind, main)
    const first = replay(est, mainRec) // warm-up and the accuracy figures
    const ev = evaluate(mainRec, first, minLoad)
    accuracy.set(kind, ev)
    const samples: number[] = []
    for (let r = 0; r < reps; r++) {
      const tr = replay(est, mainRec, { time: true })
      if (tr.update_us !== null) for (let k = 1; k < tr.n; k++) samples.push(tr.update_us[k])
    }
    const s = summarize(samples)
    results[kind] = {
      p50_us: s.p50_us,
      p99_us: s.p99_us,
      max_us: s.max_us,
      updates: s.n,
      vel_rmse_mps: r4(ev.base.vel_rmse),
      height_err_max_m: r4(ev.base.height_err_max),
      tilt_err_rms_deg: r4(ev.base.tilt_err_rms_deg),
      yaw_drift_deg: r4(ev.base.yaw_drift_deg),
      xy_drift_m: r4(ev.base.pos_drift_xy),
      touchdown_precision: r4(ev.touchdown.precision),
      touchdown_recall: r4(ev.touchdown.recall)
    }
  }
  const notes: string[] = [
    `run: ${main.name} (${mainRec.n} updates at ${1 / mainRec.dt} Hz, seed 7); timing = estUpdate only; default estimator: ${DEFAULT_ESTIMATOR_PARAMS.estimator}`,
    'accuracy per scenario (vel RMSE m/s | height max m | tilt RMS ° | yaw drift ° | xy drift m | touchdowns precision/recall ±10 ms):'
  ]
  const scenarios = quick ? [] : [standScenario(4), swayScenario(4), main, pushScenario(4), stepScenario(xy), holeScenario(xy)]
  for (const sc of scenarios) {
    const r = sc === main ? mainRec : await rec(sc)
    for (const kind of KINDS) {
      const ev = sc === main ? accuracy.get(kind) as Evaluation : evaluate(r, replay(await estimator(kind, sc), r), minLoad)
      const b = ev.base
      const td = ev.touchdown
      notes.push(`  ${sc.name.padEnd(5)} ${kind.padEnd(5)} ${b.vel_rmse.toFixed(4)} | ${b.height_err_max.toFixed(4)} | ${b.tilt_err_rms_deg.toFixed(3)} | ` +
        `${b.yaw_drift_deg.toFixed(3)} | ${b.pos_drift_xy.toFixed(4)} | ${td.correct}/${td.est_events} ${td.matched}/${td.true_events}`)
    }
  }
  return {
    results,
    ratios: {
      kf_p99_over_10us_goal: Math.round(results.kf.p99_us / 10 * 1000) / 1000,
      inekf_over_kf_p50: Math.round(results.inekf.p50_us / results.kf.p50_us * 1000) / 1000
    },
    notes
  }
}
