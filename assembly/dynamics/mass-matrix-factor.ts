// Tree-sparse factorization of the mass matrix M = Lᵀ·D·L (Featherstone, RBDA §6.5 "LTDL"; MuJoCo
// mj_factorM). With dofs numbered so that every ancestor dof comes first, L has the sparsity of M's
// lower triangle (no fill-in): row k only has entries at the ancestors of dof k (model.dof_parent).
// It is a root-free Cholesky; cost Σ_k depth(k)², far below nv³/6 for legged robots.
//
// Reads data.M (crba). Writes data.M_factor: D on the diagonal, L below it at ancestor pairs
// (unit diagonal implied); the rest is untouched (stays zero).
import { Model } from '../model/model'
import { Data } from '../model/data'

/**
 * Factors data.M into data.M_factor. Returns 0, or k + 1 when pivot k is not positive (M not
 * positive definite; data.M_factor is then invalid). Requires crba.
 */
export function factorMassMatrix (model: Model, data: Data): i32 {
  const nv = model.nv
  const H = data.M_factor
  const M = data.M
  const parent = model.dof_parent
  for (let k = 0; k < nv; k++) {
    let i = k
    while (i >= 0) {
      unchecked(H[k * nv + i] = M[k * nv + i])
      i = unchecked(parent[i])
    }
  }
  for (let k = nv - 1; k >= 0; k--) {
    const dk = unchecked(H[k * nv + k])
    if (!(dk > 0.0)) return k + 1
    let i = unchecked(parent[k])
    while (i >= 0) {
      // row i −= (H_ki / H_kk) · row k, over the ancestors j of i (H_ij, j ≤ i)
      const a = unchecked(H[k * nv + i]) / dk
      let j = i
      while (j >= 0) {
        unchecked(H[i * nv + j] -= a * H[k * nv + j])
        j = unchecked(parent[j])
      }
      unchecked(H[k * nv + i] = a)
      i = unchecked(parent[i])
    }
  }
  return 0
}

/** x ← M⁻¹·x in place (nv), using data.M_factor. Requires factorMassMatrix (returned 0). */
export function solveMassMatrix (model: Model, data: Data, x: StaticArray<f64>): void {
  const nv = model.nv
  assert(x.length >= nv)
  const H = data.M_factor
  const parent = model.dof_parent
  // Lᵀ·y = x
  for (let k = nv - 1; k >= 0; k--) {
    const xk = unchecked(x[k])
    let i = unchecked(parent[k])
    while (i >= 0) {
      unchecked(x[i] -= H[k * nv + i] * xk)
      i = unchecked(parent[i])
    }
  }
  // D·z = y
  for (let k = 0; k < nv; k++) unchecked(x[k] /= H[k * nv + k])
  // L·x = z
  for (let k = 0; k < nv; k++) {
    let s = unchecked(x[k])
    let i = unchecked(parent[k])
    while (i >= 0) {
      s -= unchecked(H[k * nv + i] * x[i])
      i = unchecked(parent[i])
    }
    unchecked(x[k] = s)
  }
}
