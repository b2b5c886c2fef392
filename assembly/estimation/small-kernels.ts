// Small dense kernels of the estimators: f64x2 SIMD row operations for the covariance updates (offsets in
// elements; WASM allows unaligned v128 access) and a 3×3 inverse. Output first, sizes last; callers keep
// the rows inside their arrays (asserted in the debug build).

/** y[yo .. yo+n] += a·x[xo .. xo+n]. */
@inline export function axpyRow (y: StaticArray<f64>, yo: i32, a: f64, x: StaticArray<f64>, xo: i32, n: i32): void {
  assert(yo >= 0 && xo >= 0 && n >= 0 && yo + n <= y.length && xo + n <= x.length)
  let py = changetype<usize>(y) + (<usize>yo << 3)
  let px = changetype<usize>(x) + (<usize>xo << 3)
  const va = f64x2.splat(a)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    v128.store(py, f64x2.add(v128.load(py), f64x2.mul(va, v128.load(px))))
    py += 16
    px += 16
  }
  if (i < n) store<f64>(py, load<f64>(py) + a * load<f64>(px))
}

/** y[yo .. yo+n] −= a·x[xo ..] + b·u[uo ..] + c·w[wo ..] (three rows of n). */
@inline export function sub3Rows (y: StaticArray<f64>, yo: i32, a: f64, x: StaticArray<f64>, xo: i32, b: f64,
  u: StaticArray<f64>, uo: i32, c: f64, w: StaticArray<f64>, wo: i32, n: i32): void {
  assert(yo >= 0 && n >= 0 && yo + n <= y.length && xo + n <= x.length && uo + n <= u.length && wo + n <= w.length)
  let py = changetype<usize>(y) + (<usize>yo << 3)
  let px = changetype<usize>(x) + (<usize>xo << 3)
  let pu = changetype<usize>(u) + (<usize>uo << 3)
  let pw = changetype<usize>(w) + (<usize>wo << 3)
  const va = f64x2.splat(a)
  const vb = f64x2.splat(b)
  const vc = f64x2.splat(c)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const s = f64x2.add(f64x2.add(f64x2.mul(va, v128.load(px)), f64x2.mul(vb, v128.load(pu))), f64x2.mul(vc, v128.load(pw)))
    v128.store(py, f64x2.sub(v128.load(py), s))
    py += 16; px += 16; pu += 16; pw += 16
  }
  if (i < n) store<f64>(py, load<f64>(py) - (a * load<f64>(px) + b * load<f64>(pu) + c * load<f64>(pw)))
}

/** out = A⁻¹ for a symmetric positive-definite 3×3 A (adjugate / determinant). */
export function inverse3 (out: StaticArray<f64>, A: StaticArray<f64>): void {
  const a = A[0]; const b = A[1]; const c = A[2]
  const d = A[3]; const e = A[4]; const f = A[5]
  const g = A[6]; const h = A[7]; const i = A[8]
  const c00 = e * i - f * h; const c01 = f * g - d * i; const c02 = d * h - e * g
  const det = a * c00 + b * c01 + c * c02
  const inv = 1.0 / det
  out[0] = c00 * inv; out[1] = (c * h - b * i) * inv; out[2] = (b * f - c * e) * inv
  out[3] = c01 * inv; out[4] = (a * i - c * g) * inv; out[5] = (c * d - a * f) * inv
  out[6] = c02 * inv; out[7] = (b * g - a * h) * inv; out[8] = (a * e - b * d) * inv
}
