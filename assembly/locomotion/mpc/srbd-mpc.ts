// Centroidal NMPC on the single-rigid-body model (srbd-dynamics.ts), solved by SQP with real-time
// iteration (Diehl, Bock & Schlöder, SIAM J. Control Optim. 43(5), 2005): each solve() linearizes the
// discrete dynamics once about the previous solution shifted by the time elapsed since it (or about
// the reference at a cold start), builds one structured OCP QP and solves it warm-started with the
// Riccati interior point (solvers/ocp/ocp-ipm.ts).
//
//   minimize   Σ_{k=1..N} ½ (x_k − x_ref,k)ᵀ W (x_k − x_ref,k) + Σ_{k<N} Σ_{stance i} ½ f_i,kᵀ W_u f_i,k
//   subject to x_{k+1} = A_k x_k + B_k u_k + c_k   (linearization of F about (x̄_k, ū_k))
//              x_0 = x0
//              per stance foot: |f_x| ≤ μ f_z, |f_y| ≤ μ f_z (pyramid about the world z axis: flat
//              ground), fz_min ≤ f_z ≤ fz_max
// Swing feet have no input at all: stage k's input u_k holds only the stance feet's forces
// (nu_k = 3·n_stance,k; the OCP solver takes per-stage input counts), so "zero force on swing feet"
// holds exactly, with no constraint rows.
//
// State layout (x0, x_ref, x_pred): [Θ = ZYX Euler roll, pitch, yaw (3), p_com_world (3),
// ω_world (3), v_com_world (3)]. When quat_base_world has norm in [0.5, 2], solve() replaces
// x0[0:3] by its Euler angles, with the yaw unwrapped to within π of x_ref's stage-0 yaw.
//
// Reads the inputs (x0, quat_base_world, x_ref, contact, p_foot_world, elapsed_s). Writes
// f_foot_world, x_pred, u_pred (only on success: on failure the last good plan stays, and the next
// solve linearizes about it, aged by the accumulated elapsed time, with a cold QP start), status,
// iterations. Never allocates after construction.
import { OcpDims, OcpBlocks, OcpData, OcpOptions, OcpSolution, OcpWorkspace, OCP_OPTIMAL, OCP_INFEASIBLE, OCP_MAX_ITER } from '../../solvers/ocp/ocp-types'
import { ocpSolve } from '../../solvers/ocp/ocp-ipm'
import { SrbdDynamics, SRBD_NX } from './srbd-dynamics'
import { quatToRpy } from './euler-zyx'
import { srbdInertiaFromModel } from './srbd-inertia'
import { Model } from '../../model/model'
import { Data } from '../../model/data'
import { shiftedPlan } from './shifted-plan'
import { dot, fill } from '../../solvers/linalg/dense-kernels'

/** solve() statuses. */
export const MPC_OK: i32 = 0
/** The QP is infeasible (e.g. fz_min > fz_max, or bounds the solver found inconsistent). */
export const MPC_INFEASIBLE: i32 = 1
/** The QP solver hit its iteration limit. */
export const MPC_MAX_ITER: i32 = 2
/** The QP solver failed numerically. */
export const MPC_NUMERICAL: i32 = 3
/** Bad input: non-finite x0 / quat / x_ref / stance foot position, contact not 0/1, |pitch| ≥ 85° (Euler singularity), bad quaternion norm. */
export const MPC_BAD_INPUT: i32 = 4

/** Which input was bad (info after MPC_BAD_INPUT). */
export const MPC_IN_NONE: i32 = 0
export const MPC_IN_X0: i32 = 1
export const MPC_IN_QUAT: i32 = 2
export const MPC_IN_XREF: i32 = 3
export const MPC_IN_CONTACT: i32 = 4
export const MPC_IN_FOOT: i32 = 5
export const MPC_IN_PITCH: i32 = 6
export const MPC_IN_ELAPSED: i32 = 7

const PITCH_MAX: f64 = 85.0 * Math.PI / 180.0

/**
 * SRBD MPC configuration. mass, I_body, N, dt, nfeet and the qp_* limits are read when the SrbdMpc is
 * constructed (qp_* again by applyOptions()); mu, fz_min, fz_max and the weights at every solve.
 */
