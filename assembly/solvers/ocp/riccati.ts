// Square-root Riccati recursion for the stage-wise Newton system of the OCP IPM (the factorization
// of HPIPM, G. Frison & J. B. Jørgensen, "Efficient implementation of the Riccati recursion for
// solving linear-quadratic control problems", IEEE CCA 2013, with our own code):
//   minimize Σ ½ Δy_kᵀ Ĥ_k Δy_k + ĝ_kᵀ Δy_k   s.t.  Δx_{k+1} = Ã_k Δy_k + b_k,  Δy_k = [Δv_k; Δx_k].
// Backward, with P_{k+1} = Lp Lpᵀ:  M_k = Ĥ_k + (Lpᵀ Ã_k)ᵀ(Lpᵀ Ã_k) = L_k L_kᵀ,
// L_k = [Lvv 0; Lxv Lxx] (inputs first), so Lxx Lxxᵀ = Mxx − Mxv Mvv⁻¹ Mvx = P_k: one Cholesky of
// size ny per stage gives the gains K = −Lvv⁻ᵀ Lxvᵀ and the next square root. Vector pass:
// m_k = ĝ_k + Ã_kᵀ(P_{k+1} b_k + p_{k+1}), l_k = L_k⁻¹ m_k, p_k = Lxx l_x.
// Forward: Δv_k = −Lvv⁻ᵀ(l_v + Lxvᵀ Δx_k), Δx_{k+1} = Ã_k Δy_k + b_k, Δπ_{k+1} = P_{k+1}Δx_{k+1} + p_{k+1}.
// Cost linear in N. Pivots below pivotFloor·max(1, largest diagonal of Q̃_k) are floored (counted
// in ws.floored): a safeguard for stages whose Hessian is singular, e.g. inputs without cost.
// Kernels: the products and the Cholesky run in 2×2 register blocks (dot4), Ã's nonzeros are
// visited through row index lists when it is at most half full, and Ltt's rows stop at their
// last nonzero (len).
import { OcpDims, OcpWorkspace } from './ocp-types'
import { axpy, dot, fill } from '../linalg/dense-kernels'
import { lowerSolve, lowerTransSolve } from '../linalg/cholesky'

/** Results of dot4 (s_ij = row a_i · row b_j). */
let d00: f64 = 0.0
let d01: f64 = 0.0
let d10: f64 = 0.0
let d11: f64 = 0.0

/**
 * The four dot products of rows (a0, a1) with rows (b0, b1) of x, n entries each, in one pass
 * (2×2 register block: each loaded vector serves two products).
 */
@inline function dot4 (x: StaticArray<f64>, a0: i32, a1: i32, b0: i32, b1: i32, n: i32): void {
  const base = changetype<usize>(x)
  let pa0 = base + (<usize>a0 << 3)
  let pa1 = base + (<usize>a1 << 3)
  let pb0 = base + (<usize>b0 << 3)
  let pb1 = base + (<usize>b1 << 3)
  let s00 = f64x2.splat(0.0)
  let s01 = f64x2.splat(0.0)
  let s10 = f64x2.splat(0.0)
  let s11 = f64x2.splat(0.0)
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const va0 = v128.load(pa0)
    const va1 = v128.load(pa1)
    const vb0 = v128.load(pb0)
    const vb1 = v128.load(pb1)
    s00 = f64x2.add(s00, f64x2.mul(va0, vb0))
    s01 = f64x2.add(s01, f64x2.mul(va0, vb1))
    s10 = f64x2.add(s10, f64x2.mul(va1, vb0))
    s11 = f64x2.add(s11, f64x2.mul(va1, vb1))
    pa0 += 16
    pa1 += 16
    pb0 += 16
    pb1 += 16
  }
  let r00 = f64x2.extract_lane(s00, 0) + f64x2.extract_lane(s00, 1)
  let r01 = f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1)
  let r10 = f64x2.extract_lane(s10, 0) + f64x2.extract_lane(s10, 1)
  let r11 = f64x2.extract_lane(s11, 0) + f64x2.extract_lane(s11, 1)
  if (i < n) {
    const xa0 = load<f64>(pa0)
    const xa1 = load<f64>(pa1)
    const xb0 = load<f64>(pb0)
    const xb1 = load<f64>(pb1)
    r00 += xa0 * xb0
    r01 += xa0 * xb1
    r10 += xa1 * xb0
    r11 += xa1 * xb1
  }
  d00 = r00
  d01 = r01
  d10 = r10
  d11 = r11
}

