// Loads the WASM core (build/release.wasm or build/debug.wasm): compiles the Module once per process
// and build, instantiates it with `env.abort` turned into a JS Error that carries the AssemblyScript
// message, file, line and column, and gives zero-copy typed-array views on exported pointers.
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export type CoreBuild = 'release' | 'debug'

export interface CoreOptions {
  /** Which build to load; release is -O3 with unchecked indexing, debug keeps bounds checks and asserts. */
  build?: CoreBuild
  /** Load this .wasm file instead of build/<build>.wasm (a custom or experimental build). */
  wasmPath?: string
}

/** The raw exports of the core: functions plus the linear memory. */
export type CoreExports = Record<string, unknown> & { memory: WebAssembly.Memory }

/** Error raised when the core aborts (assertion, bounds check, explicit throw). */
export class CoreAbortError extends Error {
  constructor (message: string, readonly file: string, readonly line: number, readonly column: number) {
    super(`${message} (${file}:${line}:${column})`)
    this.name = 'CoreAbortError'
  }
}

const moduleCache = new Map<string, Promise<WebAssembly.Module>>()

export function coreWasmPath (build: CoreBuild): string {
  return fileURLToPath(new URL(`../../build/${build}.wasm`, import.meta.url))
}

/** Compiled core Module of a .wasm file (default: build/release.wasm), cached for the process. */
export function compileCore (path: string = coreWasmPath('release')): Promise<WebAssembly.Module> {
  let m = moduleCache.get(path)
  if (m === undefined) {
    if (!existsSync(path)) {
      return Promise.reject(new Error(`${path} not found: run 'npm run build:wasm' first`))
    }
    m = readFile(path).then(async (bytes) => await WebAssembly.compile(bytes))
    moduleCache.set(path, m)
  }
  return m
}

/** Decodes an AssemblyScript string (UTF-16LE; its byte length is stored at ptr − 4). */
export function readAsString (memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return ''
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]
  const units = new Uint16Array(memory.buffer, ptr, bytes >>> 1)
  let s = ''
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096))
  return s
}

/** One instance of the core with its memory and view helpers. */
export class CoreInstance {
  readonly exports: CoreExports
  readonly memory: WebAssembly.Memory
  readonly build: CoreBuild

  constructor (instance: WebAssembly.Instance, build: CoreBuild) {
    this.exports = instance.exports as CoreExports
    this.memory = this.exports.memory
    this.build = build
  }

  /** An exported function by name; throws if the core does not export it. */
  fn<F extends (...args: never[]) => unknown>(name: string): F {
    const f = this.exports[name]
    if (typeof f !== 'function') throw new Error(`the WASM core (${this.build}) has no export '${name}'`)
    return f as F
  }

  f64 (ptr: number, length: number): Float64Array { return new Float64Array(this.memory.buffer, ptr, length) }
  i32 (ptr: number, length: number): Int32Array { return new Int32Array(this.memory.buffer, ptr, length) }
  string (ptr: number): string { return readAsString(this.memory, ptr) }
}

/** Instantiates a fresh core (own memory). */
export async function instantiateCore (opts: CoreOptions = {}): Promise<CoreInstance> {
  const build = opts.build ?? 'release'
  const module = await compileCore(opts.wasmPath ?? coreWasmPath(build))
  let memory: WebAssembly.Memory | null = null
  const imports = {
    env: {
      abort (msgPtr: number, filePtr: number, line: number, column: number): never {
        const msg = memory !== null ? readAsString(memory, msgPtr) : 'abort'
        const file = memory !== null ? readAsString(memory, filePtr) : '?'
        throw new CoreAbortError(msg, file, line, column)
      }
    }
  }
  const instance = await WebAssembly.instantiate(module, imports)
  const core = new CoreInstance(instance, build)
  memory = core.memory
  return core
}

/**
 * Typed-array views on fixed addresses of a core's memory that stay valid when the memory grows
 * (growing detaches the old ArrayBuffer): `get` rebuilds every view when the buffer changed.
 */
export class ViewSet<K extends string> {
  private buffer: ArrayBuffer | null = null
  private readonly views = new Map<K, Float64Array | Int32Array>()

  constructor (private readonly memory: WebAssembly.Memory,
    private readonly specs: ReadonlyMap<K, { ptr: number, length: number, kind: 'f64' | 'i32' }>) {}

  private refresh (): void {
    const buf = this.memory.buffer
    if (buf === this.buffer) return
    this.buffer = buf
    for (const [k, s] of this.specs) {
      this.views.set(k, s.kind === 'f64' ? new Float64Array(buf, s.ptr, s.length) : new Int32Array(buf, s.ptr, s.length))
    }
  }

  f64 (key: K): Float64Array {
    this.refresh()
    const v = this.views.get(key)
    if (!(v instanceof Float64Array)) throw new Error(`no f64 view '${key}'`)
    return v
  }

  i32 (key: K): Int32Array {
    this.refresh()
    const v = this.views.get(key)
    if (!(v instanceof Int32Array)) throw new Error(`no i32 view '${key}'`)
    return v
  }

  has (key: string): key is K { return this.specs.has(key as K) }
}
