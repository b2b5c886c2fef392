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
import { dot, dot2, dot2A, dot2B, axpy, axpy2, fill, scal } from './dense-kernels'
import { vecTimesCols4, vecTimesCols2, vecTimesCol } from './mat-mul'

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
      swapRows(d, ra, rb, nc)
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
      scal(d, rk + 1, sc, len - 1)
      d[rk] = beta
    }
    tau[k] = t
    if (t != 0.0) {
      // apply H_k to rows k+1..m−1 (columns k..nc−1), four then two rows per pass over v (each
      // row summed as dot2 sums it), downdate norms
      let j = k + 1
      const pv = changetype<usize>(d) + (<usize>(rk + 1) << 3)
      const rowBytes = <usize>stride << 3
      for (; j + 3 < m; j += 4) {
        const r0 = dof + j * stride + k
        const r1 = r0 + stride
        const r2 = r1 + stride
        const r3 = r2 + stride
        const p0 = changetype<usize>(d) + (<usize>(r0 + 1) << 3)
        dotRows4(p0, p0 + rowBytes, p0 + 2 * rowBytes, p0 + 3 * rowBytes, pv, len - 1)
        const w0 = d[r0] + dotR0
        const w1 = d[r1] + dotR1
        const w2 = d[r2] + dotR2
        const w3 = d[r3] + dotR3
        d[r0] -= t * w0
        d[r1] -= t * w1
        d[r2] -= t * w2
        d[r3] -= t * w3
        axpyRows4(p0, -t * w0, p0 + rowBytes, -t * w1, p0 + 2 * rowBytes, -t * w2, p0 + 3 * rowBytes, -t * w3, pv, len - 1)
        downdate(vn, vref, j, d[r0], d, r0 + 1, len - 1)
        downdate(vn, vref, j + 1, d[r1], d, r1 + 1, len - 1)
        downdate(vn, vref, j + 2, d[r2], d, r2 + 1, len - 1)
        downdate(vn, vref, j + 3, d[r3], d, r3 + 1, len - 1)
      }
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

/** Exchanges d[a..a+n) and d[b..b+n) (disjoint), two entries at a time. */
@inline function swapRows (d: StaticArray<f64>, a: i32, b: i32, n: i32): void {
  const pa = changetype<usize>(d) + (<usize>a << 3)
  const pb = changetype<usize>(d) + (<usize>b << 3)
  let o: usize = 0
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const t = v128.load(pa + o)
    v128.store(pa + o, v128.load(pb + o))
    v128.store(pb + o, t)
    o += 16
  }
  if (i < n) {
    const t = load<f64>(pa + o)
    store<f64>(pa + o, load<f64>(pb + o))
    store<f64>(pb + o, t)
  }
}

/** Results of dotRows4. */
let dotR0: f64 = 0.0
let dotR1: f64 = 0.0
let dotR2: f64 = 0.0
let dotR3: f64 = 0.0

/**
 * Four dot products of rows (byte addresses p0..p3) with v (pv), n entries each, every one summed
 * as dot2 sums it (one lane pair, then the odd entry): the four-row pass equals two dot2 passes.
 */
@inline function dotRows4 (p0: usize, p1: usize, p2: usize, p3: usize, pv: usize, n: i32): void {
  let s0 = f64x2.splat(0.0)
  let s1 = s0
  let s2 = s0
  let s3 = s0
  let o: usize = 0
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const c = v128.load(pv + o)
    s0 = f64x2.add(s0, f64x2.mul(v128.load(p0 + o), c))
    s1 = f64x2.add(s1, f64x2.mul(v128.load(p1 + o), c))
    s2 = f64x2.add(s2, f64x2.mul(v128.load(p2 + o), c))
    s3 = f64x2.add(s3, f64x2.mul(v128.load(p3 + o), c))
    o += 16
  }
  let r0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1)
  let r1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1)
  let r2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1)
  let r3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1)
  if (i < n) {
    const c = load<f64>(pv + o)
    r0 += load<f64>(p0 + o) * c
    r1 += load<f64>(p1 + o) * c
    r2 += load<f64>(p2 + o) * c
    r3 += load<f64>(p3 + o) * c
  }
  dotR0 = r0
  dotR1 = r1
  dotR2 = r2
  dotR3 = r3
}

