// The control tick allocates nothing once running: in-process ticks with sensor frames, twist and
// joint targets flowing and telemetry, while V8's young generation is watched. Any allocation (a boxed
// number is 16 B) would grow it or trigger a scavenge; neither may happen. Parameter updates are rare
// (a person tuning), so their code stays unoptimized and may box a few numbers: bounded separately.
// The clock is injected and allocation-free here: Node 20's performance.now() allocates ~33 B per call
// (measured), which the real loop pays for its ~30 clock reads per tick (deadline-loop.ts).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import type { ControlRobot } from '../../host/runtime/control-step.ts'
import { ControllerCore, TickIo, makeControlSpec } from '../../host/runtime/controller-core.ts'
import { TargetKind } from '../../host/runtime/frames.ts'
import { SharedControl } from '../../host/runtime/shared-control.ts'

const robot: ControlRobot = {
  jointNames: ['a', 'b', 'c', 'd'], q_min: [-1, -1, -2, -1], q_max: [1, 1, 0, 1], qd_max: [20, 20, 20, 20], tau_max: [10, 10, 10, 10],
  q_stand: [0.5, 0.5, -1, 0], kp_stand: [30, 30, 30, 30], kd_stand: [1, 1, 1, 1], quat_base_imu: [1, 0, 0, 0], footNames: ['f']
}

test('once optimized, ticks allocate nothing; a parameter update allocates little', () => {
  const config = parseRuntimeConfig('control:\n  mode: lockstep\n', 'x').value
  const shared = SharedControl.allocate(makeControlSpec(robot, config))
  const fakeClock = new Float64Array(1)
  const core = new ControllerCore(shared, robot, config, () => fakeClock[0])
  const io = core.io
  io[TickIo.release] = NaN
  io[TickIo.deadline] = Infinity
  const L = shared.layouts
  const sensor = new Float64Array(L.sensor.size)
  sensor[L.sensor.at.valid] = 1
  sensor.set([1, 0, 0, 0], L.sensor.at.imu_quat)
  sensor.set([0.1, 0.2, -0.5, 0], L.sensor.at.q)
  const twist = new Float64Array(L.target.size)
  twist[L.target.at.kind] = TargetKind.twist
  twist[L.target.at.chunk_len] = 1
  twist.set([0.3, 0, 0.1, 0.28, 0, 0, 1, 2.5], L.target.at.payload)
  const joint = new Float64Array(L.target.size)
  joint[L.target.at.kind] = TargetKind.joint
  joint[L.target.at.chunk_len] = 1
  joint.set([0.1, 0.2, -0.6, 0, 0, 0, 0, 0, 20, 20, 20, 20, 1, 1, 1, 1, 0, 0, 0, 0], L.target.at.payload)
  const param = new Float64Array([1, 0.8])
  const cmd = new Float64Array(L.command.size)
  const tel = new Float64Array(L.telemetry.size)
  let withParams = true
  // Warm-up alternates twist and joint targets (mode switches); measured windows keep one kind of target
  // (joint targets, then twists): a mode switch, like a parameter update, is a rare event.
  let steady = false
  const tick = (k: number): void => {
    fakeClock[0] += 0.0003
    io[TickIo.t] = k * 0.002
    io[TickIo.wake] = fakeClock[0]
    sensor[L.sensor.at.seq] = k
    sensor[L.sensor.at.t] = io[TickIo.t]
    shared.sensorRing.push(sensor)
    if (k % 10 === 0) {
      const r = (steady ? k >= 100000 : k % 2000 < 1000) ? twist : joint
      r[L.target.at.seq] = k; r[L.target.at.t_exec] = io[TickIo.t]; r[L.target.at.t_recv] = io[TickIo.t]; r[L.target.at.t_stamp] = io[TickIo.t]
      shared.targetRing.push(r)
    }
    if (withParams && k % 500 === 0) shared.paramRing.push(param)
    core.run()
    shared.commandRing.pop(cmd)
    shared.telemetryRing.pop(tel)
  }
  // Warm-up: until TurboFan has optimized the tick, baseline code boxes numbers.
  let k = 0
  for (; k < 40000; k++) tick(k)
  const young = (): number => getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!.space_used_size
  let gcs = 0
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length })
  obs.observe({ entryTypes: ['gc'] })
  // What measuring itself costs (the statistics objects), from an empty window.
  const o0 = young()
  const overhead = young() - o0
  withParams = false
  steady = true
  // Up to 4 windows of 5000 ticks per kind of target; optimization may still finish during the first
  // ones, but an allocation on the per-tick path shows in every window.
  const measure = (from: number): { clean: boolean, log: string } => {
    const windows: string[] = []
    k = from
    for (let w = 0; w < 4; w++) {
      const gcsBefore = gcs
      const before = young()
      for (const end = k + 5000; k < end; k++) tick(k)
      const grown = young() - before - overhead
      windows.push(`${grown} B${gcs > gcsBefore ? ' (+GC)' : ''}`)
      if (gcs === gcsBefore && grown < 256) return { clean: true, log: windows.join(', ') }
    }
    return { clean: false, log: windows.join(', ') }
  }
  const joints = measure(40000) // joint targets only (k < 100000)
  for (k = 100000; k < 100010; k++) tick(k) // the switch to twists, outside the windows
  const twists = measure(100010)
  // parameter updates: 10 per window of 5000 ticks, each bounded
  withParams = true
  const gcsBefore = gcs
  const before = young()
  for (const end = k + 5000; k < end; k++) tick(k)
  const perUpdate = (young() - before - overhead) / 10
  obs.disconnect()
  assert.ok(joints.clean, `with joint targets the young generation grew in every window of 5000 ticks: ${joints.log}`)
  assert.ok(twists.clean, `with twist targets the young generation grew in every window of 5000 ticks: ${twists.log}`)
  if (gcs === gcsBefore) assert.ok(perUpdate < 256, `${perUpdate} B per parameter update`)
  assert.ok(cmd.every(Number.isFinite))
})

test.run()
