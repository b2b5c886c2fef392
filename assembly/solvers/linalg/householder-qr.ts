// Rank-revealing Householder QR with column pivoting (Businger & Golub 1965; Golub & Van Loan
// §5.4.2) of Dᵀ, where D is a row-major m×nc matrix whose rows are the columns being factored
// (equality-constraint rows): Dᵀ·Π = Q·R, Q = H_0·H_1·…·H_{r−1}, H_k = I − τ_k·v_k·v_kᵀ, v_k[k] = 1.
// Pivoting takes the remaining row of largest norm, so rank decisions are made on the most
// independent rows first; factoring stops when that norm falls to `tolAbs`.
//
// Pivot norms are downdated rather than recomputed (LAPACK dgeqp3's scheme), so the pivoting
// costs O(m) per step instead of O(m·nc).
// Storage (in place in D): after the call, row k (k < rank) holds R[0..k−1][k] in columns 0..k−1,
// R_kk in column k and v_k[k+1..nc−1] in columns k+1..; rows k ≥ rank hold R[0..rank−1][k] in
// columns 0..rank−1 (R12) and the residual in the rest. perm[k] is the original index of row k.
import { dot, dot2, dot2A, dot2B, axpy, axpy2 } from './dense-kernels'

/**
 * Factors in place; returns the numerical rank r ≤ min(m, nc). Writes D (see header), tau[0..r),
 * perm[0..m). `tolAbs` is the absolute norm below which a remaining row counts as dependent.
 */
export function householderQrPivoted (d: StaticArray<f64>, dof: i32, stride: i32, m: i32, nc: i32, tau: StaticArray<f64>, perm: StaticArray<i32>, tolAbs: f64, vn: StaticArray<f64>, vref: StaticArray<f64>): i32 {
  // row norms of the remaining parts (columns k..nc−1) in vn, downdated after each reflector as
  // in LAPACK's dgeqp3 (vn[j]² −= D[j][k]²) and recomputed when cancellation has eaten half the
  // digits (vref: the norm at the last exact computation); vn, vref hold ≥ m entries
  for (let j = 0; j < m; j++) {
    perm[j] = j
    const v = Math.sqrt(dot(d, dof + j * stride, d, dof + j * stride, nc))
    vn[j] = v
    vref[j] = v
  }
  const kmax = m < nc ? m : nc
  for (let k = 0; k < kmax; k++) {
    const len = nc - k
    // pivot: remaining row of largest norm
    let best = k
    let bestNorm = vn[k]
    for (let j = k + 1; j < m; j++) {
      if (vn[j] > bestNorm) { bestNorm = vn[j]; best = j }
    }
    if (!(bestNorm > tolAbs)) {
      // confirm with exact norms before stopping (the downdates are approximate)
      let exact = -1.0
      for (let j = k; j < m; j++) {
        const v = Math.sqrt(dot(d, dof + j * stride + k, d, dof + j * stride + k, len))
        vn[j] = v
        vref[j] = v
        if (v > exact) { exact = v; best = j }
      }
      if (!(exact > tolAbs)) return k
      bestNorm = exact
    }
    if (best != k) {
      const ra = dof + k * stride
      const rb = dof + best * stride
      for (let c = 0; c < nc; c++) {
        const t = d[ra + c]
        d[ra + c] = d[rb + c]
        d[rb + c] = t
      }
      const tp = perm[k]
      perm[k] = perm[best]
      perm[best] = tp
      vn[best] = vn[k]
      vref[best] = vref[k]
    }
    // reflector for x = D[k][k..nc−1]
    const rk = dof + k * stride + k
    const alpha = d[rk]
    const xnorm2 = dot(d, rk + 1, d, rk + 1, len - 1)
    let t = 0.0
    if (xnorm2 > 0.0) {
      const nrm = Math.sqrt(alpha * alpha + xnorm2)
      const beta = alpha > 0.0 ? -nrm : nrm
      t = (beta - alpha) / beta
      const sc = 1.0 / (alpha - beta)
      for (let c = 1; c < len; c++) d[rk + c] *= sc
      d[rk] = beta
    }
    tau[k] = t
    if (t != 0.0) {
      // apply H_k to rows k+1..m−1 (columns k..nc−1), two rows per pass over v, downdate norms
      let j = k + 1
      for (; j + 1 < m; j += 2) {
        const rj = dof + j * stride + k
        const r1 = rj + stride
        dot2(d, rj + 1, r1 + 1, rk + 1, len - 1)
        const w0 = d[rj] + dot2A
        const w1 = d[r1] + dot2B
        d[rj] -= t * w0
        d[r1] -= t * w1
        axpy2(d, rj + 1, -t * w0, r1 + 1, -t * w1, rk + 1, len - 1)
        downdate(vn, vref, j, d[rj], d, rj + 1, len - 1)
        downdate(vn, vref, j + 1, d[r1], d, r1 + 1, len - 1)
      }
      for (; j < m; j++) {
        const rj = dof + j * stride + k
        const w = d[rj] + dot(d, rk + 1, d, rj + 1, len - 1)
        if (w != 0.0) {
          d[rj] -= t * w
          axpy(d, rj + 1, -t * w, d, rk + 1, len - 1)
        }
        downdate(vn, vref, j, d[rj], d, rj + 1, len - 1)
      }
    } else {
      for (let j = k + 1; j < m; j++) downdate(vn, vref, j, d[dof + j * stride + k], d, dof + j * stride + k + 1, len - 1)
    }
  }
  return kmax
}

