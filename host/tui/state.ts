// The terminal UI's state and its one transition function: `reduce(state, event)` applies a server
// message, a key or a resize to the state (in place: the plot history is a ring buffer) and returns the
// effects to carry out (requests to send, quitting). No I/O and no rendering here (view/ draws the
// state; app.ts does the I/O), so the logic is testable without a terminal.
import { TELEOP_STEP } from './keys.ts'
import type { ClientRequest, EstopState, Hello, ParamView, ServerMessage, Stats } from './protocol.ts'
import { RecordIndex } from './record-index.ts'

/** Controller-time width of one plot column [s]. */
export const PLOT_COLUMN_S = 0.1
/** Columns of history kept (wider terminals show more of it). */
export const HISTORY = 400

export type Tab = 'gains' | 'motors' | 'controller'
export const TABS: readonly Tab[] = ['gains', 'motors', 'controller']

type RequestBody = ClientRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never

export type Effect = { type: 'request', body: RequestBody, quiet?: boolean } | { type: 'quit' }

export type TuiEvent =
  | { type: 'resize', cols: number, rows: number }
  | { type: 'server', msg: ServerMessage }
  | { type: 'conn', state: 'connecting' | 'connected' | 'closed', error?: string }
  | { type: 'key', key: string }
  | { type: 'heartbeat' }

/** Velocity history: commanded (active twist) and estimated (or true, in simulation) per column. */
export interface History {
  cmd: Float64Array[]
  est: Float64Array[]
  /** Columns written. */
  count: number
  /** Controller time of the column being filled [s]; its running sums. */
  colT: number
  sum: Float64Array
  n: number
  /** 'est' when the estimator gives the velocity, 'true' when it comes from simulator ground truth. */
  source: 'est' | 'true' | 'none'
}

export interface TuiState {
  cols: number
  rows: number
  color: boolean
  unicode: boolean
  conn: 'connecting' | 'connected' | 'closed'
  connError: string
  address: string
  hello: Hello | null
  idx: RecordIndex | null
  tel: Float64Array | null
  stats: Stats | null
  params: ParamView[]
  selected: number
  scroll: number
  filter: string
  filtering: boolean
  tab: Tab
  edit: { name: string, text: string } | null
  message: { text: string, level: 'info' | 'warn' | 'error' }
  save: { lines: string[], file: string, scroll: number, pending: boolean, writing: boolean } | null
  estop: EstopState
  confirmLeave: boolean
  teleop: { armed: boolean, vx: number, vy: number, wz: number, height: number | null, gait: string | null }
  history: History
  /** Requests whose replies are not shown (teleop refresh). */
  quietIds: Set<number>
  /** Id of the save request whose reply opens or closes the diff view. */
  saveId: number
}

export function initialState (o: { cols: number, rows: number, color: boolean, unicode: boolean, address: string }): TuiState {
  return {
    ...o,
    conn: 'connecting',
    connError: '',
    hello: null,
    idx: null,
    tel: null,
    stats: null,
    params: [],
    selected: 0,
    scroll: 0,
    filter: '',
    filtering: false,
    tab: 'gains',
    edit: null,
    message: { text: `connecting to ${o.address} …`, level: 'info' },
    save: null,
    estop: { engaged: false, hard: false, note: '' },
    confirmLeave: false,
    teleop: { armed: false, vx: 0, vy: 0, wz: 0, height: null, gait: null },
    history: newHistory(),
    quietIds: new Set(),
    saveId: -1
  }
}

function newHistory (): History {
  const mk = (): Float64Array[] => [new Float64Array(HISTORY).fill(NaN), new Float64Array(HISTORY).fill(NaN), new Float64Array(HISTORY).fill(NaN)]
  return { cmd: mk(), est: mk(), count: 0, colT: -Infinity, sum: new Float64Array(6), n: 0, source: 'none' }
}

/** Parameters matching the filter (substring, case-insensitive), in table order. */
export function visibleParams (s: TuiState): ParamView[] {
  if (s.filter === '') return s.params
  const f = s.filter.toLowerCase()
  return s.params.filter((p) => p.name.toLowerCase().includes(f))
}

