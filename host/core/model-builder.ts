// RobotDescription → the core's Model, written straight into WASM memory.
//
// 1. `lowerDescription` (pure): validates the description (clear errors naming body, joint or frame)
//    and lowers it into links with at most one joint each. A body with joints j1..jn becomes a chain
//    of n links: the first carries the body's placement, the others an identity placement, each link
//    moves by its joint (axis and `pos` in the body frame as moved by the joints before: MuJoCo's
//    rule), and only the last carries the mass and is the body's frame. A body without joints is a
//    fixed link.
// 2. `buildCoreModel`: dynModelReserve(counts), then every spec array is filled through a typed-array
//    view found by name (dynField*), then dynModelBuild validates and derives, and allocates Data.
import { RobotFileError, dofsOfJoint, type RobotDescription } from '../robot/description.ts'
import type { CoreInstance } from './wasm.ts'

/** Joint type codes of assembly/model/joint-type.ts. */
export const JOINT_CODE = { fixed: 0, free: 1, hinge: 2, slide: 3 } as const

export interface LoweredLink {
  parent: number
  jtype: number
  body: number
  pos: number[]
  quat: number[]
  jpos: number[]
  jaxis: number[]
  mass: number
  com: number[]
  inertia: number[]
  /** Joint name (or '' for a fixed link). */
  joint: string
}

export interface LoweredModel {
  links: LoweredLink[]
  /** Link index of each description body's frame. */
  bodyLink: number[]
  nq: number
  nv: number
  qpos0: number[]
  qLower: number[]
  qUpper: number[]
  armature: number[]
  damping: number[]
  frictionLoss: number[]
  effortLimit: number[]
  velocityLimit: number[]
  /** Name of each qpos coordinate and each dof (joint name, with a suffix for free joints). */
  qposNames: string[]
  dofNames: string[]
}

const FREE_Q = ['x', 'y', 'z', 'qw', 'qx', 'qy', 'qz']
const FREE_V = ['vx', 'vy', 'vz', 'wx', 'wy', 'wz']

function finite (desc: RobotDescription, where: string, what: string, values: readonly number[], n: number): void {
  if (values.length !== n || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new RobotFileError(desc.sourceFile, null, null, `${where}: ${what} must be ${n} finite numbers, got [${values.join(', ')}]`)
  }
}

