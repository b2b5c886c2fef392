// Bad robot files and options give errors that name the file (and what is wrong), from the plant and
// from `cerebellum run`.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RobotFileError } from '../../host/robot/description.ts'
import { Plant } from '../../host/sim/plant.ts'
import { repoRoot, SCENE } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'cerebellum-plant-'))

async function loadError (path: string, opts = {}): Promise<Error> {
  try {
    const p = await Plant.load(path, opts)
    p.close()
  } catch (err) {
    return err as Error
  }
  throw new Error(`loading ${path} should have failed`)
}

function file (name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

test('missing file', async () => {
  const path = join(dir, 'nope', 'robot.xml')
  const err = await loadError(path)
  assert.instance(err, RobotFileError)
  assert.ok(err.message.includes(path) && /not found/.test(err.message), err.message)
})

test('malformed XML: the file and MuJoCo\'s reason', async () => {
  const path = file('broken.xml', '<mujoco>\n  <worldbody>\n    <body>\n</mujoco>\n')
  const err = await loadError(path)
  assert.instance(err, RobotFileError)
  assert.ok(err.message.startsWith(path), err.message)
  assert.match(err.message, /MuJoCo could not compile/)
  assert.ok(err instanceof RobotFileError && err.line === 3, `line ${(err as RobotFileError).line}`)
})

test('missing include is named', async () => {
  const path = file('scene-missing-include.xml', '<mujoco>\n  <include file="robot-that-is-not-there.xml"/>\n</mujoco>\n')
  const err = await loadError(path)
  assert.instance(err, RobotFileError)
  assert.ok(err.message.includes(path) && err.message.includes('robot-that-is-not-there.xml'), err.message)
})

test('not MJCF, no floating base, no actuators', async () => {
  const urdf = file('robot.urdf', '<robot name="r"><link name="base"/></robot>')
  assert.match((await loadError(urdf)).message, /not an MJCF file/)
  const arm = join(repoRoot, 'test/fixtures/arm.xml')
  const e2 = await loadError(arm)
  assert.ok(e2.message.includes(arm) && /no free joint/.test(e2.message), e2.message)
  const passive = file('passive.xml', '<mujoco><worldbody><body><freejoint/><geom size="0.1"/><body><joint/><geom size="0.1"/></body></body></worldbody></mujoco>')
  assert.match((await loadError(passive)).message, /no actuators/)
})

test('unknown keyframe and bad options', async () => {
  const e = await loadError(SCENE, { keyframe: 'sit' })
  assert.instance(e, RobotFileError)
  assert.ok(e.message.includes(SCENE) && e.message.includes("'sit'"), e.message)
  assert.match((await loadError(SCENE, { substeps: 0 })).message, /substeps/)
  assert.match((await loadError(SCENE, { controlPeriod: -1 })).message, /controlPeriod/)
  assert.match((await loadError(SCENE, { world: { groundFriction: Number.NaN } })).message, /groundFriction/)
  assert.match((await loadError(SCENE, { world: { terrain: { kind: 'steps', height: 2 } } })).message, /step height/)
  assert.match((await loadError(SCENE, { world: { payload: { mass: -1 } } })).message, /payload mass/)
  assert.match((await loadError(SCENE, { noise: { imu: { gyroNoiseDensity: -1 } } })).message, /gyroNoiseDensity/)
})

function cli (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'host/cli/main.ts'), 'run', ...args], { cwd: repoRoot })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

test('cerebellum run --robot MISSING --json: exit 2, the file in the message and in the JSON line', async () => {
  const path = join(dir, 'absent-scene.xml')
  const r = await cli(['--robot', path, '--json', '--duration', '1'])
  assert.is(r.code, 2)
  assert.ok(r.stderr.includes(path), r.stderr)
  const last = r.stdout.trim().split('\n').pop() ?? ''
  const obj = JSON.parse(last) as { error: string }
  assert.ok(obj.error.includes(path))
  const bad = await cli(['--duration', 'soon'])
  assert.is(bad.code, 2)
  assert.match(bad.stderr, /--duration/)
})

test.run()
