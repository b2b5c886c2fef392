// Faults the chain must absorb, injected by the proxy on the pty (host/hil/pty-proxy.ts) while the drives
// hold quad12 standing on the HIL bench: dropped, corrupted and delayed frames in both directions. Each is
// counted where it lands (the bridge's DIAG link counters and FAULT records, the host's link and session
// counters) and none may put the drives into their safe mode or drop the robot.
//
// The bridge watchdog here is 100 ms and the host's timeouts 200 ms / 50 ticks (the shipped map: 10 ms,
// 20 ms, 10 ticks): this file is about what is tolerated, and the test's own 500 Hz loop runs on a Node
// event loop that a loaded 2-core CI machine stalls for tens of ms (TOOLCHAIN.md). The 10 ms watchdog is exercised in faults-safe.test.ts and, in simulated time,
// by firmware-bridge/test/t_sim.c.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LinkCounter } from '../../host/protocol/bridge/index.ts'
import { RELAXED, baseHeight, enableAndSettle, quad12Map, run, startRig, tryRealtime, type Rig } from './helpers.ts'

tryRealtime()
let rig: Rig

function diagLink (k: number): number {
  return rig.driver.session.diag.link[k]
}

async function freshDiag (): Promise<void> {
  const n = rig.driver.session.counters.diags
  assert.ok(await run(rig, 1000, () => rig.driver.session.counters.diags >= n + 2), 'DIAG keeps arriving (every 100 ms)')
}

test.before(async () => {
  try {
    rig = await startRig(quad12Map(RELAXED))
    await enableAndSettle(rig, 500)
  } catch (err) {
    // uvu does not report a failing hook: say why before every test fails
    console.error(err)
    throw err
  }
})

test.after(async () => {
  await rig?.stop()
})

test('the robot stands on the bench before any fault', () => {
  assert.is(rig.driver.phase, 'running')
  const h = baseHeight(rig)
  assert.ok(h > 0.2, `base at ${h.toFixed(3)} m`)
})

test('dropped commands: the bridge counts the sequence gap, the drives keep running', async () => {
  await freshDiag()
  const gaps0 = diagLink(LinkCounter.RX_SEQ_GAPS)
  const proxy = rig.bench.proxy!
  const dropped0 = (await proxy.send({ op: 'counters' })).dropped
  await proxy.send({ op: 'drop', dir: 'toBridge', n: 3 })
  await run(rig, 300)
  await freshDiag()
  assert.is((await proxy.send({ op: 'counters' })).dropped - dropped0, 3, 'the proxy dropped 3 commands')
  assert.ok(diagLink(LinkCounter.RX_SEQ_GAPS) - gaps0 >= 3, `bridge rx_seq_gaps +${diagLink(LinkCounter.RX_SEQ_GAPS) - gaps0}`)
  assert.ok((rig.driver.session.counters.fault_codes.SEQ_GAP ?? 0) >= 1, 'SEQ_GAP fault record')
  assert.is(rig.driver.phase, 'running', rig.driver.safeReason ?? '')
})

test('dropped states: the host counts the gap in the bridge\'s sequence numbers', async () => {
  const s = rig.driver.session.counters
  const gaps0 = s.rx_seq_gaps
  await rig.bench.proxy!.send({ op: 'drop', dir: 'toHost', n: 3 })
  await run(rig, 300)
  assert.ok(s.rx_seq_gaps - gaps0 >= 3, `host rx_seq_gaps +${s.rx_seq_gaps - gaps0}`)
  assert.is(rig.driver.phase, 'running', rig.driver.safeReason ?? '')
})

test('corrupted commands: the bridge rejects every one (CRC / framing) and reports it', async () => {
  await freshDiag()
  const bad0 = diagLink(LinkCounter.RX_CRC) + diagLink(LinkCounter.RX_COBS) + diagLink(LinkCounter.RX_LEN)
  const ok0 = diagLink(LinkCounter.RX_OK)
  await rig.bench.proxy!.send({ op: 'corrupt', dir: 'toBridge', n: 3 })
  await run(rig, 300)
  await freshDiag()
  const bad = diagLink(LinkCounter.RX_CRC) + diagLink(LinkCounter.RX_COBS) + diagLink(LinkCounter.RX_LEN) - bad0
  assert.is(bad, 3, 'three frames rejected')
  assert.ok(diagLink(LinkCounter.RX_OK) > ok0, 'the others accepted')
  const c = rig.driver.session.counters.fault_codes
  assert.ok((c.RX_CRC_ERROR ?? 0) + (c.RX_FRAMING_ERROR ?? 0) >= 1, 'an RX_CRC_ERROR / RX_FRAMING_ERROR record')
  assert.is(rig.driver.phase, 'running', rig.driver.safeReason ?? '')
})

test('corrupted states: the host rejects every one', async () => {
  const s = rig.driver.session
  const bad0 = s.counters.rx_bad + s.link.counters.bad_frames
  await rig.bench.proxy!.send({ op: 'corrupt', dir: 'toHost', n: 3 })
  await run(rig, 300)
  assert.is(s.counters.rx_bad + s.link.counters.bad_frames - bad0, 3, 'three frames rejected by CRC or framing')
  assert.is(rig.driver.phase, 'running', rig.driver.safeReason ?? '')
})

test('delayed commands (4 ms each): the round trip grows by the delay, nothing trips', async () => {
  const s = rig.driver.session
  const rtt: number[] = []
  let collect = true
  s.onState(() => { if (collect && Number.isFinite(s.lastRtt_us)) rtt.push(s.lastRtt_us) })
  await run(rig, 300)
  const before = rtt.splice(0).sort((a, b) => a - b)
  const proxy = rig.bench.proxy!
  await proxy.send({ op: 'delay', dir: 'toBridge', ms: 4 })
  await run(rig, 400)
  const counters = await proxy.send({ op: 'delay', dir: 'toBridge', ms: 0 })
  collect = false
  const during = rtt.sort((a, b) => a - b)
  await run(rig, 200)
  // the state answering the newest command arrives ≥ 4 ms after it was sent (a lower bound, not a timing assertion)
  const p50 = during[Math.floor(during.length / 2)]
  assert.ok(before.length > 0 && during.length > 0, 'round trips measured')
  assert.ok(p50 >= 4000, `round trip p50 ${p50} µs with a 4 ms delay (${before[before.length >> 1]} µs before)`)
  assert.ok(counters.delayed > 100, `${counters.delayed} frames delayed`)
  assert.ok(s.counters.states_stale > 0, 'states answering older commands counted')
  assert.is(rig.driver.phase, 'running', rig.driver.safeReason ?? '')
})

test('after all of it the robot still stands', async () => {
  await run(rig, 300)
  const h = baseHeight(rig)
  assert.ok(h > 0.2, `base at ${h.toFixed(3)} m`)
  assert.is(rig.driver.counters.safe_entries, 0)
})

test.run()
