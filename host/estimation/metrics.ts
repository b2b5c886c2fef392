// Accuracy metrics of a state estimate against ground truth, accumulated sample by sample so that a
// scenario runner (standing, swaying, pushes now; trotting once locomotion exists) can feed them live:
//
//   BaseEstimateMetrics  velocity RMSE (world, 3-D and horizontal), height error (max, RMS), attitude error
//                        (tilt RMS/max, yaw at start and end → yaw drift), horizontal position drift and
//                        drift as a percentage of the distance travelled (ground-truth path length)
//   TouchdownMetrics     touchdown events of the estimate (rising edges of its contact flag after a
//                        minimum time off the ground) against the simulator's, matched one-to-one within
//                        a tolerance: precision, recall, timing error. A simulator touchdown is the onset
//                        of MuJoCo contact after the foot was off the ground; it counts for the recall when
//                        the foot takes load (normal force above minLoad within loadWindow of the onset) —
//                        a foot grazing the ground with a few newtons is in MuJoCo contact but is not a
//                        touchdown a controller acts on. An estimated touchdown is correct (precision) when
//                        it matches any contact onset or a load rise (the normal force of a foot in light
//                        contact crossing minLoad after being below it for the minimum time).
//
// Attitude error: the rotation vector δ of R_est·R_trueᵀ (world frame); tilt = |(δx, δy)|, yaw = δz.
// Units: SI inside; the summaries give degrees where the key says `_deg`.

/** One base estimate or ground-truth sample (world frame; quaternion wxyz, world-from-base). */
export interface BaseSample {
  p_base_world: ArrayLike<number>
  quat_base_world: ArrayLike<number>
  v_base_world: ArrayLike<number>
}

export interface BaseMetricsSummary {
  /** Samples used. */
  n: number
  /** RMS of |v_est − v_true| (3-D) [m/s]. */
  vel_rmse: number
  /** RMS of the horizontal velocity error [m/s]. */
  vel_rmse_xy: number
  /** Largest and RMS |z_est − z_true| [m]. */
  height_err_max: number
  height_err_rms: number
  /** Tilt error (roll/pitch) RMS and max [°]. */
  tilt_err_rms_deg: number
  tilt_err_max_deg: number
  /** Yaw error at the first and last sample and their difference [°]. */
  yaw_err_start_deg: number
  yaw_err_end_deg: number
  yaw_drift_deg: number
  /** Horizontal position error at the end minus at the start [m] (drift of the estimate). */
  pos_drift_xy: number
  /** Ground-truth horizontal path length [m]. */
  distance: number
  /** 100 · pos_drift_xy / distance (NaN when the robot did not travel). */
  drift_pct: number
}

const DEG = 180 / Math.PI

/** Rotation vector of a ⊗ b⁻¹ (world frame) [rad] into out (3). */
export function attitudeError (a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array): Float64Array {
  const aw = a[0], ax = a[1], ay = a[2], az = a[3]
  const bw = b[0], bx = -b[1], by = -b[2], bz = -b[3]
  let w = aw * bw - ax * bx - ay * by - az * bz
  let x = aw * bx + ax * bw + ay * bz - az * by
  let y = aw * by - ax * bz + ay * bw + az * bx
  let z = aw * bz + ax * by - ay * bx + az * bw
  if (w < 0) { w = -w; x = -x; y = -y; z = -z }
  const s = Math.hypot(x, y, z)
  const k = s < 1e-12 ? 2 : 2 * Math.atan2(s, w) / s
  out[0] = k * x; out[1] = k * y; out[2] = k * z
  return out
}

export class BaseEstimateMetrics {
  private n = 0
  private sv = 0
  private svxy = 0
  private hmax = 0
  private sh = 0
  private st = 0
  private tmax = 0
  private yaw0 = NaN
  private yaw1 = NaN
  private ex0 = NaN
  private ey0 = NaN
  private ex1 = NaN
  private ey1 = NaN
  private dist = 0
  private lastX = NaN
  private lastY = NaN
  private readonly e = new Float64Array(3)

