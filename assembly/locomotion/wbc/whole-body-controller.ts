// Strictly prioritized whole-body controller (inverse dynamics on a hierarchy of tasks, as in
// TSID / Herzog et al. 2016 "Momentum control with hierarchical inverse dynamics on a
// torque-controlled humanoid", solved by the lexicographic HQP of assembly/solvers/hqp).
//
// Decision vector x = [qdd (nv); f_world of each stance foot (3·nstance)]: generalized
// accelerations (MuJoCo layout: base linear acceleration world, base angular acceleration body,
// joints) and the force the ground applies on each stance foot, world frame. The problem shrinks
// with the contact set: a swing foot has no force variables (its force is zero by construction,
// which is cheaper than pinning 3 variables through the HQP's box: that would make the nullspace
// basis dense from the start), and the stance-only rows (no-slip, friction, force tracking) exist
// for stance feet only. The HQP is sized once for all feet in stance.
// Torques are not variables: τ = (M·qdd + h − Σ J_iᵀ f_i) on the actuated rows.
//
// Tasks (one file each under tasks/) and their default levels (config: level_*, w_*):
//   1: floating-base dynamics (6 unactuated EoM rows), torque limits, friction pyramids,
//      stance-foot no-slip (J·qdd + J̇·v = 0)
//   2: base pose (PD + ff on the plan), swing feet (PD + ff)
//   3: contact-force tracking (the MPC's forces), posture
// Levels with no rows are skipped (the HQP sees only non-empty levels).
//
// API (for the pipeline; see also wbc-config.ts, wbc-reference.ts):
//   const cfg = new WbcConfig(model)                       // defaults; edit fields or setParam(id, k, v)
//   const wbc = new WholeBodyController(model, footFrames, cfg)   // footFrames: frame index per foot
//   const ref = new WbcReference(nfeet, nj)                // or wbc.ref (one is provided)
//   status = wbc.update(qpos, qvel, ref)                    // estimated state, MuJoCo layout (nq, nv)
//   outputs (nj, the model's non-free joints in qpos order): wbc.tau_ff, wbc.q_des, wbc.qd_des,
//   wbc.kp, wbc.kd; and wbc.qdd (nv), wbc.f_foot_world (3·nfeet); diagnostics wbc.slack_eq /
//   slack_ineq / level_status (per configured level, WBC_LEVELS_MAX), wbc.status, wbc.failures,
//   wbc.hqp_* (the last HQP: dims, data, solution, for dumps in the `cerebellum qp` form).
//   WbcReference(nfeet, nj): nj = model.nv − 6; feet in the order of footFrames.
// update() returns WBC_OK (0) or a WBC_* failure; on failure every output is left as it was (the
// caller chooses the safe command) and wbc.failures counts it. Level 1's equalities (dynamics,
// no-slip) must hold to cfg.tol_level1, else WBC_LEVEL1_INFEASIBLE; if only its inequalities cannot
// all hold (cones or torque limits against the dynamics), the update succeeds with
// level_status[0] = LEVEL_RELAXED, the least violation in slack_ineq[0], and τ_ff clamped.
// Nothing allocates after the constructor.
//
// Outputs: τ_ff clamped to ±tau_max; qd_des = qd + qdd·dt clamped to ±qd_max; q_des = q + qd·dt +
// ½·qdd·dt² clamped to the joint range; kp, kd = cfg.kp_joint, cfg.kd_joint (the drivers' PD
// around the integrated trajectory).
import { Model } from '../../model/model'
import { Data } from '../../model/data'
import { JOINT_FREE } from '../../model/joint-type'
import { forwardKinematics } from '../../dynamics/forward-kinematics'
import { crba } from '../../dynamics/crba'
import { nonLinearEffects } from '../../dynamics/rnea'
import { forwardVelocity } from '../../dynamics/forward-velocity'
import { frameJacobian } from '../../dynamics/frame-jacobian'
import { frameVelocity } from '../../dynamics/frame-velocity'
import { frameDrift } from '../../dynamics/frame-drift'
import { frameOrigin } from '../../dynamics/frame-placement'
import { quatToMat3 } from '../../math/quaternion'
import { HqpDims, HqpData, HqpOptions, HqpSolution, HqpWorkspace, HQP_OPTIMAL, LEVEL_NOT_SOLVED } from '../../solvers/hqp/hqp-types'
import { hqpSolve } from '../../solvers/hqp/lexicographic-qp'
import { WbcConfig, WBC_LEVELS_MAX } from './wbc-config'
import { WbcReference } from './wbc-reference'
import { WbcContext } from './wbc-context'
import { WbcTask } from './tasks/wbc-task'
import { FloatingBaseDynamicsTask } from './tasks/floating-base-dynamics'
import { TorqueLimitsTask } from './tasks/torque-limits'
import { FrictionConeTask } from './tasks/friction-cone'
import { ContactNoSlipTask } from './tasks/contact-no-slip'
import { BasePoseTask } from './tasks/base-pose'
import { SwingFootTask } from './tasks/swing-foot'
import { ContactForceTrackingTask } from './tasks/contact-force-tracking'
import { PostureTask } from './tasks/posture'

