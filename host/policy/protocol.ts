// The policy port's binary UDP protocol, version 1 (layout and semantics: host/policy/PROTOCOL.md).
// Pure packing and unpacking: no I/O, no timers. All numbers little-endian.
//
//   header (24 B): magic "CRBL" | u8 version | u8 kind | u16 flags | u32 seq | u32 payload_len | f64 t
//   payload (payload_len B), then a 16-byte HMAC-SHA256 trailer when flags bit 0 is set.
//
// Decoding checks structure only (magic, lengths, kinds, counts); values are checked by validate.ts.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const MAGIC = [0x43, 0x52, 0x42, 0x4c] as const // "CRBL"
export const VERSION = 1
export const HEADER_BYTES = 24
export const HMAC_BYTES = 16

export const Kind = {
  twist: 1, joint: 2, ee: 3, chunk: 4, subscribe: 5,
  state: 64, reject: 65, info: 66
} as const
export type KindName = keyof typeof Kind

export const Flag = {
  /** A 16-byte HMAC-SHA256 (key: the shared token) of header + payload follows the payload. */
  hmac: 1 << 0,
  /** `t` is not set: the controller stamps the message on arrival. */
  unstamped: 1 << 1
} as const

/** Why a message was refused (REJECT `reason`). */
export const Reason = {
  malformed: 1, version: 2, unknown_kind: 3, wrong_size: 4, not_finite: 5, out_of_range: 6,
  stale: 7, flood: 8, bad_token: 9, out_of_order: 10
} as const
export type ReasonName = keyof typeof Reason
export const REASON_NAMES = Object.fromEntries(Object.entries(Reason).map(([k, v]) => [v, k])) as Record<number, ReasonName>

/** Twist mask bits (TWIST payload), in payload order. */
export const TwistBit = { vx: 1, vy: 2, wz: 4, height: 8, roll: 16, pitch: 32, gait: 64, step_hz: 128 } as const
/** Joint-target mask bits (JOINT payload): which arrays follow, in this order. */
export const JointBit = { q: 1, qd: 2, kp: 4, kd: 8, tau: 16 } as const
/** End-effector mask bits. */
export const EeBit = { pos: 1, quat: 2 } as const

export const TWIST_PAYLOAD_BYTES = 32
export const EE_ITEM_BYTES = 32
export const MAX_EE_ITEMS = 4

// --- decoded messages

export interface Header { kind: number, flags: number, seq: number, t: number | null }

/** vx vy wz height roll pitch step_hz (NaN where the mask bit is clear), gait index (-1 if absent). */
export interface TwistMsg { kind: 'twist', mask: number, vx: number, vy: number, wz: number, height: number, roll: number, pitch: number, gait: number, step_hz: number }
/** n joints; arrays present per mask (null otherwise). */
export interface JointMsg { kind: 'joint', n: number, mask: number, q: Float64Array | null, qd: Float64Array | null, kp: Float64Array | null, kd: Float64Array | null, tau: Float64Array | null }
export interface EeItem { frame: number, mask: number, pos: [number, number, number], quat: [number, number, number, number] }
export interface EeMsg { kind: 'ee', items: EeItem[] }
export type PointMsg = TwistMsg | JointMsg | EeMsg
export interface ChunkMsg { kind: 'chunk', inner: 'twist' | 'joint' | 'ee', points: Array<{ dt: number, msg: PointMsg }> }
export interface SubscribeMsg { kind: 'subscribe', rate_hz: number }
export type TargetMessage = PointMsg | ChunkMsg | SubscribeMsg

export type DecodeResult =
  | { ok: true, header: Header, msg: TargetMessage }
  | { ok: false, header: Header | null, reason: ReasonName, message: string }

// --- helpers

function popcount (x: number): number {
  let n = 0
  for (let v = x; v !== 0; v &= v - 1) n++
  return n
}

