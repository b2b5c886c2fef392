// Strict hierarchical QP (problem in hqp-types.ts) solved level by level in a cascade of
// nullspaces (the lexicographic method of Kanoun, Lamiraux & Wieber, IEEE T-RO 2011, with the
// inequality handling of Escande, Mansard & Wieber, IJRR 2014, done by dense QPs):
//
//   affine set of the levels done so far: x = x_p + Z z (Z orthonormal, n × nz)
//   hard rows: the box, and every C row of the levels done, with bounds relaxed by its optimal
//   violation: [l + min(v*, 0), u + max(v*, 0)]
//   level k:
//     1. exact phase: eliminate A_k x = b_k (rank-revealing QR inside Z); if consistent, find a
//        point with all hard rows and l_k ≤ C_k x ≤ u_k, closest to the previous level's point
//        (Goldfarb–Idnani with H = I). Success means w_k = v_k = 0 exactly.
//     2. otherwise relaxed phase: minimize ½‖A_k x − b_k‖² + ½‖v‖² over (z, v) subject to the hard
//        rows and l_k ≤ C_k x − v ≤ u_k. Its Hessian blockdiag((A_kZ)ᵀ(A_kZ), I) may be singular
//        (A_k does not fix every remaining direction): then the proximal-point loop of the dense
//        solver is used (+ρI, centre moved to each solution until ρ‖Δz‖ is negligible) to come
//        near the active set, and a primal active-set method started from its point finishes the
//        level exactly (level-polish.ts; usually after the first pass).
//     3. fix the level: the optimal w_k, v_k are unique (strict convexity in A_k x and in the
//        violation), so the level's optimal set is exactly {A_k x = A_k x*} ∩ {C_k rows within
//        the relaxed bounds} ∩ (previous set): eliminate A_k with right-hand side A_k x*, add the
//        C_k rows to the hard rows.
// Lower levels can therefore never change a higher level's optimum. Each level's active set is
// kept per phase and re-added first at the next solve (warm start).
// Reads dims, data, opts. Writes sol; never allocates.
import { HqpDims, HqpData, HqpOptions, HqpSolution, HqpWorkspace, HQP_OPTIMAL, HQP_INFEASIBLE, HQP_MAX_ITER, HQP_NUMERICAL, LEVEL_EXACT, LEVEL_RELAXED, LEVEL_MAX_ITER, LEVEL_NUMERICAL, LEVEL_NOT_SOLVED } from './hqp-types'
import { GI_OPTIMAL, GI_INFEASIBLE, GI_MAX_ITER } from '../qp/gi-workspace'
import { giSolve, GI_COLD, GI_WARM, GI_REUSE } from '../qp/goldfarb-idnani'
import { eliminationFactor, eliminationNullspace, eliminationParticular } from '../qp/nullspace-elimination'
import { choleskyFactor } from '../linalg/cholesky'
import { polishRelaxedLevel } from './level-polish'
import { singletonFactor } from './singleton-elimination'
import { levelLeastSquares } from './level-least-squares'
import { dot, axpy, fill, copy, scal, allFinite } from '../linalg/dense-kernels'
import { matMul, matVec, matTVec } from '../linalg/mat-mul'

@inline function tolOf (tol: f64, a: f64, b: f64): f64 {
  let s = 1.0
  if (Math.abs(a) < Infinity && Math.abs(a) > s) s = Math.abs(a)
  if (Math.abs(b) < Infinity && Math.abs(b) > s) s = Math.abs(b)
  return tol * s
}

@inline function isBoxRow (lb: f64, ub: f64): bool {
  return lb != ub && (lb > -Infinity || ub < Infinity)
}

/** rowTimesZ's by-products: rowᵀ·x and ‖row‖². */
let rowDotX: f64 = 0.0
let rowSq: f64 = 0.0

/**
 * out[oo..oo+nz) = rowᵀ·Z for a full-space row (n entries at (row, ro)); also rowDotX = rowᵀ·x
 * (x: n entries) and rowSq = ‖row‖², from the same pass over the row. Both are summed in dot's
 * order (dense-kernels.ts), the skipped zero blocks adding exact zeros, so they equal dot's results.
 */
