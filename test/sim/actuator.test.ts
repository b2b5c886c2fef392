// Motor-driver emulation: the torque MuJoCo applies equals the MIT-mode law computed by hand from the
// true state, τ = clamp(τ_ff + kp (q_des − q) + kd (qd_des − qd), ±τ_max), is re-evaluated at every
// physics step, saturates at the driver's limit, follows the torque–speed derating, and the safe modes
// and bad-command handling do what they say.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Plant } from '../../host/sim/plant.ts'
import { SCENE } from './helpers.ts'

const LIMITS = [17, 17, 26.4] // N·m, hip / thigh / knee (robots/quad12/README.md)

/** A plant with one physics step per tick, so data.actuator_force is the torque of the whole tick. */
async function singleStep (): Promise<Plant> {
  return await Plant.load(SCENE, { noiseless: true, controlPeriod: 0.0005, substeps: 1 })
}

function applied (plant: Plant): { act: Float64Array, qfrc: Float64Array } {
  const act = Float64Array.from(plant.data.actuator_force as Float64Array)
  const qfrcAll = plant.data.qfrc_actuator as Float64Array
  const qfrc = Float64Array.from(plant.info.joints, (j) => qfrcAll[j.dofAdr])
  return { act, qfrc }
}

test('applied torque = τ_ff + kp·e + kd·ė from the true state (unsaturated)', async () => {
  const plant = await singleStep()
  const c = plant.command
  plant.keyframeJointPositions('home', c.q_des)
  c.kp.fill(40); c.kd.fill(0.8)
  for (let i = 0; i < 200; i++) plant.tick() // settle into stance, nonzero velocities
  for (let i = 0; i < 12; i++) {
    c.q_des[i] += 0.01 * (i - 6)
    c.qd_des[i] = 0.05 * (i % 3 - 1)
    c.tau_ff[i] = 0.3 * ((i % 4) - 1.5)
    c.kp[i] = 20 + 3 * i
    c.kd[i] = 0.3 + 0.1 * i
  }
  for (let round = 0; round < 5; round++) {
    const gt = plant.groundTruth()
    const expected = Array.from({ length: 12 }, (_, i) =>
      c.tau_ff[i] + c.kp[i] * (c.q_des[i] - gt.q[i]) + c.kd[i] * (c.qd_des[i] - gt.qd[i]))
    plant.tick()
    const { act, qfrc } = applied(plant)
    for (let i = 0; i < 12; i++) {
      assert.ok(Math.abs(expected[i]) < LIMITS[i % 3], `joint ${i} should be unsaturated (${expected[i]})`)
      assert.ok(Math.abs(act[i] - expected[i]) < 1e-12, `actuator_force[${i}] ${act[i]} vs ${expected[i]}`)
      assert.ok(Math.abs(qfrc[i] - expected[i]) < 1e-12, `qfrc_actuator[${i}] ${qfrc[i]} vs ${expected[i]}`)
      assert.ok(Math.abs(plant.tau_applied[i] - expected[i]) < 1e-12)
    }
  }
  plant.close()
})

test('saturates at the peak torque of each joint, both signs', async () => {
  const plant = await singleStep()
  const c = plant.command
  plant.keyframeJointPositions('home', c.q_des)
  const home = c.q_des.slice()
  c.kp.fill(200); c.kd.fill(0)
  for (const sign of [1, -1]) {
    for (let i = 0; i < 12; i++) c.q_des[i] = home[i] + sign * 0.5 // 100 N·m requested
    plant.tick()
    const { act, qfrc } = applied(plant)
    for (let i = 0; i < 12; i++) {
      assert.is(act[i], sign * LIMITS[i % 3], `joint ${i}`)
      assert.is(qfrc[i], sign * LIMITS[i % 3])
    }
    plant.reset()
  }
  plant.close()
})

