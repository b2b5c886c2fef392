// Dense convex QP solver (problem in qp-types.ts): equalities eliminated by the nullspace method,
// inequalities by the Goldfarb–Idnani dual active-set method on the reduced problem.
//
//   1. Fixed variables (lb = ub) are substituted; rows with l = u join the equalities.
//   2. Equalities E x = e on the free variables: rank-revealing QR (nullspace-elimination.ts),
//      x_F = x_p + Z z. Dependent rows are checked for consistency.
//   3. Reduced QP in z: Hz = Zᵀ H Z, gz = Zᵀ (H x_p + g); rows C Z and box rows (unit rows when no
//      equality was eliminated) scaled to unit norm; rows constant on the manifold are checked.
//   4. Hz positive definite → one Goldfarb–Idnani solve (goldfarb-idnani.ts). Hz only semidefinite
//      (Cholesky pivot ≤ 1e-9·max diag) → proximal point: Hz + ρI with ρ = rhoRel·max(1, max
//      diag), gz − ρ z̄, z̄ ← z until the step is below proxTol; every proximal solve after the first
//      keeps the factorization and active set (only g changes), so it costs O(nz²) per pass. The
//      loop's active set is then used for an exact finish (psd-polish.ts).
//   5. Multipliers: rows and box from the active set, equalities by least squares on the QR.
// Steps 1–3's factorizations are kept when H, A, C and the bound patterns are bitwise unchanged;
// with warmStart the previous active set (and its factorization, if kept) seeds the next solve.
// Reads dims, data, opts. Writes sol; never allocates.
import { QpDims, QpData, QpOptions, QpSolution, QP_OPTIMAL, QP_INFEASIBLE, QP_MAX_ITER, QP_NUMERICAL } from './qp-types'
import { QpWorkspace, ROW_FREE, ROW_INEQ, ROW_EQ } from './qp-workspace'
import { GI_OPTIMAL, GI_INFEASIBLE, GI_MAX_ITER } from './gi-workspace'
import { giSolve, GI_COLD, GI_WARM, GI_REUSE } from './goldfarb-idnani'
import { eliminationFactor, eliminationNullspace, eliminationParticular, eliminationMultipliers, eliminationDependence } from './nullspace-elimination'
import { choleskyFactor } from '../linalg/cholesky'
import { polishSemidefinite } from './psd-polish'
import { dot, axpy, fill, copy, allFinite } from '../linalg/dense-kernels'

/** Symmetrized H_ij. */
@inline function hsym (H: StaticArray<f64>, n: i32, i: i32, j: i32): f64 {
  return 0.5 * (H[i * n + j] + H[j * n + i])
}

@inline function tolOf (tol: f64, a: f64, b: f64): f64 {
  let s = 1.0
  if (Math.abs(a) < Infinity && Math.abs(a) > s) s = Math.abs(a)
  if (Math.abs(b) < Infinity && Math.abs(b) > s) s = Math.abs(b)
  return tol * s
}

function sameF64 (a: StaticArray<f64>, b: StaticArray<f64>, len: i32): bool {
  if (len <= 0) return true
  return memory.compare(changetype<usize>(a), changetype<usize>(b), <usize>len << 3) == 0
}

function noNaN (x: StaticArray<f64>, len: i32): bool {
  for (let i = 0; i < len; i++) if (x[i] != x[i]) return false
  return true
}

// ---------------------------------------------------------------- infeasibility reports

function addId (sol: QpSolution, ws: QpWorkspace, id: i32): void {
  if (ws.mark[id] != 0) return
  ws.mark[id] = 1
  sol.infeasible[sol.ninf++] = id
}

