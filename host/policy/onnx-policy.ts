// In-process ONNX policy for RL locomotion (onnxruntime-node, CPU), configured by `policy.onnx`:
//
//   observation = concat over the configured terms of scale ⊙ term, in float32:
//     base_ang_vel       ω_base, base frame [rad/s] (3)
//     base_lin_vel       v_base, base frame [m/s] (3; needs an estimate of it)
//     projected_gravity  R_wbᵀ (0, 0, −1) (3)
//     commands           (vx, vy, wz) the policy is asked to track (3)
//     joint_pos          q − q_default, policy joint order (nj)
//     joint_vel          qd (nj)
//     last_action        the previous raw action (nj)
//   action a = model(observation), clipped to ±clip
//   q_target = q_default + scale ⊙ a, sent as joint targets with the configured kp, kd
//
// The targets go through the policy port's validation like any network policy's (PolicyPort.submitLocal),
// so the safety limits apply to them. `joint_order` maps the policy's joint order to actuator order.
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { OnnxPolicyConfig } from '../config/runtime-config.ts'
import type { ControlRobot } from '../runtime/control-step.ts'
import type { JointMsg } from './protocol.ts'

/** What the observation is built from (actuator order for joints). */
export interface PolicyInput {
  omega_base_body: ArrayLike<number>
  v_base_body: ArrayLike<number>
  quat_base_world: ArrayLike<number>
  commands: ArrayLike<number>
  q: ArrayLike<number>
  qd: ArrayLike<number>
}

type TermName = OnnxPolicyConfig['observations'][number]['name']

function termSize (name: TermName, nj: number): number {
  return name === 'joint_pos' || name === 'joint_vel' || name === 'last_action' ? nj : 3
}

function expand (v: number | number[], n: number, key: string): Float32Array {
  if (typeof v === 'number') return new Float32Array(n).fill(v)
  if (v.length !== n) throw new Error(`${key} has ${v.length} values; expected 1 or ${n}`)
  return Float32Array.from(v)
}

export class OnnxPolicy {
  readonly obsSize: number
  readonly nj: number
  /** perm[i]: actuator index of the policy's joint i. */
  readonly perm: Int32Array
  /** Default pose, policy order [rad]. */
  readonly qDefault: Float32Array
  /** The previous raw action (policy order). */
  readonly lastAction: Float32Array
  private readonly terms: Array<{ name: TermName, scale: Float32Array }>
  private readonly actScale: Float32Array
  private readonly kp: Float32Array
  private readonly kd: Float32Array
  private readonly obs: Float32Array

  private constructor (readonly session: ort.InferenceSession, readonly inputName: string, readonly outputName: string, readonly cfg: OnnxPolicyConfig, robot: ControlRobot) {
    const names = cfg.joint_order ?? robot.jointNames
    const nj = names.length
    if (nj !== robot.jointNames.length) throw new Error(`policy.onnx.joint_order names ${nj} joints; the robot has ${robot.jointNames.length}`)
    this.nj = nj
    this.perm = Int32Array.from(names, (n) => {
      const i = robot.jointNames.indexOf(n)
      if (i < 0) throw new Error(`policy.onnx.joint_order: the robot has no actuated joint '${n}'`)
      return i
    })
    if (new Set(this.perm).size !== nj) throw new Error('policy.onnx.joint_order names a joint twice')
    this.qDefault = Float32Array.from(this.perm, (a) => {
      const name = robot.jointNames[a]
      return cfg.default_pose?.[name] ?? robot.q_stand[a]
    })
    for (const k of Object.keys(cfg.default_pose ?? {})) {
      if (!robot.jointNames.includes(k)) throw new Error(`policy.onnx.default_pose: the robot has no actuated joint '${k}'`)
    }
    this.terms = cfg.observations.map((o, i) => ({ name: o.name, scale: expand(o.scale, termSize(o.name, nj), `policy.onnx.observations[${i}].scale`) }))
    this.obsSize = this.terms.reduce((s, t) => s + t.scale.length, 0)
    this.actScale = expand(cfg.actions.scale, nj, 'policy.onnx.actions.scale')
    this.kp = expand(cfg.actions.kp, nj, 'policy.onnx.actions.kp')
    this.kd = expand(cfg.actions.kd, nj, 'policy.onnx.actions.kd')
    this.lastAction = new Float32Array(nj)
    this.obs = new Float32Array(this.obsSize)
  }

