// Replay: a lockstep run with twist targets, joint targets and a parameter update is recorded, read back
// and replayed through the controller in-process with no diverging tick; the same recording with one
// target value changed diverges, and the replay names the tick, field and joint.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import { TargetKind } from '../../host/runtime/frames.ts'
import { runController, type ReadyInfo } from '../../host/runtime/run-controller.ts'
import { readRecording } from '../../host/record/mcap-reader.ts'
import { replayRecording } from '../../host/record/replay.ts'

const dir = mkdtempSync(join(tmpdir(), 'cerebellum-replay-'))
const file = join(dir, 'run.mcap')

test('a recorded lockstep run replays without divergence; a changed input diverges where it takes effect', async () => {
  let info: ReadyInfo | null = null
  let seq = 1
  let tuned = false
  await runController({
    mode: 'lockstep',
    duration_s: 2,
    record: file,
    config: parseRuntimeConfig('policy:\n  udp_port: -1\n  ws_port: -1\n', 'test.yaml'),
    onReady: (i) => { info = i },
    onTelemetry: (tel) => {
      const i = info!
      const t = tel[i.worker.shared.layouts.telemetry.at.t]
      const k = Math.round(t / 0.002)
      if (t < 0.5 && k % 20 === 0) i.port!.submitLocal({ kind: 'twist', mask: 1, vx: 0.3, vy: NaN, wz: NaN, height: NaN, roll: NaN, pitch: NaN, gait: -1, step_hz: NaN }, null, seq++)
      if (t > 0.6 && t < 1.4 && k % 10 === 0) {
        const q = Float64Array.from(i.robot.q_stand)
        q[2] += 0.2 * Math.sin(t)
        i.port!.submitLocal({ kind: 'joint', n: q.length, mask: 1, q, qd: null, kp: null, kd: null, tau: null }, null, seq++)
      }
      if (t > 1.5 && !tuned) tuned = i.setParam('stand.kp.FL_calf_joint', 45)
    }
  })
  assert.ok(tuned)
  const rec = await readRecording(file)
  assert.ok(rec.targetInputs.length > 45, `${rec.targetInputs.length} target inputs`)
  assert.is(rec.paramInputs.length, 1)
  const r = replayRecording(rec)
  assert.is(r.firstDivergence, null, JSON.stringify(r.firstDivergence))
  assert.is(r.ticks, rec.ticks.length)

  // change one joint target (joint 2) of the 10th joint-target record
  const TA = rec.channels.L.target.at
  const jointRecs = rec.targetInputs.map((x, i) => [x, i] as const).filter(([x]) => x[TA.kind] === TargetKind.joint)
  const [victim, index] = jointRecs[10]
  victim[TA.payload + 2] += 0.05
  const takenAt = rec.ticks.findIndex((tel) => tel[rec.channels.L.telemetry.at.targets_taken] > index)
  const d = replayRecording(rec).firstDivergence
  assert.ok(d !== null, 'diverges')
  assert.ok(d!.tick >= takenAt, `diverged at tick ${d!.tick}, the target was taken at ${takenAt}`)
  assert.is(d!.field, 'q_des')
  assert.is(d!.joint, 2)
  assert.is(d!.jointName, 'FL_calf_joint')
})

test.after(() => rmSync(dir, { recursive: true, force: true }))

test.run()
