// The locomotion tick with the kinodynamic NMPC attached allocates nothing once optimized (as
// test/runtime/no-alloc.test.ts for the runtime's tick): in lockstep (in-thread solves every 5th tick,
// solutions held back in preallocated slots) and in real time (snapshots posted to and solutions taken
// from the solver thread through shared memory). Synthetic sensors of a robot standing still under a
// trot command (the gait, the plan and the NMPC all run); V8's young generation is watched.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { DEFAULT_SCENE } from '../../host/locomotion/scenario-runner.ts'
import { LocomotionCore, LOCO_INFO, type LocomotionSensors } from '../../host/locomotion/locomotion-core.ts'
import { attachKinodynamic } from '../../host/locomotion/mpc/kinodynamic-async.ts'
import { loadRobot } from '../../host/robot/load.ts'
import { Plant } from '../../host/sim/plant.ts'

async function setup (mode: 'lockstep' | 'thread'): Promise<{ core: LocomotionCore, tick: () => void }> {
  const plant = await Plant.load(DEFAULT_SCENE, { seed: 1 })
  const feet = plant.info.feet.map((f) => f.name)
  const joints = [...plant.jointNames]
  const q_stand = Array.from(plant.keyframeJointPositions('home'))
  const tau_max = plant.info.joints.map((j) => j.torqueLimit)
  plant.close()
  const core = await LocomotionCore.create(await loadRobot(DEFAULT_SCENE), {
    feet, imu: 'imu', joints, q_stand, tau_max, mpc: { horizon: 0, dt: 0.025 }, kino: { horizon: 50, dt: 0.02 }
  })
  await attachKinodynamic(core, mode, DEFAULT_SCENE, { horizon: 50, dt: 0.02, rate_hz: 100, delay_ms: 10, controlDt: 0.002 })
  const nj = joints.length
  const s: LocomotionSensors = {
    quat_imu: [1, 0, 0, 0], gyro_imu: [0, 0, 0], accel_imu: [0, 0, 9.81],
    q: Float64Array.from(q_stand), qd: new Float64Array(nj), tau: new Float64Array(nj)
  }
  core.setCommand(0.3, 0, 0, 0, 0, 0, -1, 0)
  const tick = (): void => {
    core.estimate(s, 0.002)
    core.plan(0.002)
    core.forces()
    core.joints()
  }
  return { core, tick }
}

function measure (tick: () => void, warm: number, window: number): { clean: boolean, log: string } {
  for (let k = 0; k < warm; k++) tick()
  const young = (): number => getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!.space_used_size
  let gcs = 0
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length })
  obs.observe({ entryTypes: ['gc'] })
  const o0 = young()
  const overhead = young() - o0
  const windows: string[] = []
  try {
    for (let w = 0; w < 4; w++) {
      const g0 = gcs
      const before = young()
      for (let k = 0; k < window; k++) tick()
      const grown = young() - before - overhead
      windows.push(`${grown} B${gcs > g0 ? ' (+GC)' : ''}`)
      if (gcs === g0 && grown < 256) return { clean: true, log: windows.join(', ') }
    }
    return { clean: false, log: windows.join(', ') }
  } finally {
    obs.disconnect()
  }
}

test('lockstep: ticks with in-thread NMPC solves allocate nothing', async () => {
  const { core, tick } = await setup('lockstep')
  const r = measure(tick, 6000, 2000)
  assert.ok(r.clean, `the young generation grew in every window of 2000 ticks: ${r.log}`)
  assert.ok(core.info[LOCO_INFO.kinoAge] >= 0, 'the tick used an NMPC plan')
  core.close()
})

test('real time: ticks beside the solver thread allocate nothing', async () => {
  const { core, tick } = await setup('thread')
  const r = measure(tick, 30000, 5000)
  assert.ok(r.clean, `the young generation grew in every window of 5000 ticks: ${r.log}`)
  core.close()
})

test.run()
