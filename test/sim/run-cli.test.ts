// `cerebellum run` end to end, spawned as a user runs it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './helpers.ts'

function cli (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'host/cli/main.ts'), 'run', ...args], { cwd: repoRoot })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

interface Summary { ticks: number, fell: boolean, missed: number, faults: string[], base_height_min: number, base_height_final: number, sim_time_s: number, final_mode: string, stages_us: Record<string, unknown> }

test('run --lockstep --duration 2 --json: one summary object as the last line, standing', async () => {
  const r = await cli(['--lockstep', '--no-port', '--duration', '2', '--json', '--seed', '3'])
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.is(lines.length, 1, 'status lines go to stderr with --json')
  const s = JSON.parse(lines[0]) as Summary
  for (const k of ['ticks', 'missed', 'fell', 'faults', 'lateness_us', 'compute_us', 'stages_us', 'base_height_min', 'base_height_final', 'sim_time_s', 'final_mode']) assert.ok(k in s, `summary has ${k}`)
  assert.is(s.missed, 0, 'lockstep never misses a deadline')
  assert.equal(s.faults, [])
  assert.is(s.ticks, 1000)
  assert.is(s.fell, false)
  assert.ok(Math.abs(s.sim_time_s - 2) < 1e-9)
  assert.ok(s.base_height_min > 0.28 && s.base_height_final < 0.305, JSON.stringify(s))
  assert.match(r.stderr, /height 0\.29\d m/)
})

test('run --stand-up stands up from lying and is not counted as a fall', async () => {
  const r = await cli(['--lockstep', '--no-port', '--duration', '3', '--json', '--stand-up'])
  assert.is(r.code, 0, r.stderr)
  const s = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Summary
  assert.is(s.fell, false)
  assert.ok(s.base_height_final > 0.28, JSON.stringify(s))
})

test.run()
