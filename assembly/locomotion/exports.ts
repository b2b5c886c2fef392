// Host-facing exports of the locomotion controller (re-exported by assembly/index.ts), prefix `loco`.
// One controller per instance, on the instance's Model (model/instance.ts); host/locomotion drives it.
//
// Life cycle: locoCreate(nfeet, njoints) allocates the controller for the built Model; the host finds
// its arrays by name via locoField* (zero-copy views), writes foot frames and roles, joint addresses,
// stand pose, torque limits, parameters and the MPC size, then calls locoBuild. Each tick, after the
// estimator's update: write the inputs, call locoPlan(dt), locoForces(), locoJoints() (or locoTick(dt)
// for all three); read the outputs. None of the per-tick calls allocates.
import { instanceModel, hasData } from '../model/instance'
import { LocomotionController, LOCO_NOT_BUILT, LOCO_OK, I_BAD_INDEX } from './controller'
import { LP_COUNT, LP_NAMES } from './loco-params'
import { GaitScheduler } from './gait/gait-scheduler'
import { TouchdownHandler } from './gait/touchdown-handler'
import { FootholdPlanner } from './gait/foothold-planner'
import { SwingTrajectory } from './gait/swing-trajectory'
import { RateLimiter } from './reference/rate-limiter'
import { WBC_PARAM_COUNT, WBC_PARAM_NAMES } from './wbc/wbc-config'
import { ocpBlockAddress } from './mpc/exports'

let current: LocomotionController | null = null

function loco (): LocomotionController {
  const c = current
  if (c === null) throw new Error('no locomotion controller: call locoCreate first')
  return c
}

/** Allocates the controller of this instance's built Model for `nfeet` feet and `njoints` actuated joints. */
export function locoCreate (nfeet: i32, njoints: i32): void {
  assert(nfeet > 0 && nfeet <= 8 && njoints > 0)
  if (!hasData()) throw new Error('no built model: call dynModelBuild before locoCreate')
  current = new LocomotionController(instanceModel(), nfeet, njoints)
}

/** Validates the configuration, derives the rest and allocates the MPC. Returns LOCO_* (0 = ok). */
export function locoBuild (): i32 { return loco().build() }

/** Restarts the plan: stand, reference at the next estimate. */
export function locoReset (): void { loco().reset() }

/** Index of the offending item after a failed build or plan, −1 if none. */
export function locoStatusIndex (): i32 { return <i32> loco().info[I_BAD_INDEX] }

/** Stage 1: estimate → gait, touchdown handling, footholds, swing targets, reference (dt [s]). */
export function locoPlan (dt: f64): i32 {
  const c = current
  if (c === null) return LOCO_NOT_BUILT
  return c.plan(dt)
}

/** Stage 2: contact forces (MPC when due, or the force-distribution QP). */
export function locoForces (): i32 {
  const c = current
  if (c === null) return LOCO_NOT_BUILT
  return c.forces()
}

/** Stage 3: joint command (whole-body QP or leg control; the safe command on failure). */
export function locoJoints (): i32 {
  const c = current
  if (c === null) return LOCO_NOT_BUILT
  return c.joints()
}

/** Stages 1–3 in one call; returns the first failing stage's status (the later stages still run). */
export function locoTick (dt: f64): i32 {
  const c = current
  if (c === null) return LOCO_NOT_BUILT
  const a = c.plan(dt)
  if (a != LOCO_OK) { c.safeCommand(); return a }
  const b = c.forces()
  const j = c.joints()
  return b != LOCO_OK ? b : j
}

/** After locoPlan: the kinodynamic NMPC's snapshot of this tick into the field kino_snap (kinodynamic-snapshot.ts). */
export function locoKinoSnapshot (): i32 {
  const c = current
  if (c === null) return LOCO_NOT_BUILT
  return c.kinoSnapshot()
}

/** Writes the safe command (damped stand, decaying τ_ff) into the outputs. */
export function locoSafe (): void { loco().safeCommand() }

/** Parameter count and the name of parameter i (AS string pointer). */
export function locoParamCount (): i32 { return LP_COUNT }
export function locoParamName (i: i32): usize { return changetype<usize>(LP_NAMES[i]) }

/** The controller's field table: count, name, pointer, length, kind (0 f64, 1 i32). */
export function locoFieldCount (): i32 { return loco().fields.count }
export function locoFieldName (i: i32): usize { return changetype<usize>(loco().fields.names[i]) }
export function locoFieldPtr (i: i32): usize { return loco().fields.ptrs[i] }
export function locoFieldLength (i: i32): i32 { return loco().fields.lengths[i] }
export function locoFieldKind (i: i32): i32 { return loco().fields.kinds[i] }

