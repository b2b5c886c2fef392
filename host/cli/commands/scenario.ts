// `cerebellum scenario NAME [options]`: runs the whole locomotion controller (WASM estimator → gait →
// MPC → joint command) against the MuJoCo plant in lockstep — deterministic from the seed, as fast as
// the machine allows — and prints the metrics (host/locomotion/scenario-runner.ts). With --json, one
// JSON object as the last line of stdout.
//
// Exit codes: 0 the robot did not fall, 1 it fell (or the run failed), 2 bad usage or input.
import { mkdirSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadRuntimeConfig } from '../../config/runtime-config.ts'
import { ConfigError } from '../../config/schema.ts'
import { RobotFileError } from '../../robot/description.ts'
import { runScenario, DEFAULT_SCENE, type Push, type ScenarioMetrics } from '../../locomotion/scenario-runner.ts'
import { SCENARIO_NAMES, parsePush, parseTerrain, scenarioSpec, type ScenarioOverrides } from '../../locomotion/scenarios.ts'
import { LOCO_PARAM_SPECS } from '../../locomotion/params.ts'

export const summary = 'run a locomotion scenario (stand, trot, lateral, turn, gait-switch, stand-up, push-recovery) in lockstep and print its metrics'

const USAGE = `usage: cerebellum scenario NAME [options]

Runs the locomotion controller against the simulated robot in lockstep (deterministic from the seed);
the controller reads only the noisy sensors (its own state estimator).

scenarios:
  stand           stand 30 s; lateral pushes 30 N × 0.2 s every 3 s
  trot            trot forward 20 s at 0.5 m/s (--vx 1.0 for the fast case)
  lateral         trot sideways at 0.3 m/s
  turn            trot in place turning at 1 rad/s
  gait-switch     stand → trot → walking trot → static walk → trot → stand at 0.3 m/s
  stand-up        from lying on the belly: stand up, then stand
  push-recovery   trot at 0.3 m/s with 60 N lateral and 40 N forward pushes

options:
  --robot FILE          MJCF scene (default: robots/quad12/scene.xml)
  --config FILE         configuration YAML (locomotion:, estimator:, safety: sections)
  --duration S          simulated time [s] (default: the scenario's)
  --seed N              sensor-noise seed (default 1)
  --push "t,fx,fy,fz,dur"  a push on the base [s, N, N, N, s], world frame; repeatable (replaces the
                        scenario's pushes)
  --payload KG          a box payload on the base
  --friction MU         ground friction coefficient
  --terrain T           flat | slope:DEG | steps:HEIGHT (ahead of the robot, from x = 0.5 m)
  --vx, --vy, --wz      the twist [m/s, m/s, rad/s] instead of the scenario's
  --set NAME=VALUE      a locomotion parameter (host/locomotion/params.ts); repeatable
  --dump-dir DIR        write failed QPs here as JSON (replay with 'cerebellum qp FILE')
  --json                print one JSON object (the metrics) as the last line
  -h, --help            this text

metrics: fell, fell_at_s, vel_err_mean/max (planar velocity vs command, 0.2 s blocks), yaw_rate_err_mean,
height_rms, attitude_rms, slip_m, torque_limit_hits, qp_failures, estimator {vel_rmse, pos_drift_pct},
timing_us {estimate, mpc, wbc, tick} {p50, p99, max} (wall clock of this machine, whatever else runs on it)

exit code: 0 no fall, 1 fell or failed, 2 bad usage`

class UsageError extends Error {}

function num (name: string, v: string | undefined, ok: (x: number) => boolean): number | undefined {
  if (v === undefined) return undefined
  const x = Number(v)
  if (v.trim() === '' || !ok(x)) throw new UsageError(`--${name} '${v}' is not valid`)
  return x
}

function fmt (p: { p50: number, p99: number, max: number }): string {
  return `${p.p50} / ${p.p99} / ${p.max}`
}

