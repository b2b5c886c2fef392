// `--plant hil` and `--plant serial:PATH` for the runtime: builds the motor drivers from the robot's motor
// map (motors.yaml beside the scene unless given), starts the HIL bench when asked, connects and
// handshakes with the bridge, and returns the PlantPort. The drives are enabled by the first step.
import { dirname, join } from 'node:path'
import type { Layouts } from '../runtime/frames.ts'
import type { Plant } from '../sim/plant.ts'
import { loadMotorMap } from '../drivers/motor-map.ts'
import { MitRobotDriver } from '../drivers/mit-robot-driver.ts'
import type { DriverPhase } from '../drivers/mit-robot-driver.ts'
import { DriverPlantPort } from './driver-plant-port.ts'
import { HilBench } from './hil-bench.ts'

/** The motor map used for a scene when none is given: motors.yaml in the scene's directory. */
export function defaultMotorMapFor (scene: string): string {
  return join(dirname(scene), 'motors.yaml')
}

/**
 * Opens the drivers' plant port. `kind`: 'hil' or 'serial:PATH'. `simPlant` is the loaded simulation of
 * the robot: the bench's physics for 'hil' (the port then owns it); for 'serial:' only its joint names
 * are used and the caller keeps it.
 */
export async function openDriverPlant (kind: string, scene: string, simPlant: Plant, layouts: Layouts, nfeet: number, motorsFile?: string): Promise<DriverPlantPort> {
  const map = loadMotorMap(motorsFile ?? defaultMotorMapFor(scene))
  const names = simPlant.jointNames
  if (kind === 'hil') {
    const bench = await HilBench.start({ scene, motorMap: map, plantInstance: simPlant })
    const driver = new MitRobotDriver(map, names, bench.hostPath, { onPhase: logPhase })
    try {
      await driver.connect()
    } catch (err) {
      await driver.close()
      await bench.close()
      throw err
    }
    return new DriverPlantPort(driver, layouts, names, bench, nfeet)
  }
  if (!kind.startsWith('serial:') || kind.length <= 'serial:'.length) throw new Error(`--plant ${kind}: expected sim, hil or serial:PATH`)
  const driver = new MitRobotDriver(map, names, kind.slice('serial:'.length), { onPhase: logPhase })
  try {
    await driver.connect()
  } catch (err) {
    await driver.close()
    throw err
  }
  return new DriverPlantPort(driver, layouts, names, null, nfeet)
}

/** The drivers' phase changes on stderr: the operator must see why the drives went to their safe mode. */
function logPhase (phase: DriverPhase, reason: string | null): void {
  process.stderr.write(`drives: ${phase}${reason !== null ? ` — ${reason}` : ''}\n`)
}
