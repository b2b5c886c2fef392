// `npm run bench -- bridge [--seconds N]` (default 20 s): round-trip latency through the HIL chain — the
// motor drivers (host/drivers) pack one COMMAND for quad12's 12 drives, serialport writes it to the pty,
// the POSIX bridge puts the MIT frames on its four emulated 1 Mbit/s CAN buses, the emulated drives answer
// (their shafts are the MuJoCo joints), the bridge sends STATE, the host parses it — while the drives
// hold the robot standing at 500 Hz. Rows:
//   round_trip   COMMAND handed to serialport → its STATE parsed on the host
//   can_replies  bridge side: command accepted → last of the tick's 12 replies in (rx_dt_us, emulated bus)
//   host_step    MitRobotDriver.step: clamp + pack 12 commands, frame, COBS, write
// and the budget the round trip leaves of the 2 ms cycle (2000 µs − round trip p50 / p99).
// The bridge process runs SCHED_RR 50 when allowed (an MCU runs nothing else; no control worker here to starve), this process SCHED_RR 20
// (a robot's controller would run real-time too; on a shared machine the numbers are otherwise the
// neighbours'). Watchdog trips from host stalls are counted (safe_mode_entries) and the drives re-enabled.
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { BenchResult } from './run.ts'
import { summarize } from './lib/stats.ts'
import { loadMotorMap } from '../host/drivers/motor-map.ts'
import { MitRobotDriver, createDriverCommand } from '../host/drivers/mit-robot-driver.ts'
import { HilBench } from '../host/hil/hil-bench.ts'
import { RX_DT_NONE, StateSlotFlag } from '../host/protocol/bridge/index.ts'

const SCENE = fileURLToPath(new URL('../robots/quad12/scene.xml', import.meta.url))
const MOTORS = fileURLToPath(new URL('../robots/quad12/motors.yaml', import.meta.url))

export default async function bridge (args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '20' } } })
  const seconds = Number(values.seconds)
  if (!(seconds > 0)) throw new Error(`--seconds must be positive, got ${values.seconds}`)
  const map = loadMotorMap(MOTORS)
  const load0 = loadavg()[0]
  const rt = spawnSync('chrt', ['-a', '-r', '-p', '20', String(process.pid)], { encoding: 'utf8' })
  const hostRt = rt.status === 0 ? 'SCHED_RR 20' : `normal (${(rt.stderr ?? String(rt.error)).trim()})`
  const bench = await HilBench.start({ scene: SCENE, motorMap: map, rtPriority: 50 })
  const driver = new MitRobotDriver(map, bench.plant.jointNames, bench.hostPath)
  const rtt: number[] = []
  const can: number[] = []
  const step: number[] = []
  let measuring = false
  try {
    await driver.connect()
    const s = driver.session
    s.onState((st) => {
      if (!measuring) return
      if (Number.isFinite(s.lastRtt_us)) rtt.push(s.lastRtt_us)
      let last = -1
      for (const sl of st.slot) {
        if ((sl.flags & StateSlotFlag.FRESH) === 0 || sl.rx_dt_us === RX_DT_NONE) { last = -1; break }
        last = Math.max(last, sl.rx_dt_us)
      }
      if (last >= 0) can.push(last)
    })
    const cmd = createDriverCommand(driver.n)
    cmd.mode = 'pd'
    cmd.q_des.set(bench.plant.keyframeJointPositions('home'))
    cmd.kp.fill(40)
    cmd.kd.fill(1)
    driver.enable()
    const period = map.value.bridge.tick_period_us / 1000
    const t0 = performance.now()
    let last = -Infinity
    // warm-up: drives enabled, soft start done, robot released, 1 s standing; then the measured window
    let tEnd = Infinity
    for (let k = 0; performance.now() < tEnd; k++) {
      const behind = Math.floor((performance.now() - t0) / period)
      if (behind > k) k = behind
      const wait = Math.max(t0 + k * period, last + 0.75 * period) - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      last = performance.now()
      driver.step(cmd)
      if (measuring) step.push((performance.now() - last) * 1000)
      if (bench.shaft.hold && driver.phase === 'running') bench.shaft.hold = false
      if (driver.phase === 'safe' || driver.phase === 'refused') {
        // a host stall on a loaded machine trips the 10 ms watchdog: count it, start again
        driver.clearFault()
        driver.enable()
      }
      if (!measuring && driver.phase === 'running' && !bench.shaft.hold && performance.now() - t0 > 3000) {
        measuring = true
        tEnd = performance.now() + seconds * 1000
      }
      if (!measuring && performance.now() - t0 > 30000) throw new Error(`the drives never ran: ${driver.safeReason ?? driver.phase}`)
    }
    measuring = false
    const r = summarize(rtt)
    const c = summarize(can)
    const h = summarize(step)
    const round = (x: number): number => Math.round(x * 10) / 10
    return {
      results: {
        round_trip: { p50_us: round(r.p50_us), p99_us: round(r.p99_us), max_us: round(r.max_us), n: r.n },
        can_replies: { p50_us: round(c.p50_us), p99_us: round(c.p99_us), max_us: round(c.max_us), n: c.n },
        host_step: { p50_us: round(h.p50_us), p99_us: round(h.p99_us), max_us: round(h.max_us), n: h.n }
      },
      ratios: {
        budget_left_p50_us: round(2000 - r.p50_us),
        budget_left_p99_us: round(2000 - r.p99_us),
        budget_left_p50_fraction: Math.round((2000 - r.p50_us) / 2000 * 1000) / 1000,
        safe_mode_entries: driver.counters.safe_entries,
        states_per_command: Math.round(s.counters.states / Math.max(1, s.counters.commands_sent) * 1000) / 1000
      },
      notes: [
        `${seconds} s at 500 Hz, 12 drives on 4 buses; bridge SCHED_RR: ${bench.rtProblems.length === 0 ? 'yes' : `no (${bench.rtProblems.join('; ')})`}; host: ${hostRt}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
        `bus load (DIAG, last window): ${[0, 1, 2, 3].map((b) => `bus ${b} ${(s.busLoad(b) * 100).toFixed(1)} %`).join(', ')}; budget per tick ${s.budget_ns.map((n) => (n / 1000).toFixed(0)).join('/')} µs`
      ]
    }
  } finally {
    await driver.close()
    await bench.close()
  }
}
