// Primal-dual interior-point method for the OCP QP (ocp-types.ts) with Mehrotra's
// predictor-corrector (S. Mehrotra, SIAM J. Optim. 2(4), 1992) and a Riccati recursion for every
// Newton system (riccati.ts), so each iteration costs O(N). Inequalities are handled exactly by
// the interior point: each finite side of l ≤ G y ≤ u gets a slack s ≥ 0 and a multiplier λ ≥ 0;
// the iteration stops when stationarity, dynamics and bound residuals and μ = sᵀλ/m are below
// the tolerances. Stage equalities are eliminated beforehand (ocp-reduce.ts), so they hold to
// roundoff at every iterate.
//
// Newton system per stage, after eliminating Δs and Δλ:
//   (Q̃ + G̃ᵀ W G̃) Δy + Ãᵀ Δπ_{k+1} − [0; Δπ_k] = −(r_d + G̃ᵀ ρ),  Δx_{k+1} = Ã Δy_k + r_dyn,
//   W = λ_l/s_l + λ_u/s_u,  ρ = (r_sl + λ_l r_l)/s_l − (r_su + λ_u r_u)/s_u,
// where r_s = s∘λ (predictor) or s∘λ + Δs_aff∘Δλ_aff − σμ (corrector, σ = (μ_aff/μ)³). The
// Riccati factorization is shared by both right-hand sides.
//
// Active-set start (opts.polish): before the first interior-point iteration the active-set polish
// (below: a few rounds of a primal-dual active-set method on Riccati factorizations, each result
// kept only with a KKT certificate) is tried from the start point's active guess (λ > s: none on
// a cold start). An MPC whose optimum has few bound changes is then solved by one to four
// factorizations instead of ~8 interior-point iterations; otherwise the interior point runs as
// before and the polish is retried as its merit falls.
//
// Warm start (opts.warmStart): the previous primal-dual solution, optionally shifted by one stage,
// with slacks recomputed from the warm primal point and lifted to ≥ 1 and multipliers lifted to
// ≥ 1e-2 (an interior, roughly centred start); if that solve does not reach optimality it is
// redone cold (sol.warm = 2). As usual for interior points the gain is modest (≈15 % fewer
// iterations on a steady MPC sequence).
// Reads dims, data, opts. Writes sol (x, u, multipliers, gains, status); never allocates.
import { OcpDims, OcpData, OcpBlocks, OcpOptions, OcpSolution, OcpWorkspace, OCP_OPTIMAL, OCP_INFEASIBLE, OCP_MAX_ITER, OCP_NUMERICAL, OCP_E_NONE, OCP_E_BOUNDS, OCP_E_INFEASIBLE_ROW } from './ocp-types'
import { ocpReduce, ocpExpand, ocpProject, x0Column } from './ocp-reduce'
import { riccatiFactor, riccatiSolve, riccatiCostToGo, riccatiRankOne, stageCostScale } from './riccati'
import { eliminationMultipliers } from '../qp/nullspace-elimination'
import { dot, axpy, fill, copy } from '../linalg/dense-kernels'
import { lowerSolve, lowerTransSolve } from '../linalg/cholesky'

/**
 * Residuals of the current iterate; returns μ. Writes sol.resStat/resEq/resComp, ws.rd/rdyn/rl/ru,
 * ws.dualScale/dynRes. With stat = false only the row terms are recomputed (y and π unchanged
 * since the last full call: r_d, r_dyn and sol.resStat are kept).
 */
function residuals (dims: OcpDims, ws: OcpWorkspace, sol: OcpSolution, stat: bool = true): f64 {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const NG = dims.ngMax
  // locals: every loop below stores into memory, so field loads would be repeated per iteration
  const rd = ws.rd
  const y = ws.y
  const pi = ws.pi
  const Qr = ws.Qr
  const qr = ws.qr
  const Ar = ws.Ar
  const cr = ws.cr
  const Gr = ws.Gr
  const gIdx = ws.gIdx
  const gCnt = ws.gCnt
  const live = ws.live
  const hasL = ws.hasL
  const hasU = ws.hasU
  const ll = ws.ll
  const lu = ws.lu
  const sl = ws.sl
  const su = ws.su
  const lgr = ws.lgr
  const ugr = ws.ugr
  const rl = ws.rl
  const ru = ws.ru
  const rdyn = ws.rdyn
  let rs = 0.0
  let re = 0.0
  let comp = 0.0
  let mcount = 0.0
  let dyn = 0.0
  let ds = 0.0
  for (let k = 0; k <= N; k++) {
    const ny = unchecked(ws.ny[k])
    const nv = unchecked(ws.nv[k])
    const nxr = unchecked(ws.nxr[k])
    const m = k * NY
    const qo = k * NY * NY
    if (stat) {
      // r_d = Q̃ y + q̃ + Ãᵀ π_{k+1} − [0; π_k] − G̃ᵀ(λ_l − λ_u)
      if (unchecked(ws.qDiag[k]) != 0) {
        for (let a = 0; a < ny; a++) unchecked(rd[m + a] = unchecked(qr[m + a]) + unchecked(Qr[qo + a * NY + a]) * unchecked(y[m + a]))
      } else {
        for (let a = 0; a < ny; a++) unchecked(rd[m + a] = unchecked(qr[m + a]) + dot(Qr, qo + a * NY, y, m, ny))
      }
      if (k < N) {
        const ao = k * nx * NY
        if (unchecked(ws.arSparse[k]) != 0) {
          const arIdx = ws.arIdx
          for (let j = 0; j < nx; j++) {
            const c = unchecked(pi[k * nx + j])
            const ro = ao + j * NY
            for (let t = 0, n = unchecked(ws.arCnt[k * nx + j]); t < n; t++) { const a = unchecked(arIdx[ro + t]); unchecked(rd[m + a] += c * unchecked(Ar[ro + a])) }
          }
        } else {
          for (let j = 0; j < nx; j++) {
            const c = unchecked(pi[k * nx + j])
            if (c != 0.0) axpy(rd, m, c, Ar, ao + j * NY, ny)
          }
        }
      }
      if (k > 0) for (let i = 0; i < nxr; i++) unchecked(rd[m + nv + i] -= unchecked(pi[(k - 1) * nx + i]))
    }
    for (let li = 0, ln = unchecked(ws.nLive[k]); li < ln; li++) {
      const gi = unchecked(live[k * NG + li])
      const ro = gi * NY
      const cnt = unchecked(gCnt[gi])
      let gy = 0.0
      for (let t = 0; t < cnt; t++) { const a = unchecked(gIdx[ro + t]); gy += unchecked(Gr[ro + a]) * unchecked(y[m + a]) }
      const hl = unchecked(hasL[gi])
      const hu = unchecked(hasU[gi])
      const lli = hl * unchecked(ll[gi])
      const lui = hu * unchecked(lu[gi])
      ds = max(ds, max(lli, lui))
      if (stat) {
        const dl = lli - lui
        if (dl != 0.0) for (let t = 0; t < cnt; t++) { const a = unchecked(gIdx[ro + t]); unchecked(rd[m + a] -= unchecked(Gr[ro + a]) * dl) }
      }
      // (infinite sides have hasL/hasU = 0 and must not touch their ±∞ bound: 0·∞ is NaN)
      if (hl != 0.0) {
        const lg = unchecked(lgr[gi])
        const r = gy - lg - unchecked(sl[gi])
        unchecked(rl[gi] = r)
        re = max(re, Math.abs(r) / max(1.0, Math.abs(lg)))
        comp += unchecked(sl[gi]) * lli
      } else unchecked(rl[gi] = 0.0)
      if (hu != 0.0) {
        const ug = unchecked(ugr[gi])
        const r = ug - gy - unchecked(su[gi])
        unchecked(ru[gi] = r)
        re = max(re, Math.abs(r) / max(1.0, Math.abs(ug)))
        comp += unchecked(su[gi]) * lui
      } else unchecked(ru[gi] = 0.0)
      mcount += hl + hu
    }
    if (stat) {
      for (let a = 0; a < ny; a++) rs = max(rs, Math.abs(unchecked(rd[m + a])))
      if (k < N) {
        const ao = k * nx * NY
        const m1 = (k + 1) * NY + unchecked(ws.nv[k + 1])
        const sp = unchecked(ws.arSparse[k]) != 0
        const arIdx = ws.arIdx
        for (let i = 0; i < nx; i++) {
          const c = unchecked(cr[k * nx + i])
          const ro = ao + i * NY
          let ay = 0.0
          if (sp) {
            for (let t = 0, n = unchecked(ws.arCnt[k * nx + i]); t < n; t++) { const a = unchecked(arIdx[ro + t]); ay += unchecked(Ar[ro + a]) * unchecked(y[m + a]) }
          } else ay = dot(Ar, ro, y, m, ny)
          const r = ay + c - unchecked(y[m1 + i])
          unchecked(rdyn[k * nx + i] = r)
          dyn = max(dyn, Math.abs(r) / max(1.0, Math.abs(c)))
        }
      }
    }
  }
  // magnitude of the multipliers: the stationarity tolerance is relative to it as well
  for (let i = 0; i < N * nx; i++) ds = max(ds, Math.abs(unchecked(pi[i])))
  ws.dualScale = ds
  if (stat) {
    ws.dynRes = dyn
    sol.resStat = rs
  }
  sol.resEq = max(re, ws.dynRes)
  const mu = mcount > 0.0 ? comp / mcount : 0.0
  sol.resComp = mu
  return mu
}

