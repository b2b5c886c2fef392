// Dense Cholesky factorization H = L·Lᵀ, row-oriented dot-product form as choleskyFactor
// (cholesky.ts), with rows taken two at a time: for j below both rows, L_ij and L_i+1,j need
// Σ_{t<j} L_it·L_jt and Σ_{t<j} L_i+1,t·L_jt, and one pass over row j serves both (the small
// factorizations of the HQP, k ≤ ~30, are otherwise mostly loop and reduction overhead). Every sum
// runs in dot's order (dense-kernels.ts), so L equals choleskyFactor's bit for bit. Matrices are
// row-major at (buf, off) with row stride `stride`; only lower triangles are read or written.
import { dot } from './dense-kernels'

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
 * above `pivotMin` (not numerically positive definite; L is then partial, and with it row k + 1).
 */
export function choleskyFactorPairs (l: StaticArray<f64>, lo: i32, a: StaticArray<f64>, ao: i32, stride: i32, n: i32, pivotMin: f64): i32 {
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
