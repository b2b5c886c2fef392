// Link layer to the bridge: a serial port (a USB-UART on the robot, a pseudo-terminal on the HIL bench)
// carrying COBS frames (firmware-bridge/PROTOCOL.md §2). Opens the port raw, asks for low latency (the
// ioctl fails on ptys with "Inappropriate ioctl": tolerated and reported in `lowLatency`), decodes the
// byte stream with a fixed-size streaming decoder, and reconnects by itself after an unplug: when the
// port closes or errors, it retries opening the same path every `reconnect_ms` until it succeeds or
// close() is called. The only module of the drivers that imports serialport (STYLE.md).
import { SerialPort } from 'serialport'
import { CobsDecoder, FRAME_MAX_RAW, FRAME_MAX_WIRE, frameToWire } from '../protocol/bridge/index.ts'

/** The part of serialport's SerialPort (or SerialPortMock) the link uses. */
export interface SerialPortLike {
  readonly isOpen: boolean
  open: (cb: (err: Error | null) => void) => void
  close: (cb?: (err: Error | null) => void) => void
  write: (data: Buffer, cb?: (err: Error | null | undefined) => void) => boolean
  set: (opts: object, cb: (err: Error | null) => void) => void
  on: (event: string, fn: (...args: any[]) => void) => unknown
  removeAllListeners: (event?: string) => unknown
}

export interface SerialLinkOptions {
  path: string
  /** 4 000 000 on the reference board (PROTOCOL.md §1); ignored by ptys. */
  baudRate?: number
  /** Retry period after the port is lost [ms] (default 100). */
  reconnect_ms?: number
  /** Builds the port (default: serialport's SerialPort; tests pass SerialPortMock). */
  makePort?: (path: string, baudRate: number) => SerialPortLike
}

/** Cumulative counters of one link (never reset by reconnects). */
export interface SerialLinkCounters {
  bytes_rx: number
  bytes_tx: number
  frames_rx: number
  /** frames the COBS decoder rejected (malformed or too long) */
  bad_frames: number
  /** write calls refused while disconnected, or failed */
  write_errors: number
  /** times the port was lost after being open */
  disconnects: number
  /** successful re-opens after a loss */
  reconnects: number
  /** failed open attempts */
  open_failures: number
}

export type LinkEvent = 'open' | 'lost'

export class SerialLink {
  readonly path: string
  readonly baudRate: number
  readonly counters: SerialLinkCounters = { bytes_rx: 0, bytes_tx: 0, frames_rx: 0, bad_frames: 0, write_errors: 0, disconnects: 0, reconnects: 0, open_failures: 0 }
  /** Whether the last open could set low latency (false on ptys: harmless). */
  lowLatency = false
  /** Message of the last open or I/O error. */
  lastError: string | null = null
  private port: SerialPortLike | null = null
  private readonly dec = new CobsDecoder(FRAME_MAX_RAW)
  private readonly wire = new Uint8Array(FRAME_MAX_WIRE)
  private readonly reconnectMs: number
  private readonly makePort: (path: string, baudRate: number) => SerialPortLike
  private retry: NodeJS.Timeout | null = null
  private closed = false
  private everOpen = false
  private connected = false
  private readonly listeners: Array<(e: LinkEvent) => void> = []

