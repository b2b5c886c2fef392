// Goldfarb–Idnani dual active-set method for strictly convex QPs (D. Goldfarb, A. Idnani, "A
// numerically stable dual method for solving strictly convex quadratic programs", Math. Prog. 27,
// 1983), on the reduced problem of gi-workspace.ts.
//
// Invariant (an "S-pair"): x minimizes ½xᵀHx + gᵀx subject to the active constraints held as
// equalities, with multipliers λ ≥ 0. J = L⁻ᵀ·Q and R satisfy Jᵀ·N = [R; 0] for the active normals
// N; each add or drop updates them by Givens rotations (O(n²)), never by refactorization. Each
// step takes the most violated constraint p (rows are unit-norm, so violations are distances) and
// moves along the primal direction z = J₂·J₂ᵀ·n_p and dual direction r = R⁻¹·J₁ᵀ·n_p:
//   t1 = min_{j active, r_j > 0} λ_j / r_j   (a multiplier would turn negative: drop j)
//   t2 = −s_p / (zᵀ n_p)                     (p becomes satisfied: add p)
// z = 0 with no blocking multiplier means infeasibility; the certificate is p and the active
// constraints with r_j < 0 (n_p = Σ r_j·n_j).
// Two-sided rows are one constraint with a side; unit rows read a row of J instead of a product.
//
// Warm start: re-add a list of constraints (QR only, skipping dependent ones) or keep the previous
// factorization, solve the equality-constrained QP on that set, drop negative multipliers one at
// a time until λ ≥ 0; that is an S-pair, and the main loop continues from it.
import { GiWorkspace, GI_OPTIMAL, GI_INFEASIBLE, GI_MAX_ITER, GI_NUMERICAL } from './gi-workspace'
import { dot, axpy, rot } from '../linalg/dense-kernels'
import { lowerInverse } from '../linalg/cholesky'
import { givens, givensC, givensS, givensR } from '../linalg/givens'

/** Cold start: Jᵀ = L⁻¹, empty active set. */
export const GI_COLD: i32 = 0
/** Re-add ws.warmId/warmSide (factorization rebuilt), then continue. */
export const GI_WARM: i32 = 1
/** Keep JT/R/active set of the previous solve (same H and rows; g and bounds may differ). */
export const GI_REUSE: i32 = 2

@inline function rhsOf (ws: GiWorkspace, k: i32, side: i32): f64 {
  if (k < ws.m) return side > 0 ? ws.lo[k] : -ws.hi[k]
  const j = k - ws.m
  return side > 0 ? ws.blo[j] : -ws.bhi[j]
}

/** side·c_kᵀ·v */
@inline function normalDot (ws: GiWorkspace, k: i32, side: i32, v: StaticArray<f64>): f64 {
  const s = <f64>side
  if (k < ws.m) return s * dot(ws.rows, k * ws.nMax, v, 0, ws.n)
  return s * v[ws.bvar[k - ws.m]]
}

/** d = Jᵀ·n for constraint (k, side); returns ‖d‖². */
function computeD (ws: GiWorkspace, k: i32, side: i32): f64 {
  const n = ws.n
  const nMax = ws.nMax
  const s = <f64>side
  let nrm = 0.0
  if (k < ws.m) {
    const ro = k * nMax
    for (let j = 0; j < n; j++) {
      const v = s * dot(ws.JT, j * nMax, ws.rows, ro, n)
      ws.d[j] = v
      nrm += v * v
    }
  } else {
    const c = ws.bvar[k - ws.m]
    for (let j = 0; j < n; j++) {
      const v = s * ws.JT[j * nMax + c]
      ws.d[j] = v
      nrm += v * v
    }
  }
  return nrm
}

/** ‖d[q..n)‖² */
@inline function tailNorm2 (ws: GiWorkspace): f64 {
  let s = 0.0
  for (let j = ws.q; j < ws.n; j++) s += ws.d[j] * ws.d[j]
  return s
}