/** update() statuses. */
export const WBC_OK: i32 = 0
/** A non-finite state or reference value (wbc.bad_index names the entry, see badInput()). */
export const WBC_BAD_INPUT: i32 = 1
/** A configuration value out of its domain (wbc.bad_index is the parameter id). */
export const WBC_BAD_CONFIG: i32 = 2
/** The HQP did not finish (iteration limit or numerical trouble; wbc.hqp_status says which). */
export const WBC_QP_FAILED: i32 = 3
/** Level 1's equalities (the dynamics, no-slip) could not be met: the result is not physical. */
export const WBC_LEVEL1_INFEASIBLE: i32 = 4

/** Number of tasks and their order in wbc.tasks (also the row order inside a level). */
export const WBC_TASK_COUNT: i32 = 8

function finiteAll (a: StaticArray<f64>, n: i32): bool {
  for (let i = 0; i < n; i++) if (!isFinite(unchecked(a[i]))) return false
  return true
}

export class WholeBodyController {
  model: Model
  data: Data
  cfg: WbcConfig
  /** A reference the caller may fill and pass to update (any WbcReference of the right size works). */
  ref: WbcReference
  nv: i32
  nj: i32
  nfeet: i32
  /** Largest decision size nv + 3·nfeet (the size of this update's HQP is in hqp_dims.n). */
  n: i32
  ctx: WbcContext
  tasks: StaticArray<WbcTask>
  basePose: BasePoseTask

  // --- outputs (left unchanged by a failed update) ---
  tau_ff: StaticArray<f64>        // (nj) feed-forward torque [N·m], clamped to ±tau_max
  q_des: StaticArray<f64>         // (nj) [rad]
  qd_des: StaticArray<f64>        // (nj) [rad/s]
  kp: StaticArray<f64>            // (nj) [N·m/rad]
  kd: StaticArray<f64>            // (nj) [N·m·s/rad]
  qdd: StaticArray<f64>           // (nv) generalized accelerations of the solution
  f_foot_world: StaticArray<f64>  // (3·nfeet) ground force on each foot [N], 0 on swing feet
  tau_wbc: StaticArray<f64>       // (nj) torque of the solution before clamping [N·m]
  /** Joints whose torque hit ±tau_max in the last successful update. */
  torque_limit_hits: i32 = 0

  // --- diagnostics (written by every update that reaches the solve, failed or not) ---
  /** Per configured level (WBC_LEVELS_MAX): ‖A_k x − b_k‖, ‖violation of l_k ≤ C_k x ≤ u_k‖ (weighted rows), LEVEL_* outcome. */
  slack_eq: StaticArray<f64>
  slack_ineq: StaticArray<f64>
  level_status: StaticArray<i32>
  // --- diagnostics (written by every update) ---
  status: i32 = WBC_OK
  bad_index: i32 = -1
  failures: i32 = 0
  hqp_status: i32 = HQP_OPTIMAL
  hqp_iterations: i32 = 0

  // --- the HQP of the last update (rows of the non-empty levels, in level order) ---
  hqp_dims: HqpDims
  hqp_data: HqpData
  hqp_sol: HqpSolution
  hqp_opts: HqpOptions
  hqp_ws: HqpWorkspace
  /** HQP level index of each configured level (−1 when it had no rows). */
  level_map: StaticArray<i32>

