// Minimal loader of the WASM core for the solvers' host code: instantiates build/release.wasm (or
// build/debug.wasm) and turns an AssemblyScript abort into a JS Error with the decoded message.
// host/core/wasm.ts has the same role for the controller; this one stays self-contained.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

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

/** Decodes an AssemblyScript string (UTF-16LE; byte length stored 4 bytes before the data). */
export function readAsString (memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return ''
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]
  const units = new Uint16Array(memory.buffer, ptr, bytes >>> 1)
  let s = ''
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096))
  return s
}

/** Path of the project's build of the core. */
export function defaultWasmPath (build: Build): string {
  return fileURLToPath(new URL(`../../build/${build}.wasm`, import.meta.url))
}

/**
 * Instantiates the core. `path` overrides the file (e.g. a solvers-only build); otherwise
 * build/<build>.wasm of this checkout.
 */
export async function loadSolvers (build: Build = 'release', path?: string): Promise<SolversWasm> {
  const file = path ?? defaultWasmPath(build)
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = new Uint8Array(readFileSync(file))
  } catch (err) {
    throw new Error(`cannot read the WASM core at ${file} (run 'npm run build:wasm'): ${(err as Error).message}`)
  }
  let memory: WebAssembly.Memory | undefined
  const env: Record<string, (...args: number[]) => unknown> = {
    abort (msgPtr: number, filePtr: number, line: number, col: number): never {
      const msg = memory ? readAsString(memory, msgPtr) : `abort(${msgPtr})`
      const where = memory ? readAsString(memory, filePtr) : ''
      throw new Error(`WASM abort: ${msg} at ${where}:${line}:${col}`)
    }
  }
  const module = await WebAssembly.compile(bytes)
  // Other areas of the core may import more env functions; the solvers never call them.
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'env' && imp.kind === 'function' && !(imp.name in env)) {
      env[imp.name] = () => { throw new Error(`WASM import env.${imp.name} is not provided by the solvers' loader`) }
    }
  }
  const instance = await WebAssembly.instantiate(module, { env })
  const exports = instance.exports as unknown as SolversExports
  memory = exports.memory
  return { exports, build, path: file }
}
