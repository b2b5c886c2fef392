// The MIT-mode model table (mit-models.yaml beside this file): per drive model its reply protocol and
// field ranges, each entry naming its source. Motor maps refer to models by name and may define more.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { map, num, obj, oneOf, str, validateYaml, type Infer } from '../config/schema.ts'
import { MitProtocol, type MitProtocolCode, type MitRange } from '../protocol/mit/index.ts'

export const MIT_MODELS_FILE = fileURLToPath(new URL('./mit-models.yaml', import.meta.url))

export const PROTOCOL_NAMES = ['cheetah', 'cubemars', 'damiao', 'robstride'] as const
export type ProtocolName = typeof PROTOCOL_NAMES[number]

/** Schema of one model entry (shared with motor maps' own `models:`). */
export const modelSchema = obj({
  vendor: str('maker of the drive'),
  protocol: oneOf(PROTOCOL_NAMES, 'reply layout (host/protocol/mit/README.md)'),
  p_max: num('position range ±p_max', { unit: 'rad', min: 0, exclusive: true, max: 1000 }),
  v_max: num('velocity range ±v_max', { unit: 'rad/s', min: 0, exclusive: true, max: 10000 }),
  t_max: num('torque range ±t_max', { unit: 'N·m', min: 0, exclusive: true, max: 10000 }),
  kp_max: num('kp range 0..kp_max', { unit: 'N·m/rad', min: 0, exclusive: true, max: 100000 }),
  kd_max: num('kd range 0..kd_max', { unit: 'N·m·s/rad', min: 0, exclusive: true, max: 10000 }),
  source: str('where the figures come from (a key of `sources` or the citation itself)')
}, 'an MIT-mode drive model')

const tableSchema = obj({
  sources: map(str('citation'), 'citations by key', {}),
  models: map(modelSchema, 'models by name')
})

export type MitModelEntry = Infer<typeof modelSchema>

/** A model resolved for the drivers. */
export interface MitDriveModel {
  kind: 'mit'
  name: string
  vendor: string
  protocol: MitProtocolCode
  range: MitRange
  /** the full citation */
  source: string
}

export function protocolCode (name: ProtocolName): MitProtocolCode {
  return MitProtocol[name.toUpperCase() as Uppercase<ProtocolName>]
}

/** Turns a validated entry into a model (symmetric p, v, t ranges; kp, kd from 0). */
export function resolveModel (name: string, e: MitModelEntry, sources: Record<string, string>): MitDriveModel {
  return {
    kind: 'mit',
    name,
    vendor: e.vendor,
    protocol: protocolCode(e.protocol),
    range: { p_min: -e.p_max, p_max: e.p_max, v_min: -e.v_max, v_max: e.v_max, t_min: -e.t_max, t_max: e.t_max, kp_min: 0, kp_max: e.kp_max, kd_min: 0, kd_max: e.kd_max },
    source: sources[e.source] ?? e.source
  }
}

let cached: Map<string, MitDriveModel> | null = null

/** The shipped model table by name (loaded once). Throws ConfigError naming file and line if it is broken. */
export function mitModelTable (): Map<string, MitDriveModel> {
  if (cached !== null) return cached
  const v = validateYaml(tableSchema, readFileSync(MIT_MODELS_FILE, 'utf8'), MIT_MODELS_FILE)
  const out = new Map<string, MitDriveModel>()
  for (const [name, e] of Object.entries(v.value.models)) {
    if (v.value.sources[e.source] === undefined) throw v.error(`models.${name}.source`, `unknown source '${e.source}' (known: ${Object.keys(v.value.sources).join(', ')})`)
    out.set(name, resolveModel(name, e, v.value.sources))
  }
  cached = out
  return out
}
