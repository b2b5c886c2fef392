// The CiA 402 (EtherCAT) drive model table (cia402-models.yaml beside this file): per model the object
// dictionary figures the host scales process data with and the product code the bridge checks.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { int, map, num, obj, str, validateYaml, type Infer } from '../config/schema.ts'

export const CIA402_MODELS_FILE = fileURLToPath(new URL('./cia402-models.yaml', import.meta.url))

export const cia402ModelSchema = obj({
  vendor: str('maker of the drive'),
  product_code: int('product code in the SII (0x000A) / 0x1018:02; -1 = accept any', { min: -1, max: 0xffffffff }),
  incs_per_rev: int('0x608F encoder increments per motor revolution', { min: 1, max: 2 ** 31 - 1 }),
  gear: num('0x6091 motor revolutions per output revolution', { min: 0, exclusive: true, max: 10000 }),
  rated_torque_mNm: num('0x6076 rated motor torque', { unit: 'mN·m', min: 0, exclusive: true, max: 1e7 }),
  max_torque_permille: int('0x6072 max torque, ‰ of rated', { min: 1, max: 32767 }),
  source: str('where the figures come from (a key of `sources` or the citation itself)')
}, 'a CiA 402 drive model')

const tableSchema = obj({
  sources: map(str('citation'), 'citations by key', {}),
  models: map(cia402ModelSchema, 'models by name')
})

export type Cia402ModelEntry = Infer<typeof cia402ModelSchema>

/** A CiA 402 drive model resolved for the drivers. */
export interface Cia402DriveModel {
  kind: 'cia402'
  name: string
  vendor: string
  /** 0xFFFFFFFF = any */
  product_code: number
  incs_per_rev: number
  gear: number
  rated_torque_mNm: number
  max_torque_permille: number
  /** peak torque at the drive's output, N·m */
  t_max: number
  source: string
}

export function resolveCia402Model (name: string, e: Cia402ModelEntry, sources: Record<string, string>): Cia402DriveModel {
  return {
    kind: 'cia402',
    name,
    vendor: e.vendor,
    product_code: e.product_code < 0 ? 0xffffffff : e.product_code,
    incs_per_rev: e.incs_per_rev,
    gear: e.gear,
    rated_torque_mNm: e.rated_torque_mNm,
    max_torque_permille: e.max_torque_permille,
    t_max: e.max_torque_permille / 1000 * e.rated_torque_mNm / 1000 * e.gear,
    source: sources[e.source] ?? e.source
  }
}

let cached: Map<string, Cia402DriveModel> | null = null

/** The shipped CiA 402 model table by name (loaded once). Throws ConfigError naming file and line. */
export function cia402ModelTable (): Map<string, Cia402DriveModel> {
  if (cached !== null) return cached
  const v = validateYaml(tableSchema, readFileSync(CIA402_MODELS_FILE, 'utf8'), CIA402_MODELS_FILE)
  const out = new Map<string, Cia402DriveModel>()
  for (const [name, e] of Object.entries(v.value.models)) {
    if (v.value.sources[e.source] === undefined) throw v.error(`models.${name}.source`, `unknown source '${e.source}' (known: ${Object.keys(v.value.sources).join(', ')})`)
    out.set(name, resolveCia402Model(name, e, v.value.sources))
  }
  cached = out
  return out
}
