// Host side of the dense QP solver (assembly/solvers/qp/dense-qp.ts): writes a problem into the
// instance's WASM arrays, runs the solve, reads the results. Field, info and option ids mirror
// assembly/solvers/exports.ts.
import type { SolversWasm, SolversExports } from './wasm.ts'

/** Solve statuses, as in assembly/solvers/qp/qp-types.ts. */
export const QP_OPTIMAL = 0
export const QP_INFEASIBLE = 1
export const QP_MAX_ITER = 2
export const QP_NUMERICAL = 3
export type QpStatusName = 'optimal' | 'infeasible' | 'max_iter' | 'numerical'
export const STATUS_NAMES: readonly QpStatusName[] = ['optimal', 'infeasible', 'max_iter', 'numerical']

export const F = { H: 0, g: 1, A: 2, b: 3, C: 4, l: 5, u: 6, lb: 7, ub: 8, x: 10, y: 11, z: 12, zb: 13, activeC: 14, activeB: 15, infeasible: 16 } as const
const I = { status: 0, objective: 1, iterations: 2, proxIterations: 3, ninf: 4, primalRes: 5, dualRes: 6, regularized: 7, reused: 8 } as const
const O = { maxIter: 0, tolFeas: 1, tolRank: 2, rhoRel: 3, proxTol: 4, proxMaxIter: 5, warmStart: 6 } as const
export type QpOptionName = keyof typeof O

/**
 * minimize ½xᵀHx + gᵀx s.t. A x = b, l ≤ C x ≤ u, lb ≤ x ≤ ub. Matrices row-major and dense:
 * H n×n, A me×n, C mc×n. Missing parts are absent; ±Infinity marks a missing bound.
 */
export interface QpProblem {
  n: number
  H: ArrayLike<number>
  g: ArrayLike<number>
  A?: ArrayLike<number>
  b?: ArrayLike<number>
  C?: ArrayLike<number>
  l?: ArrayLike<number>
  u?: ArrayLike<number>
  lb?: ArrayLike<number>
  ub?: ArrayLike<number>
}

export interface QpResult {
  status: number
  statusName: QpStatusName
  objective: number
  x: Float64Array
  /** Multipliers: Hx + g + Aᵀy + Cᵀz + zb = 0; z, zb < 0 at a lower bound, > 0 at an upper one. */
  y: Float64Array
  z: Float64Array
  zb: Float64Array
  /** −1 lower active, +1 upper active, 2 equality/fixed, 0 inactive. */
  activeC: Int32Array
  activeB: Int32Array
  /** Offending constraint ids when infeasible: i (equality), me + i (row of C), me + mc + j (box). */
  infeasible: number[]
  iterations: number
  proxIterations: number
  primalResidual: number
  dualResidual: number
  regularized: boolean
  reused: boolean
}

export interface QpSizes { nMax: number, meMax: number, mcMax: number }

/** Names an offending-constraint id of QpResult.infeasible. */
export function describeConstraintId (id: number, me: number, mc: number): string {
  if (id < me) return `equality row ${id}`
  if (id < me + mc) return `inequality row ${id - me}`
  return `bound on x[${id - me - mc}]`
}

/** One dense QP instance in the WASM core, sized once. */
export class DenseQp {
  readonly wasm: SolversExports
  readonly handle: number
  readonly sizes: QpSizes
  n = 0
  me = 0
  mc = 0
  private buffer: ArrayBuffer | null = null
  private f64 = new Map<number, Float64Array>()
  private i32 = new Map<number, Int32Array>()

  constructor (w: SolversWasm, sizes: QpSizes) {
    this.wasm = w.exports
    this.sizes = { ...sizes }
    this.handle = this.wasm.qpCreate(sizes.nMax, sizes.meMax, sizes.mcMax)
  }

  private fieldLength (f: number): number {
    const { nMax, meMax, mcMax } = this.sizes
    switch (f) {
      case F.H: return Math.max(1, nMax * nMax)
      case F.A: return Math.max(1, meMax * nMax)
      case F.C: return Math.max(1, mcMax * nMax)
      case F.b: case F.y: return Math.max(1, meMax)
      case F.l: case F.u: case F.z: case F.activeC: return Math.max(1, mcMax)
      case F.infeasible: return Math.max(1, meMax + mcMax + nMax)
      default: return Math.max(1, nMax)
    }
  }

