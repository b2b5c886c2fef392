// Loads the official MuJoCo WebAssembly module once per process (≈100 ms) and hands out the same
// instance; everything that talks to MuJoCo (robot loading, the plant, the oracle tests) goes through here.
import loadMujocoModule from '@mujoco/mujoco'

export type Mujoco = Awaited<ReturnType<typeof loadMujocoModule>>

let instance: Promise<Mujoco> | null = null

export function loadMujoco (): Promise<Mujoco> {
  if (instance === null) instance = loadMujocoModule()
  return instance
}
