// Kinodynamic centroidal NMPC (the model of OCS2 / legged_control: Sleiman et al., "A Unified MPC
// Framework for Whole-Body Dynamic Locomotion and Manipulation", RA-L 2021), solved by SQP with
// real-time iteration on the structured OCP QP (solvers/ocp/ocp-ipm.ts), like srbd-mpc.ts.
//
// State x (12 + nj) = [h_g / m (6: linear then angular momentum about the CoM, world axes, per unit
// mass), p_base_world (3), Θ_base (3, ZYX Euler, euler-zyx.ts), q_joint (nj)].
// Input u_k = [f_i for the stance feet at stage k (3 each, world), q̇_joint (nj)]: swing feet have no
// force input at all (the OCP takes per-stage input counts), so their force is exactly zero.
// Continuous dynamics, with the centroidal momentum matrix A_g(q) = [A_b A_j] of the dynamics core:
//   ḣ_g = [Σ f_i + m g;  Σ (r_i(q) − c(q)) × f_i],       r_i: foot positions, c: CoM (forward kinematics)
//   [v_base_world; ω_base_body] = A_b(q)⁻¹ (h_g − A_j(q) q̇_j)  (MuJoCo free-joint velocity)
//   ṗ_base = v_base_world,  Θ̇ = E(Θ)⁻¹ R(Θ) ω_base_body,  q̇_joint = u_joint
// discretized by explicit Euler with step dt.
// Constraints per stage k < N (all hard):
//   stance foot: friction pyramid |f_x|, |f_y| ≤ μ f_z (world z normal), fz_min ≤ f_z ≤ fz_max,
//                zero foot velocity J_i(q) v = 0 (3 equalities);
//   swing foot:  foot height tracking as a velocity-level equality (as legged_control's normal
//                velocity constraint): ż_i = ż_ref + k_p (z_ref − z_i(q)) (1 equality).
// Cost: ½(x − x_ref)ᵀW(x − x_ref) + ½(f − f_w)ᵀW_f(f − f_w) + ½q̇ᵀW_q̇ q̇, f_w the weight shared by the
// stance feet.
// The QP sent to the solver has these equalities eliminated already (eliminateFootRows, default):
// u_k = [stance forces; v_k] with q̇ = q̇0 + Ux x + Z v on the rows' solution set, the same optimum.
//
// Derivatives (what is exact, what is approximated):
//   exact: ∂/∂h, ∂/∂u of everything; the momentum rate's ∂/∂q (through r_i(q) and c(q), from the
//   frame and CoM Jacobians); ∂Θ̇/∂Θ at a fixed ω_base_body; ∂z_i/∂q of the swing rows.
//   dropped (Gauss–Newton-like): ∂A_g/∂q, i.e. the base velocity's dependence on the configuration
//   at fixed momentum and joint rates (zero whenever the momentum and joint rates are zero), and
//   ∂J_i/∂q in the foot-velocity rows (multiplies the foot velocity, zero on a consistent plan).
//
// Reads the model (immutable), the inputs (x0, x_ref, contact, z_ref, vz_ref, elapsed_s). Writes its
// own Data (kinematics scratch), the outputs and the statuses (MPC_* of srbd-mpc.ts). Allocates only
// in the constructor.
import { Model } from '../../model/model'
import { Data } from '../../model/data'
import { JOINT_FREE } from '../../model/joint-type'
import { forwardKinematics } from '../../dynamics/forward-kinematics'
import { framePlacement } from '../../dynamics/frame-placement'
import { frameJacobian } from '../../dynamics/frame-jacobian'
import { centroidalMap } from '../../dynamics/centroidal'
import { OcpDims, OcpBlocks, OcpData, OcpOptions, OcpSolution, OcpWorkspace, OCP_OPTIMAL, OCP_INFEASIBLE, OCP_MAX_ITER } from '../../solvers/ocp/ocp-types'
import { ocpSolve } from '../../solvers/ocp/ocp-ipm'
import { axpy, copy, dot, fill, scal } from '../../solvers/linalg/dense-kernels'
import { choleskyFactor, lowerInverse } from '../../solvers/linalg/cholesky'
import { Elimination, eliminationFactor, eliminationNullspace } from '../../solvers/qp/nullspace-elimination'
import { shiftedPlan } from './shifted-plan'
import { rotationZyx, eulerRateInverse, eulerRateInverseDerivative, quatToRpy, rpyToQuat } from './euler-zyx'
import { MPC_OK, MPC_INFEASIBLE, MPC_MAX_ITER, MPC_NUMERICAL, MPC_BAD_INPUT, MPC_IN_NONE, MPC_IN_X0, MPC_IN_XREF, MPC_IN_CONTACT, MPC_IN_FOOT, MPC_IN_PITCH, MPC_IN_ELAPSED } from './srbd-mpc'

const PITCH_MAX: f64 = 85.0 * Math.PI / 180.0

/** Index of the blocks of the kinodynamic state. */
export const KD_H: i32 = 0
export const KD_P: i32 = 6
export const KD_TH: i32 = 9
export const KD_Q: i32 = 12

/**
 * Kinodynamic MPC configuration. N, dt and the qp_* limits are read at construction (qp_* again by
 * applyOptions()); mu, force bounds, weights and swing_kp at every solve.
 */
export class KinodynamicMpcConfig {
  nj: i32
  N: i32 = 50
  dt: f64 = 0.02
  mu: f64 = 0.6
  fz_min: f64 = 1.0
  fz_max: f64 = 150.0
  /** Diagonal state weights (12 + nj, x layout). */
  w_state: StaticArray<f64>
  w_terminal_scale: f64 = 1.0
  /** Force weights (x, y, z) about the weight share, and the joint-rate weight. */
  w_force: StaticArray<f64> = new StaticArray<f64>(3)
  w_qdot: f64 = 0.05
  /** Position feedback of the swing-height rows [1/s]. */
  swing_kp: f64 = 20.0
  qp_max_iter: i32 = 40
  qp_tol: f64 = 1e-6
  // Active-set start of the OCP solver: on the trot sequence of bench/mpc.bench.ts it solves almost
  // every warm-started QP without interior-point iterations (median solve 7.9 → 4.4 ms, same plan).
  // Start only (OcpOptions.polishStartOnly): when it fails, the interior point runs to tolerance
  // without waiting for later polish attempts (measured: solve p99 ≈ 6.8 → 4.7–5.8 ms).
  qp_polish: bool = true
  // The foot rows (stance J_i v = 0, swing height) only involve q̇ among the inputs, and the q̇ cost
  // is isotropic: the build eliminates them itself (eliminateFootRows below) on the nj q̇ columns,
  // where the OCP solver's generic reduction works on all of [x; u] with dense products (trot of
  // bench/mpc.bench.ts, N = 50: solve p50 ≈ 3.3 → 2.0 ms, same plans to 1e-12). false: the rows go
  // to the QP as stage equalities (same optimum; the reference formulation, for tests).
  eliminate_foot_rows: bool = true
  constructor (nj: i32) {
    this.nj = nj
    const w = new StaticArray<f64>(12 + nj)
    // momentum/m (linear [m/s], angular [m²/s]), base position, Euler angles, joints
    w[0] = 10.0; w[1] = 10.0; w[2] = 10.0
    w[3] = 20.0; w[4] = 20.0; w[5] = 20.0
    w[6] = 200.0; w[7] = 200.0; w[8] = 400.0
    w[9] = 100.0; w[10] = 100.0; w[11] = 50.0
    for (let j = 0; j < nj; j++) w[12 + j] = 5.0
    this.w_state = w
    this.w_force[0] = 1e-3; this.w_force[1] = 1e-3; this.w_force[2] = 1e-3
  }
}

