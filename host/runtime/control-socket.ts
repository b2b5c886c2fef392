// The control socket: how a terminal UI (or any tool) attaches to a running controller. It lives on the
// main thread of `cerebellum run`, beside the policy port, and only talks to the worker the way the rest
// of the main thread does (parameter ring, policy port's local targets, telemetry drained by the run):
//
//   telemetry   the newest telemetry record, ≤ 30 Hz per client, with its layouts sent once (`hello`),
//               so fields added later (locomotion outputs, stages, motor temperatures) need no change here;
//               counters and timing percentiles (last 2 s and since start) at 2 Hz
//   parameters  the worker's parameter table with value, bounds, unit; edits are checked (number,
//               bounds), rate-limited per client, ramped in when big (host/tui/param-ramp.ts), revertible
//               to the start-up value, and saved to the configuration file on request (comments kept)
//   teleop      twist, gait and height, sent as a local policy through the policy port's validation and
//               refreshed at 20 Hz while the client keeps sending (a client that stops or dies stops it)
//   e-stop      at once: the controller's `runtime.estop` parameter (stand, every target refused) when the
//               worker has it; otherwise a soft stop (teleop stopped, a zero twist) and clients are told so.
//               Leaving needs confirm: true, and (hard stop) policy.timeout_ms of controller time since it
//               was engaged, so targets held from before it have expired and do not resume.
//
// Wire format: host/tui/protocol.ts. Loopback TCP (default 127.0.0.1:7772) or a Unix socket (mode 0600)
// need no token; any other bind needs one, and clients send it first. The token authenticates, it does
// not encrypt: across networks use an SSH tunnel. Clients come and go; the controller never waits for one.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, lstatSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { basename, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRuntimeConfig, parseRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.ts'
import { ConfigError, nearest, type Validated } from '../config/schema.ts'
import { TwistBit } from '../policy/protocol.ts'
import { configSlot, planSave, slotText, slotValue, type ConfigSlot, type SaveChange } from '../tui/param-config.ts'
import { RAMP_STEP_MS, needsRamp, rampValue, startRamp, type Ramp } from '../tui/param-ramp.ts'
import {
  CONTROL_PROTOCOL, DEFAULT_CONTROL_HOST, DEFAULT_CONTROL_PORT, LineReader, encodeMessage, encodeRecord, formatControlAddress, isLoopback, parseControlAddress,
  type ClientRequest, type ControlAddress, type EstopState, type Hello, type ParamView, type Percentile3, type ServerMessage
} from '../tui/protocol.ts'
import { FAULT_NAMES, GAIT_NAMES, MODE_NAMES, TWIST_FIELDS } from './frames.ts'
import type { Percentiles } from './latency-histogram.ts'
import type { ReadyInfo } from './run-controller.ts'
import { COUNTERS } from './shared-control.ts'

export interface ControlSocketOptions {
  address: ControlAddress
  /** Shared secret clients must present; required for a non-loopback TCP bind. */
  token?: string
  /** When the TCP port is taken, listen on a free port instead of failing (for the default address). */
  fallbackToFreePort?: boolean
}

/** What the socket needs of the running job; given to `attach` once the worker is ready. */
export interface ControlAttachment {
  ready: ReadyInfo
  /** The configuration the run uses (limits, initial parameter values). */
  config: Validated<RuntimeConfig>
  /** The configuration file `save` writes, or null (started without --config). */
  configFile: string | null
  robotName: string
  plant: string
  /** Plant or bridge link figures (stale commands, CRC errors, …), polled at 2 Hz. */
  link?: () => Record<string, number | string>
}

const TEL_PERIOD_MS = 33
const STATS_PERIOD_MS = 500
const TELEOP_PERIOD_MS = 50
/** A teleop client that sent nothing for this long is considered gone: teleop stops. */
const TELEOP_STALE_MS = 600
/** Percentile window: samples of the last this many ticks. */
const WINDOW = 1000
/** Edits a client may make per second (token bucket of depth EDIT_BURST). */
const EDITS_PER_S = 10
const EDIT_BURST = 10
/** A client whose unsent output exceeds this is skipped for telemetry until it catches up. */
const MAX_BUFFERED = 256 * 1024
const ESTOP_PARAM = 'runtime.estop'

interface Client {
  socket: Socket
  authed: boolean
  editTokens: number
  editRefill_ms: number
  helloSent: boolean
}

