// MCAP round trip: N ticks of random telemetry (with NaN), target and parameter inputs are written and
// read back equal; the file is a valid MCAP with JSON-schema channels that Foxglove reads (checked with
// @mcap/core's own indexed reader: summary, schemas, channel encodings, message counts).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { McapIndexedReader } from '@mcap/core'
import { parseRuntimeConfig } from '../../host/config/runtime-config.ts'
import type { ControlRobot } from '../../host/runtime/control-step.ts'
import { makeControlSpec } from '../../host/runtime/controller-core.ts'
import { makeLayouts } from '../../host/runtime/frames.ts'
import { McapRecorder } from '../../host/record/mcap-recorder.ts'
import { readRecording } from '../../host/record/mcap-reader.ts'
import { TOPICS } from '../../host/record/channels.ts'
import { mulberry32 } from '../runtime/helpers/prng.ts'

const robot: ControlRobot = {
  jointNames: ['j0', 'j1', 'j2', 'j3'],
  q_min: [-1, -1, -1, -Infinity], q_max: [1, 1, 1, Infinity], qd_max: [10, 10, 10, Infinity], tau_max: [5, 5, 5, 5],
  q_stand: [0, 0.1, 0.2, 0.3], kp_stand: [10, 10, 10, 10], kd_stand: [1, 1, 1, 1], quat_base_imu: [1, 0, 0, 0], footNames: ['l', 'r']
}
const config = parseRuntimeConfig('', 'x').value
const spec = makeControlSpec(robot, config)
const L = makeLayouts(spec.dims)
const dir = mkdtempSync(join(tmpdir(), 'cerebellum-mcap-'))
const file = join(dir, 'run.mcap')
const N = 500

const rnd = mulberry32(5)
const value = (): number => {
  const r = rnd()
  if (r < 0.02) return NaN
  if (r < 0.1) return Math.round(rnd() * 100) // small integers
  return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6) // doubles over many magnitudes
}
const ticks: Float64Array[] = []
const targets: Float64Array[] = []
const params: Float64Array[] = []
for (let k = 0; k < N; k++) {
  const tel = new Float64Array(L.telemetry.size)
  for (let i = 0; i < tel.length; i++) tel[i] = value()
  tel[L.telemetry.at.tick] = k
  tel[L.telemetry.at.t] = k * 0.002
  tel[L.telemetry.at.mode] = k % 4
  ticks.push(tel)
  if (k % 7 === 0) { const r = new Float64Array(L.target.size); for (let i = 0; i < r.length; i++) r[i] = value(); r[L.target.at.t_recv] = k * 0.002; targets.push(r) }
  if (k % 50 === 0) params.push(Float64Array.from([k % 3, value()]))
}

const same = (x: number, y: number): boolean => x === y || (Number.isNaN(x) && Number.isNaN(y))

test('write N ticks and inputs, read them back equal', async () => {
  const rec = await McapRecorder.create(file, { spec, robot, config, mode: 'lockstep', epoch_ms: 1.7e12, note: 'test' }, { chunkBytes: 64 * 1024 })
  for (let k = 0; k < N; k++) {
    rec.writeTick(ticks[k])
    if (k % 7 === 0) rec.writeTargetInput(targets[k / 7])
    if (k % 50 === 0) rec.writeParamInput(params[k / 50], k * 0.002)
  }
  await rec.close()
  const back = await readRecording(file)
  assert.is(back.ticks.length, N)
  for (let k = 0; k < N; k++) {
    const a = ticks[k]; const b = back.ticks[k]
    for (let i = 0; i < a.length; i++) {
      if (!same(a[i], b[i])) {
        const f = L.telemetry.fields.find((x) => L.telemetry.at[x.name as keyof typeof L.telemetry.at] <= i && i < L.telemetry.at[x.name as keyof typeof L.telemetry.at] + x.length)
        assert.unreachable(`tick ${k}: telemetry[${i}] (${f?.name}) wrote ${a[i]}, read ${b[i]}`)
      }
    }
  }
  assert.is(back.targetInputs.length, targets.length)
  targets.forEach((t, j) => t.forEach((x, i) => { if (!same(x, back.targetInputs[j][i])) assert.unreachable(`target input ${j}[${i}]`) }))
  assert.is(back.paramInputs.length, params.length)
  params.forEach((p, j) => p.forEach((x, i) => { if (!same(x, back.paramInputs[j][i])) assert.unreachable(`param input ${j}[${i}]`) }))
  assert.equal(back.meta.robot.q_max, robot.q_max, 'infinite limits survive the metadata')
  assert.equal(back.meta.spec, spec)
})

test('the file is an indexed MCAP with JSON-schema channels and JSON messages', async () => {
  const bytes = readFileSync(file)
  const reader = await McapIndexedReader.Initialize({
    readable: { size: async () => BigInt(bytes.length), read: async (off: bigint, len: bigint) => new Uint8Array(bytes.buffer, bytes.byteOffset + Number(off), Number(len)) }
  })
  const topics = [...reader.channelsById.values()].map((c) => c.topic).sort()
  assert.equal(topics, Object.values(TOPICS).sort())
  for (const c of reader.channelsById.values()) {
    assert.is(c.messageEncoding, 'json')
    const s = reader.schemasById.get(c.schemaId)!
    assert.is(s.encoding, 'jsonschema')
    const schema = JSON.parse(new TextDecoder().decode(s.data)) as { type: string, properties: Record<string, unknown> }
    assert.is(schema.type, 'object')
  }
  assert.ok(reader.chunkIndexes.length > 1, 'chunked')
  const counts = reader.statistics!.channelMessageCounts
  const byTopic = new Map([...reader.channelsById.values()].map((c) => [c.topic, Number(counts.get(c.id) ?? 0n)]))
  assert.is(byTopic.get(TOPICS.sensors), N)
  assert.is(byTopic.get(TOPICS.targetInput), targets.length)
  // log times are the epoch plus controller time
  let first: bigint | null = null
  for await (const m of reader.readMessages({ topics: [TOPICS.timing] })) { first = m.logTime; break }
  assert.is(first, 1_700_000_000_000_000_000n)
})

test('a truncated file is reported, naming the file', async () => {
  const bytes = readFileSync(file)
  const cut = join(dir, 'cut.mcap')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
  try {
    await readRecording(cut)
    assert.unreachable('should fail')
  } catch (e) {
    assert.match((e as Error).message, /cut\.mcap/)
  }
})

test.after(() => rmSync(dir, { recursive: true, force: true }))

test.run()
