// The locomotion controller: the per-tick pipeline of the WASM core, in three stages the host calls
// (and times) in order after the state estimator's update:
//
//   plan    estimated state → kinematics (own Data) → gait phase, touchdown handling, footholds, swing
//           targets, reference trajectory (rate/accel limited), contact plan over the horizon
//   forces  contact forces: the SRBD MPC when due (every `mpc_every` ticks; in between its last plan),
//           or the kinodynamic NMPC's latest plan interpolated at the current time (kino_size[0] > 0:
//           the NMPC runs outside the tick on kinoSnapshot()'s snapshot, and the host writes its
//           time-stamped solution into kino_plan; kinodynamic-snapshot.ts), or the force-distribution
//           QP; a failed MPC, or a kinodynamic plan that is missing, stale or has a stance foot in the
//           air, falls back to the QP; a failed QP keeps the last good forces (each failure counted)
//   joints  joint command: τ_ff from the strict whole-body QP (its base task fed forward with the base
//           acceleration the planned forces imply, plannedBaseAccel), the drivers' PD targets from the
//           leg controller; or, with joint_source 0 or when the QP fails (counted), the leg controller
//           alone (Jacobian-transpose stance, IK swing); on a non-finite result the safe command: damped
//           stand toward the stand pose with the last good τ_ff decaying (counted)
//
// Inputs (host writes each tick): the estimated base state (MuJoCo layout: p, quat wxyz, v world,
// ω body), measured joint positions and filtered velocities (actuator order), the estimated contact,
// the command [vx, vy, wz (body), height, roll, pitch, gait (−1 auto), period]. Outputs: the joint
// command (τ_ff, q_des, qd_des, kp, kd, actuator order), the plan (contacts, forces, foot targets), the
// schedule the estimator reads, and status/counters. Nothing allocates after build().
import { Model } from '../model/model'
import { Data } from '../model/data'
import { FieldTable } from '../model/field-table'
import { JOINT_FREE } from '../model/joint-type'
import { forwardKinematics } from '../dynamics/forward-kinematics'
import { framePlacement } from '../dynamics/frame-placement'
import { frameJacobian } from '../dynamics/frame-jacobian'
import { forwardVelocity } from '../dynamics/forward-velocity'
import { frameVelocity } from '../dynamics/frame-velocity'
import { centerOfMass } from '../dynamics/center-of-mass'
import { nonLinearEffects } from '../dynamics/rnea'
import { quatToMat3 } from '../math/quaternion'
import { GaitScheduler } from './gait/gait-scheduler'
import { GAIT_STAND, GAIT_TROT, gaitValid } from './gait/gait-table'
import { contactPlan } from './gait/contact-plan'
import { FootholdPlanner } from './gait/foothold-planner'
import { SwingTrajectory } from './gait/swing-trajectory'
import { TouchdownHandler } from './gait/touchdown-handler'
import { ReferenceTrajectory, REF_NX } from './reference/reference-trajectory'
import { ForceDistribution } from './balance/force-distribution'
import { LegController } from './balance/leg-controller'
import { SrbdMpc, SrbdMpcConfig, MPC_OK } from './mpc/srbd-mpc'
import { KinoSnapshotLayout, kinoSnapshotLength, kinoSolutionLength, KS_T, KS_EPOCH, KS_MU, KS_FZ_MIN, KS_FZ_MAX, KP_T, KP_EPOCH, KP_VALID, KP_HEAD } from './mpc/kinodynamic-snapshot'
import { srbdInertiaFromModel } from './mpc/srbd-inertia'
import { inverse3 } from './mpc/srbd-dynamics'
import { WholeBodyController, WBC_OK } from './wbc/whole-body-controller'
import { WbcConfig } from './wbc/wbc-config'
import * as P from './loco-params'

export const LOCO_OK: i32 = 0
export const LOCO_NOT_BUILT: i32 = 1
export const LOCO_BAD_INPUT: i32 = 2     // a non-finite input (info[I_BAD_INDEX] names it)
export const LOCO_BAD_CONFIG: i32 = 3    // build: frame/joint/leg invalid (info[I_BAD_INDEX])
export const LOCO_FORCE_FAILED: i32 = 4  // forces: MPC and force QP failed; the last good forces are kept
export const LOCO_JOINT_FAILED: i32 = 5  // joints: the safe command was sent

/** Indices of `info`. */
export const I_STATUS: i32 = 0
export const I_BAD_INDEX: i32 = 1
export const I_GAIT: i32 = 2
export const I_PHI: i32 = 3
export const I_FORCE_STATUS: i32 = 4     // last MPC / force-QP status (0 ok)
export const I_JOINT_STATUS: i32 = 5
export const I_QP_FAILURES: i32 = 6      // failed solves (MPC, force QP, whole-body QP)
export const I_MPC_FAILURES: i32 = 7
export const I_FORCE_QP_FAILURES: i32 = 8
export const I_SAFE_TICKS: i32 = 9       // ticks on the safe command
export const I_MPC_SOLVES: i32 = 10
export const I_EARLY: i32 = 11
export const I_LATE: i32 = 12
export const I_TRANSITIONS: i32 = 13
export const I_GROUND_Z: i32 = 14
export const I_LAST_FAIL: i32 = 15       // 1 MPC, 2 force QP, 3 whole-body QP, 4 non-finite joint command (which QP the host may dump)
export const I_MPC_RAN: i32 = 16         // 1 when forces() ran the MPC this tick
export const I_TAU_CLAMPED: i32 = 17     // joints whose τ_ff was clamped to the torque limit this tick
export const I_WBC_STATUS: i32 = 18      // last whole-body QP status (0 ok)
export const I_WBC_FAILURES: i32 = 19
export const I_TIME: i32 = 20            // controller time [s]: 0 at the first plan() after reset, + dt per plan()
export const I_EPOCH: i32 = 21           // resets so far (a kinodynamic plan of another epoch is not used)
export const I_KINO_AGE: i32 = 22        // age of the kinodynamic plan used this tick [s], −1 when none was
export const I_KINO_FALLBACKS: i32 = 23  // ticks the kinodynamic plan was missing, stale or inconsistent (force QP instead)
export const I_MPC_QP_ITERS: i32 = 24   // the last SRBD MPC solve's QP: interior-point iterations,
export const I_MPC_QP_ROUNDS: i32 = 25  // active-set rounds (Riccati factorizations)
export const I_MPC_QP_PASSES: i32 = 26  // and augmented-Lagrangian passes (Riccati solves)
export const I_COUNT: i32 = 27

const G: f64 = 9.81

export class LocomotionController {
  readonly model: Model
  readonly data: Data
  readonly nf: i32
  readonly nj: i32
  readonly fields: FieldTable = new FieldTable()

  // --- configuration (host writes before build) ---
  readonly foot_frame: StaticArray<i32>   // (nf) model frame of each foot
  readonly foot_role: StaticArray<i32>    // (nf) gait-table ROLE_*; −1: from the stand pose at build
  readonly joint_qadr: StaticArray<i32>   // (nj) qpos index per actuator
  readonly joint_vadr: StaticArray<i32>   // (nj) qvel index per actuator
  readonly q_stand: StaticArray<f64>      // (nj) stand pose [rad]
  readonly tau_max: StaticArray<f64>      // (nj) torque limits [N·m]
  // a policy's joint targets as the WBC's posture reference (host writes per tick; issue 6 kind 2)
  readonly q_posture: StaticArray<f64>    // (nj) posture target [rad]
  readonly posture_active: StaticArray<f64> = new StaticArray<f64>(1) // 1: q_posture replaces q_stand
  readonly params: StaticArray<f64> = new StaticArray<f64>(P.LP_COUNT)
  readonly mpc_size: StaticArray<f64> = new StaticArray<f64>(2) // (2) MPC horizon N and step [s]; 0 = no MPC
  readonly kino_size: StaticArray<f64> = new StaticArray<f64>(2) // (2) kinodynamic NMPC horizon N and step [s]; 0 = not used

