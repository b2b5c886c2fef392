// Shared set-up of the HIL tests: the quad12 motor map (optionally edited), the bench with its proxy, the
// drivers, and a 500 Hz loop holding the 'home' pose with joint PD — the command a stand controller sends.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseMotorMap, type MotorMap } from '../../host/drivers/motor-map.ts'
import { MitRobotDriver, createDriverCommand, type DriverCommand } from '../../host/drivers/mit-robot-driver.ts'
import { HilBench } from '../../host/hil/hil-bench.ts'
import { runController, type RunSummary } from '../../host/runtime/run-controller.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const SCENE = `${ROOT}robots/quad12/scene.xml`
export const MOTORS = `${ROOT}robots/quad12/motors.yaml`
/** knees on the bridge's EtherCAT bus (emulated CiA 402 drives), the rest on CAN */
export const MIXED = `${ROOT}robots/quad12/hil-mixed.yaml`

/** Longer bridge watchdog and host timeouts, for tests about something else than timing. */
export const RELAXED: Array<[string, string]> = [['watchdog_us: 10000 ', 'watchdog_us: 100000'], ['state_timeout_ms: 20', 'state_timeout_ms: 200'], ['reply_timeout_ticks: 10', 'reply_timeout_ticks: 50']]

/** The quad12 map with text replacements applied (e.g. a longer watchdog). */
export function quad12Map (edits: Array<[string, string]> = [], file = MOTORS): MotorMap {
  let text = readFileSync(file, 'utf8')
  for (const [a, b] of edits) {
    if (!text.includes(a)) throw new Error(`${file} has no '${a}' to replace`)
    text = text.split(a).join(b)
  }
  return parseMotorMap(text, file)
}

/**
 * SCHED_RR for every thread of this test process only (the bridge gets it from the bench). The machine is
 * shared by parallel jobs; without it the 500 Hz loop below is starved for tens of ms. Round-robin, not
 * FIFO, so that threads of equal priority share a core. Ignored when refused.
 */
export function tryRealtime (priority = 20): void {
  spawnSync('chrt', ['-a', '-r', '-p', String(priority), String(process.pid)], { stdio: 'ignore' })
}

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

export interface Rig {
  bench: HilBench
  driver: MitRobotDriver
  cmd: DriverCommand
  /** ticks sent so far */
  ticks: number
  /** called every tick after the step (test probes) */
  onTick: (() => void) | null
  stop: () => Promise<void>
}

/** Bench (with proxy) + drivers connected; the loop (run/until) ticks them. */
export async function startRig (map: MotorMap, proxy = true, more: { stdinControl?: boolean } = {}): Promise<Rig> {
  const bench = await HilBench.start({ scene: SCENE, motorMap: map, proxy, ...more })
  const driver = new MitRobotDriver(map, bench.plant.jointNames, bench.hostPath, { warmup_ticks: 100 })
  try {
    await driver.connect()
  } catch (err) {
    await bench.close()
    throw err
  }
  const cmd = createDriverCommand(driver.n)
  cmd.mode = 'pd'
  cmd.q_des.set(bench.plant.keyframeJointPositions('home'))
  cmd.kp.fill(40)
  cmd.kd.fill(1)
  const rig: Rig = {
    bench, driver, cmd, ticks: 0, onTick: null,
    stop: async () => {
      await driver.close()
      await bench.close()
    }
  }
  return rig
}

