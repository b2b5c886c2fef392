// The Model and Data of this WASM instance (one robot per instance). Set once by the host-facing
// build export; core code in other areas (estimator, WBC, MPC) reads them from here.
import { Model } from './model'
import { Data } from './data'

let currentModel: Model | null = null
let currentData: Data | null = null

export function setInstance (m: Model, d: Data | null): void {
  currentModel = m
  currentData = d
}

export function hasModel (): bool { return currentModel !== null }
export function hasData (): bool { return currentData !== null }

/** The instance's Model; aborts if none was reserved. */
export function instanceModel (): Model {
  const m = currentModel
  if (m === null) throw new Error('no model: call dynModelReserve first')
  return m
}

/** The instance's Data; aborts if the model was not built. */
export function instanceData (): Data {
  const d = currentData
  if (d === null) throw new Error('no data: call dynModelBuild first')
  return d
}
