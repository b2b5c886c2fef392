// The terminal UI's main loop: connects to a control socket (reconnecting when the controller goes away),
// feeds server messages, keys, resizes and a teleop heartbeat through `reduce`, carries out the effects
// (requests, quit), and redraws at most 30 times a second, only when something changed. Streams are
// injected; the terminal is restored on every exit path.
import { emitKeypressEvents } from 'node:readline'
import { ControlClient } from './client.ts'
import { normalizeKey, type KeypressInfo } from './keys.ts'
import { formatControlAddress, type ControlAddress } from './protocol.ts'
import { Screen } from './screen.ts'
import { initialState, reduce, type TuiEvent } from './state.ts'
import { render } from './view/render.ts'

export interface TuiOptions {
  address: ControlAddress
  token?: string
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
  /** Colour escapes (default: the output's colour support, off with NO_COLOR). */
  color?: boolean
  /** UTF-8 line drawing (default: from LC_ALL / LC_CTYPE / LANG). */
  unicode?: boolean
}

const FRAME_MS = 33
const HEARTBEAT_MS = 200
const RECONNECT_MS = 1000

export function colorWanted (out: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.TERM === 'dumb') return false
  return typeof out.hasColors === 'function' ? out.hasColors() : false
}

export function unicodeWanted (): boolean {
  const loc = process.env.LC_ALL ?? process.env.LC_CTYPE ?? process.env.LANG ?? ''
  return /utf-?8/i.test(loc)
}

/** Runs the UI until the user quits; resolves with the exit code. */
export async function runTui (o: TuiOptions): Promise<number> {
  const out = o.output
  const screen = new Screen(out)
  const size = screen.size()
  const state = initialState({ cols: size.cols, rows: size.rows, color: o.color ?? colorWanted(out), unicode: o.unicode ?? unicodeWanted(), address: formatControlAddress(o.address) })
  let dirty = true
  let lastDraw = 0
  let drawTimer: NodeJS.Timeout | null = null
  let finish: (code: number) => void = () => {}
  const done = new Promise<number>((resolve) => { finish = resolve })
  let quitting = false

  const draw = (): void => {
    drawTimer = null
    if (!dirty || quitting) return
    dirty = false
    lastDraw = performance.now()
    screen.draw(render(state, { color: state.color, unicode: state.unicode }))
  }
  const schedule = (): void => {
    dirty = true
    if (drawTimer !== null) return
    drawTimer = setTimeout(draw, Math.max(0, FRAME_MS - (performance.now() - lastDraw)))
  }

  let connectedOnce = false
  let reconnectTimer: NodeJS.Timeout | null = null
  const client: ControlClient = new ControlClient(o.address, o.token ?? '', (m) => dispatch({ type: 'server', msg: m }), (error) => {
    if (quitting) return
    dispatch({ type: 'conn', state: 'closed', error: error ?? undefined })
    reconnectTimer = setTimeout(connect, RECONNECT_MS)
  })
  const connect = (): void => {
    reconnectTimer = null
    client.connect().then(() => {
      connectedOnce = true
      dispatch({ type: 'conn', state: 'connected' })
    }, (e: Error) => {
      if (quitting) return
      state.conn = 'closed'
      state.message = { text: `${e.message} — retrying`, level: 'warn' }
      schedule()
      reconnectTimer = setTimeout(connect, RECONNECT_MS)
    })
  }

  function dispatch (e: TuiEvent): void {
    for (const eff of reduce(state, e)) {
      if (eff.type === 'quit') { quit(0); return }
      const id = client.send(eff.body)
      if (id === 0) { if (eff.quiet !== true) state.message = { text: 'not connected: the request was not sent', level: 'error' } } else {
        if (eff.quiet === true) state.quietIds.add(id)
        if (eff.body.type === 'save') state.saveId = id
      }
    }
    schedule()
  }

  const onKey = (str: string | undefined, key: KeypressInfo | undefined): void => {
    const k = normalizeKey(str, key)
    if (k !== null) dispatch({ type: 'key', key: k })
  }
  const onResize = (): void => {
    const sz = screen.size()
    screen.invalidate()
    dispatch({ type: 'resize', cols: sz.cols, rows: sz.rows })
  }
  const heartbeat = setInterval(() => dispatch({ type: 'heartbeat' }), HEARTBEAT_MS)
  const restore = (): void => {
    screen.stop()
    if (o.input.isTTY === true) o.input.setRawMode(false)
  }
  const onExit = (): void => restore()
  // `cerebellum run --tui` ends its UI child with SIGTERM; a closed terminal sends SIGHUP.
  const onSignal = (): void => quit(0)

  function quit (code: number): void {
    if (quitting) return
    quitting = true
    clearInterval(heartbeat)
    if (drawTimer !== null) clearTimeout(drawTimer)
    if (reconnectTimer !== null) clearTimeout(reconnectTimer)
    o.input.removeListener('keypress', onKey)
    out.removeListener('resize', onResize)
    process.removeListener('exit', onExit)
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGHUP', onSignal)
    o.input.pause()
    restore()
    // Let a final teleop-stop leave before closing.
    setTimeout(() => { client.close(); finish(code) }, 50)
  }

  emitKeypressEvents(o.input)
  if (o.input.isTTY === true) o.input.setRawMode(true)
  o.input.on('keypress', onKey)
  o.input.resume()
  out.on('resize', onResize)
  process.on('exit', onExit)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  screen.start()
  schedule()
  connect()
  const code = await done
  if (!connectedOnce) out.write(`cerebellum tui: ${state.message.text}\n`)
  return code
}
