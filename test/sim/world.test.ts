// Scenario options: a payload merged into the base inertia equals, in MuJoCo's own mass matrix and bias
// forces, the same box attached as a welded child body; ground friction governs the foot contacts;
// terrain geoms sit where they were asked for; pushes act for their duration only.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Plant } from '../../host/sim/plant.ts'
import { ROBOT, SCENE, standingPlant } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'cerebellum-world-'))

function massMatrixAndBias (plant: Plant, qpos: Float64Array): { M: Float64Array, bias: Float64Array } {
  const { mj, model, data } = plant
  ;(data.qpos as Float64Array).set(qpos)
  ;(data.qvel as Float64Array).fill(0).set([0.3, -0.2, 0.1, 0.7, -0.4, 0.5])
  mj.mj_forward(model, data)
  const nv = model.nv
  const buf = new mj.DoubleBuffer(nv * nv)
  mj.mj_fullM(model, data, buf)
  const M = Float64Array.from(buf.GetView() as Float64Array)
  buf.delete()
  return { M, bias: Float64Array.from(data.qfrc_bias as Float64Array) }
}

test('payload: same M and bias forces as an explicit welded box body (MuJoCo oracle)', async () => {
  const mass = 2.5
  const pos: [number, number, number] = [0.05, -0.02, 0.07]
  const size: [number, number, number] = [0.15, 0.1, 0.04]
  const withOption = await Plant.load(SCENE, { world: { payload: { mass, pos, size } } })
  const d = (a: number, b: number): number => mass * (a * a + b * b) / 12
  const robot = readFileSync(ROBOT, 'utf8').replace('<geom name="base" type="box" size="0.19 0.07 0.05"/>',
    `<geom name="base" type="box" size="0.19 0.07 0.05"/>
      <body name="payload" pos="${pos.join(' ')}"><inertial pos="0 0 0" mass="${mass}" diaginertia="${d(size[1], size[2])} ${d(size[0], size[2])} ${d(size[0], size[1])}"/></body>`)
  assert.ok(robot.includes('name="payload"'))
  writeFileSync(join(dir, 'quad12.xml'), robot)
  writeFileSync(join(dir, 'scene.xml'), readFileSync(SCENE, 'utf8'))
  const explicit = await Plant.load(join(dir, 'scene.xml'))
  const q = Float64Array.from(withOption.data.qpos as Float64Array)
  q.set([0.1, 0.2, 0.35, 0.9, 0.2, -0.3, 0.24], 0)
  const norm = Math.hypot(q[3], q[4], q[5], q[6])
  for (let k = 3; k < 7; k++) q[k] /= norm
  for (let i = 7; i < q.length; i++) q[i] += 0.1 * Math.sin(i)
  const a = massMatrixAndBias(withOption, q)
  const b = massMatrixAndBias(explicit, q)
  for (let i = 0; i < a.M.length; i++) assert.ok(Math.abs(a.M[i] - b.M[i]) < 1e-12, `M[${i}] ${a.M[i]} vs ${b.M[i]}`)
  for (let i = 0; i < a.bias.length; i++) assert.ok(Math.abs(a.bias[i] - b.bias[i]) < 1e-10, `bias[${i}]`)
  let total = 0
  for (const m of withOption.model.body_mass as Float64Array) total += m
  assert.ok(Math.abs(total - (8.912 + mass)) < 1e-12)
  withOption.close(); explicit.close()
})

function contactMus (plant: Plant): number[] {
  plant.groundTruth() // mj_forward: fresh contacts
  const cv = plant.data.contact
  const mus: number[] = []
  for (let i = 0; i < plant.data.ncon; i++) { const c = cv.get(i); if (c !== undefined) { mus.push(c.mu); c.delete() } }
  cv.delete()
  return mus
}

test('ground friction governs the foot contacts', async () => {
  const def = await standingPlant()
  const slippery = await standingPlant({ world: { groundFriction: 0.35 } })
  for (let i = 0; i < 50; i++) { def.tick(); slippery.tick() }
  const a = contactMus(def)
  const b = contactMus(slippery)
  assert.is(a.length, 4)
  assert.is(b.length, 4)
  assert.ok(a.every((m) => Math.abs(m - 0.9) < 1e-12), `default μ ${a}`)
  assert.ok(b.every((m) => Math.abs(m - 0.35) < 1e-12), `μ ${b}`)
  def.close(); slippery.close()
})