/** Validates `desc` and lowers it into single-joint links (see the file header). */
export function lowerDescription (desc: RobotDescription): LoweredModel {
  const file = desc.sourceFile
  const err = (reason: string): RobotFileError => new RobotFileError(file, null, null, reason)
  if (desc.bodies.length === 0) throw err('the robot has no body')
  finite(desc, 'gravity', 'gravity', desc.gravity, 3)
  const links: LoweredLink[] = []
  const bodyLink: number[] = []
  const out: LoweredModel = {
    links, bodyLink, nq: 0, nv: 0, qpos0: [], qLower: [], qUpper: [], armature: [], damping: [], frictionLoss: [],
    effortLimit: [], velocityLimit: [], qposNames: [], dofNames: []
  }
  desc.bodies.forEach((b, i) => {
    const where = `body '${b.name}'`
    if (!Number.isInteger(b.parent) || b.parent < -1 || b.parent >= i) {
      throw err(`${where}: parent ${b.parent} must be -1 (world) or the index of an earlier body (depth-first order)`)
    }
    finite(desc, where, 'pos', b.pos, 3)
    finite(desc, where, 'quat', b.quat, 4)
    finite(desc, where, 'com', b.com, 3)
    finite(desc, where, 'inertia', b.inertia, 9)
    if (!(b.mass >= 0) || !Number.isFinite(b.mass)) throw err(`${where}: mass must be a finite number ≥ 0, got ${b.mass}`)
    if (Math.hypot(...b.quat) < 1e-9) throw err(`${where}: quat is zero`)
    const parentLink = b.parent === -1 ? -1 : bodyLink[b.parent]
    const massive = { mass: b.mass, com: [...b.com], inertia: [...b.inertia] }
    const massless = { mass: 0, com: [0, 0, 0], inertia: [0, 0, 0, 0, 0, 0, 0, 0, 0] }
    if (b.joints.length === 0) {
      links.push({ parent: parentLink, jtype: JOINT_CODE.fixed, body: i, pos: [...b.pos], quat: [...b.quat], jpos: [0, 0, 0], jaxis: [0, 0, 1], joint: '', ...massive })
    }
    b.joints.forEach((j, k) => {
      const jw = `${where}, joint '${j.name}'`
      if (j.type !== 'free' && j.type !== 'hinge' && j.type !== 'slide') throw err(`${jw}: unsupported joint type '${String(j.type)}' (free, hinge or slide)`)
      if (j.type === 'free' && (b.parent !== -1 || b.joints.length !== 1)) {
        throw err(`${jw}: a free joint must be the only joint of a body whose parent is the world`)
      }
      const { nq, nv } = dofsOfJoint(j.type)
      if (j.type !== 'free') {
        finite(desc, jw, 'pos', j.pos, 3)
        finite(desc, jw, 'axis', j.axis, 3)
        if (Math.hypot(...j.axis) < 1e-9) throw err(`${jw}: axis is zero`)
      }
      finite(desc, jw, 'qpos0', j.qpos0, nq)
      if (!(j.armature >= 0) || !Number.isFinite(j.armature)) throw err(`${jw}: armature must be a finite number ≥ 0, got ${j.armature}`)
      if (j.range !== null && !(j.range[0] <= j.range[1])) throw err(`${jw}: range [${j.range.join(', ')}] is not [lower, upper]`)
      const last = k === b.joints.length - 1
      links.push({
        parent: k === 0 ? parentLink : links.length - 1,
        jtype: JOINT_CODE[j.type],
        body: i,
        pos: k === 0 ? [...b.pos] : [0, 0, 0],
        quat: k === 0 ? [...b.quat] : [1, 0, 0, 0],
        jpos: j.type === 'free' ? [0, 0, 0] : [...j.pos],
        jaxis: j.type === 'free' ? [0, 0, 1] : [...j.axis],
        joint: j.name,
        ...(last ? massive : massless)
      })
      for (let q = 0; q < nq; q++) {
        out.qpos0.push(j.qpos0[q])
        out.qLower.push(j.type !== 'free' && j.range !== null ? j.range[0] : -Infinity)
        out.qUpper.push(j.type !== 'free' && j.range !== null ? j.range[1] : Infinity)
        out.qposNames.push(j.type === 'free' ? `${j.name}:${FREE_Q[q]}` : j.name)
      }
      for (let d = 0; d < nv; d++) {
        out.armature.push(j.armature)
        out.damping.push(j.damping)
        out.frictionLoss.push(j.frictionLoss)
        out.effortLimit.push(j.type === 'free' ? Infinity : j.effortLimit)
        out.velocityLimit.push(j.type === 'free' ? Infinity : j.velocityLimit)
        out.dofNames.push(j.type === 'free' ? `${j.name}:${FREE_V[d]}` : j.name)
      }
      out.nq += nq
      out.nv += nv
    })
    bodyLink.push(links.length - 1)
  })
  if (out.nq !== desc.nq || out.nv !== desc.nv) {
    throw err(`the joints add up to nq=${out.nq}, nv=${out.nv} but the description says nq=${desc.nq}, nv=${desc.nv}`)
  }
  desc.frames.forEach((f) => {
    const where = `frame '${f.name}'`
    if (!Number.isInteger(f.body) || f.body < 0 || f.body >= desc.bodies.length) throw err(`${where}: body index ${f.body} out of range`)
    finite(desc, where, 'pos', f.pos, 3)
    finite(desc, where, 'quat', f.quat, 4)
  })
  return out
}

/** One typed array of the core's Model or Data, by name. */
export interface FieldSpec { ptr: number, length: number, kind: 'f64' | 'i32' }

