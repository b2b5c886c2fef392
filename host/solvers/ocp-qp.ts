// Host side of the structured OCP QP solver (assembly/solvers/ocp/ocp-ipm.ts): writes the stages
// into the instance's WASM blocks, solves, reads trajectories, multipliers and Riccati gains.
// Field and option ids mirror assembly/solvers/exports.ts.
import type { SolversWasm, SolversExports } from './wasm.ts'
import { STATUS_NAMES, type QpStatusName } from './dense-qp.ts'

/**
 * Stage k: cost ½[x;u]ᵀQ[x;u] + qᵀ[x;u] (Q (nx+nu)², row-major, [x; u] order); dynamics
 * x_{k+1} = A x + B u + c (k < N); equalities Dx x + Eu u = e; rows lg ≤ Gx x + Gu u ≤ ug.
 */
export interface OcpStage {
  nu: number
  Q: ArrayLike<number>
  q: ArrayLike<number>
  A?: ArrayLike<number>
  B?: ArrayLike<number>
  c?: ArrayLike<number>
  Dx?: ArrayLike<number>
  Eu?: ArrayLike<number>
  e?: ArrayLike<number>
  Gx?: ArrayLike<number>
  Gu?: ArrayLike<number>
  lg?: ArrayLike<number>
  ug?: ArrayLike<number>
}

/** N + 1 stages; x0 fixes the initial state when given. */
export interface OcpProblem { nx: number, stages: OcpStage[], x0?: ArrayLike<number> }

/** A stage copied out of WASM memory (every block a Float64Array of its own). */
export interface OcpStageCopy { nu: number, Q: Float64Array, q: Float64Array, A?: Float64Array, B?: Float64Array, c?: Float64Array, Dx?: Float64Array, Eu?: Float64Array, e?: Float64Array, Gx?: Float64Array, Gu?: Float64Array, lg?: Float64Array, ug?: Float64Array }

/**
 * Where an MPC keeps its OCP QP in WASM memory: horizon N, state size, stage sizes (`size(k, what)`:
 * 0 nu_k, 1 ng_k, 2 ne_k) and block addresses (`field(f, k)`, ids as ocpField: 0 Q, 1 q, 2 A, 3 B,
 * 4 c, 5 Dx, 6 Eu, 7 e, 8 Gx, 9 Gu, 10 lg, 11 ug, 12 x0), each block compact with its stage's sizes.
 */
export interface OcpBlockSource {
  N: number
  nx: number
  size: (k: number, what: number) => number
  field: (f: number, k: number) => number
  f64: (ptr: number, len: number) => Float64Array
}

/** Stage k of an MPC's QP, copied out of WASM memory. */
export function ocpStageFromBlocks (src: OcpBlockSource, k: number): OcpStageCopy {
  const nx = src.nx
  const nu = src.size(k, 0)
  const ng = src.size(k, 1)
  const ne = src.size(k, 2)
  const nxu = nx + nu
  const g = (f: number, len: number): Float64Array => Float64Array.from(src.f64(src.field(f, k), len))
  const st: OcpStageCopy = { nu, Q: g(0, nxu * nxu), q: g(1, nxu) }
  if (k < src.N) { st.A = g(2, nx * nx); st.B = g(3, nx * nu); st.c = g(4, nx) }
  if (ne > 0) { st.Dx = g(5, ne * nx); st.Eu = g(6, ne * nu); st.e = g(7, ne) }
  if (ng > 0) { st.Gx = g(8, ng * nx); st.Gu = g(9, ng * nu); st.lg = g(10, ng); st.ug = g(11, ng) }
  return st
}

/** The whole QP of an MPC's last solve (x_0 fixed), copied out of WASM memory: for oracles and dumps. */
export function ocpFromBlocks (src: OcpBlockSource): { nx: number, x0: Float64Array, stages: OcpStageCopy[] } {
  const stages: OcpStageCopy[] = []
  for (let k = 0; k <= src.N; k++) stages.push(ocpStageFromBlocks(src, k))
  return { nx: src.nx, x0: Float64Array.from(src.f64(src.field(12, 0), src.nx)), stages }
}