  // --- inputs ---
  readonly p_base_world: StaticArray<f64> = new StaticArray<f64>(3)
  readonly quat_base_world: StaticArray<f64> = new StaticArray<f64>(4)
  readonly v_base_world: StaticArray<f64> = new StaticArray<f64>(3)
  readonly omega_base_body: StaticArray<f64> = new StaticArray<f64>(3)
  readonly q: StaticArray<f64>            // (nj) measured joint positions, actuator order
  readonly qd: StaticArray<f64>           // (nj) joint velocities
  readonly contact_est: StaticArray<f64>  // (nf) estimated contact (1 in contact)
  readonly command: StaticArray<f64> = new StaticArray<f64>(8) // vx vy wz height roll pitch gait period

  // --- outputs ---
  readonly tau_ff: StaticArray<f64>       // (nj) [N·m]
  readonly q_des: StaticArray<f64>        // (nj) [rad]
  readonly qd_des: StaticArray<f64>       // (nj) [rad/s]
  readonly kp: StaticArray<f64>           // (nj) [N·m/rad]
  readonly kd: StaticArray<f64>           // (nj) [N·m·s/rad]
  readonly contact: StaticArray<f64>      // (nf) 1 = stance (after touchdown handling)
  readonly swing_phase: StaticArray<f64>  // (nf) swing progress (0 in stance, > 1 late)
  readonly sched: StaticArray<f64>        // (3·nf) per foot: scheduled state (1/0), elapsed, remaining [s]
  readonly f_foot_world: StaticArray<f64> // (3·nf) planned ground force on each foot [N]
  readonly p_foot_world: StaticArray<f64> // (3·nf) foot positions from the estimated state [m]
  readonly p_foot_des: StaticArray<f64>   // (3·nf) foot targets (swing trajectory; stance: touchdown point)
  readonly v_foot_des: StaticArray<f64>   // (3·nf)
  readonly a_foot_des: StaticArray<f64>   // (3·nf)
  readonly foothold: StaticArray<f64>     // (3·nf) planned touchdown points
  readonly ref0: StaticArray<f64> = new StaticArray<f64>(REF_NX) // (12) reference at stage 0 (base, not CoM)
  readonly wrench: StaticArray<f64> = new StaticArray<f64>(6)    // (6) desired body wrench [N, N·m]
  readonly info: StaticArray<f64> = new StaticArray<f64>(I_COUNT)

  // --- parts ---
  readonly gait: GaitScheduler
  readonly touch: TouchdownHandler
  readonly footholds: FootholdPlanner = new FootholdPlanner()
  readonly swing: SwingTrajectory = new SwingTrajectory()
  ref: ReferenceTrajectory
  readonly fd: ForceDistribution
  readonly legs: LegController
  mpc: SrbdMpc | null = null
  readonly mpcCfg: SrbdMpcConfig = new SrbdMpcConfig()
  // kinodynamic NMPC (asynchronous): the snapshot the host hands to the solver, the solution it hands back
  kino_snap: StaticArray<f64> | null = null
  kino_plan: StaticArray<f64> | null = null
  private kinoLayout: KinoSnapshotLayout | null = null
  private kino_contact: StaticArray<u8> = new StaticArray<u8>(0)
  private kinoN: i32 = 0
  private kinoDt: f64 = 0.02
  private time_s: f64 = 0.0
  private timeStarted: bool = false
  private epoch: f64 = 0.0
  wbc: WholeBodyController | null = null
  wbcCfg: WbcConfig | null = null
  /** (nj) index of each actuator among the model's non-free joints (the WBC's joint order). */
  private readonly act_wbc: StaticArray<i32>

  // --- derived at build ---
  mass: f64 = 0.0
  readonly I_body: StaticArray<f64> = new StaticArray<f64>(9)
  /** Inverse of I_body (for the base acceleration the planned forces imply). */
  readonly I_body_inv: StaticArray<f64> = new StaticArray<f64>(9)
  readonly com_base: StaticArray<f64> = new StaticArray<f64>(3)
  readonly r_hip: StaticArray<f64>        // (3·nf) nominal foot position in the base frame at the stand pose
  readonly q_lo: StaticArray<f64>         // (nj) joint ranges, actuator order
  readonly q_hi: StaticArray<f64>
  built: bool = false

  // --- state and scratch ---
  private readonly qpos: StaticArray<f64>
  private readonly qvel: StaticArray<f64>
  private readonly R: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly Rd: StaticArray<f64> = new StaticArray<f64>(9)
  private readonly w_world: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly v_des: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly w_des: StaticArray<f64> = new StaticArray<f64>(3)
  private readonly p_liftoff: StaticArray<f64>
  private readonly contact_u8: StaticArray<u8>
  private readonly last_tau: StaticArray<f64>
  private readonly f_mpc: StaticArray<f64>
  private ground_z: f64 = 0.0
  private ground_init: bool = false
  private still_s: f64 = 0.0
  private tick: i32 = 0
  private dt: f64 = 0.002
  private yaw: f64 = 0.0

  constructor (model: Model, nf: i32, nj: i32) {
    this.foot_frame = new StaticArray<i32>(nf)
    const role = new StaticArray<i32>(nf)
    this.foot_role = role
    this.joint_qadr = new StaticArray<i32>(nj)
    this.joint_vadr = new StaticArray<i32>(nj)
    this.q_stand = new StaticArray<f64>(nj)
    this.tau_max = new StaticArray<f64>(nj)
    this.q_posture = new StaticArray<f64>(nj)
    this.q = new StaticArray<f64>(nj)
    this.qd = new StaticArray<f64>(nj)
    this.contact_est = new StaticArray<f64>(nf)
    this.tau_ff = new StaticArray<f64>(nj)
    this.q_des = new StaticArray<f64>(nj)
    this.qd_des = new StaticArray<f64>(nj)
    this.kp = new StaticArray<f64>(nj)
    this.kd = new StaticArray<f64>(nj)
    this.contact = new StaticArray<f64>(nf)
    this.swing_phase = new StaticArray<f64>(nf)
    this.sched = new StaticArray<f64>(3 * nf)
    this.f_foot_world = new StaticArray<f64>(3 * nf)
    this.p_foot_world = new StaticArray<f64>(3 * nf)
    this.p_foot_des = new StaticArray<f64>(3 * nf)
    this.v_foot_des = new StaticArray<f64>(3 * nf)
    this.a_foot_des = new StaticArray<f64>(3 * nf)
    this.foothold = new StaticArray<f64>(3 * nf)
    this.r_hip = new StaticArray<f64>(3 * nf)
    this.model = model
    this.data = new Data(model)
    this.nf = nf
    this.nj = nj
    this.q_lo = new StaticArray<f64>(nj)
    this.q_hi = new StaticArray<f64>(nj)
    this.gait = new GaitScheduler(role)
    this.touch = new TouchdownHandler(nf)
    this.ref = new ReferenceTrajectory(1, 0.025)
    this.fd = new ForceDistribution(nf)
    this.legs = new LegController(nf, nj)
    this.qpos = new StaticArray<f64>(model.nq)
    this.qvel = new StaticArray<f64>(model.nv)
    this.p_liftoff = new StaticArray<f64>(3 * nf)
    this.contact_u8 = new StaticArray<u8>(nf)
    this.last_tau = new StaticArray<f64>(nj)
    this.f_mpc = new StaticArray<f64>(3 * nf)
    this.act_wbc = new StaticArray<i32>(nj)
    const t = this.fields
    t.i32('foot_frame', this.foot_frame)
    t.i32('foot_role', this.foot_role)
    t.i32('joint_qadr', this.joint_qadr)
    t.i32('joint_vadr', this.joint_vadr)
    t.f64('q_stand', this.q_stand)
    t.f64('tau_max', this.tau_max)
    t.f64('q_posture', this.q_posture)
    t.f64('posture_active', this.posture_active)
    t.f64('params', this.params)
    t.f64('mpc_size', this.mpc_size)
    t.f64('kino_size', this.kino_size)
    t.f64('p_base_world', this.p_base_world)
    t.f64('quat_base_world', this.quat_base_world)
    t.f64('v_base_world', this.v_base_world)
    t.f64('omega_base_body', this.omega_base_body)
    t.f64('q', this.q)
    t.f64('qd', this.qd)
    t.f64('contact_est', this.contact_est)
    t.f64('command', this.command)
    t.f64('tau_ff', this.tau_ff)
    t.f64('q_des', this.q_des)
    t.f64('qd_des', this.qd_des)
    t.f64('kp', this.kp)
    t.f64('kd', this.kd)
    t.f64('contact', this.contact)
    t.f64('swing_phase', this.swing_phase)
    t.f64('sched', this.sched)
    t.f64('f_foot_world', this.f_foot_world)
    t.f64('p_foot_world', this.p_foot_world)
    t.f64('p_foot_des', this.p_foot_des)
    t.f64('v_foot_des', this.v_foot_des)
    t.f64('a_foot_des', this.a_foot_des)
    t.f64('foothold', this.foothold)
    t.f64('ref0', this.ref0)
    t.f64('wrench', this.wrench)
    t.f64('info', this.info)
    t.f64('r_hip', this.r_hip)
    t.f64('I_body', this.I_body)
    t.f64('com_base', this.com_base)
    t.f64('fd_H', this.fd.data.H)
    t.f64('fd_g', this.fd.data.g)
    t.f64('fd_C', this.fd.data.C)
    t.f64('fd_l', this.fd.data.l)
    t.f64('fd_u', this.fd.data.u)
    t.f64('fd_lb', this.fd.data.lb)
    t.f64('fd_ub', this.fd.data.ub)
  }

