// Least-squares point of an inconsistent HQP level from the exact phase's factorization. When the
// level's equality rows A_k Z z = r_k (r_k = b_k − A_k x_p) are inconsistent and the level has no
// inequality rows of its own, the relaxed phase minimizes ½‖A_k Z z − r_k‖² over the hard rows.
// Its unconstrained minimizers are z̄ + Q₁ y + (anything in null(A_k Z)), with the exact phase's
// pivoted QR (D·S)ᵀ·Π = Q·R of the scaled rows (S = diag(scale), nullspace-elimination.ts) and Q₁
// its first r columns (r = rank): row i = perm[k] of A_k Z is (1/scale_i)·Σ_{j<r} R[j][k]·q_jᵀ,
// rows beyond the rank up to the rank tolerance. So with B[k][j] = R[j][k]/scale_perm[k] (me × r,
// full column rank) y solves the normal equations BᵀB y = Bᵀ(r_k − A_k Z z̄) (r × r, Cholesky).
// The correction Q₁ y is orthogonal to null(A_k Z), so the point is the minimizer closest to the
// previous level's point z̄, the one the proximal loop heads for. When every hard row holds there
// (the caller checks) it is the relaxed phase's optimum, without the singular Hessian's proximal
// passes and active-set finish: a trotting quadruped's base task meets exactly this (two diagonal
// contacts cannot make a moment about the line through them, so A_k Z loses a rank there).
// Reads ws.el (the level's factorization), ws.AZ, ws.rhs, ws.zbar. Writes z (nz entries) into out.
// Scratch: ws.Hs, ws.gi.L, ws.gbase, ws.t2.
import { HqpWorkspace } from './hqp-types'
import { qrApplyQ } from '../linalg/householder-qr'
import { choleskyFactor, lowerSolve, lowerTransSolve } from '../linalg/cholesky'
import { dot, fill, copy } from '../linalg/dense-kernels'

/** Writes z̄ + Q₁ y into out (nz entries) for the level's me rows. Returns false when BᵀB is not positive definite. */
export function levelLeastSquares (ws: HqpWorkspace, me: i32, nz: i32, out: StaticArray<f64>): bool {
  const el = ws.el
  const s = el.nzMax
  const r = el.rank
  if (r <= 0 || r > nz) return false
  const G = ws.Hs
  const gs = ws.gi.nMax
  const g = ws.gbase
  const b = ws.t2
  for (let a = 0; a < r; a++) fill(G, a * gs, 0.0, a + 1)
  fill(g, 0, 0.0, r)
  for (let k = 0; k < me; k++) {
    const i = unchecked(el.perm[k])
    const c = 1.0 / unchecked(el.scale[i])
    // row k of D holds R[0..min(k, r − 1)][k] (householder-qr.ts)
    const len = k < r ? k + 1 : r
    for (let j = 0; j < len; j++) unchecked(b[j] = c * unchecked(el.D[k * s + j]))
    const t = unchecked(ws.rhs[i]) - dot(ws.AZ, i * s, ws.zbar, 0, nz)
    for (let a = 0; a < len; a++) {
      const ba = unchecked(b[a])
      unchecked(g[a] += ba * t)
      for (let j = 0; j <= a; j++) unchecked(G[a * gs + j] += ba * unchecked(b[j]))
    }
  }
  const L = ws.gi.L
  if (choleskyFactor(L, 0, G, 0, gs, r, 0.0) != 0) return false
  lowerSolve(g, 0, L, 0, gs, r)
  lowerTransSolve(g, 0, L, 0, gs, r)
  fill(b, 0, 0.0, nz)
  copy(b, 0, g, 0, r)
  qrApplyQ(b, 0, el.D, 0, s, nz, el.tau, r)
  for (let a = 0; a < nz; a++) unchecked(out[a] = unchecked(ws.zbar[a]) + unchecked(b[a]))
  return true
}