export class KinodynamicMpc {
  model: Model
  data: Data
  cfg: KinodynamicMpcConfig
  N: i32
  nfeet: i32
  nj: i32
  nx: i32
  nuFull: i32                        // 3·nfeet + nj
  mass: f64
  foot_frame: StaticArray<i32>       // (nfeet) frame index of each foot
  // ---- inputs ----
  x0: StaticArray<f64>               // (nx) current state, layout above (setStateFromMujoco fills it)
  x_ref: StaticArray<f64>            // ((N+1) × nx)
  contact: StaticArray<u8>           // (N × nfeet) 1 = stance at stage k
  z_ref: StaticArray<f64>            // (N × nfeet) swing-foot height reference [m] (stance: unused)
  vz_ref: StaticArray<f64>           // (N × nfeet) its rate [m/s]; pass (z_ref,k+1 − z_ref,k)/dt so the Euler plan meets z_ref at every stage
  elapsed_s: f64
  // ---- outputs ----
  f_foot_world: StaticArray<f64>     // (3·nfeet) stage-0 forces [N], 0 on swing feet
  x_pred: StaticArray<f64>           // ((N+1) × nx)
  u_pred: StaticArray<f64>           // (N × (3·nfeet + nj)) forces per foot (0 on swing), then q̇_joint
  v_base_pred: StaticArray<f64>      // (N × 6) planned base velocity [v_world, ω_body] (MuJoCo qvel), from the linearized map
  status: i32 = MPC_OK
  bad_input: i32 = MPC_IN_NONE
  iterations: i32 = 0
  qp_status: i32 = 0
  qp_error: i32 = 0
  qp_error_stage: i32 = -1
  objective: f64 = 0.0
  solves: i32 = 0
  failures: i32 = 0
  // ---- QP ----
  dims: OcpDims
  blocks: OcpBlocks
  qd: OcpData
  sol: OcpSolution
  opts: OcpOptions
  ws: OcpWorkspace
  // ---- linearization ----
  xbar: StaticArray<f64>             // ((N+1) × nx)
  ubar: StaticArray<f64>             // (N × nuFull)
  footCol: StaticArray<i32>          // (N × nfeet) force column of the foot in u_k, −1 on swing
  Minv: StaticArray<f64>             // (N × 36) A_b⁻¹ per stage
  MAj: StaticArray<f64>              // (N × 6 × nj) A_b⁻¹ A_j per stage
  qpos: StaticArray<f64>             // (nq)
  R: StaticArray<f64>                // (9)
  dR: StaticArray<f64>               // (27)
  E: StaticArray<f64>                // (9)
  dE: StaticArray<f64>               // (9)
  T: StaticArray<f64>                // (9) E⁻¹ R
  lu: StaticArray<f64>               // (36) LU scratch
  piv: StaticArray<i32>              // (6)
  vb: StaticArray<f64>               // (6)
  rq: StaticArray<f64>               // ((nfeet + 1) × 3 × (3 + nj)) ∂r_i/∂(Θ, q_j) per foot, then ∂c/∂(Θ, q_j)
  fx: StaticArray<f64>               // (nx) F(x̄, ū)
  // ---- foot rows eliminated in the build (eliminate_foot_rows): q̇_k = q̇0_k + Ux_k x_k + Z_k v_k ----
  el: Elimination                    // QR of the rows' q̇ part (≤ 3·nfeet rows, nj columns)
  nvq: StaticArray<i32>              // (N) entries of v_k (nj − rows); −1: the stage keeps its rows (u_k = [forces; q̇])
  Zq: StaticArray<f64>               // (N × nj × nj) orthonormal basis of the rows' q̇ nullspace (stride nj)
  q0: StaticArray<f64>               // (N × nj) minimum-norm q̇ meeting the rows' constants
  Ux: StaticArray<f64>               // (N × nj × nx) minimum-norm q̇ per unit state (−pinv · Dx)
  objConst: f64 = 0.0                // Σ_k ½ w_q̇ |q̇0_k|²: the objective's constant the QP no longer sees
  Er: StaticArray<f64>               // (3·nfeet × nj) the rows' q̇ part E
  Gm: StaticArray<f64>               // (3·nfeet)² G = E Eᵀ, its Cholesky factor, then G⁻¹
  Gi: StaticArray<f64>               // (3·nfeet)² L⁻¹
  gv: StaticArray<f64>               // (3·nfeet) G⁻¹ e
  Wm: StaticArray<f64>               // (3·nfeet × nx) G⁻¹ Dx
  rowEnd: StaticArray<i32>           // (3·nfeet) one past the last nonzero of each row's Dx
  Bi: StaticArray<f64>               // (3·nfeet + nj) a row of the physical B
  Dr: StaticArray<f64>               // (3·nfeet × nx) the rows' state part
  er: StaticArray<f64>               // (3·nfeet) the rows' constants
  qdg: StaticArray<f64>              // (nx + 3·nfeet) the physical Q's diagonal on [x; forces]
  hasPlan: bool = false
  planAge: f64 = 0.0

  /** footFrames: frame index of each foot (the model's sites at the foot centres). */
  constructor (model: Model, footFrames: StaticArray<i32>, cfg: KinodynamicMpcConfig) {
    assert(model.nlink > 0 && model.link_jtype[0] == JOINT_FREE && model.nq == model.nv + 1, 'KinodynamicMpc: needs a free base and 1-dof joints')
    assert(cfg.nj == model.nv - 6, 'KinodynamicMpc: cfg.nj must be model.nv − 6')
    assert(cfg.N >= 1 && cfg.dt > 0.0, 'KinodynamicMpc: bad horizon')
    this.model = model
    this.data = new Data(model)
    this.cfg = cfg
    const N = cfg.N
    const nf = footFrames.length
    const nj = cfg.nj
    const nx = 12 + nj
    const nuFull = 3 * nf + nj
    this.N = N
    this.nfeet = nf
    this.nj = nj
    this.nx = nx
    this.nuFull = nuFull
    this.mass = model.mass_total
    const ff = new StaticArray<i32>(nf)
    for (let i = 0; i < nf; i++) { assert(footFrames[i] >= 0 && footFrames[i] < model.nframe, 'KinodynamicMpc: bad foot frame'); ff[i] = footFrames[i] }
    this.foot_frame = ff
    this.x0 = new StaticArray<f64>(nx)
    this.x_ref = new StaticArray<f64>((N + 1) * nx)
    this.contact = new StaticArray<u8>(N * nf)
    this.z_ref = new StaticArray<f64>(N * nf)
    this.vz_ref = new StaticArray<f64>(N * nf)
    this.elapsed_s = cfg.dt
    this.f_foot_world = new StaticArray<f64>(3 * nf)
    this.x_pred = new StaticArray<f64>((N + 1) * nx)
    this.u_pred = new StaticArray<f64>(N * nuFull)
    this.v_base_pred = new StaticArray<f64>(N * 6)
    const dims = new OcpDims(N, nx, nuFull, 5 * nf, 3 * nf)
    const blocks = new OcpBlocks(dims)
    this.dims = dims
    this.blocks = blocks
    this.qd = new OcpData(dims, blocks)
    this.sol = new OcpSolution(dims)
    this.opts = new OcpOptions()
    this.ws = new OcpWorkspace(dims)
    this.xbar = new StaticArray<f64>((N + 1) * nx)
    this.ubar = new StaticArray<f64>(N * nuFull)
    this.footCol = new StaticArray<i32>(N * nf)
    this.Minv = new StaticArray<f64>(N * 36)
    this.MAj = new StaticArray<f64>(N * 6 * max(1, nj))
    this.qpos = new StaticArray<f64>(model.nq)
    this.R = new StaticArray<f64>(9)
    this.dR = new StaticArray<f64>(27)
    this.E = new StaticArray<f64>(9)
    this.dE = new StaticArray<f64>(9)
    this.T = new StaticArray<f64>(9)
    this.lu = new StaticArray<f64>(36)
    this.piv = new StaticArray<i32>(6)
    this.vb = new StaticArray<f64>(6)
    this.rq = new StaticArray<f64>((nf + 1) * 3 * (3 + nj))
    this.fx = new StaticArray<f64>(nx)
    this.el = new Elimination(3 * nf, nj)
    this.nvq = new StaticArray<i32>(N)
    this.Zq = new StaticArray<f64>(N * nj * nj)
    this.q0 = new StaticArray<f64>(N * nj)
    this.Ux = new StaticArray<f64>(N * nj * nx)
    this.Er = new StaticArray<f64>(max(1, nj * 3 * nf))
    this.Gm = new StaticArray<f64>(max(1, 9 * nf * nf))
    this.Gi = new StaticArray<f64>(max(1, 9 * nf * nf))
    this.gv = new StaticArray<f64>(max(1, 3 * nf))
    this.Wm = new StaticArray<f64>(max(1, 3 * nf * nx))
    this.rowEnd = new StaticArray<i32>(max(1, 3 * nf))
    this.Bi = new StaticArray<f64>(nuFull)
    this.Dr = new StaticArray<f64>(max(1, 3 * nf * nx))
    this.er = new StaticArray<f64>(max(1, 3 * nf))
    this.qdg = new StaticArray<f64>(nx + 3 * nf)
    this.opts.warmStart = true
    this.opts.shift = false
    // the plan is interpolated, not fed back through the Riccati gains
    this.opts.gains = false
    this.applyOptions()
  }

