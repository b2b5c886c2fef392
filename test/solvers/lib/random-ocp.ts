// Seeded random OCP QPs for the tests and their condensed dense form (states eliminated through
// the dynamics: x_k = S_k U + s_k, U = [x_0 if free; u_0; …; u_N]), which the dense solver solves
// independently of the Riccati recursion.
import type { OcpProblem, OcpStage } from '../../../host/solvers/ocp-qp.ts'
import type { QpProblem } from '../../../host/solvers/dense-qp.ts'
import { Rng } from '../../../host/solvers/seeded-rng.ts'

function randn (rng: Rng, len: number, s = 1): Float64Array {
  const v = new Float64Array(len)
  for (let i = 0; i < len; i++) v[i] = s * rng.normal()
  return v
}

export interface OcpGen { N: number, nx: number, nu: number, ng: number, ne: number, x0Fixed: boolean, nuLast?: number }

/**
 * Random OCP with a feasible nominal trajectory: bounds have random (sometimes zero) margins
 * around it; dynamics I + small noise (no exponential growth over the horizon); stage equalities
 * leave at least one input free.
 */
export function randomOcp (rng: Rng, g: OcpGen): OcpProblem {
  const { N, nx, nu, ng, ne } = g
  const nuN = g.nuLast ?? 0
  const stages: OcpStage[] = []
  let x = randn(rng, nx)
  const x0 = x.slice()
  for (let k = 0; k <= N; k++) {
    const nuk = k < N ? nu : nuN
    const nxu = nx + nuk
    const M = randn(rng, nxu * nxu)
    const Q = new Float64Array(nxu * nxu)
    for (let i = 0; i < nxu; i++) {
      for (let j = 0; j < nxu; j++) {
        let s = 0
        for (let t = 0; t < nxu; t++) s += M[t * nxu + i] * M[t * nxu + j]
        Q[i * nxu + j] = s / nxu + (i === j ? rng.uniform(0.01, 0.5) : 0)
      }
    }
    const u = randn(rng, nuk)
    const s: OcpStage = { nu: nuk, Q, q: randn(rng, nxu) }
    const nek = Math.min(ne, nuk - 1)
    if (nek > 0) {
      s.Dx = randn(rng, nek * nx, rng.next() < 0.5 ? 1 : 0)
      s.Eu = randn(rng, nek * nuk)
      const e = new Float64Array(nek)
      for (let i = 0; i < nek; i++) {
        let v = 0
        for (let j = 0; j < nx; j++) v += s.Dx[i * nx + j] * x[j]
        for (let a = 0; a < nuk; a++) v += s.Eu[i * nuk + a] * u[a]
        e[i] = v
      }
      s.e = e
    }
    if (ng > 0) {
      s.Gx = randn(rng, ng * nx, rng.next() < 0.5 ? 1 : 0)
      s.Gu = randn(rng, ng * nuk)
      const lg = new Float64Array(ng)
      const ug = new Float64Array(ng)
      s.lg = lg
      s.ug = ug
      for (let i = 0; i < ng; i++) {
        let v = 0
        for (let j = 0; j < nx; j++) v += s.Gx[i * nx + j] * x[j]
        for (let a = 0; a < nuk; a++) v += s.Gu[i * nuk + a] * u[a]
        const kind = rng.next()
        const lo = v - (rng.next() < 0.15 ? 0 : rng.uniform(0, 1))
        const hi = v + (rng.next() < 0.15 ? 0 : rng.uniform(0, 1))
        lg[i] = kind < 0.7 ? (kind > 0.3 && lo === hi ? lo - 0.5 : lo) : -Infinity
        ug[i] = kind > 0.3 ? hi : Infinity
      }
    }
    if (k < N) {
      const A = randn(rng, nx * nx, 0.15 / Math.sqrt(nx))
      for (let i = 0; i < nx; i++) A[i * nx + i] += 1
      s.A = A
      s.B = randn(rng, nx * nu, 0.5)
      s.c = randn(rng, nx, 0.1)
      const xn = new Float64Array(nx)
      for (let i = 0; i < nx; i++) {
        let v = s.c[i]
        for (let j = 0; j < nx; j++) v += A[i * nx + j] * x[j]
        for (let a = 0; a < nu; a++) v += s.B[i * nu + a] * u[a]
        xn[i] = v
      }
      x = xn
    }
    stages.push(s)
  }
  const p: OcpProblem = { nx, stages }
  if (g.x0Fixed) p.x0 = x0
  return p
}

