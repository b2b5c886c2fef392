// Goal of issue 5: the default robot turns in place at 1 rad/s (trotting) with a mean yaw-rate error
// ≤ 0.15 rad/s and does not fall — the whole controller in lockstep against the MuJoCo plant.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runScenario } from '../../host/locomotion/scenario-runner.ts'
import { scenarioSpec } from '../../host/locomotion/scenarios.ts'

test('turns at 1 rad/s: no fall, mean yaw-rate error ≤ 0.15 rad/s', async () => {
  const m = await runScenario(scenarioSpec('turn', { wz: 1.0, duration_s: 10 }), { seed: 1 })
  assert.not.ok(m.fell, `fell at ${m.fell_at_s} s`)
  assert.ok(m.yaw_rate_err_mean <= 0.15, `mean yaw-rate error ${m.yaw_rate_err_mean} rad/s`)
  assert.ok(Math.abs(m.mean_wz - 1.0) <= 0.15, `mean yaw rate ${m.mean_wz} rad/s`)
  assert.ok(m.vel_err_mean < 0.15, `it turned in place: planar velocity error ${m.vel_err_mean} m/s`)
})

test.run()