/** Reads the self-describing field table of the Model (which = 0) or the Data (which = 1). */
export function readFieldTable (core: CoreInstance, which: 0 | 1): Map<string, FieldSpec> {
  const count = core.fn<(w: number) => number>('dynFieldCount')(which)
  const name = core.fn<(w: number, i: number) => number>('dynFieldName')
  const ptr = core.fn<(w: number, i: number) => number>('dynFieldPtr')
  const len = core.fn<(w: number, i: number) => number>('dynFieldLength')
  const kind = core.fn<(w: number, i: number) => number>('dynFieldKind')
  const out = new Map<string, FieldSpec>()
  for (let i = 0; i < count; i++) {
    out.set(core.string(name(which, i)), { ptr: ptr(which, i), length: len(which, i), kind: kind(which, i) === 0 ? 'f64' : 'i32' })
  }
  return out
}

const BUILD_ERRORS: Record<number, string> = {
  1: 'link parent out of order', 2: 'bad joint type', 3: 'free joint not on a child of the world', 4: 'zero joint axis',
  5: 'nq mismatch', 6: 'nv mismatch', 7: 'body link out of range', 8: 'frame link out of range',
  9: 'negative or NaN mass', 10: 'non-finite number'
}

/**
 * Lowers `desc` and builds it as the core instance's Model (and Data). Returns the lowering.
 * Throws RobotFileError for a bad description.
 */
export function buildCoreModel (core: CoreInstance, desc: RobotDescription): LoweredModel {
  const low = lowerDescription(desc)
  const L = low.links
  core.fn<(a: number, b: number, c: number, d: number, e: number) => void>('dynModelReserve')(
    L.length, desc.bodies.length, desc.frames.length, low.nq, low.nv)
  const fields = readFieldTable(core, 0)
  const f64 = (name: string, values: readonly number[]): void => {
    const s = fields.get(name)
    if (s === undefined || s.kind !== 'f64') throw new Error(`the WASM core's Model has no f64 field '${name}'`)
    if (s.length !== values.length) throw new Error(`Model field '${name}': core expects ${s.length} values, host has ${values.length}`)
    core.f64(s.ptr, s.length).set(values)
  }
  const i32 = (name: string, values: readonly number[]): void => {
    const s = fields.get(name)
    if (s === undefined || s.kind !== 'i32') throw new Error(`the WASM core's Model has no i32 field '${name}'`)
    if (s.length !== values.length) throw new Error(`Model field '${name}': core expects ${s.length} values, host has ${values.length}`)
    core.i32(s.ptr, s.length).set(values)
  }
  i32('link_parent', L.map((l) => l.parent))
  i32('link_jtype', L.map((l) => l.jtype))
  i32('link_body', L.map((l) => l.body))
  f64('link_pos', L.flatMap((l) => l.pos))
  f64('link_quat', L.flatMap((l) => l.quat))
  f64('link_jpos', L.flatMap((l) => l.jpos))
  f64('link_jaxis', L.flatMap((l) => l.jaxis))
  f64('link_mass', L.map((l) => l.mass))
  f64('link_com', L.flatMap((l) => l.com))
  f64('link_inertia', L.flatMap((l) => l.inertia))
  i32('body_link', low.bodyLink)
  i32('frame_link', desc.frames.map((f) => low.bodyLink[f.body]))
  f64('frame_pos', desc.frames.flatMap((f) => f.pos))
  f64('frame_quat', desc.frames.flatMap((f) => f.quat))
  f64('qpos0', low.qpos0)
  f64('q_lower', low.qLower)
  f64('q_upper', low.qUpper)
  f64('dof_armature', low.armature)
  f64('dof_damping', low.damping)
  f64('dof_frictionloss', low.frictionLoss)
  f64('dof_effort_limit', low.effortLimit)
  f64('dof_velocity_limit', low.velocityLimit)
  f64('gravity', desc.gravity)
  const code = core.fn<() => number>('dynModelBuild')()
  if (code !== 0) {
    const idx = core.fn<() => number>('dynModelErrorIndex')()
    throw new RobotFileError(desc.sourceFile, null, null, `the WASM core rejected the model: ${BUILD_ERRORS[code] ?? `code ${code}`} (index ${idx})`)
  }
  return low
}
