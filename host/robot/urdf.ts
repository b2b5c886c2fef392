// URDF → RobotDescription.
//
// Links joined by fixed joints are merged into one rigid body (inertia combined with the
// parallel-axis theorem), and every link, merged or not, stays a named frame, so feet, IMU and tool
// links keep their names. The base is floating unless the root link is `world` (the usual
// convention for fixed-base arms), in which case the joint out of `world` decides.
//
// Extension: URDF has no rotor inertia, so the robot element may hold, in the namespace
// urn:cerebellum:urdf-extensions:1, `<cerebellum:joint name="…" armature="…"/>` (kg·m² or kg: the rotor
// inertia reflected through the gearbox). ROS parsers ignore elements of foreign namespaces.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom'
import {
  RobotFileError, dofsOfJoint, type BodyDesc, type FrameDesc, type JointDesc, type Mat3, type Quat,
  type RobotDescription, type Vec3
} from './description.ts'
import { addMat3, composePose, matFromQuat, pointInertia, quatFromRpy, rotate, rotateInertia, subMat3 } from './geometry.ts'

interface UrdfLink {
  name: string
  el: XmlElement
  mass: number
  com: Vec3
  /** About the link's CoM, in link-frame axes. */
  inertia: Mat3
}

interface UrdfJoint {
  name: string
  el: XmlElement
  type: string
  parent: string
  child: string
  pos: Vec3
  quat: Quat
  axis: Vec3
  lower: number
  upper: number
  effort: number
  velocity: number
  damping: number
  friction: number
  armature: number
}

const EXT_NS = 'urn:cerebellum:urdf-extensions:1'
const KNOWN_JOINTS = new Set(['revolute', 'continuous', 'prismatic', 'fixed', 'floating'])
const ZERO3: Vec3 = [0, 0, 0]

