// Per-tick reference of the whole-body controller (written by the caller before update()).
// World frame unless named; feet in the order of the controller's footFrames.

export class WbcReference {
  nfeet: i32
  nj: i32
  p_base_des_world: StaticArray<f64> = new StaticArray<f64>(3)     // (3) base origin [m]
  quat_base_des_world: StaticArray<f64> = [1.0, 0.0, 0.0, 0.0]    // (4) wxyz, world ← base
  v_base_des_world: StaticArray<f64> = new StaticArray<f64>(3)     // (3) base origin velocity [m/s]
  omega_base_des_world: StaticArray<f64> = new StaticArray<f64>(3) // (3) [rad/s]
  a_base_ff_world: StaticArray<f64> = new StaticArray<f64>(6)      // (6) feed-forward [linear m/s², angular rad/s²]
  contact: StaticArray<u8>              // (nfeet) 1 = stance this tick
  p_foot_des_world: StaticArray<f64>    // (3·nfeet) swing targets [m] (ignored on stance feet)
  v_foot_des_world: StaticArray<f64>    // (3·nfeet) [m/s]
  a_foot_des_world: StaticArray<f64>    // (3·nfeet) [m/s²]
  f_foot_des_world: StaticArray<f64>    // (3·nfeet) force the ground applies on each foot [N] (MPC)
  q_joint_des: StaticArray<f64>         // (nj) posture target [rad] (e.g. the stand pose)

  constructor (nfeet: i32, nj: i32) {
    this.nfeet = nfeet
    this.nj = nj
    this.contact = new StaticArray<u8>(nfeet)
    this.p_foot_des_world = new StaticArray<f64>(3 * nfeet)
    this.v_foot_des_world = new StaticArray<f64>(3 * nfeet)
    this.a_foot_des_world = new StaticArray<f64>(3 * nfeet)
    this.f_foot_des_world = new StaticArray<f64>(3 * nfeet)
    this.q_joint_des = new StaticArray<f64>(nj)
    for (let i = 0; i < nfeet; i++) this.contact[i] = 1
  }
}
