// The `locomotion:` section of the YAML configuration: every controller parameter (params.ts) as one key
// with its unit, range, default and doc, plus the MPC (which one, its size; sized at start-up), the
// default gait and the demo twist `npm start` walks with when no policy sends one.
import { int, num, obj, oneOf, type Schema } from '../config/schema.ts'
import { LOCO_GAITS, LOCO_PARAM_SPECS, type LocoParams } from './params.ts'

export type MpcKind = 'srbd' | 'kinodynamic'

export interface LocomotionMpcConfig {
  /** srbd: the SRBD MPC in the tick; kinodynamic: the NMPC asynchronously (its own thread, or in lockstep after delay_ms). */
  kind: MpcKind
  horizon: number
  dt: number
  kino_horizon: number
  kino_dt: number
  rate_hz: number
  delay_ms: number
}

export interface LocomotionConfig {
  params: LocoParams
  mpc: LocomotionMpcConfig
  /** Twist `cerebellum run` commands when no policy is connected and no --vx/--vy/--wz is given. */
  demo: { vx: number, vy: number, wz: number }
}

function buildSchema (): Schema<LocomotionConfig> {
  const params: Record<string, Schema<unknown>> = {}
  for (const s of LOCO_PARAM_SPECS) {
    if (s.name === 'auto_gait') {
      params[s.name] = oneOf(LOCO_GAITS.slice(1), s.doc, 'trot')
    } else {
      params[s.name] = num(s.doc, { default: s.default, min: s.min, max: s.max, unit: s.unit })
    }
  }
  return obj({
    params: obj(params, 'controller parameters (also tunable at run time as locomotion.NAME)'),
    mpc: obj({
      kind: oneOf(['srbd', 'kinodynamic'], 'srbd: SRBD MPC (a) in the 500 Hz tick; kinodynamic: kinodynamic NMPC (b) asynchronously, its latest plan interpolated by the tick', 'srbd'),
      horizon: int('SRBD MPC horizon stages; 0: no MPC (force distribution only)', { default: 20, min: 0, max: 60 }),
      dt: num('SRBD MPC stage length', { default: 0.02, min: 0.005, max: 0.2, unit: 's' }),
      kino_horizon: int('kinodynamic NMPC horizon stages', { default: 50, min: 2, max: 100 }),
      kino_dt: num('kinodynamic NMPC stage length', { default: 0.02, min: 0.005, max: 0.1, unit: 's' }),
      rate_hz: num('kinodynamic NMPC solve rate (real time: at most this, as fast as its thread solves; lockstep: exactly this, in plant time)', { default: 100, min: 1, max: 500, unit: 'Hz' }),
      delay_ms: num('lockstep only: modelled latency between a kinodynamic snapshot and its solution taking effect (plant time)', { default: 10, min: 0, max: 200, unit: 'ms' })
    }, 'centroidal MPC: which one and its size'),
    demo: obj({
      vx: num('forward speed of the demo walk', { default: 0.4, min: -1.5, max: 1.5, unit: 'm/s' }),
      vy: num('lateral speed of the demo walk', { default: 0, min: -0.8, max: 0.8, unit: 'm/s' }),
      wz: num('yaw rate of the demo walk', { default: 0, min: -2, max: 2, unit: 'rad/s' })
    }, 'the twist `cerebellum run` walks with when no policy and no --vx/--vy/--wz are given (--no-demo: stand)')
  }, 'locomotion controller (gait, MPC, whole-body control)') as unknown as Schema<LocomotionConfig>
}

/** Schema of `locomotion:`. `params.auto_gait` is validated as a gait name and turned into its id by locoParamValues. */
export const locomotionSchema = buildSchema()

/** Parameter values in spec order (auto_gait as its gait id). */
export function locoParamValues (cfg: LocomotionConfig): number[] {
  return LOCO_PARAM_SPECS.map((s) => {
    const v = cfg.params[s.name] as number | string
    if (s.name === 'auto_gait') return typeof v === 'string' ? LOCO_GAITS.indexOf(v as typeof LOCO_GAITS[number]) : v
    return v as number
  })
}

/** The core's MPC sizes for a config: the SRBD MPC's (horizon 0 when the kinodynamic NMPC is used) and the NMPC's (null: not used). */
export function locoMpcSetup (m: LocomotionMpcConfig): { mpc: { horizon: number, dt: number }, kino: { horizon: number, dt: number } | null } {
  if (m.kind === 'kinodynamic') return { mpc: { horizon: 0, dt: m.dt }, kino: { horizon: m.kino_horizon, dt: m.kino_dt } }
  return { mpc: { horizon: m.horizon, dt: m.dt }, kino: null }
}