function report (m: ScenarioMetrics): string {
  return [
    `scenario ${m.scenario}: ${m.fell ? `FELL at ${m.fell_at_s} s` : 'no fall'} (${m.duration_s} s simulated in ${m.wall_s} s)`,
    `  velocity error     mean ${m.vel_err_mean} m/s, max ${m.vel_err_max} m/s (forward mean ${m.fwd_vel_err_mean} m/s); mean vx ${m.mean_vx} m/s`,
    `  yaw-rate error     mean ${m.yaw_rate_err_mean} rad/s; mean ωz ${m.mean_wz} rad/s`,
    `  height rms         ${m.height_rms} m (mean error ${m.height_err_mean} m); attitude rms ${m.attitude_rms} rad`,
    `  slip               ${m.slip_m} m; torque-limit hits ${m.torque_limit_hits}; QP failures ${m.qp_failures} (MPC ${m.mpc_failures}); safe ticks ${m.safe_ticks}`,
    `  estimator          velocity rmse ${m.estimator.vel_rmse} m/s, position drift ${m.estimator.pos_drift_pct} % of ${m.distance_m} m`,
    '  timing [µs]        p50 / p99 / max',
    `    estimate         ${fmt(m.timing_us.estimate)}`,
    `    mpc              ${fmt(m.timing_us.mpc)}`,
    `    wbc              ${fmt(m.timing_us.wbc)}`,
    `    tick             ${fmt(m.timing_us.tick)}`
  ].join('\n')
}

export async function run (argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        robot: { type: 'string' },
        config: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        push: { type: 'string', multiple: true },
        payload: { type: 'string' },
        friction: { type: 'string' },
        terrain: { type: 'string' },
        vx: { type: 'string' },
        vy: { type: 'string' },
        wz: { type: 'string' },
        set: { type: 'string', multiple: true },
        'dump-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    console.error(`cerebellum scenario: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help === true) { console.log(USAGE); return 0 }
  const json = values.json === true
  const fail = (msg: string, code: number): number => {
    console.error(`cerebellum scenario: ${msg}`)
    if (json) console.log(JSON.stringify({ error: msg }))
    return code
  }
  if (positionals.length !== 1) return fail(`expected one scenario name (${SCENARIO_NAMES.join(', ')})`, 2)
  let overrides: ScenarioOverrides
  let seed: number | undefined
  const params: Record<string, number> = {}
  try {
    const pushes: Push[] | undefined = values.push?.map(parsePush)
    overrides = {
      duration_s: num('duration', values.duration, (x) => x > 0 && x <= 3600),
      vx: num('vx', values.vx, Number.isFinite),
      vy: num('vy', values.vy, Number.isFinite),
      wz: num('wz', values.wz, Number.isFinite),
      payload_kg: num('payload', values.payload, (x) => x >= 0 && x < 100),
      friction: num('friction', values.friction, (x) => x > 0 && x < 10),
      terrain: values.terrain !== undefined ? parseTerrain(values.terrain) : undefined,
      pushes
    }
    seed = num('seed', values.seed, Number.isSafeInteger)
    for (const kv of values.set ?? []) {
      const m = /^([a-z_0-9]+)=(.+)$/.exec(kv)
      const spec = m !== null ? LOCO_PARAM_SPECS.find((s) => s.name === m[1]) : undefined
      if (m === null || spec === undefined) throw new UsageError(`--set '${kv}': expected NAME=VALUE with NAME one of ${LOCO_PARAM_SPECS.map((s) => s.name).join(', ')}`)
      const x = Number(m[2])
      if (!(x >= spec.min && x <= spec.max)) throw new UsageError(`--set ${spec.name}: ${m[2]} is outside [${spec.min}, ${spec.max}] ${spec.unit}`)
      params[spec.name] = x
    }
  } catch (err) {
    return fail((err as Error).message, 2)
  }
  let metrics: ScenarioMetrics
  try {
    const spec = scenarioSpec(positionals[0], overrides)
    const config = loadRuntimeConfig(values.config).value
    const dumpDir = values['dump-dir'] ?? null
    if (dumpDir !== null) mkdirSync(dumpDir, { recursive: true })
    const out = json ? process.stderr : process.stdout
    const tty = out.isTTY === true
    metrics = await runScenario(spec, {
      robot: values.robot ?? DEFAULT_SCENE,
      seed,
      config,
      params,
      dumpDir,
      onProgress: tty ? (t) => out.write(`\rt ${t.toFixed(0)} / ${spec.duration_s} s`) : undefined
    })
    if (tty) out.write('\r\x1b[K')
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RobotFileError || err instanceof RangeError) return fail(err.message, 2)
    return fail((err as Error).message, 1)
  }
  if (json) console.log(JSON.stringify(metrics))
  else console.log(report(metrics))
  return metrics.fell ? 1 : 0
}
