// Reduction of the OCP QP to a stage-wise problem without equalities (done once per solve):
// stage equalities Dx x + Eu u = e are eliminated by the nullspace method on Eu
// (nullspace-elimination.ts): u = u0 + Ux x + Zu v, with Zu an orthonormal basis of null(Eu) and
// u0 + Ux x the minimum-norm input meeting the rows; a fixed x_0 is substituted. The reduced stage
// variable is y = [v; x] (inputs first, the order the Riccati recursion factors in), and
//   [x; u] = T y + t0,  Q̃ = TᵀQT,  q̃ = Tᵀ(Q t0 + q),  Ã = [A B] T,  c̃ = c + [A B] t0,
//   G̃ = [Gx Gu] T,  bounds − [Gx Gu] t0.
// Without equalities T only selects entries (no products). Rows of Eu that do not have full row
// rank (rows constraining only the state) are rejected: OCP_E_EQ_RANK.
// Reads dims, data. Writes ws.{nv, nxr, ny, T, t0, sel, isSel, els, Qr, qr, Ar, cr, Gr, lgr, ugr,
// gIdx, gCnt, hasL, hasU}; returns an OCP_E_* code (stage in sol.errorStage).
import { OcpDims, OcpData, OcpBlocks, OcpSolution, OcpWorkspace, OCP_E_NONE, OCP_E_EQ_RANK, OCP_E_NONFINITE, OCP_E_BOUNDS, OCP_E_INFEASIBLE_ROW } from './ocp-types'
import { eliminationFactor, eliminationNullspace, eliminationParticular } from '../qp/nullspace-elimination'
import { dot, axpy, fill, copy, allFinite } from '../linalg/dense-kernels'

@inline function abAt (data: OcpData, bl: OcpBlocks, k: i32, nx: i32, nu: i32, i: i32, j: i32): f64 {
  return j < nx ? data.A[k * bl.A + i * nx + j] : data.B[k * bl.B + i * nu + (j - nx)]
}

@inline function gAt (data: OcpData, bl: OcpBlocks, k: i32, nx: i32, nu: i32, i: i32, j: i32): f64 {
  return j < nx ? data.Gx[k * bl.Gx + i * nx + j] : data.Gu[k * bl.Gu + i * nu + (j - nx)]
}

/** Entry (r, j) of the map from a fixed x_0 to [x; u] at stage 0: identity on x, Ux on u. */
export function x0Column (ws: OcpWorkspace, nx: i32, nxuMax: i32, r: i32, j: i32): f64 {
  if (r < nx) return r == j ? 1.0 : 0.0
  if (ws.isSel[0] != 0) return 0.0
  return ws.T[r * ws.nyMax + ws.nv[0] + j]
}

/**
 * True when every equality row of stage k fixes one input: a single nonzero in its Eu row, a zero
 * Dx row, and no input fixed twice (the common case of swing-foot forces set to zero). Writes
 * ws.eqCol (the input of each row) and ws.uFixed. Such stages need no QR: T is a selection.
 */
function fixesInputs (dims: OcpDims, data: OcpData, bl: OcpBlocks, ws: OcpWorkspace, k: i32): bool {
  const nx = dims.nx
  const nu = dims.nu[k]
  const ne = dims.ne[k]
  for (let a = 0; a < nu; a++) ws.uFixed[a] = 0
  for (let i = 0; i < ne; i++) {
    const eo = k * bl.Eu + i * nu
    let col = -1
    for (let a = 0; a < nu; a++) {
      if (data.Eu[eo + a] != 0.0) {
        if (col >= 0) return false
        col = a
      }
    }
    if (col < 0 || ws.uFixed[col] != 0) return false
    const dxo = k * bl.Dx + i * nx
    for (let j = 0; j < nx; j++) if (data.Dx[dxo + j] != 0.0) return false
    ws.uFixed[col] = 1
    ws.eqCol[k * dims.neMax + i] = col
  }
  return true
}

