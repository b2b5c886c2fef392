// Host side of the strict hierarchical QP (assembly/solvers/hqp/lexicographic-qp.ts): writes the
// levels into the instance's WASM arrays, solves, reads x and the per-level slacks. Field and
// option ids mirror assembly/solvers/exports.ts.
import type { SolversWasm, SolversExports } from './wasm.ts'
import { STATUS_NAMES, type QpStatusName } from './dense-qp.ts'

/** One priority level: A x = b (me rows) and l ≤ C x ≤ u (mc rows), row-major, n columns. */
export interface HqpLevel {
  A?: ArrayLike<number>
  b?: ArrayLike<number>
  C?: ArrayLike<number>
  l?: ArrayLike<number>
  u?: ArrayLike<number>
}

/** Levels in priority order (index 0 first) and a hard box (±Infinity for none; lb = ub fixes). */
export interface HqpProblem {
  n: number
  levels: HqpLevel[]
  lb?: ArrayLike<number>
  ub?: ArrayLike<number>
}

export type LevelOutcome = 'exact' | 'relaxed' | 'max_iter' | 'numerical' | 'not_solved'
export const LEVEL_NAMES: readonly LevelOutcome[] = ['exact', 'relaxed', 'max_iter', 'numerical', 'not_solved']

export interface HqpResult {
  status: number
  statusName: QpStatusName
  x: Float64Array
  /** Per level: outcome, ‖A_k x − b_k‖₂, ‖violation of l_k ≤ C_k x ≤ u_k‖₂, active-set changes. */
  levels: Array<{ outcome: LevelOutcome, slackEq: number, slackIneq: number, iterations: number }>
  /** Per row, level by level: w = A x − b and the violation v of each two-sided row. */
  w: Float64Array
  v: Float64Array
  iterations: number
  /** Variables whose box is contradictory (status infeasible). */
  infeasible: number[]
}

export interface HqpSizes { nMax: number, levelsMax: number, meMax: number, mcMax: number }

const F = { A: 0, b: 1, C: 2, l: 3, u: 4, lb: 5, ub: 6, x: 10, w: 11, v: 12, levelStatus: 13, slackEq: 14, slackIneq: 15, levelIter: 16, infeasible: 17 } as const
const O = { maxIter: 0, tolFeas: 1, tolRank: 2, rhoRel: 3, proxTol: 4, proxMaxIter: 5, warmStart: 6 } as const
export type HqpOptionName = keyof typeof O

export function levelRows (lv: HqpLevel): { me: number, mc: number } {
  return { me: lv.b?.length ?? 0, mc: lv.l?.length ?? lv.u?.length ?? 0 }
}

/** One hierarchical QP instance in the WASM core, sized once. */
export class Hqp {
  readonly wasm: SolversExports
  readonly handle: number
  readonly sizes: HqpSizes
  n = 0
  me: number[] = []
  mc: number[] = []
  private buffer: ArrayBuffer | null = null
  private views = new Map<number, Float64Array | Int32Array>()

  constructor (w: SolversWasm, sizes: HqpSizes) {
    this.wasm = w.exports
    this.sizes = { ...sizes }
    this.handle = this.wasm.hqpCreate(sizes.nMax, sizes.levelsMax, sizes.meMax, sizes.mcMax)
  }

  private len (f: number): number {
    const { nMax, levelsMax, meMax, mcMax } = this.sizes
    switch (f) {
      case F.A: return Math.max(1, meMax * nMax)
      case F.C: return Math.max(1, mcMax * nMax)
      case F.b: case F.w: return Math.max(1, meMax)
      case F.l: case F.u: case F.v: return Math.max(1, mcMax)
      case F.levelStatus: case F.slackEq: case F.slackIneq: case F.levelIter: return Math.max(1, levelsMax)
      default: return Math.max(1, nMax)
    }
  }

