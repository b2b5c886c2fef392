// What real-time treatment the calling thread actually got, read from the kernel rather than assumed:
// - scheduling policy and real-time priority: fields 41 (policy) and 40 (rt_priority) of
//   /proc/thread-self/stat (proc(5)); SCHED_FIFO/SCHED_RR/SCHED_DEADLINE are real-time policies.
//   Node cannot call sched_setscheduler itself: start it under `chrt -f 80` (see host/runtime/README.md).
// - CPU affinity: Cpus_allowed_list of /proc/thread-self/status; isolated CPUs: /sys/devices/system/cpu/isolated.
// - PREEMPT_RT kernel: /sys/kernel/realtime = 1, or "PREEMPT_RT" in the kernel version string.
// - CPU frequency governor of the allowed CPUs (cpufreq sysfs; absent in most VMs).
// `applyRealtime` asks for SCHED_FIFO and a CPU for one thread with util-linux's chrt and taskset (needs
// CAP_SYS_NICE, e.g. root or `setcap cap_sys_nice+ep $(which node)`), and says why when refused.
import { spawnSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'
import { version as osVersion } from 'node:os'

/** Linux scheduling policy numbers (include/uapi/linux/sched.h). */
const POLICY_NAMES: Record<number, string> = { 0: 'SCHED_OTHER', 1: 'SCHED_FIFO', 2: 'SCHED_RR', 3: 'SCHED_BATCH', 5: 'SCHED_IDLE', 6: 'SCHED_DEADLINE' }

export interface SchedulingInfo {
  /** Kernel thread id the information is about (null when unknown). */
  tid: number | null
  /** Policy name, or 'unknown' off Linux. */
  policy: string
  /** Real-time priority 1–99 (0 for normal policies). */
  rtPriority: number
  nice: number
  /** True for SCHED_FIFO, SCHED_RR or SCHED_DEADLINE. */
  realtime: boolean
  /** CPUs the thread may run on, e.g. "0-1" or "3". */
  cpusAllowed: string
  /** CPUs isolated from the general scheduler (isolcpus=), e.g. "3"; '' when none. */
  isolatedCpus: string
  /** True when the kernel is PREEMPT_RT. */
  preemptRt: boolean
  /** cpufreq governors of the allowed CPUs, e.g. ["performance"]; [] when cpufreq is absent. */
  governors: string[]
}

function read (path: string): string | null {
  try { return readFileSync(path, 'utf8') } catch { return null }
}

/** Expands a CPU list like "0-2,5" to [0, 1, 2, 5]. */
export function parseCpuList (s: string): number[] {
  const out: number[] = []
  for (const part of s.trim().split(',')) {
    if (part === '') continue
    const [a, b] = part.split('-').map(Number)
    for (let c = a; c <= (b ?? a); c++) out.push(c)
  }
  return out
}

/** Parses a /proc/<pid>/stat line: returns [policy, rtPriority, nice]. The comm field may hold spaces and ')'. */
export function parseProcStat (line: string): { policy: number, rtPriority: number, nice: number } | null {
  const close = line.lastIndexOf(')')
  if (close < 0) return null
  // Fields after the comm start at field 3 (state); field n is at index n − 3.
  const f = line.slice(close + 2).trim().split(/\s+/)
  if (f.length < 39) return null
  return { policy: Number(f[41 - 3]), rtPriority: Number(f[40 - 3]), nice: Number(f[19 - 3]) }
}

/** Scheduling of the calling thread (call it from the thread you want to know about). */
export function readSchedulingInfo (procSelf = '/proc/thread-self'): SchedulingInfo {
  const stat = read(`${procSelf}/stat`)
  const parsed = stat !== null ? parseProcStat(stat) : null
  const status = read(`${procSelf}/status`) ?? ''
  const cpus = /^Cpus_allowed_list:\s*(.*)$/m.exec(status)?.[1]?.trim() ?? ''
  const policy = parsed !== null ? POLICY_NAMES[parsed.policy] ?? `policy ${parsed.policy}` : 'unknown'
  const governors = new Set<string>()
  for (const c of parseCpuList(cpus)) {
    const g = read(`/sys/devices/system/cpu/cpu${c}/cpufreq/scaling_governor`)
    if (g !== null) governors.add(g.trim())
  }
  const tid = /(\d+)$/.exec(procSelf)?.[1]
  return {
    tid: tid !== undefined ? Number(tid) : currentThreadId(),
    policy,
    rtPriority: parsed?.rtPriority ?? 0,
    nice: parsed?.nice ?? 0,
    realtime: policy === 'SCHED_FIFO' || policy === 'SCHED_RR' || policy === 'SCHED_DEADLINE',
    cpusAllowed: cpus,
    isolatedCpus: (read('/sys/devices/system/cpu/isolated') ?? '').trim(),
    preemptRt: (read('/sys/kernel/realtime') ?? '').trim() === '1' || /PREEMPT_RT/.test(osVersion()),
    governors: [...governors]
  }
}

/** One line saying what the loop got and what it lacks, e.g. for the start-up banner. */
export function describeScheduling (s: SchedulingInfo): string {
  const parts = [s.realtime ? `real-time scheduling ${s.policy} priority ${s.rtPriority}` : `NOT real-time: ${s.policy} (nice ${s.nice}); start under 'chrt -f 80' for SCHED_FIFO`]
  parts.push(s.preemptRt ? 'PREEMPT_RT kernel' : 'kernel is not PREEMPT_RT')
  parts.push(`CPUs ${s.cpusAllowed || '?'}${s.isolatedCpus !== '' ? ` (isolated: ${s.isolatedCpus})` : ', none isolated'}`)
  parts.push(s.governors.length > 0 ? `governor ${s.governors.join('/')}` : 'no cpufreq governor visible')
  return parts.join('; ')
}

/** Kernel thread id of the calling thread (Linux), or null. */
export function currentThreadId (): number | null {
  try {
    const m = /task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))
    return m !== null ? Number(m[1]) : null
  } catch {
    return null
  }
}

/** Scheduling of thread `tid` of this process, read from the main thread. */
export function readThreadScheduling (tid: number): SchedulingInfo {
  return readSchedulingInfo(`/proc/self/task/${tid}`)
}

export interface RealtimeRequest {
  /** SCHED_FIFO priority 1–99; 0 leaves the policy alone. */
  priority: number
  /** CPU to pin the thread to; -1 leaves the affinity alone. */
  cpu: number
}

/** Applies SCHED_FIFO and CPU affinity to thread `tid` (chrt, taskset); returns one line per problem. */
export function applyRealtime (tid: number, req: RealtimeRequest): string[] {
  const problems: string[] = []
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' })
    if (r.error !== undefined) problems.push(`${cmd}: ${r.error.message} (install util-linux)`)
    else if (r.status !== 0) problems.push(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim()} (needs CAP_SYS_NICE: run as root or setcap cap_sys_nice+ep on node)`)
  }
  if (req.priority > 0) run('chrt', ['-f', '-p', String(req.priority), String(tid)])
  if (req.cpu >= 0) run('taskset', ['-p', '-c', String(req.cpu), String(tid)])
  return problems
}