/** Commanded (twist) and measured base velocity [vx, vy, wz], body frame; measured from the estimate, else ground truth. */
export function velocities (idx: RecordIndex, rec: Float64Array): { cmd: [number, number, number], est: [number, number, number], source: History['source'] } {
  const cmd: [number, number, number] = [idx.t(rec, 'twist', 0), idx.t(rec, 'twist', 1), idx.t(rec, 'twist', 2)]
  let vx = idx.t(rec, 'est_v_base_body', 0)
  let vy = idx.t(rec, 'est_v_base_body', 1)
  let source: History['source'] = 'est'
  if (!Number.isFinite(vx) && idx.s(rec, 'gt_valid') === 1) {
    // v_body = Rᵀ v_world, R from the true orientation (wxyz).
    const w = idx.s(rec, 'gt_quat_base_world', 0); const x = idx.s(rec, 'gt_quat_base_world', 1)
    const y = idx.s(rec, 'gt_quat_base_world', 2); const z = idx.s(rec, 'gt_quat_base_world', 3)
    const v0 = idx.s(rec, 'gt_v_base_world', 0); const v1 = idx.s(rec, 'gt_v_base_world', 1); const v2 = idx.s(rec, 'gt_v_base_world', 2)
    vx = (1 - 2 * (y * y + z * z)) * v0 + 2 * (x * y + w * z) * v1 + 2 * (x * z - w * y) * v2
    vy = 2 * (x * y - w * z) * v0 + (1 - 2 * (x * x + z * z)) * v1 + 2 * (y * z + w * x) * v2
    source = 'true'
  } else if (!Number.isFinite(vx)) source = 'none'
  return { cmd, est: [vx, vy, idx.t(rec, 'est_omega_base_body', 2)], source }
}

function pushHistory (h: History, idx: RecordIndex, rec: Float64Array): void {
  const t = idx.t(rec, 't')
  const v = velocities(idx, rec)
  h.source = v.source
  if (t < h.colT - 1) { h.count = 0; h.colT = -Infinity } // the controller restarted
  if (t >= h.colT + PLOT_COLUMN_S && h.n > 0) {
    const k = h.count % HISTORY
    for (let a = 0; a < 3; a++) {
      h.cmd[a][k] = h.sum[a] / h.n
      h.est[a][k] = h.sum[3 + a] / h.n
    }
    h.count++
    h.sum.fill(0)
    h.n = 0
  }
  if (h.n === 0) h.colT = Math.floor(t / PLOT_COLUMN_S) * PLOT_COLUMN_S
  for (let a = 0; a < 3; a++) { h.sum[a] += v.cmd[a]; h.sum[3 + a] += v.est[a] }
  h.n++
}

function say (s: TuiState, text: string, level: TuiState['message']['level'] = 'info'): void {
  s.message = { text, level }
}

function twistBody (s: TuiState): RequestBody {
  const t = s.teleop
  return { type: 'twist', vx: t.vx, vy: t.vy, wz: t.wz, ...(t.height !== null ? { height: t.height } : {}), ...(t.gait !== null ? { gait: t.gait } : {}) }
}

function clampTo (x: number, lim: [number, number] | undefined): number {
  return lim === undefined ? x : Math.min(lim[1], Math.max(lim[0], x))
}

/** Applies one event; returns what to do about it. */
export function reduce (s: TuiState, e: TuiEvent): Effect[] {
  switch (e.type) {
    case 'resize': s.cols = e.cols; s.rows = e.rows; return []
    case 'conn':
      s.conn = e.state
      if (e.state === 'closed') {
        s.connError = e.error ?? ''
        s.teleop.armed = false
        say(s, `disconnected: ${s.connError} — reconnecting (the controller keeps running)`, 'warn')
      } else if (e.state === 'connected') say(s, `connected to ${s.address}`)
      return []
    case 'heartbeat':
      return s.teleop.armed && s.conn === 'connected' && !s.estop.engaged ? [{ type: 'request', body: twistBody(s), quiet: true }] : []
    case 'server': return onServer(s, e.msg)
    case 'key': return onKey(s, e.key)
  }
}

