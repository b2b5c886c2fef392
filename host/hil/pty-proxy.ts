// A fault-injecting proxy on the serial link of the HIL bench: the bridge's pty on one side, a socat pty
// pair on the other (the host opens `hostPath`). Bytes are cut into frames at the 0x00 delimiter and
// forwarded frame by frame, so faults hit whole frames:
//   drop       the next N frames of a direction are discarded
//   corrupt    one bit of each of the next N frames is flipped (the CRC must catch it)
//   delay      every frame of a direction waits this long (order kept)
//   stall      nothing moves in either direction for a time, then the held frames go out in order
//   rewrite    a STATE frame (bridge → host) is decoded, changed by a callback, re-CRC'd and re-encoded
//              — a drive reporting something it did not (over-temperature)
//   unplug     socat is killed: the host's port disappears, as when a USB cable is pulled; replug
//              recreates it under the same path
// Counters say what was done, so tests can match effects to causes.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import { FRAME_HEADER_LEN, FRAME_MAX_RAW, MsgType, cobsDecode, cobsEncode, crc32c } from '../protocol/bridge/index.ts'

export interface ProxyCounters {
  to_bridge: number
  to_host: number
  dropped: number
  corrupted: number
  delayed: number
  rewritten: number
  stalled: number
  unplugs: number
}

type Dir = 'toBridge' | 'toHost'

export class PtyProxy {
  readonly counters: ProxyCounters = { to_bridge: 0, to_host: 0, dropped: 0, corrupted: 0, delayed: 0, rewritten: 0, stalled: 0, unplugs: 0 }
  readonly drop = { toBridge: 0, toHost: 0 }
  readonly corrupt = { toBridge: 0, toHost: 0 }
  readonly delay_ms = { toBridge: 0, toHost: 0 }
  /** Called with every STATE raw frame (header ‖ body, CRC excluded) bridge → host; return true if changed. */
  rewriteState: ((raw: Uint8Array, bodyLen: number) => boolean) | null = null
  private socat: ChildProcess | null = null
  private hostSide: SerialPort | null = null
  private bridgeSide: SerialPort | null = null
  private readonly acc = { toBridge: new Uint8Array(4096), toHost: new Uint8Array(4096) }
  private readonly accLen = { toBridge: 0, toHost: 0 }
  private stallUntil = 0
  private readonly held: Array<{ dir: Dir, bytes: Buffer }> = []
  private stallTimer: NodeJS.Timeout | null = null
  private readonly raw = new Uint8Array(FRAME_MAX_RAW + 8)
  private readonly enc = new Uint8Array(FRAME_MAX_RAW + 16)

  private constructor (readonly bridgePty: string, readonly dir: string, readonly hostPath: string, private readonly innerPath: string) {}

  /** Starts socat and the proxy between `bridgePty` and a new pty at `hostPath`. */
  static async start (bridgePty: string): Promise<PtyProxy> {
    const dir = mkdtempSync(join(tmpdir(), 'cb-proxy-'))
    const p = new PtyProxy(bridgePty, dir, join(dir, 'host'), join(dir, 'inner'))
    p.bridgeSide = await openPort(bridgePty)
    p.bridgeSide.on('data', (b: Buffer) => p.onBytes('toHost', b))
    p.bridgeSide.on('error', () => {})
    await p.plug()
    return p
  }

  /** Holds every frame in both directions for `ms`, then releases them in order. */
  stall (ms: number): void {
    this.stallUntil = performance.now() + ms
    if (this.stallTimer !== null) clearTimeout(this.stallTimer)
    this.stallTimer = setTimeout(() => this.release(), ms)
  }

  /** Pulls the cable: the host-side pty disappears. */
  async unplug (): Promise<void> {
    this.counters.unplugs++
    const h = this.hostSide
    this.hostSide = null
    if (h !== null) { h.removeAllListeners('data'); await new Promise<void>((resolve) => h.close(() => resolve())) }
    const s = this.socat
    this.socat = null
    if (s !== null && s.exitCode === null) {
      const done = new Promise((resolve) => s.once('exit', resolve))
      s.kill('SIGTERM')
      await done
    }
    for (let i = 0; i < 100 && existsSync(this.hostPath); i++) await sleep(10)
  }

