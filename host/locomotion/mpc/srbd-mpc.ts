// Host handle on the WASM SRBD NMPC (assembly/locomotion/mpc/srbd-mpc.ts) for tests and benches:
// builds the config (mass and inertia from the robot model through the dynamics, at the stand
// keyframe), creates the MPC in the same core instance as the RobotDynamics, and exposes its inputs
// and outputs as zero-copy views. The controller itself calls the AS class directly.
import type { RobotDynamics } from '../../core/dynamics.ts'
import type { CoreInstance } from '../../core/wasm.ts'
import { MpcFieldViews } from './field-views.ts'
import { ocpFromBlocks, type OcpStageCopy } from '../../solvers/ocp-qp.ts'

/** solve() statuses (assembly/locomotion/mpc/srbd-mpc.ts MPC_*). */
export const MPC_STATUS = ['ok', 'infeasible', 'max-iter', 'numerical', 'bad-input'] as const
export type MpcStatusName = typeof MPC_STATUS[number] | 'unknown'
/** Which input was bad (MPC_IN_*). */
export const MPC_BAD_INPUT = ['none', 'x0', 'quat_base_world', 'x_ref', 'contact', 'p_foot_world', 'pitch', 'elapsed_s'] as const

export function mpcStatusName (s: number): MpcStatusName {
  return (MPC_STATUS as readonly string[])[s] as MpcStatusName ?? 'unknown'
}

export interface SrbdMpcParams {
  /** Horizon stages (20) and step [s] (0.025). */
  N?: number
  dt?: number
  nfeet?: number
  mu?: number
  fzMin?: number
  fzMax?: number
  /** Diagonal state weights (12: roll, pitch, yaw, p, ω, v) of ½eᵀWe. */
  wState?: ArrayLike<number>
  /** Diagonal force weights (3: x, y, z). */
  wInput?: ArrayLike<number>
  wTerminalScale?: number
  qpMaxIter?: number
  qpTol?: number
  /** Active-set polish of each QP solution (default on). */
  qpPolish?: boolean
  /** Dual tolerance of the active-set start's approximate tail (default 3e-3 of the largest multiplier; 0: the exact QP optimum). */
  qpTailDualTol?: number
  /** Override the model's mass [kg] and inertia about the CoM in base axes (9, row-major). */
  mass?: number
  inertiaBody?: ArrayLike<number>
  /** Configuration (nq) at which mass and inertia are taken; default the description's 'home' keyframe. */
  standQpos?: ArrayLike<number>
}

const CFG = { mass: 0, N: 1, dt: 2, nfeet: 3, mu: 4, fzMin: 5, fzMax: 6, wTerminalScale: 7, qpMaxIter: 8, qpTol: 9, qpPolish: 10, qpTailDualTol: 11 } as const
const FIELD = { x0: 0, quat: 1, xRef: 2, contact: 3, pFoot: 4, fFoot: 5, xPred: 6, uPred: 7, px: 10, pf: 11, pr: 12, ps: 13, pxn: 14, pA: 15, pB: 16 } as const
const INFO = { status: 0, iterations: 1, qpStatus: 2, qpError: 3, objective: 4, badInput: 5, solves: 6, failures: 7, N: 8, nfeet: 9, resStat: 10, resEq: 11, mu: 12, warm: 13, polishRounds: 14, polishPasses: 15 } as const

type Fn<A extends unknown[], R> = (...a: A) => R

export class SrbdMpcHost {
  readonly core: CoreInstance
  readonly handle: number
  readonly cfg: number
  readonly N: number
  readonly nfeet: number
  readonly dt: number
  /** Model-derived single-rigid-body parameters actually used. */
  readonly mass: number
  readonly inertiaBody: Float64Array
  /** CoM in the base frame at the stand configuration [m]. */
  readonly comBase: Float64Array
  private readonly solveFn: Fn<[number], number>
  private readonly infoFn: Fn<[number, number], number>
  private readonly elapsedFn: Fn<[number, number], void>
  private readonly views: MpcFieldViews

