// The `cerebellum run` command line on top of runController: options, start-up banner (scheduling the
// control thread got, policy ports), a live status line, Ctrl-C, and with --json exactly one summary
// object as the last line of stdout. host/cli/commands/run.ts delegates here.
import { parseArgs } from 'node:util'
import { ConfigError } from '../config/schema.ts'
import { RobotFileError } from '../robot/description.ts'
import { ControlSession } from './control-socket.ts'
import { describeScheduling } from './rt-scheduling.ts'
import { DEFAULT_SCENE, runController, type LiveStatus, type RunSummary } from './run-controller.ts'

export const RUN_SUMMARY = 'run the controller on the robot (default: quad12 in the MuJoCo simulation) at 500 Hz'

export const RUN_USAGE = `usage: cerebellum run [options]

Runs the controller against a plant, with the policy port open for targets (UDP and WebSocket, see
host/policy/PROTOCOL.md): the robot stands up, then walks on twist targets with the locomotion
controller (state estimator → gait → MPC → joint command, host/locomotion). Without a policy and
without --vx/--vy/--wz it walks the demo twist (--no-demo: it stands).

options:
  --robot FILE      MJCF scene of the simulated robot (default: robots/quad12/scene.xml)
  --config FILE     configuration YAML (default: built-in defaults; see host/config/README.md)
  --plant KIND      sim (default) | hil | serial:PATH
  --motors FILE     motor map for hil / serial (default: motors.yaml beside the scene); --config FILE
                    also accepts a motor table (e.g. robots/quad12/hil-mixed.yaml, knees on EtherCAT)
  --record FILE     write every tick as MCAP (opens in Foxglove)
  --duration S      stop after S seconds of plant time (default: until Ctrl-C)
  --vx, --vy, --wz  a constant body velocity command [m/s, m/s, rad/s], sent as a local policy
                    once the stand ramp is done (default: the demo walk, locomotion.demo in the
                    configuration: trot forward at 0.4 m/s)
  --no-demo         no demo walk: stand until a policy sends targets
  --no-locomotion   no locomotion controller: twist targets keep the robot standing
  --lockstep        lockstep instead of real time (deterministic, as fast as possible)
  --seed N          sensor-noise seed of the simulation (default 1)
  --stand-up        start lying ('lie' keyframe) and stand up
  --no-port         do not open the policy port
  --control ADDR    control socket for 'cerebellum tui': HOST:PORT or unix:PATH (default 127.0.0.1:7772,
                    a free port when taken); a non-loopback HOST needs --control-token
  --control-token T token control clients must present (or CEREBELLUM_CONTROL_TOKEN)
  --no-control      do not open the control socket
  --tui             run the terminal UI in this terminal (gains, teleop, e-stop, plots)
  --json            print one summary JSON object as the last line
  -h, --help        this text`

