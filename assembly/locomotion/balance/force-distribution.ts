// Contact-force distribution (the "balance controller" of Focchi et al. 2017 and the MIT Cheetah 3,
// Bledt et al. 2018): the ground forces on the stance feet that best produce a desired body wrench,
// as one small dense QP (solvers/qp) with hard friction pyramids and normal-force bounds:
//
//   minimize   ‖A f − w‖²_S + α‖f‖² + β‖f − f_prev‖²
//   subject to |f_x|, |f_y| ≤ μ f_z,  f_z ∈ [fz_min, fz_max]   (stance);  f = 0 (swing)
//   A = [ I₃ … I₃ ; [r₁]× … [r_n]× ],  r_i = p_foot,i − p_com,  w = [m(a_des − g); I_w ω̇_des]
//
// It stands in for the MPC when none is configured (and is the MPC's fallback on a failed solve).
// Reads the foot positions, contact flags and wrench; writes f_foot_world (3·nf). Never allocates.
import { QpDims, QpData, QpOptions, QpSolution, QP_OPTIMAL } from '../../solvers/qp/qp-types'
import { QpWorkspace } from '../../solvers/qp/qp-workspace'
import { qpSolve } from '../../solvers/qp/dense-qp'

export class ForceDistribution {
  readonly nf: i32
  mu: f64 = 0.6
  fz_min: f64 = 2.0
  fz_max: f64 = 150.0
  /** Weights of the force and torque rows, of ‖f‖² and of ‖f − f_prev‖². */
  w_force: f64 = 1.0
  w_torque: f64 = 10.0
  alpha: f64 = 1e-4
  beta: f64 = 1e-4
  /** (3·nf) result, world frame [N]. */
  readonly f_foot_world: StaticArray<f64>
  status: i32 = 0
  readonly dims: QpDims
  readonly data: QpData
  readonly sol: QpSolution
  readonly opts: QpOptions = new QpOptions()
  readonly ws: QpWorkspace
  private readonly A: StaticArray<f64>

  constructor (nf: i32) {
    this.nf = nf
    const n = 3 * nf
    const dims = new QpDims(n, 0, 4 * nf)
    this.dims = dims
    this.data = new QpData(dims)
    this.sol = new QpSolution(dims)
    this.ws = new QpWorkspace(dims)
    this.f_foot_world = new StaticArray<f64>(n)
    this.A = new StaticArray<f64>(6 * n)
    this.opts.maxIter = 200
  }

  /**
   * Solves for the forces. p_foot (3·nf) and p_com (3) world [m]; contact (nf) 1 = stance;
   * w (6) desired wrench [N, N·m] about the CoM, world. Returns the QP status (0 = ok); on failure
   * f_foot_world keeps the previous forces.
   */
  solve (p_foot: StaticArray<f64>, p_com: StaticArray<f64>, contact: StaticArray<u8>, w: StaticArray<f64>): i32 {
    const nf = this.nf
    const n = 3 * nf
    const A = this.A
    const d = this.data
    for (let i = 0; i < nf; i++) {
      const rx = p_foot[3 * i] - p_com[0]
      const ry = p_foot[3 * i + 1] - p_com[1]
      const rz = p_foot[3 * i + 2] - p_com[2]
      const c = 3 * i
      for (let r = 0; r < 6; r++) for (let k = 0; k < 3; k++) A[r * n + c + k] = 0.0
      A[0 * n + c] = 1.0
      A[1 * n + c + 1] = 1.0
      A[2 * n + c + 2] = 1.0
      // [r]× rows
      A[3 * n + c + 1] = -rz; A[3 * n + c + 2] = ry
      A[4 * n + c] = rz; A[4 * n + c + 2] = -rx
      A[5 * n + c] = -ry; A[5 * n + c + 1] = rx
    }
    // H = Aᵀ S A + (α + β) I,  g = −Aᵀ S w − β f_prev
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0.0
        for (let r = 0; r < 6; r++) s += (r < 3 ? this.w_force : this.w_torque) * A[r * n + a] * A[r * n + b]
        if (a == b) s += this.alpha + this.beta
        d.H[a * n + b] = s
        d.H[b * n + a] = s
      }
      let g = 0.0
      for (let r = 0; r < 6; r++) g -= (r < 3 ? this.w_force : this.w_torque) * A[r * n + a] * w[r]
      d.g[a] = g - this.beta * this.f_foot_world[a]
    }
    // friction pyramid rows and boxes
    const mu = this.mu
    for (let i = 0; i < nf; i++) {
      for (let r = 0; r < 4; r++) {
        const ro = (4 * i + r) * n
        for (let k = 0; k < n; k++) d.C[ro + k] = 0.0
        d.C[ro + 3 * i + (r >> 1)] = (r & 1) == 0 ? 1.0 : -1.0
        d.C[ro + 3 * i + 2] = -mu
        d.l[4 * i + r] = -Infinity
        d.u[4 * i + r] = 0.0
      }
      const st = contact[i] != 0
      d.lb[3 * i] = st ? -Infinity : 0.0
      d.ub[3 * i] = st ? Infinity : 0.0
      d.lb[3 * i + 1] = st ? -Infinity : 0.0
      d.ub[3 * i + 1] = st ? Infinity : 0.0
      d.lb[3 * i + 2] = st ? this.fz_min : 0.0
      d.ub[3 * i + 2] = st ? this.fz_max : 0.0
    }
    this.dims.n = n
    this.dims.me = 0
    this.dims.mc = 4 * nf
    const status = qpSolve(this.dims, d, this.sol, this.opts, this.ws)
    this.status = status
    if (status == QP_OPTIMAL) for (let k = 0; k < n; k++) this.f_foot_world[k] = this.sol.x[k]
    return status
  }
}
