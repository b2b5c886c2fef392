// Goal of issue 5: the default robot stands 30 s on flat ground with 30 N × 0.2 s lateral pushes every
// 3 s and does not fall — the whole controller in lockstep against the MuJoCo plant, reading only the
// noisy sensors (its own state estimator in the loop).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runScenario } from '../../host/locomotion/scenario-runner.ts'
import { scenarioSpec } from '../../host/locomotion/scenarios.ts'

test('stands 30 s with 30 N · 0.2 s lateral pushes every 3 s: no fall', async () => {
  const spec = scenarioSpec('stand')
  assert.is(spec.duration_s, 30)
  assert.ok(spec.pushes.length >= 9 && spec.pushes.every((p) => Math.abs(p.force[1]) === 30 && p.force[0] === 0 && p.duration === 0.2), 'the pushes of the goal')
  const m = await runScenario(spec, { seed: 1 })
  assert.not.ok(m.fell, `fell at ${m.fell_at_s} s`)
  assert.ok(m.height_rms < 0.03, `height rms ${m.height_rms} m`)
  assert.ok(m.attitude_rms < 0.1, `attitude rms ${m.attitude_rms} rad`)
  assert.is(m.qp_failures, 0, 'no failed solves')
})

test.run()