export class SrbdMpcConfig {
  /** Total mass [kg] and inertia about the CoM in base axes (3 × 3 row-major) [kg·m²]: see srbd-inertia.ts. */
  mass: f64 = 0.0
  I_body: StaticArray<f64> = new StaticArray<f64>(9)
  /** CoM in the base frame at the stand pose [m] (informative: base ↔ CoM conversion by the caller). */
  com_base: StaticArray<f64> = new StaticArray<f64>(3)
  /** Horizon stages and step [s]. */
  N: i32 = 20
  dt: f64 = 0.025
  nfeet: i32 = 4
  /** Friction coefficient of the pyramid (pass μ/√2 for an inner approximation of the cone). */
  mu: f64 = 0.6
  /** Normal-force bounds on stance feet [N]. */
  fz_min: f64 = 1.0
  fz_max: f64 = 150.0
  /** Diagonal state weights (12, x layout) of ½ eᵀWe, per stage k = 1..N−1. */
  w_state: StaticArray<f64> = new StaticArray<f64>(12)
  /** Terminal weights = w_terminal_scale · w_state. */
  w_terminal_scale: f64 = 1.0
  /** Diagonal force weights (x, y, z world) of ½ fᵀW_u f. */
  w_input: StaticArray<f64> = new StaticArray<f64>(3)
  /** QP solver limits (interior point). */
  qp_max_iter: i32 = 30
  qp_tol: f64 = 1e-5
  /**
   * The OCP's active-set start (OcpOptions.polish with polishStartOnly): in a steady gait the previous
   * active set usually holds and one or two factorizations finish the QP; when it does not, the
   * interior point runs without further polish (RTI needs no O(μ) refinement).
   */
  qp_polish: bool = true
  /**
   * Rounds of the active-set start before the interior point takes over. A round costs about a
   * sixth of an interior-point solve; trotting at 1 m/s on quad12, 5 rounds leave 3 % of the solves
   * to the interior point, 3 rounds 26 %.
   */
  qp_polish_rounds: i32 = 5
  /** After an active-set start that failed, solves without it before trying again, doubled per failure in a row up to 16× (failed starts cost rounds when the active set keeps moving). */
  qp_polish_backoff: i32 = 2
  /**
   * The approximate tail of the active-set start (OcpOptions.polishTailStages/-DualTol): at the last
   * two stages with forces (and the terminal one), a friction row whose multiplier passes through
   * zero by less than qp_tail_dual_tol (relative to the largest multiplier) stays active. Trotting
   * at 0.5 m/s on quad12 (closed loop, MPC every tick) that was every solve that needed a second
   * active-set round (4 %: the newest stance stages' lateral rows); the forces applied move by
   * 0.03 N p50, 0.08 N at most (of ~50 N). 0: exact.
   */
  qp_tail_dual_tol: f64 = 3e-3
  constructor () {
    const w = this.w_state
    // roll, pitch, yaw, p, ω, v (defaults tuned on the quad12 closed loop, test/locomotion/mpc)
    w[0] = 50.0; w[1] = 50.0; w[2] = 20.0
    w[3] = 50.0; w[4] = 50.0; w[5] = 200.0
    w[6] = 0.5; w[7] = 0.5; w[8] = 1.0
    w[9] = 5.0; w[10] = 5.0; w[11] = 5.0
    this.w_input[0] = 1e-4; this.w_input[1] = 1e-4; this.w_input[2] = 1e-4
  }

  /**
   * Sets mass, I_body and com_base from the robot model at configuration q (nq; the stand keyframe),
   * through the dynamics (srbd-inertia.ts; overwrites data's kinematics). Returns false when the model
   * has no free-floating base.
   */
  fromModel (model: Model, data: Data, q: StaticArray<f64>): bool {
    const m = srbdInertiaFromModel(model, data, q, this.I_body, this.com_base)
    if (!(m > 0.0)) return false
    this.mass = m
    return true
  }
}

