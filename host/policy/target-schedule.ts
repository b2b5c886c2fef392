// Turns target points arriving at any rate (1–200 Hz, single targets or timestamped action chunks) into
// a target for every 500 Hz tick. Runs inside the control worker; allocates only in the constructor.
//
// Each kind (twist, joint, end-effector) has a queue of points ordered by execution time t_exec.
// - A new message supersedes what is queued: its first point drops every queued point at or after its
//   own t_exec. A single target applies at once (t_exec = arrival time); a chunk's points apply at the
//   sender's stamp + their offsets.
// - At time t the points with t_exec ≤ t are consumed; the last one consumed is `prev`. Between `prev`
//   and the next queued point the target is interpolated linearly (quaternions: normalized lerp; the
//   gait and end-effector frame indices are held from `prev`). With nothing queued, `prev` is held.
// - A chunk whose first point lies in the future is approached from the value held when it arrived.
// - Twists then pass slew limits (acceleration for vx, vy, wz; rates for height, roll, pitch). Joint
//   targets are slew-limited later, on the command, by the safety limits.
// - Silence: when no message has arrived and no queued point has been due for `timeout_s`, the policy
//   is declared silent: queues are cleared, twist targets return to zero velocity (through the slew
//   limits), joint and end-effector targets are released, and `timedOut` is set until the next message.
import { EE_STRIDE, MAX_EE, TargetKind, TWIST_LEN, type TargetLayout } from '../runtime/frames.ts'
import type { ActiveTargets } from '../runtime/control-step.ts'

export interface ScheduleParams {
  /** Tick length [s]. */
  dt: number
  /** Gains held with joint targets before the first ones arrive (the defaults of policy.defaults). */
  jointKp: number
  jointKd: number
  /** Silence timeout [s]. */
  timeout_s: number
  /** Largest number of points queued per kind (≥ the largest chunk). */
  maxPoints: number
  slew: { lin_accel: number, yaw_accel: number, height_rate: number, angle_rate: number }
  /** Twist when no policy is active: vx vy wz height roll pitch gait step_hz. */
  neutralTwist: number[]
}

/** A time-ordered queue of fixed-width points on preallocated storage (ring indices). */
class PointQueue {
  readonly t: Float64Array
  readonly v: Float64Array
  head = 0
  count = 0
  /** The last consumed point. */
  readonly prev: Float64Array
  prevT = -Infinity
  hasPrev = false

  /** @param io io[0] = now, io[1] = the execution time of the point being pushed [s] */
  constructor (readonly capacity: number, readonly width: number, private readonly io: Float64Array) {
    this.t = new Float64Array(capacity)
    this.v = new Float64Array(capacity * width)
    this.prev = new Float64Array(width)
  }

  clear (): void { this.head = 0; this.count = 0 }

  /** Drops queued points with t ≥ io[1] (from the back: the queue is sorted). */
  truncateFrom (): void {
    const tCut = this.io[1]
    while (this.count > 0 && this.t[(this.head + this.count - 1) % this.capacity] >= tCut) this.count--
  }

  lastT (): number {
    return this.count > 0 ? this.t[(this.head + this.count - 1) % this.capacity] : -Infinity
  }

  /** Appends a point at time io[1] (values from src[off..off+width)); drops the oldest when full. */
  append (src: Float64Array, off: number): void {
    const tExec = this.io[1]
    if (this.count === this.capacity) { this.head = (this.head + 1) % this.capacity; this.count-- }
    const slot = (this.head + this.count) % this.capacity
    this.t[slot] = tExec
    const w = this.width
    for (let k = 0; k < w; k++) this.v[slot * w + k] = src[off + k]
    this.count++
  }

  /** Consumes every point due at io[0] into `prev`. */
  advance (): void {
    const t = this.io[0]
    const w = this.width
    while (this.count > 0 && this.t[this.head] <= t) {
      const base = this.head * w
      for (let k = 0; k < w; k++) this.prev[k] = this.v[base + k]
      this.prevT = this.t[this.head]
      this.hasPrev = true
      this.head = (this.head + 1) % this.capacity
      this.count--
    }
  }

  /** Storage offset of the next queued point; -1 when none. */
  nextOffset (): number {
    return this.count > 0 ? this.head * this.width : -1
  }

  nextT (): number {
    return this.count > 0 ? this.t[this.head] : Infinity
  }
}

export class TargetSchedule {
  /** The targets for this tick (views handed to the control step). */
  readonly active: ActiveTargets
  /** True from a silence timeout until the next message. */
  timedOut = false
  /** Number of silence timeouts so far. */
  timeouts = 0
  /** Kind of the newest accepted message (0 before any). */
  lastKind = 0
  /** Arrival time of the newest message [s], -Infinity before any. */
  lastRecv = -Infinity
  /** Sender seq of the newest message. */
  lastSeq = -1

