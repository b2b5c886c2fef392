// Centroidal NMPC solve times (release WASM, one solve() per sample from the host, inputs written
// outside the timed region), along closed-loop sequences so warm starts and active sets are typical:
//   mpc_srbd         SRBD NMPC (N = 20, dt = 20 ms: the controller's default), SQP-RTI, solved every 2 ms (each 500 Hz tick)
//                    while trotting at 0.5 m/s on the rigid-body plant (host/locomotion/mpc/srbd-trot-loop.ts)
//   mpc_kinodynamic  kinodynamic NMPC (N = 50, dt = 20 ms, 24 states, up to 24 inputs), SQP-RTI,
//                    solved every 20 ms in a closed loop on its own discrete model (first input applied
//                    per stage) while trotting at 0.3 m/s (host/locomotion/mpc/kinodynamic-trot.ts)
// Columns: p50/p99/max per solve [µs], mean_qp_it (interior-point iterations per solve), mean_qp_rounds /
// mean_qp_passes (the QP's active-set rounds = Riccati factorizations, and its passes = Riccati solves), build_p50_us
// (the solve's checks + linearization + QP build alone, without the QP solve), cpu_mean_us (process
// CPU time per solve: less sensitive than wall time to other processes on a shared machine).
//   npm run bench -- mpc [--seconds S] [--kino-seconds S]
// CEREBELLUM_WASM_DIR=dir loads dir/release.wasm instead of build/release.wasm.
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../host/robot/load.ts'
import { RobotDynamics, DYN } from '../host/core/dynamics.ts'
import { coreWasmPath, type CoreOptions } from '../host/core/wasm.ts'
import { SrbdMpcHost } from '../host/locomotion/mpc/srbd-mpc.ts'
import { runTrotLoop } from '../host/locomotion/mpc/srbd-trot-loop.ts'
import { KinodynamicMpcHost } from '../host/locomotion/mpc/kinodynamic-mpc.ts'
import { writeTrotInputs } from '../host/locomotion/mpc/kinodynamic-trot.ts'
import { summarize, timeCalls } from './lib/stats.ts'
import type { BenchResult } from './run.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const FEET = ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot']
const r2 = (x: number): number => Math.round(x * 100) / 100