  constructor (model: Model, footFrames: StaticArray<i32>, cfg: WbcConfig) {
    assert(model.nlink > 0 && model.link_jtype[0] == JOINT_FREE && model.link_qadr[0] == 0 && model.link_vadr[0] == 0,
      'WholeBodyController: the model needs a free joint on its root link')
    assert(model.nq == model.nv + 1, 'WholeBodyController: joints other than the root must have one coordinate each')
    assert(cfg.nj == model.nv - 6, 'WholeBodyController: config sized for another model')
    const nf = footFrames.length
    assert(nf > 0, 'WholeBodyController: no feet')
    for (let i = 0; i < nf; i++) assert(footFrames[i] >= 0 && footFrames[i] < model.nframe, 'WholeBodyController: foot frame out of range')
    const nv = model.nv
    const nj = nv - 6
    const n = nv + 3 * nf
    const data = new Data(model)
    const frames = new StaticArray<i32>(nf)
    for (let i = 0; i < nf; i++) frames[i] = footFrames[i]
    const ref = new WbcReference(nf, nj)
    const basePose = new BasePoseTask()
    const t = new StaticArray<WbcTask>(WBC_TASK_COUNT)
    t[0] = new FloatingBaseDynamicsTask()
    t[1] = new ContactNoSlipTask()
    t[2] = new TorqueLimitsTask()
    t[3] = new FrictionConeTask()
    t[4] = basePose
    t[5] = new SwingFootTask()
    t[6] = new ContactForceTrackingTask()
    t[7] = new PostureTask()
    // capacities: every task at its largest (all feet stance for the stance rows, all swing for swing)
    const meMax = 6 + 3 * nf + 6 + 3 * nf + 3 * nf + nj
    const mcMax = nj + 5 * nf
    const dims = new HqpDims(n, WBC_LEVELS_MAX, meMax, mcMax)
    const qDes = new StaticArray<f64>(nj)
    for (let j = 0; j < nj; j++) qDes[j] = model.qpos0[7 + j]

    this.model = model
    this.data = data
    this.cfg = cfg
    this.nv = nv
    this.nj = nj
    this.nfeet = nf
    this.n = n
    this.ref = ref
    this.ctx = new WbcContext(model, data, cfg, frames, ref)
    this.tasks = t
    this.basePose = basePose
    this.tau_ff = new StaticArray<f64>(nj)
    this.q_des = qDes
    this.qd_des = new StaticArray<f64>(nj)
    this.kp = new StaticArray<f64>(nj)
    this.kd = new StaticArray<f64>(nj)
    this.qdd = new StaticArray<f64>(nv)
    this.f_foot_world = new StaticArray<f64>(3 * nf)
    this.tau_wbc = new StaticArray<f64>(nj)
    this.slack_eq = new StaticArray<f64>(WBC_LEVELS_MAX)
    this.slack_ineq = new StaticArray<f64>(WBC_LEVELS_MAX)
    this.level_status = new StaticArray<i32>(WBC_LEVELS_MAX)
    this.level_map = new StaticArray<i32>(WBC_LEVELS_MAX)
    this.hqp_dims = dims
    this.hqp_data = new HqpData(dims)
    this.hqp_sol = new HqpSolution(dims)
    this.hqp_opts = new HqpOptions()
    this.hqp_ws = new HqpWorkspace(dims)
  }