  /** Adds one pair of samples taken at the same instant. */
  add (est: BaseSample, truth: BaseSample): void {
    const dvx = est.v_base_world[0] - truth.v_base_world[0]
    const dvy = est.v_base_world[1] - truth.v_base_world[1]
    const dvz = est.v_base_world[2] - truth.v_base_world[2]
    this.sv += dvx * dvx + dvy * dvy + dvz * dvz
    this.svxy += dvx * dvx + dvy * dvy
    const dh = Math.abs(est.p_base_world[2] - truth.p_base_world[2])
    this.hmax = Math.max(this.hmax, dh)
    this.sh += dh * dh
    attitudeError(est.quat_base_world, truth.quat_base_world, this.e)
    const tilt = Math.hypot(this.e[0], this.e[1])
    this.st += tilt * tilt
    this.tmax = Math.max(this.tmax, tilt)
    const ex = est.p_base_world[0] - truth.p_base_world[0]
    const ey = est.p_base_world[1] - truth.p_base_world[1]
    if (this.n === 0) {
      this.yaw0 = this.e[2]
      this.ex0 = ex; this.ey0 = ey
    } else {
      this.dist += Math.hypot(truth.p_base_world[0] - this.lastX, truth.p_base_world[1] - this.lastY)
    }
    this.yaw1 = this.e[2]
    this.ex1 = ex; this.ey1 = ey
    this.lastX = truth.p_base_world[0]
    this.lastY = truth.p_base_world[1]
    this.n++
  }

  summary (): BaseMetricsSummary {
    const n = Math.max(1, this.n)
    const drift = Math.hypot(this.ex1 - this.ex0, this.ey1 - this.ey0)
    return {
      n: this.n,
      vel_rmse: Math.sqrt(this.sv / n),
      vel_rmse_xy: Math.sqrt(this.svxy / n),
      height_err_max: this.hmax,
      height_err_rms: Math.sqrt(this.sh / n),
      tilt_err_rms_deg: Math.sqrt(this.st / n) * DEG,
      tilt_err_max_deg: this.tmax * DEG,
      yaw_err_start_deg: this.yaw0 * DEG,
      yaw_err_end_deg: this.yaw1 * DEG,
      yaw_drift_deg: (this.yaw1 - this.yaw0) * DEG,
      pos_drift_xy: drift,
      distance: this.dist,
      drift_pct: this.dist > 1e-3 ? 100 * drift / this.dist : NaN
    }
  }
}

export interface TouchdownSummary {
  /** Touchdown events of the estimate. */
  est_events: number
  /** Loaded simulator touchdowns (the recall's denominator), all contact onsets, and load rises. */
  true_events: number
  onsets: number
  load_rises: number
  /** Estimated events matching a loaded touchdown, and matching any onset or load rise. */
  matched: number
  correct: number
  /** correct / est_events (1 when there are none). */
  precision: number
  /** matched / true_events (1 when there are none). */
  recall: number
  /** Mean and largest |t_est − t_true| over the matched loaded touchdowns [s]. */
  timing_err_mean_s: number
  timing_err_max_s: number
  /** Per foot: incorrect estimated events and missed loaded touchdowns [s] (for diagnosis). */
  false_events: number[][]
  missed_events: number[][]
}

/** Greedy one-to-one matching (nearest pairs first) within ±tol; returns [matched est indices, matched ref indices, Σ|Δt|, max|Δt|]. */
function matchEvents (E: number[], T: number[], tol: number): [Set<number>, Set<number>, number, number] {
  const pairs: Array<[number, number, number]> = []
  E.forEach((te, a) => T.forEach((tt, b) => { if (Math.abs(te - tt) <= tol + 1e-9) pairs.push([Math.abs(te - tt), a, b]) }))
  pairs.sort((x, y) => x[0] - y[0])
  const usedE = new Set<number>(); const usedT = new Set<number>()
  let sum = 0; let max = 0
  for (const [d, a, b] of pairs) {
    if (usedE.has(a) || usedT.has(b)) continue
    usedE.add(a); usedT.add(b)
    sum += d; max = Math.max(max, d)
  }
  return [usedE, usedT, sum, max]
}

