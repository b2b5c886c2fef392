// The policy port's WebSocket protocol: one JSON object per text message, the same messages as the UDP
// protocol (host/policy/PROTOCOL.md, "WebSocket"). This module turns a JSON text into the decoded
// message the validator checks, or a refusal naming the field; and builds the JSON the port sends back.
import { GAIT_NAMES } from '../runtime/frames.ts'
import { EeBit, JointBit, MAX_EE_ITEMS, TwistBit, type DecodeResult, type EeItem, type Header, type PointMsg, type ReasonName, type StateFields } from './protocol.ts'

type Obj = Record<string, unknown>
type Part<T> = { ok: true, value: T } | { ok: false, reason: ReasonName, message: string }

const bad = (reason: ReasonName, message: string): { ok: false, reason: ReasonName, message: string } => ({ ok: false, reason, message })

function num (o: Obj, key: string, where: string): Part<number | undefined> {
  const v = o[key]
  if (v === undefined) return { ok: true, value: undefined }
  if (typeof v !== 'number') return bad('malformed', `${where}${key} must be a number, got ${v === null ? 'null' : typeof v}`)
  if (!Number.isFinite(v)) return bad('not_finite', `${where}${key} is ${v}`)
  return { ok: true, value: v }
}

function numArray (o: Obj, key: string, where: string): Part<Float64Array | null> {
  const v = o[key]
  if (v === undefined) return { ok: true, value: null }
  if (!Array.isArray(v)) return bad('malformed', `${where}${key} must be a list of numbers`)
  const a = new Float64Array(v.length)
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i]
    if (typeof x !== 'number') return bad('malformed', `${where}${key}[${i}] must be a number, got ${x === null ? 'null' : typeof x}`)
    a[i] = x
  }
  return { ok: true, value: a }
}

function decodeTwist (o: Obj, where: string): Part<PointMsg> {
  let mask = 0
  const vals: Record<string, number> = {}
  const keys = ['vx', 'vy', 'wz', 'height', 'roll', 'pitch', 'step_hz'] as const
  for (const k of keys) {
    const r = num(o, k, where)
    if (!r.ok) return r
    if (r.value !== undefined) { mask |= TwistBit[k]; vals[k] = r.value }
  }
  let gait = -1
  if (o.gait !== undefined) {
    if (typeof o.gait === 'string') {
      gait = (GAIT_NAMES as readonly string[]).indexOf(o.gait)
      if (gait < 0) return bad('out_of_range', `${where}gait '${o.gait}' is not one of ${GAIT_NAMES.join(', ')}`)
    } else if (typeof o.gait === 'number') gait = o.gait
    else return bad('malformed', `${where}gait must be a name or an index`)
    mask |= TwistBit.gait
  }
  return { ok: true, value: { kind: 'twist', mask, vx: vals.vx ?? NaN, vy: vals.vy ?? NaN, wz: vals.wz ?? NaN, height: vals.height ?? NaN, roll: vals.roll ?? NaN, pitch: vals.pitch ?? NaN, gait, step_hz: vals.step_hz ?? NaN } }
}

function decodeJoint (o: Obj, where: string): Part<PointMsg> {
  const arrays: Record<string, Float64Array | null> = {}
  let mask = 0
  for (const k of ['q', 'qd', 'kp', 'kd', 'tau'] as const) {
    const r = numArray(o, k, where)
    if (!r.ok) return r
    arrays[k] = r.value
    if (r.value !== null) mask |= JointBit[k]
  }
  const n = arrays.q?.length ?? 0
  return { ok: true, value: { kind: 'joint', n, mask, q: arrays.q, qd: arrays.qd, kp: arrays.kp, kd: arrays.kd, tau: arrays.tau } }
}

function decodeEe (o: Obj, where: string, eeFrames: readonly string[]): Part<PointMsg> {
  if (!Array.isArray(o.targets)) return bad('malformed', `${where}targets must be a list of {frame, pos, quat}`)
  if (o.targets.length < 1 || o.targets.length > MAX_EE_ITEMS) return bad('wrong_size', `${where}targets has ${o.targets.length} entries; 1..${MAX_EE_ITEMS} accepted`)
  const items: EeItem[] = []
  for (let k = 0; k < o.targets.length; k++) {
    const it = o.targets[k] as Obj
    const w = `${where}targets[${k}].`
    if (typeof it !== 'object' || it === null) return bad('malformed', `${w.slice(0, -1)} must be an object`)
    let frame: number
    if (typeof it.frame === 'string') {
      frame = eeFrames.indexOf(it.frame)
      if (frame < 0) return bad('out_of_range', `${w}frame '${it.frame}' is not one of ${eeFrames.join(', ') || '(no end-effector frames)'}`)
    } else if (typeof it.frame === 'number') frame = it.frame
    else return bad('malformed', `${w}frame must be a name or an index`)
    const pos = numArray(it, 'pos', w); if (!pos.ok) return pos
    const quat = numArray(it, 'quat', w); if (!quat.ok) return quat
    if (pos.value !== null && pos.value.length !== 3) return bad('wrong_size', `${w}pos has ${pos.value.length} values, needs 3`)
    if (quat.value !== null && quat.value.length !== 4) return bad('wrong_size', `${w}quat has ${quat.value.length} values, needs 4 (w, x, y, z)`)
    const p = pos.value ?? [0, 0, 0]; const q = quat.value ?? [1, 0, 0, 0]
    items.push({ frame, mask: (pos.value !== null ? EeBit.pos : 0) | (quat.value !== null ? EeBit.quat : 0), pos: [p[0], p[1], p[2]], quat: [q[0], q[1], q[2], q[3]] })
  }
  return { ok: true, value: { kind: 'ee', items } }
}