  /** Loads the model (path relative to `baseDir`) and checks it against the configuration. */
  static async load (cfg: OnnxPolicyConfig, robot: ControlRobot, baseDir: string): Promise<OnnxPolicy> {
    const path = isAbsolute(cfg.model) ? cfg.model : resolve(baseDir, cfg.model)
    let bytes: Uint8Array
    try { bytes = await readFile(path) } catch (e) { throw new Error(`policy.onnx.model: cannot read ${path} (${(e as Error).message})`) }
    return await OnnxPolicy.fromBytes(bytes, cfg, robot, path)
  }

  /** Builds the policy from model bytes (`what` names it in errors). */
  static async fromBytes (bytes: Uint8Array, cfg: OnnxPolicyConfig, robot: ControlRobot, what = 'the model'): Promise<OnnxPolicy> {
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(bytes)
    } catch (e) {
      throw new Error(`policy.onnx.model: onnxruntime cannot load ${what}: ${(e as Error).message}`)
    }
    const input = cfg.input !== '' ? cfg.input : session.inputNames[0]
    const output = cfg.output !== '' ? cfg.output : session.outputNames[0]
    if (!session.inputNames.includes(input)) throw new Error(`policy.onnx.input: ${what} has no input '${input}' (inputs: ${session.inputNames.join(', ')})`)
    if (!session.outputNames.includes(output)) throw new Error(`policy.onnx.output: ${what} has no output '${output}' (outputs: ${session.outputNames.join(', ')})`)
    return new OnnxPolicy(session, input, output, cfg, robot)
  }

  /** Writes the observation vector (float32, obsSize) for `x` into `out`. */
  buildObservation (x: PolicyInput, out: Float32Array = this.obs): Float32Array {
    let o = 0
    const nj = this.nj
    for (const t of this.terms) {
      const s = t.scale
      switch (t.name) {
        case 'base_ang_vel': for (let k = 0; k < 3; k++) out[o + k] = s[k] * x.omega_base_body[k]; break
        case 'base_lin_vel': for (let k = 0; k < 3; k++) out[o + k] = s[k] * x.v_base_body[k]; break
        case 'projected_gravity': {
          const w = x.quat_base_world[0], qx = x.quat_base_world[1], qy = x.quat_base_world[2], qz = x.quat_base_world[3]
          out[o] = s[0] * -2 * (qx * qz - w * qy)
          out[o + 1] = s[1] * -2 * (qy * qz + w * qx)
          out[o + 2] = s[2] * -(1 - 2 * (qx * qx + qy * qy))
          break
        }
        case 'commands': for (let k = 0; k < 3; k++) out[o + k] = s[k] * x.commands[k]; break
        case 'joint_pos': for (let i = 0; i < nj; i++) out[o + i] = s[i] * (x.q[this.perm[i]] - this.qDefault[i]); break
        case 'joint_vel': for (let i = 0; i < nj; i++) out[o + i] = s[i] * x.qd[this.perm[i]]; break
        case 'last_action': for (let i = 0; i < nj; i++) out[o + i] = s[i] * this.lastAction[i]; break
      }
      o += s.length
    }
    return out
  }

  /** Runs the model on one observation; returns the raw action (policy order). */
  async infer (obs: Float32Array): Promise<Float32Array> {
    if (obs.length !== this.obsSize) throw new Error(`observation has ${obs.length} values; the configuration builds ${this.obsSize}`)
    const feeds = { [this.inputName]: new ort.Tensor('float32', obs, [1, obs.length]) }
    const out = await this.session.run(feeds)
    const a = out[this.outputName].data as Float32Array
    if (a.length !== this.nj) throw new Error(`the model outputs ${a.length} values; the robot has ${this.nj} joints`)
    return a
  }

  /** Joint targets (actuator order) for a raw action; records it as the last action. */
  targets (action: Float32Array): JointMsg {
    const nj = this.nj
    const q = new Float64Array(nj); const kp = new Float64Array(nj); const kd = new Float64Array(nj)
    const clip = this.cfg.actions.clip
    for (let i = 0; i < nj; i++) {
      const raw = action[i]
      const a = raw > clip ? clip : raw < -clip ? -clip : raw
      this.lastAction[i] = a
      const j = this.perm[i]
      q[j] = this.qDefault[i] + this.actScale[i] * a
      kp[j] = this.kp[i]
      kd[j] = this.kd[i]
    }
    return { kind: 'joint', n: nj, mask: 1 | 4 | 8, q, qd: null, kp, kd, tau: null }
  }

  /** Observation → model → joint targets. */
  async step (x: PolicyInput): Promise<JointMsg> {
    const obs = this.buildObservation(x)
    return this.targets(await this.infer(obs))
  }

  async close (): Promise<void> {
    await this.session.release()
  }
}

/** Directory relative model paths are resolved against: the configuration file's. */
export function configDir (configFile: string): string {
  return dirname(resolve(configFile))
}
