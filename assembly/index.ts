// The WASM core's only exports. Each area keeps its exports in its own file, re-exported here.
export * from './dynamics/exports'
export * from './solvers/exports'
export * from './estimation/exports'
export * from './locomotion/mpc/exports'
export * from './locomotion/wbc/exports'
export * from './locomotion/exports'