  applyOptions (): void {
    this.opts.maxIter = this.cfg.qp_max_iter
    this.opts.tolStat = this.cfg.qp_tol
    this.opts.tolEq = this.cfg.qp_tol
    this.opts.tolComp = this.cfg.qp_tol
    this.opts.polish = this.cfg.qp_polish
    this.opts.polishStartOnly = true
  }

  reset (): void {
    this.hasPlan = false
    this.ws.prevValid = false
  }

  /**
   * x0 from a MuJoCo-layout state: h_g = A_g(qpos)·qvel (dynamics core), base position, Euler angles
   * of the base quaternion (yaw unwrapped to within π of x_ref's stage-0 yaw), joint positions.
   */
  setStateFromMujoco (qpos: StaticArray<f64>, qvel: StaticArray<f64>): void {
    const m = this.model
    const d = this.data
    forwardKinematics(m, d, qpos)
    centroidalMap(m, d)
    const nv = m.nv
    for (let r = 0; r < 6; r++) {
      let s = 0.0
      for (let c = 0; c < nv; c++) s += d.centroidal_map[r * nv + c] * qvel[c]
      this.x0[KD_H + r] = s / this.mass
    }
    for (let a = 0; a < 3; a++) this.x0[KD_P + a] = qpos[a]
    quatToRpy(this.x0, KD_TH, qpos[3], qpos[4], qpos[5], qpos[6])
    const twoPi = 2.0 * Math.PI
    this.x0[KD_TH + 2] += twoPi * Math.round((this.x_ref[KD_TH + 2] - this.x0[KD_TH + 2]) / twoPi)
    for (let j = 0; j < this.nj; j++) this.x0[KD_Q + j] = qpos[7 + j]
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
    const nx = this.nx
    if (!finite(this.elapsed_s) || this.elapsed_s < 0.0) return MPC_IN_ELAPSED
    for (let i = 0; i < nx; i++) if (!finite(this.x0[i])) return MPC_IN_X0
    for (let i = 0; i < (N + 1) * nx; i++) if (!finite(this.x_ref[i])) return MPC_IN_XREF
    for (let k = 0; k < N * nf; k++) {
      const c = this.contact[k]
      if (c > 1) return MPC_IN_CONTACT
      if (c == 0 && (!finite(this.z_ref[k]) || !finite(this.vz_ref[k]))) return MPC_IN_FOOT
    }
    if (Math.abs(this.x0[KD_TH + 1]) >= PITCH_MAX) return MPC_IN_PITCH
    for (let k = 0; k <= N; k++) if (Math.abs(this.x_ref[k * nx + KD_TH + 1]) >= PITCH_MAX) return MPC_IN_PITCH
    return MPC_IN_NONE
  }

  /** Input checks, linearization point and QP build (the part of solve() before the QP). Returns MPC_OK, MPC_BAD_INPUT or MPC_NUMERICAL. */
  prepare (): i32 {
    this.bad_input = this.checkInputs()
    if (this.bad_input != MPC_IN_NONE) return MPC_BAD_INPUT
    this.linearizationPoint()
    const elim = this.cfg.eliminate_foot_rows
    this.objConst = 0.0
    for (let k = 0; k <= this.N; k++) {
      if (!this.buildStage(k)) { this.qp_error_stage = k; return MPC_NUMERICAL }
      if (k < this.N) {
        this.nvq[k] = -1
        if (elim) this.eliminateFootRows(k)
      }
    }
    return MPC_OK
  }

  private solveInner (): i32 {
    const N = this.N
    const nf = this.nfeet
    const nx = this.nx
    const nj = this.nj
    const pre = this.prepare()
    if (pre != MPC_OK) return pre
    const d = this.qd
    for (let i = 0; i < nx; i++) d.x0[i] = this.x0[i]
    const st = ocpSolve(this.dims, this.qd, this.blocks, this.sol, this.opts, this.ws)
    this.qp_status = st
    this.qp_error = this.sol.error
    this.qp_error_stage = this.sol.errorStage
    this.iterations = this.sol.iterations
    if (st != OCP_OPTIMAL) {
      if (st == OCP_INFEASIBLE) return MPC_INFEASIBLE
      if (st == OCP_MAX_ITER) return MPC_MAX_ITER
      return MPC_NUMERICAL
    }
    const x = this.sol.x
    for (let i = 0; i < (N + 1) * nx; i++) if (!finite(x[i])) return MPC_NUMERICAL
    const NU = this.dims.nuMax
    const nuF = this.nuFull
    for (let k = 0; k < N; k++) {
      const nu = this.dims.nu[k]
      const uo = k * NU
      for (let i = 0; i < nf; i++) {
        const col = this.footCol[k * nf + i]
        for (let a = 0; a < 3; a++) {
          const v = col >= 0 ? this.sol.u[uo + col + a] : 0.0
          if (!finite(v)) return MPC_NUMERICAL
          this.u_pred[k * nuF + 3 * i + a] = v
        }
      }
      const qo = nu - nj
      const nq = this.nvq[k]
      for (let j = 0; j < nj; j++) {
        let v: f64
        if (nq >= 0) {
          // q̇ = q̇0 + Ux x + Z v (v after the stance forces in u_k)
          const vo = uo + nu - nq
          const ro = (k * nj + j) * nx
          const zo = (k * nj + j) * nj
          v = this.q0[k * nj + j] + dot(this.Ux, ro, x, k * nx, nx) + dot(this.Zq, zo, this.sol.u, vo, nq)
        } else {
          v = this.sol.u[uo + qo + j]
        }
        if (!finite(v)) return MPC_NUMERICAL
        this.u_pred[k * nuF + 3 * nf + j] = v
      }
      // v_base = A_b⁻¹ (m h/m) − A_b⁻¹ A_j q̇ (the stage's linearized map)
      for (let r = 0; r < 6; r++) {
        let s = 0.0
        for (let c = 0; c < 6; c++) s += this.Minv[k * 36 + r * 6 + c] * this.mass * x[k * nx + KD_H + c]
        for (let j = 0; j < nj; j++) s -= this.MAj[(k * 6 + r) * nj + j] * this.u_pred[k * nuF + 3 * nf + j]
        this.v_base_pred[k * 6 + r] = s
      }
    }
    for (let i = 0; i < (N + 1) * nx; i++) this.x_pred[i] = x[i]
    for (let i = 0; i < 3 * nf; i++) this.f_foot_world[i] = this.u_pred[i]
    this.objective = this.sol.objective + this.objConst
    this.hasPlan = true
    this.planAge = 0.0
    return MPC_OK
  }