interface Param {
  name: string
  unit: string
  min: number
  max: number
  doc: string
  value: number | null
  start: number | null
  slot: ConfigSlot | null
  ramp: Ramp | null
}

function digest (s: string): Buffer { return createHash('sha256').update(s).digest() }

function pct3 (p: Percentiles): Percentile3 {
  const r = (x: number): number => Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0
  return { p50: r(p.p50), p99: r(p.p99), max: r(p.max) }
}

/** p50, p99 and max of the first n values of `a` (sorted in place). */
function windowPct (a: Float64Array, n: number): Percentile3 {
  if (n === 0) return { p50: 0, p99: 0, max: 0 }
  const s = a.subarray(0, n).sort()
  const at = (q: number): number => Math.round(s[Math.min(n - 1, Math.floor(q * (n - 1) + 0.5))] * 1000) / 1000
  return { p50: at(0.5), p99: at(0.99), max: Math.round(s[n - 1] * 1000) / 1000 }
}

async function unixPathInUse (path: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const c = createConnection(path)
    c.once('connect', () => { c.destroy(); resolve(true) })
    c.once('error', () => resolve(false))
  })
}

export class ControlSocket {
  private readonly clients = new Set<Client>()
  private att: ControlAttachment | null = null
  private params: Param[] = []
  private hello: Hello | null = null
  private latest: Float64Array | null = null
  private fresh = false
  private timers: NodeJS.Timeout[] = []
  private rampTimer: NodeJS.Timeout | null = null
  // Percentile windows: lateness, compute, then one per stage.
  private win: Float64Array[] = []
  private winCount = 0
  private winHead = 0
  private rateMark: { ms: number, tick: number } | null = null
  private paramsRefused = 0
  private estop: EstopState = { engaged: false, hard: false, note: '' }
  /** Controller time the e-stop was engaged [s]. */
  private estopT = 0
  private teleop: { twist: { vx: number, vy: number, wz: number, height?: number, gait?: number }, owner: Client, last_ms: number } | null = null
  private closed = false

  private constructor (private readonly server: Server, readonly address: ControlAddress, private readonly token: string) {}

