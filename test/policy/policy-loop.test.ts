// The policy port in the whole loop (MuJoCo plant, controller worker): twists sent by a real UDP client
// and a real WebSocket client reach the controller's active targets and come back in the state stream;
// in lockstep with simulated time, policy silence longer than policy.timeout_ms is reported and ramps
// twist targets to zero and joint-target control back to the stand controller.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createSocket } from 'node:dgram'
import { WebSocket } from 'ws'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import { Fault, Mode, TWIST_FIELDS } from '../../host/runtime/frames.ts'
import { runController, type ReadyInfo } from '../../host/runtime/run-controller.ts'
import { packSubscribe, packTwist, readHeader, unpackState, Kind, type JointMsg } from '../../host/policy/protocol.ts'

const DT = 0.002

test('real time: UDP and WebSocket twists reach the controller\'s targets; state streams back to both', async () => {
  const udpStates: Array<NonNullable<ReturnType<typeof unpackState>>> = []
  const wsStates: Array<{ twist: number[], faults: string[], mode: string }> = []
  const sock = createSocket('udp4')
  sock.on('message', (b) => { const u = new Uint8Array(b); if (readHeader(u)?.kind === Kind.state) udpStates.push(unpackState(u)!) })
  const client: { ws: WebSocket | null } = { ws: null }
  let timer: NodeJS.Timeout | null = null
  let maxVxTel = 0
  let maxVyTel = 0
  const T = { vx: TWIST_FIELDS.indexOf('vx'), vy: TWIST_FIELDS.indexOf('vy') }
  let telAt = -1
  const onReady = (info: ReadyInfo): void => {
    telAt = info.worker.shared.layouts.telemetry.at.twist
    let seq = 1
    let k = 0
    sock.send(packSubscribe(50, { seq: seq++, t: null }), info.udpPort, '127.0.0.1')
    const ws = new WebSocket(`ws://127.0.0.1:${info.wsPort}`)
    client.ws = ws
    ws.on('message', (m) => { const o = JSON.parse(m.toString()); if (o.kind === 'state') wsStates.push(o) })
    timer = setInterval(() => {
      k++
      // first second: UDP drives vx; then the WebSocket client drives vy
      if (k <= 50) sock.send(packTwist({ vx: 0.4 }, { seq: seq++, t: null }), info.udpPort, '127.0.0.1')
      else if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ kind: 'twist', vy: 0.3, gait: 'walk' }))
    }, 20)
  }
  try {
    const s = await runController({
      mode: 'realtime',
      duration_s: 2.5,
      config: parseRuntimeConfig('policy:\n  udp_port: 0\n  ws_port: 0\n', 'test.yaml'),
      onReady,
      onTelemetry: (tel) => { maxVxTel = Math.max(maxVxTel, tel[telAt + T.vx]); maxVyTel = Math.max(maxVyTel, tel[telAt + T.vy]) }
    })
    assert.ok(Math.abs(maxVxTel - 0.4) < 1e-6, `the UDP twist reached the active targets (max vx ${maxVxTel})`)
    assert.ok(Math.abs(maxVyTel - 0.3) < 1e-9, `the WebSocket twist reached the active targets (max vy ${maxVyTel})`)
    assert.ok(udpStates.some((u) => Math.abs(u.twist[T.vx] - 0.4) < 1e-6), 'the UDP client saw its twist in the state stream')
    assert.ok(wsStates.some((w) => Math.abs(w.twist[T.vy] - 0.3) < 1e-6), 'the WebSocket client saw its twist in the state stream')
    assert.ok(wsStates.some((w) => w.faults.includes('noLocomotion') && w.mode === 'stand'), 'the state says the robot stands: no locomotion controller yet')
    assert.ok(s.policy !== null && s.policy.accepted > 40)
    assert.is(s.policy!.rejected, 0)
  } finally {
    if (timer !== null) clearInterval(timer)
    sock.close()
    client.ws?.close()
  }
})

interface Sample { t: number, vx: number, mode: number, faults: number, ramp: number }

