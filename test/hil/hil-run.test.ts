// `cerebellum run --plant hil`: the runtime (control worker, stand controller) drives quad12 through the
// motor drivers, the pty, the POSIX bridge and its emulated CAN drives, whose shafts are the MuJoCo
// joints — the controller sees only bytes. The robot must stand up from the bench's stand and hold,
// then trot with the locomotion controller as it does in simulation.
// The map's timeouts are relaxed (helpers.ts RELAXED) so that a loaded CI machine's stalls do not end
// the run in the safe mode; faults-*.test.ts cover what the shipped values do.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runController } from '../../host/runtime/run-controller.ts'
import { MOTORS, RELAXED, SCENE, trotInHil, tryRealtime } from './helpers.ts'

tryRealtime()

test('quad12 stands in HIL through the bridge drivers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-hil-'))
  try {
    let text = readFileSync(MOTORS, 'utf8')
    for (const [a, b] of RELAXED) text = text.split(a).join(b)
    const motors = join(dir, 'motors.yaml')
    writeFileSync(motors, text)
    const s = await runController({ robot: SCENE, plant: 'hil', motors, duration_s: 6, policyPort: false })
    console.log(`  ${s.ticks} ticks, final mode ${s.final_mode}, height ${s.base_height_final} m (min ${s.base_height_min}), faults ${s.faults.join(', ') || 'none'}`)
    assert.is(s.fell, false, 'did not fall')
    assert.is(s.final_mode, 'stand')
    assert.ok(s.base_height_final > 0.22, `base at ${s.base_height_final} m`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('quad12 trots in HIL: the locomotion controller, unchanged, through the same chain', async () => {
  const { summary: s, v, seconds } = await trotInHil(MOTORS)
  console.log(`  trot: final mode ${s.final_mode}, height ${s.base_height_final} m, forward ${v.toFixed(3)} m/s over the last ${seconds.toFixed(1)} s (commanded 0.4)`)
  assert.is(s.fell, false, 'did not fall')
  assert.is(s.final_mode, 'locomotion')
  assert.ok(v > 0.2, `walked forward at ${v} m/s`)
})

test('lockstep is refused for the hil plant, with the reason', async () => {
  try {
    await runController({ robot: SCENE, plant: 'hil', mode: 'lockstep', duration_s: 0.1, policyPort: false })
    assert.unreachable('lockstep ran')
  } catch (err) {
    assert.match((err as Error).message, /real time only/)
  }
})

test.run()