/** Constraint tolerance (scaled units). */
@inline function tolOfC (ws: GiWorkspace, k: i32): f64 {
  return k < ws.m ? ws.tol[k] : ws.btol[k - ws.m]
}

/** Forgets the implied marks (the active set changed). */
@inline function clearImplied (ws: GiWorkspace): void {
  for (let i = 0; i < ws.nImplied; i++) {
    const k = ws.implied[i]
    if (ws.cstat[k] == 2) ws.cstat[k] = 0
  }
  ws.nImplied = 0
}

/** Appends the constraint whose d = Jᵀn is in ws.d: rotates d[q+1..n) into d[q], updates J. */
function addToFactor (ws: GiWorkspace, k: i32, side: i32, lam: f64): void {
  clearImplied(ws)
  const n = ws.n
  const nMax = ws.nMax
  const q = ws.q
  const d = ws.d
  for (let j = n - 1; j > q; j--) {
    const b = d[j]
    if (b == 0.0) continue
    givens(d[j - 1], b)
    d[j - 1] = givensR
    d[j] = 0.0
    rot(ws.JT, (j - 1) * nMax, ws.JT, j * nMax, n, givensC, givensS)
  }
  if (d[q] < 0.0) {
    // keep diag(R) > 0: flip column q of J
    d[q] = -d[q]
    for (let c = 0; c < n; c++) ws.JT[q * nMax + c] = -ws.JT[q * nMax + c]
  }
  for (let i = 0; i <= q; i++) ws.R[i * nMax + q] = d[i]
  ws.act[q] = k
  ws.actSide[q] = side
  ws.lam[q] = lam
  ws.cstat[k] = side
  ws.q = q + 1
}

/** Removes active constraint at position pos; Givens restore R's triangle, same rotations on J. */
function dropFromFactor (ws: GiWorkspace, pos: i32): void {
  const n = ws.n
  const nMax = ws.nMax
  const q = ws.q
  const R = ws.R
  clearImplied(ws)
  ws.cstat[ws.act[pos]] = 0
  // shift columns pos+1..q−1 left by one (rows 0..q−1)
  for (let i = 0; i < q; i++) {
    const ri = i * nMax
    for (let c = pos; c < q - 1; c++) R[ri + c] = R[ri + c + 1]
  }
  for (let c = pos; c < q - 1; c++) {
    ws.act[c] = ws.act[c + 1]
    ws.actSide[c] = ws.actSide[c + 1]
    ws.lam[c] = ws.lam[c + 1]
    ws.s[c] = ws.s[c + 1]
  }
  // R is upper Hessenberg in columns pos..q−2: zero R[j+1][j]
  for (let j = pos; j < q - 1; j++) {
    const a = R[j * nMax + j]
    const b = R[(j + 1) * nMax + j]
    givens(a, b)
    R[j * nMax + j] = givensR
    R[(j + 1) * nMax + j] = 0.0
    const len = q - 2 - j
    if (len > 0) rot(R, j * nMax + j + 1, R, (j + 1) * nMax + j + 1, len, givensC, givensS)
    rot(ws.JT, j * nMax, ws.JT, (j + 1) * nMax, n, givensC, givensS)
  }
  for (let i = 0; i < q; i++) R[i * nMax + q - 1] = 0.0
  ws.q = q - 1
}

/** r = R⁻¹·d[0..q) (back substitution over contiguous rows of R). */
function solveR (ws: GiWorkspace): void {
  const q = ws.q
  const nMax = ws.nMax
  for (let i = q - 1; i >= 0; i--) {
    const ri = i * nMax
    ws.r[i] = (ws.d[i] - dot(ws.R, ri + i + 1, ws.r, i + 1, q - 1 - i)) / ws.R[ri + i]
  }
}