/**
 * residuals() at the zero iterate (y = 0, π = 0, λ = 0: the cold start with no active guess):
 * r_d = q̃, r_dyn = c̃, r_l = −l̃ − s_l, r_u = ũ − s_u, μ = 0; no products.
 */
function residualsZero (dims: OcpDims, ws: OcpWorkspace, sol: OcpSolution): f64 {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const NG = dims.ngMax
  let rs = 0.0
  let re = 0.0
  let dyn = 0.0
  for (let k = 0; k <= N; k++) {
    const m = k * NY
    const ny = ws.ny[k]
    copy(ws.rd, m, ws.qr, m, ny)
    for (let a = 0; a < ny; a++) rs = max(rs, Math.abs(unchecked(ws.qr[m + a])))
    if (k < N) {
      copy(ws.rdyn, k * nx, ws.cr, k * nx, nx)
      for (let i = 0; i < nx; i++) { const c = Math.abs(unchecked(ws.cr[k * nx + i])); dyn = max(dyn, c / max(1.0, c)) }
    }
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      const hl = ws.hasL[gi]
      const hu = ws.hasU[gi]
      if (hl != 0.0) {
        const lg = ws.lgr[gi]
        const r = -lg - ws.sl[gi]
        ws.rl[gi] = r
        re = max(re, Math.abs(r) / max(1.0, Math.abs(lg)))
      } else ws.rl[gi] = 0.0
      if (hu != 0.0) {
        const ug = ws.ugr[gi]
        const r = ug - ws.su[gi]
        ws.ru[gi] = r
        re = max(re, Math.abs(r) / max(1.0, Math.abs(ug)))
      } else ws.ru[gi] = 0.0
    }
  }
  ws.dualScale = 0.0
  ws.dynRes = dyn
  sol.resStat = rs
  sol.resEq = max(re, dyn)
  sol.resComp = 0.0
  return 0.0
}

/**
 * Barrier Hessian Ĥ = Q̃ + G̃ᵀWG̃ into ws.L (lower triangle) for stages 0..kTop (all when
 * kTop < 0); W = λ/s unless givenW (then ws.W as set).
 */
function barrierHessian (dims: OcpDims, ws: OcpWorkspace, givenW: bool = false, kTop: i32 = -1): void {
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  const k1 = kTop < 0 || kTop > N ? N : kTop
  for (let k = 0; k <= k1; k++) {
    const ny = ws.ny[k]
    const lk = k * NY * NY
    for (let a = 0; a < ny; a++) copy(ws.L, lk + a * NY, ws.Qr, lk + a * NY, a + 1)
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      const w = givenW ? ws.W[gi] : ws.hasL[gi] * ws.ll[gi] / ws.sl[gi] + ws.hasU[gi] * ws.lu[gi] / ws.su[gi]
      ws.W[gi] = w
      if (w == 0.0) continue
      const ro = gi * NY
      const cnt = ws.gCnt[gi]
      for (let t = 0; t < cnt; t++) {
        const a = ws.gIdx[ro + t]
        const wa = w * ws.Gr[ro + a]
        for (let s = 0; s < cnt; s++) {
          const b = ws.gIdx[ro + s]
          if (b <= a) ws.L[lk + a * NY + b] += wa * ws.Gr[ro + b]
        }
      }
    }
  }
}

/**
 * Newton right-hand side and step for complementarity targets r_s (predictor: corr = false;
 * corrector adds Δs_aff∘Δλ_aff − σμ). Writes ws.dy, ws.dpi, ws.dsl/dsu/dll/dlu.
 */
