// Starts the POSIX bridge (firmware-bridge/port/posix) with one emulated drive per motor-map entry, in
// map order, its shafts integrated by an external plant (SHAFT.md). Builds the binary first when it is
// missing or older than its sources (`make -C firmware-bridge bridge`).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_NAMES } from '../drivers/motor-models.ts'
import type { JointMotor } from '../drivers/motor-map.ts'

export const FIRMWARE_DIR = fileURLToPath(new URL('../../firmware-bridge/', import.meta.url))
export const BRIDGE_BIN = join(FIRMWARE_DIR, 'build/host/bridge-posix')

/** Runs `make -C firmware-bridge bridge` (fast when up to date); throws with make's output on failure. */
export function buildBridge (): void {
  try {
    execFileSync('make', ['-s', '-C', FIRMWARE_DIR, 'bridge'], { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as { stderr?: Buffer, message: string }
    throw new Error(`building the POSIX bridge failed (make -C firmware-bridge bridge; Debian: build-essential): ${e.stderr?.toString() ?? e.message}`)
  }
  if (!existsSync(BRIDGE_BIN)) throw new Error(`${BRIDGE_BIN} was not built`)
}

/** The --motor argument of one map entry: BUS,CAN_ID,PROTOCOL,REPLY_ID,P_MAX,V_MAX,T_MAX,KP_MAX,KD_MAX. */
export function motorSpec (m: JointMotor): string {
  const r = m.model.range
  const reply = m.reply_id === 0xffffffff ? 0 : m.reply_id
  return [m.bus, m.can_id, PROTOCOL_NAMES[m.model.protocol], reply, r.p_max, r.v_max, r.t_max, r.kp_max, r.kd_max].join(',')
}

export interface BridgeProcess {
  proc: ChildProcess
  /** the pty the bridge serves (its own, or the one given) */
  pty: string
  /** stderr lines so far (diagnostics for failures) */
  stderr: string[]
  stop: () => Promise<void>
}

/**
 * Spawns bridge-posix. `plantPort`: the ShaftServer's UDP port. `pty`: serve this existing terminal
 * instead of creating one. Resolves once it prints READY.
 */
export async function startBridgeProcess (motors: readonly JointMotor[], opts: { plantPort: number, plantDtUs: number, pty?: string, replyLatencyUs?: number }): Promise<BridgeProcess> {
  buildBridge()
  const args: string[] = []
  if (opts.pty !== undefined) args.push('--pty', opts.pty)
  for (const m of motors) {
    if (m.extended) throw new Error(`${m.joint}: the POSIX bridge emulates 11-bit identifiers only`)
    args.push('--motor', motorSpec(m))
  }
  args.push('--plant', `127.0.0.1:${opts.plantPort}`, '--plant-dt-us', String(opts.plantDtUs))
  if (opts.replyLatencyUs !== undefined) args.push('--reply-latency-us', String(opts.replyLatencyUs))
  const proc = spawn(BRIDGE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr: string[] = []
  proc.stderr!.on('data', (b: Buffer) => { if (stderr.length < 200) stderr.push(...b.toString().split('\n').filter((l) => l !== '')) })
  const pty = await new Promise<string>((resolve, reject) => {
    let out = ''
    let path: string | undefined = opts.pty
    const timer = setTimeout(() => reject(new Error(`bridge-posix did not start within 5 s: ${out} ${stderr.join(' ')}`)), 5000)
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`bridge-posix exited (${code}) before READY: ${stderr.join(' ')}`)) })
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /^PTY (\S+)$/m.exec(out)
      if (m !== null) path = m[1]
      if (/^READY$/m.test(out) && path !== undefined) {
        clearTimeout(timer)
        resolve(path)
      }
    })
  })
  proc.removeAllListeners('exit')
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const done = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))])
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  }
  return { proc, pty, stderr, stop }
}
