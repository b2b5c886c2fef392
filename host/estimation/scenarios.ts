// Scripted stance motions for evaluating the state estimator in the MuJoCo plant (no locomotion needed):
// the base moves over fixed feet and single feet step, all expressed as a base offset (translation dp and
// roll/pitch/yaw from the initial stance) and world-frame offsets of the feet from their initial
// positions, plus the gait schedule a controller would have given. `evaluation.ts` turns them into joint
// targets by leg IK and drives the plant.
//
//   stand   hold the pose
//   sway    the base translates and rotates sinusoidally over the four feet
//   lift    each foot in turn: shift the base toward the other three feet, lift 6 cm, hold, lower, shift back
//   push    stand; external pushes on the base
//   step    one foot steps 10 cm forward onto a 5 cm step it does not expect: early touchdown
//   hole    standing on a 5 cm platform, one foot steps back over the edge: nothing where it expects the
//           ground, it keeps lowering and lands 5 cm deeper: late touchdown
// Feet are indexed in the order of the estimator setup (FL, FR, RL, RR for quad12); `footXY` gives their
// nominal positions relative to the base, used to shift the base toward the supporting feet.
import type { TerrainSpec } from '../sim/terrain.ts'

/** Per-tick targets of a scenario. */
export interface ScenarioTargets {
  /** Base translation from the initial stance, world [m] (3). */
  dp: Float64Array
  /** Base roll, pitch, yaw from the initial stance [rad] (3, ZYX). */
  rpy: Float64Array
  /** Foot offsets from their initial positions, world [m] (3 per foot). */
  foot: Float64Array
  /** Gait schedule per foot: state (1 stance, 0 swing, −1 none), elapsed and remaining time [s] (3 per foot). */
  sched: Float64Array
}

export interface Push { t_s: number, force_world: [number, number, number], duration_s: number }

export interface Scenario {
  name: string
  duration_s: number
  /** Evaluate from this time on (the drop from the keyframe onto the ground settles first) [s]. */
  settle_s: number
  terrain?: TerrainSpec
  /** Raise the initial base by this much (the robot starts on a platform) [m]. */
  base_lift_m: number
  /** Height of the ground under the initial stance [m] (the estimator's ground_height). */
  ground_height_m: number
  pushes: Push[]
  /** Writes the targets at time t [s]. */
  targets: (t: number, out: ScenarioTargets) => void
}

export function createTargets (nfeet: number): ScenarioTargets {
  return { dp: new Float64Array(3), rpy: new Float64Array(3), foot: new Float64Array(3 * nfeet), sched: new Float64Array(3 * nfeet) }
}

/** Quintic blend 10s³ − 15s⁴ + 6s⁵ of s clamped to [0, 1]. */
function smooth (s: number): number {
  const x = s < 0 ? 0 : s > 1 ? 1 : s
  return x * x * x * (10 - 15 * x + 6 * x * x)
}

const FAR = 1e3

/** One planned step of a foot: when it lifts and lands, how high, where to, and the base shift it needs. */
interface StepPlan {
  foot: number
  /** Start of the base shift [s]. */
  t0: number
  shift_s: number
  lift_s: number
  hold_s: number
  lower_s: number
  /** Time the foot keeps searching downward after the planned touchdown, and how deep [s, m]. */
  search_s: number
  search_m: number
  wait_s: number
  height_m: number
  /** The lowering foot's target never goes below this [m] (a controller that stops pressing once it stands). */
  floor_m: number
  /** Horizontal foot displacement [m] (x, y). */
  move: [number, number]
  /** Base shift [m] (x, y). */
  shift: [number, number]
}

function liftOff (s: StepPlan): number { return s.t0 + s.shift_s }
function plannedTouchdown (s: StepPlan): number { return liftOff(s) + s.lift_s + s.hold_s + s.lower_s }
function stepEnd (s: StepPlan): number { return plannedTouchdown(s) + s.search_s + s.wait_s + s.shift_s }

/** Base shift toward the centroid of the other feet, by `frac` of the way. */
function shiftFor (footXY: ReadonlyArray<[number, number]>, foot: number, frac: number): [number, number] {
  let x = 0; let y = 0
  footXY.forEach((p, i) => { if (i !== foot) { x += p[0]; y += p[1] } })
  const n = footXY.length - 1
  return [frac * x / n, frac * y / n]
}