function newtonStep (dims: OcpDims, ws: OcpWorkspace, corr: bool, sigmaMu: f64): void {
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  for (let k = 0; k <= N; k++) {
    const ny = ws.ny[k]
    const m = k * NY
    copy(ws.gh, m, ws.rd, m, ny)
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      const hl = ws.hasL[gi]
      const hu = ws.hasU[gi]
      let rsl = hl * ws.sl[gi] * ws.ll[gi]
      let rsu = hu * ws.su[gi] * ws.lu[gi]
      if (corr) {
        rsl += hl * (ws.asl[gi] * ws.all[gi] - sigmaMu)
        rsu += hu * (ws.asu[gi] * ws.alu[gi] - sigmaMu)
      }
      ws.dsl[gi] = rsl
      ws.dsu[gi] = rsu
      const rho = hl * (rsl + ws.ll[gi] * ws.rl[gi]) / ws.sl[gi] - hu * (rsu + ws.lu[gi] * ws.ru[gi]) / ws.su[gi]
      ws.rg[gi] = rho
      if (rho != 0.0) {
        const ro = gi * NY
        for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; ws.gh[m + a] += ws.Gr[ro + a] * rho }
      }
    }
  }
  riccatiSolve(dims, ws, ws.rdyn)
  for (let k = 0; k <= N; k++) {
    const m = k * NY
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      const ro = gi * NY
      let gdy = 0.0
      for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; gdy += ws.Gr[ro + a] * ws.dy[m + a] }
      const hl = ws.hasL[gi]
      const hu = ws.hasU[gi]
      const rsl = ws.dsl[gi]
      const rsu = ws.dsu[gi]
      // Δs_l = GΔy + r_l, Δλ_l = −(r_sl + λ_l Δs_l)/s_l ; Δs_u = −GΔy + r_u, Δλ_u = −(r_su + λ_u Δs_u)/s_u
      const dsl = hl * (gdy + ws.rl[gi])
      const dsu = hu * (-gdy + ws.ru[gi])
      ws.dsl[gi] = dsl
      ws.dsu[gi] = dsu
      ws.dll[gi] = hl * (-(rsl + ws.ll[gi] * dsl) / ws.sl[gi])
      ws.dlu[gi] = hu * (-(rsu + ws.lu[gi] * dsu) / ws.su[gi])
    }
  }
}

/** Largest α ≤ 1 keeping s + αΔs ≥ 0 and λ + αΔλ ≥ 0 on the finite sides. */
function maxStep (dims: OcpDims, ws: OcpWorkspace): f64 {
  let a = 1.0
  const NG = dims.ngMax
  for (let k = 0; k <= dims.N; k++) {
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      if (ws.hasL[gi] != 0.0) {
        if (ws.dsl[gi] < 0.0) a = min(a, -ws.sl[gi] / ws.dsl[gi])
        if (ws.dll[gi] < 0.0) a = min(a, -ws.ll[gi] / ws.dll[gi])
      }
      if (ws.hasU[gi] != 0.0) {
        if (ws.dsu[gi] < 0.0) a = min(a, -ws.su[gi] / ws.dsu[gi])
        if (ws.dlu[gi] < 0.0) a = min(a, -ws.lu[gi] / ws.dlu[gi])
      }
    }
  }
  return a
}

function initCold (dims: OcpDims, ws: OcpWorkspace): void {
  ws.warmGuess = false
  ws.coldStart = true
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  fill(ws.y, 0, 0.0, (N + 1) * NY)
  fill(ws.pi, 0, 0.0, (N + 1) * dims.nx)
  for (let k = 0; k <= N; k++) {
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      // y = 0: G y = 0; slacks at least 1 so the start is well inside
      ws.sl[gi] = ws.hasL[gi] != 0.0 ? max(1.0, -ws.lgr[gi]) : 1.0
      ws.su[gi] = ws.hasU[gi] != 0.0 ? max(1.0, ws.ugr[gi]) : 1.0
      ws.ll[gi] = ws.hasL[gi]
      ws.lu[gi] = ws.hasU[gi]
    }
  }
}

function initWarm (dims: OcpDims, ws: OcpWorkspace, shift: bool): void {
  ws.coldStart = false
  ws.warmGuess = true
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const NG = dims.ngMax
  const NU = dims.nuMax
  for (let k = 0; k <= N; k++) {
    const src = shift ? min(k + 1, N) : k
    ocpProject(dims, ws, k, ws.px, src * nx, ws.pu, src * NU, ws.y, k * NY)
    if (k < N) {
      const ps = shift ? min(k + 1, N - 1) : k
      copy(ws.pi, k * nx, ws.ppi, ps * nx, nx)
    }
    const m = k * NY
    for (let i = 0; i < dims.ng[k]; i++) {
      const gi = k * NG + i
      const gs = src * NG + i
      const ok = i < dims.ng[src]
      const ro = gi * NY
      let gy = 0.0
      for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; gy += ws.Gr[ro + a] * ws.y[m + a] }
      // the active-set start's guess: the rows active in the previous solution (its own λ > s,
      // before the lifting below, which would hide every row whose multiplier is under the
      // lifted slack)
      let side = 0.0
      if (ok) {
        // (a polished solution's active rows have s = 0, and at the approximate tail a multiplier
        // may be slightly negative: OcpOptions.polishTailStages)
        const lo = ws.hasL[gi] != 0.0 && (ws.pll[gs] > ws.psl[gs] || (ws.psl[gs] == 0.0 && ws.pll[gs] != 0.0))
        const up = ws.hasU[gi] != 0.0 && (ws.plu[gs] > ws.psu[gs] || (ws.psu[gs] == 0.0 && ws.plu[gs] != 0.0))
        if (lo && (!up || ws.pll[gs] >= ws.plu[gs])) side = 1.0
        else if (up) side = -1.0
      }
      ws.rg[gi] = side
      ws.gl0[gi] = side == 1.0 ? ws.pll[gs] : 0.0
      ws.gu0[gi] = side == -1.0 ? ws.plu[gs] : 0.0
      // slacks from the warm primal point, lifted off the boundary; multipliers lifted likewise
      if (ws.hasL[gi] != 0.0) {
        ws.sl[gi] = max(WARM_SLACK, gy - ws.lgr[gi])
        ws.ll[gi] = max(WARM_DUAL, ok ? ws.pll[gs] : 1.0)
      } else { ws.sl[gi] = 1.0; ws.ll[gi] = 0.0 }
      if (ws.hasU[gi] != 0.0) {
        ws.su[gi] = max(WARM_SLACK, ws.ugr[gi] - gy)
        ws.lu[gi] = max(WARM_DUAL, ok ? ws.plu[gs] : 1.0)
      } else { ws.su[gi] = 1.0; ws.lu[gi] = 0.0 }
    }
  }
}