  /** Opens the socket (listening; clients wait for `attach` before they get `hello`). */
  static async open (o: ControlSocketOptions): Promise<ControlSocket> {
    const token = o.token ?? ''
    if (!isLoopback(o.address) && token === '') {
      throw new Error(`control socket ${formatControlAddress(o.address)} is not loopback: give a token (--control-token T or CEREBELLUM_CONTROL_TOKEN)`)
    }
    const server = createServer()
    let address = o.address
    const listen = async (a: ControlAddress): Promise<void> => {
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error): void => { server.removeListener('listening', onListening); reject(e) }
        const onListening = (): void => { server.removeListener('error', onError); resolve() }
        server.once('error', onError)
        server.once('listening', onListening)
        if (a.kind === 'unix') server.listen(a.path)
        else server.listen(a.port, a.host)
      })
    }
    if (address.kind === 'unix') {
      if (existsSync(address.path)) {
        if (!lstatSync(address.path).isSocket()) throw new Error(`control socket ${address.path}: the file exists and is not a socket (not removed)`)
        if (await unixPathInUse(address.path)) throw new Error(`control socket ${address.path}: another controller is listening there`)
        unlinkSync(address.path)
      }
      await listen(address)
      chmodSync(address.path, 0o600)
    } else {
      try {
        await listen(address)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || o.fallbackToFreePort !== true) {
          throw new Error(`control socket ${formatControlAddress(address)}: ${(e as Error).message}`)
        }
        await listen({ ...address, port: 0 })
      }
      const a = server.address()
      if (a !== null && typeof a === 'object') address = { kind: 'tcp', host: address.host, port: a.port }
    }
    const cs = new ControlSocket(server, address, token)
    server.on('connection', (s) => cs.onConnection(s))
    return cs
  }

  /** Connects the socket to the running job (called from the run's onReady). */
  attach (a: ControlAttachment): void {
    this.att = a
    const w = a.ready.worker
    const robot = a.ready.robot
    const jn = robot.jointNames
    const cfg = a.config.value
    const known = (name: string): number | null => {
      if (name === 'runtime.clear_faults' || name === ESTOP_PARAM) return 0
      for (const [prefix, arr] of [['stand.kp.', robot.kp_stand], ['stand.kd.', robot.kd_stand], ['stand.q.', robot.q_stand]] as const) {
        if (name.startsWith(prefix)) {
          const i = jn.indexOf(name.slice(prefix.length))
          if (i >= 0) return arr[i]
        }
      }
      return null
    }
    this.params = w.params.map((p) => {
      const slot = configSlot(p.name, jn)
      const reported = (p as { value?: unknown }).value
      const start = typeof reported === 'number' ? reported : known(p.name) ?? (slot !== null ? slotValue(cfg, slot) : null)
      const doc = (p as { doc?: unknown }).doc
      return { name: p.name, unit: p.unit, min: p.min, max: p.max, doc: typeof doc === 'string' ? doc : '', value: start, start, slot, ramp: null }
    })
    this.estop = {
      engaged: false,
      hard: w.params.some((p) => p.name === ESTOP_PARAM),
      note: w.params.some((p) => p.name === ESTOP_PARAM) ? '' : 'soft stop: this controller has no runtime.estop parameter, so other policies\' targets still reach it'
    }
    const L = w.shared.layouts
    const spec = w.shared.spec
    this.latest = new Float64Array(L.telemetry.size)
    this.win = Array.from({ length: 2 + spec.stageNames.length }, () => new Float64Array(WINDOW))
    const lim = cfg.policy.limits
    this.hello = {
      type: 'hello',
      protocol: CONTROL_PROTOCOL,
      robot: a.robotName,
      mode: a.ready.mode,
      rate_hz: cfg.control.rate_hz,
      jointNames: jn,
      footNames: robot.footNames,
      telemetry: [...L.telemetry.fields],
      sensor: [...L.sensor.fields],
      command: [...L.command.fields],
      stageNames: spec.stageNames,
      outputNames: spec.outputNames,
      modes: MODE_NAMES,
      faults: FAULT_NAMES,
      gaits: GAIT_NAMES,
      twistFields: TWIST_FIELDS,
      params: [],
      configFile: a.configFile,
      teleopUnavailable: a.ready.port === null ? 'teleop needs the policy port (it validates twists like any policy\'s): run without --no-port (policy.udp_port/ws_port -1 keep it off the network)' : null,
      limits: { vx: lim.vx as [number, number], vy: lim.vy as [number, number], wz: lim.wz as [number, number], height: lim.height as [number, number] },
      estop: this.estop,
      plant: a.plant
    }
    this.timers.push(setInterval(() => this.sendTelemetry(), TEL_PERIOD_MS))
    this.timers.push(setInterval(() => this.sendStats(), STATS_PERIOD_MS))
    this.timers.push(setInterval(() => this.teleopTick(), TELEOP_PERIOD_MS))
    for (const t of this.timers) t.unref()
    for (const c of this.clients) if (c.authed) this.sendHello(c)
  }

  /** Takes one telemetry record (valid during the call only): keeps the newest, feeds the windows. */
  onTelemetry (rec: Float64Array): void {
    if (this.latest === null || this.att === null) return
    this.latest.set(rec)
    this.fresh = true
    const a = this.att.ready.worker.shared.layouts.telemetry.at
    const h = this.winHead
    this.win[0][h] = rec[a.lateness_us]
    this.win[1][h] = rec[a.compute_us]
    for (let k = 2; k < this.win.length; k++) this.win[k][h] = rec[a.stage_us + k - 2]
    this.winHead = (h + 1) % WINDOW
    if (this.winCount < WINDOW) this.winCount++
  }

  /** Number of clients connected now. */
  clientCount (): number { return this.clients.size }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    if (this.rampTimer !== null) clearInterval(this.rampTimer)
    for (const c of this.clients) c.socket.destroy()
    this.clients.clear()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    if (this.address.kind === 'unix' && existsSync(this.address.path)) {
      try { unlinkSync(this.address.path) } catch { /* already gone */ }
    }
  }

  // --- connections

  private onConnection (socket: Socket): void {
    const c: Client = { socket, authed: this.token === '', editTokens: EDIT_BURST, editRefill_ms: performance.now(), helloSent: false }
    this.clients.add(c)
    socket.setEncoding('utf8')
    socket.setNoDelay(true)
    const reader = new LineReader((line) => this.onLine(c, line), 64 * 1024)
    socket.on('data', (chunk: string) => {
      try { reader.push(chunk) } catch (e) { this.send(c, { type: 'event', level: 'warn', message: (e as Error).message }); socket.end() }
    })
    const gone = (): void => {
      this.clients.delete(c)
      if (this.teleop?.owner === c) this.stopTeleop()
    }
    socket.on('close', gone)
    socket.on('error', gone)
    if (c.authed) this.sendHello(c)
  }

  private sendHello (c: Client): void {
    if (this.hello === null || c.helloSent) return
    c.helloSent = true
    this.send(c, { ...this.hello, params: this.paramViews(), estop: this.estop })
    if (this.latest !== null) this.send(c, { type: 'tel', rec: encodeRecord(this.latest) })
  }

  private send (c: Client, m: ServerMessage): void {
    if (!c.socket.destroyed) c.socket.write(encodeMessage(m))
  }

  private broadcast (m: ServerMessage): void {
    const line = encodeMessage(m)
    for (const c of this.clients) if (c.authed && c.helloSent && !c.socket.destroyed) c.socket.write(line)
  }

  private onLine (c: Client, line: string): void {
    let m: ClientRequest
    try {
      m = JSON.parse(line) as ClientRequest
    } catch {
      this.send(c, { type: 'event', level: 'warn', message: `not JSON: ${line.slice(0, 80)}` })
      return
    }
    if (m === null || typeof m !== 'object' || typeof m.type !== 'string') {
      this.send(c, { type: 'event', level: 'warn', message: 'a request is a JSON object with a "type"' })
      return
    }
    if (!c.authed) {
      if (m.type === 'auth' && typeof m.token === 'string' && timingSafeEqual(digest(m.token), digest(this.token))) {
        c.authed = true
        this.sendHello(c)
      } else {
        this.send(c, { type: 'event', level: 'warn', message: 'bad or missing token: send {"type":"auth","token":...} first' })
        c.socket.end()
      }
      return
    }
    if (m.type === 'auth') return
    const id = typeof (m as { id?: unknown }).id === 'number' ? (m as { id: number }).id : 0
    const reply = (ok: boolean, message: string, extra: { diff?: string[], file?: string } = {}): void => this.send(c, { type: 'reply', id, ok, message, ...extra })
    if (this.att === null) { reply(false, 'the controller is still starting'); return }
    switch (m.type) {
      case 'ping': reply(true, 'pong'); break
      case 'set': this.onSet(c, m.name, m.value, reply); break
      case 'revert': this.onRevert(c, m.name, reply); break
      case 'twist': this.onTwist(c, m, reply); break
      case 'teleop-stop': this.stopTeleop(); reply(true, 'teleop stopped'); break
      case 'estop': this.engageEstop(); reply(true, this.estop.hard ? 'E-STOP: stand (safe mode), targets refused' : `E-STOP (${this.estop.note})`); break
      case 'estop-release': this.onEstopRelease(m.confirm === true, reply); break
      case 'save': this.onSave(m.write === true, reply); break
      default: reply(false, `unknown request type '${(m as { type: string }).type}'`)
    }
  }

  // --- parameters

  private paramViews (): ParamView[] {
    return this.params.map((p) => ({ name: p.name, unit: p.unit, min: p.min, max: p.max, value: p.value, target: p.ramp?.to ?? p.value, start: p.start, configKey: p.slot !== null ? slotText(p.slot) : null, doc: p.doc }))
  }

  private broadcastParams (): void {
    this.broadcast({ type: 'params', params: this.params.map((p) => ({ name: p.name, value: p.value, target: p.ramp?.to ?? p.value })) })
  }

  private admitEdit (c: Client): boolean {
    const now = performance.now()
    c.editTokens = Math.min(EDIT_BURST, c.editTokens + (now - c.editRefill_ms) / 1000 * EDITS_PER_S)
    c.editRefill_ms = now
    if (c.editTokens < 1) return false
    c.editTokens -= 1
    return true
  }

  /** Checks an edit; returns the number or a message saying what is wrong. */
  private checkValue (p: Param, raw: unknown): number | string {
    let v: number
    if (typeof raw === 'number') v = raw
    else if (typeof raw === 'string' && raw.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim())) v = Number(raw.trim())
    else return `'${String(raw)}' is not a number`
    if (!Number.isFinite(v)) return `${String(raw)} is not a finite number`
    const unit = p.unit !== '' ? ` ${p.unit}` : ''
    if (v < p.min || v > p.max) return `${v}${unit} is outside [${p.min}, ${p.max}]${unit}`
    return v
  }

  private onSet (c: Client, name: unknown, raw: unknown, reply: (ok: boolean, msg: string) => void): void {
    const p = this.params.find((q) => q.name === name)
    if (p === undefined) {
      const hint = typeof name === 'string' ? nearest(name, this.params.map((q) => q.name)) : null
      reply(false, `unknown parameter '${String(name)}'${hint !== null ? ` (did you mean '${hint}'?)` : ''}`)
      return
    }
    if (p.name === ESTOP_PARAM) { reply(false, 'runtime.estop is the e-stop: use it (space), not an edit'); return }
    const v = this.checkValue(p, raw)
    if (typeof v === 'string') { reply(false, `${p.name}: ${v}; not applied`); return }
    if (!this.admitEdit(c)) { reply(false, `${p.name}: too many edits (at most ${EDITS_PER_S} per second); not applied`); return }
    reply(...this.apply(p, v))
  }

  /** Sends `v` to the controller, at once or as a ramp; returns the reply. */
  private apply (p: Param, v: number): [boolean, string] {
    const unit = p.unit !== '' ? ` ${p.unit}` : ''
    const from = p.value
    if (from !== null && needsRamp(from, v, p.min, p.max)) {
      p.ramp = startRamp(from, v, performance.now())
      this.ensureRampTimer()
      this.broadcastParams()
      return [true, `${p.name}: ${from} → ${v}${unit}, ramping over ${p.ramp.duration_ms / 1000} s`]
    }
    p.ramp = null
    if (!this.att!.ready.setParam(p.name, v)) return [false, `${p.name}: the controller's parameter queue is full; try again`]
    p.value = v
    this.broadcastParams()
    return [true, `${p.name} = ${v}${unit}${from !== null ? ` (was ${from})` : ''}`]
  }

  private ensureRampTimer (): void {
    if (this.rampTimer !== null) return
    this.rampTimer = setInterval(() => {
      const now = performance.now()
      let active = 0
      for (const p of this.params) {
        if (p.ramp === null) continue
        const v = rampValue(p.ramp, now)
        if (this.att!.ready.setParam(p.name, v)) {
          p.value = v
          if (v === p.ramp.to) p.ramp = null
        }
        if (p.ramp !== null) active++
      }
      this.broadcastParams()
      if (active === 0 && this.rampTimer !== null) { clearInterval(this.rampTimer); this.rampTimer = null }
    }, RAMP_STEP_MS)
  }

  private onRevert (c: Client, name: unknown, reply: (ok: boolean, msg: string) => void): void {
    const targets = name === undefined || name === null ? this.params.filter((p) => p.start !== null && p.value !== p.start && p.name !== ESTOP_PARAM) : this.params.filter((p) => p.name === name)
    if (targets.length === 0) { reply(name === undefined || name === null, name === undefined || name === null ? 'nothing to revert' : `unknown parameter '${String(name)}'`); return }
    if (!this.admitEdit(c)) { reply(false, `too many edits (at most ${EDITS_PER_S} per second)`); return }
    const done: string[] = []
    for (const p of targets) {
      if (p.start === null) { reply(false, `${p.name}: its start-up value is unknown; set it instead`); return }
      const [ok, msg] = this.apply(p, p.start)
      if (!ok) { reply(false, msg); return }
      done.push(msg)
    }
    reply(true, done.length === 1 ? `reverted ${done[0]}` : `reverted ${done.length} parameters to their start-up values`)
  }

  private onSave (write: boolean, reply: (ok: boolean, msg: string, extra?: { diff?: string[], file?: string }) => void): void {
    const file = this.att!.configFile
    if (file === null) { reply(false, 'the controller was started without --config: there is no file to save to'); return }
    let text: string
    try { text = readFileSync(file, 'utf8') } catch (e) { reply(false, `${file}: ${(e as Error).message}`); return }
    let onFile: Map<string, number>
    try {
      onFile = this.fileValues(parseRuntimeConfig(text, file).value)
    } catch (e) {
      reply(false, e instanceof ConfigError ? `the file does not load now: ${e.message.split('\n')[0]}` : (e as Error).message)
      return
    }
    const changes: SaveChange[] = []
    const unsaved: string[] = []
    for (const p of this.params) {
      const v = p.ramp?.to ?? p.value
      if (v === null || p.name === ESTOP_PARAM || p.name === 'runtime.clear_faults') continue
      const was = onFile.get(p.name) ?? p.start
      if (was !== null && Math.abs(v - was) <= 1e-12 * Math.max(1, Math.abs(v))) continue
      if (p.slot === null) { unsaved.push(p.name); continue }
      changes.push({ name: p.name, slot: p.slot, value: v })
    }
    let plan
    try {
      plan = planSave(text, file, changes, this.att!.ready.robot.jointNames.length)
    } catch (e) {
      reply(false, e instanceof ConfigError ? `the edited file would not load: ${e.message.split('\n')[0]}` : (e as Error).message)
      return
    }
    const note = unsaved.length > 0 ? `; not saved (no configuration key): ${unsaved.join(', ')}` : ''
    if (plan.diff.length === 0) { reply(true, `nothing to save: ${file} already has these values${note}`, { diff: [], file }); return }
    if (!write) { reply(true, `${plan.written.length} change(s) to ${file}${note}`, { diff: plan.diff, file }); return }
    try {
      const tmp = `${file}.${process.pid}.tmp`
      writeFileSync(tmp, plan.text)
      renameSync(tmp, file)
    } catch (e) {
      reply(false, `${file}: ${(e as Error).message}`)
      return
    }
    reply(true, `saved ${plan.written.length} value(s) to ${file}${note}`, { diff: plan.diff, file })
  }

  /** Each parameter's value in a validated configuration (absent: the file leaves it to the robot). */
  private fileValues (cfg: RuntimeConfig): Map<string, number> {
    const out = new Map<string, number>()
    for (const p of this.params) {
      if (p.slot === null) continue
      const v = slotValue(cfg, p.slot)
      if (v !== null) out.set(p.name, v)
    }
    return out
  }

  // --- teleop

  private onTwist (c: Client, m: { vx: unknown, vy: unknown, wz: unknown, height?: unknown, gait?: unknown }, reply: (ok: boolean, msg: string) => void): void {
    const port = this.att!.ready.port
    if (port === null) { reply(false, this.hello!.teleopUnavailable ?? 'no policy port'); return }
    if (this.estop.engaged) { reply(false, 'e-stop engaged: leave it first'); return }
    const num = (x: unknown): number | null => typeof x === 'number' && Number.isFinite(x) ? x : null
    const vx = num(m.vx); const vy = num(m.vy); const wz = num(m.wz)
    if (vx === null || vy === null || wz === null) { reply(false, 'twist needs finite vx, vy, wz'); return }
    const lim = this.hello!.limits
    const clamp = (x: number, k: string): number => Math.min(lim[k][1], Math.max(lim[k][0], x))
    const twist: { vx: number, vy: number, wz: number, height?: number, gait?: number } = { vx: clamp(vx, 'vx'), vy: clamp(vy, 'vy'), wz: clamp(wz, 'wz') }
    if (m.height !== undefined && m.height !== null) {
      const h = num(m.height)
      if (h === null) { reply(false, 'height must be a finite number [m]'); return }
      twist.height = clamp(h, 'height')
    }
    if (m.gait !== undefined && m.gait !== null) {
      const g = GAIT_NAMES.indexOf(m.gait as typeof GAIT_NAMES[number])
      if (g < 0) { reply(false, `gait '${String(m.gait)}' is not one of ${GAIT_NAMES.join(', ')}`); return }
      twist.gait = g
    }
    const verdict = this.submitTwist(twist)
    if (!verdict.ok) { reply(false, `twist refused: ${verdict.message}`); return }
    this.teleop = { twist, owner: c, last_ms: performance.now() }
    reply(true, `twist vx ${twist.vx.toFixed(2)} vy ${twist.vy.toFixed(2)} wz ${twist.wz.toFixed(2)}${twist.height !== undefined ? ` height ${twist.height.toFixed(3)}` : ''}${twist.gait !== undefined ? ` gait ${GAIT_NAMES[twist.gait]}` : ''}`)
  }

  private submitTwist (t: { vx: number, vy: number, wz: number, height?: number, gait?: number }): { ok: boolean, message: string } {
    const port = this.att?.ready.port
    if (port === null || port === undefined) return { ok: false, message: 'no policy port' }
    let mask = TwistBit.vx | TwistBit.vy | TwistBit.wz
    if (t.height !== undefined) mask |= TwistBit.height
    if (t.gait !== undefined) mask |= TwistBit.gait
    // seq 0 restarts the local sender's numbering, so teleop never collides with other local targets.
    const v = port.submitLocal({ kind: 'twist', mask, vx: t.vx, vy: t.vy, wz: t.wz, height: t.height ?? NaN, roll: NaN, pitch: NaN, gait: t.gait ?? -1, step_hz: NaN }, null, 0)
    return v.ok ? { ok: true, message: '' } : { ok: false, message: v.message }
  }

  private teleopTick (): void {
    const tp = this.teleop
    if (tp === null) return
    if (performance.now() - tp.last_ms > TELEOP_STALE_MS || tp.owner.socket.destroyed) { this.stopTeleop(); return }
    this.submitTwist(tp.twist)
  }

  private stopTeleop (): void {
    if (this.teleop === null) return
    const g = this.teleop.twist.gait
    this.teleop = null
    this.submitTwist({ vx: 0, vy: 0, wz: 0, gait: g })
  }

  // --- e-stop

  private engageEstop (): void {
    const wasTeleop = this.teleop !== null
    this.teleop = null
    if (this.estop.hard) {
      // Retried every millisecond until the ring takes it (it holds 64 updates; the worker drains it every tick).
      const push = (): void => { if (!this.att!.ready.setParam(ESTOP_PARAM, 1)) setTimeout(push, 1) }
      push()
    } else if (wasTeleop || this.att!.ready.port !== null) {
      this.submitTwist({ vx: 0, vy: 0, wz: 0, gait: GAIT_NAMES.indexOf('stand') })
    }
    this.estop = { ...this.estop, engaged: true }
    this.estopT = this.controllerTime()
    this.broadcast({ type: 'estop', estop: this.estop })
  }

  /** Controller time of the newest telemetry record [s] (0 before the first). */
  private controllerTime (): number {
    if (this.latest === null || this.att === null) return 0
    return this.latest[this.att.ready.worker.shared.layouts.telemetry.at.t]
  }

  private onEstopRelease (confirm: boolean, reply: (ok: boolean, msg: string) => void): void {
    if (!this.estop.engaged) { reply(false, 'the e-stop is not engaged'); return }
    if (!confirm) { reply(false, 'leaving the e-stop needs confirm: true'); return }
    // Targets held from before the e-stop expire after policy.timeout_ms of silence (the controller refuses
    // new ones meanwhile); leaving earlier would resume them.
    const hold = this.att!.config.value.policy.timeout_ms / 1000
    const waited = this.controllerTime() - this.estopT
    if (this.estop.hard && waited < hold) { reply(false, `wait ${(hold - waited).toFixed(2)} s: the targets from before the e-stop expire after policy.timeout_ms (${hold * 1000} ms)`); return }
    if (this.estop.hard && !this.att!.ready.setParam(ESTOP_PARAM, 0)) { reply(false, 'the controller\'s parameter queue is full; try again'); return }
    this.estop = { ...this.estop, engaged: false }
    this.broadcast({ type: 'estop', estop: this.estop })
    reply(true, 'e-stop released')
  }

  // --- streams

  private sendTelemetry (): void {
    if (!this.fresh || this.latest === null) return
    this.fresh = false
    const line = encodeMessage({ type: 'tel', rec: encodeRecord(this.latest) })
    for (const c of this.clients) {
      if (c.authed && c.helloSent && !c.socket.destroyed && c.socket.writableLength < MAX_BUFFERED) c.socket.write(line)
    }
  }

  private sendStats (): void {
    const att = this.att
    if (att === null) return
    const sh = att.ready.worker.shared
    const counters: Record<string, number> = {}
    COUNTERS.forEach((n, i) => { counters[n] = sh.counters[i] })
    if (counters.params_refused > this.paramsRefused) {
      this.broadcast({ type: 'event', level: 'warn', message: `the controller refused ${counters.params_refused - this.paramsRefused} parameter update(s)` })
    }
    this.paramsRefused = counters.params_refused
    const now = performance.now()
    const tick = counters.ticks
    let rate = 0
    if (this.rateMark !== null && now > this.rateMark.ms && tick >= this.rateMark.tick) rate = (tick - this.rateMark.tick) / ((now - this.rateMark.ms) / 1000)
    this.rateMark = { ms: now, tick }
    const n = this.winCount
    const scratch = new Float64Array(WINDOW)
    const winOf = (k: number): Percentile3 => { scratch.set(this.win[k]); return windowPct(scratch, n) }
    const stages: Record<string, Percentile3> = {}
    sh.spec.stageNames.forEach((name, i) => { stages[name] = winOf(2 + i) })
    let link: Record<string, number | string> = {}
    try { link = att.link?.() ?? {} } catch (e) { link = { error: (e as Error).message } }
    if (this.clients.size === 0) return
    this.broadcast({
      type: 'stats',
      counters,
      window_s: n / att.config.value.control.rate_hz,
      lateness: winOf(0),
      compute: winOf(1),
      stages,
      lateness_total: pct3(sh.lateness.percentiles()),
      compute_total: pct3(sh.compute.percentiles()),
      rate_hz: Math.round(rate * 10) / 10,
      link
    })
  }
}

