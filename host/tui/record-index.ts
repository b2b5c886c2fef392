// Reads named fields out of a telemetry record using the layouts the control socket sent in `hello`
// (telemetry, and the sensor frame and command nested in it). Nothing here knows the field list: a field
// the runtime or a locomotion step adds is found by name like the others.
import type { FieldDef } from '../runtime/record-layout.ts'
import type { Hello } from './protocol.ts'

export interface FieldAt { at: number, len: number, unit: string, doc: string }

function offsets (fields: readonly FieldDef[], base: number): Map<string, FieldAt> {
  const m = new Map<string, FieldAt>()
  let off = base
  for (const f of fields) {
    m.set(f.name, { at: off, len: f.length, unit: f.unit, doc: f.doc })
    off += f.length
  }
  return m
}

export class RecordIndex {
  readonly tel: Map<string, FieldAt>
  readonly sensor: Map<string, FieldAt>
  readonly command: Map<string, FieldAt>
  /** Sensor fields with one value per joint, in layout order (q, qd, tau, and any added later). */
  readonly perJointSensor: string[]

  constructor (readonly hello: Hello) {
    this.tel = offsets(hello.telemetry, 0)
    this.sensor = offsets(hello.sensor, this.tel.get('sensor')?.at ?? 0)
    this.command = offsets(hello.command, this.tel.get('command')?.at ?? 0)
    const nj = hello.jointNames.length
    this.perJointSensor = hello.sensor.filter((f) => f.length === nj && nj > 1).map((f) => f.name)
  }

  /** Element k of a telemetry field (NaN when the field is absent). */
  t (rec: Float64Array, name: string, k = 0): number {
    const f = this.tel.get(name)
    return f === undefined || k >= f.len ? NaN : rec[f.at + k]
  }

  s (rec: Float64Array, name: string, k = 0): number {
    const f = this.sensor.get(name)
    return f === undefined || k >= f.len ? NaN : rec[f.at + k]
  }

  c (rec: Float64Array, name: string, k = 0): number {
    const f = this.command.get(name)
    return f === undefined || k >= f.len ? NaN : rec[f.at + k]
  }

  /** Controller output `name` (ControlStep.outputs of the stand and locomotion steps). */
  out (rec: Float64Array, name: string): number {
    const i = this.hello.outputNames.indexOf(name)
    return i < 0 ? NaN : this.t(rec, 'controller_out', i)
  }
}