/** The Mehrotra loop from the current iterate; returns OCP_OPTIMAL, OCP_MAX_ITER or OCP_NUMERICAL. */
/** Adds t·(last direction) to the iterate (t = −α undoes the last update). */
function moveIterate (dims: OcpDims, ws: OcpWorkspace, t: f64): void {
  ws.coldStart = false
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  const nx = dims.nx
  for (let k = 0; k <= N; k++) {
    axpy(ws.y, k * NY, t, ws.dy, k * NY, ws.ny[k])
    if (k < N) axpy(ws.pi, k * nx, t, ws.dpi, k * nx, nx)
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      if (ws.hasL[gi] != 0.0) {
        ws.sl[gi] = max(ws.sl[gi] + t * ws.dsl[gi], 1e-300)
        ws.ll[gi] = max(ws.ll[gi] + t * ws.dll[gi], 1e-300)
      }
      if (ws.hasU[gi] != 0.0) {
        ws.su[gi] = max(ws.su[gi] + t * ws.dsu[gi], 1e-300)
        ws.lu[gi] = max(ws.lu[gi] + t * ws.dlu[gi], 1e-300)
      }
    }
  }
}

/** Saves (restore = false) or restores (restore = true) the iterate. */
function backupIterate (dims: OcpDims, ws: OcpWorkspace, restore: bool): void {
  const S = dims.N + 1
  const ny = S * ws.nyMax
  const nxs = S * dims.nx
  const ng = S * dims.ngMax
  if (restore) {
    copy(ws.y, 0, ws.by, 0, ny); copy(ws.pi, 0, ws.bpi, 0, nxs)
    copy(ws.sl, 0, ws.bsl, 0, ng); copy(ws.su, 0, ws.bsu, 0, ng)
    copy(ws.ll, 0, ws.bll, 0, ng); copy(ws.lu, 0, ws.blu, 0, ng)
  } else {
    copy(ws.by, 0, ws.y, 0, ny); copy(ws.bpi, 0, ws.pi, 0, nxs)
    copy(ws.bsl, 0, ws.sl, 0, ng); copy(ws.bsu, 0, ws.su, 0, ng)
    copy(ws.bll, 0, ws.ll, 0, ng); copy(ws.blu, 0, ws.lu, 0, ng)
  }
}

/**
 * Residuals at or below ACCEPT_TOL (every one, relative) count as converged when the next
 * Newton step breaks down: near the solution the barrier terms of the active rows reach 1e15+
 * and a further step can lose all accuracy; the step is then undone.
 */
const ACCEPT_TOL: f64 = 1e-8
/** Floors of the slacks and multipliers of a warm start (measured on the centroidal MPC: larger slack floors, small dual floors center best). */
const WARM_SLACK: f64 = 1.0
const WARM_DUAL: f64 = 1e-2
/**
 * The active-set polish is tried at the start point (an MPC's active set is often found by its
 * rounds alone: no interior-point iteration at all), then whenever the merit is below
 * POLISH_EARLY and 10× below that of the last failed attempt, and at every iteration once the
 * merit is below POLISH_START. Each attempt that fails costs about one to four factorizations.
 */
const POLISH_EARLY: f64 = 1e-1
const POLISH_START: f64 = 1e-6
/** Interior-point iterations past convergence spent waiting for a successful polish. */
const POLISH_EXTRA: i32 = 4

function ipmLoop (dims: OcpDims, opts: OcpOptions, sol: OcpSolution, ws: OcpWorkspace, scaleStat: f64): i32 {
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  let prevMerit = Infinity
  let failedMerit = Infinity
  let extra = 0
  // the active-set start needs no residuals of the start point (its passes compute their own)
  let startFailed = false
  if (opts.polish) {
    // (more rounds at the start point, whose active guess is the roughest)
    if (polish(dims, opts, sol, ws, scaleStat, opts.polishStartRounds)) { sol.polished = 1; return OCP_OPTIMAL }
    startFailed = true
  }
  // (the previous solution's active set guesses only the start; later polishes read the iterate)
  ws.warmGuess = false
  const later = opts.polish && !opts.polishStartOnly
  for (let it = 0; it <= opts.maxIter; it++) {
    const mu = residuals(dims, ws, sol)
    const sc = max(scaleStat, ws.dualScale)
    const merit = max(max(sol.resStat / sc, sol.resEq), mu)
    if (!(merit <= 1e2 * prevMerit) && prevMerit <= ACCEPT_TOL) {
      // breakdown after a good iterate: go back to it and stop there
      backupIterate(dims, ws, true)
      residuals(dims, ws, sol)
      return OCP_OPTIMAL
    }
    if (!(merit == merit)) return OCP_NUMERICAL
    // near the solution, try the active-set polish: it ends the iteration when it yields a KKT point
    if (startFailed) { failedMerit = merit; startFailed = false } else if (later && (merit <= POLISH_START || (merit <= POLISH_EARLY && merit <= 0.1 * failedMerit))) {
      if (polish(dims, opts, sol, ws, scaleStat, 4)) { sol.polished = 1; return OCP_OPTIMAL }
      failedMerit = merit
    }
    if (sol.resStat <= opts.tolStat * sc && sol.resEq <= opts.tolEq && mu <= opts.tolComp) {
      // converged; when the polish has not yet succeeded (degenerate rows blur the active set),
      // a few more interior-point iterations sharpen it before giving up on it
      if (!later || extra >= POLISH_EXTRA || mu <= 1e-15) return OCP_OPTIMAL
      extra++
    }
    if (it == opts.maxIter) return prevMerit <= ACCEPT_TOL && merit <= ACCEPT_TOL ? OCP_OPTIMAL : OCP_MAX_ITER
    prevMerit = merit
    sol.iterations++
    barrierHessian(dims, ws)
    riccatiFactor(dims, ws, opts.pivotFloor)
    // predictor
    newtonStep(dims, ws, false, 0.0)
    const aAff = maxStep(dims, ws)
    let muAff = 0.0
    let mcount = 0.0
    for (let k = 0; k <= N; k++) {
      for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
        const gi = unchecked(ws.live[k * NG + li])
        const hl = ws.hasL[gi]
        const hu = ws.hasU[gi]
        muAff += hl * (ws.sl[gi] + aAff * ws.dsl[gi]) * (ws.ll[gi] + aAff * ws.dll[gi])
        muAff += hu * (ws.su[gi] + aAff * ws.dsu[gi]) * (ws.lu[gi] + aAff * ws.dlu[gi])
        mcount += hl + hu
        ws.asl[gi] = ws.dsl[gi]
        ws.asu[gi] = ws.dsu[gi]
        ws.all[gi] = ws.dll[gi]
        ws.alu[gi] = ws.dlu[gi]
      }
    }
    let alpha = aAff
    if (mcount > 0.0) {
      muAff /= mcount
      const ratio = mu > 0.0 ? muAff / mu : 0.0
      const sigma = ratio * ratio * ratio
      // corrector (same factorization)
      newtonStep(dims, ws, true, sigma * mu)
      alpha = maxStep(dims, ws)
      alpha = min(1.0, 0.995 * alpha)
    }
    backupIterate(dims, ws, false)
    moveIterate(dims, ws, alpha)
  }
  return OCP_MAX_ITER
}

