// Model: the immutable description of a robot for the dynamics, as flat arrays (Pinocchio's Model,
// MuJoCo's mjModel). It is a tree of links in depth-first order (parent index < own index); each
// link has at most one joint. The host (host/core/model-builder.ts) lowers a RobotDescription into
// links: a body with several joints becomes a chain of massless links with identity placements, one
// per joint, the last carrying the mass (MuJoCo applies a body's joints in order, each about the
// frame as moved by the ones before). A body without joints is a fixed link.
//
// Life cycle: `new Model(counts)` allocates every array; the host writes the "spec" fields through
// zero-copy views; `buildModel` validates them and fills the derived fields. Nothing changes after.
import { FieldTable } from './field-table'
import { JOINT_FIXED, JOINT_FREE, JOINT_HINGE, JOINT_SLIDE } from './joint-type'
import { quatToMat3 } from '../math/quaternion'
import { mat3IsIdentity } from '../math/rotation'

/** Result codes of `buildModel` (`model.error_index` names the offending link/body/frame/coordinate). */
export const MODEL_OK: i32 = 0
export const MODEL_BAD_PARENT: i32 = 1
export const MODEL_BAD_JOINT_TYPE: i32 = 2
export const MODEL_FREE_NOT_ROOT: i32 = 3
export const MODEL_ZERO_AXIS: i32 = 4
export const MODEL_NQ_MISMATCH: i32 = 5
export const MODEL_NV_MISMATCH: i32 = 6
export const MODEL_BAD_BODY_LINK: i32 = 7
export const MODEL_BAD_FRAME_LINK: i32 = 8
export const MODEL_BAD_INERTIA: i32 = 9
export const MODEL_NOT_FINITE: i32 = 10

export class Model {
  /** Number of links (internal bodies), description bodies, named frames. */
  nlink: i32
  nbody: i32
  nframe: i32
  /** Sizes of the generalized position and velocity. */
  nq: i32
  nv: i32
  /** Σ link masses [kg] (derived). */
  mass_total: f64 = 0.0
  /** Index of the offending element after a failed `buildModel`. */
  error_index: i32 = -1

  // --- spec: written by the host before buildModel ---
  link_parent: StaticArray<i32>     // (nlink) parent link, -1 = world
  link_jtype: StaticArray<i32>      // (nlink) JOINT_* of the joint moving the link
  link_body: StaticArray<i32>       // (nlink) description body the link belongs to
  link_pos: StaticArray<f64>        // (nlink × 3) link origin in the parent link frame at q = qpos0 [m]
  link_quat: StaticArray<f64>       // (nlink × 4) link orientation in the parent frame (wxyz)
  link_jpos: StaticArray<f64>       // (nlink × 3) point on the joint axis, link frame [m]
  link_jaxis: StaticArray<f64>      // (nlink × 3) joint axis, link frame (normalized by buildModel)
  link_mass: StaticArray<f64>       // (nlink) [kg]
  link_com: StaticArray<f64>        // (nlink × 3) centre of mass, link frame [m]
  link_inertia: StaticArray<f64>    // (nlink × 9) inertia about the CoM, link axes, row-major [kg·m²]
  body_link: StaticArray<i32>       // (nbody) link whose frame is the description body's frame
  frame_link: StaticArray<i32>      // (nframe) link the frame is attached to
  frame_pos: StaticArray<f64>       // (nframe × 3) frame origin in the link frame [m]
  frame_quat: StaticArray<f64>      // (nframe × 4) frame orientation in the link frame (wxyz)
  qpos0: StaticArray<f64>           // (nq) reference configuration; hinge/slide angles are q − qpos0
  q_lower: StaticArray<f64>         // (nq) position limits [rad or m], -Infinity when unlimited
  q_upper: StaticArray<f64>         // (nq) +Infinity when unlimited
  dof_armature: StaticArray<f64>    // (nv) added to the mass-matrix diagonal [kg·m² or kg]
  dof_damping: StaticArray<f64>     // (nv) viscous damping [N·m·s/rad] (plant only, not in bias)
  dof_frictionloss: StaticArray<f64> // (nv) dry friction [N·m] (plant only)
  dof_effort_limit: StaticArray<f64> // (nv) [N·m or N], +Infinity when none
  dof_velocity_limit: StaticArray<f64> // (nv) [rad/s or m/s], +Infinity when none
  gravity: StaticArray<f64>         // (3) world gravity [m/s²]

