// Shared pieces of the MPC tests: the default robot, the core build to load, foot positions at the
// stand keyframe, a trot contact schedule and the SRBD reference for a constant velocity command.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../../../host/robot/load.ts'
import type { RobotDescription } from '../../../host/robot/description.ts'
import { RobotDynamics, DYN } from '../../../host/core/dynamics.ts'
import { coreWasmPath, type CoreBuild, type CoreOptions } from '../../../host/core/wasm.ts'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const ROBOT = repoRoot + 'robots/quad12/quad12.xml'
/** Feet in the robot file's body order. */
export const FEET = ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot'] as const

/** The core build to test; CEREBELLUM_WASM_DIR=dir loads dir/<build>.wasm (a private build). */
export function coreOptions (build: CoreBuild = 'release'): CoreOptions {
  const dir = process.env.CEREBELLUM_WASM_DIR
  const wasmPath = dir !== undefined && dir !== '' ? `${dir.replace(/\/$/, '')}/${build}.wasm` : coreWasmPath(build)
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} not found: run 'npm run build:wasm' first`)
  return { build, wasmPath }
}

let robotCache: RobotDescription | null = null
export async function robot (): Promise<RobotDescription> {
  robotCache ??= await loadRobot(ROBOT)
  return robotCache
}

export async function dynamics (build: CoreBuild = 'release'): Promise<RobotDynamics> {
  return await RobotDynamics.create(await robot(), coreOptions(build))
}

/** Foot positions (world) and CoM at the home keyframe. */
export function standGeometry (dyn: RobotDynamics): { feet: number[][], com: number[] } {
  const home = dyn.description.keyframes.home
  dyn.qpos.set(home)
  dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.CENTROIDAL)
  const feet = FEET.map((n) => { const i = dyn.frameIndex(n); return Array.from(dyn.framePos.subarray(3 * i, 3 * i + 3)) })
  return { feet, com: Array.from(dyn.com) }
}

/** Trot: diagonal pairs (FL+RR, FR+RL) alternate, each in stance for half of `period` [s]. */
export function trotContact (t: number, period: number, foot: number): number {
  const phase = ((t / period + 1e-9) % 1 + 1) % 1 // 1e-9: stage times on a switch stay on its far side
  const pairA = foot === 0 || foot === 3
  return (phase < 0.5) === pairA ? 1 : 0
}

/** Seeded uniform generator (mulberry32). */
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
