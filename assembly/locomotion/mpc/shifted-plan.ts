// The real-time iteration's linearization trajectory: the previous plan read `planAge` seconds later
// (linear interpolation between its stages, held at its last stage), or the reference when there is no
// usable plan; stage 0 is always the measured state. Shared by the SRBD and kinodynamic MPCs.

/**
 * Writes the (N+1) × nx states of `xbar`: from `x_pred` shifted by planAge/dt stages when `warm`, else
 * from `x_ref`; then stage 0 = `x0`.
 */
export function shiftedPlan (xbar: StaticArray<f64>, x_pred: StaticArray<f64>, x_ref: StaticArray<f64>, x0: StaticArray<f64>,
  N: i32, nx: i32, planAge: f64, dt: f64, warm: bool): void {
  for (let k = 0; k <= N; k++) {
    if (warm) {
      const s = planAge / dt + <f64>k
      let k0 = <i32>Math.floor(s)
      let fr = s - <f64>k0
      if (k0 >= N) { k0 = N; fr = 0.0 }
      const k1 = min(k0 + 1, N)
      for (let i = 0; i < nx; i++) xbar[k * nx + i] = (1.0 - fr) * x_pred[k0 * nx + i] + fr * x_pred[k1 * nx + i]
    } else {
      for (let i = 0; i < nx; i++) xbar[k * nx + i] = x_ref[k * nx + i]
    }
  }
  for (let i = 0; i < nx; i++) xbar[i] = x0[i]
}