function rowTimesZ (ws: HqpWorkspace, n: i32, row: StaticArray<f64>, ro: i32, out: StaticArray<f64>, oo: i32, x: StaticArray<f64>): void {
  const nz = ws.nz
  const ident = ws.zIdentity
  const s = ws.el.nzMax
  if (ident) copy(out, oo, row, ro, n)
  else fill(out, oo, 0.0, nz)
  // WBC rows are mostly zeros: skip them four at a time
  const zero = f64x2.splat(0.0)
  const base = changetype<usize>(row) + (<usize>ro << 3)
  const px = changetype<usize>(x)
  let ax0 = zero
  let ax1 = zero
  let aa0 = zero
  let aa1 = zero
  let j = 0
  if (!ident) {
    // eight at a time first; a block of four with a nonzero neighbour adds exact zeros
    for (; j + 8 <= n; j += 8) {
      const p = base + (<usize>j << 3)
      const r0 = v128.load(p)
      const r1 = v128.load(p, 16)
      const r2 = v128.load(p, 32)
      const r3 = v128.load(p, 48)
      if (!v128.any_true(v128.or(v128.or(f64x2.ne(r0, zero), f64x2.ne(r1, zero)), v128.or(f64x2.ne(r2, zero), f64x2.ne(r3, zero))))) continue
      const q = px + (<usize>j << 3)
      ax0 = f64x2.add(ax0, f64x2.mul(r0, v128.load(q)))
      ax1 = f64x2.add(ax1, f64x2.mul(r1, v128.load(q, 16)))
      aa0 = f64x2.add(aa0, f64x2.mul(r0, r0))
      aa1 = f64x2.add(aa1, f64x2.mul(r1, r1))
      ax0 = f64x2.add(ax0, f64x2.mul(r2, v128.load(q, 32)))
      ax1 = f64x2.add(ax1, f64x2.mul(r3, v128.load(q, 48)))
      aa0 = f64x2.add(aa0, f64x2.mul(r2, r2))
      aa1 = f64x2.add(aa1, f64x2.mul(r3, r3))
      for (let t = j; t < j + 8; t++) {
        const c = unchecked(row[ro + t])
        if (c != 0.0) axpy(out, oo, c, ws.Z, t * s, nz)
      }
    }
  }
  for (; j + 4 <= n; j += 4) {
    const p = base + (<usize>j << 3)
    const r0 = v128.load(p)
    const r1 = v128.load(p, 16)
    // (with Z = I there is no product to skip, and the test would cost more than the adds)
    if (!ident && !v128.any_true(v128.or(f64x2.ne(r0, zero), f64x2.ne(r1, zero)))) continue
    const q = px + (<usize>j << 3)
    ax0 = f64x2.add(ax0, f64x2.mul(r0, v128.load(q)))
    ax1 = f64x2.add(ax1, f64x2.mul(r1, v128.load(q, 16)))
    aa0 = f64x2.add(aa0, f64x2.mul(r0, r0))
    aa1 = f64x2.add(aa1, f64x2.mul(r1, r1))
    if (ident) continue
    for (let t = j; t < j + 4; t++) {
      const c = unchecked(row[ro + t])
      if (c != 0.0) axpy(out, oo, c, ws.Z, t * s, nz)
    }
  }
  ax0 = f64x2.add(ax0, ax1)
  aa0 = f64x2.add(aa0, aa1)
  let ax = f64x2.extract_lane(ax0, 0) + f64x2.extract_lane(ax0, 1)
  let aa = f64x2.extract_lane(aa0, 0) + f64x2.extract_lane(aa0, 1)
  for (; j < n; j++) {
    const c = unchecked(row[ro + j])
    ax += c * unchecked(x[j])
    aa += c * c
    if (!ident && c != 0.0) axpy(out, oo, c, ws.Z, j * s, nz)
  }
  rowDotX = ax
  rowSq = aa
}

/**
 * Lists the nonzero columns of every C row (ws.cCols, ws.cCount): buildRows meets each C row once
 * per phase of every later level, and the friction rows have a few nonzeros in n columns.
 */
function indexCRows (ws: HqpWorkspace, data: HqpData, n: i32, mcAll: i32): void {
  const zero = f64x2.splat(0.0)
  for (let i = 0; i < mcAll; i++) {
    const ri = i * n
    const base = changetype<usize>(data.C) + (<usize>ri << 3)
    let q = 0
    let j = 0
    for (; j + 4 <= n; j += 4) {
      const p = base + (<usize>j << 3)
      if (!v128.any_true(v128.or(f64x2.ne(v128.load(p), zero), f64x2.ne(v128.load(p, 16), zero)))) continue
      for (let t = j; t < j + 4; t++) {
        if (data.C[ri + t] != 0.0) { ws.cCols[ri + q] = t; q++ }
      }
    }
    for (; j < n; j++) {
      if (data.C[ri + j] != 0.0) { ws.cCols[ri + q] = j; q++ }
    }
    ws.cCount[i] = q
  }
}

/**
 * C row i times Z and its by-products (as rowTimesZ), over its listed nonzeros (indexCRows). The
 * sums keep dot's order: by column mod 4 below the last block of four, then the tail in order.
 */
function cRowTimesZ (ws: HqpWorkspace, data: HqpData, n: i32, i: i32, out: StaticArray<f64>, oo: i32, x: StaticArray<f64>): void {
  const nz = ws.nz
  const s = ws.el.nzMax
  const ri = i * n
  if (ws.zIdentity) copy(out, oo, data.C, ri, n)
  else fill(out, oo, 0.0, nz)
  const cnt = ws.cCount[i]
  const n4 = n & ~3
  let x0 = 0.0
  let x1 = 0.0
  let x2 = 0.0
  let x3 = 0.0
  let a0 = 0.0
  let a1 = 0.0
  let a2 = 0.0
  let a3 = 0.0
  let q = 0
  for (; q < cnt; q++) {
    const j = ws.cCols[ri + q]
    if (j >= n4) break
    const c = data.C[ri + j]
    const px = c * x[j]
    const pa = c * c
    const m = j & 3
    if (m == 0) { x0 += px; a0 += pa } else if (m == 1) { x1 += px; a1 += pa } else if (m == 2) { x2 += px; a2 += pa } else { x3 += px; a3 += pa }
    if (!ws.zIdentity) axpy(out, oo, c, ws.Z, j * s, nz)
  }
  let ax = (x0 + x2) + (x1 + x3)
  let aa = (a0 + a2) + (a1 + a3)
  for (; q < cnt; q++) {
    const j = ws.cCols[ri + q]
    const c = data.C[ri + j]
    ax += c * x[j]
    aa += c * c
    if (!ws.zIdentity) axpy(out, oo, c, ws.Z, j * s, nz)
  }
  rowDotX = ax
  rowSq = aa
}

