// Closed loop of the SRBD NMPC on the nonlinear single rigid body, simulated independently of the
// MPC's model: quaternion attitude, Newton–Euler in body axes, RK4 at `h`, forces held between solves.
// Feet are points placed by a Raibert rule at touchdown (hip under the CoM at mid-stance plus a
// velocity feedback term) and fixed during stance; a trot (diagonal pairs) drives the contacts.
// Used by test/locomotion/mpc (tracking, friction, swing forces) and bench/mpc.bench.ts (solve times
// along a realistic sequence).
import type { SrbdMpcHost } from './srbd-mpc.ts'

export interface TrotLoopOptions {
  /** Forward command (heading frame) [m/s], reached with 1 m/s² from rest. */
  vx: number
  /** Yaw-rate command [rad/s] (default 0), reached with 2 rad/s² from rest. */
  wz?: number
  /** Simulated time [s]. */
  duration: number
  /** Time between MPC solves [s] (0.002 = every 500 Hz tick). */
  control: number
  /** Trot period [s] (each diagonal pair stands for half). */
  period: number
  /** Stand CoM (world) and foot positions at the stand pose. */
  com: readonly number[]
  feet: ReadonlyArray<readonly number[]>
  /** Integration step [s]. */
  h?: number
  /** Friction coefficient the forces are checked against. */
  mu: number
  fzMin: number
  fzMax: number
  /** Called around each solve (timing). */
  onSolve?: (solve: () => number) => number
}

export interface TrotLoopResult {
  /** Mean planar velocity error |v_xy − v_cmd,xy| (command turned with the heading) after 1 s [m/s]. */
  velErrMean: number
  /** Mean |ω_z − ω_z,cmd| after 1 s [rad/s]. */
  yawRateErrMean: number
  maxTiltRad: number
  /** Max |z − z_stand| after 1 s [m]. */
  maxHeightErr: number
  /** Max over stance forces of |f_t| − μ f_z and the bound violations (≤ 0 when all hold) [N]. */
  worstConeMargin: number
  /** Max |f| on a swing foot [N]. */
  maxSwingForce: number
  failures: number
  solves: number
  meanQpIterations: number
  /** Planar distance from the start [m] and the final heading [rad]. */
  distance: number
  yaw: number
}

interface Body { q: number[], p: number[], w: number[], v: number[] }

export function trotContact (t: number, period: number, foot: number): number {
  const phase = ((t / period + 1e-9) % 1 + 1) % 1 // 1e-9: stage times on a switch stay on its far side
  const pairA = foot === 0 || foot === 3
  return (phase < 0.5) === pairA ? 1 : 0
}

function qmul (a: number[], b: number[]): number[] {
  return [a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]]
}
function qmat (q: number[]): number[] {
  const n = Math.hypot(...q)
  const [w, x, y, z] = q.map((v) => v / n)
  return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
}
function mv (A: number[], v: number[]): number[] { return [0, 1, 2].map((i) => A[3 * i] * v[0] + A[3 * i + 1] * v[1] + A[3 * i + 2] * v[2]) }
function mtv (A: number[], v: number[]): number[] { return [0, 1, 2].map((i) => A[i] * v[0] + A[3 + i] * v[1] + A[6 + i] * v[2]) }
function cross (a: number[], b: number[]): number[] { return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]] }
function inv3 (A: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = A
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
  return [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]
}

/** Newton–Euler with the angular part in body axes: I_b ω̇_b = Rᵀτ − ω_b × I_b ω_b. */
function deriv (s: Body, m: number, Ib: number[], Ibinv: number[], F: number[], tau: (p: number[]) => number[]): Body {
  const R = qmat(s.q)
  const wb = mtv(R, s.w)
  const tb = mtv(R, tau(s.p))
  const Iw = mv(Ib, wb)
  const rhs = tb.map((v, a) => v - cross(wb, Iw)[a])
  const wdot = mv(R, mv(Ibinv, rhs))
  const qd = qmul([0, ...s.w], s.q).map((v) => 0.5 * v)
  return { q: qd, p: s.v, w: wdot, v: [F[0] / m, F[1] / m, F[2] / m - 9.81] }
}
function add (s: Body, d: Body, h: number): Body {
  return { q: s.q.map((v, i) => v + h * d.q[i]), p: s.p.map((v, i) => v + h * d.p[i]), w: s.w.map((v, i) => v + h * d.w[i]), v: s.v.map((v, i) => v + h * d.v[i]) }
}

