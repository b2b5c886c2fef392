// Square-root Riccati recursion for the stage-wise Newton system of the OCP IPM (the factorization
// of HPIPM, G. Frison & J. B. Jørgensen, "Efficient implementation of the Riccati recursion for
// solving linear-quadratic control problems", IEEE CCA 2013, with our own code):
//   minimize Σ ½ Δy_kᵀ Ĥ_k Δy_k + ĝ_kᵀ Δy_k   s.t.  Δx_{k+1} = Ã_k Δy_k + b_k,  Δy_k = [Δv_k; Δx_k].
// Backward, with P_{k+1} = Lp Lpᵀ:  M_k = Ĥ_k + (Lpᵀ Ã_k)ᵀ(Lpᵀ Ã_k) = L_k L_kᵀ,
// L_k = [Lvv 0; Lxv Lxx] (inputs first), so Lxx Lxxᵀ = Mxx − Mxv Mvv⁻¹ Mvx = P_k: one Cholesky of
// size ny per stage gives the gains K = −Lvv⁻ᵀ Lxvᵀ and the next square root. Vector pass:
// m_k = ĝ_k + Ã_kᵀ(P_{k+1} b_k + p_{k+1}), l_k = L_k⁻¹ m_k, p_k = Lxx l_x.
// Forward: Δv_k = −Lvv⁻ᵀ(l_v + Lxvᵀ Δx_k), Δx_{k+1} = Ã_k Δy_k + b_k, Δπ_{k+1} = P_{k+1}Δx_{k+1} + p_{k+1}.
// Cost linear in N. Pivots below pivotFloor·max(1, largest diagonal of Q̃_k) are floored (counted
// in ws.floored): a safeguard for stages whose Hessian is singular, e.g. inputs without cost.
import { OcpDims, OcpWorkspace } from './ocp-types'
import { axpy, dot, dot2, dot2A, dot2B, fill } from '../linalg/dense-kernels'
import { choleskyFactorFloor, lowerSolve, lowerTransSolve } from '../linalg/cholesky'

/** Factors: ws.L (stage blocks) must hold Ĥ_k (lower triangle) on entry; holds L_k on return. */
export function riccatiFactor (dims: OcpDims, ws: OcpWorkspace, pivotFloor: f64): void {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const L = ws.L
  const Lt = ws.Lt
  ws.floored = 0
  for (let k = N; k >= 0; k--) {
    const ny = ws.ny[k]
    const lk = k * NY * NY
    if (k < N) {
      // Ltt = (Lpᵀ Ã_k)ᵀ = Ã_kᵀ Lp (ny × nx): row a = Σ_j Ã[j][a] Lp[j][0..j], a contiguous row
      // of Lp per nonzero of Ã (dynamics matrices are sparse: identity blocks, dt couplings)
      const nv1 = ws.nv[k + 1]
      const lp = (k + 1) * NY * NY + nv1 * NY + nv1
      const ao = k * nx * NY
      for (let a = 0; a < ny; a++) fill(Lt, a * nx, 0.0, nx)
      for (let j = 0; j < nx; j++) {
        const aj = ao + j * NY
        const lj = lp + j * NY
        for (let a = 0; a < ny; a++) {
          const c = unchecked(ws.Ar[aj + a])
          if (c != 0.0) axpy(Lt, a * nx, c, L, lj, j + 1)
        }
      }
      // M += Ltt Lttᵀ (lower triangle): M[a][b] += Ltt[a]·Ltt[b], two rows of M per pass
      let a = 0
      for (; a + 1 < ny; a += 2) {
        const ra = lk + a * NY
        const r1 = ra + NY
        for (let b = 0; b <= a; b++) {
          dot2(Lt, a * nx, (a + 1) * nx, b * nx, nx)
          L[ra + b] += dot2A
          L[r1 + b] += dot2B
        }
        L[r1 + a + 1] += dot(Lt, (a + 1) * nx, Lt, (a + 1) * nx, nx)
      }
      if (a < ny) {
        const ra = lk + a * NY
        for (let b = 0; b <= a; b++) L[ra + b] += dot(Lt, a * nx, Lt, b * nx, nx)
      }
    }
    // the floor is relative to the stage cost's own scale, not to M's diagonal, which the barrier
    // terms of active rows inflate by many orders near convergence
    let dmax = 1.0
    for (let a = 0; a < ny; a++) dmax = max(dmax, Math.abs(ws.Qr[lk + a * NY + a]))
    ws.floored += choleskyFactorFloor(L, lk, L, lk, NY, ny, pivotFloor * dmax, ws.tw)
  }
}

