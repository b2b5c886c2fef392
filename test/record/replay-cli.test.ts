// `cerebellum run --record` then `cerebellum replay`, spawned as a user runs them.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../sim/helpers.ts'

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'host/cli/main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' })

test('a lockstep recording (stand-up, then trotting under the locomotion controller) replays tick for tick; a bad file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-replay-'))
  const file = join(dir, 'stand.mcap')
  const rec = cli(['run', '--lockstep', '--no-port', '--no-control', '--duration', '2.6', '--record', file, '--json'])
  assert.is(rec.status, 0, rec.stderr)
  const r = cli(['replay', file, '--json'])
  assert.is(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ticks: number, first_divergence: number | null }
  assert.is(out.ticks, 1300)
  assert.is(out.first_divergence, null)

  const bad = join(dir, 'bad.mcap')
  writeFileSync(bad, 'not an mcap file')
  const b = cli(['replay', bad, '--json'])
  assert.is(b.status, 2)
  assert.match(b.stderr, 'bad.mcap')
  assert.ok('error' in JSON.parse(b.stdout.trim().split('\n').pop() ?? '{}'))
})

test.run()
