// The LocomotionStep (host/locomotion/locomotion-step.ts) behind the runtime's ControlStep interface:
// its parameters carry units and bounds (its own and the whole-body controller's) and reach the core;
// driven with the plant's sensors and a twist target it writes finite commands, steps, and keeps the
// robot up; its recorded outputs match their declared layout.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadRuntimeConfig } from '../../host/config/runtime-config.ts'
import { createControlStep, LocomotionStep, locomotionOutputs } from '../../host/locomotion/locomotion-step.ts'
import { DEFAULT_SCENE } from '../../host/locomotion/scenario-runner.ts'
import { loadRobot } from '../../host/robot/load.ts'
import { controlRobotFrom } from '../../host/runtime/control-robot.ts'
import type { CommandOutput, ControlInput } from '../../host/runtime/control-step.ts'
import { GAIT_NAMES } from '../../host/runtime/frames.ts'
import { Plant } from '../../host/sim/plant.ts'

/** The plant, the robot description and a LocomotionStep on the default scene. */
async function setup (seed: number): Promise<{ cfgV: ReturnType<typeof loadRuntimeConfig>, plant: Plant, robot: ReturnType<typeof controlRobotFrom>, step: LocomotionStep }> {
  const cfgV = loadRuntimeConfig()
  const plant = await Plant.load(DEFAULT_SCENE, { seed })
  const desc = await loadRobot(DEFAULT_SCENE)
  const robot = controlRobotFrom(desc, cfgV, {
    jointNames: [...plant.jointNames],
    qd_max: plant.info.joints.map((j) => j.velocityLimit),
    tau_max: plant.info.joints.map((j) => j.torqueLimit),
    footNames: plant.info.feet.map((f) => f.name)
  })
  const step = await createControlStep(robot, cfgV.value, { robotFile: DEFAULT_SCENE }) as LocomotionStep
  return { cfgV, plant, robot, step }
}

test('parameters with bounds reach the core; a twist makes it step and the robot stays up', async () => {
  const { cfgV, plant, robot, step } = await setup(2)
  const names = step.params.map((p) => p.name)
  for (const n of ['locomotion.gait_period', 'locomotion.swing_height', 'locomotion.mpc_w_xy', 'locomotion.wbc.w_posture', 'locomotion.wbc.kp_swing.z']) {
    assert.ok(names.includes(n), `parameter ${n}`)
  }
  for (const p of step.params) assert.ok(p.min <= p.max && p.doc.length > 0, `bounds and doc of ${p.name}`)
  const vals = new Float64Array([0.42])
  step.setParam(names.indexOf('locomotion.gait_period'), vals, 0)
  assert.is(step.core.param('gait_period'), 0.42)
  vals[0] = 2.5
  step.setParam(names.indexOf('locomotion.wbc.w_posture'), vals, 0)
  const wp = step.core.wbcParams().find((w) => w.name === 'wbc.w_posture')
  assert.is(wp?.value, 2.5, 'the whole-body controller got it')

  const nj = robot.jointNames.length
  const s = plant.sensors
  const twist = new Float64Array([0.3, 0, 0, 0.28, 0, 0, GAIT_NAMES.indexOf('trot'), cfgV.value.policy.defaults.step_hz])
  const input: ControlInput = {
    t: 0, dt: 0.002, q: s.q, qd: s.qd, tau: s.tau, imu_quat: s.quat_imu, imu_gyro: s.gyro_imu, imu_accel: s.accel_imu,
    contact: new Float64Array(4).fill(-1),
    estimate: { p_base_world: new Float64Array(3), quat_base_world: new Float64Array(4), v_base_body: new Float64Array(3), omega_base_body: new Float64Array(3) },
    targets: { twist, twistActive: true, q: new Float64Array(nj), qd: new Float64Array(nj), kp: new Float64Array(nj), kd: new Float64Array(nj), tau: new Float64Array(nj), jointActive: false, eeCount: 0, ee: new Float64Array(0) }
  }
  const cmd: CommandOutput = plant.command
  const stageUs = new Float64Array(step.stages.length)
  const outLen = locomotionOutputs(4).reduce((n, f) => n + f.length, 0)
  const out = new Float64Array(outLen + 1).fill(NaN)
  step.enter(input)
  let stepped = false
  for (let k = 0; k < 1500; k++) {
    input.t = plant.time
    step.step(input, cmd, stageUs, out)
    for (let j = 0; j < nj; j++) assert.ok(Number.isFinite(cmd.tau_ff[j] + cmd.q_des[j] + cmd.qd_des[j] + cmd.kp[j] + cmd.kd[j]), `finite command at tick ${k}`)
    if (out[0] === 2) stepped = true
    plant.tick()
  }
  assert.ok(stepped, 'trotting (gait 2) on the twist')
  assert.ok(Number.isNaN(out[outLen]) && out.subarray(0, outLen).every(Number.isFinite), 'outputs fill exactly their declared length')
  assert.ok(stageUs.every((x) => x >= 0), 'stage times written')
  const gt = plant.groundTruth()
  assert.ok(gt.p_base_world[2] > 0.22, `standing, height ${gt.p_base_world[2]}`)
  assert.ok(gt.p_base_world[0] > 0.5, `walked forward ${gt.p_base_world[0]} m in 3 s`)
  plant.close()
})

