// The control tick in-process (no thread, synthetic sensor frames, simulated time): stand ramp against
// the quintic formula, sensor loss → damping and recovery, invalid frames, joint targets through the
// safety limits, a faulty control step replaced by the safe command, falls, parameter updates.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseRuntimeConfig, type RuntimeConfig } from '../../host/config/runtime-config.ts'
import type { CommandOutput, ControlInput, ControlRobot, ControlStep } from '../../host/runtime/control-step.ts'
import { ControllerCore, makeControlSpec, type StepInfo } from '../../host/runtime/controller-core.ts'
import { CommandFlag, DriveMode, Fault, Mode, TargetKind } from '../../host/runtime/frames.ts'
import { SharedControl } from '../../host/runtime/shared-control.ts'

const robot: ControlRobot = {
  jointNames: ['a', 'b', 'c'],
  q_min: [-1, -1, -2], q_max: [1, 1, 0],
  qd_max: [20, 20, 20], tau_max: [10, 10, 10],
  q_stand: [0.5, 0.5, -1],
  kp_stand: [30, 30, 30], kd_stand: [1, 1, 1],
  quat_base_imu: [1, 0, 0, 0],
  footNames: ['f0', 'f1']
}
const cfgText = 'control:\n  mode: lockstep\nstand:\n  ramp_s: 1\n'
const config: RuntimeConfig = parseRuntimeConfig(cfgText, 'test.yaml').value
const DT = 0.002

class Harness {
  shared: SharedControl
  core: ControllerCore
  seq = 0
  cmd: Float64Array
  tel: Float64Array
  constructor (loco: (ControlStep & StepInfo) | null = null, cfg = config) {
    this.shared = SharedControl.allocate(makeControlSpec(robot, cfg, loco))
    this.core = new ControllerCore(this.shared, robot, cfg, () => performance.now(), loco)
    this.cmd = new Float64Array(this.shared.layouts.command.size)
    this.tel = new Float64Array(this.shared.layouts.telemetry.size)
  }

  sensor (t: number, q: number[], opts: { quat?: number[], valid?: number, qd?: number[] } = {}): void {
    const L = this.shared.layouts.sensor
    const r = new Float64Array(L.size)
    r[L.at.seq] = this.seq++
    r[L.at.t] = t
    r[L.at.valid] = opts.valid ?? 1
    r.set(q, L.at.q)
    r.set(opts.qd ?? [0, 0, 0], L.at.qd)
    r.set(opts.quat ?? [1, 0, 0, 0], L.at.imu_quat)
    assert.ok(this.shared.sensorRing.push(r))
  }

  tick (t: number): Float64Array {
    this.core.tick(t, performance.now(), NaN, Infinity)
    assert.ok(this.shared.commandRing.pop(this.cmd), 'a command every tick')
    while (this.shared.telemetryRing.pop(this.tel)) { /* keep the newest */ }
    return this.cmd
  }

  field (name: 'q_des' | 'qd_des' | 'kp' | 'kd' | 'tau_ff'): number[] {
    const c = this.shared.layouts.command
    return Array.from(this.cmd.subarray(c.at[name], c.at[name] + 3))
  }

  scalar (name: 'drive_mode' | 'flags' | 'mode' | 'seq' | 'sensor_seq'): number {
    return this.cmd[this.shared.layouts.command.at[name]]
  }

  pushTarget (kind: number, payload: number[], t: number, seq: number): void {
    const L = this.shared.layouts.target
    const r = new Float64Array(L.size)
    r[L.at.kind] = kind
    r[L.at.seq] = seq
    r[L.at.t_stamp] = t; r[L.at.t_exec] = t; r[L.at.t_recv] = t
    r[L.at.chunk_len] = 1
    r.set(payload, L.at.payload)
    assert.ok(this.shared.targetRing.push(r))
  }
}

const w = (s: number): number => 10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5
const dw = (s: number): number => 30 * s ** 2 - 60 * s ** 3 + 30 * s ** 4