/** Current sizes of the force-distribution QP (n, mc), for the host's QP dump. */
export function locoForceQpN (): i32 { return loco().fd.dims.n }
export function locoForceQpMc (): i32 { return loco().fd.dims.mc }

// The SRBD MPC's OCP QP of the last solve (dumps of a failed solve for `cerebellum qp`; not for the tick).
/** Horizon N of the SRBD MPC's QP, −1 without an MPC. */
export function locoMpcQpN (): i32 { const m = loco().mpc; return m === null ? -1 : m.dims.N }
/** Stage k's sizes: what 0 = nu_k, 1 = ng_k, 2 = ne_k. */
export function locoMpcQpSize (k: i32, what: i32): i32 {
  const m = loco().mpc
  if (m === null) throw new Error('locoMpcQpSize: no MPC')
  const d = m.dims
  if (k < 0 || k > d.N) throw new Error('locoMpcQpSize: stage out of range')
  return what == 0 ? d.nu[k] : what == 1 ? d.ng[k] : d.ne[k]
}
/** Byte address of stage k's block f (ids as ocpField: 0 Q … 11 ug, 12 x0). */
export function locoMpcQpField (f: i32, k: i32): usize {
  const m = loco().mpc
  if (m === null) throw new Error('locoMpcQpField: no MPC')
  return ocpBlockAddress(m.data, m.blocks, m.dims.N, f, k)
}

/** Sizes of the whole-body HQP of the last update (for the host's QP dump): variables, levels, rows per level. */
export function locoWbcQpN (): i32 { const w = loco().wbc; return w === null ? 0 : w.hqp_dims.n }
export function locoWbcQpLevels (): i32 { const w = loco().wbc; return w === null ? 0 : w.hqp_dims.nl }
export function locoWbcQpMe (k: i32): i32 { const w = loco().wbc; return w === null ? 0 : w.hqp_dims.me[k] }
export function locoWbcQpMc (k: i32): i32 { const w = loco().wbc; return w === null ? 0 : w.hqp_dims.mc[k] }

/** Sets element k of whole-body-controller parameter `id` (wbc/wbc-config.ts WBC_P_*); false when refused. */
export function locoWbcParamSet (id: i32, k: i32, v: f64): bool {
  const c = loco().wbcCfg
  return c === null ? false : c.setParam(id, k, v)
}

/** Element count of whole-body-controller parameter `id` (0 when unknown or no whole-body QP). */
export function locoWbcParamLength (id: i32): i32 {
  const c = loco().wbcCfg
  return c === null ? 0 : c.paramLength(id)
}

/** Name of whole-body-controller parameter `id` (AS string pointer). */
export function locoWbcParamName (id: i32): usize { return changetype<usize>(WBC_PARAM_NAMES[id]) }

/** Number of whole-body-controller parameter ids. */
export function locoWbcParamCount (): i32 { return WBC_PARAM_COUNT }

/** Element k of whole-body-controller parameter `id` (NaN when unknown). */
export function locoWbcParamGet (id: i32, k: i32): f64 {
  const c = loco().wbcCfg
  return c === null ? NaN : c.getParam(id, k)
}

/** Heap-top probe (allocation tests). */
export function locoHeapProbe (): usize { return changetype<usize>(new StaticArray<u8>(0)) }

// ---------------------------------------------------------------- unit-test access to the parts
// One instance of each part, allocated by its *Init call (tests and benches only, not the tick).

let gaitT: GaitScheduler | null = null
let touchT: TouchdownHandler | null = null
const footholdT = new FootholdPlanner()
const swingT = new SwingTrajectory()
let limiterT: RateLimiter | null = null
const vec9 = new StaticArray<f64>(9)
const in3a = new StaticArray<f64>(3)
const in3b = new StaticArray<f64>(3)
const in3c = new StaticArray<f64>(3)
const in3d = new StaticArray<f64>(3)

/** A gait scheduler for nf feet; roles are written through locoGaitRoles (pointer to nf i32). */
export function locoGaitInit (nf: i32): usize {
  const roles = new StaticArray<i32>(nf)
  for (let i = 0; i < nf; i++) roles[i] = i & 3
  gaitT = new GaitScheduler(roles)
  return changetype<usize>(roles)
}
function gaitOf (): GaitScheduler { const g = gaitT; if (g === null) throw new Error('call locoGaitInit first'); return g }
export function locoGaitReset (): void { gaitOf().reset() }
export function locoGaitSetPeriod (T: f64): void { gaitOf().period_s = T }
export function locoGaitRequest (gait: i32): void { gaitOf().request(gait) }
export function locoGaitAdvance (dt: f64): void { gaitOf().advance(dt) }
export function locoGaitCurrent (): i32 { return gaitOf().gait }
export function locoGaitDraining (): i32 { return gaitOf().draining ? 1 : 0 }
export function locoGaitPhi (): f64 { return gaitOf().phi }
export function locoGaitContact (i: i32): i32 { return <i32> gaitOf().contact[i] }
export function locoGaitPhase (i: i32): f64 { return gaitOf().phase[i] }
export function locoGaitRemaining (i: i32): f64 { return gaitOf().remaining_s[i] }
export function locoGaitSwingDuration (i: i32): f64 { return gaitOf().swing_s[i] }
export function locoGaitContactAt (i: i32, ahead: f64): i32 { return <i32> gaitOf().contactAt(i, ahead) }