function onServer (s: TuiState, m: ServerMessage): Effect[] {
  switch (m.type) {
    case 'hello':
      s.hello = m
      s.idx = new RecordIndex(m)
      s.params = m.params
      s.estop = m.estop
      s.selected = Math.min(s.selected, Math.max(0, m.params.length - 1))
      s.history = newHistory()
      break
    case 'tel': {
      if (s.idx === null) break
      if (s.tel === null || s.tel.length !== m.rec.length) s.tel = new Float64Array(m.rec.length)
      for (let i = 0; i < m.rec.length; i++) s.tel[i] = m.rec[i] ?? NaN
      pushHistory(s.history, s.idx, s.tel)
      break
    }
    case 'stats': s.stats = m; break
    case 'params': {
      const by = new Map(m.params.map((p) => [p.name, p]))
      for (const p of s.params) {
        const u = by.get(p.name)
        if (u !== undefined) { p.value = u.value; p.target = u.target }
      }
      break
    }
    case 'estop':
      s.estop = m.estop
      if (!m.estop.engaged) s.confirmLeave = false
      if (m.estop.engaged) s.teleop.armed = false
      break
    case 'event': say(s, m.message, m.level === 'warn' ? 'warn' : 'info'); break
    case 'reply':
      if (s.quietIds.delete(m.id) && m.ok) break
      if (m.id === s.saveId) {
        if (m.ok && m.diff !== undefined && m.diff.length > 0 && s.save !== null && s.save.pending && !s.save.writing) {
          s.save = { lines: m.diff, file: m.file ?? '', scroll: 0, pending: false, writing: false }
        } else s.save = null
      }
      say(s, m.message, m.ok ? 'info' : 'error')
      break
  }
  return []
}

function request (body: RequestBody, quiet = false): Effect {
  return { type: 'request', body, quiet }
}

function onKey (s: TuiState, k: string): Effect[] {
  if (k === 'C-c') return [...(s.teleop.armed ? [request({ type: 'teleop-stop' })] : []), { type: 'quit' }]
  // The e-stop works in every view, editing included.
  if (k === 'space') {
    s.edit = null
    s.filtering = false
    s.save = null
    s.confirmLeave = false
    s.teleop.armed = false
    s.teleop.vx = 0; s.teleop.vy = 0; s.teleop.wz = 0
    say(s, 'E-STOP sent', 'warn')
    return [request({ type: 'estop' })]
  }
  if (s.confirmLeave) {
    s.confirmLeave = false
    if (k === 'y' || k === 'Y') return [request({ type: 'estop-release', confirm: true })]
    say(s, 'still stopped')
    return []
  }
  if (s.save !== null) return saveKey(s, k)
  if (s.edit !== null) return editKey(s, k)
  if (s.filtering) return filterKey(s, k)
  if (s.teleop.armed) return teleopKey(s, k)
  if (s.estop.engaged && (k === 'u' || k === 'U')) {
    s.confirmLeave = true
    say(s, 'Leave the e-stop and resume? y = yes, any other key = stay stopped', 'warn')
    return []
  }
  const list = visibleParams(s)
  const move = (d: number): void => { s.selected = Math.max(0, Math.min(list.length - 1, s.selected + d)) }
  switch (k) {
    case 'q': return [{ type: 'quit' }]
    case 'up': case 'k': move(-1); return []
    case 'down': case 'j': move(1); return []
    case 'pageup': move(-10); return []
    case 'pagedown': move(10); return []
    case 'home': s.selected = 0; return []
    case 'end': s.selected = Math.max(0, list.length - 1); return []
    case 'tab': s.tab = TABS[(TABS.indexOf(s.tab) + 1) % TABS.length]; return []
    case '1': s.tab = 'gains'; return []
    case '2': s.tab = 'motors'; return []
    case '3': s.tab = 'controller'; return []
    case '/': s.filtering = true; s.tab = 'gains'; return []
    case 'enter': case 'e': {
      const p = list[s.selected]
      if (p === undefined) return []
      s.tab = 'gains'
      s.edit = { name: p.name, text: '' }
      return []
    }
    case 'r': {
      const p = list[s.selected]
      return p === undefined ? [] : [request({ type: 'revert', name: p.name })]
    }
    case 'R': return [request({ type: 'revert' })]
    case 's': case 'S': {
      s.save = { lines: [], file: '', scroll: 0, pending: true, writing: false }
      const eff = request({ type: 'save', write: false })
      return [eff]
    }
    case 't': case 'T': {
      if (s.estop.engaged) { say(s, 'e-stop engaged: press u to leave it first', 'warn'); return [] }
      if (s.hello?.teleopUnavailable != null) { say(s, s.hello.teleopUnavailable, 'error'); return [] }
      s.teleop = { armed: true, vx: 0, vy: 0, wz: 0, height: null, gait: s.teleop.gait }
      say(s, 'teleop on: w/s a/d q/e drive, x stops, esc or t turns it off')
      return [request(twistBody(s))]
    }
    default: return []
  }
}

