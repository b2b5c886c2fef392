// Writes a run as MCAP (JSON messages with JSON schemas, chunked and indexed), which Foxglove opens
// directly. The recorder runs on the main thread, off the control loop: the caller hands it telemetry
// records as it drains the telemetry ring; each is encoded at once (so the ring slot can be reused) and
// the MCAP writes are chained asynchronously behind a buffering file sink, so no call waits for the disk.
// The first record is the metadata `cerebellum` (the shared-memory spec, the robot, the configuration),
// which the reader needs to rebuild records.
import { open, type FileHandle } from 'node:fs/promises'
import { McapWriter, type IWritable } from '@mcap/core'
import type { RuntimeConfig } from '../config/runtime-config.ts'
import type { ControlRobot } from '../runtime/control-step.ts'
import type { SharedControlSpec } from '../runtime/shared-control.ts'
import { RecordingChannels, TOPICS, type TopicKey } from './channels.ts'

/** Metadata stored in the recording (MCAP metadata record `cerebellum`, one JSON value per key). */
export interface RecordingMeta {
  spec: SharedControlSpec
  robot: ControlRobot
  config: RuntimeConfig
  /** 'realtime' or 'lockstep'. */
  mode: string
  /** Wall-clock time of controller time 0 [ms since the Unix epoch]; message log times are offset by it. */
  epoch_ms: number
  /** Free text: command line, versions. */
  note: string
  /** The robot file the locomotion controller was built from, when it ran (replay rebuilds it). */
  locomotion_robot_file?: string | null
}

/** Buffers writes and appends them to a file in order; `position` counts bytes accepted. */
class FileSink implements IWritable {
  private pos = 0n
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private chain: Promise<void> = Promise.resolve()
  private failure: Error | null = null

  constructor (private readonly fh: FileHandle, private readonly flushBytes: number) {}

  async write (buf: Uint8Array): Promise<void> {
    if (this.failure !== null) throw this.failure
    this.pending.push(buf.slice())
    this.pendingBytes += buf.length
    this.pos += BigInt(buf.length)
    if (this.pendingBytes >= this.flushBytes) this.flush()
  }

  position (): bigint { return this.pos }

  /** Starts writing what is buffered (in order after earlier flushes). */
  flush (): void {
    if (this.pending.length === 0) return
    const bufs = this.pending
    this.pending = []
    this.pendingBytes = 0
    this.chain = this.chain.then(async () => {
      for (const b of bufs) await this.fh.write(b)
    }).catch((e: unknown) => { this.failure = e instanceof Error ? e : new Error(String(e)) })
  }

  async close (): Promise<void> {
    this.flush()
    await this.chain
    await this.fh.close()
    if (this.failure !== null) throw this.failure
  }
}

export class McapRecorder {
  readonly channels: RecordingChannels
  /** Ticks and inputs handed to the recorder. */
  ticks = 0
  targetInputs = 0
  paramInputs = 0
  private readonly ids = {} as Record<TopicKey, number>
  private readonly seqs = {} as Record<TopicKey, number>
  private chain: Promise<void> = Promise.resolve()
  private failure: Error | null = null
  private readonly enc = new TextEncoder()
  private readonly epoch_ns: bigint

  private constructor (readonly path: string, private readonly writer: McapWriter, private readonly sink: FileSink, readonly meta: RecordingMeta) {
    this.channels = new RecordingChannels(meta.spec, meta.robot.jointNames)
    this.epoch_ns = BigInt(Math.round(meta.epoch_ms)) * 1_000_000n
  }

  /** Creates `path` (overwriting) and writes the header, schemas, channels and metadata. */
  static async create (path: string, meta: RecordingMeta, opts: { chunkBytes?: number } = {}): Promise<McapRecorder> {
    let fh: FileHandle
    try {
      fh = await open(path, 'w')
    } catch (e) {
      throw new Error(`--record ${path}: cannot create the file (${(e as Error).message})`)
    }
    const sink = new FileSink(fh, 1 << 20)
    const writer = new McapWriter({ writable: sink, chunkSize: opts.chunkBytes ?? 4 << 20 })
    const rec = new McapRecorder(path, writer, sink, meta)
    await writer.start({ profile: '', library: 'cerebellum' })
    for (const key of Object.keys(TOPICS) as TopicKey[]) {
      const schemaId = await writer.registerSchema({ name: String(rec.channels.schemas[key].title ?? key), encoding: 'jsonschema', data: rec.enc.encode(JSON.stringify(rec.channels.schemas[key])) })
      rec.ids[key] = await writer.registerChannel({ schemaId, topic: TOPICS[key], messageEncoding: 'json', metadata: new Map() })
      rec.seqs[key] = 0
    }
    await writer.addMetadata({ name: 'cerebellum', metadata: new Map(Object.entries(meta).map(([k, v]) => [k, JSON.stringify(v, jsonSafe)])) })
    return rec
  }

  private logTime (t: number): bigint {
    return this.epoch_ns + BigInt(Math.round((Number.isFinite(t) ? t : 0) * 1e9))
  }

  private add (key: TopicKey, t: number, obj: unknown): void {
    const data = this.enc.encode(JSON.stringify(obj))
    const time = this.logTime(t)
    const message = { channelId: this.ids[key], sequence: this.seqs[key]++, logTime: time, publishTime: time, data }
    this.chain = this.chain.then(async () => { await this.writer.addMessage(message) }).catch((e: unknown) => { this.failure ??= e instanceof Error ? e : new Error(String(e)) })
  }

  /** Records one tick (a telemetry record; read during the call only). */
  writeTick (tel: Float64Array): void {
    const t = tel[this.channels.L.telemetry.at.t]
    const m = this.channels.encodeTick(tel)
    for (const key of ['timing', 'sensors', 'estimate', 'targets', 'controller', 'command'] as const) this.add(key, t, m[key])
    this.ticks++
  }

  /** Records a target record as it is queued for the worker. */
  writeTargetInput (rec: Float64Array): void {
    this.add('targetInput', rec[this.channels.L.target.at.t_recv], this.channels.encodeTarget(rec))
    this.targetInputs++
  }

  /** Records a parameter update as it is queued (`t`: controller time now). */
  writeParamInput (rec: Float64Array, t: number): void {
    this.add('paramInput', t, this.channels.encodeParam(rec))
    this.paramInputs++
  }

  /** Writes the summary and index and closes the file. */
  async close (): Promise<void> {
    await this.chain
    await this.writer.end()
    await this.sink.close()
    if (this.failure !== null) throw this.failure
  }
}

/** JSON.stringify replacer keeping ±Infinity (robot limits) readable: written as strings. */
function jsonSafe (_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
  return v
}
