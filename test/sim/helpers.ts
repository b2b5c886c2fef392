// Shared pieces of the plant tests: the default robot's scene and a standing PD command.
import { fileURLToPath } from 'node:url'
import { Plant, type PlantOptions } from '../../host/sim/plant.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const SCENE = repoRoot + 'robots/quad12/scene.xml'
export const ROBOT = repoRoot + 'robots/quad12/quad12.xml'

/** Loads quad12 at 'home' and sets a standing PD command (kp 60, kd 1.5 to the home pose). */
export async function standingPlant (opts: PlantOptions = {}): Promise<Plant> {
  const plant = await Plant.load(SCENE, opts)
  plant.keyframeJointPositions('home', plant.command.q_des)
  plant.command.kp.fill(60)
  plant.command.kd.fill(1.5)
  return plant
}

export function mean (a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s / a.length
}

export function std (a: ArrayLike<number>): number {
  const m = mean(a)
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2
  return Math.sqrt(s / (a.length - 1))
}