test('stand: quintic ramp from the entry pose to the stand pose, then hold', () => {
  const h = new Harness()
  const q0 = [0.1, -0.2, -0.3]
  for (let k = 0; k <= 800; k++) {
    const t = k * DT
    h.sensor(t, q0)
    h.tick(t)
    assert.is(h.scalar('mode'), Mode.stand)
    assert.is(h.scalar('drive_mode'), DriveMode.pd)
    const s = Math.min(1, t / 1)
    const want = q0.map((q, i) => q + w(s) * (robot.q_stand[i] - q))
    const wantQd = q0.map((q, i) => dw(s) * (robot.q_stand[i] - q))
    const got = h.field('q_des'); const gotQd = h.field('qd_des')
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(got[i] - want[i]) < 1e-12, `t ${t}: q_des[${i}] ${got[i]} vs ${want[i]}`)
      assert.ok(Math.abs(gotQd[i] - wantQd[i]) < 1e-12, `t ${t}: qd_des[${i}]`)
    }
    assert.equal(h.field('kp'), [30, 30, 30])
  }
  assert.equal(h.field('q_des'), robot.q_stand)
  // telemetry carries the same command and the ramp output
  const T = h.shared.layouts.telemetry
  const C = h.shared.layouts.command
  assert.equal(Array.from(h.tel.subarray(T.at.command, T.at.command + C.size)), Array.from(h.cmd))
  assert.is(h.tel[T.at.controller_out], 1)
})

test('sensor loss: damping after sensor_timeout_ms, flagged stale; recovery ramps from the pose then', () => {
  const h = new Harness()
  const q = [0.2, 0.1, -0.5]
  h.sensor(0, q); h.tick(0)
  let k = 1
  for (; k * DT <= 0.02 + 1e-9; k++) {
    h.tick(k * DT)
    assert.is(h.scalar('drive_mode'), DriveMode.pd, `still PD at ${k * DT}`)
    assert.ok((h.scalar('flags') & CommandFlag.staleSensor) !== 0)
  }
  h.tick(k * DT)
  assert.is(h.scalar('drive_mode'), DriveMode.damping)
  assert.is(h.scalar('mode'), Mode.damping)
  assert.equal(h.field('kp'), [0, 0, 0])
  assert.equal(h.field('kd'), [config.safety.damping_kd, config.safety.damping_kd, config.safety.damping_kd])
  assert.ok((h.core.faults & Fault.sensorTimeout) !== 0)
  assert.is(h.shared.counter('sensor_timeouts'), 1)
  const q2 = [-0.3, 0.4, -1.5]
  k++
  h.sensor(k * DT, q2)
  h.tick(k * DT)
  assert.is(h.scalar('mode'), Mode.stand)
  assert.equal(h.field('q_des'), q2, 'the ramp starts from the measured pose')
  assert.is(h.core.faults & Fault.sensorTimeout, 0)
})

test('a frame with NaN or flagged invalid is not used', () => {
  const h = new Harness()
  h.sensor(0, [0.1, 0.1, -0.5]); h.tick(0)
  h.sensor(DT, [NaN, 0.1, -0.5]); h.tick(DT)
  assert.ok((h.core.faults & Fault.sensorInvalid) !== 0)
  assert.ok((h.scalar('flags') & CommandFlag.staleSensor) !== 0)
  assert.is(h.scalar('sensor_seq'), 0, 'the command still refers to the last good frame')
  assert.ok(h.field('q_des').every(Number.isFinite))
  h.sensor(2 * DT, [0.1, 0.1, -0.5], { valid: 0 }); h.tick(2 * DT)
  assert.is(h.shared.counter('sensor_invalid'), 2)
  h.sensor(3 * DT, [0.1, 0.1, -0.5]); h.tick(3 * DT)
  assert.is(h.core.faults & Fault.sensorInvalid, 0)
  assert.is(h.scalar('sensor_seq'), 3)
})

