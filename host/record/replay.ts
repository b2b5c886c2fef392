// Replays a recording through the controller, in-process and deterministically: for every recorded
// tick it queues the parameter updates and target records the worker had taken by then (telemetry
// params_taken / targets_taken), the sensor frame the tick used when it was a new one, runs the tick at
// the recorded controller time, and compares the command with the recorded one. Reports the first
// diverging tick and value (`cerebellum replay`).
//
// Compared: drive mode, controller mode and the five command arrays (numbers equal, NaN = NaN, −0 = 0).
// Not compared: flags and timings, which depend on the machine's timing in real-time runs. A frame the
// worker refused as invalid is not in the recording, so a run with sensorInvalid events may diverge
// there (the replay reports it).
import { ControllerCore } from '../runtime/controller-core.ts'
import type { ControlStep } from '../runtime/control-step.ts'
import { SharedControl } from '../runtime/shared-control.ts'
import type { Recording } from './mcap-reader.ts'

export interface Divergence {
  tick: number
  t: number
  /** Command field, e.g. 'q_des', and joint index (-1 for scalars). */
  field: string
  joint: number
  jointName: string
  recorded: number
  replayed: number
}

export interface ReplayResult {
  ticks: number
  firstDivergence: Divergence | null
}

const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b)

/** Replays `rec` (see the file header). `locomotion` must be the step the recording ran with, if any. */
export function replayRecording (rec: Recording, locomotion: ControlStep | null = null): ReplayResult {
  const { spec, robot, config } = rec.meta
  const shared = SharedControl.allocate({ ...spec, capacities: { ...spec.capacities, target: Math.max(spec.capacities.target, 1 << 16), param: Math.max(spec.capacities.param, 1 << 12) } })
  const core = new ControllerCore(shared, robot, config, () => performance.now(), locomotion)
  const L = shared.layouts
  const T = L.telemetry.at
  const C = L.command
  const S = L.sensor
  const cmd = new Float64Array(C.size)
  let targets = 0
  let params = 0
  let lastSeq = NaN
  const compared = [['drive_mode', 1], ['mode', 1], ['tau_ff', robot.jointNames.length], ['q_des', robot.jointNames.length], ['qd_des', robot.jointNames.length], ['kp', robot.jointNames.length], ['kd', robot.jointNames.length]] as const
  for (const tel of rec.ticks) {
    const tick = tel[T.tick]
    while (params < tel[T.params_taken] && params < rec.paramInputs.length) shared.paramRing.push(rec.paramInputs[params++])
    while (targets < tel[T.targets_taken] && targets < rec.targetInputs.length) shared.targetRing.push(rec.targetInputs[targets++])
    const seq = tel[T.sensor + S.at.seq]
    if (!same(seq, lastSeq)) {
      shared.sensorRing.push(tel.subarray(T.sensor, T.sensor + S.size))
      lastSeq = seq
    }
    const t = tel[T.t]
    core.tick(t, performance.now(), NaN, Infinity)
    shared.commandRing.pop(cmd)
    while (shared.telemetryRing.size() > 0) { shared.telemetryRing.peek(); shared.telemetryRing.release() }
    for (const [field, n] of compared) {
      for (let j = 0; j < n; j++) {
        const recorded = tel[T.command + C.at[field] + j]
        const replayed = cmd[C.at[field] + j]
        if (!same(recorded, replayed)) {
          return { ticks: tick, firstDivergence: { tick, t, field, joint: n === 1 ? -1 : j, jointName: n === 1 ? '' : robot.jointNames[j], recorded, replayed } }
        }
      }
    }
  }
  return { ticks: rec.ticks.length, firstDivergence: null }
}
