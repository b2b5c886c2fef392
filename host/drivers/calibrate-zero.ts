// Zero-offset calibration: with the robot placed in the motor map's calibration pose (calibration.pose,
// joint angles known mechanically — against hard stops or a jig), every drive is sent "exit motor mode"
// each tick (it stays passive and answers with its position); `samples` unwrapped drive angles per joint
// are averaged and
//   zero_offset = θ̄ − direction · gear_ratio · q_pose
// (motor-map.ts). Refuses when a drive does not answer, when its angle wanders during sampling (the
// robot is not at rest) or when the map names no pose for a joint. Writing back keeps the file's
// comments and layout (only the zero_offset values change).
import { readFileSync, writeFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { CommandSlotFlag, StateSlotFlag } from '../protocol/bridge/index.ts'
import { MitSpecial } from '../protocol/mit/index.ts'
import { BridgeSession } from './bridge-session.ts'
import type { MitRobotDriver } from './mit-robot-driver.ts'
import type { MotorMap } from './motor-map.ts'

export interface CalibrationResult {
  joint: string
  /** mean drive angle [rad] */
  theta: number
  /** spread (max − min) of the samples [rad] */
  spread: number
  q_pose: number
  zero_offset: number
  /** the map's value before */
  previous: number
}

/** Largest sample spread accepted [rad]: more means the joint moved. */
export const MAX_SPREAD_RAD = 0.01

/**
 * Samples every drive of a connected driver (phase idle) at the control period and returns the offsets,
 * in map order. Throws naming the joints that did not answer, moved, or have no pose.
 */
export async function calibrateZeroOffsets (driver: MitRobotDriver, samples?: number): Promise<CalibrationResult[]> {
  const map = driver.map
  const pose = map.value.calibration.pose
  const missing = map.motors.filter((m) => pose[m.joint] === undefined).map((m) => m.joint)
  if (missing.length > 0) throw map.validated.error('calibration.pose', `no calibration angle for ${missing.join(', ')}`)
  const n = samples ?? map.value.calibration.samples
  const s: BridgeSession = driver.session
  const nj = driver.n
  const sum = new Float64Array(nj)
  const lo = new Float64Array(nj).fill(Infinity)
  const hi = new Float64Array(nj).fill(-Infinity)
  const count = new Int32Array(nj)
  const slotOf = driver.motors.map((m) => s.layout.motor_slot[m.index])
  // CiA 402 drives report absolute positions in increments: their zero is the map's zero_offset (or the
  // drive's home offset 0x607C), not a pose sampled here
  const codecs = driver.codecs.map((c, j) => {
    if (c === null) throw new Error(`calibration: ${driver.motors[j].joint} is an EtherCAT (CiA 402) drive; calibrate samples MIT drives only — set its zero_offset in the motor map`)
    return c
  })
  const onState = (): void => {
    for (let j = 0; j < nj; j++) {
      const sl = s.state.slot[slotOf[j]]
      if ((sl.flags & StateSlotFlag.FRESH) === 0 || s.state.cmd_seq === 0) continue
      // the driver's own listener (registered first) has decoded this reply
      if (!codecs[j].hasReply || count[j] >= n) continue
      const th = codecs[j].motorAngle
      sum[j] += th
      lo[j] = Math.min(lo[j], th)
      hi[j] = Math.max(hi[j], th)
      count[j]++
    }
  }
  s.onState(onState)
  const period_ms = map.value.bridge.tick_period_us / 1000
  let tick = 0
  const maxTicks = 20 * n + 200
  const moved = (): boolean => { for (let j = 0; j < nj; j++) if (hi[j] - lo[j] > MAX_SPREAD_RAD) return true; return false }
  while (count.some((c) => c < n) && tick < maxTicks && !moved()) {
    for (let j = 0; j < nj; j++) {
      const sl = s.command.slot[slotOf[j]]
      sl.flags = CommandSlotFlag.SEND
      codecs[j].packSpecial(MitSpecial.EXIT, sl.data, 0)
    }
    s.sendCommand(tick++, 0x0001)
    await new Promise((resolve) => setTimeout(resolve, period_ms))
  }
  const out0 = driver.motors.map((m, j) => ({ joint: m.joint, spread: hi[j] - lo[j] })).filter((r) => r.spread > MAX_SPREAD_RAD)
  if (out0.length > 0) throw new Error(`calibration: joints moved while sampling (spread > ${MAX_SPREAD_RAD} rad): ${out0.map((r) => `${r.joint} ${r.spread.toFixed(4)} rad`).join(', ')}`)
  const silent = driver.motors.map((m, j) => count[j] < n ? `${m.joint} (${count[j]} of ${n} replies)` : '').filter((x) => x !== '')
  if (silent.length > 0) throw new Error(`calibration: drives did not answer: ${silent.join(', ')}`)
  const out = driver.motors.map((m, j): CalibrationResult => {
    const theta = sum[j] / n
    const qp = pose[m.joint]
    return { joint: m.joint, theta, spread: hi[j] - lo[j], q_pose: qp, zero_offset: theta - m.direction * m.gear_ratio * qp, previous: m.zero_offset }
  })
  // map order for writing back
  return [...out].sort((a, b) => map.motors.findIndex((m) => m.joint === a.joint) - map.motors.findIndex((m) => m.joint === b.joint))
}

/** Rewrites the zero_offset of every calibrated joint in the map file (comments and layout kept). */
export function writeZeroOffsets (map: MotorMap, results: readonly CalibrationResult[], file = map.file): void {
  const doc = parseDocument(readFileSync(file, 'utf8'))
  for (const r of results) {
    const i = map.motors.findIndex((m) => m.joint === r.joint)
    if (i < 0) throw new Error(`${file}: no joint '${r.joint}'`)
    doc.setIn(['joints', i, 'zero_offset'], Math.round(r.zero_offset * 1e6) / 1e6)
  }
  writeFileSync(file, doc.toString({ lineWidth: 0 }))
}
