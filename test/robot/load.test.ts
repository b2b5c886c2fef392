// Robot file loading: URDF merging checked against MuJoCo's own URDF compiler, MJCF through MuJoCo,
// and one clear error (file, line, reason) for each kind of bad file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { loadRobot, RobotFileError } from '../../host/robot/load.ts'
import { parseUrdf } from '../../host/robot/urdf.ts'
import { matFromQuat, rotateInertia } from '../../host/robot/geometry.ts'
import { loadMujoco } from '../../host/sim/mujoco.ts'
import type { Mat3, RobotDescription } from '../../host/robot/description.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const legUrdf = join(here, '../fixtures/robot/leg.urdf')
const shared = join(here, '../../../shared/robots')
const tmp = mkdtempSync(join(tmpdir(), 'cb-robot-'))

/** The fixture with a `world` root and a floating joint, the form MuJoCo's URDF compiler turns into a free joint. */
function floatingVariant (): string {
  return readFileSync(legUrdf, 'utf8').replace(/<robot [^>]*>/,
    '$&\n<link name="world"/><joint name="float" type="floating"><parent link="world"/><child link="base"/></joint>')
}

function maxAbsDiff (a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]))
  return d
}

function expectError (fn: () => unknown, pattern: RegExp, line: number | null): void {
  try {
    fn()
  } catch (err) {
    assert.instance(err, RobotFileError)
    const e = err as RobotFileError
    assert.match(e.message, pattern)
    assert.is(e.line, line, `line of: ${e.message}`)
    return
  }
  assert.unreachable(`expected an error matching ${pattern}`)
}

test('URDF: merged bodies match MuJoCo\'s URDF compiler (mass, CoM, full inertia, placements)', async () => {
  const text = floatingVariant()
  const ours = parseUrdf(text, 'leg.urdf')
  const mj = await loadMujoco()
  const m = mj.MjModel.from_xml_string(text)
  try {
    // MuJoCo fuses fixed links into their parents for URDF, as we do; bodies 1.. are base, hip, thigh, slider.
    assert.is(m.nbody - 1, ours.bodies.length)
    assert.is(m.nq, ours.nq)
    for (let i = 0; i < ours.bodies.length; i++) {
      const b = ours.bodies[i]
      const k = i + 1
      assert.ok(Math.abs(m.body_mass[k] - b.mass) < 1e-12, `mass of ${b.name}`)
      assert.ok(maxAbsDiff(m.body_ipos.subarray(3 * k, 3 * k + 3), b.com) < 1e-12, `com of ${b.name}`)
      const q = Array.from(m.body_iquat.subarray(4 * k, 4 * k + 4)) as [number, number, number, number]
      const d = m.body_inertia.subarray(3 * k, 3 * k + 3)
      const Imj = rotateInertia(matFromQuat(q), [d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]] as Mat3)
      assert.ok(maxAbsDiff(Imj, b.inertia) < 1e-12, `inertia of ${b.name}: ${maxAbsDiff(Imj, b.inertia)}`)
      assert.ok(maxAbsDiff(m.body_pos.subarray(3 * k, 3 * k + 3), b.pos) < 1e-12, `pos of ${b.name}`)
      const qb = m.body_quat.subarray(4 * k, 4 * k + 4)
      const sign = Math.sign(qb[0] * b.quat[0] + qb[1] * b.quat[1] + qb[2] * b.quat[2] + qb[3] * b.quat[3])
      assert.ok(maxAbsDiff(Array.from(qb as Float64Array).map((x) => sign * x), b.quat) < 1e-12, `quat of ${b.name}`)
    }
    for (let j = 1; j < m.njnt; j++) {
      const ji = ours.bodies[j].joints[0]
      assert.ok(maxAbsDiff(m.jnt_axis.subarray(3 * j, 3 * j + 3), ji.axis) < 1e-12, `axis of ${ji.name}`)
    }
  } finally {
    m.delete()
  }
})