/** C row i times a finite x over its listed nonzeros, summed in dot's order (as cRowTimesZ). */
function cRowDot (ws: HqpWorkspace, data: HqpData, n: i32, i: i32, x: StaticArray<f64>): f64 {
  const ri = i * n
  const cnt = ws.cCount[i]
  const n4 = n & ~3
  let x0 = 0.0
  let x1 = 0.0
  let x2 = 0.0
  let x3 = 0.0
  let q = 0
  for (; q < cnt; q++) {
    const j = ws.cCols[ri + q]
    if (j >= n4) break
    const px = data.C[ri + j] * x[j]
    const m = j & 3
    if (m == 0) x0 += px
    else if (m == 1) x1 += px
    else if (m == 2) x2 += px
    else x3 += px
  }
  let ax = (x0 + x2) + (x1 + x3)
  for (; q < cnt; q++) {
    const j = ws.cCols[ri + q]
    ax += data.C[ri + j] * x[j]
  }
  return ax
}

/**
 * rowᵀ·x for a full-space row (n entries at (row, ro)) and a finite x, skipping the row's zero
 * blocks of four: summed in dot's order, the skipped blocks adding exact zeros, so it equals dot.
 */
function rowDot (row: StaticArray<f64>, ro: i32, x: StaticArray<f64>, n: i32): f64 {
  const zero = f64x2.splat(0.0)
  const base = changetype<usize>(row) + (<usize>ro << 3)
  const px = changetype<usize>(x)
  let ax0 = zero
  let ax1 = zero
  let j = 0
  // eight at a time (a block of four next to a nonzero one adds exact zeros), then four
  for (; j + 8 <= n; j += 8) {
    const p = base + (<usize>j << 3)
    const r0 = v128.load(p)
    const r1 = v128.load(p, 16)
    const r2 = v128.load(p, 32)
    const r3 = v128.load(p, 48)
    if (!v128.any_true(v128.or(v128.or(f64x2.ne(r0, zero), f64x2.ne(r1, zero)), v128.or(f64x2.ne(r2, zero), f64x2.ne(r3, zero))))) continue
    const q = px + (<usize>j << 3)
    ax0 = f64x2.add(ax0, f64x2.mul(r0, v128.load(q)))
    ax1 = f64x2.add(ax1, f64x2.mul(r1, v128.load(q, 16)))
    ax0 = f64x2.add(ax0, f64x2.mul(r2, v128.load(q, 32)))
    ax1 = f64x2.add(ax1, f64x2.mul(r3, v128.load(q, 48)))
  }
  for (; j + 4 <= n; j += 4) {
    const p = base + (<usize>j << 3)
    const r0 = v128.load(p)
    const r1 = v128.load(p, 16)
    if (!v128.any_true(v128.or(f64x2.ne(r0, zero), f64x2.ne(r1, zero)))) continue
    const q = px + (<usize>j << 3)
    ax0 = f64x2.add(ax0, f64x2.mul(r0, v128.load(q)))
    ax1 = f64x2.add(ax1, f64x2.mul(r1, v128.load(q, 16)))
  }
  ax0 = f64x2.add(ax0, ax1)
  let ax = f64x2.extract_lane(ax0, 0) + f64x2.extract_lane(ax0, 1)
  for (; j < n; j++) ax += unchecked(row[ro + j]) * unchecked(x[j])
  return ax
}

/**
 * Factors the level's reduced equality rows ws.AZ (me × nz) with right-hand sides ws.rhs, forms
 * the nullspace basis and particular solution. Returns the rank, or −1 when a dependent row is
 * inconsistent beyond the tolerance. Sets ws.factorValid when ws.el holds the rows' complete
 * factorization and basis (the plain QR leaves them even when it returns −1).
 */
function factorLevel (ws: HqpWorkspace, data: HqpData, n: i32, a0: i32, me: i32, tolFeas: f64, tolRank: f64): i32 {
  const el = ws.el
  const nz = ws.nz
  const s = el.nzMax
  if (ws.zIdentity && nz == n && me > 0) {
    // rows owning a variable of their own are solved for it (singleton-elimination.ts)
    const rs = singletonFactor(ws, data.b, a0, n, me, tolFeas, tolRank)
    if (rs != -2) {
      ws.factorValid = rs >= 0
      return rs
    }
  }
  ws.factorValid = true
  for (let i = 0; i < me; i++) {
    copy(el.D, i * s, ws.AZ, i * s, nz)
    el.rhs[i] = ws.rhs[i]
    const full = Math.sqrt(ws.aSq[i])
    el.scale[i] = full > 0.0 ? 1.0 / full : 1.0
  }
  let r = 0
  if (nz > 0) r = eliminationFactor(el, me, nz, tolRank)
  else { el.m = me; el.nz = 0; el.rank = 0; for (let i = 0; i < me; i++) el.perm[i] = i }
  if (r > 0) {
    eliminationNullspace(el)
    eliminationParticular(el)
  } else {
    fill(el.delta, 0, 0.0, nz)
  }
  // dependent rows must hold at the particular solution
  for (let k = r; k < me; k++) {
    const i = el.perm[k]
    const res = dot(ws.AZ, i * s, el.delta, 0, nz) - ws.rhs[i]
    if (Math.abs(res) > tolOf(tolFeas, data.b[a0 + i], 0.0)) return -1
  }
  return r
}