/** HMAC-SHA256(token, bytes) truncated to 16 bytes. */
export function hmac16 (token: string, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', token).update(bytes).digest().subarray(0, HMAC_BYTES))
}

/** Reads the header; null when the buffer is too short or the magic is wrong. */
export function readHeader (buf: Uint8Array): Header | null {
  if (buf.length < HEADER_BYTES) return null
  for (let i = 0; i < 4; i++) if (buf[i] !== MAGIC[i]) return null
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const flags = dv.getUint16(6, true)
  return { kind: buf[5], flags, seq: dv.getUint32(8, true), t: (flags & Flag.unstamped) !== 0 ? null : dv.getFloat64(16, true) }
}

/**
 * Checks the HMAC trailer against `token`. Returns null when acceptable, else the reason text.
 * With an empty token (loopback without a secret) packets need no trailer.
 */
export function checkToken (buf: Uint8Array, token: string): string | null {
  if (token === '') return null
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const flags = dv.getUint16(6, true)
  if ((flags & Flag.hmac) === 0) return 'the port requires a token: packets must carry the HMAC trailer (flags bit 0)'
  const len = dv.getUint32(12, true)
  const end = HEADER_BYTES + len
  if (buf.length !== end + HMAC_BYTES) return `packet is ${buf.length} bytes; header + payload + HMAC is ${end + HMAC_BYTES}`
  const want = hmac16(token, buf.subarray(0, end))
  return timingSafeEqual(want, buf.subarray(end, end + HMAC_BYTES)) ? null : 'HMAC does not match the shared token'
}

// --- decoding

class Cursor {
  off: number
  constructor (readonly dv: DataView, off: number, readonly end: number) { this.off = off }
  need (n: number): boolean { return this.off + n <= this.end }
  u8 (): number { return this.dv.getUint8(this.off++) }
  u16 (): number { const v = this.dv.getUint16(this.off, true); this.off += 2; return v }
  f32 (): number { const v = this.dv.getFloat32(this.off, true); this.off += 4; return v }
}

type Part<T> = { ok: true, value: T } | { ok: false, message: string }

function decodeTwist (c: Cursor): Part<TwistMsg> {
  if (!c.need(TWIST_PAYLOAD_BYTES)) return { ok: false, message: `twist payload needs ${TWIST_PAYLOAD_BYTES} bytes, ${c.end - c.off} left` }
  const mask = c.u16()
  const gait = c.u8()
  c.u8()
  const v = [c.f32(), c.f32(), c.f32(), c.f32(), c.f32(), c.f32(), c.f32()]
  const bit = (b: number, x: number): number => (mask & b) !== 0 ? x : NaN
  return {
    ok: true,
    value: { kind: 'twist', mask, vx: bit(TwistBit.vx, v[0]), vy: bit(TwistBit.vy, v[1]), wz: bit(TwistBit.wz, v[2]), height: bit(TwistBit.height, v[3]), roll: bit(TwistBit.roll, v[4]), pitch: bit(TwistBit.pitch, v[5]), gait: (mask & TwistBit.gait) !== 0 ? gait : -1, step_hz: bit(TwistBit.step_hz, v[6]) }
  }
}

function decodeJoint (c: Cursor): Part<JointMsg> {
  if (!c.need(4)) return { ok: false, message: 'joint payload shorter than its 4-byte header' }
  const n = c.u16()
  const mask = c.u16()
  if ((mask & ~31) !== 0) return { ok: false, message: `joint mask 0x${mask.toString(16)} has bits beyond q, qd, kp, kd, tau` }
  const bytes = popcount(mask) * n * 4
  if (!c.need(bytes)) return { ok: false, message: `joint payload for ${n} joints and mask 0x${mask.toString(16)} needs ${4 + bytes} bytes, has ${c.end - c.off + 4}` }
  const arr = (b: number): Float64Array | null => {
    if ((mask & b) === 0) return null
    const a = new Float64Array(n)
    for (let i = 0; i < n; i++) a[i] = c.f32()
    return a
  }
  const q = arr(JointBit.q); const qd = arr(JointBit.qd); const kp = arr(JointBit.kp); const kd = arr(JointBit.kd); const tau = arr(JointBit.tau)
  return { ok: true, value: { kind: 'joint', n, mask, q, qd, kp, kd, tau } }
}

