// KKT residuals of a QP solution (problem form of host/solvers/dense-qp.ts, multipliers with
// Hx + g + Aᵀy + Cᵀz + zb = 0, z and zb ≤ 0 at lower bounds, ≥ 0 at upper bounds).
import type { QpProblem, QpResult } from '../../../host/solvers/dense-qp.ts'

export interface Kkt {
  /** max |Hx + g + Aᵀy + Cᵀz + zb|, relative to max(1, |g|∞, |Hx|∞). */
  stationarity: number
  /** max constraint violation, each relative to max(1, |bound|). */
  primal: number
  /** max wrong-signed multiplier magnitude (z > 0 where u = ∞, z < 0 where l = −∞, …). */
  dualSign: number
  /** max |multiplier|·(distance to its bound), relative to max(1, |bound|). */
  complementarity: number
}

export function objective (p: QpProblem, x: ArrayLike<number>): number {
  const n = p.n
  let f = 0
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < n; j++) s += p.H[i * n + j] * x[j]
    f += x[i] * (0.5 * s + p.g[i])
  }
  return f
}

export function kkt (p: QpProblem, r: Pick<QpResult, 'x' | 'y' | 'z' | 'zb'>): Kkt {
  const n = p.n
  const me = p.b?.length ?? 0
  const mc = p.l?.length ?? p.u?.length ?? 0
  const x = r.x
  const res = new Float64Array(n)
  let scale = 1
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < n; j++) s += p.H[i * n + j] * x[j]
    scale = Math.max(scale, Math.abs(s), Math.abs(p.g[i]))
    res[i] = s + p.g[i] + r.zb[i]
  }
  for (let k = 0; k < me; k++) for (let i = 0; i < n; i++) res[i] += (p.A as ArrayLike<number>)[k * n + i] * r.y[k]
  for (let k = 0; k < mc; k++) for (let i = 0; i < n; i++) res[i] += (p.C as ArrayLike<number>)[k * n + i] * r.z[k]
  let stationarity = 0
  for (let i = 0; i < n; i++) stationarity = Math.max(stationarity, Math.abs(res[i]) / scale)
  let primal = 0
  let dualSign = 0
  let complementarity = 0
  const rel = (v: number, b: number): number => v / Math.max(1, Number.isFinite(b) ? Math.abs(b) : 1)
  for (let k = 0; k < me; k++) {
    let s = 0
    for (let i = 0; i < n; i++) s += (p.A as ArrayLike<number>)[k * n + i] * x[i]
    primal = Math.max(primal, rel(Math.abs(s - (p.b as ArrayLike<number>)[k]), (p.b as ArrayLike<number>)[k]))
  }
  const side = (v: number, l: number, u: number, m: number): void => {
    primal = Math.max(primal, rel(Math.max(0, l - v), l), rel(Math.max(0, v - u), u))
    if (l === u) return
    if (m > 0) {
      if (u === Infinity) dualSign = Math.max(dualSign, m)
      else complementarity = Math.max(complementarity, rel(m * Math.abs(u - v), u))
    } else if (m < 0) {
      if (l === -Infinity) dualSign = Math.max(dualSign, -m)
      else complementarity = Math.max(complementarity, rel(-m * Math.abs(v - l), l))
    }
  }
  for (let k = 0; k < mc; k++) {
    let s = 0
    for (let i = 0; i < n; i++) s += (p.C as ArrayLike<number>)[k * n + i] * x[i]
    side(s, p.l === undefined ? -Infinity : p.l[k], p.u === undefined ? Infinity : p.u[k], r.z[k])
  }
  for (let j = 0; j < n; j++) side(x[j], p.lb === undefined ? -Infinity : p.lb[j], p.ub === undefined ? Infinity : p.ub[j], r.zb[j])
  return { stationarity, primal, dualSign, complementarity }
}
