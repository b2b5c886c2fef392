// What every WBC task reads during one update: model, dynamics data (computed by the controller
// before the tasks run), the measured state, the reference, the contact set and the layout of the
// decision vector x = [qdd (nv); f_world of each stance foot (3·nstance)] (swing feet have no force
// variables: their force is zero by construction).
//
// Data fields filled before the tasks run (whole-body-controller.ts): forwardKinematics(qpos),
// crba → M, nonLinearEffects(qvel) → bias, forwardVelocity(qvel), and per foot frame
// frameJacobian / frameVelocity / frameDrift / frame origin (p_foot_world here).
import { Model } from '../../model/model'
import { Data } from '../../model/data'
import { WbcConfig } from './wbc-config'
import { WbcReference } from './wbc-reference'

export class WbcContext {
  model: Model
  data: Data
  cfg: WbcConfig
  nv: i32
  nj: i32
  nfeet: i32
  /** Decision size this update n = nv + 3·nstance (at most nMax = nv + 3·nfeet); the force of the
   *  s-th stance foot (foot stance[s]), axis c, is column fcol + 3s + c. Rows have stride n. */
  n: i32
  nMax: i32
  fcol: i32
  footFrames: StaticArray<i32>   // (nfeet) frame index of each foot
  qpos: StaticArray<f64>         // (nq) measured state, MuJoCo layout (set by update)
  qvel: StaticArray<f64>         // (nv)
  ref: WbcReference
  R_base_world: StaticArray<f64> = new StaticArray<f64>(9) // world ← base, row-major
  p_foot_world: StaticArray<f64>  // (3·nfeet) foot frame origins [m]
  /** Stance feet this update: count, and the foot index of each stance slot s (in foot order). */
  nstance: i32 = 0
  stance: StaticArray<i32>

  constructor (model: Model, data: Data, cfg: WbcConfig, footFrames: StaticArray<i32>, ref: WbcReference) {
    this.model = model
    this.data = data
    this.cfg = cfg
    this.nv = model.nv
    this.nj = model.nv - 6
    this.nfeet = footFrames.length
    this.fcol = model.nv
    this.n = model.nv
    this.nMax = model.nv + 3 * footFrames.length
    this.footFrames = footFrames
    this.qpos = new StaticArray<f64>(model.nq)
    this.qvel = new StaticArray<f64>(model.nv)
    this.ref = ref
    this.p_foot_world = new StaticArray<f64>(3 * footFrames.length)
    this.stance = new StaticArray<i32>(footFrames.length)
  }

  /** Offset of row 0 (translational) of foot i's frame Jacobian in data.frame_jac (rows of nv). */
  @inline footJacobian (i: i32): i32 {
    return unchecked(this.footFrames[i]) * 6 * this.nv
  }

  @inline isStance (i: i32): bool {
    return unchecked(this.ref.contact[i]) != 0
  }
}
