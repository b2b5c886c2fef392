// A dense QP written as a one-stage OCP QP (N = 0, nx = 0, u = x): equalities (and fixed
// variables) become stage equalities, two-sided rows and finite bounds become stage rows. It
// lets the interior-point OCP solver run on problems that have no stage structure.
import type { QpProblem } from '../../../host/solvers/dense-qp.ts'
import type { OcpProblem } from '../../../host/solvers/ocp-qp.ts'

export function qpAsOcp (p: QpProblem): OcpProblem {
  const n = p.n
  const mc = p.l?.length ?? p.u?.length ?? 0
  const Eu: number[] = Array.from(p.A ?? [])
  const e: number[] = Array.from(p.b ?? [])
  const Gu: number[] = []
  const lg: number[] = []
  const ug: number[] = []
  for (let i = 0; i < mc; i++) {
    const l = p.l?.[i] ?? -Infinity
    const u = p.u?.[i] ?? Infinity
    const row = Array.from({ length: n }, (_, j) => (p.C as ArrayLike<number>)[i * n + j])
    if (l === u) { Eu.push(...row); e.push(l) } else { Gu.push(...row); lg.push(l); ug.push(u) }
  }
  for (let j = 0; j < n; j++) {
    const l = p.lb?.[j] ?? -Infinity
    const u = p.ub?.[j] ?? Infinity
    if (l === -Infinity && u === Infinity) continue
    const row = Array.from({ length: n }, (_, k) => (k === j ? 1 : 0))
    if (l === u) { Eu.push(...row); e.push(l) } else { Gu.push(...row); lg.push(l); ug.push(u) }
  }
  return { nx: 0, x0: [], stages: [{ nu: n, Q: p.H, q: p.g, Eu, e, Gu, lg, ug }] }
}
