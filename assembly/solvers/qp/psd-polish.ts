// Exact finish of a semidefinite reduced QP on the active set found by the proximal-point loop
// (dense-qp.ts): the loop stops when ρ‖z⁺ − z̄‖ is small, which in flat directions can leave the
// minimum unmet by more than roundoff. With the active set W, the equality-constrained problem
// min ½zᵀHz z + gzᵀz s.t. W is solved as a correction of the loop's point z₀:
//   z = z₀ + δ + M t   (rank-revealing QR of W, nullspace-elimination.ts; δ removes W's residuals)
//   (MᵀHz M) t = −Mᵀ∇f(z₀ + δ)   by a column-pivoted QR of the semidefinite MᵀHz M, basic
//   solution (columns with a pivot below 1e-9 of the largest count as dependent: the flat
//   directions keep z₀'s value, so the inactive rows stay satisfied).
// Kept only if it is a KKT point: every other row holds within its tolerance and the multipliers
// of W (least squares) have the right sign. Reads ws (gi rows and active set, Hz with the
// proximal ρ on its diagonal, gz). Writes ws.gi.x when it returns true.
import { QpWorkspace } from './qp-workspace'
import { eliminationAffine, eliminationMultipliers, basicLeastSquares } from './nullspace-elimination'
import { dot, axpy, fill, copy } from '../linalg/dense-kernels'

@inline function rowDot (ws: QpWorkspace, k: i32, v: StaticArray<f64>, vo: i32): f64 {
  const gi = ws.gi
  if (k < gi.m) return dot(gi.rows, k * gi.nMax, v, vo, gi.n)
  return v[vo + gi.bvar[k - gi.m]]
}

export function polishSemidefinite (ws: QpWorkspace, tolRank: f64): bool {
  const gi = ws.gi
  const ep = ws.elp
  const eq = ws.elq
  const nz = gi.n
  const q = gi.q
  const es = ep.nzMax
  const hs = gi.nMax
  const rho = ws.rho
  const z = ws.pz
  // ---- active rows: z = z₀ + δ + M t ----
  for (let a = 0; a < q; a++) {
    const k = gi.act[a]
    const side = gi.actSide[a]
    if (k < gi.m) copy(ep.D, a * es, gi.rows, k * hs, nz)
    else { fill(ep.D, a * es, 0.0, nz); ep.D[a * es + gi.bvar[k - gi.m]] = 1.0 }
    const b = k < gi.m ? (side > 0 ? gi.lo[k] : gi.hi[k]) : (side > 0 ? gi.blo[k - gi.m] : gi.bhi[k - gi.m])
    ep.rhs[a] = b - rowDot(ws, k, gi.x, 0)
    ep.scale[a] = 1.0
  }
  const r = eliminationAffine(ep, q, nz, tolRank)
  const kdim = nz - r
  for (let i = 0; i < nz; i++) z[i] = gi.x[i] + ep.delta[i]
  // ---- ∇f(z) = Hz z + gz with the unregularized Hz ----
  const grad = ws.pg
  for (let i = 0; i < nz; i++) grad[i] = dot(ws.Hz, i * hs, z, 0, nz) - rho * z[i] + ws.gz[i]
  // ---- S = MᵀHz M (symmetric: its rows are its columns), rhs = −Mᵀ∇ ----
  const ks = eq.nzMax
  const HM = ws.W
  for (let i = 0; i < nz; i++) {
    const hi = i * hs
    fill(HM, i * hs, 0.0, kdim)
    for (let l = 0; l < nz; l++) {
      const h = ws.Hz[hi + l] - (i == l ? rho : 0.0)
      if (h != 0.0) axpy(HM, i * hs, h, ep.M, l * es, kdim)
    }
  }
  const rhs = ws.ph
  fill(rhs, 0, 0.0, kdim)
  for (let j = 0; j < kdim; j++) fill(eq.D, j * ks, 0.0, kdim)
  for (let i = 0; i < nz; i++) {
    axpy(rhs, 0, -grad[i], ep.M, i * es, kdim)
    for (let j = 0; j < kdim; j++) {
      const mij = ep.M[i * es + j]
      if (mij != 0.0) axpy(eq.D, j * ks, mij, HM, i * hs, kdim)
    }
  }
  const rk = basicLeastSquares(eq, kdim, kdim, rhs)
  for (let a = 0; a < rk; a++) {
    const j = eq.perm[a]
    const tj = rhs[a]
    for (let i = 0; i < nz; i++) z[i] += ep.M[i * es + j] * tj
  }
  // ---- KKT check ----
  const mt = gi.m + gi.nb
  for (let k = 0; k < mt; k++) {
    if (gi.cstat[k] == 1 || gi.cstat[k] == -1) continue
    const v = rowDot(ws, k, z, 0)
    const lo = k < gi.m ? gi.lo[k] : gi.blo[k - gi.m]
    const hi = k < gi.m ? gi.hi[k] : gi.bhi[k - gi.m]
    const tl = k < gi.m ? gi.tol[k] : gi.btol[k - gi.m]
    if (v < lo - tl || v > hi + tl) return false
  }
  if (q > 0) {
    for (let i = 0; i < nz; i++) grad[i] = dot(ws.Hz, i * hs, z, 0, nz) - rho * z[i] + ws.gz[i]
    eliminationMultipliers(ep, grad, ws.pm, 0)
    let mmax = 1.0
    for (let a = 0; a < q; a++) mmax = max(mmax, Math.abs(ws.pm[a]))
    for (let a = 0; a < q; a++) {
      if (<f64>gi.actSide[a] * ws.pm[a] < -1e-9 * mmax) return false
      gi.lam[a] = max(0.0, <f64>gi.actSide[a] * ws.pm[a])
    }
  }
  copy(gi.x, 0, z, 0, nz)
  return true
}
