// The MCAP channels of a recording and their JSON schemas, derived from the runtime's record layouts.
// Each telemetry field goes to exactly one channel, so a tick's telemetry record is rebuilt bit-exact
// from its messages (JSON numbers round-trip doubles exactly, except that −0 is written as 0; NaN and
// ±Infinity are written as null and read back as NaN — the schemas say so). Channels carry readable names (joint arrays, named stages and
// controller outputs) so Foxglove's plots and raw-message panels show them directly.
//
//   /cerebellum/timing        tick, t, lateness, compute, stages by name, counters
//   /cerebellum/sensors       the sensor frame the tick used
//   /cerebellum/estimate      base state estimate and its source
//   /cerebellum/targets       active targets after interpolation and slew limits
//   /cerebellum/controller    mode, faults, the control steps' outputs (MPC/WBC later)
//   /cerebellum/command       the joint command sent
//   /cerebellum/target_input  every target record accepted by the policy port (for replay)
//   /cerebellum/param_input   every parameter update sent to the worker (for replay)
import { FAULT_NAMES, JOINT_TARGET_FIELDS, MODE_NAMES, TWIST_FIELDS, faultNames, makeLayouts, type Layouts } from '../runtime/frames.ts'
import type { FieldDef, RecordLayout } from '../runtime/record-layout.ts'
import type { SharedControlSpec } from '../runtime/shared-control.ts'

export const TOPICS = {
  timing: '/cerebellum/timing',
  sensors: '/cerebellum/sensors',
  estimate: '/cerebellum/estimate',
  targets: '/cerebellum/targets',
  controller: '/cerebellum/controller',
  command: '/cerebellum/command',
  targetInput: '/cerebellum/target_input',
  paramInput: '/cerebellum/param_input'
} as const
export type TopicKey = keyof typeof TOPICS

type Json = Record<string, unknown>

/** JSON for a number that may be non-finite. */
function jn (x: number): number | null { return Number.isFinite(x) ? x : null }
/** Back from JSON: null → NaN. */
function nj (x: unknown): number { return typeof x === 'number' ? x : NaN }

function slice (rec: Float64Array, off: number, n: number): Array<number | null> {
  const a = new Array<number | null>(n)
  for (let i = 0; i < n; i++) a[i] = jn(rec[off + i])
  return a
}
function unslice (v: unknown, rec: Float64Array, off: number, n: number): void {
  const a = Array.isArray(v) ? v : []
  for (let i = 0; i < n; i++) rec[off + i] = nj(a[i])
}

const NUM = { type: ['number', 'null'] }
const arrSchema = (n: number, doc: string): Json => ({ type: 'array', items: NUM, minItems: n, maxItems: n, description: doc })

function fieldSchema (f: FieldDef): Json {
  const doc = f.unit !== '' ? `${f.doc} [${f.unit}]` : f.doc
  return f.length === 1 ? { ...NUM, description: doc } : arrSchema(f.length, doc)
}

function layoutSchema (l: RecordLayout, title: string): Json {
  return { title, type: 'object', properties: Object.fromEntries(l.fields.map((f) => [f.name, fieldSchema(f)])) }
}

function layoutToJson (l: RecordLayout, rec: Float64Array, off: number): Json {
  const o: Json = {}
  for (const f of l.fields) {
    const a = off + l.at[f.name]
    o[f.name] = f.length === 1 ? jn(rec[a]) : slice(rec, a, f.length)
  }
  return o
}

function layoutFromJson (l: RecordLayout, o: Json, rec: Float64Array, off: number): void {
  for (const f of l.fields) {
    const a = off + l.at[f.name]
    if (f.length === 1) rec[a] = nj(o[f.name])
    else unslice(o[f.name], rec, a, f.length)
  }
}

/** Encoders and decoders of every channel for one shared-memory spec. */
export class RecordingChannels {
  readonly L: Layouts
  readonly schemas: Record<TopicKey, Json>
  private readonly nj: number

