// Seeded random QPs for the dense solver's tests: feasible, degenerate (duplicate, parallel and
// redundant rows, constraints active with zero multiplier, more active rows than variables, fixed
// variables, l = u rows), semidefinite H, and infeasible problems with a known infeasible core.
import type { QpProblem } from '../../../host/solvers/dense-qp.ts'
import { Rng } from '../../../host/solvers/seeded-rng.ts'

export interface Sizes { n: number, me: number, mc: number }

function randn (rng: Rng, len: number, s = 1): Float64Array {
  const v = new Float64Array(len)
  for (let i = 0; i < len; i++) v[i] = s * rng.normal()
  return v
}

function dotRow (M: Float64Array, i: number, x: ArrayLike<number>, n: number): number {
  let s = 0
  for (let j = 0; j < n; j++) s += M[i * n + j] * x[j]
  return s
}

/** H = MᵀM/n + δI (rank of M = rank, δ ≥ 0); symmetric by construction. */
export function randomHessian (rng: Rng, n: number, delta: number, rank = n): Float64Array {
  const M = randn(rng, rank * n)
  const H = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0
      for (let k = 0; k < rank; k++) s += M[k * n + i] * M[k * n + j]
      s /= n
      if (i === j) s += delta
      H[i * n + j] = s
      H[j * n + i] = s
    }
  }
  return H
}

/** A feasible QP around a random point x0 (PD H unless delta = 0 and rank < n). */
export function randomFeasible (rng: Rng, s: Sizes, opts: { delta?: number, rank?: number, boxAll?: boolean } = {}): QpProblem & { x0: Float64Array } {
  const { n, me, mc } = s
  const x0 = randn(rng, n)
  const H = randomHessian(rng, n, opts.delta ?? rng.uniform(1e-3, 1), opts.rank ?? n)
  const g = randn(rng, n, 2)
  const A = randn(rng, me * n)
  const b = new Float64Array(me)
  for (let i = 0; i < me; i++) b[i] = dotRow(A, i, x0, n)
  const C = randn(rng, mc * n)
  const l = new Float64Array(mc)
  const u = new Float64Array(mc)
  for (let i = 0; i < mc; i++) {
    const v = dotRow(C, i, x0, n)
    const kind = rng.next()
    const lo = v - (rng.next() < 0.2 ? 0 : rng.uniform(0, 1))
    const hi = v + (rng.next() < 0.2 ? 0 : rng.uniform(0, 1))
    if (kind < 0.35) { l[i] = lo; u[i] = hi } else if (kind < 0.65) { l[i] = lo; u[i] = Infinity } else if (kind < 0.95) { l[i] = -Infinity; u[i] = hi } else { l[i] = v; u[i] = v }
  }
  const lb = new Float64Array(n)
  const ub = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    const bounded = opts.boxAll === true || rng.next() < 0.5
    lb[j] = bounded ? x0[j] - rng.uniform(0, 1.5) : -Infinity
    ub[j] = bounded ? x0[j] + rng.uniform(0, 1.5) : Infinity
    if (!bounded && rng.next() < 0.3) lb[j] = x0[j] - rng.uniform(0, 1)
  }
  return { n, H, g, A, b, C, l, u, lb, ub, x0 }
}

/**
 * Degenerate feasible QPs. kind:
 *  'duplicate'  copies, scaled copies and negated copies of rows; redundant (combined) equalities
 *  'zero-mult'  unconstrained minimizer exactly on several bounds (active, multiplier 0)
 *  'vertex'     optimum at a point where more rows are active than there are variables
 *  'fixed'      fixed variables (lb = ub) and rows with l = u
 */
export function randomDegenerate (rng: Rng, s: Sizes, kind: 'duplicate' | 'zero-mult' | 'vertex' | 'fixed'): QpProblem {
  const p = randomFeasible(rng, s)
  const { n, me, mc } = s
  const A = p.A as Float64Array
  const b = p.b as Float64Array
  const C = p.C as Float64Array
  const l = p.l as Float64Array
  const u = p.u as Float64Array
  const lb = p.lb as Float64Array
  const ub = p.ub as Float64Array
  const x0 = p.x0
  if (kind === 'duplicate') {
    for (let i = 1; i < mc; i++) {
      if (rng.next() < 0.5) continue
      const src = rng.int(0, i - 1)
      const mode = rng.int(0, 2)
      const f = mode === 0 ? 1 : mode === 1 ? rng.uniform(0.5, 3) : -rng.uniform(0.5, 3)
      for (let j = 0; j < n; j++) C[i * n + j] = f * C[src * n + j]
      if (f > 0) { l[i] = f * l[src]; u[i] = f * u[src] } else { l[i] = f * u[src]; u[i] = f * l[src] }
    }
    for (let i = 2; i < me; i++) {
      if (rng.next() < 0.5) continue
      const a = rng.normal()
      const c = rng.normal()
      for (let j = 0; j < n; j++) A[i * n + j] = a * A[j] + c * A[n + j]
      b[i] = a * b[0] + c * b[1]
    }
  } else if (kind === 'zero-mult' || kind === 'vertex') {
    // optimum at x0: g = −H x0 (+ positive combination of tight normals for 'vertex')
    const g = p.g as Float64Array
    for (let i = 0; i < n; i++) g[i] = -dotRow(p.H as Float64Array, i, x0, n)
    for (let i = 0; i < mc; i++) {
      const v = dotRow(C, i, x0, n)
      if (rng.next() < 0.6) {
        // tight at x0: as an upper bound (normal pushes outward)
        l[i] = rng.next() < 0.5 ? -Infinity : v - rng.uniform(0, 1)
        u[i] = v
        if (kind === 'vertex' && rng.next() < 0.5) {
          const w = rng.uniform(0, 2)
          for (let j = 0; j < n; j++) g[j] -= w * C[i * n + j]
        }
      } else { l[i] = v - rng.uniform(0.1, 1); u[i] = v + rng.uniform(0.1, 1) }
    }
    for (let j = 0; j < n; j++) {
      if (rng.next() < 0.3) { lb[j] = x0[j]; ub[j] = x0[j] + 1 } else { lb[j] = x0[j] - 1; ub[j] = x0[j] + 1 }
    }
  } else {
    for (let j = 0; j < n; j++) if (rng.next() < 0.25) { lb[j] = x0[j]; ub[j] = x0[j] }
    for (let i = 0; i < mc; i++) if (rng.next() < 0.2) { const v = dotRow(C, i, x0, n); l[i] = v; u[i] = v }
  }
  return { n, H: p.H, g: p.g, A, b, C, l, u, lb, ub }
}

