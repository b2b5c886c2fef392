// The frame: `render(state) → rows` (each exactly `cols` cells, escapes included). Layout, top to bottom:
//   header      robot, run mode, time, controller mode, gait, teleop, e-stop (3–4 rows)
//   body        velocity plots + contacts | gains / motors / controller (tabs); from 120 columns the
//               gains get their own column; the save diff replaces the body while it is open
//   footer      message or prompt, then the keys
// Everything is read from the state; panels show whatever fields the layouts in `hello` carry.
import { HELP } from '../keys.ts'
import { HISTORY, visibleParams, type TuiState } from '../state.ts'
import { Line, fmt, fmtFit, type RenderOptions, type Style } from './line.ts'
import { plot, plotScale } from './plot.ts'

const CMD: Style = { fg: 'cyan' }
const EST: Style = { fg: 'yellow' }

function modeName (s: TuiState): string {
  if (s.tel === null || s.idx === null || s.hello === null) return '—'
  return s.hello.modes[s.idx.t(s.tel, 'mode')] ?? '?'
}

function gaitName (s: TuiState): string {
  if (s.tel === null || s.idx === null || s.hello === null) return '—'
  return s.hello.gaits[s.idx.t(s.tel, 'twist', 6)] ?? '—'
}

function faultList (s: TuiState): string[] {
  if (s.tel === null || s.idx === null || s.hello === null) return []
  const mask = s.idx.t(s.tel, 'faults')
  return s.hello.faults.filter((_, i) => (mask & (1 << i)) !== 0)
}

function shortJoint (n: string): string {
  return n.replace(/_joint$/, '')
}

// --- header

function header (s: TuiState, w: number): Line[] {
  const h = s.hello
  const top = new Line(w, { inverse: true })
  top.add(' cerebellum ', { bold: true, inverse: true })
  // The e-stop and connection badges come first, so a narrow terminal never cuts them off.
  if (s.estop.engaged) top.add(s.estop.hard ? ' E-STOP ' : ' E-STOP (soft) ', { inverse: false, bold: true, fg: 'red' })
  else if (s.conn !== 'connected') top.add(' OFFLINE ', { inverse: false, bold: true, fg: 'yellow' })
  if (s.teleop.armed) top.add(' TELEOP ', { inverse: false, bold: true, fg: 'green' })
  if (h !== null) {
    const t = s.tel !== null && s.idx !== null ? s.idx.t(s.tel, 't') : NaN
    top.add(`│ ${h.robot} │ ${h.mode} │ t ${fmt(t, 1)} s │ mode `)
    top.add(modeName(s).toUpperCase(), { bold: true, inverse: true })
    top.add(` │ gait ${gaitName(s)} `)
  } else top.add(`│ ${s.conn === 'closed' ? 'disconnected' : 'connecting'} ${s.address}`)
  const st = s.stats
  const l1 = new Line(w)
  if (st !== null) {
    l1.add(`loop ${fmt(st.rate_hz, st.rate_hz >= 1000 ? 0 : 1)} Hz  `)
    l1.add('late p50/p99 ', { dim: true }).add(`${fmt(st.lateness.p50, 1)}/${fmt(st.lateness.p99, 0)} µs  `)
    l1.add('compute ', { dim: true }).add(`${fmt(st.compute.p50, 0)}/${fmt(st.compute.p99, 0)} µs  `)
    const missed = st.counters.missed ?? 0
    l1.add(`missed ${missed}`, missed > 0 ? { fg: 'red', bold: true } : {}).add(` (c${st.counters.missed_compute ?? 0} w${st.counters.missed_wakeup ?? 0})`)
  } else l1.add('waiting for statistics …', { dim: true })
  const l2 = new Line(w)
  if (st !== null) {
    // p50/p99 per stage when it fits (the locomotion step adds its stages: estimate, plan, mpc, wbc, …), else p99.
    const stages = Object.entries(st.stages)
    const both = stages.map(([name, p]) => `${name} ${fmt(p.p50, 0)}/${fmt(p.p99, 0)}`).join('  ')
    if (both.length + 18 <= w) l2.add('stages p50/p99 µs ', { dim: true }).add(both)
    else l2.add('stages p99 µs ', { dim: true }).add(stages.map(([name, p]) => `${name} ${fmt(p.p99, 0)}`).join(' '))
  }
  const l3 = new Line(w)
  const faults = faultList(s)
  l3.add('faults ', { dim: true }).add(faults.length === 0 ? 'none' : faults.join(' '), faults.length === 0 ? { fg: 'green' } : { fg: 'red', bold: true })
  // Solver failures the control step reports among its outputs (e.g. loco_qp_failures).
  if (s.hello !== null && s.tel !== null && s.idx !== null) {
    for (const n of s.hello.outputNames.filter((o) => /fail/i.test(o))) {
      const v = s.idx.out(s.tel, n)
      l3.add(`  ${n} `).add(fmt(v, 0), v > 0 ? { fg: 'red', bold: true } : {})
    }
  }
  if (st !== null) {
    const c = st.counters
    l3.add(`  control faults ${c.control_faults ?? 0}  policy timeouts ${c.policy_timeouts ?? 0}  params ${c.params_applied ?? 0} ok/${c.params_refused ?? 0} refused`)
  }
  return [top, l1, l2, l3]
}

