// Compiles an MJCF scene from the host file system with MuJoCo's own compiler.
//
// MuJoCo's WASM build only sees its in-memory file system (MEMFS). A scene usually `<include>`s the
// robot file and may reference meshes, height fields and textures, all resolved by MuJoCo relative to
// the main file's directory (or the compiler's meshdir/texturedir/assetdir). This module copies the main
// file and every file it references, transitively through includes, to the same absolute paths in MEMFS,
// compiles, and removes the copies again. The main file's text can be edited on the way (terrain).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { RobotFileError } from '../robot/description.ts'
import type { Mujoco } from './mujoco.ts'

type MjModel = InstanceType<Mujoco['MjModel']>

/** Largest total size copied into MuJoCo's memory file system (meshes included). */
const MAX_SCENE_BYTES = 256 * 1024 * 1024

interface CompilerDirs { meshdir: string, texturedir: string, assetdir: string }

function attr (tag: string, name: string): string | null {
  const m = tag.match(new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`))
  return m === null ? null : (m[2] ?? m[3] ?? '')
}

function compilerDirs (xml: string, inherited: CompilerDirs): CompilerDirs {
  const tag = xml.match(/<compiler\b[^>]*>/)
  if (tag === null) return inherited
  return {
    meshdir: attr(tag[0], 'meshdir') ?? attr(tag[0], 'assetdir') ?? inherited.meshdir,
    texturedir: attr(tag[0], 'texturedir') ?? attr(tag[0], 'assetdir') ?? inherited.texturedir,
    assetdir: attr(tag[0], 'assetdir') ?? inherited.assetdir
  }
}

/** Every `file="…"` attribute value in the text, comments removed first. */
function referencedFiles (xml: string): string[] {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '')
  const out: string[] = []
  for (const m of text.matchAll(/<(\w+)\b[^>]*?\bfile\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    const value = m[3] ?? m[4] ?? ''
    if (value !== '') out.push(value)
  }
  return out
}

/**
 * Copies `mainPath` and the files it references into MuJoCo's MEMFS at the same absolute paths.
 * `editMain` may rewrite the main file's text. Returns the MEMFS paths written (for `removeFromMujocoFs`).
 * Throws RobotFileError naming the file when the main file is missing or unreadable.
 */
export function copySceneToMujocoFs (mj: Mujoco, mainPath: string, editMain?: (xml: string) => string): string[] {
  const main = resolve(mainPath)
  if (!existsSync(main)) throw new RobotFileError(main, null, null, 'file not found')
  if (!statSync(main).isFile()) throw new RobotFileError(main, null, null, 'not a regular file')
  let mainText: string
  try {
    mainText = readFileSync(main, 'utf8')
  } catch (err) {
    throw new RobotFileError(main, null, null, `cannot read: ${(err as Error).message}`)
  }
  if (!/<mujoco\b/.test(mainText)) {
    throw new RobotFileError(main, null, null, 'not an MJCF file (no <mujoco> element); the plant needs an MJCF scene')
  }
  const mainDir = dirname(main)
  const written: string[] = []
  const seen = new Set<string>()
  let total = 0

  const write = (path: string, content: string | Uint8Array): void => {
    const fs = mj.FS
    fs.mkdirTree(dirname(path), 0o777)
    fs.writeFile(path, content)
    written.push(path)
  }

  const visit = (path: string, text: string, dirs: CompilerDirs): void => {
    const here = compilerDirs(text, dirs)
    for (const ref of referencedFiles(text)) {
      const candidates = isAbsolute(ref)
        ? [ref]
        : [resolve(mainDir, ref), resolve(mainDir, here.meshdir, ref), resolve(mainDir, here.texturedir, ref),
            resolve(mainDir, here.assetdir, ref), resolve(dirname(path), ref)]
      for (const c of candidates) {
        if (seen.has(c) || !existsSync(c) || !statSync(c).isFile()) continue
        seen.add(c)
        const bytes = readFileSync(c)
        total += bytes.length
        if (total > MAX_SCENE_BYTES) {
          throw new RobotFileError(main, null, null, `referenced files exceed ${MAX_SCENE_BYTES >> 20} MB (at ${c})`)
        }
        write(c, bytes)
        if (c.toLowerCase().endsWith('.xml')) visit(c, bytes.toString('utf8'), here)
      }
    }
  }

  seen.add(main)
  const edited = editMain === undefined ? mainText : editMain(mainText)
  visit(main, mainText, { meshdir: '', texturedir: '', assetdir: '' })
  write(main, edited)
  return written
}

/** Removes files written by copySceneToMujocoFs (directories stay; they are empty and cheap). */
export function removeFromMujocoFs (mj: Mujoco, paths: string[]): void {
  for (const p of paths) {
    try { mj.FS.unlink(p) } catch { /* already gone */ }
  }
}

/**
 * Loads an MJCF scene file (with includes and assets) into an MjModel. MuJoCo compile errors become
 * RobotFileError with the file and, when MuJoCo reports it, the line.
 */
export function compileScene (mj: Mujoco, mainPath: string, editMain?: (xml: string) => string): MjModel {
  const main = resolve(mainPath)
  const written = copySceneToMujocoFs(mj, main, editMain)
  try {
    return mj.MjModel.from_xml_path(main)
  } catch (err) {
    const msg = String((err as Error)?.message ?? err).replace(/^(Error: )?MuJoCo Error: /, '').replace(/\s+/g, ' ').trim()
    const lineMatch = msg.match(/line(?: number)?\s*[=:]?\s*(\d+)/i)
    const line = lineMatch === null ? null : Number(lineMatch[1])
    throw new RobotFileError(main, line !== null && line > 0 ? line : null, null, `MuJoCo could not compile the scene: ${msg}`)
  } finally {
    removeFromMujocoFs(mj, written)
  }
}
