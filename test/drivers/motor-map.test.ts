// The joint ↔ motor map (host/drivers/motor-map.ts) and the model table (host/drivers/mit-models.yaml):
// robots/quad12/motors.yaml loads; bad maps fail with file, line and key; the YAML table agrees with the
// protocol package's table (host/protocol/mit/models.ts) it replaces, entry by entry.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../../host/config/schema.ts'
import { jointAngle, loadMotorMap, motorAngle, motorsInJointOrder, parseMotorMap } from '../../host/drivers/motor-map.ts'
import { mitModelTable } from '../../host/drivers/motor-models.ts'
import { MIT_MODELS } from '../../host/protocol/mit/index.ts'

const MOTORS = fileURLToPath(new URL('../../robots/quad12/motors.yaml', import.meta.url))
const text = readFileSync(MOTORS, 'utf8')

function fails (src: string, where: RegExp): void {
  try {
    parseMotorMap(src, 'bad.yaml')
  } catch (err) {
    assert.instance(err, ConfigError)
    assert.match((err as Error).message, where)
    return
  }
  assert.unreachable(`no error for ${where}`)
}

test('quad12: 12 drives, one bus per leg, knee belt 9.33 / 6', () => {
  const m = loadMotorMap(MOTORS)
  assert.is(m.motors.length, 12)
  assert.equal([...new Set(m.motors.map((x) => x.bus))], [0, 1, 2, 3])
  const knee = m.motors.find((x) => x.joint === 'FL_calf_joint')!
  assert.is(knee.gear_ratio, 1.555)
  assert.is(knee.model.name, 'MiniCheetah')
  assert.is(knee.model.kind === 'mit' ? knee.model.range.t_max : NaN, 18)
  assert.is(m.value.bridge.watchdog_us, 10000)
})

test('transmission: θ = direction · gear_ratio · q + zero_offset, and back', () => {
  const m = { ...loadMotorMap(MOTORS).motors[2], direction: -1 as const, zero_offset: 0.3 }
  assert.ok(Math.abs(motorAngle(m, -1.0) - 1.855) < 1e-12)
  assert.ok(Math.abs(jointAngle(m, 1.855) + 1.0) < 1e-12)
})

test('joint order follows the controller, and a missing joint is named', () => {
  const m = loadMotorMap(MOTORS)
  const names = ['RR_calf_joint', ...m.motors.filter((x) => x.joint !== 'RR_calf_joint').map((x) => x.joint)]
  assert.is(motorsInJointOrder(m, names)[0].joint, 'RR_calf_joint')
  assert.throws(() => motorsInJointOrder(m, names.slice(1)), /RR_calf_joint/)
})

test('errors name file, line and key', () => {
  fails(text.replace('model: MiniCheetah, gear_ratio: 1.555', 'model: AK99-1, gear_ratio: 1.555'), /bad\.yaml:\d+:\d+: joints\[2\]\.model: unknown model 'AK99-1'/)
  fails(text.replace('{ joint: FL_thigh_joint, bus: 0, can_id: 2', '{ joint: FL_thigh_joint, bus: 0, can_id: 1'), /joints\[1\]\.can_id: CAN id 1 is used twice on bus 0/)
  fails(text.replace('{ joint: FL_hip_joint, bus: 0, can_id: 1, reply_id: 0, model: MiniCheetah, gear_ratio: 1, direction: -1, zero_offset: 0', '{ joint: FL_hip_joint, bus: 0, can_id: 1, reply_id: 0, model: MiniCheetah, gear_ratio: 1, direction: -1, zero_offset: 12'), /joints\[0\]\.zero_offset: .*outside the MiniCheetah's ±12\.5 rad/)
  fails(text.replace('{ joint: FL_hip_joint, bus: 0,', '{ joint: FL_hip_joint, bus: 7,'), /joints\[0\]\.bus: bus 7 is not in bridge\.buses/)
  fails(text.replace('direction: -1', 'direction: 0'), /direction: must be \+1 or -1/)
  fails(text.replace('limits: [-1.0, 1.0]', 'limits: [1.0, -1.0]'), /limits: min 1 is not below max -1/)
  fails(text.replace('watchdog_us: 10000', 'watchdog_us: 10'), /bridge\.watchdog_us: 10 µs is outside/)
  fails(text.replace('temp_max_c: 80', 'temp_maxx_c: 80'), /temp_maxx_c/)
})

test('the YAML model table agrees with host/protocol/mit/models.ts, and every entry cites its source', () => {
  const t = mitModelTable()
  for (const m of MIT_MODELS) {
    const y = t.get(m.name)
    assert.ok(y !== undefined, `${m.name} in mit-models.yaml`)
    assert.equal([y!.protocol, y!.range.p_max, y!.range.v_max, y!.range.t_max, y!.range.kp_max, y!.range.kd_max], [m.protocol, m.p_max, m.v_max, m.t_max, m.kp_max, m.kd_max], m.name)
  }
  for (const [name, y] of t) assert.ok(y.source.length > 40, `${name} cites a source`)
})

test.run()