export function ocpReduce (dims: OcpDims, data: OcpData, bl: OcpBlocks, sol: OcpSolution, ws: OcpWorkspace): i32 {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const nxuMax = dims.nxMax + dims.nuMax
  if (dims.x0Fixed && !allFinite(data.x0, 0, nx)) { sol.errorStage = 0; return OCP_E_NONFINITE }
  for (let k = 0; k <= N; k++) {
    const nu = dims.nu[k]
    const ne = dims.ne[k]
    const ng = dims.ng[k]
    const nxu = nx + nu
    const nxr = k == 0 && dims.x0Fixed ? 0 : nx
    sol.errorStage = k
    if (!allFinite(data.Q, k * bl.Q, nxu * nxu) || !allFinite(data.q, k * bl.q, nxu) ||
        !allFinite(data.Dx, k * bl.Dx, ne * nx) || !allFinite(data.Eu, k * bl.Eu, ne * nu) || !allFinite(data.e, k * bl.e, ne) ||
        !allFinite(data.Gx, k * bl.Gx, ng * nx) || !allFinite(data.Gu, k * bl.Gu, ng * nu)) return OCP_E_NONFINITE
    if (k < N && (!allFinite(data.A, k * bl.A, nx * nx) || !allFinite(data.B, k * bl.B, nx * nu) || !allFinite(data.c, k * bl.c, nx))) return OCP_E_NONFINITE
    if (ne > nu) return OCP_E_EQ_RANK
    const nv = nu - ne
    const ny = nv + nxr
    ws.nv[k] = nv
    ws.nxr[k] = nxr
    ws.ny[k] = ny
    const t0 = k * nxuMax
    fill(ws.t0, t0, 0.0, nxu)
    if (nxr == 0) for (let i = 0; i < nx; i++) ws.t0[t0 + i] = data.x0[i]
    const tb = k * nxuMax * NY
    if (ne == 0) {
      ws.isSel[k] = 1
      for (let b = 0; b < nv; b++) ws.sel[k * NY + b] = nx + b
      for (let b = 0; b < nxr; b++) ws.sel[k * NY + nv + b] = b
    } else if (fixesInputs(dims, data, bl, ws, k)) {
      // each row fixes one input, u_a = e_i / Eu_ia: T selects the free inputs and the state
      ws.isSel[k] = 1
      let b = 0
      for (let a = 0; a < nu; a++) if (ws.uFixed[a] == 0) ws.sel[k * NY + b++] = nx + a
      for (let j = 0; j < nxr; j++) ws.sel[k * NY + nv + j] = j
      for (let i = 0; i < ne; i++) {
        const a = ws.eqCol[k * dims.neMax + i]
        ws.t0[t0 + nx + a] = data.e[k * bl.e + i] / data.Eu[k * bl.Eu + i * nu + a]
      }
    } else {
      ws.isSel[k] = 0
      const el = ws.els[k]
      const es = el.nzMax
      for (let i = 0; i < ne; i++) {
        let s2 = 0.0
        for (let a = 0; a < nu; a++) {
          const v = data.Eu[k * bl.Eu + i * nu + a]
          el.D[i * es + a] = v
          s2 += v * v
        }
        for (let j = 0; j < nx; j++) { const v = data.Dx[k * bl.Dx + i * nx + j]; s2 += v * v }
        el.scale[i] = s2 > 0.0 ? 1.0 / Math.sqrt(s2) : 1.0
      }
      const r = eliminationFactor(el, ne, nu, 1e-10)
      if (r < ne) return OCP_E_EQ_RANK
      eliminationNullspace(el)
      for (let i = 0; i < nxu; i++) fill(ws.T, tb + i * NY, 0.0, ny)
      // x rows: identity onto the state part of y
      for (let i = 0; i < nxr; i++) ws.T[tb + i * NY + nv + i] = 1.0
      // u rows: Zu on v
      for (let a = 0; a < nu; a++) {
        for (let b = 0; b < nv; b++) ws.T[tb + (nx + a) * NY + b] = el.M[a * es + b]
      }
      // u0 = particular solution for e, Ux column j = −particular solution for Dx[:, j]
      let enz = false
      for (let i = 0; i < ne; i++) { const v = data.e[k * bl.e + i]; el.rhs[i] = v; if (v != 0.0) enz = true }
      // (a zero right-hand side has the zero particular solution)
      if (enz) eliminationParticular(el)
      for (let a = 0; a < nu; a++) ws.t0[t0 + nx + a] = enz ? el.delta[a] : 0.0
      for (let j = 0; j < nx; j++) {
        // a zero column of Dx has a zero particular solution: skip its QR solve
        let nz = false
        for (let i = 0; i < ne; i++) {
          const v = data.Dx[k * bl.Dx + i * nx + j]
          el.rhs[i] = v
          if (v != 0.0) nz = true
        }
        if (nz) eliminationParticular(el)
        for (let a = 0; a < nu; a++) {
          const ux = nz ? -el.delta[a] : 0.0
          // (with x_0 fixed, Ux is still kept in T's columns nv.. for the stage-0 feedback gain)
          ws.T[tb + (nx + a) * NY + nv + j] = ux
          if (nxr == 0) ws.t0[t0 + nx + a] += ux * data.x0[j]
        }
      }
    }
    const isSel = ws.isSel[k] != 0

    // ---- cost: Q̃ = TᵀQT, q̃ = Tᵀ(Q t0 + q) ----
    const qo = k * bl.Q
    const qro = k * NY * NY
    // nonzero entries of t0 (often none, or only x_0 at stage 0): the products with t0 visit only these
    let nt = 0
    for (let c = 0; c < nxu; c++) if (ws.t0[t0 + c] != 0.0) ws.t0Idx[nt++] = c
    const h = ws.tv
    for (let i = 0; i < nxu; i++) {
      let s = data.q[k * bl.q + i]
      for (let t = 0; t < nt; t++) { const c = ws.t0Idx[t]; s += data.Q[qo + i * nxu + c] * ws.t0[t0 + c] }
      h[i] = s
    }
    // ½ t0ᵀQ t0 + qᵀt0 = Σ_c t0_c ½(h_c + q_c)
    let oc = 0.0
    for (let t = 0; t < nt; t++) { const c = ws.t0Idx[t]; oc += ws.t0[t0 + c] * 0.5 * (h[c] + data.q[k * bl.q + c]) }
    ws.objC[k] = oc
    if (isSel) {
      // lower triangle symmetrized, then mirrored (locals: the loops store into memory, so field
      // loads would not be hoisted)
      const Q = data.Q
      const Qr = ws.Qr
      const sel = ws.sel
      const so = k * NY
      let off = 0.0
      for (let a = 0; a < ny; a++) {
        const ia = unchecked(sel[so + a])
        const ra = qro + a * NY
        const qa = qo + ia * nxu
        for (let b = 0; b < a; b++) {
          const ib = unchecked(sel[so + b])
          const v = 0.5 * (unchecked(Q[qa + ib]) + unchecked(Q[qo + ib * nxu + ia]))
          unchecked(Qr[ra + b] = v)
          unchecked(Qr[qro + b * NY + a] = v)
          off += Math.abs(v)
        }
        unchecked(Qr[ra + a] = unchecked(Q[qa + ia]))
        unchecked(ws.qr[so + a] = h[ia])
      }
      ws.qDiag[k] = off == 0.0 ? 1 : 0
    } else {
      // S T row by row with S = ½(Q + Qᵀ) (zero entries skipped; T's state rows are unit rows,
      // so their columns add one entry instead of a row), then the lower triangle of Tᵀ(S T)
      // (zero entries of T skipped: T is identity on x and often sparse on u), mirrored
      const QT = ws.QT
      const T = ws.T
      const Q = data.Q
      for (let r = 0; r < nxu; r++) {
        const ro = r * NY
        fill(QT, ro, 0.0, ny)
        for (let c = 0; c < nxu; c++) {
          const v = 0.5 * (unchecked(Q[qo + r * nxu + c]) + unchecked(Q[qo + c * nxu + r]))
          if (v == 0.0) continue
          if (c < nx) { if (nxr > 0) unchecked(QT[ro + nv + c] += v) } else axpy(QT, ro, v, T, tb + c * NY, ny)
        }
      }
      for (let a = 0; a < ny; a++) fill(ws.Qr, qro + a * NY, 0.0, a + 1)
      fill(ws.qr, k * NY, 0.0, ny)
      for (let r = 0; r < nxu; r++) {
        const hr = h[r]
        for (let a = 0; a < ny; a++) {
          const t = unchecked(T[tb + r * NY + a])
          if (t == 0.0) continue
          axpy(ws.Qr, qro + a * NY, t, QT, r * NY, a + 1)
          ws.qr[k * NY + a] += t * hr
        }
      }
      let off = 0.0
      const Qr = ws.Qr
      for (let a = 0; a < ny; a++) {
        for (let b = 0; b < a; b++) {
          const v = unchecked(Qr[qro + a * NY + b])
          unchecked(Qr[qro + b * NY + a] = v)
          off += Math.abs(v)
        }
      }
      ws.qDiag[k] = off == 0.0 ? 1 : 0
    }

    // ---- dynamics: Ã = [A B] T, c̃ = c + [A B] t0 ----
    if (k < N) {
      const ao = k * nx * NY
      for (let i = 0; i < nx; i++) {
        const ai = k * bl.A + i * nx
        const bi = k * bl.B + i * nu
        let s = data.c[k * bl.c + i]
        for (let t = 0; t < nt; t++) { const c = ws.t0Idx[t]; s += abAt(data, bl, k, nx, nu, i, c) * ws.t0[t0 + c] }
        ws.cr[k * nx + i] = s
        if (isSel) {
          // y = [free inputs; x]: input columns gathered from B, state columns copied from A
          const Ar = ws.Ar
          const sel = ws.sel
          const B = data.B
          const so = k * NY
          const ri = ao + i * NY
          for (let a = 0; a < nv; a++) unchecked(Ar[ri + a] = unchecked(B[bi + unchecked(sel[so + a]) - nx]))
          if (nxr > 0) copy(Ar, ri + nv, data.A, ai, nxr)
        } else {
          // row i of [A B] T: rows of T weighted by the nonzeros of row i (T's state rows are
          // unit rows onto the state columns: A's row adds entry-wise)
          const ri = ao + i * NY
          fill(ws.Ar, ri, 0.0, ny)
          for (let j = 0; j < nu; j++) {
            const v = data.B[bi + j]
            if (v != 0.0) axpy(ws.Ar, ri, v, ws.T, tb + (nx + j) * NY, ny)
          }
          if (nxr > 0) axpy(ws.Ar, ri + nv, 1.0, data.A, ai, nx)
        }
      }
    }

    // ---- sparsity of Ã (row-wise index lists, used when at most half full) ----
    ws.arSparse[k] = 0
    if (k < N) {
      const Ar = ws.Ar
      const arIdx = ws.arIdx
      const ao = k * nx * NY
      let nnz = 0
      for (let j = 0; j < nx; j++) {
        const ro = ao + j * NY
        let c = 0
        for (let a = 0; a < ny; a++) if (unchecked(Ar[ro + a]) != 0.0) unchecked(arIdx[ro + c++] = a)
        unchecked(ws.arCnt[k * nx + j] = c)
        nnz += c
      }
      if (2 * nnz <= nx * ny) ws.arSparse[k] = 1
    }

    // ---- rows: G̃ = [Gx Gu] T, bounds − G t0, sparsity pattern ----
    // (locals: the loop stores into memory, so field loads would be repeated per row)
    const go = k * dims.ngMax
    const Gr = ws.Gr
    const gIdx = ws.gIdx
    const gCnt = ws.gCnt
    const sel = ws.sel
    const Gx = data.Gx
    const Gu = data.Gu
    const dlg = data.lg
    const dug = data.ug
    const lgr = ws.lgr
    const ugr = ws.ugr
    const hasL = ws.hasL
    const hasU = ws.hasU
    const live = ws.live
    const so = k * NY
    const go0 = k * bl.g
    let nLive = 0
    for (let i = 0; i < ng; i++) {
      const gi = go + i
      const gxi = k * bl.Gx + i * nx
      const gui = k * bl.Gu + i * nu
      let s = 0.0
      for (let t = 0; t < nt; t++) { const c = ws.t0Idx[t]; s += gAt(data, bl, k, nx, nu, i, c) * ws.t0[t0 + c] }
      const lg = unchecked(dlg[go0 + i])
      const ug = unchecked(dug[go0 + i])
      if (lg != lg || ug != ug) return OCP_E_NONFINITE
      if (lg > ug || lg == Infinity || ug == -Infinity) return OCP_E_BOUNDS
      const lo = lg - s
      const hi = ug - s
      unchecked(lgr[gi] = lo)
      unchecked(ugr[gi] = hi)
      let hl = lg > -Infinity ? 1.0 : 0.0
      let hu = ug < Infinity ? 1.0 : 0.0
      const ro = gi * NY
      let cnt = 0
      if (isSel) {
        // y = [free inputs; x]: the input columns are gathered, the state columns copied; the
        // sparsity pattern in the same pass
        for (let a = 0; a < nv; a++) {
          const v = unchecked(Gu[gui + unchecked(sel[so + a]) - nx])
          unchecked(Gr[ro + a] = v)
          if (v != 0.0) unchecked(gIdx[ro + cnt++] = a)
        }
        for (let j = 0; j < nxr; j++) {
          const v = unchecked(Gx[gxi + j])
          unchecked(Gr[ro + nv + j] = v)
          if (v != 0.0) unchecked(gIdx[ro + cnt++] = nv + j)
        }
      } else {
        fill(Gr, ro, 0.0, ny)
        for (let j = 0; j < nu; j++) {
          const v = Gu[gui + j]
          if (v != 0.0) axpy(Gr, ro, v, ws.T, tb + (nx + j) * NY, ny)
        }
        // (T's state rows are unit rows onto the state columns)
        if (nxr > 0) axpy(Gr, ro + nv, 1.0, Gx, gxi, nx)
        for (let a = 0; a < ny; a++) if (unchecked(Gr[ro + a]) != 0.0) unchecked(gIdx[ro + cnt++] = a)
      }
      unchecked(gCnt[gi] = cnt)
      if (cnt == 0) {
        // constant on the stage's feasible set (e.g. friction rows of a foot whose force the
        // equalities fix): check it once and drop it, an interior point cannot have s > 0 there
        const tl = 1e-9 * max(1.0, max(lg > -Infinity ? Math.abs(lg) : 0.0, ug < Infinity ? Math.abs(ug) : 0.0))
        if (lo > tl || hi < -tl) return OCP_E_INFEASIBLE_ROW
        hl = 0.0
        hu = 0.0
      }
      unchecked(hasL[gi] = hl)
      unchecked(hasU[gi] = hu)
      if (hl + hu > 0.0) unchecked(live[go + nLive++] = gi)
      else {
        // a row the interior point never visits: its per-row terms stay zero
        ws.sl[gi] = 1.0; ws.su[gi] = 1.0; ws.ll[gi] = 0.0; ws.lu[gi] = 0.0
        ws.rl[gi] = 0.0; ws.ru[gi] = 0.0; ws.W[gi] = 0.0; ws.rg[gi] = 0.0
        ws.dsl[gi] = 0.0; ws.dsu[gi] = 0.0; ws.dll[gi] = 0.0; ws.dlu[gi] = 0.0
        ws.asl[gi] = 0.0; ws.asu[gi] = 0.0; ws.all[gi] = 0.0; ws.alu[gi] = 0.0
      }
    }
    ws.nLive[k] = nLive
  }
  sol.errorStage = -1
  return OCP_E_NONE
}

