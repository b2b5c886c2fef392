// The target schedule at 500 Hz: action chunks interpolated linearly between their timed points (and
// approached from the held value when they start in the future), newer messages superseding queued
// points, twists slew-limited, gaits and frames held, quaternions kept unit, silence detected only after
// the last queued point plus the timeout.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { TargetSchedule } from '../../host/policy/target-schedule.ts'
import { TargetKind, makeLayouts } from '../../host/runtime/frames.ts'

const nj = 2
const L = makeLayouts({ nj, nfeet: 0, nout: 2, nstages: 5 })
const A = L.target.at
const DT = 0.002
const params = { dt: DT, jointKp: 20, jointKd: 0.5, timeout_s: 0.2, maxPoints: 16, slew: { lin_accel: 2, yaw_accel: 4, height_rate: 0.2, angle_rate: 1 }, neutralTwist: [0, 0, 0, 0.28, 0, 0, 0, 2.5] }

function make (): { s: TargetSchedule, io: Float64Array } {
  const io = new Float64Array(2)
  return { s: new TargetSchedule(L.target, nj, params, io), io }
}

function point (kind: number, tExec: number, tRecv: number, index: number, len: number, payload: number[]): Float64Array {
  const r = new Float64Array(L.target.size)
  r[A.kind] = kind; r[A.t_exec] = tExec; r[A.t_recv] = tRecv; r[A.t_stamp] = tRecv; r[A.chunk_index] = index; r[A.chunk_len] = len
  r.set(payload, A.payload)
  return r
}
const joint = (q0: number, q1: number): number[] => [q0, q1, 0, 0, 20, 20, 0.5, 0.5, 0, 0]
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`)

test('a joint chunk starting in the future is approached from the held pose, then interpolated point to point', () => {
  const { s, io } = make()
  io[0] = 0.95
  s.holdJoints(Float64Array.from([0.2, -0.2]))
  const pts = [[1.0, 0], [1.1, 1], [1.2, 0.5]] as const
  pts.forEach(([t, q], i) => s.push(point(TargetKind.joint, t, 0.95, i, 3, joint(q, -q))))
  const at = (t: number): number => { io[0] = t; s.update(); return s.active.q[0] }
  close(at(0.95), 0.2, 'held at arrival')
  close(at(0.975), 0.1, 'halfway to the first point')
  close(at(1.0), 0, 'first point')
  close(at(1.05), 0.5, 'between points 1 and 2')
  close(at(1.15), 0.75, 'between points 2 and 3')
  close(at(1.3), 0.5, 'last point held')
  close(s.active.q[1], -0.5, 'second joint follows its own values')
  assert.ok(s.active.jointActive)
})

test('a new message supersedes the queued points at and after its start', () => {
  const { s, io } = make()
  io[0] = 0
  ;[[0.1, 1], [0.2, 2], [0.3, 3]].forEach(([t, q], i) => s.push(point(TargetKind.joint, t, 0, i, 3, joint(q, 0))))
  io[0] = 0.15
  s.update()
  close(s.active.q[0], 1.5, 'between 0.1 and 0.2')
  // a single target at 0.15 applies now and drops the 0.2 and 0.3 points
  s.push(point(TargetKind.joint, 0.15, 0.15, 0, 1, joint(7, 0)))
  for (const t of [0.16, 0.25, 0.35]) { io[0] = t; s.update(); close(s.active.q[0], 7, `held new target at ${t}`) }
})

test('twists: velocities slew at the configured accelerations, the gait switches at once', () => {
  const { s, io } = make()
  io[0] = 0
  const seen: number[][] = []
  for (let k = 1; k <= 300; k++) {
    // the policy repeats its twist every 0.1 s (inside the 0.2 s silence timeout)
    if (k % 50 === 1) s.push(point(TargetKind.twist, (k - 1) * DT, (k - 1) * DT, 0, 1, [1, -0.5, 1, 0.3, 0, 0, 2, 2]))
    io[0] = k * DT
    s.update()
    seen.push(Array.from(s.active.twist))
  }
  close(seen[0][0], 2 * DT, 'vx after one tick')
  close(seen[0][1], -2 * DT, 'vy after one tick')
  close(seen[0][2], 4 * DT, 'wz after one tick')
  close(seen[0][3], 0.28 + 0.2 * DT, 'height after one tick')
  assert.is(seen[0][6], 2, 'gait at once')
  close(seen[299][0], 1, 'vx reached after 0.5 s at 2 m/s²')
  close(seen[299][2], 1, 'wz reached')
})

test('silence is declared only after the last queued point plus the timeout; the twist then ramps to zero', () => {
  const { s, io } = make()
  io[0] = 0
  // a twist chunk whose last point is at 0.5 s
  ;[0.1, 0.3, 0.5].forEach((t, i) => s.push(point(TargetKind.twist, t, 0, i, 3, [0.5, 0, 0, 0.28, 0, 0, 1, 2])))
  let firstSilent = -1
  for (let k = 1; k <= 500; k++) {
    io[0] = k * DT
    s.update()
    if (s.timedOut && firstSilent < 0) firstSilent = io[0]
  }
  assert.ok(firstSilent >= 0.7 - 1e-9 && firstSilent <= 0.702 + 1e-9, `silent at ${firstSilent} s: 0.2 s after the last point at 0.5 s`)
  assert.is(s.timeouts, 1)
  close(s.active.twist[0], 0, 'decelerated at 2 m/s² to zero within 0.25 s')
  assert.not.ok(s.active.twistActive)
})

test('end-effector targets: positions lerp, quaternions stay unit, a frame change is held', () => {
  const { s, io } = make()
  io[0] = 0
  const c = Math.SQRT1_2
  const ee = (tExec: number, i: number, frame: number, x: number, q: number[]): Float64Array => {
    const r = point(TargetKind.ee, tExec, 0, i, 2, [frame, x, 0, 0, ...q])
    r[A.count] = 1
    return r
  }
  s.push(ee(0, 0, 1, 0, [1, 0, 0, 0]))
  s.push(ee(0.1, 1, 1, 0.2, [c, 0, 0, c]))
  io[0] = 0.05
  s.update()
  assert.is(s.active.eeCount, 1)
  close(s.active.ee[1], 0.1, 'x halfway')
  const q = Array.from(s.active.ee.subarray(4, 8))
  close(Math.hypot(...q), 1, 'unit quaternion')
  close(q[3] / q[0], Math.tan(Math.PI / 8), 'nlerp halfway between identity and 90° about z lies at 45°')
})

test.run()