/**
 * Active-set polish: rows with λ > s are taken as active (at that side) and enforced by an
 * augmented Lagrangian with weight ρ = 1e5·max(1, max diag Q̃_k) on one Riccati factorization of
 * Q̃ + ρ G_Aᵀ G_A: each pass is a Newton step of the (quadratic) augmented problem, then
 * λ_A ← λ_A ∓ ρ (G_A y − b_A); the equality error shrinks by about ‖Q̃‖/ρ per pass (up to 8
 * passes). A larger ρ would converge in fewer passes but amplify the roundoff of G_A y − b_A
 * into the multipliers. The result
 * is kept only if every inactive row holds, every active multiplier is ≥ 0 and the residuals are
 * small; otherwise the interior-point iterate is restored. Returns true when kept.
 */
/** max over active rows of |G y − b| / max(1, |b|). */
function polishGap (dims: OcpDims, ws: OcpWorkspace): f64 {
  const NY = ws.nyMax
  const NG = dims.ngMax
  let gap = 0.0
  for (let k = 0; k <= dims.N; k++) {
    const m = k * NY
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      const side = ws.rg[gi]
      if (side == 0.0) continue
      const ro = gi * NY
      let gy = 0.0
      for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; gy += ws.Gr[ro + a] * ws.y[m + a] }
      const b = side > 0.0 ? ws.lgr[gi] : ws.ugr[gi]
      gap = max(gap, Math.abs(gy - b) / max(1.0, Math.abs(b)))
    }
  }
  return gap
}

/** G̃ y of row gi (stage k). */
@inline function rowValue (ws: OcpWorkspace, gi: i32, m: i32): f64 {
  const ro = gi * ws.nyMax
  let gy = 0.0
  for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; gy += ws.Gr[ro + a] * ws.y[m + a] }
  return gy
}

/**
 * Augmented-Lagrangian passes on the current active set (ws.rg, ws.W) on one factorization: made
 * here when factor (of stages 0..kTop: the later ones kept from the previous round, whose rows there
 * are unchanged), else already updated by the caller. Returns true when the residuals (ws.rd,
 * ws.rdyn) are those of the final iterate.
 */
function polishPasses (dims: OcpDims, opts: OcpOptions, sol: OcpSolution, ws: OcpWorkspace, atZero: bool, factor: bool, kTop: i32): bool {
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  if (factor) {
    barrierHessian(dims, ws, true, kTop)
    riccatiFactor(dims, ws, opts.pivotFloor, kTop)
  }
  sol.polishRounds++
  let prevGap = Infinity
  let prevDyn = Infinity
  for (let pass = 0; pass < 8; pass++) {
    sol.polishPasses++
    if (pass == 0 && atZero) residualsZero(dims, ws, sol)
    else residuals(dims, ws, sol)
    // the passes also refine the dynamics residual (iterative refinement of the Riccati solve);
    // they stop at machine level, or where roundoff stops them short of it: within the
    // acceptance level (1e-12) and no longer halving (rows with bounds of order 100 settle at a
    // few 1e-15, and the remaining passes of 8 would change nothing)
    const gap = polishGap(dims, ws)
    const dyn = ws.dynRes
    if (pass > 0) {
      if (gap <= 1e-15 && dyn <= 1e-15) return true
      if (gap <= 1e-12 && dyn <= 1e-12 && gap > 0.5 * prevGap && dyn > 0.5 * prevDyn) return true
      // a real-time iteration's QP needs no more than the acceptance level: the interior point
      // standing in for a failed start stops at a far coarser tolerance
      if (opts.polishStartOnly && gap <= 1e-12 && dyn <= 1e-12) return true
    }
    prevGap = gap
    prevDyn = dyn
    // gradient of the augmented Lagrangian: r_d + Σ_A ρ G_iᵀ (G_i y − b_i)
    for (let k = 0; k <= N; k++) {
      const m = k * NY
      copy(ws.gh, m, ws.rd, m, ws.ny[k])
      for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
        const gi = unchecked(ws.live[k * NG + li])
        const side = ws.rg[gi]
        if (side == 0.0) continue
        const ro = gi * NY
        const e = ws.W[gi] * (rowValue(ws, gi, m) - (side > 0.0 ? ws.lgr[gi] : ws.ugr[gi]))
        for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; ws.gh[m + a] += ws.Gr[ro + a] * e }
      }
    }
    riccatiSolve(dims, ws, ws.rdyn)
    for (let k = 0; k <= N; k++) {
      const m = k * NY
      axpy(ws.y, m, 1.0, ws.dy, m, ws.ny[k])
      if (k < N) axpy(ws.pi, k * dims.nx, 1.0, ws.dpi, k * dims.nx, dims.nx)
      for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
        const gi = unchecked(ws.live[k * NG + li])
        const side = ws.rg[gi]
        if (side == 0.0) continue
        const gy = rowValue(ws, gi, m)
        if (side > 0.0) ws.ll[gi] -= ws.W[gi] * (gy - ws.lgr[gi])
        else ws.lu[gi] += ws.W[gi] * (gy - ws.ugr[gi])
      }
    }
  }
  return false
}

/** Row changes of a polish round handled by rank-one changes of the factors (each O(k·ny²), a factorization ≈ 8 of them). */
const POLISH_UPDATES = 4

/**
 * Active-set polish (a few rounds of a primal-dual active-set method started from the interior
 * point's guess, λ > s): each round enforces the active rows by an augmented Lagrangian with weight
 * ρ = 1e5·max(1, max diag Q̃_k) on one Riccati factorization of Q̃ + ρ G_Aᵀ G_A (each pass a
 * Newton step of the quadratic augmented problem, then λ_A ← λ_A ∓ ρ (G_A y − b_A); the equality
 * error shrinks by about ‖Q̃‖/ρ per pass; a larger ρ would amplify the roundoff of G_A y − b_A
 * into the multipliers). Rows found violated join the active set, active rows with a negative
 * multiplier leave it, and the round repeats (at most maxRounds). The result is kept only if it is a KKT
 * point (all rows hold to 1e-13 relative, multipliers ≥ 0, residuals within tolerance); otherwise the
 * interior-point iterate is restored. Returns true when kept.
 */