/**
 * Solves with the factors for gradient ws.gh (stage blocks of ny) and dynamics offsets b
 * (stage blocks of nx, at boff): writes ws.dy (stage blocks) and ws.dpi (π_{k+1} at k·nx).
 */
export function riccatiSolve (dims: OcpDims, ws: OcpWorkspace, b: StaticArray<f64>): void {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const L = ws.L
  const t = ws.tv
  const w = ws.tw
  // ---- backward ----
  for (let k = N; k >= 0; k--) {
    const ny = ws.ny[k]
    const nv = ws.nv[k]
    const nxr = ws.nxr[k]
    const lk = k * NY * NY
    const m = k * NY
    for (let a = 0; a < ny; a++) ws.lvec[m + a] = ws.gh[m + a]
    if (k < N) {
      const nv1 = ws.nv[k + 1]
      const lp = (k + 1) * NY * NY + nv1 * NY + nv1
      // w = Lp (Lpᵀ b_k) + p_{k+1}
      // (Lpᵀ b as a sum of rows of Lp: contiguous)
      fill(t, 0, 0.0, nx)
      for (let j = 0; j < nx; j++) {
        const c = b[k * nx + j]
        if (c != 0.0) axpy(t, 0, c, L, lp + j * NY, j + 1)
      }
      for (let i = 0; i < nx; i++) w[i] = dot(L, lp + i * NY, t, 0, i + 1) + ws.p[(k + 1) * nx + i]
      const ao = k * nx * NY
      for (let j = 0; j < nx; j++) {
        const c = w[j]
        if (c != 0.0) axpy(ws.lvec, m, c, ws.Ar, ao + j * NY, ny)
      }
    }
    lowerSolve(ws.lvec, m, L, lk, NY, ny)
    // p_k = Lxx l_x
    for (let i = 0; i < nxr; i++) ws.p[k * nx + i] = dot(L, lk + (nv + i) * NY + nv, ws.lvec, m + nv, i + 1)
  }
  // ---- forward ----
  {
    const nv0 = ws.nv[0]
    const nxr0 = ws.nxr[0]
    if (nxr0 > 0) {
      // x_0 free: Δx_0 = −Lxx⁻ᵀ l_x
      for (let i = 0; i < nxr0; i++) ws.dy[nv0 + i] = -ws.lvec[nv0 + i]
      lowerTransSolve(ws.dy, nv0, L, nv0 * NY + nv0, NY, nxr0)
    }
  }
  for (let k = 0; k <= N; k++) {
    const ny = ws.ny[k]
    const nv = ws.nv[k]
    const nxr = ws.nxr[k]
    const lk = k * NY * NY
    const m = k * NY
    // Δv = −Lvv⁻ᵀ (l_v + Lxvᵀ Δx)
    for (let a = 0; a < nv; a++) ws.dy[m + a] = -ws.lvec[m + a]
    for (let i = 0; i < nxr; i++) {
      const c = ws.dy[m + nv + i]
      if (c != 0.0) axpy(ws.dy, m, -c, L, lk + (nv + i) * NY, nv)
    }
    lowerTransSolve(ws.dy, m, L, lk, NY, nv)
    if (k < N) {
      const ny1 = k + 1
      const m1 = ny1 * NY + ws.nv[ny1]
      const ao = k * nx * NY
      for (let i = 0; i < nx; i++) ws.dy[m1 + i] = dot(ws.Ar, ao + i * NY, ws.dy, m, ny) + b[k * nx + i]
      // Δπ_{k+1} = Lp (Lpᵀ Δx_{k+1}) + p_{k+1}
      const nv1 = ws.nv[ny1]
      const lp = ny1 * NY * NY + nv1 * NY + nv1
      fill(t, 0, 0.0, nx)
      for (let j = 0; j < nx; j++) {
        const c = ws.dy[m1 + j]
        if (c != 0.0) axpy(t, 0, c, L, lp + j * NY, j + 1)
      }
      for (let i = 0; i < nx; i++) ws.dpi[k * nx + i] = dot(L, lp + i * NY, t, 0, i + 1) + ws.p[ny1 * nx + i]
    }
  }
}