/** Znext = Z·M, xpNext = xp + Z·δ for the last factorLevel (rank r). */
function stepAffine (ws: HqpWorkspace, n: i32, r: i32): void {
  const el = ws.el
  const nz = ws.nz
  const s = el.nzMax
  const k = nz - r
  if (r == 0) {
    for (let i = 0; i < n; i++) copy(ws.Znext, i * s, ws.Z, i * s, nz)
    copy(ws.xpNext, 0, ws.xp, 0, n)
    return
  }
  if (ws.zIdentity) {
    // Znext = M: trade the buffers (same size) instead of copying
    const t = ws.Znext
    ws.Znext = el.M
    el.M = t
    for (let i = 0; i < n; i++) ws.xpNext[i] = ws.xp[i] + el.delta[i]
    return
  }
  matMul(ws.Znext, 0, s, ws.Z, 0, s, el.M, 0, s, n, nz, k)
  matVec(ws.xpNext, 0, ws.Z, 0, s, el.delta, 0, n, nz)
  for (let i = 0; i < n; i++) ws.xpNext[i] = ws.xp[i] + ws.xpNext[i]
}

/**
 * h[a·hs + b] = Σ_i az[i·s + a]·az[i·s + b] for b ≤ a < nz (i < me): the lower triangle of
 * (A_kZ)ᵀ(A_kZ), each entry summed over the rows in order (as row-by-row rank-1 updates would),
 * eight entries of a row at a time in registers.
 */
function gramLower (h: StaticArray<f64>, hs: i32, az: StaticArray<f64>, s: i32, me: i32, nz: i32): void {
  const zero = f64x2.splat(0.0)
  const pz = changetype<usize>(az)
  const rowBytes = <usize>s << 3
  for (let a = 0; a < nz; a++) {
    const ph = changetype<usize>(h) + (<usize>(a * hs) << 3)
    const pa = pz + (<usize>a << 3)
    let b = 0
    for (; b + 8 <= a + 1; b += 8) {
      let x0 = zero
      let x1 = zero
      let x2 = zero
      let x3 = zero
      let pr = pz + (<usize>b << 3)
      let pc = pa
      for (let i = 0; i < me; i++) {
        const c = v128.load64_splat(pc)
        x0 = f64x2.add(x0, f64x2.mul(c, v128.load(pr)))
        x1 = f64x2.add(x1, f64x2.mul(c, v128.load(pr, 16)))
        x2 = f64x2.add(x2, f64x2.mul(c, v128.load(pr, 32)))
        x3 = f64x2.add(x3, f64x2.mul(c, v128.load(pr, 48)))
        pr += rowBytes
        pc += rowBytes
      }
      const o = <usize>b << 3
      v128.store(ph + o, x0)
      v128.store(ph + o, x1, 16)
      v128.store(ph + o, x2, 32)
      v128.store(ph + o, x3, 48)
    }
    for (; b + 2 <= a + 1; b += 2) {
      let x0 = zero
      let pr = pz + (<usize>b << 3)
      let pc = pa
      for (let i = 0; i < me; i++) {
        x0 = f64x2.add(x0, f64x2.mul(v128.load64_splat(pc), v128.load(pr)))
        pr += rowBytes
        pc += rowBytes
      }
      v128.store(ph + (<usize>b << 3), x0)
    }
    if (b <= a) {
      let x = 0.0
      for (let i = 0; i < me; i++) x += az[i * s + a] * az[i * s + b]
      h[a * hs + b] = x
    }
  }
}

/** x = xp + Z·z for the GI solution z = gi.x (nz entries). */
function setPoint (ws: HqpWorkspace, n: i32, nz: i32): void {
  if (ws.zIdentity) {
    for (let j = 0; j < n; j++) ws.x[j] = ws.xp[j] + (j < nz ? ws.gi.x[j] : 0.0)
    return
  }
  matVec(ws.x, 0, ws.Z, 0, ws.el.nzMax, ws.gi.x, 0, n, nz)
  for (let j = 0; j < n; j++) ws.x[j] = ws.xp[j] + ws.x[j]
}

/** Makes (Znext, xpNext) current with nz − r columns. */
function acceptAffine (ws: HqpWorkspace, r: i32): void {
  if (r == 0) return
  const tZ = ws.Z
  ws.Z = ws.Znext
  ws.Znext = tZ
  const tx = ws.xp
  ws.xp = ws.xpNext
  ws.xpNext = tx
  ws.nz -= r
  ws.zIdentity = false
}

/**
 * Writes the GI rows for level k in the current affine set (Z, xp; must already be current):
 * box rows, hard C rows of levels < k, and level k's C rows (with a −1 slack column each when
 * `slack`). Rows constant on the set are checked at xp instead; returns false when one of them is
 * violated (the level cannot be met exactly, or — for hard rows — the set is inconsistent).
 */