function decodeEe (c: Cursor): Part<EeMsg> {
  if (!c.need(4)) return { ok: false, message: 'end-effector payload shorter than its 4-byte header' }
  const count = c.u16()
  c.u16()
  if (count < 1 || count > MAX_EE_ITEMS) return { ok: false, message: `end-effector count ${count} outside [1, ${MAX_EE_ITEMS}]` }
  if (!c.need(count * EE_ITEM_BYTES)) return { ok: false, message: `${count} end-effector targets need ${4 + count * EE_ITEM_BYTES} bytes, have ${c.end - c.off + 4}` }
  const items: EeItem[] = []
  for (let k = 0; k < count; k++) {
    const frame = c.u16(); const mask = c.u16()
    items.push({ frame, mask, pos: [c.f32(), c.f32(), c.f32()], quat: [c.f32(), c.f32(), c.f32(), c.f32()] })
  }
  return { ok: true, value: { kind: 'ee', items } }
}

function decodePoint (kind: number, c: Cursor): Part<PointMsg> {
  if (kind === Kind.twist) return decodeTwist(c)
  if (kind === Kind.joint) return decodeJoint(c)
  return decodeEe(c)
}

/** Decodes one packet (after the token check). Structure only; see validate.ts for values. */
export function decodePacket (buf: Uint8Array): DecodeResult {
  const header = readHeader(buf)
  if (header === null) return { ok: false, header: null, reason: 'malformed', message: buf.length < HEADER_BYTES ? `packet of ${buf.length} bytes is shorter than the ${HEADER_BYTES}-byte header` : 'bad magic: packets start with "CRBL"' }
  if (buf[4] !== VERSION) return { ok: false, header, reason: 'version', message: `protocol version ${buf[4]}; this controller speaks ${VERSION}` }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const len = dv.getUint32(12, true)
  const trailer = (header.flags & Flag.hmac) !== 0 ? HMAC_BYTES : 0
  if (buf.length !== HEADER_BYTES + len + trailer) return { ok: false, header, reason: 'wrong_size', message: `packet is ${buf.length} bytes; header says ${HEADER_BYTES} + ${len} payload${trailer > 0 ? ` + ${trailer} HMAC` : ''}` }
  const c = new Cursor(dv, HEADER_BYTES, HEADER_BYTES + len)
  const k = header.kind
  let msg: TargetMessage
  if (k === Kind.twist || k === Kind.joint || k === Kind.ee) {
    const r = decodePoint(k, c)
    if (!r.ok) return { ok: false, header, reason: 'wrong_size', message: r.message }
    msg = r.value
  } else if (k === Kind.chunk) {
    if (!c.need(4)) return { ok: false, header, reason: 'wrong_size', message: 'chunk payload shorter than its 4-byte header' }
    const inner = c.u8()
    c.u8()
    const count = c.u16()
    if (inner !== Kind.twist && inner !== Kind.joint && inner !== Kind.ee) return { ok: false, header, reason: 'unknown_kind', message: `chunk of kind ${inner}: chunks hold twist (1), joint (2) or ee (3) points` }
    const points: Array<{ dt: number, msg: PointMsg }> = []
    for (let i = 0; i < count; i++) {
      if (!c.need(4)) return { ok: false, header, reason: 'wrong_size', message: `chunk point ${i} of ${count}: payload ends early` }
      const dt = c.f32()
      const r = decodePoint(inner, c)
      if (!r.ok) return { ok: false, header, reason: 'wrong_size', message: `chunk point ${i}: ${r.message}` }
      points.push({ dt, msg: r.value })
    }
    msg = { kind: 'chunk', inner: inner === Kind.twist ? 'twist' : inner === Kind.joint ? 'joint' : 'ee', points }
  } else if (k === Kind.subscribe) {
    if (!c.need(4)) return { ok: false, header, reason: 'wrong_size', message: 'subscribe payload is one f32 rate' }
    msg = { kind: 'subscribe', rate_hz: c.f32() }
  } else {
    return { ok: false, header, reason: 'unknown_kind', message: `unknown message kind ${k} (policies send twist 1, joint 2, ee 3, chunk 4, subscribe 5)` }
  }
  if (c.off !== c.end) return { ok: false, header, reason: 'wrong_size', message: `${c.end - c.off} bytes left over after the ${k === Kind.chunk ? 'chunk' : 'payload'}` }
  return { ok: true, header, msg }
}

