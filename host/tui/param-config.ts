// Runtime parameters ↔ the YAML configuration file: which key a parameter is saved to, its value in the
// file, and the file rewritten with new values (comments and layout kept: the `yaml` package's Document
// API edits the syntax tree, not the text), plus the diff against the file.
//
// Keys already in the file have just their value text replaced, so nothing else changes byte for byte.
// A parameter `a.b.c` is saved to the configuration key of the same name when the schema has one. The
// schema (runtime-config.ts) is read, not copied, so sections added later (`mpc:`, `wbc:`, `estimator:`)
// map without a change here as long as their parameters are named after their keys:
//   scalar     `stand.ramp_s`             → stand.ramp_s
//   per joint  `stand.kp.<joint>`         → stand.kp (one number or a list; a number becomes a list)
//   map entry  `stand.q.<joint>`          → stand.pose.<joint> (ALIASES renames the prefix)
//   section    `locomotion.kp_swing`       → locomotion.params.kp_swing (likewise)
import { isScalar, isSeq, parseDocument, type Node } from 'yaml'
import { parseRuntimeConfig, runtimeConfigSchema } from '../config/runtime-config.ts'
import { lineDiff } from './line-diff.ts'

/** Where a parameter lives in the configuration file. */
export type ConfigSlot =
  | { kind: 'scalar', key: string }
  | { kind: 'perJoint', key: string, index: number }
  | { kind: 'map', key: string, entry: string }

/** Parameter-name prefixes whose configuration key is named differently (tried after the name itself). */
const ALIASES: ReadonlyArray<readonly [string, string]> = [['stand.q.', 'stand.pose.'], ['locomotion.', 'locomotion.params.']]

const SCHEMA_ROWS = runtimeConfigSchema.describe('')
const ROW_TYPE = new Map(SCHEMA_ROWS.map((r) => [r.key, r.type]))

/** The configuration slot of parameter `name`, or null when it has no key in the schema. */
export function configSlot (name: string, jointNames: readonly string[]): ConfigSlot | null {
  const direct = slotOf(name, jointNames)
  if (direct !== null) return direct
  for (const [from, to] of ALIASES) {
    if (!name.startsWith(from)) continue
    const s = slotOf(to + name.slice(from.length), jointNames)
    if (s !== null) return s
  }
  return null
}

function slotOf (n: string, jointNames: readonly string[]): ConfigSlot | null {
  const type = ROW_TYPE.get(n)
  if (type === 'number' || type === 'integer') return { kind: 'scalar', key: n }
  const dot = n.lastIndexOf('.')
  if (dot < 0) return null
  const prefix = n.slice(0, dot)
  const last = n.slice(dot + 1)
  const pType = ROW_TYPE.get(prefix)
  const j = jointNames.indexOf(last)
  if (pType !== undefined && pType.endsWith(' or list') && j >= 0) return { kind: 'perJoint', key: prefix, index: j }
  const entryType = ROW_TYPE.get(`${prefix}.<name>`)
  if (entryType === 'number' || entryType === 'integer') return { kind: 'map', key: prefix, entry: last }
  return null
}

/** Printable key of a slot (`stand.kp[3]`, `stand.pose.FL_hip`). */
export function slotText (s: ConfigSlot): string {
  return s.kind === 'scalar' ? s.key : s.kind === 'perJoint' ? `${s.key}[${s.index}]` : `${s.key}.${s.entry}`
}

function getPath (obj: unknown, key: string): unknown {
  let o: unknown = obj
  for (const k of key.split('.')) {
    if (o === null || typeof o !== 'object') return undefined
    o = (o as Record<string, unknown>)[k]
  }
  return o
}

/** The value a validated configuration gives a slot; null when the file leaves it to another source (a keyframe). */
export function slotValue (config: unknown, s: ConfigSlot): number | null {
  const v = getPath(config, s.key)
  if (s.kind === 'scalar') return typeof v === 'number' ? v : null
  if (s.kind === 'perJoint') return typeof v === 'number' ? v : Array.isArray(v) && typeof v[s.index] === 'number' ? v[s.index] as number : null
  if (v === null || typeof v !== 'object') return null
  const e = (v as Record<string, unknown>)[s.entry]
  return typeof e === 'number' ? e : null
}

/** A value as the file should show it: 6 significant digits, no binary noise (0.30000000000000004 → 0.3). */
export function tidy (x: number): number {
  return Number(x.toPrecision(6))
}