/** vn[j]² −= a² (a: row j's entry that left the remaining part); exact recompute on cancellation. */
@inline function downdate (vn: StaticArray<f64>, vref: StaticArray<f64>, j: i32, a: f64, d: StaticArray<f64>, rest: i32, len: i32): void {
  const v = vn[j]
  if (v == 0.0) return
  let r = a / v
  r = 1.0 - r * r
  if (r < 0.0) r = 0.0
  const q = v / vref[j]
  if (r * q * q <= 1.5e-8) {
    const e = Math.sqrt(dot(d, rest, d, rest, len))
    vn[j] = e
    vref[j] = e
  } else {
    vn[j] = v * Math.sqrt(r)
  }
}

/** y ← H_k·y for reflector k of a factored D (y has nc entries at (y, yo)). */
@inline function reflect (y: StaticArray<f64>, yo: i32, d: StaticArray<f64>, dof: i32, stride: i32, nc: i32, tau: StaticArray<f64>, k: i32): void {
  const t = tau[k]
  if (t == 0.0) return
  const rk = dof + k * stride + k
  const w = y[yo + k] + dot(d, rk + 1, y, yo + k + 1, nc - k - 1)
  if (w != 0.0) {
    y[yo + k] -= t * w
    axpy(y, yo + k + 1, -t * w, d, rk + 1, nc - k - 1)
  }
}

/** y ← Qᵀ·y (nc entries) for the first r reflectors. */
export function qrApplyQt (y: StaticArray<f64>, yo: i32, d: StaticArray<f64>, dof: i32, stride: i32, nc: i32, tau: StaticArray<f64>, r: i32): void {
  for (let k = 0; k < r; k++) reflect(y, yo, d, dof, stride, nc, tau, k)
}

/** y ← Q·y (nc entries) for the first r reflectors. */
export function qrApplyQ (y: StaticArray<f64>, yo: i32, d: StaticArray<f64>, dof: i32, stride: i32, nc: i32, tau: StaticArray<f64>, r: i32): void {
  for (let k = r - 1; k >= 0; k--) reflect(y, yo, d, dof, stride, nc, tau, k)
}

/** Solves R11ᵀ·w = b in place (r entries): row i of R11ᵀ is D[i][0..i]. */
export function qrSolveRt (w: StaticArray<f64>, wo: i32, d: StaticArray<f64>, dof: i32, stride: i32, r: i32): void {
  for (let i = 0; i < r; i++) {
    const ri = dof + i * stride
    w[wo + i] = (w[wo + i] - dot(d, ri, w, wo, i)) / d[ri + i]
  }
}

/** Solves R11·y = b in place (r entries): column j of R11 is D[j][0..j]. */
export function qrSolveR (y: StaticArray<f64>, yo: i32, d: StaticArray<f64>, dof: i32, stride: i32, r: i32): void {
  for (let j = r - 1; j >= 0; j--) {
    const rj = dof + j * stride
    const v = y[yo + j] / d[rj + j]
    y[yo + j] = v
    if (v != 0.0) axpy(y, yo, -v, d, rj, j)
  }
}