  /** Plugs the cable back in: the host-side pty reappears under the same path. */
  async plug (): Promise<void> {
    this.socat = spawn('socat', [`pty,raw,echo=0,link=${this.innerPath}`, `pty,raw,echo=0,link=${this.hostPath}`], { stdio: 'ignore' })
    this.socat.on('error', () => {})
    for (let i = 0; i < 300 && !(existsSync(this.innerPath) && existsSync(this.hostPath)); i++) await sleep(10)
    if (!existsSync(this.hostPath)) throw new Error('socat did not create the proxy\'s pty pair (Debian: apt-get install socat)')
    this.accLen.toBridge = 0
    this.hostSide = await openPort(this.innerPath)
    this.hostSide.on('data', (b: Buffer) => this.onBytes('toBridge', b))
    this.hostSide.on('error', () => {})
  }

  async close (): Promise<void> {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer)
    await this.unplug()
    const b = this.bridgeSide
    this.bridgeSide = null
    if (b !== null && b.isOpen) await new Promise<void>((resolve) => b.close(() => resolve()))
    rmSync(this.dir, { recursive: true, force: true })
  }

  private onBytes (dir: Dir, chunk: Buffer): void {
    const acc = this.acc[dir]
    let n = this.accLen[dir]
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (n < acc.length) acc[n++] = b
      if (b === 0) {
        this.onFrame(dir, Buffer.from(acc.subarray(0, n)))
        n = 0
      }
    }
    this.accLen[dir] = n
  }

  private onFrame (dir: Dir, wire: Buffer): void {
    if (this.drop[dir] > 0 && wire.length > 1) {
      this.drop[dir]--
      this.counters.dropped++
      return
    }
    let out = wire
    if (dir === 'toHost' && this.rewriteState !== null && wire.length > 2) out = this.rewrite(wire)
    if (this.corrupt[dir] > 0 && out.length > 4) {
      this.corrupt[dir]--
      this.counters.corrupted++
      out = Buffer.from(out)
      // flip one bit in the middle of the frame, never creating or removing a delimiter
      const k = out.length >> 1
      const flipped = out[k] ^ 0x10
      out[k] = flipped === 0 ? out[k] ^ 0x20 : flipped
    }
    const d = this.delay_ms[dir]
    if (d > 0) {
      this.counters.delayed++
      setTimeout(() => this.deliver(dir, out), d)
    } else {
      this.deliver(dir, out)
    }
  }

  private rewrite (wire: Buffer): Buffer {
    const len = cobsDecode(wire, 0, wire.length - 1, this.raw, 0)
    if (len < FRAME_HEADER_LEN + 4 || this.raw[1] !== MsgType.STATE) return wire
    const bodyLen = len - FRAME_HEADER_LEN - 4
    if (this.rewriteState === null || !this.rewriteState(this.raw, bodyLen)) return wire
    const c = crc32c(this.raw, 0, len - 4)
    this.raw[len - 4] = c & 0xff
    this.raw[len - 3] = (c >>> 8) & 0xff
    this.raw[len - 2] = (c >>> 16) & 0xff
    this.raw[len - 1] = (c >>> 24) & 0xff
    const n = cobsEncode(this.raw, 0, len, this.enc, 0)
    this.enc[n] = 0
    this.counters.rewritten++
    return Buffer.from(this.enc.subarray(0, n + 1))
  }

  private deliver (dir: Dir, bytes: Buffer): void {
    if (performance.now() < this.stallUntil || this.held.length > 0) {
      this.counters.stalled++
      this.held.push({ dir, bytes })
      return
    }
    this.write(dir, bytes)
  }

  private release (): void {
    this.stallTimer = null
    const held = this.held.splice(0)
    for (const h of held) this.write(h.dir, h.bytes)
  }

  private write (dir: Dir, bytes: Buffer): void {
    const port = dir === 'toBridge' ? this.bridgeSide : this.hostSide
    if (port === null || !port.isOpen) return
    if (dir === 'toBridge') this.counters.to_bridge++
    else this.counters.to_host++
    port.write(bytes)
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

async function openPort (path: string): Promise<SerialPort> {
  const p = new SerialPort({ path, baudRate: 4000000, autoOpen: false })
  await new Promise<void>((resolve, reject) => p.open((e) => (e != null ? reject(new Error(`proxy: cannot open ${path}: ${e.message}`)) : resolve())))
  return p
}
