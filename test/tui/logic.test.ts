// The terminal UI's logic without a terminal: parameter ↔ configuration keys, saving with comments kept,
// the line diff, edit ramps, address parsing, and the key handling of `reduce`.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createConnection } from 'node:net'
import { ConfigError } from '../../host/config/schema.ts'
import { ControlSocket } from '../../host/runtime/control-socket.ts'
import { lineDiff } from '../../host/tui/line-diff.ts'
import { configSlot, planSave, slotValue } from '../../host/tui/param-config.ts'
import { needsRamp, rampValue, startRamp } from '../../host/tui/param-ramp.ts'
import { parseControlAddress } from '../../host/tui/protocol.ts'
import { initialState, reduce, type Effect } from '../../host/tui/state.ts'

const JOINTS = ['FL_hip_joint', 'FL_thigh_joint', 'FL_calf_joint']

test('parameters map to configuration keys through the schema', () => {
  assert.equal(configSlot('stand.ramp_s', JOINTS), { kind: 'scalar', key: 'stand.ramp_s' })
  assert.equal(configSlot('stand.kp.FL_calf_joint', JOINTS), { kind: 'perJoint', key: 'stand.kp', index: 2 })
  assert.equal(configSlot('stand.q.FL_thigh_joint', JOINTS), { kind: 'map', key: 'stand.pose', entry: 'FL_thigh_joint' })
  assert.equal(configSlot('locomotion.kp_swing', JOINTS), { kind: 'scalar', key: 'locomotion.params.kp_swing' })
  assert.is(configSlot('runtime.clear_faults', JOINTS), null)
  assert.is(configSlot('stand.kp.no_such_joint', JOINTS), null)
  assert.is(configSlot('policy.limits.vx', JOINTS), null, 'a list key is not a parameter')
  assert.is(slotValue({ stand: { kp: [1, 2, 3] } }, { kind: 'perJoint', key: 'stand.kp', index: 1 }), 2)
  assert.is(slotValue({ stand: { kp: 7 } }, { kind: 'perJoint', key: 'stand.kp', index: 1 }), 7)
  assert.is(slotValue({ stand: { pose: null } }, { kind: 'map', key: 'stand.pose', entry: 'x' }), null)
})

const FILE = `# robot
stand:
  kp: 60    # gain
  kd: [1.5, 1.5, 1.5]  # per joint
  ramp_s: 1.5 # blend
  pose:
    FL_hip_joint: 0.1 # outward
`

test('saving replaces only the value text of keys in the file', () => {
  const plan = planSave(FILE, 'r.yaml', [
    { name: 'stand.kp.FL_thigh_joint', slot: { kind: 'perJoint', key: 'stand.kp', index: 1 }, value: 80 },
    { name: 'stand.kp.FL_calf_joint', slot: { kind: 'perJoint', key: 'stand.kp', index: 2 }, value: 70.00000000001 },
    { name: 'stand.kd.FL_hip_joint', slot: { kind: 'perJoint', key: 'stand.kd', index: 0 }, value: 2 },
    { name: 'stand.ramp_s', slot: { kind: 'scalar', key: 'stand.ramp_s' }, value: 0.1 + 0.2 },
    { name: 'stand.q.FL_hip_joint', slot: { kind: 'map', key: 'stand.pose', entry: 'FL_hip_joint' }, value: -0.05 }
  ], 3)
  assert.is(plan.text, `# robot
stand:
  kp: [ 60, 80, 70 ]    # gain
  kd: [2, 1.5, 1.5]  # per joint
  ramp_s: 0.3 # blend
  pose:
    FL_hip_joint: -0.05 # outward
`)
  assert.equal(plan.diff, [
    '@@ -1,8 +1,8 @@',
    ' # robot',
    ' stand:',
    '-  kp: 60    # gain',
    '-  kd: [1.5, 1.5, 1.5]  # per joint',
    '-  ramp_s: 1.5 # blend',
    '+  kp: [ 60, 80, 70 ]    # gain',
    '+  kd: [2, 1.5, 1.5]  # per joint',
    '+  ramp_s: 0.3 # blend',
    '   pose:',
    '-    FL_hip_joint: 0.1 # outward',
    '+    FL_hip_joint: -0.05 # outward',
    ' '
  ])
})

