// Reading the scheduling the thread got: /proc/<pid>/stat parsing (comm with spaces and parentheses,
// policy and rt_priority fields), CPU lists, and the honest one-line report.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync } from 'node:fs'
import { describeScheduling, parseCpuList, parseProcStat, readSchedulingInfo } from '../../host/runtime/rt-scheduling.ts'

test('stat fields 41 (policy), 40 (rt_priority) and 19 (nice) are read after the last parenthesis', () => {
  // 52 fields as proc(5) lists them; comm "(node) (x)" contains a space and parentheses.
  const fields = Array.from({ length: 52 }, (_, i) => String(i + 1))
  fields[1] = '(node) (x)'
  fields[18] = '-5'   // field 19: nice
  fields[39] = '80'   // field 40: rt_priority
  fields[40] = '1'    // field 41: policy (SCHED_FIFO)
  assert.equal(parseProcStat(fields.join(' ')), { policy: 1, rtPriority: 80, nice: -5 })
  assert.is(parseProcStat('garbage'), null)
})

test('CPU lists expand ranges', () => {
  assert.equal(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8])
  assert.equal(parseCpuList(''), [])
})

test('the live thread reports its policy; the report says plainly when it is not real-time', () => {
  const s = readSchedulingInfo()
  if (!existsSync('/proc/thread-self/stat')) {
    assert.is(s.policy, 'unknown')
    return
  }
  assert.match(s.policy, /^SCHED_/)
  assert.ok(s.cpusAllowed.length > 0)
  const line = describeScheduling(s)
  if (s.realtime) assert.match(line, /^real-time scheduling SCHED_(FIFO|RR|DEADLINE)/)
  else assert.match(line, /^NOT real-time: SCHED_\w+ .*chrt -f/)
  const fifo = describeScheduling({ ...s, policy: 'SCHED_FIFO', realtime: true, rtPriority: 80, preemptRt: true, isolatedCpus: '1', governors: ['performance'] })
  assert.match(fifo, /real-time scheduling SCHED_FIFO priority 80; PREEMPT_RT kernel; CPUs .* \(isolated: 1\); governor performance/)
})

test.run()