/** row_q[i] += a_q·v[i], i < n, for four rows (byte addresses) sharing v. */
@inline function axpyRows4 (p0: usize, a0: f64, p1: usize, a1: f64, p2: usize, a2: f64, p3: usize, a3: f64, pv: usize, n: i32): void {
  const v0 = f64x2.splat(a0)
  const v1 = f64x2.splat(a1)
  const v2 = f64x2.splat(a2)
  const v3 = f64x2.splat(a3)
  let o: usize = 0
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const c = v128.load(pv + o)
    v128.store(p0 + o, f64x2.add(v128.load(p0 + o), f64x2.mul(v0, c)))
    v128.store(p1 + o, f64x2.add(v128.load(p1 + o), f64x2.mul(v1, c)))
    v128.store(p2 + o, f64x2.add(v128.load(p2 + o), f64x2.mul(v2, c)))
    v128.store(p3 + o, f64x2.add(v128.load(p3 + o), f64x2.mul(v3, c)))
    o += 16
  }
  if (i < n) {
    const c = load<f64>(pv + o)
    store<f64>(p0 + o, load<f64>(p0 + o) + a0 * c)
    store<f64>(p1 + o, load<f64>(p1 + o) + a1 * c)
    store<f64>(p2 + o, load<f64>(p2 + o) + a2 * c)
    store<f64>(p3 + o, load<f64>(p3 + o) + a3 * c)
  }
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

/**
 * Writes M = Q·[0; I] (nc × (nc − r), row-major at (m, mo), row stride ms) for the first r
 * reflectors: the orthonormal basis of the complement of the factored columns. Each reflector is
 * applied to the whole block, four (then two) columns at a time, instead of r dot/axpy pairs per
 * column (qrApplyQ on unit vectors, whose short vectors leave the loops mostly overhead). Rows < j
 * are still zero when H_j is applied, so row j is written rather than updated. vᵀM is summed in
 * the order of dot's lanes, so M equals the column-by-column result bit for bit.
 */
export function qrNullspaceBasis (m: StaticArray<f64>, mo: i32, ms: i32, d: StaticArray<f64>, dof: i32, stride: i32, nc: i32, tau: StaticArray<f64>, r: i32): void {
  const k = nc - r
  if (k <= 0) return
  for (let i = r; i < nc; i++) {
    fill(m, mo + i * ms, 0.0, k)
    m[mo + i * ms + i - r] = 1.0
  }
  const zero = f64x2.splat(0.0)
  const rowBytes = <usize>ms << 3
  for (let j = r - 1; j >= 0; j--) {
    const t = tau[j]
    if (t == 0.0) { fill(m, mo + j * ms, 0.0, k); continue }
    // v_j[j+1..nc−1] (v_j[j] = 1 meets row j, still zero)
    const pv0 = changetype<usize>(d) + (<usize>(dof + j * stride + j + 1) << 3)
    const len = nc - j - 1
    const pj = changetype<usize>(m) + (<usize>(mo + j * ms) << 3)
    const vt = f64x2.splat(t)
    const vnt = f64x2.splat(-t)
    let c = 0
    for (; c + 4 <= k; c += 4) {
      // four columns (two lane pairs x, y) per pass: each v_j entry serves both
      // (w into row j, which is then overwritten with −τ·w)
      const pjc = pj + (<usize>c << 3)
      vecTimesCols4(pjc, pv0, pjc + rowBytes, rowBytes, len)
      const wx = v128.load(pjc)
      const wy = v128.load(pjc, 16)
      v128.store(pjc, f64x2.sub(zero, f64x2.mul(vt, wx)))
      v128.store(pjc, f64x2.sub(zero, f64x2.mul(vt, wy)), 16)
      const ax = f64x2.mul(vnt, wx)
      const ay = f64x2.mul(vnt, wy)
      let pm = pjc + rowBytes
      let pv = pv0
      for (let i = 0; i < len; i++) {
        const v = v128.load64_splat(pv)
        v128.store(pm, f64x2.add(v128.load(pm), f64x2.mul(ax, v)))
        v128.store(pm, f64x2.add(v128.load(pm, 16), f64x2.mul(ay, v)), 16)
        pv += 8
        pm += rowBytes
      }
    }
    for (; c + 2 <= k; c += 2) {
      // w = v_jᵀ·M[j+1.., c..c+1]
      const w = vecTimesCols2(pv0, pj + rowBytes + (<usize>c << 3), rowBytes, len)
      // row j = −τ·w; rows i > j += (−τ·w)·v_i
      v128.store(pj + (<usize>c << 3), f64x2.sub(zero, f64x2.mul(vt, w)))
      const a = f64x2.mul(vnt, w)
      let pm = pj + rowBytes + (<usize>c << 3)
      let pv = pv0
      for (let i = 0; i < len; i++) {
        v128.store(pm, f64x2.add(v128.load(pm), f64x2.mul(a, f64x2.splat(load<f64>(pv)))))
        pv += 8
        pm += rowBytes
      }
    }
    if (c < k) {
      const w = vecTimesCol(pv0, pj + rowBytes + (<usize>c << 3), rowBytes, len)
      store<f64>(pj + (<usize>c << 3), 0.0 - t * w)
      const a = -t * w
      let pm = pj + rowBytes + (<usize>c << 3)
      let pv = pv0
      for (let i = 0; i < len; i++) {
        store<f64>(pm, load<f64>(pm) + a * load<f64>(pv))
        pv += 8
        pm += rowBytes
      }
    }
  }
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
