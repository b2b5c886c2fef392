// Closed loop of the SRBD NMPC on the nonlinear single rigid body itself, simulated independently
// of the MPC's model (host/locomotion/mpc/srbd-trot-loop.ts: quaternion attitude, body-axes
// Newton–Euler, RK4 at 1 ms, forces held between solves): a trot with a 0.5 m/s forward command.
// The body must track the command, stay level at the stand height, every applied force must lie in
// its friction pyramid and force bounds, and swing feet must carry exactly zero force.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dynamics, standGeometry } from './helpers.ts'
import { SrbdMpcHost } from '../../../host/locomotion/mpc/srbd-mpc.ts'
import { runTrotLoop, type TrotLoopResult } from '../../../host/locomotion/mpc/srbd-trot-loop.ts'

const dyn = await dynamics()
const g = standGeometry(dyn)

function describe (r: TrotLoopResult): string {
  return `mean |v − v_cmd| ${r.velErrMean.toFixed(4)} m/s, max tilt ${r.maxTiltRad.toFixed(4)} rad, max height error ${r.maxHeightErr.toFixed(4)} m, cone margin ${r.worstConeMargin.toExponential(2)} N, swing force ${r.maxSwingForce} N, failures ${r.failures}/${r.solves}, distance ${r.distance.toFixed(3)} m`
}

test('trot at 0.5 m/s (solve every 10 ms): tracks, stays level, forces inside the pyramids, zero on swing feet', () => {
  const mpc = new SrbdMpcHost(dyn, { mu: 0.6 })
  const T = 4
  const r = runTrotLoop(mpc, { vx: 0.5, duration: T, control: 0.01, period: 0.35, com: g.com, feet: g.feet, mu: 0.6, fzMin: 1, fzMax: 150 })
  const msg = describe(r)
  assert.is(r.failures, 0, msg)
  assert.ok(r.velErrMean < 0.05, `velocity tracking: ${msg}`)
  assert.ok(r.maxTiltRad < 0.1, `attitude: ${msg}`)
  assert.ok(r.maxHeightErr < 0.03, `height: ${msg}`)
  assert.ok(r.worstConeMargin <= 1e-6, `friction pyramid / force bounds: ${msg}`)
  assert.is(r.maxSwingForce, 0, `swing feet carry no force: ${msg}`)
  // from rest with 1 m/s² the command is reached at 0.5 s: 0.125 m + 0.5 m/s · 3.5 s
  assert.ok(Math.abs(r.distance - (0.125 + 0.5 * (T - 0.5))) < 0.15, `distance: ${msg}`)
})

test('trot while turning at 1 rad/s with 0.3 m/s forward, through the ±π heading wrap: tracks velocity and yaw rate', () => {
  const mpc = new SrbdMpcHost(dyn, { mu: 0.6 })
  const r = runTrotLoop(mpc, { vx: 0.3, wz: 1.0, duration: 4.5, control: 0.01, period: 0.35, com: g.com, feet: g.feet, mu: 0.6, fzMin: 1, fzMax: 150 })
  const msg = `${describe(r)}, yaw-rate error ${r.yawRateErrMean.toFixed(4)} rad/s, final heading ${r.yaw.toFixed(3)} rad`
  assert.is(r.failures, 0, msg)
  assert.ok(r.yaw > Math.PI + 0.3, `the heading passed π: ${msg}`)
  assert.ok(r.yawRateErrMean < 0.1, `yaw rate: ${msg}`)
  assert.ok(r.velErrMean < 0.1, `velocity: ${msg}`)
  assert.ok(r.maxTiltRad < 0.1, `attitude: ${msg}`)
  assert.ok(r.worstConeMargin <= 1e-6, `friction pyramid / force bounds: ${msg}`)
  assert.is(r.maxSwingForce, 0, msg)
})

test('low friction (μ = 0.15) and a tight fz_max: the pyramids and bounds become active and still hold; the loop keeps walking', () => {
  const mpc = new SrbdMpcHost(dyn, { mu: 0.15, fzMax: 60 })
  const r = runTrotLoop(mpc, { vx: 0.5, duration: 3, control: 0.01, period: 0.35, com: g.com, feet: g.feet, mu: 0.15, fzMin: 1, fzMax: 60 })
  const msg = describe(r)
  assert.is(r.failures, 0, msg)
  assert.ok(r.worstConeMargin <= 1e-6, `friction pyramid / force bounds: ${msg}`)
  assert.ok(r.worstConeMargin > -1e-3, `some constraint is active (margin ${r.worstConeMargin}): ${msg}`)
  assert.is(r.maxSwingForce, 0, msg)
  assert.ok(r.velErrMean < 0.1, `velocity tracking: ${msg}`)
  assert.ok(r.maxTiltRad < 0.15, `attitude: ${msg}`)
})

test.run()
