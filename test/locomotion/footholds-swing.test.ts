// Footholds (gait/foothold-planner.ts) and swing trajectories (gait/swing-trajectory.ts), touchdown
// handling (gait/touchdown-handler.ts) and the reference's rate limiter (reference/rate-limiter.ts):
// the formulas' own predictions (Raibert term, capture-point sign, leg-reach limit), boundary conditions
// of the swing (position, zero velocity and acceleration at lift-off and touchdown, apex height),
// velocity and acceleration against finite differences of the position, and the limiter's bounds.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { locoParts, type Fn } from './helpers.ts'

let w: Record<string, Fn>
const out = (k: number): number => w.locoVecOut(k)

test.before(async () => { w = await locoParts() })

test('foothold: Raibert term v·T_st/2 ahead of the hip at steady speed; capture-point term pushes outward', () => {
  // base at the origin heading +x at the commanded 0.8 m/s; hip offset (0.19, 0.11); touchdown in 0.1 s
  w.locoFoothold(0, 0, 0.3, 0.8, 0, 0, 0.8, 0, 0, 0.19, 0.11, 0.1, 0.2, 0.28, 0, 1.0, 0.5)
  assert.ok(Math.abs(out(0) - (0.8 * 0.1 + 0.19 + 0.8 * 0.2 / 2)) < 1e-12, `x ${out(0)}`)
  assert.ok(Math.abs(out(1) - 0.11) < 1e-12, `y ${out(1)}`)
  assert.is(out(2), 0)
  // moving 0.3 m/s faster than commanded: the foot lands further ahead by √(h/g)·0.3
  w.locoFoothold(0, 0, 0.3, 1.1, 0, 0, 0.8, 0, 0, 0.19, 0.11, 0.1, 0.2, 0.28, 0, 1.0, 0.5)
  assert.ok(Math.abs(out(0) - (0.08 + 0.19 + 0.08 + Math.sqrt(0.28 / 9.81) * 0.3)) < 1e-12, `capture x ${out(0)}`)
})

test('foothold: yaw rotates the hip offset; the reach limit holds for any velocity error', () => {
  w.locoFoothold(1, 2, 0.3, 0, 0, Math.PI / 2, 0, 0, 0, 0.19, 0.11, 0, 0.2, 0.28, 0.05, 1.0, 0.15)
  assert.ok(Math.abs(out(0) - (1 - 0.11)) < 1e-12 && Math.abs(out(1) - (2 + 0.19)) < 1e-12, `rotated (${out(0)}, ${out(1)})`)
  assert.is(out(2), 0.05, 'on the ground height')
  for (const [vx, vy] of [[3, 0], [-2, 1.5], [0.5, -4]]) {
    w.locoFoothold(0, 0, 0.3, vx, vy, 0.3, 0, 0, 0, 0.19, -0.11, 0.05, 0.2, 0.28, 0, 1.0, 0.15)
    const hx = 0.19 * Math.cos(0.3) + 0.11 * Math.sin(0.3)
    const hy = 0.19 * Math.sin(0.3) - 0.11 * Math.cos(0.3)
    const d = Math.hypot(out(0) - hx, out(1) - hy)
    assert.ok(d <= 0.15 + 1e-12, `distance from the hip ${d} > reach`)
    assert.ok(d > 0.149, 'a large error saturates at the reach')
  }
})

const P0 = [0.1, -0.05, 0.02]
const P1 = [0.25, 0.02, 0.05]
const TS = 0.2
const APEX = 0.08

function swing (s: number): number[] {
  w.locoSwing(P0[0], P0[1], P0[2], P1[0], P1[1], P1[2], s, TS, APEX)
  return Array.from({ length: 9 }, (_, k) => out(k))
}

test('swing: starts and ends at the points with zero velocity and acceleration; apex above the higher end', () => {
  const a = swing(0)
  const b = swing(1)
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(a[k] - P0[k]) < 1e-15 && Math.abs(b[k] - P1[k]) < 1e-15, `end points, axis ${k}`)
    assert.ok(Math.abs(a[3 + k]) < 1e-12 && Math.abs(b[3 + k]) < 1e-12, `zero velocity at the ends, axis ${k}`)
    assert.ok(Math.abs(a[6 + k]) < 1e-9 && Math.abs(b[6 + k]) < 1e-9, `zero acceleration at the ends, axis ${k}`)
  }
  const m = swing(0.5)
  assert.ok(Math.abs(m[2] - (0.05 + APEX)) < 1e-15, `apex ${m[2]}`)
  assert.ok(Math.abs(m[5]) < 1e-12, 'vertical velocity 0 at the apex')
  let zmax = -Infinity
  for (let s = 0; s <= 1; s += 0.01) zmax = Math.max(zmax, swing(s)[2])
  assert.ok(zmax <= 0.05 + APEX + 1e-12, 'never above the apex')
})

