// The solver exports of the WASM core, typed, on an instance from host/core/wasm.ts (which turns an
// AssemblyScript abort into a CoreAbortError carrying the message and source position).
import { coreWasmPath, instantiateCore } from '../core/wasm.ts'

/** The solver exports this host code calls (assembly/solvers/exports.ts). */
export interface SolversExports {
  memory: WebAssembly.Memory
  solversHeapProbe: () => number
  qpCreate: (nMax: number, meMax: number, mcMax: number) => number
  qpSetDims: (h: number, n: number, me: number, mc: number) => void
  qpField: (h: number, f: number) => number
  qpRun: (h: number) => number
  qpInfo: (h: number, i: number) => number
  qpSetOption: (h: number, i: number, v: number) => void
  qpResetWarm: (h: number) => void
  hqpCreate: (nMax: number, levelsMax: number, meMax: number, mcMax: number) => number
  hqpSetDims: (h: number, n: number, levels: number) => void
  hqpSetLevel: (h: number, k: number, me: number, mc: number) => void
  hqpField: (h: number, f: number) => number
  hqpRun: (h: number) => number
  hqpInfo: (h: number, i: number) => number
  hqpLevelRows: (h: number, k: number, what: number) => number
  hqpSetOption: (h: number, i: number, v: number) => void
  hqpResetWarm: (h: number) => void
  ocpCreate: (N: number, nxMax: number, nuMax: number, ngMax: number, neMax: number) => number
  ocpSetHorizon: (h: number, N: number, nx: number, x0Fixed: number) => void
  ocpSetStage: (h: number, k: number, nu: number, ng: number, ne: number) => void
  ocpField: (h: number, f: number, k: number) => number
  ocpRun: (h: number) => number
  ocpInfo: (h: number, i: number) => number
  ocpSetOption: (h: number, i: number, v: number) => void
  ocpResetWarm: (h: number) => void
}

export type Build = 'release' | 'debug'

export interface SolversWasm {
  exports: SolversExports
  build: Build
  path: string
}

/** Instantiates the core: build/<build>.wasm of this checkout, or the file at `path`. */
export async function loadSolvers (build: Build = 'release', path?: string): Promise<SolversWasm> {
  const file = path ?? coreWasmPath(build)
  const core = await instantiateCore({ build, wasmPath: file })
  return { exports: core.exports as unknown as SolversExports, build, path: file }
}
