// `cerebellum run`: loads a robot scene into the simulated plant and holds it standing with joint PD at
// the 500 Hz control period, in real time (or as fast as possible with --lockstep), with a live status
// line. Optionally it starts lying down and stands up by interpolating the joint targets.
// Locomotion comes later; this is the first end-to-end loop: command → plant → sensors → command.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { RobotFileError } from '../../robot/description.ts'
import { Plant } from '../../sim/plant.ts'
import { RealtimePacer } from '../../sim/realtime-pacer.ts'
import { rollPitch, tiltAngle } from '../../sim/rotation.ts'

export const summary = 'simulate the robot standing under joint PD at 500 Hz (default robot: quad12)'

const DEFAULT_ROBOT = fileURLToPath(new URL('../../../robots/quad12/scene.xml', import.meta.url))
const CONTROL_PERIOD = 0.002
const KP = 60 // N·m/rad: holds quad12's 9 kg with ~0.05 rad knee sag
const KD = 1.5 // N·m·s/rad
const STAND_UP_TIME = 1.5 // s
const FALL_HEIGHT_FRACTION = 0.5 // of the standing keyframe's base height
const FALL_TILT = 60 * Math.PI / 180

const USAGE = `usage: cerebellum run [options]

Holds the robot standing with joint PD (kp ${KP}, kd ${KD}) at a ${CONTROL_PERIOD * 1000} ms control period.

options:
  --robot FILE     MJCF scene (default: robots/quad12/scene.xml); needs a 'home' keyframe
  --duration S     stop after S seconds of simulated time (default: run until Ctrl-C)
  --lockstep       run as fast as possible instead of in real time
  --seed N         sensor-noise seed (default 1)
  --stand-up       start from the 'lie' keyframe and stand up over ${STAND_UP_TIME} s
  --json           print one summary JSON object as the last line
  -h, --help       this text

The robot has fallen when its base drops below ${FALL_HEIGHT_FRACTION} × the standing height or tilts past
60° (checked once standing).`

interface Summary {
  ticks: number
  fell: boolean
  base_height_min: number
  base_height_final: number
  sim_time_s: number
  wall_time_s: number
}

function smoothstep (s: number): number {
  const t = s < 0 ? 0 : s > 1 ? 1 : s
  return t * t * (3 - 2 * t)
}

