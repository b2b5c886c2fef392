// Whole-body controller: time per update (release WASM, one wbcUpdate call from the host per sample;
// state and reference written outside the timed region) on quad12, along a seeded random walk of
// states about the stand (AR(1) offsets of qpos and qvel), so that the HQP's warm start sees
// consecutive, slowly changing problems as in the loop.
// Rows: `wbc` (stance and trot updates together), `wbc_stance` (four feet), `wbc_trot` (diagonal
// pairs alternating every 0.2 s), each with the HQP sizes (n, equality and two-sided rows per
// level) and the mean and largest number of active-set changes per update (machine-independent).
// `wbc_one_swing` (three feet, the swing foot cycling every 0.2 s, as in a static walk) is timed
// apart: a relaxed level 2 is under-determined there, which takes the HQP's proximal loop.
// On a shared machine the tail is mostly preemption: each row also gives `p99_min3_us`, the p99 of
// the fastest of 3 runs of the same update (the WASM memory up to the heap top is snapshot before
// the update and restored between runs; the update is deterministic, which is checked).
//   npm run bench -- wbc [--updates N]   (N/2 timed updates per gait, default N = 20000)
// CEREBELLUM_WASM_DIR=dir loads dir/release.wasm instead of build/release.wasm.
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../host/robot/load.ts'
import { coreWasmPath, type CoreOptions } from '../host/core/wasm.ts'
import { WholeBodyControl } from '../host/locomotion/wbc/whole-body-controller.ts'
import { summarize } from './lib/stats.ts'
import type { BenchResult } from './run.ts'

const root = fileURLToPath(new URL('../', import.meta.url))

