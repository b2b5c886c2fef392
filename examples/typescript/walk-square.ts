// Walks the robot in a square through Cerebellum's policy port over WebSocket (JSON messages, see
// host/policy/PROTOCOL.md) and prints the observed pose.
//
//   npm start                                                  # the controller and the simulated robot
//   npx tsx examples/typescript/walk-square.ts --duration 30
//
// Options: --host, --port (WebSocket, default 7771), --duration S, --side M, --speed M/S, --token T.
import { parseArgs } from 'node:util'
import { WebSocket } from 'ws'

interface State { t: number, mode: string, faults: string[], p_base_world: Array<number | null>, quat_base_world: number[], twist: number[] }

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7771' },
    duration: { type: 'string', default: '30' },
    side: { type: 'string', default: '1' },
    speed: { type: 'string', default: '0.3' },
    token: { type: 'string', default: '' }
  }
})
const duration = Number(values.duration)
const side = Number(values.side)
const speed = Number(values.speed)
const headers: Record<string, string> = values.token !== '' ? { authorization: `Bearer ${values.token}` } : {}
const ws = new WebSocket(`ws://${values.host}:${values.port}`, { headers })

const turnRate = 0.6 // rad/s
const edge_s = side / speed
const leg_s = edge_s + (Math.PI / 2) / turnRate
let state: State | null = null
let lastPrint = -Infinity
let seq = 1

const yaw = (q: number[]): number => Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]))
const f = (x: number | null, d = 3): string => (x === null ? 'n/a' : x.toFixed(d)).padStart(7)

ws.on('error', (e) => {
  console.error(`cannot reach the controller at ${values.host}:${values.port}: ${e.message} (start it with 'npm start')`)
  process.exitCode = 1
})
ws.on('message', (data) => {
  const m = JSON.parse(data.toString()) as { kind: string } & Record<string, unknown>
  if (m.kind === 'reject') console.error(`rejected seq ${String(m.seq)}: ${String(m.reason)}: ${String(m.message)}`)
  if (m.kind !== 'state') return
  state = m as unknown as State
  const now = performance.now()
  if (now - lastPrint < 500) return
  lastPrint = now
  const p = state.p_base_world
  console.log(`t ${state.t.toFixed(2).padStart(7)}  x ${f(p[0])}  y ${f(p[1])}  z ${f(p[2])}  yaw ${(yaw(state.quat_base_world) * 180 / Math.PI).toFixed(1).padStart(6)}°  mode ${state.mode.padEnd(10)} twist vx ${state.twist[0].toFixed(2)} wz ${state.twist[2].toFixed(2)}`)
})
ws.on('open', () => {
  const start = performance.now()
  const timer = setInterval(() => {
    const now = (performance.now() - start) / 1000
    if (now >= duration) {
      clearInterval(timer)
      ws.send(JSON.stringify({ kind: 'twist', seq: seq++, vx: 0, vy: 0, wz: 0 }))
      console.log(`sent ${seq - 1} twists; done`)
      ws.close()
      return
    }
    const phase = now % leg_s
    const [vx, wz] = phase < edge_s ? [speed, 0] : [0, turnRate]
    // Open loop: the twist does not depend on the observation, so it goes unstamped. A policy that acts
    // on observations sends `t` of the state it used (the controller refuses stale ones).
    ws.send(JSON.stringify({ kind: 'twist', seq: seq++, vx, vy: 0, wz }))
  }, 50)
})
