// Contact plan over the MPC horizon: stage k (0 ≤ k < N) covers [t + k·dt, t + (k+1)·dt); a foot is
// planned in stance at stage k when the scheduler has it in stance at the stage's middle. Stage 0 uses
// the contact state the controller acts on now (after touchdown handling), so the MPC never plans force
// on a foot that is in the air this tick.
//
// Writes contact[k·nf + i] (N × nf, u8). Never allocates.
import { GaitScheduler } from './gait-scheduler'

/** Fills `contact` (N × nf) from the scheduler; `now` (nf) overrides stage 0. */
export function contactPlan (gs: GaitScheduler, now: StaticArray<u8>, N: i32, dt: f64, contact: StaticArray<u8>): void {
  const nf = gs.nf
  for (let i = 0; i < nf; i++) unchecked(contact[i] = now[i])
  for (let k = 1; k < N; k++) {
    const ahead = (<f64>k + 0.5) * dt
    for (let i = 0; i < nf; i++) unchecked(contact[k * nf + i] = gs.contactAt(i, ahead))
  }
}
