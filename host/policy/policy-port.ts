// The policy port: UDP (binary, protocol.ts) and WebSocket (JSON, json-codec.ts) servers on the main
// thread that take targets from any policy, validate them (validate.ts) and queue them for the control
// worker, and stream the controller's state back to every client at its chosen rate.
//
// Per sender (UDP address:port, or WebSocket connection) the port keeps a token bucket (flood limit),
// the last sequence number (out-of-order and replayed messages are refused; seq 0 restarts a sender),
// counts, and its state subscription. Every refusal is answered with a REJECT naming the reason (at
// most 50 answers per second per sender, so a flood cannot be amplified) and counted.
// Binding is loopback by default; a non-loopback bind needs policy.allow_remote and policy.token
// (enforced by the configuration). With a token, UDP packets carry an HMAC-SHA256 trailer and WebSocket
// clients present the token (Authorization: Bearer …, or ?token=…).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import type { RuntimeConfig } from '../config/runtime-config.ts'
import type { ControlRobot } from '../runtime/control-step.ts'
import { FAULT_NAMES, GAIT_NAMES, MODE_NAMES, TWIST_FIELDS, faultNames, type Layouts } from '../runtime/frames.ts'
import type { SpscRing } from '../runtime/spsc-ring.ts'
import { decodeJson, rejectJson, stateJson } from './json-codec.ts'
import { checkToken, decodePacket, packInfo, packReject, packState, readHeader, REASON_NAMES, Reason, type ReasonName, type StateFields, type TargetMessage } from './protocol.ts'
import { validateMessage, writeTargetRecords, type ValidationContext, type Verdict } from './validate.ts'
import { TargetSource } from '../runtime/frames.ts'

export interface PolicyPortOptions {
  config: RuntimeConfig
  robot: ControlRobot
  layouts: Layouts
  /** The worker's target ring (this port is its only producer, together with `submitLocal`). */
  targetRing: SpscRing
  /** Controller time now [s] (sim time in lockstep). */
  now: () => number
  /** End-effector frame names clients may target. */
  eeFrames?: string[]
  /** Robot name for INFO. */
  robotName?: string
  /** Sees every target record queued for the worker (the recorder). */
  onTargetRecord?: (rec: Float64Array) => void
}

interface Sender {
  id: string
  udp: { address: string, port: number } | null
  ws: WebSocket | null
  tokens: number
  refill_ms: number
  lastSeq: number
  accepted: number
  rejected: number
  /** Seconds between state messages; Infinity when not subscribed. */
  statePeriod: number
  nextState: number
  lastSeen_ms: number
  replyBudget: number
  replyRefill_ms: number
  nextAutoSeq: number
}

export interface PortStats {
  accepted: number
  rejected: Record<ReasonName, number>
  subscribers: number
  statesSent: number
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const REPLIES_PER_S = 50

export class PolicyPort {
  udpPort = -1
  wsPort = -1
  readonly stats: PortStats
  private readonly senders = new Map<string, Sender>()
  private udp: Socket | null = null
  private wss: WebSocketServer | null = null
  private readonly ctx: ValidationContext
  private readonly cfg: RuntimeConfig['policy']
  private readonly eeFrames: string[]
  private stateSeq = 0
  private readonly state: StateFields
  private closed = false

  private constructor (private readonly o: PolicyPortOptions) {
    this.cfg = o.config.policy
    this.eeFrames = o.eeFrames ?? o.robot.footNames
    this.ctx = { robot: o.robot, eeFrames: this.eeFrames, policy: o.config.policy, safety: o.config.safety }
    const rej = Object.fromEntries(Object.keys(Reason).map((k) => [k, 0])) as Record<ReasonName, number>
    this.stats = { accepted: 0, rejected: rej, subscribers: 0, statesSent: 0 }
    const nj = o.robot.jointNames.length
    this.state = {
      mode: 0, est_source: 0, faults: 0, last_target_seq: -1, rejected: 0,
      p_base_world: new Float64Array(3), quat_base_world: new Float64Array(4), v_base_body: new Float64Array(3),
      omega_base_body: new Float64Array(3), projected_gravity: new Float64Array(3), twist: new Float64Array(8),
      q: new Float64Array(nj), qd: new Float64Array(nj), tau: new Float64Array(nj), contact: new Float64Array(o.robot.footNames.length)
    }
  }