/** Ticks at 500 Hz (drift-compensated) for `ms`, or until `done` holds; returns whether it held. */
export async function run (rig: Rig, ms: number, done?: () => boolean): Promise<boolean> {
  const period = rig.driver.map.value.bridge.tick_period_us / 1000
  const t0 = performance.now()
  let last = -Infinity
  for (let k = 0; ; k++) {
    if (done?.() === true) return true
    if (performance.now() - t0 > ms) return done === undefined
    // like a real control loop after a stall: skip the missed periods, never send commands back to back
    // (a burst would cut every tick short but the last, PROTOCOL.md §4)
    const behind = Math.floor((performance.now() - t0) / period)
    if (behind > k) k = behind
    const wait = Math.max(t0 + k * period, last + 0.75 * period) - performance.now()
    if (wait > 0) await sleep(wait)
    last = performance.now()
    rig.driver.step(rig.cmd)
    rig.ticks++
    if (rig.bench.shaft.hold && rig.driver.phase === 'running') rig.bench.shaft.hold = false
    rig.onTick?.()
  }
}

/** Enables the drives and runs until they run with full gains and have held the robot for `settle_ms`. */
export async function enableAndSettle (rig: Rig, settle_ms = 300): Promise<void> {
  const d = rig.driver
  if (d.phase === 'safe' || d.phase === 'refused') d.clearFault()
  d.enable()
  const ok = await run(rig, 6000, () => d.phase === 'running' || d.phase === 'safe' || d.phase === 'refused')
  if (!ok || d.phase !== 'running') throw new Error(`drives did not reach running: ${d.phase} (${d.safeReason ?? 'no reason'})`)
  await run(rig, settle_ms)
}

/** Base height of the simulated robot [m]. */
export function baseHeight (rig: Rig): number {
  const p = new Float64Array(3)
  const q = new Float64Array(4)
  rig.bench.plant.readBasePose(p, q)
  return p[2]
}

/**
 * Enables and settles, starting again when the loaded machine's own stall tripped the watchdog before
 * the test's injection (the trip then is the same safe path); returns the attempts it took.
 */
export async function enableRetrying (rig: Rig, settle_ms = 300, attempts = 8): Promise<number> {
  for (let k = 1; ; k++) {
    try {
      await enableAndSettle(rig, settle_ms)
      if (rig.driver.phase === 'running') return k
    } catch (err) {
      if (k >= attempts) throw err
    }
    if (k >= attempts) throw new Error(`never ran ${settle_ms} ms without a spurious trip: ${rig.driver.safeReason}`)
  }
}

/**
 * `cerebellum run --plant hil` with the locomotion controller and a 0.4 m/s twist for 10 s on a motor
 * map (timeouts relaxed: RELAXED), given as --motors or as --config; returns the run summary and the ground-truth forward speed over the
 * last 4 s.
 */
export async function trotInHil (motorsFile: string, via: 'motors' | 'config' = 'motors'): Promise<{ summary: RunSummary, v: number, seconds: number, link: Record<string, number | string> | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-hil-'))
  try {
    let text = readFileSync(motorsFile, 'utf8')
    for (const [a, b] of RELAXED) text = text.split(a).join(b)
    const motors = join(dir, 'motors.yaml')
    writeFileSync(motors, text)
    let at: { t: number, sensor: number, p: number } | null = null
    const xs: Array<[number, number]> = []
    let plantLink: (() => Record<string, number | string>) | null = null
    let link: Record<string, number | string> | null = null
    const summary = await runController({
      robot: SCENE, plant: 'hil', ...(via === 'motors' ? { motors } : { config: motors }), duration_s: 10, locomotion: true, twist: { vx: 0.4 },
      onReady: (i) => { const L = i.worker.shared.layouts; at = { t: L.telemetry.at.t, sensor: L.telemetry.at.sensor, p: L.sensor.at.gt_p_base_world }; plantLink = i.plantLink },
      onTelemetry: (r) => {
        if (at === null) return
        xs.push([r[at.t], r[at.sensor + at.p]])
        // the link health the TUI shows, once near the end
        if (link === null && r[at.t] > 9 && plantLink !== null) link = plantLink()
      }
    })
    const late = xs.filter(([t]) => t > 6)
    const v = late.length > 1 ? (late[late.length - 1][1] - late[0][1]) / (late[late.length - 1][0] - late[0][0]) : NaN
    return { summary, v, seconds: late.length / 500, link }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
