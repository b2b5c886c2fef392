// The host end of the bridge protocol (firmware-bridge/PROTOCOL.md) over a SerialLink: handshake
// (HELLO → INFO, CONFIG → CONFIG_ACK, checked against what was sent), one COMMAND per control tick and
// its STATE back, HEARTBEAT while configured but idle, DIAG (link counters, per-bus error state and load,
// per-motor fault and temperature) and FAULT records kept and counted. After the link is lost and comes
// back, the session handshakes again by itself; whoever drives the motors decides whether to resume.
//
// Per tick nothing is allocated: COMMAND and STATE objects are built once per configuration, the wire
// buffers once per session; received frames are parsed in place.
import {
  BusType, ConfigStatus, FRAME_MAX_RAW, FaultCode, FrameStatus, checkFrame, createFrameHeader, MsgType, WatchdogState, configCrc, createCommand, createConfig, createConfigAck,
  createDiag, createFault, createHeartbeat, createHello, createInfo, createState, layoutOfConfig, packCommand, packConfig,
  packHeartbeat, packHello, unpackConfigAck, unpackDiag, unpackFault, unpackInfo, unpackState,
  type BridgeLayout, type Command, type Config, type Diag, type Fault, type Info, type State
} from '../protocol/bridge/index.ts'
import { SerialLink, type SerialLinkOptions } from './serial-link.ts'

export type SessionPhase = 'closed' | 'connecting' | 'configured' | 'lost'

const FAULT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(FaultCode).map(([k, v]) => [v, k]))

/** Name of a FAULT record code (PROTOCOL.md §3.9). */
export function faultCodeName (code: number): string {
  return FAULT_NAMES[code] ?? `code ${code}`
}

/** Counters of one session, cumulative over reconnects. */
export interface SessionCounters {
  commands_sent: number
  states: number
  /** STATE frames whose tick did not answer the newest command (late or out of order) */
  states_stale: number
  /** gaps in the bridge's frame seq (frames lost on the way to the host) */
  rx_seq_gaps: number
  /** frames that failed the CRC or the header checks (PROTOCOL.md §2.2) */
  rx_bad: number
  /** frames with a good CRC that did not parse as their type */
  rx_malformed: number
  diags: number
  faults: number
  /** FAULT records lost (gaps in fault_index) */
  faults_lost: number
  heartbeats_sent: number
  handshakes: number
  /** FAULT records by code name */
  fault_codes: Record<string, number>
}

export interface BridgeSessionOptions extends Omit<SerialLinkOptions, 'path'> {
  /** Timeout of each handshake step [ms] (default 300); each step is tried 5 times. */
  handshake_ms?: number
  /** Heartbeat period while configured and not commanding [ms] (PROTOCOL.md §6: 100). */
  heartbeat_ms?: number
  /** Clock for frame time stamps [µs] (default performance.now). */
  now_us?: () => number
}

/**
 * One bridge connection. `config` is the CONFIG to send (built by the caller from a motor map); the
 * session keeps it and resends it after every reconnect.
 */
export class BridgeSession {
  readonly link: SerialLink
  readonly counters: SessionCounters = {
    commands_sent: 0, states: 0, states_stale: 0, rx_seq_gaps: 0, rx_bad: 0, rx_malformed: 0, diags: 0, faults: 0, faults_lost: 0,
    heartbeats_sent: 0, handshakes: 0, fault_codes: {}
  }

  phase: SessionPhase = 'closed'
  readonly layout: BridgeLayout
  /** Filled by the caller every tick, then sent by sendCommand. */
  readonly command: Command
  /** The newest STATE (valid once stateCount > 0). */
  readonly state: State
  /** The newest DIAG (valid once counters.diags > 0). */
  readonly diag: Diag
  /** The INFO of the last handshake. */
  readonly info: Info
  /** The last FAULT records, newest last (at most 64). */
  readonly faultLog: Array<{ code: string, bus: number, motor: number, detail: number, t_us: number }> = []
  /** Bridge-reported budget per bus from CONFIG_ACK [ns]. */
  budget_ns: number[] = []
  /** performance.now() of the newest STATE [ms], and when the command it answers was sent. */
  lastStateAt_ms = -Infinity
  /** Round trip of the newest STATE: its command sent → STATE parsed [µs]; NaN for the bridge's own ticks. */
  lastRtt_us = NaN

