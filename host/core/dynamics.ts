// RobotDynamics: the host's handle on the WASM dynamics of one robot. It instantiates a fresh core
// (the compiled Module is cached per process), builds the Model once from a RobotDescription, and
// exposes the Data arrays as zero-copy typed-array views: write qpos/qvel/qacc, call a compute method,
// read M, bias, tau, com, frame poses, Jacobians, centroidal quantities. No copies per call.
//
// Conventions are MuJoCo's (see host/robot/description.ts). Matrices are row-major Float64Arrays.
import type { RobotDescription } from '../robot/description.ts'
import { instantiateCore, ViewSet, type CoreInstance, type CoreOptions } from './wasm.ts'
import { buildCoreModel, readFieldTable, type LoweredModel } from './model-builder.ts'

/** dynCompute flags (assembly/dynamics/exports.ts; checked against the core's exported DYN_* globals). */
export const DYN = {
  POSITION: 1,
  FRAMES: 2,
  JACOBIANS: 4,
  VELOCITY: 8,
  CRBA: 16,
  BIAS: 32,
  RNEA: 64,
  GRAVITY: 128,
  CENTROIDAL: 256,
  CENTROIDAL_DRIFT: 512,
  FACTOR: 1024
} as const

export const DYN_ALL = Object.values(DYN).reduce((a, b) => a | b, 0) & ~DYN.FACTOR

type DataField = 'qpos' | 'qvel' | 'qacc' | 'frame_active' | 'link_pos' | 'link_rot' | 'frame_pos' | 'frame_rot' |
  'frame_jac' | 'frame_vel' | 'frame_drift' | 'M' | 'bias' | 'tau' | 'gravity_torque' | 'com' | 'com_jac' |
  'centroidal_map' | 'centroidal_momentum' | 'centroidal_drift' | 'solve_x' | 'M_factor' | 'link_vel'

const DATA_FIELDS: DataField[] = ['qpos', 'qvel', 'qacc', 'frame_active', 'link_pos', 'link_rot', 'frame_pos', 'frame_rot',
  'frame_jac', 'frame_vel', 'frame_drift', 'M', 'bias', 'tau', 'gravity_torque', 'com', 'com_jac', 'centroidal_map',
  'centroidal_momentum', 'centroidal_drift', 'solve_x', 'M_factor', 'link_vel']

/** The core exports its DYN_* flags as globals: check the mirror above against them once. */
function checkFlags (core: CoreInstance): void {
  for (const [name, value] of Object.entries(DYN)) {
    const g = core.exports[`DYN_${name}`]
    if (!(g instanceof WebAssembly.Global) || g.value !== value) {
      throw new Error(`host DYN.${name} = ${value} does not match the WASM core's DYN_${name} (${g instanceof WebAssembly.Global ? String(g.value) : 'missing'}): rebuild with 'npm run build:wasm'`)
    }
  }
}

export class RobotDynamics {
  readonly description: RobotDescription
  readonly core: CoreInstance
  readonly lowered: LoweredModel
  readonly nq: number
  readonly nv: number
  readonly nframe: number
  readonly nbody: number
  /** Σ body masses [kg]. */
  readonly massTotal: number
  readonly frameNames: readonly string[]
  private readonly views: ViewSet<DataField>
  private readonly frameIdx: Map<string, number>
  private readonly computeFn: (flags: number) => number
  private readonly solveFn: () => void
  private readonly probeFn: () => number

  private constructor (core: CoreInstance, desc: RobotDescription) {
    this.core = core
    this.description = desc
    this.lowered = buildCoreModel(core, desc)
    this.nq = this.lowered.nq
    this.nv = this.lowered.nv
    this.nframe = desc.frames.length
    this.nbody = desc.bodies.length
    this.massTotal = core.fn<() => number>('dynMassTotal')()
    this.frameNames = desc.frames.map((f) => f.name)
    this.frameIdx = new Map()
    desc.frames.forEach((f, i) => { if (!this.frameIdx.has(f.name)) this.frameIdx.set(f.name, i) })
    const table = readFieldTable(core, 1)
    const specs = new Map(DATA_FIELDS.map((k) => {
      const s = table.get(k)
      if (s === undefined) throw new Error(`the WASM core's Data has no field '${k}'`)
      return [k, s] as const
    }))
    this.views = new ViewSet(core.memory, specs)
    checkFlags(core)
    this.computeFn = core.fn('dynCompute')
    this.solveFn = core.fn('dynSolveM')
    this.probeFn = core.fn('dynHeapProbe')
  }

  /** Builds the dynamics of `desc` in a fresh core instance. Throws RobotFileError for a bad description. */
  static async create (desc: RobotDescription, opts: CoreOptions = {}): Promise<RobotDynamics> {
    return new RobotDynamics(await instantiateCore(opts), desc)
  }

