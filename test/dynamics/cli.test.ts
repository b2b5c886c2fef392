// `cerebellum dynamics` end to end (spawned like a user runs it): the --json line against MuJoCo at a
// random state, and exit code 2 with a message naming the field for bad input.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRobot } from '../../host/robot/load.ts'
import { MujocoOracle, randomState, relErr, repoRoot, rng, sub } from './helpers.ts'

const ARM = repoRoot + 'test/fixtures/arm.xml'
const QUAD = repoRoot + 'robots/quad12/quad12.xml'
const dir = mkdtempSync(join(tmpdir(), 'cerebellum-dyn-'))

function cli (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'host/cli/main.ts'), 'dynamics', ...args], { cwd: repoRoot })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function writeJson (name: string, value: unknown): string {
  const p = join(dir, name)
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value))
  return p
}

interface Out { nq: number, nv: number, M: number[][], bias: number[], com: number[], frames: Record<string, { pos: number[], rot: number[][], jac: number[][] }> }

for (const file of [ARM, QUAD]) {
  test(`--json output of ${file.slice(repoRoot.length)} matches MuJoCo`, async () => {
    const desc = await loadRobot(file)
    const st = randomState(desc, rng(99))
    const state = writeJson(`state-${desc.name}.json`, { qpos: Array.from(st.qpos), qvel: Array.from(st.qvel) })
    const r = await cli(['--robot', file, '--state', state, '--json'])
    assert.is(r.code, 0, r.stderr)
    const lines = r.stdout.trim().split('\n')
    const out = JSON.parse(lines[lines.length - 1]) as Out
    const mj = await MujocoOracle.load(file)
    try {
      mj.forward(st)
      assert.is(out.nq, desc.nq)
      assert.is(out.nv, desc.nv)
      assert.ok(relErr(out.M.flat(), mj.fullM()) < 1e-9, 'M')
      assert.ok(relErr(out.bias, mj.d.qfrc_bias) < 1e-9, 'bias')
      const root = mj.id('body', desc.bodies[0].name)
      assert.ok(relErr(out.com, sub(mj.d.subtree_com, 3 * root, 3)) < 1e-9, 'com')
      const sites = desc.frames.filter((f) => f.kind === 'site')
      assert.ok(sites.length > 0)
      for (const s of sites) {
        const id = mj.id('site', s.name)
        const f = out.frames[s.name] ?? out.frames[`site:${s.name}`]
        assert.ok(f !== undefined, `frame ${s.name} in the output`)
        assert.ok(relErr(f.pos, sub(mj.d.site_xpos, 3 * id, 3)) < 1e-9, `${s.name} pos`)
        assert.ok(relErr(f.rot.flat(), sub(mj.d.site_xmat, 9 * id, 9)) < 1e-9, `${s.name} rot`)
        assert.ok(relErr(f.jac.flat(), mj.jacobian('site', id)) < 1e-9, `${s.name} jac`)
      }
    } finally {
      mj.dispose()
    }
  })
}

test('bad input: exit code 2 and a message naming the file and field', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--robot', ARM, '--state', writeJson('short.json', { qpos: [0, 0], qvel: [] })], /short\.json: field 'qpos' has 2 values, the robot needs 7/],
    [['--robot', ARM, '--state', writeJson('nan.json', '{"qpos": [0, 0, "NaN", 0, 0, 0, 0]}')], /nan\.json: qpos\[2\] = "NaN" is not a finite number/],
    [['--robot', ARM, '--state', writeJson('nullv.json', { qpos: [0, 0, 0, 0, 0, 0, 0], qvel: [0, 0, 0, null, 0, 0, 0] })], /nullv\.json: qvel\[3\] = null is not a finite number/],
    [['--robot', ARM, '--state', join(dir, 'absent.json')], /absent\.json: no such file/],
    [['--robot', join(dir, 'absent.xml')], /absent\.xml: no such file/],
    [['--state', 'x.json'], /--robot FILE is required/]
  ]
  const results = await Promise.all(cases.map(async ([args]) => await cli(args)))
  results.forEach((r, i) => {
    assert.is(r.code, 2, `${cases[i][0].join(' ')}: exit code`)
    assert.match(r.stderr, cases[i][1])
  })
})

test.run()