// --- encoding (clients, tests, and the controller's own STATE/REJECT/INFO)

class Writer {
  private buf = new Uint8Array(256)
  private dv = new DataView(this.buf.buffer)
  off = 0
  private grow (n: number): void {
    if (this.off + n <= this.buf.length) return
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.off + n))
    b.set(this.buf)
    this.buf = b
    this.dv = new DataView(b.buffer)
  }
  u8 (v: number): void { this.grow(1); this.dv.setUint8(this.off, v); this.off += 1 }
  u16 (v: number): void { this.grow(2); this.dv.setUint16(this.off, v, true); this.off += 2 }
  u32 (v: number): void { this.grow(4); this.dv.setUint32(this.off, v >>> 0, true); this.off += 4 }
  i8 (v: number): void { this.grow(1); this.dv.setInt8(this.off, v); this.off += 1 }
  f32 (v: number): void { this.grow(4); this.dv.setFloat32(this.off, v, true); this.off += 4 }
  f64 (v: number): void { this.grow(8); this.dv.setFloat64(this.off, v, true); this.off += 8 }
  bytes (b: Uint8Array): void { this.grow(b.length); this.buf.set(b, this.off); this.off += b.length }
  result (): Uint8Array { return this.buf.slice(0, this.off) }
}

export interface PackOptions { seq: number, t?: number | null, token?: string }

function frame (kind: number, payload: Uint8Array, o: PackOptions): Uint8Array {
  const w = new Writer()
  for (const m of MAGIC) w.u8(m)
  w.u8(VERSION)
  w.u8(kind)
  const token = o.token ?? ''
  w.u16((token !== '' ? Flag.hmac : 0) | (o.t === undefined || o.t === null ? Flag.unstamped : 0))
  w.u32(o.seq)
  w.u32(payload.length)
  w.f64(o.t ?? 0)
  w.bytes(payload)
  const body = w.result()
  if (token === '') return body
  const out = new Uint8Array(body.length + HMAC_BYTES)
  out.set(body)
  out.set(hmac16(token, body), body.length)
  return out
}

export interface TwistFields { vx?: number, vy?: number, wz?: number, height?: number, roll?: number, pitch?: number, gait?: number, step_hz?: number }
export interface JointFields { q: ArrayLike<number>, qd?: ArrayLike<number>, kp?: ArrayLike<number>, kd?: ArrayLike<number>, tau?: ArrayLike<number> }
export interface EeFields { frame: number, pos?: ArrayLike<number>, quat?: ArrayLike<number> }

function writeTwist (w: Writer, f: TwistFields): void {
  let mask = 0
  const keys = ['vx', 'vy', 'wz', 'height', 'roll', 'pitch', 'gait', 'step_hz'] as const
  keys.forEach((k, i) => { if (f[k] !== undefined) mask |= 1 << i })
  w.u16(mask)
  w.u8(f.gait ?? 0)
  w.u8(0)
  for (const k of ['vx', 'vy', 'wz', 'height', 'roll', 'pitch', 'step_hz'] as const) w.f32(f[k] ?? 0)
}

