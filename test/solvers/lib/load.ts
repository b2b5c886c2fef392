// Loads the WASM core for the solver tests: the project's build/<build>.wasm, or the file named
// by CEREBELLUM_SOLVERS_WASM / CEREBELLUM_SOLVERS_WASM_DEBUG (a solvers-only build, for work
// while another area's half-written code breaks `npm run build:wasm`).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadSolvers, type Build, type SolversWasm } from '../../../host/solvers/wasm.ts'

export async function loadForTest (build: Build = 'release'): Promise<SolversWasm> {
  const override = process.env[build === 'release' ? 'CEREBELLUM_SOLVERS_WASM' : 'CEREBELLUM_SOLVERS_WASM_DEBUG']
  return await loadSolvers(build, override !== undefined && override !== '' ? override : undefined)
}

/** ../shared (sibling of the repo root), or null when absent. */
export function sharedDir (): string | null {
  const p = fileURLToPath(new URL('../../../../shared/', import.meta.url))
  return existsSync(p) ? p : null
}
