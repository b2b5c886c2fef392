// Dense Cholesky factorization H = L·Lᵀ (row-oriented, dot-product form: every inner product runs
// over contiguous rows of L) and the triangular solves and inverse built on it. Matrices are
// row-major at (buf, off) with row stride `stride`; only the lower triangle of L is read or written.
import { dot, dot2, dot2A, dot2B, axpy } from './dense-kernels'

/** Results of dotPair. */
let dp0: f64 = 0.0
let dp1: f64 = 0.0

/** dp0 = Σ a[t]·c[t], dp1 = Σ b[t]·c[t], t < n (byte addresses), each summed as dot sums. */
@inline function dotPair (a: usize, b: usize, c: usize, n: i32): void {
  const zero = f64x2.splat(0.0)
  let sa = zero
  let ta = zero
  let sb = zero
  let tb = zero
  let o: usize = 0
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const c0 = v128.load(c + o)
    const c1 = v128.load(c + o, 16)
    sa = f64x2.add(sa, f64x2.mul(v128.load(a + o), c0))
    ta = f64x2.add(ta, f64x2.mul(v128.load(a + o, 16), c1))
    sb = f64x2.add(sb, f64x2.mul(v128.load(b + o), c0))
    tb = f64x2.add(tb, f64x2.mul(v128.load(b + o, 16), c1))
    o += 32
  }
  sa = f64x2.add(sa, ta)
  sb = f64x2.add(sb, tb)
  let ra = f64x2.extract_lane(sa, 0) + f64x2.extract_lane(sa, 1)
  let rb = f64x2.extract_lane(sb, 0) + f64x2.extract_lane(sb, 1)
  for (; i < n; i++) {
    const cv = load<f64>(c + o)
    ra += load<f64>(a + o) * cv
    rb += load<f64>(b + o) * cv
    o += 8
  }
  dp0 = ra
  dp1 = rb
}

/**
 * Factors the symmetric n×n matrix whose lower triangle is at (a, ao, stride) into L at
 * (l, lo, stride) (l may equal a with lo = ao: in place). Returns 0, or k + 1 when pivot k is not
 * above `pivotMin` (matrix not numerically positive definite; L is then partial, and with it row
 * k + 1). Rows are taken two at a time: for j below both rows, L_ij and L_i+1,j need
 * Σ_{t<j} L_it·L_jt and Σ_{t<j} L_i+1,t·L_jt, and one pass over row j serves both (small
 * factorizations, n ≤ ~30, are otherwise mostly loop and reduction overhead). Every sum runs in
 * dot's order, so L is the one-row-at-a-time result bit for bit.
 */
export function choleskyFactor (l: StaticArray<f64>, lo: i32, a: StaticArray<f64>, ao: i32, stride: i32, n: i32, pivotMin: f64): i32 {
  const base = changetype<usize>(l) + (<usize>lo << 3)
  const rowBytes = <usize>stride << 3
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const ri = lo + i * stride
    const r1 = ri + stride
    const ai = ao + i * stride
    const a1 = ai + stride
    const pi = base + <usize>i * rowBytes
    for (let j = 0; j < i; j++) {
      // L_ij = (A_ij − Σ_{t<j} L_it·L_jt) / L_jj, and the same for row i + 1
      const rj = lo + j * stride
      dotPair(pi, pi + rowBytes, base + <usize>j * rowBytes, j)
      const d = l[rj + j]
      l[ri + j] = (a[ai + j] - dp0) / d
      l[r1 + j] = (a[a1 + j] - dp1) / d
    }
    const di = a[ai + i] - dot(l, ri, l, ri, i)
    if (!(di > pivotMin)) return i + 1
    l[ri + i] = Math.sqrt(di)
    l[r1 + i] = (a[a1 + i] - dot(l, r1, l, ri, i)) / l[ri + i]
    const d1 = a[a1 + i + 1] - dot(l, r1, l, r1, i + 1)
    if (!(d1 > pivotMin)) return i + 2
    l[r1 + i + 1] = Math.sqrt(d1)
  }
  if (i < n) {
    const ri = lo + i * stride
    const ai = ao + i * stride
    for (let j = 0; j < i; j++) {
      const rj = lo + j * stride
      l[ri + j] = (a[ai + j] - dot(l, ri, l, rj, j)) / l[rj + j]
    }
    const di = a[ai + i] - dot(l, ri, l, ri, i)
    if (!(di > pivotMin)) return i + 1
    l[ri + i] = Math.sqrt(di)
  }
  return 0
}