  /**
   * Validates the configuration and derives the rest: leg joints of each foot, joint ranges, the
   * single-rigid-body mass/inertia and the nominal foot positions at the stand pose, the MPC (when
   * mpc_size[0] > 0). Allocates (the MPC, the horizon). Returns LOCO_OK or LOCO_BAD_CONFIG.
   */
  build (): i32 {
    const m = this.model
    const nf = this.nf
    const nj = this.nj
    const info = this.info
    info[I_BAD_INDEX] = -1
    if (m.nlink < 1 || m.link_jtype[0] != JOINT_FREE) { info[I_BAD_INDEX] = nf + nj; return LOCO_BAD_CONFIG }
    // leg joints: the non-base dofs on each foot's path to the root, hip first
    const legs = this.legs
    for (let i = 0; i < nf; i++) {
      const f = this.foot_frame[i]
      if (f < 0 || f >= m.nframe) { info[I_BAD_INDEX] = i; return LOCO_BAD_CONFIG }
      let d = m.link_dof_last[m.frame_link[f]]
      let n = 0
      while (d >= 6) {
        if (n >= 3) { info[I_BAD_INDEX] = i; return LOCO_BAD_CONFIG }
        legs.leg_dof[3 * i + 2 - n] = d
        n++
        d = m.dof_parent[d]
      }
      if (n != 3) { info[I_BAD_INDEX] = i; return LOCO_BAD_CONFIG }
      for (let c = 0; c < 3; c++) {
        let a = -1
        for (let j = 0; j < nj; j++) if (this.joint_vadr[j] == legs.leg_dof[3 * i + c]) a = j
        if (a < 0) { info[I_BAD_INDEX] = i; return LOCO_BAD_CONFIG }
        legs.leg_act[3 * i + c] = a
      }
    }
    for (let j = 0; j < nj; j++) {
      const qa = this.joint_qadr[j]
      const va = this.joint_vadr[j]
      if (qa < 7 || qa >= m.nq || va < 6 || va >= m.nv) { info[I_BAD_INDEX] = nf + j; return LOCO_BAD_CONFIG }
      legs.act_qadr[j] = qa
      this.q_lo[j] = m.q_lower[qa]
      this.q_hi[j] = m.q_upper[qa]
    }
    // stand pose with the base at the origin: SRBD inertia, CoM offset, nominal feet
    const q0 = this.qpos
    for (let k = 0; k < m.nq; k++) q0[k] = m.qpos0[k]
    for (let k = 0; k < 7; k++) q0[k] = 0.0
    q0[3] = 1.0
    for (let j = 0; j < nj; j++) q0[this.joint_qadr[j]] = this.q_stand[j]
    this.mass = srbdInertiaFromModel(m, this.data, q0, this.I_body, this.com_base)
    inverse3(this.I_body_inv, this.I_body)
    forwardKinematics(m, this.data, q0)
    for (let i = 0; i < nf; i++) {
      framePlacement(m, this.data, this.foot_frame[i])
      for (let k = 0; k < 3; k++) this.r_hip[3 * i + k] = this.data.frame_pos[3 * this.foot_frame[i] + k]
      // leg role from where the foot stands: front/hind by x, left/right by y (base frame)
      if (this.foot_role[i] < 0) this.foot_role[i] = (this.r_hip[3 * i] >= 0.0 ? 0 : 2) + (this.r_hip[3 * i + 1] >= 0.0 ? 0 : 1)
    }
    // MPC
    const N = <i32> this.mpc_size[0]
    if (N > 0) {
      const c = this.mpcCfg
      c.N = N
      c.dt = this.mpc_size[1] > 0.0 ? this.mpc_size[1] : 0.025
      c.nfeet = nf
      c.mass = this.mass
      for (let k = 0; k < 9; k++) c.I_body[k] = this.I_body[k]
      for (let k = 0; k < 3; k++) c.com_base[k] = this.com_base[k]
      this.applyMpcWeights()
      this.mpc = new SrbdMpc(c)
      this.ref = new ReferenceTrajectory(N, c.dt)
    }
    // kinodynamic NMPC interface (the solver itself lives where the host runs it)
    const Nk = <i32> this.kino_size[0]
    if (Nk > 0) {
      if (m.nq != m.nv + 1 || nj != m.nv - 6) { info[I_BAD_INDEX] = nf + nj; return LOCO_BAD_CONFIG }
      const dtk = this.kino_size[1] > 0.0 ? this.kino_size[1] : 0.02
      const nx = 12 + nj
      this.kinoN = Nk
      this.kinoDt = dtk
      this.kino_snap = new StaticArray<f64>(kinoSnapshotLength(Nk, nf, m.nq, m.nv, nx))
      this.kino_plan = new StaticArray<f64>(kinoSolutionLength(Nk, nf, nx))
      this.kinoLayout = new KinoSnapshotLayout(Nk, nf, m.nq, m.nv, nx)
      this.kino_contact = new StaticArray<u8>(Nk * nf)
      // the reference spans the NMPC's horizon (stage-0 targets are the same for any horizon)
      this.ref = new ReferenceTrajectory(Nk, dtk)
      this.fields.f64('kino_snap', this.kino_snap!)
      this.fields.f64('kino_plan', this.kino_plan!)
    }
    // whole-body QP (joints in the model's qpos order)
    if (m.nq == m.nv + 1 && nj == m.nv - 6) {
      const wc = new WbcConfig(m)
      for (let j = 0; j < nj; j++) {
        const jm = this.joint_qadr[j] - 7
        this.act_wbc[j] = jm
        wc.tau_max[jm] = this.tau_max[j]
      }
      this.wbcCfg = wc
      const wbc = new WholeBodyController(m, this.foot_frame, wc)
      this.wbc = wbc
      const t = this.fields
      t.f64('wbc_q_joint_des', wbc.ref.q_joint_des) // the posture reference the WBC used (its joint order)
      t.f64('wbc_A', wbc.hqp_data.A)
      t.f64('wbc_b', wbc.hqp_data.b)
      t.f64('wbc_C', wbc.hqp_data.C)
      t.f64('wbc_l', wbc.hqp_data.l)
      t.f64('wbc_u', wbc.hqp_data.u)
      t.f64('wbc_lb', wbc.hqp_data.lb)
      t.f64('wbc_ub', wbc.hqp_data.ub)
    }
    this.built = true
    this.reset()
    return LOCO_OK
  }