function writeJoint (w: Writer, f: JointFields): void {
  const n = f.q.length
  let mask = 0
  const arrays = [f.q, f.qd, f.kp, f.kd, f.tau]
  arrays.forEach((a, i) => { if (a !== undefined) mask |= 1 << i })
  w.u16(n)
  w.u16(mask)
  for (const a of arrays) if (a !== undefined) for (let i = 0; i < a.length; i++) w.f32(a[i])
}

function writeEe (w: Writer, items: EeFields[]): void {
  w.u16(items.length)
  w.u16(0)
  for (const it of items) {
    w.u16(it.frame)
    w.u16((it.pos !== undefined ? EeBit.pos : 0) | (it.quat !== undefined ? EeBit.quat : 0))
    for (let k = 0; k < 3; k++) w.f32(it.pos?.[k] ?? 0)
    const q = it.quat ?? [1, 0, 0, 0]
    for (let k = 0; k < 4; k++) w.f32(q[k])
  }
}

export function packTwist (f: TwistFields, o: PackOptions): Uint8Array {
  const w = new Writer(); writeTwist(w, f); return frame(Kind.twist, w.result(), o)
}
export function packJoint (f: JointFields, o: PackOptions): Uint8Array {
  const w = new Writer(); writeJoint(w, f); return frame(Kind.joint, w.result(), o)
}
export function packEe (items: EeFields[], o: PackOptions): Uint8Array {
  const w = new Writer(); writeEe(w, items); return frame(Kind.ee, w.result(), o)
}
export type ChunkPoint = { dt: number, twist: TwistFields } | { dt: number, joint: JointFields } | { dt: number, ee: EeFields[] }
export function packChunk (points: ChunkPoint[], o: PackOptions): Uint8Array {
  const w = new Writer()
  const first = points[0]
  const inner = first === undefined || 'twist' in first ? Kind.twist : 'joint' in first ? Kind.joint : Kind.ee
  w.u8(inner); w.u8(0); w.u16(points.length)
  for (const p of points) {
    w.f32(p.dt)
    if ('twist' in p) writeTwist(w, p.twist)
    else if ('joint' in p) writeJoint(w, p.joint)
    else writeEe(w, p.ee)
  }
  return frame(Kind.chunk, w.result(), o)
}
export function packSubscribe (rate_hz: number, o: PackOptions): Uint8Array {
  const w = new Writer(); w.f32(rate_hz); return frame(Kind.subscribe, w.result(), o)
}

/** Builds a raw packet with any kind and payload (tests of malformed input). */
export function packRaw (kind: number, payload: Uint8Array, o: PackOptions): Uint8Array {
  return frame(kind, payload, o)
}

// --- controller → client

/** The observation a policy gets (STATE). Lengths: nj for joints, nfeet for contact. */
export interface StateFields {
  mode: number
  est_source: number
  faults: number
  last_target_seq: number
  rejected: number
  p_base_world: ArrayLike<number>
  quat_base_world: ArrayLike<number>
  v_base_body: ArrayLike<number>
  omega_base_body: ArrayLike<number>
  projected_gravity: ArrayLike<number>
  twist: ArrayLike<number>
  q: ArrayLike<number>
  qd: ArrayLike<number>
  tau: ArrayLike<number>
  contact: ArrayLike<number>
}

export function packState (s: StateFields, o: PackOptions): Uint8Array {
  const w = new Writer()
  const nj = s.q.length; const nf = s.contact.length
  w.u8(s.mode); w.u8(s.est_source); w.u16(nj); w.u16(nf); w.u16(0)
  w.u32(s.faults); w.u32(s.last_target_seq < 0 ? 0xffffffff : s.last_target_seq); w.u32(s.rejected)
  for (const a of [s.p_base_world, s.quat_base_world, s.v_base_body, s.omega_base_body, s.projected_gravity, s.twist, s.q, s.qd, s.tau]) {
    for (let i = 0; i < a.length; i++) w.f32(a[i])
  }
  for (let i = 0; i < nf; i++) w.i8(s.contact[i])
  for (let i = nf; i % 4 !== 0; i++) w.u8(0)
  return frame(Kind.state, w.result(), o)
}