export class SrbdMpc {
  cfg: SrbdMpcConfig
  N: i32
  nfeet: i32
  dyn: SrbdDynamics
  // ---- inputs ----
  x0: StaticArray<f64>               // (12) current state, layout above
  quat_base_world: StaticArray<f64>  // (4) wxyz, world ← base; all zero = use x0[0:3]
  x_ref: StaticArray<f64>            // ((N+1) × 12) reference
  contact: StaticArray<u8>           // (N × nfeet) 1 = stance at stage k
  p_foot_world: StaticArray<f64>     // (N × nfeet × 3) foot positions per stage (stance feet read)
  /** Time since the previous solve [s] (shifts the linearization trajectory); default dt. */
  elapsed_s: f64
  // ---- outputs ----
  f_foot_world: StaticArray<f64>     // (nfeet × 3) stage-0 forces, 0 on swing feet [N]
  x_pred: StaticArray<f64>           // ((N+1) × 12) predicted trajectory
  u_pred: StaticArray<f64>           // (N × nfeet × 3) planned forces per stage and foot, 0 on swing
  status: i32 = MPC_OK
  bad_input: i32 = MPC_IN_NONE
  iterations: i32 = 0                // interior-point iterations of the last QP
  private polishSkip: i32 = 0        // solves left without the active-set start (qp_polish_backoff)
  private polishPause: i32 = 0       // the current pause after failed starts
  qp_status: i32 = 0
  qp_error: i32 = 0
  objective: f64 = 0.0
  solves: i32 = 0
  failures: i32 = 0
  // ---- QP and linearization ----
  dims: OcpDims
  blocks: OcpBlocks
  data: OcpData
  sol: OcpSolution
  opts: OcpOptions
  ws: OcpWorkspace
  xbar: StaticArray<f64>             // ((N+1) × 12) linearization states
  ubar: StaticArray<f64>             // (N × nfeet × 3) linearization forces
  xnext: StaticArray<f64>            // (12)
  footCol: StaticArray<i32>          // (N × nfeet) column of the foot in u_k, −1 on swing
  hasPlan: bool = false
  planAge: f64 = 0.0                 // time since the stored plan's stage 0 [s]

  constructor (cfg: SrbdMpcConfig) {
    assert(cfg.N >= 1 && cfg.nfeet >= 1 && cfg.dt > 0.0 && cfg.mass > 0.0, 'SrbdMpc: bad config')
    this.cfg = cfg
    const N = cfg.N
    const nf = cfg.nfeet
    this.N = N
    this.nfeet = nf
    this.dyn = new SrbdDynamics(nf, cfg.mass, cfg.I_body, cfg.dt)
    this.x0 = new StaticArray<f64>(SRBD_NX)
    this.quat_base_world = new StaticArray<f64>(4)
    this.x_ref = new StaticArray<f64>((N + 1) * SRBD_NX)
    this.contact = new StaticArray<u8>(N * nf)
    this.p_foot_world = new StaticArray<f64>(N * nf * 3)
    this.elapsed_s = cfg.dt
    this.f_foot_world = new StaticArray<f64>(nf * 3)
    this.x_pred = new StaticArray<f64>((N + 1) * SRBD_NX)
    this.u_pred = new StaticArray<f64>(N * nf * 3)
    const dims = new OcpDims(N, SRBD_NX, 3 * nf, 5 * nf, 0)
    const blocks = new OcpBlocks(dims)
    this.dims = dims
    this.blocks = blocks
    this.data = new OcpData(dims, blocks)
    this.sol = new OcpSolution(dims)
    this.opts = new OcpOptions()
    this.ws = new OcpWorkspace(dims)
    this.xbar = new StaticArray<f64>((N + 1) * SRBD_NX)
    this.ubar = new StaticArray<f64>(N * nf * 3)
    this.xnext = new StaticArray<f64>(SRBD_NX)
    this.footCol = new StaticArray<i32>(N * nf)
    this.opts.warmStart = true
    this.opts.shift = false
    // the plan's inputs are applied; the Riccati feedback gains are not read
    this.opts.gains = false
    this.applyOptions()
  }

  /** Copies the QP limits of the config into the solver options (call after changing them). */
  applyOptions (): void {
    this.opts.maxIter = this.cfg.qp_max_iter
    this.opts.tolStat = this.cfg.qp_tol
    this.opts.tolEq = this.cfg.qp_tol
    this.opts.tolComp = this.cfg.qp_tol
    this.opts.polish = this.cfg.qp_polish
    this.opts.polishStartOnly = true
    this.opts.polishStartRounds = this.cfg.qp_polish_rounds
    this.opts.polishTailStages = this.cfg.qp_tail_dual_tol > 0.0 ? 3 : 0
    this.opts.polishTailDualTol = this.cfg.qp_tail_dual_tol
  }