export async function run (argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (err) {
    console.error(`cerebellum run: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) {
    console.log(USAGE)
    return 0
  }
  const json = values.json === true
  const fail = (msg: string, code: number): number => {
    console.error(`cerebellum run: ${msg}`)
    if (json) console.log(JSON.stringify({ error: msg }))
    return code
  }
  const duration = values.duration === undefined ? Infinity : Number(values.duration)
  if (!(duration > 0)) return fail(`--duration must be a positive number of seconds, got '${values.duration}'`, 2)
  const seed = values.seed === undefined ? 1 : Number(values.seed)
  if (!Number.isSafeInteger(seed)) return fail(`--seed must be an integer, got '${values.seed}'`, 2)
  const robot = values.robot ?? DEFAULT_ROBOT
  const standUp = values['stand-up'] === true

  let plant: Plant
  try {
    plant = await Plant.load(robot, { seed, controlPeriod: CONTROL_PERIOD, keyframe: null })
    if (!plant.hasKeyframe('home')) {
      plant.close()
      return fail(`${robot}: no keyframe named 'home' (the standing pose the run command holds)`, 2)
    }
    if (standUp && !plant.hasKeyframe('lie')) {
      plant.close()
      return fail(`${robot}: no keyframe named 'lie' (needed by --stand-up)`, 2)
    }
    plant.reset(standUp ? 'lie' : 'home')
  } catch (err) {
    if (err instanceof RobotFileError || err instanceof RangeError) return fail(err.message, 2)
    throw err
  }

  const n = plant.nu
  const qHome = plant.keyframeJointPositions('home')
  const qStart = standUp ? plant.keyframeJointPositions('lie') : qHome.slice()
  const standHeight = plant.keyframeBaseHeight('home')
  const cmd = plant.command
  cmd.kp.fill(KP)
  cmd.kd.fill(KD)
  cmd.q_des.set(qStart)
  const holdFrom = standUp ? STAND_UP_TIME + 0.5 : 0

  const out = json ? process.stderr : process.stdout
  const tty = out.isTTY === true
  const p = new Float64Array(3)
  const quat = new Float64Array(4)
  const rp = new Float64Array(2)
  let stop = false
  const onSigint = (): void => { stop = true }
  process.once('SIGINT', onSigint)

  const s: Summary = { ticks: 0, fell: false, base_height_min: Infinity, base_height_final: NaN, sim_time_s: 0, wall_time_s: 0 }
  let tickMax_us = 0
  let tickSum_us = 0
  let tickCount = 0
  let trackErrMax = 0
  const wall0 = performance.now()
  let lastStatus = wall0
  const pacer = new RealtimePacer(CONTROL_PERIOD)

  const oneTick = (): void => {
    const t0 = performance.now()
    const alpha = standUp ? smoothstep(plant.time / STAND_UP_TIME) : 1
    for (let i = 0; i < n; i++) cmd.q_des[i] = qStart[i] + (qHome[i] - qStart[i]) * alpha
    plant.tick()
    const dt_us = (performance.now() - t0) * 1000
    tickSum_us += dt_us
    tickCount++
    if (dt_us > tickMax_us) tickMax_us = dt_us
    s.ticks++
    let err = 0
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(cmd.q_des[i] - plant.sensors.q[i]))
    trackErrMax = Math.max(trackErrMax, err)
    if (plant.time >= holdFrom) {
      plant.readBasePose(p, quat)
      s.base_height_min = Math.min(s.base_height_min, p[2])
      if (p[2] < FALL_HEIGHT_FRACTION * standHeight || tiltAngle(quat, 0) > FALL_TILT) s.fell = true
    }
  }

  const status = (final: boolean): void => {
    plant.readBasePose(p, quat)
    rollPitch(rp, quat, 0)
    const deg = 180 / Math.PI
    const line = `t ${plant.time.toFixed(2)} s  height ${p[2].toFixed(3)} m  roll ${(rp[0] * deg).toFixed(1)}°  ` +
      `pitch ${(rp[1] * deg).toFixed(1)}°  track err max ${trackErrMax.toFixed(3)} rad  ` +
      `tick ${(tickSum_us / Math.max(1, tickCount)).toFixed(0)} µs avg ${tickMax_us.toFixed(0)} max` +
      (pacer.resyncs > 0 ? `  late ×${pacer.resyncs}` : '') + (s.fell ? '  FELL' : '')
    if (tty) out.write(`\r${line}\x1b[K${final ? '\n' : ''}`)
    else out.write(`${line}\n`)
    tickSum_us = 0; tickCount = 0; tickMax_us = 0; trackErrMax = 0
  }

  try {
    const lockstep = values.lockstep === true
    // The first tick compiles MuJoCo's hot WASM paths (tens of ms); start the real-time schedule after it.
    oneTick()
    pacer.start()
    while (!stop && plant.time < duration - 1e-9) {
      if (lockstep) {
        for (let k = 0; k < 250 && plant.time < duration - 1e-9; k++) oneTick()
        await yieldToEventLoop()
      } else {
        let due = pacer.due()
        while (due-- > 0 && plant.time < duration - 1e-9) { oneTick(); pacer.done(1) }
        await pacer.waitNext()
      }
      const now = performance.now()
      if (now - lastStatus >= (tty ? 100 : 1000)) {
        status(false)
        lastStatus = now
      }
    }
    status(true)
  } finally {
    process.removeListener('SIGINT', onSigint)
    plant.readBasePose(p, quat)
    s.base_height_final = p[2]
    s.sim_time_s = plant.time
    s.wall_time_s = (performance.now() - wall0) / 1000
    if (!Number.isFinite(s.base_height_min)) s.base_height_min = p[2]
    plant.close()
  }
  if (json) {
    console.log(JSON.stringify({
      ticks: s.ticks,
      fell: s.fell,
      base_height_min: round(s.base_height_min, 5),
      base_height_final: round(s.base_height_final, 5),
      sim_time_s: round(s.sim_time_s, 6),
      wall_time_s: round(s.wall_time_s, 3)
    }))
  } else if (s.fell) {
    console.log('the robot fell')
  }
  return s.fell ? 1 : 0
}

function round (x: number, digits: number): number {
  return Number(x.toFixed(digits))
}

function parse (argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      robot: { type: 'string' },
      duration: { type: 'string' },
      lockstep: { type: 'boolean' },
      seed: { type: 'string' },
      'stand-up': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}