export interface OcpResult {
  status: number
  statusName: QpStatusName
  /** Setup problem: 'equality-rank' (stage equalities without full-row-rank Eu) or 'nonfinite' (status numerical), 'bounds' (lg > ug) or 'infeasible-row' (a row the equalities make constant misses its bounds) (status infeasible). */
  error: string | null
  errorStage: number
  iterations: number
  objective: number
  x: Float64Array[]
  u: Float64Array[]
  /** π_{k+1} (k < N), row multipliers λ_k (> 0 upper, < 0 lower), equality multipliers ν_k. */
  pi: Float64Array[]
  lam: Float64Array[]
  nu: Float64Array[]
  /** Riccati feedback u_k ≈ K_k x_k + kff_k (nu_k × nx row-major) and cost-to-go Hessians P_k. */
  K: Float64Array[]
  kff: Float64Array[]
  P: Float64Array[]
  resStat: number
  resEq: number
  mu: number
  warm: number
  /** The interior-point point was refined on its active set (see OcpOptions.polish). */
  polished: boolean
  /** The polish's active-set rounds (each a factorization, or rank-one updates of it) and augmented-Lagrangian passes (Riccati solves). */
  polishRounds: number
  polishPasses: number
  /** Rank-one changes of the Riccati factors between active-set rounds (instead of factorizations). */
  polishUpdates: number
}

export interface OcpSizes { Nmax: number, nxMax: number, nuMax: number, ngMax: number, neMax: number }

const F = { Q: 0, q: 1, A: 2, B: 3, c: 4, Dx: 5, Eu: 6, e: 7, Gx: 8, Gu: 9, lg: 10, ug: 11, x0: 12, x: 20, u: 21, pi: 22, lam: 23, nu: 24, K: 25, kff: 26, P: 27 } as const
const O = { maxIter: 0, tolStat: 1, tolEq: 2, tolComp: 3, warmStart: 4, shift: 5, pivotFloor: 6, polish: 7 } as const
export type OcpOptionName = keyof typeof O
const ERRORS = [null, 'equality-rank', 'nonfinite', 'bounds', 'infeasible-row'] as const

export class OcpQp {
  readonly wasm: SolversExports
  readonly handle: number
  readonly sizes: OcpSizes
  N = 0
  nx = 0
  nu: number[] = []
  ng: number[] = []
  ne: number[] = []

  constructor (w: SolversWasm, sizes: OcpSizes) {
    this.wasm = w.exports
    this.sizes = { ...sizes }
    this.handle = this.wasm.ocpCreate(sizes.Nmax, sizes.nxMax, sizes.nuMax, sizes.ngMax, sizes.neMax)
  }

  /** Problem-data views per (field, stage) at f·(Nmax+1) + k, rebuilt only when the memory grows (it detaches them). */
  private views: Array<Float64Array | undefined> = []
  private viewsBuffer: ArrayBufferLike | null = null

  /** Drops the cached views when the memory has grown since they were made. */
  private checkViews (): void {
    const buf = this.wasm.memory.buffer
    if (buf !== this.viewsBuffer) { this.views = []; this.viewsBuffer = buf }
  }

  /**
   * View of stage k's block of a field, `len` entries. Problem-data blocks sit at fixed places (the
   * block capacities), so their views are cached; solution blocks move with the horizon's nx.
   */
  view (f: number, k: number, len: number): Float64Array {
    if (f >= F.x) return new Float64Array(this.wasm.memory.buffer, this.wasm.ocpField(this.handle, f, k), len)
    this.checkViews()
    return this.cachedView(f, k, len)
  }

  /** view() for problem data once checkViews() has run (load() checks once for all stages). */
  private cachedView (f: number, k: number, len: number): Float64Array {
    const key = f * (this.sizes.Nmax + 1) + k
    let v = this.views[key]
    if (v === undefined || v.length < len) {
      v = new Float64Array(this.viewsBuffer as ArrayBuffer, this.wasm.ocpField(this.handle, f, k), len)
      this.views[key] = v
    }
    return v.length === len ? v : v.subarray(0, len)
  }

  /** Writes `src` into stage k's block of a field, or zeros when absent. */
  private put (f: number, k: number, len: number, src: ArrayLike<number> | undefined): void {
    const v = this.cachedView(f, k, len)
    if (src === undefined) v.fill(0)
    else v.set(src)
  }

  setOption (name: OcpOptionName, value: number | boolean): void {
    this.wasm.ocpSetOption(this.handle, O[name], typeof value === 'boolean' ? (value ? 1 : 0) : value)
  }

  resetWarm (): void { this.wasm.ocpResetWarm(this.handle) }

