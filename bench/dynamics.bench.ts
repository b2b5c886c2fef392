// Rigid-body dynamics timings (release WASM, one call from the host per sample): forward kinematics,
// four foot Jacobians, CRBA, RNEA, centroidal map, and `*_all` = FK + CRBA + RNEA + the four foot
// Jacobians in one call (goal: ≤ 10 µs p99 for the quadruped). Models: robots/quad12/quad12.xml (or
// ../shared go1 when absent) and ../shared H1 when present.
//   npm run bench -- dynamics [--iters N]
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../host/robot/load.ts'
import { RobotDynamics, DYN, DYN_ALL } from '../host/core/dynamics.ts'
import type { RobotDescription } from '../host/robot/description.ts'
import { timeCalls } from './lib/stats.ts'
import type { BenchResult } from './run.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const shared = fileURLToPath(new URL('../../shared/', import.meta.url))

/** The four foot frames: sites named like feet, else the lowest-level bodies. */
function footFrames (desc: RobotDescription): number[] {
  const sites = desc.frames.map((f, i) => ({ f, i })).filter(({ f }) => f.kind === 'site')
  for (const re of [/foot/i, /^(FR|FL|RR|RL|LF|RF|LH|RH)$/]) {
    const hit = sites.filter(({ f }) => re.test(f.name))
    if (hit.length === 4) return hit.map(({ i }) => i)
  }
  const hasChild = new Set(desc.bodies.map((b) => b.parent))
  const leaves = desc.frames.map((f, i) => ({ f, i })).filter(({ f }) => f.kind === 'body' && !hasChild.has(f.body))
  return leaves.slice(0, 4).map(({ i }) => i)
}

function seedState (dyn: RobotDynamics): void {
  // a fixed generic state: tilted base, joints mid-range, nonzero velocities and accelerations
  const desc = dyn.description
  let iq = 0
  let iv = 0
  for (const b of desc.bodies) {
    for (const j of b.joints) {
      if (j.type === 'free') {
        dyn.qpos.set([0.1, -0.2, 0.4, 0.95, 0.1, -0.2, 0.2], iq)
        const n = Math.hypot(...dyn.qpos.subarray(iq + 3, iq + 7))
        for (let k = 3; k < 7; k++) dyn.qpos[iq + k] /= n
        iq += 7
        for (let k = 0; k < 6; k++) { dyn.qvel[iv + k] = 0.3 * Math.sin(k + 1); dyn.qacc[iv + k] = Math.cos(k) }
        iv += 6
      } else {
        const r = j.range ?? [-1, 1]
        dyn.qpos[iq++] = 0.4 * r[0] + 0.6 * r[1]
        dyn.qvel[iv] = Math.sin(iv); dyn.qacc[iv] = Math.cos(iv)
        iv++
      }
    }
  }
}

async function benchRobot (prefix: string, file: string, iters: number, results: BenchResult['results']): Promise<RobotDynamics> {
  const desc = await loadRobot(file)
  const dyn = await RobotDynamics.create(desc)
  seedState(dyn)
  const feet = footFrames(desc)
  dyn.setActiveFrames(feet)
  dyn.compute(DYN_ALL)
  const P = DYN.POSITION
  const row = (name: string, flags: number): void => {
    const s = timeCalls(() => { dyn.compute(flags) }, iters)
    results[`${prefix}_${name}`] = { p50_us: s.p50_us, p99_us: s.p99_us, max_us: s.max_us, nv: dyn.nv }
  }
  row('fk', P)
  row('jac4', DYN.JACOBIANS)
  row('crba', DYN.CRBA)
  row('rnea', DYN.RNEA)
  row('centroidal', DYN.CENTROIDAL)
  row('drift', DYN.VELOCITY | DYN.CENTROIDAL_DRIFT)
  row('factor', DYN.FACTOR)
  row('all', P | DYN.JACOBIANS | DYN.CRBA | DYN.RNEA)
  row('everything', DYN_ALL | DYN.FACTOR)
  return dyn
}

export default async function run (args: string[]): Promise<BenchResult> {
  const i = args.indexOf('--iters')
  const iters = i >= 0 ? Number(args[i + 1]) : 20000
  const results: BenchResult['results'] = {}
  const notes: string[] = []
  const quad12 = root + 'robots/quad12/quad12.xml'
  const go1 = shared + 'robots/unitree_go1/go1.xml'
  const quadFile = existsSync(quad12) ? quad12 : go1
  if (!existsSync(quadFile)) throw new Error(`no quadruped model: neither ${quad12} nor ${go1} exists`)
  const quad = await benchRobot('quadruped', quadFile, iters, results)
  notes.push(`quadruped = ${quadFile.startsWith(root) ? quadFile.slice(root.length) : quadFile} (nv ${quad.nv}); feet: ${footFrames(quad.description).map((f) => quad.frameNames[f]).join(', ')}`)
  const h1 = shared + 'robots/unitree_h1/h1.xml'
  if (existsSync(h1)) {
    const h = await benchRobot('h1', h1, iters, results)
    notes.push(`h1 = ../shared/robots/unitree_h1/h1.xml (nv ${h.nv}); "feet": ${footFrames(h.description).map((f) => h.frameNames[f]).join(', ')}`)
  } else {
    notes.push(`h1 skipped: ${h1} not found`)
  }
  notes.push('rows: fk = POSITION; jac4/crba/rnea/centroidal/drift/factor alone at a current position stage; all = FK + 4 Jacobians + CRBA + RNEA in one call; everything = every stage incl. frames, velocities, centroidal drift and the M factorization')
  return {
    results,
    ratios: { quadruped_all_p99_over_10us_goal: Math.round(results.quadruped_all.p99_us / 10 * 1000) / 1000 },
    notes
  }
}