/** Parses and describes a URDF file; throws one RobotFileError naming file, line and element. */
export function loadUrdf (file: string): RobotDescription {
  const path = resolve(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new RobotFileError(path, null, null, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  return parseUrdf(text, path)
}

export function parseUrdf (text: string, path: string): RobotDescription {
  const fail = (el: XmlElement | null, reason: string): never => {
    throw new RobotFileError(path, el !== null ? lineOf(el) : null, el !== null ? el.tagName : null, reason)
  }
  let parseError: { line: number | null, msg: string } | null = null
  const parser = new DOMParser({
    onError: (level, msg) => {
      if (level === 'warning' || parseError !== null) return
      const line = /line:?\s*(\d+)/i.exec(msg)
      parseError = { line: line !== null ? Number(line[1]) : null, msg: msg.split('\n')[0] }
    }
  })
  let doc
  try {
    doc = parser.parseFromString(text, 'text/xml')
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    const line = /line:?\s*(\d+)/i.exec(msg)
    throw new RobotFileError(path, line !== null ? Number(line[1]) : null, null, `not well-formed XML: ${msg.split('\n')[0]}`)
  }
  if (parseError !== null) {
    const e = parseError as { line: number | null, msg: string }
    throw new RobotFileError(path, e.line, null, `not well-formed XML: ${e.msg}`)
  }
  const robot = doc.documentElement
  if (robot === null || robot.tagName !== 'robot') fail(robot, `the root element must be <robot>, found <${robot?.tagName ?? 'nothing'}>`)
  const robotEl = robot as XmlElement

  const num = (el: XmlElement, attr: string, fallback?: number): number => {
    const raw = el.getAttribute(attr)
    if (raw === null || raw.trim() === '') {
      if (fallback !== undefined) return fallback
      return fail(el, `missing attribute '${attr}'`)
    }
    const v = Number(raw)
    if (!Number.isFinite(v)) fail(el, `attribute '${attr}' is not a finite number: '${raw}'`)
    return v
  }
  const vec = (el: XmlElement | null, attr: string, fallback: Vec3): Vec3 => {
    if (el === null) return fallback
    const raw = el.getAttribute(attr)
    if (raw === null) return fallback
    const parts = raw.trim().split(/\s+/).map(Number)
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x))) fail(el, `attribute '${attr}' must be three finite numbers, found '${raw}'`)
    return parts as Vec3
  }
  const origin = (parent: XmlElement): { pos: Vec3, quat: Quat } => {
    const o = child(parent, 'origin')
    const rpy = vec(o, 'rpy', ZERO3)
    return { pos: vec(o, 'xyz', ZERO3), quat: quatFromRpy(rpy[0], rpy[1], rpy[2]) }
  }

  // --- links ---
  const links = new Map<string, UrdfLink>()
  for (const el of children(robotEl, 'link')) {
    const name = el.getAttribute('name')
    if (name === null || name === '') fail(el, 'link without a name')
    if (links.has(name as string)) fail(el, `duplicate link name '${name}'`)
    const inertial = child(el, 'inertial')
    let mass = 0
    let com: Vec3 = [0, 0, 0]
    let inertia: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    if (inertial !== null) {
      const massEl = child(inertial, 'mass')
      if (massEl === null) fail(inertial, `link '${name}': <inertial> without <mass>`)
      mass = num(massEl as XmlElement, 'value')
      if (mass < 0) fail(massEl, `link '${name}': negative mass ${mass}`)
      const o = origin(inertial)
      com = o.pos
      const ie = child(inertial, 'inertia')
      if (ie === null) fail(inertial, `link '${name}': <inertial> without <inertia>`)
      const ixx = num(ie as XmlElement, 'ixx'); const iyy = num(ie as XmlElement, 'iyy'); const izz = num(ie as XmlElement, 'izz')
      const ixy = num(ie as XmlElement, 'ixy', 0); const ixz = num(ie as XmlElement, 'ixz', 0); const iyz = num(ie as XmlElement, 'iyz', 0)
      const Ic: Mat3 = [ixx, ixy, ixz, ixy, iyy, iyz, ixz, iyz, izz]
      if (mass > 0 && !isPositiveSemidefinite(Ic)) fail(ie, `link '${name}': inertia tensor is not positive semidefinite (or violates the triangle inequality)`)
      inertia = rotateInertia(matFromQuat(o.quat), Ic)
    }
    links.set(name as string, { name: name as string, el, mass, com, inertia })
  }
  if (links.size === 0) fail(robotEl, 'no <link> elements')

  // --- joints ---
  const joints = new Map<string, UrdfJoint>()
  const parentJointOf = new Map<string, UrdfJoint>()
  for (const el of children(robotEl, 'joint')) {
    const name = el.getAttribute('name')
    if (name === null || name === '') fail(el, 'joint without a name')
    if (joints.has(name as string)) fail(el, `duplicate joint name '${name}'`)
    const type = el.getAttribute('type') ?? ''
    if (!KNOWN_JOINTS.has(type)) {
      fail(el, `joint '${name}': ${type === '' ? 'missing type' : `unknown or unsupported joint type '${type}'`} (supported: revolute, continuous, prismatic, fixed, floating)`)
    }
    const pEl = child(el, 'parent'); const cEl = child(el, 'child')
    if (pEl === null || cEl === null) fail(el, `joint '${name}' needs <parent link=".."/> and <child link=".."/>`)
    const parent = (pEl as XmlElement).getAttribute('link') ?? ''
    const childName = (cEl as XmlElement).getAttribute('link') ?? ''
    if (!links.has(parent)) fail(pEl, `joint '${name}': parent link '${parent}' is not defined`)
    if (!links.has(childName)) fail(cEl, `joint '${name}': child link '${childName}' is not defined`)
    if (parentJointOf.has(childName)) fail(el, `link '${childName}' has two parent joints ('${parentJointOf.get(childName)?.name}' and '${name}')`)
    const o = origin(el)
    let axis = vec(child(el, 'axis'), 'xyz', [1, 0, 0])
    const n = Math.hypot(axis[0], axis[1], axis[2])
    if ((type === 'revolute' || type === 'continuous' || type === 'prismatic') && n < 1e-9) fail(child(el, 'axis'), `joint '${name}': zero axis`)
    if (n > 0) axis = [axis[0] / n, axis[1] / n, axis[2] / n]
    const lim = child(el, 'limit')
    if ((type === 'revolute' || type === 'prismatic') && lim === null) fail(el, `joint '${name}': a ${type} joint needs <limit lower upper effort velocity>`)
    const lower = lim !== null && type !== 'continuous' ? num(lim, 'lower', 0) : -Infinity
    const upper = lim !== null && type !== 'continuous' ? num(lim, 'upper', 0) : Infinity
    if (lower > upper) fail(lim, `joint '${name}': lower limit ${lower} is above upper limit ${upper}`)
    const effort = lim !== null ? num(lim, 'effort', Infinity) : Infinity
    const velocity = lim !== null ? num(lim, 'velocity', Infinity) : Infinity
    if (effort <= 0 || velocity <= 0) fail(lim, `joint '${name}': effort and velocity limits must be positive`)
    const dyn = child(el, 'dynamics')
    const j: UrdfJoint = {
      name: name as string,
      el,
      type,
      parent,
      child: childName,
      pos: o.pos,
      quat: o.quat,
      axis,
      lower,
      upper,
      effort,
      velocity,
      damping: dyn !== null ? num(dyn, 'damping', 0) : 0,
      friction: dyn !== null ? num(dyn, 'friction', 0) : 0,
      armature: 0
    }
    if (j.damping < 0 || j.friction < 0) fail(el, `joint '${name}': damping and friction must be non-negative`)
    joints.set(j.name, j)
    parentJointOf.set(childName, j)
  }
  for (let n = robotEl.firstChild; n !== null; n = n.nextSibling) {
    const el = n as XmlElement
    if (n.nodeType !== 1 || el.namespaceURI !== EXT_NS || el.localName !== 'joint') continue
    const jname = el.getAttribute('name') ?? ''
    const j = joints.get(jname)
    if (j === undefined) fail(el, `armature given for joint '${jname}', which is not defined`)
    const armature = num(el, 'armature')
    if (armature < 0) fail(el, `joint '${jname}': armature must be non-negative`)
    ;(j as UrdfJoint).armature = armature
  }

  // --- tree: one root, no cycles ---
  const roots = [...links.keys()].filter((l) => !parentJointOf.has(l))
  if (roots.length === 0) fail(robotEl, 'the joints form a cycle: every link has a parent')
  if (roots.length > 1) fail(links.get(roots[1])?.el ?? robotEl, `more than one root link (${roots.join(', ')}): links must form one tree`)
  const childrenOf = new Map<string, UrdfJoint[]>()
  for (const j of joints.values()) {
    const list = childrenOf.get(j.parent) ?? []
    list.push(j)
    childrenOf.set(j.parent, list)
  }
  const reached = new Set<string>()
  const order: string[] = []
  const visit = (l: string): void => {
    reached.add(l)
    order.push(l)
    for (const j of childrenOf.get(l) ?? []) visit(j.child)
  }
  visit(roots[0])
  if (reached.size !== links.size) {
    const lost = [...links.keys()].find((l) => !reached.has(l)) as string
    fail(links.get(lost)?.el ?? robotEl, `link '${lost}' is on a cycle of joints, not reachable from the root '${roots[0]}'`)
  }

  // --- bodies: a body per moving joint (and the root); fixed links merge into their parent body ---
  const worldRoot = roots[0] === 'world'
  const bodies: BodyDesc[] = []
  const frames: FrameDesc[] = []
  /** link → (body index, placement of the link frame in the body frame); -1 means the world. */
  const placeOf = new Map<string, { body: number, pos: Vec3, quat: Quat }>()
  const massSource = new Map<number, string[]>()
  const addLinkInertia = (body: number, link: UrdfLink, pos: Vec3, quat: Quat): void => {
    if (link.mass === 0) return
    const b = bodies[body]
    const R = matFromQuat(quat)
    const c = rotate(R, link.com)
    const comL: Vec3 = [pos[0] + c[0], pos[1] + c[1], pos[2] + c[2]]
    const Ilink = rotateInertia(R, link.inertia)
    const m = b.mass + link.mass
    const com: Vec3 = [0, 1, 2].map((k) => (b.mass * b.com[k] + link.mass * comL[k]) / m) as Vec3
    // Both inertias about the origin, summed, then moved back to the new CoM.
    const aboutOrigin = addMat3(addMat3(b.inertia, pointInertia(b.mass, b.com)), addMat3(Ilink, pointInertia(link.mass, comL)))
    b.inertia = subMat3(aboutOrigin, pointInertia(m, com))
    b.mass = m
    b.com = com
    massSource.get(body)?.push(link.name)
  }
  for (const l of order) {
    const link = links.get(l) as UrdfLink
    const j = parentJointOf.get(l)
    if (j === undefined) {
      if (worldRoot) {
        placeOf.set(l, { body: -1, pos: [0, 0, 0], quat: [1, 0, 0, 0] })
        if (link.mass > 0) fail(link.el, "the root link 'world' must not have mass")
        continue
      }
      bodies.push(newBody(l, -1, [0, 0, 0], [1, 0, 0, 0], [freeJoint(`${l}_root`)]))
    } else if (j.type === 'fixed') {
      const p = placeOf.get(j.parent) as { body: number, pos: Vec3, quat: Quat }
      const placed = composePose(p.pos, p.quat, j.pos, j.quat)
      placeOf.set(l, { body: p.body, ...placed })
      if (p.body >= 0) addLinkInertia(p.body, link, placed.pos, placed.quat)
      else if (link.mass > 0) {
        // A massive link welded to the world: part of the fixed environment, not a moving body.
        bodies.push(newBody(l, -1, placed.pos, placed.quat, []))
        placeOf.set(l, { body: bodies.length - 1, pos: [0, 0, 0], quat: [1, 0, 0, 0] })
        massSource.set(bodies.length - 1, [])
        addLinkInertia(bodies.length - 1, link, [0, 0, 0], [1, 0, 0, 0])
      }
      continue
    } else {
      const p = placeOf.get(j.parent) as { body: number, pos: Vec3, quat: Quat }
      const placed = composePose(p.pos, p.quat, j.pos, j.quat)
      const jd = j.type === 'floating' ? freeJoint(j.name) : movingJoint(j)
      if (j.type === 'floating' && p.body !== -1) fail(j.el, `floating joint '${j.name}' must connect to the root link 'world'`)
      bodies.push(newBody(l, p.body, placed.pos, placed.quat, [jd]))
    }
    const b = bodies.length - 1
    placeOf.set(l, { body: b, pos: [0, 0, 0], quat: [1, 0, 0, 0] })
    massSource.set(b, [])
    addLinkInertia(b, link, [0, 0, 0], [1, 0, 0, 0])
  }
  if (bodies.length === 0) fail(robotEl, 'no link moves: every joint is fixed')
  for (let b = 0; b < bodies.length; b++) {
    const body = bodies[b]
    if (body.joints.length > 0 && body.mass <= 0) {
      const link = links.get(body.name) as UrdfLink
      fail(parentJointOf.get(body.name)?.el ?? link.el, `link '${body.name}' is moved by a joint but has no mass (no <inertial> on it or on links fixed to it)`)
    }
  }
  for (const l of order) {
    const p = placeOf.get(l) as { body: number, pos: Vec3, quat: Quat }
    if (p.body >= 0) frames.push({ name: l, kind: 'link', body: p.body, pos: p.pos, quat: p.quat })
  }

  let nq = 0; let nv = 0
  for (const b of bodies) for (const j of b.joints) { const d = dofsOfJoint(j.type); nq += d.nq; nv += d.nv }
  return {
    name: robotEl.getAttribute('name') ?? 'robot',
    sourceFile: path,
    format: 'urdf',
    gravity: [0, 0, -9.81],
    bodies,
    frames,
    actuators: [...joints.values()].filter((j) => j.type !== 'fixed' && j.type !== 'floating')
      .map((j) => ({ name: j.name, joint: j.name, effortLimit: j.effort, gear: 1 })),
    nq,
    nv,
    floatingBase: bodies[0].joints[0]?.type === 'free',
    keyframes: {}
  }
}

