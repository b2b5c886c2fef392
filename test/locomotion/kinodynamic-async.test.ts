// The kinodynamic NMPC (fidelity (b)) in the controller, asynchronously (host/locomotion/mpc/
// kinodynamic-async.ts, assembly/locomotion/controller.ts kinoForces):
// - lockstep: solved every 1/rate_hz of plant time, each solution used from delay_ms later, so the plan
//   the forces stage interpolates is exactly delay … delay + 1/rate_hz − dt old (100 Hz, 10 ms, dt 2 ms:
//   10, 12, 14, 16 or 18 ms);
// - issue 5's scenario: the default robot trots at 0.5 m/s for 10 s with `locomotion.mpc.kind:
//   kinodynamic` in lockstep without falling, mean velocity error ≤ 0.1 m/s; the same run twice gives
//   the same commands bit for bit;
// - real time: the solver in its own thread supplies plans the tick uses without waiting for it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadRuntimeConfig, type RuntimeConfig } from '../../host/config/runtime-config.ts'
import { runScenario } from '../../host/locomotion/scenario-runner.ts'
import { scenarioSpec } from '../../host/locomotion/scenarios.ts'
import { DEFAULT_SCENE } from '../../host/locomotion/scenario-runner.ts'
import { LocomotionCore, LOCO_INFO } from '../../host/locomotion/locomotion-core.ts'
import { attachKinodynamic, KinoLockstep, KinoThread, type KinoAsyncOptions } from '../../host/locomotion/mpc/kinodynamic-async.ts'
import { loadRobot } from '../../host/robot/load.ts'
import { Plant } from '../../host/sim/plant.ts'

function kinoConfig (): RuntimeConfig {
  const c = structuredClone(loadRuntimeConfig().value)
  c.locomotion.mpc.kind = 'kinodynamic'
  return c
}

async function trotCore (plant: Plant): Promise<LocomotionCore> {
  const desc = await loadRobot(DEFAULT_SCENE)
  return await LocomotionCore.create(desc, {
    feet: plant.info.feet.map((f) => f.name),
    imu: 'imu',
    joints: [...plant.jointNames],
    q_stand: Array.from(plant.keyframeJointPositions('home')),
    tau_max: plant.info.joints.map((j) => j.torqueLimit),
    mpc: { horizon: 0, dt: 0.025 },
    kino: { horizon: 50, dt: 0.02 }
  })
}

const OPTS: KinoAsyncOptions = { horizon: 50, dt: 0.02, rate_hz: 100, delay_ms: 10, controlDt: 0.002 }

function tick (core: LocomotionCore, plant: Plant, t: number): void {
  core.setCommand(t > 0.2 ? 0.5 : 0, 0, 0, 0, 0, 0, -1, 0)
  core.estimate(plant.sensors, 0.002)
  core.tick(0.002)
  const cmd = plant.command
  cmd.tau_ff.set(core.tau_ff); cmd.q_des.set(core.q_des); cmd.qd_des.set(core.qd_des); cmd.kp.set(core.kp); cmd.kd.set(core.kd)
  plant.tick()
}

test('lockstep: the plan the tick uses is delay … delay + period − dt old; none before the first arrives', async () => {
  const plant = await Plant.load(DEFAULT_SCENE, { seed: 4 })
  const core = await trotCore(plant)
  const d = await attachKinodynamic(core, 'lockstep', DEFAULT_SCENE, OPTS) as KinoLockstep
  assert.is(d.every, 5)
  assert.is(d.delayTicks, 5)
  const ages = new Set<number>()
  for (let k = 0; k < 500; k++) {
    tick(core, plant, k * 0.002)
    const age = core.info[LOCO_INFO.kinoAge]
    if (k < 5) assert.is(age, -1, `tick ${k}: no plan yet`)
    else ages.add(Math.round(age * 1e6) / 1e3)
  }
  assert.equal([...ages].sort((a, b) => a - b), [10, 12, 14, 16, 18], 'plan ages [ms]')
  assert.is(d.solves, 100)
  assert.is(d.failures, 0)
  assert.is(core.info[LOCO_INFO.kinoFallbacks], 5, 'only the first 5 ticks used the force QP')
  core.close()
  plant.close()
})

test('trots at 0.5 m/s for 10 s on the kinodynamic NMPC in lockstep: no fall, mean velocity error ≤ 0.1 m/s; twice: identical', async () => {
  const run = async (): Promise<{ m: Awaited<ReturnType<typeof runScenario>>, hash: string }> => {
    const h = createHash('sha256')
    const m = await runScenario(scenarioSpec('trot', { vx: 0.5, duration_s: 10 }), {
      seed: 1,
      config: kinoConfig(),
      onCommand: (_k, c) => { for (const a of [c.tau_ff, c.q_des, c.qd_des, c.kp, c.kd]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) }
    })
    return { m, hash: h.digest('hex') }
  }
  const a = await run()
  const m = a.m
  assert.not.ok(m.fell, `fell at ${m.fell_at_s} s`)
  assert.ok(m.vel_err_mean <= 0.1, `mean velocity error ${m.vel_err_mean} m/s`)
  assert.ok(Math.abs(m.mean_vx - 0.5) <= 0.1, `mean forward speed ${m.mean_vx} m/s`)
  assert.ok(m.kino !== null && m.kino.solves >= 999 && m.kino.failures === 0, `NMPC solves ${JSON.stringify(m.kino)}`)
  // after the first plan arrives the NMPC's forces are used on (nearly) every tick
  assert.ok(m.kino!.fallback_ticks < 50, `force QP instead of the plan on ${m.kino!.fallback_ticks} of 5000 ticks`)
  const b = await run()
  assert.is(b.hash, a.hash, 'the same commands, bit for bit')
  const strip = (x: typeof m): unknown => ({ ...x, timing_us: null, wall_s: null })
  assert.equal(strip(b.m), strip(m))
})

test('real time: the solver thread supplies plans; the tick takes them without waiting', async () => {
  const plant = await Plant.load(DEFAULT_SCENE, { seed: 5 })
  const core = await trotCore(plant)
  const d = await attachKinodynamic(core, 'thread', DEFAULT_SCENE, OPTS) as KinoThread
  // start-up as createControlStep does it: a few ticks give the solver a snapshot, then its first
  // (compiling) solves run before the loop
  for (let k = 0; k < 50; k++) tick(core, plant, 0)
  await d.warm(20)
  let used = 0
  for (let k = 0; k < 400; k++) {
    tick(core, plant, k * 0.002)
    if (core.info[LOCO_INFO.kinoAge] >= 0) used++
    await sleep(1) // let wall time pass as in a 500 Hz loop (roughly: timers are ≥ 1 ms)
  }
  assert.is(d.error, null, "solver thread error")
  assert.ok(d.solves >= 10, `${d.solves} solves, ${d.failures} failed`)
  assert.is(d.failures, 0)
  assert.ok(used > 200, `plan used on ${used} of 400 ticks`)
  assert.ok(plant.groundTruth().p_base_world[2] > 0.2, 'still up')
  core.close()
  plant.close()
})

test.run()