  /** Forgets the stored plan and the QP warm start (next solve linearizes about the reference). */
  reset (): void {
    this.hasPlan = false
    this.polishSkip = 0
    this.polishPause = 0
    this.ws.prevValid = false
  }

  /** One SQP-RTI iteration. Returns MPC_* (0 = ok). */
  solve (): i32 {
    this.solves++
    const st = this.solveInner()
    this.status = st
    if (st != MPC_OK) {
      this.failures++
      this.ws.prevValid = false
    }
    return st
  }

  private checkInputs (): i32 {
    const N = this.N
    const nf = this.nfeet
    if (!finite(this.elapsed_s) || this.elapsed_s < 0.0) return MPC_IN_ELAPSED
    for (let i = 0; i < SRBD_NX; i++) if (!finite(this.x0[i])) return MPC_IN_X0
    for (let i = 0; i < (N + 1) * SRBD_NX; i++) if (!finite(this.x_ref[i])) return MPC_IN_XREF
    const q = this.quat_base_world
    let n2 = 0.0
    for (let i = 0; i < 4; i++) {
      if (!finite(q[i])) return MPC_IN_QUAT
      n2 += q[i] * q[i]
    }
    if (n2 != 0.0 && (n2 < 0.25 || n2 > 4.0)) return MPC_IN_QUAT
    for (let k = 0; k < N; k++) {
      for (let i = 0; i < nf; i++) {
        const c = this.contact[k * nf + i]
        if (c > 1) return MPC_IN_CONTACT
        if (c == 1) {
          const o = 3 * (k * nf + i)
          if (!finite(this.p_foot_world[o]) || !finite(this.p_foot_world[o + 1]) || !finite(this.p_foot_world[o + 2])) return MPC_IN_FOOT
        }
      }
    }
    return MPC_IN_NONE
  }

  /**
   * The part of solve() before the QP: input checks, linearization point and QP build. Returns
   * MPC_OK or MPC_BAD_INPUT (solve() calls it; exported separately for timing breakdowns).
   */
  prepare (): i32 {
    const N = this.N
    const NX = SRBD_NX
    this.bad_input = this.checkInputs()
    if (this.bad_input != MPC_IN_NONE) return MPC_BAD_INPUT
    const q = this.quat_base_world
    if (q[0] != 0.0 || q[1] != 0.0 || q[2] != 0.0 || q[3] != 0.0) {
      quatToRpy(this.x0, 0, q[0], q[1], q[2], q[3])
      const twoPi = 2.0 * Math.PI
      this.x0[2] += twoPi * Math.round((this.x_ref[2] - this.x0[2]) / twoPi)
    }
    if (Math.abs(this.x0[1]) >= PITCH_MAX) { this.bad_input = MPC_IN_PITCH; return MPC_BAD_INPUT }
    for (let k = 0; k <= N; k++) if (Math.abs(this.x_ref[k * NX + 1]) >= PITCH_MAX) { this.bad_input = MPC_IN_PITCH; return MPC_BAD_INPUT }
    this.linearizationPoint()
    this.buildQp()
    return MPC_OK
  }