function saveKey (s: TuiState, k: string): Effect[] {
  const sv = s.save!
  if (sv.pending) { if (k === 'escape' || k === 'n') s.save = null; return [] }
  switch (k) {
    case 'y': case 'Y':
      sv.pending = true
      sv.writing = true
      return [request({ type: 'save', write: true })]
    case 'up': case 'k': sv.scroll = Math.max(0, sv.scroll - 1); return []
    case 'down': case 'j': sv.scroll = Math.min(Math.max(0, sv.lines.length - 1), sv.scroll + 1); return []
    case 'pageup': sv.scroll = Math.max(0, sv.scroll - 10); return []
    case 'pagedown': sv.scroll = Math.min(Math.max(0, sv.lines.length - 1), sv.scroll + 10); return []
    default:
      s.save = null
      say(s, 'not saved')
      return []
  }
}

function editKey (s: TuiState, k: string): Effect[] {
  const ed = s.edit!
  if (k === 'escape') { s.edit = null; say(s, 'edit cancelled'); return [] }
  if (k === 'backspace' || k === 'delete') { ed.text = ed.text.slice(0, -1); return [] }
  if (k === 'enter') {
    s.edit = null
    if (ed.text.trim() === '') { say(s, `${ed.name}: no value typed; not applied`, 'error'); return [] }
    // Sent as typed: the controller side checks it (number, bounds) and says what is wrong.
    return [request({ type: 'set', name: ed.name, value: ed.text.trim() })]
  }
  if (k.length === 1 && ed.text.length < 32) ed.text += k
  return []
}

function filterKey (s: TuiState, k: string): Effect[] {
  if (k === 'escape') { s.filtering = false; s.filter = ''; s.selected = 0; return [] }
  if (k === 'enter') { s.filtering = false; return [] }
  if (k === 'backspace' || k === 'delete') s.filter = s.filter.slice(0, -1)
  else if (k.length === 1) s.filter += k
  s.selected = 0
  s.scroll = 0
  return []
}

function teleopKey (s: TuiState, k: string): Effect[] {
  const t = s.teleop
  const lim = s.hello?.limits
  const heightNow = (): number => t.height ?? (s.tel !== null && s.idx !== null ? s.idx.t(s.tel, 'twist', 3) : 0.28)
  switch (k) {
    case 'escape': case 't': case 'T':
      t.armed = false
      say(s, 'teleop off')
      return [request({ type: 'teleop-stop' })]
    case 'w': case 'W': t.vx = clampTo(t.vx + TELEOP_STEP.vx, lim?.vx); break
    case 's': case 'S': t.vx = clampTo(t.vx - TELEOP_STEP.vx, lim?.vx); break
    case 'a': case 'A': t.vy = clampTo(t.vy + TELEOP_STEP.vy, lim?.vy); break
    case 'd': case 'D': t.vy = clampTo(t.vy - TELEOP_STEP.vy, lim?.vy); break
    case 'q': case 'Q': t.wz = clampTo(t.wz + TELEOP_STEP.wz, lim?.wz); break
    case 'e': case 'E': t.wz = clampTo(t.wz - TELEOP_STEP.wz, lim?.wz); break
    case 'x': case 'X': t.vx = 0; t.vy = 0; t.wz = 0; break
    case '+': case '=': t.height = clampTo(heightNow() + TELEOP_STEP.height, lim?.height); break
    case '-': case '_': t.height = clampTo(heightNow() - TELEOP_STEP.height, lim?.height); break
    case 'g': case 'G': {
      const gaits = s.hello?.gaits ?? []
      const i = t.gait === null ? 0 : gaits.indexOf(t.gait)
      t.gait = gaits[(i + 1) % Math.max(1, gaits.length)] ?? null
      break
    }
    default: return []
  }
  // Round away binary noise so the display and the wire say 0.3, not 0.30000000000000004.
  t.vx = Math.round(t.vx * 1000) / 1000
  t.vy = Math.round(t.vy * 1000) / 1000
  t.wz = Math.round(t.wz * 1000) / 1000
  if (t.height !== null) t.height = Math.round(t.height * 10000) / 10000
  return [request(twistBody(s))]
}
