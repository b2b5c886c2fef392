// Configuration errors name the file, the line and the key: unknown keys (with a did-you-mean), wrong
// types, out-of-range values, wrong list lengths, YAML syntax, cross-checks against the robot; the
// defaults validate; adding a key is one line of schema.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { parseRuntimeConfig, runtimeConfigSchema } from '../../host/config/runtime-config.ts'
import { ConfigError, describeSchema, int, nearest, num, obj, validateYaml } from '../../host/config/schema.ts'
import { controlRobotFrom } from '../../host/runtime/control-robot.ts'
import type { RobotDescription } from '../../host/robot/description.ts'

function issues (text: string, file = 'robot.yaml'): Array<{ line: number, col: number, key: string, message: string }> {
  try {
    parseRuntimeConfig(text, file)
  } catch (e) {
    assert.instance(e, ConfigError)
    const err = e as ConfigError
    for (const i of err.issues) assert.is(i.file, file)
    assert.ok(err.message.startsWith(`${file}:`), err.message)
    return err.issues
  }
  assert.unreachable('no error')
  return []
}

test('the empty file validates to the defaults', () => {
  const v = parseRuntimeConfig('', 'empty.yaml').value
  assert.is(v.control.rate_hz, 500)
  assert.is(v.policy.timeout_ms, 200)
  assert.is(v.policy.bind, '127.0.0.1')
  assert.equal(v.policy.limits.vx, [-1.5, 1.5])
  assert.is(v.policy.onnx, null)
})

test('an unknown key names its line and suggests the nearest key', () => {
  const [i] = issues('control:\n  rate_hz: 400\n  spin_uss: 100\n')
  assert.equal({ line: i.line, col: i.col, key: i.key }, { line: 3, col: 3, key: 'control.spin_uss' })
  assert.match(i.message, /did you mean 'spin_us'/)
  const [j] = issues('polcy:\n  timeout_ms: 100\n')
  assert.is(j.key, 'polcy')
  assert.match(j.message, /did you mean 'policy'/)
})

test('wrong type, out of range and wrong list length name line and key, all reported together', () => {
  const text = [
    'control:',
    '  rate_hz: fast',
    'policy:',
    '  timeout_ms: 5',
    '  limits:',
    '    vx: [-1, 0, 1]',
    'stand:',
    '  kp: [1, 2, x]'
  ].join('\n')
  const all = issues(text)
  const by = Object.fromEntries(all.map((i) => [i.key, i]))
  assert.is(by['control.rate_hz'].line, 2)
  assert.match(by['control.rate_hz'].message, /expected a number Hz, got the string 'fast'/)
  assert.is(by['policy.timeout_ms'].line, 4)
  assert.match(by['policy.timeout_ms'].message, /5 ms is outside \[10, 60000\] ms/)
  assert.is(by['policy.limits.vx'].line, 6)
  assert.match(by['policy.limits.vx'].message, /at most 2/)
  assert.is(by['stand.kp[2]'].line, 8)
  assert.is(by['stand.kp[2]'].col, 14)
  assert.equal(all.map((i) => i.line), [...all.map((i) => i.line)].sort((a, b) => a - b), 'sorted by line')
})

test('enumerations list their choices; a key without a value is named', () => {
  const [i] = issues('control:\n  mode: lockstpe\n')
  assert.match(i.message, /'lockstpe' is not one of realtime, lockstep \(did you mean 'lockstep'\?\)/)
  const [j] = issues('safety:\n  kp_max:\n')
  assert.equal([j.key, j.line], ['safety.kp_max', 2])
  assert.match(j.message, /no value/)
})

test('YAML syntax errors carry the line', () => {
  const [i] = issues('control:\n  rate_hz: 500\n  mode: [realtime\n')
  assert.ok(i.line >= 3, `line ${i.line}`)
  assert.match(i.message, /YAML syntax/)
})

test('a remote bind needs allow_remote and a token', () => {
  const [i] = issues('policy:\n  bind: 0.0.0.0\n')
  assert.equal([i.key, i.line], ['policy.bind', 2])
  const [j] = issues('policy:\n  bind: 0.0.0.0\n  allow_remote: true\n')
  assert.is(j.key, 'policy.token')
  parseRuntimeConfig('policy:\n  bind: 0.0.0.0\n  allow_remote: true\n  token: s3cret\n', 'ok.yaml')
})