function buildRows (ws: HqpWorkspace, dims: HqpDims, data: HqpData, opts: HqpOptions, k: i32, c0: i32, slack: bool): bool {
  const n = dims.n
  const nz = ws.nz
  const gi = ws.gi
  const gs = gi.nMax
  const mcAll = c0 + dims.mc[k]
  const nv = slack ? dims.mc[k] : 0
  const ncol = nz + nv
  const s = ws.el.nzMax
  for (let t = 0; t < n + mcAll; t++) ws.giOf[t] = -1
  let m = 0
  // box rows
  for (let j = 0; j < n; j++) {
    const lb = data.lb[j]
    const ub = data.ub[j]
    if (!isBoxRow(lb, ub)) continue
    const go = m * gs
    if (ws.zIdentity) {
      fill(gi.rows, go, 0.0, ncol)
      gi.rows[go + j] = 1.0
    } else {
      copy(gi.rows, go, ws.Z, j * s, nz)
      fill(gi.rows, go + nz, 0.0, ncol - nz)
    }
    const nr = Math.sqrt(dot(gi.rows, go, gi.rows, go, nz))
    const v = ws.xp[j]
    const tl = tolOf(opts.tolFeas, lb, ub)
    if (!(nr > 1e-10)) {
      if (v < lb - tl || v > ub + tl) return false
      continue
    }
    const inv = 1.0 / nr
    scal(gi.rows, go, inv, nz)
    gi.lo[m] = (lb - v) * inv
    gi.hi[m] = (ub - v) * inv
    gi.tol[m] = tl * inv
    ws.giSrc[m] = j
    ws.giNorm[m] = nr
    ws.giOf[j] = m
    m++
  }
  // C rows: hard ones of levels < k (relaxed bounds), then level k's
  for (let i = 0; i < mcAll; i++) {
    const own = i >= c0
    const go = m * gs
    cRowTimesZ(ws, data, n, i, gi.rows, go, ws.xp)
    fill(gi.rows, go + nz, 0.0, ncol - nz)
    const full = Math.sqrt(rowSq)
    let nr2 = dot(gi.rows, go, gi.rows, go, nz)
    const v = rowDotX
    const lo = own ? data.l[i] : ws.loR[i]
    const hi = own ? data.u[i] : ws.hiR[i]
    if (lo == -Infinity && hi == Infinity) continue
    const tl = tolOf(opts.tolFeas, lo, hi)
    if (own && slack) {
      gi.rows[go + nz + (i - c0)] = -1.0
      nr2 += 1.0
    } else if (!(nr2 > 1e-20 * full * full)) {
      if (v < lo - tl || v > hi + tl) return false
      continue
    }
    const nr = Math.sqrt(nr2)
    const inv = 1.0 / nr
    scal(gi.rows, go, inv, ncol)
    gi.lo[m] = (lo - v) * inv
    gi.hi[m] = (hi - v) * inv
    gi.tol[m] = tl * inv
    ws.giSrc[m] = n + i
    ws.giNorm[m] = nr
    ws.giOf[n + i] = m
    m++
  }
  gi.m = m
  gi.nb = 0
  gi.n = ncol
  gi.factorValid = false
  return true
}

function loadWarm (ws: HqpWorkspace, k: i32, phase: i32): i32 {
  const gi = ws.gi
  const slot = k * 2 + phase
  const base = slot * ws.warmStride
  let nw = 0
  for (let t = 0; t < ws.warmCount[slot]; t++) {
    const g = ws.giOf[ws.warmId[base + t]]
    if (g < 0) continue
    gi.warmId[nw] = g
    gi.warmSide[nw] = ws.warmSide[base + t]
    nw++
  }
  gi.nwarm = nw
  return nw > 0 ? GI_WARM : GI_COLD
}

/** Stores an active set (GI row ids and sides, nq entries) as level k's warm start for a phase. */
function saveWarmList (ws: HqpWorkspace, k: i32, phase: i32, ids: StaticArray<i32>, sides: StaticArray<i32>, nq: i32): void {
  const slot = k * 2 + phase
  const base = slot * ws.warmStride
  const q = min(nq, ws.warmStride)
  for (let t = 0; t < q; t++) {
    ws.warmId[base + t] = ws.giSrc[ids[t]]
    ws.warmSide[base + t] = sides[t]
  }
  ws.warmCount[slot] = q
}

/**
 * The relaxed phase's point when level k's rows (me, factored by the exact phase and found
 * inconsistent) have a least-squares point closest to the previous one where every hard row (box
 * and C rows of the levels above, relaxed bounds) holds within its tolerance: writes ws.x and
 * ws.gi.x and returns true. Otherwise changes nothing the relaxed phase reads and returns false.
 */
