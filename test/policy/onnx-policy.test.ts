// The in-process ONNX policy on a model this test builds itself (Gemm + Relu MLP, encoded by
// helpers/onnx-builder.ts): onnxruntime's output equals a hand-computed forward pass (weights and inputs
// are multiples of powers of two, so every float32 product and sum is exact and the comparison is
// bit-for-bit); observation assembly, joint-order mapping, clipping and scaling match the formulas.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseRuntimeConfig, type OnnxPolicyConfig } from '../../host/config/runtime-config.ts'
import type { ControlRobot } from '../../host/runtime/control-step.ts'
import { OnnxPolicy } from '../../host/policy/onnx-policy.ts'
import { buildMlpOnnx, type Dense } from './helpers/onnx-builder.ts'
import { mulberry32 } from '../runtime/helpers/prng.ts'

const robot: ControlRobot = {
  jointNames: ['j0', 'j1', 'j2', 'j3'],
  q_min: [-2, -2, -2, -2], q_max: [2, 2, 2, 2], qd_max: [10, 10, 10, 10], tau_max: [5, 5, 5, 5],
  q_stand: [0.25, -0.5, 0.75, -1], kp_stand: [10, 10, 10, 10], kd_stand: [1, 1, 1, 1], quat_base_imu: [1, 0, 0, 0], footNames: []
}

const yaml = `
policy:
  onnx:
    model: unused.onnx
    rate_hz: 50
    observations:
      - { name: base_ang_vel, scale: 0.25 }
      - { name: projected_gravity }
      - { name: commands, scale: [2, 2, 0.5] }
      - { name: joint_pos }
      - { name: joint_vel, scale: 0.0625 }
      - { name: last_action }
    actions:
      scale: 0.5
      clip: 4
      kp: 20
      kd: [0.5, 0.5, 0.5, 0.75]
    joint_order: [j2, j0, j3, j1]
    default_pose: { j3: -1.25 }
`
const cfg = parseRuntimeConfig(yaml, 'policy.yaml').value.policy.onnx as OnnxPolicyConfig
const NOBS = 3 + 3 + 3 + 4 + 4 + 4
const NH = 8

const rnd = mulberry32(3)
const dyadic = (range: number, denom: number): number => Math.round((rnd() * 2 - 1) * range * denom) / denom
const layers: Dense[] = [
  { W: Array.from({ length: NH }, () => Array.from({ length: NOBS }, () => dyadic(1, 8))), b: Array.from({ length: NH }, () => dyadic(1, 4)) },
  { W: Array.from({ length: 4 }, () => Array.from({ length: NH }, () => dyadic(1, 8))), b: Array.from({ length: 4 }, () => dyadic(1, 4)) }
]
const model = buildMlpOnnx(layers)

/** y = W2 relu(W1 x + b1) + b2, in float64 (exact for these operands). */
function forward (x: ArrayLike<number>): number[] {
  let h = Array.from(x)
  layers.forEach((l, k) => {
    const y = l.W.map((row, i) => row.reduce((s, w, j) => s + w * h[j], l.b[i]))
    h = k < layers.length - 1 ? y.map((v) => Math.max(0, v)) : y
  })
  return h
}

let policy: OnnxPolicy

test('the self-built model loads; inputs and outputs are found by name', async () => {
  policy = await OnnxPolicy.fromBytes(model, cfg, robot, 'test model')
  assert.is(policy.inputName, 'obs')
  assert.is(policy.outputName, 'actions')
  assert.is(policy.obsSize, NOBS)
})

test('onnxruntime equals the hand-computed forward pass, bit for bit', async () => {
  for (let trial = 0; trial < 20; trial++) {
    const obs = Float32Array.from({ length: NOBS }, () => dyadic(4, 16))
    const got = await policy.infer(obs)
    const want = forward(obs)
    assert.equal(Array.from(got), want.map((v) => Math.fround(v)))
    assert.ok(want.some((v) => v !== 0))
  }
})

