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
  /** Relaxed levels finished at their least-squares point (inconsistent rows, no two-sided rows of their own, every higher row holding there). */
  leastSquaresLevels: number
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
  private views: Array<Float64Array | Int32Array | undefined> = new Array(F.infeasible + 1).fill(undefined)

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
      this.views.fill(undefined)
    }
    let v = this.views[f]
    if (v === undefined) {
      v = new ctor(this.wasm.memory.buffer, this.wasm.hqpField(this.handle, f), this.len(f))
      this.views[f] = v
    }
    return v as T
  }

  f64 (f: number): Float64Array { return this.view(f, Float64Array) }
  i32 (f: number): Int32Array { return this.view(f, Int32Array) }

  setOption (name: HqpOptionName, value: number | boolean): void {
    this.wasm.hqpSetOption(this.handle, O[name], typeof value === 'boolean' ? (value ? 1 : 0) : value)
  }

  resetWarm (): void { this.wasm.hqpResetWarm(this.handle) }

  /** Writes a problem (sizes must fit the instance). Allocates nothing once the instance has seen as many levels. */
  load (p: HqpProblem): void {
    const n = p.n
    const nl = p.levels.length
    const { nMax, levelsMax, meMax, mcMax } = this.sizes
    let me = 0
    let mc = 0
    for (let k = 0; k < nl; k++) {
      const lv = p.levels[k]
      me += lv.b?.length ?? 0
      mc += lv.l?.length ?? lv.u?.length ?? 0
    }
    if (n > nMax || nl > levelsMax || me > meMax || mc > mcMax) {
      throw new Error(`HQP of size n=${n}, ${nl} levels, Σme=${me}, Σmc=${mc} exceeds the instance (${nMax}, ${levelsMax}, ${meMax}, ${mcMax})`)
    }
    this.wasm.hqpSetDims(this.handle, n, nl)
    this.n = n
    this.me.length = nl
    this.mc.length = nl
    const A = this.f64(F.A)
    const b = this.f64(F.b)
    const C = this.f64(F.C)
    const l = this.f64(F.l)
    const u = this.f64(F.u)
    let a0 = 0
    let c0 = 0
    for (let k = 0; k < nl; k++) {
      const lv = p.levels[k]
      const rme = lv.b?.length ?? 0
      const rmc = lv.l?.length ?? lv.u?.length ?? 0
      this.me[k] = rme
      this.mc[k] = rmc
      this.wasm.hqpSetLevel(this.handle, k, rme, rmc)
      if (rme > 0) {
        A.set(lv.A as ArrayLike<number>, a0 * n)
        b.set(lv.b as ArrayLike<number>, a0)
      }
      if (rmc > 0) {
        C.set(lv.C as ArrayLike<number>, c0 * n)
        const lo = lv.l
        const hi = lv.u
        for (let i = 0; i < rmc; i++) {
          l[c0 + i] = lo === undefined ? -Infinity : lo[i]
          u[c0 + i] = hi === undefined ? Infinity : hi[i]
        }
      }
      a0 += rme
      c0 += rmc
    }
    const lb = this.f64(F.lb)
    const ub = this.f64(F.ub)
    const plb = p.lb
    const pub = p.ub
    for (let j = 0; j < n; j++) {
      lb[j] = plb === undefined ? -Infinity : plb[j]
      ub[j] = pub === undefined ? Infinity : pub[j]
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
      leastSquaresLevels: this.wasm.hqpInfo(this.handle, 6),
      infeasible: Array.from(this.i32(F.infeasible).subarray(0, this.wasm.hqpInfo(this.handle, 2)))
    }
  }

  solve (p: HqpProblem): HqpResult {
    this.load(p)
    this.run()
    return this.result()
  }
}