function leastSquaresPoint (ws: HqpWorkspace, dims: HqpDims, data: HqpData, opts: HqpOptions, n: i32, me: i32, c0: i32): bool {
  const nz = ws.nz
  const gi = ws.gi
  // the proximal centre of the relaxed phase: the previous level's point in these coordinates
  for (let j = 0; j < n; j++) ws.t1[j] = ws.x[j] - ws.xp[j]
  if (ws.zIdentity) copy(ws.zbar, 0, ws.t1, 0, nz)
  else matTVec(ws.zbar, 0, ws.Z, 0, ws.el.nzMax, ws.t1, 0, n, nz)
  if (!levelLeastSquares(ws, me, nz, gi.x)) return false
  // candidate x = xp + Z z in t1
  const xc = ws.t1
  if (ws.zIdentity) {
    for (let j = 0; j < n; j++) xc[j] = ws.xp[j] + (j < nz ? gi.x[j] : 0.0)
  } else {
    matVec(xc, 0, ws.Z, 0, ws.el.nzMax, gi.x, 0, n, nz)
    for (let j = 0; j < n; j++) xc[j] += ws.xp[j]
  }
  if (!allFinite(xc, 0, n)) return false
  for (let j = 0; j < n; j++) {
    const lb = data.lb[j]
    const ub = data.ub[j]
    if (!isBoxRow(lb, ub)) continue
    const tl = tolOf(opts.tolFeas, lb, ub)
    if (xc[j] < lb - tl || xc[j] > ub + tl) return false
  }
  for (let i = 0; i < c0; i++) {
    const lo = ws.loR[i]
    const hi = ws.hiR[i]
    if (lo == -Infinity && hi == Infinity) continue
    const v = cRowDot(ws, data, n, i, xc)
    const tl = tolOf(opts.tolFeas, lo, hi)
    if (v < lo - tl || v > hi + tl) return false
  }
  copy(ws.x, 0, xc, 0, n)
  return true
}

/**
 * Solves the hierarchy; writes sol (x, slacks per row and per level, level outcomes, status).
 * Returns sol.status.
 */