/** [x; u]_k = T_k y_k + t0_k into (x at xo, u at uo). */
export function ocpExpand (dims: OcpDims, ws: OcpWorkspace, k: i32, y: StaticArray<f64>, yo: i32, x: StaticArray<f64>, xo: i32, u: StaticArray<f64>, uo: i32): void {
  const nx = dims.nx
  const nu = dims.nu[k]
  const nxu = nx + nu
  const ny = ws.ny[k]
  const t0 = k * (dims.nxMax + dims.nuMax)
  const isSel = ws.isSel[k] != 0
  const tb = k * (dims.nxMax + dims.nuMax) * ws.nyMax
  if (isSel) {
    for (let r = 0; r < nx; r++) x[xo + r] = ws.t0[t0 + r]
    for (let a = 0; a < nu; a++) u[uo + a] = ws.t0[t0 + nx + a]
    for (let c = 0; c < ny; c++) {
      const r = ws.sel[k * ws.nyMax + c]
      if (r < nx) x[xo + r] += y[yo + c]
      else u[uo + r - nx] += y[yo + c]
    }
    return
  }
  for (let r = 0; r < nxu; r++) {
    const s = ws.t0[t0 + r] + dot(ws.T, tb + r * ws.nyMax, y, yo, ny)
    if (r < nx) x[xo + r] = s
    else u[uo + r - nx] = s
  }
}

