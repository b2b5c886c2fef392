// The default robot stands: from 'home' the joint PD holds it for 5 s of simulated time within a
// height band and level; from 'lie' an interpolated stand-up reaches the same stance; the feet carry
// the weight (contact forces sum to m·g) and the total mass is in the Mini Cheetah class.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tiltAngle } from '../../host/sim/rotation.ts'
import { SCENE, standingPlant } from './helpers.ts'
import { Plant } from '../../host/sim/plant.ts'

const G = 9.81

function totalMass (plant: Plant): number {
  let m = 0
  for (const x of plant.model.body_mass as Float64Array) m += x
  return m
}

test('total mass 8.9 kg (Mini Cheetah class), 12 actuated joints, 4 feet', async () => {
  const plant = await Plant.load(SCENE)
  assert.ok(Math.abs(totalMass(plant) - 8.912) < 1e-9, `mass ${totalMass(plant)}`)
  assert.is(plant.nu, 12)
  assert.equal(plant.info.feet.map((f) => f.name), ['FL_foot', 'FR_foot', 'RL_foot', 'RR_foot'])
  assert.is(plant.info.imuSiteName, 'imu')
  plant.close()
})

test('holds the home pose for 5 s: height band, level, no fall, feet carry m·g', async () => {
  const plant = await standingPlant({ seed: 4 })
  const p = new Float64Array(3)
  const q = new Float64Array(4)
  let zmin = Infinity
  let zmax = -Infinity
  let tiltMax = 0
  for (let t = 0; t < 2500; t++) {
    plant.tick()
    plant.readBasePose(p, q)
    if (t >= 250) { zmin = Math.min(zmin, p[2]); zmax = Math.max(zmax, p[2]) }
    tiltMax = Math.max(tiltMax, tiltAngle(q, 0))
  }
  assert.ok(plant.time > 4.999)
  assert.ok(zmin > 0.28 && zmax < 0.305, `height ${zmin}..${zmax}`)
  assert.ok(zmax - zmin < 0.005, `height band ${zmax - zmin}`)
  assert.ok(tiltMax < 2 * Math.PI / 180, `tilt ${tiltMax}`)
  const gt = plant.groundTruth()
  assert.equal(Array.from(gt.contact), [1, 1, 1, 1])
  let fz = 0
  for (let f = 0; f < 4; f++) fz += gt.f_foot_world[3 * f + 2]
  assert.ok(Math.abs(fz - totalMass(plant) * G) < 0.01 * totalMass(plant) * G, `Σ Fz ${fz}`)
  for (let f = 0; f < 4; f++) {
    // Each foot centre sits one foot radius (0.02 m) above the floor, less a little contact penetration.
    assert.ok(Math.abs(gt.p_foot_world[3 * f + 2] - 0.02) < 0.003, `foot ${f} z ${gt.p_foot_world[3 * f + 2]}`)
  }
  plant.close()
})

test("stands up from 'lie' with a smooth 1.5 s interpolation of the targets", async () => {
  const plant = await standingPlant({ keyframe: 'lie', seed: 4 })
  const lie = plant.keyframeJointPositions('lie')
  const home = plant.keyframeJointPositions('home')
  const p = new Float64Array(3)
  const q = new Float64Array(4)
  plant.readBasePose(p, q)
  assert.ok(p[2] < 0.06, 'starts on its belly')
  for (let t = 0; t < 1500; t++) {
    const s = Math.min(1, plant.time / 1.5)
    const a = s * s * (3 - 2 * s)
    for (let i = 0; i < 12; i++) plant.command.q_des[i] = lie[i] + (home[i] - lie[i]) * a
    plant.tick()
  }
  plant.readBasePose(p, q)
  assert.ok(p[2] > 0.28 && p[2] < 0.305, `height after stand-up ${p[2]}`)
  assert.ok(tiltAngle(q, 0) < 3 * Math.PI / 180)
  plant.close()
})

test.run()
