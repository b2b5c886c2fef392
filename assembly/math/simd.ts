// f64x2 helpers for the short fixed-size blocks of the dynamics (6-vectors, 10-parameter inertias).
// Offsets are in elements; callers guarantee the block lies inside the array (debug asserts it).

/** The two f64 at a[i], a[i+1]. */
@inline export function load2 (a: StaticArray<f64>, i: i32): v128 {
  return v128.load(changetype<usize>(a) + (<usize>i << 3))
}

@inline export function store2 (a: StaticArray<f64>, i: i32, v: v128): void {
  v128.store(changetype<usize>(a) + (<usize>i << 3), v)
}

/** a[ao..ao+6] · b[bo..bo+6]. */
@inline export function dot6 (a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32): f64 {
  assert(ao >= 0 && bo >= 0 && ao + 6 <= a.length && bo + 6 <= b.length)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  const pb = changetype<usize>(b) + (<usize>bo << 3)
  let s = f64x2.mul(v128.load(pa), v128.load(pb))
  s = f64x2.add(s, f64x2.mul(v128.load(pa, 16), v128.load(pb, 16)))
  s = f64x2.add(s, f64x2.mul(v128.load(pa, 32), v128.load(pb, 32)))
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1)
}

/** out[oo..oo+6] = a[ao..ao+6]. */
@inline export function copy6 (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32): void {
  assert(oo >= 0 && ao >= 0 && oo + 6 <= out.length && ao + 6 <= a.length)
  const po = changetype<usize>(out) + (<usize>oo << 3)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  v128.store(po, v128.load(pa))
  v128.store(po, v128.load(pa, 16), 16)
  v128.store(po, v128.load(pa, 32), 32)
}

/** out[oo..oo+6] += a[ao..ao+6]. */
@inline export function add6 (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32): void {
  assert(oo >= 0 && ao >= 0 && oo + 6 <= out.length && ao + 6 <= a.length)
  const po = changetype<usize>(out) + (<usize>oo << 3)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  v128.store(po, f64x2.add(v128.load(po), v128.load(pa)))
  v128.store(po, f64x2.add(v128.load(po, 16), v128.load(pa, 16)), 16)
  v128.store(po, f64x2.add(v128.load(po, 32), v128.load(pa, 32)), 32)
}

/** out[oo..oo+6] += a[ao..ao+6] · s. */
@inline export function axpy6 (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32, s: f64): void {
  assert(oo >= 0 && ao >= 0 && oo + 6 <= out.length && ao + 6 <= a.length)
  const po = changetype<usize>(out) + (<usize>oo << 3)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  const k = f64x2.splat(s)
  v128.store(po, f64x2.add(v128.load(po), f64x2.mul(v128.load(pa), k)))
  v128.store(po, f64x2.add(v128.load(po, 16), f64x2.mul(v128.load(pa, 16), k)), 16)
  v128.store(po, f64x2.add(v128.load(po, 32), f64x2.mul(v128.load(pa, 32), k)), 32)
}

/** out[oo..oo+10] += a[ao..ao+10]. */
@inline export function add10 (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32): void {
  assert(oo >= 0 && ao >= 0 && oo + 10 <= out.length && ao + 10 <= a.length)
  const po = changetype<usize>(out) + (<usize>oo << 3)
  const pa = changetype<usize>(a) + (<usize>ao << 3)
  v128.store(po, f64x2.add(v128.load(po), v128.load(pa)))
  v128.store(po, f64x2.add(v128.load(po, 16), v128.load(pa, 16)), 16)
  v128.store(po, f64x2.add(v128.load(po, 32), v128.load(pa, 32)), 32)
  v128.store(po, f64x2.add(v128.load(po, 48), v128.load(pa, 48)), 48)
  v128.store(po, f64x2.add(v128.load(po, 64), v128.load(pa, 64)), 64)
}

/** out[oo..oo+n] = a[ao..ao+n]. */
@inline export function copyN (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32, n: i32): void {
  assert(oo >= 0 && ao >= 0 && n >= 0 && oo + n <= out.length && ao + n <= a.length)
  memory.copy(changetype<usize>(out) + (<usize>oo << 3), changetype<usize>(a) + (<usize>ao << 3), <usize>n << 3)
}
