// Workspace of the dense QP solver (dense-qp.ts), sized once from QpDims' maxima. It also keeps
// what a warm start needs: copies of H, A, C and their patterns (to recognise an unchanged
// structure and keep the factorization), and the previous active set in original ids.
import { QpDims } from './qp-types'
import { GiWorkspace } from './gi-workspace'
import { Elimination } from './nullspace-elimination'

/** Row kinds (pattern): no finite bound, inequality, equality (l = u). */
export const ROW_FREE: i32 = 0
export const ROW_INEQ: i32 = 1
export const ROW_EQ: i32 = 2

export class QpWorkspace {
  gi: GiWorkspace
  el: Elimination
  /** Semidefinite polish (psd-polish.ts): active rows, reduced system, scratch vectors. */
  elp: Elimination
  elq: Elimination
  pz: StaticArray<f64>
  pg: StaticArray<f64>
  ph: StaticArray<f64>
  pm: StaticArray<f64>

  // ---- structure (rebuilt when H, A, C or the patterns change) ----
  structValid: bool = false
  n: i32 = 0
  me: i32 = 0
  mc: i32 = 0
  /** Per variable: ROW_FREE (no finite bound), ROW_INEQ (bounded), ROW_EQ (fixed, lb = ub). */
  varKind: StaticArray<i32>
  /** Per row of C: ROW_FREE, ROW_INEQ or ROW_EQ. */
  rowKind: StaticArray<i32>
  /** Free variables (nf) and each variable's position among them (−1 when fixed). */
  fvar: StaticArray<i32>
  fpos: StaticArray<i32>
  nf: i32 = 0
  /** Source id of each equality row handed to the elimination (ne): i < me, or me + C row. */
  eSrc: StaticArray<i32>
  ne: i32 = 0
  /** Reduced dimension nz = nf − rank and the nullspace basis Z (nf × nz, stride nMax). */
  nz: i32 = 0
  Z: StaticArray<f64>
  /** True when no equality was eliminated: z = x_F and box rows are unit rows. */
  identityZ: bool = true
  /** True when H restricted to the free variables is diagonal. */
  diagonalH: bool = false
  /** Reduced Hessian Zᵀ·H·Z (+ρI when semidefinite), nz × nz. */
  Hz: StaticArray<f64>
  W: StaticArray<f64>
  psd: bool = false
  rho: f64 = 0.0
  /** Source id of each general GI row (me + C row, or me + mc + j for a box row) and its norm. */
  giSrc: StaticArray<i32>
  giNorm: StaticArray<f64>
  /** Source variable of each unit GI row. */
  giBoxSrc: StaticArray<i32>
  /** Rows constant on the equality manifold (ids as giSrc); checked directly. */
  constSrc: StaticArray<i32>
  nconst: i32 = 0
  /** GI id of each C row (mc) and box (n), or −1. */
  rowToGi: StaticArray<i32>
  varToGi: StaticArray<i32>

  // ---- previous data, for structure reuse ----
  Hprev: StaticArray<f64>
  Aprev: StaticArray<f64>
  Cprev: StaticArray<f64>

  // ---- warm start (original ids, as QpSolution.infeasible) ----
  warmId: StaticArray<i32>
  warmSide: StaticArray<i32>
  nwarm: i32 = 0
  zPrev: StaticArray<f64>
  zPrevValid: bool = false

  // ---- numeric scratch ----
  xfull: StaticArray<f64>
  gfull: StaticArray<f64>
  gz: StaticArray<f64>
  zbar: StaticArray<f64>
  v1: StaticArray<f64>
  v2: StaticArray<f64>
  ids: StaticArray<i32>
  mark: StaticArray<i32>

  constructor (d: QpDims) {
    const n = max(1, d.nMax)
    const mt = d.mcMax + d.nMax
    const all = max(1, d.meMax + d.mcMax + d.nMax)
    this.gi = new GiWorkspace(d.nMax, mt, d.nMax)
    this.el = new Elimination(d.meMax + d.mcMax, d.nMax)
    this.elp = new Elimination(d.nMax, d.nMax)
    this.elq = new Elimination(d.nMax, d.nMax)
    this.pz = new StaticArray<f64>(n)
    this.pg = new StaticArray<f64>(n)
    this.ph = new StaticArray<f64>(n)
    this.pm = new StaticArray<f64>(n)
    this.varKind = new StaticArray<i32>(n)
    this.rowKind = new StaticArray<i32>(max(1, d.mcMax))
    this.fvar = new StaticArray<i32>(n)
    this.fpos = new StaticArray<i32>(n)
    this.eSrc = new StaticArray<i32>(max(1, d.meMax + d.mcMax))
    this.Z = new StaticArray<f64>(n * n)
    this.Hz = new StaticArray<f64>(n * n)
    this.W = new StaticArray<f64>(n * n)
    this.giSrc = new StaticArray<i32>(max(1, mt))
    this.giNorm = new StaticArray<f64>(max(1, mt))
    this.giBoxSrc = new StaticArray<i32>(n)
    this.constSrc = new StaticArray<i32>(max(1, mt))
    this.rowToGi = new StaticArray<i32>(max(1, d.mcMax))
    this.varToGi = new StaticArray<i32>(n)
    this.Hprev = new StaticArray<f64>(n * n)
    this.Aprev = new StaticArray<f64>(max(1, d.meMax * d.nMax))
    this.Cprev = new StaticArray<f64>(max(1, d.mcMax * d.nMax))
    this.warmId = new StaticArray<i32>(all)
    this.warmSide = new StaticArray<i32>(all)
    this.zPrev = new StaticArray<f64>(n)
    this.xfull = new StaticArray<f64>(n)
    this.gfull = new StaticArray<f64>(n)
    this.gz = new StaticArray<f64>(n)
    this.zbar = new StaticArray<f64>(n)
    this.v1 = new StaticArray<f64>(all)
    this.v2 = new StaticArray<f64>(all)
    this.ids = new StaticArray<i32>(all)
    this.mark = new StaticArray<i32>(all)
  }
}