  /** Restarts the plan (stand, reference at the current estimate on the next tick). */
  reset (): void {
    this.gait.reset()
    this.touch.reset()
    this.ground_init = false
    this.still_s = 0.0
    this.tick = 0
    const nf = this.nf
    for (let k = 0; k < 3 * nf; k++) { this.f_foot_world[k] = 0.0; this.f_mpc[k] = 0.0 }
    for (let k = 0; k < this.nj; k++) this.last_tau[k] = 0.0
    this.refStarted = false
    const mpc = this.mpc
    if (mpc !== null) mpc.reset()
    this.time_s = 0.0
    this.timeStarted = false
    this.epoch += 1.0
    const kp = this.kino_plan
    if (kp !== null) kp[KP_VALID] = 0.0
  }

  private refStarted: bool = false

  private applyMpcWeights (): void {
    const c = this.mpcCfg
    const p = this.params
    const w = c.w_state
    w[0] = p[P.LP_MPC_W_RP]; w[1] = p[P.LP_MPC_W_RP]; w[2] = p[P.LP_MPC_W_YAW]
    w[3] = p[P.LP_MPC_W_XY]; w[4] = p[P.LP_MPC_W_XY]; w[5] = p[P.LP_MPC_W_Z]
    w[6] = p[P.LP_MPC_W_OMEGA]; w[7] = p[P.LP_MPC_W_OMEGA]; w[8] = 2.0 * p[P.LP_MPC_W_OMEGA]
    w[9] = p[P.LP_MPC_W_VEL]; w[10] = p[P.LP_MPC_W_VEL]; w[11] = p[P.LP_MPC_W_VEL]
    for (let k = 0; k < 3; k++) c.w_input[k] = p[P.LP_MPC_W_FORCE]
    c.qp_tail_dual_tol = p[P.LP_MPC_TAIL_TOL]
    c.mu = p[P.LP_MU]
    c.fz_min = p[P.LP_FZ_MIN]
    c.fz_max = p[P.LP_FZ_MAX]
  }

  private checkInputs (): i32 {
    let acc = 0.0
    for (let k = 0; k < 3; k++) acc += this.p_base_world[k] + this.v_base_world[k] + this.omega_base_body[k]
    for (let k = 0; k < 4; k++) acc += this.quat_base_world[k]
    if (!isFinite(acc)) return 0
    for (let j = 0; j < this.nj; j++) if (!isFinite(this.q[j] + this.qd[j])) return 1 + j
    for (let k = 0; k < 6; k++) if (!isFinite(this.command[k])) return 1 + this.nj + k
    return -1
  }

  // ------------------------------------------------------------------ plan

