// The core's linear KF (three decoupled per-axis filters with sequential scalar updates) against an
// independent dense implementation of the textbook filter written here: one 3·(3 + nf)-state filter,
// F·P·Fᵀ + Q, and a batch update with every measurement stacked (S = H·P·Hᵀ + R solved by Cholesky). The
// two are equal in exact arithmetic when all noise is isotropic; they are compared on a recorded run with
// lifts and touchdowns, fed the exact inputs the core used (its diagnostic fields).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { liftScenario } from '../../host/estimation/scenarios.ts'
import { FEET, footXY, quad12Estimator, record } from './helpers.ts'

const nf = FEET.length
const N = 3 * (3 + nf)

type Mat = Float64Array[]
const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Float64Array(c))
function mul (A: Mat, B: Mat): Mat {
  const C = zeros(A.length, B[0].length)
  for (let i = 0; i < A.length; i++) for (let k = 0; k < B.length; k++) { const a = A[i][k]; if (a !== 0) for (let j = 0; j < B[0].length; j++) C[i][j] += a * B[k][j] }
  return C
}
const tr = (A: Mat): Mat => { const T = zeros(A[0].length, A.length); A.forEach((r, i) => r.forEach((x, j) => { T[j][i] = x })); return T }

/** X = A⁻¹·B for symmetric positive-definite A (Cholesky). */
function cholSolve (A: Mat, B: Mat): Mat {
  const n = A.length
  const L = zeros(n, n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j]
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k]
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j]
    }
  }
  const X = zeros(n, B[0].length)
  for (let c = 0; c < B[0].length; c++) {
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) { let s = B[i][c]; for (let k = 0; k < i; k++) s -= L[i][k] * y[k]; y[i] = s / L[i][i] }
    for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < n; k++) s -= L[k][i] * X[k][c]; X[i][c] = s / L[i][i] }
  }
  return X
}

// dense layout: [p (3), v (3), b (3), foot_1 (3), …]; the core's: per axis [p, v, b, foot_1 …]
const P_ = 0; const V_ = 3; const B_ = 6; const F_ = (i: number): number => 9 + 3 * i
const coreIndex = (d: number): [number, number] => {
  const blk = Math.floor(d / 3); const ax = d % 3
  return [ax, blk] // axis, state within the axis (p, v, b, feet in that order)
}