  // --- inputs ---
  /** (nq) generalized position: free joint [p_world, quat wxyz], then hinge/slide coordinates. */
  get qpos (): Float64Array { return this.views.f64('qpos') }
  /** (nv) generalized velocity: free joint [v_world, ω_body], then joint rates. */
  get qvel (): Float64Array { return this.views.f64('qvel') }
  /** (nv) generalized acceleration (for rnea). */
  get qacc (): Float64Array { return this.views.f64('qacc') }
  /** (nframe) 1 = the frame's placement/Jacobian/velocity/drift is computed; all 1 after create. */
  get frameActive (): Int32Array { return this.views.i32('frame_active') }

  // --- outputs ---
  /** (nv × nv) mass matrix incl. armature (DYN.CRBA). */
  get M (): Float64Array { return this.views.f64('M') }
  /** (nv) C·v + g, MuJoCo qfrc_bias (DYN.BIAS). */
  get bias (): Float64Array { return this.views.f64('bias') }
  /** (nv) M·qacc + bias (DYN.RNEA). */
  get tau (): Float64Array { return this.views.f64('tau') }
  /** (nv) g(q) (DYN.GRAVITY). */
  get gravityTorque (): Float64Array { return this.views.f64('gravity_torque') }
  /** (3) centre of mass, world [m] (DYN.CENTROIDAL). */
  get com (): Float64Array { return this.views.f64('com') }
  /** (3 × nv) CoM Jacobian (DYN.CENTROIDAL). */
  get comJacobian (): Float64Array { return this.views.f64('com_jac') }
  /** (6 × nv) centroidal momentum matrix A_g, [linear; angular about the CoM] (DYN.CENTROIDAL). */
  get centroidalMap (): Float64Array { return this.views.f64('centroidal_map') }
  /** (6) h_g = A_g·qvel (DYN.CENTROIDAL). */
  get centroidalMomentum (): Float64Array { return this.views.f64('centroidal_momentum') }
  /** (6) Ȧ_g·qvel (DYN.CENTROIDAL_DRIFT). */
  get centroidalDrift (): Float64Array { return this.views.f64('centroidal_drift') }
  /** (nlink × 3) link origins, world; body b is link lowered.bodyLink[b] (DYN.POSITION). */
  get linkPos (): Float64Array { return this.views.f64('link_pos') }
  /** (nlink × 9) world-from-link rotations, row-major (DYN.POSITION). */
  get linkRot (): Float64Array { return this.views.f64('link_rot') }
  /** (nlink × 6) link spatial velocities at the world origin (DYN.VELOCITY). */
  get linkVel (): Float64Array { return this.views.f64('link_vel') }
  /** (nframe × 3) frame origins, world [m] (DYN.FRAMES). */
  get framePos (): Float64Array { return this.views.f64('frame_pos') }
  /** (nframe × 9) world-from-frame rotations (DYN.FRAMES). */
  get frameRot (): Float64Array { return this.views.f64('frame_rot') }
  /** (nframe × 6 × nv) frame Jacobians, rows [v_origin; ω] world-aligned (DYN.JACOBIANS). */
  get frameJacobians (): Float64Array { return this.views.f64('frame_jac') }
  /** (nframe × 6) [v_origin; ω] world-aligned (DYN.VELOCITY). */
  get frameVelocities (): Float64Array { return this.views.f64('frame_vel') }
  /** (nframe × 6) J̇·v: classical acceleration of the origin at qacc = 0, and angular (DYN.VELOCITY). */
  get frameDrifts (): Float64Array { return this.views.f64('frame_drift') }
  /** (nv) right-hand side and solution of solveM. */
  get solveX (): Float64Array { return this.views.f64('solve_x') }

  /** Index of a frame by name; throws naming the available frames when absent. */
  frameIndex (name: string): number {
    const i = this.frameIdx.get(name)
    if (i === undefined) throw new Error(`no frame '${name}' (frames: ${this.frameNames.join(', ')})`)
    return i
  }

  /** Restricts the frame computations to these frame indices (null = all). */
  setActiveFrames (frames: readonly number[] | null): void {
    const a = this.frameActive
    a.fill(frames === null ? 1 : 0)
    if (frames !== null) for (const f of frames) a[f] = 1
  }

  /** Runs the DYN.* stages on qpos/qvel/qacc; returns 0 or the failing pivot + 1 of DYN.FACTOR. */
  compute (flags: number): number { return this.computeFn(flags) }

  /** Everything except the factorization. */
  computeAll (): void { this.computeFn(DYN_ALL) }

  /** solveX ← M⁻¹·solveX; needs a successful compute(DYN.CRBA | DYN.FACTOR) first. */
  solveM (): void { this.solveFn() }

  /** Heap-top probe of the core (see dynHeapProbe); for allocation tests. */
  heapProbe (): number { return this.probeFn() }

  /** Size of the core's linear memory [bytes]. */
  get memoryBytes (): number { return this.core.memory.buffer.byteLength }
}