  /** Stage 1 (see the header), one control period dt [s]. Returns LOCO_*. */
  plan (dt: f64): i32 {
    if (!this.built) return LOCO_NOT_BUILT
    const bad = this.checkInputs()
    if (bad >= 0) {
      this.info[I_BAD_INDEX] = bad
      this.info[I_STATUS] = LOCO_BAD_INPUT
      return LOCO_BAD_INPUT
    }
    this.dt = dt
    if (this.timeStarted) this.time_s += dt
    else this.timeStarted = true
    this.info[I_TIME] = this.time_s
    this.info[I_EPOCH] = this.epoch
    const m = this.model
    const d = this.data
    const nf = this.nf
    const p = this.params
    // --- estimated state → kinematics
    const qp = this.qpos
    const qv = this.qvel
    for (let k = 0; k < 3; k++) { qp[k] = this.p_base_world[k]; qv[k] = this.v_base_world[k]; qv[3 + k] = this.omega_base_body[k] }
    for (let k = 0; k < 4; k++) qp[3 + k] = this.quat_base_world[k]
    for (let j = 0; j < this.nj; j++) { qp[this.joint_qadr[j]] = this.q[j]; qv[this.joint_vadr[j]] = this.qd[j] }
    forwardKinematics(m, d, qp)
    forwardVelocity(m, d, qv)
    for (let i = 0; i < nf; i++) {
      const f = this.foot_frame[i]
      framePlacement(m, d, f)
      frameJacobian(m, d, f)
      frameVelocity(m, d, f)
      for (let k = 0; k < 3; k++) this.p_foot_world[3 * i + k] = d.frame_pos[3 * f + k]
    }
    centerOfMass(m, d)
    nonLinearEffects(m, d, qv)
    const R = this.R
    const qw = this.quat_base_world
    quatToMat3(R, 0, qw[0], qw[1], qw[2], qw[3])
    for (let k = 0; k < 3; k++) this.w_world[k] = R[3 * k] * this.omega_base_body[0] + R[3 * k + 1] * this.omega_base_body[1] + R[3 * k + 2] * this.omega_base_body[2]
    this.yaw = Math.atan2(R[3], R[0])

    // --- ground height from the stance feet (flat ground under the robot)
    const rfoot = p[P.LP_FOOT_RADIUS]
    let zs = 0.0
    let ns = 0
    for (let i = 0; i < nf; i++) {
      if (this.contact_est[i] > 0.5) { zs += this.p_foot_world[3 * i + 2] - rfoot; ns++ }
    }
    if (ns > 0) {
      const z = zs / <f64>ns
      if (!this.ground_init) { this.ground_z = z; this.ground_init = true } else this.ground_z += 0.02 * (z - this.ground_z)
    }

    // --- command → gait request
    const cmd = this.command
    const height = p[P.LP_HEIGHT] > 0.0 && !(cmd[3] > 0.0) ? p[P.LP_HEIGHT] : cmd[3]
    const period = cmd[7] > 0.05 && cmd[7] < 5.0 ? cmd[7] : p[P.LP_GAIT_PERIOD]
    this.gait.period_s = period
    const speed = Math.abs(cmd[0]) + Math.abs(cmd[1]) + 0.2 * Math.abs(cmd[2])
    const refSpeed = Math.abs(this.ref.vx.x) + Math.abs(this.ref.vy.x) + 0.2 * Math.abs(this.ref.wz.x)
    const g = <i32> cmd[6]
    const auto = <i32> p[P.LP_AUTO_GAIT]
    // a push moving the base away from its reference (standing or stepping) starts or keeps stepping:
    // the capture-point footholds catch it
    const evx = this.v_base_world[0] - this.ref.x_ref[9]
    const evy = this.v_base_world[1] - this.ref.x_ref[10]
    const pushed = Math.sqrt(evx * evx + evy * evy) > p[P.LP_PUSH_STEP_SPEED]
    if (speed > p[P.LP_MOVE_THRESHOLD] || pushed) {
      this.still_s = 0.0
      this.gait.request(g >= 0 && gaitValid(g) && g != GAIT_STAND ? g : gaitValid(auto) && auto != GAIT_STAND ? auto : GAIT_TROT)
    } else {
      if (refSpeed < 0.02) this.still_s += dt
      if (g > GAIT_STAND && gaitValid(g)) this.gait.request(g)
      else if (this.still_s >= p[P.LP_STOP_DELAY]) this.gait.request(GAIT_STAND)
    }
    this.gait.advance(dt)

    // --- touchdown handling
    const td = this.touch
    td.early_min = p[P.LP_EARLY_MIN]
    td.late_max_s = p[P.LP_LATE_MAX]
    td.update(this.gait.contact, this.gait.phase, this.gait.swing_s, this.contact_est, dt)
    for (let i = 0; i < nf; i++) {
      this.contact_u8[i] = td.contact[i]
      this.contact[i] = <f64>td.contact[i]
      this.swing_phase[i] = td.contact[i] != 0 ? 0.0 : td.s[i]
      this.sched[3 * i] = <f64> this.gait.contact[i]
      this.sched[3 * i + 1] = this.gait.phase[i] * this.gait.phase_s[i]
      this.sched[3 * i + 2] = this.gait.remaining_s[i]
      if (td.liftoff[i] != 0) for (let k = 0; k < 3; k++) this.p_liftoff[3 * i + k] = this.p_foot_world[3 * i + k]
    }

    // --- reference
    const ref = this.ref
    ref.vx.accel_max = p[P.LP_VX_ACCEL]
    ref.vy.accel_max = p[P.LP_VX_ACCEL]
    ref.wz.accel_max = p[P.LP_WZ_ACCEL]
    if (!this.refStarted) {
      ref.reset(this.p_base_world[0], this.p_base_world[1], this.yaw, this.p_base_world[2] - this.ground_z)
      this.refStarted = true
    }
    ref.update(dt, cmd[0], cmd[1], cmd[2], height, cmd[4], cmd[5], this.p_base_world[0], this.p_base_world[1], this.yaw)
    for (let k = 0; k < REF_NX; k++) this.ref0[k] = ref.x_ref[k]
    this.ref0[5] += this.ground_z
    this.v_des[0] = ref.x_ref[9]; this.v_des[1] = ref.x_ref[10]; this.v_des[2] = 0.0
    this.w_des[0] = 0.0; this.w_des[1] = 0.0; this.w_des[2] = ref.x_ref[8]

    // --- footholds and swing targets
    const fh = this.footholds
    fh.k_capture = p[P.LP_CAPTURE_GAIN]
    fh.reach_m = p[P.LP_REACH]
    this.swing.apex_m = p[P.LP_SWING_HEIGHT]
    const h = this.p_base_world[2] - this.ground_z
    const tSt = this.gait.stanceDuration()
    for (let i = 0; i < nf; i++) {
      const o = 3 * i
      if (td.contact[i] == 0) {
        const trem = this.gait.contact[i] == 0 ? this.gait.remaining_s[i] : 0.0
        fh.plan(this.foothold, o, this.p_base_world, this.v_base_world, this.yaw, this.v_des, this.w_des[2],
          this.r_hip, o, trem, tSt, h, this.ground_z + rfoot)
        this.swing.evaluate(this.p_liftoff, o, this.foothold, o, td.s[i], this.gait.swing_s[i], this.p_foot_des, this.v_foot_des, this.a_foot_des, o)
      } else {
        if (td.touchdown[i] != 0 || this.tick == 0) for (let k = 0; k < 3; k++) this.foothold[o + k] = this.p_foot_world[o + k]
        for (let k = 0; k < 3; k++) {
          this.p_foot_des[o + k] = this.p_foot_world[o + k]
          this.v_foot_des[o + k] = 0.0
          this.a_foot_des[o + k] = 0.0
        }
      }
    }
    this.info[I_GAIT] = <f64> this.gait.gait
    this.info[I_PHI] = this.gait.phi
    this.info[I_EARLY] = <f64> td.early_count
    this.info[I_LATE] = <f64> td.late_count
    this.info[I_TRANSITIONS] = <f64> this.gait.transitions
    this.info[I_GROUND_Z] = this.ground_z
    this.info[I_STATUS] = LOCO_OK
    return LOCO_OK
  }

  // ------------------------------------------------------------------ forces

  /** Stage 2: contact forces (MPC when due, else / on failure the force QP). Returns LOCO_*. */
  forces (): i32 {
    if (!this.built) return LOCO_NOT_BUILT
    const nf = this.nf
    const p = this.params
    this.desiredWrench()
    const mpc = this.mpc
    let ok = false
    this.info[I_MPC_RAN] = 0
    this.info[I_KINO_AGE] = -1.0
    const kino = this.kino_plan
    if (kino !== null && p[P.LP_FORCE_SOURCE] >= 1.0) {
      ok = this.kinoForces(kino)
      if (!ok) this.info[I_KINO_FALLBACKS] += 1
    } else if (mpc !== null && p[P.LP_FORCE_SOURCE] >= 1.0) {
      const every = max<i32>(1, <i32> p[P.LP_MPC_EVERY])
      if (this.tick % every == 0) {
        this.setupMpc(mpc, <f64> every * this.dt)
        const st = mpc.solve()
        this.info[I_MPC_RAN] = 1
        this.info[I_MPC_QP_ITERS] = <f64> mpc.sol.iterations
        this.info[I_MPC_QP_ROUNDS] = <f64> mpc.sol.polishRounds
        this.info[I_MPC_QP_PASSES] = <f64> mpc.sol.polishPasses
        this.info[I_MPC_SOLVES] += 1
        this.info[I_FORCE_STATUS] = <f64> st
        if (st == MPC_OK) {
          for (let k = 0; k < 3 * nf; k++) this.f_mpc[k] = mpc.f_foot_world[k]
          ok = true
        } else {
          this.info[I_MPC_FAILURES] += 1
          this.info[I_QP_FAILURES] += 1
          this.info[I_LAST_FAIL] = 1
        }
      } else ok = mpc.status == MPC_OK
      if (ok) {
        for (let i = 0; i < nf; i++) {
          const st = this.contact_u8[i] != 0
          for (let k = 0; k < 3; k++) this.f_foot_world[3 * i + k] = st ? this.f_mpc[3 * i + k] : 0.0
        }
      }
    }
    if (!ok) {
      const fd = this.fd
      fd.mu = p[P.LP_MU]
      fd.fz_min = p[P.LP_FZ_MIN]
      fd.fz_max = p[P.LP_FZ_MAX]
      fd.w_torque = p[P.LP_W_TORQUE]
      const st = fd.solve(this.p_foot_world, this.data.com, this.contact_u8, this.wrench)
      if (mpc === null || p[P.LP_FORCE_SOURCE] < 1.0) this.info[I_FORCE_STATUS] = <f64> st
      if (st == 0) {
        for (let k = 0; k < 3 * nf; k++) this.f_foot_world[k] = fd.f_foot_world[k]
      } else {
        this.info[I_FORCE_QP_FAILURES] += 1
        this.info[I_QP_FAILURES] += 1
        this.info[I_LAST_FAIL] = 2
        for (let i = 0; i < nf; i++) if (this.contact_u8[i] == 0) for (let k = 0; k < 3; k++) this.f_foot_world[3 * i + k] = 0.0
        return LOCO_FORCE_FAILED
      }
    }
    return LOCO_OK
  }