// --- for `cerebellum run`: --control, --control-token, --no-control, --tui

export interface ControlSessionOptions {
  /** --control ADDR; default 127.0.0.1:7772 (a free port when that one is taken). */
  control?: string
  /** --control-token, else CEREBELLUM_CONTROL_TOKEN. */
  token?: string
  /** --tui: start the terminal UI in this terminal, as a child process attached to the socket. */
  tui: boolean
  configFile: string | null
  scene: string
  plant: string
  /** Where start-up lines go. */
  out: NodeJS.WritableStream
}

/** The control socket of one `cerebellum run`, and the UI child process with --tui. */
export class ControlSession {
  private child: ChildProcess | null = null
  private cfg: Validated<RuntimeConfig> | null = null

  private constructor (readonly socket: ControlSocket, private readonly o: ControlSessionOptions, private readonly token: string) {}

  /** Opens the socket (before the controller starts, so a bad --control fails early). */
  static async open (o: ControlSessionOptions): Promise<ControlSession> {
    const explicit = o.control !== undefined
    const address = parseControlAddress(o.control ?? `${DEFAULT_CONTROL_HOST}:${DEFAULT_CONTROL_PORT}`)
    const token = o.token ?? process.env.CEREBELLUM_CONTROL_TOKEN ?? ''
    const socket = await ControlSocket.open({ address, token, fallbackToFreePort: !explicit })
    const s = new ControlSession(socket, o, token)
    s.cfg = loadRuntimeConfig(o.configFile ?? undefined)
    return s
  }

