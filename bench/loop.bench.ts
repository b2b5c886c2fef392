// `npm run bench -- loop [--seconds N]` (default 60 s): the real-time control loop with everything inside
// — the control worker's deadline loop and stand controller, the MuJoCo plant on the main thread paced by
// the commands, the rings — and its timing: wake-up lateness and compute time (wake-up to command
// published) p50/p99/p99.9/max, per-stage times, missed deadlines by cause, skipped releases, stale
// sensor frames and repeated commands. Row `loop` carries the headline numbers.
//   --rt-priority N   ask for SCHED_FIFO N for the control thread (control.rt_priority; needs CAP_SYS_NICE)
//   --cpu N           pin the control thread to CPU N (control.cpu)
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { BenchResult } from './run.ts'
import { parseRuntimeConfig } from '../host/config/runtime-config.ts'
import { describeScheduling } from '../host/runtime/rt-scheduling.ts'
import { runController } from '../host/runtime/run-controller.ts'

export default async function loop (args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '60' }, 'rt-priority': { type: 'string', default: '0' }, cpu: { type: 'string', default: '-1' } } })
  const seconds = Number(values.seconds)
  if (!(seconds > 0)) throw new Error(`--seconds must be positive, got ${values.seconds}`)
  const load0 = loadavg()[0]
  let sched = ''
  // Warm up (JIT, caches, the stand ramp) before the measured window, as a robot would before walking.
  const warmup_s = 2
  const config = parseRuntimeConfig(`control:\n  rt_priority: ${Number(values['rt-priority'])}\n  cpu: ${Number(values.cpu)}\n`, '(bench options)')
  const s = await runController({ mode: 'realtime', duration_s: warmup_s + seconds, warmup_s, config, policyPort: false, onReady: (i) => { sched = describeScheduling(i.sched) } })
  const load1 = loadavg()[0]
  const results: Record<string, Record<string, number>> = {
    loop: {
      p50_us: s.compute_us.p50,
      p99_us: s.compute_us.p99,
      max_us: s.compute_us.max,
      lateness_p50_us: s.lateness_us.p50,
      lateness_p99_us: s.lateness_us.p99,
      lateness_p999_us: s.lateness_p999_us,
      lateness_max_us: s.lateness_us.max,
      compute_p50_us: s.compute_us.p50,
      compute_p99_us: s.compute_us.p99,
      compute_p999_us: s.compute_p999_us,
      compute_max_us: s.compute_us.max,
      missed: s.missed,
      missed_compute: s.missed_compute,
      missed_wakeup: s.missed_wakeup,
      skipped: s.skipped,
      ticks: s.ticks,
      stale_sensor_ticks: s.stale_sensor_ticks,
      stale_commands: s.stale_commands
    },
    lateness: { p50_us: s.lateness_us.p50, p99_us: s.lateness_us.p99, max_us: s.lateness_us.max, p999_us: s.lateness_p999_us },
    compute: { p50_us: s.compute_us.p50, p99_us: s.compute_us.p99, max_us: s.compute_us.max, p999_us: s.compute_p999_us }
  }
  for (const [name, st] of Object.entries(s.stages_us)) results[`stage_${name}`] = { p50_us: st.p50, p99_us: st.p99, max_us: st.max }
  return {
    results,
    ratios: { missed_per_1000_ticks: Math.round(1e6 * s.missed / Math.max(1, s.ticks)) / 1000 },
    notes: [
      `${seconds} s measured after ${warmup_s} s warm-up: ${s.ticks} ticks; plant sim time ${s.sim_time_s} s in ${s.wall_time_s} s wall; robot ${s.fell ? 'FELL' : 'standing'} (${s.base_height_final} m)`,
      `scheduling: ${sched}${s.rt_problems.length > 0 ? `; NOT applied: ${s.rt_problems.join('; ')}` : ''}`,
      `1-min load average: ${load0.toFixed(2)} before, ${load1.toFixed(2)} after (shared machines inflate the tails)`,
      'lateness = wake-up − release; compute = wake-up → command published; a miss is a command later than one period after its release'
    ]
  }
}