// --- left: velocity plots and contacts

function velocityPanel (s: TuiState, w: number, rows: number): Line[] {
  const out: Line[] = []
  const h = s.history
  const src = h.source === 'true' ? 'true (sim)' : h.source === 'est' ? 'estimate' : 'unknown'
  out.push(new Line(w).add(' velocity ', { bold: true }).add('─ cmd', CMD).add('  ').add(`• ${src}`, EST))
  const plotRows = Math.max(1, Math.floor((rows - 2) / 3) - 1)
  const n = Math.min(h.count, HISTORY)
  const names = ['vx m/s', 'vy m/s', 'wz rad/s']
  const floors = [0.2, 0.2, 0.5]
  for (let a = 0; a < 3; a++) {
    // Unroll the ring into oldest → newest.
    const ca = new Float64Array(n)
    const ea = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const k = (h.count - n + i) % HISTORY
      ca[i] = h.cmd[a][k]
      ea[i] = h.est[a][k]
    }
    const last = (x: Float64Array): number => x.length > 0 ? x[x.length - 1] : NaN
    out.push(new Line(w).add(` ${names[a].padEnd(9)}`, { bold: true }).add(`cmd ${fmt(last(ca), 2, 0, true)}`, CMD).add('  ').add(`${h.source === 'true' ? 'true' : 'est'} ${fmt(last(ea), 2, 0, true)}`, EST))
    const ymax = plotScale([ca, ea], floors[a])
    out.push(...plot(ca, ea, w, plotRows, ymax, { a: CMD, b: EST }))
  }
  while (out.length < rows - 1) out.push(new Line(w))
  const c = new Line(w).add(' contacts ', { bold: true })
  const sensed = s.hello !== null && s.tel !== null && s.idx !== null && s.hello.footNames.some((_, i) => s.idx!.s(s.tel!, 'contact', i) >= 0)
  if (s.hello !== null && s.tel !== null && s.idx !== null && !sensed) c.add('no contact sensors', { dim: true })
  else if (s.hello !== null && s.tel !== null && s.idx !== null) {
    s.hello.footNames.forEach((f, i) => {
      const v = s.idx!.s(s.tel!, 'contact', i)
      c.add(`${f.replace(/_foot$/, '')} `).add(v === 1 ? '█' : v === 0 ? '·' : '?', v === 1 ? { fg: 'green', bold: true } : { dim: true }).add('  ')
    })
  }
  out.push(c)
  return out.slice(0, rows)
}

// --- right: gains, motors, controller

function tabsLine (s: TuiState, w: number, tabs: ReadonlyArray<[string, TuiState['tab']]>): Line {
  const l = new Line(w)
  for (const [label, tab] of tabs) {
    l.add(` ${label} `, s.tab === tab || tabs.length === 1 ? { inverse: true, bold: true } : { dim: true }).add(' ')
  }
  return l
}

/** A parameter name as listed: joint names lose their '_joint' suffix (the info line shows the full name). */
function shortParam (n: string): string {
  return n.replace(/_joint(?=\.|$)/g, '')
}

