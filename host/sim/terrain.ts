// Terrain for plant scenarios: extra static box geoms appended to a scene's world body before it is
// compiled. The scene's own floor (z = 0) stays; terrain starts ahead of the robot (+x) so that a robot
// spawned at the origin stands on flat ground.
//
//   slope: a ramp rising at `degrees` from x = startX, `length` long, then a flat plateau.
//   steps: `count` steps of rise `height` and tread `run` from x = startX, then a plateau.

/** Terrain kinds a scenario can ask for. Lengths in m, angles in degrees. */
export type TerrainSpec =
  | { kind: 'flat' }
  | { kind: 'slope', degrees: number, startX?: number, length?: number, width?: number }
  | { kind: 'steps', height: number, run?: number, count?: number, startX?: number, width?: number }

/** Name prefix of every geom this module adds (the plant finds them by it). */
export const TERRAIN_GEOM_PREFIX = 'terrain_'

const THICKNESS = 0.1
const PLATEAU = 2

function num (x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(12).replace(/\.?0+$/, '')
}

function box (name: string, pos: number[], halfSize: number[], quat?: number[]): string {
  const q = quat === undefined ? '' : ` quat="${quat.map(num).join(' ')}"`
  return `<geom name="${TERRAIN_GEOM_PREFIX}${name}" type="box" pos="${pos.map(num).join(' ')}" size="${halfSize.map(num).join(' ')}"${q} rgba="0.55 0.5 0.45 1"/>`
}

function check (cond: boolean, what: string): void {
  if (!cond) throw new RangeError(`terrain: ${what}`)
}

/** MJCF `<geom>` elements for the terrain (empty for flat). Throws RangeError on impossible parameters. */
export function terrainGeoms (spec: TerrainSpec): string[] {
  switch (spec.kind) {
    case 'flat':
      return []
    case 'slope': {
      const deg = spec.degrees
      check(Number.isFinite(deg) && deg > 0 && deg < 60, `slope degrees must be in (0, 60) (the floor hides a descending ramp), got ${deg}`)
      const x0 = spec.startX ?? 0.5
      const length = spec.length ?? 3
      const width = spec.width ?? 2
      check(length > 0 && width > 0 && Number.isFinite(x0), 'slope length and width must be positive, startX finite')
      const th = deg * Math.PI / 180
      // Top surface runs from (x0, 0) to (x0 + L cos θ, L sin θ); the box centre sits half a thickness
      // below its middle along the surface normal n = (−sin θ, 0, cos θ).
      const cx = x0 + 0.5 * length * Math.cos(th) + 0.5 * THICKNESS * Math.sin(th)
      const cz = 0.5 * length * Math.sin(th) - 0.5 * THICKNESS * Math.cos(th)
      // Rotation about y by −θ tilts the box's +x axis upward.
      const quat = [Math.cos(-th / 2), 0, Math.sin(-th / 2), 0]
      const geoms = [box('slope', [cx, 0, cz], [length / 2, width / 2, THICKNESS / 2], quat)]
      const xEnd = x0 + length * Math.cos(th)
      const zEnd = length * Math.sin(th)
      geoms.push(box('plateau', [xEnd + PLATEAU / 2, 0, zEnd / 2], [PLATEAU / 2, width / 2, zEnd / 2]))
      return geoms
    }
    case 'steps': {
      const h = spec.height
      check(Number.isFinite(h) && h > 0 && h <= 0.5, `step height must be in (0, 0.5] m, got ${h}`)
      const run = spec.run ?? 0.3
      const count = spec.count ?? 5
      const x0 = spec.startX ?? 0.5
      const width = spec.width ?? 2
      check(run > 0 && Number.isInteger(count) && count >= 1 && count <= 100 && width > 0 && Number.isFinite(x0),
        'steps need run > 0, an integer count in [1, 100], width > 0 and a finite startX')
      const xFar = x0 + count * run + PLATEAU
      const geoms: string[] = []
      for (let i = 0; i < count; i++) {
        const xa = x0 + i * run
        const top = (i + 1) * h
        geoms.push(box(`step_${i}`, [(xa + xFar) / 2, 0, top / 2], [(xFar - xa) / 2, width / 2, top / 2]))
      }
      return geoms
    }
  }
}

/** Returns the MJCF text with the terrain geoms appended in an extra `<worldbody>` before `</mujoco>`. */
export function addTerrainToMjcf (xml: string, spec: TerrainSpec): string {
  const geoms = terrainGeoms(spec)
  if (geoms.length === 0) return xml
  const end = xml.lastIndexOf('</mujoco>')
  if (end < 0) throw new RangeError('terrain: the scene has no closing </mujoco> tag')
  return `${xml.slice(0, end)}  <worldbody>\n    ${geoms.join('\n    ')}\n  </worldbody>\n${xml.slice(end)}`
}