async function silenceRun (duration_s: number, send: (info: ReadyInfo, t: number, tick: number) => void): Promise<Sample[]> {
  const samples: Sample[] = []
  let info: ReadyInfo | null = null
  await runController({
    mode: 'lockstep',
    duration_s,
    config: parseRuntimeConfig('policy:\n  udp_port: -1\n  ws_port: -1\n', 'test.yaml'),
    onReady: (i) => { info = i },
    onTelemetry: (tel) => {
      const a = info!.worker.shared.layouts.telemetry.at
      const t = tel[a.t]
      samples.push({ t, vx: tel[a.twist], mode: tel[a.mode], faults: tel[a.faults], ramp: tel[a.controller_out] })
      send(info!, t, Math.round(t / DT))
    }
  })
  return samples
}

test('lockstep: twist silence beyond 200 ms is reported and the twist ramps to zero', async () => {
  let seq = 1
  let lastSend = -1
  const samples = await silenceRun(1.2, (info, t, tick) => {
    if (t < 0.6 && tick % 10 === 0) {
      assert.ok(info.port!.submitLocal({ kind: 'twist', mask: 1, vx: 0.5, vy: NaN, wz: NaN, height: NaN, roll: NaN, pitch: NaN, gait: -1, step_hz: NaN }, null, seq++).ok)
      lastSend = t
    }
  })
  const firstFault = samples.find((s) => (s.faults & Fault.policyTimeout) !== 0)!
  assert.ok(firstFault !== undefined, 'the timeout was reported')
  // the target was stamped on arrival, one tick after the telemetry that triggered it
  const silence = firstFault.t - (lastSend + DT)
  assert.ok(silence > 0.2 - 1e-9 && silence <= 0.2 + 2 * DT + 1e-9, `reported after ${silence} s of silence`)
  const before = samples.filter((s) => s.t > 0.3 && s.t < firstFault.t)
  assert.ok(before.every((s) => s.vx === 0.5 && (s.faults & Fault.policyTimeout) === 0), 'held while the policy is live')
  const after = samples.filter((s) => s.t >= firstFault.t)
  for (let i = 1; i < after.length; i++) {
    assert.ok(after[i].vx <= after[i - 1].vx, 'vx falls monotonically')
    assert.ok(after[i - 1].vx - after[i].vx <= 2 * DT + 1e-12, 'at the configured deceleration (2 m/s²)')
  }
  const stopped = after.find((s) => s.vx === 0)!
  assert.ok(stopped.t - firstFault.t <= 0.25 + 2 * DT, `stopped ${stopped.t - firstFault.t} s after the timeout`)
  assert.ok(after.every((s) => (s.faults & Fault.policyTimeout) !== 0), 'reported until a policy speaks again')
})

test('lockstep: joint-target silence hands control back to the stand controller, ramping from the pose held', async () => {
  let seq = 1
  let nj = 0
  const samples = await silenceRun(3, (info, t, tick) => {
    nj = info.robot.jointNames.length
    if (t < 1.0 && tick % 10 === 0) {
      const q = Float64Array.from(info.robot.q_stand)
      q[1] += 0.1 // a slightly different pose than stand
      const msg: JointMsg = { kind: 'joint', n: nj, mask: 1, q, qd: null, kp: null, kd: null, tau: null }
      assert.ok(info.port!.submitLocal(msg, null, seq++).ok)
    }
  })
  assert.ok(nj === 12)
  const joint = samples.filter((s) => s.mode === Mode.joint)
  assert.ok(joint.length > 400, `joint mode for ${joint.length} ticks`)
  const back = samples.find((s) => s.t > 1.0 && s.mode === Mode.stand)!
  assert.ok(back !== undefined, 'stand mode after the silence')
  assert.ok((back.faults & Fault.policyTimeout) !== 0)
  assert.ok(back.ramp < 1e-3, 'the stand ramp restarts from the pose held')
  const end = samples[samples.length - 1]
  assert.ok(end.mode === Mode.stand && end.ramp === 1, 'and completes')
})

test.run()