test('observation terms follow the formulas, in the policy joint order', () => {
  const s = Math.SQRT1_2
  const x = {
    omega_base_body: [0.4, -0.8, 1.2],
    v_base_body: [0, 0, 0],
    quat_base_world: [s, s, 0, 0], // 90° roll: world down is (0, −1, 0) in the base frame
    commands: [0.5, -0.25, 1],
    q: [0.3, -0.4, 0.9, -1.1],
    qd: [1, 2, 3, 4]
  }
  policy.lastAction.set([0.1, 0.2, 0.3, 0.4])
  const obs = Array.from(policy.buildObservation(x, new Float32Array(NOBS)))
  const perm = [2, 0, 3, 1]
  const qDef = [0.75, 0.25, -1.25, -0.5] // policy order: j2, j0, j3 (from default_pose), j1
  const want = [
    ...x.omega_base_body.map((v) => 0.25 * v),
    0, -1, 0,
    0.5 * 2, -0.25 * 2, 1 * 0.5,
    ...perm.map((a, i) => x.q[a] - qDef[i]),
    ...perm.map((a) => 0.0625 * x.qd[a]),
    0.1, 0.2, 0.3, 0.4
  ].map((v) => Math.fround(v))
  for (let i = 0; i < NOBS; i++) assert.ok(Math.abs(obs[i] - want[i]) < 1e-6, `obs[${i}] ${obs[i]} vs ${want[i]}`)
})

test('actions are clipped, scaled about the default pose and mapped to actuator order', () => {
  const a = Float32Array.from([5, -200, 0.5, 1])
  const msg = policy.targets(a)
  const perm = [2, 0, 3, 1]
  const qDef = [0.75, 0.25, -1.25, -0.5]
  const clipped = [4, -4, 0.5, 1]
  const q = [0, 0, 0, 0]
  perm.forEach((j, i) => { q[j] = qDef[i] + 0.5 * clipped[i] })
  assert.equal(Array.from(msg.q!), q)
  assert.equal(Array.from(msg.kp!), [20, 20, 20, 20])
  assert.equal(Array.from(msg.kd!), [0.5, 0.75, 0.5, 0.5], 'kd given in policy order lands on the right actuators')
  assert.equal(Array.from(policy.lastAction), clipped)
})

test('step chains observation, model and targets, feeding the last action back', async () => {
  const x = { omega_base_body: [0, 0, 0], v_base_body: [0, 0, 0], quat_base_world: [1, 0, 0, 0], commands: [0, 0, 0], q: [0.25, -0.5, 0.75, -1.25], qd: [0, 0, 0, 0] }
  policy.lastAction.fill(0)
  const m1 = await policy.step(x)
  const obs2 = policy.buildObservation(x, new Float32Array(NOBS))
  const last = Array.from(obs2.subarray(NOBS - 4))
  assert.equal(last, Array.from(policy.lastAction))
  const want = forward(Array.from(obs2))
  const m2 = await policy.step(x)
  const perm = [2, 0, 3, 1]; const qDef = [0.75, 0.25, -1.25, -0.5]
  perm.forEach((j, i) => {
    const a = Math.max(-4, Math.min(4, Math.fround(want[i])))
    assert.ok(Math.abs(m2.q![j] - (qDef[i] + 0.5 * a)) < 1e-6)
  })
  assert.ok(m1.q !== null)
})

test('a model whose output does not match the joints is refused with a clear error', async () => {
  const wrong = buildMlpOnnx([{ W: [Array.from({ length: NOBS }, () => 0.5)], b: [0] }])
  const p = await OnnxPolicy.fromBytes(wrong, cfg, robot, 'wrong.onnx')
  try {
    await p.infer(new Float32Array(NOBS))
    assert.unreachable('should fail')
  } catch (e) {
    assert.match((e as Error).message, /outputs 1 values; the robot has 4 joints/)
  }
  await p.close()
  try {
    await OnnxPolicy.fromBytes(model, { ...cfg, input: 'observations' }, robot, 'm.onnx')
    assert.unreachable('should fail')
  } catch (e) {
    assert.match((e as Error).message, /policy\.onnx\.input: m\.onnx has no input 'observations' \(inputs: obs\)/)
  }
})

test.after(async () => { await policy?.close() })

test.run()