/** Touchdown event bookkeeping per foot (see the file header). */
export class TouchdownMetrics {
  private readonly est: number[][]
  private readonly onsets: number[][]
  private readonly loaded: boolean[][]
  private readonly rises: number[][]
  private readonly estOn: boolean[]
  private readonly trueOn: boolean[]
  private readonly loadOn: boolean[]
  private readonly estOff: number[]
  private readonly trueOff: number[]
  private readonly loadOff: number[]

  constructor (readonly nfeet: number, readonly minLoad_N = 0, readonly minAir_s = 0.02, readonly loadWindow_s = 0.03) {
    const lists = <T>(): T[][] => Array.from({ length: nfeet }, () => [])
    this.est = lists<number>()
    this.onsets = lists<number>()
    this.loaded = lists<boolean>()
    this.rises = lists<number>()
    this.estOn = new Array<boolean>(nfeet).fill(true)
    this.trueOn = new Array<boolean>(nfeet).fill(true)
    this.loadOn = new Array<boolean>(nfeet).fill(true)
    this.estOff = new Array<number>(nfeet).fill(NaN)
    this.trueOff = new Array<number>(nfeet).fill(NaN)
    this.loadOff = new Array<number>(nfeet).fill(NaN)
  }

  /**
   * Adds, at time t [s], the estimate's contact flags, the simulator's contact flags (nonzero = contact)
   * and the simulator's normal force per foot [N].
   */
  add (t: number, estContact: ArrayLike<number>, trueContact: ArrayLike<number>, trueNormal_N: ArrayLike<number>): void {
    const air = this.minAir_s - 1e-9
    for (let i = 0; i < this.nfeet; i++) {
      const e = estContact[i] !== 0
      if (this.estOn[i] && !e) this.estOff[i] = t
      if (!this.estOn[i] && e && t - this.estOff[i] >= air) this.est[i].push(t)
      this.estOn[i] = e
      const c = trueContact[i] !== 0
      if (this.trueOn[i] && !c) this.trueOff[i] = t
      if (!this.trueOn[i] && c && t - this.trueOff[i] >= air) { this.onsets[i].push(t); this.loaded[i].push(false) }
      this.trueOn[i] = c
      const L = this.loaded[i]
      const O = this.onsets[i]
      if (c && O.length > 0 && t - O[O.length - 1] <= this.loadWindow_s + 1e-9 && trueNormal_N[i] > this.minLoad_N) L[L.length - 1] = true
      const l = c && trueNormal_N[i] > this.minLoad_N
      if (this.loadOn[i] && !l) this.loadOff[i] = t
      if (!this.loadOn[i] && l && t - this.loadOff[i] >= air) this.rises[i].push(t)
      this.loadOn[i] = l
    }
  }

  summary (tol_s = 0.01): TouchdownSummary {
    let ne = 0; let nt = 0; let no = 0; let nr = 0; let matched = 0; let correct = 0; let sum = 0; let max = 0
    const falseEv: number[][] = []
    const missed: number[][] = []
    for (let i = 0; i < this.nfeet; i++) {
      const E = this.est[i]
      const T = this.onsets[i].filter((_, b) => this.loaded[i][b])
      const A = [...this.onsets[i], ...this.rises[i]]
      ne += E.length; nt += T.length; no += this.onsets[i].length; nr += this.rises[i].length
      const [, mT, s, m] = matchEvents(E, T, tol_s)
      matched += mT.size; sum += s; max = Math.max(max, m)
      const [cE] = matchEvents(E, A, tol_s)
      correct += cE.size
      falseEv.push(E.filter((_, a) => !cE.has(a)))
      missed.push(T.filter((_, b) => !mT.has(b)))
    }
    return {
      est_events: ne,
      true_events: nt,
      onsets: no,
      load_rises: nr,
      matched,
      correct,
      precision: ne === 0 ? 1 : correct / ne,
      recall: nt === 0 ? 1 : matched / nt,
      timing_err_mean_s: matched > 0 ? sum / matched : NaN,
      timing_err_max_s: max,
      false_events: falseEv,
      missed_events: missed
    }
  }
}
