// Reference trajectory over the MPC horizon from the policy's targets: the body twist (vx, vy, wz,
// body frame), body height and roll/pitch, each through a RateLimiter (rate and acceleration limits),
// then integrated forward from the current state with the limited twist held over the horizon.
//
// State layout per stage (12): [roll, pitch, yaw, p_x, p_y, p_z, ω_x, ω_y, ω_z (world), v_x, v_y, v_z
// (world)], the SRBD MPC's layout. Stage k at t + k·dt:
//   yaw_k = yaw_0 + wz·k·dt,  p_xy,k = p_xy,0 + Σ R_z(yaw_j)·v_body·dt,  z_k = height,  v = R_z(yaw_k)·v_body
// yaw_0 and p_xy,0 follow the robot (the reference starts where the robot is, with a tracked
// integrated position that may lead it by at most max_lead so a push is not fought to the end).
//
// Writes x_ref ((N+1) × 12) and the stage-0 targets. Never allocates.
import { RateLimiter } from './rate-limiter'

export const REF_NX: i32 = 12

export class ReferenceTrajectory {
  readonly N: i32
  dt: f64
  readonly vx: RateLimiter = new RateLimiter(1.0, 2.0)
  readonly vy: RateLimiter = new RateLimiter(1.0, 2.0)
  readonly wz: RateLimiter = new RateLimiter(2.0, 4.0)
  readonly height: RateLimiter = new RateLimiter(0.2, 1.0)
  readonly roll: RateLimiter = new RateLimiter(0.5, 2.0)
  readonly pitch: RateLimiter = new RateLimiter(0.5, 2.0)
  /** Largest lead of the integrated reference position over the estimate [m], and of its yaw [rad]. */
  max_lead: f64 = 0.05
  max_yaw_lead: f64 = 0.1
  /** ((N+1) × 12) reference. */
  readonly x_ref: StaticArray<f64>
  /** Integrated reference position (xy) and yaw at stage 0. */
  p_ref_x: f64 = 0.0
  p_ref_y: f64 = 0.0
  yaw_ref: f64 = 0.0
  private started: bool = false

  constructor (N: i32, dt: f64) {
    this.N = N
    this.dt = dt
    this.x_ref = new StaticArray<f64>((N + 1) * REF_NX)
  }

  /** Restarts the reference at the current pose with zero twist. */
  reset (px: f64, py: f64, yaw: f64, height: f64): void {
    this.vx.reset(0.0)
    this.vy.reset(0.0)
    this.wz.reset(0.0)
    this.height.reset(height)
    this.roll.reset(0.0)
    this.pitch.reset(0.0)
    this.p_ref_x = px
    this.p_ref_y = py
    this.yaw_ref = yaw
    this.started = true
  }

  /**
   * One control tick of dt_ctrl [s]: limits the targets (vx, vy [m/s] and wz [rad/s] body frame,
   * height [m], roll, pitch [rad]), advances the stage-0 reference and rebuilds x_ref from the current
   * position (px, py) and yaw.
   */
  update (dt_ctrl: f64, vx: f64, vy: f64, wz: f64, height: f64, roll: f64, pitch: f64,
    px: f64, py: f64, yaw: f64): void {
    if (!this.started) this.reset(px, py, yaw, height)
    const ux = this.vx.step(vx, dt_ctrl)
    const uy = this.vy.step(vy, dt_ctrl)
    const uw = this.wz.step(wz, dt_ctrl)
    const h = this.height.step(height, dt_ctrl)
    const r = this.roll.step(roll, dt_ctrl)
    const pt = this.pitch.step(pitch, dt_ctrl)
    // stage-0 reference: integrate, then keep it within max_lead of the estimate
    let c = Math.cos(this.yaw_ref)
    let s = Math.sin(this.yaw_ref)
    this.p_ref_x += (c * ux - s * uy) * dt_ctrl
    this.p_ref_y += (s * ux + c * uy) * dt_ctrl
    this.yaw_ref += uw * dt_ctrl
    const ex = this.p_ref_x - px
    const ey = this.p_ref_y - py
    const e = Math.sqrt(ex * ex + ey * ey)
    if (e > this.max_lead) {
      this.p_ref_x = px + ex * this.max_lead / e
      this.p_ref_y = py + ey * this.max_lead / e
    }
    let ew = this.yaw_ref - yaw
    ew -= 2.0 * Math.PI * Math.floor((ew + Math.PI) / (2.0 * Math.PI))
    if (ew > this.max_yaw_lead) ew = this.max_yaw_lead
    else if (ew < -this.max_yaw_lead) ew = -this.max_yaw_lead
    this.yaw_ref = yaw + ew
    // horizon
    const x = this.x_ref
    let yk = this.yaw_ref
    let pxk = this.p_ref_x
    let pyk = this.p_ref_y
    for (let k = 0; k <= this.N; k++) {
      c = Math.cos(yk)
      s = Math.sin(yk)
      const o = k * REF_NX
      const vxw = c * ux - s * uy
      const vyw = s * ux + c * uy
      x[o] = r
      x[o + 1] = pt
      x[o + 2] = yk
      x[o + 3] = pxk
      x[o + 4] = pyk
      x[o + 5] = h
      x[o + 6] = 0.0
      x[o + 7] = 0.0
      x[o + 8] = uw
      x[o + 9] = vxw
      x[o + 10] = vyw
      x[o + 11] = 0.0
      pxk += vxw * this.dt
      pyk += vyw * this.dt
      yk += uw * this.dt
    }
  }
}
