// HIL with mixed buses (robots/quad12/hil-mixed.yaml): ab/ad and hip drives on two CAN buses, the four
// knees on the bridge's EtherCAT bus as emulated CiA 402 drives (firmware-bridge/port/posix/emu_ecat.c,
// emu_cia402.c) whose shafts are the MuJoCo knees. The bridge is the EtherCAT master
// (firmware-bridge/src/ecat_master.c); the host walks each knee through the CiA 402 state machine and
// closes its PD in CST at 500 Hz.
//   - the segment reaches OP (every slave reports SAFE-OP then OP), the knees enable and hold the robot,
//     the working counter is 3 per slave, the DC cycle jitter is reported in DIAG
//   - a knee drive faulting (0x603F 0x4310, over-temperature) → host safe mode naming the joint and the
//     code; clear + enable resets the fault on a rising edge of bit 7 and runs again
//   - a knee slave unplugged → the bridge reports it lost, the host goes safe; plugged back, the master
//     configures it again while the others cycle, and the robot runs again once enabled
//   - the whole controller trots on this chain
// Timeouts relaxed as in hil-run.test.ts (a loaded CI machine's stalls are not the subject here).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { EcatMaster, EcatSectionFlag } from '../../host/protocol/bridge/index.ts'
import { Cia402State } from '../../host/protocol/cia402/index.ts'
import { runController } from '../../host/runtime/run-controller.ts'
import { MIXED, MOTORS, RELAXED, SCENE, enableAndSettle, enableRetrying, quad12Map, run, startRig, trotInHil, tryRealtime } from './helpers.ts'

tryRealtime()

const KNEES = ['FL_calf_joint', 'FR_calf_joint', 'RL_calf_joint', 'RR_calf_joint']

// The WKC of the next STATE whose EtherCAT section is FRESH: a STATE sent before the segment's cycle frame
// came back (a stalled CI machine) reports 0 by design, which says nothing about the slaves.
async function freshWkc (rig: Parameters<typeof run>[0]): Promise<number> {
  const fresh = (): boolean => ((rig.driver.ecat?.flags ?? 0) & EcatSectionFlag.FRESH) !== 0
  assert.ok(await run(rig, 500, fresh), 'a STATE with a fresh EtherCAT section within 0.5 s')
  return rig.driver.ecat!.wkc
}

test('--config takes a motor table for the hil plant; with the simulated plant or beside --motors it says why not', async () => {
  const why = async (p: Promise<unknown>): Promise<string> => { try { await p; return 'ran' } catch (e) { return (e as Error).message } }
  assert.match(await why(runController({ robot: SCENE, config: MIXED, duration_s: 0.1 })), /motor table: it needs --plant hil/)
  assert.match(await why(runController({ robot: SCENE, plant: 'hil', config: MIXED, motors: MOTORS, duration_s: 0.1 })), /give one/)
})

test('mixed CAN / EtherCAT: OP, CiA 402 enable, the knees hold; a drive fault and a slave dropping out end in safe mode and recover', async () => {
  const rig = await startRig(quad12Map(RELAXED, MIXED), false, { stdinControl: true })
  const d = rig.driver
  const s = d.session
  try {
    await enableAndSettle(rig, 500)
    const e = d.ecat!
    assert.ok(e !== null, 'STATE carries the EtherCAT section')
    assert.is(e.master, EcatMaster.OP)
    assert.is(e.al_state, 8, 'every slave in OP')
    assert.is(e.n_op, 4)
    assert.is(e.wkc_expected, 12)
    assert.is(await freshWkc(rig), 12, 'LRW working counter: read + write on 4 slaves')
    const knee = KNEES.map((n) => d.motors.findIndex((m) => m.joint === n))
    const reached = s.faultLog.filter((f) => f.code === 'ECAT_STATE')
    for (const j of knee) {
      const mi = d.motors[j].index
      for (const st of [2, 4, 8]) assert.ok(reached.some((f) => f.motor === mi && f.detail === st), `${d.motors[j].joint} reported AL state ${st}`)
      assert.is(d.ecodecs[j]!.state, Cia402State.OPERATION_ENABLED, `${d.motors[j].joint} operation enabled`)
      assert.ok(Math.abs(d.q[j] - rig.cmd.q_des[j]) < 0.15, `${d.motors[j].joint} holds ${d.q[j].toFixed(3)} rad (target ${rig.cmd.q_des[j]})`)
    }
    await run(rig, 250) // a DIAG (every 100 ms) with the segment cycling
    assert.is(s.diag.n_ecat, 1, 'DIAG has the EtherCAT entry')
    const jitter = s.diag.ecat[0].dc_jitter_ns
    assert.ok(Number.isFinite(jitter) && jitter >= 0, `DC jitter ${jitter} ns`)

    // --- a knee drive faults: over-temperature, CiA 402 error code 0x4310
    await rig.bench.bridge.inject('ecat-fault 1 0x4310')
    assert.ok(await run(rig, 1000, () => d.phase === 'safe'), `phase ${d.phase}`)
    assert.match(d.safeReason ?? '', /FR_calf_joint/)
    assert.match(d.safeReason ?? '', /0x4310/)
    // clear + enable: the warmup's fault reset (rising edge of bit 7), then the enable walk
    await enableAndSettle(rig, 200)
    assert.is(d.phase, 'running', 'runs again after the fault reset')
    assert.is(d.ecodecs[knee[1]]!.state, Cia402State.OPERATION_ENABLED)

    // --- a knee slave drops off the segment and comes back
    const back0 = s.counters.fault_codes.ECAT_SLAVE_BACK ?? 0
    await rig.bench.bridge.inject('ecat-unplug 2')
    assert.ok(await run(rig, 1000, () => d.phase === 'safe'), `phase ${d.phase} after unplugging`)
    assert.match(d.safeReason ?? '', /ECAT_SLAVE_LOST|EtherCAT/)
    assert.ok((s.counters.fault_codes.ECAT_SLAVE_LOST ?? 0) >= 1, 'the bridge reported the slave lost')
    await run(rig, 100)
    assert.ok(d.ecat!.wkc < 12 && d.ecat!.master === EcatMaster.DEGRADED, `WKC ${d.ecat!.wkc}, master ${d.ecat!.master}`)
    await rig.bench.bridge.inject('ecat-plug 2')
    assert.ok(await run(rig, 5000, () => (s.counters.fault_codes.ECAT_SLAVE_BACK ?? 0) > back0 && d.ecat!.master === EcatMaster.OP),
      `master ${d.ecat!.master}, ${d.ecat!.n_op} in OP after plugging back`)
    await enableAndSettle(rig, 300)
    assert.is(d.phase, 'running', 'runs again once enabled')
    assert.is(await freshWkc(rig), 12)
    console.log(`  mixed: OP, WKC ${d.ecat!.wkc}/12, DC jitter ${jitter} ns; fault → ${s.faultLog.length} bridge records; safe reasons: ${d.safeHistory.join(' | ')}`)
  } finally {
    await rig.stop()
  }
})