/**
 * In-place Cholesky with a pivot floor (the semantics of choleskyFactorFloor in
 * linalg/cholesky.ts: a pivot ≤ floor becomes floor; returns how many were floored), computed in
 * 2×2 blocks: rows (i, i+1) against rows (j, j+1) share every load (dot4). invd receives 1/L_jj.
 */
function choleskyFloor2 (l: StaticArray<f64>, lo: i32, stride: i32, n: i32, floor: f64, invd: StaticArray<f64>): i32 {
  let floored = 0
  let i = 0
  for (; i + 1 < n; i += 2) {
    const ri = lo + i * stride
    const r1 = ri + stride
    for (let j = 0; j < i; j += 2) {
      const rj = lo + j * stride
      const rj1 = rj + stride
      dot4(l, ri, r1, rj, rj1, j)
      const inv0 = unchecked(invd[j])
      const inv1 = unchecked(invd[j + 1])
      const c = unchecked(l[rj1 + j])
      const a0 = (unchecked(l[ri + j]) - d00) * inv0
      const b0 = (unchecked(l[r1 + j]) - d10) * inv0
      unchecked(l[ri + j] = a0)
      unchecked(l[r1 + j] = b0)
      unchecked(l[ri + j + 1] = (unchecked(l[ri + j + 1]) - d01 - a0 * c) * inv1)
      unchecked(l[r1 + j + 1] = (unchecked(l[r1 + j + 1]) - d11 - b0 * c) * inv1)
    }
    // diagonal block: the three products over the first i columns in one pass
    dot4(l, ri, r1, ri, r1, i)
    let d = unchecked(l[ri + i]) - d00
    if (!(d > floor)) { d = floor; floored++ }
    let sq = Math.sqrt(d)
    unchecked(l[ri + i] = sq)
    const inv = 1.0 / sq
    unchecked(invd[i] = inv)
    const b = (unchecked(l[r1 + i]) - d10) * inv
    unchecked(l[r1 + i] = b)
    d = unchecked(l[r1 + i + 1]) - d11 - b * b
    if (!(d > floor)) { d = floor; floored++ }
    sq = Math.sqrt(d)
    unchecked(l[r1 + i + 1] = sq)
    unchecked(invd[i + 1] = 1.0 / sq)
  }
  if (i < n) {
    const ri = lo + i * stride
    for (let j = 0; j < i; j++) unchecked(l[ri + j] = (unchecked(l[ri + j]) - dot(l, ri, l, lo + j * stride, j)) * unchecked(invd[j]))
    let d = unchecked(l[ri + i]) - dot(l, ri, l, ri, i)
    if (!(d > floor)) { d = floor; floored++ }
    const sq = Math.sqrt(d)
    unchecked(l[ri + i] = sq)
    unchecked(invd[i] = 1.0 / sq)
  }
  return floored
}

/**
 * max(1, largest diagonal entry of Q̃_k): the stage's own cost scale, which the pivot floor and
 * the active-set start's augmented-Lagrangian weight are relative to (not M's diagonal, which the
 * barrier terms of active rows inflate by many orders near convergence).
 */
export function stageCostScale (ws: OcpWorkspace, k: i32): f64 {
  const NY = ws.nyMax
  const lk = k * NY * NY
  let dmax = 1.0
  for (let a = 0, ny = ws.ny[k]; a < ny; a++) dmax = max(dmax, Math.abs(unchecked(ws.Qr[lk + a * NY + a])))
  return dmax
}

/**
 * Factors: ws.L (stage blocks) must hold Ĥ_k (lower triangle) on entry; holds L_k on return.
 * Stages above kTop keep their factors from the last call (the recursion runs backward, so a
 * change of Ĥ at stages ≤ kTop leaves the later factors as they were).
 */