/**
 * Foothold of one foot (foothold-planner.ts) with base at (px, py, pz), velocity (vx, vy), yaw,
 * command (vdx, vdy world, wz), nominal offset (rx, ry), t_rem, t_stance, height h, ground z, gains;
 * writes locoVecOut(0..2).
 */
export function locoFoothold (px: f64, py: f64, pz: f64, vx: f64, vy: f64, yaw: f64, vdx: f64, vdy: f64, wz: f64,
  rx: f64, ry: f64, tRem: f64, tSt: f64, h: f64, gz: f64, kCapture: f64, reach: f64): void {
  in3a[0] = px; in3a[1] = py; in3a[2] = pz
  in3b[0] = vx; in3b[1] = vy; in3b[2] = 0.0
  in3c[0] = vdx; in3c[1] = vdy; in3c[2] = 0.0
  in3d[0] = rx; in3d[1] = ry; in3d[2] = 0.0
  footholdT.k_capture = kCapture
  footholdT.reach_m = reach
  footholdT.plan(vec9, 0, in3a, in3b, yaw, in3c, wz, in3d, 0, tRem, tSt, h, gz)
}

/** Swing point at progress s of duration T from p0 to p1 with apex; writes p, v, a into locoVecOut(0..8). */
export function locoSwing (x0: f64, y0: f64, z0: f64, x1: f64, y1: f64, z1: f64, s: f64, T: f64, apex: f64): void {
  in3a[0] = x0; in3a[1] = y0; in3a[2] = z0
  in3b[0] = x1; in3b[1] = y1; in3b[2] = z1
  swingT.apex_m = apex
  // evaluate writes p, v, a at the same offset of three arrays: spread them (p at 0, v at 3, a at 6)
  swingT.evaluate(in3a, 0, in3b, 0, s, T, vec9, in3c, in3d, 0)
  for (let k = 0; k < 3; k++) { vec9[3 + k] = in3c[k]; vec9[6 + k] = in3d[k] }
}

export function locoVecOut (k: i32): f64 { return vec9[k] }

/** Touchdown handler for nf feet (touchdown-handler.ts). */
export function locoTouchInit (nf: i32): void { touchT = new TouchdownHandler(nf) }
function touchOf (): TouchdownHandler { const t = touchT; if (t === null) throw new Error('call locoTouchInit first'); return t }
const schedT = new StaticArray<u8>(8)
const phaseT = new StaticArray<f64>(8)
const swingDurT = new StaticArray<f64>(8)
const estT = new StaticArray<f64>(8)
/** Sets foot i's schedule (state 1 stance, phase, swing duration) and estimated contact for the next locoTouchUpdate. */
export function locoTouchInput (i: i32, sched: i32, phase: f64, swingDur: f64, est: f64): void {
  schedT[i] = <u8> sched; phaseT[i] = phase; swingDurT[i] = swingDur; estT[i] = est
}
export function locoTouchUpdate (dt: f64, earlyMin: f64, lateMax: f64): void {
  const t = touchOf()
  t.early_min = earlyMin
  t.late_max_s = lateMax
  t.update(schedT, phaseT, swingDurT, estT, dt)
}
export function locoTouchContact (i: i32): i32 { return <i32> touchOf().contact[i] }
export function locoTouchS (i: i32): f64 { return touchOf().s[i] }
export function locoTouchEvent (i: i32): i32 { return <i32> touchOf().liftoff[i] + 2 * <i32> touchOf().touchdown[i] }

/** Rate/acceleration limiter (reference/rate-limiter.ts). */
export function locoLimiterInit (rate: f64, accel: f64, x0: f64): void { limiterT = new RateLimiter(rate, accel); limiterT!.reset(x0) }
export function locoLimiterStep (target: f64, dt: f64): f64 { const l = limiterT; if (l === null) throw new Error('call locoLimiterInit first'); return l.step(target, dt) }
export function locoLimiterRate (): f64 { const l = limiterT; return l === null ? NaN : l.xd }
