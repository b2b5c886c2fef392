// MJCF → RobotDescription through MuJoCo's own compiler.
//
// MJCF has defaults classes, includes, frames, inertia inferred from geoms, angle units and euler
// sequences; rather than re-implement those rules we let MuJoCo compile the file and read the
// compiled model, so our interpretation of an MJCF file is MuJoCo's by construction.
// (compiled model) => (bodies, joints, inertia, sites, actuators, keyframes)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { loadMujoco, type Mujoco } from '../sim/mujoco.ts'
import {
  RobotFileError, type ActuatorDesc, type BodyDesc, type FrameDesc, type JointDesc, type JointType,
  type Mat3, type Quat, type RobotDescription, type Vec3
} from './description.ts'
import { matFromQuat, rotateInertia } from './geometry.ts'

type MjModel = InstanceType<Mujoco['MjModel']>

// MuJoCo's mjtJoint enum (mjmodel.h): FREE 0, BALL 1, SLIDE 2, HINGE 3.
const MJ_JNT: Record<number, JointType | 'ball'> = { 0: 'free', 1: 'ball', 2: 'slide', 3: 'hinge' }
// Limits on what is mirrored into MuJoCo's in-memory file system to resolve includes and assets.
const MIRROR_MAX_FILES = 5000
const MIRROR_MAX_BYTES = 256 * 1024 * 1024
let mirrorCount = 0

/** Copies the directory of the file into MuJoCo's MEMFS (includes and assets resolve relative to it). */
function mirrorDirectory (mj: Mujoco, dir: string): string {
  const root = `/robots/${mirrorCount++}`
  let files = 0
  let bytes = 0
  const walk = (d: string, depth: number): void => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.') || name === 'node_modules') continue
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) {
        if (depth < 4) walk(p, depth + 1)
        continue
      }
      files++
      bytes += st.size
      if (files > MIRROR_MAX_FILES || bytes > MIRROR_MAX_BYTES) {
        throw new RobotFileError(dir, null, null, `the robot's folder holds more than ${MIRROR_MAX_FILES} files or ${MIRROR_MAX_BYTES >> 20} MiB; put the robot in a folder of its own`)
      }
      const target = join(root, relative(dir, p))
      mj.FS.mkdirTree(dirname(target), 0o755)
      mj.FS.writeFile(target, readFileSync(p))
    }
  }
  walk(dir, 0)
  return root
}

/** Compiles an MJCF file with MuJoCo; MuJoCo's error text names the element and line. */
export async function compileMjcf (file: string): Promise<{ mj: Mujoco, model: MjModel }> {
  const path = resolve(file)
  const mj = await loadMujoco()
  const root = mirrorDirectory(mj, dirname(path))
  try {
    return { mj, model: mj.MjModel.from_xml_path(join(root, basename(path))) }
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err)
    const line = /line (\d+)/.exec(text)
    const element = /Element '([^']+)'/.exec(text)
    const reason = text.replace(/^MuJoCo Error:\s*/, '').replace(/\s*Element[^\n]*line \d+\s*$/s, '').replace(/\s+/g, ' ').trim()
    throw new RobotFileError(path, line !== null ? Number(line[1]) : null, element !== null ? element[1] : null, reason)
  } finally {
    removeTree(mj, root)
  }
}

function removeTree (mj: Mujoco, p: string): void {
  for (const name of mj.FS.readdir(p) as string[]) {
    if (name === '.' || name === '..') continue
    const c = `${p}/${name}`
    if (mj.FS.isDir(mj.FS.stat(c, false).mode)) removeTree(mj, c)
    else mj.FS.unlink(c)
  }
  mj.FS.rmdir(p)
}

/** Reads MuJoCo's null-terminated name table. */
function nameReader (m: MjModel): (adr: number) => string {
  const bytes = new Uint8Array(m.names.buffer, m.names.byteOffset, m.names.length)
  const dec = new TextDecoder()
  return (adr) => {
    let end = adr
    while (end < bytes.length && bytes[end] !== 0) end++
    return dec.decode(bytes.subarray(adr, end))
  }
}

const v3 = (a: ArrayLike<number>, i: number): Vec3 => [a[3 * i], a[3 * i + 1], a[3 * i + 2]]
const q4 = (a: ArrayLike<number>, i: number): Quat => [a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]]
/** A [lo, hi] pair counts as a limit only when non-degenerate (MuJoCo's autolimits rule; see TOOLCHAIN.md on the mjtByte binding bug). */
const range = (a: ArrayLike<number>, i: number): [number, number] | null => (a[2 * i] < a[2 * i + 1] ? [a[2 * i], a[2 * i + 1]] : null)

export async function loadMjcf (file: string): Promise<RobotDescription> {
  const path = resolve(file)
  const { model: m } = await compileMjcf(path)
  try {
    return describe(m, path)
  } finally {
    m.delete()
  }
}

