// Validation of decoded policy messages (UDP or WebSocket, or the in-process ONNX runner) and their
// conversion into target records for the control worker. Nothing reaches the worker unchecked: every
// value must be finite and inside the configured ranges, sizes must match the robot, timestamps must
// be fresh. A refused message gets a reason and a message naming the field (and the point of a chunk).
// Defaults from the configuration fill the fields a message leaves out, so the worker always gets
// complete records.
import type { RuntimeConfig } from '../config/runtime-config.ts'
import type { ControlRobot } from '../runtime/control-step.ts'
import { EE_STRIDE, GAIT_NAMES, TargetKind, type TargetLayout } from '../runtime/frames.ts'
import type { SpscRing } from '../runtime/spsc-ring.ts'
import { EeBit, type EeMsg, type JointMsg, type PointMsg, type ReasonName, type TargetMessage, type TwistMsg } from './protocol.ts'

export type Verdict = { ok: true } | { ok: false, reason: ReasonName, message: string }

export interface ValidationContext {
  robot: ControlRobot
  /** End-effector frame names; an ee target's `frame` indexes this list. */
  eeFrames: readonly string[]
  policy: RuntimeConfig['policy']
  safety: RuntimeConfig['safety']
}

const fail = (reason: ReasonName, message: string): Verdict => ({ ok: false, reason, message })
const OK: Verdict = { ok: true }

function fmt (x: number): string { return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, '') }

function inRange (name: string, v: number, [lo, hi]: number[], unit: string): Verdict {
  if (!Number.isFinite(v)) return fail('not_finite', `${name} is ${v}`)
  if (v < lo || v > hi) return fail('out_of_range', `${name} = ${fmt(v)} ${unit} is outside [${fmt(lo)}, ${fmt(hi)}] ${unit}`)
  return OK
}

function checkTwist (m: TwistMsg, c: ValidationContext): Verdict {
  const L = c.policy.limits
  const fields = [['vx', 'm/s'], ['vy', 'm/s'], ['wz', 'rad/s'], ['height', 'm'], ['roll', 'rad'], ['pitch', 'rad'], ['step_hz', 'Hz']] as const
  const bits = { vx: 1, vy: 2, wz: 4, height: 8, roll: 16, pitch: 32, step_hz: 128 } as const
  for (const [f, unit] of fields) {
    if ((m.mask & bits[f]) === 0) continue
    const r = inRange(f, m[f], L[f], unit)
    if (!r.ok) return r
  }
  if ((m.mask & 64) !== 0 && !(Number.isInteger(m.gait) && m.gait >= 0 && m.gait < GAIT_NAMES.length)) {
    return fail('out_of_range', `gait ${m.gait} is not one of 0..${GAIT_NAMES.length - 1} (${GAIT_NAMES.join(', ')})`)
  }
  if ((m.mask & ~255) !== 0) return fail('malformed', `twist mask 0x${m.mask.toString(16)} has unknown bits`)
  return OK
}

function checkJoint (m: JointMsg, c: ValidationContext): Verdict {
  const r = c.robot
  const nj = r.jointNames.length
  if (m.n !== nj) return fail('wrong_size', `joint targets for ${m.n} joints; the robot has ${nj} (${r.jointNames.join(', ')})`)
  if (m.q === null) return fail('wrong_size', 'joint targets must carry q (mask bit 0)')
  const arrays = [['q', m.q], ['qd', m.qd], ['kp', m.kp], ['kd', m.kd], ['tau', m.tau]] as const
  for (const [name, a] of arrays) {
    if (a === null) continue
    if (a.length !== nj) return fail('wrong_size', `${name} has ${a.length} values; the robot has ${nj} joints`)
    for (let i = 0; i < nj; i++) if (!Number.isFinite(a[i])) return fail('not_finite', `${name}[${i}] (${r.jointNames[i]}) is ${a[i]}`)
  }
  for (let i = 0; i < nj; i++) {
    const j = r.jointNames[i]
    const chk = (name: string, v: number, lo: number, hi: number, unit: string): Verdict =>
      v < lo || v > hi ? fail('out_of_range', `${name}[${i}] (${j}) = ${fmt(v)} ${unit} is outside [${fmt(lo)}, ${fmt(hi)}] ${unit}`) : OK
    let v = chk('q', m.q[i], r.q_min[i], r.q_max[i], 'rad'); if (!v.ok) return v
    if (m.qd !== null) { v = chk('qd', m.qd[i], -Math.min(c.policy.limits.joint_qd, r.qd_max[i]), Math.min(c.policy.limits.joint_qd, r.qd_max[i]), 'rad/s'); if (!v.ok) return v }
    if (m.kp !== null) { v = chk('kp', m.kp[i], 0, c.safety.kp_max, 'N·m/rad'); if (!v.ok) return v }
    if (m.kd !== null) { v = chk('kd', m.kd[i], 0, c.safety.kd_max, 'N·m·s/rad'); if (!v.ok) return v }
    if (m.tau !== null) { v = chk('tau', m.tau[i], -r.tau_max[i], r.tau_max[i], 'N·m'); if (!v.ok) return v }
  }
  return OK
}