/** Runs the loop; the MPC must have 4 feet in the order of `feet`. */
export function runTrotLoop (mpc: SrbdMpcHost, o: TrotLoopOptions): TrotLoopResult {
  const m = mpc.mass
  const Ib = Array.from(mpc.inertiaBody)
  const Ibinv = inv3(Ib)
  const N = mpc.N
  const dt = mpc.dt
  const h = o.h ?? 0.001
  const Tst = o.period / 2
  const height = o.com[2]
  const offsets = o.feet.map((f) => [f[0] - o.com[0], f[1] - o.com[1]])
  let s: Body = { q: [1, 0, 0, 0], p: o.com.slice(), w: [0, 0, 0], v: [0, 0, 0] }
  const foot = o.feet.map((f) => [f[0], f[1], 0])
  let prev = [1, 1, 1, 1]
  const vAt = (t: number): number => Math.min(o.vx, t * 1.0)
  const wzCmd = o.wz ?? 0
  const wAt = (t: number): number => Math.sign(wzCmd) * Math.min(Math.abs(wzCmd), t * 2.0)
  let yaw = 0
  let yawErrSum = 0
  let velErrSum = 0
  let velErrN = 0
  let maxTilt = 0
  let maxHeightErr = 0
  let worst = -Infinity
  let swing = 0
  let failures = 0
  let solves = 0
  let its = 0
  const solve = (): number => mpc.solve()
  const steps = Math.round(o.duration / o.control)
  const sub = Math.max(1, Math.round(o.control / h))
  const hs = o.control / sub
  for (let step = 0; step < steps; step++) {
    const t = step * o.control
    const c = [0, 1, 2, 3].map((i) => trotContact(t, o.period, i))
    // heading from the attitude, kept continuous
    const R0 = qmat(s.q)
    const yawRaw = Math.atan2(R0[3], R0[0])
    yaw += Math.atan2(Math.sin(yawRaw - yaw), Math.cos(yawRaw - yaw))
    const rot = (a: number, v: number[]): number[] => [Math.cos(a) * v[0] - Math.sin(a) * v[1], Math.sin(a) * v[0] + Math.cos(a) * v[1]]
    const vCmdW = rot(yaw, [vAt(t), 0])
    for (let i = 0; i < 4; i++) {
      if (c[i] === 1 && prev[i] === 0) {
        const off = rot(yaw, offsets[i])
        foot[i] = [s.p[0] + off[0] + s.v[0] * Tst / 2 + 0.05 * (s.v[0] - vCmdW[0]), s.p[1] + off[1] + s.v[1] * Tst / 2 + 0.05 * (s.v[1] - vCmdW[1]), 0]
      }
    }
    prev = c
    mpc.quatBaseWorld.set(s.q)
    mpc.x0.set([0, 0, 0, ...s.p, ...s.w, ...s.v])
    // reference: heading and position integrated from the current state with the ramped command
    const xr = mpc.xRef
    const refYaw: number[] = []
    const refP: number[][] = []
    let py = yaw
    let pxy = [s.p[0], s.p[1]]
    for (let k = 0; k <= N; k++) {
      const tk = t + k * dt
      if (k > 0) {
        const vw = rot(py, [vAt(tk - dt), 0])
        pxy = [pxy[0] + vw[0] * dt, pxy[1] + vw[1] * dt]
        py += wAt(tk - dt) * dt
      }
      refYaw.push(py)
      refP.push(pxy)
      const vw = rot(py, [vAt(tk), 0])
      xr.set([0, 0, py, pxy[0], pxy[1], height, 0, 0, wAt(tk), vw[0], vw[1], 0], 12 * k)
    }
    const ct = mpc.contact
    const pf = mpc.pFootWorld
    for (let k = 0; k < N; k++) {
      const tk = t + k * dt
      for (let i = 0; i < 4; i++) {
        const ck = trotContact(tk, o.period, i)
        ct[4 * k + i] = ck
        if (ck === 1 && c[i] === 1 && Math.floor(tk / Tst + 1e-9) === Math.floor(t / Tst + 1e-9)) {
          pf.set(foot[i], 12 * k + 3 * i)
        } else {
          // a later stance: the foothold the rule will pick, from the reference at mid-stance
          const tMid = (Math.floor(tk / Tst + 1e-9) + 0.5) * Tst
          const km = Math.min(N, Math.max(0, Math.round((tMid - t) / dt)))
          const off = rot(refYaw[km], offsets[i])
          pf.set([refP[km][0] + off[0], refP[km][1] + off[1], 0], 12 * k + 3 * i)
        }
      }
    }
    mpc.elapsed = o.control
    const st = o.onSolve !== undefined ? o.onSolve(solve) : solve()
    solves++
    its += mpc.iterations
    if (st !== 0) failures++
    const f = Array.from(mpc.fFootWorld)
    for (let i = 0; i < 4; i++) {
      const fi = f.slice(3 * i, 3 * i + 3)
      if (c[i] === 0) { swing = Math.max(swing, Math.abs(fi[0]), Math.abs(fi[1]), Math.abs(fi[2])); continue }
      worst = Math.max(worst, Math.abs(fi[0]) - o.mu * fi[2], Math.abs(fi[1]) - o.mu * fi[2], o.fzMin - fi[2], fi[2] - o.fzMax)
    }
    const F = [0, 1, 2].map((a) => f[a] + f[3 + a] + f[6 + a] + f[9 + a])
    const tau = (p: number[]): number[] => {
      const out = [0, 0, 0]
      for (let i = 0; i < 4; i++) {
        const ti = cross([foot[i][0] - p[0], foot[i][1] - p[1], foot[i][2] - p[2]], fi3(f, i))
        out[0] += ti[0]; out[1] += ti[1]; out[2] += ti[2]
      }
      return out
    }
    for (let j = 0; j < sub; j++) {
      const k1 = deriv(s, m, Ib, Ibinv, F, tau)
      const k2 = deriv(add(s, k1, hs / 2), m, Ib, Ibinv, F, tau)
      const k3 = deriv(add(s, k2, hs / 2), m, Ib, Ibinv, F, tau)
      const k4 = deriv(add(s, k3, hs), m, Ib, Ibinv, F, tau)
      const comb = (a: number[], i: number, g: (b: Body) => number[]): number => a[i] + hs / 6 * (g(k1)[i] + 2 * g(k2)[i] + 2 * g(k3)[i] + g(k4)[i])
      s = {
        q: s.q.map((_, i) => comb(s.q, i, (b) => b.q)),
        p: s.p.map((_, i) => comb(s.p, i, (b) => b.p)),
        w: s.w.map((_, i) => comb(s.w, i, (b) => b.w)),
        v: s.v.map((_, i) => comb(s.v, i, (b) => b.v))
      }
      const n = Math.hypot(...s.q)
      s.q = s.q.map((v) => v / n)
    }
    const R = qmat(s.q)
    maxTilt = Math.max(maxTilt, Math.acos(Math.min(1, R[8])))
    if (t > 1.0) {
      const vc = rot(yaw, [o.vx, 0])
      velErrSum += Math.hypot(s.v[0] - vc[0], s.v[1] - vc[1])
      yawErrSum += Math.abs(s.w[2] - wzCmd)
      velErrN++
      maxHeightErr = Math.max(maxHeightErr, Math.abs(s.p[2] - height))
    }
  }
  return {
    velErrMean: velErrN > 0 ? velErrSum / velErrN : NaN,
    yawRateErrMean: velErrN > 0 ? yawErrSum / velErrN : NaN,
    maxTiltRad: maxTilt,
    maxHeightErr,
    worstConeMargin: worst,
    maxSwingForce: swing,
    failures,
    solves,
    meanQpIterations: its / Math.max(1, solves),
    distance: Math.hypot(s.p[0] - o.com[0], s.p[1] - o.com[1]),
    yaw
  }
}

function fi3 (f: number[], i: number): number[] { return [f[3 * i], f[3 * i + 1], f[3 * i + 2]] }
