// The ONNX policy in the whole loop (lockstep): a model written by the test (constant output 0.1 from a
// zero-weight MLP) runs at its configured 50 Hz beside the 500 Hz controller; its joint targets go
// through the policy port's validation and the controller switches to joint mode, commanding
// default pose + scale · 0.1 on every joint.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Mode } from '../../host/runtime/frames.ts'
import { runController, type ReadyInfo } from '../../host/runtime/run-controller.ts'
import { buildMlpOnnx } from './helpers/onnx-builder.ts'

const dir = mkdtempSync(join(tmpdir(), 'cerebellum-onnx-'))

test('an ONNX policy drives the joints at its own rate through the port', async () => {
  const nj = 12
  const nobs = 3 + 3 + 3 + 3 * nj
  writeFileSync(join(dir, 'const.onnx'), buildMlpOnnx([
    { W: Array.from({ length: 8 }, () => new Array(nobs).fill(0)), b: new Array(8).fill(0) },
    { W: Array.from({ length: nj }, () => new Array(8).fill(0)), b: new Array(nj).fill(0.1) }
  ]))
  const yaml = `policy:
  udp_port: -1
  ws_port: -1
  onnx:
    model: const.onnx
    rate_hz: 50
    observations:
      - { name: base_ang_vel }
      - { name: projected_gravity }
      - { name: commands }
      - { name: joint_pos }
      - { name: joint_vel }
      - { name: last_action }
    actions: { scale: 0.25, kp: 30, kd: 1 }
`
  const file = join(dir, 'robot.yaml')
  writeFileSync(file, yaml)
  let info: ReadyInfo | null = null
  let lastTel: Float64Array | null = null
  const s = await runController({ mode: 'lockstep', duration_s: 1.5, config: file, onReady: (i) => { info = i }, onTelemetry: (t) => { lastTel = t.slice() } })
  assert.ok(s.onnx !== null)
  assert.ok(Math.abs(s.onnx!.steps - 75) <= 1, `${s.onnx!.steps} policy steps in 1.5 s at 50 Hz`)
  assert.is(s.onnx!.refused, 0, String(s.onnx!.last_error))
  assert.is(s.final_mode, 'joint')
  const a = info!.worker.shared.layouts.telemetry.at
  const C = info!.worker.shared.layouts.command.at
  const tel = lastTel!
  assert.is(tel[a.mode], Mode.joint)
  const qStand = info!.robot.q_stand
  for (let j = 0; j < nj; j++) {
    const want = Math.fround(qStand[j]) + 0.25 * Math.fround(0.1)
    assert.ok(Math.abs(tel[a.command + C.q_des + j] - want) < 1e-6, `joint ${j}: q_des ${tel[a.command + C.q_des + j]} vs ${want}`)
    assert.is(tel[a.command + C.kp + j], 30)
  }
  assert.not.ok(s.fell)
})

test.after(() => rmSync(dir, { recursive: true, force: true }))

test.run()
