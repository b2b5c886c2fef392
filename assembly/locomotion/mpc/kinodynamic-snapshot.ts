// The kinodynamic NMPC's asynchronous interface: one flat snapshot in (what the 500 Hz controller knew
// when it asked), one flat time-stamped solution out. Flat f64 buffers so the host can move them
// between WASM instances (the controller's and a solver worker's) with one typed-array copy each, and
// so a lockstep run can hold a solution back for a modelled delay.
//
// Snapshot (kinoSnapshotLength):
//   [t (controller time [s]), epoch (controller resets), mu, fz_min, fz_max,
//    qpos (nq, MuJoCo layout), qvel (nv), x_ref ((N+1)·nx, kinodynamic-mpc.ts layout),
//    contact (N·nf, 1 stance), z_ref (N·nf) [m], vz_ref (N·nf) [m/s]]
// Solution (kinoSolutionLength):
//   [t (the snapshot's time: stage k covers t + k·dt), epoch, status (MPC_*), valid (1),
//    forces (N·3·nf, world [N], 0 on swing feet), x_pred ((N+1)·nx)]
//
// kinoSolveSnapshot reads a snapshot into the NMPC, runs one SQP-RTI iteration (warm-started from the
// previous solution shifted by the snapshot times' difference; reset on a new epoch) and writes the
// solution. Never allocates.
import { KinodynamicMpc } from './kinodynamic-mpc'
import { MPC_OK } from './srbd-mpc'

export const KS_T: i32 = 0
export const KS_EPOCH: i32 = 1
export const KS_MU: i32 = 2
export const KS_FZ_MIN: i32 = 3
export const KS_FZ_MAX: i32 = 4
export const KS_HEAD: i32 = 5

export const KP_T: i32 = 0
export const KP_EPOCH: i32 = 1
export const KP_STATUS: i32 = 2
export const KP_VALID: i32 = 3
export const KP_HEAD: i32 = 4

export function kinoSnapshotLength (N: i32, nf: i32, nq: i32, nv: i32, nx: i32): i32 {
  return KS_HEAD + nq + nv + (N + 1) * nx + 3 * N * nf
}

export function kinoSolutionLength (N: i32, nf: i32, nx: i32): i32 {
  return KP_HEAD + 3 * N * nf + (N + 1) * nx
}

/** Offsets of the snapshot's arrays: qpos, qvel, x_ref, contact, z_ref, vz_ref. */
export class KinoSnapshotLayout {
  qpos: i32
  qvel: i32
  x_ref: i32
  contact: i32
  z_ref: i32
  vz_ref: i32
  constructor (N: i32, nf: i32, nq: i32, nv: i32, nx: i32) {
    this.qpos = KS_HEAD
    this.qvel = KS_HEAD + nq
    this.x_ref = this.qvel + nv
    this.contact = this.x_ref + (N + 1) * nx
    this.z_ref = this.contact + N * nf
    this.vz_ref = this.z_ref + N * nf
  }
}

/** Solver-side state of the asynchronous NMPC: its scratch for the MuJoCo state and the last snapshot's time and epoch. */
export class KinoSnapshotSolver {
  readonly mpc: KinodynamicMpc
  readonly layout: KinoSnapshotLayout
  readonly snap: StaticArray<f64>
  readonly sol: StaticArray<f64>
  private readonly qpos: StaticArray<f64>
  private readonly qvel: StaticArray<f64>
  private lastT: f64 = 0.0
  private lastEpoch: f64 = -1.0
  solves: i32 = 0
  failures: i32 = 0

  constructor (mpc: KinodynamicMpc) {
    this.mpc = mpc
    const m = mpc.model
    this.layout = new KinoSnapshotLayout(mpc.N, mpc.nfeet, m.nq, m.nv, mpc.nx)
    this.snap = new StaticArray<f64>(kinoSnapshotLength(mpc.N, mpc.nfeet, m.nq, m.nv, mpc.nx))
    this.sol = new StaticArray<f64>(kinoSolutionLength(mpc.N, mpc.nfeet, mpc.nx))
    this.qpos = new StaticArray<f64>(m.nq)
    this.qvel = new StaticArray<f64>(m.nv)
  }

  /** One solve on this.snap into this.sol. Returns MPC_* (the solution is marked valid only on MPC_OK). */
  solve (): i32 {
    const mpc = this.mpc
    const s = this.snap
    const L = this.layout
    const N = mpc.N
    const nf = mpc.nfeet
    const nx = mpc.nx
    const m = mpc.model
    const t = s[KS_T]
    const epoch = s[KS_EPOCH]
    if (epoch != this.lastEpoch) {
      mpc.reset()
      this.lastEpoch = epoch
      this.lastT = t
    }
    const cfg = mpc.cfg
    cfg.mu = s[KS_MU]
    cfg.fz_min = s[KS_FZ_MIN]
    cfg.fz_max = s[KS_FZ_MAX]
    for (let i = 0; i < (N + 1) * nx; i++) unchecked(mpc.x_ref[i] = s[L.x_ref + i])
    for (let i = 0; i < N * nf; i++) {
      unchecked(mpc.contact[i] = s[L.contact + i] > 0.5 ? 1 : 0)
      unchecked(mpc.z_ref[i] = s[L.z_ref + i])
      unchecked(mpc.vz_ref[i] = s[L.vz_ref + i])
    }
    for (let i = 0; i < m.nq; i++) unchecked(this.qpos[i] = s[L.qpos + i])
    for (let i = 0; i < m.nv; i++) unchecked(this.qvel[i] = s[L.qvel + i])
    mpc.setStateFromMujoco(this.qpos, this.qvel)
    mpc.elapsed_s = max(0.0, t - this.lastT)
    this.lastT = t
    const st = mpc.solve()
    this.solves++
    const o = this.sol
    o[KP_T] = t
    o[KP_EPOCH] = epoch
    o[KP_STATUS] = <f64>st
    if (st != MPC_OK) {
      this.failures++
      o[KP_VALID] = 0.0
      return st
    }
    o[KP_VALID] = 1.0
    const nuF = mpc.nuFull
    for (let k = 0; k < N; k++) {
      for (let a = 0; a < 3 * nf; a++) unchecked(o[KP_HEAD + k * 3 * nf + a] = mpc.u_pred[k * nuF + a])
    }
    const xo = KP_HEAD + 3 * N * nf
    for (let i = 0; i < (N + 1) * nx; i++) unchecked(o[xo + i] = mpc.x_pred[i])
    return st
  }
}