test('swing: velocity and acceleration match central differences of the position (ε = 1e-5 s, tol 1e-6)', () => {
  const eps = 1e-5
  for (const s of [0.1, 0.3, 0.45, 0.55, 0.8, 0.95]) {
    const m = swing(s)
    const p = swing(s + eps / TS)
    const q = swing(s - eps / TS)
    for (let k = 0; k < 3; k++) {
      const v = (p[k] - q[k]) / (2 * eps)
      const a = (p[3 + k] - q[3 + k]) / (2 * eps)
      assert.ok(Math.abs(v - m[3 + k]) < 1e-6 * Math.max(1, Math.abs(v)), `v s=${s} axis ${k}: ${m[3 + k]} vs ${v}`)
      assert.ok(Math.abs(a - m[6 + k]) < 1e-6 * Math.max(1, Math.abs(a)) * 10, `a s=${s} axis ${k}: ${m[6 + k]} vs ${a}`)
    }
  }
})

test('swing: a late touchdown keeps reaching down, at most the search depth below the foothold', () => {
  const a = swing(1.1)
  assert.ok(a[2] < P1[2] && a[5] < 0, 'descending after the planned touchdown')
  assert.ok(Math.abs(a[0] - P1[0]) < 1e-15 && Math.abs(a[3]) < 1e-15, 'horizontal position held')
  const b = swing(5)
  assert.ok(Math.abs(b[2] - (P1[2] - 0.08)) < 1e-12 && b[5] === 0, `stops at the search depth (${b[2]})`)
})

test('touchdown: early contact ends the swing; late contact keeps the foot swinging until contact or timeout', () => {
  w.locoTouchInit(2)
  const step = (sched: [number, number], phase: number, est: [number, number]): void => {
    for (let i = 0; i < 2; i++) w.locoTouchInput(i, sched[i], phase, 0.2, est[i])
    w.locoTouchUpdate(0.002, 0.6, 0.1)
  }
  step([1, 1], 0, [1, 1])
  step([0, 0], 0.01, [1, 1]) // both lift off (an early-swing contact reading is ignored)
  assert.equal([w.locoTouchContact(0), w.locoTouchContact(1)], [0, 0])
  assert.is(w.locoTouchEvent(0) & 1, 1, 'lift-off event')
  step([0, 0], 0.7, [1, 0]) // foot 0 touches early
  assert.equal([w.locoTouchContact(0), w.locoTouchContact(1)], [1, 0])
  assert.is(w.locoTouchEvent(0) & 2, 2, 'touchdown event')
  step([0, 0], 0.8, [1, 0])
  assert.is(w.locoTouchContact(0), 1, 'stays down for the rest of its scheduled swing')
  // the schedule says stance, foot 1 has no contact: it keeps reaching (s > 1)
  step([1, 1], 0.0, [1, 0])
  assert.is(w.locoTouchContact(1), 0)
  assert.ok(w.locoTouchS(1) > 1, 'late: swing progress beyond 1')
  for (let k = 0; k < 20; k++) step([1, 1], 0.0, [1, 0])
  assert.is(w.locoTouchContact(1), 0, 'still searching after 42 ms')
  step([1, 1], 0.0, [1, 1])
  assert.is(w.locoTouchContact(1), 1, 'contact ends the search')
  // timeout
  step([0, 0], 0.01, [1, 1])
  for (let k = 0; k < 60; k++) step([1, 1], 0, [0, 0])
  assert.equal([w.locoTouchContact(0), w.locoTouchContact(1)], [1, 1], 'stands after late_max without contact')
})

test('rate limiter: rate and acceleration bounds hold, and it settles on the target without overshoot', () => {
  const dt = 0.002
  w.locoLimiterInit(1.0, 2.0, 0)
  let x = 0
  let prevRate = 0
  let maxRate = 0
  for (let k = 0; k < 3000; k++) {
    x = w.locoLimiterStep(1.5, dt)
    const r = w.locoLimiterRate()
    // the stop on arrival may come from a rate of 2·a·dt (rate-limiter.ts); every other change is ≤ a·dt
    const bound = x === 1.5 && r === 0 ? 2 * 2.0 * dt : 2.0 * dt
    assert.ok(Math.abs(r - prevRate) <= bound * (1 + 1e-9), `acceleration bound at tick ${k}: ${r} after ${prevRate}`)
    assert.ok(Math.abs(r) <= 1.0 + 1e-12, `rate bound at tick ${k}`)
    assert.ok(x <= 1.5 + 1e-12, 'no overshoot')
    prevRate = r
    maxRate = Math.max(maxRate, r)
  }
  assert.is(x, 1.5)
  assert.ok(maxRate > 0.99, 'reaches the rate limit on a long move')
})

test.run()
