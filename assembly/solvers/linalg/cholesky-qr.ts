// One pass of Cholesky QR (Fukaya et al., "CholeskyQR2", 2014: a second pass removes the first
// one's loss of orthogonality) on an n × k matrix W held by columns (column a of W is row a of Wt,
// contiguous):
//   G = WᵀW = L·Lᵀ,   W ← W·L⁻ᵀ   (column a ← (W_a − Σ_{b<a} L_ab·W_b) / L_aa)
// The Gram matrix is formed in 2 × 2 blocks of columns (each loaded column serves two products),
// factored two rows at a time, and each column's triangular update is summed in registers, one
// store per entry instead of one per term. Every entry is summed in the order of dot and axpy
// (dense-kernels.ts), so the result equals the plain dot/axpy loops bit for bit (the factorization:
// choleskyFactor, cholesky.ts).
// Reads and writes Wt; writes the Gram matrix and its factor L into the lower triangle of G.
import { choleskyFactor } from './cholesky'
import { dot } from './dense-kernels'

/** Results of dot2x2. */
let g00: f64 = 0.0
let g01: f64 = 0.0
let g10: f64 = 0.0
let g11: f64 = 0.0

/** g_ij = Σ a_i[t]·b_j[t], t < n (a_0, a_1, b_0, b_1 at byte addresses), each summed as dot sums. */
@inline function dot2x2 (a0: usize, a1: usize, b0: usize, b1: usize, n: i32): void {
  const zero = f64x2.splat(0.0)
  // dot's two accumulators (the first and second pair of each block of four) per product
  let s00 = zero
  let t00 = zero
  let s01 = zero
  let t01 = zero
  let s10 = zero
  let t10 = zero
  let s11 = zero
  let t11 = zero
  let o: usize = 0
  let i = 0
  for (; i + 4 <= n; i += 4) {
    let x0 = v128.load(a0 + o)
    let x1 = v128.load(a1 + o)
    let y0 = v128.load(b0 + o)
    let y1 = v128.load(b1 + o)
    s00 = f64x2.add(s00, f64x2.mul(x0, y0))
    s01 = f64x2.add(s01, f64x2.mul(x0, y1))
    s10 = f64x2.add(s10, f64x2.mul(x1, y0))
    s11 = f64x2.add(s11, f64x2.mul(x1, y1))
    x0 = v128.load(a0 + o, 16)
    x1 = v128.load(a1 + o, 16)
    y0 = v128.load(b0 + o, 16)
    y1 = v128.load(b1 + o, 16)
    t00 = f64x2.add(t00, f64x2.mul(x0, y0))
    t01 = f64x2.add(t01, f64x2.mul(x0, y1))
    t10 = f64x2.add(t10, f64x2.mul(x1, y0))
    t11 = f64x2.add(t11, f64x2.mul(x1, y1))
    o += 32
  }
  s00 = f64x2.add(s00, t00)
  s01 = f64x2.add(s01, t01)
  s10 = f64x2.add(s10, t10)
  s11 = f64x2.add(s11, t11)
  let r00 = f64x2.extract_lane(s00, 0) + f64x2.extract_lane(s00, 1)
  let r01 = f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1)
  let r10 = f64x2.extract_lane(s10, 0) + f64x2.extract_lane(s10, 1)
  let r11 = f64x2.extract_lane(s11, 0) + f64x2.extract_lane(s11, 1)
  for (; i < n; i++) {
    const x0 = load<f64>(a0 + o)
    const x1 = load<f64>(a1 + o)
    const y0 = load<f64>(b0 + o)
    const y1 = load<f64>(b1 + o)
    r00 += x0 * y0
    r01 += x0 * y1
    r10 += x1 * y0
    r11 += x1 * y1
    o += 8
  }
  g00 = r00
  g01 = r01
  g10 = r10
  g11 = r11
}

/**
 * One Cholesky QR pass on W (n × k) held by columns in Wt (k rows of length n at (wt, wo), stride
 * wstride), using the lower triangle of (g, go, gstride) (k × k) for G and L. False, with W
 * unchanged, when a pivot of G is not above pivotMin (columns numerically dependent).
 */
export function choleskyQrPass (wt: StaticArray<f64>, wo: i32, wstride: i32, n: i32, k: i32, g: StaticArray<f64>, go: i32, gstride: i32, pivotMin: f64): bool {
  // ---- G = WᵀW (lower triangle), two columns against two ----
  const base = changetype<usize>(wt) + (<usize>wo << 3)
  const colBytes = <usize>wstride << 3
  let a = 0
  for (; a + 2 <= k; a += 2) {
    const pa = base + <usize>a * colBytes
    const ga = go + a * gstride
    for (let b = 0; b <= a; b += 2) {
      dot2x2(pa, pa + colBytes, base + <usize>b * colBytes, base + <usize>(b + 1) * colBytes, n)
      g[ga + b] = g00
      if (b < a) g[ga + b + 1] = g01
      g[ga + gstride + b] = g10
      g[ga + gstride + b + 1] = g11
    }
  }
  if (a < k) {
    const ga = go + a * gstride
    for (let b = 0; b <= a; b++) g[ga + b] = dot(wt, wo + a * wstride, wt, wo + b * wstride, n)
  }
  if (choleskyFactor(g, go, g, go, gstride, k, pivotMin) != 0) return false
  // ---- W ← W·L⁻ᵀ, column by column, eight entries of the column at a time in registers ----
  for (let c = 0; c < k; c++) {
    const gc = go + c * gstride
    const pc = base + <usize>c * colBytes
    const inv = 1.0 / g[gc + c]
    const vinv = f64x2.splat(inv)
    let i = 0
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 3
      let x0 = v128.load(pc + o)
      let x1 = v128.load(pc + o, 16)
      let x2 = v128.load(pc + o, 32)
      let x3 = v128.load(pc + o, 48)
      for (let b = 0; b < c; b++) {
        const l = g[gc + b]
        if (l == 0.0) continue
        const vl = f64x2.splat(-l)
        const pb = base + <usize>b * colBytes + o
        x0 = f64x2.add(x0, f64x2.mul(vl, v128.load(pb)))
        x1 = f64x2.add(x1, f64x2.mul(vl, v128.load(pb, 16)))
        x2 = f64x2.add(x2, f64x2.mul(vl, v128.load(pb, 32)))
        x3 = f64x2.add(x3, f64x2.mul(vl, v128.load(pb, 48)))
      }
      v128.store(pc + o, f64x2.mul(x0, vinv))
      v128.store(pc + o, f64x2.mul(x1, vinv), 16)
      v128.store(pc + o, f64x2.mul(x2, vinv), 32)
      v128.store(pc + o, f64x2.mul(x3, vinv), 48)
    }
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3
      let x0 = v128.load(pc + o)
      for (let b = 0; b < c; b++) {
        const l = g[gc + b]
        if (l == 0.0) continue
        x0 = f64x2.add(x0, f64x2.mul(f64x2.splat(-l), v128.load(base + <usize>b * colBytes + o)))
      }
      v128.store(pc + o, f64x2.mul(x0, vinv))
    }
    for (; i < n; i++) {
      const o = <usize>i << 3
      let x = load<f64>(pc + o)
      for (let b = 0; b < c; b++) {
        const l = g[gc + b]
        if (l != 0.0) x += -l * load<f64>(base + <usize>b * colBytes + o)
      }
      store<f64>(pc + o, x * inv)
    }
  }
  return true
}