function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export default async function run (args: string[]): Promise<BenchResult> {
  const i = args.indexOf('--updates')
  const updates = i >= 0 ? Number(args[i + 1]) : 20000
  const dir = process.env.CEREBELLUM_WASM_DIR
  const core: CoreOptions = { build: 'release', wasmPath: dir !== undefined && dir !== '' ? `${dir.replace(/\/$/, '')}/release.wasm` : coreWasmPath('release') }
  const desc = await loadRobot(root + 'robots/quad12/quad12.xml')
  const feet = desc.frames.filter((f) => f.kind === 'site' && /foot$/i.test(f.name)).map((f) => f.name)
  const wbc = await WholeBodyControl.create(desc, { feet }, {}, core)
  const home = desc.keyframes.home
  const mass = wbc.dyn.massTotal
  const rand = rng(11)
  const nq = desc.nq
  const nv = desc.nv
  // random walk: x ← home + 0.98·(x − home) + noise, bounded near the stand
  const dq = new Float64Array(nq)
  const qv = new Float64Array(nv)
  const qpos = Float64Array.from(home)
  const step = (): void => {
    const n = (s: number): number => (rand() - 0.5) * 2 * s
    for (let k = 0; k < nq; k++) dq[k] = 0.98 * dq[k] + n(k < 3 ? 0.002 : 0.01)
    for (let k = 0; k < nv; k++) qv[k] = 0.9 * qv[k] + n(k < 6 ? 0.05 : 0.3)
    for (let k = 0; k < nq; k++) qpos[k] = home[k] + dq[k]
    qpos[3] = 1
    const qn = Math.hypot(qpos[3], qpos[4], qpos[5], qpos[6])
    for (let k = 3; k < 7; k++) qpos[k] /= qn
  }
  type Gait = 'stance' | 'trot' | 'one_swing'
  const contactFor = (t: number, gait: Gait): number[] => {
    const phase = Math.floor((t + 1000) / 100)
    if (gait === 'stance') return [1, 1, 1, 1]
    if (gait === 'trot') return phase % 2 === 0 ? [1, 0, 0, 1] : [0, 1, 1, 0]
    const c = [1, 1, 1, 1]
    c[phase % 4] = 0
    return c
  }
  const setRef = (contact: number[]): void => {
    wbc.pBaseDes.set([0, 0, home[2]])
    wbc.quatBaseDes.set([1, 0, 0, 0])
    const ns = contact.reduce((a, b) => a + b, 0)
    const pf = wbc.pFoot
    for (let f = 0; f < feet.length; f++) {
      wbc.contact[f] = contact[f]
      wbc.fFootDes.set([0, 0, contact[f] === 1 ? mass * 9.81 / ns : 0], 3 * f)
      wbc.pFootDes.set([pf[3 * f], pf[3 * f + 1], 0.06], 3 * f)
    }
    wbc.qJointDes.set(home.slice(7))
  }
  const samples: Record<string, number[]> = { wbc: [], wbc_stance: [], wbc_trot: [], wbc_one_swing: [] }
  const best: Record<string, number[]> = { wbc: [], wbc_stance: [], wbc_trot: [], wbc_one_swing: [] }
  // snapshot of the core's memory up to the heap top (the updates allocate nothing, so it stays put)
  const top = wbc.heapProbe() + 64
  const snap = new Uint8Array(top)
  const tauFirst = new Float64Array(wbc.nj)
  const timed = (): number => {
    const t0 = process.hrtime.bigint()
    wbc.update()
    return Number(process.hrtime.bigint() - t0) / 1000
  }
  const sizes: Record<string, ReturnType<WholeBodyControl['hqpSizes']>> = {}
  const iters: Record<string, number[]> = { wbc_stance: [], wbc_trot: [], wbc_one_swing: [] }
  let failures = 0
  for (const gait of ['stance', 'trot', 'one_swing'] as Gait[]) {
    const row = `wbc_${gait}`
    for (let t = -1000; t < updates / 2; t++) {
      step()
      wbc.qpos.set(qpos)
      wbc.qvel.set(qv)
      setRef(contactFor(t, gait))
      if (t < 0) {
        wbc.update()
        continue
      }
      const mem = new Uint8Array(wbc.dyn.core.memory.buffer, 0, top)
      snap.set(mem)
      const us = timed()
      if (wbc.status !== 0) failures++
      tauFirst.set(wbc.tauFf)
      let fastest = us
      for (let r = 0; r < 2; r++) {
        mem.set(snap)
        fastest = Math.min(fastest, timed())
      }
      for (let j = 0; j < wbc.nj; j++) if (wbc.tauFf[j] !== tauFirst[j]) throw new Error('a repeated update gave another result: the snapshot does not cover the state')
      samples[row].push(us)
      best[row].push(fastest)
      if (gait !== 'one_swing') { samples.wbc.push(us); best.wbc.push(fastest) }
      iters[row].push(wbc.hqpIterations)
    }
    sizes[row] = wbc.hqpSizes()
  }
  const results: BenchResult['results'] = {}
  for (const [row, s] of Object.entries(samples)) {
    const st = summarize(s)
    results[row] = { p50_us: st.p50_us, p99_us: st.p99_us, max_us: st.max_us, updates: st.n, p99_min3_us: summarize(best[row]).p99_us }
    const sz = sizes[row]
    if (sz !== undefined) {
      results[row].hqp_n = sz.n
      sz.levels.forEach((lv, k) => { results[row][`l${k + 1}_me`] = lv.me; results[row][`l${k + 1}_mc`] = lv.mc })
      const it = iters[row]
      results[row].hqp_iter_mean = Math.round(100 * it.reduce((a, b) => a + b, 0) / it.length) / 100
      results[row].hqp_iter_max = it.reduce((a, b) => Math.max(a, b), 0)
    }
  }
  results.wbc.failures = failures
  const notes = Object.entries(sizes).map(([row, sz]) =>
    `${row}: HQP n = ${sz.n}, levels ${sz.levels.map((lv, k) => `L${k + 1} ${lv.me} eq + ${lv.mc} ineq`).join(', ')}`)
  notes.push(`goal: WBC p99 ≤ 100 µs (whole tick without MPC ≤ 150 µs); ${failures} failed updates`)
  return { results, ratios: { p99_over_goal_100us: Math.round(100 * results.wbc.p99_us / 100) / 100 }, notes }
}
