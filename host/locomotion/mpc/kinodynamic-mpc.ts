// Host handle on the WASM kinodynamic NMPC (assembly/locomotion/mpc/kinodynamic-mpc.ts) for tests and
// benches: creates it on the robot model of a RobotDynamics' core instance and exposes inputs and
// outputs as zero-copy views. The controller itself calls the AS class directly.
import type { RobotDynamics } from '../../core/dynamics.ts'
import type { CoreInstance } from '../../core/wasm.ts'
import { MpcFieldViews } from './field-views.ts'
import { mpcStatusName, MPC_BAD_INPUT, type MpcStatusName } from './srbd-mpc.ts'
import { ocpFromBlocks, ocpStageFromBlocks, type OcpBlockSource, type OcpStageCopy } from '../../solvers/ocp-qp.ts'

export interface KinodynamicMpcParams {
  N?: number
  dt?: number
  mu?: number
  fzMin?: number
  fzMax?: number
  /** Diagonal state weights (12 + nj: h/m (6), p_base (3), Euler (3), joints). */
  wState?: ArrayLike<number>
  /** Force weights (x, y, z) about the weight share. */
  wForce?: ArrayLike<number>
  wQdot?: number
  swingKp?: number
  wTerminalScale?: number
  qpMaxIter?: number
  qpTol?: number
  qpPolish?: boolean
  /** Eliminate the foot rows in the build (default) instead of passing them to the OCP solver as stage equalities (same optimum). */
  eliminateFootRows?: boolean
}

const CFG = { N: 1, dt: 2, mu: 4, fzMin: 5, fzMax: 6, wTerminalScale: 7, qpMaxIter: 8, qpTol: 9, qpPolish: 10, wQdot: 11, swingKp: 12, eliminateFootRows: 13 } as const
const FIELD = { x0: 0, xRef: 1, contact: 2, zRef: 3, vzRef: 4, fFoot: 5, xPred: 6, uPred: 7, vBase: 8, px: 10, pu: 11, ps: 12, pxn: 13, pq: 14, pv: 15, snapshot: 16, solution: 17 } as const
const INFO = { status: 0, iterations: 1, qpStatus: 2, qpError: 3, objective: 4, badInput: 5, solves: 6, failures: 7, N: 8, nfeet: 9, resStat: 10, resEq: 11, mu: 12, warm: 13, nx: 14, nj: 15, mass: 16, qpErrorStage: 17, polishRounds: 18, polishPasses: 19 } as const

type Fn<A extends unknown[], R> = (...a: A) => R

export type KinoStage = OcpStageCopy

export class KinodynamicMpcHost {
  readonly core: CoreInstance
  readonly handle: number
  readonly N: number
  readonly nfeet: number
  readonly nj: number
  readonly nx: number
  readonly nuFull: number
  readonly dt: number
  readonly mass: number
  readonly footFrames: readonly number[]
  private readonly solveFn: Fn<[number], number>
  private readonly infoFn: Fn<[number, number], number>
  private readonly solveSnapFn: Fn<[number], number>
  private readonly views: MpcFieldViews