test('joint targets with a twist: the whole-body controller\'s posture task, clamped to the joint limits; dropped when they go stale', async () => {
  const { cfgV, plant, robot, step } = await setup(3)
  const nj = robot.jointNames.length
  const s = plant.sensors
  const qT = Float64Array.from(robot.q_stand, (q, j) => q + 0.05 * (j + 1))
  const knee = robot.jointNames.findIndex((n) => /calf/.test(n))
  qT[knee] = robot.q_max[knee] + 1 // beyond the joint range: clamped
  const twist = new Float64Array([0, 0, 0, 0.28, 0, 0, GAIT_NAMES.indexOf('stand'), cfgV.value.policy.defaults.step_hz])
  const input: ControlInput = {
    t: 0, dt: 0.002, q: s.q, qd: s.qd, tau: s.tau, imu_quat: s.quat_imu, imu_gyro: s.gyro_imu, imu_accel: s.accel_imu,
    contact: new Float64Array(4).fill(-1),
    estimate: { p_base_world: new Float64Array(3), quat_base_world: new Float64Array(4), v_base_body: new Float64Array(3), omega_base_body: new Float64Array(3) },
    targets: { twist, twistActive: true, q: qT, qd: new Float64Array(nj), kp: new Float64Array(nj), kd: new Float64Array(nj), tau: new Float64Array(nj), jointActive: true, eeCount: 0, ee: new Float64Array(0) }
  }
  const cmd: CommandOutput = plant.command
  const stageUs = new Float64Array(step.stages.length)
  const out = new Float64Array(locomotionOutputs(4).reduce((n, f) => n + f.length, 0))
  step.enter(input)
  const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((x, y) => x - y)
  const want = Array.from(qT, (q, j) => Math.min(robot.q_max[j], Math.max(robot.q_min[j], q)))
  for (let k = 0; k < 20; k++) { step.step(input, cmd, stageUs, out); plant.tick() }
  const used = step.core.field('wbc_q_joint_des')
  // the WBC orders joints by its model's dofs: compare as sets, exactly
  assert.equal(sorted(used), sorted(want), 'posture reference = the clamped joint targets')
  assert.is(step.core.field('q_posture')[knee], robot.q_max[knee], 'the knee target clamped to its upper limit')
  input.targets.jointActive = false
  for (let k = 0; k < 5; k++) { step.step(input, cmd, stageUs, out); plant.tick() }
  assert.equal(sorted(step.core.field('wbc_q_joint_des')), sorted(robot.q_stand), 'stale targets: back to the stand pose')
  plant.close()
})

test.run()