  /**
   * Forces of the kinodynamic plan at the current time: stage k covers [t_plan + k·dt, t_plan + (k+1)·dt),
   * linear between stages k and k+1 (OCS2's interpolation); a stance foot the plan has in the air at one
   * of the two stages takes the other's force. False (the force QP stands in) when there is no plan of
   * this epoch, it is older than its horizon, or a stance foot is in the air at both stages (a
   * touchdown far off the schedule). Writes f_foot_world (0 on swing feet).
   */
  private kinoForces (plan: StaticArray<f64>): bool {
    if (plan[KP_VALID] < 0.5 || plan[KP_EPOCH] != this.epoch) return false
    const N = this.kinoN
    const dtk = this.kinoDt
    const age = this.time_s - plan[KP_T]
    if (!(age > -1e-9) || age >= <f64>(N - 1) * dtk) return false
    const s = max(0.0, age / dtk)
    const k = <i32>Math.floor(s)
    const a = s - <f64>k
    const nf = this.nf
    const f = this.f_mpc
    for (let i = 0; i < nf; i++) {
      const o = 3 * i
      if (this.contact_u8[i] == 0) { f[o] = 0.0; f[o + 1] = 0.0; f[o + 2] = 0.0; continue }
      const b0 = KP_HEAD + k * 3 * nf + o
      const b1 = b0 + 3 * nf
      const on0 = plan[b0 + 2] > 0.0
      const on1 = plan[b1 + 2] > 0.0
      if (!on0 && !on1) return false
      const w1 = on0 && on1 ? a : on1 ? 1.0 : 0.0
      for (let c = 0; c < 3; c++) f[o + c] = (1.0 - w1) * plan[b0 + c] + w1 * plan[b1 + c]
    }
    for (let q = 0; q < 3 * nf; q++) this.f_foot_world[q] = f[q]
    this.info[I_KINO_AGE] = age
    return true
  }

  /**
   * The kinodynamic NMPC's snapshot of this tick (after plan()): time and epoch, μ and force bounds,
   * the estimated state (MuJoCo layout), the reference over its horizon in its state layout
   * (momentum/m from the reference twist, base pose, the posture the whole-body QP holds), the contact
   * plan and the swing-foot height reference (apex·sin(π s) above the ground, rates as forward
   * differences so the Euler plan meets it at every stage). Returns LOCO_OK or LOCO_NOT_BUILT.
   */
  kinoSnapshot (): i32 {
    const snap = this.kino_snap
    const L = this.kinoLayout
    if (!this.built || snap === null || L === null) return LOCO_NOT_BUILT
    const m = this.model
    const nf = this.nf
    const nj = this.nj
    const N = this.kinoN
    const dtk = this.kinoDt
    const nx = 12 + nj
    const p = this.params
    snap[KS_T] = this.time_s
    snap[KS_EPOCH] = this.epoch
    snap[KS_MU] = p[P.LP_MU]
    snap[KS_FZ_MIN] = p[P.LP_FZ_MIN]
    snap[KS_FZ_MAX] = p[P.LP_FZ_MAX]
    for (let k = 0; k < m.nq; k++) snap[L.qpos + k] = this.qpos[k]
    for (let k = 0; k < m.nv; k++) snap[L.qvel + k] = this.qvel[k]
    // reference: h/m = [v; R I_body Rᵀ ω / m], p_base, Θ (ZYX), joints at the posture
    const xr = this.ref.x_ref
    const I = this.I_body
    const mass = this.mass
    const gz = this.ground_z
    const posture = unchecked(this.posture_active[0]) > 0.5 ? this.q_posture : this.q_stand
    for (let k = 0; k <= N; k++) {
      const r = k * REF_NX
      const o = L.x_ref + k * nx
      const cr = Math.cos(xr[r]); const sr = Math.sin(xr[r])
      const cp = Math.cos(xr[r + 1]); const sp = Math.sin(xr[r + 1])
      const cy = Math.cos(xr[r + 2]); const sy = Math.sin(xr[r + 2])
      const R0 = cy * cp; const R1 = cy * sp * sr - sy * cr; const R2 = cy * sp * cr + sy * sr
      const R3 = sy * cp; const R4 = sy * sp * sr + cy * cr; const R5 = sy * sp * cr - cy * sr
      const R6 = -sp; const R7 = cp * sr; const R8 = cp * cr
      const wx = xr[r + 6]; const wy = xr[r + 7]; const wz = xr[r + 8]
      const bx = R0 * wx + R3 * wy + R6 * wz
      const by = R1 * wx + R4 * wy + R7 * wz
      const bz = R2 * wx + R5 * wy + R8 * wz
      const ix = I[0] * bx + I[1] * by + I[2] * bz
      const iy = I[3] * bx + I[4] * by + I[5] * bz
      const iz = I[6] * bx + I[7] * by + I[8] * bz
      snap[o] = xr[r + 9]
      snap[o + 1] = xr[r + 10]
      snap[o + 2] = xr[r + 11]
      snap[o + 3] = (R0 * ix + R1 * iy + R2 * iz) / mass
      snap[o + 4] = (R3 * ix + R4 * iy + R5 * iz) / mass
      snap[o + 5] = (R6 * ix + R7 * iy + R8 * iz) / mass
      snap[o + 6] = xr[r + 3]
      snap[o + 7] = xr[r + 4]
      snap[o + 8] = xr[r + 5] + gz
      snap[o + 9] = xr[r]
      snap[o + 10] = xr[r + 1]
      snap[o + 11] = xr[r + 2]
      for (let j = 0; j < nj; j++) snap[o + 12 + this.joint_qadr[j] - 7] = posture[j]
    }
    // contact plan (stage 0: the contact acted on now)
    const c = this.kino_contact
    contactPlan(this.gait, this.contact_u8, N, dtk, c)
    for (let q = 0; q < N * nf; q++) snap[L.contact + q] = <f64>c[q]
    // swing heights at the stages' middles (where the contact plan samples the schedule)
    const zg = gz + p[P.LP_FOOT_RADIUS]
    const apex = p[P.LP_SWING_HEIGHT]
    for (let i = 0; i < nf; i++) {
      let zPrev = 0.0
      for (let k = 0; k <= N; k++) {
        let sw: f64 = -1.0
        if (k == 0) sw = this.contact_u8[i] == 0 ? this.touch.s[i] : -1.0
        else if (k == N || c[k * nf + i] == 0) sw = this.gait.swingProgressAt(i, (<f64>k + 0.5) * dtk)
        const z = sw >= 0.0 && sw < 1.0 ? zg + apex * Math.sin(Math.PI * sw) : zg
        if (k > 0) snap[L.vz_ref + (k - 1) * nf + i] = (z - zPrev) / dtk
        if (k < N) snap[L.z_ref + k * nf + i] = z
        zPrev = z
      }
    }
    return LOCO_OK
  }