test('a host stall trips the bridge watchdog: the EtherCAT knees get quick stop (CiA 402), the CAN drives damping', async () => {
  // the shipped watchdog is 10 ms; 15 ms here leaves this Node loop room for its own jitter (as faults-safe)
  const rig = await startRig(quad12Map([['watchdog_us: 10000 ', 'watchdog_us: 15000 '], ['state_timeout_ms: 20', 'state_timeout_ms: 30'], ['reply_timeout_ticks: 10', 'reply_timeout_ticks: 50']], MIXED))
  const d = rig.driver
  const s = d.session
  try {
    const attempts = await enableRetrying(rig)
    const knees = KNEES.map((n) => d.motors.findIndex((m) => m.joint === n))
    const seen = new Set<number>()
    let safeFlag = false
    s.onState((st) => { if (d.ecat !== null && (st.ecat[2].flags & 0x04) !== 0) safeFlag = true })
    rig.onTick = () => { for (const j of knees) seen.add(d.ecodecs[j]!.state) }
    const trips0 = s.counters.fault_codes.WATCHDOG_TRIP ?? 0
    await rig.bench.proxy!.send({ op: 'stall', ms: 40 })
    assert.ok(await run(rig, 2000, () => d.phase === 'safe' && (s.counters.fault_codes.WATCHDOG_TRIP ?? 0) > trips0), `phase ${d.phase}`)
    await run(rig, 200)
    // quick stop (option code 2 on the emulated drive): brake, then switch on disabled — until the host's
    // safe mode walks the knees back to operation enabled to damp them
    assert.ok(seen.has(Cia402State.QUICK_STOP_ACTIVE) || seen.has(Cia402State.SWITCH_ON_DISABLED),
      `the knees left operation enabled (states seen: ${[...seen].join(', ')})`)
    console.log(`  stall: ${attempts} attempt(s); knee states seen ${[...seen].join(', ')}; STATE showed SAFE: ${safeFlag ? 'yes' : 'no'}; host: ${d.safeReason}`)
  } finally {
    await rig.stop()
  }
})

test('quad12 trots in HIL with its knees on EtherCAT and the rest on CAN', async () => {
  const { summary: s, v, seconds, link } = await trotInHil(MIXED, 'config') // cerebellum run --plant hil --config hil-mixed.yaml
  console.log(`  mixed trot: final mode ${s.final_mode}, height ${s.base_height_final} m, forward ${v.toFixed(3)} m/s over the last ${seconds.toFixed(1)} s (commanded 0.4)`)
  assert.is(s.fell, false, 'did not fall')
  assert.is(s.final_mode, 'locomotion')
  assert.ok(v > 0.2, `walked forward at ${v} m/s`)
  // the link health the TUI shows has the segment
  assert.ok(link !== null && link.ecat === 'OP' && link.ecat_wkc === '12/12' && link.ecat_in_op === 4, JSON.stringify(link))
})

test.run()
