// RobotDescription → core Model: the lowering of multi-joint and welded bodies, clear errors for bad
// descriptions, the core's abort messages reaching JS, and views that survive memory growth.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadRobot } from '../../host/robot/load.ts'
import { RobotFileError, type RobotDescription } from '../../host/robot/description.ts'
import { JOINT_CODE, lowerDescription, readFieldTable } from '../../host/core/model-builder.ts'
import { RobotDynamics, DYN } from '../../host/core/dynamics.ts'
import { CoreAbortError, instantiateCore } from '../../host/core/wasm.ts'
import { repoRoot } from './helpers.ts'

const ARM = repoRoot + 'test/fixtures/arm.xml'

test('lowering: a body with two joints becomes two links, a welded body a fixed link', async () => {
  const desc = await loadRobot(ARM)
  const low = lowerDescription(desc)
  const elbow = desc.bodies.findIndex((b) => b.name === 'elbow')
  const mount = desc.bodies.findIndex((b) => b.name === 'tool_mount')
  const elbowLinks = low.links.map((l, i) => ({ l, i })).filter(({ l }) => l.body === elbow)
  assert.is(elbowLinks.length, 2)
  const [first, second] = elbowLinks
  assert.is(first.l.jtype, JOINT_CODE.hinge)
  assert.is(second.l.jtype, JOINT_CODE.slide)
  assert.is(second.l.parent, first.i)
  assert.equal(first.l.pos, desc.bodies[elbow].pos)
  assert.equal(second.l.pos, [0, 0, 0])
  assert.equal(second.l.quat, [1, 0, 0, 0])
  assert.is(first.l.mass, 0)
  assert.is(second.l.mass, desc.bodies[elbow].mass)
  assert.is(low.bodyLink[elbow], second.i)
  assert.is(low.links[low.bodyLink[mount]].jtype, JOINT_CODE.fixed)
  assert.is(low.links.length, desc.bodies.length + 1)
  assert.is(low.nq, 7)
  assert.equal(low.qpos0[1], 0.2, 'ref of j2')
})

test('the built Model carries limits, armature and qpos0 per coordinate and dof', async () => {
  const desc = await loadRobot(ARM)
  const dyn = await RobotDynamics.create(desc)
  const fields = readFieldTable(dyn.core, 0)
  const view = (n: string): Float64Array => { const s = fields.get(n); assert.ok(s); return dyn.core.f64(s.ptr, s.length) }
  const j3s = desc.bodies.find((b) => b.name === 'elbow')?.joints[1]
  assert.ok(j3s !== undefined && j3s.range !== null)
  assert.is(view('q_lower')[3], j3s.range[0])
  assert.is(view('q_upper')[3], j3s.range[1])
  assert.is(view('dof_armature')[3], 0.5)
  assert.is(view('qpos0')[1], 0.2)
  assert.is(dyn.qpos[1], 0.2, 'Data starts at qpos0')
  const total = desc.bodies.reduce((a, b) => a + b.mass, 0)
  assert.ok(Math.abs(dyn.massTotal - total) < 1e-12)
})

function base (): RobotDescription {
  const body = (name: string, parent: number): RobotDescription['bodies'][number] => ({
    name, parent, pos: [0, 0, 0.1], quat: [1, 0, 0, 0], mass: 1, com: [0, 0, 0], inertia: [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01],
    joints: [{ name: `${name}_j`, type: 'hinge', pos: [0, 0, 0], axis: [0, 0, 1], range: null, effortLimit: 1, velocityLimit: 1, armature: 0, damping: 0, frictionLoss: 0, qpos0: [0] }]
  })
  return {
    name: 't', sourceFile: '/x/t.xml', format: 'mjcf', gravity: [0, 0, -9.81], bodies: [body('a', -1), body('b', 0)],
    frames: [{ name: 'f', kind: 'site', body: 1, pos: [0, 0, 0], quat: [1, 0, 0, 0] }], actuators: [], nq: 2, nv: 2, floatingBase: false, keyframes: {}
  }
}

test('bad descriptions are rejected with a message naming body, joint and field', () => {
  const cases: Array<[string, (d: RobotDescription) => void, RegExp]> = [
    ['parent order', (d) => { d.bodies[1].parent = 1 }, /body 'b': parent 1/],
    ['free joint below the root', (d) => { d.bodies[1].joints[0].type = 'free'; d.bodies[1].joints[0].qpos0 = [0, 0, 0, 1, 0, 0, 0]; d.nq = 8; d.nv = 7 }, /body 'b', joint 'b_j': a free joint/],
    ['zero axis', (d) => { d.bodies[0].joints[0].axis = [0, 0, 0] }, /joint 'a_j': axis is zero/],
    ['NaN inertia', (d) => { d.bodies[1].inertia[4] = NaN }, /body 'b': inertia must be 9 finite numbers/],
    ['negative mass', (d) => { d.bodies[0].mass = -1 }, /body 'a': mass must be/],
    ['nq mismatch', (d) => { d.nq = 3 }, /nq=2, nv=2 but the description says nq=3/],
    ['frame body', (d) => { d.frames[0].body = 5 }, /frame 'f': body index 5 out of range/],
    ['bad range', (d) => { d.bodies[0].joints[0].range = [1, -1] }, /joint 'a_j': range \[1, -1\]/]
  ]
  for (const [what, mutate, re] of cases) {
    const d = base()
    mutate(d)
    try {
      lowerDescription(d)
      assert.unreachable(`${what}: accepted`)
    } catch (err) {
      assert.instance(err, RobotFileError, what)
      assert.match((err as Error).message, re, what)
      assert.match((err as Error).message, /^\/x\/t\.xml: /, `${what}: names the file`)
    }
  }
  assert.is(lowerDescription(base()).links.length, 2)
})

test('a core abort becomes a CoreAbortError with the AS message, file and line', async () => {
  const core = await instantiateCore({ build: 'debug' })
  const compute = core.fn<(f: number) => number>('dynCompute')
  try {
    compute(DYN.POSITION)
    assert.unreachable('computed without a model')
  } catch (err) {
    assert.instance(err, CoreAbortError)
    const e = err as CoreAbortError
    assert.match(e.message, /no model: call dynModelReserve first/)
    assert.match(e.file, /instance\.ts$/)
    assert.ok(e.line > 0)
  }
  const dyn = await RobotDynamics.create(await loadRobot(ARM), { build: 'debug' })
  try {
    dyn.core.fn<(w: number, i: number) => number>('dynFieldPtr')(0, 9999)
    assert.unreachable('read past the field table')
  } catch (err) {
    assert.instance(err, CoreAbortError)
    assert.match((err as Error).message, /out of range/)
  }
})

test('views stay valid when the core memory grows', async () => {
  const dyn = await RobotDynamics.create(await loadRobot(ARM))
  dyn.qpos[0] = 0.3
  dyn.compute(DYN.POSITION | DYN.CRBA)
  const before = Float64Array.from(dyn.M)
  const oldView = dyn.M
  dyn.core.memory.grow(1)
  assert.is(oldView.length, 0, 'the old buffer detached')
  assert.equal(Array.from(dyn.M), Array.from(before))
  dyn.qpos[0] = -0.3
  dyn.compute(DYN.POSITION | DYN.CRBA)
  assert.not.equal(Array.from(dyn.M), Array.from(before))
})

test.run()
