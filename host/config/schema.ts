// A small typed schema for YAML configuration files. A schema is built from combinators
// (`obj`, `num`, `int`, `str`, `oneOf`, `bool`, `list`, `map`, `optional`), each carrying its range,
// unit, default and a one-line doc; `Infer<typeof schema>` is the TypeScript type of the validated value.
// Adding a configuration key is one line in an `obj({...})`.
//
// Validation walks the YAML syntax tree (the `yaml` package's Document with a LineCounter), so every
// problem names the file, the line and column, and the dotted key path; all problems are collected
// and reported together. Unknown keys are rejected with the nearest known key as a suggestion.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml'

/** One problem found in a configuration file. */
export interface ConfigIssue {
  file: string
  /** 1-based line, 0 when the key is absent from the file. */
  line: number
  /** 1-based column. */
  col: number
  /** Dotted key path, e.g. `policy.udp.port` or `stand.kp[3]`. */
  key: string
  message: string
}

/** A configuration file that failed validation; `message` lists every issue as `file:line:col: key: message`. */
export class ConfigError extends Error {
  constructor (readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'))
    this.name = 'ConfigError'
  }
}

export function formatIssue (i: ConfigIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file
  return i.key === '' ? `${where}: ${i.message}` : `${where}: ${i.key}: ${i.message}`
}

/** Where a key sits in the source, for checks made after validation (e.g. joint names against a robot). */
export interface SourceLocation { line: number, col: number }

interface Ctx {
  file: string
  lc: LineCounter
  issues: ConfigIssue[]
  locations: Map<string, SourceLocation>
}

function posOf (ctx: Ctx, node: unknown): SourceLocation {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range
  if (range === undefined || range === null) return { line: 0, col: 0 }
  const p = ctx.lc.linePos(range[0])
  return { line: p.line, col: p.col }
}

function report (ctx: Ctx, node: Node | null | undefined, key: string, message: string, fallback?: SourceLocation): void {
  let p = posOf(ctx, node)
  if (p.line === 0 && fallback !== undefined) p = fallback
  ctx.issues.push({ file: ctx.file, line: p.line, col: p.col, key, message })
}

/** Row of the generated documentation table. */
export interface SchemaDoc { key: string, type: string, range: string, unit: string, default: string, doc: string }

/** Base of every schema node. `parse` gets the YAML node, or undefined when the key is absent. */
export abstract class Schema<T> {
  constructor (readonly doc: string) {}
  /** Validates `node` (undefined: absent) at `path`; records issues in ctx and returns a value (any value when invalid). */
  abstract parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): T
  /** Documentation rows, depth-first. */
  abstract describe (path: string): SchemaDoc[]
  /** True when an absent key is acceptable (a default exists). */
  abstract hasDefault (): boolean
}

export type Infer<S> = S extends Schema<infer T> ? T : never

function describeValue (node: Node | undefined): string {
  if (node === undefined || node === null) return 'nothing'
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    const v = node.value
    if (v === null) return 'null'
    if (typeof v === 'string') return `the string '${v}'`
    return `${typeof v} ${String(v)}`
  }
  return 'an unsupported value'
}

// --- scalars

export interface NumOptions {
  default?: number
  min?: number
  max?: number
  /** Strict bounds (min < x < max). */
  exclusive?: boolean
  integer?: boolean
  unit?: string
}

class NumSchema extends Schema<number> {
  constructor (doc: string, readonly o: NumOptions) { super(doc) }
  hasDefault (): boolean { return this.o.default !== undefined }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): number {
    if (node === undefined) {
      if (this.o.default === undefined) report(ctx, undefined, path, 'is required', at)
      return this.o.default ?? NaN
    }
    const v = isScalar(node) ? node.value : undefined
    const unit = this.o.unit !== undefined && this.o.unit !== '' ? ` ${this.o.unit}` : ''
    if (typeof v !== 'number') { report(ctx, node, path, `expected ${this.o.integer === true ? 'an integer' : 'a number'}${unit}, got ${describeValue(node)}`); return NaN }
    if (!Number.isFinite(v)) { report(ctx, node, path, `must be finite, got ${v}`); return NaN }
    if (this.o.integer === true && !Number.isInteger(v)) { report(ctx, node, path, `expected an integer, got ${v}`); return v }
    const lo = this.o.min; const hi = this.o.max
    const below = lo !== undefined && (this.o.exclusive === true ? v <= lo : v < lo)
    const above = hi !== undefined && (this.o.exclusive === true ? v >= hi : v > hi)
    if (below || above) report(ctx, node, path, `${v}${unit} is outside ${this.rangeText()}${unit}`)
    return v
  }
  rangeText (): string {
    const [l, r] = this.o.exclusive === true ? ['(', ')'] : ['[', ']']
    if (this.o.min === undefined && this.o.max === undefined) return 'any'
    return `${l}${this.o.min ?? '-∞'}, ${this.o.max ?? '∞'}${r}`
  }
  describe (path: string): SchemaDoc[] {
    return [{ key: path, type: this.o.integer === true ? 'integer' : 'number', range: this.rangeText(), unit: this.o.unit ?? '', default: this.o.default === undefined ? '(required)' : String(this.o.default), doc: this.doc }]
  }
}