  constructor (readonly spec: SharedControlSpec, readonly jointNames: readonly string[]) {
    this.L = makeLayouts(spec.dims)
    this.nj = spec.dims.nj
    const T = this.L.telemetry
    const f = (name: string): FieldDef => T.fields.find((x) => x.name === name)!
    const props = (names: string[]): Json => Object.fromEntries(names.map((n) => [n, fieldSchema(f(n))]))
    const named = (names: readonly string[], doc: string): Json => ({ type: 'object', description: doc, properties: Object.fromEntries(names.map((n) => [n, NUM])) })
    const jointArrays = Object.fromEntries(JOINT_TARGET_FIELDS.map((k) => [k, arrSchema(this.nj, `joint target ${k}, actuator order`)]))
    this.schemas = {
      timing: { title: 'cerebellum.Timing', type: 'object', properties: { ...props(['tick', 't', 'lateness_us', 'compute_us', 'missed', 'stale_sensor_ticks', 'targets_taken', 'params_taken', 'last_target_seq']), stage_us: named(spec.stageNames, 'time per stage [µs]') } },
      sensors: { ...layoutSchema(this.L.sensor, 'cerebellum.Sensors'), properties: { tick: NUM, ...layoutSchema(this.L.sensor, '').properties as Json } },
      estimate: { title: 'cerebellum.Estimate', type: 'object', properties: { tick: NUM, t: NUM, ...props(['est_p_base_world', 'est_quat_base_world', 'est_v_base_body', 'est_omega_base_body', 'est_source']) } },
      targets: { title: 'cerebellum.Targets', type: 'object', properties: { tick: NUM, t: NUM, twist: named(TWIST_FIELDS, 'active twist'), joint_active: NUM, joint: { type: 'object', properties: jointArrays }, ee_count: NUM, ee_target: fieldSchema(f('ee_target')) } },
      controller: { title: 'cerebellum.Controller', type: 'object', properties: { tick: NUM, t: NUM, mode: NUM, mode_name: { type: 'string', enum: [...MODE_NAMES] }, faults: NUM, fault_names: { type: 'array', items: { type: 'string', enum: FAULT_NAMES } }, outputs: named(spec.outputNames, 'control step outputs') } },
      command: { ...layoutSchema(this.L.command, 'cerebellum.Command'), properties: { tick: NUM, ...layoutSchema(this.L.command, '').properties as Json } },
      targetInput: layoutSchema(this.L.target, 'cerebellum.TargetInput'),
      paramInput: layoutSchema(this.L.param, 'cerebellum.ParamInput')
    }
  }

  /** The messages of one tick's telemetry record, by channel. */
  encodeTick (tel: Float64Array): Record<'timing' | 'sensors' | 'estimate' | 'targets' | 'controller' | 'command', Json> {
    const T = this.L.telemetry
    const a = T.at
    const tick = tel[a.tick]
    const t = tel[a.t]
    const stages: Json = {}
    this.spec.stageNames.forEach((n, i) => { stages[n] = jn(tel[a.stage_us + i]) })
    const outputs: Json = {}
    this.spec.outputNames.forEach((n, i) => { outputs[n] = jn(tel[a.controller_out + i]) })
    const twist: Json = {}
    TWIST_FIELDS.forEach((n, i) => { twist[n] = jn(tel[a.twist + i]) })
    const joint: Json = {}
    JOINT_TARGET_FIELDS.forEach((n, i) => { joint[n] = slice(tel, a.joint_target + i * this.nj, this.nj) })
    const mode = tel[a.mode]
    return {
      timing: { tick, t: jn(t), lateness_us: jn(tel[a.lateness_us]), compute_us: jn(tel[a.compute_us]), missed: jn(tel[a.missed]), stale_sensor_ticks: jn(tel[a.stale_sensor_ticks]), targets_taken: jn(tel[a.targets_taken]), params_taken: jn(tel[a.params_taken]), last_target_seq: jn(tel[a.last_target_seq]), stage_us: stages },
      sensors: { tick, ...layoutToJson(this.L.sensor, tel, a.sensor) },
      estimate: { tick, t: jn(t), est_p_base_world: slice(tel, a.est_p_base_world, 3), est_quat_base_world: slice(tel, a.est_quat_base_world, 4), est_v_base_body: slice(tel, a.est_v_base_body, 3), est_omega_base_body: slice(tel, a.est_omega_base_body, 3), est_source: jn(tel[a.est_source]) },
      targets: { tick, t: jn(t), twist, joint_active: jn(tel[a.joint_active]), joint, ee_count: jn(tel[a.ee_count]), ee_target: slice(tel, a.ee_target, T.len.ee_target) },
      controller: { tick, t: jn(t), mode: jn(mode), mode_name: MODE_NAMES[mode] ?? 'unknown', faults: jn(tel[a.faults]), fault_names: faultNames(tel[a.faults]), outputs },
      command: { tick, ...layoutToJson(this.L.command, tel, a.command) }
    }
  }

