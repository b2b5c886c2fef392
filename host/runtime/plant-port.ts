// What the runtime needs from whatever it controls — the MuJoCo plant, a hardware-in-the-loop bench or a
// robot's motor drivers: apply a command for one control period, then report the sensors. The runtime
// drives it from the main thread (sim-plant-port.ts adapts host/sim/plant.ts).
import type { Layouts } from './frames.ts'

export interface PlantPort {
  /** Joint names in actuator order (the command and sensor order). */
  readonly jointNames: readonly string[]
  /** Feet reported in the sensor frame's contact flags. */
  readonly nfeet: number
  /** Control period the plant advances per `step` [s]. */
  readonly period_s: number
  /** Writes the newest sensor sample into a sensor record (`layouts.sensor`). */
  readSensors: (out: Float64Array) => void
  /** Applies a command record (`layouts.command`), or the drivers' damping mode for null, and advances one period. */
  step: (cmd: Float64Array | null) => void
  /** Plant time [s] (sim time; the driver clock on hardware). */
  time: () => number
  /**
   * True base pose (simulation only): position world (3), orientation wxyz (4). Returns false when the
   * plant cannot know it (hardware).
   */
  truePose: (p_world: Float64Array, quat_world: Float64Array) => boolean
  /** Link health of a plant behind a link (the bridge): named figures for the operator; absent in simulation. */
  link?: () => Record<string, number | string>
  close: () => void
}

/** Binds a PlantPort to the record layouts it reads and writes (checked once at start). */
export function checkPlantMatches (plant: PlantPort, layouts: Layouts): void {
  if (plant.jointNames.length !== layouts.dims.nj) throw new Error(`the plant has ${plant.jointNames.length} actuated joints; the controller expects ${layouts.dims.nj}`)
  if (plant.nfeet !== layouts.dims.nfeet) throw new Error(`the plant reports ${plant.nfeet} feet; the controller expects ${layouts.dims.nfeet}`)
}