test('URDF: floating root by default, frames keep link names, armature extension, limits', () => {
  const r = parseUrdf(readFileSync(legUrdf, 'utf8'), legUrdf)
  assert.is(r.floatingBase, true)
  assert.is(r.nq, 7 + 3)
  assert.is(r.nv, 6 + 3)
  assert.equal(r.bodies.map((b) => b.name), ['base', 'hip', 'thigh', 'slider'])
  assert.equal(r.bodies.map((b) => b.joints.map((j) => j.type).join()), ['free', 'hinge', 'hinge', 'slide'])
  const hip = r.bodies[1].joints[0]
  assert.is(hip.armature, 0.0042)
  assert.equal(hip.range, [-0.8, 0.8])
  assert.is(hip.effortLimit, 17)
  assert.is(hip.velocityLimit, 40)
  assert.is(r.bodies[2].joints[0].range, null, 'continuous joint is unlimited')
  const imu = r.frames.find((f) => f.name === 'imu')
  assert.ok(imu !== undefined && imu.body === 0)
  assert.ok(maxAbsDiff(imu.pos, [0.05, 0, 0.02]) < 1e-15)
  assert.ok(maxAbsDiff(imu.quat, [Math.SQRT1_2, 0, 0, Math.SQRT1_2]) < 1e-15)
  const foot = r.frames.find((f) => f.name === 'foot')
  assert.ok(foot !== undefined && r.bodies[foot.body].name === 'slider')
  assert.ok(maxAbsDiff(foot.pos, [0, 0, -0.2]) < 1e-15)
  // Total mass is conserved by merging.
  assert.ok(Math.abs(r.bodies.reduce((a, b) => a + b.mass, 0) - (4 + 0.6 + 0.9 + 0.2 + 0.05)) < 1e-12)
})

test('URDF: a world root welded to the first link gives a fixed base', () => {
  const text = readFileSync(legUrdf, 'utf8').replace(/<robot [^>]*>/,
    '$&\n<link name="world"/><joint name="weld" type="fixed"><parent link="world"/><child link="base"/><origin xyz="0 0 1"/></joint>')
  const r = parseUrdf(text, 'arm.urdf')
  assert.is(r.floatingBase, false)
  assert.is(r.nq, 3)
  assert.is(r.bodies[0].joints.length, 0, 'the base is a body welded to the world')
  assert.equal(r.bodies[0].pos, [0, 0, 1])
})

const bad: Array<[string, (s: string) => string, RegExp, number | null]> = [
  ['unknown joint type', (s) => s.replace('type="continuous"', 'type="spherical"'), /joint 'thigh_joint': unknown or unsupported joint type 'spherical'/, 39],
  ['zero mass on a moving link', (s) => s.replace(/<link name="hip">[^]*?<\/link>/, '<link name="hip"/>'), /link 'hip' is moved by a joint but has no mass/, 19],
  ['mismatched child name', (s) => s.replace('<child link="thigh"/>', '<child link="thigh_link"/>'), /child link 'thigh_link' is not defined/, 40],
  ['cycle of joints', (s) => s.replace('</robot>', '<joint name="loop" type="fixed"><parent link="foot"/><child link="base"/></joint>\n</robot>'), /cycle/, 5],
  ['two parents', (s) => s.replace('</robot>', '<joint name="again" type="fixed"><parent link="base"/><child link="foot"/></joint>\n</robot>'), /link 'foot' has two parent joints/, 69],
  ['bad number', (s) => s.replace('<mass value="0.9"/>', '<mass value="heavy"/>'), /attribute 'value' is not a finite number: 'heavy'/, 35],
  ['revolute without limit', (s) => s.replace('<limit lower="-0.8" upper="0.8" effort="17" velocity="40"/>', ''), /joint 'hip_joint': a revolute joint needs <limit/, 25],
  ['non-physical inertia', (s) => s.replace('ixx="0.004" ixy="0.0001"', 'ixx="-0.004" ixy="0.0001"'), /link 'thigh': inertia tensor is not positive semidefinite/, 36],
  ['malformed XML', (s) => s.replace('<link name="imu"/>', '<link name="imu">'), /not well-formed XML/, null]
]
for (const [what, mutate, pattern, line] of bad) {
  test(`URDF error: ${what}`, () => {
    const text = mutate(readFileSync(legUrdf, 'utf8'))
    if (what === 'malformed XML') {
      // The parser's line is whatever it reports; require the file name and the reason.
      try { parseUrdf(text, '/x/leg.urdf') } catch (err) {
        assert.instance(err, RobotFileError)
        assert.match((err as Error).message, /^\/x\/leg\.urdf: .*not well-formed XML/)
        return
      }
      assert.unreachable('malformed XML accepted')
    }
    expectError(() => parseUrdf(text, '/x/leg.urdf'), pattern, line)
  })
}