  constructor (dyn: RobotDynamics, p: SrbdMpcParams = {}) {
    const core = dyn.core
    this.core = core
    const set = core.fn<Fn<[number, number, number], void>>('mpcSrbdConfigSet')
    const arr = core.fn<Fn<[number, number], number>>('mpcSrbdConfigArray')
    const cfg = core.fn<Fn<[], number>>('mpcSrbdConfigCreate')()
    this.cfg = cfg
    const N = p.N ?? 20
    const nfeet = p.nfeet ?? 4
    const dt = p.dt ?? 0.025
    if (!Number.isInteger(N) || N < 1) throw new Error(`SrbdMpc: N must be a positive integer (got ${N})`)
    if (!Number.isInteger(nfeet) || nfeet < 1) throw new Error(`SrbdMpc: nfeet must be a positive integer (got ${nfeet})`)
    if (!(dt > 0)) throw new Error(`SrbdMpc: dt must be > 0 (got ${dt})`)
    set(cfg, CFG.N, N)
    set(cfg, CFG.nfeet, nfeet)
    set(cfg, CFG.dt, dt)
    if (p.mu !== undefined) set(cfg, CFG.mu, p.mu)
    if (p.fzMin !== undefined) set(cfg, CFG.fzMin, p.fzMin)
    if (p.fzMax !== undefined) set(cfg, CFG.fzMax, p.fzMax)
    if (p.wTerminalScale !== undefined) set(cfg, CFG.wTerminalScale, p.wTerminalScale)
    if (p.qpMaxIter !== undefined) set(cfg, CFG.qpMaxIter, p.qpMaxIter)
    if (p.qpTol !== undefined) set(cfg, CFG.qpTol, p.qpTol)
    if (p.qpPolish !== undefined) set(cfg, CFG.qpPolish, p.qpPolish ? 1 : 0)
    if (p.qpTailDualTol !== undefined) set(cfg, CFG.qpTailDualTol, p.qpTailDualTol)
    if (p.wState !== undefined) {
      if (p.wState.length !== 12) throw new Error(`SrbdMpc: wState needs 12 weights (got ${p.wState.length})`)
      core.f64(arr(cfg, 1), 12).set(Array.from(p.wState))
    }
    if (p.wInput !== undefined) {
      if (p.wInput.length !== 3) throw new Error(`SrbdMpc: wInput needs 3 weights (got ${p.wInput.length})`)
      core.f64(arr(cfg, 2), 3).set(Array.from(p.wInput))
    }
    // mass and inertia from the model at the stand configuration
    const q = p.standQpos ?? dyn.description.keyframes.home
    if (q === undefined) throw new Error(`SrbdMpc: robot '${dyn.description.name}' has no 'home' keyframe: pass standQpos`)
    if (q.length !== dyn.nq) throw new Error(`SrbdMpc: standQpos has ${q.length} entries, the robot has nq = ${dyn.nq}`)
    dyn.qpos.set(Array.from(q))
    const m = core.fn<Fn<[number], number>>('mpcSrbdConfigFromModel')(cfg)
    if (!(m > 0)) throw new Error(`SrbdMpc: robot '${dyn.description.name}' has no free-floating base`)
    if (p.mass !== undefined) set(cfg, CFG.mass, p.mass)
    if (p.inertiaBody !== undefined) {
      if (p.inertiaBody.length !== 9) throw new Error('SrbdMpc: inertiaBody needs 9 entries')
      core.f64(arr(cfg, 0), 9).set(Array.from(p.inertiaBody))
    }
    this.mass = core.fn<Fn<[number, number], number>>('mpcSrbdConfigGet')(cfg, CFG.mass)
    this.inertiaBody = Float64Array.from(core.f64(arr(cfg, 0), 9))
    this.comBase = Float64Array.from(core.f64(arr(cfg, 3), 3))
    this.handle = core.fn<Fn<[number], number>>('mpcSrbdCreate')(cfg)
    this.N = N
    this.nfeet = nfeet
    this.dt = dt
    this.solveFn = core.fn('mpcSrbdSolve')
    this.infoFn = core.fn('mpcSrbdInfo')
    this.views = new MpcFieldViews(core, core.fn('mpcSrbdField'), this.handle)
    this.elapsedFn = core.fn('mpcSrbdSetElapsed')
  }