  private view<T extends Float64Array | Int32Array> (f: number, ctor: { new (b: ArrayBuffer, o: number, l: number): T }): T {
    if (this.buffer !== this.wasm.memory.buffer) {
      this.buffer = this.wasm.memory.buffer
      this.views.clear()
    }
    let v = this.views.get(f)
    if (v === undefined) {
      v = new ctor(this.wasm.memory.buffer, this.wasm.hqpField(this.handle, f), this.len(f))
      this.views.set(f, v)
    }
    return v as T
  }

  f64 (f: number): Float64Array { return this.view(f, Float64Array) }
  i32 (f: number): Int32Array { return this.view(f, Int32Array) }

  setOption (name: HqpOptionName, value: number | boolean): void {
    this.wasm.hqpSetOption(this.handle, O[name], typeof value === 'boolean' ? (value ? 1 : 0) : value)
  }

  resetWarm (): void { this.wasm.hqpResetWarm(this.handle) }

  /** Writes a problem (sizes must fit the instance). */
  load (p: HqpProblem): void {
    const n = p.n
    const { nMax, levelsMax, meMax, mcMax } = this.sizes
    const rows = p.levels.map(levelRows)
    const me = rows.reduce((a, r) => a + r.me, 0)
    const mc = rows.reduce((a, r) => a + r.mc, 0)
    if (n > nMax || p.levels.length > levelsMax || me > meMax || mc > mcMax) {
      throw new Error(`HQP of size n=${n}, ${p.levels.length} levels, Σme=${me}, Σmc=${mc} exceeds the instance (${nMax}, ${levelsMax}, ${meMax}, ${mcMax})`)
    }
    this.wasm.hqpSetDims(this.handle, n, p.levels.length)
    this.n = n
    this.me = rows.map((r) => r.me)
    this.mc = rows.map((r) => r.mc)
    const A = this.f64(F.A)
    const b = this.f64(F.b)
    const C = this.f64(F.C)
    const l = this.f64(F.l)
    const u = this.f64(F.u)
    let a0 = 0
    let c0 = 0
    p.levels.forEach((lv, k) => {
      const r = rows[k]
      this.wasm.hqpSetLevel(this.handle, k, r.me, r.mc)
      if (r.me > 0) {
        A.set(lv.A as ArrayLike<number>, a0 * n)
        b.set(lv.b as ArrayLike<number>, a0)
      }
      if (r.mc > 0) {
        C.set(lv.C as ArrayLike<number>, c0 * n)
        for (let i = 0; i < r.mc; i++) {
          l[c0 + i] = lv.l === undefined ? -Infinity : lv.l[i]
          u[c0 + i] = lv.u === undefined ? Infinity : lv.u[i]
        }
      }
      a0 += r.me
      c0 += r.mc
    })
    const lb = this.f64(F.lb)
    const ub = this.f64(F.ub)
    for (let j = 0; j < n; j++) {
      lb[j] = p.lb === undefined ? -Infinity : p.lb[j]
      ub[j] = p.ub === undefined ? Infinity : p.ub[j]
    }
  }

  run (): number { return this.wasm.hqpRun(this.handle) }

  result (): HqpResult {
    const status = this.wasm.hqpInfo(this.handle, 0)
    const st = this.i32(F.levelStatus)
    const se = this.f64(F.slackEq)
    const si = this.f64(F.slackIneq)
    const it = this.i32(F.levelIter)
    const me = this.me.reduce((a, v) => a + v, 0)
    const mc = this.mc.reduce((a, v) => a + v, 0)
    return {
      status,
      statusName: STATUS_NAMES[status],
      x: this.f64(F.x).slice(0, this.n),
      levels: this.me.map((_, k) => ({ outcome: LEVEL_NAMES[st[k]], slackEq: se[k], slackIneq: si[k], iterations: it[k] })),
      w: this.f64(F.w).slice(0, me),
      v: this.f64(F.v).slice(0, mc),
      iterations: this.wasm.hqpInfo(this.handle, 1),
      infeasible: Array.from(this.i32(F.infeasible).subarray(0, this.wasm.hqpInfo(this.handle, 2)))
    }
  }

  solve (p: HqpProblem): HqpResult {
    this.load(p)
    this.run()
    return this.result()
  }
}
