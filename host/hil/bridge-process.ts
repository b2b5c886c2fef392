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
  if (m.model.kind !== 'mit') throw new Error(`${m.joint}: ${m.model.name} is not an MIT-mode drive`)
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
  /**
   * Fault injection into the emulated drives (started with stdinControl): "ecat-fault K CODE",
   * "ecat-unplug K", "ecat-plug K" (firmware-bridge/port/posix/main.c). Resolves when the bridge has
   * applied it; throws if the bridge refused it.
   */
  inject: (line: string) => Promise<void>
  stop: () => Promise<void>
}

/**
 * Spawns bridge-posix. `plantPort`: the ShaftServer's UDP port. `pty`: serve this existing terminal
 * instead of creating one. Resolves once it prints READY.
 */
export async function startBridgeProcess (motors: readonly JointMotor[], opts: { plantPort: number, plantDtUs: number, pty?: string, replyLatencyUs?: number, stdinControl?: boolean }): Promise<BridgeProcess> {
  buildBridge()
  const args: string[] = []
  if (opts.pty !== undefined) args.push('--pty', opts.pty)
  // shafts are numbered in argument order: map order, CAN drives as --motor, EtherCAT drives as --ecat
  // (the emulated CiA 402 drive, cia402-models.yaml 'cb-emu-knee'; slave positions in map order)
  for (const m of motors) {
    if (m.extended) throw new Error(`${m.joint}: the POSIX bridge emulates 11-bit identifiers only`)
    if (m.ecat !== null) {
      if (m.model.name !== 'cb-emu-knee') throw new Error(`${m.joint}: the POSIX bridge emulates the CiA 402 drive 'cb-emu-knee' only, not '${m.model.name}'`)
      args.push('--ecat', 'cia402')
    } else {
      args.push('--motor', motorSpec(m))
    }
  }
  args.push('--plant', `127.0.0.1:${opts.plantPort}`, '--plant-dt-us', String(opts.plantDtUs))
  if (opts.replyLatencyUs !== undefined) args.push('--reply-latency-us', String(opts.replyLatencyUs))
  if (opts.stdinControl === true) args.push('--stdin-control')
  const proc = spawn(BRIDGE_BIN, args, { stdio: [opts.stdinControl === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
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
  const waiting: Array<{ line: string, resolve: () => void, reject: (e: Error) => void }> = []
  let outBuf = ''
  proc.stdout!.on('data', (b: Buffer) => {
    outBuf += b.toString()
    let nl: number
    while ((nl = outBuf.indexOf('\n')) >= 0) {
      const l = outBuf.slice(0, nl)
      outBuf = outBuf.slice(nl + 1)
      const m = /^(OK|ERR) (.*)$/.exec(l)
      const w = m !== null ? waiting.findIndex((x) => x.line === m[2]) : -1
      if (m === null || w < 0) continue
      const [x] = waiting.splice(w, 1)
      if (m[1] === 'OK') x.resolve()
      else x.reject(new Error(`bridge-posix refused '${x.line}'`))
    }
  })
  const inject = async (line: string): Promise<void> => {
    if (proc.stdin === null) throw new Error('bridge-posix was started without stdinControl')
    await new Promise<void>((resolve, reject) => {
      waiting.push({ line, resolve, reject })
      proc.stdin!.write(`${line}\n`)
    })
  }
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const done = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))])
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  }
  return { proc, pty, stderr, inject, stop }
}