/** Adds the fixed variables touched by the listed rows (ids < me + mc) to the report. */
function addFixedOfRows (dims: QpDims, data: QpData, sol: QpSolution, ws: QpWorkspace, first: i32): void {
  const n = dims.n
  const me = dims.me
  const mc = dims.mc
  const last = sol.ninf
  for (let t = first; t < last; t++) {
    const id = sol.infeasible[t]
    if (id >= me + mc) continue
    const row = id < me ? data.A : data.C
    const ro = (id < me ? id : id - me) * n
    for (let j = 0; j < n; j++) {
      if (ws.varKind[j] == ROW_EQ && row[ro + j] != 0.0) addId(sol, ws, me + mc + j)
    }
  }
}

/** Adds the equality rows whose combination equals w (nf entries, over free variables). */
function addEqualitiesOf (sol: QpSolution, ws: QpWorkspace, w: StaticArray<f64>): void {
  if (ws.ne == 0 || ws.el.rank == 0) return
  eliminationMultipliers(ws.el, w, ws.v2, 0)
  let ymax = 0.0
  for (let e = 0; e < ws.ne; e++) ymax = max(ymax, Math.abs(ws.v2[e]))
  if (!(ymax > 0.0)) return
  for (let e = 0; e < ws.ne; e++) {
    if (Math.abs(ws.v2[e]) > 1e-9 * ymax) addId(sol, ws, ws.eSrc[e])
  }
}

function clearReport (sol: QpSolution, ws: QpWorkspace, total: i32): void {
  sol.ninf = 0
  for (let i = 0; i < total; i++) ws.mark[i] = 0
}

/** w (nf) = free part of original row `id` (A row, C row or box), times coef, added to w. */
function addRowFree (dims: QpDims, data: QpData, ws: QpWorkspace, id: i32, coef: f64, w: StaticArray<f64>): void {
  const n = dims.n
  const me = dims.me
  const mc = dims.mc
  if (id >= me + mc) {
    const j = id - me - mc
    const p = ws.fpos[j]
    if (p >= 0) w[p] += coef
    return
  }
  const row = id < me ? data.A : data.C
  const ro = (id < me ? id : id - me) * n
  for (let k = 0; k < ws.nf; k++) w[k] += coef * row[ro + ws.fvar[k]]
}

// ---------------------------------------------------------------- structure

