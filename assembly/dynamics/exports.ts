// Host-facing exports of the dynamics (re-exported by assembly/index.ts). They only wrap the AS
// algorithms on this instance's Model/Data (model/instance.ts) for host/core/dynamics.ts; core code
// calls the algorithms directly.
//
// Model transfer: dynModelReserve(counts) allocates a Model; the host finds each array by name via
// dynField* (zero-copy views), fills the spec fields and calls dynModelBuild, which validates, derives
// and allocates the Data. All allocation happens there; dynCompute and the solves never allocate.
import { Model, buildModel, MODEL_OK } from '../model/model'
import { Data } from '../model/data'
import { FieldTable } from '../model/field-table'
import { setInstance, instanceModel, instanceData, hasData } from '../model/instance'
import { forwardKinematics } from './forward-kinematics'
import { framePlacement } from './frame-placement'
import { frameJacobian } from './frame-jacobian'
import { forwardVelocity } from './forward-velocity'
import { frameVelocity } from './frame-velocity'
import { frameDrift } from './frame-drift'
import { crba } from './crba'
import { rnea, nonLinearEffects, generalizedGravity } from './rnea'
import { centroidalMap, centroidalMomentum, centroidalDrift } from './centroidal'
import { factorMassMatrix, solveMassMatrix } from './mass-matrix-factor'

/** dynCompute flags (host/core/dynamics.ts mirrors them). */
export const DYN_POSITION: i32 = 1       // forwardKinematics(qpos)
export const DYN_FRAMES: i32 = 2         // framePlacement of the active frames
export const DYN_JACOBIANS: i32 = 4      // frameJacobian of the active frames
export const DYN_VELOCITY: i32 = 8       // forwardVelocity(qvel), frameVelocity + frameDrift of the active frames
export const DYN_CRBA: i32 = 16          // crba → M
export const DYN_BIAS: i32 = 32          // nonLinearEffects(qvel) → bias
export const DYN_RNEA: i32 = 64          // rnea(qvel, qacc) → tau
export const DYN_GRAVITY: i32 = 128      // generalizedGravity → gravity_torque
export const DYN_CENTROIDAL: i32 = 256   // centroidalMap, centroidalMomentum(qvel) → com, com_jac, A_g, h_g
export const DYN_CENTROIDAL_DRIFT: i32 = 512 // centroidalDrift (runs forwardVelocity when DYN_VELOCITY is off)
export const DYN_FACTOR: i32 = 1024      // factorMassMatrix (needs DYN_CRBA in the same or an earlier call)

/** Allocates a Model of these sizes as this instance's model (any previous one is dropped). */
export function dynModelReserve (nlink: i32, nbody: i32, nframe: i32, nq: i32, nv: i32): void {
  assert(nlink > 0 && nbody >= 0 && nframe >= 0 && nq >= 0 && nv >= 0)
  setInstance(new Model(nlink, nbody, nframe, nq, nv), null)
}

/** Validates and derives the reserved Model, then allocates its Data. Returns MODEL_* (0 = ok). */
export function dynModelBuild (): i32 {
  const m = instanceModel()
  const code = buildModel(m)
  if (code != MODEL_OK) return code
  setInstance(m, new Data(m))
  return MODEL_OK
}

/** Offending link/body/frame/coordinate index after a failed dynModelBuild. */
export function dynModelErrorIndex (): i32 { return instanceModel().error_index }

/** Σ link masses [kg]. */
export function dynMassTotal (): f64 { return instanceModel().mass_total }

function table (which: i32): FieldTable {
  if (which == 0) return instanceModel().fields
  if (!hasData()) throw new Error('Data fields requested before dynModelBuild')
  return instanceData().fields
}

/** Number of arrays of the Model (which = 0) or the Data (which = 1). */
export function dynFieldCount (which: i32): i32 { return table(which).count }
/** Name of field i (pointer to an AS string: UTF-16, byte length at ptr − 4). */
export function dynFieldName (which: i32, i: i32): usize { return changetype<usize>(table(which).names[i]) }
/** Byte address of field i's first element. */
export function dynFieldPtr (which: i32, i: i32): usize { return table(which).ptrs[i] }
/** Element count of field i. */
export function dynFieldLength (which: i32, i: i32): i32 { return table(which).lengths[i] }
/** Element type of field i: 0 = f64, 1 = i32. */
export function dynFieldKind (which: i32, i: i32): i32 { return table(which).kinds[i] }

/**
 * Runs the stages selected by `flags` (DYN_*) on data.qpos/qvel/qacc, in dependency order.
 * Returns 0, or the factorMassMatrix status when DYN_FACTOR fails.
 */
export function dynCompute (flags: i32): i32 {
  const m = instanceModel()
  const d = instanceData()
  if ((flags & DYN_POSITION) != 0) forwardKinematics(m, d, d.qpos)
  const nf = m.nframe
  if ((flags & DYN_FRAMES) != 0) {
    for (let f = 0; f < nf; f++) if (unchecked(d.frame_active[f]) != 0) framePlacement(m, d, f)
  }
  if ((flags & DYN_JACOBIANS) != 0) {
    for (let f = 0; f < nf; f++) if (unchecked(d.frame_active[f]) != 0) frameJacobian(m, d, f)
  }
  if ((flags & DYN_VELOCITY) != 0) {
    forwardVelocity(m, d, d.qvel)
    for (let f = 0; f < nf; f++) {
      if (unchecked(d.frame_active[f]) != 0) {
        frameVelocity(m, d, f)
        frameDrift(m, d, f)
      }
    }
  }
  if ((flags & DYN_CRBA) != 0) crba(m, d)
  if ((flags & DYN_BIAS) != 0) nonLinearEffects(m, d, d.qvel)
  if ((flags & DYN_RNEA) != 0) rnea(m, d, d.qvel, d.qacc)
  if ((flags & DYN_GRAVITY) != 0) generalizedGravity(m, d)
  if ((flags & DYN_CENTROIDAL) != 0) {
    centroidalMap(m, d)
    centroidalMomentum(m, d, d.qvel)
  }
  if ((flags & DYN_CENTROIDAL_DRIFT) != 0) {
    if ((flags & DYN_VELOCITY) == 0) forwardVelocity(m, d, d.qvel)
    centroidalDrift(m, d)
  }
  if ((flags & DYN_FACTOR) != 0) return factorMassMatrix(m, d)
  return 0
}

/** data.solve_x ← M⁻¹·data.solve_x. Requires a successful DYN_FACTOR. */
export function dynSolveM (): void {
  solveMassMatrix(instanceModel(), instanceData(), instanceData().solve_x)
}

/**
 * Address of a fresh zero-length allocation: two probes around a workload differ by exactly one
 * probe's size when the workload allocated nothing (the stub runtime only bumps a pointer).
 */
export function dynHeapProbe (): usize {
  return changetype<usize>(new StaticArray<u8>(0))
}