  /** `onFrame` gets every decoded raw frame; its bytes are valid during the call only. */
  constructor (opts: SerialLinkOptions, private readonly onFrame: (raw: Uint8Array, len: number) => void) {
    this.path = opts.path
    this.baudRate = opts.baudRate ?? 4000000
    this.reconnectMs = opts.reconnect_ms ?? 100
    this.makePort = opts.makePort ?? ((path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false }) as unknown as SerialPortLike)
  }

  get isOpen (): boolean {
    return this.connected
  }

  /** Calls `fn` on 'open' (first open and every reconnect) and 'lost'. */
  onEvent (fn: (e: LinkEvent) => void): void {
    this.listeners.push(fn)
  }

  /** Opens the port; rejects with a message naming the path if the first attempt fails. */
  async open (): Promise<void> {
    this.closed = false
    await this.tryOpen()
  }

  /** Opens, retrying every reconnect_ms until it succeeds or timeout_ms passes. */
  async openWithRetry (timeout_ms: number): Promise<void> {
    const end = performance.now() + timeout_ms
    for (;;) {
      try {
        await this.open()
        return
      } catch (err) {
        if (performance.now() > end) throw err
        await new Promise((resolve) => setTimeout(resolve, this.reconnectMs))
      }
    }
  }

  /** COBS-encodes raw[0..len) and writes it; false (counted) when the port is not open. */
  sendRaw (raw: Uint8Array, len: number): boolean {
    const n = frameToWire(raw, 0, len, this.wire, 0)
    return n > 0 && this.writeBytes(this.wire.subarray(0, n))
  }

  /** Writes bytes as they are; false (counted) when the port is not open. */
  writeBytes (bytes: Uint8Array): boolean {
    const p = this.port
    if (p === null || !this.connected) {
      this.counters.write_errors++
      return false
    }
    this.counters.bytes_tx += bytes.length
    // serialport copies nothing: hand it its own Buffer, since callers reuse their arrays
    p.write(Buffer.from(bytes), (err) => {
      if (err != null) { this.counters.write_errors++; this.lastError = err.message }
    })
    return true
  }

  /** Closes the port and stops reconnecting. */
  async close (): Promise<void> {
    this.closed = true
    if (this.retry !== null) clearTimeout(this.retry)
    this.retry = null
    const p = this.port
    this.port = null
    this.connected = false
    if (p !== null && p.isOpen) {
      await Promise.race([new Promise<void>((resolve) => p.close(() => resolve())), new Promise((resolve) => setTimeout(resolve, 500))])
    }
    p?.removeAllListeners()
  }

  private emit (e: LinkEvent): void {
    for (const fn of this.listeners) fn(e)
  }

  private async tryOpen (): Promise<void> {
    const port = this.makePort(this.path, this.baudRate)
    try {
      await new Promise<void>((resolve, reject) => port.open((e) => (e != null ? reject(e) : resolve())))
    } catch (err) {
      this.counters.open_failures++
      this.lastError = `${this.path}: ${(err as Error).message}`
      port.removeAllListeners()
      throw new Error(`cannot open ${this.path}: ${(err as Error).message}`)
    }
    try {
      // serialport's Linux binding accepts lowLatency (ASYNC_LOW_LATENCY); its type does not list it
      await new Promise<void>((resolve, reject) => port.set({ lowLatency: true }, (e) => (e != null ? reject(e) : resolve())))
      this.lowLatency = true
    } catch {
      this.lowLatency = false // "Inappropriate ioctl" on a pty (TOOLCHAIN.md)
    }
    if (this.closed) {
      port.close()
      return
    }
    this.port = port
    this.connected = true
    this.dec.reset()
    port.on('data', (chunk: Buffer) => {
      this.counters.bytes_rx += chunk.length
      this.dec.push(chunk, (f, len) => { this.counters.frames_rx++; this.onFrame(f, len) }, () => { this.counters.bad_frames++ })
    })
    port.on('error', (err: Error) => { this.lastError = err.message; this.lost(port) })
    port.on('close', () => { this.lost(port) })
    if (this.everOpen) this.counters.reconnects++
    this.everOpen = true
    // a leading 0x00 ends whatever the other side half-received before (PROTOCOL.md §2)
    this.writeBytes(Uint8Array.of(0))
    this.emit('open')
  }

  private lost (port: SerialPortLike): void {
    if (this.port !== port) return
    this.port = null
    this.connected = false
    this.counters.disconnects++
    port.removeAllListeners()
    if (port.isOpen) port.close()
    this.emit('lost')
    this.scheduleRetry()
  }

  private scheduleRetry (): void {
    if (this.closed || this.retry !== null) return
    this.retry = setTimeout(() => {
      this.retry = null
      if (this.closed) return
      this.tryOpen().catch(() => this.scheduleRetry())
    }, this.reconnectMs)
  }
}
