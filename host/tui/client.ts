// A client of the control socket (host/runtime/control-socket.ts): connects over TCP or a Unix socket,
// authenticates when given a token, hands every server message to `onMessage`, and sends requests,
// numbering them so replies can be matched. It never blocks the controller: if this process stalls or
// dies, the socket just loses a client.
import { createConnection, type Socket } from 'node:net'
import { LineReader, encodeMessage, formatControlAddress, type ClientRequest, type ControlAddress, type ServerMessage } from './protocol.ts'

type RequestBody = ClientRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never

export class ControlClient {
  private socket: Socket | null = null
  private nextId = 1
  private closedByUs = false

  constructor (
    readonly address: ControlAddress,
    private readonly token: string,
    private readonly onMessage: (m: ServerMessage) => void,
    /** Called once per connection when it ends; `error` says why when it failed. */
    private readonly onClose: (error: string | null) => void
  ) {}

  /** Connects; resolves when connected (the hello arrives through onMessage), rejects with a readable message. */
  async connect (): Promise<void> {
    this.closedByUs = false
    const a = this.address
    const socket = a.kind === 'unix' ? createConnection(a.path) : createConnection(a.port, a.host)
    socket.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('error', (e: NodeJS.ErrnoException) => {
        reject(new Error(e.code === 'ECONNREFUSED' || e.code === 'ENOENT'
          ? `no controller at ${formatControlAddress(a)} (start one with 'cerebellum run', or give --connect HOST:PORT)`
          : `${formatControlAddress(a)}: ${e.message}`))
      })
    })
    this.socket = socket
    const reader = new LineReader((line) => {
      let m: ServerMessage
      try { m = JSON.parse(line) as ServerMessage } catch { return }
      this.onMessage(m)
    })
    let error: string | null = null
    socket.on('data', (chunk: string) => { reader.push(chunk) })
    socket.on('error', (e) => { error = e.message })
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null
      this.onClose(this.closedByUs ? null : error ?? 'the controller closed the connection')
    })
    if (this.token !== '') socket.write(encodeMessage({ type: 'auth', token: this.token }))
  }

  connected (): boolean { return this.socket !== null && !this.socket.destroyed }

  /** Sends a request; returns its id (0 when not connected). */
  send (body: RequestBody): number {
    if (!this.connected()) return 0
    const id = this.nextId++
    this.socket!.write(encodeMessage({ ...body, id } as ClientRequest))
    return id
  }

  close (): void {
    this.closedByUs = true
    this.socket?.end()
    this.socket?.destroy()
    this.socket = null
  }
}