/** Writes the targets of a sequence of non-overlapping steps (the feet not stepping are scheduled in stance). */
function stepTargets (plans: StepPlan[], nfeet: number, t: number, out: ScenarioTargets): void {
  out.dp.fill(0); out.rpy.fill(0); out.foot.fill(0)
  for (const s of plans) {
    const tl = liftOff(s)
    const ttd = plannedTouchdown(s)
    const tUnshift = ttd + s.search_s + s.wait_s
    // base shift in and out
    const w = t < tUnshift ? smooth((t - s.t0) / s.shift_s) : 1 - smooth((t - tUnshift) / s.shift_s)
    out.dp[0] += w * s.shift[0]
    out.dp[1] += w * s.shift[1]
    // foot: up and over, hold, down, then search below the planned ground
    if (t >= tl) {
      const o = 3 * s.foot
      let z = 0
      if (t < tl + s.lift_s) z = s.height_m * smooth((t - tl) / s.lift_s)
      else if (t < tl + s.lift_s + s.hold_s) z = s.height_m
      else if (t < ttd) z = s.height_m * (1 - smooth((t - tl - s.lift_s - s.hold_s) / s.lower_s))
      else if (s.search_s > 0) z = -s.search_m * Math.min(1, (t - ttd) / s.search_s)
      if (t >= tl + s.lift_s) z = Math.max(z, s.floor_m)
      const m = smooth((t - tl) / (s.lift_s + s.hold_s))
      out.foot[o] += m * s.move[0]
      out.foot[o + 1] += m * s.move[1]
      out.foot[o + 2] += z
    }
  }
  for (let i = 0; i < nfeet; i++) {
    const mine = plans.filter((s) => s.foot === i)
    let state = 1; let elapsed = t; let remaining = FAR
    let lastTd = 0
    for (const s of mine) {
      const tl = liftOff(s); const ttd = plannedTouchdown(s)
      if (t >= tl && t < ttd) { state = 0; elapsed = t - tl; remaining = ttd - t; break }
      if (t >= ttd) lastTd = ttd
      if (t < tl) { elapsed = t - lastTd; remaining = tl - t; break }
      elapsed = t - lastTd
    }
    out.sched[3 * i] = state
    out.sched[3 * i + 1] = elapsed
    out.sched[3 * i + 2] = remaining
  }
}

function standingSchedule (nfeet: number, t: number, out: ScenarioTargets): void {
  for (let i = 0; i < nfeet; i++) {
    out.sched[3 * i] = 1
    out.sched[3 * i + 1] = t
    out.sched[3 * i + 2] = FAR
  }
}

export function standScenario (nfeet: number, duration_s = 6): Scenario {
  return {
    name: 'stand', duration_s, settle_s: 0.5, base_lift_m: 0, ground_height_m: 0, pushes: [],
    targets: (t, out) => { out.dp.fill(0); out.rpy.fill(0); out.foot.fill(0); standingSchedule(nfeet, t, out) }
  }
}

/** The base sways over the four feet: ±3 cm x (0.6 Hz), ±3 cm y (0.45 Hz), ±2 cm z (0.8 Hz), roll/pitch ±4°, yaw ±6°. */
export function swayScenario (nfeet: number, duration_s = 8): Scenario {
  const deg = Math.PI / 180
  return {
    name: 'sway', duration_s, settle_s: 0.5, base_lift_m: 0, ground_height_m: 0, pushes: [],
    targets: (t, out) => {
      const a = smooth((t - 0.3) / 1.0)
      const w = (f: number, ph = 0): number => a * Math.sin(2 * Math.PI * f * (t - 0.3) + ph)
      out.dp[0] = 0.03 * w(0.6); out.dp[1] = 0.03 * w(0.45); out.dp[2] = 0.02 * w(0.8)
      out.rpy[0] = 4 * deg * w(0.7, 1); out.rpy[1] = 4 * deg * w(0.5, 2); out.rpy[2] = 6 * deg * w(0.35, 0.5)
      out.foot.fill(0)
      standingSchedule(nfeet, t, out)
    }
  }
}

