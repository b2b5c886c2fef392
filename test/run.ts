// Test entry for `npm test`: runs every test/**/*.test.ts in its own Node process (isolation for
// workers, sockets and WASM instances), two at a time, and ends with the line CI reads:
// `N passed, N failed, N skipped`. uvu prints per-file totals only, so they are summed here.
// Files that run against the wall clock (the HIL bench with its bridge watchdog, the terminal UI
// against a real-time controller) run last, one at a time, so no other test steals their CPU.
//
//   npm test                  all files
//   npm test -- qp dynamics   only files whose path contains one of the words
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { availableParallelism } from 'node:os'

const root = fileURLToPath(new URL('..', import.meta.url))
const testDir = join(root, 'test')
const EXCLUSIVE = ['test/hil/', 'test/tui/']
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 15 * 60_000)
const JOBS = Number(process.env.TEST_JOBS ?? Math.max(1, Math.min(2, availableParallelism())))

function findTests (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'vectors') out.push(...findTests(p))
    } else if (name.endsWith('.test.ts')) out.push(p)
  }
  return out
}

interface FileResult { file: string, passed: number, failed: number, skipped: number, seconds: number, output: string }

function runFile (file: string): Promise<FileResult> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (b: Buffer) => { output += b.toString() })
    child.stderr.on('data', (b: Buffer) => { output += b.toString() })
    let timedOut = false
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, FILE_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      const seconds = (performance.now() - t0) / 1000
      // uvu's summary: "Total: N", "Passed: N", "Skipped: N" (Total excludes skipped tests).
      const num = (key: string): number | null => {
        const m = output.match(new RegExp(`^\\s*${key}:\\s+(\\d+)`, 'm'))
        return m ? Number(m[1]) : null
      }
      const total = num('Total'); const passed = num('Passed'); const skipped = num('Skipped') ?? 0
      let failed: number
      let ok: number
      if (total === null || passed === null) {
        ok = 0; failed = 1 // crashed before uvu could report: one failure for the file
        output += `\n[run] ${relative(root, file)} ended without a uvu summary (exit ${code}${timedOut ? ', timed out' : ''})\n`
      } else {
        ok = passed; failed = total - passed
        if (failed === 0 && code !== 0) { failed = 1; output += `\n[run] exit code ${code} despite no failed test\n` }
      }
      resolve({ file, passed: ok, failed, skipped, seconds, output })
    })
  })
}

async function main (): Promise<void> {
  const filters = process.argv.slice(2)
  let files = findTests(testDir)
  if (filters.length > 0) files = files.filter((f) => filters.some((w) => relative(root, f).includes(w)))
  const results: FileResult[] = []
  const alone = (f: string): boolean => EXCLUSIVE.some((d) => relative(root, f).startsWith(d))
  const queue = [...files.filter((f) => !alone(f)), ...files.filter(alone)]
  let next = 0
  let running = 0
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      if (alone(queue[next]) && running > 0) { await new Promise((resolve) => setTimeout(resolve, 50)); continue }
      const file = queue[next++]
      running++
      const r = await runFile(file)
      process.stdout.write(r.output.trimEnd() + '\n')
      const mark = r.failed > 0 ? 'FAIL' : 'ok'
      process.stdout.write(`[${mark}] ${relative(root, file)}  ${r.passed} passed / ${r.failed} failed / ${r.skipped} skipped  (${r.seconds.toFixed(1)} s)\n\n`)
      results.push(r)
      running--
    }
  }
  await Promise.all(Array.from({ length: JOBS }, worker))
  const sum = (k: 'passed' | 'failed' | 'skipped'): number => results.reduce((a, r) => a + r[k], 0)
  const failedFiles = results.filter((r) => r.failed > 0).map((r) => relative(root, r.file))
  if (failedFiles.length > 0) process.stdout.write(`failing files: ${failedFiles.join(', ')}\n`)
  if (files.length === 0) process.stdout.write('no test files matched\n')
  process.stdout.write(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`)
  process.exitCode = sum('failed') > 0 || files.length === 0 ? 1 : 0
}

await main()