/** y_k = Tᵀ([x; u] − t0) restricted to y's columns (T has orthonormal columns). */
export function ocpProject (dims: OcpDims, ws: OcpWorkspace, k: i32, x: StaticArray<f64>, xo: i32, u: StaticArray<f64>, uo: i32, y: StaticArray<f64>, yo: i32): void {
  const nx = dims.nx
  const nu = dims.nu[k]
  const nxu = nx + nu
  const ny = ws.ny[k]
  const t0 = k * (dims.nxMax + dims.nuMax)
  const nv = ws.nv[k]
  if (ws.isSel[k] != 0) {
    // T selects: y = Tᵀ([x; u] − t0) picks entries
    for (let c = 0; c < ny; c++) {
      const r = ws.sel[k * ws.nyMax + c]
      y[yo + c] = (r < nx ? x[xo + r] : u[uo + r - nx]) - ws.t0[t0 + r]
    }
    return
  }
  // the state part of y is x itself; v = Zuᵀ(u − t0_u − Ux x): the residual d = u − t0_u − Ux x
  // once (ws.tv), then one product per column of Zu
  const NY = ws.nyMax
  const tb = k * (dims.nxMax + dims.nuMax) * NY
  const T = ws.T
  const d = ws.tv
  for (let a = 0; a < nu; a++) {
    const ro = tb + (nx + a) * NY
    let s = u[uo + a] - ws.t0[t0 + nx + a]
    for (let j = nv; j < ny; j++) s -= unchecked(T[ro + j]) * x[xo + j - nv]
    unchecked(d[a] = s)
  }
  for (let c = 0; c < nv; c++) {
    let s = 0.0
    for (let a = 0; a < nu; a++) s += unchecked(T[tb + (nx + a) * NY + c]) * unchecked(d[a])
    y[yo + c] = s
  }
  for (let c = nv; c < ny; c++) y[yo + c] = x[xo + c - nv]
}
