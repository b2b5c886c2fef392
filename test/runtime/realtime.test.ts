// A short real-time run of the whole loop (deadline loop in the worker, plant paced by the commands):
// the books balance — every command is numbered in order, misses are attributed to exactly one cause,
// late commands are flagged as such — and the robot keeps standing. No assertion on timing itself.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CommandFlag } from '../../host/runtime/frames.ts'
import { runController } from '../../host/runtime/run-controller.ts'

test('real-time run: ordered commands, consistent miss accounting, the robot stands', async () => {
  const seqs: number[] = []
  let late = 0
  let flagsAt = -1
  let seqAt = -1
  const s = await runController({
    mode: 'realtime',
    duration_s: 1.5,
    policyPort: false,
    onReady: (i) => { flagsAt = i.worker.shared.layouts.command.at.flags; seqAt = i.worker.shared.layouts.command.at.seq },
    onCommand: (c) => { seqs.push(c[seqAt]); if ((c[flagsAt] & CommandFlag.late) !== 0) late++ }
  })
  assert.ok(s.ticks > 0)
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], 'command numbers increase')
  assert.is(s.missed, s.missed_compute + s.missed_wakeup)
  assert.ok(late <= s.late_commands, 'every late command the plant saw was counted')
  assert.ok(s.ticks >= seqs.length)
  assert.ok(Number.isFinite(s.lateness_us.p99) && Number.isFinite(s.compute_us.p99))
  assert.ok(s.compute_us.max >= s.compute_us.p99 && s.compute_us.p99 >= s.compute_us.p50)
  assert.match(s.scheduling, /^SCHED_/)
  assert.not.ok(s.fell)
  assert.is(s.final_mode, 'stand')
})

test.run()
