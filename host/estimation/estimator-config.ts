// The `estimator:` section of the YAML configuration, generated from ESTIMATOR_PARAM_SPECS so each
// estimator parameter is one key with its unit, range, default and doc (and the generated table in
// host/config/README.md lists them). `estimator.kind` picks the filter; the groups mirror
// EstimatorParams (`estimator.kf.accel_psd` ↔ EstimatorParams.kf.accel_psd).
import { bool, num, obj, oneOf, type Schema } from '../config/schema.ts'
import { DEFAULT_ESTIMATOR_PARAMS, ESTIMATOR_PARAM_SPECS, type EstimatorParams } from './params.ts'

type Shape = Record<string, Schema<unknown>>

function buildSchema (): Schema<EstimatorParams> {
  const root: Shape = {}
  const groups = new Map<string, Shape>()
  for (const s of ESTIMATOR_PARAM_SPECS) {
    let field: Schema<unknown>
    if (s.path === 'estimator') field = oneOf(['kf', 'inekf'] as const, s.doc, DEFAULT_ESTIMATOR_PARAMS.estimator)
    else if (typeof s.default === 'boolean') field = bool(s.doc, s.default)
    else field = num(s.doc, { default: s.default as number, min: s.min, max: s.max, unit: s.unit })
    const dot = s.path.indexOf('.')
    if (dot < 0) { root[s.path] = field; continue }
    const g = s.path.slice(0, dot)
    if (!groups.has(g)) groups.set(g, {})
    groups.get(g)![s.path.slice(dot + 1)] = field
  }
  for (const [g, shape] of groups) root[g] = obj(shape, `${g} parameters`)
  return obj(root, 'state estimator (assembly/estimation): filter choice and noise parameters') as unknown as Schema<EstimatorParams>
}

/** Schema of `estimator:`; its value is a complete EstimatorParams. */
export const estimatorSchema = buildSchema()