  private solveInner (): i32 {
    const N = this.N
    const nf = this.nfeet
    const NX = SRBD_NX
    const pre = this.prepare()
    if (pre != MPC_OK) return pre

    const d = this.data
    for (let i = 0; i < NX; i++) d.x0[i] = this.x0[i]
    // the active-set start where it pays: tried again after qp_polish_backoff solves once it failed
    const tryPolish = this.cfg.qp_polish && this.polishSkip <= 0
    this.opts.polish = tryPolish
    const st = ocpSolve(this.dims, this.data, this.blocks, this.sol, this.opts, this.ws)
    if (tryPolish) {
      // doubling pause after each failure in a row, back to trying every solve after a success
      this.polishPause = this.sol.polished != 0 ? 0 : (this.polishPause == 0 ? this.cfg.qp_polish_backoff : min(2 * this.polishPause, 16 * this.cfg.qp_polish_backoff))
      this.polishSkip = this.polishPause
    } else this.polishSkip--
    this.qp_status = st
    this.qp_error = this.sol.error
    this.iterations = this.sol.iterations
    if (st != OCP_OPTIMAL) {
      if (st == OCP_INFEASIBLE) return MPC_INFEASIBLE
      if (st == OCP_MAX_ITER) return MPC_MAX_ITER
      return MPC_NUMERICAL
    }
    // ---- accept: copy the plan out ----
    const x = this.sol.x
    for (let i = 0; i < (N + 1) * NX; i++) {
      if (!finite(x[i])) return MPC_NUMERICAL
    }
    const NU = 3 * nf
    for (let k = 0; k < N; k++) {
      for (let i = 0; i < nf; i++) {
        const col = this.footCol[k * nf + i]
        const o = 3 * (k * nf + i)
        for (let a = 0; a < 3; a++) {
          const v = col >= 0 ? this.sol.u[k * NU + col + a] : 0.0
          if (!finite(v)) return MPC_NUMERICAL
          this.u_pred[o + a] = v
        }
      }
    }
    for (let i = 0; i < (N + 1) * NX; i++) this.x_pred[i] = x[i]
    for (let i = 0; i < 3 * nf; i++) this.f_foot_world[i] = this.u_pred[i]
    this.objective = this.sol.objective
    this.hasPlan = true
    this.planAge = 0.0
    return MPC_OK
  }

  /**
   * x̄, ū: the stored plan interpolated at t_k = age + k·dt (states linearly, forces held), x̄_0 = x0;
   * at a cold start (or when the plan is older than the horizon) x̄ = x_ref, ū = weight shared by
   * the stance feet. A foot that swung in the stored plan but stands now also gets the weight share.
   */
  private linearizationPoint (): void {
    const N = this.N
    const nf = this.nfeet
    const NX = SRBD_NX
    const dt = this.cfg.dt
    if (this.hasPlan) this.planAge += this.elapsed_s
    const warm = this.hasPlan && this.planAge < N * dt
    const xb = this.xbar
    const ub = this.ubar
    const mg = this.cfg.mass * 9.81
    shiftedPlan(xb, this.x_pred, this.x_ref, this.x0, N, NX, this.planAge, dt, warm)
    for (let k = 0; k < N; k++) {
      let ns = 0
      for (let i = 0; i < nf; i++) ns += <i32>this.contact[k * nf + i]
      const share = ns > 0 ? mg / <f64>ns : 0.0
      let ks = -1
      if (warm) ks = min(<i32>Math.floor(this.planAge / dt + <f64>k), N - 1)
      for (let i = 0; i < nf; i++) {
        const o = 3 * (k * nf + i)
        ub[o] = 0.0; ub[o + 1] = 0.0; ub[o + 2] = 0.0
        if (this.contact[k * nf + i] == 0) continue
        const so = 3 * (ks * nf + i)
        if (ks >= 0 && this.u_pred[so + 2] > 0.0) {
          ub[o] = this.u_pred[so]; ub[o + 1] = this.u_pred[so + 1]; ub[o + 2] = this.u_pred[so + 2]
        } else {
          ub[o + 2] = share
        }
      }
    }
  }

