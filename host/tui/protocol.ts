// The control socket's wire format, shared by the runtime side (host/runtime/control-socket.ts) and the
// terminal UI (host/tui/client.ts): newline-delimited JSON objects over TCP or a Unix socket.
//
//   client → controller   {type: 'auth', token}          first line, when the socket has a token
//                         {type: 'set' | 'revert' | 'twist' | 'teleop-stop' | 'estop' | 'estop-release' | 'save' | 'ping', id, ...}
//   controller → client   {type: 'hello', ...}            once: layouts, parameter table, names
//                         {type: 'tel', rec}              a telemetry record (telemetry layout), ≤ 30 Hz
//                         {type: 'stats', ...}            counters and timing percentiles, 2 Hz
//                         {type: 'params', params}        parameter values whenever they change
//                         {type: 'estop', ...}            e-stop state whenever it changes
//                         {type: 'reply', id, ok, message, ...}   the answer to a request
//
// Telemetry is described, not hard-coded: `hello` carries the telemetry, sensor and command layouts
// (field names, lengths, units), the stage names and the controller output names, so fields added to
// the runtime or by a locomotion step show up in the UI without a change here. NaN travels as null.
import { isAbsolute } from 'node:path'
import type { FieldDef } from '../runtime/record-layout.ts'

export const CONTROL_PROTOCOL = 1
/** Default TCP port of the control socket (next to the policy port's 7770 UDP / 7771 WebSocket). */
export const DEFAULT_CONTROL_PORT = 7772
export const DEFAULT_CONTROL_HOST = '127.0.0.1'

/** Where the control socket listens or a client connects. */
export type ControlAddress = { kind: 'tcp', host: string, port: number } | { kind: 'unix', path: string }

/**
 * Parses `HOST:PORT`, `:PORT`, `PORT`, `[v6]:PORT`, `unix:PATH` or an absolute/relative socket path
 * (anything containing '/'). Throws naming the text when it is none of these.
 */
export function parseControlAddress (text: string): ControlAddress {
  const s = text.trim()
  if (s.startsWith('unix:')) {
    const path = s.slice(5)
    if (path === '') throw new Error(`control address '${text}': unix: needs a socket path`)
    return { kind: 'unix', path }
  }
  if (s.includes('/') || isAbsolute(s)) return { kind: 'unix', path: s }
  let host = DEFAULT_CONTROL_HOST
  let portText = s
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s)
  if (v6 !== null) { host = v6[1]; portText = v6[2] } else if (s.includes(':')) {
    const i = s.lastIndexOf(':')
    host = s.slice(0, i) === '' ? DEFAULT_CONTROL_HOST : s.slice(0, i)
    portText = s.slice(i + 1)
  }
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`control address '${text}': expected HOST:PORT (port 0–65535) or unix:PATH`)
  return { kind: 'tcp', host, port }
}

export function formatControlAddress (a: ControlAddress): string {
  return a.kind === 'unix' ? `unix:${a.path}` : `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`
}

/** True for addresses only this machine can reach (no token needed). */
export function isLoopback (a: ControlAddress): boolean {
  return a.kind === 'unix' || a.host === '127.0.0.1' || a.host === '::1' || a.host === 'localhost' || a.host.startsWith('127.')
}

/** One tunable parameter as the UI shows it. */
export interface ParamView {
  name: string
  unit: string
  min: number
  max: number
  /** Value the controller was last given [unit]; null when unknown (no initial value was reported). */
  value: number | null
  /** Where a ramp is heading; equals value when no ramp runs. */
  target: number | null
  /** Value at start-up (what `revert` goes back to); null when unknown. */
  start: number | null
  /** Configuration key `s` writes it to, or null when it has none. */
  configKey: string | null
  doc: string
}

export interface Hello {
  type: 'hello'
  protocol: number
  robot: string
  mode: 'realtime' | 'lockstep'
  rate_hz: number
  jointNames: string[]
  footNames: string[]
  telemetry: FieldDef[]
  sensor: FieldDef[]
  command: FieldDef[]
  stageNames: string[]
  outputNames: string[]
  modes: readonly string[]
  faults: readonly string[]
  gaits: readonly string[]
  twistFields: readonly string[]
  params: ParamView[]
  configFile: string | null
  /** Teleop needs the policy port (it validates twists like any policy's); null when available. */
  teleopUnavailable: string | null
  /** Twist limits the policy port accepts: vx vy wz height [min, max]. */
  limits: Record<string, [number, number]>
  estop: EstopState
  plant: string
}

export interface EstopState {
  engaged: boolean
  /** True when the controller itself holds the robot in the safe mode (runtime.estop); false: soft stop only. */
  hard: boolean
  /** Why, for the banner. */
  note: string
}

export interface Percentile3 { p50: number, p99: number, max: number }

export interface Stats {
  type: 'stats'
  counters: Record<string, number>
  /** Over the last `window_s` of telemetry. */
  window_s: number
  lateness: Percentile3
  compute: Percentile3
  stages: Record<string, Percentile3>
  /** Since start (the shared histograms). */
  lateness_total: Percentile3
  compute_total: Percentile3
  /** Ticks per second over the window. */
  rate_hz: number
  /** Plant / bridge link figures, by name (empty for the simulation). */
  link: Record<string, number | string>
}

export type ServerMessage =
  | Hello
  | { type: 'tel', rec: Array<number | null> }
  | Stats
  | { type: 'params', params: Array<{ name: string, value: number | null, target: number | null }> }
  | { type: 'estop', estop: EstopState }
  | { type: 'reply', id: number, ok: boolean, message: string, diff?: string[], file?: string }
  | { type: 'event', level: 'info' | 'warn', message: string }

export type ClientRequest =
  | { type: 'auth', token: string }
  | { type: 'set', id: number, name: string, value: unknown }
  | { type: 'revert', id: number, name?: string }
  | { type: 'twist', id: number, vx: number, vy: number, wz: number, height?: number, gait?: string }
  | { type: 'teleop-stop', id: number }
  | { type: 'estop', id: number }
  | { type: 'estop-release', id: number, confirm: boolean }
  | { type: 'save', id: number, write: boolean }
  | { type: 'ping', id: number }

/** Splits a byte stream into lines; calls `onLine` for each complete one. Refuses lines over `maxLine` bytes. */
export class LineReader {
  private buf = ''
  constructor (private readonly onLine: (line: string) => void, private readonly maxLine = 1 << 20) {}

  /** Feeds a chunk; throws when a line grows past maxLine (the peer is not speaking this protocol). */
  push (chunk: string): void {
    this.buf += chunk
    let i = this.buf.indexOf('\n')
    while (i >= 0) {
      const line = this.buf.slice(0, i)
      this.buf = this.buf.slice(i + 1)
      if (line.trim() !== '') this.onLine(line)
      i = this.buf.indexOf('\n')
    }
    if (this.buf.length > this.maxLine) throw new Error(`line longer than ${this.maxLine} bytes`)
  }
}

/** JSON for the wire: NaN and ±Infinity become null. */
export function encodeMessage (m: ServerMessage | ClientRequest): string {
  return JSON.stringify(m) + '\n'
}

/** A float64 record as JSON numbers (7 significant digits; non-finite → null). */
export function encodeRecord (rec: ArrayLike<number>): Array<number | null> {
  const out = new Array<number | null>(rec.length)
  for (let i = 0; i < rec.length; i++) {
    const v = rec[i]
    out[i] = Number.isFinite(v) ? (v === Math.trunc(v) && Math.abs(v) < 1e15 ? v : Number(v.toPrecision(7))) : null
  }
  return out
}
