// `npm run bench -- NAME [args]`: runs bench/NAME.bench.ts, prints its table, then one JSON line
// {"bench": NAME, "results": {ROW: {p50_us, p99_us, max_us, ...}}, "ratios": {...}} as the last line.
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { machineLine } from './lib/stats.ts'

export interface BenchResult {
  results: Record<string, Record<string, number>>
  ratios: Record<string, number>
  /** Extra lines (accuracy tables and the like) printed after the timing table. */
  notes?: string[]
}
export type BenchFn = (args: string[]) => Promise<BenchResult>

const dir = fileURLToPath(new URL('.', import.meta.url))
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.slice(0, -'.bench.ts'.length)).sort()
const [name, ...args] = process.argv.slice(2)
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`)
  process.exit(2)
}
const mod = await import(`./${name}.bench.ts`) as { default: BenchFn }
console.log(`# bench ${name} — ${machineLine()}`)
const out = await mod.default(args)
const cols = ['p50_us', 'p99_us', 'max_us']
const extra = [...new Set(Object.values(out.results).flatMap((r) => Object.keys(r)))].filter((k) => !cols.includes(k))
const header = ['row', ...cols, ...extra]
const rows = Object.entries(out.results).map(([row, r]) => [row, ...[...cols, ...extra].map((k) => r[k] === undefined ? '' : String(r[k]))])
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
console.log(line(header))
for (const r of rows) console.log(line(r))
for (const [k, v] of Object.entries(out.ratios)) console.log(`ratio ${k}: ${v}`)
for (const n of out.notes ?? []) console.log(n)
console.log(JSON.stringify({ bench: name, results: out.results, ratios: out.ratios }))
