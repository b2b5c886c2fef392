// The policy port with real UDP and WebSocket clients on loopback: every kind of bad input is refused
// with its reason sent back and counted (wrong size, NaN/Inf, out of range, unknown kind, stale
// timestamp, out of order, flood, bad token on a remote bind); accepted targets land in the worker's
// target ring with defaults filled in; the state stream reaches UDP and WebSocket subscribers.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createSocket, type Socket } from 'node:dgram'
import { WebSocket } from 'ws'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import type { ControlRobot } from '../../host/runtime/control-step.ts'
import { makeControlSpec } from '../../host/runtime/controller-core.ts'
import { GAIT_NAMES, TargetKind, makeLayouts } from '../../host/runtime/frames.ts'
import { SpscRing, ringByteLength } from '../../host/runtime/spsc-ring.ts'
import { PolicyPort } from '../../host/policy/policy-port.ts'
import { packChunk, packJoint, packRaw, packSubscribe, packTwist, readHeader, unpackInfo, unpackReject, unpackState, Kind } from '../../host/policy/protocol.ts'

const nj = 3
const robot: ControlRobot = {
  jointNames: ['hip', 'thigh', 'calf'], q_min: [-1, -1, -2.5], q_max: [1, 2, -0.5], qd_max: [20, 20, 20], tau_max: [10, 10, 20],
  q_stand: [0, 0.8, -1.5], kp_stand: [40, 40, 40], kd_stand: [1, 1, 1], quat_base_imu: [1, 0, 0, 0], footNames: ['foot']
}

function setup (yaml: string): { port: Promise<PolicyPort>, ring: SpscRing, L: ReturnType<typeof makeLayouts>, clock: { t: number } } {
  const config = parseRuntimeConfig(yaml, 'test.yaml').value
  const L = makeLayouts(makeControlSpec(robot, config).dims)
  const ring = new SpscRing(new SharedArrayBuffer(ringByteLength(256, L.target.size)), 0, 256, L.target.size)
  const clock = { t: 10 }
  return { port: PolicyPort.open({ config, robot, layouts: L, targetRing: ring, now: () => clock.t, robotName: 'tri' }), ring, L, clock }
}