export function hqpSolve (dims: HqpDims, data: HqpData, sol: HqpSolution, opts: HqpOptions, ws: HqpWorkspace): i32 {
  const n = dims.n
  const nl = dims.nl
  if (n < 0 || n > dims.nMax || nl < 0 || nl > dims.levelsMax) throw new Error('hqpSolve: dims exceed the workspace')
  let meAll = 0
  let mcAll = 0
  for (let k = 0; k < nl; k++) {
    if (dims.me[k] < 0 || dims.mc[k] < 0) throw new Error('hqpSolve: negative level size')
    meAll += dims.me[k]
    mcAll += dims.mc[k]
  }
  if (meAll > dims.meMax || mcAll > dims.mcMax) throw new Error('hqpSolve: level rows exceed the workspace')
  const gi = ws.gi
  const el = ws.el
  const s = el.nzMax
  sol.status = HQP_OPTIMAL
  sol.iterations = 0
  sol.proxPasses = 0
  sol.lsLevels = 0
  sol.ninf = 0
  fill(sol.x, 0, 0.0, n)
  for (let k = 0; k < nl; k++) {
    sol.levelStatus[k] = LEVEL_NOT_SOLVED
    sol.slackEq[k] = 0.0
    sol.slackIneq[k] = 0.0
    sol.levelIter[k] = 0
  }
  fill(sol.w, 0, 0.0, meAll)
  fill(sol.v, 0, 0.0, mcAll)
  if (!allFinite(data.A, 0, meAll * n) || !allFinite(data.b, 0, meAll) || !allFinite(data.C, 0, mcAll * n)) {
    sol.status = HQP_NUMERICAL
    return sol.status
  }
  for (let i = 0; i < mcAll; i++) {
    if (data.l[i] != data.l[i] || data.u[i] != data.u[i]) { sol.status = HQP_NUMERICAL; return sol.status }
  }
  for (let j = 0; j < n; j++) {
    const lb = data.lb[j]
    const ub = data.ub[j]
    if (lb != lb || ub != ub) { sol.status = HQP_NUMERICAL; return sol.status }
    if (lb > ub || lb == Infinity || ub == -Infinity) sol.infeasible[sol.ninf++] = j
  }
  if (sol.ninf > 0) {
    sol.status = HQP_INFEASIBLE
    return sol.status
  }
  indexCRows(ws, data, n, mcAll)

  // ---- start: x = xp + Z z over the whole space, fixed variables eliminated ----
  ws.nz = n
  ws.zIdentity = true
  fill(ws.xp, 0, 0.0, n)
  let nfix = 0
  for (let j = 0; j < n; j++) {
    if (data.lb[j] == data.ub[j]) {
      fill(el.D, nfix * s, 0.0, n)
      el.D[nfix * s + j] = 1.0
      el.rhs[nfix] = data.lb[j]
      el.scale[nfix] = 1.0
      nfix++
    }
  }
  if (nfix > 0) {
    const r = eliminationFactor(el, nfix, n, opts.tolRank)
    eliminationNullspace(el)
    eliminationParticular(el)
    stepAffine(ws, n, r)
    acceptAffine(ws, r)
  }
  copy(ws.x, 0, ws.xp, 0, n)

  // ---- levels ----
  let a0 = 0
  let c0 = 0
  let failed = false
  for (let k = 0; k < nl; k++) {
    const me = dims.me[k]
    const mc = dims.mc[k]
    let itersLeft = opts.maxIter
    // reduced equality rows A_k Z and right-hand sides b_k − A_k xp (current affine set)
    for (let i = 0; i < me; i++) {
      rowTimesZ(ws, n, data.A, (a0 + i) * n, ws.AZ, i * s, ws.xp)
      ws.rhs[i] = data.b[a0 + i] - rowDotX
      ws.aSq[i] = rowSq
    }

    // ---- 1. exact phase ----
    let exact = false
    let r = 0
    // the exact phase's factorization of these rows, kept for step 3 when the level is relaxed
    let factored = false
    // more equality rows than remaining directions: generically inconsistent, go to the relaxed
    // phase directly (it reaches the same optimal set, with w = 0 if the rows are consistent)
    if (me > ws.nz) r = -1
    else if (me > 0) {
      r = factorLevel(ws, data, n, a0, me, opts.tolFeas, opts.tolRank)
      factored = ws.factorValid
    }
    if (r >= 0) {
      stepAffine(ws, n, r)
      // work in the tentative set: swap in, swap back on failure
      const zIdBefore = ws.zIdentity
      acceptAffine(ws, r)
      if (buildRows(ws, dims, data, opts, k, c0, false)) {
        const nzc = ws.nz
        // ½‖x − x̄‖²: H = I, g = Zᵀ(xp − x̄)
        for (let a = 0; a < nzc; a++) {
          fill(gi.L, a * gi.nMax, 0.0, nzc)
          gi.L[a * gi.nMax + a] = 1.0
        }
        for (let j = 0; j < n; j++) ws.t1[j] = ws.xp[j] - ws.x[j]
        if (ws.zIdentity) copy(gi.g, 0, ws.t1, 0, nzc)
        else matTVec(gi.g, 0, ws.Z, 0, s, ws.t1, 0, n, nzc)
        gi.maxIter = itersLeft
        const mode = opts.warmStart ? loadWarm(ws, k, 0) : GI_COLD
        const st = giSolve(gi, mode)
        itersLeft -= gi.iter
        sol.levelIter[k] += gi.iter
        if (st == GI_OPTIMAL) {
          exact = true
          if (opts.warmStart) saveWarmList(ws, k, 0, gi.act, gi.actSide, gi.q)
          setPoint(ws, n, nzc)
        } else if (st != GI_INFEASIBLE) {
          sol.levelStatus[k] = st == GI_MAX_ITER ? LEVEL_MAX_ITER : LEVEL_NUMERICAL
          failed = true
        }
      }
      if (!exact && r > 0) {
        // back to the set before this level
        const tZ = ws.Z
        ws.Z = ws.Znext
        ws.Znext = tZ
        const tx = ws.xp
        ws.xp = ws.xpNext
        ws.xpNext = tx
        ws.nz += r
        ws.zIdentity = zIdBefore
      }
    }
    if (failed) break
    if (exact) {
      sol.levelStatus[k] = LEVEL_EXACT
      for (let i = c0; i < c0 + mc; i++) { ws.loR[i] = data.l[i]; ws.hiR[i] = data.u[i] }
      a0 += me
      c0 += mc
      continue
    }

    // ---- 2. relaxed phase over (z, v) ----
    const nz = ws.nz
    // inconsistent rows, nothing of its own to keep: the least-squares point closest to the
    // previous one, if every hard row holds there (level-least-squares.ts)
    const lsPoint = mc == 0 && r < 0 && factored && leastSquaresPoint(ws, dims, data, opts, n, me, c0)
    if (lsPoint) {
      sol.lsLevels++
      if (opts.warmStart) ws.warmCount[k * 2 + 1] = 0
    } else {
      if (!buildRows(ws, dims, data, opts, k, c0, true)) {
        // a hard row constant on the set is violated: the higher levels' set is inconsistent
        sol.levelStatus[k] = LEVEL_NUMERICAL
        failed = true
        break
      }
      const ng = nz + mc
      const gsd = gi.nMax
      // Hzz = (A_kZ)ᵀ(A_kZ) (Σ_i AZ_iᵀAZ_i), g = −(A_kZ)ᵀ rhs; the lower triangle (all the
      // Cholesky factorization reads)
      gramLower(ws.Hs, gsd, ws.AZ, s, me, nz)
      for (let a = nz; a < ng; a++) fill(ws.Hs, a * gsd, 0.0, a + 1)
      fill(ws.gbase, 0, 0.0, ng)
      for (let i = 0; i < me; i++) axpy(ws.gbase, 0, -ws.rhs[i], ws.AZ, i * s, nz)
      let maxDiag = 0.0
      for (let a = 0; a < nz; a++) maxDiag = max(maxDiag, ws.Hs[a * gsd + a])
      for (let a = nz; a < ng; a++) ws.Hs[a * gsd + a] = 1.0
      let rho = 0.0
      let bad = choleskyFactor(gi.L, 0, ws.Hs, 0, gsd, ng, 1e-9 * max(maxDiag, 1.0))
      if (bad != 0) {
        rho = opts.rhoRel * max(1.0, maxDiag)
        for (let a = 0; a < nz; a++) ws.Hs[a * gsd + a] += rho
        bad = choleskyFactor(gi.L, 0, ws.Hs, 0, gsd, ng, 0.0)
        if (bad != 0) { sol.levelStatus[k] = LEVEL_NUMERICAL; failed = true; break }
      }
      // proximal centre: the previous level's point in these coordinates
      for (let j = 0; j < n; j++) ws.t1[j] = ws.x[j] - ws.xp[j]
      if (ws.zIdentity) copy(ws.zbar, 0, ws.t1, 0, nz)
      else matTVec(ws.zbar, 0, ws.Z, 0, s, ws.t1, 0, n, nz)
      let gscale = 1.0
      for (let a = 0; a < nz; a++) gscale = max(gscale, Math.abs(ws.gbase[a]))
      let mode = opts.warmStart ? loadWarm(ws, k, 1) : GI_COLD
      let st = GI_OPTIMAL
      const passes = rho > 0.0 ? opts.proxMaxIter : 1
      let converged = rho == 0.0
      let nextPolish = 0
      let polished = false
      for (let it = 0; it < passes; it++) {
        copy(gi.g, 0, ws.gbase, 0, ng)
        if (rho > 0.0) axpy(gi.g, 0, -rho, ws.zbar, 0, nz)
        gi.maxIter = itersLeft
        st = giSolve(gi, mode)
        sol.proxPasses++
        mode = GI_REUSE
        itersLeft -= gi.iter
        sol.levelIter[k] += gi.iter
        if (st != GI_OPTIMAL) break
        if (rho > 0.0) {
          let diff = 0.0
          for (let a = 0; a < nz; a++) {
            diff = max(diff, Math.abs(gi.x[a] - ws.zbar[a]))
            ws.zbar[a] = gi.x[a]
          }
          // a singular level is finished exactly by a primal active-set method started from the
          // loop's point and active set (level-polish.ts), tried at passes 1, 2, 4, 8, …: the loop
          // only has to bring it near the optimal set
          const tryPolish = it == nextPolish || rho * diff <= opts.proxTol * gscale
          if (tryPolish) {
            nextPolish = 2 * nextPolish + 1
            if (polishRelaxedLevel(ws, nz, me, mc, opts.tolRank, max(0, min(itersLeft, 2 * ng + 8)))) {
              itersLeft -= ws.polishChanges
              sol.levelIter[k] += ws.polishChanges
              polished = true
              converged = true
              break
            }
          }
          if (rho * diff <= opts.proxTol * gscale) { converged = true; break }
        }
      }
      if (st == GI_OPTIMAL && !converged) st = GI_MAX_ITER
      if (st != GI_OPTIMAL) {
        // hard rows are feasible by construction, so GI_INFEASIBLE here is numerical trouble
        sol.levelStatus[k] = st == GI_MAX_ITER ? LEVEL_MAX_ITER : LEVEL_NUMERICAL
        failed = true
        break
      }
      // (the polish's working set, when it finished the level, is the optimal active set)
      if (opts.warmStart) {
        if (polished) saveWarmList(ws, k, 1, ws.pAct, ws.pSide, ws.polishQ)
        else saveWarmList(ws, k, 1, gi.act, gi.actSide, gi.q)
      }
      setPoint(ws, n, nz)
    }
    sol.levelStatus[k] = LEVEL_RELAXED

    // ---- 3. fix the level: A_k x = A_k x*, C_k rows within their relaxed bounds ----
    // (not needed after the last level)
    if (me > 0 && k < nl - 1) {
      // the nullspace of A_k Z; the particular point is x* itself (it meets A_k x = A_k x*
      // exactly, where a solve of the rows would amplify roundoff through small pivots)
      // The exact phase factored the same rows unless it skipped them: only the right-hand sides
      // differ, and they only move the particular point, replaced here. Its way back left Z·M in
      // Znext when it got that far; an inconsistent dependent row stopped it after the plain QR.
      let r2 = r
      if (!factored) {
        for (let i = 0; i < me; i++) ws.rhs[i] = dot(ws.AZ, i * s, gi.x, 0, nz)
        r2 = factorLevel(ws, data, n, a0, me, Infinity, opts.tolRank)
        stepAffine(ws, n, r2)
      } else if (r < 0) {
        r2 = el.rank
        stepAffine(ws, n, r2)
      }
      if (r2 > 0) copy(ws.xpNext, 0, ws.x, 0, n)
      acceptAffine(ws, r2)
    }
    for (let i = c0; i < c0 + mc; i++) {
      const v = cRowDot(ws, data, n, i, ws.x)
      const l = data.l[i]
      const u = data.u[i]
      ws.loR[i] = v < l ? v : l
      ws.hiR[i] = v > u ? v : u
    }
    a0 += me
    c0 += mc
  }

  // ---- results ----
  copy(sol.x, 0, ws.x, 0, n)
  // (rowDot skips zero blocks, exact for a finite x; otherwise every product must show)
  const finite = allFinite(ws.x, 0, n)
  a0 = 0
  c0 = 0
  for (let k = 0; k < nl; k++) {
    let se = 0.0
    for (let i = a0; i < a0 + dims.me[k]; i++) {
      const w = (finite ? rowDot(data.A, i * n, ws.x, n) : dot(data.A, i * n, ws.x, 0, n)) - data.b[i]
      sol.w[i] = w
      se += w * w
    }
    let si = 0.0
    for (let i = c0; i < c0 + dims.mc[k]; i++) {
      const c = finite ? cRowDot(ws, data, n, i, ws.x) : dot(data.C, i * n, ws.x, 0, n)
      const v = c < data.l[i] ? c - data.l[i] : (c > data.u[i] ? c - data.u[i] : 0.0)
      sol.v[i] = v
      si += v * v
    }
    sol.slackEq[k] = Math.sqrt(se)
    sol.slackIneq[k] = Math.sqrt(si)
    sol.iterations += sol.levelIter[k]
    a0 += dims.me[k]
    c0 += dims.mc[k]
  }
  if (failed) {
    let worst = HQP_NUMERICAL
    for (let k = 0; k < nl; k++) if (sol.levelStatus[k] == LEVEL_MAX_ITER) worst = HQP_MAX_ITER
    sol.status = worst
  }
  if (!finite) {
    fill(sol.x, 0, 0.0, n)
    sol.status = HQP_NUMERICAL
  }
  return sol.status
}
