// Lockstep runs of the whole loop (MuJoCo plant on the main thread, controller in its worker, rings in
// between): two runs give bit-identical command streams; a different sensor-noise seed gives a
// different one (so the comparison can fail); the robot stands; a recording of the run reads back with
// the same commands the plant applied.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runController, type RunSummary } from '../../host/runtime/run-controller.ts'
import { readRecording } from '../../host/record/mcap-reader.ts'

async function run (seed: number, record?: string): Promise<{ cmds: Float64Array[], summary: RunSummary }> {
  const cmds: Float64Array[] = []
  const summary = await runController({ mode: 'lockstep', duration_s: 2, policyPort: false, seed, keyframe: 'lie', record, onCommand: (c) => cmds.push(c.slice()) })
  return { cmds, summary }
}

function sameBits (a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

const dir = mkdtempSync(join(tmpdir(), 'cerebellum-lockstep-'))
let first: { cmds: Float64Array[], summary: RunSummary }

test('two lockstep runs give bit-identical command streams', async () => {
  first = await run(7, join(dir, 'a.mcap'))
  const second = await run(7)
  assert.is(first.cmds.length, 1000, 'one command per 2 ms tick for 2 s')
  assert.is(second.cmds.length, first.cmds.length)
  for (let k = 0; k < first.cmds.length; k++) {
    if (!sameBits(first.cmds[k], second.cmds[k])) assert.unreachable(`commands differ at tick ${k}`)
  }
  assert.is(first.summary.missed, 0)
  assert.equal(first.summary.faults, [])
})

test('a different sensor-noise seed changes the command stream', async () => {
  const other = await run(8)
  let differ = 0
  for (let k = 0; k < other.cmds.length; k++) if (!sameBits(first.cmds[k], other.cmds[k])) differ++
  assert.ok(differ > 100, `only ${differ} ticks differ`)
})

test('the stand controller stands the robot up from lying and holds it', () => {
  const s = first.summary
  assert.not.ok(s.fell)
  assert.is(s.final_mode, 'stand')
  assert.ok(s.base_height_final > 0.2, `base height ${s.base_height_final} m`)
})

test('the recording of the run holds every tick and the commands the plant applied', async () => {
  const rec = await readRecording(join(dir, 'a.mcap'))
  assert.is(rec.ticks.length, first.summary.recorded_ticks)
  const T = rec.channels.L.telemetry
  const C = rec.channels.L.command
  // The plant applies the command of tick k at step k.
  // Equal as numbers (JSON writes −0 as 0; NaN reads back as NaN).
  const same = (x: number, y: number): boolean => x === y || (x !== x && y !== y)
  for (let k = 0; k < first.cmds.length; k++) {
    const got = rec.ticks[k].subarray(T.at.command, T.at.command + C.size)
    for (let i = 0; i < C.size; i++) if (!same(got[i], first.cmds[k][i])) assert.unreachable(`recorded command of tick ${k} differs at ${i}`)
  }
  assert.is(rec.meta.mode, 'lockstep')
  assert.equal(rec.meta.robot.jointNames.length, 12)
})

test.after(() => rmSync(dir, { recursive: true, force: true }))

test.run()
