// QP files: reader (with validation that names the file and the field) and writer.
//
// Dense/sparse QP — the form of ../shared/qpbench/problems/*.json (mpc_qpbenchmark converted):
//   {"n": n, "P": M, "q": [n], "G": M | null, "h": [..] | null, "A": M | null, "b": [..] | null,
//    "lb": [n] | null, "ub": [n] | null, "name"?: str}
//   minimize ½xᵀPx + qᵀx  s.t.  G x ≤ h,  A x = b,  lb ≤ x ≤ ub;  null in lb → −∞, in ub → +∞.
//   M is {"format": "dense", "rows", "cols", "data": [rows·cols, row-major]} or
//        {"format": "coo", "rows", "cols", "nnz", "i": [..], "j": [..], "v": [..]} (0-based).
//   Extension written by our writer (read by us, ignored by nothing else): "l": [m_ineq] lower
//   bounds of the G rows (null → −∞), and null in "h" → +∞, so a two-sided row l ≤ G x ≤ h stays
//   one row.
// Hierarchical QP:
//   {"format": "hqp", "n": n, "levels": [{"A": M, "b": [..], "C": M, "l": [..], "u": [..]}, …],
//    "lb": [n] | null, "ub": [n] | null, "name"?: str}
//   Level 0 has the highest priority; each level may omit A/b or C/l/u; null in l → −∞, u → +∞.
//   The box lb ≤ x ≤ ub is hard (above every level).
// Structured OCP QP (the MPCs' QP, solved by the OCP solver):
//   {"format": "ocp", "nx": nx, "x0": [nx] | null, "stages": [{"nu": nu_k, "Q": M (nx+nu_k square,
//    [x; u] order), "q": [nx+nu_k], "A": M, "B": M, "c": [nx], "Dx": M, "Eu": M, "e": [..],
//    "Gx": M, "Gu": M, "lg": [..], "ug": [..]}, …], "name"?: str}
//   stages 0..N: minimize Σ ½[x;u]ᵀQ[x;u] + qᵀ[x;u] s.t. x_{k+1} = A x + B u + c (k < N, the
//   last stage has no A, B, c), Dx x + Eu u = e, lg ≤ Gx x + Gu u ≤ ug (null in lg → −∞, ug → +∞);
//   x0 given fixes the initial state. Each stage may omit its equalities (Dx, Eu, e) and rows.
// Matrices may also be given as arrays of rows ([[..], [..]]).
import type { QpProblem } from './dense-qp.ts'
import type { HqpProblem, HqpLevel } from './hqp.ts'
import type { OcpProblem, OcpStage } from './ocp-qp.ts'
import type { SolversExports } from './wasm.ts'

