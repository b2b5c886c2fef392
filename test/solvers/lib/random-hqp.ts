// Seeded synthetic hierarchies for the HQP tests: 3–6 levels on up to ~80 variables, mixing
// equalities and two-sided rows, with levels that conflict with the ones above (so some levels
// are relaxed), rows that repeat or combine higher rows, and a last level that fixes every
// remaining direction (x → x_ref) so the lexicographic solution is unique.
import type { HqpProblem, HqpLevel } from '../../../host/solvers/hqp.ts'
import { Rng } from '../../../host/solvers/seeded-rng.ts'

function randn (rng: Rng, len: number, s = 1): Float64Array {
  const v = new Float64Array(len)
  for (let i = 0; i < len; i++) v[i] = s * rng.normal()
  return v
}

/**
 * opts.unique (default true): append the full-rank last level. opts.box: add a hard box.
 * opts.clean: at most n/2 equality rows in all levels before the last, no repeated rows (so the
 * fixed rows stay independent, as an independent solver such as quadprog needs).
 */
export function randomHierarchy (rng: Rng, n: number, nLevels: number, opts: { unique?: boolean, box?: boolean, clean?: boolean } = {}): HqpProblem {
  const levels: HqpLevel[] = []
  const x0 = randn(rng, n)
  const prevRows: Float64Array[] = []
  for (let k = 0; k < nLevels - (opts.unique === false ? 0 : 1); k++) {
    const me = opts.clean === true ? rng.int(0, Math.max(1, Math.floor(n / (2 * nLevels)))) : rng.int(0, Math.max(1, Math.floor(n / (nLevels - 1)) + 3))
    const mc = rng.int(0, Math.floor(n / 2))
    const A = randn(rng, me * n)
    const b = new Float64Array(me)
    for (let i = 0; i < me; i++) {
      if (opts.clean !== true && prevRows.length > 0 && rng.next() < 0.15) {
        // a copy or a scaled copy of a higher row, with another target (conflict)
        const src = rng.pick(prevRows)
        const f = rng.uniform(-2, 2)
        for (let j = 0; j < n; j++) A[i * n + j] = f * src[j]
      }
      let s = 0
      for (let j = 0; j < n; j++) s += A[i * n + j] * x0[j]
      b[i] = s + (k === 0 ? 0 : rng.normal())
      prevRows.push(A.subarray(i * n, (i + 1) * n))
    }
    const C = randn(rng, mc * n)
    const l = new Float64Array(mc)
    const u = new Float64Array(mc)
    for (let i = 0; i < mc; i++) {
      let s = 0
      for (let j = 0; j < n; j++) s += C[i * n + j] * x0[j]
      // level 0 is feasible at x0; lower levels often exclude it
      const shift = k === 0 ? 0 : rng.normal() * 2
      const kind = rng.next()
      if (kind < 0.4) { l[i] = s + shift - rng.uniform(0, 0.5); u[i] = s + shift + rng.uniform(0, 0.5) } else if (kind < 0.7) { l[i] = s + shift + rng.uniform(-0.2, 0.5); u[i] = Infinity } else if (kind < 0.95) { l[i] = -Infinity; u[i] = s + shift - rng.uniform(-0.2, 0.5) } else { l[i] = s + shift; u[i] = s + shift }
    }
    levels.push({ A, b, C, l, u })
  }
  if (opts.unique !== false) {
    const A = new Float64Array(n * n)
    for (let j = 0; j < n; j++) A[j * n + j] = rng.uniform(0.1, 1)
    levels.push({ A, b: randn(rng, n) })
  }
  const p: HqpProblem = { n, levels }
  if (opts.box === true) {
    p.lb = Float64Array.from(x0, (v) => v - rng.uniform(0.5, 3))
    p.ub = Float64Array.from(x0, (v) => v + rng.uniform(0.5, 3))
  }
  return p
}

/**
 * Three levels: level 0 (equalities through the origin, two-sided rows ±[3, 8] around it, or
 * ±0.02 when `tight`) has its point at the origin; level 1 has more equality rows than rank
 * (combinations of fewer random rows) with random targets, so it is inconsistent and
 * rank-deficient, and no two-sided rows; level 2 fixes every variable (x → x_ref). Level 1's
 * least-squares point keeps loose rows, and usually leaves tight ones.
 */
export function rankDeficientHierarchy (rng: Rng, n: number, tight: boolean): HqpProblem {
  const me0 = rng.int(1, Math.max(1, Math.floor(n / 4)))
  const mc0 = rng.int(2, Math.floor(n / 2))
  const C0 = randn(rng, mc0 * n)
  const l0 = new Float64Array(mc0)
  const u0 = new Float64Array(mc0)
  for (let i = 0; i < mc0; i++) {
    const half = tight ? 0.02 : rng.uniform(3, 8)
    l0[i] = -half
    u0[i] = half
  }
  const rank = rng.int(1, Math.min(6, n - me0 - 4))
  const me1 = rank + rng.int(1, 3)
  const base = randn(rng, rank * n)
  const A1 = new Float64Array(me1 * n)
  for (let i = 0; i < me1; i++) {
    for (let q = 0; q < rank; q++) {
      const c = i < rank ? (i === q ? 1 : 0) : rng.normal()
      for (let j = 0; j < n; j++) A1[i * n + j] += c * base[q * n + j]
    }
  }
  const A2 = new Float64Array(n * n)
  for (let j = 0; j < n; j++) A2[j * n + j] = rng.uniform(0.1, 1)
  return { n, levels: [{ A: randn(rng, me0 * n), b: new Float64Array(me0), C: C0, l: l0, u: u0 }, { A: A1, b: randn(rng, me1) }, { A: A2, b: randn(rng, n) }] }
}