function newBody (name: string, parent: number, pos: Vec3, quat: Quat, joints: JointDesc[]): BodyDesc {
  return { name, parent, pos, quat, joints, mass: 0, com: [0, 0, 0], inertia: [0, 0, 0, 0, 0, 0, 0, 0, 0] }
}

function freeJoint (name: string): JointDesc {
  return {
    name, type: 'free', pos: [0, 0, 0], axis: [0, 0, 1], range: null, effortLimit: Infinity, velocityLimit: Infinity,
    armature: 0, damping: 0, frictionLoss: 0, qpos0: [0, 0, 0, 1, 0, 0, 0]
  }
}

function movingJoint (j: UrdfJoint): JointDesc {
  const limited = j.type !== 'continuous' && Number.isFinite(j.lower) && Number.isFinite(j.upper)
  return {
    name: j.name,
    type: j.type === 'prismatic' ? 'slide' : 'hinge',
    pos: [0, 0, 0],
    axis: j.axis,
    range: limited ? [j.lower, j.upper] : null,
    effortLimit: j.effort,
    velocityLimit: j.velocity,
    armature: j.armature,
    damping: j.damping,
    frictionLoss: j.friction,
    qpos0: [0] // URDF's zero is the configuration its joint origins describe
  }
}

function children (el: XmlElement, tag: string): XmlElement[] {
  const out: XmlElement[] = []
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XmlElement).tagName === tag) out.push(n as XmlElement)
  }
  return out
}

function child (el: XmlElement, tag: string): XmlElement | null {
  return children(el, tag)[0] ?? null
}

function lineOf (el: XmlElement): number | null {
  const n = (el as unknown as { lineNumber?: number }).lineNumber
  return typeof n === 'number' ? n : null
}

/** Principal moments non-negative and satisfying the triangle inequality (a physical rigid body). */
function isPositiveSemidefinite (I: Mat3): boolean {
  const [a, b, c, , e, f, , , i] = I
  const d1 = a; const d2 = a * e - b * b
  const det = a * (e * i - f * f) - b * (b * i - f * c) + c * (b * f - e * c)
  const tol = 1e-12 * Math.max(1, Math.abs(a) + Math.abs(e) + Math.abs(i))
  if (d1 < -tol || d2 < -tol * tol || det < -tol * tol * tol || e < -tol || i < -tol) return false
  return a + e >= i - tol && a + i >= e - tol && e + i >= a - tol
}