/** Condensed dense QP in U and the affine maps back to the trajectory. */
export function condenseOcp (p: OcpProblem): { qp: QpProblem, constant: number, unpack: (U: ArrayLike<number>) => { x: Float64Array[], u: Float64Array[] } } {
  const nx = p.nx
  const N = p.stages.length - 1
  const free = p.x0 === undefined
  const uOff: number[] = []
  let nU = free ? nx : 0
  for (const s of p.stages) { uOff.push(nU); nU += s.nu }
  // x_k = S_k U + s_k
  let S = new Float64Array(nx * nU)
  let sv = new Float64Array(nx)
  if (free) for (let i = 0; i < nx; i++) S[i * nU + i] = 1
  else sv = Float64Array.from(p.x0 as ArrayLike<number>)
  const H = new Float64Array(nU * nU)
  const g = new Float64Array(nU)
  let constant = 0
  const A: number[] = []
  const b: number[] = []
  const C: number[] = []
  const l: number[] = []
  const u: number[] = []
  const Ss: Float64Array[] = []
  const svs: Float64Array[] = []
  p.stages.forEach((st, k) => {
    Ss.push(S); svs.push(sv)
    const nu = st.nu
    const nxu = nx + nu
    // [x; u] = M U + m
    const M = new Float64Array(nxu * nU)
    const m = new Float64Array(nxu)
    M.set(S)
    m.set(sv)
    for (let a = 0; a < nu; a++) M[(nx + a) * nU + uOff[k] + a] = 1
    // H += Mᵀ Q M, g += Mᵀ(Q m + q), constant += ½ mᵀQm + qᵀm
    const QM = new Float64Array(nxu * nU)
    for (let i = 0; i < nxu; i++) for (let j = 0; j < nxu; j++) { const q = st.Q[i * nxu + j]; if (q !== 0) for (let c = 0; c < nU; c++) QM[i * nU + c] += q * M[j * nU + c] }
    for (let i = 0; i < nxu; i++) for (let r = 0; r < nU; r++) { const mv = M[i * nU + r]; if (mv !== 0) for (let c = 0; c < nU; c++) H[r * nU + c] += mv * QM[i * nU + c] }
    const Qm = new Float64Array(nxu)
    for (let i = 0; i < nxu; i++) { let s = st.q[i]; for (let j = 0; j < nxu; j++) s += st.Q[i * nxu + j] * m[j]; Qm[i] = s }
    for (let i = 0; i < nxu; i++) for (let r = 0; r < nU; r++) g[r] += M[i * nU + r] * Qm[i]
    for (let i = 0; i < nxu; i++) { let s = 0; for (let j = 0; j < nxu; j++) s += st.Q[i * nxu + j] * m[j]; constant += m[i] * (0.5 * s + st.q[i]) }
    const ne = st.e?.length ?? 0
    for (let i = 0; i < ne; i++) {
      let rhs = (st.e as ArrayLike<number>)[i]
      const row = new Float64Array(nU)
      for (let j = 0; j < nxu; j++) {
        const d = j < nx ? (st.Dx?.[i * nx + j] ?? 0) : (st.Eu as ArrayLike<number>)[i * nu + j - nx]
        if (d === 0) continue
        rhs -= d * m[j]
        for (let c = 0; c < nU; c++) row[c] += d * M[j * nU + c]
      }
      A.push(...row); b.push(rhs)
    }
    const ng = st.lg?.length ?? st.ug?.length ?? 0
    for (let i = 0; i < ng; i++) {
      let off = 0
      const row = new Float64Array(nU)
      for (let j = 0; j < nxu; j++) {
        const d = j < nx ? (st.Gx?.[i * nx + j] ?? 0) : (st.Gu?.[i * nu + j - nx] ?? 0)
        if (d === 0) continue
        off += d * m[j]
        for (let c = 0; c < nU; c++) row[c] += d * M[j * nU + c]
      }
      C.push(...row)
      l.push((st.lg?.[i] ?? -Infinity) - off)
      u.push((st.ug?.[i] ?? Infinity) - off)
    }
    if (k < N) {
      const Sn = new Float64Array(nx * nU)
      const sn = new Float64Array(nx)
      for (let i = 0; i < nx; i++) {
        let s = (st.c as ArrayLike<number>)[i]
        for (let j = 0; j < nx; j++) {
          const a = (st.A as ArrayLike<number>)[i * nx + j]
          s += a * sv[j]
          if (a !== 0) for (let c = 0; c < nU; c++) Sn[i * nU + c] += a * S[j * nU + c]
        }
        for (let a = 0; a < nu; a++) Sn[i * nU + uOff[k] + a] += (st.B as ArrayLike<number>)[i * nu + a]
        sn[i] = s
      }
      S = Sn; sv = sn
    }
  })
  for (let i = 0; i < nU; i++) for (let j = 0; j < i; j++) { const v = 0.5 * (H[i * nU + j] + H[j * nU + i]); H[i * nU + j] = v; H[j * nU + i] = v }
  const unpack = (U: ArrayLike<number>): { x: Float64Array[], u: Float64Array[] } => ({
    x: Ss.map((Sk, k) => Float64Array.from({ length: nx }, (_, i) => { let s = svs[k][i]; for (let c = 0; c < nU; c++) s += Sk[i * nU + c] * U[c]; return s })),
    u: p.stages.map((st, k) => Float64Array.from({ length: st.nu }, (_, a) => U[uOff[k] + a]))
  })
  return { qp: { n: nU, H, g, A, b, C, l, u }, constant, unpack }
}