  /** Desired body wrench about the CoM from PD on the stage-0 reference (world). */
  private desiredWrench (): void {
    const p = this.params
    const r = this.ref0
    const pb = this.p_base_world
    const vb = this.v_base_world
    const ax = p[P.LP_KP_XY] * (r[3] - pb[0]) + p[P.LP_KD_XY] * (r[9] - vb[0])
    const ay = p[P.LP_KP_XY] * (r[4] - pb[1]) + p[P.LP_KD_XY] * (r[10] - vb[1])
    const az = p[P.LP_KP_Z] * (r[5] - pb[2]) + p[P.LP_KD_Z] * (0.0 - vb[2])
    const m = this.mass
    this.wrench[0] = m * ax
    this.wrench[1] = m * ay
    this.wrench[2] = m * (az + G)
    // R_des = R_z(yaw) R_y(pitch) R_x(roll); attitude error e = vee(R_des Rᵀ) (small-angle log), world
    const Rd = this.Rd
    const cr = Math.cos(r[0]); const sr = Math.sin(r[0])
    const cp = Math.cos(r[1]); const sp = Math.sin(r[1])
    const cy = Math.cos(r[2]); const sy = Math.sin(r[2])
    Rd[0] = cy * cp; Rd[1] = cy * sp * sr - sy * cr; Rd[2] = cy * sp * cr + sy * sr
    Rd[3] = sy * cp; Rd[4] = sy * sp * sr + cy * cr; Rd[5] = sy * sp * cr - cy * sr
    Rd[6] = -sp; Rd[7] = cp * sr; Rd[8] = cp * cr
    const R = this.R
    // M = Rd Rᵀ: M_ab = Σ_k Rd[a][k] R[b][k]
    const m21 = Rd[6] * R[3] + Rd[7] * R[4] + Rd[8] * R[5]
    const m12 = Rd[3] * R[6] + Rd[4] * R[7] + Rd[5] * R[8]
    const m02 = Rd[0] * R[6] + Rd[1] * R[7] + Rd[2] * R[8]
    const m20 = Rd[6] * R[0] + Rd[7] * R[1] + Rd[8] * R[2]
    const m10 = Rd[3] * R[0] + Rd[4] * R[1] + Rd[5] * R[2]
    const m01 = Rd[0] * R[3] + Rd[1] * R[4] + Rd[2] * R[5]
    const ex = 0.5 * (m21 - m12)
    const ey = 0.5 * (m02 - m20)
    const ez = 0.5 * (m10 - m01)
    const kp = p[P.LP_KP_ROT]
    const kd = p[P.LP_KD_ROT]
    const w = this.w_world
    const bx = kp * ex + kd * (0.0 - w[0])
    const by = kp * ey + kd * (0.0 - w[1])
    const bz = kp * ez + kd * (r[8] - w[2])
    // I_world·ω̇ = R I_body Rᵀ ω̇
    const ux = R[0] * bx + R[3] * by + R[6] * bz
    const uy = R[1] * bx + R[4] * by + R[7] * bz
    const uz = R[2] * bx + R[5] * by + R[8] * bz
    const I = this.I_body
    const ix = I[0] * ux + I[1] * uy + I[2] * uz
    const iy = I[3] * ux + I[4] * uy + I[5] * uz
    const iz = I[6] * ux + I[7] * uy + I[8] * uz
    this.wrench[3] = R[0] * ix + R[1] * iy + R[2] * iz
    this.wrench[4] = R[3] * ix + R[4] * iy + R[5] * iz
    this.wrench[5] = R[6] * ix + R[7] * iy + R[8] * iz
  }

  /** Writes the MPC's inputs: x0 (CoM state), attitude, reference (CoM), contact plan, foot positions. */
  private setupMpc (mpc: SrbdMpc, elapsed: f64): void {
    this.applyMpcWeights()
    mpc.applyOptions()
    const nf = this.nf
    const N = mpc.N
    const c = this.data.com
    const pb = this.p_base_world
    const w = this.w_world
    const vb = this.v_base_world
    const ox = c[0] - pb[0]; const oy = c[1] - pb[1]; const oz = c[2] - pb[2]
    const x0 = mpc.x0
    x0[0] = 0.0; x0[1] = 0.0; x0[2] = 0.0
    x0[3] = c[0]; x0[4] = c[1]; x0[5] = c[2]
    x0[6] = w[0]; x0[7] = w[1]; x0[8] = w[2]
    x0[9] = vb[0] + w[1] * oz - w[2] * oy
    x0[10] = vb[1] + w[2] * ox - w[0] * oz
    x0[11] = vb[2] + w[0] * oy - w[1] * ox
    for (let k = 0; k < 4; k++) mpc.quat_base_world[k] = this.quat_base_world[k]
    const xr = this.ref.x_ref
    const gz = this.ground_z
    for (let k = 0; k <= N; k++) {
      const o = k * REF_NX
      for (let a = 0; a < REF_NX; a++) mpc.x_ref[o + a] = xr[o + a]
      mpc.x_ref[o + 3] += ox
      mpc.x_ref[o + 4] += oy
      mpc.x_ref[o + 5] += gz + oz
    }
    contactPlan(this.gait, this.contact_u8, N, this.mpcCfg.dt, mpc.contact)
    for (let k = 0; k < N; k++) {
      const tk = <f64>k * this.mpcCfg.dt
      for (let i = 0; i < nf; i++) {
        const o = 3 * (k * nf + i)
        // stance now and still in this stance at stage k: where it stands; otherwise the planned foothold
        const here = this.contact_u8[i] != 0 && (this.gait.contact[i] == 0 || tk < this.gait.remaining_s[i])
        for (let a = 0; a < 3; a++) mpc.p_foot_world[o + a] = here ? this.p_foot_world[3 * i + a] : this.foothold[3 * i + a]
      }
    }
    mpc.elapsed_s = elapsed
  }

  // ------------------------------------------------------------------ joints

  /** Stage 3: the joint command. Returns LOCO_OK or LOCO_JOINT_FAILED (the safe command was written). */
  joints (): i32 {
    if (!this.built) return LOCO_NOT_BUILT
    const p = this.params
    const legs = this.legs
    legs.kp_swing = p[P.LP_KP_SWING]
    legs.kd_swing = p[P.LP_KD_SWING]
    legs.kp_stance = p[P.LP_KP_STANCE]
    legs.kd_stance = p[P.LP_KD_STANCE]
    const wbc = this.wbc
    let wbcOk = false
    if (wbc !== null && p[P.LP_JOINT_SOURCE] >= 1.0) {
      const st = this.runWbc(wbc)
      this.info[I_WBC_STATUS] = <f64> st
      if (st == WBC_OK) {
        wbcOk = true
        // The drivers' PD tracks the leg controller's targets (swing: an IK step toward the swing
        // trajectory; stance: the foot held while the base moves as planned); the torque is the QP's.
        // The QP's own targets (q + q̇·dt + ½q̈·dt²) start at the measured q, so they only damp within a
        // tick: with them the swing feet drift off their trajectories, land late, the touchdown
        // handling drops to no stance foot at all and the stance knees saturate on the landing.
        legs.command(this.model, this.data, this.foot_frame, this.contact_u8, this.f_foot_world, this.p_foot_des, this.v_foot_des,
          this.p_base_world, this.v_des, this.w_des, this.q, this.dt, this.q_lo, this.q_hi,
          this.tau_ff, this.q_des, this.qd_des, this.kp, this.kd)
        for (let j = 0; j < this.nj; j++) this.tau_ff[j] = wbc.tau_ff[this.act_wbc[j]]
      } else {
        // the leg controller stands in (same plan and forces), and the failure is counted
        this.info[I_WBC_FAILURES] += 1
        this.info[I_QP_FAILURES] += 1
        this.info[I_LAST_FAIL] = 3
      }
    }
    if (!wbcOk) {
      legs.command(this.model, this.data, this.foot_frame, this.contact_u8, this.f_foot_world, this.p_foot_des, this.v_foot_des,
        this.p_base_world, this.v_des, this.w_des, this.q, this.dt, this.q_lo, this.q_hi,
        this.tau_ff, this.q_des, this.qd_des, this.kp, this.kd)
    }
    this.tick++
    return this.finishJoints()
  }