class UdpClient {
  sock: Socket
  inbox: Uint8Array[] = []
  waiters: Array<() => void> = []
  constructor () {
    this.sock = createSocket('udp4')
    this.sock.on('message', (b) => { this.inbox.push(new Uint8Array(b)); this.waiters.splice(0).forEach((w) => w()) })
  }
  async send (buf: Uint8Array, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => this.sock.send(buf, port, '127.0.0.1', (e) => e !== null ? reject(e) : resolve()))
  }
  /** Next packet of `kind`, skipping others; throws after `ms`. */
  async next (kind: number, ms = 2000): Promise<Uint8Array> {
    const deadline = Date.now() + ms
    for (;;) {
      const i = this.inbox.findIndex((b) => readHeader(b)?.kind === kind)
      if (i >= 0) return this.inbox.splice(i, 1)[0]
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no packet of kind ${kind} within ${ms} ms`)
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(t); resolve() }) })
    }
  }
  close (): void { this.sock.close() }
}

const base = 'policy:\n  udp_port: 0\n  ws_port: 0\n'

test('UDP: each bad input is refused with its reason sent back and counted', async () => {
  const s = setup(base)
  const port = await s.port
  const c = new UdpClient()
  const expectReject = async (buf: Uint8Array, reason: string, re: RegExp): Promise<void> => {
    await c.send(buf, port.udpPort)
    const r = unpackReject(await c.next(Kind.reject))!
    assert.is(r.reason, reason, r.message)
    assert.match(r.message, re)
  }
  try {
    await expectReject(packJoint({ q: [0, 1] }, { seq: 1, t: 10 }), 'wrong_size', /for 2 joints; the robot has 3/)
    await expectReject(packTwist({ vx: NaN }, { seq: 2, t: 10 }), 'not_finite', /vx is NaN/)
    await expectReject(packTwist({ vx: Infinity }, { seq: 3, t: 10 }), 'not_finite', /vx is Infinity/)
    await expectReject(packTwist({ vx: 5 }, { seq: 4, t: 10 }), 'out_of_range', /vx = 5 m\/s is outside \[-1\.5, 1\.5\] m\/s/)
    await expectReject(packJoint({ q: [0, 3, -1] }, { seq: 5, t: 10 }), 'out_of_range', /q\[1\] \(thigh\) = 3 rad is outside \[-1, 2\] rad/)
    await expectReject(packRaw(17, new Uint8Array(4), { seq: 6, t: 10 }), 'unknown_kind', /unknown message kind 17/)
    await expectReject(packTwist({ vx: 0.1 }, { seq: 7, t: 9 }), 'stale', /1000 ms old/)
    await expectReject(packTwist({ vx: 0.1 }, { seq: 8, t: 11 }), 'stale', /in the future/)
    await expectReject(packChunk([{ dt: 0.02, twist: { vx: 0.1 } }, { dt: 0.01, twist: { vx: 0.2 } }], { seq: 9, t: 10 }), 'out_of_range', /chunk point 1: dt = 0\.01 s does not increase/)
    await expectReject(packTwist({ gait: 9 }, { seq: 10, t: 10 }), 'out_of_range', /gait 9/)
    await c.send(packTwist({ vx: 0.2 }, { seq: 20, t: 10 }), port.udpPort)
    await expectReject(packTwist({ vx: 0.2 }, { seq: 19, t: 10 }), 'out_of_order', /seq 19 is not after 20/)
    const want = { wrong_size: 1, not_finite: 2, out_of_range: 4, unknown_kind: 1, stale: 2, out_of_order: 1 }
    for (const [k, n] of Object.entries(want)) assert.is(port.stats.rejected[k as keyof typeof want], n, k)
    assert.is(port.stats.accepted, 1)
    assert.is(s.ring.size(), 1, 'only the valid target reached the worker ring')
  } finally {
    c.close()
    await port.close()
  }
})

test('UDP: an accepted twist lands in the target ring with defaults; a chunk lands as timed points', async () => {
  const s = setup(base)
  const port = await s.port
  const c = new UdpClient()
  try {
    await c.send(packTwist({ vx: 0.3, wz: -0.5 }, { seq: 1, t: 9.9 }), port.udpPort)
    await c.send(packChunk([{ dt: 0, joint: { q: [0, 1, -1] } }, { dt: 0.05, joint: { q: [0.1, 1, -1], kp: [30, 30, 30] } }], { seq: 2, t: 9.95 }), port.udpPort)
    await c.send(packSubscribe(0, { seq: 3, t: null }), port.udpPort) // a round trip: all earlier packets are processed
    await c.next(Kind.info)
    const A = s.L.target.at
    const r = new Float64Array(s.L.target.size)
    assert.ok(s.ring.pop(r))
    assert.is(r[A.kind], TargetKind.twist)
    assert.equal(Array.from(r.subarray(A.payload, A.payload + 8)), [Math.fround(0.3), 0, -0.5, 0.28, 0, 0, GAIT_NAMES.indexOf('trot'), 2.5])
    assert.equal([r[A.t_stamp], r[A.t_exec], r[A.t_recv], r[A.seq]], [9.9, 10, 10, 1], 'single targets apply on arrival')
    assert.ok(s.ring.pop(r))
    assert.equal([r[A.kind], r[A.chunk_index], r[A.chunk_len], r[A.t_exec]], [TargetKind.joint, 0, 2, 9.95])
    assert.equal(Array.from(r.subarray(A.payload + 2 * nj, A.payload + 3 * nj)), [20, 20, 20], 'default kp')
    assert.ok(s.ring.pop(r))
    assert.ok(Math.abs(r[A.t_exec] - (9.95 + Math.fround(0.05))) < 1e-12)
    assert.equal(Array.from(r.subarray(A.payload + 2 * nj, A.payload + 3 * nj)), [30, 30, 30])
  } finally {
    c.close()
    await port.close()
  }
})

test('UDP: a flood is refused beyond the burst', async () => {
  const s = setup(base + '  max_rate_hz: 1\n  burst: 3\n')
  const port = await s.port
  const c = new UdpClient()
  try {
    for (let i = 1; i <= 12; i++) await c.send(packTwist({ vx: 0.1 }, { seq: i, t: 10 }), port.udpPort)
    const r = unpackReject(await c.next(Kind.reject))!
    assert.is(r.reason, 'flood')
    assert.match(r.message, /more than 1 messages\/s \(burst 3\)/)
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok(port.stats.rejected.flood >= 8, `${port.stats.rejected.flood} flood rejections`)
    assert.ok(port.stats.accepted <= 4)
  } finally {
    c.close()
    await port.close()
  }
})

test('remote bind: packets without the token\'s HMAC are refused (bad_token); with it they pass', async () => {
  const s = setup('policy:\n  bind: 0.0.0.0\n  allow_remote: true\n  token: s3cret\n  udp_port: 0\n  ws_port: 0\n')
  const port = await s.port
  const c = new UdpClient()
  try {
    await c.send(packTwist({ vx: 0.1 }, { seq: 1, t: 10 }), port.udpPort)
    let r = unpackReject(await c.next(Kind.reject))!
    assert.is(r.reason, 'bad_token')
    await c.send(packTwist({ vx: 0.1 }, { seq: 2, t: 10, token: 'wrong' }), port.udpPort)
    r = unpackReject(await c.next(Kind.reject))!
    assert.is(r.reason, 'bad_token')
    assert.match(r.message, /HMAC does not match/)
    await c.send(packTwist({ vx: 0.1 }, { seq: 3, t: 10, token: 's3cret' }), port.udpPort)
    await c.send(packSubscribe(10, { seq: 4, t: null, token: 's3cret' }), port.udpPort)
    const info = unpackInfo(await c.next(Kind.info)) as { joint_names: string[] }
    assert.equal(info.joint_names, robot.jointNames)
    assert.is(port.stats.accepted, 1)
    assert.is(port.stats.rejected.bad_token, 2)
    // WebSocket without the token: refused with the reason, then closed
    const ws = new WebSocket(`ws://127.0.0.1:${port.wsPort}`)
    const msgs: string[] = []
    const code = await new Promise<number>((resolve) => { ws.on('message', (m) => msgs.push(m.toString())); ws.on('close', (c) => resolve(c)) })
    assert.is(code, 4401)
    assert.is(JSON.parse(msgs[0]).reason, 'bad_token')
    const ok = new WebSocket(`ws://127.0.0.1:${port.wsPort}`, { headers: { authorization: 'Bearer s3cret' } })
    const first = await new Promise<string>((resolve) => ok.once('message', (m) => resolve(m.toString())))
    assert.is(JSON.parse(first).kind, 'info')
    ok.close()
  } finally {
    c.close()
    await port.close()
  }
})