  /** feet: frame names of the feet (sites at the foot centres), in the order of the force outputs. */
  constructor (dyn: RobotDynamics, feet: readonly string[], p: KinodynamicMpcParams = {}) {
    const core = dyn.core
    this.core = core
    if (!dyn.description.floatingBase) throw new Error(`KinodynamicMpc: robot '${dyn.description.name}' has no free-floating base`)
    const nj = dyn.nv - 6
    const cfg = core.fn<Fn<[number], number>>('mpcKinoConfigCreate')(nj)
    const set = core.fn<Fn<[number, number, number], void>>('mpcKinoConfigSet')
    const arr = core.fn<Fn<[number, number], number>>('mpcKinoConfigArray')
    const N = p.N ?? 50
    const dt = p.dt ?? 0.02
    if (!Number.isInteger(N) || N < 1) throw new Error(`KinodynamicMpc: N must be a positive integer (got ${N})`)
    if (!(dt > 0)) throw new Error(`KinodynamicMpc: dt must be > 0 (got ${dt})`)
    set(cfg, CFG.N, N)
    set(cfg, CFG.dt, dt)
    const scalars: Array<[keyof typeof CFG, number | boolean | undefined]> = [['mu', p.mu], ['fzMin', p.fzMin], ['fzMax', p.fzMax], ['wTerminalScale', p.wTerminalScale], ['qpMaxIter', p.qpMaxIter], ['qpTol', p.qpTol], ['qpPolish', p.qpPolish], ['wQdot', p.wQdot], ['swingKp', p.swingKp], ['eliminateFootRows', p.eliminateFootRows]]
    for (const [k, v] of scalars) if (v !== undefined) set(cfg, CFG[k], typeof v === 'boolean' ? (v ? 1 : 0) : v)
    if (p.wState !== undefined) {
      if (p.wState.length !== 12 + nj) throw new Error(`KinodynamicMpc: wState needs ${12 + nj} weights (got ${p.wState.length})`)
      core.f64(arr(cfg, 1), 12 + nj).set(Array.from(p.wState))
    }
    if (p.wForce !== undefined) {
      if (p.wForce.length !== 3) throw new Error('KinodynamicMpc: wForce needs 3 weights')
      core.f64(arr(cfg, 2), 3).set(Array.from(p.wForce))
    }
    this.footFrames = feet.map((n) => dyn.frameIndex(n))
    const fp = core.fn<Fn<[number], number>>('mpcKinoFeetCreate')(feet.length)
    core.i32(fp, feet.length).set(this.footFrames)
    this.handle = core.fn<Fn<[number, number], number>>('mpcKinoCreate')(cfg, fp)
    this.views = new MpcFieldViews(core, core.fn('mpcKinoField'), this.handle)
    this.solveFn = core.fn('mpcKinoSolve')
    this.infoFn = core.fn('mpcKinoInfo')
    this.solveSnapFn = core.fn('mpcKinoSolveSnapshot')
    this.N = N
    this.dt = dt
    this.nfeet = feet.length
    this.nj = nj
    this.nx = 12 + nj
    this.nuFull = 3 * feet.length + nj
    this.mass = this.info('mass')
  }

  private f (id: number, len: number): Float64Array { return this.views.f64(id, len) }

  // --- inputs ---
  /** (nx) [h_g/m (6), p_base_world (3), Euler ZYX (3), q_joint (nj)]. */
  get x0 (): Float64Array { return this.f(FIELD.x0, this.nx) }
  get xRef (): Float64Array { return this.f(FIELD.xRef, (this.N + 1) * this.nx) }
  /** (N × nfeet) 1 = stance. */
  get contact (): Uint8Array { return this.views.u8(FIELD.contact, this.N * this.nfeet) }
  /** (N × nfeet) swing-foot height reference [m] and its rate [m/s]. */
  get zRef (): Float64Array { return this.f(FIELD.zRef, this.N * this.nfeet) }
  get vzRef (): Float64Array { return this.f(FIELD.vzRef, this.N * this.nfeet) }
  set elapsed (s: number) { this.core.fn<Fn<[number, number], void>>('mpcKinoSetElapsed')(this.handle, s) }

  /** x0 from a MuJoCo-layout state (h_g = A_g(qpos)·qvel through the dynamics core). */
  setStateFromMujoco (qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.f(FIELD.pq, qpos.length).set(Array.from(qpos))
    this.f(FIELD.pv, qvel.length).set(Array.from(qvel))
    this.core.fn<Fn<[number], void>>('mpcKinoSetStateFromMujoco')(this.handle)
  }

  // --- outputs ---
  get fFootWorld (): Float64Array { return this.f(FIELD.fFoot, 3 * this.nfeet) }
  get xPred (): Float64Array { return this.f(FIELD.xPred, (this.N + 1) * this.nx) }
  /** (N × (3·nfeet + nj)) forces per foot then joint rates. */
  get uPred (): Float64Array { return this.f(FIELD.uPred, this.N * this.nuFull) }
  /** (N × 6) planned base velocity [v_world, ω_body]. */
  get vBasePred (): Float64Array { return this.f(FIELD.vBase, this.N * 6) }

