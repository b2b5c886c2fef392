// `cerebellum replay FILE.mcap`: runs a recording's inputs (sensor frames, targets, parameter edits)
// through the controller again, in-process, and reports the first tick whose command differs from the
// recorded one. A bug seen on the robot becomes a deterministic reproduction on a laptop.
import { parseArgs } from 'node:util'
import { readRecording } from '../../record/mcap-reader.ts'
import { replayRecording } from '../../record/replay.ts'
import { createControlStep } from '../../locomotion/locomotion-step.ts'

export const summary = 'replay an MCAP recording through the controller and report the first divergence'

const USAGE = `usage: cerebellum replay FILE.mcap [--json]

Feeds the recorded sensor frames, policy targets and parameter edits to the controller at the recorded
times and compares every command with the recorded one (drive mode, controller mode, tau_ff, q_des,
qd_des, kp, kd). Exit code 0 when every tick matches, 1 on a divergence, 2 on a bad file.

options:
  --json      print one JSON object {"ticks", "first_divergence": null | tick, "divergence": null | {...}}
              as the last line (divergence: tick, t, field, joint, recorded and replayed values)
  -h, --help  this text`

export async function run (argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  } catch (err) {
    console.error(`cerebellum replay: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (parsed.values.help === true) { console.log(USAGE); return 0 }
  const json = parsed.values.json === true
  if (parsed.positionals.length !== 1) {
    console.error(`cerebellum replay: expected one recording file\n\n${USAGE}`)
    if (json) console.log(JSON.stringify({ error: 'expected one recording file' }))
    return 2
  }
  const file = parsed.positionals[0]
  let result
  try {
    const rec = await readRecording(file)
    // A run with the locomotion controller replays through a fresh one built from the same robot file
    // and configuration (its estimator and plans start from the same state as the recorded run's).
    const robotFile = rec.meta.locomotion_robot_file
    const step = robotFile != null ? await createControlStep(rec.meta.robot, rec.meta.config, { robotFile, dumpDir: null }) : null
    result = replayRecording(rec, step)
  } catch (err) {
    const msg = `${file}: ${(err as Error).message}`
    console.error(`cerebellum replay: ${msg}`)
    if (json) console.log(JSON.stringify({ error: msg }))
    return 2
  }
  const d = result.firstDivergence
  if (json) {
    console.log(JSON.stringify({ ticks: result.ticks, first_divergence: d?.tick ?? null, divergence: d }))
  } else if (d === null) {
    console.log(`${result.ticks} ticks replayed, every command matches the recording`)
  } else {
    console.log(`${result.ticks} ticks replayed; first divergence at tick ${d.tick} (t ${d.t.toFixed(4)} s): ${d.field}${d.joint >= 0 ? `[${d.jointName}]` : ''} recorded ${d.recorded}, replayed ${d.replayed}`)
  }
  return d === null ? 0 : 1
}
