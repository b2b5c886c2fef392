// robots/quad12: the URDF and the MJCF describe the same robot. Every URDF number (joint placement,
// axis, range, effort, velocity, damping, friction, inertial frame incl. rotated ones, the
// cerebellum:joint armature extension, the fixed foot and imu frames) is compared with what MuJoCo
// compiled from quad12.xml. The URDF is read here with a plain XML parser, independently of the loader.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { loadMujoco } from '../../host/sim/mujoco.ts'
import { compileScene } from '../../host/sim/scene-files.ts'
import { repoRoot, ROBOT } from './helpers.ts'

const URDF = repoRoot + 'robots/quad12/quad12.urdf'
const CEREBELLUM_NS = 'urn:cerebellum:urdf-extensions:1'

type M3 = number[]
const nums = (s: string | null | undefined, n = 3): number[] => (s ?? Array(n).fill('0').join(' ')).trim().split(/\s+/).map(Number)
function rpyMatrix ([r, p, y]: number[]): M3 {
  const [cr, sr, cp, sp, cy, sy] = [Math.cos(r), Math.sin(r), Math.cos(p), Math.sin(p), Math.cos(y), Math.sin(y)]
  // URDF: R = Rz(y) Ry(p) Rx(r)
  return [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
    sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
    -sp, cp * sr, cp * cr]
}
function quatMatrix (q: ArrayLike<number>, o = 0): M3 {
  const [w, x, y, z] = [q[o], q[o + 1], q[o + 2], q[o + 3]]
  return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
}
function rotate (R: M3, I: M3): M3 {
  const out = Array(9).fill(0)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) out[3 * i + j] += R[3 * i + k] * I[3 * k + l] * R[3 * j + l]
  return out
}
const close = (a: number[], b: ArrayLike<number>, tol: number, what: string): void => {
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: urdf ${a[i]} vs mjcf ${b[i]}`)
}

const doc = new DOMParser().parseFromString(readFileSync(URDF, 'utf8'), 'text/xml')
const robot = doc.documentElement as unknown as Element
const children = (el: Element, tag: string): Element[] => Array.from(el.childNodes as unknown as ArrayLike<Element>).filter((c) => c.nodeType === 1 && c.tagName === tag)
const child = (el: Element, tag: string): Element | undefined => children(el, tag)[0]
const links = new Map(children(robot, 'link').map((l) => [l.getAttribute('name') as string, l]))
const joints = children(robot, 'joint')
const armature = new Map(Array.from(robot.getElementsByTagNameNS(CEREBELLUM_NS, 'joint') as unknown as ArrayLike<Element>)
  .map((e) => [e.getAttribute('name') as string, Number(e.getAttribute('armature'))]))

test('URDF shape: root link base, 12 revolute + 4 foot + 1 imu fixed joints, 12 armature extensions', () => {
  assert.is(robot.getAttribute('name'), 'quad12')
  const childLinks = new Set(joints.map((j) => child(j, 'child')?.getAttribute('link')))
  assert.equal([...links.keys()].filter((l) => !childLinks.has(l)), ['base'])
  assert.is(joints.filter((j) => j.getAttribute('type') === 'revolute').length, 12)
  assert.equal(joints.filter((j) => j.getAttribute('type') === 'fixed').map((j) => child(j, 'child')?.getAttribute('link')).sort(),
    ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot', 'imu'])
  assert.is(armature.size, 12)
  // Rotated inertial frames, as CAD exports write them, are present (the calves).
  const rotated = [...links.values()].filter((l) => {
    const inertial = child(l, 'inertial')
    return inertial !== undefined && nums(child(inertial, 'origin')?.getAttribute('rpy')).some((x) => x !== 0)
  })
  assert.is(rotated.length, 4)
})

test('MJCF compiled by MuJoCo has the same bodies, inertias, joints, limits and armature as the URDF', async () => {
  const mj = await loadMujoco()
  const m = compileScene(mj, ROBOT)
  const id = (type: { value: number }, name: string): number => mj.mj_name2id(m, type.value, name)
  const bodyPos = m.body_pos as Float64Array
  const bodyQuat = m.body_quat as Float64Array
  let massUrdf = 0
  for (const [name, link] of links) {
    const inertial = child(link, 'inertial')
    if (name.endsWith('_foot') || name === 'imu') {
      assert.is(inertial, undefined, `${name} is a massless frame`)
      continue
    }
    const b = id(mj.mjtObj.mjOBJ_BODY, name)
    assert.ok(b > 0, `MJCF body ${name}`)
    const mass = Number(child(inertial as Element, 'mass')?.getAttribute('value'))
    massUrdf += mass
    assert.ok(Math.abs(mass - (m.body_mass as Float64Array)[b]) < 1e-12, `${name} mass`)
    const origin = child(inertial as Element, 'origin')
    close(nums(origin?.getAttribute('xyz')), (m.body_ipos as Float64Array).slice(3 * b), 1e-12, `${name} com`)
    const t = child(inertial as Element, 'inertia') as Element
    const a = (k: string): number => Number(t.getAttribute(k))
    const Iu = rotate(rpyMatrix(nums(origin?.getAttribute('rpy'))),
      [a('ixx'), a('ixy'), a('ixz'), a('ixy'), a('iyy'), a('iyz'), a('ixz'), a('iyz'), a('izz')])
    const d = (m.body_inertia as Float64Array).slice(3 * b)
    const Im = rotate(quatMatrix(m.body_iquat as Float64Array, 4 * b), [d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]])
    close(Iu, Im, 1e-12, `${name} inertia`)
  }
  let massMjcf = 0
  for (const x of m.body_mass as Float64Array) massMjcf += x
  assert.ok(Math.abs(massUrdf - massMjcf) < 1e-12 && Math.abs(massMjcf - 8.912) < 1e-12, `mass ${massUrdf} / ${massMjcf}`)

  const velocityId = id(mj.mjtObj.mjOBJ_NUMERIC, 'cerebellum_velocity_limit')
  const velocity = (m.numeric_data as Float64Array).slice((m.numeric_adr as Int32Array)[velocityId])
  for (const j of joints) {
    const name = j.getAttribute('name') as string
    const childName = child(j, 'child')?.getAttribute('link') as string
    const origin = child(j, 'origin')
    assert.equal(nums(origin?.getAttribute('rpy')), [0, 0, 0], `${name}: frames are unrotated`)
    const xyz = nums(origin?.getAttribute('xyz'))
    if (j.getAttribute('type') === 'fixed') {
      const site = id(mj.mjtObj.mjOBJ_SITE, childName)
      assert.ok(site >= 0, `MJCF site ${childName}`)
      const parent = id(mj.mjtObj.mjOBJ_BODY, child(j, 'parent')?.getAttribute('link') as string)
      assert.is((m.site_bodyid as Int32Array)[site], parent)
      close(xyz, (m.site_pos as Float64Array).slice(3 * site), 1e-12, `${childName} site`)
      continue
    }
    const b = id(mj.mjtObj.mjOBJ_BODY, childName)
    close(xyz, bodyPos.slice(3 * b), 1e-12, `${childName} pos`)
    close([1, 0, 0, 0], bodyQuat.slice(4 * b), 1e-12, `${childName} quat`)
    const jid = id(mj.mjtObj.mjOBJ_JOINT, name)
    assert.ok(jid >= 0, `MJCF joint ${name}`)
    close(nums(child(j, 'axis')?.getAttribute('xyz')), (m.jnt_axis as Float64Array).slice(3 * jid), 1e-12, `${name} axis`)
    const lim = child(j, 'limit') as Element
    close([Number(lim.getAttribute('lower')), Number(lim.getAttribute('upper'))], (m.jnt_range as Float64Array).slice(2 * jid), 1e-12, `${name} range`)
    const dof = (m.jnt_dofadr as Int32Array)[jid]
    const dyn = child(j, 'dynamics') as Element
    assert.ok(Math.abs(Number(dyn.getAttribute('damping')) - (m.dof_damping as Float64Array)[dof]) < 1e-12, `${name} damping`)
    assert.ok(Math.abs(Number(dyn.getAttribute('friction')) - (m.dof_frictionloss as Float64Array)[dof]) < 1e-12, `${name} friction`)
    assert.ok(Math.abs((armature.get(name) ?? NaN) - (m.dof_armature as Float64Array)[dof]) < 1e-12, `${name} armature`)
    const act = (m.actuator_trnid as Int32Array).findIndex((x, k) => k % 2 === 0 && x === jid) / 2
    assert.ok(act >= 0, `actuator for ${name}`)
    const effort = Number(lim.getAttribute('effort'))
    close([-effort, effort], (m.actuator_ctrlrange as Float64Array).slice(2 * act), 1e-12, `${name} effort`)
    assert.ok(Math.abs(Number(lim.getAttribute('velocity')) - velocity[act]) < 1e-12, `${name} velocity`)
  }
  // Armature = 63e-6 kg·m² rotor inertia × gear ratio² (ratios from the MJCF numeric).
  const gearId = id(mj.mjtObj.mjOBJ_NUMERIC, 'cerebellum_gear_ratio')
  const gear = (m.numeric_data as Float64Array).slice((m.numeric_adr as Int32Array)[gearId])
  for (let a = 0; a < 12; a++) {
    const dof = (m.jnt_dofadr as Int32Array)[(m.actuator_trnid as Int32Array)[2 * a]]
    assert.ok(Math.abs((m.dof_armature as Float64Array)[dof] - 63e-6 * gear[a] ** 2) < 1e-6)
  }
  m.delete()
})

test.run()
