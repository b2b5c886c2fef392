// Level-1 dense kernels on (buf, off, n) views of StaticArray<f64>, SIMD f64x2 with two
// accumulators (TOOLCHAIN.md: this matches native C on 60×60 factorizations). Output first, sizes
// last. The debug build asserts that every view lies inside its buffer; the release build has no
// checks, so callers own the ranges. Views may not partially overlap unless a kernel says so.

@inline function addr (buf: StaticArray<f64>, off: i32): usize {
  return changetype<usize>(buf) + (<usize>off << 3)
}

@inline function inRange (buf: StaticArray<f64>, off: i32, n: i32): bool {
  return off >= 0 && n >= 0 && off + n <= buf.length
}

/** Σ a[ao+i]·b[bo+i], i < n. */
@inline export function dot (a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32, n: i32): f64 {
  assert(inRange(a, ao, n) && inRange(b, bo, n))
  let pa = addr(a, ao)
  let pb = addr(b, bo)
  let acc0 = f64x2.splat(0.0)
  let acc1 = f64x2.splat(0.0)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(pa), v128.load(pb)))
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(pa, 16), v128.load(pb, 16)))
    pa += 32
    pb += 32
  }
  acc0 = f64x2.add(acc0, acc1)
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1)
  for (; i < n; i++) {
    s += load<f64>(pa) * load<f64>(pb)
    pa += 8
    pb += 8
  }
  return s
}

/** x[ao+i] += a·x[co+i], x[bo+i] += b·x[co+i], i < n: two axpys sharing the source vector. */
@inline export function axpy2 (x: StaticArray<f64>, ao: i32, a: f64, bo: i32, b: f64, co: i32, n: i32): void {
  assert(inRange(x, ao, n) && inRange(x, bo, n) && inRange(x, co, n))
  let pa = addr(x, ao)
  let pb = addr(x, bo)
  let pc = addr(x, co)
  const va = f64x2.splat(a)
  const vb = f64x2.splat(b)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const c = v128.load(pc)
    v128.store(pa, f64x2.add(v128.load(pa), f64x2.mul(va, c)))
    v128.store(pb, f64x2.add(v128.load(pb), f64x2.mul(vb, c)))
    pa += 16
    pb += 16
    pc += 16
  }
  if (i < n) {
    const c = load<f64>(pc)
    store<f64>(pa, load<f64>(pa) + a * c)
    store<f64>(pb, load<f64>(pb) + b * c)
  }
}

/** Results of dot2. */
export let dot2A: f64 = 0.0
export let dot2B: f64 = 0.0

/**
 * Two dot products against one shared vector in one pass: dot2A = Σ a[ao+i]·c[co+i],
 * dot2B = Σ b[bo+i]·c[co+i], i < n (all views in the same buffer x).
 */
@inline export function dot2 (x: StaticArray<f64>, ao: i32, bo: i32, co: i32, n: i32): void {
  assert(inRange(x, ao, n) && inRange(x, bo, n) && inRange(x, co, n))
  let pa = addr(x, ao)
  let pb = addr(x, bo)
  let pc = addr(x, co)
  let sa = f64x2.splat(0.0)
  let sb = f64x2.splat(0.0)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const c = v128.load(pc)
    sa = f64x2.add(sa, f64x2.mul(v128.load(pa), c))
    sb = f64x2.add(sb, f64x2.mul(v128.load(pb), c))
    pa += 16
    pb += 16
    pc += 16
  }
  let ra = f64x2.extract_lane(sa, 0) + f64x2.extract_lane(sa, 1)
  let rb = f64x2.extract_lane(sb, 0) + f64x2.extract_lane(sb, 1)
  if (i < n) {
    const c = load<f64>(pc)
    ra += load<f64>(pa) * c
    rb += load<f64>(pb) * c
  }
  dot2A = ra
  dot2B = rb
}