  private f (id: number, len: number): Float64Array { return this.views.f64(id, len) }

  // --- inputs ---
  /** (12) [rpy (ZYX), p_com_world, ω_world, v_com_world]. */
  get x0 (): Float64Array { return this.f(FIELD.x0, 12) }
  /** (4) wxyz world ← base; all zero = x0's rpy is used as given. */
  get quatBaseWorld (): Float64Array { return this.f(FIELD.quat, 4) }
  /** ((N+1) × 12) reference. */
  get xRef (): Float64Array { return this.f(FIELD.xRef, (this.N + 1) * 12) }
  /** (N × nfeet) 1 = stance. */
  get contact (): Uint8Array { return this.views.u8(FIELD.contact, this.N * this.nfeet) }
  /** (N × nfeet × 3) foot positions per stage, world [m]. */
  get pFootWorld (): Float64Array { return this.f(FIELD.pFoot, this.N * this.nfeet * 3) }
  set elapsed (s: number) { this.elapsedFn(this.handle, s) }

  // --- outputs ---
  /** (nfeet × 3) stage-0 forces [N]. */
  get fFootWorld (): Float64Array { return this.f(FIELD.fFoot, this.nfeet * 3) }
  /** ((N+1) × 12) predicted states. */
  get xPred (): Float64Array { return this.f(FIELD.xPred, (this.N + 1) * 12) }
  /** (N × nfeet × 3) planned forces. */
  get uPred (): Float64Array { return this.f(FIELD.uPred, this.N * this.nfeet * 3) }

  /** One SQP-RTI iteration; returns the status (0 ok). */
  solve (): number { return this.solveFn(this.handle) }
  reset (): void { this.core.fn<Fn<[number], void>>('mpcSrbdReset')(this.handle) }
  /** Only the input checks, linearization and QP build of a solve (timing breakdowns); returns the status. */
  prepare (): number { return this.core.fn<Fn<[number], number>>('mpcSrbdPrepare')(this.handle) }

  info (name: keyof typeof INFO): number { return this.infoFn(this.handle, INFO[name]) }
  get iterations (): number { return this.info('iterations') }
  get statusName (): MpcStatusName { return mpcStatusName(this.info('status')) }
  get badInputName (): string { return MPC_BAD_INPUT[this.info('badInput')] ?? 'unknown' }

  /** Discrete SRBD step x⁺ = F(x, f) (and A = ∂x⁺/∂x, B = ∂x⁺/∂f of the stance feet) on the MPC's model. */
  step (x: ArrayLike<number>, f: ArrayLike<number>, r: ArrayLike<number>, stance: ArrayLike<number>): { xn: Float64Array, A: Float64Array, B: Float64Array } {
    const nf = this.nfeet
    this.f(FIELD.px, 12).set(Array.from(x))
    this.f(FIELD.pf, 3 * nf).set(Array.from(f))
    this.f(FIELD.pr, 3 * nf).set(Array.from(r))
    const s = this.views.u8(FIELD.ps, nf)
    let ns = 0
    for (let i = 0; i < nf; i++) { s[i] = stance[i] !== 0 ? 1 : 0; ns += s[i] }
    this.core.fn<Fn<[number, number], void>>('mpcSrbdProbeStep')(this.handle, 1)
    return { xn: Float64Array.from(this.f(FIELD.pxn, 12)), A: Float64Array.from(this.f(FIELD.pA, 144)), B: this.f(FIELD.pB, 12 * 3 * nf).slice(0, 12 * 3 * ns) }
  }

  /** The OCP QP of the last solve as plain arrays (for oracles): stage sizes and blocks. */
  qp (): { nx: number, x0: Float64Array, stages: OcpStageCopy[] } {
    const size = this.core.fn<Fn<[number, number, number], number>>('mpcSrbdQpSize')
    const fld = this.core.fn<Fn<[number, number, number], number>>('mpcSrbdQpField')
    return ocpFromBlocks({ N: this.N, nx: 12, size: (k, w) => size(this.handle, k, w), field: (f, k) => fld(this.handle, f, k), f64: (p, n) => this.core.f64(p, n) })
  }
}