  load (p: OcpProblem): void {
    const N = p.stages.length - 1
    const nx = p.nx
    const { Nmax, nxMax, nuMax, ngMax, neMax } = this.sizes
    if (N < 0 || N > Nmax || nx > nxMax) throw new Error(`OCP with N=${N}, nx=${nx} exceeds the instance (Nmax ${Nmax}, nxMax ${nxMax})`)
    this.wasm.ocpSetHorizon(this.handle, N, nx, p.x0 === undefined ? 0 : 1)
    this.checkViews()
    this.N = N
    this.nx = nx
    // (the stage-size lists are reused: load() allocates nothing when the shapes repeat)
    this.nu.length = N + 1; this.ng.length = N + 1; this.ne.length = N + 1
    if (p.x0 !== undefined) this.cachedView(F.x0, 0, nx).set(p.x0)
    for (let k = 0; k <= N; k++) {
      const s = p.stages[k]
      const nu = s.nu
      const ng = s.lg?.length ?? s.ug?.length ?? 0
      const ne = s.e?.length ?? 0
      if (nu > nuMax || ng > ngMax || ne > neMax) throw new Error(`OCP stage ${k} (nu=${nu}, ng=${ng}, ne=${ne}) exceeds the instance (${nuMax}, ${ngMax}, ${neMax})`)
      this.wasm.ocpSetStage(this.handle, k, nu, ng, ne)
      this.nu[k] = nu; this.ng[k] = ng; this.ne[k] = ne
      const nxu = nx + nu
      if (k < N && (s.A === undefined || (nu > 0 && s.B === undefined))) throw new Error(`OCP stage ${k}: the dynamics need A${nu > 0 ? ' and B' : ''}`)
      if (ne > 0 && (s.Eu === undefined || s.e === undefined)) throw new Error(`OCP stage ${k}: equality rows need Eu and e`)
      this.put(F.Q, k, nxu * nxu, s.Q)
      this.put(F.q, k, nxu, s.q)
      if (k < N) {
        this.put(F.A, k, nx * nx, s.A)
        if (nu > 0) this.put(F.B, k, nx * nu, s.B)
        this.put(F.c, k, nx, s.c)
      }
      if (ne > 0) {
        this.put(F.Dx, k, ne * nx, s.Dx)
        this.put(F.Eu, k, ne * nu, s.Eu)
        this.put(F.e, k, ne, s.e)
      }
      if (ng > 0) {
        this.put(F.Gx, k, ng * nx, s.Gx)
        if (nu > 0) this.put(F.Gu, k, ng * nu, s.Gu)
        const lg = this.cachedView(F.lg, k, ng)
        const ug = this.cachedView(F.ug, k, ng)
        if (s.lg === undefined) lg.fill(-Infinity)
        else if (s.lg.length === ng) lg.set(s.lg)
        else for (let i = 0; i < ng; i++) lg[i] = s.lg[i]
        if (s.ug === undefined) ug.fill(Infinity)
        else if (s.ug.length === ng) ug.set(s.ug)
        else for (let i = 0; i < ng; i++) ug[i] = s.ug[i]
      }
    }
  }

  run (): number { return this.wasm.ocpRun(this.handle) }

  result (): OcpResult {
    const w = this.wasm
    const h = this.handle
    const status = w.ocpInfo(h, 0)
    const { nxMax } = this.sizes
    const stages = Array.from({ length: this.N + 1 }, (_, k) => k)
    return {
      status,
      statusName: STATUS_NAMES[status],
      error: ERRORS[w.ocpInfo(h, 6)] ?? null,
      errorStage: w.ocpInfo(h, 7),
      iterations: w.ocpInfo(h, 1),
      objective: w.ocpInfo(h, 2),
      x: stages.map((k) => this.view(F.x, k, this.nx).slice()),
      u: stages.map((k) => this.view(F.u, k, this.nu[k]).slice()),
      pi: stages.slice(0, this.N).map((k) => this.view(F.pi, k, this.nx).slice()),
      lam: stages.map((k) => this.view(F.lam, k, this.ng[k]).slice()),
      nu: stages.map((k) => this.view(F.nu, k, this.ne[k]).slice()),
      K: stages.map((k) => this.view(F.K, k, this.nu[k] * this.nx).slice()),
      kff: stages.map((k) => this.view(F.kff, k, this.nu[k]).slice()),
      P: stages.map((k) => this.view(F.P, k, nxMax * nxMax).slice(0, this.nx * this.nx)),
      resStat: w.ocpInfo(h, 3),
      resEq: w.ocpInfo(h, 4),
      mu: w.ocpInfo(h, 5),
      warm: w.ocpInfo(h, 8),
      polished: w.ocpInfo(h, 10) !== 0,
      polishRounds: w.ocpInfo(h, 11),
      polishPasses: w.ocpInfo(h, 12),
      polishUpdates: w.ocpInfo(h, 13)
    }
  }

  solve (p: OcpProblem): OcpResult {
    this.load(p)
    this.run()
    return this.result()
  }
}