function gainsPanel (s: TuiState, w: number, rows: number): Line[] {
  const out: Line[] = []
  const list = visibleParams(s)
  const valW = 9
  const unitW = 9
  const boundsW = w >= 56 ? 14 : 0
  const nameW = Math.max(8, w - 2 - valW - 2 - unitW - boundsW)
  const hd = new Line(w, { dim: true }).add(` ${'parameter'.padEnd(nameW)} ${'value'.padStart(valW)}  ${'unit'.padEnd(unitW)}`)
  if (boundsW > 0) hd.add('bounds')
  out.push(hd)
  const h = Math.max(1, rows - 3)
  const top = Math.max(0, Math.min(list.length - h, s.selected - Math.floor(h / 3)))
  for (let r = 0; r < h; r++) {
    const p = list[top + r]
    if (p === undefined) { out.push(new Line(w)); continue }
    const sel = top + r === s.selected
    const changed = p.start !== null && p.value !== null && Math.abs(p.value - p.start) > 1e-12 * Math.max(1, Math.abs(p.start))
    const ramping = p.target !== null && p.value !== null && p.target !== p.value
    const l = new Line(w, sel ? { inverse: true } : {})
    const name = shortParam(p.name)
    l.add(sel ? '>' : ' ').add(name.length > nameW ? `…${name.slice(name.length - nameW + 1)}` : name.padEnd(nameW), changed ? { bold: true } : {})
    l.add(' ').add(fmtFit(p.value, valW), changed ? { bold: true, fg: 'yellow' } : {})
    l.add(ramping ? '→' : ' ').add(` ${p.unit.padEnd(unitW).slice(0, unitW)}`)
    if (boundsW > 0) l.add(`${fmtFit(p.min, 0)}…${fmtFit(p.max, 0)}`.slice(0, boundsW), { dim: !sel })
    out.push(l)
  }
  const cur = list[s.selected]
  const info = new Line(w, { dim: true })
  if (cur !== undefined) {
    info.add(` ${cur.name} [${fmtFit(cur.min, 0)}, ${fmtFit(cur.max, 0)}]`)
    if (cur.start !== null) info.add(` start ${fmtFit(cur.start, 0)}`)
    if (cur.target !== null && cur.target !== cur.value) info.add(` → ${fmtFit(cur.target, 0)}`)
    info.add(cur.configKey !== null ? ` · ${cur.configKey}` : ' · not in config')
  } else info.add(s.filter !== '' ? ` no parameter matches '${s.filter}'` : ' no parameters')
  out.push(info)
  const foot = new Line(w)
  if (s.filtering || s.filter !== '') foot.add(` filter: ${s.filter}${s.filtering ? '▏' : ''}`, s.filtering ? { bold: true } : {})
  else foot.add(` ${list.length} parameters`, { dim: true })
  if (cur !== undefined && cur.doc !== '') foot.add(`  ${cur.doc}`, { dim: true })
  out.push(foot)
  return out.slice(0, rows)
}

function motorsPanel (s: TuiState, w: number, rows: number): Line[] {
  const out: Line[] = []
  const hello = s.hello
  if (hello === null || s.tel === null || s.idx === null) return [new Line(w).add(' no telemetry yet', { dim: true })]
  const idx = s.idx
  const rec = s.tel
  const cw = 7
  const nameW = Math.min(12, Math.max(6, ...hello.jointNames.map((n) => shortJoint(n).length)))
  // Columns: the per-joint sensor fields (q, qd, tau, and whatever the drivers add: temperature, faults…),
  // then the command's kp and the tracking error q_des − q, as many as fit.
  const cols: Array<{ label: string, get: (j: number) => number, digits: number }> = []
  for (const f of idx.perJointSensor) {
    const label = f === 'tau' ? 'τ N·m' : f === 'q' ? 'q rad' : f === 'qd' ? 'qd r/s' : f
    cols.push({ label, get: (j) => idx.s(rec, f, j), digits: f === 'q' || f === 'qd' ? 3 : 2 })
  }
  // q and τ first, then the error and the gain, then qd and the rest.
  const qd = cols.findIndex((c) => c.label.startsWith('qd'))
  if (qd >= 0) cols.push(...cols.splice(qd, 1))
  cols.splice(Math.min(2, cols.length), 0, { label: 'err rad', get: (j) => idx.c(rec, 'q_des', j) - idx.s(rec, 'q', j), digits: 3 }, { label: 'kp', get: (j) => idx.c(rec, 'kp', j), digits: 1 })
  const fit = Math.max(1, Math.floor((w - nameW - 1) / cw))
  const shown = cols.slice(0, fit)
  const hd = new Line(w, { dim: true }).add(` ${'joint'.padEnd(nameW)}`)
  for (const c of shown) hd.add(c.label.slice(0, cw - 1).padStart(cw))
  out.push(hd)
  hello.jointNames.forEach((n, j) => {
    const l = new Line(w).add(` ${shortJoint(n).padEnd(nameW).slice(0, nameW)}`)
    for (const c of shown) {
      const v = c.get(j)
      l.add(fmt(v, Math.abs(v) >= 100 ? 0 : c.digits, cw))
    }
    out.push(l)
  })
  if (cols.length > shown.length) out.push(new Line(w, { dim: true }).add(` (${cols.length - shown.length} more columns on a wider terminal)`))
  return out.slice(0, rows)
}

