// Dense matrix product C = A·B, row-major, row-oriented: row i of C is Σ_j A_ij·B_j (rows of B),
// four columns of C held in registers while j runs, so B is read by contiguous rows and each entry
// of C is stored once. Each entry is summed in the order of dot (dense-kernels.ts: the products
// split by j mod 4, then the tail), so C_ij equals dot(A_i, column j of B) bit for bit.

/**
 * Σ_j v_j·M[j, 0..3] for j < n, stored at out (4 entries): v contiguous at pv, M's rows rowBytes
 * apart from pm. Summed in dot's order (the products split by j mod 4, then the tail), for two
 * lane pairs.
 */
@inline export function vecTimesCols4 (out: usize, pv: usize, pm: usize, rowBytes: usize, n: i32): void {
  const zero = f64x2.splat(0.0)
  let s0x = zero
  let s0y = zero
  let s1x = zero
  let s1y = zero
  let s2x = zero
  let s2y = zero
  let s3x = zero
  let s3y = zero
  let j = 0
  for (; j + 4 <= n; j += 4) {
    let z = v128.load64_splat(pv)
    s0x = f64x2.add(s0x, f64x2.mul(z, v128.load(pm)))
    s0y = f64x2.add(s0y, f64x2.mul(z, v128.load(pm, 16)))
    pm += rowBytes
    z = v128.load64_splat(pv, 8)
    s1x = f64x2.add(s1x, f64x2.mul(z, v128.load(pm)))
    s1y = f64x2.add(s1y, f64x2.mul(z, v128.load(pm, 16)))
    pm += rowBytes
    z = v128.load64_splat(pv, 16)
    s2x = f64x2.add(s2x, f64x2.mul(z, v128.load(pm)))
    s2y = f64x2.add(s2y, f64x2.mul(z, v128.load(pm, 16)))
    pm += rowBytes
    z = v128.load64_splat(pv, 24)
    s3x = f64x2.add(s3x, f64x2.mul(z, v128.load(pm)))
    s3y = f64x2.add(s3y, f64x2.mul(z, v128.load(pm, 16)))
    pm += rowBytes
    pv += 32
  }
  let x = f64x2.add(f64x2.add(s0x, s2x), f64x2.add(s1x, s3x))
  let y = f64x2.add(f64x2.add(s0y, s2y), f64x2.add(s1y, s3y))
  for (; j < n; j++) {
    const z = v128.load64_splat(pv)
    x = f64x2.add(x, f64x2.mul(z, v128.load(pm)))
    y = f64x2.add(y, f64x2.mul(z, v128.load(pm, 16)))
    pv += 8
    pm += rowBytes
  }
  v128.store(out, x)
  v128.store(out, y, 16)
}

/** Σ_j v_j·M[j, 0..1] for j < n (as vecTimesCols4, one lane pair). */
@inline export function vecTimesCols2 (pv: usize, pm: usize, rowBytes: usize, n: i32): v128 {
  const zero = f64x2.splat(0.0)
  let s0 = zero
  let s1 = zero
  let s2 = zero
  let s3 = zero
  let j = 0
  for (; j + 4 <= n; j += 4) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(pv), v128.load(pm)))
    s1 = f64x2.add(s1, f64x2.mul(v128.load64_splat(pv, 8), v128.load(pm + rowBytes)))
    s2 = f64x2.add(s2, f64x2.mul(v128.load64_splat(pv, 16), v128.load(pm + 2 * rowBytes)))
    s3 = f64x2.add(s3, f64x2.mul(v128.load64_splat(pv, 24), v128.load(pm + 3 * rowBytes)))
    pv += 32
    pm += 4 * rowBytes
  }
  let x = f64x2.add(f64x2.add(s0, s2), f64x2.add(s1, s3))
  for (; j < n; j++) {
    x = f64x2.add(x, f64x2.mul(v128.load64_splat(pv), v128.load(pm)))
    pv += 8
    pm += rowBytes
  }
  return x
}

/** Σ_j v_j·M[j, 0] for j < n (as vecTimesCols4, scalar). */
@inline export function vecTimesCol (pv: usize, pm: usize, rowBytes: usize, n: i32): f64 {
  let s0 = 0.0
  let s1 = 0.0
  let s2 = 0.0
  let s3 = 0.0
  let j = 0
  for (; j + 4 <= n; j += 4) {
    s0 += load<f64>(pv) * load<f64>(pm)
    s1 += load<f64>(pv, 8) * load<f64>(pm + rowBytes)
    s2 += load<f64>(pv, 16) * load<f64>(pm + 2 * rowBytes)
    s3 += load<f64>(pv, 24) * load<f64>(pm + 3 * rowBytes)
    pv += 32
    pm += 4 * rowBytes
  }
  let x = (s0 + s2) + (s1 + s3)
  for (; j < n; j++) {
    x += load<f64>(pv) * load<f64>(pm)
    pv += 8
    pm += rowBytes
  }
  return x
}

/**
 * C = A·B: A (m × p at (a, ao), row stride as), B (p × q at (b, bo), stride bs), C (m × q at
 * (c, co), stride cs). C must not overlap A or B.
 */