function decodePoint (kind: string, o: Obj, where: string, eeFrames: readonly string[]): Part<PointMsg> {
  if (kind === 'twist') return decodeTwist(o, where)
  if (kind === 'joint') return decodeJoint(o, where)
  if (kind === 'ee') return decodeEe(o, where, eeFrames)
  return bad('unknown_kind', `${where}unknown kind '${kind}' (twist, joint, ee, chunk, subscribe)`)
}

const KIND_CODES: Record<string, number> = { twist: 1, joint: 2, ee: 3, chunk: 4, subscribe: 5 }

/**
 * Decodes one WebSocket text message. `nextSeq` numbers messages that carry no `seq`. Timestamps: `t`
 * (controller time [s]) or absent for unstamped.
 */
export function decodeJson (text: string, nextSeq: number, eeFrames: readonly string[]): DecodeResult {
  let o: unknown
  try { o = JSON.parse(text) } catch (e) { return { ok: false, header: null, reason: 'malformed', message: `not JSON: ${(e as Error).message}` } }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, header: null, reason: 'malformed', message: 'a message is one JSON object' }
  const m = o as Obj
  const kind = typeof m.kind === 'string' ? m.kind : ''
  const seqV = m.seq
  const tV = m.t
  const header: Header = { kind: KIND_CODES[kind] ?? 0, flags: 0, seq: typeof seqV === 'number' ? seqV : nextSeq, t: null }
  if (seqV !== undefined && !(typeof seqV === 'number' && Number.isInteger(seqV) && seqV >= 0 && seqV <= 0xffffffff)) return { ok: false, header, reason: 'malformed', message: 'seq must be an integer in [0, 2³²)' }
  if (tV !== undefined && tV !== null) {
    if (typeof tV !== 'number') return { ok: false, header, reason: 'malformed', message: 't must be a number (controller time, s)' }
    header.t = tV
  }
  if (kind === 'subscribe') {
    const r = num(m, 'rate_hz', '')
    if (!r.ok) return { ok: false, header, reason: r.reason, message: r.message }
    return { ok: true, header, msg: { kind: 'subscribe', rate_hz: r.value ?? 0 } }
  }
  if (kind === 'chunk') {
    if (!Array.isArray(m.points)) return { ok: false, header, reason: 'malformed', message: 'chunk needs points: [{dt, kind, ...}, ...]' }
    const pts = m.points as unknown[]
    const innerKind = typeof (pts[0] as Obj | undefined)?.kind === 'string' ? (pts[0] as Obj).kind as string : 'twist'
    if (innerKind !== 'twist' && innerKind !== 'joint' && innerKind !== 'ee') return { ok: false, header, reason: 'unknown_kind', message: `chunk of kind '${innerKind}': chunks hold twist, joint or ee points` }
    const points: Array<{ dt: number, msg: PointMsg }> = []
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i] as Obj
      const where = `points[${i}].`
      if (typeof p !== 'object' || p === null) return { ok: false, header, reason: 'malformed', message: `points[${i}] must be an object` }
      const k: string = typeof p.kind === 'string' ? p.kind : innerKind
      if (k !== innerKind) return { ok: false, header, reason: 'malformed', message: `${where}kind '${k}' differs from the chunk's '${innerKind}'` }
      const dt = num(p, 'dt', where)
      if (!dt.ok) return { ok: false, header, reason: dt.reason, message: dt.message }
      if (dt.value === undefined) return { ok: false, header, reason: 'malformed', message: `${where}dt (s after t) is required` }
      const r = decodePoint(innerKind, p, where, eeFrames)
      if (!r.ok) return { ok: false, header, reason: r.reason, message: r.message }
      points.push({ dt: dt.value, msg: r.value })
    }
    return { ok: true, header, msg: { kind: 'chunk', inner: innerKind, points } }
  }
  const r = decodePoint(kind, m, '', eeFrames)
  if (!r.ok) return { ok: false, header, reason: r.reason, message: r.message }
  return { ok: true, header, msg: r.value }
}

/** The STATE message as JSON text. */
export function stateJson (t: number, seq: number, s: StateFields, modeName: string, faultNames: string[], jointNames: readonly string[]): string {
  const arr = (a: ArrayLike<number>): Array<number | null> => Array.from(a, (x) => Number.isFinite(x) ? x : null)
  return JSON.stringify({
    kind: 'state', t, seq, mode: modeName, faults: faultNames, est_source: s.est_source === 1 ? 'ground_truth' : 'imu',
    last_target_seq: s.last_target_seq, rejected: s.rejected,
    p_base_world: arr(s.p_base_world), quat_base_world: arr(s.quat_base_world), v_base_body: arr(s.v_base_body),
    omega_base_body: arr(s.omega_base_body), projected_gravity: arr(s.projected_gravity), twist: arr(s.twist),
    joint_names: jointNames, q: arr(s.q), qd: arr(s.qd), tau: arr(s.tau), contact: arr(s.contact)
  })
}

export function rejectJson (seq: number, kind: string, reason: ReasonName, message: string): string {
  return JSON.stringify({ kind: 'reject', seq, rejected_kind: kind, reason, message })
}