  private readonly nj: number
  private readonly twistQ: PointQueue
  private readonly jointQ: PointQueue
  private readonly eeQ: PointQueue
  private readonly twistRaw = new Float64Array(TWIST_LEN)
  private readonly jointRaw: Float64Array
  private readonly neutral: Float64Array
  private policyActive = false
  private readonly payloadAt: number
  private readonly at: TargetLayout['at']
  /** io[0]: controller time now [s] (written by the loop); io[1]: scratch for point times. */
  private readonly io: Float64Array

  /**
   * @param now controller time [s] in now[0], written by the loop before `push` and `update` (times are
   *   handed over in a Float64Array so that no number is boxed on the hot path)
   */
  constructor (layout: TargetLayout, nj: number, readonly p: ScheduleParams, now: Float64Array) {
    if (now.length < 2) throw new RangeError('the schedule\'s time array needs 2 slots (now, point time)')
    this.nj = nj
    this.at = layout.at
    this.payloadAt = layout.at.payload
    const cap = p.maxPoints + 2
    this.io = now
    this.twistQ = new PointQueue(cap, TWIST_LEN, now)
    this.jointQ = new PointQueue(cap, 5 * nj, now)
    this.eeQ = new PointQueue(cap, 1 + MAX_EE * EE_STRIDE, now)
    this.jointRaw = new Float64Array(5 * nj)
    this.neutral = Float64Array.from(p.neutralTwist)
    const joint = this.jointRaw
    this.active = {
      twist: new Float64Array(TWIST_LEN),
      twistActive: false,
      q: joint.subarray(0, nj),
      qd: joint.subarray(nj, 2 * nj),
      kp: joint.subarray(2 * nj, 3 * nj),
      kd: joint.subarray(3 * nj, 4 * nj),
      tau: joint.subarray(4 * nj, 5 * nj),
      jointActive: false,
      eeCount: 0,
      ee: new Float64Array(MAX_EE * EE_STRIDE)
    }
    this.active.twist.set(this.neutral)
    this.twistRaw.set(this.neutral)
  }

  /**
   * Takes one validated target record (target layout) at time now[0] [s]. Returns false for a record
   * the schedule cannot use (unknown kind), which the caller counts.
   */
  push (rec: Float64Array): boolean {
    const now = this.io[0]
    const a = this.at
    const kind = rec[a.kind]
    this.io[1] = rec[a.t_exec]
    const tExec = this.io[1]
    const first = rec[a.chunk_index] === 0
    const pay = this.payloadAt
    let q: PointQueue
    let current: Float64Array
    if (kind === TargetKind.twist) { q = this.twistQ; current = this.twistRaw } else if (kind === TargetKind.joint) { q = this.jointQ; current = this.jointRaw } else if (kind === TargetKind.ee) { q = this.eeQ; current = this.eeRaw() } else return false
    if (first) {
      q.truncateFrom()
      // A fresh plan that starts in the future is approached from what is held now.
      if (tExec > now && q.count === 0) {
        q.prev.set(current)
        q.prevT = now
        q.hasPrev = true
      }
    }
    if (kind === TargetKind.ee) {
      // Stored as [count, entries...].
      this.eeScratch[0] = rec[a.count]
      for (let k = 0; k < MAX_EE * EE_STRIDE; k++) this.eeScratch[1 + k] = rec[pay + k]
      q.append(this.eeScratch, 0)
    } else {
      q.append(rec, pay)
    }
    this.lastKind = kind
    this.lastRecv = rec[a.t_recv]
    this.lastSeq = rec[a.seq]
    if (this.timedOut) this.timedOut = false
    this.policyActive = true
    return true
  }

  private readonly eeScratch = new Float64Array(1 + MAX_EE * EE_STRIDE)
  private readonly eeHeld = new Float64Array(1 + MAX_EE * EE_STRIDE)
  private eeRaw (): Float64Array { return this.eeHeld }

  /** Sets the joint targets' held values to pose q with the default gains (before the first joint target). */
  holdJoints (q: Float64Array): void {
    const nj = this.nj
    const kp = this.p.jointKp
    const kd = this.p.jointKd
    for (let i = 0; i < nj; i++) {
      this.jointRaw[i] = q[i]
      this.jointRaw[nj + i] = 0
      this.jointRaw[2 * nj + i] = kp
      this.jointRaw[3 * nj + i] = kd
      this.jointRaw[4 * nj + i] = 0
    }
  }

