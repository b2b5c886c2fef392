// Exact finish of a relaxed HQP level on its active set. The relaxed phase minimizes
//   ½‖F y − f‖²,  F = [A_k Z, 0; 0, I],  f = [b_k − A_k x_p; 0],  y = [z; v]
// over the hard rows and the level's rows; when F has no full column rank, the proximal-point loop
// reaches that minimum only to its stopping tolerance. With the active set W found by the loop,
// the equality-constrained problem is solved exactly, as a correction of the loop's point y₀:
// rows W → y = y₀ + δ + M t (rank-revealing QR, nullspace-elimination.ts; δ removes the rows'
// small residuals), then min_t ‖F M t − (f − F(y₀ + δ))‖ by a column-pivoted QR of F M (any
// minimizer gives the same F y, hence the same slacks; the basic solution of this small
// correction stays next to y₀, where the inactive rows hold; columns whose pivot is below 1e-9 of
// the largest count as dependent so the correction cannot blow up). The result
// is kept only if it is a KKT point of the level: every other row holds within its tolerance and
// the multipliers of W (least squares on the active rows) have the right sign.
// Reads ws.gi (rows, bounds, active set), ws.AZ, ws.rhs. Writes ws.gi.x when it returns true.
import { HqpWorkspace } from './hqp-types'
import { eliminationFactor, eliminationNullspace, eliminationParticular, eliminationMultipliers } from '../qp/nullspace-elimination'
import { householderQrPivoted, qrApplyQt, qrSolveR } from '../linalg/householder-qr'
import { dot, axpy, fill, copy } from '../linalg/dense-kernels'

/** Polishes the relaxed level (nz reduced variables, me equality rows, mc slack variables). */
export function polishRelaxedLevel (ws: HqpWorkspace, nz: i32, me: i32, mc: i32, tolRank: f64): bool {
  const gi = ws.gi
  const ep = ws.elp
  const eq = ws.elq
  const ng = nz + mc
  const q = gi.q
  const gs = gi.nMax
  const es = ep.nzMax
  const s = ws.el.nzMax
  // ---- active rows as equalities: y = δ + M t ----
  for (let a = 0; a < q; a++) {
    const k = gi.act[a]
    const side = <f64>gi.actSide[a]
    copy(ep.D, a * es, gi.rows, k * gs, ng)
    ep.rhs[a] = (side > 0.0 ? gi.lo[k] : gi.hi[k]) - dot(gi.rows, k * gs, gi.x, 0, ng)
    ep.scale[a] = 1.0
  }
  let r = 0
  if (q > 0) {
    r = eliminationFactor(ep, q, ng, tolRank)
    eliminationNullspace(ep)
    eliminationParticular(ep)
  } else {
    ep.m = 0
    ep.nz = ng
    ep.rank = 0
    fill(ep.delta, 0, 0.0, ng)
    for (let i = 0; i < ng; i++) { fill(ep.M, i * es, 0.0, ng); ep.M[i * es + i] = 1.0 }
  }
  const kdim = ng - r
  // dependent active rows must hold at δ (they do when W came from a consistent solve)
  for (let a = r; a < q; a++) {
    const i = ep.perm[a]
    const k = gi.act[i]
    const res = dot(gi.rows, k * gs, ep.delta, 0, ng) - ep.rhs[i]
    if (Math.abs(res) > gi.tol[k]) return false
  }
  // ---- least squares in t: K = F M (rows: me of A_kZ·M_z, then mc of M_v), h = f − F δ ----
  const nrow = me + mc
  const ks = eq.nzMax
  // eq.D holds Kᵀ (kdim rows of length nrow): column j of K is row j of eq.D
  for (let j = 0; j < kdim; j++) {
    const dj = j * ks
    for (let i = 0; i < me; i++) {
      let v = 0.0
      for (let c = 0; c < nz; c++) v += ws.AZ[i * s + c] * ep.M[c * es + j]
      eq.D[dj + i] = v
    }
    for (let i = 0; i < mc; i++) eq.D[dj + me + i] = ep.M[(nz + i) * es + j]
    eq.scale[j] = 1.0
  }
  const h = ws.t1
  // y₀ + δ (in y), then h = f − F(y₀ + δ)
  const y = ws.t2
  for (let i = 0; i < ng; i++) y[i] = gi.x[i] + ep.delta[i]
  for (let i = 0; i < me; i++) h[i] = ws.rhs[i] - dot(ws.AZ, i * s, y, 0, nz)
  for (let i = 0; i < mc; i++) h[me + i] = -y[nz + i]
  let rk = 0
  if (kdim > 0 && nrow > 0) {
    // rank relative to the largest column of K
    let cmax = 0.0
    for (let j = 0; j < kdim; j++) cmax = max(cmax, Math.sqrt(dot(eq.D, j * ks, eq.D, j * ks, nrow)))
    rk = householderQrPivoted(eq.D, 0, ks, kdim, nrow, eq.tau, eq.perm, 1e-9 * max(cmax, 1e-300), eq.vn, eq.vref)
    qrApplyQt(h, 0, eq.D, 0, ks, nrow, eq.tau, rk)
    qrSolveR(h, 0, eq.D, 0, ks, rk)
  }
  // t (in pivot order), y = y₀ + δ + M t
  for (let a = 0; a < rk; a++) {
    const j = eq.perm[a]
    const tj = h[a]
    for (let i = 0; i < ng; i++) y[i] += ep.M[i * es + j] * tj
  }
  // ---- KKT check: other rows hold; multipliers of W have the right sign ----
  for (let k = 0; k < gi.m; k++) {
    if (gi.cstat[k] == 1 || gi.cstat[k] == -1) continue
    const v = dot(gi.rows, k * gs, y, 0, ng)
    if (v < gi.lo[k] - gi.tol[k] || v > gi.hi[k] + gi.tol[k]) return false
  }
  if (q > 0) {
    // gradient Fᵀ(F y − f) = [A_kZᵀ(A_kZ z − rhs); v], multipliers μ with Σ μ_a side_a row_a = gradient
    const gr = ws.zbar
    fill(gr, 0, 0.0, ng)
    for (let i = 0; i < me; i++) {
      const e = dot(ws.AZ, i * s, y, 0, nz) - ws.rhs[i]
      if (e != 0.0) axpy(gr, 0, e, ws.AZ, i * s, nz)
    }
    for (let i = 0; i < mc; i++) gr[nz + i] = y[nz + i]
    eliminationMultipliers(ep, gr, ws.gbase, 0)
    let mmax = 1.0
    for (let a = 0; a < q; a++) mmax = max(mmax, Math.abs(ws.gbase[a]))
    for (let a = 0; a < q; a++) {
      const mu = <f64>gi.actSide[a] * ws.gbase[a]
      if (mu < -1e-9 * mmax) return false
    }
  }
  copy(gi.x, 0, y, 0, ng)
  return true
}