  /**
   * One control update from the estimated state qpos (nq), qvel (nv) (MuJoCo layout) and the
   * reference. Returns WBC_OK and writes the outputs, or a WBC_* failure leaving them untouched.
   */
  update (qpos: StaticArray<f64>, qvel: StaticArray<f64>, ref: WbcReference): i32 {
    const model = this.model
    const data = this.data
    const ctx = this.ctx
    const cfg = this.cfg
    const nv = this.nv
    const nj = this.nj
    const nf = this.nfeet
    this.bad_index = -1
    if (qpos.length < model.nq || qvel.length < nv || ref.nfeet != nf || ref.nj != nj) {
      this.bad_index = 0
      return this.fail(WBC_BAD_INPUT)
    }
    const bad = badInput(qpos, model.nq, qvel, nv, ref)
    if (bad >= 0) {
      this.bad_index = bad
      return this.fail(WBC_BAD_INPUT)
    }
    const badCfg = cfg.validate()
    if (badCfg >= 0) {
      this.bad_index = badCfg
      return this.fail(WBC_BAD_CONFIG)
    }

    // ---- state and dynamics ----
    for (let i = 0; i < model.nq; i++) unchecked(ctx.qpos[i] = qpos[i])
    for (let i = 0; i < nv; i++) unchecked(ctx.qvel[i] = qvel[i])
    ctx.ref = ref
    let ns = 0
    for (let i = 0; i < nf; i++) if (unchecked(ref.contact[i]) != 0) unchecked(ctx.stance[ns++] = i)
    ctx.nstance = ns
    const n = nv + 3 * ns
    ctx.n = n
    quatToMat3(ctx.R_base_world, 0, unchecked(qpos[3]), unchecked(qpos[4]), unchecked(qpos[5]), unchecked(qpos[6]))
    forwardKinematics(model, data, ctx.qpos)
    crba(model, data)
    nonLinearEffects(model, data, ctx.qvel)
    forwardVelocity(model, data, ctx.qvel)
    for (let i = 0; i < nf; i++) {
      const f = unchecked(ctx.footFrames[i])
      frameJacobian(model, data, f)
      frameVelocity(model, data, f)
      frameDrift(model, data, f)
      frameOrigin(model, data, f, ctx.p_foot_world, 3 * i)
    }

    // ---- assemble the hierarchy ----
    const dims = this.hqp_dims
    const hd = this.hqp_data
    const tasks = this.tasks
    let nl = 0
    let a0 = 0
    let c0 = 0
    for (let lv = 1; lv <= WBC_LEVELS_MAX; lv++) {
      let me = 0
      let mc = 0
      for (let t = 0; t < WBC_TASK_COUNT; t++) {
        const task = unchecked(tasks[t])
        if (task.level(ctx) != lv) continue
        me += task.eqRows(ctx)
        mc += task.ineqRows(ctx)
      }
      unchecked(this.level_map[lv - 1] = -1)
      if (me + mc == 0) continue
      if (a0 + me > dims.meMax || c0 + mc > dims.mcMax) return this.fail(WBC_BAD_CONFIG)
      this.zero(hd.A, a0 * n, me * n)
      this.zero(hd.C, c0 * n, mc * n)
      let ra = a0
      let rc = c0
      for (let t = 0; t < WBC_TASK_COUNT; t++) {
        const task = unchecked(tasks[t])
        if (task.level(ctx) != lv) continue
        const w = Math.sqrt(task.weight(ctx))
        const te = task.eqRows(ctx)
        if (te > 0) {
          task.writeEq(ctx, hd.A, hd.b, ra)
          if (w != 1.0) {
            for (let i = ra * n; i < (ra + te) * n; i++) unchecked(hd.A[i] *= w)
            for (let i = ra; i < ra + te; i++) unchecked(hd.b[i] *= w)
          }
          ra += te
        }
        const tc = task.ineqRows(ctx)
        if (tc > 0) {
          task.writeIneq(ctx, hd.C, hd.l, hd.u, rc)
          if (w != 1.0) {
            for (let i = rc * n; i < (rc + tc) * n; i++) unchecked(hd.C[i] *= w)
            for (let i = rc; i < rc + tc; i++) {
              unchecked(hd.l[i] *= w)
              unchecked(hd.u[i] *= w)
            }
          }
          rc += tc
        }
      }
      unchecked(dims.me[nl] = me)
      unchecked(dims.mc[nl] = mc)
      unchecked(this.level_map[lv - 1] = nl)
      nl++
      a0 += me
      c0 += mc
    }
    dims.n = n
    dims.nl = nl
    // no box: the cones bound the forces, the accelerations are free
    for (let i = 0; i < n; i++) {
      unchecked(hd.lb[i] = -Infinity)
      unchecked(hd.ub[i] = Infinity)
    }

    // ---- solve ----
    const sol = this.hqp_sol
    const st = hqpSolve(dims, hd, sol, this.hqp_opts, this.hqp_ws)
    this.hqp_status = st
    this.hqp_iterations = sol.iterations
    for (let lv = 0; lv < WBC_LEVELS_MAX; lv++) {
      const k = unchecked(this.level_map[lv])
      unchecked(this.slack_eq[lv] = k >= 0 ? sol.slackEq[k] : 0.0)
      unchecked(this.slack_ineq[lv] = k >= 0 ? sol.slackIneq[k] : 0.0)
      unchecked(this.level_status[lv] = k >= 0 ? sol.levelStatus[k] : LEVEL_NOT_SOLVED)
    }
    if (st != HQP_OPTIMAL) return this.fail(WBC_QP_FAILED)
    if (nl > 0 && sol.slackEq[0] > cfg.tol_level1) return this.fail(WBC_LEVEL1_INFEASIBLE)

    // ---- outputs: τ = M_a qdd + h_a − Σ J_aᵀ f, integrated joint targets ----
    const x = sol.x
    const M = data.M
    const J = data.frame_jac
    const dt = cfg.dt
    let hits = 0
    for (let j = 0; j < nj; j++) {
      const r = 6 + j
      let tau = unchecked(data.bias[r])
      for (let c = 0; c < nv; c++) tau += unchecked(M[r * nv + c] * x[c])
      for (let s = 0; s < ns; s++) {
        const i = unchecked(ctx.stance[s])
        const jo = ctx.footJacobian(i)
        const fo = nv + 3 * s
        for (let c = 0; c < 3; c++) tau -= unchecked(J[jo + c * nv + r] * x[fo + c])
      }
      unchecked(this.tau_wbc[j] = tau)
      const tmax = unchecked(cfg.tau_max[j])
      if (tau > tmax) { tau = tmax; hits++ } else if (tau < -tmax) { tau = -tmax; hits++ }
      unchecked(this.tau_ff[j] = tau)
      const q = unchecked(qpos[7 + j])
      const qd = unchecked(qvel[6 + j])
      const a = unchecked(x[6 + j])
      const vmax = unchecked(cfg.qd_max[j])
      unchecked(this.qd_des[j] = Math.min(vmax, Math.max(-vmax, qd + a * dt)))
      unchecked(this.q_des[j] = Math.min(model.q_upper[7 + j], Math.max(model.q_lower[7 + j], q + qd * dt + 0.5 * a * dt * dt)))
      unchecked(this.kp[j] = cfg.kp_joint[j])
      unchecked(this.kd[j] = cfg.kd_joint[j])
    }
    this.torque_limit_hits = hits
    for (let i = 0; i < nv; i++) unchecked(this.qdd[i] = x[i])
    for (let i = 0; i < 3 * nf; i++) unchecked(this.f_foot_world[i] = 0.0)
    for (let s = 0; s < ns; s++) {
      const i = unchecked(ctx.stance[s])
      for (let c = 0; c < 3; c++) unchecked(this.f_foot_world[3 * i + c] = x[nv + 3 * s + c])
    }
    this.status = WBC_OK
    return WBC_OK
  }