/** y[yo+i] += alpha·x[xo+i], i < n. y and x may be the same view. */
@inline export function axpy (y: StaticArray<f64>, yo: i32, alpha: f64, x: StaticArray<f64>, xo: i32, n: i32): void {
  assert(inRange(y, yo, n) && inRange(x, xo, n))
  let py = addr(y, yo)
  let px = addr(x, xo)
  const va = f64x2.splat(alpha)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    v128.store(py, f64x2.add(v128.load(py), f64x2.mul(va, v128.load(px))))
    v128.store(py, f64x2.add(v128.load(py, 16), f64x2.mul(va, v128.load(px, 16))), 16)
    py += 32
    px += 32
  }
  for (; i < n; i++) {
    store<f64>(py, load<f64>(py) + alpha * load<f64>(px))
    py += 8
    px += 8
  }
}

/** x[xo+i] *= alpha, i < n. */
export function scal (x: StaticArray<f64>, xo: i32, alpha: f64, n: i32): void {
  assert(inRange(x, xo, n))
  let p = addr(x, xo)
  const va = f64x2.splat(alpha)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    v128.store(p, f64x2.mul(v128.load(p), va))
    p += 16
  }
  if (i < n) store<f64>(p, load<f64>(p) * alpha)
}

/** y[yo+i] = x[xo+i], i < n (memmove semantics: overlapping views are allowed). */
export function copy (y: StaticArray<f64>, yo: i32, x: StaticArray<f64>, xo: i32, n: i32): void {
  assert(inRange(y, yo, n) && inRange(x, xo, n))
  const py = addr(y, yo)
  const px = addr(x, xo)
  const bytes = <usize>n << 3
  // short views that a forward pass may copy: SIMD moves, cheaper than the engine's call behind
  // memory.copy (~7 ns, measured in V8)
  if (n <= 24 && (py <= px || py >= px + bytes)) {
    let o: usize = 0
    for (; o + 16 <= bytes; o += 16) v128.store(py + o, v128.load(px + o))
    if (o < bytes) store<f64>(py + o, load<f64>(px + o))
    return
  }
  memory.copy(py, px, bytes)
}

/** x[xo+i] = v, i < n. */
export function fill (x: StaticArray<f64>, xo: i32, v: f64, n: i32): void {
  assert(inRange(x, xo, n))
  if (v == 0.0 && n > 32) { memory.fill(addr(x, xo), 0, <usize>n << 3); return }
  // short views: SIMD stores, cheaper than the engine's call behind memory.fill (~7 ns); a zero
  // is written as +0, as memory.fill writes it
  const w = v == 0.0 ? 0.0 : v
  const vw = f64x2.splat(w)
  let p = addr(x, xo)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    v128.store(p, vw)
    p += 16
  }
  if (i < n) store<f64>(p, w)
}

/**
 * y[yo+i] += a0·x[o0+i] + a1·x[o1+i] + a2·x[o2+i] + a3·x[o3+i], i < n: four axpys in one pass over
 * y (rank-4 updates in the Riccati recursion). The x views must not overlap y.
 */
@inline export function axpy4 (y: StaticArray<f64>, yo: i32, x: StaticArray<f64>, a0: f64, o0: i32, a1: f64, o1: i32, a2: f64, o2: i32, a3: f64, o3: i32, n: i32): void {
  assert(inRange(y, yo, n) && inRange(x, o0, n) && inRange(x, o1, n) && inRange(x, o2, n) && inRange(x, o3, n))
  let py = addr(y, yo)
  let p0 = addr(x, o0)
  let p1 = addr(x, o1)
  let p2 = addr(x, o2)
  let p3 = addr(x, o3)
  const v0 = f64x2.splat(a0)
  const v1 = f64x2.splat(a1)
  const v2 = f64x2.splat(a2)
  const v3 = f64x2.splat(a3)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    let acc = v128.load(py)
    acc = f64x2.add(acc, f64x2.mul(v0, v128.load(p0)))
    acc = f64x2.add(acc, f64x2.mul(v1, v128.load(p1)))
    acc = f64x2.add(acc, f64x2.mul(v2, v128.load(p2)))
    acc = f64x2.add(acc, f64x2.mul(v3, v128.load(p3)))
    v128.store(py, acc)
    py += 16; p0 += 16; p1 += 16; p2 += 16; p3 += 16
  }
  if (i < n) store<f64>(py, load<f64>(py) + a0 * load<f64>(p0) + a1 * load<f64>(p1) + a2 * load<f64>(p2) + a3 * load<f64>(p3))
}

