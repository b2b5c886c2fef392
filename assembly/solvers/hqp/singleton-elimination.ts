// Nullspace of a level's equality rows A x = b in the full space (Z = I) when some rows own a
// "singleton" column: a variable that no other row of the level touches (in a WBC, the joint
// torque in its own equation of motion row). Such a row is solved for its variable,
//   x_s = t − T x_F,   t_i = b_i / a_ij,   T_ic = a_ic / a_ij  (c ∈ F, the other columns),
// and only the remaining rows R (zero on every singleton column) need the rank-revealing QR
// (nullspace-elimination.ts), on the columns F: x_F = δ_R + N_R y. Then
//   x = [δ_R; t − T δ_R] + W y,   W = [N_R; −T N_R]
// and W is made orthonormal by two Cholesky–QR passes (G = WᵀW = L Lᵀ, W ← W L⁻ᵀ; the second
// pass removes the first one's roundoff, Fukaya et al., "CholeskyQR2", 2014); G = I + (T N_R)ᵀ(T N_R)
// is well conditioned because every chosen pivot dominates its row. The same affine set as a QR of
// all rows, for far fewer flops when many rows are singletons.
// Reads ws.AZ (rows, stride nMax), ws.rhs. Writes ws.el.M (n × (n − r)), ws.el.delta (n) and the
// dependent-row ordering of the QR of R; returns the rank r, −1 when a dependent row of R is
// inconsistent, or −2 when the rows have no usable singleton (the caller then uses the plain QR).
import { HqpWorkspace } from './hqp-types'
import { eliminationFactor, eliminationNullspace, eliminationParticular } from '../qp/nullspace-elimination'
import { choleskyFactor } from '../linalg/cholesky'
import { dot, axpy, fill, copy } from '../linalg/dense-kernels'

/** A pivot must be at least this fraction of its row's largest entry (bounds ‖T‖). */
const PIVOT_REL: f64 = 0.1

/**
 * One Cholesky–QR pass on W held by columns (Wt: k rows of length n, stride s): G = WᵀW = L·Lᵀ,
 * W ← W·L⁻ᵀ, i.e. column a ← (W_a − Σ_{b<a} L_ab·W_b) / L_aa (contiguous axpys of length n).
 * False when G is not numerically definite.
 */
function cholQrPass (ws: HqpWorkspace, n: i32, k: i32): bool {
  const Wt = ws.sWt
  const s = ws.el.nzMax
  const G = ws.sG
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) G[a * s + b] = dot(Wt, a * s, Wt, b * s, n)
  }
  if (choleskyFactor(G, 0, G, 0, s, k, 1e-6) != 0) return false
  for (let a = 0; a < k; a++) {
    const wa = a * s
    for (let b = 0; b < a; b++) {
      const c = G[a * s + b]
      if (c != 0.0) axpy(Wt, wa, -c, Wt, b * s, n)
    }
    const inv = 1.0 / G[a * s + a]
    for (let j = 0; j < n; j++) Wt[wa + j] *= inv
  }
  return true
}

/**
 * Singleton elimination of the me rows in ws.AZ (full space, n columns; b: the stacked right-hand
 * sides, level rows from a0, for the tolerance scale). Returns the rank, −1 on
 * an inconsistent dependent row (beyond tolFeas, relative), −2 when not applicable.
 */