function parse (argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      robot: { type: 'string' },
      config: { type: 'string' },
      plant: { type: 'string' },
      motors: { type: 'string' },
      record: { type: 'string' },
      duration: { type: 'string' },
      vx: { type: 'string' },
      vy: { type: 'string' },
      wz: { type: 'string' },
      lockstep: { type: 'boolean' },
      seed: { type: 'string' },
      'stand-up': { type: 'boolean' },
      'no-port': { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      'no-locomotion': { type: 'boolean' },
      control: { type: 'string' },
      'control-token': { type: 'string' },
      'no-control': { type: 'boolean' },
      tui: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}

function num (name: string, v: string | undefined, check: (x: number) => boolean): number | undefined {
  if (v === undefined) return undefined
  const x = Number(v)
  if (v.trim() === '' || !check(x)) throw new UsageError(`--${name} '${v}' is not valid`)
  return x
}

class UsageError extends Error {}

/** Runs `cerebellum run ARGV`; resolves with the exit code (0 ok, 1 fell or failed, 2 bad usage or input). */
export async function runCommand (argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (err) {
    console.error(`cerebellum run: ${(err as Error).message}\n\n${RUN_USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(RUN_USAGE); return 0 }
  const json = values.json === true
  const out = json ? process.stderr : process.stdout
  const fail = (msg: string, code: number): number => {
    console.error(`cerebellum run: ${msg}`)
    if (json) console.log(JSON.stringify({ error: msg }))
    return code
  }
  let duration: number | undefined, seed: number | undefined, vx: number | undefined, vy: number | undefined, wz: number | undefined
  try {
    duration = num('duration', values.duration, (x) => x > 0)
    seed = num('seed', values.seed, Number.isSafeInteger)
    vx = num('vx', values.vx, Number.isFinite)
    vy = num('vy', values.vy, Number.isFinite)
    wz = num('wz', values.wz, Number.isFinite)
  } catch (err) {
    return fail((err as Error).message, 2)
  }
  const twist = vx !== undefined || vy !== undefined || wz !== undefined ? { vx, vy, wz } : undefined
  const stop = new AbortController()
  const onSigint = (): void => stop.abort()
  process.once('SIGINT', onSigint)
  const tty = out.isTTY === true
  if (values.tui === true && values['no-control'] === true) { process.removeListener('SIGINT', onSigint); return fail('--tui needs the control socket (drop --no-control)', 2) }
  let control: ControlSession | null = null
  if (values['no-control'] !== true) {
    try {
      control = await ControlSession.open({ control: values.control, token: values['control-token'], tui: values.tui === true, configFile: values.config ?? null, scene: values.robot ?? DEFAULT_SCENE, plant: values.plant ?? 'sim', out })
    } catch (err) {
      process.removeListener('SIGINT', onSigint)
      return fail((err as Error).message, 2)
    }
  }
  const status = (s: LiveStatus): void => {
    if (control?.tuiActive() === true) return
    const f = (x: number, d = 2): string => Number.isFinite(x) ? x.toFixed(d) : '–'
    const stages = Object.entries(s.stage_mean_us).filter(([n]) => n === 'mpc' || n === 'wbc' || n === 'estimate').map(([n, us]) => `${n} ${us.toFixed(0)}`).join(' ')
    const line = `t ${s.t.toFixed(1)} s  ${s.mode}  ${s.rate_hz.toFixed(0)} Hz  late p99 ${s.lateness_p99_us.toFixed(0)} µs  missed ${s.missed}` +
      (stages !== '' ? `  µs: ${stages}` : '') +
      `  v ${f(s.twist_est[0])},${f(s.twist_est[1])} wz ${f(s.twist_est[2])} (cmd ${f(s.twist_cmd[0])},${f(s.twist_cmd[1])} wz ${f(s.twist_cmd[2])})  h ${s.base_height.toFixed(3)} m` +
      (s.faults.length > 0 ? `  faults: ${s.faults.join(', ')}` : '')
    out.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
  }
  let summary: RunSummary
  try {
    summary = await runController({
      robot: values.robot ?? DEFAULT_SCENE,
      config: values.config,
      plant: values.plant,
      motors: values.motors,
      mode: values.lockstep === true ? 'lockstep' : undefined,
      record: values.record,
      duration_s: duration,
      twist,
      seed,
      keyframe: values['stand-up'] === true ? 'lie' : undefined,
      policyPort: values['no-port'] !== true,
      locomotion: values['no-locomotion'] !== true,
      demo: values['no-demo'] !== true && values['no-locomotion'] !== true && values['no-port'] !== true,
      signal: stop.signal,
      onStatus: status,
      onTelemetry: control !== null ? (r) => control!.onTelemetry(r) : undefined,
      onReady: (i) => {
        out.write(`control thread: ${describeScheduling(i.sched)}\n`)
        for (const p of i.worker.rtProblems) out.write(`control thread: could not apply the real-time settings: ${p}\n`)
        if (i.port !== null) out.write(`policy port: UDP ${i.udpPort >= 0 ? i.udpPort : 'off'}, WebSocket ${i.wsPort >= 0 ? i.wsPort : 'off'} (${i.mode})\n`)
        control?.ready(i)
      }
    })
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RobotFileError || err instanceof RangeError) return fail(err.message, 2)
    return fail((err as Error).message, 1)
  } finally {
    await control?.close()
    process.removeListener('SIGINT', onSigint)
    if (tty) out.write('\n')
  }
  out.write(`t ${summary.sim_time_s.toFixed(1)} s  ${summary.final_mode}  height ${summary.base_height_final.toFixed(3)} m  ticks ${summary.ticks}  missed ${summary.missed}\n`)
  if (json) console.log(JSON.stringify(summary))
  else {
    out.write(`${summary.ticks} ticks, ${summary.missed} missed (${summary.missed_compute} compute, ${summary.missed_wakeup} wake-up); lateness p99 ${summary.lateness_us.p99} µs, compute p99 ${summary.compute_us.p99} µs${summary.faults.length > 0 ? `; faults seen: ${summary.faults.join(', ')}` : ''}\n`)
    if (summary.fell) out.write('the robot fell\n')
  }
  return summary.fell ? 1 : 0
}