  /** Advances to controller time now[0] [s]: interpolation, slew limits, silence. */
  update (): void {
    const t = this.io[0]
    const act = this.active
    if (this.policyActive) {
      // Silent = no message for timeout_s after the newest arrival and the latest point (queued or passed).
      const due = Math.max(this.lastRecv, this.twistQ.lastT(), this.jointQ.lastT(), this.eeQ.lastT(), this.twistQ.prevT, this.jointQ.prevT, this.eeQ.prevT)
      if (t - due > this.p.timeout_s) {
        this.policyActive = false
        this.timedOut = true
        this.timeouts++
        this.twistQ.clear(); this.jointQ.clear(); this.eeQ.clear()
        this.twistQ.hasPrev = false; this.jointQ.hasPrev = false; this.eeQ.hasPrev = false
        this.twistRaw.set(this.neutral)
        this.eeHeld[0] = 0
      }
    }
    if (this.policyActive) {
      this.interpolate(this.twistQ, this.twistRaw, TWIST_LEN, 6)
      this.interpolate(this.jointQ, this.jointRaw, 5 * this.nj, -1)
      this.interpolateEe()
    }
    // The newest kind is active; another kind stays active while its own points are live (within
    // timeout_s), so a policy may send a twist and joint targets together: the controller then runs the
    // WBC on the twist with the joint targets as its posture task (controller-core.ts chooseMode).
    act.twistActive = this.policyActive && (this.lastKind === TargetKind.twist || this.live(this.twistQ, t))
    act.jointActive = this.policyActive && this.jointQ.hasPrev && (this.lastKind === TargetKind.joint || this.live(this.jointQ, t))
    act.eeCount = this.policyActive ? this.eeHeld[0] : 0
    for (let k = 0; k < MAX_EE * EE_STRIDE; k++) act.ee[k] = this.eeHeld[1 + k]
    this.slewTwist()
  }

  /** Whether a kind's own points are recent: the newest within timeout_s of controller time t. */
  private live (q: PointQueue, t: number): boolean {
    return q.hasPrev && t - Math.max(q.lastT(), q.prevT) <= this.p.timeout_s
  }

  /** Linear interpolation prev → next into `out` (width values); element `holdIndex` is held from prev. */
  private interpolate (q: PointQueue, out: Float64Array, width: number, holdIndex: number): void {
    const t = this.io[0]
    q.advance()
    if (!q.hasPrev) return
    const off = q.nextOffset()
    if (off < 0 || !(q.nextT() > q.prevT)) {
      for (let k = 0; k < width; k++) out[k] = q.prev[k]
      return
    }
    const alpha = (t - q.prevT) / (q.nextT() - q.prevT)
    const v = q.v
    for (let k = 0; k < width; k++) out[k] = k === holdIndex ? q.prev[k] : q.prev[k] + alpha * (v[off + k] - q.prev[k])
  }

  private interpolateEe (): void {
    const t = this.io[0]
    const q = this.eeQ
    q.advance()
    if (!q.hasPrev) return
    const out = this.eeHeld
    const w = q.width
    for (let k = 0; k < w; k++) out[k] = q.prev[k]
    const off = q.nextOffset()
    if (off < 0 || !(q.nextT() > q.prevT) || q.v[off] !== q.prev[0]) return
    const alpha = (t - q.prevT) / (q.nextT() - q.prevT)
    const n = q.prev[0]
    for (let e = 0; e < n; e++) {
      const b = 1 + e * EE_STRIDE
      if (q.v[off + b] !== q.prev[b]) continue // a different frame: hold
      for (let k = 1; k < EE_STRIDE; k++) out[b + k] = q.prev[b + k] + alpha * (q.v[off + b + k] - q.prev[b + k])
      // nlerp: renormalize the quaternion (the sender's quaternions are unit and sign-aligned by the port).
      const qw = out[b + 4], qx = out[b + 5], qy = out[b + 6], qz = out[b + 7]
      const norm = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz)
      if (norm > 0) { out[b + 4] = qw / norm; out[b + 5] = qx / norm; out[b + 6] = qy / norm; out[b + 7] = qz / norm }
    }
  }

  private slewTwist (): void {
    const s = this.p.slew
    const dt = this.p.dt
    const out = this.active.twist
    const raw = this.twistRaw
    for (let k = 0; k < 6; k++) {
      const m = (k < 2 ? s.lin_accel : k === 2 ? s.yaw_accel : k === 3 ? s.height_rate : s.angle_rate) * dt
      const d = raw[k] - out[k]
      out[k] = d > m ? out[k] + m : d < -m ? out[k] - m : raw[k]
    }
    out[6] = raw[6]
    out[7] = raw[7]
  }
}