  /** x̄, ū: the stored plan interpolated at age + k·dt (or x_ref and the weight share cold), x̄_0 = x0. */
  private linearizationPoint (): void {
    const N = this.N
    const nf = this.nfeet
    const nx = this.nx
    const nj = this.nj
    const nuF = this.nuFull
    const dt = this.cfg.dt
    if (this.hasPlan) this.planAge += this.elapsed_s
    const warm = this.hasPlan && this.planAge < N * dt
    const xb = this.xbar
    const ub = this.ubar
    const mg = this.mass * 9.81
    shiftedPlan(xb, this.x_pred, this.x_ref, this.x0, N, nx, this.planAge, dt, warm)
    for (let k = 0; k < N; k++) {
      let ns = 0
      for (let i = 0; i < nf; i++) ns += <i32>this.contact[k * nf + i]
      const share = ns > 0 ? mg / <f64>ns : 0.0
      const ks = warm ? min(<i32>Math.floor(this.planAge / dt + <f64>k), N - 1) : -1
      for (let i = 0; i < nf; i++) {
        const o = k * nuF + 3 * i
        ub[o] = 0.0; ub[o + 1] = 0.0; ub[o + 2] = 0.0
        if (this.contact[k * nf + i] == 0) continue
        const so = ks * nuF + 3 * i
        if (ks >= 0 && this.u_pred[so + 2] > 0.0) {
          ub[o] = this.u_pred[so]; ub[o + 1] = this.u_pred[so + 1]; ub[o + 2] = this.u_pred[so + 2]
        } else {
          ub[o + 2] = share
        }
      }
      for (let j = 0; j < nj; j++) ub[k * nuF + 3 * nf + j] = ks >= 0 ? this.u_pred[ks * nuF + 3 * nf + j] : 0.0
    }
  }

  /**
   * Kinematics at the state x (forward kinematics, centroidal map, foot placements and Jacobians)
   * into this.data, and R/dR of the base.
   */
  kinematicsAt (x: StaticArray<f64>, xo: i32): void {
    const m = this.model
    const d = this.data
    const q = this.qpos
    for (let a = 0; a < 3; a++) q[a] = x[xo + KD_P + a]
    rpyToQuat(q, 3, x[xo + KD_TH], x[xo + KD_TH + 1], x[xo + KD_TH + 2])
    for (let j = 0; j < this.nj; j++) q[7 + j] = x[xo + KD_Q + j]
    forwardKinematics(m, d, q)
    centroidalMap(m, d)
    for (let i = 0; i < this.nfeet; i++) {
      framePlacement(m, d, this.foot_frame[i])
      frameJacobian(m, d, this.foot_frame[i])
    }
    rotationZyx(this.R, this.dR, x[xo + KD_TH], x[xo + KD_TH + 1], x[xo + KD_TH + 2])
  }

  /** Discrete step x⁺ = F(x, u) into out[oo..] (u in the full layout: every foot, then q̇), with the kinematics of x. */
  stepFull (x: StaticArray<f64>, xo: i32, u: StaticArray<f64>, uo: i32, stance: StaticArray<u8>, so: i32, out: StaticArray<f64>, oo: i32): bool {
    this.kinematicsAt(x, xo)
    if (!this.baseMap(this.lu, this.piv)) return false
    this.nonlinearStep(x, xo, u, uo, stance, so, out, oo, this.lu, this.piv)
    return true
  }