function describe (m: MjModel, path: string): RobotDescription {
  const name = nameReader(m)
  // Bodies welded to the world whose subtree holds no joint are scenery (terrain, props): not robot.
  const hasJointBelow = new Array<boolean>(m.nbody).fill(false)
  for (let b = m.nbody - 1; b >= 1; b--) {
    if (m.body_jntnum[b] > 0) hasJointBelow[b] = true
    if (hasJointBelow[b]) hasJointBelow[m.body_parentid[b]] = true
  }
  const keep = (b: number): boolean => {
    for (let c = b; c !== 0; c = m.body_parentid[c]) if (hasJointBelow[c]) return true
    return false
  }
  const index = new Map<number, number>()
  const bodies: BodyDesc[] = []
  // Effort limit of a joint: the tightest of its actfrcrange, its actuator's forcerange × gear, and a motor's ctrlrange × gear.
  const effortOfJoint = new Map<number, number>()
  const actuators: ActuatorDesc[] = []
  for (let a = 0; a < m.nu; a++) {
    if (m.actuator_trntype[a] !== 0) continue // only joint transmissions describe joint efforts
    const j = m.actuator_trnid[2 * a]
    const gear = m.actuator_gear[6 * a]
    const fr = range(m.actuator_forcerange, a)
    const cr = range(m.actuator_ctrlrange, a)
    const isMotor = m.actuator_gaintype[a] === 0 && m.actuator_biastype[a] === 0
    const jointFrc = range(m.jnt_actfrcrange, j)
    let limit = jointFrc !== null ? Math.max(Math.abs(jointFrc[0]), Math.abs(jointFrc[1])) : Infinity
    if (fr !== null) limit = Math.min(limit, Math.max(Math.abs(fr[0]), Math.abs(fr[1])) * Math.abs(gear))
    else if (isMotor && cr !== null) limit = Math.min(limit, Math.max(Math.abs(cr[0]), Math.abs(cr[1])) * Math.abs(gear))
    effortOfJoint.set(j, Math.min(effortOfJoint.get(j) ?? Infinity, limit))
    actuators.push({ name: name(m.name_actuatoradr[a]) || `actuator${a}`, joint: name(m.name_jntadr[j]), effortLimit: limit, gear })
  }
  let freeJoints = 0
  for (let b = 1; b < m.nbody; b++) {
    if (!keep(b)) continue
    const parent = m.body_parentid[b] === 0 ? -1 : index.get(m.body_parentid[b])
    if (parent === undefined) throw new RobotFileError(path, null, 'body', `body '${name(m.name_bodyadr[b])}' has a parent outside the robot`)
    const joints: JointDesc[] = []
    for (let k = 0; k < m.body_jntnum[b]; k++) {
      const j = m.body_jntadr[b] + k
      const type = MJ_JNT[m.jnt_type[j]]
      const jname = name(m.name_jntadr[j]) || `joint${j}`
      if (type === 'ball' || type === undefined) {
        throw new RobotFileError(path, null, 'joint', `joint '${jname}' is a ${type ?? 'unknown'} joint; the controller supports free, hinge and slide joints`)
      }
      if (type === 'free') {
        freeJoints++
        if (parent !== -1) throw new RobotFileError(path, null, 'freejoint', `free joint '${jname}' on body '${name(m.name_bodyadr[b])}' is not on a child of the world`)
      }
      const dof = m.jnt_dofadr[j]
      const nq = type === 'free' ? 7 : 1
      const qadr = m.jnt_qposadr[j]
      const actfrc = range(m.jnt_actfrcrange, j)
      const effort = effortOfJoint.get(j) ?? (actfrc !== null ? Math.max(Math.abs(actfrc[0]), Math.abs(actfrc[1])) : Infinity)
      joints.push({
        name: jname,
        type,
        pos: v3(m.jnt_pos, j),
        axis: v3(m.jnt_axis, j),
        range: type === 'free' ? null : range(m.jnt_range, j),
        effortLimit: type === 'free' ? Infinity : effort,
        velocityLimit: Infinity, // MJCF has no joint velocity limit
        armature: m.dof_armature[dof],
        damping: m.dof_damping[dof],
        frictionLoss: m.dof_frictionloss[dof],
        qpos0: Array.from(m.qpos0.subarray(qadr, qadr + nq))
      })
    }
    const mass = m.body_mass[b]
    const Ip = v3(m.body_inertia, b)
    const inertia = rotateInertia(matFromQuat(q4(m.body_iquat, b)), [Ip[0], 0, 0, 0, Ip[1], 0, 0, 0, Ip[2]] as Mat3)
    index.set(b, bodies.length)
    bodies.push({ name: name(m.name_bodyadr[b]) || `body${b}`, parent, pos: v3(m.body_pos, b), quat: q4(m.body_quat, b), joints, mass, com: v3(m.body_ipos, b), inertia })
  }
  if (bodies.length === 0) throw new RobotFileError(path, null, 'worldbody', 'no body moves: the file holds no joint')
  if (freeJoints > 1) throw new RobotFileError(path, null, 'freejoint', `${freeJoints} free-floating bodies; the file must hold one robot (props with free joints belong in a scene file for the plant)`)
  const frames: FrameDesc[] = []
  for (let b = 1; b < m.nbody; b++) {
    const i = index.get(b)
    if (i !== undefined) frames.push({ name: bodies[i].name, kind: 'body', body: i, pos: [0, 0, 0], quat: [1, 0, 0, 0] })
  }
  for (let s = 0; s < m.nsite; s++) {
    const b = index.get(m.site_bodyid[s])
    if (b === undefined) continue
    frames.push({ name: name(m.name_siteadr[s]) || `site${s}`, kind: 'site', body: b, pos: v3(m.site_pos, s), quat: q4(m.site_quat, s) })
  }
  const keyframes: Record<string, number[]> = {}
  for (let k = 0; k < m.nkey; k++) {
    keyframes[name(m.name_keyadr[k]) || `key${k}`] = Array.from(m.key_qpos.subarray(k * m.nq, (k + 1) * m.nq))
  }
  const g = m.opt.gravity
  const modelName = name(0)
  return {
    name: modelName !== '' ? modelName : basename(path).replace(/\.xml$/i, ''),
    sourceFile: path,
    format: 'mjcf',
    gravity: [g[0], g[1], g[2]],
    bodies,
    frames,
    actuators,
    nq: m.nq,
    nv: m.nv,
    floatingBase: bodies[0].joints[0]?.type === 'free',
    keyframes
  }
}