function polish (dims: OcpDims, opts: OcpOptions, sol: OcpSolution, ws: OcpWorkspace, scaleStat: f64, maxRounds: i32): bool {
  const N = dims.N
  const NY = ws.nyMax
  const NG = dims.ngMax
  // the cold start point is y = 0, π = 0; with no active guess every λ is zeroed below
  let atZero = ws.coldStart
  ws.coldStart = false
  const guess = ws.warmGuess
  ws.warmGuess = false
  backupIterate(dims, ws, false)
  for (let k = 0; k <= N; k++) {
    for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
      const gi = unchecked(ws.live[k * NG + li])
      // side: +1 lower active, −1 upper active (the stronger one if both), 0 inactive; after a
      // warm start the previous solution's (initWarm), else where the iterate has λ > s
      let side = ws.rg[gi]
      if (!guess) {
        const al = ws.hasL[gi] != 0.0 && ws.ll[gi] > ws.sl[gi]
        const au = ws.hasU[gi] != 0.0 && ws.lu[gi] > ws.su[gi]
        side = 0.0
        if (al && (!au || ws.ll[gi] >= ws.lu[gi])) side = 1.0
        else if (au) side = -1.0
        ws.rg[gi] = side
      }
      if (guess) {
        // the previous solution's multipliers, not the interior point's lifted ones: the
        // augmented Lagrangian starts from them, and a lifted one costs it passes
        ws.ll[gi] = ws.gl0[gi]
        ws.lu[gi] = ws.gu0[gi]
      } else {
        if (side != 1.0) ws.ll[gi] = 0.0
        if (side != -1.0) ws.lu[gi] = 0.0
      }
      if (side != 0.0) atZero = false
    }
  }
  // stages from kTail on: the approximate tail (OcpOptions.polishTailStages)
  const kTail = opts.polishTailStages > 0 ? N + 1 - opts.polishTailStages : N + 1
  let settled = false
  let current = false
  // the latest stage whose active rows changed in the last round: a factorization starts there
  let kTop = N
  // rows that changed in the last round (ws.chg; more than POLISH_UPDATES: refactor)
  let nChg = 0
  for (let round = 0; round < maxRounds && !settled; round++) {
    // after a few row changes, rank-one changes of the factors (riccatiRankOne) instead of a
    // factorization; a failed downdate refactors
    let factor = round == 0 || nChg > POLISH_UPDATES
    for (let c = 0; c < nChg && !factor; c++) {
      const gi = unchecked(ws.chg[c])
      const k = gi / NG
      const wNew = ws.rg[gi] != 0.0 ? 1e5 * stageCostScale(ws, k) : 0.0
      const dw = wNew - ws.W[gi]
      ws.W[gi] = wNew
      const sq = Math.sqrt(Math.abs(dw))
      const ro = gi * NY
      fill(ws.tv, 0, 0.0, ws.ny[k])
      for (let t = 0; t < ws.gCnt[gi]; t++) { const a = ws.gIdx[ro + t]; ws.tv[a] = sq * ws.Gr[ro + a] }
      if (!riccatiRankOne(dims, ws, k, dw > 0.0 ? 1.0 : -1.0, opts.pivotFloor)) factor = true
      else sol.polishUpdates++
    }
    if (factor) {
      for (let k = 0; k <= N; k++) {
        const rho = 1e5 * stageCostScale(ws, k)
        for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
          const gi = unchecked(ws.live[k * NG + li])
          ws.W[gi] = ws.rg[gi] != 0.0 ? rho : 0.0
        }
      }
    }
    current = polishPasses(dims, opts, sol, ws, atZero, factor, kTop)
    atZero = false
    kTop = -1
    nChg = 0
    let lmax = 1.0
    for (let k = 0; k <= N; k++) for (let li = 0, ln = ws.nLive[k]; li < ln; li++) { const gi = unchecked(ws.live[k * NG + li]); lmax = max(lmax, max(ws.ll[gi], ws.lu[gi])) }
    const tailTol = max(1e-10, opts.polishTailDualTol) * lmax
    settled = true
    for (let k = 0; k <= N; k++) {
      const m = k * NY
      for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
        const gi = unchecked(ws.live[k * NG + li])
        const side = ws.rg[gi]
        if (side == 0.0) {
          const gy = rowValue(ws, gi, m)
          let to = 0.0
          if (ws.hasL[gi] != 0.0 && gy - ws.lgr[gi] < -1e-13 * max(1.0, Math.abs(ws.lgr[gi]))) to = 1.0
          else if (ws.hasU[gi] != 0.0 && ws.ugr[gi] - gy < -1e-13 * max(1.0, Math.abs(ws.ugr[gi]))) to = -1.0
          if (to != 0.0) {
            ws.rg[gi] = to
            settled = false
            kTop = k
            if (nChg < POLISH_UPDATES + 1) unchecked(ws.chg[nChg] = gi)
            nChg++
          }
        } else if ((side > 0.0 ? ws.ll[gi] : ws.lu[gi]) < -(k >= kTail ? tailTol : 1e-10 * lmax)) {
          ws.rg[gi] = 0.0
          ws.ll[gi] = 0.0
          ws.lu[gi] = 0.0
          settled = false
          kTop = k
          if (nChg < POLISH_UPDATES + 1) unchecked(ws.chg[nChg] = gi)
          nChg++
        }
      }
    }
  }
  // the point of polishing is machine-level accuracy on the active rows and the dynamics
  let ok = settled && polishGap(dims, ws) <= 1e-12 && ws.dynRes <= 1e-12
  if (ok) {
    // slacks of the polished point (0 at active rows); multipliers clipped at 0
    for (let k = 0; k <= N; k++) {
      const m = k * NY
      for (let li = 0, ln = ws.nLive[k]; li < ln; li++) {
        const gi = unchecked(ws.live[k * NG + li])
        const gy = rowValue(ws, gi, m)
        const side = ws.rg[gi]
        if (ws.hasL[gi] != 0.0) ws.sl[gi] = side == 1.0 ? 0.0 : max(gy - ws.lgr[gi], 0.0)
        if (ws.hasU[gi] != 0.0) ws.su[gi] = side == -1.0 ? 0.0 : max(ws.ugr[gi] - gy, 0.0)
        // (the tail's active rows keep theirs: clipping would break stationarity by as much)
        if (ws.ll[gi] < 0.0 && !(k >= kTail && side == 1.0)) { ws.ll[gi] = 0.0; current = false }
        if (ws.lu[gi] < 0.0 && !(k >= kTail && side == -1.0)) { ws.lu[gi] = 0.0; current = false }
      }
    }
    // (unchanged y, π and multipliers: only the row residuals need recomputing)
    residuals(dims, ws, sol, !current)
    ok = sol.resStat <= opts.tolStat * max(scaleStat, ws.dualScale) && sol.resEq <= opts.tolEq
  }
  if (!ok) {
    backupIterate(dims, ws, true)
    residuals(dims, ws, sol)
  }
  return ok
}

/**
 * Feedback gain of stage 0 when x_0 is fixed (x_0 is then no variable of the recursion):
 * K_0 = ∂u_0/∂x_0 = Tx_u + T_v Kv with Kv = −Mvv⁻¹ Mvx, where Mvv = L_0 L_0ᵀ from the last
 * factorization and, for each column Tx_j of the map x_0 → [x; u],
 * Mvx_j = T_vᵀ Q Tx_j + G̃ᵀ W (G Tx_j) + Ãᵀ P_1 ([A B] Tx_j).
 */