class StrSchema<T extends string> extends Schema<T> {
  constructor (doc: string, readonly choices: readonly T[] | null, readonly def: T | undefined) { super(doc) }
  hasDefault (): boolean { return this.def !== undefined }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): T {
    if (node === undefined) {
      if (this.def === undefined) report(ctx, undefined, path, 'is required', at)
      return (this.def ?? '') as T
    }
    const v = isScalar(node) ? node.value : undefined
    if (typeof v !== 'string') { report(ctx, node, path, `expected ${this.choices !== null ? `one of ${this.choices.join(', ')}` : 'a string'}, got ${describeValue(node)}`); return (this.def ?? '') as T }
    if (this.choices !== null && !this.choices.includes(v as T)) {
      const hint = nearest(v, this.choices)
      report(ctx, node, path, `'${v}' is not one of ${this.choices.join(', ')}${hint !== null ? ` (did you mean '${hint}'?)` : ''}`)
    }
    return v as T
  }
  describe (path: string): SchemaDoc[] {
    return [{ key: path, type: 'string', range: this.choices !== null ? this.choices.join(' \\| ') : 'any', unit: '', default: this.def === undefined ? '(required)' : `'${this.def}'`, doc: this.doc }]
  }
}

class BoolSchema extends Schema<boolean> {
  constructor (doc: string, readonly def: boolean | undefined) { super(doc) }
  hasDefault (): boolean { return this.def !== undefined }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): boolean {
    if (node === undefined) {
      if (this.def === undefined) report(ctx, undefined, path, 'is required', at)
      return this.def ?? false
    }
    const v = isScalar(node) ? node.value : undefined
    if (typeof v !== 'boolean') { report(ctx, node, path, `expected true or false, got ${describeValue(node)}`); return this.def ?? false }
    return v
  }
  describe (path: string): SchemaDoc[] {
    return [{ key: path, type: 'boolean', range: 'true \\| false', unit: '', default: this.def === undefined ? '(required)' : String(this.def), doc: this.doc }]
  }
}

// --- containers

export interface ListOptions<T> { default?: T[], minItems?: number, maxItems?: number }

class ListSchema<T> extends Schema<T[]> {
  constructor (doc: string, readonly item: Schema<T>, readonly o: ListOptions<T>) { super(doc) }
  hasDefault (): boolean { return this.o.default !== undefined }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): T[] {
    if (node === undefined) {
      if (this.o.default === undefined) report(ctx, undefined, path, 'is required', at)
      return this.o.default !== undefined ? [...this.o.default] : []
    }
    if (!isSeq(node)) { report(ctx, node, path, `expected a list, got ${describeValue(node)}`); return [] }
    const seq = node as YAMLSeq<Node>
    const n = seq.items.length
    if (this.o.minItems !== undefined && n < this.o.minItems) report(ctx, node, path, `has ${n} items; at least ${this.o.minItems} needed`)
    if (this.o.maxItems !== undefined && n > this.o.maxItems) report(ctx, node, path, `has ${n} items; at most ${this.o.maxItems} allowed`)
    return seq.items.map((it, i) => {
      const p = `${path}[${i}]`
      ctx.locations.set(p, posOf(ctx, it))
      return this.item.parse(it, p, ctx, posOf(ctx, node))
    })
  }
  describe (path: string): SchemaDoc[] {
    const items = this.item.describe(`${path}[]`)
    const head: SchemaDoc = { key: path, type: 'list', range: [this.o.minItems !== undefined ? `≥ ${this.o.minItems}` : '', this.o.maxItems !== undefined ? `≤ ${this.o.maxItems}` : ''].filter((s) => s !== '').join(', ') || 'any length', unit: '', default: this.o.default === undefined ? '(required)' : JSON.stringify(this.o.default), doc: this.doc }
    return [head, ...items.map((r) => ({ ...r, default: '' }))]
  }
}

