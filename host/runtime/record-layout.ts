// Fixed layouts of the Float64 records that cross the rings (sensor frames, joint commands, targets,
// telemetry). A layout is a list of named fields with lengths, units and docs; offsets follow from the
// order. The same list drives the ring slot size, the zero-copy views in the worker, and the JSON
// schemas and field names of the recording, so a field added here appears everywhere at once.

/** One field of a record: `length` consecutive float64 values. */
export interface FieldDef {
  readonly name: string
  readonly length: number
  /** SI unit, or '' for counters, flags and enumerations. */
  readonly unit: string
  readonly doc: string
}

/** A record layout: offsets by field name and total length, all in float64 elements. */
export class RecordLayout<N extends string = string> {
  readonly fields: readonly FieldDef[]
  /** Offset of each field in float64 elements. */
  readonly at: Readonly<Record<N, number>>
  /** Length of each field in float64 elements. */
  readonly len: Readonly<Record<N, number>>
  /** Total length in float64 elements. */
  readonly size: number

  constructor (readonly name: string, fields: ReadonlyArray<FieldDef & { name: N }>) {
    const at: Record<string, number> = {}
    const len: Record<string, number> = {}
    let off = 0
    for (const f of fields) {
      if (f.name in at) throw new Error(`layout ${name}: duplicate field '${f.name}'`)
      if (!Number.isInteger(f.length) || f.length < 0) throw new Error(`layout ${name}: field '${f.name}' has bad length ${f.length}`)
      at[f.name] = off
      len[f.name] = f.length
      off += f.length
    }
    this.fields = fields
    this.at = at as Record<N, number>
    this.len = len as Record<N, number>
    this.size = Math.max(1, off)
  }

  /** A view of one field inside `record` (allocates: call at init, keep the view). */
  view (record: Float64Array, field: N): Float64Array {
    return record.subarray(this.at[field], this.at[field] + this.len[field])
  }

  /** The record as a plain object: scalars for length-1 fields, arrays otherwise (for recording and tests). */
  toObject (record: ArrayLike<number>): Record<N, number | number[]> {
    const o: Record<string, number | number[]> = {}
    for (const f of this.fields) {
      const a = this.at[f.name as N]
      if (f.length === 1) o[f.name] = record[a]
      else {
        const v = new Array<number>(f.length)
        for (let i = 0; i < f.length; i++) v[i] = record[a + i]
        o[f.name] = v
      }
    }
    return o as Record<N, number | number[]>
  }

  /** Writes a plain object produced by `toObject` back into `record`; missing fields are left unchanged. */
  fromObject (obj: Partial<Record<string, number | number[] | null>>, record: Float64Array): void {
    for (const f of this.fields) {
      const v = obj[f.name]
      if (v === undefined) continue
      const a = this.at[f.name as N]
      if (Array.isArray(v)) for (let i = 0; i < f.length; i++) record[a + i] = v[i] ?? NaN
      else record[a] = v === null ? NaN : v
    }
  }
}

/** Shorthand for a field definition. */
export function field<N extends string> (name: N, length: number, unit: string, doc: string): FieldDef & { name: N } {
  return { name, length, unit, doc }
}