function stepPlan (footXY: ReadonlyArray<[number, number]>, foot: number, t0: number, o: Partial<StepPlan> = {}): StepPlan {
  return {
    foot, t0, shift_s: 0.6, lift_s: 0.25, hold_s: 0.2, lower_s: 0.25, search_s: 0, search_m: 0, wait_s: 0.3,
    height_m: 0.06, floor_m: -Infinity, move: [0, 0], shift: shiftFor(footXY, foot, 0.75), ...o
  }
}

/** Each foot in turn (FL, RR, FR, RL for quad12's order FL, FR, RL, RR). */
export function liftScenario (footXY: ReadonlyArray<[number, number]>): Scenario {
  const nfeet = footXY.length
  const order = nfeet === 4 ? [0, 3, 1, 2] : Array.from({ length: nfeet }, (_, i) => i)
  const plans: StepPlan[] = []
  let t = 0.8
  for (const f of order) {
    const p = stepPlan(footXY, f, t)
    plans.push(p)
    t = stepEnd(p) + 0.2
  }
  return {
    name: 'lift', duration_s: t + 0.5, settle_s: 0.5, base_lift_m: 0, ground_height_m: 0, pushes: [],
    targets: (tt, out) => stepTargets(plans, nfeet, tt, out)
  }
}

/** Standing, pushed: 40 N forward, 40 N sideways, 30 N diagonal, 0.15 s each. */
export function pushScenario (nfeet: number): Scenario {
  return {
    name: 'push', duration_s: 6, settle_s: 0.5, base_lift_m: 0, ground_height_m: 0,
    pushes: [
      { t_s: 1.0, force_world: [40, 0, 0], duration_s: 0.15 },
      { t_s: 2.5, force_world: [0, -40, 0], duration_s: 0.15 },
      { t_s: 4.0, force_world: [-30, 30, 0], duration_s: 0.15 }
    ],
    targets: (t, out) => { out.dp.fill(0); out.rpy.fill(0); out.foot.fill(0); standingSchedule(nfeet, t, out) }
  }
}

/**
 * Early touchdown: the first foot (FL) steps 10 cm forward and down toward where it expects flat ground,
 * but a 5 cm step starts 4 cm ahead of it: it lands about 0.1 s before the scheduled touchdown. Its target
 * stops 1 cm below the step's top (the script does not press the leg 5 cm into the step).
 */
export function stepScenario (footXY: ReadonlyArray<[number, number]>): Scenario {
  const nfeet = footXY.length
  const foot = 0
  const plan = stepPlan(footXY, foot, 0.8, { height_m: 0.09, move: [0.1, 0], lower_s: 0.3, floor_m: 0.04 })
  return {
    name: 'step', duration_s: stepEnd(plan) + 0.6, settle_s: 0.5, base_lift_m: 0, ground_height_m: 0, pushes: [],
    terrain: { kind: 'steps', height: 0.05, count: 1, run: 0.3, startX: footXY[foot][0] + 0.04, width: 2 },
    targets: (t, out) => stepTargets([plan], nfeet, t, out)
  }
}

/**
 * Late touchdown: the robot stands on a 5 cm platform whose back edge is 5 cm behind its rear feet; the
 * third foot (RL) steps 10 cm back, past the edge, lowers to the platform's level where nothing is, and
 * keeps lowering for up to 6 cm: it lands on the floor 5 cm below, late.
 */
export function holeScenario (footXY: ReadonlyArray<[number, number]>): Scenario {
  const nfeet = footXY.length
  const foot = nfeet === 4 ? 2 : nfeet - 1
  const plan = stepPlan(footXY, foot, 0.8, { move: [-0.1, 0], search_s: 0.3, search_m: 0.06 })
  const rearX = Math.min(...footXY.map((p) => p[0]))
  return {
    name: 'hole', duration_s: stepEnd(plan) + 0.6, settle_s: 0.5, base_lift_m: 0.05, ground_height_m: 0.05, pushes: [],
    terrain: { kind: 'steps', height: 0.05, count: 1, run: 0.3, startX: rearX - 0.05, width: 2 },
    targets: (t, out) => stepTargets([plan], nfeet, t, out)
  }
}