test('a key missing from the file is added, comments kept', () => {
  const plan = planSave('# only a comment\nstand:\n  kp: 60 # gain\n', 'r.yaml', [
    { name: 'stand.q.FL_calf_joint', slot: { kind: 'map', key: 'stand.pose', entry: 'FL_calf_joint' }, value: -1.5 }
  ], 3)
  assert.match(plan.text, /# only a comment/)
  assert.match(plan.text, /kp: 60 # gain/)
  assert.match(plan.text, /pose:\n {4}FL_calf_joint: -1\.5/)
})

test('a save that would not load is refused with the key', () => {
  try {
    planSave(FILE, 'r.yaml', [{ name: 'stand.ramp_s', slot: { kind: 'scalar', key: 'stand.ramp_s' }, value: 99 }], 3)
    assert.unreachable('should have thrown')
  } catch (e) {
    assert.instance(e, ConfigError)
    assert.match((e as Error).message, /r\.yaml:5:\d+: stand\.ramp_s: 99 s is outside \[0\.05, 20\] s/)
  }
})

test('line diff: hunks with context, removed before added', () => {
  const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n')
  const b = ['1', '2', '3', 'four', '5', '6', '7', '8', '9', '10'].join('\n')
  assert.equal(lineDiff(a, b, 1), ['@@ -3,3 +3,3 @@', ' 3', '-4', '+four', ' 5', '@@ -9,1 +9,2 @@', ' 9', '+10'])
  assert.equal(lineDiff(a, a), [])
})

test('big edits ramp linearly over half a second; small ones apply at once', () => {
  assert.ok(needsRamp(60, 85, 0, 2000), '+42 %')
  assert.not.ok(needsRamp(60, 66, 0, 2000), '+10 %')
  assert.ok(needsRamp(0, 5, 0, 2000), 'from zero: 5 > 0.2 % of the bounds')
  assert.not.ok(needsRamp(0, 3, 0, 2000))
  const r = startRamp(60, 85, 1000)
  assert.is(rampValue(r, 1000), 60)
  assert.is(rampValue(r, 1250), 72.5)
  assert.is(rampValue(r, 1500), 85)
  assert.is(rampValue(r, 9999), 85)
})

test('control addresses', () => {
  assert.equal(parseControlAddress('127.0.0.1:7772'), { kind: 'tcp', host: '127.0.0.1', port: 7772 })
  assert.equal(parseControlAddress(':9000'), { kind: 'tcp', host: '127.0.0.1', port: 9000 })
  assert.equal(parseControlAddress('[::1]:7'), { kind: 'tcp', host: '::1', port: 7 })
  assert.equal(parseControlAddress('unix:/run/c.sock'), { kind: 'unix', path: '/run/c.sock' })
  assert.equal(parseControlAddress('./c.sock'), { kind: 'unix', path: './c.sock' })
  assert.throws(() => parseControlAddress('host:99999'), /expected HOST:PORT/)
  assert.throws(() => parseControlAddress('host:abc'), /expected HOST:PORT/)
})

const requests = (effects: Effect[]): unknown[] => effects.filter((e) => e.type === 'request').map((e) => (e as { body: unknown }).body)

test('keys: edit sends the typed text; space is the e-stop everywhere; leaving needs y', () => {
  const s = initialState({ cols: 80, rows: 24, color: false, unicode: true, address: 'x' })
  s.params = [{ name: 'stand.ramp_s', unit: 's', min: 0.05, max: 20, value: 1.5, target: 1.5, start: 1.5, configKey: 'stand.ramp_s', doc: '' }]
  assert.equal(requests(reduce(s, { type: 'key', key: 'enter' })), [])
  for (const k of ['2', '.', '5']) reduce(s, { type: 'key', key: k })
  assert.equal(requests(reduce(s, { type: 'key', key: 'enter' })), [{ type: 'set', name: 'stand.ramp_s', value: '2.5' }])
  reduce(s, { type: 'key', key: 'enter' })
  reduce(s, { type: 'key', key: '9' })
  assert.equal(requests(reduce(s, { type: 'key', key: 'space' })), [{ type: 'estop' }], 'space while typing a value')
  assert.is(s.edit, null)
  reduce(s, { type: 'server', msg: { type: 'estop', estop: { engaged: true, hard: true, note: '' } } })
  assert.equal(requests(reduce(s, { type: 'key', key: 't' })), [], 'no teleop while stopped')
  reduce(s, { type: 'key', key: 'u' })
  assert.ok(s.confirmLeave)
  assert.equal(requests(reduce(s, { type: 'key', key: 'n' })), [], 'anything but y stays stopped')
  reduce(s, { type: 'key', key: 'u' })
  assert.equal(requests(reduce(s, { type: 'key', key: 'y' })), [{ type: 'estop-release', confirm: true }])
})

test('keys: teleop steps, clamps to the policy limits and stops', () => {
  const s = initialState({ cols: 80, rows: 24, color: false, unicode: true, address: 'x' })
  s.hello = { limits: { vx: [-1.5, 1.5], vy: [-0.8, 0.8], wz: [-2, 2], height: [0.15, 0.4] }, gaits: ['stand', 'trot'], teleopUnavailable: null } as never
  assert.equal(requests(reduce(s, { type: 'key', key: 't' })), [{ type: 'twist', vx: 0, vy: 0, wz: 0 }])
  for (let i = 0; i < 20; i++) reduce(s, { type: 'key', key: 'w' })
  assert.is(s.teleop.vx, 1.5, 'clamped to policy.limits.vx')
  assert.equal(requests(reduce(s, { type: 'key', key: 'q' })), [{ type: 'twist', vx: 1.5, vy: 0, wz: 0.2 }])
  assert.equal(requests(reduce(s, { type: 'key', key: 'g' })), [{ type: 'twist', vx: 1.5, vy: 0, wz: 0.2, gait: 'trot' }])
  assert.equal(requests(reduce(s, { type: 'key', key: 'x' })), [{ type: 'twist', vx: 0, vy: 0, wz: 0, gait: 'trot' }])
  assert.equal(requests(reduce(s, { type: 'key', key: 'escape' })), [{ type: 'teleop-stop' }])
  assert.not.ok(s.teleop.armed)
})

/** Connects, sends `lines`, and collects what comes back until the socket closes or 300 ms pass. */
async function talk (port: number, lines: string[]): Promise<{ text: string, closed: boolean }> {
  const c = createConnection(port, '127.0.0.1')
  let text = ''
  let closed = false
  c.setEncoding('utf8')
  c.on('data', (d: string) => { text += d })
  c.on('close', () => { closed = true })
  await new Promise<void>((resolve) => c.once('connect', () => resolve()))
  for (const l of lines) c.write(l + '\n')
  const t0 = Date.now()
  while (!closed && Date.now() - t0 < 300) await new Promise((resolve) => setTimeout(resolve, 20))
  c.destroy()
  return { text, closed }
}

test('the control socket: a token is required when set; a non-loopback bind needs one', async () => {
  await ControlSocket.open({ address: { kind: 'tcp', host: '0.0.0.0', port: 0 } }).then(() => assert.unreachable('opened without a token'), (e: Error) => assert.match(e.message, /not loopback: give a token/))
  const cs = await ControlSocket.open({ address: { kind: 'tcp', host: '127.0.0.1', port: 0 }, token: 's3cret' })
  try {
    const port = (cs.address as { port: number }).port
    const wrong = await talk(port, [JSON.stringify({ type: 'auth', token: 'guess' })])
    assert.ok(wrong.closed, 'a wrong token closes the connection')
    assert.match(wrong.text, /bad or missing token/)
    const none = await talk(port, [JSON.stringify({ type: 'ping', id: 1 })])
    assert.ok(none.closed, 'a request before auth closes the connection')
    const right = await talk(port, [JSON.stringify({ type: 'auth', token: 's3cret' }), JSON.stringify({ type: 'ping', id: 2 })])
    assert.not.ok(right.closed)
    assert.match(right.text, /"id":2,"ok":false,"message":"the controller is still starting"/, 'authenticated: requests are answered')
  } finally {
    await cs.close()
  }
})

test.run()