  // --- derived by buildModel ---
  link_rot: StaticArray<f64>        // (nlink × 9) rotation parent-from-link at q = qpos0, row-major
  link_rot_identity: StaticArray<i32> // (nlink) 1 when link_rot is exactly the identity
  link_jpos_zero: StaticArray<i32>  // (nlink) 1 when the joint axis passes through the link origin
  link_axis_code: StaticArray<i32>  // (nlink) ±1/±2/±3 when the joint axis is ±x/±y/±z exactly, else 0
  link_qadr: StaticArray<i32>       // (nlink) first qpos index of the link's joint (-1 if fixed)
  link_vadr: StaticArray<i32>       // (nlink) first dof index (-1 if fixed)
  link_nv: StaticArray<i32>         // (nlink) number of dofs of the link's joint
  link_dof_last: StaticArray<i32>   // (nlink) last dof moving the link (own or ancestor's), -1 if none
  dof_link: StaticArray<i32>        // (nv) link moved by the dof
  dof_parent: StaticArray<i32>      // (nv) previous dof on the path to the root, -1 at the root
  frame_rot: StaticArray<f64>       // (nframe × 9) rotation link-from-frame, row-major

  readonly fields: FieldTable

  constructor (nlink: i32, nbody: i32, nframe: i32, nq: i32, nv: i32) {
    this.nlink = nlink
    this.nbody = nbody
    this.nframe = nframe
    this.nq = nq
    this.nv = nv
    const t = new FieldTable()
    this.link_parent = t.i32('link_parent', new StaticArray<i32>(nlink))
    this.link_jtype = t.i32('link_jtype', new StaticArray<i32>(nlink))
    this.link_body = t.i32('link_body', new StaticArray<i32>(nlink))
    this.link_pos = t.f64('link_pos', new StaticArray<f64>(3 * nlink))
    this.link_quat = t.f64('link_quat', new StaticArray<f64>(4 * nlink))
    this.link_jpos = t.f64('link_jpos', new StaticArray<f64>(3 * nlink))
    this.link_jaxis = t.f64('link_jaxis', new StaticArray<f64>(3 * nlink))
    this.link_mass = t.f64('link_mass', new StaticArray<f64>(nlink))
    this.link_com = t.f64('link_com', new StaticArray<f64>(3 * nlink))
    this.link_inertia = t.f64('link_inertia', new StaticArray<f64>(9 * nlink))
    this.body_link = t.i32('body_link', new StaticArray<i32>(nbody))
    this.frame_link = t.i32('frame_link', new StaticArray<i32>(nframe))
    this.frame_pos = t.f64('frame_pos', new StaticArray<f64>(3 * nframe))
    this.frame_quat = t.f64('frame_quat', new StaticArray<f64>(4 * nframe))
    this.qpos0 = t.f64('qpos0', new StaticArray<f64>(nq))
    this.q_lower = t.f64('q_lower', new StaticArray<f64>(nq))
    this.q_upper = t.f64('q_upper', new StaticArray<f64>(nq))
    this.dof_armature = t.f64('dof_armature', new StaticArray<f64>(nv))
    this.dof_damping = t.f64('dof_damping', new StaticArray<f64>(nv))
    this.dof_frictionloss = t.f64('dof_frictionloss', new StaticArray<f64>(nv))
    this.dof_effort_limit = t.f64('dof_effort_limit', new StaticArray<f64>(nv))
    this.dof_velocity_limit = t.f64('dof_velocity_limit', new StaticArray<f64>(nv))
    this.gravity = t.f64('gravity', new StaticArray<f64>(3))
    this.link_rot = t.f64('link_rot', new StaticArray<f64>(9 * nlink))
    this.link_rot_identity = t.i32('link_rot_identity', new StaticArray<i32>(nlink))
    this.link_jpos_zero = t.i32('link_jpos_zero', new StaticArray<i32>(nlink))
    this.link_axis_code = t.i32('link_axis_code', new StaticArray<i32>(nlink))
    this.link_qadr = t.i32('link_qadr', new StaticArray<i32>(nlink))
    this.link_vadr = t.i32('link_vadr', new StaticArray<i32>(nlink))
    this.link_nv = t.i32('link_nv', new StaticArray<i32>(nlink))
    this.link_dof_last = t.i32('link_dof_last', new StaticArray<i32>(nlink))
    this.dof_link = t.i32('dof_link', new StaticArray<i32>(nv))
    this.dof_parent = t.i32('dof_parent', new StaticArray<i32>(nv))
    this.frame_rot = t.f64('frame_rot', new StaticArray<f64>(9 * nframe))
    this.fields = t
  }
}

function allFinite (a: StaticArray<f64>): i32 {
  for (let i = 0; i < a.length; i++) if (!isFinite(a[i])) return i
  return -1
}

/** ±1/±2/±3 for an axis exactly along ±x/±y/±z, else 0 (lets forward kinematics skip a full 3×3 product). */
function axisCode (x: f64, y: f64, z: f64): i32 {
  if (y == 0.0 && z == 0.0) return x > 0.0 ? 1 : -1
  if (x == 0.0 && z == 0.0) return y > 0.0 ? 2 : -2
  if (x == 0.0 && y == 0.0) return z > 0.0 ? 3 : -3
  return 0
}

