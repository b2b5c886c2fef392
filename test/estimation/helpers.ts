// Shared pieces of the estimator tests: the default robot, its estimator setup, which WASM build to load,
// and a cache of recorded scenarios (each test file records what it needs once).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadRobot } from '../../host/robot/load.ts'
import type { RobotDescription } from '../../host/robot/description.ts'
import { coreWasmPath, type CoreBuild, type CoreOptions } from '../../host/core/wasm.ts'
import { StateEstimator } from '../../host/estimation/estimator.ts'
import { estimatorParams, type EstimatorParamsOverride } from '../../host/estimation/params.ts'
import { recordScenario, stanceFootXY, type Recording } from '../../host/estimation/evaluation.ts'
import type { Scenario } from '../../host/estimation/scenarios.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const SCENE = repoRoot + 'robots/quad12/scene.xml'
export const ROBOT = repoRoot + 'robots/quad12/quad12.xml'
export const FEET = ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot'] as const
export const MASS_KG = 8.912
/** A simulator touchdown counts for the recall when the foot takes a quarter of its share of the weight. */
export const MIN_LOAD_N = 0.25 * MASS_KG * 9.81 / FEET.length

/**
 * The core build to test. CEREBELLUM_WASM_DIR=dir loads dir/<build>.wasm instead of build/<build>.wasm
 * (a private build of an entry that re-exports the estimator, before assembly/index.ts does).
 */
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

export function jointNames (desc: RobotDescription): string[] {
  return desc.bodies.flatMap((b) => b.joints).filter((j) => j.type !== 'free').map((j) => j.name)
}

/** An estimator for quad12 with the default parameters plus `over`. */
export async function quad12Estimator (over: EstimatorParamsOverride = {}, build: CoreBuild = 'release'): Promise<StateEstimator> {
  const desc = await robot()
  try {
    return await StateEstimator.create(desc, { feet: FEET, imu: 'imu', joints: jointNames(desc) }, estimatorParams(over), coreOptions(build))
  } catch (err) {
    if (err instanceof Error && /has no export 'est/.test(err.message)) {
      throw new Error(`${err.message}: assembly/index.ts must re-export './estimation/exports' (or set CEREBELLUM_WASM_DIR to a build that does)`)
    }
    throw err
  }
}

export async function footXY (): Promise<Array<[number, number]>> {
  return await stanceFootXY(await robot(), FEET, 'home', coreOptions())
}

/** Records a scenario in the plant (deterministic: fixed seed). */
export async function record (sc: Scenario, seed = 7): Promise<Recording> {
  return await recordScenario(sc, { scene: SCENE, robot: await robot(), feet: FEET, seed, core: coreOptions() })
}

export function fmt (x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x)
}