  /** Opens the UDP and WebSocket servers configured in `policy` (ports -1 are skipped). */
  static async open (o: PolicyPortOptions): Promise<PolicyPort> {
    const port = new PolicyPort(o)
    const c = o.config.policy
    if (!LOOPBACK.has(c.bind) && (!c.allow_remote || c.token === '')) {
      throw new Error(`policy.bind '${c.bind}' is not loopback: it needs policy.allow_remote: true and a policy.token`)
    }
    try {
      if (c.udp_port >= 0) await port.openUdp(c.bind, c.udp_port)
      if (c.ws_port >= 0) await port.openWs(c.bind, c.ws_port)
    } catch (err) {
      await port.close()
      throw err
    }
    return port
  }

  private async openUdp (host: string, p: number): Promise<void> {
    const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' })
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (e) => reject(new Error(`policy port: cannot bind UDP ${host}:${p} (policy.udp_port): ${e.message}`)))
      sock.bind(p, host, () => resolve())
    })
    sock.on('error', () => { /* per-packet send errors (unreachable clients) are not fatal */ })
    sock.on('message', (buf, rinfo) => this.onUdp(buf, rinfo))
    this.udp = sock
    this.udpPort = sock.address().port
  }

  private async openWs (host: string, p: number): Promise<void> {
    const wss = new WebSocketServer({ host, port: p, maxPayload: 1 << 20 })
    await new Promise<void>((resolve, reject) => {
      wss.once('error', (e) => reject(new Error(`policy port: cannot bind WebSocket ${host}:${p} (policy.ws_port): ${e.message}`)))
      wss.once('listening', () => resolve())
    })
    wss.on('connection', (ws, req) => this.onWsConnection(ws, req))
    this.wss = wss
    const addr = wss.address()
    this.wsPort = typeof addr === 'object' && addr !== null ? addr.port : p
  }

  // --- senders

  private sender (id: string, udp: Sender['udp'], ws: WebSocket | null): Sender {
    let s = this.senders.get(id)
    if (s === undefined) {
      const now = performance.now()
      s = { id, udp, ws, tokens: this.cfg.burst, refill_ms: now, lastSeq: -1, accepted: 0, rejected: 0, statePeriod: Infinity, nextState: -Infinity, lastSeen_ms: now, replyBudget: REPLIES_PER_S, replyRefill_ms: now, nextAutoSeq: 1 }
      this.senders.set(id, s)
    }
    s.lastSeen_ms = performance.now()
    return s
  }

  /** Token bucket: false when the sender exceeds policy.max_rate_hz beyond policy.burst. */
  private admit (s: Sender): boolean {
    const now = performance.now()
    s.tokens = Math.min(this.cfg.burst, s.tokens + (now - s.refill_ms) / 1000 * this.cfg.max_rate_hz)
    s.refill_ms = now
    if (s.tokens < 1) return false
    s.tokens -= 1
    return true
  }

  private mayReply (s: Sender): boolean {
    const now = performance.now()
    s.replyBudget = Math.min(REPLIES_PER_S, s.replyBudget + (now - s.replyRefill_ms) / 1000 * REPLIES_PER_S)
    s.replyRefill_ms = now
    if (s.replyBudget < 1) return false
    s.replyBudget -= 1
    return true
  }

  private subscribe (s: Sender, rate_hz: number): void {
    s.statePeriod = rate_hz > 0 ? 1 / rate_hz : Infinity
    s.nextState = -Infinity
  }

  // --- UDP

  private onUdp (buf: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return
    const id = `udp:${rinfo.address}:${rinfo.port}`
    const s = this.sender(id, { address: rinfo.address, port: rinfo.port }, null)
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    const h = readHeader(bytes)
    const reject = (reason: ReasonName, message: string): void => {
      this.countReject(s, reason)
      if (this.mayReply(s)) this.sendUdp(packReject(h?.seq ?? 0, h?.kind ?? 0, reason, message, { seq: this.stateSeq, t: this.o.now() }), s)
    }
    if (!this.admit(s)) { reject('flood', `more than ${this.cfg.max_rate_hz} messages/s (burst ${this.cfg.burst}) from ${rinfo.address}:${rinfo.port}`); return }
    if (h === null) { const d = decodePacket(bytes); if (!d.ok) reject(d.reason, d.message); return }
    const tokenError = checkToken(bytes, this.cfg.token)
    if (tokenError !== null) { reject('bad_token', tokenError); return }
    const d = decodePacket(bytes)
    if (!d.ok) { reject(d.reason, d.message); return }
    if (d.msg.kind === 'subscribe' && d.msg.rate_hz >= 0) {
      const v = validateMessage(d.msg, null, this.o.now(), this.ctx)
      if (!v.ok) { reject(v.reason, v.message); return }
      this.subscribe(s, d.msg.rate_hz)
      this.sendUdp(packInfo(this.info(), { seq: this.stateSeq, t: this.o.now() }), s)
      return
    }
    const v = this.accept(s, d.msg, d.header.seq, d.header.t, TargetSource.udp)
    if (!v.ok) reject(v.reason, v.message)
    else if (s.statePeriod === Infinity) this.subscribe(s, this.cfg.state_rate_hz)
  }

  private sendUdp (buf: Uint8Array, s: Sender): void {
    if (this.udp === null || s.udp === null) return
    this.udp.send(buf, s.udp.port, s.udp.address)
  }

  // --- WebSocket

  private onWsConnection (ws: WebSocket, req: IncomingMessage): void {
    const id = `ws:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`
    const s = this.sender(id, null, ws)
    if (this.cfg.token !== '') {
      const auth = req.headers.authorization ?? ''
      const fromHeader = auth.startsWith('Bearer ') ? auth.slice(7) : null
      const fromQuery = new URL(req.url ?? '/', 'ws://x').searchParams.get('token')
      const given = fromHeader ?? fromQuery ?? ''
      const a = Buffer.from(given); const b = Buffer.from(this.cfg.token)
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        this.countReject(s, 'bad_token')
        ws.send(rejectJson(0, '', 'bad_token', given === '' ? 'the port requires a token (Authorization: Bearer TOKEN or ?token=TOKEN)' : 'the token does not match'))
        ws.close(4401, 'bad token')
        this.senders.delete(id)
        return
      }
    }
    this.subscribe(s, this.cfg.state_rate_hz)
    ws.send(JSON.stringify({ kind: 'info', ...this.info() }))
    ws.on('message', (data, isBinary) => {
      if (this.closed) return
      s.lastSeen_ms = performance.now()
      const reject = (seq: number, kind: string, reason: ReasonName, message: string): void => {
        this.countReject(s, reason)
        if (this.mayReply(s)) ws.send(rejectJson(seq, kind, reason, message))
      }
      if (!this.admit(s)) { reject(0, '', 'flood', `more than ${this.cfg.max_rate_hz} messages/s (burst ${this.cfg.burst})`); return }
      if (isBinary) { reject(0, '', 'malformed', 'the WebSocket port takes JSON text messages (binary goes to the UDP port)'); return }
      const d = decodeJson(data.toString(), s.nextAutoSeq, this.eeFrames)
      const kindName = d.header !== null ? (['', 'twist', 'joint', 'ee', 'chunk', 'subscribe'][d.header.kind] ?? '') : ''
      if (!d.ok) { reject(d.header?.seq ?? 0, kindName, d.reason, d.message); return }
      s.nextAutoSeq = d.header.seq + 1
      if (d.msg.kind === 'subscribe') {
        const v = validateMessage(d.msg, null, this.o.now(), this.ctx)
        if (!v.ok) reject(d.header.seq, kindName, v.reason, v.message)
        else this.subscribe(s, d.msg.rate_hz)
        return
      }
      const v = this.accept(s, d.msg, d.header.seq, d.header.t, TargetSource.ws)
      if (!v.ok) reject(d.header.seq, kindName, v.reason, v.message)
    })
    ws.on('close', () => { this.senders.delete(id) })
    ws.on('error', () => { this.senders.delete(id) })
  }

  // --- common path

  private countReject (s: Sender, reason: ReasonName): void {
    s.rejected++
    this.stats.rejected[reason]++
  }

  /** Validates a message and queues its points; the sender's seq must increase (0 restarts). */
  private accept (s: Sender, msg: TargetMessage, seq: number, t: number | null, source: number): Verdict {
    if (s.lastSeq >= 0 && seq !== 0 && seq <= s.lastSeq) return { ok: false, reason: 'out_of_order', message: `seq ${seq} is not after ${s.lastSeq} (send increasing seq; 0 restarts)` }
    const now = this.o.now()
    const v = validateMessage(msg, t, now, this.ctx)
    if (!v.ok) return v
    if (!writeTargetRecords(msg, t, now, seq, source, this.ctx, this.o.layouts.target, this.o.targetRing, this.o.onTargetRecord)) {
      return { ok: false, reason: 'flood', message: 'the controller\'s target queue is full' }
    }
    s.lastSeq = seq
    s.accepted++
    this.stats.accepted++
    return { ok: true }
  }

  /**
   * Queues targets from an in-process policy (the ONNX runner) through the same validation as network
   * messages. `t` is the controller time of the observation used, or null.
   */
  submitLocal (msg: TargetMessage, t: number | null, seq: number): Verdict {
    const s = this.sender('local', null, null)
    const v = this.accept(s, msg, seq, t, TargetSource.onnx)
    if (!v.ok) this.countReject(s, v.reason)
    return v
  }

  // --- state stream

  /** What a client learns on subscribing: joints, feet, frames, enumerations. */
  info (): Record<string, unknown> {
    return {
      protocol: 1,
      robot: this.o.robotName ?? '',
      rate_hz: this.o.config.control.rate_hz,
      state_rate_hz: this.cfg.state_rate_hz,
      joint_names: this.o.robot.jointNames,
      foot_names: this.o.robot.footNames,
      ee_frames: this.eeFrames,
      gaits: GAIT_NAMES,
      modes: MODE_NAMES,
      faults: FAULT_NAMES,
      twist_fields: TWIST_FIELDS,
      reasons: REASON_NAMES
    }
  }

  /** Takes one telemetry record (valid only during the call) and sends state to the subscribers due. */
  publish (tel: Float64Array): void {
    if (this.closed || this.senders.size === 0) return
    const L = this.o.layouts
    const a = L.telemetry.at
    const t = tel[a.t]
    let bin: Uint8Array | null = null
    let json: string | null = null
    const now_ms = performance.now()
    const expire_ms = this.cfg.subscriber_timeout_s * 1000
    let subs = 0
    for (const s of this.senders.values()) {
      if (s.statePeriod === Infinity) continue
      if (s.udp !== null && now_ms - s.lastSeen_ms > expire_ms) { s.statePeriod = Infinity; continue }
      subs++
      if (t < s.nextState) continue
      // Next due time on the subscriber's own grid; restart the grid after a gap.
      s.nextState = s.nextState + s.statePeriod > t ? s.nextState + s.statePeriod : t + s.statePeriod
      this.fillState(tel, s.rejected)
      if (s.udp !== null) {
        bin = packState(this.state, { seq: this.stateSeq, t })
        this.sendUdp(bin, s)
      } else if (s.ws !== null && s.ws.readyState === s.ws.OPEN && s.ws.bufferedAmount < (1 << 20)) {
        json ??= stateJson(t, this.stateSeq, this.state, MODE_NAMES[this.state.mode] ?? 'unknown', faultNames(this.state.faults), this.o.robot.jointNames)
        s.ws.send(json)
      }
      this.stats.statesSent++
    }
    this.stats.subscribers = subs
    if (bin !== null || json !== null) this.stateSeq++
  }

  private fillState (tel: Float64Array, rejected: number): void {
    const L = this.o.layouts
    const a = L.telemetry.at
    const sa = L.sensor.at
    const st = this.state
    st.mode = tel[a.mode]
    st.faults = tel[a.faults]
    st.est_source = tel[a.est_source]
    st.last_target_seq = tel[a.last_target_seq]
    st.rejected = rejected
    const copy = (dst: Float64Array, off: number): void => { for (let k = 0; k < dst.length; k++) dst[k] = tel[off + k] }
    copy(st.p_base_world as Float64Array, a.est_p_base_world)
    copy(st.quat_base_world as Float64Array, a.est_quat_base_world)
    copy(st.v_base_body as Float64Array, a.est_v_base_body)
    copy(st.omega_base_body as Float64Array, a.est_omega_base_body)
    copy(st.twist as Float64Array, a.twist)
    copy(st.q as Float64Array, a.sensor + sa.q)
    copy(st.qd as Float64Array, a.sensor + sa.qd)
    copy(st.tau as Float64Array, a.sensor + sa.tau)
    copy(st.contact as Float64Array, a.sensor + sa.contact)
    // projected gravity = R(q_wb)ᵀ (0, 0, −1): the world's down direction in the base frame.
    const q = st.quat_base_world
    const w = q[0], x = q[1], y = q[2], z = q[3]
    const g = st.projected_gravity as Float64Array
    g[0] = -2 * (x * z - w * y)
    g[1] = -2 * (y * z + w * x)
    g[2] = -(1 - 2 * (x * x + y * y))
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    const udp = this.udp
    this.udp = null
    if (udp !== null) await new Promise<void>((resolve) => udp.close(() => resolve()))
    const wss = this.wss
    this.wss = null
    if (wss !== null) {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    }
    this.senders.clear()
  }
}