export default async function run (args: string[]): Promise<BenchResult> {
  const i = args.indexOf('--seconds')
  const seconds = i >= 0 ? Number(args[i + 1]) : 6
  const j = args.indexOf('--kino-seconds')
  const kinoSeconds = j >= 0 ? Number(args[j + 1]) : 4
  const dir = process.env.CEREBELLUM_WASM_DIR
  const core: CoreOptions = { build: 'release', wasmPath: dir !== undefined && dir !== '' ? `${dir.replace(/\/$/, '')}/release.wasm` : coreWasmPath('release') }
  const desc = await loadRobot(root + 'robots/quad12/quad12.xml')
  const dyn = await RobotDynamics.create(desc, core)
  dyn.qpos.set(desc.keyframes.home)
  dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.CENTROIDAL)
  const feet = FEET.map((n) => { const f = dyn.frameIndex(n); return Array.from(dyn.framePos.subarray(3 * f, 3 * f + 3)) })
  const com = Array.from(dyn.com)
  const results: BenchResult['results'] = {}
  const notes: string[] = []

  // ---------------------------------------------------------------- SRBD
  const mpc = new SrbdMpcHost(dyn, { N: 20, dt: 0.02 })
  const loop = { vx: 0.5, period: 0.35, com, feet, mu: 0.6, fzMin: 1, fzMax: 150, control: 0.002 }
  runTrotLoop(mpc, { ...loop, duration: 1 }) // warm-up (JIT, caches)
  mpc.reset()
  const samples: number[] = []
  let cpu = 0
  let rounds = 0
  let passes = 0
  const r = runTrotLoop(mpc, {
    ...loop,
    duration: seconds,
    onSolve: (solve) => {
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      const st = solve()
      samples.push(Number(process.hrtime.bigint() - t0) / 1000)
      const c1 = process.cpuUsage(c0)
      cpu += c1.user + c1.system
      rounds += mpc.info('polishRounds')
      passes += mpc.info('polishPasses')
      return st
    }
  })
  const s = summarize(samples)
  mpc.elapsed = 0
  const build = timeCalls(() => { mpc.prepare() }, 500, 50)
  results.mpc_srbd = { p50_us: s.p50_us, p99_us: s.p99_us, max_us: s.max_us, mean_us: s.mean_us, cpu_mean_us: r2(cpu / s.n), build_p50_us: build.p50_us, mean_qp_it: r2(r.meanQpIterations), mean_qp_rounds: r2(rounds / s.n), mean_qp_passes: r2(passes / s.n), solves: s.n, failures: r.failures }
  notes.push(`mpc_srbd: trot 0.5 m/s on the rigid-body plant, solve every 2 ms: mean |v − v_cmd| ${r.velErrMean.toFixed(3)} m/s, ${r.failures} failed solves of ${r.solves}`)
  notes.push(`goal mpc_srbd p99 ≤ 300 µs: ${s.p99_us} µs → ${s.p99_us <= 300 ? 'met' : 'NOT met'}`)

  // ---------------------------------------------------------------- kinodynamic
  const kd = new KinodynamicMpcHost(dyn, FEET, { N: 50, dt: 0.02 })
  const home = desc.keyframes.home
  const trot = { home, footZ: feet.map((f) => f[2]), vx: 0.3, period: 0.4, apex: 0.06 }
  const kSamples: number[] = []
  let kIts = 0
  let kFail = 0
  let kCpu = 0
  let kRounds = 0
  let kPasses = 0
  const kSlow: Array<[number, number, number, number, number]> = []
  const kinoLoop = (duration: number, time: boolean): void => {
    kd.reset()
    kd.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
    let x = Array.from(kd.x0)
    for (let s = 0; s * kd.dt < duration; s++) {
      kd.x0.set(x)
      writeTrotInputs(kd, trot, s * kd.dt, x[6], home[1])
      kd.elapsed = kd.dt
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      const st = kd.solve()
      const us = Number(process.hrtime.bigint() - t0) / 1000
      const c1 = process.cpuUsage(c0)
      if (time) {
        kSamples.push(us); kCpu += c1.user + c1.system; kIts += kd.iterations; if (st !== 0) kFail++
        const rounds = kd.info('polishRounds')
        const passes = kd.info('polishPasses')
        kRounds += rounds; kPasses += passes
        kSlow.push([us, s, kd.iterations, rounds, passes])
      }
      const next = kd.step(x, kd.uPred.subarray(0, kd.nuFull), kd.contact.subarray(0, kd.nfeet))
      if (next !== null) x = Array.from(next)
    }
  }
  kinoLoop(0.4, false)
  kinoLoop(kinoSeconds, true)
  const ks = summarize(kSamples)
  kd.elapsed = 0
  const kBuild = timeCalls(() => { kd.prepare() }, 30, 5)
  results.mpc_kinodynamic = { p50_us: ks.p50_us, p99_us: ks.p99_us, max_us: ks.max_us, mean_us: ks.mean_us, cpu_mean_us: r2(kCpu / Math.max(1, ks.n)), build_p50_us: kBuild.p50_us, mean_qp_it: r2(kIts / Math.max(1, ks.n)), mean_qp_rounds: r2(kRounds / Math.max(1, ks.n)), mean_qp_passes: r2(kPasses / Math.max(1, ks.n)), solves: ks.n, failures: kFail }
  kSlow.sort((a, b) => b[0] - a[0])
  notes.push(`mpc_kinodynamic: the 3 slowest solves (µs @ step: QP iterations / rounds / passes): ${kSlow.slice(0, 3).map(([t, s, it, r, p]) => `${Math.round(t)} @ ${s}: ${it}/${r}/${p}`).join(', ')}; median passes ${kSlow.map((e) => e[4]).sort((a, b) => a - b)[kSlow.length >> 1] ?? 0}`)
  notes.push(`goal mpc_kinodynamic p99 ≤ 5000 µs: ${ks.p99_us} µs → ${ks.p99_us <= 5000 ? 'met' : 'NOT met'}`)
  notes.push('machine: shared 2-core box; other processes (builds, tests) run concurrently, so tails are inflated')

  return { results, ratios: {}, notes }
}
