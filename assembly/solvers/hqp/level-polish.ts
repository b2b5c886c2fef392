// Exact finish of a relaxed HQP level by a primal active-set method. The relaxed phase minimizes
//   ½‖F y − f‖²,  F = [A_k Z, 0; 0, I],  f = [b_k − A_k x_p; 0],  y = [z; v]
// over the hard rows and the level's rows; when F has no full column rank, the proximal-point loop
// reaches that minimum only to its stopping tolerance, and when F is nearly rank-deficient it
// walks towards a far constraint by a nearly constant step per pass. This finish starts from the
// loop's point y (feasible) and its active set W and repeats (Nocedal & Wright, Numerical
// Optimization §16.5, with a semidefinite objective):
//   1. minimize on W held as equalities, as a correction of y: rows W → y + δ + M t
//      (rank-revealing QR, nullspace-elimination.ts; δ removes the rows' small residuals), then
//      min_t ‖F M t − (f − F(y + δ))‖ by a column-pivoted QR of F M (any minimizer gives the same
//      F y, hence the same slacks; the basic solution of this small correction stays next to y,
//      where the inactive rows hold; columns whose pivot is below 1e-9 of the largest count as
//      dependent so the correction cannot blow up): the point ŷ;
//   2. if a row outside W would leave its bounds (beyond its tolerance) on the way from y to ŷ,
//      step to the first such row and add it to W (it is independent of W: W's rows do not change
//      along the step);
//   3. otherwise y = ŷ; if the multipliers of W (least squares on the active rows) all have the
//      right sign, y is a KKT point of the level, hence its optimum; else drop the most negative.
// Each step lowers the objective or keeps it while the working set changes; the number of changes
// is capped, and a degenerate case that runs into the cap (or into inconsistent active rows)
// returns false, leaving the proximal loop to go on.
// Reads ws.gi (rows, bounds, x, active set), ws.AZ, ws.rhs. Writes ws.gi.x, the final working set
// (ws.pAct, pSide, polishQ) and ws.polishChanges when it returns true. Scratch: ws.t1, t2 and the
// p* arrays, never ws.zbar or ws.gbase (the proximal loop's centre and gradient, still needed
// when the finish fails).
import { HqpWorkspace } from './hqp-types'
import { eliminationAffine, eliminationMultipliers, basicLeastSquares } from '../qp/nullspace-elimination'
import { dot, axpy, fill, copy } from '../linalg/dense-kernels'

/**
 * d[j·ks + i] = Σ_c az[ao + c]·m[c·es + j], j < kdim (row i of A_kZ·M_z into column i of Kᵀ):
 * four j at a time in registers over rows of M, each sum running over c in order from 0.
 */
function azTimesM (d: StaticArray<f64>, ks: i32, az: StaticArray<f64>, ao: i32, m: StaticArray<f64>, es: i32, nz: i32, kdim: i32, i: i32): void {
  const zero = f64x2.splat(0.0)
  const pa = changetype<usize>(az) + (<usize>ao << 3)
  const mRow = <usize>es << 3
  let j = 0
  for (; j + 4 <= kdim; j += 4) {
    let x = zero
    let y = zero
    let pm = changetype<usize>(m) + (<usize>j << 3)
    for (let c = 0; c < nz; c++) {
      const a = v128.load64_splat(pa + (<usize>c << 3))
      x = f64x2.add(x, f64x2.mul(a, v128.load(pm)))
      y = f64x2.add(y, f64x2.mul(a, v128.load(pm, 16)))
      pm += mRow
    }
    d[j * ks + i] = f64x2.extract_lane(x, 0)
    d[(j + 1) * ks + i] = f64x2.extract_lane(x, 1)
    d[(j + 2) * ks + i] = f64x2.extract_lane(y, 0)
    d[(j + 3) * ks + i] = f64x2.extract_lane(y, 1)
  }
  for (; j < kdim; j++) {
    let v = 0.0
    for (let c = 0; c < nz; c++) v += az[ao + c] * m[c * es + j]
    d[j * ks + i] = v
  }
}

/**
 * Finishes the relaxed level (nz reduced variables, me equality rows, mc slack variables) with at
 * most maxChanges working-set changes. Returns true when gi.x holds the level's optimum.
 */