export interface DecodedState extends Omit<StateFields, 'p_base_world' | 'quat_base_world' | 'v_base_body' | 'omega_base_body' | 'projected_gravity' | 'twist' | 'q' | 'qd' | 'tau' | 'contact'> {
  t: number
  seq: number
  p_base_world: number[]
  quat_base_world: number[]
  v_base_body: number[]
  omega_base_body: number[]
  projected_gravity: number[]
  twist: number[]
  q: number[]
  qd: number[]
  tau: number[]
  contact: number[]
}

/** Decodes a STATE packet (clients and tests); null when it is not one. */
export function unpackState (buf: Uint8Array): DecodedState | null {
  const h = readHeader(buf)
  if (h === null || h.kind !== Kind.state) return null
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let o = HEADER_BYTES
  const mode = dv.getUint8(o); const est = dv.getUint8(o + 1); const nj = dv.getUint16(o + 2, true); const nf = dv.getUint16(o + 4, true)
  o += 8
  const faults = dv.getUint32(o, true); const lts = dv.getUint32(o + 4, true); const rejected = dv.getUint32(o + 8, true)
  o += 12
  const vec = (n: number): number[] => { const a: number[] = []; for (let i = 0; i < n; i++) { a.push(dv.getFloat32(o, true)); o += 4 } return a }
  const p = vec(3); const q = vec(4); const v = vec(3); const w = vec(3); const g = vec(3); const tw = vec(8); const qj = vec(nj); const qdj = vec(nj); const tau = vec(nj)
  const contact: number[] = []
  for (let i = 0; i < nf; i++) contact.push(dv.getInt8(o + i))
  return { t: h.t ?? NaN, seq: h.seq, mode, est_source: est, faults, last_target_seq: lts === 0xffffffff ? -1 : lts, rejected, p_base_world: p, quat_base_world: q, v_base_body: v, omega_base_body: w, projected_gravity: g, twist: tw, q: qj, qd: qdj, tau, contact }
}

export function packReject (rejSeq: number, rejKind: number, reason: ReasonName, message: string, o: PackOptions): Uint8Array {
  const w = new Writer()
  const text = new TextEncoder().encode(message.slice(0, 1000))
  w.u32(rejSeq); w.u8(rejKind); w.u8(Reason[reason]); w.u16(text.length); w.bytes(text)
  return frame(Kind.reject, w.result(), o)
}

export function unpackReject (buf: Uint8Array): { seq: number, kind: number, reason: ReasonName, message: string } | null {
  const h = readHeader(buf)
  if (h === null || h.kind !== Kind.reject) return null
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const o = HEADER_BYTES
  const n = dv.getUint16(o + 6, true)
  return { seq: dv.getUint32(o, true), kind: dv.getUint8(o + 4), reason: REASON_NAMES[dv.getUint8(o + 5)] ?? 'malformed', message: new TextDecoder().decode(buf.subarray(o + 8, o + 8 + n)) }
}

/** INFO: the robot as the port sees it (UTF-8 JSON payload), sent in answer to SUBSCRIBE. */
export function packInfo (info: unknown, o: PackOptions): Uint8Array {
  return frame(Kind.info, new TextEncoder().encode(JSON.stringify(info)), o)
}

export function unpackInfo (buf: Uint8Array): unknown {
  const h = readHeader(buf)
  if (h === null || h.kind !== Kind.info) return null
  const len = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(12, true)
  return JSON.parse(new TextDecoder().decode(buf.subarray(HEADER_BYTES, HEADER_BYTES + len)))
}
