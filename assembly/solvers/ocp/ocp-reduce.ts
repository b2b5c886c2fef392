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
import { dot, fill, allFinite } from '../linalg/dense-kernels'

@inline function abAt (data: OcpData, bl: OcpBlocks, k: i32, nx: i32, nu: i32, i: i32, j: i32): f64 {
  return j < nx ? data.A[k * bl.A + i * nx + j] : data.B[k * bl.B + i * nu + (j - nx)]
}

@inline function gAt (data: OcpData, bl: OcpBlocks, k: i32, nx: i32, nu: i32, i: i32, j: i32): f64 {
  return j < nx ? data.Gx[k * bl.Gx + i * nx + j] : data.Gu[k * bl.Gu + i * nu + (j - nx)]
}

/** Entry (r, c) of T_k ([x; u] row r, y column c). */
@inline function tAt (ws: OcpWorkspace, k: i32, nxu: i32, r: i32, c: i32): f64 {
  const ny = ws.nyMax
  if (ws.isSel[k] != 0) return ws.sel[k * ny + c] == r ? 1.0 : 0.0
  return ws.T[k * nxu * ny + r * ny + c]
}

/** Entry (r, j) of the map from a fixed x_0 to [x; u] at stage 0: identity on x, Ux on u. */
export function x0Column (ws: OcpWorkspace, nx: i32, nxuMax: i32, r: i32, j: i32): f64 {
  if (r < nx) return r == j ? 1.0 : 0.0
  if (ws.isSel[0] != 0) return 0.0
  return ws.T[r * ws.nyMax + ws.nv[0] + j]
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
      for (let i = 0; i < ne; i++) el.rhs[i] = data.e[k * bl.e + i]
      eliminationParticular(el)
      for (let a = 0; a < nu; a++) ws.t0[t0 + nx + a] = el.delta[a]
      for (let j = 0; j < nx; j++) {
        for (let i = 0; i < ne; i++) el.rhs[i] = data.Dx[k * bl.Dx + i * nx + j]
        eliminationParticular(el)
        for (let a = 0; a < nu; a++) {
          const ux = -el.delta[a]
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
    const h = ws.tv
    for (let i = 0; i < nxu; i++) h[i] = data.q[k * bl.q + i] + dot(data.Q, qo + i * nxu, ws.t0, t0, nxu)
    if (isSel) {
      for (let a = 0; a < ny; a++) {
        const ia = ws.sel[k * NY + a]
        for (let b = 0; b < ny; b++) ws.Qr[qro + a * NY + b] = 0.5 * (data.Q[qo + ia * nxu + ws.sel[k * NY + b]] + data.Q[qo + ws.sel[k * NY + b] * nxu + ia])
        ws.qr[k * NY + a] = h[ia]
      }
    } else {
      // W = Q T column by column: Qr[a][b] = Σ_r T[r][a] Σ_c Q[r][c] T[c][b]
      for (let b = 0; b < ny; b++) {
        for (let r = 0; r < nxu; r++) {
          let s = 0.0
          for (let c = 0; c < nxu; c++) s += 0.5 * (data.Q[qo + r * nxu + c] + data.Q[qo + c * nxu + r]) * ws.T[tb + c * NY + b]
          ws.tw[r] = s
        }
        for (let a = 0; a < ny; a++) {
          let s = 0.0
          for (let r = 0; r < nxu; r++) s += ws.T[tb + r * NY + a] * ws.tw[r]
          ws.Qr[qro + a * NY + b] = s
        }
      }
      for (let a = 0; a < ny; a++) {
        let s = 0.0
        for (let r = 0; r < nxu; r++) s += ws.T[tb + r * NY + a] * h[r]
        ws.qr[k * NY + a] = s
      }
    }

    // ---- dynamics: Ã = [A B] T, c̃ = c + [A B] t0 ----
    if (k < N) {
      const ao = k * nx * NY
      for (let i = 0; i < nx; i++) {
        let s = data.c[k * bl.c + i]
        for (let j = 0; j < nxu; j++) s += abAt(data, bl, k, nx, nu, i, j) * ws.t0[t0 + j]
        ws.cr[k * nx + i] = s
        for (let a = 0; a < ny; a++) {
          let v = 0.0
          if (isSel) v = abAt(data, bl, k, nx, nu, i, ws.sel[k * NY + a])
          else for (let j = 0; j < nxu; j++) v += abAt(data, bl, k, nx, nu, i, j) * ws.T[tb + j * NY + a]
          ws.Ar[ao + i * NY + a] = v
        }
      }
    }

    // ---- rows: G̃ = [Gx Gu] T, bounds − G t0, sparsity pattern ----
    const go = k * dims.ngMax
    for (let i = 0; i < ng; i++) {
      let s = 0.0
      for (let j = 0; j < nxu; j++) s += gAt(data, bl, k, nx, nu, i, j) * ws.t0[t0 + j]
      const lg = data.lg[k * bl.g + i]
      const ug = data.ug[k * bl.g + i]
      if (lg != lg || ug != ug) return OCP_E_NONFINITE
      if (lg > ug || lg == Infinity || ug == -Infinity) return OCP_E_BOUNDS
      ws.lgr[go + i] = lg - s
      ws.ugr[go + i] = ug - s
      ws.hasL[go + i] = lg > -Infinity ? 1.0 : 0.0
      ws.hasU[go + i] = ug < Infinity ? 1.0 : 0.0
      const ro = (go + i) * NY
      let cnt = 0
      for (let a = 0; a < ny; a++) {
        let v = 0.0
        if (isSel) v = gAt(data, bl, k, nx, nu, i, ws.sel[k * NY + a])
        else for (let j = 0; j < nxu; j++) v += gAt(data, bl, k, nx, nu, i, j) * ws.T[tb + j * NY + a]
        ws.Gr[ro + a] = v
        if (v != 0.0) ws.gIdx[ro + cnt++] = a
      }
      ws.gCnt[go + i] = cnt
      if (cnt == 0) {
        // constant on the stage's feasible set (e.g. friction rows of a foot whose force the
        // equalities fix): check it once and drop it, an interior point cannot have s > 0 there
        const tl = 1e-9 * max(1.0, max(lg > -Infinity ? Math.abs(lg) : 0.0, ug < Infinity ? Math.abs(ug) : 0.0))
        if (ws.lgr[go + i] > tl || ws.ugr[go + i] < -tl) return OCP_E_INFEASIBLE_ROW
        ws.hasL[go + i] = 0.0
        ws.hasU[go + i] = 0.0
      }
    }
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
  for (let r = 0; r < nxu; r++) {
    let s = ws.t0[t0 + r]
    for (let c = 0; c < ny; c++) {
      const t = tAt(ws, k, dims.nxMax + dims.nuMax, r, c)
      if (t != 0.0) s += t * y[yo + c]
    }
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
  // the state part of y is x itself; v = Zuᵀ(u − t0_u − Ux x)
  for (let c = 0; c < ny; c++) {
    if (c >= nv) { y[yo + c] = x[xo + c - nv]; continue }
    let s = 0.0
    for (let r = nx; r < nxu; r++) {
      let d = u[uo + r - nx] - ws.t0[t0 + r]
      for (let j = nv; j < ny; j++) d -= tAt(ws, k, dims.nxMax + dims.nuMax, r, j) * x[xo + j - nv]
      s += tAt(ws, k, dims.nxMax + dims.nuMax, r, c) * d
    }
    y[yo + c] = s
  }
}