function stageZeroGain (dims: OcpDims, data: OcpData, bl: OcpBlocks, sol: OcpSolution, ws: OcpWorkspace): void {
  const nx = dims.nx
  const nu = dims.nu[0]
  const nxu = nx + nu
  const nv = ws.nv[0]
  const NY = ws.nyMax
  const nxuMax = dims.nxMax + dims.nuMax
  const tx = ws.tw
  const w = ws.lvec
  const mv = ws.gh
  // a selection stage (no equalities or only fixed inputs) has Tx_j = e_j: the products with Tx_j
  // are columns of Q, Gx and A
  const sel0 = ws.isSel[0] != 0
  for (let j = 0; j < nx; j++) {
    if (sel0) {
      // mv = T_vᵀ Q e_j
      for (let a = 0; a < nv; a++) mv[a] = data.Q[ws.sel[a] * nxu + j]
    } else {
      for (let r = 0; r < nxu; r++) tx[r] = x0Column(ws, nx, nxuMax, r, j)
      // w = Q Tx_j
      for (let r = 0; r < nxu; r++) w[r] = dot(data.Q, r * nxu, tx, 0, nxu)
      // mv = T_vᵀ w
      for (let a = 0; a < nv; a++) {
        let s = 0.0
        for (let r = 0; r < nxu; r++) s += ws.T[r * NY + a] * w[r]
        mv[a] = s
      }
    }
    // + G̃ᵀ W (G Tx_j)
    for (let i = 0; i < dims.ng[0]; i++) {
      const wi = ws.W[i]
      if (wi == 0.0) continue
      let gx = 0.0
      if (sel0) gx = data.Gx[i * nx + j]
      else {
        for (let c = 0; c < nxu; c++) {
          const t = tx[c]
          if (t == 0.0) continue
          gx += t * (c < nx ? data.Gx[i * nx + c] : data.Gu[i * nu + c - nx])
        }
      }
      if (gx == 0.0) continue
      const ro = i * NY
      for (let t = 0; t < ws.gCnt[i]; t++) { const a = ws.gIdx[ro + t]; mv[a] += ws.Gr[ro + a] * wi * gx }
    }
    // + Ãᵀ P_1 ([A B] Tx_j)
    if (dims.N > 0) {
      const ax = ws.tv
      for (let i = 0; i < nx; i++) {
        let s = 0.0
        if (sel0) s = data.A[i * nx + j]
        else {
          for (let c = 0; c < nxu; c++) {
            const t = tx[c]
            if (t != 0.0) s += t * (c < nx ? data.A[i * nx + c] : data.B[i * nu + c - nx])
          }
        }
        ax[i] = s
      }
      const nv1 = ws.nv[1]
      const lp = NY * NY + nv1 * NY + nv1
      const pax = ws.rg
      for (let i = 0; i < nx; i++) {
        let s = 0.0
        for (let l = i; l < nx; l++) s += ws.L[lp + l * NY + i] * ax[l]
        pax[i] = s
      }
      for (let i = 0; i < nx; i++) ax[i] = dot(ws.L, lp + i * NY, pax, 0, i + 1)
      for (let i = 0; i < nx; i++) {
        const c = ax[i]
        if (c != 0.0) axpy(mv, 0, c, ws.Ar, i * NY, nv)
      }
    }
    // Kv_j = −Mvv⁻¹ mv (Mvv = L_0 L_0ᵀ)
    lowerSolve(mv, 0, ws.L, 0, NY, nv)
    lowerTransSolve(mv, 0, ws.L, 0, NY, nv)
    if (ws.isSel[0] != 0) {
      // free input sel[b] − nx gets −mv[b]; inputs fixed by equalities do not depend on x_0
      for (let a = 0; a < nu; a++) sol.K[a * nx + j] = 0.0
      for (let b = 0; b < nv; b++) sol.K[(ws.sel[b] - nx) * nx + j] = -mv[b]
    } else {
      for (let a = 0; a < nu; a++) {
        let s = tx[nx + a]
        for (let b = 0; b < nv; b++) s -= ws.T[(nx + a) * NY + b] * mv[b]
        sol.K[a * nx + j] = s
      }
    }
  }
}

