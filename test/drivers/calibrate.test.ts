// Zero-offset calibration (host/drivers/calibrate-zero.ts) on the HIL bench: the bench's drives are mounted
// with known offsets, the simulated robot is held in the map's calibration pose, and the offsets found must
// be the mounting offsets (to the 16-bit position resolution, 25/65535 rad); written back, the map keeps its
// comments. A robot that moves while sampling is refused.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { calibrateZeroOffsets, writeZeroOffsets } from '../../host/drivers/calibrate-zero.ts'
import { loadMotorMap } from '../../host/drivers/motor-map.ts'
import { MitRobotDriver } from '../../host/drivers/mit-robot-driver.ts'
import { HilBench } from '../../host/hil/hil-bench.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SCENE = join(ROOT, 'robots/quad12/scene.xml')
const MOUNT = [0.1, -0.2, 0.35, -0.05, 0.25, -0.3, 0.15, 0.05, -0.1, 0.2, -0.15, 0.3]

async function withBench (fn: (bench: HilBench, driver: MitRobotDriver, file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-cal-'))
  const file = join(dir, 'motors.yaml')
  copyFileSync(join(ROOT, 'robots/quad12/motors.yaml'), file)
  const map = loadMotorMap(file)
  const bench = await HilBench.start({ scene: SCENE, motorMap: map, mount: MOUNT })
  const pose = map.value.calibration.pose
  const qpos = bench.plant.data.qpos as Float64Array
  bench.plant.info.joints.forEach((j) => { qpos[j.qposAdr] = pose[j.name] })
  const driver = new MitRobotDriver(map, bench.plant.jointNames, bench.hostPath)
  try {
    await driver.connect()
    await fn(bench, driver, file)
  } finally {
    await driver.close()
    await bench.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

test('finds the bench\'s mounting offsets and writes them into the map', async () => {
  await withBench(async (_bench, driver, file) => {
    const res = await calibrateZeroOffsets(driver, 20)
    assert.is(res.length, 12)
    res.forEach((r, i) => {
      assert.is(r.joint, driver.map.motors[i].joint)
      assert.ok(Math.abs(r.zero_offset - MOUNT[i]) < 2 * 25 / 65535, `${r.joint}: ${r.zero_offset} vs mounted ${MOUNT[i]}`)
      assert.is(r.previous, 0)
    })
    writeZeroOffsets(driver.map, res)
    const text = readFileSync(file, 'utf8')
    assert.ok(text.startsWith('# quad12: which drive turns which joint'), 'comments kept')
    const again = loadMotorMap(file)
    again.motors.forEach((m, i) => assert.ok(Math.abs(m.zero_offset - MOUNT[i]) < 2 * 25 / 65535, m.joint))
  })
})

test('refuses when the robot moves while sampling', async () => {
  await withBench(async (bench, driver) => {
    bench.plant.reset('home')
    bench.shaft.hold = false // the stand lets go: with passive drives the robot falls
    try {
      await calibrateZeroOffsets(driver, 100)
      assert.unreachable('calibrated a falling robot')
    } catch (err) {
      assert.match((err as Error).message, /moved while sampling/)
    }
  })
})

test.run()