  private zero (a: StaticArray<f64>, o: i32, len: i32): void {
    for (let i = o; i < o + len; i++) unchecked(a[i] = 0.0)
  }

  private fail (code: i32): i32 {
    this.status = code
    this.failures++
    return code
  }
}

/**
 * Index of the first non-finite input, or −1: 0 … nq−1 qpos, then qvel, then the reference arrays in
 * declaration order (p_base_des, quat_base_des, v_base_des, omega_base_des, a_base_ff, p_foot_des,
 * v_foot_des, a_foot_des, f_foot_des, q_joint_des).
 */
function badInput (qpos: StaticArray<f64>, nq: i32, qvel: StaticArray<f64>, nv: i32, ref: WbcReference): i32 {
  for (let i = 0; i < nq; i++) if (!isFinite(unchecked(qpos[i]))) return i
  for (let i = 0; i < nv; i++) if (!isFinite(unchecked(qvel[i]))) return nq + i
  let o = nq + nv
  const nf3 = 3 * ref.nfeet
  if (!finiteAll(ref.p_base_des_world, 3)) return o
  o += 3
  if (!finiteAll(ref.quat_base_des_world, 4)) return o
  o += 4
  if (!finiteAll(ref.v_base_des_world, 3)) return o
  o += 3
  if (!finiteAll(ref.omega_base_des_world, 3)) return o
  o += 3
  if (!finiteAll(ref.a_base_ff_world, 6)) return o
  o += 6
  if (!finiteAll(ref.p_foot_des_world, nf3)) return o
  o += nf3
  if (!finiteAll(ref.v_foot_des_world, nf3)) return o
  o += nf3
  if (!finiteAll(ref.a_foot_des_world, nf3)) return o
  o += nf3
  if (!finiteAll(ref.f_foot_des_world, nf3)) return o
  o += nf3
  if (!finiteAll(ref.q_joint_des, ref.nj)) return o
  return -1
}