  solve (): number { return this.solveFn(this.handle) }

  // --- asynchronous interface (assembly/locomotion/mpc/kinodynamic-snapshot.ts) ---
  /** The snapshot buffer a solveSnapshot reads (the controller's kino_snap, copied in). */
  get snapshot (): Float64Array { return this.f(FIELD.snapshot, this.snapshotLength) }
  /** The time-stamped solution solveSnapshot writes (for the controller's kino_plan). */
  get solution (): Float64Array { return this.f(FIELD.solution, this.solutionLength) }
  get snapshotLength (): number { return this.core.fn<Fn<[number], number>>('mpcKinoSnapshotLength')(this.handle) }
  get solutionLength (): number { return this.core.fn<Fn<[number], number>>('mpcKinoSolutionLength')(this.handle) }
  /** One SQP-RTI iteration on the snapshot into the solution; returns the MPC status (0 ok). */
  solveSnapshot (): number { return this.solveSnapFn(this.handle) }
  reset (): void { this.core.fn<Fn<[number], void>>('mpcKinoReset')(this.handle) }
  /** Only the input checks, linearization and QP build of a solve (timing breakdowns); returns the status. */
  prepare (): number { return this.core.fn<Fn<[number], number>>('mpcKinoPrepare')(this.handle) }
  info (name: keyof typeof INFO): number { return this.infoFn(this.handle, INFO[name]) }
  get iterations (): number { return this.info('iterations') }
  get statusName (): MpcStatusName { return mpcStatusName(this.info('status')) }
  get badInputName (): string { return MPC_BAD_INPUT[this.info('badInput')] ?? 'unknown' }

  /** Discrete step x⁺ = F(x, u) (u: every foot's force, then q̇); null when A_b is singular. */
  step (x: ArrayLike<number>, u: ArrayLike<number>, stance: ArrayLike<number>): Float64Array | null {
    this.f(FIELD.px, this.nx).set(Array.from(x))
    this.f(FIELD.pu, this.nuFull).set(Array.from(u))
    const s = this.views.u8(FIELD.ps, this.nfeet)
    for (let i = 0; i < this.nfeet; i++) s[i] = stance[i] !== 0 ? 1 : 0
    if (this.core.fn<Fn<[number], number>>('mpcKinoProbeStep')(this.handle) !== 0) return null
    return Float64Array.from(this.f(FIELD.pxn, this.nx))
  }

  /** The stage-0 QP blocks linearized at (x, u, stance); overwrites stage 0 of contact. */
  linearize (x: ArrayLike<number>, u: ArrayLike<number>, stance: ArrayLike<number>): KinoStage {
    this.f(FIELD.px, this.nx).set(Array.from(x))
    this.f(FIELD.pu, this.nuFull).set(Array.from(u))
    const s = this.views.u8(FIELD.ps, this.nfeet)
    for (let i = 0; i < this.nfeet; i++) s[i] = stance[i] !== 0 ? 1 : 0
    if (this.core.fn<Fn<[number], number>>('mpcKinoProbeLinearize')(this.handle) !== 0) throw new Error('linearize: singular base map')
    return this.stage(0)
  }

  /** The whole OCP QP of the last solve (for oracles). */
  qp (): { nx: number, x0: Float64Array, stages: KinoStage[] } { return ocpFromBlocks(this.qpBlocks()) }

  /** Stage k of the last QP. */
  stage (k: number): KinoStage { return ocpStageFromBlocks(this.qpBlocks(), k) }

  private qpBlocks (): OcpBlockSource {
    const size = this.core.fn<Fn<[number, number, number], number>>('mpcKinoQpSize')
    const fld = this.core.fn<Fn<[number, number, number], number>>('mpcKinoQpField')
    return { N: this.N, nx: this.nx, size: (k, w) => size(this.handle, k, w), field: (f, k) => fld(this.handle, f, k), f64: (p, n) => this.core.f64(p, n) }
  }
}