/** x = −H⁻¹g = −J·Jᵀ·g. Uses ws.y as scratch. */
function unconstrainedMin (ws: GiWorkspace): void {
  const n = ws.n
  const nMax = ws.nMax
  for (let j = 0; j < n; j++) ws.y[j] = dot(ws.JT, j * nMax, ws.g, 0, n)
  for (let c = 0; c < n; c++) ws.x[c] = 0.0
  for (let j = 0; j < n; j++) {
    const v = ws.y[j]
    if (v != 0.0) axpy(ws.x, 0, -v, ws.JT, j * nMax, n)
  }
}

/**
 * From the current factorization and active set: x = x₀ + J₁·R⁻ᵀ·s, λ = R⁻¹·R⁻ᵀ·s with
 * s = b_W − N_Wᵀ·x₀, x₀ = −H⁻¹g; drops the most negative multiplier until λ ≥ 0.
 */
function solveOnActiveSet (ws: GiWorkspace): void {
  const n = ws.n
  const nMax = ws.nMax
  unconstrainedMin(ws)
  for (let i = 0; i < ws.q; i++) {
    const k = ws.act[i]
    const side = ws.actSide[i]
    ws.s[i] = rhsOf(ws, k, side) - normalDot(ws, k, side, ws.x)
  }
  while (true) {
    const q = ws.q
    // y = R⁻ᵀ s (forward, column-oriented), λ = R⁻¹ y
    for (let i = 0; i < q; i++) ws.y[i] = ws.s[i]
    for (let i = 0; i < q; i++) {
      const ri = i * nMax
      const v = ws.y[i] / ws.R[ri + i]
      ws.y[i] = v
      if (v != 0.0) axpy(ws.y, i + 1, -v, ws.R, ri + i + 1, q - 1 - i)
    }
    for (let i = 0; i < q; i++) ws.d[i] = ws.y[i]
    solveR(ws)
    let worst = -1
    let worstVal = 0.0
    for (let i = 0; i < q; i++) {
      const l = ws.r[i]
      ws.lam[i] = l
      if (l < worstVal) { worstVal = l; worst = i }
    }
    if (worst < 0) break
    dropFromFactor(ws, worst)
  }
  for (let i = 0; i < ws.q; i++) {
    const v = ws.y[i]
    if (v != 0.0) axpy(ws.x, 0, v, ws.JT, i * nMax, n)
  }
}

/** Resets the factorization to Jᵀ = L⁻¹ with an empty active set. */
function coldFactor (ws: GiWorkspace): void {
  lowerInverse(ws.JT, 0, ws.L, 0, ws.nMax, ws.n)
  ws.q = 0
  ws.nImplied = 0
  const mt = ws.m + ws.nb
  for (let k = 0; k < mt; k++) ws.cstat[k] = 0
}

/**
 * Solves the reduced problem in ws (see gi-workspace.ts). mode: GI_COLD, GI_WARM or GI_REUSE.
 * Writes ws.x, the active set (act, actSide, lam, cstat), ws.status, ws.iter and, when
 * infeasible, the certificate. Returns ws.status. Never allocates.
 */