test('WebSocket: JSON targets are validated like UDP ones, refusals come back with reasons', async () => {
  const s = setup(base)
  const port = await s.port
  const ws = new WebSocket(`ws://127.0.0.1:${port.wsPort}`)
  const inbox: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  ws.on('message', (m) => { inbox.push(JSON.parse(m.toString())); waiters.splice(0).forEach((w) => w()) })
  const next = async (kind: string): Promise<Record<string, unknown>> => {
    for (let k = 0; k < 200; k++) {
      const i = inbox.findIndex((m) => m.kind === kind)
      if (i >= 0) return inbox.splice(i, 1)[0]
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, 20); waiters.push(() => { clearTimeout(t); resolve() }) })
    }
    throw new Error(`no ${kind}`)
  }
  try {
    const info = await next('info')
    assert.equal(info.gaits, [...GAIT_NAMES])
    const reasons: Array<[unknown, string, RegExp]> = [
      ['{not json', 'malformed', /not JSON/],
      [{ kind: 'dance' }, 'unknown_kind', /unknown kind 'dance'/],
      [{ kind: 'joint', q: [0, 1] }, 'wrong_size', /for 2 joints/],
      ['{"kind": "twist", "vx": 1e999}', 'not_finite', /vx is Infinity/],
      [{ kind: 'twist', vy: 2 }, 'out_of_range', /vy = 2 m\/s/],
      [{ kind: 'twist', vx: 0.1, t: 3 }, 'stale', /ms old/],
      [{ kind: 'twist', gait: 'moonwalk' }, 'out_of_range', /gait 'moonwalk'/]
    ]
    for (const [m, reason, re] of reasons) {
      ws.send(typeof m === 'string' ? m : JSON.stringify(m))
      const r = await next('reject')
      assert.is(r.reason, reason, String(r.message))
      assert.match(String(r.message), re)
    }
    ws.send(JSON.stringify({ kind: 'twist', vx: 0.5, gait: 'walk', t: 10 }))
    ws.send(JSON.stringify({ kind: 'subscribe', rate_hz: 100 }))
    for (let k = 0; k < 50 && s.ring.size() === 0; k++) await new Promise((resolve) => setTimeout(resolve, 10))
    const A = s.L.target.at
    const r = new Float64Array(s.L.target.size)
    assert.ok(s.ring.pop(r))
    assert.equal([r[A.kind], r[A.payload], r[A.payload + 6]], [TargetKind.twist, 0.5, GAIT_NAMES.indexOf('walk')])
  } finally {
    ws.close()
    await port.close()
  }
})