/** A malformed QP file: the message names the file and the field. */
export class QpFileError extends Error {
  constructor (readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${field}: ${detail}`)
    this.name = 'QpFileError'
  }
}

export type ParsedQpFile =
  | { kind: 'qp', name: string, problem: QpProblem, me: number, mc: number }
  | { kind: 'hqp', name: string, problem: HqpProblem }
  | { kind: 'ocp', name: string, problem: OcpProblem }

type Json = unknown

function isObj (v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

class Reader {
  constructor (readonly file: string) {}

  fail (field: string, detail: string): never { throw new QpFileError(this.file, field, detail) }

  int (v: Json, field: string, min = 0): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(field, `expected an integer ≥ ${min}, got ${JSON.stringify(v)}`)
    return v
  }

  /** Vector of length len; null entries map to nullValue (or are rejected when nullValue is undefined). */
  vector (v: Json, field: string, len: number, nullValue?: number): Float64Array {
    if (!Array.isArray(v)) this.fail(field, `expected an array of ${len} numbers, got ${v === null ? 'null' : typeof v}`)
    if (v.length !== len) this.fail(field, `wrong dimension: ${v.length} entries, expected ${len}`)
    const out = new Float64Array(len)
    for (let k = 0; k < len; k++) {
      const e = v[k]
      if (e === null && nullValue !== undefined) out[k] = nullValue
      else if (typeof e !== 'number' || !Number.isFinite(e)) this.fail(`${field}[${k}]`, `non-numeric entry ${JSON.stringify(e)}`)
      else out[k] = e
    }
    return out
  }

  /** Matrix object or array of rows → dense row-major rows×cols. */
  matrix (v: Json, field: string, rows: number | null, cols: number): { data: Float64Array, rows: number } {
    if (Array.isArray(v)) {
      const r = v.length
      if (rows !== null && r !== rows) this.fail(field, `wrong dimension: ${r} rows, expected ${rows}`)
      const out = new Float64Array(r * cols)
      for (let i = 0; i < r; i++) out.set(this.vector(v[i], `${field}[${i}]`, cols), i * cols)
      return { data: out, rows: r }
    }
    if (!isObj(v)) this.fail(field, `expected a matrix object, got ${v === null ? 'null' : typeof v}`)
    const r = this.int(v.rows, `${field}.rows`)
    const c = this.int(v.cols, `${field}.cols`)
    if (rows !== null && r !== rows) this.fail(`${field}.rows`, `wrong dimension: ${r}, expected ${rows}`)
    if (c !== cols) this.fail(`${field}.cols`, `wrong dimension: ${c}, expected ${cols}`)
    if (v.format === 'dense') {
      return { data: this.vector(v.data, `${field}.data`, r * c), rows: r }
    }
    if (v.format === 'coo') {
      const nnz = this.int(v.nnz, `${field}.nnz`)
      const iv = this.vector(v.i, `${field}.i`, nnz)
      const jv = this.vector(v.j, `${field}.j`, nnz)
      const vv = this.vector(v.v, `${field}.v`, nnz)
      const out = new Float64Array(r * c)
      for (let k = 0; k < nnz; k++) {
        const i = iv[k]
        const j = jv[k]
        if (!Number.isInteger(i) || i < 0 || i >= r) this.fail(`${field}.i[${k}]`, `row index ${i} outside 0..${r - 1}`)
        if (!Number.isInteger(j) || j < 0 || j >= c) this.fail(`${field}.j[${k}]`, `column index ${j} outside 0..${c - 1}`)
        out[i * c + j] += vv[k]
      }
      return { data: out, rows: r }
    }
    return this.fail(`${field}.format`, `expected "dense" or "coo", got ${JSON.stringify(v.format)}`)
  }

  symmetric (P: Float64Array, n: number, field: string): void {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const a = P[i * n + j]
        const b = P[j * n + i]
        if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) this.fail(field, `asymmetric: ${field}[${i}][${j}] = ${a} but ${field}[${j}][${i}] = ${b}`)
      }
    }
  }
}

/** Parses and validates a QP or HQP file's text. Throws QpFileError naming file and field. */
export function parseQpJson (text: string, file: string): ParsedQpFile {
  const rd = new Reader(file)
  let root: Json
  try {
    root = JSON.parse(text)
  } catch (err) {
    return rd.fail('(file)', `not valid JSON: ${(err as Error).message}`)
  }
  if (!isObj(root)) return rd.fail('(root)', 'expected a JSON object')
  const name = typeof root.name === 'string' ? root.name : file
  if (root.format === 'ocp') return { kind: 'ocp', name, problem: parseOcp(rd, root) }
  const n = rd.int(root.n, 'n', 1)
  const box = (): { lb?: Float64Array, ub?: Float64Array } => ({
    lb: root.lb === null || root.lb === undefined ? undefined : rd.vector(root.lb, 'lb', n, -Infinity),
    ub: root.ub === null || root.ub === undefined ? undefined : rd.vector(root.ub, 'ub', n, Infinity)
  })
  if (root.format === 'hqp') {
    if (!Array.isArray(root.levels) || root.levels.length === 0) return rd.fail('levels', 'expected a non-empty array of levels')
    const levels: HqpLevel[] = root.levels.map((lv: Json, k: number): HqpLevel => {
      const f = `levels[${k}]`
      if (!isObj(lv)) return rd.fail(f, 'expected an object')
      const level: HqpLevel = {}
      if (lv.A !== undefined && lv.A !== null) {
        const A = rd.matrix(lv.A, `${f}.A`, null, n)
        level.A = A.data
        level.b = rd.vector(lv.b, `${f}.b`, A.rows)
      } else if (lv.b !== undefined && lv.b !== null) rd.fail(`${f}.b`, 'given without A')
      if (lv.C !== undefined && lv.C !== null) {
        const C = rd.matrix(lv.C, `${f}.C`, null, n)
        level.C = C.data
        level.l = lv.l === undefined || lv.l === null ? new Float64Array(C.rows).fill(-Infinity) : rd.vector(lv.l, `${f}.l`, C.rows, -Infinity)
        level.u = lv.u === undefined || lv.u === null ? new Float64Array(C.rows).fill(Infinity) : rd.vector(lv.u, `${f}.u`, C.rows, Infinity)
        for (let i = 0; i < C.rows; i++) if (level.l[i] > level.u[i]) rd.fail(`${f}.l[${i}]`, `lower bound ${level.l[i]} above upper bound ${level.u[i]}`)
      } else if ((lv.l !== undefined && lv.l !== null) || (lv.u !== undefined && lv.u !== null)) rd.fail(`${f}.l`, 'given without C')
      return level
    })
    return { kind: 'hqp', name, problem: { n, levels, ...box() } }
  }
  if (root.format !== undefined) return rd.fail('format', `expected "hqp", "ocp" or no format field, got ${JSON.stringify(root.format)}`)
  const P = rd.matrix(root.P, 'P', n, n).data
  rd.symmetric(P, n, 'P')
  const q = rd.vector(root.q, 'q', n)
  const problem: QpProblem = { n, H: P, g: q, ...box() }
  let me = 0
  let mc = 0
  if (root.A !== null && root.A !== undefined) {
    const A = rd.matrix(root.A, 'A', null, n)
    me = A.rows
    problem.A = A.data
    problem.b = rd.vector(root.b, 'b', me)
  } else if (root.b !== null && root.b !== undefined) rd.fail('b', 'given without A')
  if (root.G !== null && root.G !== undefined) {
    const G = rd.matrix(root.G, 'G', null, n)
    mc = G.rows
    problem.C = G.data
    problem.u = rd.vector(root.h, 'h', mc, Infinity)
    problem.l = root.l === undefined || root.l === null ? new Float64Array(mc).fill(-Infinity) : rd.vector(root.l, 'l', mc, -Infinity)
  } else if (root.h !== null && root.h !== undefined) rd.fail('h', 'given without G')
  return { kind: 'qp', name, problem, me, mc }
}

/** The "ocp" form's stages (see the header), every block checked against the stage's sizes. */
function parseOcp (rd: Reader, root: Record<string, Json>): OcpProblem {
  const nx = rd.int(root.nx, 'nx', 1)
  if (!Array.isArray(root.stages) || root.stages.length === 0) return rd.fail('stages', 'expected a non-empty array of stages')
  const N = root.stages.length - 1
  const has = (v: Json): boolean => v !== undefined && v !== null
  const stages = root.stages.map((st: Json, k: number): OcpStage => {
    const f = `stages[${k}]`
    if (!isObj(st)) return rd.fail(f, 'expected an object')
    const nu = rd.int(st.nu, `${f}.nu`)
    const nxu = nx + nu
    const Q = rd.matrix(st.Q, `${f}.Q`, nxu, nxu).data
    rd.symmetric(Q, nxu, `${f}.Q`)
    const stage: OcpStage = { nu, Q, q: rd.vector(st.q, `${f}.q`, nxu) }
    if (k < N) {
      stage.A = rd.matrix(st.A, `${f}.A`, nx, nx).data
      stage.B = nu > 0 ? rd.matrix(st.B, `${f}.B`, nx, nu).data : new Float64Array(0)
      stage.c = has(st.c) ? rd.vector(st.c, `${f}.c`, nx) : new Float64Array(nx)
    } else if (has(st.A) || has(st.B) || has(st.c)) rd.fail(`${f}.A`, 'the last stage has no dynamics')
    if (has(st.Eu) || has(st.e) || has(st.Dx)) {
      const e = rd.vector(st.e, `${f}.e`, Array.isArray(st.e) ? st.e.length : 0)
      stage.e = e
      stage.Eu = rd.matrix(st.Eu, `${f}.Eu`, e.length, nu).data
      stage.Dx = has(st.Dx) ? rd.matrix(st.Dx, `${f}.Dx`, e.length, nx).data : new Float64Array(e.length * nx)
    }
    if (has(st.Gx) || has(st.Gu)) {
      const Gu = has(st.Gu) ? rd.matrix(st.Gu, `${f}.Gu`, null, nu) : null
      const Gx = has(st.Gx) ? rd.matrix(st.Gx, `${f}.Gx`, Gu === null ? null : Gu.rows, nx) : null
      const ng = (Gu ?? Gx as { rows: number }).rows
      stage.Gx = Gx === null ? new Float64Array(ng * nx) : Gx.data
      stage.Gu = Gu === null ? new Float64Array(ng * nu) : Gu.data
      stage.lg = has(st.lg) ? rd.vector(st.lg, `${f}.lg`, ng, -Infinity) : new Float64Array(ng).fill(-Infinity)
      stage.ug = has(st.ug) ? rd.vector(st.ug, `${f}.ug`, ng, Infinity) : new Float64Array(ng).fill(Infinity)
      // (lg > ug is read as written: the solver reports it as infeasible, naming the stage, so a
      // dumped QP that failed for it replays)
    } else if (has(st.lg) || has(st.ug)) rd.fail(`${f}.lg`, 'given without Gx or Gu')
    return stage
  })
  const problem: OcpProblem = { nx, stages }
  if (has(root.x0)) problem.x0 = rd.vector(root.x0, 'x0', nx)
  return problem
}

// ---------------------------------------------------------------- writer

const num = (v: number): number | null => (Number.isFinite(v) ? v : null)

function denseMatrix (data: ArrayLike<number>, rows: number, cols: number): { format: 'dense', rows: number, cols: number, data: number[] } {
  return { format: 'dense', rows, cols, data: Array.from(data).slice(0, rows * cols) }
}

/** JSON text of a QP in the qpbench form (with the "l" extension when a row has a finite lower bound). */
export function qpToJson (p: QpProblem, name = 'qp'): string {
  const n = p.n
  const me = p.b?.length ?? 0
  const mc = p.l?.length ?? p.u?.length ?? 0
  const out: Record<string, unknown> = { name, n, m_ineq: mc, m_eq: me, matrix_format: 'dense' }
  out.P = denseMatrix(p.H, n, n)
  out.q = Array.from(p.g).slice(0, n)
  if (mc > 0) {
    out.G = denseMatrix(p.C as ArrayLike<number>, mc, n)
    out.h = Array.from({ length: mc }, (_, i) => num(p.u === undefined ? Infinity : p.u[i]))
    const l = Array.from({ length: mc }, (_, i) => num(p.l === undefined ? -Infinity : p.l[i]))
    if (l.some((v) => v !== null)) out.l = l
  } else { out.G = null; out.h = null }
  if (me > 0) {
    out.A = denseMatrix(p.A as ArrayLike<number>, me, n)
    out.b = Array.from(p.b as ArrayLike<number>).slice(0, me)
  } else { out.A = null; out.b = null }
  const lb = p.lb === undefined ? null : Array.from({ length: n }, (_, j) => num((p.lb as ArrayLike<number>)[j]))
  const ub = p.ub === undefined ? null : Array.from({ length: n }, (_, j) => num((p.ub as ArrayLike<number>)[j]))
  out.lb = lb !== null && lb.some((v) => v !== null) ? lb : null
  out.ub = ub !== null && ub.some((v) => v !== null) ? ub : null
  return JSON.stringify(out)
}

/** JSON text of a hierarchical QP in the "hqp" form. */
export function hqpToJson (p: HqpProblem, name = 'hqp'): string {
  const n = p.n
  const levels = p.levels.map((lv) => {
    const o: Record<string, unknown> = {}
    const me = lv.b?.length ?? 0
    const mc = lv.l?.length ?? lv.u?.length ?? 0
    if (me > 0) { o.A = denseMatrix(lv.A as ArrayLike<number>, me, n); o.b = Array.from(lv.b as ArrayLike<number>) }
    if (mc > 0) {
      o.C = denseMatrix(lv.C as ArrayLike<number>, mc, n)
      o.l = Array.from({ length: mc }, (_, i) => num(lv.l === undefined ? -Infinity : lv.l[i]))
      o.u = Array.from({ length: mc }, (_, i) => num(lv.u === undefined ? Infinity : lv.u[i]))
    }
    return o
  })
  const lb = p.lb === undefined ? null : Array.from(p.lb, num)
  const ub = p.ub === undefined ? null : Array.from(p.ub, num)
  return JSON.stringify({ format: 'hqp', name, n, levels, lb, ub })
}

/** JSON text of a structured OCP QP in the "ocp" form (infinite row bounds as null). */
export function ocpToJson (p: OcpProblem, name = 'ocp'): string {
  const nx = p.nx
  const N = p.stages.length - 1
  const stages = p.stages.map((st, k) => {
    const nu = st.nu
    const o: Record<string, unknown> = { nu, Q: denseMatrix(st.Q, nx + nu, nx + nu), q: Array.from(st.q).slice(0, nx + nu) }
    if (k < N) {
      o.A = denseMatrix(st.A as ArrayLike<number>, nx, nx)
      if (nu > 0) o.B = denseMatrix(st.B as ArrayLike<number>, nx, nu)
      o.c = Array.from(st.c ?? new Float64Array(nx)).slice(0, nx)
    }
    const ne = st.e?.length ?? 0
    if (ne > 0) {
      o.Dx = denseMatrix(st.Dx ?? new Float64Array(ne * nx), ne, nx)
      o.Eu = denseMatrix(st.Eu as ArrayLike<number>, ne, nu)
      o.e = Array.from(st.e as ArrayLike<number>)
    }
    const ng = st.lg?.length ?? st.ug?.length ?? 0
    if (ng > 0) {
      o.Gx = denseMatrix(st.Gx ?? new Float64Array(ng * nx), ng, nx)
      o.Gu = denseMatrix(st.Gu ?? new Float64Array(ng * nu), ng, nu)
      o.lg = Array.from({ length: ng }, (_, i) => num(st.lg === undefined ? -Infinity : st.lg[i]))
      o.ug = Array.from({ length: ng }, (_, i) => num(st.ug === undefined ? Infinity : st.ug[i]))
    }
    return o
  })
  return JSON.stringify({ format: 'ocp', name, nx, x0: p.x0 === undefined ? null : Array.from(p.x0).slice(0, nx), stages })
}

// ---------------------------------------------------------------- dump from WASM memory

function f64At (w: SolversExports, ptr: number, len: number): Float64Array {
  return new Float64Array(w.memory.buffer, ptr, len).slice()
}

/**
 * Reads the QP currently held by dense-QP instance `handle` (its data arrays with its current
 * sizes) out of WASM memory, e.g. to replay a failing controller QP offline with `cerebellum qp`.
 */
export function denseQpFromWasm (w: SolversExports, handle: number): QpProblem {
  const n = w.qpInfo(handle, 9)
  const me = w.qpInfo(handle, 10)
  const mc = w.qpInfo(handle, 11)
  const f = (id: number, len: number): Float64Array => f64At(w, w.qpField(handle, id), len)
  const p: QpProblem = { n, H: f(0, n * n), g: f(1, n), lb: f(7, n), ub: f(8, n) }
  if (me > 0) { p.A = f(2, me * n); p.b = f(3, me) }
  if (mc > 0) { p.C = f(4, mc * n); p.l = f(5, mc); p.u = f(6, mc) }
  return p
}

/** Reads the hierarchy currently held by HQP instance `handle` out of WASM memory. */
export function hqpFromWasm (w: SolversExports, handle: number): HqpProblem {
  const n = w.hqpInfo(handle, 3)
  const nl = w.hqpInfo(handle, 4)
  const A = w.hqpField(handle, 0)
  const b = w.hqpField(handle, 1)
  const C = w.hqpField(handle, 2)
  const l = w.hqpField(handle, 3)
  const u = w.hqpField(handle, 4)
  const levels: HqpLevel[] = []
  let a0 = 0
  let c0 = 0
  for (let k = 0; k < nl; k++) {
    const me = w.hqpLevelRows(handle, k, 0)
    const mc = w.hqpLevelRows(handle, k, 1)
    const lv: HqpLevel = {}
    if (me > 0) { lv.A = f64At(w, A + 8 * a0 * n, me * n); lv.b = f64At(w, b + 8 * a0, me) }
    if (mc > 0) { lv.C = f64At(w, C + 8 * c0 * n, mc * n); lv.l = f64At(w, l + 8 * c0, mc); lv.u = f64At(w, u + 8 * c0, mc) }
    levels.push(lv)
    a0 += me
    c0 += mc
  }
  return { n, levels, lb: f64At(w, w.hqpField(handle, 5), n), ub: f64At(w, w.hqpField(handle, 6), n) }
}

/** JSON text (qpbench form) of the QP held by a dense-QP instance. */
export function dumpDenseQp (w: SolversExports, handle: number, name = 'qp'): string {
  return qpToJson(denseQpFromWasm(w, handle), name)
}

/** JSON text ("hqp" form) of the hierarchy held by an HQP instance. */
export function dumpHqp (w: SolversExports, handle: number, name = 'hqp'): string {
  return hqpToJson(hqpFromWasm(w, handle), name)
}