  /** Fills the WBC reference from the plan and runs it on the estimated state. */
  private runWbc (wbc: WholeBodyController): i32 {
    const ref = wbc.ref
    const r = this.ref0
    const nf = this.nf
    ref.p_base_des_world[0] = r[3]
    ref.p_base_des_world[1] = r[4]
    ref.p_base_des_world[2] = r[5]
    // quaternion of R_z(yaw) R_y(pitch) R_x(roll)
    const cr = Math.cos(0.5 * r[0]); const sr = Math.sin(0.5 * r[0])
    const cp = Math.cos(0.5 * r[1]); const sp = Math.sin(0.5 * r[1])
    const cy = Math.cos(0.5 * r[2]); const sy = Math.sin(0.5 * r[2])
    const q = ref.quat_base_des_world
    q[0] = cr * cp * cy + sr * sp * sy
    q[1] = sr * cp * cy - cr * sp * sy
    q[2] = cr * sp * cy + sr * cp * sy
    q[3] = cr * cp * sy - sr * sp * cy
    for (let k = 0; k < 3; k++) {
      ref.v_base_des_world[k] = this.v_des[k]
      ref.omega_base_des_world[k] = this.w_des[k]
    }
    this.plannedBaseAccel(ref.a_base_ff_world)
    for (let i = 0; i < nf; i++) ref.contact[i] = this.contact_u8[i]
    for (let k = 0; k < 3 * nf; k++) {
      ref.p_foot_des_world[k] = this.p_foot_des[k]
      ref.v_foot_des_world[k] = this.v_foot_des[k]
      ref.a_foot_des_world[k] = this.a_foot_des[k]
      ref.f_foot_des_world[k] = this.f_foot_world[k]
    }
    // the posture task holds the stand pose, or a policy's joint targets while they are live
    const posture = unchecked(this.posture_active[0]) > 0.5 ? this.q_posture : this.q_stand
    for (let j = 0; j < this.nj; j++) ref.q_joint_des[this.act_wbc[j]] = posture[j]
    const c = this.wbcCfg
    if (c !== null) {
      // one set of base gains for the force plan and the whole-body QP's base task
      const p = this.params
      c.dt = this.dt
      c.kp_base_pos[0] = p[P.LP_KP_XY]; c.kp_base_pos[1] = p[P.LP_KP_XY]; c.kp_base_pos[2] = p[P.LP_KP_Z]
      c.kd_base_pos[0] = p[P.LP_KD_XY]; c.kd_base_pos[1] = p[P.LP_KD_XY]; c.kd_base_pos[2] = p[P.LP_KD_Z]
      for (let k = 0; k < 3; k++) { c.kp_base_ori[k] = p[P.LP_KP_ROT]; c.kd_base_ori[k] = p[P.LP_KD_ROT] }
      c.mu = p[P.LP_MU]
      c.fz_max = p[P.LP_FZ_MAX]
    }
    return wbc.update(this.qpos, this.qvel, ref)
  }

  /**
   * The base acceleration the planned forces imply on the single rigid body (world, [m/s², rad/s²]):
   * c̈ = Σf/m + g, ω̇ = I_w⁻¹(Σ (p_foot − c) × f − ω × I_w ω), moved to the base origin
   * (p̈ = c̈ − ω̇ × (c − p) − ω × (ω × (c − p))). Writes a (6). The whole-body QP's base task takes it as
   * its feed-forward, so its base PD corrects around the MPC's plan instead of replacing it.
   */
  private plannedBaseAccel (a: StaticArray<f64>): void {
    const c = this.data.com
    const pf = this.p_foot_world
    const f = this.f_foot_world
    let fx = 0.0; let fy = 0.0; let fz = 0.0; let tx = 0.0; let ty = 0.0; let tz = 0.0
    for (let i = 0; i < this.nf; i++) {
      if (this.contact_u8[i] == 0) continue
      const o = 3 * i
      const rx = pf[o] - c[0]; const ry = pf[o + 1] - c[1]; const rz = pf[o + 2] - c[2]
      fx += f[o]; fy += f[o + 1]; fz += f[o + 2]
      tx += ry * f[o + 2] - rz * f[o + 1]
      ty += rz * f[o] - rx * f[o + 2]
      tz += rx * f[o + 1] - ry * f[o]
    }
    const m = this.mass
    const R = this.R
    const w = this.w_world
    const I = this.I_body
    const Ii = this.I_body_inv
    // ω × I_w ω with I_w = R I_body Rᵀ, in base axes: ω_b × I_body ω_b
    const wb = this.omega_base_body
    const hx = I[0] * wb[0] + I[1] * wb[1] + I[2] * wb[2]
    const hy = I[3] * wb[0] + I[4] * wb[1] + I[5] * wb[2]
    const hz = I[6] * wb[0] + I[7] * wb[1] + I[8] * wb[2]
    // base-axes torque: Rᵀ τ − ω_b × I ω_b
    const bx = R[0] * tx + R[3] * ty + R[6] * tz - (wb[1] * hz - wb[2] * hy)
    const by = R[1] * tx + R[4] * ty + R[7] * tz - (wb[2] * hx - wb[0] * hz)
    const bz = R[2] * tx + R[5] * ty + R[8] * tz - (wb[0] * hy - wb[1] * hx)
    const ux = Ii[0] * bx + Ii[1] * by + Ii[2] * bz
    const uy = Ii[3] * bx + Ii[4] * by + Ii[5] * bz
    const uz = Ii[6] * bx + Ii[7] * by + Ii[8] * bz
    const ax = R[0] * ux + R[1] * uy + R[2] * uz
    const ay = R[3] * ux + R[4] * uy + R[5] * uz
    const az = R[6] * ux + R[7] * uy + R[8] * uz
    const pb = this.p_base_world
    const ox = c[0] - pb[0]; const oy = c[1] - pb[1]; const oz = c[2] - pb[2]
    // ω × o, then ω × (ω × o)
    const wox = w[1] * oz - w[2] * oy; const woy = w[2] * ox - w[0] * oz; const woz = w[0] * oy - w[1] * ox
    a[0] = fx / m - (ay * oz - az * oy) - (w[1] * woz - w[2] * woy)
    a[1] = fy / m - (az * ox - ax * oz) - (w[2] * wox - w[0] * woz)
    a[2] = fz / m - G - (ax * oy - ay * ox) - (w[0] * woy - w[1] * wox)
    a[3] = ax; a[4] = ay; a[5] = az
  }

  /** Clamps τ_ff, checks the command, keeps the last good torques or writes the safe command. */
  private finishJoints (): i32 {
    const nj = this.nj
    let acc = 0.0
    let clamped = 0
    for (let j = 0; j < nj; j++) {
      const lim = this.tau_max[j]
      let t = this.tau_ff[j]
      if (t > lim) { t = lim; clamped++ } else if (t < -lim) { t = -lim; clamped++ }
      this.tau_ff[j] = t
      acc += t + this.q_des[j] + this.qd_des[j] + this.kp[j] + this.kd[j]
    }
    this.info[I_TAU_CLAMPED] = <f64> clamped
    if (isFinite(acc)) {
      for (let j = 0; j < nj; j++) this.last_tau[j] = this.tau_ff[j]
      this.info[I_JOINT_STATUS] = 0
      return LOCO_OK
    }
    this.safeCommand()
    this.info[I_JOINT_STATUS] = LOCO_JOINT_FAILED
    this.info[I_QP_FAILURES] += 1
    this.info[I_LAST_FAIL] = 4
    return LOCO_JOINT_FAILED
  }

  /** The defined safe command: damped stand toward the stand pose, the last good τ_ff decaying. */
  safeCommand (): void {
    const p = this.params
    const decay = p[P.LP_TAU_DECAY]
    for (let j = 0; j < this.nj; j++) {
      this.last_tau[j] *= decay
      this.tau_ff[j] = this.last_tau[j]
      this.q_des[j] = this.q_stand[j]
      this.qd_des[j] = 0.0
      this.kp[j] = p[P.LP_SAFE_KP]
      this.kd[j] = p[P.LP_SAFE_KD]
    }
    this.info[I_SAFE_TICKS] += 1
  }
}
