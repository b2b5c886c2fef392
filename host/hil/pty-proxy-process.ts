// The fault-injection proxy (pty-proxy.ts) in a process of its own, so that its forwarding does not wait
// on the event loop of the process under test (a cable is not delayed by the host's stalls). Controlled
// through stdin/stdout, one JSON object per line:
//   child → parent  {"ready": true, "hostPath": "..."} once started; {"counters": {...}, "id": N} on request
//   parent → child  {"id": N, "op": "drop"|"corrupt"|"delay", "dir": "toBridge"|"toHost", "n"|"ms": …}
//                   {"id": N, "op": "stall", "ms": …} · {"id": N, "op": "unplug"} · {"id": N, "op": "plug"}
//                   {"id": N, "op": "overtemp", "offset": BYTE, "temp": °C} (rewrite one byte of every STATE body:
//                   a drive's reported temperature) · {"id": N, "op": "counters"}
// `PtyProxyProcess` is the parent's handle.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { FRAME_HEADER_LEN } from '../protocol/bridge/index.ts'
import { PtyProxy, type ProxyCounters } from './pty-proxy.ts'

type Op = { op: 'drop' | 'corrupt', dir: 'toBridge' | 'toHost', n: number }
  | { op: 'delay', dir: 'toBridge' | 'toHost', ms: number }
  | { op: 'stall', ms: number }
  | { op: 'unplug' } | { op: 'plug' } | { op: 'counters' }
  | { op: 'overtemp', offset: number, temp: number | null }

/** Parent-side handle of a proxy child process. */
export class PtyProxyProcess {
  private nextId = 1
  private readonly pending = new Map<number, (v: unknown) => void>()

  private constructor (private readonly proc: ChildProcess, readonly hostPath: string) {}

  static async start (bridgePty: string, rtPriority = 30): Promise<PtyProxyProcess> {
    const entry = fileURLToPath(import.meta.url)
    const proc = spawn(process.execPath, ['--import', 'tsx', entry, bridgePty], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = createInterface({ input: proc.stdout! })
    const hostPath = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the proxy process did not start within 10 s')), 10000)
      proc.once('exit', (c) => { clearTimeout(t); reject(new Error(`the proxy process exited (${c})`)) })
      lines.once('line', (l) => { clearTimeout(t); resolve((JSON.parse(l) as { hostPath: string }).hostPath) })
    })
    proc.removeAllListeners('exit')
    const h = new PtyProxyProcess(proc, hostPath)
    lines.on('line', (l) => {
      const m = JSON.parse(l) as { id: number }
      h.pending.get(m.id)?.(m)
      h.pending.delete(m.id)
    })
    if (rtPriority > 0 && proc.pid !== undefined) spawn('chrt', ['-a', '-r', '-p', String(rtPriority), String(proc.pid)], { stdio: 'ignore' }).on('error', () => {})
    return h
  }

  /** Sends one operation; resolves once the child has applied it, with the counters after it. */
  async send (op: Op): Promise<ProxyCounters> {
    const id = this.nextId++
    const done = new Promise<unknown>((resolve) => this.pending.set(id, resolve))
    this.proc.stdin!.write(`${JSON.stringify({ id, ...op })}\n`)
    return ((await done) as { counters: ProxyCounters }).counters
  }

  async close (): Promise<void> {
    if (this.proc.exitCode !== null) return
    const done = new Promise((resolve) => this.proc.once('exit', resolve))
    this.proc.stdin!.end()
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 3000))])
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL')
  }
}

async function main (bridgePty: string): Promise<void> {
  const p = await PtyProxy.start(bridgePty)
  process.stdout.write(`${JSON.stringify({ ready: true, hostPath: p.hostPath })}\n`)
  const lines = createInterface({ input: process.stdin })
  for await (const l of lines) {
    const m = JSON.parse(l) as Op & { id: number }
    switch (m.op) {
      case 'drop': p.drop[m.dir] += m.n; break
      case 'corrupt': p.corrupt[m.dir] += m.n; break
      case 'delay': p.delay_ms[m.dir] = m.ms; break
      case 'stall': p.stall(m.ms); break
      case 'unplug': await p.unplug(); break
      case 'plug': await p.plug(); break
      case 'overtemp': {
        const { offset, temp } = m
        p.rewriteState = temp === null ? null : (raw, bodyLen) => {
          if (offset >= bodyLen) return false
          raw[FRAME_HEADER_LEN + offset] = Math.max(0, Math.min(255, Math.round(temp)))
          return true
        }
        break
      }
      case 'counters': break
    }
    process.stdout.write(`${JSON.stringify({ id: m.id, counters: p.counters })}\n`)
  }
  await p.close()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((e: unknown) => { process.stderr.write(`proxy: ${String(e)}\n`); process.exit(1) })
}