export function riccatiFactor (dims: OcpDims, ws: OcpWorkspace, pivotFloor: f64, kTop: i32 = -1): void {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const L = ws.L
  const Lt = ws.Lt
  const k0 = kTop < 0 || kTop > N ? N : kTop
  for (let k = k0; k >= 0; k--) {
    const ny = ws.ny[k]
    const lk = k * NY * NY
    if (k < N) {
      // Ltt = (Lpᵀ Ã_k)ᵀ = Ã_kᵀ Lp (ny × nx): row a = Σ_j Ã[j][a] Lp[j][0..j], a contiguous row
      // of Lp per nonzero of Ã (dynamics matrices are sparse: identity blocks, dt couplings)
      const nv1 = ws.nv[k + 1]
      const lp = (k + 1) * NY * NY + nv1 * NY + nv1
      const ao = k * nx * NY
      fill(Lt, 0, 0.0, ny * nx)
      // len[a]: row a of Ltt is zero from column len[a] on (Lp is lower triangular, so a state
      // coupled only to lower-indexed states, as in x⁺ = x + dt·ẋ, gives a short row): the
      // products below stop there
      const len = ws.ltLen
      for (let a = 0; a < ny; a++) unchecked(len[a] = 0)
      const Ar = ws.Ar
      const arIdx = ws.arIdx
      const sp = ws.arSparse[k] != 0
      for (let j = 0; j < nx; j++) {
        const aj = ao + j * NY
        const lj = lp + j * NY
        if (sp) {
          for (let t = 0, n = unchecked(ws.arCnt[k * nx + j]); t < n; t++) {
            const a = unchecked(arIdx[aj + t])
            axpy(Lt, a * nx, unchecked(Ar[aj + a]), L, lj, j + 1)
            unchecked(len[a] = j + 1)
          }
        } else {
          for (let a = 0; a < ny; a++) {
            const c = unchecked(Ar[aj + a])
            if (c != 0.0) { axpy(Lt, a * nx, c, L, lj, j + 1); unchecked(len[a] = j + 1) }
          }
        }
      }
      // M += Ltt Lttᵀ (lower triangle): M[a][b] += Ltt[a]·Ltt[b], 2×2 blocks of M per pass
      let a = 0
      for (; a + 1 < ny; a += 2) {
        const ra = lk + a * NY
        const r1 = ra + NY
        const na = max(unchecked(len[a]), unchecked(len[a + 1]))
        for (let b = 0; b < a; b += 2) {
          dot4(Lt, a * nx, (a + 1) * nx, b * nx, (b + 1) * nx, min(na, max(unchecked(len[b]), unchecked(len[b + 1]))))
          unchecked(L[ra + b] += d00)
          unchecked(L[ra + b + 1] += d01)
          unchecked(L[r1 + b] += d10)
          unchecked(L[r1 + b + 1] += d11)
        }
        // diagonal block (a, a+1)²: d01 lies above the diagonal and is not needed
        dot4(Lt, a * nx, (a + 1) * nx, a * nx, (a + 1) * nx, na)
        unchecked(L[ra + a] += d00)
        unchecked(L[r1 + a] += d10)
        unchecked(L[r1 + a + 1] += d11)
      }
      if (a < ny) {
        const ra = lk + a * NY
        for (let b = 0; b <= a; b++) L[ra + b] += dot(Lt, a * nx, Lt, b * nx, min(unchecked(len[a]), unchecked(len[b])))
      }
    }
    unchecked(ws.flooredAt[k] = choleskyFloor2(L, lk, NY, ny, pivotFloor * stageCostScale(ws, k), ws.tw))
  }
  let floored = 0
  for (let k = 0; k <= N; k++) floored += unchecked(ws.flooredAt[k])
  ws.floored = floored
}

/**
 * Rank-one change of the factors: Ĥ_k += σ z zᵀ (z in ws.tv, ny_k entries; σ = ±1), and every
 * earlier factor with it, in O(k·ny²) instead of a factorization. The row-by-row update of the
 * Cholesky factor (plane rotations for σ = +1, hyperbolic ones for σ = −1) leaves, once the input
 * columns are done, the vector w with P_k' = P_k + σ w wᵀ; then M_{k−1} changes by σ (Ã_{k−1}ᵀw)(·)ᵀ
 * and the same runs one stage earlier, down to stage 0. Returns false when a downdated pivot falls
 * to the pivot floor (the caller refactors; the factors of stages ≤ k are then invalid).
 */