test('checks against the robot point at the configuration line', () => {
  const desc: RobotDescription = {
    name: 'two', sourceFile: '/r.xml', format: 'mjcf', gravity: [0, 0, -9.81], frames: [], actuators: [], nq: 2, nv: 2, floatingBase: false, keyframes: {},
    bodies: [
      { name: 'a', parent: -1, pos: [0, 0, 0], quat: [1, 0, 0, 0], mass: 1, com: [0, 0, 0], inertia: [1, 0, 0, 0, 1, 0, 0, 0, 1], joints: [{ name: 'hip', type: 'hinge', pos: [0, 0, 0], axis: [0, 0, 1], range: [-1, 1], effortLimit: 5, velocityLimit: 10, armature: 0, damping: 0, frictionLoss: 0, qpos0: [0] }] },
      { name: 'b', parent: 0, pos: [0, 0, 0], quat: [1, 0, 0, 0], mass: 1, com: [0, 0, 0], inertia: [1, 0, 0, 0, 1, 0, 0, 0, 1], joints: [{ name: 'knee', type: 'hinge', pos: [0, 0, 0], axis: [0, 0, 1], range: [-2, 0], effortLimit: 5, velocityLimit: 10, armature: 0, damping: 0, frictionLoss: 0, qpos0: [-1] }] }
    ]
  }
  const bad = parseRuntimeConfig('stand:\n  pose:\n    hip: 0.1\n    kne: -1.2\n', 'cfg.yaml')
  try {
    controlRobotFrom(desc, bad)
    assert.unreachable('no error')
  } catch (e) {
    assert.match((e as Error).message, /^cfg\.yaml:4:5: stand\.pose\.kne: the robot has no actuated joint 'kne' \(did you mean 'knee'\?\)/)
  }
  const wrongLen = parseRuntimeConfig('stand:\n  kp: [1, 2, 3]\n', 'cfg.yaml')
  assert.throws(() => controlRobotFrom(desc, wrongLen), /cfg\.yaml:2:3: stand\.kp: has 3 values; the robot has 2/)
  const good = controlRobotFrom(desc, parseRuntimeConfig('stand:\n  pose:\n    knee: -1.2\n  kd: [0.5, 0.7]\n', 'cfg.yaml'))
  assert.equal(good.q_stand, [0, -1.2])
  assert.equal(good.kd_stand, [0.5, 0.7])
})

test('adding a key is one line of schema; the generated table documents range, unit and default', () => {
  const schema = obj({ loop: obj({ rate_hz: num('loop rate', { default: 100, min: 1, max: 1000, unit: 'Hz' }), depth: int('queue depth', { default: 4, min: 1 }) }) })
  assert.equal(validateYaml(schema, 'loop:\n  depth: 8\n', 'x').value, { loop: { rate_hz: 100, depth: 8 } })
  const table = describeSchema(runtimeConfigSchema)
  assert.match(table, /\| `control.rate_hz` \| number \| \[50, 2000\] \| Hz \| 500 \| control loop rate \|/)
})

test('the README documents every key (regenerate: npx tsx host/config/describe-config.ts) and its example validates', () => {
  const readme = readFileSync(new URL('../../host/config/README.md', import.meta.url), 'utf8')
  for (const line of describeSchema(runtimeConfigSchema).split('\n').slice(2)) {
    assert.ok(readme.includes(line), `README is missing or out of date for: ${line.slice(0, 80)}`)
  }
  const example = /## Example\s+```yaml\n([^]*?)```/.exec(readme)
  assert.ok(example !== null)
  const v = parseRuntimeConfig(example![1], 'README example').value
  assert.is(v.control.rt_priority, 80)
  assert.is(v.policy.onnx!.observations.length, 6)
})

test('did-you-mean stays quiet for distant words', () => {
  assert.is(nearest('xyzzy', ['control', 'policy']), null)
  assert.is(nearest('polcy', ['control', 'policy']), 'policy')
})

test.run()