test('decoupled sequential KF equals a dense batch KF on a recorded run', async () => {
  const rec = await record(liftScenario(await footXY()))
  const est = await quad12Estimator({ estimator: 'kf' })
  const p = est.params
  const n = 3 + nf
  const x = new Float64Array(N)
  let P = zeros(N, N)
  const f = (name: Parameters<typeof est.field>[0]): Float64Array => est.field(name)
  let worstX = 0
  let worstP = 0
  const nj = rec.nj
  const steps = 2500
  for (let k = 0; k < steps; k++) {
    est.setSensors({ quat_imu: rec.quat_imu.subarray(4 * k, 4 * k + 4), gyro_imu: rec.gyro_imu.subarray(3 * k, 3 * k + 3),
      accel_imu: rec.accel_imu.subarray(3 * k, 3 * k + 3), q: rec.q.subarray(nj * k, nj * k + nj), qd: rec.qd.subarray(nj * k, nj * k + nj),
      tau: rec.tau.subarray(nj * k, nj * k + nj) })
    for (let i = 0; i < nf; i++) est.setSchedule(i, rec.sched[3 * nf * k + 3 * i], rec.sched[3 * nf * k + 3 * i + 1], rec.sched[3 * nf * k + 3 * i + 2])
    if (k === 0) est.reset(rec.gt_p[0], rec.gt_p[1])
    assert.is(est.update(rec.dt), 0)
    const kx = f('kf_x'); const kP = f('kf_P')
    if (k === 0) {
      // take the core's initial state
      for (let d = 0; d < N; d++) {
        const [ax, s] = coreIndex(d)
        x[d] = kx[ax * n + s]
        for (let e = 0; e < N; e++) {
          const [ax2, s2] = coreIndex(e)
          P[d][e] = ax === ax2 ? kP[ax * n * n + s * n + s2] : 0
        }
      }
      continue
    }
    const dt = rec.dt
    // --- predict ---
    const a = f('kf_accel_world'); const dv = f('kf_dv_world'); const u = f('kf_foot_vel'); const pp = f('kf_prob_predict')
    const F = zeros(N, N)
    for (let d = 0; d < N; d++) F[d][d] = 1
    for (let c = 0; c < 3; c++) { F[P_ + c][V_ + c] = dt; F[P_ + c][B_ + c] = -0.5 * dt * dt; F[V_ + c][B_ + c] = -dt }
    const xp = new Float64Array(N)
    for (let i = 0; i < N; i++) { let s = 0; for (let j = 0; j < N; j++) s += F[i][j] * x[j]; xp[i] = s }
    for (let c = 0; c < 3; c++) {
      xp[P_ + c] += 0.5 * dt * dt * a[c] + 0.5 * dv[c] * dt
      xp[V_ + c] += a[c] * dt + dv[c]
      for (let i = 0; i < nf; i++) xp[F_(i) + c] += u[3 * i + c] * dt
    }
    P = mul(mul(F, P), tr(F))
    const qa = p.kf.accel_psd ** 2
    for (let c = 0; c < 3; c++) {
      P[P_ + c][P_ + c] += qa * dt ** 3 / 3 + p.kf.pos_psd ** 2 * dt
      P[P_ + c][V_ + c] += qa * dt * dt / 2
      P[V_ + c][P_ + c] += qa * dt * dt / 2
      P[V_ + c][V_ + c] += qa * dt
      P[B_ + c][B_ + c] += p.kf.bias_psd ** 2 * dt
      for (let i = 0; i < nf; i++) P[F_(i) + c][F_(i) + c] += (pp[i] * p.kf.foot_stance_psd ** 2 + (1 - pp[i]) * p.kf.foot_swing_psd ** 2) * dt
    }
    // --- batch update ---
    const r = f('r_world'); const vrel = f('v_rel_world'); const vroll = f('v_roll_world'); const prob = f('contact_prob')
    const H: number[][] = []; const y: number[] = []; const R: number[] = []
    for (let i = 0; i < nf; i++) {
      const scale = 1 + p.kf.swing_inflation * (1 - prob[i])
      for (let c = 0; c < 3; c++) {
        const h = new Array<number>(N).fill(0); h[F_(i) + c] = 1; h[P_ + c] = -1
        H.push(h); y.push(r[3 * i + c]); R.push(p.kf.foot_pos_std ** 2)
      }
      if (prob[i] > 1e-3) {
        for (let c = 0; c < 3; c++) {
          const h = new Array<number>(N).fill(0); h[V_ + c] = 1
          H.push(h); y.push(vroll[3 * i + c] - vrel[3 * i + c]); R.push(p.kf.foot_vel_std ** 2 * scale)
        }
        const h = new Array<number>(N).fill(0); h[F_(i) + 2] = 1
        H.push(h); y.push(p.ground_height + p.foot_radius); R.push(p.kf.foot_height_std ** 2 * scale)
      }
    }
    const Hm = H.map((row) => Float64Array.from(row))
    const PHt = mul(P, tr(Hm))
    const S = mul(Hm, PHt)
    R.forEach((v, i) => { S[i][i] += v })
    const Kt = cholSolve(S, tr(PHt)) // Kᵀ = S⁻¹·(P·Hᵀ)ᵀ
    const innov = y.map((yy, i) => yy - Hm[i].reduce((s, h, j) => s + h * xp[j], 0))
    for (let d = 0; d < N; d++) { let s = 0; for (let m = 0; m < y.length; m++) s += Kt[m][d] * innov[m]; x[d] = xp[d] + s }
    const KH = mul(tr(Kt), Hm)
    const IKH = KH.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - v))
    P = mul(IKH, P)
    // --- compare ---
    for (let d = 0; d < N; d++) {
      const [ax, s] = coreIndex(d)
      worstX = Math.max(worstX, Math.abs(x[d] - kx[ax * n + s]))
      for (let e = 0; e < N; e++) {
        const [ax2, s2] = coreIndex(e)
        const core = ax === ax2 ? kP[ax * n * n + s * n + s2] : 0
        worstP = Math.max(worstP, Math.abs(P[d][e] - core) / Math.max(1e-12, Math.sqrt(Math.abs(P[d][d] * P[e][e]))))
      }
    }
  }
  console.log(`dense vs decoupled KF over ${steps} updates: worst state difference ${worstX.toExponential(2)}, worst covariance difference ${worstP.toExponential(2)} (relative to σ_i·σ_j)`)
  assert.ok(worstX < 1e-9, `state differs by ${worstX}`)
  assert.ok(worstP < 1e-6, `covariance differs by ${worstP}`)
})

test.run()