/**
 * Infeasible QPs: a random feasible problem plus an infeasible core. Returns the ids (as in
 * QpResult.infeasible: equality i, me + row, me + mc + var) of the core's constraints. kind:
 *  'opposite'   c·x ≥ 1 and (−αc)·x ≥ 0 hidden among the rows
 *  'farkas'     k random rows and −Σ y_i c_i with Σ y_i l_i + l_last > 0
 *  'equality'   an equality row that contradicts a combination of two others
 *  'box'        an equality that the box cannot reach
 */
export function randomInfeasible (rng: Rng, s: Sizes, kind: 'opposite' | 'farkas' | 'equality' | 'box'): { p: QpProblem, core: number[] } {
  const p = randomFeasible(rng, s)
  const { n, me, mc } = s
  const A = p.A as Float64Array
  const b = p.b as Float64Array
  const C = p.C as Float64Array
  const l = p.l as Float64Array
  const u = p.u as Float64Array
  const lb = p.lb as Float64Array
  const ub = p.ub as Float64Array
  const core: number[] = []
  if (kind === 'opposite' && mc >= 2) {
    const i = rng.int(0, mc - 1)
    let k = rng.int(0, mc - 2)
    if (k >= i) k++
    const c = randn(rng, n)
    const alpha = rng.uniform(0.5, 2)
    for (let j = 0; j < n; j++) { C[i * n + j] = c[j]; C[k * n + j] = -alpha * c[j] }
    l[i] = 1; u[i] = Infinity
    l[k] = 0; u[k] = rng.next() < 0.5 ? Infinity : 5
    core.push(me + i, me + k)
  } else if (kind === 'farkas' && mc >= 3) {
    const k = Math.min(mc - 1, Math.max(2, rng.int(2, Math.min(n, 5))))
    const rows: number[] = []
    while (rows.length < k + 1) { const r = rng.int(0, mc - 1); if (!rows.includes(r)) rows.push(r) }
    const last = rows[k]
    for (let j = 0; j < n; j++) C[last * n + j] = 0
    let sum = 0
    for (let t = 0; t < k; t++) {
      const r = rows[t]
      const y = rng.uniform(0.2, 2)
      l[r] = rng.normal(); u[r] = rng.next() < 0.5 ? Infinity : l[r] + 3
      for (let j = 0; j < n; j++) C[last * n + j] -= y * C[r * n + j]
      sum += y * l[r]
    }
    l[last] = -sum + rng.uniform(0.1, 1)
    u[last] = Infinity
    for (const r of rows) core.push(me + r)
  } else if (kind === 'equality' && me >= 3) {
    const a = rng.normal()
    const c = rng.normal()
    for (let j = 0; j < n; j++) A[2 * n + j] = a * A[j] + c * A[n + j]
    b[2] = a * b[0] + c * b[1] + rng.uniform(0.1, 1) * (rng.next() < 0.5 ? -1 : 1)
    core.push(0, 1, 2)
  } else {
    // x_j + x_k = big, with both boxed in [−1, 1]
    const j = rng.int(0, n - 1)
    let k = rng.int(0, n - 2)
    if (k >= j) k++
    lb[j] = -1; ub[j] = 1; lb[k] = -1; ub[k] = 1
    if (me > 0) {
      for (let t = 0; t < n; t++) A[t] = 0
      A[j] = 1; A[k] = 1; b[0] = 3
      core.push(0, me + mc + j, me + mc + k)
    } else if (mc > 0) {
      for (let t = 0; t < n; t++) C[t] = 0
      C[j] = 1; C[k] = 1; l[0] = 3; u[0] = 3
      core.push(me + 0, me + mc + j, me + mc + k)
    }
  }
  return { p: { n, H: p.H, g: p.g, A, b, C, l, u, lb, ub }, core }
}
