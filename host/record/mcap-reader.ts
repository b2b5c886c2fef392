// Reads a recording written by McapRecorder back into the runtime's records: one telemetry record per
// tick (rebuilt from its channels), the target and parameter inputs in the order they were queued, and
// the metadata. `cerebellum replay` feeds the sensors and inputs through the controller and compares.
import { createReadStream } from 'node:fs'
import { McapStreamReader } from '@mcap/core'
import { RecordingChannels, TOPICS, type TopicKey } from './channels.ts'
import type { RecordingMeta } from './mcap-recorder.ts'

export interface Recording {
  meta: RecordingMeta
  channels: RecordingChannels
  /** Telemetry records in tick order (telemetry layout of meta.spec). */
  ticks: Float64Array[]
  /** Target records in the order the policy port queued them (target layout). */
  targetInputs: Float64Array[]
  /** Parameter records in the order they were queued (param layout). */
  paramInputs: Float64Array[]
  /** Messages per topic. */
  counts: Record<string, number>
}

function jsonRevive (_k: string, v: unknown): unknown {
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  if (v === 'NaN') return NaN
  return v
}

/** Reads the whole file. Throws naming the file when it is not a cerebellum MCAP recording. */
export async function readRecording (path: string): Promise<Recording> {
  const reader = new McapStreamReader()
  const topicOf = new Map<number, TopicKey>()
  const byTopic = new Map<string, TopicKey>(Object.entries(TOPICS).map(([k, v]) => [v, k as TopicKey]))
  let meta: RecordingMeta | null = null
  let channels: RecordingChannels | null = null
  const ticks: Float64Array[] = []
  const tickIndex = new Map<number, Float64Array>()
  const targetInputs: Float64Array[] = []
  const paramInputs: Float64Array[] = []
  const counts: Record<string, number> = {}
  const dec = new TextDecoder()
  const pendingBeforeMeta: Array<{ key: TopicKey, obj: Record<string, unknown> }> = []

  const handle = (key: TopicKey, obj: Record<string, unknown>): void => {
    const ch = channels!
    if (key === 'targetInput') { targetInputs.push(ch.decodeTarget(obj)); return }
    if (key === 'paramInput') { paramInputs.push(ch.decodeParam(obj)); return }
    const tick = typeof obj.tick === 'number' ? obj.tick : NaN
    let tel = tickIndex.get(tick)
    if (tel === undefined) {
      tel = new Float64Array(ch.L.telemetry.size).fill(NaN)
      tickIndex.set(tick, tel)
      ticks.push(tel)
    }
    ch.decodeInto(key, obj, tel)
  }

  try {
    for await (const chunk of createReadStream(path)) {
      reader.append(chunk as Buffer)
      for (let rec = reader.nextRecord(); rec !== undefined; rec = reader.nextRecord()) {
        if (rec.type === 'Metadata' && rec.name === 'cerebellum') {
          const m: Record<string, unknown> = {}
          for (const [k, v] of rec.metadata) m[k] = JSON.parse(v, jsonRevive)
          meta = m as unknown as RecordingMeta
          channels = new RecordingChannels(meta.spec, meta.robot.jointNames)
          for (const p of pendingBeforeMeta) handle(p.key, p.obj)
          pendingBeforeMeta.length = 0
        } else if (rec.type === 'Channel') {
          const key = byTopic.get(rec.topic)
          if (key !== undefined) topicOf.set(rec.id, key)
        } else if (rec.type === 'Message') {
          const key = topicOf.get(rec.channelId)
          if (key === undefined) continue
          counts[TOPICS[key]] = (counts[TOPICS[key]] ?? 0) + 1
          const obj = JSON.parse(dec.decode(rec.data)) as Record<string, unknown>
          if (channels === null) pendingBeforeMeta.push({ key, obj })
          else handle(key, obj)
        }
      }
    }
  } catch (e) {
    throw new Error(`${path}: cannot read the MCAP recording (${(e as Error).message})`)
  }
  if (!reader.done()) throw new Error(`${path}: the MCAP file ends early (was the run interrupted before the recorder closed?)`)
  if (meta === null || channels === null) throw new Error(`${path}: no 'cerebellum' metadata: not a recording made by cerebellum run --record`)
  ticks.sort((a, b) => a[channels!.L.telemetry.at.tick] - b[channels!.L.telemetry.at.tick])
  return { meta, channels, ticks, targetInputs, paramInputs, counts }
}
