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
// Reads ws.AZ (rows, stride nMax), ws.rhs, ws.aSq. Writes ws.el.M (n × (n − r)), ws.el.delta (n)
// and the dependent-row ordering of the QR of R; returns the rank r, −1 when a dependent row of R
// is inconsistent, or −2 when the rows have no usable singleton (the caller then uses the plain
// QR).
import { HqpWorkspace } from './hqp-types'
import { eliminationFactor, eliminationParticular } from '../qp/nullspace-elimination'
import { qrNullspaceBasis } from '../linalg/householder-qr'
import { choleskyQrPass } from '../linalg/cholesky-qr'
import { dot, fill, copy } from '../linalg/dense-kernels'

/** A pivot must be at least this fraction of its row's largest entry (bounds ‖T‖). */
const PIVOT_REL: f64 = 0.1

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
    const full = Math.sqrt(ws.aSq[i])
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
    qrNullspaceBasis(Nr, 0, s, el.D, 0, s, nF, el.tau, rR)
    eliminationParticular(el)
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
  // row i of −T·N_R = Σ_p (−a_ip / a_i,js)·N_R[p], over the row's nonzeros (listed first), summed
  // in p order in registers
  const coef = ws.sRow
  const idx = ws.sIdx
  const zero = f64x2.splat(0.0)
  const nrBase = changetype<usize>(Nr)
  for (let i = 0; i < me; i++) {
    const js = rowCol[i]
    if (js < 0) continue
    const ai = i * s
    const inv = 1.0 / A[ai + js]
    let t = ws.rhs[i]
    let nnz = 0
    for (let p = 0; p < nF; p++) {
      const c = A[ai + ws.sFree[p]]
      if (c == 0.0) continue
      t -= c * ws.sDelta[p]
      coef[nnz] = -c * inv
      idx[nnz] = p
      nnz++
    }
    el.delta[js] = t * inv
    // (eight columns per pass: four independent sums keep the adds from waiting on each other)
    let a = 0
    for (; a + 8 <= k; a += 8) {
      let acc0 = zero
      let acc1 = zero
      let acc2 = zero
      let acc3 = zero
      for (let q = 0; q < nnz; q++) {
        const pn = nrBase + (<usize>(idx[q] * s + a) << 3)
        const c = f64x2.splat(coef[q])
        acc0 = f64x2.add(acc0, f64x2.mul(c, v128.load(pn)))
        acc1 = f64x2.add(acc1, f64x2.mul(c, v128.load(pn, 16)))
        acc2 = f64x2.add(acc2, f64x2.mul(c, v128.load(pn, 32)))
        acc3 = f64x2.add(acc3, f64x2.mul(c, v128.load(pn, 48)))
      }
      Wt[a * s + js] = f64x2.extract_lane(acc0, 0)
      Wt[(a + 1) * s + js] = f64x2.extract_lane(acc0, 1)
      Wt[(a + 2) * s + js] = f64x2.extract_lane(acc1, 0)
      Wt[(a + 3) * s + js] = f64x2.extract_lane(acc1, 1)
      Wt[(a + 4) * s + js] = f64x2.extract_lane(acc2, 0)
      Wt[(a + 5) * s + js] = f64x2.extract_lane(acc2, 1)
      Wt[(a + 6) * s + js] = f64x2.extract_lane(acc3, 0)
      Wt[(a + 7) * s + js] = f64x2.extract_lane(acc3, 1)
    }
    for (; a + 2 <= k; a += 2) {
      let acc = zero
      for (let q = 0; q < nnz; q++) {
        const pn = nrBase + (<usize>(idx[q] * s + a) << 3)
        acc = f64x2.add(acc, f64x2.mul(f64x2.splat(coef[q]), v128.load(pn)))
      }
      Wt[a * s + js] = f64x2.extract_lane(acc, 0)
      Wt[(a + 1) * s + js] = f64x2.extract_lane(acc, 1)
    }
    if (a < k) {
      let acc = 0.0
      for (let q = 0; q < nnz; q++) acc += coef[q] * Nr[idx[q] * s + a]
      Wt[a * s + js] = acc
    }
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
    if (!choleskyQrPass(Wt, 0, s, n, k, ws.sG, 0, s, 1e-6) || !choleskyQrPass(Wt, 0, s, n, k, ws.sG, 0, s, 1e-6)) return -2
    transpose(el.M, Wt, s, k, n)
  }
  return ns + rR
}

/** m[j][a] = t[a][j], a < k, j < n (both stride s), in 2 × 2 blocks of lane pairs. */
function transpose (m: StaticArray<f64>, t: StaticArray<f64>, s: i32, k: i32, n: i32): void {
  const pm = changetype<usize>(m)
  const pt = changetype<usize>(t)
  const row = <usize>s << 3
  let a = 0
  for (; a + 2 <= k; a += 2) {
    const t0 = pt + <usize>a * row
    const m0 = pm + (<usize>a << 3)
    let j = 0
    for (; j + 2 <= n; j += 2) {
      // [t_a,j  t_a,j+1], [t_a+1,j  t_a+1,j+1] → [t_a,j  t_a+1,j], [t_a,j+1  t_a+1,j+1]
      const x = v128.load(t0 + (<usize>j << 3))
      const y = v128.load(t0 + row + (<usize>j << 3))
      v128.store(m0 + <usize>j * row, v128.shuffle<f64>(x, y, 0, 2))
      v128.store(m0 + <usize>(j + 1) * row, v128.shuffle<f64>(x, y, 1, 3))
    }
    if (j < n) {
      m[j * s + a] = t[a * s + j]
      m[j * s + a + 1] = t[(a + 1) * s + j]
    }
  }
  if (a < k) {
    for (let j = 0; j < n; j++) m[j * s + a] = t[a * s + j]
  }
}