class MapSchema<T> extends Schema<Record<string, T>> {
  constructor (doc: string, readonly value: Schema<T>, readonly def: Record<string, T> | undefined) { super(doc) }
  hasDefault (): boolean { return this.def !== undefined }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): Record<string, T> {
    if (node === undefined) {
      if (this.def === undefined) report(ctx, undefined, path, 'is required', at)
      return { ...(this.def ?? {}) }
    }
    if (!isMap(node)) { report(ctx, node, path, `expected a mapping of name: value, got ${describeValue(node)}`); return {} }
    const out: Record<string, T> = {}
    for (const pair of (node as YAMLMap<Scalar, Node>).items) {
      const k = String(pair.key?.value ?? '')
      const p = path === '' ? k : `${path}.${k}`
      ctx.locations.set(p, posOf(ctx, pair.key))
      out[k] = this.value.parse(pair.value ?? undefined, p, ctx, posOf(ctx, pair.key))
    }
    return out
  }
  describe (path: string): SchemaDoc[] {
    const head: SchemaDoc = { key: path, type: 'mapping name → value', range: '', unit: '', default: this.def === undefined ? '(required)' : JSON.stringify(this.def), doc: this.doc }
    return [head, ...this.value.describe(`${path}.<name>`).map((r) => ({ ...r, default: '' }))]
  }
}

type Shape = Record<string, Schema<unknown>>
type ObjValue<S extends Shape> = { [K in keyof S]: Infer<S[K]> }

class ObjSchema<S extends Shape> extends Schema<ObjValue<S>> {
  constructor (doc: string, readonly shape: S) { super(doc) }
  hasDefault (): boolean { return Object.values(this.shape).every((s) => s.hasDefault()) }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): ObjValue<S> {
    const out: Record<string, unknown> = {}
    const known = Object.keys(this.shape)
    const given = new Map<string, Pair<Scalar, Node>>()
    if (node !== undefined && !(isScalar(node) && node.value === null)) {
      if (!isMap(node)) {
        report(ctx, node, path, `expected a mapping with keys ${known.join(', ')}, got ${describeValue(node)}`)
      } else {
        for (const pair of (node as YAMLMap<Scalar, Node>).items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : ''
          const p = path === '' ? k : `${path}.${k}`
          if (!known.includes(k)) {
            const hint = nearest(k, known)
            report(ctx, pair.key, p, `unknown key${hint !== null ? ` (did you mean '${hint}'?)` : ''}; known keys here: ${known.join(', ')}`)
            continue
          }
          given.set(k, pair)
          ctx.locations.set(p, posOf(ctx, pair.key))
        }
      }
    }
    const here = node !== undefined ? posOf(ctx, node) : at
    for (const k of known) {
      const pair = given.get(k)
      const p = path === '' ? k : `${path}.${k}`
      let child: Node | undefined = pair?.value ?? undefined
      // `key:` with nothing after it is a YAML null: an empty section for a mapping, a mistake otherwise.
      if (pair !== undefined && (child === undefined || (isScalar(child) && child.value === null))) {
        const s = this.shape[k]
        if (!(s instanceof ObjSchema) && !(s instanceof OptionalSchema)) {
          report(ctx, pair.key, p, 'has no value')
          out[k] = s.parse(undefined, p, { ...ctx, issues: [] }, here)
          continue
        }
        child = undefined
      }
      out[k] = this.shape[k].parse(child, p, ctx, pair !== undefined ? posOf(ctx, pair.key) : here)
    }
    return out as ObjValue<S>
  }
  describe (path: string): SchemaDoc[] {
    const rows: SchemaDoc[] = []
    if (path !== '') rows.push({ key: path, type: 'mapping', range: '', unit: '', default: '', doc: this.doc })
    for (const [k, s] of Object.entries(this.shape)) rows.push(...s.describe(path === '' ? k : `${path}.${k}`))
    return rows
  }
}

class OptionalSchema<T> extends Schema<T | null> {
  constructor (readonly inner: Schema<T>) { super(inner.doc) }
  hasDefault (): boolean { return true }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): T | null {
    if (node === undefined || (isScalar(node) && node.value === null)) return null
    return this.inner.parse(node, path, ctx, at)
  }
  describe (path: string): SchemaDoc[] {
    const rows = this.inner.describe(path)
    if (rows.length > 0) rows[0] = { ...rows[0], default: '(absent)' }
    return rows
  }
}

