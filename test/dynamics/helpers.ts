// Shared helpers of the dynamics tests: the robot list, seeded random states, the error metric, a
// host-side configuration integrator (for finite differences), and MuJoCo as the oracle.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadMujoco, type Mujoco } from '../../host/sim/mujoco.ts'
import type { RobotDescription } from '../../host/robot/description.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url))
export const sharedPresent = existsSync(sharedDir)

export interface RobotCase { name: string, file: string, available: boolean, skipReason: string }

/** Every model the dynamics are checked on; `available` false gives a visible skip. */
export function robotCases (): RobotCase[] {
  const shared = (name: string, rel: string): RobotCase => {
    const file = sharedDir + rel
    return {
      name, file, available: sharedPresent && existsSync(file),
      skipReason: sharedPresent ? `${file} not found` : `../shared not found (${sharedDir})`
    }
  }
  const quad12 = repoRoot + 'robots/quad12/quad12.xml'
  return [
    { name: 'arm7', file: repoRoot + 'test/fixtures/arm.xml', available: true, skipReason: '' },
    { name: 'quad12', file: quad12, available: existsSync(quad12), skipReason: `${quad12} not found` },
    shared('go1', 'robots/unitree_go1/go1.xml'),
    shared('go2', 'robots/unitree_go2/go2.xml'),
    shared('h1', 'robots/unitree_h1/h1.xml'),
    shared('g1', 'robots/unitree_g1/g1.xml'),
    shared('anymal_c', 'robots/anybotics_anymal_c/anymal_c.xml')
  ]
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface State { qpos: Float64Array, qvel: Float64Array, qacc: Float64Array }

/**
 * A random state: base xy ±0.5 m, z ∈ [0.3, 1.2] m, uniform unit quaternion (Shoemake), hinge/slide
 * within their range (±π or ±0.5 m when unlimited), base linear velocity ±1 m/s, angular ±2 rad/s,
 * joint rates ±3, accelerations ±5.
 */
export function randomState (desc: RobotDescription, rand: () => number): State {
  const qpos = new Float64Array(desc.nq)
  const qvel = new Float64Array(desc.nv)
  const qacc = new Float64Array(desc.nv)
  const u = (lo: number, hi: number): number => lo + (hi - lo) * rand()
  let iq = 0
  let iv = 0
  for (const b of desc.bodies) {
    for (const j of b.joints) {
      if (j.type === 'free') {
        qpos[iq] = u(-0.5, 0.5); qpos[iq + 1] = u(-0.5, 0.5); qpos[iq + 2] = u(0.3, 1.2)
        const u1 = rand(); const u2 = rand() * 2 * Math.PI; const u3 = rand() * 2 * Math.PI
        const a = Math.sqrt(1 - u1); const c = Math.sqrt(u1)
        qpos[iq + 3] = c * Math.cos(u3); qpos[iq + 4] = a * Math.sin(u2); qpos[iq + 5] = a * Math.cos(u2); qpos[iq + 6] = c * Math.sin(u3)
        for (let k = 0; k < 3; k++) qvel[iv + k] = u(-1, 1)
        for (let k = 3; k < 6; k++) qvel[iv + k] = u(-2, 2)
        for (let k = 0; k < 6; k++) qacc[iv + k] = u(-5, 5)
        iq += 7; iv += 6
      } else {
        const [lo, hi] = j.range ?? (j.type === 'hinge' ? [-Math.PI, Math.PI] : [-0.5, 0.5])
        qpos[iq] = u(lo, hi)
        qvel[iv] = u(-3, 3)
        qacc[iv] = u(-5, 5)
        iq += 1; iv += 1
      }
    }
  }
  return { qpos, qvel, qacc }
}

/** max|a − b| / max(1, max|b|): the relative error used throughout (b is the reference). */
export function relErr (a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`)
  let e = 0
  let s = 1
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    e = Number.isNaN(d) ? Infinity : Math.max(e, d)
    s = Math.max(s, Math.abs(b[i]))
  }
  return e / s
}

/** Worst error per quantity, for the per-robot report. */
export class WorstErrors {
  readonly worst = new Map<string, number>()
  add (quantity: string, err: number): void {
    this.worst.set(quantity, Math.max(this.worst.get(quantity) ?? 0, err))
  }
  max (): number { return Math.max(0, ...this.worst.values()) }
  line (): string {
    return [...this.worst.entries()].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')
  }
}

/**
 * q ← q ⊕ v·dt with MuJoCo's rule: p += v_world·dt for a free joint, quat ← quat ⊗ exp(ω_body·dt/2),
 * q += q̇·dt for hinge and slide. Returns a new array.
 */
export function integrate (desc: RobotDescription, qpos: ArrayLike<number>, qvel: ArrayLike<number>, dt: number): Float64Array {
  const q = Float64Array.from(qpos)
  let iq = 0
  let iv = 0
  for (const b of desc.bodies) {
    for (const j of b.joints) {
      if (j.type === 'free') {
        for (let k = 0; k < 3; k++) q[iq + k] += qvel[iv + k] * dt
        const wx = qvel[iv + 3]; const wy = qvel[iv + 4]; const wz = qvel[iv + 5]
        const n = Math.hypot(wx, wy, wz)
        if (n > 0) {
          const h = 0.5 * n * dt
          const s = Math.sin(h) / n
          const dw = Math.cos(h); const dx = wx * s; const dy = wy * s; const dz = wz * s
          const w = q[iq + 3]; const x = q[iq + 4]; const y = q[iq + 5]; const z = q[iq + 6]
          q[iq + 3] = w * dw - x * dx - y * dy - z * dz
          q[iq + 4] = w * dx + x * dw + y * dz - z * dy
          q[iq + 5] = w * dy - x * dz + y * dw + z * dx
          q[iq + 6] = w * dz + x * dy - y * dx + z * dw
        }
        iq += 7; iv += 6
      } else {
        q[iq] += qvel[iv] * dt
        iq += 1; iv += 1
      }
    }
  }
  return q
}

type MjModel = InstanceType<Mujoco['MjModel']>
type MjData = InstanceType<Mujoco['MjData']>

/** MuJoCo loaded on the same file, with helpers that read its results by name. */
export class MujocoOracle {
  readonly mj: Mujoco
  readonly m: MjModel
  readonly d: MjData
  readonly nv: number
  private readonly buffers: Array<{ delete: () => void }> = []

  private constructor (mj: Mujoco, file: string) {
    this.mj = mj
    this.m = mj.MjModel.from_xml_string(readFileSync(file, 'utf8'))
    this.d = new mj.MjData(this.m)
    this.nv = this.m.nv
  }

  static async load (file: string): Promise<MujocoOracle> {
    return new MujocoOracle(await loadMujoco(), file)
  }

  id (type: 'body' | 'site', name: string): number {
    const t = type === 'body' ? this.mj.mjtObj.mjOBJ_BODY : this.mj.mjtObj.mjOBJ_SITE
    const i = this.mj.mj_name2id(this.m, t.value, name)
    if (i < 0) throw new Error(`MuJoCo has no ${type} '${name}'`)
    return i
  }

  /** Sets the state and runs mj_forward (kinematics, M, qfrc_bias, cdof_dot, subtree_com). */
  forward (s: State): void {
    this.d.qpos.set(s.qpos)
    this.d.qvel.set(s.qvel)
    this.mj.mj_forward(this.m, this.d)
  }

  private buffer (n: number): { GetView: () => Float64Array, delete: () => void } {
    const b = new this.mj.DoubleBuffer(n) as { GetView: () => Float64Array, delete: () => void }
    this.buffers.push(b)
    return b
  }

  fullM (): Float64Array {
    const b = this.buffer(this.nv * this.nv)
    this.mj.mj_fullM(this.m, this.d, b)
    return Float64Array.from(b.GetView())
  }

  /** 6 × nv [jacp; jacr] of a site or of a body origin. */
  jacobian (type: 'body' | 'site', id: number): Float64Array {
    const p = this.buffer(3 * this.nv)
    const r = this.buffer(3 * this.nv)
    if (type === 'site') this.mj.mj_jacSite(this.m, this.d, p, r, id)
    else this.mj.mj_jacBody(this.m, this.d, p, r, id)
    const out = new Float64Array(6 * this.nv)
    out.set(p.GetView(), 0)
    out.set(r.GetView(), 3 * this.nv)
    return out
  }

  /** J̇·qvel at a world point on a body: [6] (translational then rotational). */
  jacDotTimesVel (point: ArrayLike<number>, body: number): Float64Array {
    const nv = this.nv
    const p = this.buffer(3 * nv)
    const r = this.buffer(3 * nv)
    this.mj.mj_jacDot(this.m, this.d, p, r, Array.from(point), body)
    const out = new Float64Array(6)
    const P = p.GetView(); const R = r.GetView(); const v = this.d.qvel
    for (let i = 0; i < 3; i++) {
      for (let c = 0; c < nv; c++) { out[i] += P[i * nv + c] * v[c]; out[3 + i] += R[i * nv + c] * v[c] }
    }
    return out
  }

  /** 3 × nv Jacobian of the CoM of the subtree rooted at `body`. */
  jacSubtreeCom (body: number): Float64Array {
    const b = this.buffer(3 * this.nv)
    this.mj.mj_jacSubtreeCom(this.m, this.d, b, body)
    return Float64Array.from(b.GetView())
  }

  /** [linear momentum, angular momentum about the subtree CoM] of the subtree rooted at `body`. */
  momentum (body: number): Float64Array {
    this.mj.mj_subtreeVel(this.m, this.d)
    const mass = this.m.body_subtreemass[body]
    const lv = this.d.subtree_linvel; const am = this.d.subtree_angmom
    return Float64Array.from([mass * lv[3 * body], mass * lv[3 * body + 1], mass * lv[3 * body + 2], am[3 * body], am[3 * body + 1], am[3 * body + 2]])
  }

  /** x = M⁻¹·b with mj_solveM. */
  solveM (b: ArrayLike<number>): Float64Array {
    const x = this.buffer(this.nv)
    this.mj.mj_solveM(this.m, this.d, x, Array.from(b))
    return Float64Array.from(x.GetView())
  }

  /** Frees the out-buffers made so far (their results were copied out); keeps long loops bounded. */
  releaseBuffers (): void {
    for (const b of this.buffers) b.delete()
    this.buffers.length = 0
  }

  /** Frees the MuJoCo objects (WASM heap). */
  dispose (): void {
    this.releaseBuffers()
    this.d.delete()
    this.m.delete()
  }
}

/** Copy of a[start .. start + n]. */
export function sub (a: ArrayLike<number>, start: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a[start + i])
}