function buildStructure (dims: QpDims, data: QpData, opts: QpOptions, ws: QpWorkspace): bool {
  const n = dims.n
  const me = dims.me
  const mc = dims.mc
  const nMax = dims.nMax
  const gi = ws.gi
  const el = ws.el
  ws.n = n
  ws.me = me
  ws.mc = mc
  copy(ws.Hprev, 0, data.H, 0, n * n)
  copy(ws.Aprev, 0, data.A, 0, me * n)
  copy(ws.Cprev, 0, data.C, 0, mc * n)

  // ---- free variables ----
  let nf = 0
  for (let j = 0; j < n; j++) {
    if (ws.varKind[j] == ROW_EQ) { ws.fpos[j] = -1 } else { ws.fpos[j] = nf; ws.fvar[nf++] = j }
  }
  ws.nf = nf

  // ---- equality rows on the free variables ----
  let ne = 0
  const es = el.nzMax
  for (let e = 0; e < me + mc; e++) {
    let row: StaticArray<f64>
    let ro: i32
    if (e < me) { row = data.A; ro = e * n } else {
      if (ws.rowKind[e - me] != ROW_EQ) continue
      row = data.C; ro = (e - me) * n
    }
    const full = Math.sqrt(dot(row, ro, row, ro, n))
    for (let k = 0; k < nf; k++) el.D[ne * es + k] = row[ro + ws.fvar[k]]
    el.scale[ne] = full > 0.0 ? 1.0 / full : 1.0
    ws.eSrc[ne] = e
    ne++
  }
  ws.ne = ne
  let rank = 0
  if (ne > 0 && nf > 0) rank = eliminationFactor(el, ne, nf, opts.tolRank)
  else { el.m = ne; el.nz = nf; el.rank = 0; for (let e = 0; e < ne; e++) el.perm[e] = e }
  const nz = nf - rank
  ws.nz = nz
  ws.identityZ = rank == 0
  if (!ws.identityZ) {
    eliminationNullspace(el)
    for (let i = 0; i < nf; i++) copy(ws.Z, i * nMax, el.M, i * es, nz)
  }

  // ---- reduced Hessian ----
  let diag = true
  for (let a = 0; a < nf && diag; a++) {
    const ia = ws.fvar[a]
    for (let b = 0; b < nf; b++) {
      if (a != b && hsym(data.H, n, ia, ws.fvar[b]) != 0.0) { diag = false; break }
    }
  }
  ws.diagonalH = diag
  const Hz = ws.Hz
  if (ws.identityZ) {
    for (let a = 0; a < nz; a++) {
      for (let b = 0; b < nz; b++) Hz[a * nMax + b] = hsym(data.H, n, ws.fvar[a], ws.fvar[b])
    }
  } else {
    // W = H_FF·Z (row i = Σ_l H_il·Z[l,:]); Hz = Zᵀ·W (Σ_i Z[i,:]ᵀ·W[i,:])
    const W = ws.W
    for (let i = 0; i < nf; i++) {
      const wi = i * nMax
      fill(W, wi, 0.0, nz)
      if (diag) {
        const h = data.H[ws.fvar[i] * n + ws.fvar[i]]
        if (h != 0.0) axpy(W, wi, h, ws.Z, i * nMax, nz)
      } else {
        for (let l = 0; l < nf; l++) {
          const h = hsym(data.H, n, ws.fvar[i], ws.fvar[l])
          if (h != 0.0) axpy(W, wi, h, ws.Z, l * nMax, nz)
        }
      }
    }
    for (let a = 0; a < nz; a++) fill(Hz, a * nMax, 0.0, nz)
    for (let i = 0; i < nf; i++) {
      for (let a = 0; a < nz; a++) {
        const za = ws.Z[i * nMax + a]
        if (za != 0.0) axpy(Hz, a * nMax, za, W, i * nMax, nz)
      }
    }
  }
  let maxDiag = 0.0
  for (let a = 0; a < nz; a++) maxDiag = max(maxDiag, Hz[a * nMax + a])
  ws.psd = false
  ws.rho = 0.0
  // pivots below 1e-9·max diag (condition above ~1e9) go to the proximal loop: a range-space
  // method on such an H loses the digits the tests ask for
  let bad = choleskyFactor(gi.L, 0, Hz, 0, nMax, nz, 1e-9 * maxDiag)
  if (bad != 0) {
    ws.psd = true
    ws.rho = opts.rhoRel * max(1.0, maxDiag)
    for (let a = 0; a < nz; a++) Hz[a * nMax + a] += ws.rho
    bad = choleskyFactor(gi.L, 0, Hz, 0, nMax, nz, 0.0)
    if (bad != 0) return false
  }

  // ---- reduced rows ----
  let gm = 0
  ws.nconst = 0
  const gs = gi.nMax
  for (let i = 0; i < mc; i++) {
    ws.rowToGi[i] = -1
    if (ws.rowKind[i] != ROW_INEQ) continue
    const ro = i * n
    const full = Math.sqrt(dot(data.C, ro, data.C, ro, n))
    const go = gm * gs
    if (ws.identityZ) {
      for (let k = 0; k < nz; k++) gi.rows[go + k] = data.C[ro + ws.fvar[k]]
    } else {
      fill(gi.rows, go, 0.0, nz)
      for (let k = 0; k < nf; k++) {
        const c = data.C[ro + ws.fvar[k]]
        if (c != 0.0) axpy(gi.rows, go, c, ws.Z, k * nMax, nz)
      }
    }
    const nr = Math.sqrt(dot(gi.rows, go, gi.rows, go, nz))
    if (!(nr > 1e-10 * full)) { ws.constSrc[ws.nconst++] = me + i; continue }
    const inv = 1.0 / nr
    for (let k = 0; k < nz; k++) gi.rows[go + k] *= inv
    ws.giSrc[gm] = me + i
    ws.giNorm[gm] = nr
    ws.rowToGi[i] = gm
    gm++
  }
  for (let j = 0; j < n; j++) ws.varToGi[j] = -1
  if (!ws.identityZ) {
    for (let j = 0; j < n; j++) {
      if (ws.varKind[j] != ROW_INEQ) continue
      const p = ws.fpos[j]
      const go = gm * gs
      copy(gi.rows, go, ws.Z, p * nMax, nz)
      const nr = Math.sqrt(dot(gi.rows, go, gi.rows, go, nz))
      if (!(nr > 1e-10)) { ws.constSrc[ws.nconst++] = me + mc + j; continue }
      const inv = 1.0 / nr
      for (let k = 0; k < nz; k++) gi.rows[go + k] *= inv
      ws.giSrc[gm] = me + mc + j
      ws.giNorm[gm] = nr
      ws.varToGi[j] = gm
      gm++
    }
  }
  gi.m = gm
  let nb = 0
  if (ws.identityZ) {
    for (let j = 0; j < n; j++) {
      if (ws.varKind[j] != ROW_INEQ) continue
      gi.bvar[nb] = ws.fpos[j]
      ws.giBoxSrc[nb] = j
      ws.varToGi[j] = gm + nb
      nb++
    }
  }
  gi.nb = nb
  gi.n = nz
  gi.factorValid = false
  ws.zPrevValid = false
  ws.structValid = true
  return true
}

