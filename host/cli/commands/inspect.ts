// `cerebellum inspect --robot FILE [--json]`: a readable summary of a robot file as the controller sees it.
import { parseArgs } from 'node:util'
import { loadRobot } from '../../robot/load.ts'
import type { RobotDescription } from '../../robot/description.ts'

export const summary = 'summarize a robot file (URDF or MJCF): DoF, mass, joints with limits, frames'

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '∞')

export function describeRobot (r: RobotDescription): string {
  const mass = r.bodies.reduce((a, b) => a + b.mass, 0)
  const lines: string[] = []
  lines.push(`${r.name}  (${r.format.toUpperCase()}, ${r.sourceFile})`)
  lines.push(`  base: ${r.floatingBase ? 'floating' : 'fixed'}   nq ${r.nq}   nv ${r.nv}   bodies ${r.bodies.length}   total mass ${fmt(mass, 4)} kg   gravity [${r.gravity.join(', ')}]`)
  lines.push('  joints:')
  lines.push(`    ${'name'.padEnd(24)} ${'type'.padEnd(6)} ${'body'.padEnd(18)} ${'range'.padEnd(20)} ${'effort'.padStart(8)} ${'velocity'.padStart(9)} ${'armature'.padStart(9)}`)
  for (const b of r.bodies) {
    for (const j of b.joints) {
      const unit = j.type === 'slide' ? 'm' : 'rad'
      const rng = j.range !== null ? `[${fmt(j.range[0])}, ${fmt(j.range[1])}] ${unit}` : j.type === 'free' ? '—' : 'unlimited'
      lines.push(`    ${j.name.padEnd(24)} ${j.type.padEnd(6)} ${b.name.padEnd(18)} ${rng.padEnd(20)} ${fmt(j.effortLimit, 1).padStart(8)} ${fmt(j.velocityLimit, 1).padStart(9)} ${fmt(j.armature, 5).padStart(9)}`)
    }
  }
  lines.push('  bodies:')
  for (const b of r.bodies) {
    lines.push(`    ${b.name.padEnd(24)} parent ${(b.parent < 0 ? 'world' : r.bodies[b.parent].name).padEnd(18)} mass ${fmt(b.mass, 4).padStart(8)} kg   com [${b.com.map((x) => fmt(x, 4)).join(', ')}]`)
  }
  lines.push(`  frames (${r.frames.length}):`)
  for (const f of r.frames) {
    lines.push(`    ${f.name.padEnd(24)} ${f.kind.padEnd(5)} on ${r.bodies[f.body].name.padEnd(18)} at [${f.pos.map((x) => fmt(x, 4)).join(', ')}]`)
  }
  const keys = Object.keys(r.keyframes)
  if (keys.length > 0) lines.push(`  keyframes: ${keys.join(', ')}`)
  return lines.join('\n')
}

export async function run (argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { robot: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help === true || values.robot === undefined) {
    console.log('usage: cerebellum inspect --robot FILE [--json]')
    return values.help === true ? 0 : 2
  }
  const r = await loadRobot(values.robot)
  if (values.json === true) {
    console.log(JSON.stringify({
      name: r.name, format: r.format, nq: r.nq, nv: r.nv, floating_base: r.floatingBase,
      mass: r.bodies.reduce((a, b) => a + b.mass, 0),
      joints: r.bodies.flatMap((b) => b.joints.map((j) => ({ name: j.name, type: j.type, body: b.name, range: j.range, effort: Number.isFinite(j.effortLimit) ? j.effortLimit : null, velocity: Number.isFinite(j.velocityLimit) ? j.velocityLimit : null, armature: j.armature }))),
      frames: r.frames.map((f) => ({ name: f.name, kind: f.kind, body: r.bodies[f.body].name }))
    }))
  } else {
    console.log(describeRobot(r))
  }
  return 0
}