  /** True while the UI child owns the terminal (the run prints no status lines then). */
  tuiActive (): boolean { return this.child !== null }

  /** Call from the run's onReady: attaches the socket and, with --tui, starts the UI. */
  ready (info: ReadyInfo): void {
    this.socket.attach({
      ready: info,
      config: this.cfg!,
      configFile: this.o.configFile,
      robotName: basename(dirname(resolve(this.o.scene))),
      plant: this.o.plant,
      link: info.plantLink ?? undefined
    })
    const addr = formatControlAddress(this.socket.address)
    this.o.out.write(`control socket: ${addr} (cerebellum tui --connect ${addr})\n`)
    if (!this.o.tui) return
    const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url))
    const child = spawn(process.execPath, [...process.execArgv, main, 'tui', '--connect', addr], {
      stdio: 'inherit',
      env: { ...process.env, CEREBELLUM_CONTROL_TOKEN: this.token }
    })
    this.child = child
    child.on('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = null
      this.o.out.write(code === 0
        ? `terminal UI closed; the controller keeps running (Ctrl-C stops it; cerebellum tui --connect ${addr} reattaches)\n`
        : `terminal UI ended (${signal ?? `exit ${code}`}); the controller keeps running (cerebellum tui --connect ${addr} reattaches)\n`)
    })
  }

  onTelemetry (rec: Float64Array): void { this.socket.onTelemetry(rec) }

  /** Ends the UI child (it restores the terminal) and closes the socket. */
  async close (): Promise<void> {
    const child = this.child
    this.child = null
    if (child !== null && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())])
    }
    await this.socket.close()
  }
}
