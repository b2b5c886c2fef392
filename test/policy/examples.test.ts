// The example clients against a running controller: examples/python/walk_square.py (standard library
// only, over UDP; skipped with a message when python3 is absent) and examples/typescript/walk-square.ts
// (over WebSocket) send their twists without a single refusal and print the pose they observe.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import { runController, type ReadyInfo } from '../../host/runtime/run-controller.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const python = spawnSync('python3', ['--version']).status === 0

function runClient (cmd: string, args: string[]): Promise<{ code: number | null, out: string, err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''; let err = ''
    child.stdout.on('data', (b: Buffer) => { out += b.toString() })
    child.stderr.on('data', (b: Buffer) => { err += b.toString() })
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

if (!python) console.log('SKIP: python3 not found (examples/python/walk_square.py is not run)')

test('the Python (UDP) and TypeScript (WebSocket) clients walk their square without refusals and print the pose', async () => {
  const stop = new AbortController()
  let clients: Promise<Array<{ code: number | null, out: string, err: string }>> | null = null
  const onReady = (info: ReadyInfo): void => {
    const jobs = [runClient(process.execPath, ['--import', 'tsx', 'examples/typescript/walk-square.ts', '--port', String(info.wsPort), '--duration', '2.5'])]
    if (python) jobs.push(runClient('python3', ['examples/python/walk_square.py', '--port', String(info.udpPort), '--duration', '2.5']))
    clients = Promise.all(jobs).finally(() => stop.abort())
  }
  const summary = await runController({
    mode: 'realtime',
    duration_s: 60,
    signal: stop.signal,
    config: parseRuntimeConfig('policy:\n  udp_port: 0\n  ws_port: 0\n', 'test.yaml'),
    onReady
  })
  const results = await clients!
  for (const r of results) {
    assert.is(r.code, 0, r.err)
    assert.not.match(r.err, /rejected/, r.err)
    const poses = r.out.split('\n').filter((l) => /^t\s+[\d.]+\s+x\s+-?[\d.]+\s+y\s+-?[\d.]+\s+z\s+[\d.]+/.test(l))
    assert.ok(poses.length >= 2, `pose lines:\n${r.out}`)
    assert.match(r.out, /twists; done/)
  }
  assert.is(summary.policy!.rejected, 0)
  assert.ok(summary.policy!.accepted >= (python ? 60 : 30), `${summary.policy!.accepted} messages accepted`)
})

test('the Python example moves the simulated robot: it walks forward under the locomotion controller', async () => {
  if (!python) { console.log('SKIP: python3 not found'); return }
  const stop = new AbortController()
  let client: Promise<{ code: number | null, out: string, err: string }> | null = null
  const onReady = (info: ReadyInfo): void => {
    // One edge of a 0.8 m square at 0.3 m/s, after the 1.5 s stand ramp.
    client = new Promise<void>((resolve) => setTimeout(resolve, 2000))
      .then(async () => await runClient('python3', ['examples/python/walk_square.py', '--port', String(info.udpPort), '--duration', '3', '--side', '0.8', '--speed', '0.3']))
      .finally(() => stop.abort())
  }
  const summary = await runController({
    mode: 'realtime',
    duration_s: 60,
    locomotion: true,
    signal: stop.signal,
    config: parseRuntimeConfig('policy:\n  udp_port: 0\n  ws_port: 0\n', 'test.yaml'),
    onReady
  })
  const r = await client!
  assert.is(r.code, 0, r.err)
  const xs = r.out.split('\n').map((l) => /^t\s+[\d.]+\s+x\s+(-?[\d.]+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]))
  assert.ok(xs.length >= 2, `pose lines:\n${r.out}`)
  const moved = xs[xs.length - 1] - xs[0]
  // 3 s at 0.3 m/s, less the slew-limited start: a robot that only stands moves a few millimetres
  assert.ok(moved > 0.4, `the robot moved ${moved.toFixed(3)} m forward (observed by the client):\n${r.out}`)
  assert.is(summary.fell, false)
  assert.is(summary.policy!.rejected, 0)
})

test.run()