test('joint targets: mode joint, q_des slewed at joint_speed_max, gains clamped to the safety limits', () => {
  const h = new Harness()
  const q = [0, 0, -1]
  h.sensor(0, q); h.tick(0)
  h.pushTarget(TargetKind.joint, [0.9, 0, -1, /* qd */ 0, 0, 0, /* kp */ 1e4, 20, 20, /* kd */ 1, 1, 1, /* tau */ 0, 0, 0], DT, 1)
  const step = config.safety.joint_speed_max * DT
  let prev = 0
  for (let k = 1; k < 60; k++) {
    h.sensor(k * DT, q)
    h.tick(k * DT)
    assert.is(h.scalar('mode'), Mode.joint)
    const qd = h.field('q_des')
    const want = Math.min(0.9, prev + step)
    assert.ok(Math.abs(qd[0] - want) < 1e-12, `tick ${k}: q_des ${qd[0]} vs ${want}`)
    prev = qd[0]
    assert.is(h.field('kp')[0], config.safety.kp_max)
    assert.ok((h.scalar('flags') & CommandFlag.clamped) !== 0)
  }
  assert.ok(Math.abs(prev - 0.9) < 1e-12)
})

function faultyStep (how: 'throw' | 'nan'): ControlStep & StepInfo {
  return {
    name: 'faulty', stages: ['plan'], outputs: [], params: [],
    enter: (_i: ControlInput) => {},
    step: (_i: ControlInput, cmd: CommandOutput) => {
      if (how === 'throw') throw new Error('boom')
      cmd.q_des.fill(NaN); cmd.qd_des.fill(0); cmd.kp.fill(1); cmd.kd.fill(1); cmd.tau_ff.fill(0)
    },
    setParam: () => {}
  }
}

test('without a locomotion step a twist target keeps the robot standing, with the noLocomotion fault', () => {
  const h = new Harness()
  h.sensor(0, [0, 0, -1]); h.tick(0)
  h.pushTarget(TargetKind.twist, [0.3, 0, 0, 0.28, 0, 0, 1, 2.5], DT, 1)
  h.sensor(DT, [0, 0, -1]); h.tick(DT)
  assert.is(h.scalar('mode'), Mode.stand)
  assert.ok((h.core.faults & Fault.noLocomotion) !== 0)
  const T = h.shared.layouts.telemetry
  assert.ok(h.tel[T.at.twist] > 0, 'the twist reached the active targets')
})

test('joint targets with a twist go to the locomotion step (its WBC posture task); alone they drive the joints', () => {
  let seen: ControlInput | null = null
  const loco: ControlStep & StepInfo = {
    name: 'loco-probe', stages: ['plan'], outputs: [], params: [],
    enter: (_i: ControlInput) => {},
    step: (i: ControlInput, cmd: CommandOutput) => { seen = i; cmd.q_des.set(i.q); cmd.qd_des.fill(0); cmd.kp.fill(10); cmd.kd.fill(1); cmd.tau_ff.fill(0) },
    setParam: () => {}
  }
  const h = new Harness(loco)
  const q = [0, 0, -1]
  h.sensor(0, q); h.tick(0)
  h.pushTarget(TargetKind.joint, [0.3, 0.1, -1.2, 0, 0, 0, 20, 20, 20, 1, 1, 1, 0, 0, 0], DT, 1)
  h.sensor(DT, q); h.tick(DT)
  assert.is(h.scalar('mode'), Mode.joint, 'joint targets alone: joint mode')
  assert.is(seen, null)
  h.pushTarget(TargetKind.twist, [0.3, 0, 0, 0.28, 0, 0, 1, 2.5], 2 * DT, 2)
  h.sensor(2 * DT, q); h.tick(2 * DT)
  assert.is(h.scalar('mode'), Mode.locomotion, 'with a twist: the locomotion step runs')
  const s = seen as ControlInput | null
  assert.ok(s !== null && s.targets.jointActive, 'and sees the live joint targets')
  assert.equal(Array.from(s!.targets.q), [0.3, 0.1, -1.2])
})