function geomTop (plant: Plant, name: string): { center: number[], normal: number[], half: number[] } {
  const { mj, model, data } = plant
  const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_GEOM.value, name)
  assert.ok(id >= 0, `geom ${name}`)
  const p = (data.geom_xpos as Float64Array).slice(3 * id, 3 * id + 3)
  const R = (data.geom_xmat as Float64Array).slice(9 * id, 9 * id + 9)
  const half = Array.from((model.geom_size as Float64Array).slice(3 * id, 3 * id + 3))
  const normal = [R[2], R[5], R[8]] // box z axis in world
  return { center: [0, 1, 2].map((k) => p[k] + normal[k] * half[2]), normal, half }
}

test('terrain: slope surface starts at startX on the floor and rises at the angle; steps have the asked rise', async () => {
  const deg = 15
  const slope = await Plant.load(SCENE, { world: { terrain: { kind: 'slope', degrees: deg, startX: 0.8, length: 2 } } })
  slope.groundTruth()
  const s = geomTop(slope, 'terrain_slope')
  const th = deg * Math.PI / 180
  // Tolerance 1e-9: the generated MJCF carries 12 significant digits.
  assert.ok(Math.abs(s.normal[0] + Math.sin(th)) < 1e-9 && Math.abs(s.normal[2] - Math.cos(th)) < 1e-9, `normal ${s.normal}`)
  // The start edge of the top face: centre − half-length along the surface direction.
  const start = [s.center[0] - s.half[0] * Math.cos(th), s.center[2] - s.half[0] * Math.sin(th)]
  assert.ok(Math.abs(start[0] - 0.8) < 1e-9 && Math.abs(start[1]) < 1e-9, `start ${start}`)
  const plateau = geomTop(slope, 'terrain_plateau')
  assert.ok(Math.abs(plateau.center[2] - 2 * Math.sin(th)) < 1e-9)
  slope.close()
  const steps = await Plant.load(SCENE, { world: { terrain: { kind: 'steps', height: 0.06, run: 0.25, count: 4, startX: 1 } } })
  steps.groundTruth()
  for (let i = 0; i < 4; i++) {
    const t = geomTop(steps, `terrain_step_${i}`)
    assert.ok(Math.abs(t.center[2] - 0.06 * (i + 1)) < 1e-9, `step ${i} top ${t.center[2]}`)
    assert.ok(Math.abs((t.center[0] - t.half[0]) - (1 + 0.25 * i)) < 1e-9, `step ${i} front edge`)
  }
  // The robot at the origin still stands on the flat floor.
  const gt = steps.groundTruth()
  assert.ok(gt.p_base_world[2] > 0.29)
  steps.close()
})

test('a push acts on the base for its duration, then stops', async () => {
  const a = await standingPlant({ noiseless: true })
  const b = await standingPlant({ noiseless: true })
  for (let i = 0; i < 100; i++) { a.tick(); b.tick() }
  a.push([60, 0, 0], 0.1)
  const baseId = a.info.baseBodyId
  const xfrc = (): number[] => Array.from((a.data.xfrc_applied as Float64Array).slice(6 * baseId, 6 * baseId + 6))
  for (let i = 0; i < 50; i++) { a.tick(); b.tick() }
  assert.equal(xfrc(), [60, 0, 0, 0, 0, 0], 'still pushing at 0.1 s')
  a.tick(); b.tick()
  assert.equal(xfrc(), [0, 0, 0, 0, 0, 0], 'push over')
  const ga = a.groundTruth()
  const gb = b.groundTruth()
  // 60 N for 0.1 s on 8.9 kg is 0.67 m/s of impulse; the stiff stance absorbs most of it.
  assert.ok(ga.p_base_world[0] - gb.p_base_world[0] > 0.003, `displacement ${ga.p_base_world[0] - gb.p_base_world[0]}`)
  assert.throws(() => a.push([Number.NaN, 0, 0], 0.1), /finite/)
  a.close(); b.close()
})

test.run()
