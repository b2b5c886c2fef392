// Shared helpers of the WBC tests: quad12, its foot frames (from the description, not hard-coded),
// a controller on it, and seeded near-stance states with a matching reference.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../../../host/robot/load.ts'
import type { RobotDescription } from '../../../host/robot/description.ts'
import { WholeBodyControl, type WbcParams } from '../../../host/locomotion/wbc/whole-body-controller.ts'
import type { CoreOptions } from '../../../host/core/wasm.ts'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const quad12Xml = repoRoot + 'robots/quad12/quad12.xml'
export const quad12Scene = repoRoot + 'robots/quad12/scene.xml'
export const quad12Present = existsSync(quad12Xml)

/** The description's foot frames: sites whose name ends in "foot", in description order. */
export function footFrames (desc: RobotDescription): string[] {
  const f = desc.frames.filter((fr) => fr.kind === 'site' && /foot$/i.test(fr.name)).map((fr) => fr.name)
  if (f.length === 0) throw new Error(`${desc.sourceFile}: no foot sites`)
  return f
}

/**
 * quad12 with a controller on its foot sites. CEREBELLUM_WASM_DIR=dir loads dir/release.wasm or
 * dir/debug.wasm instead of build/ (a private build while another area's code breaks build:wasm).
 */
export async function quad12Wbc (params: WbcParams = {}, opts: CoreOptions = {}): Promise<{ desc: RobotDescription, wbc: WholeBodyControl }> {
  const dir = process.env.CEREBELLUM_WASM_DIR
  if (dir !== undefined && dir !== '' && opts.wasmPath === undefined) opts = { ...opts, wasmPath: `${dir.replace(/\/$/, '')}/${opts.build ?? 'release'}.wasm` }
  const desc = await loadRobot(quad12Xml)
  const wbc = await WholeBodyControl.create(desc, { feet: footFrames(desc) }, params, opts)
  return { desc, wbc }
}

/** mulberry32, uniform in [0, 1). */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A random state near the stand of the 'home' keyframe: base height ±3 cm, roll/pitch ±0.1 rad,
 * yaw ±π, joints ±0.15 rad about home, base velocity ±0.3 m/s, angular ±0.5 rad/s, joint rates ±2 rad/s.
 */
export function nearStandState (desc: RobotDescription, rand: () => number): { qpos: Float64Array, qvel: Float64Array } {
  const home = desc.keyframes.home
  const u = (lo: number, hi: number): number => lo + (hi - lo) * rand()
  const qpos = Float64Array.from(home)
  const qvel = new Float64Array(desc.nv)
  qpos[0] = u(-0.5, 0.5); qpos[1] = u(-0.5, 0.5); qpos[2] = home[2] + u(-0.03, 0.03)
  const r = u(-0.1, 0.1); const p = u(-0.1, 0.1); const y = u(-Math.PI, Math.PI)
  const cr = Math.cos(r / 2); const sr = Math.sin(r / 2); const cp = Math.cos(p / 2); const sp = Math.sin(p / 2)
  const cy = Math.cos(y / 2); const sy = Math.sin(y / 2)
  qpos[3] = cr * cp * cy + sr * sp * sy
  qpos[4] = sr * cp * cy - cr * sp * sy
  qpos[5] = cr * sp * cy + sr * cp * sy
  qpos[6] = cr * cp * sy - sr * sp * cy
  for (let i = 7; i < desc.nq; i++) qpos[i] += u(-0.15, 0.15)
  for (let k = 0; k < 3; k++) qvel[k] = u(-0.3, 0.3)
  for (let k = 3; k < 6; k++) qvel[k] = u(-0.5, 0.5)
  for (let i = 6; i < desc.nv; i++) qvel[i] = u(-2, 2)
  return { qpos, qvel }
}

/**
 * Writes a reference for a state: hold the current base pose level (roll = pitch = 0, same yaw)
 * at the home height, stance per `contact`, swing feet 5 cm above where they are, MPC-like forces
 * (weight shared by the stance feet), posture = home joints.
 */
export function writeReference (desc: RobotDescription, wbc: WholeBodyControl, qpos: ArrayLike<number>, contact: readonly number[], massTotal: number): void {
  const home = desc.keyframes.home
  wbc.pBaseDes.set([qpos[0], qpos[1], home[2]])
  const w = qpos[3]; const z = qpos[6]
  const yaw = Math.atan2(2 * (w * z + qpos[4] * qpos[5]), 1 - 2 * (qpos[5] * qpos[5] + z * z))
  wbc.quatBaseDes.set([Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)])
  wbc.vBaseDes.fill(0); wbc.omegaBaseDes.fill(0); wbc.aBaseFf.fill(0)
  const ns = contact.reduce((a, b) => a + b, 0)
  const c = wbc.contact
  const pf = wbc.pFoot
  for (let i = 0; i < wbc.nfeet; i++) {
    c[i] = contact[i]
    wbc.fFootDes.set([0, 0, contact[i] === 1 ? massTotal * 9.81 / Math.max(1, ns) : 0], 3 * i)
    wbc.pFootDes.set([pf[3 * i], pf[3 * i + 1], pf[3 * i + 2] + 0.05], 3 * i)
  }
  wbc.vFootDes.fill(0); wbc.aFootDes.fill(0)
  wbc.qJointDes.set(home.slice(7))
}

/** Contact sets exercised: all stance, the two trot pairs, one foot up, flight. */
export const CONTACT_SETS: ReadonlyArray<readonly number[]> = [[1, 1, 1, 1], [1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0]]
