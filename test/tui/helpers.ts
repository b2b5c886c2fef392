// Helpers for driving the real terminal UI: a `cerebellum run` child with its control socket, the UI in a
// private tmux server (send-keys, capture-pane), and a probe that reads the controller's telemetry
// through the same control socket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ControlClient } from '../../host/tui/client.ts'
import { parseControlAddress, type Hello, type ServerMessage } from '../../host/tui/protocol.ts'
import { RecordIndex } from '../../host/tui/record-index.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = join(repoRoot, 'host/cli/main.ts')

export function tmuxAvailable (): boolean {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' })
  return r.status === 0
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false; throws `what` after `timeout_ms`. */
export async function waitUntil<T> (what: string | (() => string), check: () => T | undefined | false, timeout_ms = 20000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = check()
    if (v !== undefined && v !== false) return v
    if (Date.now() - t0 > timeout_ms) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`)
    await sleep(100)
  }
}

/** `cerebellum run ARGS` as a child process; resolves once its control socket is listening. */
export class Controller {
  output = ''
  private constructor (readonly child: ChildProcess, readonly address: string) {}

  static async start (args: string[]): Promise<Controller> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.on('data', (b: Buffer) => { out += b.toString() })
    child.stderr!.on('data', (b: Buffer) => { out += b.toString() })
    const addr = await waitUntil(() => `the control socket line from cerebellum run; output so far:\n${out}`, () => {
      if (child.exitCode !== null) throw new Error(`cerebellum run exited (${child.exitCode}):\n${out}`)
      return /control socket: (\S+)/.exec(out)?.[1]
    }, 90000)
    const c = new Controller(child, addr)
    child.stdout!.on('data', (b: Buffer) => { c.output += b.toString() })
    c.output = out
    return c
  }

  running (): boolean { return this.child.exitCode === null && this.child.signalCode === null }

  /** Ctrl-C, as a user stops it; SIGKILL if it has not ended after 10 s. */
  async stop (): Promise<void> {
    if (!this.running()) return
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill('SIGINT')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000)
    await done
    clearTimeout(timer)
  }
}

/** Reads the controller's telemetry through the control socket, as any client would. */
export class Probe {
  hello: Hello | null = null
  idx: RecordIndex | null = null
  rec: Float64Array | null = null
  /** Every telemetry record received, decoded (bounded). */
  records: Float64Array[] = []
  replies: Array<{ ok: boolean, message: string }> = []
  private readonly client: ControlClient

  constructor (address: string) {
    this.client = new ControlClient(parseControlAddress(address), '', (m) => this.onMessage(m), () => {})
  }

  async connect (): Promise<void> {
    await this.client.connect()
    await waitUntil('hello and telemetry on the probe', () => this.rec !== null)
  }

  private onMessage (m: ServerMessage): void {
    if (m.type === 'hello') { this.hello = m; this.idx = new RecordIndex(m) } else if (m.type === 'tel') {
      const r = Float64Array.from(m.rec, (x) => x ?? NaN)
      this.rec = r
      this.records.push(r)
      if (this.records.length > 5000) this.records.splice(0, 1000)
    } else if (m.type === 'reply') this.replies.push({ ok: m.ok, message: m.message })
  }

  /** Telemetry field (see frames.ts telemetryLayout) of the newest record. */
  t (name: string, k = 0): number { return this.idx!.t(this.rec!, name, k) }
  /** Command field (commandLayout) of the newest record. */
  c (name: string, k = 0): number { return this.idx!.c(this.rec!, name, k) }
  /** Sensor field of the newest record. */
  s (name: string, k = 0): number { return this.idx!.s(this.rec!, name, k) }

  modeName (): string { return this.hello!.modes[this.t('mode')] ?? '?' }

  send (body: Parameters<ControlClient['send']>[0]): void { this.client.send(body) }

  close (): void { this.client.close() }
}

/** The UI in a private tmux server, `cols` × `rows`. */
export class Tmux {
  private server: string
  private starts = 0

  constructor (private readonly name: string) {
    this.server = `cerebellum-test-${name}-${process.pid}`
  }

  private tmux (...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.server, '-f', '/dev/null', ...args], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  /** Starts `cerebellum tui ARGS` in a new session; the pane stays open after it exits. */
  start (args: string[], cols = 80, rows = 24, env: Record<string, string> = {}): void {
    const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`
    const cmd = [process.execPath, '--import', 'tsx', MAIN, 'tui', ...args].map(q).join(' ')
    const vars = Object.entries({ LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${q(v)}`).join(' ')
    // A fresh server each time: one just killed may still hold its socket.
    this.server = `cerebellum-test-${this.name}-${process.pid}-${this.starts++}`
    this.tmux('-u', 'new-session', '-d', '-s', 'ui', '-x', String(cols), '-y', String(rows), '-c', repoRoot, `env -u FORCE_COLOR -u NO_COLOR ${vars} ${cmd}; echo "[tui exited $?]"; sleep 600`)
  }

  keys (...keys: string[]): void { this.tmux('send-keys', '-t', 'ui', ...keys) }

  /** Types text literally (no key names). */
  type (text: string): void { this.tmux('send-keys', '-t', 'ui', '-l', '--', text) }

  screen (): string { return this.tmux('capture-pane', '-p', '-t', 'ui') }

  /** The screen with its attributes as SGR escapes (capture-pane -e). */
  screenWithEscapes (): string { return this.tmux('capture-pane', '-p', '-e', '-t', 'ui') }

  resize (cols: number, rows: number): void { this.tmux('resize-window', '-t', 'ui', '-x', String(cols), '-y', String(rows)) }

  /** Waits until the screen matches `re`; returns the screen. */
  async waitFor (re: RegExp, timeout_ms = 20000): Promise<string> {
    let last = ''
    return await waitUntil(() => `${re} on the screen; it shows:\n${last}`, () => {
      last = this.screen()
      return re.test(last) ? last : undefined
    }, timeout_ms)
  }

  kill (): void {
    spawnSync('tmux', ['-L', this.server, 'kill-server'])
  }
}
