// Givens plane rotation (Golub & Van Loan, Matrix Computations §5.1.8) chosen so that
// [c s; −s c]·[a; b] = [r; 0] with r ≥ 0. Results are left in module globals (no allocation).

/** cos of the last rotation. */
export let givensC: f64 = 1.0
/** sin of the last rotation. */
export let givensS: f64 = 0.0
/** r = hypot(a, b) ≥ 0 of the last rotation. */
export let givensR: f64 = 0.0

/** Computes the rotation that maps (a, b) to (r, 0), r ≥ 0; writes givensC/S/R. */
export function givens (a: f64, b: f64): void {
  if (b == 0.0) {
    givensC = a >= 0.0 ? 1.0 : -1.0
    givensS = 0.0
    givensR = Math.abs(a)
    return
  }
  if (a == 0.0) {
    givensC = 0.0
    givensS = b > 0.0 ? 1.0 : -1.0
    givensR = Math.abs(b)
    return
  }
  // scaled hypot: no overflow or underflow for any finite pair
  const aa = Math.abs(a)
  const ab = Math.abs(b)
  let r: f64
  if (aa > ab) {
    const t = ab / aa
    r = aa * Math.sqrt(1.0 + t * t)
  } else {
    const t = aa / ab
    r = ab * Math.sqrt(1.0 + t * t)
  }
  givensC = a / r
  givensS = b / r
  givensR = r
}