for (const how of ['throw', 'nan'] as const) {
  test(`a control step that ${how === 'throw' ? 'throws' : 'writes NaN'} is replaced by the stand command, flagged safe`, () => {
    const h = new Harness(faultyStep(how))
    const q = [0.2, 0.2, -0.8]
    h.sensor(0, q); h.tick(0)
    h.pushTarget(TargetKind.twist, [0.3, 0, 0, 0.28, 0, 0, 1, 2.5], DT, 1)
    h.sensor(DT, q); h.tick(DT)
    assert.ok((h.scalar('flags') & CommandFlag.safe) !== 0)
    assert.ok((h.core.faults & Fault.controlFault) !== 0)
    assert.ok(h.field('q_des').every(Number.isFinite))
    assert.is(h.scalar('drive_mode'), how === 'throw' ? DriveMode.pd : DriveMode.damping)
    assert.ok(h.shared.counter('control_faults') >= 1)
    // latched: the next ticks stay in stand until the fault is cleared
    h.sensor(2 * DT, q); h.tick(2 * DT)
    assert.is(h.scalar('mode'), Mode.stand)
    const clear = h.core.params.findIndex((p) => p.name === 'runtime.clear_faults')
    assert.ok(h.shared.paramRing.push([clear, 1]))
    h.sensor(3 * DT, q); h.tick(3 * DT)
    assert.ok(h.shared.counter('control_faults') >= 2, 'the step ran again after clearing and failed again')
  })
}

test('a fall (tilt beyond safety.tilt_max_deg) latches damping', () => {
  const h = new Harness()
  const q = [0, 0, -1]
  h.sensor(0, q); h.tick(0)
  const a = 70 * Math.PI / 180
  h.sensor(DT, q, { quat: [Math.cos(a / 2), Math.sin(a / 2), 0, 0] }); h.tick(DT)
  assert.is(h.scalar('mode'), Mode.damping)
  assert.ok((h.core.faults & Fault.fell) !== 0)
  h.sensor(2 * DT, q); h.tick(2 * DT)
  assert.is(h.scalar('mode'), Mode.damping, 'latched after levelling')
  assert.is(h.shared.counter('falls'), 1)
})

test('parameter updates: in range applied, out of range refused', () => {
  const h = new Harness()
  const q = [0, 0, -1]
  h.sensor(0, q); h.tick(0)
  const i = h.core.params.findIndex((p) => p.name === 'stand.kp.b')
  assert.ok(i > 0)
  h.shared.paramRing.push([i, 55])
  h.shared.paramRing.push([i, -3])
  h.sensor(DT, q); h.tick(DT)
  assert.equal(h.field('kp'), [30, 55, 30])
  assert.is(h.shared.counter('params_refused'), 1)
  assert.is(h.shared.counter('params_applied'), 1)
})

test('a tick published after its deadline still sends a fresh command, flagged late and counted', () => {
  const h = new Harness()
  h.sensor(0, [0, 0, -1]); h.tick(0)
  h.sensor(DT, [0.1, 0, -1])
  const now = performance.now()
  h.core.tick(DT, now, now - 2.5, now - 0.5) // released 2.5 ms ago, due 0.5 ms ago
  assert.ok(h.shared.commandRing.pop(h.cmd))
  assert.ok((h.scalar('flags') & CommandFlag.late) !== 0)
  assert.is(h.scalar('sensor_seq'), 1, 'computed from the newest frame, not a stale command')
  assert.is(h.scalar('seq'), 1)
  assert.is(h.shared.counter('late_commands'), 1)
  const T = h.shared.layouts.telemetry
  while (h.shared.telemetryRing.pop(h.tel)) { /* newest */ }
  assert.ok(h.tel[T.at.lateness_us] >= 2500)
})

test.run()
