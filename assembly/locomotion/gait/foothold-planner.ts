// Footholds: where a swinging foot lands, from a Raibert-style heuristic plus a capture-point
// (velocity-feedback) term, limited by leg reach (Raibert 1986; Di Carlo et al., IROS 2018, eq. 8;
// Kim et al. 2019, "Highly dynamic quadruped locomotion via whole-body impulse control").
// All in the world frame, for touchdown in T_rem seconds:
//
//   yaw_td  = yaw + ω_z,des·T_rem
//   p_hip   = p_base + v_des·T_rem + R_z(yaw_td)·r_hip              (hip's nominal foot position, xy)
//   p_foot  = p_hip + v_des·T_st/2                                  (Raibert: symmetric stance)
//           + k_v·√(h/g)·(v − v_des)                                (capture point)
//           + ½·(h/g)·(v × ω_des)_xy                                (centripetal)
//   |p_foot − p_hip|_xy ≤ r_reach                                   (leg reach)
//   z       = ground height
//
// Reads the base state, command and hip offsets; writes p_foot_world (3). Never allocates.

export class FootholdPlanner {
  /** Capture-point gain k_v (1 = the linear inverted pendulum's capture point). */
  k_capture: f64 = 1.0
  /** Largest horizontal distance of the foothold from the hip's nominal foot position [m]. */
  reach_m: f64 = 0.16
  g: f64 = 9.81

  /**
   * Foothold of one foot into out[oo..oo+3].
   * p_base (3), v_base (3) world; yaw [rad]; v_des (3, world; z ignored), wz_des [rad/s];
   * r_hip_body (3) the foot's nominal position in the base frame (only x, y used); t_rem, t_stance [s];
   * h [m] base height above the ground; ground_z [m].
   */
  plan (out: StaticArray<f64>, oo: i32, p_base: StaticArray<f64>, v_base: StaticArray<f64>, yaw: f64,
    v_des: StaticArray<f64>, wz_des: f64, r_hip_body: StaticArray<f64>, ro: i32, t_rem: f64, t_stance: f64,
    h: f64, ground_z: f64): void {
    const yaw_td = yaw + wz_des * t_rem
    const c = Math.cos(yaw_td)
    const s = Math.sin(yaw_td)
    const rx = r_hip_body[ro]
    const ry = r_hip_body[ro + 1]
    const hx = p_base[0] + v_des[0] * t_rem + c * rx - s * ry
    const hy = p_base[1] + v_des[1] * t_rem + s * rx + c * ry
    const hg = h > 0.0 ? h / this.g : 0.0
    const kc = this.k_capture * Math.sqrt(hg)
    // v × ω for ω = (0, 0, ω_z): (v_y ω_z, −v_x ω_z)
    let dx = 0.5 * v_des[0] * t_stance + kc * (v_base[0] - v_des[0]) + 0.5 * hg * v_base[1] * wz_des
    let dy = 0.5 * v_des[1] * t_stance + kc * (v_base[1] - v_des[1]) - 0.5 * hg * v_base[0] * wz_des
    const d = Math.sqrt(dx * dx + dy * dy)
    if (d > this.reach_m) {
      const k = this.reach_m / d
      dx *= k
      dy *= k
    }
    out[oo] = hx + dx
    out[oo + 1] = hy + dy
    out[oo + 2] = ground_z
  }
}