export function matMul (c: StaticArray<f64>, co: i32, cs: i32, a: StaticArray<f64>, ao: i32, as: i32, b: StaticArray<f64>, bo: i32, bs: i32, m: i32, p: i32, q: i32): void {
  const bBase = changetype<usize>(b) + (<usize>bo << 3)
  const bRow = <usize>bs << 3
  for (let i = 0; i < m; i++) {
    const pa = changetype<usize>(a) + (<usize>(ao + i * as) << 3)
    const pc = changetype<usize>(c) + (<usize>(co + i * cs) << 3)
    let col = 0
    // four columns, then two, then one: row i of A times columns of B (vecTimesCols*)
    for (; col + 4 <= q; col += 4) vecTimesCols4(pc + (<usize>col << 3), pa, bBase + (<usize>col << 3), bRow, p)
    for (; col + 2 <= q; col += 2) v128.store(pc + (<usize>col << 3), vecTimesCols2(pa, bBase + (<usize>col << 3), bRow, p))
    if (col < q) store<f64>(pc + (<usize>col << 3), vecTimesCol(pa, bBase + (<usize>col << 3), bRow, p))
  }
}

/**
 * y = A·x: A (m × p at (a, ao), row stride as), x (p at (x, xo)), y (m at (y, yo)); two rows per
 * pass over x, each y_i summed as dot sums it (so y_i equals dot(A_i, x) bit for bit). y must
 * not overlap A or x.
 */
export function matVec (y: StaticArray<f64>, yo: i32, a: StaticArray<f64>, ao: i32, as: i32, x: StaticArray<f64>, xo: i32, m: i32, p: i32): void {
  const zero = f64x2.splat(0.0)
  const px = changetype<usize>(x) + (<usize>xo << 3)
  const rowBytes = <usize>as << 3
  let i = 0
  for (; i + 2 <= m; i += 2) {
    const p0 = changetype<usize>(a) + (<usize>(ao + i * as) << 3)
    const p1 = p0 + rowBytes
    let s0 = zero
    let t0 = zero
    let s1 = zero
    let t1 = zero
    let o: usize = 0
    let j = 0
    for (; j + 4 <= p; j += 4) {
      const c0 = v128.load(px + o)
      const c1 = v128.load(px + o, 16)
      s0 = f64x2.add(s0, f64x2.mul(v128.load(p0 + o), c0))
      t0 = f64x2.add(t0, f64x2.mul(v128.load(p0 + o, 16), c1))
      s1 = f64x2.add(s1, f64x2.mul(v128.load(p1 + o), c0))
      t1 = f64x2.add(t1, f64x2.mul(v128.load(p1 + o, 16), c1))
      o += 32
    }
    s0 = f64x2.add(s0, t0)
    s1 = f64x2.add(s1, t1)
    let r0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1)
    let r1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1)
    for (; j < p; j++) {
      const c = load<f64>(px + o)
      r0 += load<f64>(p0 + o) * c
      r1 += load<f64>(p1 + o) * c
      o += 8
    }
    y[yo + i] = r0
    y[yo + i + 1] = r1
  }
  if (i < m) {
    const p0 = changetype<usize>(a) + (<usize>(ao + i * as) << 3)
    let s0 = zero
    let t0 = zero
    let o: usize = 0
    let j = 0
    for (; j + 4 <= p; j += 4) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(p0 + o), v128.load(px + o)))
      t0 = f64x2.add(t0, f64x2.mul(v128.load(p0 + o, 16), v128.load(px + o, 16)))
      o += 32
    }
    s0 = f64x2.add(s0, t0)
    let r0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1)
    for (; j < p; j++) {
      r0 += load<f64>(p0 + o) * load<f64>(px + o)
      o += 8
    }
    y[yo + i] = r0
  }
}

/**
 * y = Aᵀ·x: A (m × p at (a, ao), row stride as), x (m), y (p); y_b = Σ_i x_i·A_ib summed over i
 * in order from 0 (as row-by-row axpys would; rows with x_i = 0 add exact zeros for a finite A),
 * eight entries of y at a time in registers. y must not overlap A or x.
 */
export function matTVec (y: StaticArray<f64>, yo: i32, a: StaticArray<f64>, ao: i32, as: i32, x: StaticArray<f64>, xo: i32, m: i32, p: i32): void {
  const zero = f64x2.splat(0.0)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  const px = changetype<usize>(x) + (<usize>xo << 3)
  const rowBytes = <usize>as << 3
  let b = 0
  for (; b + 8 <= p; b += 8) {
    let y0 = zero
    let y1 = zero
    let y2 = zero
    let y3 = zero
    let pr = pa + (<usize>b << 3)
    for (let i = 0; i < m; i++) {
      const c = v128.load64_splat(px + (<usize>i << 3))
      y0 = f64x2.add(y0, f64x2.mul(c, v128.load(pr)))
      y1 = f64x2.add(y1, f64x2.mul(c, v128.load(pr, 16)))
      y2 = f64x2.add(y2, f64x2.mul(c, v128.load(pr, 32)))
      y3 = f64x2.add(y3, f64x2.mul(c, v128.load(pr, 48)))
      pr += rowBytes
    }
    const o = changetype<usize>(y) + (<usize>(yo + b) << 3)
    v128.store(o, y0)
    v128.store(o, y1, 16)
    v128.store(o, y2, 32)
    v128.store(o, y3, 48)
  }
  for (; b + 2 <= p; b += 2) {
    let y0 = zero
    let pr = pa + (<usize>b << 3)
    for (let i = 0; i < m; i++) {
      y0 = f64x2.add(y0, f64x2.mul(v128.load64_splat(px + (<usize>i << 3)), v128.load(pr)))
      pr += rowBytes
    }
    v128.store(changetype<usize>(y) + (<usize>(yo + b) << 3), y0)
  }
  if (b < p) {
    let v = 0.0
    for (let i = 0; i < m; i++) v += x[xo + i] * a[ao + i * as + b]
    y[yo + b] = v
  }
}
