// Goal of issue 5: the default robot trots at 1.0 m/s for 20 s on flat ground without falling, with a
// mean forward-velocity error ≤ 0.1 m/s (0.2 s block averages against the command, after the start-up
// ramp) — the whole controller in lockstep against the MuJoCo plant, estimator in the loop.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runScenario } from '../../host/locomotion/scenario-runner.ts'
import { scenarioSpec } from '../../host/locomotion/scenarios.ts'

test('trots at 1.0 m/s for 20 s: no fall, mean forward-velocity error ≤ 0.1 m/s', async () => {
  const m = await runScenario(scenarioSpec('trot', { vx: 1.0, duration_s: 20 }), { seed: 1 })
  assert.not.ok(m.fell, `fell at ${m.fell_at_s} s`)
  assert.ok(m.fwd_vel_err_mean <= 0.1, `mean forward-velocity error ${m.fwd_vel_err_mean} m/s`)
  assert.ok(Math.abs(m.mean_vx - 1.0) <= 0.1, `mean forward speed ${m.mean_vx} m/s`)
  assert.ok(m.distance_m > 15, `covered ${m.distance_m} m`)
  assert.ok(m.estimator.vel_rmse < 0.1, `estimator velocity rmse ${m.estimator.vel_rmse} m/s`)
})

test.run()