test('the state stream reaches UDP and WebSocket subscribers at their rates', async () => {
  const s = setup(base)
  const port = await s.port
  const c = new UdpClient()
  const ws = new WebSocket(`ws://127.0.0.1:${port.wsPort}`)
  const states: Array<Record<string, unknown>> = []
  ws.on('message', (m) => { const o = JSON.parse(m.toString()); if (o.kind === 'state') states.push(o) })
  await new Promise((resolve) => ws.once('open', resolve))
  try {
    await c.send(packSubscribe(100, { seq: 1, t: null }), port.udpPort)
    await c.next(Kind.info)
    const T = s.L.telemetry
    const tel = new Float64Array(T.size)
    tel.set([0.1, 0.2, 0.3], T.at.sensor + s.L.sensor.at.q)
    tel.set([0, 0, 0.3], T.at.est_p_base_world)
    tel.set([1, 0, 0, 0], T.at.est_quat_base_world)
    tel.set([0.25, 0, 0], T.at.twist)
    tel[T.at.mode] = 0
    // 0.1 s of 500 Hz telemetry: 100 Hz UDP → 10 states, 50 Hz WebSocket (the default) → 5
    for (let k = 0; k < 50; k++) { tel[T.at.t] = 10 + k * 0.002; port.publish(tel) }
    const got: ReturnType<typeof unpackState>[] = []
    for (let k = 0; k < 10; k++) got.push(unpackState(await c.next(Kind.state)))
    assert.equal(got[0]!.q, [0.1, 0.2, 0.3].map(Math.fround))
    assert.equal(got[0]!.projected_gravity, [-0, -0, -1])
    assert.is(got[0]!.twist[0], 0.25)
    assert.ok(got.every((g, i) => i === 0 || g!.t > got[i - 1]!.t))
    for (let k = 0; k < 50 && states.length < 5; k++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.is(states.length, 5)
    assert.equal(states[0].q, [0.1, 0.2, 0.3])
    assert.is(states[0].mode, 'stand')
    assert.equal(states[0].p_base_world, [0, 0, 0.3])
  } finally {
    c.close()
    ws.close()
    await port.close()
  }
})

test.run()
