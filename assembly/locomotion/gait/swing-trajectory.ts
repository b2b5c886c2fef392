// Swing-foot trajectory: from the lift-off point p0 to the foothold p1 over the swing duration T, with
// an apex h above the higher end. Horizontal motion is one quintic blend; height is two quintic
// segments (up to the apex in the first half, down in the second), so position, velocity and
// acceleration are continuous and velocity and acceleration are zero at lift-off, apex and touchdown.
//
//   b(s)  = 10s³ − 15s⁴ + 6s⁵,  b' = 30s²(1 − s)²,  b'' = 60s(1 − s)(1 − 2s)
//   xy(s) = p0 + b(s)·(p1 − p0)
//   z(s)  = z0 + b(2s)·(z_apex − z0)            s < ½
//         = z_apex + b(2s − 1)·(z1 − z_apex)    s ≥ ½
//   z_apex = max(z0, z1) + h;  time derivatives carry 1/T (xy) and 2/T (z) per order.
//
// Late touchdown (s > 1, still no contact): the foot keeps reaching down from p1 at `search_speed`
// until `search_depth` below it. Writes p, v, a (3 each). Never allocates.

/** Quintic blend b(s) and its derivatives, s clamped to [0, 1]. */
@inline function blend (s0: f64, d: i32): f64 {
  const s = s0 < 0.0 ? 0.0 : s0 > 1.0 ? 1.0 : s0
  if (d == 0) return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)
  if (d == 1) return 30.0 * s * s * (1.0 - s) * (1.0 - s)
  return 60.0 * s * (1.0 - s) * (1.0 - 2.0 * s)
}

export class SwingTrajectory {
  /** Apex height above the higher end point [m]. */
  apex_m: f64 = 0.08
  /** Late touchdown: downward speed and largest depth below the planned foothold [m/s, m]. */
  search_speed: f64 = 0.3
  search_depth: f64 = 0.08

  /**
   * Point of the swing at progress s = t/T (s > 1: late touchdown search). p0, p1 (3, world) read at
   * p0o, p1o; writes p, v, a (3 each) at offset o.
   */
  evaluate (p0: StaticArray<f64>, p0o: i32, p1: StaticArray<f64>, p1o: i32, s: f64, T: f64,
    p: StaticArray<f64>, v: StaticArray<f64>, a: StaticArray<f64>, o: i32): void {
    const iT = T > 0.0 ? 1.0 / T : 0.0
    const b = blend(s, 0)
    const db = s > 1.0 ? 0.0 : blend(s, 1) * iT
    const ddb = s > 1.0 ? 0.0 : blend(s, 2) * iT * iT
    for (let k = 0; k < 2; k++) {
      const d = p1[p1o + k] - p0[p0o + k]
      p[o + k] = p0[p0o + k] + b * d
      v[o + k] = db * d
      a[o + k] = ddb * d
    }
    const z0 = p0[p0o + 2]
    const z1 = p1[p1o + 2]
    const za = (z0 > z1 ? z0 : z1) + this.apex_m
    if (s > 1.0) {
      const depth = (s - 1.0) * T * this.search_speed
      const dz = depth < this.search_depth ? depth : this.search_depth
      p[o + 2] = z1 - dz
      v[o + 2] = depth < this.search_depth ? -this.search_speed : 0.0
      a[o + 2] = 0.0
    } else if (s < 0.5) {
      const u = 2.0 * s
      p[o + 2] = z0 + blend(u, 0) * (za - z0)
      v[o + 2] = blend(u, 1) * 2.0 * iT * (za - z0)
      a[o + 2] = blend(u, 2) * 4.0 * iT * iT * (za - z0)
    } else {
      const u = 2.0 * s - 1.0
      p[o + 2] = za + blend(u, 0) * (z1 - za)
      v[o + 2] = blend(u, 1) * 2.0 * iT * (z1 - za)
      a[o + 2] = blend(u, 2) * 4.0 * iT * iT * (z1 - za)
    }
  }
}