// ---------------------------------------------------------------- solve

/**
 * Solves the QP in data (sizes in dims) with options opts; writes sol (x, y, z, zb, status,
 * objective, iterations, active sets, residuals; the offending constraints when infeasible).
 * Returns sol.status.
 */
export function qpSolve (dims: QpDims, data: QpData, sol: QpSolution, opts: QpOptions, ws: QpWorkspace): i32 {
  const n = dims.n
  const me = dims.me
  const mc = dims.mc
  const nMax = dims.nMax
  if (n < 0 || me < 0 || mc < 0 || n > nMax || me > dims.meMax || mc > dims.mcMax) throw new Error('qpSolve: dims exceed the workspace')
  const gi = ws.gi
  const el = ws.el
  const total = me + mc + n
  sol.status = QP_OPTIMAL
  sol.iterations = 0
  sol.proxIterations = 0
  sol.ninf = 0
  sol.objective = 0.0
  sol.primalResidual = 0.0
  sol.dualResidual = 0.0
  sol.regularized = 0
  sol.reused = 0
  fill(sol.x, 0, 0.0, n)
  fill(sol.y, 0, 0.0, me)
  fill(sol.z, 0, 0.0, mc)
  fill(sol.zb, 0, 0.0, n)
  for (let i = 0; i < mc; i++) sol.activeC[i] = 0
  for (let j = 0; j < n; j++) sol.activeB[j] = 0

  // ---- input checks ----
  if (!allFinite(data.H, 0, n * n) || !allFinite(data.g, 0, n) || !allFinite(data.A, 0, me * n) ||
      !allFinite(data.b, 0, me) || !allFinite(data.C, 0, mc * n) || !noNaN(data.l, mc) || !noNaN(data.u, mc) ||
      !noNaN(data.lb, n) || !noNaN(data.ub, n)) {
    sol.status = QP_NUMERICAL
    return sol.status
  }
  clearReport(sol, ws, total)
  for (let i = 0; i < mc; i++) {
    const l = data.l[i]
    const u = data.u[i]
    if (l > u || l == Infinity || u == -Infinity) addId(sol, ws, me + i)
  }
  for (let j = 0; j < n; j++) {
    const l = data.lb[j]
    const u = data.ub[j]
    if (l > u || l == Infinity || u == -Infinity) addId(sol, ws, me + mc + j)
  }
  if (sol.ninf > 0) {
    sol.status = QP_INFEASIBLE
    return sol.status
  }

  // ---- patterns; structure reuse when H, A, C and the patterns are unchanged ----
  let same = ws.structValid && ws.n == n && ws.me == me && ws.mc == mc
  for (let i = 0; i < mc; i++) {
    const l = data.l[i]
    const u = data.u[i]
    const k = l == u ? ROW_EQ : (l == -Infinity && u == Infinity ? ROW_FREE : ROW_INEQ)
    if (ws.rowKind[i] != k) { same = false; ws.rowKind[i] = k }
  }
  for (let j = 0; j < n; j++) {
    const l = data.lb[j]
    const u = data.ub[j]
    const k = l == u ? ROW_EQ : (l == -Infinity && u == Infinity ? ROW_FREE : ROW_INEQ)
    if (ws.varKind[j] != k) { same = false; ws.varKind[j] = k }
  }
  if (same) same = sameF64(ws.Hprev, data.H, n * n) && sameF64(ws.Aprev, data.A, me * n) && sameF64(ws.Cprev, data.C, mc * n)
  if (!same) {
    if (!buildStructure(dims, data, opts, ws)) {
      ws.structValid = false
      sol.status = QP_NUMERICAL
      return sol.status
    }
  } else {
    sol.reused = 1
  }
  const nf = ws.nf
  const nz = ws.nz
  const rank = el.rank
  const ne = ws.ne

  // ---- particular solution x_p (fixed variables at their value) ----
  const xf = ws.xfull
  for (let j = 0; j < n; j++) xf[j] = ws.varKind[j] == ROW_EQ ? data.lb[j] : 0.0
  for (let e = 0; e < ne; e++) {
    const src = ws.eSrc[e]
    const row = src < me ? data.A : data.C
    const ro = (src < me ? src : src - me) * n
    let r = src < me ? data.b[src] : data.l[src - me]
    for (let j = 0; j < n; j++) if (ws.varKind[j] == ROW_EQ) r -= row[ro + j] * xf[j]
    el.rhs[e] = r
  }
  if (rank > 0) {
    eliminationParticular(el)
    for (let k = 0; k < nf; k++) xf[ws.fvar[k]] = el.delta[k]
  }
  // dependent equality rows must hold at x_p
  for (let k = rank; k < ne; k++) {
    const e = el.perm[k]
    const src = ws.eSrc[e]
    const row = src < me ? data.A : data.C
    const ro = (src < me ? src : src - me) * n
    const rhs = src < me ? data.b[src] : data.l[src - me]
    const res = dot(row, ro, xf, 0, n) - rhs
    if (Math.abs(res) > tolOf(opts.tolFeas, rhs, 0.0)) {
      clearReport(sol, ws, total)
      addId(sol, ws, src)
      if (rank > 0) {
        eliminationDependence(el, k)
        let cmax = 0.0
        for (let j = 0; j < rank; j++) cmax = max(cmax, Math.abs(el.w2[j]))
        for (let j = 0; j < rank; j++) if (Math.abs(el.w2[j]) > 1e-12 * cmax) addId(sol, ws, ws.eSrc[el.perm[j]])
      }
      addFixedOfRows(dims, data, sol, ws, 0)
      sol.status = QP_INFEASIBLE
      return sol.status
    }
  }
  // rows constant on the manifold must hold at x_p
  for (let t = 0; t < ws.nconst; t++) {
    const src = ws.constSrc[t]
    let v: f64
    let lo: f64
    let hi: f64
    if (src < me + mc) {
      const i = src - me
      v = dot(data.C, i * n, xf, 0, n)
      lo = data.l[i]
      hi = data.u[i]
    } else {
      const j = src - me - mc
      v = xf[j]
      lo = data.lb[j]
      hi = data.ub[j]
    }
    const tl = tolOf(opts.tolFeas, lo, hi)
    if (v < lo - tl || v > hi + tl) {
      clearReport(sol, ws, total)
      addId(sol, ws, src)
      fill(ws.v1, 0, 0.0, nf)
      addRowFree(dims, data, ws, src, 1.0, ws.v1)
      addEqualitiesOf(sol, ws, ws.v1)
      addFixedOfRows(dims, data, sol, ws, 0)
      sol.status = QP_INFEASIBLE
      return sol.status
    }
  }

  // ---- reduced gradient gz = Zᵀ(H x_p + g) on the free variables ----
  const gf = ws.gfull
  for (let i = 0; i < n; i++) {
    let s = data.g[i]
    for (let j = 0; j < n; j++) {
      const xj = xf[j]
      if (xj != 0.0) s += hsym(data.H, n, i, j) * xj
    }
    gf[i] = s
  }
  if (ws.identityZ) {
    for (let k = 0; k < nz; k++) ws.gz[k] = gf[ws.fvar[k]]
  } else {
    fill(ws.gz, 0, 0.0, nz)
    for (let k = 0; k < nf; k++) {
      const v = gf[ws.fvar[k]]
      if (v != 0.0) axpy(ws.gz, 0, v, ws.Z, k * nMax, nz)
    }
  }

  // ---- reduced bounds ----
  for (let k = 0; k < gi.m; k++) {
    const src = ws.giSrc[k]
    let v: f64
    let lo: f64
    let hi: f64
    if (src < me + mc) {
      const i = src - me
      v = dot(data.C, i * n, xf, 0, n)
      lo = data.l[i]
      hi = data.u[i]
    } else {
      const j = src - me - mc
      v = xf[j]
      lo = data.lb[j]
      hi = data.ub[j]
    }
    const inv = 1.0 / ws.giNorm[k]
    gi.lo[k] = (lo - v) * inv
    gi.hi[k] = (hi - v) * inv
    gi.tol[k] = tolOf(opts.tolFeas, lo, hi) * inv
  }
  for (let t = 0; t < gi.nb; t++) {
    const j = ws.giBoxSrc[t]
    const v = xf[j]
    gi.blo[t] = data.lb[j] - v
    gi.bhi[t] = data.ub[j] - v
    gi.btol[t] = tolOf(opts.tolFeas, data.lb[j], data.ub[j])
  }

  // ---- Goldfarb–Idnani, inside a proximal loop when Hz is only semidefinite ----
  let mode = GI_COLD
  if (opts.warmStart) {
    if (sol.reused != 0 && gi.factorValid) mode = GI_REUSE
    else if (ws.nwarm > 0) {
      let nw = 0
      for (let w = 0; w < ws.nwarm; w++) {
        const id = ws.warmId[w]
        let k = -1
        if (id >= me && id < me + mc) k = ws.rowToGi[id - me]
        else if (id >= me + mc && id < total) k = ws.varToGi[id - me - mc]
        if (k < 0) continue
        gi.warmId[nw] = k
        gi.warmSide[nw] = ws.warmSide[w]
        nw++
      }
      gi.nwarm = nw
      if (nw > 0) mode = GI_WARM
    }
  }
  let giStatus = GI_OPTIMAL
  let itersLeft = opts.maxIter
  if (!ws.psd) {
    copy(gi.g, 0, ws.gz, 0, nz)
    gi.maxIter = itersLeft
    giStatus = giSolve(gi, mode)
    sol.iterations = gi.iter
  } else {
    sol.regularized = 1
    const rho = ws.rho
    if (opts.warmStart && ws.zPrevValid) copy(ws.zbar, 0, ws.zPrev, 0, nz)
    else fill(ws.zbar, 0, 0.0, nz)
    let gscale = 1.0
    for (let k = 0; k < nz; k++) gscale = max(gscale, Math.abs(ws.gz[k]))
    let converged = false
    let nextPolish = 0
    for (let it = 0; it < opts.proxMaxIter; it++) {
      for (let k = 0; k < nz; k++) gi.g[k] = ws.gz[k] - rho * ws.zbar[k]
      gi.maxIter = itersLeft
      giStatus = giSolve(gi, mode)
      mode = GI_REUSE
      sol.iterations += gi.iter
      itersLeft -= gi.iter
      sol.proxIterations = it + 1
      if (giStatus != GI_OPTIMAL) break
      let diff = 0.0
      for (let k = 0; k < nz; k++) {
        diff = max(diff, Math.abs(gi.x[k] - ws.zbar[k]))
        ws.zbar[k] = gi.x[k]
      }
      // finish exactly on the active set the loop has found (psd-polish.ts), tried at passes
      // 1, 2, 4, 8, …: the loop only has to find that set
      if (it == nextPolish || rho * diff <= opts.proxTol * gscale) {
        nextPolish = 2 * nextPolish + 1
        if (polishSemidefinite(ws, opts.tolRank)) { converged = true; break }
      }
      // the proximal term adds ρ(z − z̄) to the stationarity of the original problem
      if (rho * diff <= opts.proxTol * gscale) { converged = true; break }
    }
    if (giStatus == GI_OPTIMAL && !converged) giStatus = GI_MAX_ITER
  }

  if (giStatus == GI_INFEASIBLE) {
    clearReport(sol, ws, total)
    fill(ws.v1, 0, 0.0, nf)
    for (let t = 0; t < gi.ncert; t++) {
      const k = gi.certId[t]
      const side = <f64>gi.certSide[t]
      const mu = gi.certCoef[t]
      if (k < gi.m) {
        const src = ws.giSrc[k]
        addId(sol, ws, src)
        addRowFree(dims, data, ws, src, side * mu / ws.giNorm[k], ws.v1)
      } else {
        const j = ws.giBoxSrc[k - gi.m]
        addId(sol, ws, me + mc + j)
        addRowFree(dims, data, ws, me + mc + j, side * mu, ws.v1)
      }
    }
    addEqualitiesOf(sol, ws, ws.v1)
    addFixedOfRows(dims, data, sol, ws, 0)
    sol.status = QP_INFEASIBLE
    return sol.status
  }
  if (giStatus == GI_MAX_ITER) sol.status = QP_MAX_ITER
  else if (giStatus != GI_OPTIMAL) {
    sol.status = QP_NUMERICAL
    ws.nwarm = 0
    return sol.status
  }

  // ---- primal recovery x_F = x_p + Z z ----
  const x = sol.x
  for (let j = 0; j < n; j++) x[j] = xf[j]
  if (ws.identityZ) {
    for (let k = 0; k < nz; k++) x[ws.fvar[k]] += gi.x[k]
  } else {
    for (let k = 0; k < nf; k++) x[ws.fvar[k]] += dot(ws.Z, k * nMax, gi.x, 0, nz)
  }
  copy(ws.zPrev, 0, gi.x, 0, nz)
  ws.zPrevValid = true

  // ---- multipliers and active sets ----
  for (let i = 0; i < mc; i++) if (ws.rowKind[i] == ROW_EQ) sol.activeC[i] = 2
  for (let j = 0; j < n; j++) if (ws.varKind[j] == ROW_EQ) sol.activeB[j] = 2
  ws.nwarm = 0
  for (let t = 0; t < gi.q; t++) {
    const k = gi.act[t]
    const side = gi.actSide[t]
    const lam = gi.lam[t]
    let src: i32
    let mult: f64
    if (k < gi.m) { src = ws.giSrc[k]; mult = -(<f64>side) * lam / ws.giNorm[k] } else { src = me + mc + ws.giBoxSrc[k - gi.m]; mult = -(<f64>side) * lam }
    if (src < me + mc) { sol.z[src - me] = mult; sol.activeC[src - me] = -side } else { sol.zb[src - me - mc] = mult; sol.activeB[src - me - mc] = -side }
    ws.warmId[ws.nwarm] = src
    ws.warmSide[ws.nwarm] = side
    ws.nwarm++
  }
  // stationarity residual without the equality terms: v = H x + g + Cᵀz + zb
  const v = ws.gfull
  for (let i = 0; i < n; i++) {
    let s = data.g[i] + sol.zb[i]
    for (let j = 0; j < n; j++) s += hsym(data.H, n, i, j) * x[j]
    v[i] = s
  }
  for (let i = 0; i < mc; i++) {
    const zi = sol.z[i]
    if (zi != 0.0) axpy(v, 0, zi, data.C, i * n, n)
  }
  if (ne > 0) {
    for (let k = 0; k < nf; k++) ws.v1[k] = -v[ws.fvar[k]]
    if (rank > 0) eliminationMultipliers(el, ws.v1, ws.v2, 0)
    else fill(ws.v2, 0, 0.0, ne)
    for (let e = 0; e < ne; e++) {
      const src = ws.eSrc[e]
      const ye = ws.v2[e]
      if (src < me) sol.y[src] = ye
      else sol.z[src - me] = ye
      const row = src < me ? data.A : data.C
      const ro = (src < me ? src : src - me) * n
      if (ye != 0.0) axpy(v, 0, ye, row, ro, n)
    }
  }
  // fixed variables take the remaining stationarity residual
  for (let j = 0; j < n; j++) {
    if (ws.varKind[j] == ROW_EQ) {
      sol.zb[j] -= v[j]
      v[j] = 0.0
    }
  }
  let dres = 0.0
  let dscale = 1.0
  for (let i = 0; i < n; i++) {
    dres = max(dres, Math.abs(v[i]))
    dscale = max(dscale, Math.abs(data.g[i]))
  }
  sol.dualResidual = dres

  // ---- objective and primal residual ----
  let obj = 0.0
  for (let i = 0; i < n; i++) {
    let s = 0.0
    for (let j = 0; j < n; j++) s += hsym(data.H, n, i, j) * x[j]
    obj += x[i] * (0.5 * s + data.g[i])
  }
  sol.objective = obj
  let pres = 0.0
  let prel = 0.0
  for (let i = 0; i < me; i++) {
    const r = Math.abs(dot(data.A, i * n, x, 0, n) - data.b[i])
    pres = max(pres, r)
    prel = max(prel, r / max(1.0, Math.abs(data.b[i])))
  }
  for (let i = 0; i < mc; i++) {
    const c = dot(data.C, i * n, x, 0, n)
    const r = max(0.0, max(data.l[i] - c, c - data.u[i]))
    pres = max(pres, r)
    prel = max(prel, r / tolOf(1.0, data.l[i], data.u[i]))
  }
  for (let j = 0; j < n; j++) {
    const r = max(0.0, max(data.lb[j] - x[j], x[j] - data.ub[j]))
    pres = max(pres, r)
    prel = max(prel, r / tolOf(1.0, data.lb[j], data.ub[j]))
  }
  sol.primalResidual = pres
  if (!(obj - obj == 0.0) || !allFinite(x, 0, n) || !allFinite(sol.y, 0, me) || !allFinite(sol.z, 0, mc) || !allFinite(sol.zb, 0, n)) {
    fill(x, 0, 0.0, n)
    sol.status = QP_NUMERICAL
    ws.nwarm = 0
    gi.factorValid = false
    return sol.status
  }
  // an "optimal" point that misses the constraints by far more than the tolerance is not one
  if (sol.status == QP_OPTIMAL && prel > 1e3 * opts.tolFeas) sol.status = QP_NUMERICAL
  // nor is one whose multipliers do not balance the gradient
  if (sol.status == QP_OPTIMAL && dres > 1e-6 * dscale) sol.status = QP_NUMERICAL
  return sol.status
}