/** Plane rotation of two rows: [x; y] ← [c·x + s·y; −s·x + c·y], i < n. */
@inline export function rot (x: StaticArray<f64>, xo: i32, y: StaticArray<f64>, yo: i32, n: i32, c: f64, s: f64): void {
  assert(inRange(x, xo, n) && inRange(y, yo, n))
  let px = addr(x, xo)
  let py = addr(y, yo)
  const vc = f64x2.splat(c)
  const vs = f64x2.splat(s)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const a = v128.load(px)
    const b = v128.load(py)
    v128.store(px, f64x2.add(f64x2.mul(vc, a), f64x2.mul(vs, b)))
    v128.store(py, f64x2.sub(f64x2.mul(vc, b), f64x2.mul(vs, a)))
    px += 16
    py += 16
  }
  if (i < n) {
    const a = load<f64>(px)
    const b = load<f64>(py)
    store<f64>(px, c * a + s * b)
    store<f64>(py, c * b - s * a)
  }
}

/** max |x[xo+i]|, i < n (0 for n = 0; NaN entries propagate as NaN). */
export function amax (x: StaticArray<f64>, xo: i32, n: i32): f64 {
  assert(inRange(x, xo, n))
  let m = 0.0
  for (let i = 0; i < n; i++) {
    const v = Math.abs(x[xo + i])
    if (!(v <= m)) m = v
  }
  return m
}

/** True when every x[xo+i], i < n, is finite. */
export function allFinite (x: StaticArray<f64>, xo: i32, n: i32): bool {
  assert(inRange(x, xo, n))
  // v·0 is 0 for finite v and NaN otherwise; the NaN survives the sum
  // (four accumulators: one would chain every add on the last one's latency)
  let p = addr(x, xo)
  const zero = f64x2.splat(0.0)
  let acc = zero
  let acc1 = zero
  let acc2 = zero
  let acc3 = zero
  let i = 0
  for (; i + 8 <= n; i += 8) {
    acc = f64x2.add(acc, f64x2.mul(v128.load(p), zero))
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(p, 16), zero))
    acc2 = f64x2.add(acc2, f64x2.mul(v128.load(p, 32), zero))
    acc3 = f64x2.add(acc3, f64x2.mul(v128.load(p, 48), zero))
    p += 64
  }
  for (; i + 2 <= n; i += 2) {
    acc = f64x2.add(acc, f64x2.mul(v128.load(p), zero))
    p += 16
  }
  acc = f64x2.add(f64x2.add(acc, acc1), f64x2.add(acc2, acc3))
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)
  if (i < n) s += load<f64>(p) * 0.0
  return s == 0.0
}

/**
 * y = M·x for a row-major rows×cols M at (m, mo) with row stride ms: y[yo+i] = Σ_j M[i][j]·x[xo+j].
 * y must not overlap x.
 */
export function gemv (y: StaticArray<f64>, yo: i32, m: StaticArray<f64>, mo: i32, ms: i32, x: StaticArray<f64>, xo: i32, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) y[yo + i] = dot(m, mo + i * ms, x, xo, cols)
}

/**
 * y = Mᵀ·x for a row-major rows×cols M: y[yo+j] = Σ_i M[i][j]·x[xo+i] (cols outputs). y must not
 * overlap x or M.
 */
export function gemvT (y: StaticArray<f64>, yo: i32, m: StaticArray<f64>, mo: i32, ms: i32, x: StaticArray<f64>, xo: i32, rows: i32, cols: i32): void {
  fill(y, yo, 0.0, cols)
  for (let i = 0; i < rows; i++) {
    const a = x[xo + i]
    if (a != 0.0) axpy(y, yo, a, m, mo + i * ms, cols)
  }
}
