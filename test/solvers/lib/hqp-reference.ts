// Reference solution of a strict hierarchy, computed the textbook way: level by level, dense QPs
// in the full space. First the level's rows as hard constraints (min ½‖x‖², positive definite):
// when that is feasible the level's slacks are exactly 0. Otherwise the least-squares level with
// explicit slack variables v for the two-sided rows,
//   min ½‖A_k x − b_k‖² + ½‖v‖²  s.t.  l_k ≤ C_k x − v ≤ u_k,
//                                     A_j x = b_j + w_j*,  l_j + min(v_j*, 0) ≤ C_j x ≤ u_j + max(v_j*, 0)  (j < k),
//                                     lb ≤ x ≤ ub,
// each solved by the dense solver (its semidefinite Hessian goes through the proximal loop). This
// shares no code path with the nullspace cascade of the HQP solver beyond the Goldfarb–Idnani
// core and the dense solver's equality elimination.
import type { HqpProblem } from '../../../host/solvers/hqp.ts'
import { DenseQp, type QpProblem } from '../../../host/solvers/dense-qp.ts'

function identity (n: number): Float64Array {
  const H = new Float64Array(n * n)
  for (let i = 0; i < n; i++) H[i * n + i] = 1
  return H
}

export interface RefLevel { status: string, w: Float64Array, v: Float64Array, slackEq: number, slackIneq: number }

export function solveHqpReference (qp: DenseQp, p: HqpProblem): { levels: RefLevel[], x: Float64Array } {
  const n = p.n
  const fixedEq: Array<{ row: ArrayLike<number>, rhs: number }> = []
  const fixedIneq: Array<{ row: ArrayLike<number>, l: number, u: number }> = []
  const levels: RefLevel[] = []
  let x = new Float64Array(n)
  for (const lv of p.levels) {
    const me = lv.b?.length ?? 0
    const mc = lv.l?.length ?? lv.u?.length ?? 0
    const N = n + mc
    const H = new Float64Array(N * N)
    const g = new Float64Array(N)
    for (let i = n; i < N; i++) H[i * N + i] = 1
    // ½‖A_k x − b_k‖² = ½ xᵀ(A_kᵀA_k)x − (A_kᵀ b_k)ᵀx + const
    for (let i = 0; i < me; i++) {
      const a = lv.A as ArrayLike<number>
      const bi = (lv.b as ArrayLike<number>)[i]
      for (let r = 0; r < n; r++) {
        const ar = a[i * n + r]
        if (ar === 0) continue
        g[r] -= ar * bi
        for (let c = 0; c < n; c++) H[r * N + c] += ar * a[i * n + c]
      }
    }
    const A: number[] = []
    const b: number[] = []
    for (const f of fixedEq) { for (let j = 0; j < N; j++) A.push(j < n ? f.row[j] : 0); b.push(f.rhs) }
    const C: number[] = []
    const l: number[] = []
    const u: number[] = []
    for (const f of fixedIneq) { for (let j = 0; j < N; j++) C.push(j < n ? f.row[j] : 0); l.push(f.l); u.push(f.u) }
    for (let i = 0; i < mc; i++) {
      for (let j = 0; j < N; j++) C.push(j < n ? (lv.C as ArrayLike<number>)[i * n + j] : (j === n + i ? -1 : 0))
      l.push(lv.l === undefined ? -Infinity : lv.l[i])
      u.push(lv.u === undefined ? Infinity : lv.u[i])
    }
    const lb = new Float64Array(N).fill(-Infinity)
    const ub = new Float64Array(N).fill(Infinity)
    for (let j = 0; j < n; j++) { if (p.lb !== undefined) lb[j] = p.lb[j]; if (p.ub !== undefined) ub[j] = p.ub[j] }
    // hard attempt: the level's rows as constraints
    const hard: QpProblem = { n, H: identity(n), g: new Float64Array(n), A: [], b: [], C: [], l: [], u: [], lb: lb.subarray(0, n), ub: ub.subarray(0, n) }
    for (let i = 0; i < b.length; i++) { for (let j = 0; j < n; j++) (hard.A as number[]).push(A[i * N + j]); (hard.b as number[]).push(b[i]) }
    for (let i = 0; i < me; i++) { for (let j = 0; j < n; j++) (hard.A as number[]).push((lv.A as ArrayLike<number>)[i * n + j]); (hard.b as number[]).push((lv.b as ArrayLike<number>)[i]) }
    for (let i = 0; i < l.length; i++) { for (let j = 0; j < n; j++) (hard.C as number[]).push(C[i * N + j]); (hard.l as number[]).push(l[i]); (hard.u as number[]).push(u[i]) }
    qp.resetWarm()
    let r = qp.solve(hard)
    if (r.statusName === 'infeasible') {
      qp.resetWarm()
      r = qp.solve({ n: N, H, g, A, b, C, l, u, lb, ub })
    }
    x = r.x.slice(0, n)
    const w = new Float64Array(me)
    const v = new Float64Array(mc)
    for (let i = 0; i < me; i++) {
      let s = 0
      for (let j = 0; j < n; j++) s += (lv.A as ArrayLike<number>)[i * n + j] * x[j]
      w[i] = s - (lv.b as ArrayLike<number>)[i]
      fixedEq.push({ row: (lv.A as ArrayLike<number>) instanceof Float64Array ? (lv.A as Float64Array).subarray(i * n, (i + 1) * n) : Array.from({ length: n }, (_, j) => (lv.A as ArrayLike<number>)[i * n + j]), rhs: s })
    }
    for (let i = 0; i < mc; i++) {
      let s = 0
      for (let j = 0; j < n; j++) s += (lv.C as ArrayLike<number>)[i * n + j] * x[j]
      const lo = lv.l === undefined ? -Infinity : lv.l[i]
      const hi = lv.u === undefined ? Infinity : lv.u[i]
      v[i] = s < lo ? s - lo : s > hi ? s - hi : 0
      fixedIneq.push({ row: Array.from({ length: n }, (_, j) => (lv.C as ArrayLike<number>)[i * n + j]), l: Math.min(lo, s), u: Math.max(hi, s) })
    }
    const norm = (a: Float64Array): number => Math.sqrt(a.reduce((acc, t) => acc + t * t, 0))
    levels.push({ status: r.statusName, w, v, slackEq: norm(w), slackIneq: norm(v) })
  }
  return { levels, x }
}
