// Cost of one plant tick (host/sim/plant.ts): 4 physics steps of 0.5 ms with the drivers' PD loop
// evaluated before each, encoder sampling after each, and the IMU/joint sensor models at the end,
// for quad12 standing (goal ≲ 150 µs). Compared with the same 4 mj_step calls alone on a second plant
// in the same standing state, which isolates the plant's own overhead.
import type { BenchFn } from './run.ts'
import { timeCalls } from './lib/stats.ts'
import { Plant } from '../host/sim/plant.ts'

const SCENE = new URL('../robots/quad12/scene.xml', import.meta.url).pathname

async function standing (): Promise<Plant> {
  const p = await Plant.load(SCENE, { seed: 1 })
  p.keyframeJointPositions('home', p.command.q_des)
  p.command.kp.fill(60)
  p.command.kd.fill(1.5)
  for (let i = 0; i < 1000; i++) p.tick() // settle into stance
  return p
}

const bench: BenchFn = async (args) => {
  const iters = Number(args[0] ?? 5000)
  const plant = await standing()
  const raw = await standing()
  const { mj, model, data } = raw
  const tick = timeCalls(() => plant.tick(), iters)
  // The same standing PD written straight to ctrl (no limits, sensors or checks) keeps the reference
  // in the same contact state as the plant.
  const qpos = data.qpos as Float64Array
  const qvel = data.qvel as Float64Array
  const ctrl = data.ctrl as Float64Array
  const qa = Int32Array.from(raw.info.joints, (j) => j.qposAdr)
  const da = Int32Array.from(raw.info.joints, (j) => j.dofAdr)
  const qDes = raw.command.q_des
  const steps = timeCalls(() => {
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 12; i++) ctrl[i] = 60 * (qDes[i] - qpos[qa[i]]) - 1.5 * qvel[da[i]]
      mj.mj_step(model, data)
    }
  }, iters)
  const c0 = process.cpuUsage()
  for (let i = 0; i < iters; i++) plant.tick()
  const c = process.cpuUsage(c0)
  plant.close(); raw.close()
  return {
    results: {
      'plant.tick (4 × 0.5 ms + sensors)': { p50_us: tick.p50_us, p99_us: tick.p99_us, max_us: tick.max_us, mean_us: tick.mean_us, cpu_mean_us: Math.round((c.user + c.system) / iters * 10) / 10 },
      'mj_step × 4 + bare PD': { p50_us: steps.p50_us, p99_us: steps.p99_us, max_us: steps.max_us, mean_us: steps.mean_us }
    },
    ratios: { tick_over_steps_p50: Math.round(tick.p50_us / steps.p50_us * 1000) / 1000 }
  }
}
export default bench