  private checkBuffer (): void {
    if (this.buffer !== this.wasm.memory.buffer) {
      this.buffer = this.wasm.memory.buffer
      this.f64.clear()
      this.i32.clear()
    }
  }

  /** Zero-copy view of a f64 field (full capacity). */
  view (f: number): Float64Array {
    this.checkBuffer()
    let v = this.f64.get(f)
    if (v === undefined) {
      v = new Float64Array(this.wasm.memory.buffer, this.wasm.qpField(this.handle, f), this.fieldLength(f))
      this.f64.set(f, v)
    }
    return v
  }

  /** Zero-copy view of an i32 field (active sets, infeasible ids). */
  viewI32 (f: number): Int32Array {
    this.checkBuffer()
    let v = this.i32.get(f)
    if (v === undefined) {
      v = new Int32Array(this.wasm.memory.buffer, this.wasm.qpField(this.handle, f), this.fieldLength(f))
      this.i32.set(f, v)
    }
    return v
  }

  setOption (name: QpOptionName, value: number | boolean): void {
    this.wasm.qpSetOption(this.handle, O[name], typeof value === 'boolean' ? (value ? 1 : 0) : value)
  }

  /** Forgets the warm start and the kept factorization. */
  resetWarm (): void { this.wasm.qpResetWarm(this.handle) }

  /** Writes a problem (sizes must fit the instance). */
  load (p: QpProblem): void {
    const n = p.n
    const me = p.b?.length ?? 0
    const mc = p.l?.length ?? p.u?.length ?? 0
    const { nMax, meMax, mcMax } = this.sizes
    if (n > nMax || me > meMax || mc > mcMax) throw new Error(`QP of size n=${n}, me=${me}, mc=${mc} exceeds the instance (${nMax}, ${meMax}, ${mcMax})`)
    this.wasm.qpSetDims(this.handle, n, me, mc)
    this.n = n; this.me = me; this.mc = mc
    this.view(F.H).set(p.H as ArrayLike<number>)
    this.view(F.g).set(p.g)
    if (me > 0) {
      this.view(F.A).set(p.A as ArrayLike<number>)
      this.view(F.b).set(p.b as ArrayLike<number>)
    }
    if (mc > 0) {
      this.view(F.C).set(p.C as ArrayLike<number>)
      const l = this.view(F.l)
      const u = this.view(F.u)
      for (let i = 0; i < mc; i++) {
        l[i] = p.l === undefined ? -Infinity : p.l[i]
        u[i] = p.u === undefined ? Infinity : p.u[i]
      }
    }
    const lb = this.view(F.lb)
    const ub = this.view(F.ub)
    for (let j = 0; j < n; j++) {
      lb[j] = p.lb === undefined ? -Infinity : p.lb[j]
      ub[j] = p.ub === undefined ? Infinity : p.ub[j]
    }
  }

  /** Solves the loaded problem; returns the status only (no allocation on the JS side). */
  run (): number { return this.wasm.qpRun(this.handle) }

  /** Copies the results of the last solve. */
  result (): QpResult {
    const w = this.wasm
    const h = this.handle
    const status = w.qpInfo(h, I.status)
    const ninf = w.qpInfo(h, I.ninf)
    return {
      status,
      statusName: STATUS_NAMES[status],
      objective: w.qpInfo(h, I.objective),
      x: this.view(F.x).slice(0, this.n),
      y: this.view(F.y).slice(0, this.me),
      z: this.view(F.z).slice(0, this.mc),
      zb: this.view(F.zb).slice(0, this.n),
      activeC: this.viewI32(F.activeC).slice(0, this.mc),
      activeB: this.viewI32(F.activeB).slice(0, this.n),
      infeasible: Array.from(this.viewI32(F.infeasible).subarray(0, ninf)),
      iterations: w.qpInfo(h, I.iterations),
      proxIterations: w.qpInfo(h, I.proxIterations),
      primalResidual: w.qpInfo(h, I.primalRes),
      dualResidual: w.qpInfo(h, I.dualRes),
      regularized: w.qpInfo(h, I.regularized) !== 0,
      reused: w.qpInfo(h, I.reused) !== 0
    }
  }

  /** load + run + result. */
  solve (p: QpProblem): QpResult {
    this.load(p)
    this.run()
    return this.result()
  }
}
