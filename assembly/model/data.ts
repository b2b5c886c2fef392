// Data: every per-call input, output and scratch array of the dynamics, allocated once from a Model
// (Pinocchio's Data, MuJoCo's mjData). Algorithms never allocate; they fill the fields named in their
// docs. Spatial quantities are world-aligned at the world origin, linear part first (math/spatial.ts).
// Matrices are row-major. Entries that an algorithm never writes stay zero (for instance the columns
// of a frame Jacobian outside the frame's support, or M entries of dofs on different branches).
import { FieldTable } from './field-table'
import { Model } from './model'

export class Data {
  // --- inputs (the host writes these through views; AS callers may pass their own arrays) ---
  qpos: StaticArray<f64>            // (nq) generalized position (MuJoCo convention)
  qvel: StaticArray<f64>            // (nv) generalized velocity
  qacc: StaticArray<f64>            // (nv) generalized acceleration
  /** (nframe) 1 = frame is computed by the batched host calls (Jacobian, velocity, drift). */
  frame_active: StaticArray<i32>

  // --- position dependent: forwardKinematics ---
  link_pos: StaticArray<f64>        // (nlink × 3) link origin, world [m]
  link_rot: StaticArray<f64>        // (nlink × 9) world-from-link rotation, row-major
  link_inertia: StaticArray<f64>    // (nlink × 10) spatial inertia at the world origin, world axes
  dof_motion: StaticArray<f64>      // (nv × 6) motion of each dof per unit rate, at the world origin
  // --- position dependent: framePlacement(s) ---
  frame_pos: StaticArray<f64>       // (nframe × 3) frame origin, world [m]
  frame_rot: StaticArray<f64>       // (nframe × 9) world-from-frame rotation, row-major
  // --- position dependent: frameJacobian ---
  frame_jac: StaticArray<f64>       // (nframe × 6 × nv) rows: v_origin (3) then ω (3), world-aligned
  // --- position dependent: compositeInertias / crba ---
  link_composite: StaticArray<f64>  // (nlink × 10) inertia of the subtree rooted at each link
  dof_momentum: StaticArray<f64>    // (nv × 6) subtree momentum per unit dof rate (I_c · S), world origin
  M: StaticArray<f64>               // (nv × nv) joint-space mass matrix incl. armature, both triangles
  M_factor: StaticArray<f64>        // (nv × nv) tree-sparse LᵀDL factor of M (D on the diagonal)
  // --- position dependent: centerOfMass / centroidalMap ---
  com: StaticArray<f64>             // (3) centre of mass, world [m]
  com_jac: StaticArray<f64>         // (3 × nv) CoM Jacobian
  centroidal_map: StaticArray<f64>  // (6 × nv) A_g: [linear; angular about the CoM] momentum per dof rate

  // --- velocity dependent: forwardVelocity ---
  link_vel: StaticArray<f64>        // (nlink × 6) link spatial velocity, world origin
  link_acc_bias: StaticArray<f64>   // (nlink × 6) link spatial acceleration at qacc = 0, no gravity
  frame_vel: StaticArray<f64>       // (nframe × 6) [v_origin (3), ω (3)] world-aligned
  frame_drift: StaticArray<f64>     // (nframe × 6) J̇·v: classical acceleration of the origin at qacc = 0
  centroidal_momentum: StaticArray<f64> // (6) h_g = A_g·v [kg·m/s, kg·m²/s]
  centroidal_drift: StaticArray<f64>    // (6) Ȧ_g·v

  // --- rnea ---
  link_acc: StaticArray<f64>        // (nlink × 6) link spatial acceleration incl. the gravity offset
  link_force: StaticArray<f64>      // (nlink × 6) force transmitted from parent to link, world origin
  tau: StaticArray<f64>             // (nv) inverse dynamics τ = M·a + bias
  bias: StaticArray<f64>            // (nv) C(q,v)·v + g(q) (MuJoCo qfrc_bias)
  gravity_torque: StaticArray<f64>  // (nv) g(q)

  /** (nv) right-hand side / solution of solveMassMatrix (host calls solve in place here). */
  solve_x: StaticArray<f64>

  // --- scratch ---
  rnea_vel: StaticArray<f64>        // (nlink × 6) velocities inside rnea (link_vel is left alone)
  scratch: StaticArray<f64>         // (16) small temporaries

  readonly fields: FieldTable

  constructor (m: Model) {
    const nl = m.nlink
    const nv = m.nv
    const nf = m.nframe
    const t = new FieldTable()
    this.qpos = t.f64('qpos', new StaticArray<f64>(m.nq))
    this.qvel = t.f64('qvel', new StaticArray<f64>(nv))
    this.qacc = t.f64('qacc', new StaticArray<f64>(nv))
    this.frame_active = t.i32('frame_active', new StaticArray<i32>(nf))
    this.link_pos = t.f64('link_pos', new StaticArray<f64>(3 * nl))
    this.link_rot = t.f64('link_rot', new StaticArray<f64>(9 * nl))
    this.link_inertia = t.f64('link_inertia', new StaticArray<f64>(10 * nl))
    this.dof_motion = t.f64('dof_motion', new StaticArray<f64>(6 * nv))
    this.frame_pos = t.f64('frame_pos', new StaticArray<f64>(3 * nf))
    this.frame_rot = t.f64('frame_rot', new StaticArray<f64>(9 * nf))
    this.frame_jac = t.f64('frame_jac', new StaticArray<f64>(6 * nv * nf))
    this.link_composite = t.f64('link_composite', new StaticArray<f64>(10 * nl))
    this.dof_momentum = t.f64('dof_momentum', new StaticArray<f64>(6 * nv))
    this.M = t.f64('M', new StaticArray<f64>(nv * nv))
    this.M_factor = t.f64('M_factor', new StaticArray<f64>(nv * nv))
    this.com = t.f64('com', new StaticArray<f64>(3))
    this.com_jac = t.f64('com_jac', new StaticArray<f64>(3 * nv))
    this.centroidal_map = t.f64('centroidal_map', new StaticArray<f64>(6 * nv))
    this.link_vel = t.f64('link_vel', new StaticArray<f64>(6 * nl))
    this.link_acc_bias = t.f64('link_acc_bias', new StaticArray<f64>(6 * nl))
    this.frame_vel = t.f64('frame_vel', new StaticArray<f64>(6 * nf))
    this.frame_drift = t.f64('frame_drift', new StaticArray<f64>(6 * nf))
    this.centroidal_momentum = t.f64('centroidal_momentum', new StaticArray<f64>(6))
    this.centroidal_drift = t.f64('centroidal_drift', new StaticArray<f64>(6))
    this.link_acc = t.f64('link_acc', new StaticArray<f64>(6 * nl))
    this.link_force = t.f64('link_force', new StaticArray<f64>(6 * nl))
    this.tau = t.f64('tau', new StaticArray<f64>(nv))
    this.bias = t.f64('bias', new StaticArray<f64>(nv))
    this.gravity_torque = t.f64('gravity_torque', new StaticArray<f64>(nv))
    this.solve_x = t.f64('solve_x', new StaticArray<f64>(nv))
    this.rnea_vel = new StaticArray<f64>(6 * nl)
    this.scratch = new StaticArray<f64>(16)
    this.fields = t
    for (let f = 0; f < nf; f++) this.frame_active[f] = 1
    for (let i = 0; i < m.nq; i++) this.qpos[i] = m.qpos0[i]
  }
}