export function riccatiRankOne (dims: OcpDims, ws: OcpWorkspace, k: i32, sigma: f64, pivotFloor: f64): bool {
  const nx = dims.nx
  const NY = ws.nyMax
  const L = ws.L
  const z = ws.tv
  const w = ws.tw
  for (let j = k; j >= 0; j--) {
    const ny = unchecked(ws.ny[j])
    const nv = unchecked(ws.nv[j])
    const nxr = unchecked(ws.nxr[j])
    const lk = j * NY * NY
    const floor = pivotFloor * stageCostScale(ws, j)
    for (let c = 0; c < ny; c++) {
      if (c == nv) for (let i = 0; i < nxr; i++) unchecked(w[i] = unchecked(z[nv + i]))
      const zc = unchecked(z[c])
      if (zc == 0.0) continue
      const lc = lk + c * NY + c
      const lcc = unchecked(L[lc])
      const r2 = lcc * lcc + sigma * zc * zc
      if (!(r2 > floor)) return false
      const r = Math.sqrt(r2)
      const cs = r / lcc
      const sn = zc / lcc
      const inv = 1.0 / cs
      unchecked(L[lc] = r)
      for (let i = c + 1; i < ny; i++) {
        const li = lk + i * NY + c
        const v = (unchecked(L[li]) + sigma * sn * unchecked(z[i])) * inv
        unchecked(L[li] = v)
        unchecked(z[i] = cs * unchecked(z[i]) - sn * v)
      }
    }
    if (nv == ny) for (let i = 0; i < nxr; i++) unchecked(w[i] = unchecked(z[nv + i]))
    if (j == 0 || nxr == 0) break
    // z_{j−1} = Ã_{j−1}ᵀ w
    const ny0 = unchecked(ws.ny[j - 1])
    const ao = (j - 1) * nx * NY
    fill(z, 0, 0.0, ny0)
    for (let i = 0; i < nx; i++) {
      const c = unchecked(w[i])
      if (c != 0.0) axpy(z, 0, c, ws.Ar, ao + i * NY, ny0)
    }
  }
  return true
}

/**
 * Solves with the factors for gradient ws.gh (stage blocks of ny) and dynamics offsets b
 * (stage blocks of nx, at boff): writes ws.dy (stage blocks) and ws.dpi (π_{k+1} at k·nx).
 */
export function riccatiSolve (dims: OcpDims, ws: OcpWorkspace, b: StaticArray<f64>): void {
  const N = dims.N
  const nx = dims.nx
  const NY = ws.nyMax
  const L = ws.L
  const t = ws.tv
  const w = ws.tw
  // ---- backward ----
  for (let k = N; k >= 0; k--) {
    const ny = ws.ny[k]
    const nv = ws.nv[k]
    const nxr = ws.nxr[k]
    const lk = k * NY * NY
    const m = k * NY
    for (let a = 0; a < ny; a++) ws.lvec[m + a] = ws.gh[m + a]
    if (k < N) {
      const nv1 = ws.nv[k + 1]
      const lp = (k + 1) * NY * NY + nv1 * NY + nv1
      // w = Lp (Lpᵀ b_k) + p_{k+1}
      // (Lpᵀ b as a sum of rows of Lp: contiguous)
      fill(t, 0, 0.0, nx)
      for (let j = 0; j < nx; j++) {
        const c = b[k * nx + j]
        if (c != 0.0) axpy(t, 0, c, L, lp + j * NY, j + 1)
      }
      for (let i = 0; i < nx; i++) w[i] = dot(L, lp + i * NY, t, 0, i + 1) + ws.p[(k + 1) * nx + i]
      const ao = k * nx * NY
      if (ws.arSparse[k] != 0) {
        const Ar = ws.Ar
        const arIdx = ws.arIdx
        const lv = ws.lvec
        for (let j = 0; j < nx; j++) {
          const c = unchecked(w[j])
          const ro = ao + j * NY
          for (let t = 0, n = unchecked(ws.arCnt[k * nx + j]); t < n; t++) { const a = unchecked(arIdx[ro + t]); unchecked(lv[m + a] += c * unchecked(Ar[ro + a])) }
        }
      } else {
        for (let j = 0; j < nx; j++) {
          const c = w[j]
          if (c != 0.0) axpy(ws.lvec, m, c, ws.Ar, ao + j * NY, ny)
        }
      }
    }
    lowerSolve(ws.lvec, m, L, lk, NY, ny)
    // p_k = Lxx l_x
    for (let i = 0; i < nxr; i++) ws.p[k * nx + i] = dot(L, lk + (nv + i) * NY + nv, ws.lvec, m + nv, i + 1)
  }
  // ---- forward ----
  {
    const nv0 = ws.nv[0]
    const nxr0 = ws.nxr[0]
    if (nxr0 > 0) {
      // x_0 free: Δx_0 = −Lxx⁻ᵀ l_x
      for (let i = 0; i < nxr0; i++) ws.dy[nv0 + i] = -ws.lvec[nv0 + i]
      lowerTransSolve(ws.dy, nv0, L, nv0 * NY + nv0, NY, nxr0)
    }
  }
  for (let k = 0; k <= N; k++) {
    const ny = ws.ny[k]
    const nv = ws.nv[k]
    const nxr = ws.nxr[k]
    const lk = k * NY * NY
    const m = k * NY
    // Δv = −Lvv⁻ᵀ (l_v + Lxvᵀ Δx)
    for (let a = 0; a < nv; a++) ws.dy[m + a] = -ws.lvec[m + a]
    for (let i = 0; i < nxr; i++) {
      const c = ws.dy[m + nv + i]
      if (c != 0.0) axpy(ws.dy, m, -c, L, lk + (nv + i) * NY, nv)
    }
    lowerTransSolve(ws.dy, m, L, lk, NY, nv)
    if (k < N) {
      const ny1 = k + 1
      const m1 = ny1 * NY + ws.nv[ny1]
      const ao = k * nx * NY
      if (ws.arSparse[k] != 0) {
        const Ar = ws.Ar
        const arIdx = ws.arIdx
        const dy = ws.dy
        for (let i = 0; i < nx; i++) {
          const ro = ao + i * NY
          let s = unchecked(b[k * nx + i])
          for (let t = 0, n = unchecked(ws.arCnt[k * nx + i]); t < n; t++) { const a = unchecked(arIdx[ro + t]); s += unchecked(Ar[ro + a]) * unchecked(dy[m + a]) }
          unchecked(dy[m1 + i] = s)
        }
      } else {
        for (let i = 0; i < nx; i++) ws.dy[m1 + i] = dot(ws.Ar, ao + i * NY, ws.dy, m, ny) + b[k * nx + i]
      }
      // Δπ_{k+1} = Lp (Lpᵀ Δx_{k+1}) + p_{k+1}
      const nv1 = ws.nv[ny1]
      const lp = ny1 * NY * NY + nv1 * NY + nv1
      fill(t, 0, 0.0, nx)
      for (let j = 0; j < nx; j++) {
        const c = ws.dy[m1 + j]
        if (c != 0.0) axpy(t, 0, c, L, lp + j * NY, j + 1)
      }
      for (let i = 0; i < nx; i++) ws.dpi[k * nx + i] = dot(L, lp + i * NY, t, 0, i + 1) + ws.p[ny1 * nx + i]
    }
  }
}