function controllerPanel (s: TuiState, w: number, rows: number): Line[] {
  const out: Line[] = []
  const hello = s.hello
  if (hello === null || s.tel === null || s.idx === null) return [new Line(w).add(' no telemetry yet', { dim: true })]
  const idx = s.idx
  const rec = s.tel
  const est = idx.t(rec, 'est_source')
  out.push(new Line(w).add(' mode ', { dim: true }).add(modeName(s), { bold: true }).add('  estimate ', { dim: true }).add(est === 1 ? 'sim ground truth' : est === 0 ? 'IMU only' : String(est)))
  const tw = hello.twistFields.map((f, i) => `${f} ${f === 'gait' ? (hello.gaits[idx.t(rec, 'twist', i)] ?? '?') : fmt(idx.t(rec, 'twist', i), 2)}`)
  for (let i = 0; i < tw.length; i += 3) out.push(new Line(w).add(i === 0 ? ' target ' : '        ', { dim: true }).add(tw.slice(i, i + 3).join('  ')))
  if (s.teleop.armed) out.push(new Line(w).add(' teleop ', { fg: 'green', bold: true }).add(`vx ${fmt(s.teleop.vx, 2)} vy ${fmt(s.teleop.vy, 2)} wz ${fmt(s.teleop.wz, 2)}${s.teleop.height !== null ? ` h ${fmt(s.teleop.height, 3)}` : ''}${s.teleop.gait !== null ? ` ${s.teleop.gait}` : ''}`))
  out.push(new Line(w).add(' controller outputs', { bold: true }))
  // As many name/value columns as fit without cutting names.
  const nameW = Math.max(...hello.outputNames.map((n) => n.length), 4) + 1
  const cellW = nameW + 11
  const perLine = Math.max(1, Math.floor((w - 1) / cellW))
  for (let i = 0; i < hello.outputNames.length; i += perLine) {
    const l = new Line(w)
    for (const n of hello.outputNames.slice(i, i + perLine)) {
      l.append(new Line(cellW).add(` ${n}`.padEnd(nameW + 1).slice(0, cellW - 10)).add(fmt(idx.out(rec, n), 4, 10)))
    }
    out.push(l)
  }
  const st = s.stats
  if (st !== null) {
    out.push(new Line(w).add(' counters', { bold: true }).add(`  (since start)`, { dim: true }))
    const names = ['ticks', 'missed', 'skipped', 'late_commands', 'stale_sensor_ticks', 'sensor_timeouts', 'sensor_invalid', 'policy_timeouts', 'control_faults', 'falls', 'clamped_ticks', 'telemetry_dropped', 'targets_applied', 'targets_refused']
    const cells = names.filter((n) => n in st.counters).map((n) => `${n} ${st.counters[n]}`)
    let l = new Line(w).add(' ')
    for (const c of cells) {
      if (l.length + c.length + 2 > w) { out.push(l); l = new Line(w).add(' ') }
      l.add(c + '  ')
    }
    out.push(l)
    out.push(new Line(w).add(' since start ', { dim: true }).add(`lateness p99 ${fmt(st.lateness_total.p99, 0)} max ${fmt(st.lateness_total.max, 0)} µs  compute p99 ${fmt(st.compute_total.p99, 0)} max ${fmt(st.compute_total.max, 0)} µs`))
    const link = Object.entries(st.link)
    out.push(new Line(w).add(' link ', { bold: true }).add(link.length === 0 ? `${hello.plant} (no bridge link)` : link.map(([k, v]) => `${k} ${String(v)}`).join('  ')))
  }
  return out.slice(0, rows)
}