/** Solves the OCP QP. Returns sol.status; sol.error names a setup problem (status numerical). */
export function ocpSolve (dims: OcpDims, data: OcpData, bl: OcpBlocks, sol: OcpSolution, opts: OcpOptions, ws: OcpWorkspace): i32 {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const NG = dims.ngMax
  const NU = dims.nuMax
  const NE = dims.neMax
  if (N < 0 || N > dims.Nmax || nx < 0 || nx > dims.nxMax) throw new Error('ocpSolve: dims exceed the workspace')
  for (let k = 0; k <= N; k++) {
    if (dims.nu[k] < 0 || dims.nu[k] > NU || dims.ng[k] < 0 || dims.ng[k] > NG || dims.ne[k] < 0 || dims.ne[k] > NE) throw new Error('ocpSolve: stage dims exceed the workspace')
  }
  sol.status = OCP_OPTIMAL
  sol.iterations = 0
  sol.warm = 0
  sol.error = ocpReduce(dims, data, bl, sol, ws)
  if (sol.error != OCP_E_NONE) {
    sol.status = sol.error == OCP_E_BOUNDS || sol.error == OCP_E_INFEASIBLE_ROW ? OCP_INFEASIBLE : OCP_NUMERICAL
    ws.prevValid = false
    return sol.status
  }
  let scaleStat = 1.0
  for (let k = 0; k <= N; k++) for (let a = 0; a < ws.ny[k]; a++) scaleStat = max(scaleStat, Math.abs(ws.qr[k * NY + a]))

  let st: i32
  sol.polished = 0
  sol.polishRounds = 0
  sol.polishPasses = 0
  sol.polishUpdates = 0
  if (opts.warmStart && ws.prevValid) {
    sol.warm = 1
    initWarm(dims, ws, opts.shift)
    st = ipmLoop(dims, opts, sol, ws, scaleStat)
    if (st != OCP_OPTIMAL) {
      sol.warm = 2
      initCold(dims, ws)
      st = ipmLoop(dims, opts, sol, ws, scaleStat)
    }
  } else {
    initCold(dims, ws)
    st = ipmLoop(dims, opts, sol, ws, scaleStat)
  }
  sol.status = st
  if (st == OCP_NUMERICAL) {
    fill(sol.x, 0, 0.0, (N + 1) * nx)
    fill(sol.u, 0, 0.0, (N + 1) * NU)
    ws.prevValid = false
    return st
  }

  // ---- recovery in original coordinates ----
  let obj = 0.0
  for (let k = 0; k <= N; k++) {
    const nu = dims.nu[k]
    const nxu = nx + nu
    ocpExpand(dims, ws, k, ws.y, k * NY, sol.x, k * nx, sol.u, k * NU)
    // objective in reduced coordinates: ½yᵀQ̃y + q̃ᵀy + ½t0ᵀQt0 + qᵀt0
    {
      const m = k * NY
      const ny = ws.ny[k]
      const Qr = ws.Qr
      const qr = ws.qr
      const y = ws.y
      let o = ws.objC[k]
      if (ws.qDiag[k] != 0) {
        for (let a = 0; a < ny; a++) { const v = unchecked(y[m + a]); o += v * (0.5 * unchecked(Qr[k * NY * NY + a * NY + a]) * v + unchecked(qr[m + a])) }
      } else {
        for (let a = 0; a < ny; a++) o += unchecked(y[m + a]) * (0.5 * dot(Qr, k * NY * NY + a * NY, y, m, ny) + unchecked(qr[m + a]))
      }
      obj += o
    }
    if (k < N) copy(sol.pi, k * nx, ws.pi, k * nx, nx)
    for (let i = 0; i < dims.ng[k]; i++) {
      const gi = k * NG + i
      sol.lam[gi] = ws.hasU[gi] * ws.lu[gi] - ws.hasL[gi] * ws.ll[gi]
    }
    // equality multipliers: Euᵀν = −(u-rows of Q[x;u] + q + Bᵀπ_{k+1} + Guᵀλ)
    const ne = dims.ne[k]
    if (ne > 0 && ws.isSel[k] != 0) {
      // rows fixing one input each: Eu_ia ν_i = −(row a of the stationarity of u)
      const t = ws.tv
      for (let i = 0; i < nx; i++) t[i] = sol.x[k * nx + i]
      for (let a = 0; a < nu; a++) t[nx + a] = sol.u[k * NU + a]
      for (let i = 0; i < ne; i++) {
        const a = ws.eqCol[k * NE + i]
        let s = dot(data.Q, k * bl.Q + (nx + a) * nxu, t, 0, nxu) + data.q[k * bl.q + nx + a]
        if (k < N) for (let j = 0; j < nx; j++) s += data.B[k * bl.B + j * nu + a] * ws.pi[k * nx + j]
        for (let j = 0; j < dims.ng[k]; j++) s += data.Gu[k * bl.Gu + j * nu + a] * sol.lam[k * NG + j]
        sol.nu[k * NE + i] = -s / data.Eu[k * bl.Eu + i * nu + a]
      }
    } else if (ne > 0) {
      const t = ws.tv
      for (let i = 0; i < nx; i++) t[i] = sol.x[k * nx + i]
      for (let a = 0; a < nu; a++) t[nx + a] = sol.u[k * NU + a]
      const r = ws.tw
      for (let a = 0; a < nu; a++) {
        let s = dot(data.Q, k * bl.Q + (nx + a) * nxu, t, 0, nxu) + data.q[k * bl.q + nx + a]
        if (k < N) for (let i = 0; i < nx; i++) s += data.B[k * bl.B + i * nu + a] * ws.pi[k * nx + i]
        for (let i = 0; i < dims.ng[k]; i++) s += data.Gu[k * bl.Gu + i * nu + a] * sol.lam[k * NG + i]
        r[a] = -s
      }
      eliminationMultipliers(ws.els[k], r, sol.nu, k * NE)
    }
  }
  sol.objective = obj

  // ---- Riccati gains of the last factorization, in original coordinates ----
  for (let k = 0; k <= N && opts.gains; k++) {
    const nu = dims.nu[k]
    const nv = ws.nv[k]
    const nxr = ws.nxr[k]
    const lk = k * NY * NY
    const Ko = k * NU * dims.nxMax
    const Po = k * dims.nxMax * dims.nxMax
    fill(sol.K, Ko, 0.0, nu * nx)
    fill(sol.P, Po, 0.0, nx * nx)
    if (nxr > 0) {
      const tb = k * (dims.nxMax + NU) * NY
      // Kv = −Lvv⁻ᵀ Lxvᵀ (nv × nx, row b at b·nx in ws.Lt), all columns at once: back
      // substitution with Lvvᵀ by rows of length nx
      const X = ws.Lt
      for (let b = 0; b < nv; b++) {
        for (let j = 0; j < nx; j++) X[b * nx + j] = -ws.L[lk + (nv + j) * NY + b]
      }
      for (let i = nv - 1; i >= 0; i--) {
        const ri = lk + i * NY
        const d = ws.L[ri + i]
        for (let j = 0; j < nx; j++) X[i * nx + j] /= d
        for (let b = 0; b < i; b++) {
          const c = ws.L[ri + b]
          if (c != 0.0) axpy(X, b * nx, -c, X, i * nx, nx)
        }
      }
      // K = T_uv Kv + T_ux (the u rows of T: Zu on v, Ux on x)
      if (ws.isSel[k] != 0) {
        // free input sel[b] − nx gets row b of Kv; fixed inputs have no feedback (K was zeroed)
        for (let b = 0; b < nv; b++) copy(sol.K, Ko + (ws.sel[k * NY + b] - nx) * nx, X, b * nx, nx)
      } else for (let a = 0; a < nu; a++) {
        const Ka = Ko + a * nx
        const ta = tb + (nx + a) * NY
        copy(sol.K, Ka, ws.T, ta + nv, nx)
        for (let b = 0; b < nv; b++) {
          const c = ws.T[ta + b]
          if (c != 0.0) axpy(sol.K, Ka, c, X, b * nx, nx)
        }
      }
      riccatiCostToGo(dims, ws, k, sol.P, Po)
    }
    if (nxr == 0 && k == 0 && nv > 0) stageZeroGain(dims, data, bl, sol, ws)
    for (let a = 0; a < nu; a++) {
      sol.kff[k * NU + a] = sol.u[k * NU + a] - dot(sol.K, Ko + a * nx, sol.x, k * nx, nx)
    }
  }

  // ---- keep for a warm start ----
  if (st == OCP_OPTIMAL) {
    copy(ws.px, 0, sol.x, 0, (N + 1) * nx)
    copy(ws.pu, 0, sol.u, 0, (N + 1) * NU)
    copy(ws.ppi, 0, ws.pi, 0, (N + 1) * nx)
    copy(ws.psl, 0, ws.sl, 0, (N + 1) * NG)
    copy(ws.psu, 0, ws.su, 0, (N + 1) * NG)
    copy(ws.pll, 0, ws.ll, 0, (N + 1) * NG)
    copy(ws.plu, 0, ws.lu, 0, (N + 1) * NG)
    ws.prevValid = true
  } else {
    ws.prevValid = false
  }
  return st
}