export function polishRelaxedLevel (ws: HqpWorkspace, nz: i32, me: i32, mc: i32, tolRank: f64, maxChanges: i32): bool {
  const gi = ws.gi
  const ep = ws.elp
  const eq = ws.elq
  const ng = nz + mc
  const gs = gi.nMax
  const es = ep.nzMax
  const s = ws.el.nzMax
  const ks = eq.nzMax
  const nrow = me + mc
  const h = ws.t1
  const y = ws.t2
  const yh = ws.pY
  const stat = ws.pStat
  // working set W: the loop's active set (stat: side of a row in W, 0 outside)
  let q = gi.q
  for (let k = 0; k < gi.m; k++) stat[k] = 0
  for (let a = 0; a < q; a++) {
    ws.pAct[a] = gi.act[a]
    ws.pSide[a] = gi.actSide[a]
    stat[gi.act[a]] = gi.actSide[a]
  }
  copy(y, 0, gi.x, 0, ng)
  let changes = 0
  while (true) {
    // ---- 1. rows W as equalities: ŷ = y + δ + M t ----
    for (let a = 0; a < q; a++) {
      const k = ws.pAct[a]
      copy(ep.D, a * es, gi.rows, k * gs, ng)
      ep.rhs[a] = (ws.pSide[a] > 0 ? gi.lo[k] : gi.hi[k]) - dot(gi.rows, k * gs, y, 0, ng)
      ep.scale[a] = 1.0
    }
    const r = eliminationAffine(ep, q, ng, tolRank)
    const kdim = ng - r
    // dependent rows of W must hold at δ (they do when W came from a consistent solve)
    for (let a = r; a < q; a++) {
      const i = ep.perm[a]
      const k = ws.pAct[i]
      const res = dot(gi.rows, k * gs, ep.delta, 0, ng) - ep.rhs[i]
      if (Math.abs(res) > gi.tol[k]) return false
    }
    // least squares in t: K = F M (rows: me of A_kZ·M_z, then mc of M_v), h = f − F(y + δ);
    // eq.D holds Kᵀ (kdim rows of length nrow): column j of K is row j of eq.D
    for (let i = 0; i < me; i++) azTimesM(eq.D, ks, ws.AZ, i * s, ep.M, es, nz, kdim, i)
    for (let j = 0; j < kdim; j++) {
      const dj = j * ks
      for (let i = 0; i < mc; i++) eq.D[dj + me + i] = ep.M[(nz + i) * es + j]
    }
    for (let i = 0; i < ng; i++) yh[i] = y[i] + ep.delta[i]
    for (let i = 0; i < me; i++) h[i] = ws.rhs[i] - dot(ws.AZ, i * s, yh, 0, nz)
    for (let i = 0; i < mc; i++) h[me + i] = -yh[nz + i]
    const rk = basicLeastSquares(eq, kdim, nrow, h)
    // t (in pivot order)
    for (let a = 0; a < rk; a++) {
      const j = eq.perm[a]
      const tj = h[a]
      for (let i = 0; i < ng; i++) yh[i] += ep.M[i * es + j] * tj
    }
    // ---- 2. the first row outside W that ŷ would violate blocks the step y → ŷ ----
    let alpha = 1.0
    let kb = -1
    let sideB = 0
    for (let k = 0; k < gi.m; k++) {
      if (stat[k] != 0) continue
      const ro = k * gs
      const v1 = dot(gi.rows, ro, yh, 0, ng)
      const lo = gi.lo[k]
      const hi = gi.hi[k]
      const tol = gi.tol[k]
      if (v1 >= lo - tol && v1 <= hi + tol) continue
      if (!(v1 == v1)) return false
      const low = v1 < lo - tol
      const v0 = dot(gi.rows, ro, y, 0, ng)
      // y holds the row within its tolerance, so the fraction lies in [0, 1)
      let t = ((low ? lo : hi) - v0) / (v1 - v0)
      if (!(t > 0.0)) t = 0.0
      if (t > 1.0) t = 1.0
      if (t < alpha || kb < 0) { alpha = t; kb = k; sideB = low ? 1 : -1 }
    }
    if (kb >= 0) {
      if (changes >= maxChanges || q >= ng) return false
      for (let i = 0; i < ng; i++) y[i] += alpha * (yh[i] - y[i])
      ws.pAct[q] = kb
      ws.pSide[q] = sideB
      stat[kb] = sideB
      q++
      changes++
      continue
    }
    // ---- 3. multipliers of W at ŷ: Σ μ_a row_a = Fᵀ(F ŷ − f) = [A_kZᵀ(A_kZ ẑ − rhs); v̂] ----
    if (q > 0) {
      const gr = ws.pGrad
      const mu = ws.pMu
      fill(gr, 0, 0.0, ng)
      for (let i = 0; i < me; i++) {
        const e = dot(ws.AZ, i * s, yh, 0, nz) - ws.rhs[i]
        if (e != 0.0) axpy(gr, 0, e, ws.AZ, i * s, nz)
      }
      for (let i = 0; i < mc; i++) gr[nz + i] = yh[nz + i]
      eliminationMultipliers(ep, gr, mu, 0)
      let mmax = 1.0
      for (let a = 0; a < q; a++) mmax = max(mmax, Math.abs(mu[a]))
      let worst = -1
      let worstVal = -1e-9 * mmax
      for (let a = 0; a < q; a++) {
        const m = <f64>ws.pSide[a] * mu[a]
        if (m < worstVal) { worstVal = m; worst = a }
      }
      if (worst >= 0) {
        if (changes >= maxChanges) return false
        stat[ws.pAct[worst]] = 0
        for (let a = worst; a < q - 1; a++) {
          ws.pAct[a] = ws.pAct[a + 1]
          ws.pSide[a] = ws.pSide[a + 1]
        }
        q--
        changes++
        copy(y, 0, yh, 0, ng)
        continue
      }
    }
    copy(gi.x, 0, yh, 0, ng)
    ws.polishQ = q
    ws.polishChanges = changes
    return true
  }
}
