// Loads a user's robot file, URDF or MJCF, into the one host-side RobotDescription.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { RobotFileError, type RobotDescription } from './description.ts'
import { loadMjcf } from './mjcf.ts'
import { loadUrdf } from './urdf.ts'

export { RobotFileError }

export interface LoadOptions {
  /** Force the format; by default it is told from the root element (`<robot>` or `<mujoco>`). */
  format?: 'urdf' | 'mjcf'
}

export async function loadRobot (file: string, opts: LoadOptions = {}): Promise<RobotDescription> {
  const path = resolve(file)
  if (!existsSync(path)) throw new RobotFileError(path, null, null, 'no such file')
  const format = opts.format ?? sniffFormat(path)
  return format === 'urdf' ? loadUrdf(path) : await loadMjcf(path)
}

/** Tells URDF from MJCF by the first element of the document. */
function sniffFormat (path: string): 'urdf' | 'mjcf' {
  const head = readFileSync(path, 'utf8').slice(0, 4096).replace(/<\?[^]*?\?>|<!--[^]*?-->/g, '')
  const m = /<\s*([A-Za-z_][\w:.-]*)/.exec(head)
  if (m?.[1] === 'robot') return 'urdf'
  if (m?.[1] === 'mujoco') return 'mjcf'
  throw new RobotFileError(path, null, m?.[1] ?? null, `neither URDF (<robot>) nor MJCF (<mujoco>): the root element is ${m !== null ? `<${m[1]}>` : 'missing'}`)
}