/** A number, or one number per item (a list), e.g. a gain for every joint or per joint. */
class NumOrListSchema extends Schema<number | number[]> {
  constructor (readonly item: NumSchema) { super(item.doc) }
  hasDefault (): boolean { return this.item.hasDefault() }
  parse (node: Node | undefined, path: string, ctx: Ctx, at: SourceLocation): number | number[] {
    if (node !== undefined && isSeq(node)) {
      return (node as YAMLSeq<Node>).items.map((it, i) => {
        ctx.locations.set(`${path}[${i}]`, posOf(ctx, it))
        return this.item.parse(it, `${path}[${i}]`, ctx, posOf(ctx, node))
      })
    }
    return this.item.parse(node, path, ctx, at)
  }
  describe (path: string): SchemaDoc[] {
    const r = this.item.describe(path)[0]
    return [{ ...r, type: `${r.type} or list` }]
  }
}

// --- constructors (the public API)

export const num = (doc: string, o: NumOptions = {}): Schema<number> => new NumSchema(doc, o)
export const int = (doc: string, o: Omit<NumOptions, 'integer'> = {}): Schema<number> => new NumSchema(doc, { ...o, integer: true })
/** A number or a list of numbers (one per joint, say); the caller checks the list length. */
export const numOrList = (doc: string, o: NumOptions = {}): Schema<number | number[]> => new NumOrListSchema(new NumSchema(doc, o))
export const str = (doc: string, def?: string): Schema<string> => new StrSchema<string>(doc, null, def)
export const oneOf = <const T extends string>(choices: readonly T[], doc: string, def?: NoInfer<T>): Schema<T> => new StrSchema<T>(doc, choices, def)
export const bool = (doc: string, def?: boolean): Schema<boolean> => new BoolSchema(doc, def)
export const list = <T>(item: Schema<T>, doc: string, o: ListOptions<T> = {}): Schema<T[]> => new ListSchema(doc, item, o)
export const map = <T>(value: Schema<T>, doc: string, def?: Record<string, T>): Schema<Record<string, T>> => new MapSchema(doc, value, def)
export const obj = <S extends Shape>(shape: S, doc = ''): Schema<ObjValue<S>> => new ObjSchema(doc, shape)
export const optional = <T>(inner: Schema<T>): Schema<T | null> => new OptionalSchema(inner)

// --- validation entry points

/** A validated configuration and where each key came from. */
export interface Validated<T> {
  value: T
  file: string
  /** Line and column of a dotted key path (e.g. `stand.pose.FL_hip_joint`), or null when it was not in the file. */
  locate: (key: string) => SourceLocation | null
  /** Builds a ConfigError for a check made after validation, pointing at `key` in this file. */
  error: (key: string, message: string) => ConfigError
}

/**
 * Parses YAML `text` (from `file`, for messages) and validates it against `schema`.
 * Throws ConfigError listing every problem (YAML syntax errors included).
 */
export function validateYaml<T> (schema: Schema<T>, text: string, file: string): Validated<T> {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false })
  const ctx: Ctx = { file, lc, issues: [], locations: new Map() }
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0])
    ctx.issues.push({ file, line: p.line, col: p.col, key: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })
  }
  if (ctx.issues.length > 0) throw new ConfigError(ctx.issues)
  const root = (doc.contents ?? undefined) as Node | undefined
  const value = schema.parse(root, '', ctx, { line: 1, col: 1 })
  ctx.issues.sort((a, b) => a.line - b.line || a.col - b.col)
  if (ctx.issues.length > 0) throw new ConfigError(ctx.issues)
  const locate = (key: string): SourceLocation | null => ctx.locations.get(key) ?? null
  return {
    value,
    file,
    locate,
    error: (key, message) => {
      const p = locate(key)
      return new ConfigError([{ file, line: p?.line ?? 0, col: p?.col ?? 0, key, message }])
    }
  }
}

/** The schema's defaults (validating an empty document); throws when a key is required. */
export function defaultsOf<T> (schema: Schema<T>): T {
  return validateYaml(schema, '', '(defaults)').value
}

/** Markdown table of every key: type, range, unit, default, meaning. */
export function describeSchema (schema: Schema<unknown>): string {
  const rows = schema.describe('')
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\\\\\|/g, '\\|')
  const lines = ['| key | type | range | unit | default | meaning |', '|---|---|---|---|---|---|']
  for (const r of rows) lines.push(`| \`${r.key}\` | ${r.type} | ${esc(r.range)} | ${r.unit} | ${esc(r.default)} | ${r.doc} |`)
  return lines.join('\n')
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance (a: string, b: string): number {
  const m = a.length; const n = b.length
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  for (let i = 1; i <= m; i++) {
    const cur = [i]
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[n]
}

/** The closest candidate within a third of the word's length (at least 2 edits), or null. */
export function nearest (word: string, candidates: readonly string[]): string | null {
  let best: string | null = null
  let bestD = Infinity
  const w = word.toLowerCase()
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase())
    if (d < bestD) { bestD = d; best = c }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null
}