function fail (m: Model, code: i32, index: i32): i32 {
  m.error_index = index
  return code
}

/**
 * Validates the spec fields and fills the derived ones. Returns MODEL_OK or a MODEL_* error code with
 * `m.error_index` set. Call once, before `new Data(m)`.
 */
export function buildModel (m: Model): i32 {
  const nlink = m.nlink
  let bad = allFinite(m.link_pos); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 3)
  bad = allFinite(m.link_quat); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 4)
  bad = allFinite(m.link_jpos); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 3)
  bad = allFinite(m.link_jaxis); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 3)
  bad = allFinite(m.link_com); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 3)
  bad = allFinite(m.link_inertia); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 9)
  bad = allFinite(m.frame_pos); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 3)
  bad = allFinite(m.frame_quat); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad / 4)
  bad = allFinite(m.qpos0); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad)
  bad = allFinite(m.dof_armature); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, bad)
  bad = allFinite(m.gravity); if (bad >= 0) return fail(m, MODEL_NOT_FINITE, 0)

  let nq = 0
  let nv = 0
  let mass = 0.0
  for (let k = 0; k < nlink; k++) {
    const parent = m.link_parent[k]
    if (parent < -1 || parent >= k) return fail(m, MODEL_BAD_PARENT, k)
    const jt = m.link_jtype[k]
    let jnq = 0
    let jnv = 0
    if (jt == JOINT_FIXED) {
      jnq = 0; jnv = 0
    } else if (jt == JOINT_FREE) {
      if (parent != -1) return fail(m, MODEL_FREE_NOT_ROOT, k)
      jnq = 7; jnv = 6
    } else if (jt == JOINT_HINGE || jt == JOINT_SLIDE) {
      jnq = 1; jnv = 1
      const ax = m.link_jaxis[3 * k]; const ay = m.link_jaxis[3 * k + 1]; const az = m.link_jaxis[3 * k + 2]
      const n = Math.sqrt(ax * ax + ay * ay + az * az)
      if (!(n > 1e-12)) return fail(m, MODEL_ZERO_AXIS, k)
      m.link_jaxis[3 * k] = ax / n; m.link_jaxis[3 * k + 1] = ay / n; m.link_jaxis[3 * k + 2] = az / n
      m.link_axis_code[k] = axisCode(m.link_jaxis[3 * k], m.link_jaxis[3 * k + 1], m.link_jaxis[3 * k + 2])
    } else {
      return fail(m, MODEL_BAD_JOINT_TYPE, k)
    }
    const lm = m.link_mass[k]
    if (!(lm >= 0.0)) return fail(m, MODEL_BAD_INERTIA, k)
    mass += lm
    m.link_qadr[k] = jnq > 0 ? nq : -1
    m.link_vadr[k] = jnv > 0 ? nv : -1
    m.link_nv[k] = jnv
    for (let d = 0; d < jnv; d++) {
      if (nv + d < m.nv) {
        m.dof_link[nv + d] = k
        m.dof_parent[nv + d] = d == 0 ? (parent >= 0 ? m.link_dof_last[parent] : -1) : nv + d - 1
      }
    }
    nq += jnq
    nv += jnv
    m.link_dof_last[k] = jnv > 0 ? nv - 1 : (parent >= 0 ? m.link_dof_last[parent] : -1)
    m.link_jpos_zero[k] = (jt == JOINT_HINGE && (m.link_jpos[3 * k] != 0.0 || m.link_jpos[3 * k + 1] != 0.0 ||
      m.link_jpos[3 * k + 2] != 0.0)) ? 0 : 1
    quatToMat3(m.link_rot, 9 * k, m.link_quat[4 * k], m.link_quat[4 * k + 1], m.link_quat[4 * k + 2], m.link_quat[4 * k + 3])
    m.link_rot_identity[k] = mat3IsIdentity(m.link_rot, 9 * k) ? 1 : 0
  }
  if (nq != m.nq) return fail(m, MODEL_NQ_MISMATCH, nq)
  if (nv != m.nv) return fail(m, MODEL_NV_MISMATCH, nv)
  for (let b = 0; b < m.nbody; b++) {
    const l = m.body_link[b]
    if (l < 0 || l >= nlink) return fail(m, MODEL_BAD_BODY_LINK, b)
  }
  for (let f = 0; f < m.nframe; f++) {
    const l = m.frame_link[f]
    if (l < 0 || l >= nlink) return fail(m, MODEL_BAD_FRAME_LINK, f)
    quatToMat3(m.frame_rot, 9 * f, m.frame_quat[4 * f], m.frame_quat[4 * f + 1], m.frame_quat[4 * f + 2], m.frame_quat[4 * f + 3])
  }
  m.mass_total = mass
  m.error_index = -1
  return MODEL_OK
}