export interface SaveChange { name: string, slot: ConfigSlot, value: number }

export interface SavePlan {
  /** The file's new text. */
  text: string
  /** Unified diff against the file (empty: nothing to write). */
  diff: string[]
  /** The parameters written, with their keys. */
  written: string[]
}

interface TextEdit { start: number, end: number, text: string }

function flowList (values: readonly number[]): string {
  return `[ ${values.join(', ')} ]`
}

/**
 * The edits that replace only the value text of keys already in the file (everything else — comments,
 * spacing, order — stays byte for byte); null when a key has to be created, which `planSave` then does
 * through the Document API (comments kept, layout normalized).
 */
function textEdits (text: string, changes: readonly SaveChange[], current: unknown, jointCount: number): TextEdit[] | null {
  const doc = parseDocument(text)
  const edits: TextEdit[] = []
  const scalarAt = (path: Array<string | number>): [number, number] | null => {
    const node = doc.getIn(path, true) as Node | undefined
    return isScalar(node) && node.range !== undefined && node.range !== null ? [node.range[0], node.range[1]] : null
  }
  const lists = new Map<string, { values: number[], changed: Set<number> }>()
  for (const c of changes) {
    const v = tidy(c.value)
    const path = c.slot.key.split('.')
    if (c.slot.kind === 'perJoint') {
      let l = lists.get(c.slot.key)
      if (l === undefined) {
        const was = getPath(current, c.slot.key)
        const values = Array.isArray(was) ? (was as number[]).slice() : new Array<number>(jointCount).fill(typeof was === 'number' ? was : NaN)
        l = { values, changed: new Set() }
        lists.set(c.slot.key, l)
      }
      l.values[c.slot.index] = v
      l.changed.add(c.slot.index)
      continue
    }
    const r = scalarAt(c.slot.kind === 'scalar' ? path : [...path, c.slot.entry])
    if (r === null) return null
    edits.push({ start: r[0], end: r[1], text: String(v) })
  }
  for (const [key, l] of lists) {
    const path = key.split('.')
    const node = doc.getIn(path, true) as Node | undefined
    if (isSeq(node)) {
      for (const i of l.changed) {
        const item = node.items[i] as Node | undefined
        if (!isScalar(item) || item.range === undefined || item.range === null) return null
        edits.push({ start: item.range[0], end: item.range[1], text: String(l.values[i]) })
      }
    } else {
      // One number for every joint becomes a list (on the same line, before its comment).
      const r = scalarAt(path)
      if (r === null || l.values.some((x) => !Number.isFinite(x))) return null
      edits.push({ start: r[0], end: r[1], text: flowList(l.values) })
    }
  }
  return edits
}

/**
 * Writes `changes` into configuration `text` (from `file`, for messages) and validates the result.
 * Keys already in the file get their value text replaced in place; missing keys are added through the
 * Document API. `jointCount` sizes the list a per-joint number turns into. Throws ConfigError when
 * the result would not load.
 */
export function planSave (text: string, file: string, changes: readonly SaveChange[], jointCount: number): SavePlan {
  const current = parseRuntimeConfig(text, file).value
  const written = changes.map((c) => `${c.name} → ${slotText(c.slot)} = ${tidy(c.value)}`)
  if (changes.length === 0) return { text, diff: [], written }
  let out: string
  const edits = textEdits(text, changes, current, jointCount)
  if (edits !== null) {
    out = text
    for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  } else {
    const doc = parseDocument(text)
    for (const c of changes) {
      const v = tidy(c.value)
      const path = c.slot.key.split('.')
      if (c.slot.kind === 'scalar') doc.setIn(path, v)
      else if (c.slot.kind === 'map') doc.setIn([...path, c.slot.entry], v)
      else {
        const node = doc.getIn(path, true) as Node | undefined
        if (isSeq(node)) doc.setIn([...path, c.slot.index], v)
        else {
          const was = getPath(current, c.slot.key)
          const all = new Array<number>(jointCount).fill(typeof was === 'number' ? was : NaN)
          all[c.slot.index] = v
          const seq = doc.createNode(all, { flow: true }) as Node
          if (node !== undefined && node !== null) {
            seq.comment = node.comment
            seq.commentBefore = node.commentBefore
          }
          doc.setIn(path, seq)
        }
      }
    }
    out = String(doc)
  }
  parseRuntimeConfig(out, file)
  return { text: out, diff: lineDiff(text, out), written }
}
