// `cerebellum calibrate`: finds the drives' zero offsets with the robot in the motor map's calibration
// pose and writes them into the map (host/drivers/calibrate-zero.ts). `--plant hil` runs it against the
// HIL bench (the simulated robot held in the pose), `--plant serial:PATH` against a real bridge.
import { parseArgs } from 'node:util'
import { ConfigError } from '../../config/schema.ts'
import { calibrateZeroOffsets, writeZeroOffsets, type CalibrationResult } from '../../drivers/calibrate-zero.ts'
import { MitRobotDriver } from '../../drivers/mit-robot-driver.ts'
import { loadMotorMap } from '../../drivers/motor-map.ts'
import { HilBench } from '../../hil/hil-bench.ts'
import { defaultMotorMapFor } from '../../hil/open-driver-plant.ts'
import { DEFAULT_SCENE } from '../../runtime/run-controller.ts'
import { Plant } from '../../sim/plant.ts'

export const summary = 'find the drives\' zero offsets in the calibration pose and save them in the motor map'

const USAGE = `usage: cerebellum calibrate --plant hil|serial:PATH [options]

Place the robot in the calibration pose of its motor map (calibration.pose), drives powered. Every
drive is kept passive ("exit motor mode"), its angle averaged over calibration.samples replies, and
zero_offset = angle − direction · gear_ratio · pose angle.

options:
  --plant KIND     hil (the simulated robot behind the POSIX bridge, held in the pose) | serial:PATH
  --robot FILE     MJCF scene (default robots/quad12/scene.xml); its motors.yaml is the default map
  --motors FILE    motor map (default: motors.yaml beside the scene)
  --write          save the offsets into the motor map (default: only print them)
  --json           print one JSON object as the last line
  -h, --help       this text`

export async function run (argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({ args: argv, strict: true, allowPositionals: false, options: {
      plant: { type: 'string' }, robot: { type: 'string' }, motors: { type: 'string' }, write: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
    } }).values
  } catch (err) {
    console.error(`cerebellum calibrate: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(USAGE); return 0 }
  const json = values.json === true
  const fail = (msg: string, code: number): number => {
    console.error(`cerebellum calibrate: ${msg}`)
    if (json) console.log(JSON.stringify({ error: msg }))
    return code
  }
  const plantKind = values.plant
  if (plantKind === undefined || (plantKind !== 'hil' && !plantKind.startsWith('serial:'))) return fail(`--plant hil or --plant serial:PATH is required\n\n${USAGE}`, 2)
  const scene = values.robot ?? DEFAULT_SCENE
  let bench: HilBench | null = null
  let driver: MitRobotDriver | null = null
  let results: CalibrationResult[]
  try {
    const map = loadMotorMap(values.motors ?? defaultMotorMapFor(scene))
    const pose = map.value.calibration.pose
    let names: readonly string[] = map.motors.map((m) => m.joint)
    let path = plantKind.slice('serial:'.length)
    if (plantKind === 'hil') {
      const plant = await Plant.load(scene, { controlPeriod: map.value.bridge.tick_period_us * 1e-6, keyframe: null })
      names = plant.jointNames
      bench = await HilBench.start({ scene, motorMap: map, plantInstance: plant })
      // the bench holds the simulated robot in the calibration pose (its stand never lets go here)
      const qpos = plant.data.qpos as Float64Array
      plant.info.joints.forEach((j) => { if (pose[j.name] !== undefined) qpos[j.qposAdr] = pose[j.name] })
      path = bench.hostPath
    }
    driver = new MitRobotDriver(map, names, path)
    await driver.connect()
    results = await calibrateZeroOffsets(driver)
    if (values.write === true) writeZeroOffsets(map, results)
    const out = json ? process.stderr : process.stdout
    for (const r of results) out.write(`${r.joint.padEnd(16)} angle ${r.theta.toFixed(5)} rad (spread ${r.spread.toFixed(5)})  pose ${r.q_pose.toFixed(3)}  zero_offset ${r.zero_offset.toFixed(6)} (was ${r.previous})\n`)
    out.write(values.write === true ? `written to ${map.file}\n` : 'not written (use --write)\n')
    if (json) console.log(JSON.stringify({ motors: map.file, written: values.write === true, joints: results }))
    return 0
  } catch (err) {
    return fail((err as Error).message, err instanceof ConfigError ? 2 : 1)
  } finally {
    await driver?.close()
    await bench?.close()
  }
}