function checkEe (m: EeMsg, c: ValidationContext): Verdict {
  for (let k = 0; k < m.items.length; k++) {
    const it = m.items[k]
    const at = `target ${k}`
    if (it.frame >= c.eeFrames.length) return fail('out_of_range', `${at}: frame ${it.frame} is not one of 0..${c.eeFrames.length - 1} (${c.eeFrames.join(', ') || 'no end-effector frames'})`)
    if ((it.mask & (EeBit.pos | EeBit.quat)) !== (EeBit.pos | EeBit.quat)) return fail('wrong_size', `${at}: end-effector targets carry both position and orientation (mask 3)`)
    for (const v of [...it.pos, ...it.quat]) if (!Number.isFinite(v)) return fail('not_finite', `${at}: a position or quaternion value is ${v}`)
    const r = Math.hypot(...it.pos)
    if (r > c.policy.limits.ee_radius) return fail('out_of_range', `${at}: position ${fmt(r)} m from the base is beyond ${fmt(c.policy.limits.ee_radius)} m`)
    const n = Math.hypot(...it.quat)
    if (Math.abs(n - 1) > 1e-3) return fail('out_of_range', `${at}: quaternion norm ${fmt(n)} is not 1`)
  }
  return OK
}

function checkPoint (m: PointMsg, c: ValidationContext): Verdict {
  return m.kind === 'twist' ? checkTwist(m, c) : m.kind === 'joint' ? checkJoint(m, c) : checkEe(m, c)
}

/**
 * Checks a message's values and timestamp. `t` is the sender's stamp (controller time [s]) or null for
 * an unstamped message; `now` is the controller time [s] at arrival.
 */
export function validateMessage (msg: TargetMessage, t: number | null, now: number, c: ValidationContext): Verdict {
  if (msg.kind === 'subscribe') {
    return Number.isFinite(msg.rate_hz) && msg.rate_hz >= 0 && msg.rate_hz <= 1000 ? OK : fail('out_of_range', `subscribe rate ${msg.rate_hz} Hz is outside [0, 1000] Hz`)
  }
  if (t !== null) {
    if (!Number.isFinite(t)) return fail('not_finite', `timestamp is ${t}`)
    const age = now - t
    if (age > c.policy.max_age_ms / 1000) return fail('stale', `timestamp ${fmt(t)} s is ${fmt(age * 1000)} ms old (limit ${c.policy.max_age_ms} ms; stamp with the t of the state you acted on)`)
    if (-age > c.policy.future_tolerance_ms / 1000) return fail('stale', `timestamp ${fmt(t)} s is ${fmt(-age * 1000)} ms in the future (controller time is ${fmt(now)} s)`)
  }
  if (msg.kind !== 'chunk') return checkPoint(msg, c)
  const n = msg.points.length
  if (n < 1 || n > c.policy.max_chunk_points) return fail('out_of_range', `chunk of ${n} points; 1..${c.policy.max_chunk_points} accepted`)
  let prev = -Infinity
  for (let i = 0; i < n; i++) {
    const p = msg.points[i]
    if (!Number.isFinite(p.dt)) return fail('not_finite', `chunk point ${i}: dt is ${p.dt}`)
    if (p.dt < 0 || p.dt > 60) return fail('out_of_range', `chunk point ${i}: dt = ${fmt(p.dt)} s is outside [0, 60] s`)
    if (!(p.dt > prev)) return fail('out_of_range', `chunk point ${i}: dt = ${fmt(p.dt)} s does not increase (previous ${fmt(prev)} s)`)
    prev = p.dt
    const v = checkPoint(p.msg, c)
    if (!v.ok) return { ok: false, reason: v.reason, message: `chunk point ${i}: ${v.message}` }
  }
  return OK
}