export function giSolve (ws: GiWorkspace, mode: i32): i32 {
  const n = ws.n
  const m = ws.m
  const nMax = ws.nMax
  const mt = m + ws.nb
  ws.iter = 0
  ws.ncert = 0
  if (mode == GI_REUSE && ws.factorValid) {
    // drop active constraints whose bound on that side has become infinite
    let i = 0
    while (i < ws.q) {
      const b = rhsOf(ws, ws.act[i], ws.actSide[i])
      if (b == -Infinity) dropFromFactor(ws, i)
      else i++
    }
  } else {
    coldFactor(ws)
    if (mode == GI_WARM) {
      for (let w = 0; w < ws.nwarm; w++) {
        if (ws.q >= n) break
        const k = ws.warmId[w]
        const side = ws.warmSide[w]
        if (k < 0 || k >= mt || ws.cstat[k] != 0) continue
        if (rhsOf(ws, k, side) == -Infinity) continue
        const dn = computeD(ws, k, side)
        if (tailNorm2(ws) <= ws.epsDep * dn) continue
        addToFactor(ws, k, side, 0.0)
      }
    }
  }
  ws.factorValid = true
  if (ws.q > 0) solveOnActiveSet(ws)
  else unconstrainedMin(ws)

  let status = GI_OPTIMAL
  while (true) {
    // ---- most violated constraint (distance, rows are unit norm) ----
    let p = -1
    let pSide = 0
    let best = 0.0
    for (let k = 0; k < m; k++) {
      if (ws.cstat[k] != 0) continue
      const v = dot(ws.rows, k * nMax, ws.x, 0, n)
      const vl = ws.lo[k] - v
      const vu = v - ws.hi[k]
      const t = ws.tol[k]
      if (vl > t && vl > best) { best = vl; p = k; pSide = 1 }
      else if (vu > t && vu > best) { best = vu; p = k; pSide = -1 }
      else if (!(v == v)) { status = GI_NUMERICAL; break }
    }
    if (status != GI_OPTIMAL) break
    for (let j = 0; j < ws.nb; j++) {
      const k = m + j
      if (ws.cstat[k] != 0) continue
      const v = ws.x[ws.bvar[j]]
      const vl = ws.blo[j] - v
      const vu = v - ws.bhi[j]
      const t = ws.btol[j]
      if (vl > t && vl > best) { best = vl; p = k; pSide = 1 }
      else if (vu > t && vu > best) { best = vu; p = k; pSide = -1 }
    }
    if (p < 0) break
    const bp = rhsOf(ws, p, pSide)
    let up = 0.0
    let added = false
    // ---- steps until p is added (or infeasible) ----
    while (!added) {
      if (ws.iter >= ws.maxIter) { status = GI_MAX_ITER; break }
      ws.iter++
      const q = ws.q
      const dn = computeD(ws, p, pSide)
      const ztn = tailNorm2(ws)
      // primal direction z = J₂·d₂
      const dependent = q >= n || ztn <= ws.epsDep * dn
      if (!dependent) {
        for (let c = 0; c < n; c++) ws.zdir[c] = 0.0
        for (let j = q; j < n; j++) {
          const v = ws.d[j]
          if (v != 0.0) axpy(ws.zdir, 0, v, ws.JT, j * nMax, n)
        }
      }
      solveR(ws)
      // partial step t1
      let t1 = Infinity
      let kb = -1
      for (let i = 0; i < q; i++) {
        const ri = ws.r[i]
        if (ri > 0.0) {
          const t = ws.lam[i] / ri
          if (t < t1) { t1 = t; kb = i }
        }
      }
      if (t1 == Infinity && dependent && q > 0) {
        // Before declaring infeasibility: an active constraint with λ_j ≈ 0 whose r_j is ≈ 0 has
        // an unreliable sign (degenerate vertex). Dropping it is a valid zero dual step (the
        // S-pair holds without it), so do that instead of trusting a roundoff-signed certificate.
        let rmax = 0.0
        let lmax = 1.0
        for (let i = 0; i < q; i++) { rmax = max(rmax, Math.abs(ws.r[i])); lmax = max(lmax, ws.lam[i]) }
        for (let i = 0; i < q; i++) {
          if (ws.lam[i] <= 1e-12 * lmax && ws.r[i] > -1e-9 * rmax) { t1 = 0.0; kb = i; break }
        }
      }
      let t2 = Infinity
      if (!dependent) {
        const sp = normalDot(ws, p, pSide, ws.x) - bp
        t2 = -sp / ztn
        if (t2 < 0.0) t2 = 0.0
      }
      if (t1 == Infinity && t2 == Infinity) {
        // n_p = Σ r_j n_j with r ≤ 0: on the active set's manifold n_pᵀx = Σ r_j b_j, so p misses
        // its bound by margin = b_p − Σ r_j b_j everywhere. Within the tolerances propagated
        // through r it is implied (degenerate vertex, roundoff): skip p, do not report.
        let margin = bp
        let tolSum = tolOfC(ws, p)
        let rsum = 0.0
        for (let i = 0; i < q; i++) {
          margin -= ws.r[i] * rhsOf(ws, ws.act[i], ws.actSide[i])
          tolSum += Math.abs(ws.r[i]) * tolOfC(ws, ws.act[i])
          rsum += Math.abs(ws.r[i])
        }
        // (only for a well-conditioned combination: the rows are unit vectors, so large r means
        // nearly dependent active rows, whose propagated tolerance would hide a real conflict)
        if (margin <= tolSum && rsum <= 1e4) {
          if (up != 0.0) {
            // the dual steps taken for p assumed it would enter: restore an S-pair without it
            const q0 = ws.q
            solveOnActiveSet(ws)
            if (ws.q != q0) { added = true; continue }
          }
          ws.cstat[p] = 2
          ws.implied[ws.nImplied++] = p
          added = true
          continue
        }
        status = GI_INFEASIBLE
        ws.certId[0] = p
        ws.certSide[0] = pSide
        ws.certCoef[0] = 1.0
        let nc = 1
        let rmax = 0.0
        for (let i = 0; i < q; i++) rmax = max(rmax, Math.abs(ws.r[i]))
        for (let i = 0; i < q; i++) {
          if (ws.r[i] < -1e-12 * rmax) {
            ws.certId[nc] = ws.act[i]
            ws.certSide[nc] = ws.actSide[i]
            ws.certCoef[nc] = -ws.r[i]
            nc++
          }
        }
        ws.ncert = nc
        break
      }
      if (!(t1 == t1) || !(t2 == t2)) { status = GI_NUMERICAL; break }
      if (t2 == Infinity) {
        // pure dual step, then drop the blocking constraint
        for (let i = 0; i < q; i++) ws.lam[i] -= t1 * ws.r[i]
        up += t1
        dropFromFactor(ws, kb)
        continue
      }
      const t = t1 < t2 ? t1 : t2
      axpy(ws.x, 0, t, ws.zdir, 0, n)
      for (let i = 0; i < q; i++) ws.lam[i] -= t * ws.r[i]
      up += t
      if (t2 <= t1) {
        addToFactor(ws, p, pSide, up)
        added = true
      } else {
        dropFromFactor(ws, kb)
      }
    }
    if (status != GI_OPTIMAL) break
  }
  if (status == GI_OPTIMAL && ws.q > 0) {
    // one step of refinement onto the active constraints: x += J₁·R⁻ᵀ·(b_W − N_Wᵀx), the
    // H-metric projection, with λ += R⁻¹·R⁻ᵀ·(b_W − N_Wᵀx); it removes the roundoff the updates accumulated (large with an
    // ill-conditioned H, e.g. the proximal problems of a semidefinite one)
    const q = ws.q
    for (let i = 0; i < q; i++) {
      const k = ws.act[i]
      const side = ws.actSide[i]
      ws.y[i] = rhsOf(ws, k, side) - normalDot(ws, k, side, ws.x)
    }
    for (let i = 0; i < q; i++) {
      const ri = i * nMax
      const v = ws.y[i] / ws.R[ri + i]
      ws.y[i] = v
      if (v != 0.0) axpy(ws.y, i + 1, -v, ws.R, ri + i + 1, q - 1 - i)
    }
    for (let i = 0; i < q; i++) {
      const v = ws.y[i]
      ws.d[i] = v
      if (v != 0.0) axpy(ws.x, 0, v, ws.JT, i * nMax, n)
    }
    // the multipliers follow: Hx + g changes by N·R⁻¹·y
    solveR(ws)
    for (let i = 0; i < q; i++) ws.lam[i] += ws.r[i]
  }
  // never hand back NaN: a non-finite iterate is a numerical failure
  for (let c = 0; c < n; c++) {
    const v = ws.x[c]
    if (v - v != 0.0) { status = GI_NUMERICAL; break }
  }
  if (status == GI_NUMERICAL) ws.factorValid = false
  ws.status = status
  return status
}
