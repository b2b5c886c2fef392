// Leg inverse kinematics for scripted motions (estimator tests and benchmarks): joint angles that put each
// foot frame at a target in the base frame, by Newton steps on the WASM core's forward kinematics and
// foot Jacobians with the base at the origin, per leg (damped least squares, exact for 3-DoF legs):
//   Δq_leg = J_legᵀ·(J_leg·J_legᵀ + λ·I)⁻¹·(x_target − x(q))
// Host-side tooling, not the hot path: each call runs a few kinematics passes.
import type { RobotDescription } from '../robot/description.ts'
import { RobotDynamics, DYN } from '../core/dynamics.ts'
import type { CoreOptions } from '../core/wasm.ts'

export class LegIk {
  readonly nfeet: number
  private readonly frames: number[]
  /** Per foot, the qpos and qvel indices of its leg's joints. */
  private readonly legQ: number[][]
  private readonly legV: number[][]
  /** qpos index of each joint in the caller's joint order. */
  private readonly jointQ: number[]

  private constructor (readonly dyn: RobotDynamics, feet: readonly string[], joints: readonly string[]) {
    this.nfeet = feet.length
    this.frames = feet.map((f) => dyn.frameIndex(f))
    const low = dyn.lowered
    this.jointQ = joints.map((j) => {
      const i = low.qposNames.indexOf(j)
      if (i < 0) throw new RangeError(`leg IK: no joint '${j}'`)
      return i
    })
    dyn.qpos.fill(0)
    dyn.qpos[3] = 1
    for (let i = 7; i < dyn.nq; i++) dyn.qpos[i] = low.qpos0[i]
    dyn.setActiveFrames(this.frames)
    dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS)
    const nv = dyn.nv
    const J = dyn.frameJacobians
    this.legV = this.frames.map((f) => {
      const dofs: number[] = []
      for (let d = 6; d < nv; d++) {
        let nz = false
        for (let r = 0; r < 3; r++) if (J[f * 6 * nv + r * nv + d] !== 0) nz = true
        if (nz) dofs.push(d)
      }
      return dofs
    })
    this.legQ = this.legV.map((dofs) => dofs.map((d) => low.qposNames.indexOf(low.dofNames[d])))
  }

  static async create (desc: RobotDescription, feet: readonly string[], joints: readonly string[], opts: CoreOptions = {}): Promise<LegIk> {
    return new LegIk(await RobotDynamics.create(desc, opts), feet, joints)
  }

  /** Foot positions in the base frame (3 per foot) for joint angles q (caller's joint order). */
  forward (q: ArrayLike<number>, out: Float64Array = new Float64Array(3 * this.nfeet)): Float64Array {
    this.setJoints(q)
    this.dyn.compute(DYN.POSITION | DYN.FRAMES)
    const P = this.dyn.framePos
    this.frames.forEach((f, i) => { for (let k = 0; k < 3; k++) out[3 * i + k] = P[3 * f + k] })
    return out
  }

  private setJoints (q: ArrayLike<number>): void {
    const qpos = this.dyn.qpos
    qpos.fill(0, 0, 7)
    qpos[3] = 1
    this.jointQ.forEach((iq, j) => { qpos[iq] = q[j] })
  }

  /**
   * Solves for the joint angles (caller's joint order, written into q, which also seeds the solve) that
   * put every foot at target_body (3 per foot, base frame). Returns the largest remaining foot error [m].
   */
  solve (target_body: ArrayLike<number>, q: Float64Array, iters = 8, lambda = 1e-8): number {
    const dyn = this.dyn
    const nv = dyn.nv
    let err = Infinity
    for (let it = 0; it < iters; it++) {
      this.setJoints(q)
      dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS)
      const P = dyn.framePos
      const J = dyn.frameJacobians
      err = 0
      for (let i = 0; i < this.nfeet; i++) {
        const f = this.frames[i]
        const e = [0, 1, 2].map((k) => target_body[3 * i + k] - P[3 * f + k])
        err = Math.max(err, Math.hypot(e[0], e[1], e[2]))
        const dofs = this.legV[i]
        // A = J·Jᵀ + λI (3×3), y = A⁻¹·e, Δq = Jᵀ·y
        const A = [0, 0, 0, 0, 0, 0, 0, 0, 0]
        for (const d of dofs) {
          for (let r = 0; r < 3; r++) {
            for (let c = 0; c < 3; c++) A[3 * r + c] += J[f * 6 * nv + r * nv + d] * J[f * 6 * nv + c * nv + d]
          }
        }
        A[0] += lambda; A[4] += lambda; A[8] += lambda
        const y = solve3(A, e)
        dofs.forEach((d, k) => {
          let dq = 0
          for (let r = 0; r < 3; r++) dq += J[f * 6 * nv + r * nv + d] * y[r]
          const iq = this.legQ[i][k]
          const j = this.jointQ.indexOf(iq)
          q[j] += dq
        })
      }
      if (err < 1e-7) break
    }
    return err
  }
}

function solve3 (A: number[], b: number[]): number[] {
  const [a, bb, c, d, e, f, g, h, i] = A
  const c00 = e * i - f * h; const c01 = f * g - d * i; const c02 = d * h - e * g
  const det = a * c00 + bb * c01 + c * c02
  const inv = [c00, c * h - bb * i, bb * f - c * e, c01, a * i - c * g, c * d - a * f, c02, bb * g - a * h, a * e - bb * d]
  return [0, 1, 2].map((r) => (inv[3 * r] * b[0] + inv[3 * r + 1] * b[1] + inv[3 * r + 2] * b[2]) / det)
}
