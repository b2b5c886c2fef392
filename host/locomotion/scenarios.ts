// The named locomotion scenarios of `cerebellum scenario` and the locomotion tests: what the robot is
// commanded to do over time, the pushes it gets and the world it walks in. Each can be changed from the
// command line (twist, duration, pushes, payload, friction, terrain); see scenarioSpec.
//
//   stand          stand still; lateral pushes of 30 N for 0.2 s every 3 s (alternating sides)
//   trot           trot forward at 0.5 m/s (--vx 1.0 for the fast case)
//   lateral        trot sideways at 0.3 m/s
//   turn           trot in place turning at 1 rad/s
//   gait-switch    stand → trot → walking trot → static walk → trot → stand at 0.3 m/s, switching on
//                  request (the scheduler waits for a safe phase)
//   stand-up       from lying on the belly: joint-space stand-up ramp, then the locomotion stand
//   push-recovery  trot at 0.3 m/s; 60 N lateral and 40 N forward pushes for 0.2 s
import type { TerrainSpec } from '../sim/terrain.ts'
import { LOCO_GAITS } from './params.ts'
import type { Push, ScenarioSpec, TwistCommand } from './scenario-runner.ts'

export const SCENARIO_NAMES = ['stand', 'trot', 'lateral', 'turn', 'gait-switch', 'stand-up', 'push-recovery'] as const
export type ScenarioName = typeof SCENARIO_NAMES[number]

/** Command-line changes to a scenario (undefined: the scenario's own). */
export interface ScenarioOverrides {
  duration_s?: number
  vx?: number
  vy?: number
  wz?: number
  pushes?: Push[]
  payload_kg?: number
  friction?: number
  terrain?: TerrainSpec
}

const gait = (name: typeof LOCO_GAITS[number]): number => LOCO_GAITS.indexOf(name)

/** Twist that ramps from 0 at `t0` (the reference adds its own rate limits on top). */
function constant (t0: number, vx: number, vy: number, wz: number): (t: number, o: TwistCommand) => void {
  return (t, o) => {
    const on = t >= t0
    o.vx = on ? vx : 0
    o.vy = on ? vy : 0
    o.wz = on ? wz : 0
    o.gait = -1
  }
}

/** Pushes of `force` for `dur` every `every` seconds from `t0` until `t1`, alternating the sign. */
function periodicPushes (t0: number, t1: number, every: number, force: [number, number, number], dur: number): Push[] {
  const out: Push[] = []
  let sign = 1
  for (let t = t0; t <= t1 + 1e-9; t += every) {
    out.push({ t, force: [sign * force[0], sign * force[1], sign * force[2]], duration: dur })
    sign = -sign
  }
  return out
}

/** The scenario `name` with the overrides applied; throws RangeError for an unknown name. */
export function scenarioSpec (name: string, o: ScenarioOverrides = {}): ScenarioSpec {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name)) throw new RangeError(`unknown scenario '${name}' (scenarios: ${SCENARIO_NAMES.join(', ')})`)
  const n = name as ScenarioName
  const twist = (vx: number, vy: number, wz: number): [number, number, number] => [o.vx ?? vx, o.vy ?? vy, o.wz ?? wz]
  let spec: ScenarioSpec
  switch (n) {
    case 'stand': {
      const d = o.duration_s ?? 30
      const [vx, vy, wz] = twist(0, 0, 0)
      spec = { name: n, duration_s: d, settle_s: 1, command: constant(0.5, vx, vy, wz), pushes: periodicPushes(3, d - 0.5, 3, [0, 30, 0], 0.2) }
      break
    }
    case 'trot': {
      const [vx, vy, wz] = twist(0.5, 0, 0)
      spec = { name: n, duration_s: o.duration_s ?? 20, settle_s: 2.5, command: constant(0.5, vx, vy, wz), pushes: [] }
      break
    }
    case 'lateral': {
      const [vx, vy, wz] = twist(0, 0.3, 0)
      spec = { name: n, duration_s: o.duration_s ?? 10, settle_s: 2.5, command: constant(0.5, vx, vy, wz), pushes: [] }
      break
    }
    case 'turn': {
      const [vx, vy, wz] = twist(0, 0, 1.0)
      spec = { name: n, duration_s: o.duration_s ?? 10, settle_s: 2.5, command: constant(0.5, vx, vy, wz), pushes: [] }
      break
    }
    case 'gait-switch': {
      const [vx, vy, wz] = twist(0.3, 0, 0)
      const plan: Array<[number, number, number]> = [
        [0, 0, -1], [1, 1, gait('trot')], [5, 1, gait('walking_trot')], [9, 1, gait('static_walk')], [14, 1, gait('trot')], [17, 0, -1]
      ]
      spec = {
        name: n,
        duration_s: o.duration_s ?? 20,
        settle_s: 2.5,
        command: (t, out) => {
          let k = 0
          while (k + 1 < plan.length && t >= plan[k + 1][0]) k++
          const s = plan[k][1]
          out.vx = s * vx
          out.vy = s * vy
          out.wz = s * wz
          out.gait = plan[k][2]
        },
        pushes: []
      }
      break
    }
    case 'stand-up': {
      const [vx, vy, wz] = twist(0, 0, 0)
      spec = { name: n, duration_s: o.duration_s ?? 6, settle_s: 3, standUp_s: 2.5, command: constant(3, vx, vy, wz), pushes: [] }
      break
    }
    case 'push-recovery': {
      const [vx, vy, wz] = twist(0.3, 0, 0)
      spec = {
        name: n,
        duration_s: o.duration_s ?? 12,
        settle_s: 2.5,
        command: constant(0.5, vx, vy, wz),
        pushes: [
          { t: 3, force: [0, 60, 0], duration: 0.2 },
          { t: 5, force: [0, -60, 0], duration: 0.2 },
          { t: 7, force: [40, 0, 0], duration: 0.2 },
          { t: 9, force: [-40, 0, 0], duration: 0.2 }
        ]
      }
      break
    }
  }
  if (o.pushes !== undefined) spec.pushes = o.pushes
  if (o.payload_kg !== undefined) spec.payload_kg = o.payload_kg
  if (o.friction !== undefined) spec.friction = o.friction
  if (o.terrain !== undefined) spec.terrain = o.terrain
  return spec
}

/** Parses `--terrain`: flat | slope:DEG | steps:HEIGHT (m). Throws RangeError naming the value. */
export function parseTerrain (s: string): TerrainSpec {
  if (s === 'flat') return { kind: 'flat' }
  const m = /^(slope|steps):(.+)$/.exec(s)
  const x = m !== null ? Number(m[2]) : NaN
  if (m === null || !Number.isFinite(x) || x <= 0) throw new RangeError(`--terrain '${s}': expected flat, slope:DEG or steps:HEIGHT (a positive number)`)
  return m[1] === 'slope' ? { kind: 'slope', degrees: x } : { kind: 'steps', height: x }
}

/** Parses `--push "t,fx,fy,fz,dur"` (s, N, N, N, s). Throws RangeError naming the value. */
export function parsePush (s: string): Push {
  const v = s.split(',').map((x) => Number(x.trim()))
  if (v.length !== 5 || !v.every(Number.isFinite) || v[0] < 0 || v[4] < 0) throw new RangeError(`--push '${s}': expected "t,fx,fy,fz,dur" (t ≥ 0 s, forces in N, dur ≥ 0 s)`)
  return { t: v[0], force: [v[1], v[2], v[3]], duration: v[4] }
}