  /** Writes one channel's message back into a telemetry record. */
  decodeInto (key: TopicKey, o: Json, tel: Float64Array): void {
    const T = this.L.telemetry
    const a = T.at
    switch (key) {
      case 'timing': {
        tel[a.tick] = nj(o.tick); tel[a.t] = nj(o.t); tel[a.lateness_us] = nj(o.lateness_us); tel[a.compute_us] = nj(o.compute_us)
        tel[a.missed] = nj(o.missed); tel[a.stale_sensor_ticks] = nj(o.stale_sensor_ticks); tel[a.targets_taken] = nj(o.targets_taken)
        tel[a.params_taken] = nj(o.params_taken); tel[a.last_target_seq] = nj(o.last_target_seq)
        const st = (o.stage_us ?? {}) as Json
        this.spec.stageNames.forEach((n, i) => { tel[a.stage_us + i] = nj(st[n]) })
        break
      }
      case 'sensors': layoutFromJson(this.L.sensor, o, tel, a.sensor); break
      case 'estimate':
        unslice(o.est_p_base_world, tel, a.est_p_base_world, 3); unslice(o.est_quat_base_world, tel, a.est_quat_base_world, 4)
        unslice(o.est_v_base_body, tel, a.est_v_base_body, 3); unslice(o.est_omega_base_body, tel, a.est_omega_base_body, 3)
        tel[a.est_source] = nj(o.est_source)
        break
      case 'targets': {
        const tw = (o.twist ?? {}) as Json
        TWIST_FIELDS.forEach((n, i) => { tel[a.twist + i] = nj(tw[n]) })
        tel[a.joint_active] = nj(o.joint_active)
        const j = (o.joint ?? {}) as Json
        JOINT_TARGET_FIELDS.forEach((n, i) => unslice(j[n], tel, a.joint_target + i * this.nj, this.nj))
        tel[a.ee_count] = nj(o.ee_count)
        unslice(o.ee_target, tel, a.ee_target, T.len.ee_target)
        break
      }
      case 'controller': {
        tel[a.mode] = nj(o.mode); tel[a.faults] = nj(o.faults)
        const out = (o.outputs ?? {}) as Json
        this.spec.outputNames.forEach((n, i) => { tel[a.controller_out + i] = nj(out[n]) })
        break
      }
      case 'command': layoutFromJson(this.L.command, o, tel, a.command); break
      default: break
    }
  }

  encodeTarget (rec: Float64Array): Json { return layoutToJson(this.L.target, rec, 0) }
  decodeTarget (o: Json): Float64Array { const r = new Float64Array(this.L.target.size); layoutFromJson(this.L.target, o, r, 0); return r }
  encodeParam (rec: Float64Array): Json { return layoutToJson(this.L.param, rec, 0) }
  decodeParam (o: Json): Float64Array { const r = new Float64Array(this.L.param.size); layoutFromJson(this.L.param, o, r, 0); return r }
}