  /** LU of A_b (6 × 6, partial pivoting) from data.centroidal_map into lu/piv; false when singular. */
  private baseMap (lu: StaticArray<f64>, piv: StaticArray<i32>): bool {
    const nv = this.model.nv
    const Ag = this.data.centroidal_map
    for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) lu[r * 6 + c] = Ag[r * nv + c]
    for (let c = 0; c < 6; c++) {
      let p = c
      let best = Math.abs(lu[c * 6 + c])
      for (let r = c + 1; r < 6; r++) { const v = Math.abs(lu[r * 6 + c]); if (v > best) { best = v; p = r } }
      if (!(best > 1e-12)) return false
      piv[c] = p
      if (p != c) for (let j = 0; j < 6; j++) { const t = lu[c * 6 + j]; lu[c * 6 + j] = lu[p * 6 + j]; lu[p * 6 + j] = t }
      const inv = 1.0 / lu[c * 6 + c]
      for (let r = c + 1; r < 6; r++) {
        const l = lu[r * 6 + c] * inv
        lu[r * 6 + c] = l
        if (l != 0.0) for (let j = c + 1; j < 6; j++) lu[r * 6 + j] -= l * lu[c * 6 + j]
      }
    }
    return true
  }

  /** b ← A_b⁻¹ b (6, at bo) with the LU of baseMap. */
  private luSolve (lu: StaticArray<f64>, piv: StaticArray<i32>, b: StaticArray<f64>, bo: i32, stride: i32): void {
    for (let c = 0; c < 6; c++) {
      const p = piv[c]
      if (p != c) { const t = b[bo + c * stride]; b[bo + c * stride] = b[bo + p * stride]; b[bo + p * stride] = t }
    }
    for (let r = 1; r < 6; r++) {
      let s = b[bo + r * stride]
      for (let c = 0; c < r; c++) s -= lu[r * 6 + c] * b[bo + c * stride]
      b[bo + r * stride] = s
    }
    for (let r = 5; r >= 0; r--) {
      let s = b[bo + r * stride]
      for (let c = r + 1; c < 6; c++) s -= lu[r * 6 + c] * b[bo + c * stride]
      b[bo + r * stride] = s / lu[r * 6 + r]
    }
  }

  /**
   * B ← A_b⁻¹ B for the 6 × n row-major block at bo, with the LU of baseMap: luSolve on every column
   * at once, as row operations of length n (same operations per entry, contiguous).
   */
  private luSolveRows (lu: StaticArray<f64>, piv: StaticArray<i32>, b: StaticArray<f64>, bo: i32, n: i32): void {
    for (let c = 0; c < 6; c++) {
      const p = piv[c]
      if (p != c) for (let j = 0; j < n; j++) { const t = b[bo + c * n + j]; b[bo + c * n + j] = b[bo + p * n + j]; b[bo + p * n + j] = t }
    }
    for (let r = 1; r < 6; r++) for (let c = 0; c < r; c++) axpy(b, bo + r * n, -lu[r * 6 + c], b, bo + c * n, n)
    for (let r = 5; r >= 0; r--) {
      for (let c = r + 1; c < 6; c++) axpy(b, bo + r * n, -lu[r * 6 + c], b, bo + c * n, n)
      const d = lu[r * 6 + r]
      for (let j = 0; j < n; j++) b[bo + r * n + j] /= d
    }
  }

  /** F(x, u) with the kinematics of x already in this.data (explicit Euler). */
  private nonlinearStep (x: StaticArray<f64>, xo: i32, u: StaticArray<f64>, uo: i32, stance: StaticArray<u8>, so: i32,
    out: StaticArray<f64>, oo: i32, lu: StaticArray<f64>, piv: StaticArray<i32>): void {
    const d = this.data
    const nv = this.model.nv
    const nf = this.nfeet
    const nj = this.nj
    const m = this.mass
    const dt = this.cfg.dt
    const cx = d.com[0]; const cy = d.com[1]; const cz = d.com[2]
    let Fx = 0.0; let Fy = 0.0; let Fz = 0.0; let tx = 0.0; let ty = 0.0; let tz = 0.0
    for (let i = 0; i < nf; i++) {
      if (stance[so + i] == 0) continue
      const fo = 3 * this.foot_frame[i]
      const rx = d.frame_pos[fo] - cx; const ry = d.frame_pos[fo + 1] - cy; const rz = d.frame_pos[fo + 2] - cz
      const fx = u[uo + 3 * i]; const fy = u[uo + 3 * i + 1]; const fz = u[uo + 3 * i + 2]
      Fx += fx; Fy += fy; Fz += fz
      tx += ry * fz - rz * fy
      ty += rz * fx - rx * fz
      tz += rx * fy - ry * fx
    }
    const g = this.model.gravity
    out[oo] = x[xo] + dt * (Fx / m + g[0])
    out[oo + 1] = x[xo + 1] + dt * (Fy / m + g[1])
    out[oo + 2] = x[xo + 2] + dt * (Fz / m + g[2])
    out[oo + 3] = x[xo + 3] + dt * tx / m
    out[oo + 4] = x[xo + 4] + dt * ty / m
    out[oo + 5] = x[xo + 5] + dt * tz / m
    // v_b = A_b⁻¹ (h − A_j q̇)
    const vb = this.vb
    const Ag = d.centroidal_map
    for (let r = 0; r < 6; r++) {
      let s = m * x[xo + r]
      for (let j = 0; j < nj; j++) s -= Ag[r * nv + 6 + j] * u[uo + 3 * nf + j]
      vb[r] = s
    }
    this.luSolve(lu, piv, vb, 0, 1)
    for (let a = 0; a < 3; a++) out[oo + KD_P + a] = x[xo + KD_P + a] + dt * vb[a]
    // Θ̇ = E⁻¹ R ω_body
    const R = this.R
    const wx = R[0] * vb[3] + R[1] * vb[4] + R[2] * vb[5]
    const wy = R[3] * vb[3] + R[4] * vb[4] + R[5] * vb[5]
    const wz = R[6] * vb[3] + R[7] * vb[4] + R[8] * vb[5]
    const E = this.E
    eulerRateInverse(E, x[xo + KD_TH + 1], x[xo + KD_TH + 2])
    out[oo + KD_TH] = x[xo + KD_TH] + dt * (E[0] * wx + E[1] * wy)
    out[oo + KD_TH + 1] = x[xo + KD_TH + 1] + dt * (E[3] * wx + E[4] * wy)
    out[oo + KD_TH + 2] = x[xo + KD_TH + 2] + dt * (E[6] * wx + E[7] * wy + wz)
    for (let j = 0; j < nj; j++) out[oo + KD_Q + j] = x[xo + KD_Q + j] + dt * u[uo + 3 * nf + j]
  }

  /**
   * ∂r/∂(Θ, q_j) (3 × (3 + nj)) of foot i (i < nfeet) or of the CoM (i = nfeet) into rq, from the
   * kinematics in this.data: Θ columns dR_j Rᵀ (r − p_base), joint columns from the Jacobians.
   */
  private positionDerivatives (x: StaticArray<f64>, xo: i32): void {
    const d = this.data
    const nv = this.model.nv
    const nj = this.nj
    const nf = this.nfeet
    const w = 3 + nj
    const R = this.R
    const dR = this.dR
    for (let i = 0; i <= nf; i++) {
      let px: f64, py: f64, pz: f64
      if (i < nf) {
        const fo = 3 * this.foot_frame[i]
        px = d.frame_pos[fo]; py = d.frame_pos[fo + 1]; pz = d.frame_pos[fo + 2]
      } else {
        px = d.com[0]; py = d.com[1]; pz = d.com[2]
      }
      px -= x[xo + KD_P]; py -= x[xo + KD_P + 1]; pz -= x[xo + KD_P + 2]
      // body-frame offset b = Rᵀ (r − p)
      const bx = R[0] * px + R[3] * py + R[6] * pz
      const by = R[1] * px + R[4] * py + R[7] * pz
      const bz = R[2] * px + R[5] * py + R[8] * pz
      const o = i * 3 * w
      for (let j = 0; j < 3; j++) {
        for (let a = 0; a < 3; a++) this.rq[o + a * w + j] = dR[9 * j + 3 * a] * bx + dR[9 * j + 3 * a + 1] * by + dR[9 * j + 3 * a + 2] * bz
      }
      for (let a = 0; a < 3; a++) {
        for (let j = 0; j < nj; j++) {
          this.rq[o + a * w + 3 + j] = i < nf ? d.frame_jac[this.foot_frame[i] * 6 * nv + a * nv + 6 + j] : d.com_jac[a * nv + 6 + j]
        }
      }
    }
  }

  /** Cost, linearized dynamics and constraints of stage k into the OCP data. */
  private buildStage (k: i32): bool {
    const N = this.N
    const nf = this.nfeet
    const nx = this.nx
    const nj = this.nj
    const nuF = this.nuFull
    const cfg = this.cfg
    const dims = this.dims
    const bl = this.blocks
    const D = this.qd
    const m = this.mass
    const dt = cfg.dt
    if (k == 0) {
      dims.N = N
      dims.nx = nx
      dims.x0Fixed = true
    }
    let ns = 0
    if (k < N) {
      for (let i = 0; i < nf; i++) {
        if (this.contact[k * nf + i] != 0) { this.footCol[k * nf + i] = 3 * ns; ns++ } else this.footCol[k * nf + i] = -1
      }
    }
    const nu = k < N ? 3 * ns + nj : 0
    const ng = k < N ? 5 * ns : 0
    const ne = k < N ? 3 * ns + (nf - ns) : 0
    dims.nu[k] = nu
    dims.ng[k] = ng
    dims.ne[k] = ne
    const nxu = nx + nu
    const qc = 3 * ns                  // first q̇ column in u_k
    // ---- cost ----
    const Qo = k * bl.Q
    const qo = k * bl.q
    fill(D.Q, Qo, 0.0, nxu * nxu)
    const scale = k == N ? cfg.w_terminal_scale : 1.0
    for (let i = 0; i < nx; i++) {
      const w = scale * cfg.w_state[i]
      D.Q[Qo + i * nxu + i] = w
      D.q[qo + i] = -w * this.x_ref[k * nx + i]
    }
    if (k == N) return true
    const share = ns > 0 ? m * 9.81 / <f64>ns : 0.0
    for (let a = 0; a < 3 * ns; a++) {
      const w = cfg.w_force[a % 3]
      D.Q[Qo + (nx + a) * nxu + nx + a] = w
      D.q[qo + nx + a] = a % 3 == 2 ? -w * share : 0.0
    }
    for (let j = 0; j < nj; j++) {
      D.Q[Qo + (nx + qc + j) * nxu + nx + qc + j] = cfg.w_qdot
      D.q[qo + nx + qc + j] = 0.0
    }

    // ---- kinematics and nonlinear step at (x̄_k, ū_k) ----
    const xb = this.xbar
    const xo = k * nx
    const ub = this.ubar
    const uo = k * nuF
    this.kinematicsAt(xb, xo)
    if (!this.baseMap(this.lu, this.piv)) return false
    this.nonlinearStep(xb, xo, ub, uo, this.contact, k * nf, this.fx, 0, this.lu, this.piv)
    this.positionDerivatives(xb, xo)
    const d = this.data
    const nv = this.model.nv
    const Ag = d.centroidal_map
    // A_b⁻¹ (columns of the identity) and A_b⁻¹ A_j
    const Mi = this.Minv
    const mo = k * 36
    for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) Mi[mo + r * 6 + c] = r == c ? 1.0 : 0.0
    this.luSolveRows(this.lu, this.piv, Mi, mo, 6)
    const MA = this.MAj
    const ao = k * 6 * nj
    for (let r = 0; r < 6; r++) copy(MA, ao + r * nj, Ag, r * nv + 6, nj)
    this.luSolveRows(this.lu, this.piv, MA, ao, nj)
    // T = E⁻¹ R, ω_world = R ω_body (ω_body from the nonlinear step's v_b)
    const R = this.R
    const E = this.E
    const T = this.T
    for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) T[a * 3 + c] = E[a * 3] * R[c] + E[a * 3 + 1] * R[3 + c] + E[a * 3 + 2] * R[6 + c]
    const vb = this.vb
    const wwx = R[0] * vb[3] + R[1] * vb[4] + R[2] * vb[5]
    const wwy = R[3] * vb[3] + R[4] * vb[4] + R[5] * vb[5]
    eulerRateInverseDerivative(this.dE, xb[xo + KD_TH + 1], xb[xo + KD_TH + 2], wwx, wwy)

    // ---- A (nx × nx) ----
    const A = D.A
    const Ao = k * bl.A
    fill(A, Ao, 0.0, nx * nx)
    for (let i = 0; i < nx; i++) A[Ao + i * nx + i] = 1.0
    // momentum rows: ∂/∂(Θ, q_j) of Σ (r_i − c) × f_i / m = Σ −[f_i]× (∂r_i − ∂c) / m
    const w = 3 + nj
    const co = nf * 3 * w
    for (let i = 0; i < nf; i++) {
      if (this.contact[k * nf + i] == 0) continue
      const fx = ub[uo + 3 * i]; const fy = ub[uo + 3 * i + 1]; const fz = ub[uo + 3 * i + 2]
      const ro = i * 3 * w
      for (let c = 0; c < w; c++) {
        const gx = this.rq[ro + c] - this.rq[co + c]
        const gy = this.rq[ro + w + c] - this.rq[co + w + c]
        const gz = this.rq[ro + 2 * w + c] - this.rq[co + 2 * w + c]
        // −f × g
        const col = KD_TH + c
        A[Ao + 3 * nx + col] -= dt / m * (fy * gz - fz * gy)
        A[Ao + 4 * nx + col] -= dt / m * (fz * gx - fx * gz)
        A[Ao + 5 * nx + col] -= dt / m * (fx * gy - fy * gx)
      }
    }
    // base position rows: dt m A_b⁻¹[0:3] on h/m
    for (let a = 0; a < 3; a++) for (let c = 0; c < 6; c++) A[Ao + (KD_P + a) * nx + KD_H + c] = dt * m * Mi[mo + a * 6 + c]
    // Euler rows: dt m T A_b⁻¹[3:6] on h/m; I + dt (dE + E⁻¹ dR_j ω_body) on Θ
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 6; c++) {
        const s = T[a * 3] * Mi[mo + 18 + c] + T[a * 3 + 1] * Mi[mo + 24 + c] + T[a * 3 + 2] * Mi[mo + 30 + c]
        A[Ao + (KD_TH + a) * nx + KD_H + c] = dt * m * s
      }
    }
    const dR = this.dR
    for (let j = 0; j < 3; j++) {
      const ux = dR[9 * j] * vb[3] + dR[9 * j + 1] * vb[4] + dR[9 * j + 2] * vb[5]
      const uy = dR[9 * j + 3] * vb[3] + dR[9 * j + 4] * vb[4] + dR[9 * j + 5] * vb[5]
      const uz = dR[9 * j + 6] * vb[3] + dR[9 * j + 7] * vb[4] + dR[9 * j + 8] * vb[5]
      for (let a = 0; a < 3; a++) {
        A[Ao + (KD_TH + a) * nx + KD_TH + j] += dt * (this.dE[a * 3 + j] + E[a * 3] * ux + E[a * 3 + 1] * uy + E[a * 3 + 2] * uz)
      }
    }

    // ---- B (nx × nu): [stance forces | q̇] ----
    const B = D.B
    const Bo = k * bl.B
    fill(B, Bo, 0.0, nx * nu)
    const cx = d.com[0]; const cy = d.com[1]; const cz = d.com[2]
    for (let i = 0; i < nf; i++) {
      const col = this.footCol[k * nf + i]
      if (col < 0) continue
      const fo = 3 * this.foot_frame[i]
      const rx = d.frame_pos[fo] - cx; const ry = d.frame_pos[fo + 1] - cy; const rz = d.frame_pos[fo + 2] - cz
      const s = dt / m
      for (let a = 0; a < 3; a++) B[Bo + a * nu + col + a] = s
      // [r]×
      B[Bo + 3 * nu + col + 1] = -s * rz; B[Bo + 3 * nu + col + 2] = s * ry
      B[Bo + 4 * nu + col] = s * rz; B[Bo + 4 * nu + col + 2] = -s * rx
      B[Bo + 5 * nu + col] = -s * ry; B[Bo + 5 * nu + col + 1] = s * rx
    }
    for (let j = 0; j < nj; j++) {
      for (let a = 0; a < 3; a++) {
        B[Bo + (KD_P + a) * nu + qc + j] = -dt * MA[ao + a * nj + j]
        const s = T[a * 3] * MA[ao + 3 * nj + j] + T[a * 3 + 1] * MA[ao + 4 * nj + j] + T[a * 3 + 2] * MA[ao + 5 * nj + j]
        B[Bo + (KD_TH + a) * nu + qc + j] = -dt * s
      }
      B[Bo + (KD_Q + j) * nu + qc + j] = dt
    }
    // c = F(x̄, ū) − A x̄ − B ū
    const c = D.c
    const cOff = k * bl.c
    for (let i = 0; i < nx; i++) {
      let s = this.fx[i] - dot(A, Ao + i * nx, xb, xo, nx)
      for (let f = 0; f < nf; f++) {
        const col = this.footCol[k * nf + f]
        if (col < 0) continue
        for (let a = 0; a < 3; a++) s -= B[Bo + i * nu + col + a] * ub[uo + 3 * f + a]
      }
      s -= dot(B, Bo + i * nu + qc, ub, uo + 3 * nf, nj)
      c[cOff + i] = s
    }

    // ---- equalities: stance J_i v = 0 (3 rows), swing ż = ż_ref + k_p (z_ref − z) (1 row) ----
    // J_i v = J_ib v_b + J_ij q̇ = m J_ib A_b⁻¹ (h/m) + (J_ij − J_ib A_b⁻¹ A_j) q̇
    const Dx = D.Dx
    const Eu = D.Eu
    const e = D.e
    const Dxo = k * bl.Dx
    const Euo = k * bl.Eu
    const eo = k * bl.e
    fill(Dx, Dxo, 0.0, ne * nx)
    fill(Eu, Euo, 0.0, ne * nu)
    let row = 0
    const kp = cfg.swing_kp
    for (let i = 0; i < nf; i++) {
      const stance = this.contact[k * nf + i] != 0
      const J = d.frame_jac
      const jo = this.foot_frame[i] * 6 * nv
      const a0 = stance ? 0 : 2
      for (let a = a0; a < 3; a++) {
        const jr = jo + a * nv
        // row-wise (contiguous products): m J_ib A_b⁻¹, J_ij − J_ib (A_b⁻¹ A_j)
        const dr = Dxo + row * nx + KD_H
        const eur = Euo + row * nu + qc
        copy(Eu, eur, J, jr + 6, nj)
        for (let b = 0; b < 6; b++) {
          const jb = J[jr + b]
          axpy(Dx, dr, jb, Mi, mo + b * 6, 6)
          axpy(Eu, eur, -jb, MA, ao + b * nj, nj)
        }
        scal(Dx, dr, m, 6)
        if (stance) {
          e[eo + row] = 0.0
        } else {
          // + k_p ∂z/∂(p, Θ, q_j) (x − x̄) on the left, constant on the right
          const ro = i * 3 * w + 2 * w
          let lin = kp * xb[xo + KD_P + 2]
          Dx[Dxo + row * nx + KD_P + 2] = kp
          for (let cc = 0; cc < w; cc++) {
            const gcol = kp * this.rq[ro + cc]
            Dx[Dxo + row * nx + KD_TH + cc] = gcol
            lin += gcol * xb[xo + KD_TH + cc]
          }
          const zf = d.frame_pos[3 * this.foot_frame[i] + 2]
          e[eo + row] = this.vz_ref[k * nf + i] + kp * (this.z_ref[k * nf + i] - zf) + lin
        }
        row++
      }
    }

    // ---- force rows per stance foot ----
    const Gx = D.Gx
    const Gu = D.Gu
    const Gxo = k * bl.Gx
    const Guo = k * bl.Gu
    const go = k * bl.g
    fill(Gx, Gxo, 0.0, ng * nx)
    fill(Gu, Guo, 0.0, ng * nu)
    const mu = cfg.mu
    const inf = Infinity
    for (let j = 0; j < ns; j++) {
      const r = 5 * j
      const cc = 3 * j
      Gu[Guo + r * nu + cc] = 1.0; Gu[Guo + r * nu + cc + 2] = -mu
      D.lg[go + r] = -inf; D.ug[go + r] = 0.0
      Gu[Guo + (r + 1) * nu + cc] = 1.0; Gu[Guo + (r + 1) * nu + cc + 2] = mu
      D.lg[go + r + 1] = 0.0; D.ug[go + r + 1] = inf
      Gu[Guo + (r + 2) * nu + cc + 1] = 1.0; Gu[Guo + (r + 2) * nu + cc + 2] = -mu
      D.lg[go + r + 2] = -inf; D.ug[go + r + 2] = 0.0
      Gu[Guo + (r + 3) * nu + cc + 1] = 1.0; Gu[Guo + (r + 3) * nu + cc + 2] = mu
      D.lg[go + r + 3] = 0.0; D.ug[go + r + 3] = inf
      Gu[Guo + (r + 4) * nu + cc + 2] = 1.0
      D.lg[go + r + 4] = cfg.fz_min; D.ug[go + r + 4] = cfg.fz_max
    }
    return true
  }

  /**
   * Stage k's foot rows Dx x + E q̇ = e (the physical build's equalities; E: their q̇ columns, the
   * force columns are zero) eliminated from its QP blocks: q̇ = q̇0 + Ux x + Z v, Z an orthonormal
   * basis of null(E) (the QR of nullspace-elimination.ts on the nj q̇ columns only; it also makes
   * the rank decision, on rows scaled as the OCP solver's reduction scales them), and the
   * minimum-norm parts q̇0 = Eᵀ G⁻¹ e, Ux = −Eᵀ G⁻¹ Dx with G = E Eᵀ (ne × ne, Cholesky: a few
   * dozen short products instead of a QR solve per row). Then u_k = [stance forces; v] and
   *   A ← A + B_q Ux,  B ← [B_f  B_q Z],  c ← c + B_q q̇0,
   *   ½ w |q̇|² = ½ w (|q̇0 + Ux x|² + |v|²)   (q̇0 and Ux's columns lie in range(Eᵀ) ⟂ Z),
   * with Uxᵀ Ux = Dxᵀ G⁻¹ Dx, Uxᵀ q̇0 = −Dxᵀ G⁻¹ e, |q̇0|² = eᵀ G⁻¹ e: the q̇ cost adds
   * w Dxᵀ G⁻¹ Dx and −w Dxᵀ G⁻¹ e to the state block, w I on v and ½ w eᵀ G⁻¹ e to the objective.
   * The pyramid rows only touch forces. Writes dims.nu[k], dims.ne[k] = 0, the stage's QP blocks
   * and nvq, Zq, q0, Ux of stage k. Leaves the stage as built (rows as equalities, for the OCP
   * solver's QR, which also reports a rank deficiency) and returns false when E is rank deficient
   * or so ill-conditioned that the normal equations would lose digits the QR keeps.
   */
  private eliminateFootRows (k: i32): bool {
    const nx = this.nx
    const nj = this.nj
    const dims = this.dims
    const bl = this.blocks
    const D = this.qd
    const nu = dims.nu[k]
    const ne = dims.ne[k]
    const ng = dims.ng[k]
    const nuf = nu - nj                // stance force inputs, ahead of q̇
    const nq = nj - ne
    if (nq < 0) return false
    const nuR = nuf + nq
    const el = this.el
    const es = el.nzMax
    const Bo = k * bl.B
    const Dxo = k * bl.Dx
    const Euo = k * bl.Eu
    const Dr = this.Dr
    const Er = this.Er
    const rowEnd = this.rowEnd
    const Eu = D.Eu
    const Dx = D.Dx
    const er = this.er
    // rows: E (also scaled into the QR), Dx and the end of each Dx row's nonzeros (stance rows read
    // only the momentum columns, swing rows also the base pose and their leg's joints)
    for (let i = 0; i < ne; i++) {
      let s2 = 0.0
      for (let j = 0; j < nj; j++) { const v = unchecked(Eu[Euo + i * nu + nuf + j]); unchecked(Er[i * nj + j] = v); unchecked(el.D[i * es + j] = v); s2 += v * v }
      let end = 0
      for (let c = 0; c < nx; c++) {
        const v = unchecked(Dx[Dxo + i * nx + c])
        unchecked(Dr[i * nx + c] = v)
        if (v != 0.0) { s2 += v * v; end = c + 1 }
      }
      unchecked(rowEnd[i] = end)
      el.scale[i] = s2 > 0.0 ? 1.0 / Math.sqrt(s2) : 1.0
      unchecked(er[i] = D.e[k * bl.e + i])
    }
    const Z = this.Zq
    const zo = k * nj * nj
    if (ne > 0) {
      if (eliminationFactor(el, ne, nj, 1e-10) < ne) return false
      eliminationNullspace(el)
      for (let j = 0; j < nj; j++) for (let b = 0; b < nq; b++) unchecked(Z[zo + j * nj + b] = unchecked(el.M[j * es + b]))
    } else {
      for (let j = 0; j < nj; j++) for (let b = 0; b < nj; b++) unchecked(Z[zo + j * nj + b] = j == b ? 1.0 : 0.0)
    }
    // G⁻¹ = L⁻ᵀ L⁻¹ (G = L Lᵀ). The normal equations square E's condition number: stages where a
    // pivot falls below 1e-8 of G's largest diagonal (cond(E) ≳ 1e4: ≥ 8 digits lost) keep their
    // rows (on the trot of bench/mpc.bench.ts cond(E) ≤ 3.1)
    const G = this.Gm
    const Li = this.Gi
    let gmax = 0.0
    for (let i = 0; i < ne; i++) {
      for (let l = 0; l <= i; l++) unchecked(G[i * ne + l] = dot(Er, i * nj, Er, l * nj, nj))
      gmax = max(gmax, unchecked(G[i * ne + i]))
    }
    if (choleskyFactor(G, 0, G, 0, ne, ne, 0.0) != 0) return false
    for (let i = 0; i < ne; i++) { const l = unchecked(G[i * ne + i]); if (!(l * l > 1e-8 * gmax)) return false }
    lowerInverse(Li, 0, G, 0, ne, ne)
    const Gi = G                       // (L is no longer needed)
    for (let a = 0; a < ne; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0.0
        for (let r = a; r < ne; r++) s += unchecked(Li[r * ne + a]) * unchecked(Li[r * ne + b])
        unchecked(Gi[a * ne + b] = s)
        unchecked(Gi[b * ne + a] = s)
      }
    }
    // g = G⁻¹ e, W = G⁻¹ Dx (ne × nx, rows to the longest row end)
    const g = this.gv
    const W = this.Wm
    let wEnd = 0
    for (let i = 0; i < ne; i++) wEnd = max(wEnd, unchecked(rowEnd[i]))
    let eg = 0.0
    for (let i = 0; i < ne; i++) {
      let s = 0.0
      fill(W, i * nx, 0.0, wEnd)
      for (let l = 0; l < ne; l++) {
        const v = unchecked(Gi[i * ne + l])
        s += v * unchecked(er[l])
        axpy(W, i * nx, v, Dr, l * nx, unchecked(rowEnd[l]))
      }
      unchecked(g[i] = s)
      eg += s * unchecked(er[i])
    }
    // q̇0 = Eᵀ g, Ux = −Eᵀ W (row j: −Σ_i E_ij W_i)
    const q0 = this.q0
    const qo0 = k * nj
    const Ux = this.Ux
    const uxo = k * nj * nx
    for (let j = 0; j < nj; j++) {
      let s = 0.0
      for (let i = 0; i < ne; i++) s += unchecked(Er[i * nj + j]) * unchecked(g[i])
      unchecked(q0[qo0 + j] = s)
      const ro = uxo + j * nx
      fill(Ux, ro, 0.0, nx)
      for (let i = 0; i < ne; i++) axpy(Ux, ro, -unchecked(Er[i * nj + j]), W, i * nx, wEnd)
    }
    const w = this.cfg.w_qdot
    this.objConst += 0.5 * w * eg
    this.nvq[k] = nq

    // ---- dynamics (B restrided in place, row by row: row i of the new B starts no later than the old
    // one, so each old row is copied out before the new one is written) ----
    const Bi = this.Bi
    const B = D.B
    const A = D.A
    const Ao = k * bl.A
    const cOff = k * bl.c
    for (let i = 0; i < nx; i++) {
      copy(Bi, 0, B, Bo + i * nu, nu)
      let ci = unchecked(D.c[cOff + i])
      const ai = Ao + i * nx
      const bi = Bo + i * nuR
      copy(B, bi, Bi, 0, nuf)
      fill(B, bi + nuf, 0.0, nq)
      for (let j = 0; j < nj; j++) {
        // B_q is sparse (zero on the momentum rows, diagonal on the joint rows)
        const v = unchecked(Bi[nuf + j])
        if (v == 0.0) continue
        ci += v * unchecked(q0[qo0 + j])
        axpy(A, ai, v, Ux, uxo + j * nx, wEnd)
        const zr = zo + j * nj
        for (let b = 0; b < nq; b++) unchecked(B[bi + nuf + b] += v * unchecked(Z[zr + b]))
      }
      unchecked(D.c[cOff + i] = ci)
    }

    // ---- cost: the physical Q is diagonal (state, force and q̇ weights) ----
    const nxu = nx + nu
    const nxuR = nx + nuR
    const Q = D.Q
    const Qo = k * bl.Q
    const qo = k * bl.q
    const dg = this.qdg
    for (let i = 0; i < nx + nuf; i++) unchecked(dg[i] = unchecked(Q[Qo + i * nxu + i]))
    fill(Q, Qo, 0.0, nxuR * nxuR)
    for (let i = 0; i < nx + nuf; i++) unchecked(Q[Qo + i * nxuR + i] = unchecked(dg[i]))
    for (let b = 0; b < nq; b++) {
      unchecked(Q[Qo + (nx + nuf + b) * nxuR + nx + nuf + b] = w)
      unchecked(D.q[qo + nx + nuf + b] = 0.0)
    }
    // w Dxᵀ W = w Dxᵀ G⁻¹ Dx, −w Dxᵀ g (by the nonzeros of Dx)
    for (let i = 0; i < ne; i++) {
      const end = unchecked(rowEnd[i])
      const gi = -w * unchecked(g[i])
      for (let c = 0; c < end; c++) {
        const v = unchecked(Dr[i * nx + c])
        if (v == 0.0) continue
        unchecked(D.q[qo + c] += gi * v)
        axpy(Q, Qo + c * nxuR, w * v, W, i * nx, wEnd)
      }
    }

    // ---- pyramid rows: force columns only, restrided (in place: the new stride is the smaller) ----
    const Gu = D.Gu
    const Guo = k * bl.Gu
    for (let r = 0; r < ng; r++) {
      for (let a = 0; a < nuf; a++) unchecked(Gu[Guo + r * nuR + a] = unchecked(Gu[Guo + r * nu + a]))
      for (let b = 0; b < nq; b++) unchecked(Gu[Guo + r * nuR + nuf + b] = 0.0)
    }
    dims.nu[k] = nuR
    dims.ne[k] = 0
    return true
  }

  /**
   * Test hook: the QP blocks of stage 0 linearized at (x, u) (u in the full layout) with the given
   * stance flags. Overwrites stage 0 of contact and of the linearization point.
   */
  linearizeAt (x: StaticArray<f64>, u: StaticArray<f64>, stance: StaticArray<u8>): bool {
    const nf = this.nfeet
    for (let i = 0; i < this.nx; i++) this.xbar[i] = x[i]
    for (let i = 0; i < this.nuFull; i++) this.ubar[i] = u[i]
    for (let i = 0; i < nf; i++) this.contact[i] = stance[i]
    return this.buildStage(0)
  }
}

@inline function finite (v: f64): bool { return v - v == 0.0 }