function savePanel (s: TuiState, w: number, rows: number): Line[] {
  const sv = s.save!
  const out: Line[] = []
  out.push(new Line(w, { inverse: true }).add(sv.pending ? ' saving … ' : ` diff against ${sv.file} — y writes it, n cancels `, { bold: true, inverse: true }))
  // Long lines wrap (a per-joint list is wider than 80 columns), continuing under their text.
  const wrapped: Array<{ text: string, style: Style }> = []
  for (const text of sv.lines.slice(sv.scroll)) {
    const st: Style = text.startsWith('+') ? { fg: 'green', bold: true } : text.startsWith('-') ? { fg: 'red', bold: true } : text.startsWith('@@') ? { fg: 'cyan' } : {}
    const chars = Array.from(text)
    const room = Math.max(10, w - 2)
    wrapped.push({ text: ` ${chars.slice(0, room).join('')}`, style: st })
    for (let i = room; i < chars.length; i += room - 1) wrapped.push({ text: `  ${chars.slice(i, i + room - 1).join('')}`, style: st })
  }
  for (let r = 0; r < rows - 1; r++) {
    const l = wrapped[r]
    out.push(l === undefined ? new Line(w) : new Line(w).add(l.text, l.style))
  }
  return out
}

// --- footer

function footer (s: TuiState, w: number): Line[] {
  const msg = new Line(w)
  if (s.edit !== null) {
    const p = s.params.find((q) => q.name === s.edit!.name)
    msg.add(` ${s.edit.name} = `, { bold: true }).add(`${s.edit.text}▏`, { inverse: false, bold: true })
    if (p !== undefined) msg.add(`  [${p.min}, ${p.max}] ${p.unit}  now ${fmtFit(p.value, 0).trim()}`, { dim: true })
  } else if (s.confirmLeave) {
    msg.add(' Leave the e-stop and resume? y = yes, any other key = stay stopped ', { inverse: true, bold: true, fg: 'red' })
  } else {
    const st: Style = s.message.level === 'error' ? { fg: 'red', bold: true } : s.message.level === 'warn' ? { fg: 'yellow', bold: true } : {}
    msg.add(` ${s.message.text}`, st)
  }
  const help = s.confirmLeave
    ? HELP.confirm
    : s.save !== null ? HELP.save : s.edit !== null ? HELP.edit : s.filtering ? HELP.filter : s.teleop.armed ? HELP.teleop : s.estop.engaged ? HELP.estop : HELP.normal
  return [msg, new Line(w, { dim: true }).add(` ${help}`)]
}

/** The whole screen for `s`: `s.rows` strings of `s.cols` cells. */
export function render (s: TuiState, o: RenderOptions): string[] {
  const w = s.cols
  const head = header(s, w)
  const foot = footer(s, w)
  const bodyRows = Math.max(1, s.rows - head.length - foot.length)
  let body: Line[]
  if (s.save !== null) body = savePanel(s, w, bodyRows)
  else {
    const wide = w >= 120
    const leftW = wide ? Math.floor(w * 0.34) : Math.floor(w * 0.46)
    const left = velocityPanel(s, leftW, bodyRows)
    const panels: Array<{ width: number, lines: Line[] }> = [{ width: leftW, lines: left }]
    const rest = w - leftW - 1
    const tabbed = (width: number, tabs: ReadonlyArray<[string, TuiState['tab']]>, which: TuiState['tab']): Line[] => {
      const content = which === 'gains' ? gainsPanel(s, width, bodyRows - 1) : which === 'motors' ? motorsPanel(s, width, bodyRows - 1) : controllerPanel(s, width, bodyRows - 1)
      return [tabsLine(s, width, tabs), ...content]
    }
    if (wide) {
      const gw = Math.floor(rest / 2)
      panels.push({ width: gw, lines: tabbed(gw, [['1 Gains', 'gains']], 'gains') })
      const other = s.tab === 'gains' ? 'motors' : s.tab
      panels.push({ width: rest - gw - 1, lines: tabbed(rest - gw - 1, [['2 Motors', 'motors'], ['3 Controller', 'controller']], other) })
    } else {
      panels.push({ width: rest, lines: tabbed(rest, [['1 Gains', 'gains'], ['2 Motors', 'motors'], ['3 Controller', 'controller']], s.tab) })
    }
    body = []
    for (let r = 0; r < bodyRows; r++) {
      const l = new Line(w)
      panels.forEach((p, i) => {
        if (i > 0) l.add('│', { dim: true })
        l.append(p.lines[r] ?? new Line(p.width))
      })
      body.push(l)
    }
  }
  return [...head, ...body, ...foot].slice(0, s.rows).map((l) => l.toString(o))
}