/** Solves L·y = b in place (x holds b on entry, y on return). L lower n×n at (l, lo, stride). */
export function lowerSolve (x: StaticArray<f64>, xo: i32, l: StaticArray<f64>, lo: i32, stride: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    const ri = lo + i * stride
    x[xo + i] = (x[xo + i] - dot(l, ri, x, xo, i)) / l[ri + i]
  }
}

/** Solves Lᵀ·y = b in place (column-oriented so each update is a contiguous row of L). */
export function lowerTransSolve (x: StaticArray<f64>, xo: i32, l: StaticArray<f64>, lo: i32, stride: i32, n: i32): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = lo + i * stride
    const v = x[xo + i] / l[ri + i]
    x[xo + i] = v
    // b[0:i] −= v·L[i][0:i]
    if (v != 0.0) axpy(x, xo, -v, l, ri, i)
  }
}

/**
 * Writes L⁻¹ (lower triangular) into (inv, io, stride), zeroing its strict upper triangle. Row i
 * of L⁻¹ is (e_i − Σ_{k<i} L_ik·row_k(L⁻¹)) / L_ii, so every update is a contiguous row axpy.
 * inv must not overlap L.
 */
export function lowerInverse (inv: StaticArray<f64>, io: i32, l: StaticArray<f64>, lo: i32, stride: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    const ri = io + i * stride
    for (let j = 0; j < n; j++) inv[ri + j] = 0.0
    const li = lo + i * stride
    for (let k = 0; k < i; k++) {
      const c = l[li + k]
      if (c != 0.0) axpy(inv, ri, -c, inv, io + k * stride, k + 1)
    }
    inv[ri + i] += 1.0
    const s = 1.0 / l[li + i]
    for (let j = 0; j <= i; j++) inv[ri + j] *= s
  }
}

/**
 * Cholesky with a pivot floor (a minimal modified Cholesky): a pivot d ≤ floor is replaced by
 * floor, which adds (floor − d) to that diagonal entry. Returns how many pivots were floored.
 * Used inside Newton systems whose residuals are evaluated exactly, where such a regularization
 * only perturbs the step. In place allowed (l = a, lo = ao). `invd` (≥ n entries) receives
 * 1/L_jj (multiplications instead of divisions in the inner loop).
 */
export function choleskyFactorFloor (l: StaticArray<f64>, lo: i32, a: StaticArray<f64>, ao: i32, stride: i32, n: i32, floor: f64, invd: StaticArray<f64>): i32 {
  let floored = 0
  let i = 0
  // two rows at a time: each earlier row L_j is read once for both (dot2)
  for (; i + 1 < n; i += 2) {
    const ri = lo + i * stride
    const r1 = ri + stride
    const ai = ao + i * stride
    const a1 = ai + stride
    for (let j = 0; j < i; j++) {
      dot2(l, ri, r1, lo + j * stride, j)
      const inv = invd[j]
      l[ri + j] = (a[ai + j] - dot2A) * inv
      l[r1 + j] = (a[a1 + j] - dot2B) * inv
    }
    let d = a[ai + i] - dot(l, ri, l, ri, i)
    if (!(d > floor)) { d = floor; floored++ }
    let sq = Math.sqrt(d)
    l[ri + i] = sq
    invd[i] = 1.0 / sq
    l[r1 + i] = (a[a1 + i] - dot(l, r1, l, ri, i)) * invd[i]
    d = a[a1 + i + 1] - dot(l, r1, l, r1, i + 1)
    if (!(d > floor)) { d = floor; floored++ }
    sq = Math.sqrt(d)
    l[r1 + i + 1] = sq
    invd[i + 1] = 1.0 / sq
  }
  if (i < n) {
    const ri = lo + i * stride
    const ai = ao + i * stride
    for (let j = 0; j < i; j++) l[ri + j] = (a[ai + j] - dot(l, ri, l, lo + j * stride, j)) * invd[j]
    let d = a[ai + i] - dot(l, ri, l, ri, i)
    if (!(d > floor)) { d = floor; floored++ }
    const sq = Math.sqrt(d)
    l[ri + i] = sq
    invd[i] = 1.0 / sq
  }
  return floored
}
