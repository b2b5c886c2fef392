// The terminal UI driven in tmux against a real `cerebellum run --lockstep --no-port`: a gain edited in
// the UI reaches the controller (its published command carries the new gain, ramped in), bad edits are
// refused with a message, `s` shows the diff and writes the YAML with its comments, `r` reverts, and the
// controller keeps running when the UI quits or dies.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import { Controller, Probe, Tmux, tmuxAvailable, waitUntil } from './helpers.ts'

const CONFIG = `# bench robot, tuned by hand
control:
  rate_hz: 500          # the loop
stand:
  kp: 60   # stand gain, every joint
  kd: 1.5
  ramp_s: 1.5
`

if (!tmuxAvailable()) {
  console.log('SKIP: tmux not found (CI installs it): the terminal UI tests drive the UI in tmux')
  test.skip('terminal UI in tmux: tuning, bad edits, save', () => {})
} else {
  const dir = mkdtempSync(join(tmpdir(), 'cerebellum-tui-'))
  const cfgFile = join(dir, 'robot.yaml')
  writeFileSync(cfgFile, CONFIG)
  let ctl: Controller
  let probe: Probe
  const ui = new Tmux('tune')
  let j = -1

  test.before(async () => {
    try {
      ctl = await Controller.start(['--lockstep', '--no-port', '--config', cfgFile, '--control', `unix:${join(dir, 'ctl.sock')}`])
      probe = new Probe(ctl.address)
      await probe.connect()
      j = probe.hello!.jointNames.indexOf('FL_hip_joint')
      ui.start(['--connect', ctl.address])
    } catch (e) {
      // uvu does not print a failing hook's error.
      console.error('setup failed:', e)
      throw e
    }
  })

  test.after(async () => {
    ui.kill()
    probe?.close()
    await ctl?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the UI attaches and shows the mode, the loop and the gains at 80×24', async () => {
    const s = await ui.waitFor(/mode STAND/)
    assert.match(s, /quad12/)
    await ui.waitFor(/loop \d+/)
    assert.match(s, /stand\.kp\.FL_hip/)
    assert.match(s, /1 Gains/)
    for (const line of s.split('\n')) assert.ok(Array.from(line).length <= 80, `line wider than 80: ${line}`)
  })

  test('a gain edited in the UI reaches the controller, ramped in', async () => {
    assert.ok(j >= 0)
    assert.is(probe.c('kp', j), 60, 'the stand gain from the file')
    const seen0 = probe.records.length
    ui.keys('/')
    ui.type('kp.FL_hip')
    ui.keys('Enter', 'Enter')
    await ui.waitFor(/stand\.kp\.FL_hip_joint = /)
    ui.type('85')
    ui.keys('Enter')
    await ui.waitFor(/stand\.kp\.FL_hip_joint: 60 → 85 N·m\/rad, ramping/)
    // The controller's own telemetry: the command it publishes carries the new gain.
    await waitUntil('kp 85 in the published command', () => probe.c('kp', j) === 85)
    const kps = probe.records.slice(seen0).map((r) => probe.idx!.c(r, 'kp', j))
    const between = kps.filter((k) => k > 60 && k < 85)
    assert.ok(between.length > 0, `the change ramped in (values seen: ${[...new Set(kps)].join(', ')})`)
    for (let i = 1; i < kps.length; i++) assert.ok(kps[i] >= kps[i - 1], 'the ramp only goes up')
    assert.is(probe.c('kp', (j + 1) % probe.hello!.jointNames.length), 60, 'the other joints keep theirs')
    // And the UI shows the controller's value in the motors panel.
    ui.keys('2')
    await ui.waitFor(/FL_hip\s+\S+\s+\S+\s+\S+\s+85\.0/)
    ui.keys('1')
  })

  test('bad edits are refused with a message and change nothing', async () => {
    ui.keys('Enter')
    ui.type('abc')
    ui.keys('Enter')
    await ui.waitFor(/'abc' is not a number; not applied/)
    ui.keys('Enter')
    ui.type('5000')
    ui.keys('Enter')
    await ui.waitFor(/5000 N·m\/rad is outside \[0, 2000\] N·m\/rad; not applied/)
    ui.keys('Enter')
    ui.type('-3')
    ui.keys('Enter')
    await ui.waitFor(/-3 N·m\/rad is outside/)
    ui.keys('Enter', 'Enter')
    await ui.waitFor(/no value typed; not applied/)
    assert.is(probe.c('kp', j), 85)
  })

  test('s shows the diff against the file; y writes it with its comments', async () => {
    ui.keys('s')
    const s = await ui.waitFor(/diff against .*robot\.yaml/)
    assert.match(s, /-\s+kp: 60\s+# stand gain, every joint/)
    // The + line is wider than 80 columns: the diff view wraps it.
    assert.ok(s.replace(/\s+/g, '').includes('+kp:[85,60,60,60,60,60,60,60,60,60,60,60]#standgain,everyjoint'), s)
    assert.not.match(s, /[-+] +rate_hz/, 'only the changed line differs')
    assert.is(readFileSync(cfgFile, 'utf8'), CONFIG, 'nothing written before y')
    ui.keys('y')
    await ui.waitFor(/saved 1 value\(s\) to .*robot\.yaml/)
    const text = readFileSync(cfgFile, 'utf8')
    assert.is(text, CONFIG.replace('kp: 60   #', 'kp: [ 85, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60 ]   #'), 'the value replaced, every other byte kept')
    const v = parseRuntimeConfig(text, cfgFile).value
    assert.equal(v.stand.kp, [85, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60])
    assert.is(v.stand.kd, 1.5)
    ui.keys('s')
    await ui.waitFor(/nothing to save/)
  })

  test('r reverts the selected gain to its start-up value', async () => {
    ui.keys('r')
    await ui.waitFor(/reverted stand\.kp\.FL_hip_joint: 85 → 60 N·m\/rad, ramping/)
    await waitUntil('kp back to 60', () => probe.c('kp', j) === 60)
  })

  test('the controller keeps running when the UI quits or dies', async () => {
    ui.keys('q')
    await ui.waitFor(/\[tui exited 0\]/)
    const t0 = probe.t('t')
    await waitUntil('telemetry after the UI quit', () => probe.t('t') > t0 + 0.5)
    ui.kill()
    const t1 = probe.t('t')
    await waitUntil('telemetry after the UI was killed', () => probe.t('t') > t1 + 0.5)
    assert.ok(ctl.running())
    assert.is(probe.modeName(), 'stand')
  })
}

test.run()