  private readonly cfg: Config
  private readonly raw = new Uint8Array(FRAME_MAX_RAW)
  private readonly ackObj = createConfigAck()
  private readonly faultObj = createFault()
  private readonly hb = createHeartbeat()
  private readonly hello = createHello()
  private readonly hdr = createFrameHeader()
  private readonly nowUs: () => number
  private readonly handshakeMs: number
  private readonly heartbeatMs: number
  private seq = 1
  private rxSeq = -1
  private nonce = 0x43420000
  private gotInfo = false
  private gotAck = false
  private lastFaultIndex = -1
  private readonly sentAt_ms = new Float64Array(64)
  private readonly sentTick = new Uint32Array(64).fill(0xffffffff)
  private lastTickSent = -1
  private heartbeatTimer: NodeJS.Timeout | null = null
  private lastCommandAt_ms = -Infinity
  private reconfiguring: Promise<void> | null = null
  private readonly stateListeners: Array<(s: State) => void> = []
  private readonly faultListeners: Array<(f: Fault) => void> = []
  private readonly phaseListeners: Array<(p: SessionPhase) => void> = []

  constructor (path: string, config: Config, opts: BridgeSessionOptions = {}) {
    this.cfg = config
    this.layout = layoutOfConfig(config)
    this.command = createCommand(this.layout)
    this.state = createState(this.layout)
    this.diag = createDiag()
    this.info = createInfo()
    this.nowUs = opts.now_us ?? (() => performance.now() * 1000)
    this.handshakeMs = opts.handshake_ms ?? 300
    this.heartbeatMs = opts.heartbeat_ms ?? 100
    this.link = new SerialLink({ ...opts, path }, (f, len) => this.onFrame(f, len))
    this.link.onEvent((e) => {
      if (e === 'lost') { this.setPhase('lost'); return }
      if (this.phase === 'lost') this.reconfiguring = this.handshake().catch(() => { this.reconfiguring = null })
    })
  }

  /** STATE frames, parsed into `session.state` before the call. */
  onState (fn: (s: State) => void): void { this.stateListeners.push(fn) }
  /** FAULT records as they arrive (the object is reused). */
  onFault (fn: (f: Fault) => void): void { this.faultListeners.push(fn) }
  onPhase (fn: (p: SessionPhase) => void): void { this.phaseListeners.push(fn) }

