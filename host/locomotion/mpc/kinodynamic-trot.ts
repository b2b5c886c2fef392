// Trot inputs for the kinodynamic NMPC (tests and bench): contact schedule, swing-height references
// (a sine bump of `apex` over each swing, rates as forward differences) and the state reference for a constant forward command
// from a MuJoCo stand configuration, and a closed loop on the MPC's own discrete model (the first
// planned input applied for one stage), which gives a realistic warm-started sequence of solves.
import type { KinodynamicMpcHost } from './kinodynamic-mpc.ts'

export interface KinoTrotOptions {
  /** Stand configuration (nq, MuJoCo layout) and the feet's ground height at it [m]. */
  home: readonly number[]
  footZ: readonly number[]
  vx: number
  /** Trot period [s]; diagonal pairs (feet 0+3, 1+2) stand half of it each. */
  period: number
  apex: number
}

/** Phase in [0, 1) of time t; the 1e-9 keeps stage times that land on a switch (k·dt) on its far side despite roundoff. */
function phaseOf (t: number, period: number): number {
  return ((t / period + 1e-9) % 1 + 1) % 1
}

export function trotStance (t: number, period: number, foot: number): number {
  const phase = phaseOf(t, period)
  return (phase < 0.5) === (foot === 0 || foot === 3) ? 1 : 0
}

/** Writes x_ref, contact, z_ref, vz_ref for the horizon starting at time t, from base position p0xy. */
export function writeTrotInputs (mpc: KinodynamicMpcHost, o: KinoTrotOptions, t: number, p0x: number, p0y: number): void {
  const N = mpc.N
  const nx = mpc.nx
  const nf = mpc.nfeet
  const dt = mpc.dt
  const xr = mpc.xRef
  const half = o.period / 2
  for (let k = 0; k <= N; k++) {
    const o0 = k * nx
    xr.fill(0, o0, o0 + nx)
    xr[o0] = o.vx
    xr[o0 + 6] = p0x + o.vx * k * dt
    xr[o0 + 7] = p0y
    xr[o0 + 8] = o.home[2]
    for (let j = 0; j < mpc.nj; j++) xr[o0 + 12 + j] = o.home[7 + j]
  }
  const c = mpc.contact
  const z = mpc.zRef
  const vz = mpc.vzRef
  // z_ref at t, and its rate as the forward difference over one stage: the Euler-discretized plan
  // then meets z_ref at every stage, where the analytic rate would lag by O(dt² z̈_ref) per stage
  const height = (tk: number, i: number): number => {
    if (trotStance(tk, o.period, i) === 1) return o.footZ[i]
    const phase = phaseOf(tk, o.period)
    const start = (i === 0 || i === 3) ? 0.5 : 0
    const sp = (((phase - start) % 1 + 1) % 1) * o.period / half
    return o.footZ[i] + o.apex * Math.sin(Math.PI * Math.min(1, sp))
  }
  for (let k = 0; k < N; k++) {
    const tk = t + k * dt
    for (let i = 0; i < nf; i++) {
      c[k * nf + i] = trotStance(tk, o.period, i)
      z[k * nf + i] = height(tk, i)
      vz[k * nf + i] = (height(tk + dt, i) - z[k * nf + i]) / dt
    }
  }
}
