// Shared by the locomotion pipeline tests: the WASM core's flat `loco*` exports for unit tests of the
// parts (gait scheduler, footholds, swing, touchdown handling, rate limiter), on a fresh instance.
import { instantiateCore, type CoreBuild } from '../../host/core/wasm.ts'

export type Fn = (...args: number[]) => number

/** The core's exports, typed loosely: name → function. */
export async function locoParts (build: CoreBuild = 'release'): Promise<Record<string, Fn> & { memory: WebAssembly.Memory }> {
  const core = await instantiateCore({ build })
  return core.exports as unknown as Record<string, Fn> & { memory: WebAssembly.Memory }
}

/** Gait ids (assembly/locomotion/gait/gait-table.ts). */
export const GAIT = { stand: 0, walkingTrot: 1, trot: 2, pace: 3, bound: 4, pronk: 5, staticWalk: 6 } as const
/** Leg roles, in the order locoGaitInit assigns them to feet 0..3. */
export const ROLE = { FL: 0, FR: 1, RL: 2, RR: 3 } as const
