// Faults that must end in the defined safe mode, injected by the proxy on the pty (host/hil/pty-proxy.ts)
// while the drives hold quad12 on the HIL bench:
//   a 20 ms stall of the link   → the bridge's watchdog trips and damps the drives by itself
//                                 (WATCHDOG_TRIP record, TRIPPED in STATE), the host enters safe mode.
//                                 The watchdog is 15 ms here (shipped: 10 ms, whose exact trip time
//                                 firmware-bridge/test/t_sim.c checks in simulated time): the stall
//                                 exceeds both, and 15 ms leaves this test's Node loop room for its own
//                                 jitter on a loaded machine (TOOLCHAIN.md: multi-ms event-loop tails)
//   a drive reporting 95 °C     → the host enters safe mode naming the joint and the temperature
//   unplug / replug             → the host enters safe mode (link lost), reconnects, handshakes again
//                                 and stays safe until told to enable again; then it runs again
// Safe mode = every drive commanded joint damping (kp 0, kd safety.damping_kd, τ 0): checked on the
// simulated plant's side of the emulated drives, i.e. what the drives really apply.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { WatchdogState } from '../../host/protocol/bridge/index.ts'
import { RELAXED, enableAndSettle, enableRetrying, quad12Map, run, startRig, tryRealtime, type Rig } from './helpers.ts'

tryRealtime()

/** Every joint of the plant commanded damping by its drive: kp 0, kd > 0. */
function plantDamped (rig: Rig): string | null {
  const c = rig.bench.plant.command
  for (let j = 0; j < c.kp.length; j++) {
    if (!(c.kp[j] === 0 && c.kd[j] > 0)) return `${rig.bench.plant.jointNames[j]}: kp ${c.kp[j]}, kd ${c.kd[j]}`
  }
  return null
}

test('a 20 ms stall trips the bridge watchdog (15 ms): the bridge damps, the host goes safe', async () => {
  const rig = await startRig(quad12Map([['watchdog_us: 10000 ', 'watchdog_us: 15000 '], ['state_timeout_ms: 20', 'state_timeout_ms: 30']]))
  try {
    // The loop of this test runs on a Node event loop; on a loaded machine it can itself stall past 10 ms
    // and trip the watchdog before the injection: then start again (the trip then is the same safe path)
    const attempts = await enableRetrying(rig)
    const s = rig.driver.session
    const trips0 = s.counters.fault_codes.WATCHDOG_TRIP ?? 0
    const wd: number[] = []
    s.onState((st) => wd.push(st.wd_state))
    await rig.bench.proxy!.send({ op: 'stall', ms: 20 })
    const safe = await run(rig, 2000, () => rig.driver.phase === 'safe' && (s.counters.fault_codes.WATCHDOG_TRIP ?? 0) > trips0)
    assert.ok(safe, `phase ${rig.driver.phase}, trips ${s.counters.fault_codes.WATCHDOG_TRIP ?? 0 - trips0}`)
    const trip = s.faultLog.filter((f) => f.code === 'WATCHDOG_TRIP').pop()!
    assert.ok(trip.detail >= 10000, `tripped ${trip.detail} µs after the last command`)
    // A STATE frame shows TRIPPED only if the bridge sends one between the trip and the host's next
    // (damping) command, which re-arms the watchdog: a race on a loaded machine, so it is reported, not
    // asserted; the WATCHDOG_TRIP record above is the bridge's own account of the trip.
    const sawTripped = wd.includes(WatchdogState.TRIPPED)
    // The host names whichever it saw first: the bridge's WATCHDOG_TRIP record or the silence of the link
    assert.match(rig.driver.safeReason ?? '', /watchdog|no STATE|no reply/i, rig.driver.safeReason ?? '')
    await run(rig, 100)
    assert.is(plantDamped(rig), null, 'every drive damps')
    console.log(`  stall: ${attempts} attempt(s); trip after ${trip.detail} µs; STATE showed TRIPPED: ${sawTripped ? 'yes' : 'no'}; host: ${rig.driver.safeReason}`)
  } finally {
    await rig.stop()
  }
})

test('over-temperature and unplug / replug (CubeMars AK80-9 drives, which report temperature)', async () => {
  const rig = await startRig(quad12Map([...RELAXED, ['model: MiniCheetah', 'model: AK80-9']]))
  try {
    await enableAndSettle(rig, 300)
    const s = rig.driver.session
    const d = rig.driver
    // --- over-temperature: FL_calf's replies say 95 °C (CubeMars reply byte 6, PROTOCOL.md §3.7 slot layout)
    const j = d.motors.findIndex((m) => m.joint === 'FL_calf_joint')
    const slot = s.layout.motor_slot[d.motors[j].index]
    let off = 20
    for (const b of s.layout.buses) {
      off += 4
      if (slot < b.first_slot + b.n_slots) { off += (slot - b.first_slot) * (6 + b.slot_len) + 6 + 6; break }
      off += b.n_slots * (6 + b.slot_len)
    }
    assert.ok(d.temp_c[j] < 80, `FL_calf at ${d.temp_c[j]} °C before`)
    await rig.bench.proxy!.send({ op: 'overtemp', offset: off, temp: 95 })
    assert.ok(await run(rig, 1000, () => d.phase === 'safe'), `phase ${d.phase}`)
    assert.is(d.safeReason, 'FL_calf_joint at 95.0 °C ≥ 80 °C')
    await run(rig, 100)
    assert.is(plantDamped(rig), null, 'every drive damps')
    const c = await rig.bench.proxy!.send({ op: 'overtemp', offset: off, temp: null })
    assert.ok(c.rewritten > 0)
    // cooled down: enabling again works
    await enableAndSettle(rig, 200)
    assert.is(d.phase, 'running')

    // --- unplug / replug
    const h0 = s.counters.handshakes
    const faults0 = s.state.fault_count
    await rig.bench.proxy!.send({ op: 'unplug' })
    assert.ok(await run(rig, 2000, () => d.phase === 'safe'), `phase ${d.phase} after unplug`)
    assert.match(d.safeReason ?? '', /link to the bridge lost/)
    assert.ok(s.link.counters.disconnects >= 1)
    await run(rig, 300)
    assert.ok(d.counters.send_failures > 0, 'commands could not be written while unplugged (counted)')
    await rig.bench.proxy!.send({ op: 'plug' })
    assert.ok(await run(rig, 5000, () => s.phase === 'configured' && s.counters.states > 0 && s.state.fault_count > faults0), `session ${s.phase} after replug`)
    assert.ok(s.link.counters.reconnects >= 1, 'reconnected')
    assert.is(s.counters.handshakes, h0 + 1, 'handshook again')
    assert.ok(s.state.fault_count > faults0, 'the bridge recorded faults while the host was away (its watchdog)')
    assert.is(d.phase, 'safe', 'safe mode is latched across the reconnect')
    await run(rig, 100)
    assert.is(plantDamped(rig), null, 'the drives damp after the reconnect')
    await enableAndSettle(rig, 200)
    assert.is(d.phase, 'running', 'runs again once enabled')
    console.log(`  unplug: ${s.link.counters.disconnects} disconnect(s), ${s.link.counters.reconnects} reconnect(s), ${d.counters.send_failures} commands not written`)
  } finally {
    await rig.stop()
  }
})

test.run()