test('torque–speed derating: positive work above the knee speed, full torque when braking', async () => {
  const plant = await singleStep()
  const c = plant.command
  c.kp.fill(0); c.kd.fill(0)
  const qvel = plant.data.qvel as Float64Array
  const thigh = plant.info.joints[1]
  const knee = plant.info.joints[2]
  // 0.26 · ω_max is the knee of the firmware's current-limit curve (host/sim/actuator-model.ts).
  const derated = (peak: number, wmax: number, w: number): number => peak * (wmax - w) / (wmax - 0.26 * wmax)
  for (const sign of [1, -1]) {
    plant.reset()
    qvel[thigh.dofAdr] = 30
    qvel[knee.dofAdr] = 20
    c.tau_ff.fill(0)
    c.tau_ff[1] = 100 * sign
    c.tau_ff[2] = 100 * sign
    plant.tick()
    const { act } = applied(plant)
    if (sign > 0) {
      assert.ok(Math.abs(act[1] - derated(17, 40, 30)) < 1e-12, `thigh ${act[1]}`)
      assert.ok(Math.abs(act[2] - derated(26.4, 25.7, 20)) < 1e-12, `knee ${act[2]}`)
    } else {
      assert.is(act[1], -17)
      assert.is(act[2], -26.4)
    }
  }
  plant.close()
})

test('the driver law is evaluated at every physics step (bit-identical to a hand-written loop)', async () => {
  const a = await Plant.load(SCENE, { noiseless: true })
  const b = await Plant.load(SCENE, { noiseless: true })
  assert.is(a.substeps, 4)
  const c = a.command
  a.keyframeJointPositions('home', c.q_des)
  for (let i = 0; i < 12; i++) { c.kp[i] = 50 + i; c.kd[i] = 1 + 0.05 * i; c.tau_ff[i] = 0.1 * i; c.qd_des[i] = 0.01 * i }
  const qpos = b.data.qpos as Float64Array
  const qvel = b.data.qvel as Float64Array
  const ctrl = b.data.ctrl as Float64Array
  const joints = b.info.joints
  for (let t = 0; t < 300; t++) {
    a.tick()
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 12; i++) {
        const raw = c.tau_ff[i] + c.kp[i] * (c.q_des[i] - qpos[joints[i].qposAdr]) + c.kd[i] * (c.qd_des[i] - qvel[joints[i].dofAdr])
        const lim = LIMITS[i % 3]
        assert.ok(Math.abs(qvel[joints[i].dofAdr]) < 0.26 * 25.7, 'below the derating knee')
        ctrl[i] = Math.max(-lim, Math.min(lim, raw))
      }
      b.mj.mj_step(b.model, b.data)
    }
  }
  assert.equal(Array.from(a.data.qpos as Float64Array), Array.from(qpos))
  assert.equal(Array.from(a.data.qvel as Float64Array), Array.from(qvel))
  a.close(); b.close()
})

test("modes: 'damping' applies −kd·qd, 'disable' applies zero, 'pd' resumes", async () => {
  const plant = await Plant.load(SCENE, { noiseless: true, controlPeriod: 0.0005, substeps: 1, dampingKd: 2 })
  plant.keyframeJointPositions('home', plant.command.q_des)
  plant.command.kp.fill(60); plant.command.kd.fill(1.5)
  for (let i = 0; i < 50; i++) plant.tick()
  plant.setMode('damping')
  assert.is(plant.getMode(), 'damping')
  const gt = plant.groundTruth()
  plant.tick()
  let { act } = applied(plant)
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(act[i] - (-2 * gt.qd[i])) < 1e-12, `damping joint ${i}`)
  plant.setMode('disable')
  plant.tick();
  ({ act } = applied(plant))
  assert.ok(act.every((x) => x === 0))
  plant.setMode('pd')
  plant.tick();
  ({ act } = applied(plant))
  assert.ok(act.some((x) => Math.abs(x) > 0.1))
  assert.throws(() => plant.setMode('brake' as never), /unknown drive mode/)
  plant.close()
})

test('a command with NaN or a negative gain is not applied: the drivers damp and the error names it', async () => {
  const plant = await singleStep()
  plant.keyframeJointPositions('home', plant.command.q_des)
  plant.command.kp.fill(60); plant.command.kd.fill(1.5)
  for (let i = 0; i < 20; i++) plant.tick()
  assert.is(plant.commandError, null)
  plant.command.kp[4] = Number.NaN
  const gt = plant.groundTruth()
  plant.tick()
  assert.ok(plant.commandError?.includes('kp[4]') === true && plant.commandError.includes('FR_thigh_joint'), String(plant.commandError))
  const { act } = applied(plant)
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(act[i] - (-1 * gt.qd[i])) < 1e-12)
  plant.command.kp[4] = 60
  plant.command.kd[0] = -1
  plant.tick()
  assert.match(String(plant.commandError), /kd\[0\].*negative/)
  plant.command.kd[0] = 1.5
  plant.tick()
  assert.is(plant.commandError, null)
  plant.close()
})

test.run()