/** Points a validated message turns into (its ring slots). */
export function pointCount (msg: TargetMessage): number {
  return msg.kind === 'chunk' ? msg.points.length : msg.kind === 'subscribe' ? 0 : 1
}

/**
 * Writes a validated message as target records into `ring` (all points or none). Single targets apply at
 * arrival (`now`); chunk points at stamp + dt (stamp = `t`, or `now` when unstamped). Returns false when
 * the ring has no room for all points. `observe` sees each record before it is published (recording).
 */
export function writeTargetRecords (msg: TargetMessage, t: number | null, now: number, seq: number, source: number, c: ValidationContext, layout: TargetLayout, ring: SpscRing, observe?: (rec: Float64Array) => void): boolean {
  const n = pointCount(msg)
  if (n === 0) return true
  if (ring.capacity - ring.size() < n) return false
  const stamp = t ?? now
  const points = msg.kind === 'chunk' ? msg.points : [{ dt: 0, msg: msg as PointMsg }]
  for (let i = 0; i < points.length; i++) {
    const slot = ring.claim()
    if (slot === null) return false
    const a = layout.at
    const p = points[i]
    slot.fill(0)
    slot[a.source] = source
    slot[a.seq] = seq
    slot[a.t_stamp] = stamp
    slot[a.t_exec] = msg.kind === 'chunk' ? stamp + p.dt : now
    slot[a.t_recv] = now
    slot[a.chunk_index] = i
    slot[a.chunk_len] = points.length
    fillPayload(p.msg, slot, layout, c)
    observe?.(slot)
    ring.commit()
  }
  return true
}

function fillPayload (m: PointMsg, slot: Float64Array, layout: TargetLayout, c: ValidationContext): void {
  const a = layout.at
  const o = a.payload
  const d = c.policy.defaults
  if (m.kind === 'twist') {
    slot[a.kind] = TargetKind.twist
    const has = (b: number): boolean => (m.mask & b) !== 0
    slot[o] = has(1) ? m.vx : 0
    slot[o + 1] = has(2) ? m.vy : 0
    slot[o + 2] = has(4) ? m.wz : 0
    slot[o + 3] = has(8) ? m.height : d.height
    slot[o + 4] = has(16) ? m.roll : 0
    slot[o + 5] = has(32) ? m.pitch : 0
    slot[o + 6] = has(64) ? m.gait : GAIT_NAMES.indexOf(d.gait)
    slot[o + 7] = has(128) ? m.step_hz : d.step_hz
  } else if (m.kind === 'joint') {
    slot[a.kind] = TargetKind.joint
    const nj = m.n
    for (let i = 0; i < nj; i++) {
      slot[o + i] = m.q![i]
      slot[o + nj + i] = m.qd !== null ? m.qd[i] : 0
      slot[o + 2 * nj + i] = m.kp !== null ? m.kp[i] : d.joint_kp
      slot[o + 3 * nj + i] = m.kd !== null ? m.kd[i] : d.joint_kd
      slot[o + 4 * nj + i] = m.tau !== null ? m.tau[i] : 0
    }
  } else {
    slot[a.kind] = TargetKind.ee
    slot[a.count] = m.items.length
    m.items.forEach((it, k) => {
      const b = o + k * EE_STRIDE
      slot[b] = it.frame
      for (let j = 0; j < 3; j++) slot[b + 1 + j] = it.pos[j]
      for (let j = 0; j < 4; j++) slot[b + 4 + j] = it.quat[j]
    })
  }
}
