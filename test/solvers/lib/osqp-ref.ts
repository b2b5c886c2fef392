// Adapter to eigen-js (npm `eigen` 0.2.2), whose QuadProgSolver.solve is OSQP (Emscripten build,
// default settings, setup on every call): minimize ½xᵀPx + qᵀx s.t. l ≤ A x ≤ u with sparse P
// (upper triangle) and A. Equalities become rows with l = u; finite box bounds become rows;
// ±∞ become ±1e30 (OSQP's infinity). eigen-js objects live on its own heap: GC.flush after use.
import eigModule from 'eigen'
import type { QpProblem } from '../../../host/solvers/dense-qp.ts'

/** The part of eigen-js used here (its bundled typings do not describe the default export). */
interface EigenMatrix { get: (i: number) => number | undefined }
interface EigenJs {
  ready: Promise<unknown>
  SparseMatrix: { fromTriplets: (m: number, n: number, t: Array<[number, number, number]>) => unknown }
  Matrix: new (a: number[]) => unknown
  QuadProgSolver: { solve: (P: unknown, q: unknown, A: unknown, l: unknown, u: unknown) => EigenMatrix }
  GC: { flush: () => number }
}
const eig = eigModule as unknown as EigenJs

export const eigenReady: Promise<unknown> = eig.ready

const INF = 1e30
const clip = (v: number): number => (v === Infinity ? INF : v === -Infinity ? -INF : v)

export interface OsqpInput { P: Array<[number, number, number]>, q: number[], A: Array<[number, number, number]>, l: number[], u: number[], n: number, m: number }

/** The problem in OSQP's form (triplets), built once so timing can include or exclude it. */
export function osqpInput (p: QpProblem): OsqpInput {
  const n = p.n
  const P: Array<[number, number, number]> = []
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) { const v = p.H[i * n + j]; if (v !== 0) P.push([i, j, v]) }
  const A: Array<[number, number, number]> = []
  const l: number[] = []
  const u: number[] = []
  let m = 0
  const me = p.b?.length ?? 0
  for (let i = 0; i < me; i++) {
    for (let j = 0; j < n; j++) { const v = (p.A as ArrayLike<number>)[i * n + j]; if (v !== 0) A.push([m, j, v]) }
    l.push((p.b as ArrayLike<number>)[i]); u.push((p.b as ArrayLike<number>)[i]); m++
  }
  const mc = p.l?.length ?? p.u?.length ?? 0
  for (let i = 0; i < mc; i++) {
    for (let j = 0; j < n; j++) { const v = (p.C as ArrayLike<number>)[i * n + j]; if (v !== 0) A.push([m, j, v]) }
    l.push(clip(p.l?.[i] ?? -Infinity)); u.push(clip(p.u?.[i] ?? Infinity)); m++
  }
  for (let j = 0; j < n; j++) {
    const lo = p.lb?.[j] ?? -Infinity
    const hi = p.ub?.[j] ?? Infinity
    if (lo === -Infinity && hi === Infinity) continue
    A.push([m, j, 1]); l.push(clip(lo)); u.push(clip(hi)); m++
  }
  return { P, q: Array.from(p.g), A, l, u, n, m }
}

/** Solves with OSQP through eigen-js; returns x. */
export function solveOsqp (o: OsqpInput): Float64Array {
  const P = eig.SparseMatrix.fromTriplets(o.n, o.n, o.P)
  const A = eig.SparseMatrix.fromTriplets(o.m, o.n, o.A)
  const x = eig.QuadProgSolver.solve(P, new eig.Matrix(o.q), A, new eig.Matrix(o.l), new eig.Matrix(o.u))
  const out = new Float64Array(o.n)
  for (let i = 0; i < o.n; i++) out[i] = x.get(i) ?? NaN
  eig.GC.flush()
  return out
}
