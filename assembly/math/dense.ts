// Small dense kernels on row-major f64 storage, f64x2 SIMD with two accumulators.
// Output first, sizes last; bounds are asserted (debug build) before the raw SIMD loads.

/** Σ a[ao+i]·b[bo+i] for i < n. */
@inline export function dot (a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32, n: i32): f64 {
  assert(ao >= 0 && bo >= 0 && n >= 0 && ao + n <= a.length && bo + n <= b.length)
  let pa = changetype<usize>(a) + (<usize>ao << 3)
  let pb = changetype<usize>(b) + (<usize>bo << 3)
  let acc0 = f64x2.splat(0.0)
  let acc1 = f64x2.splat(0.0)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(pa), v128.load(pb)))
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(pa, 16), v128.load(pb, 16)))
    pa += 32
    pb += 32
  }
  if (i + 2 <= n) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(pa), v128.load(pb)))
    pa += 16
    pb += 16
    i += 2
  }
  acc0 = f64x2.add(acc0, acc1)
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1)
  if (i < n) s += load<f64>(pa) * load<f64>(pb)
  return s
}

/** y[yo .. yo+m] = A·x, A m×n row-major at A[ao], x at x[xo]. */
export function matVec (y: StaticArray<f64>, yo: i32, A: StaticArray<f64>, ao: i32, x: StaticArray<f64>, xo: i32, m: i32, n: i32): void {
  assert(yo + m <= y.length && ao + m * n <= A.length)
  for (let r = 0; r < m; r++) unchecked(y[yo + r] = dot(A, ao + r * n, x, xo, n))
}

/** y[yo .. yo+n] = Aᵀ·x, A m×n row-major at A[ao], x (m) at x[xo]. */
export function matTVec (y: StaticArray<f64>, yo: i32, A: StaticArray<f64>, ao: i32, x: StaticArray<f64>, xo: i32, m: i32, n: i32): void {
  assert(yo + n <= y.length && ao + m * n <= A.length && xo + m <= x.length)
  for (let c = 0; c < n; c++) unchecked(y[yo + c] = 0.0)
  for (let r = 0; r < m; r++) {
    const xr = unchecked(x[xo + r])
    if (xr == 0.0) continue
    const row = ao + r * n
    for (let c = 0; c < n; c++) unchecked(y[yo + c] += A[row + c] * xr)
  }
}

/** C (m×n) = A (m×k) · B (k×n), all row-major and contiguous; C must not alias A or B. */
export function matMul (C: StaticArray<f64>, A: StaticArray<f64>, B: StaticArray<f64>, m: i32, k: i32, n: i32): void {
  assert(C.length >= m * n && A.length >= m * k && B.length >= k * n)
  for (let i = 0; i < m * n; i++) unchecked(C[i] = 0.0)
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = unchecked(A[i * k + p])
      if (a == 0.0) continue
      const brow = p * n
      const crow = i * n
      for (let j = 0; j < n; j++) unchecked(C[crow + j] += a * B[brow + j])
    }
  }
}