/**
 * Cost-to-go Hessian of stage k from its factor, P_k = Lxx Lxxᵀ (nxr × nxr, full), into
 * (P, po) with row stride nx; 2×2 blocks as in the factorization (only L's lower triangle is read).
 */
export function riccatiCostToGo (dims: OcpDims, ws: OcpWorkspace, k: i32, P: StaticArray<f64>, po: i32): void {
  const nx = dims.nx
  const NY = ws.nyMax
  const nv = ws.nv[k]
  const n = ws.nxr[k]
  const L = ws.L
  const lo = k * NY * NY + nv * NY + nv
  let i = 0
  for (; i + 1 < n; i += 2) {
    const ri = lo + i * NY
    const r1 = ri + NY
    for (let j = 0; j < i; j += 2) {
      const rj = lo + j * NY
      const rj1 = rj + NY
      // rows i, i+1 against rows j (j+1 entries) and j+1 (one more: L[j+1][j+1])
      dot4(L, ri, r1, rj, rj1, j + 1)
      const c = unchecked(L[rj1 + j + 1])
      const p00 = d00
      const p10 = d10
      const p01 = d01 + unchecked(L[ri + j + 1]) * c
      const p11 = d11 + unchecked(L[r1 + j + 1]) * c
      unchecked(P[po + i * nx + j] = p00); unchecked(P[po + j * nx + i] = p00)
      unchecked(P[po + (i + 1) * nx + j] = p10); unchecked(P[po + j * nx + i + 1] = p10)
      unchecked(P[po + i * nx + j + 1] = p01); unchecked(P[po + (j + 1) * nx + i] = p01)
      unchecked(P[po + (i + 1) * nx + j + 1] = p11); unchecked(P[po + (j + 1) * nx + i + 1] = p11)
    }
    dot4(L, ri, r1, ri, r1, i + 1)
    const e = unchecked(L[r1 + i + 1])
    unchecked(P[po + i * nx + i] = d00)
    unchecked(P[po + (i + 1) * nx + i] = d10); unchecked(P[po + i * nx + i + 1] = d10)
    unchecked(P[po + (i + 1) * nx + i + 1] = d11 + e * e)
  }
  if (i < n) {
    const ri = lo + i * NY
    for (let j = 0; j <= i; j++) {
      const v = dot(L, ri, L, lo + j * NY, j + 1)
      unchecked(P[po + i * nx + j] = v)
      unchecked(P[po + j * nx + i] = v)
    }
  }
}
