// Adapter to npm `quadprog` 1.6.1 (pure-JS Goldfarb–Idnani, a port of the R package): it solves
// min −dᵀx + ½xᵀDx s.t. Aᵀx ≥ b0 (first meq rows equalities) with 1-indexed arrays and overwrites
// its inputs, so every call rebuilds them. Two-sided rows become one or two ≥ rows; rows and
// bounds with l = u become equalities.
import { createRequire } from 'node:module'
import type { QpProblem } from '../../../host/solvers/dense-qp.ts'

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const quadprog = require('quadprog') as { solveQP: (D: number[][], d: number[], A: number[][], b: number[], meq: number) => { solution: number[], value: number[], message: string } }

export interface RefResult { ok: boolean, x: Float64Array, objective: number, message: string }

/** Rows of the problem in quadprog's ≥ form: [normal (n), rhs], equalities first. */
export function quadprogRows (p: QpProblem): { eq: Array<[number[], number]>, ineq: Array<[number[], number]> } {
  const n = p.n
  const me = p.b?.length ?? 0
  const mc = p.l?.length ?? p.u?.length ?? 0
  const eq: Array<[number[], number]> = []
  const ineq: Array<[number[], number]> = []
  const row = (M: ArrayLike<number>, i: number): number[] => Array.from({ length: n }, (_, j) => M[i * n + j])
  for (let i = 0; i < me; i++) eq.push([row(p.A as ArrayLike<number>, i), (p.b as ArrayLike<number>)[i]])
  for (let i = 0; i < mc; i++) {
    const c = row(p.C as ArrayLike<number>, i)
    const l = p.l === undefined ? -Infinity : p.l[i]
    const u = p.u === undefined ? Infinity : p.u[i]
    if (l === u) { eq.push([c, l]); continue }
    if (l > -Infinity) ineq.push([c, l])
    if (u < Infinity) ineq.push([c.map((v) => -v), -u])
  }
  for (let j = 0; j < n; j++) {
    const l = p.lb === undefined ? -Infinity : p.lb[j]
    const u = p.ub === undefined ? Infinity : p.ub[j]
    const e = Array.from({ length: n }, (_, k) => (k === j ? 1 : 0))
    if (l === u) { eq.push([e, l]); continue }
    if (l > -Infinity) ineq.push([e, l])
    if (u < Infinity) ineq.push([e.map((v) => -v), -u])
  }
  return { eq, ineq }
}

/** Builds quadprog's 1-indexed inputs (fresh arrays: quadprog overwrites them). */
export function quadprogInputs (p: QpProblem, rows = quadprogRows(p)): { D: number[][], d: number[], A: number[][], b: number[], meq: number } {
  const n = p.n
  const all = [...rows.eq, ...rows.ineq]
  if (all.length === 0) all.push([new Array(n).fill(0), -1]) // quadprog needs one column: 0 ≥ −1
  const D: number[][] = [[]]
  const d: number[] = [0]
  for (let i = 0; i < n; i++) {
    const r = [0]
    for (let j = 0; j < n; j++) r.push(p.H[i * n + j])
    D.push(r)
    d.push(-p.g[i])
  }
  const A: number[][] = [[]]
  for (let i = 0; i < n; i++) {
    const r = [0]
    for (const [c] of all) r.push(c[i])
    A.push(r)
  }
  const b = [0, ...all.map(([, v]) => v)]
  return { D, d, A, b, meq: rows.eq.length }
}

/** Solves with quadprog; ok = false when it reports inconsistent constraints or a non-PD D. */
export function solveQuadprog (p: QpProblem): RefResult {
  const { D, d, A, b, meq } = quadprogInputs(p)
  const r = quadprog.solveQP(D, d, A, b, meq)
  const x = Float64Array.from((r.solution ?? [0]).slice(1))
  return { ok: r.message === '', x, objective: r.value?.[1] ?? NaN, message: r.message }
}

export const rawQuadprog = quadprog