  /** Opens the link (retrying up to open_timeout_ms) and handshakes. Throws naming what failed. */
  async connect (open_timeout_ms = 2000): Promise<void> {
    this.setPhase('connecting')
    await this.link.openWithRetry(open_timeout_ms)
    await this.handshake()
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.heartbeatMs)
    this.heartbeatTimer.unref()
  }

  /** Resolves once a reconnect's handshake has finished (immediately when configured). */
  async whenConfigured (timeout_ms: number): Promise<boolean> {
    const end = performance.now() + timeout_ms
    while (this.phase !== 'configured') {
      if (performance.now() > end) return false
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return true
  }

  /** HELLO → INFO, CONFIG → CONFIG_ACK. Throws with the bridge's reason when it refuses the CONFIG. */
  async handshake (): Promise<void> {
    this.setPhase('connecting')
    this.rxSeq = -1
    this.gotInfo = false
    for (let i = 0; i < 5 && !this.gotInfo; i++) {
      this.hello.nonce = (this.nonce = (this.nonce + 1) >>> 0)
      this.stamp(this.hello.header)
      this.link.sendRaw(this.raw, packHello(this.hello, this.raw, 0))
      await this.waitFlag(() => this.gotInfo, this.handshakeMs)
    }
    if (!this.gotInfo) throw new Error(`bridge on ${this.link.path}: no INFO answered HELLO (5 tries, ${this.handshakeMs} ms each)`)
    for (let i = 0; i < this.cfg.n_buses; i++) {
      const b = this.cfg.bus[i]
      const have = this.info.bus.slice(0, this.info.n_buses).find((x) => x.bus_id === b.bus_id)
      if (have === undefined) {
        throw new Error(`bridge on ${this.link.path} ('${this.info.firmware}') has no bus ${b.bus_id} (it has ${this.info.bus.slice(0, this.info.n_buses).map((x) => x.bus_id).join(', ')})`)
      }
      // classic CAN frames on a CAN FD controller: the CONFIG names the bus as the bridge lists it (§3.3)
      if (b.bus_type === BusType.CAN && have.bus_type === BusType.CANFD) {
        b.bus_type = BusType.CANFD
        this.layout.buses[i].bus_type = BusType.CANFD
      }
    }
    const cfgLen = (() => { this.stamp(this.cfg.header); return packConfig(this.cfg, this.raw, 0) })()
    if (cfgLen === 0) throw new Error('bridge config does not fit a frame')
    const crc = configCrc(this.raw, 0)
    this.gotAck = false
    for (let i = 0; i < 5 && !this.gotAck; i++) {
      if (i > 0) { this.stamp(this.cfg.header); packConfig(this.cfg, this.raw, 0) }
      this.link.sendRaw(this.raw, cfgLen)
      await this.waitFlag(() => this.gotAck, this.handshakeMs)
    }
    const ack = this.ackObj
    if (!this.gotAck) throw new Error(`bridge on ${this.link.path}: no CONFIG_ACK (5 tries)`)
    if (ack.status !== ConfigStatus.OK) {
      const name = Object.entries(ConfigStatus).find(([, v]) => v === ack.status)?.[0] ?? String(ack.status)
      throw new Error(`bridge refused the configuration: ${name}${ack.index !== 0xff ? ` (entry ${ack.index})` : ''}`)
    }
    if (ack.config_crc !== crc) throw new Error(`bridge acknowledged a different configuration (CRC 0x${ack.config_crc.toString(16)} ≠ 0x${crc.toString(16)})`)
    this.budget_ns = ack.bus.slice(0, ack.n_buses).map((b) => b.budget_ns)
    this.counters.handshakes++
    this.reconfiguring = null
    this.setPhase('configured')
  }

  /** Stamps and sends `command` (tick, flags as set by the caller). False when the link is down. */
  sendCommand (tick: number, flags: number): boolean {
    const c = this.command
    c.tick = tick >>> 0
    c.flags = flags
    this.stamp(c.header)
    const n = packCommand(c, this.raw, 0)
    if (n === 0 || this.phase !== 'configured') return false
    this.sentAt_ms[tick & 63] = performance.now()
    this.sentTick[tick & 63] = tick >>> 0
    this.lastTickSent = tick >>> 0
    this.lastCommandAt_ms = performance.now()
    this.counters.commands_sent++
    return this.link.sendRaw(this.raw, n)
  }

  /** Per-bus load of the last DIAG window [fraction of the bus time], or NaN before any DIAG. */
  busLoad (bus: number): number {
    if (this.counters.diags === 0) return NaN
    const b = this.diag.bus.slice(0, this.diag.n_buses).find((x) => x.bus_id === bus)
    return b === undefined ? NaN : b.load_permille / 1000
  }

  /** Whether the bridge reported TRIPPED in the newest STATE. */
  get tripped (): boolean {
    return this.counters.states > 0 && this.state.wd_state === WatchdogState.TRIPPED
  }

  async close (): Promise<void> {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
    await this.link.close()
    this.setPhase('closed')
  }

  private setPhase (p: SessionPhase): void {
    if (this.phase === p) return
    this.phase = p
    for (const fn of this.phaseListeners) fn(p)
  }

  private stamp (h: { seq: number, t_us: number }): void {
    h.seq = this.seq
    this.seq = (this.seq + 1) >>> 0
    h.t_us = Math.floor(this.nowUs()) >>> 0
  }

  private heartbeat (): void {
    if (this.phase !== 'configured' || performance.now() - this.lastCommandAt_ms < this.heartbeatMs) return
    this.stamp(this.hb.header)
    this.hb.status = 0
    this.hb.wd_state = 0
    this.hb.fault_count = 0
    this.counters.heartbeats_sent++
    this.link.sendRaw(this.raw, packHeartbeat(this.hb, this.raw, 0))
  }

  private async waitFlag (flag: () => boolean, ms: number): Promise<void> {
    const end = performance.now() + ms
    while (!flag() && performance.now() < end) await new Promise((resolve) => setTimeout(resolve, 2))
  }

  private onFrame (f: Uint8Array, len: number): void {
    if (checkFrame(f, 0, len, this.hdr) !== FrameStatus.OK) { this.counters.rx_bad++; return }
    const seq = (f[4] | (f[5] << 8) | (f[6] << 16) | (f[7] << 24)) >>> 0
    const type = f[1]
    let ok = false
    switch (type) {
      case MsgType.STATE:
        ok = this.phase === 'configured' && unpackState(f, 0, this.state, len)
        if (ok) this.gotState()
        break
      case MsgType.DIAG:
        ok = unpackDiag(f, 0, this.diag, len)
        if (ok) this.counters.diags++
        break
      case MsgType.FAULT:
        ok = unpackFault(f, 0, this.faultObj, len)
        if (ok) this.gotFault()
        break
      case MsgType.INFO:
        ok = unpackInfo(f, 0, this.info, len)
        if (ok && this.info.nonce === this.hello.nonce) this.gotInfo = true
        break
      case MsgType.CONFIG_ACK:
        ok = unpackConfigAck(f, 0, this.ackObj, len)
        if (ok) this.gotAck = true
        break
      case MsgType.HEARTBEAT:
        ok = true
        break
      default:
        ok = false
    }
    if (!ok) {
      // a frame the bridge sent under a previous configuration (or garbage that passed the CRC)
      if (type !== MsgType.STATE || this.phase === 'configured') this.counters.rx_malformed++
      return
    }
    if (this.rxSeq >= 0 && seq !== ((this.rxSeq + 1) >>> 0)) this.counters.rx_seq_gaps += ((seq - this.rxSeq - 1) >>> 0) & 0xffff
    this.rxSeq = seq
  }

  private gotState (): void {
    const s = this.state
    this.counters.states++
    const now = performance.now()
    this.lastStateAt_ms = now
    const behind = (this.lastTickSent - s.tick) >>> 0
    this.lastRtt_us = s.cmd_seq !== 0 && behind < 64 && this.sentTick[s.tick & 63] === s.tick ? (now - this.sentAt_ms[s.tick & 63]) * 1000 : NaN
    if (s.cmd_seq === 0 || behind !== 0) this.counters.states_stale++
    for (const fn of this.stateListeners) fn(s)
  }

  private gotFault (): void {
    const f = this.faultObj
    this.counters.faults++
    if (this.lastFaultIndex >= 0 && f.fault_index > this.lastFaultIndex + 1) this.counters.faults_lost += f.fault_index - this.lastFaultIndex - 1
    this.lastFaultIndex = f.fault_index
    const name = faultCodeName(f.code)
    this.counters.fault_codes[name] = (this.counters.fault_codes[name] ?? 0) + 1
    this.faultLog.push({ code: name, bus: f.bus_id, motor: f.motor_index, detail: f.detail, t_us: f.t_us })
    if (this.faultLog.length > 64) this.faultLog.shift()
    for (const fn of this.faultListeners) fn(f)
  }
}

/** Builds the CONFIG body fields from plain values (buses and motors in table order). */
export function buildConfig (p: {
  tick_period_us: number, watchdog_us: number, reply_timeout_us: number, safe_kd: number, safe_action: number,
  buses: Array<{ bus_id: number, bus_type: number, flags: number, slot_len: number, nominal_bps: number, data_bps: number }>,
  motors: Array<{ bus_id: number, protocol: number, reply_key: number, flags: number, can_id: number, reply_id: number, kd_max: number }>
}): Config {
  const c = createConfig()
  c.tick_period_us = p.tick_period_us
  c.watchdog_us = p.watchdog_us
  c.reply_timeout_us = p.reply_timeout_us
  c.safe_kd = p.safe_kd
  c.safe_action = p.safe_action
  c.n_buses = p.buses.length
  c.n_motors = p.motors.length
  p.buses.forEach((b, i) => Object.assign(c.bus[i], b))
  p.motors.forEach((m, i) => Object.assign(c.motor[i], m))
  return c
}