  /** Writes dims, costs, linearized dynamics and the force rows of every stage. */
  private buildQp (): void {
    const N = this.N
    const nf = this.nfeet
    const NX = SRBD_NX
    const cfg = this.cfg
    const dims = this.dims
    const bl = this.blocks
    const d = this.data
    dims.N = N
    dims.nx = NX
    dims.x0Fixed = true
    const mu = cfg.mu
    const inf = Infinity
    // locals: the loops store into memory, so field loads would be repeated per iteration
    const Q = d.Q
    const q = d.q
    const A = d.A
    const B = d.B
    const c = d.c
    const Gu = d.Gu
    const lg = d.lg
    const ug = d.ug
    const xbar = this.xbar
    const ubar = this.ubar
    const xref = this.x_ref
    const xnext = this.xnext
    const footCol = this.footCol
    const contact = this.contact
    const wState = cfg.w_state
    const wInput = cfg.w_input
    for (let k = 0; k <= N; k++) {
      let nu = 0
      if (k < N) {
        for (let i = 0; i < nf; i++) {
          if (unchecked(contact[k * nf + i]) != 0) { unchecked(footCol[k * nf + i] = nu); nu += 3 } else unchecked(footCol[k * nf + i] = -1)
        }
      }
      const ng = 5 * (nu / 3)
      dims.nu[k] = nu
      dims.ng[k] = ng
      dims.ne[k] = 0
      const nxu = NX + nu
      // cost ½(x − x_ref)ᵀW(x − x_ref) + ½uᵀW_u u: diagonal
      const Qo = k * bl.Q
      const qo = k * bl.q
      fill(Q, Qo, 0.0, nxu * nxu)
      const scale = k == N ? cfg.w_terminal_scale : 1.0
      for (let i = 0; i < NX; i++) {
        const w = scale * unchecked(wState[i])
        unchecked(Q[Qo + i * nxu + i] = w)
        unchecked(q[qo + i] = -w * unchecked(xref[k * NX + i]))
      }
      for (let a = 0; a < nu; a++) {
        unchecked(Q[Qo + (NX + a) * nxu + NX + a] = unchecked(wInput[a % 3]))
        unchecked(q[qo + NX + a] = 0.0)
      }
      if (k == N) break
      // dynamics x_{k+1} = A x + B u + c, c = F(x̄, ū) − A x̄ − B ū
      const Ao = k * bl.A
      const Bo = k * bl.B
      const co = k * bl.c
      this.dyn.step(xbar, k * NX, ubar, 3 * k * nf, this.p_foot_world, 3 * k * nf,
        contact, k * nf, xnext, 0, true, A, Ao, B, Bo)
      // (B's columns are the stance feet's forces in foot order, as ubar's stance entries)
      for (let i = 0; i < NX; i++) {
        let s = unchecked(xnext[i]) - dot(A, Ao + i * NX, xbar, k * NX, NX)
        let col = 0
        for (let i2 = 0; i2 < nf; i2++) {
          if (unchecked(contact[k * nf + i2]) == 0) continue
          const uo = 3 * (k * nf + i2)
          const bo = Bo + i * nu + col
          s -= unchecked(B[bo]) * unchecked(ubar[uo]) + unchecked(B[bo + 1]) * unchecked(ubar[uo + 1]) + unchecked(B[bo + 2]) * unchecked(ubar[uo + 2])
          col += 3
        }
        unchecked(c[co + i] = s)
      }
      // force rows per stance foot: f_x ∓ μ f_z, f_y ∓ μ f_z, f_z (no state columns)
      const Guo = k * bl.Gu
      const go = k * bl.g
      fill(d.Gx, k * bl.Gx, 0.0, ng * NX)
      fill(Gu, Guo, 0.0, ng * nu)
      for (let j = 0; j < nu / 3; j++) {
        const r = 5 * j
        const o = Guo + r * nu + 3 * j
        unchecked(Gu[o] = 1.0); unchecked(Gu[o + 2] = -mu)
        unchecked(Gu[o + nu] = 1.0); unchecked(Gu[o + nu + 2] = mu)
        unchecked(Gu[o + 2 * nu + 1] = 1.0); unchecked(Gu[o + 2 * nu + 2] = -mu)
        unchecked(Gu[o + 3 * nu + 1] = 1.0); unchecked(Gu[o + 3 * nu + 2] = mu)
        unchecked(Gu[o + 4 * nu + 2] = 1.0)
        unchecked(lg[go + r] = -inf); unchecked(ug[go + r] = 0.0)
        unchecked(lg[go + r + 1] = 0.0); unchecked(ug[go + r + 1] = inf)
        unchecked(lg[go + r + 2] = -inf); unchecked(ug[go + r + 2] = 0.0)
        unchecked(lg[go + r + 3] = 0.0); unchecked(ug[go + r + 3] = inf)
        unchecked(lg[go + r + 4] = cfg.fz_min); unchecked(ug[go + r + 4] = cfg.fz_max)
      }
    }
  }
}

@inline function finite (v: f64): bool { return v - v == 0.0 }
