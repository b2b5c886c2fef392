// `cerebellum dynamics --robot FILE [--state STATE.json] [--json]`: rigid-body dynamics of a robot at
// one state, computed by the WASM core: mass matrix, bias forces, centre of mass, and every frame's
// placement and Jacobian. STATE.json is {"qpos": [nq], "qvel": [nv]} in MuJoCo's convention (free
// joint: qpos = [p_world, quat wxyz], qvel = [v_world, ω_body]); without it, qpos0 and zero velocity.
// With --json the last line is one JSON object:
//   {"nq","nv","M": nv×nv rows,"bias": [nv],"com": [3],
//    "frames": {NAME: {"pos": [3], "rot": 3×3 rows (world from frame), "jac": 6×nv rows}}}
// Bad input (missing file, wrong length, non-finite number) → a message naming it, exit code 2.
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadRobot } from '../../robot/load.ts'
import { RobotFileError } from '../../robot/description.ts'
import { RobotDynamics, DYN } from '../../core/dynamics.ts'

export const summary = 'mass matrix, bias forces, CoM and frame Jacobians of a robot at a state (--state STATE.json)'

const USAGE = 'usage: cerebellum dynamics --robot FILE [--state STATE.json] [--json]\n' +
  '  STATE.json: {"qpos": [nq numbers], "qvel": [nv numbers]} (MuJoCo convention; default qpos0, zero velocity)'

class InputError extends Error {}

function readVector (file: string, obj: Record<string, unknown>, key: string, n: number, required: boolean): number[] | null {
  const v = obj[key]
  if (v === undefined) {
    if (required) throw new InputError(`${file}: field '${key}' is missing (expected ${n} numbers)`)
    return null
  }
  if (!Array.isArray(v)) throw new InputError(`${file}: field '${key}' must be an array of ${n} numbers`)
  if (v.length !== n) throw new InputError(`${file}: field '${key}' has ${v.length} values, the robot needs ${n}`)
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`${file}: ${key}[${i}] = ${JSON.stringify(x)} is not a finite number`)
  })
  return v as number[]
}

function readState (file: string, dyn: RobotDynamics): void {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`)
  let obj: unknown
  try {
    obj = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError(`${file}: expected an object {"qpos": [...], "qvel": [...]}`)
  const o = obj as Record<string, unknown>
  const qpos = readVector(file, o, 'qpos', dyn.nq, true) as number[]
  const qvel = readVector(file, o, 'qvel', dyn.nv, false)
  // a free joint's quaternion must not be zero (MuJoCo normalizes any other)
  let iq = 0
  for (const b of dyn.description.bodies) {
    for (const j of b.joints) {
      if (j.type === 'free' && Math.hypot(qpos[iq + 3], qpos[iq + 4], qpos[iq + 5], qpos[iq + 6]) < 1e-9) {
        throw new InputError(`${file}: qpos[${iq + 3}..${iq + 6}], the quaternion of free joint '${j.name}', is zero`)
      }
      iq += j.type === 'free' ? 7 : 1
    }
  }
  dyn.qpos.set(qpos)
  dyn.qvel.set(qvel ?? new Array<number>(dyn.nv).fill(0))
}

const rows = (a: Float64Array, off: number, r: number, c: number): number[][] =>
  Array.from({ length: r }, (_, i) => Array.from(a.subarray(off + i * c, off + (i + 1) * c)))

export async function run (argv: string[]): Promise<number> {
  let values: { robot?: string, state?: string, json?: boolean, help?: boolean }
  try {
    values = parseArgs({ args: argv, options: { robot: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values
  } catch (err) {
    console.error(`cerebellum dynamics: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(USAGE); return 0 }
  if (values.robot === undefined) { console.error(`cerebellum dynamics: --robot FILE is required\n${USAGE}`); return 2 }
  let dyn: RobotDynamics
  try {
    dyn = await RobotDynamics.create(await loadRobot(values.robot))
    if (values.state !== undefined) readState(values.state, dyn)
  } catch (err) {
    if (err instanceof InputError || err instanceof RobotFileError) {
      console.error(`cerebellum dynamics: ${err.message}`)
      return 2
    }
    throw err
  }
  dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS | DYN.CRBA | DYN.BIAS | DYN.CENTROIDAL)
  const { nq, nv } = dyn
  const outputs = [dyn.M, dyn.bias, dyn.com, dyn.framePos, dyn.frameRot, dyn.frameJacobians]
  if (outputs.some((a) => a.some((x) => !Number.isFinite(x)))) {
    console.error('cerebellum dynamics: the result is not finite (check the robot\'s inertias and the state)')
    return 2
  }
  const names = dyn.frameNames
  const frames: Record<string, { pos: number[], rot: number[][], jac: number[][] }> = {}
  names.forEach((n, f) => {
    const key = n in frames ? `${dyn.description.frames[f].kind}:${n}` : n
    frames[key] = {
      pos: Array.from(dyn.framePos.subarray(3 * f, 3 * f + 3)),
      rot: rows(dyn.frameRot, 9 * f, 3, 3),
      jac: rows(dyn.frameJacobians, 6 * nv * f, 6, nv)
    }
  })
  if (values.json === true) {
    console.log(JSON.stringify({ nq, nv, M: rows(dyn.M, 0, nv, nv), bias: Array.from(dyn.bias), com: Array.from(dyn.com), frames }))
    return 0
  }
  const f3 = (a: ArrayLike<number>): string => Array.from(a, (x) => x.toFixed(4).padStart(9)).join(' ')
  const lines = [
    `${dyn.description.name}: nq ${nq}, nv ${nv}, mass ${dyn.massTotal.toFixed(4)} kg${values.state === undefined ? '  (state: qpos0, zero velocity)' : ''}`,
    `  com [m]          ${f3(dyn.com)}`,
    `  centroidal h_g   ${f3(dyn.centroidalMomentum)}`,
    '  dof                          M_ii        bias'
  ]
  dyn.lowered.dofNames.forEach((n, i) => {
    lines.push(`    ${n.padEnd(24)} ${dyn.M[i * nv + i].toFixed(5).padStart(10)} ${dyn.bias[i].toFixed(4).padStart(11)}`)
  })
  lines.push('  frames: origin in world [m]')
  names.forEach((n, f) => lines.push(`    ${n.padEnd(24)} ${f3(dyn.framePos.subarray(3 * f, 3 * f + 3))}`))
  console.log(lines.join('\n'))
  return 0
}
