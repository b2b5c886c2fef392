// Host-facing exports of the state estimator (re-exported by assembly/index.ts). One estimator per
// instance, on the instance's Model (model/instance.ts); host/estimation/estimator.ts drives it.
//
// Life cycle: estCreate(nfeet) allocates the Estimator (all of its memory) for the built Model; the
// host finds its arrays by name via estField* (zero-copy views), writes foot frames, joint addresses,
// the IMU frame and the parameters, then calls estBuild (validation). Each tick: write the inputs,
// call estUpdate(dt); read the outputs. estUpdate never allocates.
import { instanceModel, hasData } from '../model/instance'
import { Estimator, EST_NOT_BUILT } from './estimator'
import { PARAM_COUNT, PARAM_NAMES } from './estimator-params'

let current: Estimator | null = null

function est (): Estimator {
  const e = current
  if (e === null) throw new Error('no estimator: call estCreate first')
  return e
}

/** Allocates the estimator of this instance's built Model with `nfeet` feet (any previous one is dropped). */
export function estCreate (nfeet: i32): void {
  assert(nfeet > 0 && nfeet <= 16)
  if (!hasData()) throw new Error('no built model: call dynModelBuild before estCreate')
  const m = instanceModel()
  assert(m.nv > 6, 'the estimator needs a floating base with actuated joints')
  current = new Estimator(m, nfeet)
}

/** Validates the configuration written through the views. Returns EST_* (0 = ok); estStatusIndex names the item. */
export function estBuild (): i32 { return est().build() }

/** Index of the offending item after a failed call (see Estimator.build / update), −1 if none. */
export function estStatusIndex (): i32 { return <i32>est().status[1] }

/** Number of joints the estimator reads (nv − 6). */
export function estJointCount (): i32 { return est().nj }

/** Re-initializes at the next update, base at (x, y) [m], height from the leg kinematics. */
export function estReset (x: f64, y: f64): void { est().reset(x, y) }

/** One update over dt [s] from the inputs. Returns EST_* (0 = ok). */
export function estUpdate (dt: f64): i32 {
  const e = current
  if (e === null) return EST_NOT_BUILT
  return e.update(dt)
}

/** Index of the first parameter out of range, or −1. */
export function estCheckParams (): i32 { return est().checkParams() }

/** Number of parameters and the name of parameter i (AS string pointer). */
export function estParamCount (): i32 { return PARAM_COUNT }
export function estParamName (i: i32): usize { return changetype<usize>(PARAM_NAMES[i]) }

/** The estimator's field table (inputs, outputs, configuration): count, name, pointer, length, kind (0 f64, 1 i32). */
export function estFieldCount (): i32 { return est().fields.count }
export function estFieldName (i: i32): usize { return changetype<usize>(est().fields.names[i]) }
export function estFieldPtr (i: i32): usize { return est().fields.ptrs[i] }
export function estFieldLength (i: i32): i32 { return est().fields.lengths[i] }
export function estFieldKind (i: i32): i32 { return est().fields.kinds[i] }

/** Heap-top probe: two probes around a workload differ by one probe's size when it allocated nothing. */
export function estHeapProbe (): usize { return changetype<usize>(new StaticArray<u8>(0)) }