test('loadRobot: missing file and unknown format are clear errors', async () => {
  try { await loadRobot(join(tmp, 'nope.urdf')); assert.unreachable() } catch (e) { assert.match((e as Error).message, /nope\.urdf: no such file/) }
  const f = join(tmp, 'thing.xml')
  writeFileSync(f, '<?xml version="1.0"?>\n<sdf version="1.6"/>')
  try { await loadRobot(f); assert.unreachable() } catch (e) { assert.match((e as Error).message, /neither URDF \(<robot>\) nor MJCF \(<mujoco>\): the root element is <sdf>/) }
})

test('MJCF: MuJoCo\'s compiler error names file, element and line; nothing is returned', async () => {
  const f = join(tmp, 'bad.xml')
  writeFileSync(f, '<mujoco>\n<worldbody>\n<body name="a">\n<joint type="hinge"/>\n<geom size="0.1"/>\n</body>\n<body name="b">\n<joint type="banana"/>\n</body>\n</worldbody>\n</mujoco>\n')
  try { await loadRobot(f); assert.unreachable() } catch (e) {
    assert.instance(e, RobotFileError)
    assert.is((e as RobotFileError).line, 8)
    assert.match((e as Error).message, /bad\.xml: line 8: <joint>: .*invalid keyword: 'banana'/)
  }
  writeFileSync(f, '<mujoco>\n<worldbody>\n<body name="a">\n<joint type="ball"/>\n<geom size="0.1"/>\n</body>\n</worldbody>\n</mujoco>\n')
  try { await loadRobot(f); assert.unreachable() } catch (e) { assert.match((e as Error).message, /is a ball joint; the controller supports free, hinge and slide joints/) }
})

test('MJCF: includes resolve relative to the file; scenery without joints is not part of the robot', async () => {
  writeFileSync(join(tmp, 'robot.xml'), '<mujoco model="r"><worldbody><body name="torso" pos="0 0 1"><freejoint name="root"/><geom size="0.1" mass="2"/><body name="arm"><joint name="j" axis="0 1 0" range="-1 1"/><geom type="capsule" fromto="0 0 0 0.3 0 0" size="0.02" mass="0.5"/><site name="tip" pos="0.3 0 0"/></body></body></worldbody><actuator><motor joint="j" ctrlrange="-7 7" gear="2"/></actuator></mujoco>')
  writeFileSync(join(tmp, 'scene.xml'), '<mujoco model="scene"><include file="robot.xml"/><worldbody><geom type="plane" size="5 5 0.1"/><body name="box" pos="1 0 0"><geom type="box" size="0.1 0.1 0.1"/></body></worldbody></mujoco>')
  const r = await loadRobot(join(tmp, 'scene.xml'))
  assert.equal(r.bodies.map((b) => b.name), ['torso', 'arm'])
  assert.is(r.nq, 8)
  assert.is(r.floatingBase, true)
  assert.ok(Math.abs(r.bodies[0].mass - 2) < 1e-12 && Math.abs(r.bodies[1].mass - 0.5) < 1e-12)
  assert.is(r.bodies[1].joints[0].effortLimit, 14, 'motor ctrlrange × gear')
  assert.ok(r.frames.some((f) => f.name === 'tip' && f.kind === 'site' && f.body === 1))
})

const sharedRobots: Array<[string, number, number]> = [
  ['unitree_go1/go1.xml', 19, 12.743448], ['unitree_go2/go2.xml', 19, 15.206408], ['unitree_h1/h1.xml', 26, 51.437],
  ['unitree_g1/g1.xml', 36, 33.341142], ['anybotics_anymal_c/anymal_c.xml', 19, 44.96518]
]
if (!existsSync(shared)) {
  console.log(`SKIP: ../shared not found (${shared}): MJCF models written by others are not loaded`)
  test.skip('MJCF: models written by others load with MuJoCo\'s numbers')
} else {
  test('MJCF: models written by others load with MuJoCo\'s numbers (nq, total mass, effort limits)', async () => {
    for (const [file, nq, mass] of sharedRobots) {
      const r: RobotDescription = await loadRobot(join(shared, file))
      assert.is(r.nq, nq, file)
      assert.ok(Math.abs(r.bodies.reduce((a, b) => a + b.mass, 0) - mass) < 1e-5, `${file} mass`)
      assert.ok(r.bodies.slice(1).every((b) => b.joints.every((j) => Number.isFinite(j.effortLimit))), `${file}: every actuated joint has an effort limit`)
    }
  })
}

test.run()