export function singletonFactor (ws: HqpWorkspace, b: StaticArray<f64>, a0: i32, n: i32, me: i32, tolFeas: f64, tolRank: f64): i32 {
  const el = ws.el
  const s = el.nzMax
  const A = ws.AZ
  const colRow = ws.sColRow
  const rowCol = ws.sRowCol
  // ---- singleton columns: colRow[j] = the only row touching j, −1 none, −2 several ----
  const rowMax = ws.sRow
  for (let j = 0; j < n; j++) colRow[j] = -1
  for (let i = 0; i < me; i++) {
    const ai = i * s
    let big = 0.0
    for (let j = 0; j < n; j++) {
      const v = A[ai + j]
      if (v != 0.0) {
        const c = colRow[j]
        colRow[j] = c == -1 ? i : -2
        big = max(big, Math.abs(v))
      }
    }
    rowMax[i] = big
    rowCol[i] = -1
  }
  // each row's pivot: its largest singleton entry, if it dominates the row enough
  for (let j = 0; j < n; j++) {
    const i = colRow[j]
    if (i < 0) continue
    const v = Math.abs(A[i * s + j])
    const cur = rowCol[i]
    if (v >= PIVOT_REL * rowMax[i] && (cur < 0 || v > Math.abs(A[i * s + cur]))) rowCol[i] = j
  }
  let ns = 0
  for (let i = 0; i < me; i++) if (rowCol[i] >= 0) ns++
  if (ns == 0) return -2
  // ---- free columns F (position map in colRow: ≥ 0 position, −1 singleton) ----
  let nF = 0
  for (let j = 0; j < n; j++) colRow[j] = 0
  for (let i = 0; i < me; i++) if (rowCol[i] >= 0) colRow[rowCol[i]] = -1
  for (let j = 0; j < n; j++) {
    if (colRow[j] == 0) { colRow[j] = nF; ws.sFree[nF] = j; nF++ }
  }
  // ---- QR of the rows R on F ----
  let mr = 0
  for (let i = 0; i < me; i++) {
    if (rowCol[i] >= 0) continue
    const ai = i * s
    const di = mr * s
    for (let p = 0; p < nF; p++) el.D[di + p] = A[ai + ws.sFree[p]]
    const full = Math.sqrt(dot(A, ai, A, ai, n))
    el.scale[mr] = full > 0.0 ? 1.0 / full : 1.0
    el.rhs[mr] = ws.rhs[i]
    ws.sRowOf[mr] = i
    mr++
  }
  let rR = 0
  const Nr = ws.sN
  if (mr > 0 && nF > 0) rR = eliminationFactor(el, mr, nF, tolRank)
  else { el.m = mr; el.nz = nF; el.rank = 0; for (let i = 0; i < mr; i++) el.perm[i] = i }
  const k = nF - rR
  // N_R (nF × k) and δ_R (nF) into ws.sN / ws.sDelta
  if (rR > 0) {
    eliminationNullspace(el)
    eliminationParticular(el)
    for (let p = 0; p < nF; p++) copy(Nr, p * s, el.M, p * s, k)
    copy(ws.sDelta, 0, el.delta, 0, nF)
  } else {
    for (let p = 0; p < nF; p++) { fill(Nr, p * s, 0.0, k); Nr[p * s + p] = 1.0 }
    fill(ws.sDelta, 0, 0.0, nF)
  }
  // ---- full particular point and W = [N_R; −T N_R], by columns in ws.sWt ----
  const Wt = ws.sWt
  for (let p = 0; p < nF; p++) {
    const j = ws.sFree[p]
    el.delta[j] = ws.sDelta[p]
    const np = p * s
    for (let a = 0; a < k; a++) Wt[a * s + j] = Nr[np + a]
  }
  const row = ws.sRow
  for (let i = 0; i < me; i++) {
    const js = rowCol[i]
    if (js < 0) continue
    const ai = i * s
    const inv = 1.0 / A[ai + js]
    let t = ws.rhs[i]
    fill(row, 0, 0.0, k)
    for (let p = 0; p < nF; p++) {
      const c = A[ai + ws.sFree[p]]
      if (c == 0.0) continue
      t -= c * ws.sDelta[p]
      axpy(row, 0, -c * inv, Nr, p * s, k)
    }
    el.delta[js] = t * inv
    for (let a = 0; a < k; a++) Wt[a * s + js] = row[a]
  }
  // dependent rows of R must hold at the particular point
  for (let q = rR; q < mr; q++) {
    const i = ws.sRowOf[el.perm[q]]
    const res = dot(A, i * s, el.delta, 0, n) - ws.rhs[i]
    const bi = b[a0 + i]
    const sc = Math.abs(bi) > 1.0 && Math.abs(bi) < Infinity ? Math.abs(bi) : 1.0
    if (Math.abs(res) > tolFeas * sc) return -1
  }
  if (k > 0) {
    if (!cholQrPass(ws, n, k) || !cholQrPass(ws, n, k)) return -2
    for (let j = 0; j < n; j++) {
      const mj = j * s
      for (let a = 0; a < k; a++) el.M[mj + a] = Wt[a * s + j]
    }
  }
  return ns + rR
}
