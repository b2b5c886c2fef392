// SRBD NMPC (assembly/locomotion/mpc/srbd-mpc.ts): the QP it builds is solved to the optimum the
// dense Goldfarb–Idnani solver finds on the condensed problem; its plan meets the hard constraints
// (friction pyramids, normal-force bounds, no force on swing feet, the linearized dynamics);
// bad inputs give the right status and leave finite outputs; 1000 solves allocate nothing; a smoke
// pass on the debug build (bounds checks and assertions on).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dynamics, standGeometry, trotContact, rng, coreOptions } from './helpers.ts'
import { SrbdMpcHost, type SrbdMpcParams } from '../../../host/locomotion/mpc/srbd-mpc.ts'
import type { RobotDynamics } from '../../../host/core/dynamics.ts'
import { loadSolvers } from '../../../host/solvers/wasm.ts'
import { DenseQp } from '../../../host/solvers/dense-qp.ts'
import type { OcpProblem } from '../../../host/solvers/ocp-qp.ts'
import { condenseOcp } from '../../solvers/lib/random-ocp.ts'

const dyn = await dynamics()

/** Fills a walking problem: state perturbed from the stand, trot contacts from time t0, reference at vx. */
function setup (mpc: SrbdMpcHost, g: { feet: number[][], com: number[] }, r: () => number, t0: number, vx = 0.5): void {
  const N = mpc.N
  const u = (a: number, b: number): number => a + (b - a) * r()
  const x0 = [u(-0.1, 0.1), u(-0.1, 0.1), u(-0.3, 0.3), g.com[0] + u(-0.02, 0.02), u(-0.02, 0.02), g.com[2] + u(-0.02, 0.02),
    u(-0.5, 0.5), u(-0.5, 0.5), u(-0.5, 0.5), u(0, 0.6), u(-0.2, 0.2), u(-0.1, 0.1)]
  mpc.x0.set(x0)
  mpc.quatBaseWorld.fill(0)
  for (let k = 0; k <= N; k++) {
    const t = k * mpc.dt
    mpc.xRef.set([0, 0, 0, x0[3] + vx * t, x0[4], g.com[2], 0, 0, 0, vx, 0, 0], 12 * k)
  }
  for (let k = 0; k < N; k++) {
    for (let i = 0; i < 4; i++) {
      mpc.contact[4 * k + i] = trotContact(t0 + k * mpc.dt, 0.35, i)
      mpc.pFootWorld.set([g.feet[i][0] + vx * 0.1 + u(-0.02, 0.02), g.feet[i][1] + u(-0.02, 0.02), 0.0], 12 * k + 3 * i)
    }
  }
}

function make (d: RobotDynamics, p: SrbdMpcParams): SrbdMpcHost { return new SrbdMpcHost(d, p) }

test('the built QP (N = 4) has the optimum of the condensed dense QP (GI solver): trajectories and objective to 1e-6', async () => {
  const mpc = make(dyn, { N: 4, qpTol: 1e-11, qpMaxIter: 100, qpTailDualTol: 0 })
  const g = standGeometry(dyn)
  const w = await loadSolvers('release', process.env.CEREBELLUM_WASM_DIR !== undefined ? coreOptions('release').wasmPath : undefined)
  const dense = new DenseQp(w, { nMax: 60, meMax: 1, mcMax: 100 })
  const r = rng(3)
  for (let t = 0; t < 20; t++) {
    mpc.reset()
    setup(mpc, g, r, 0.02 * t)
    assert.is(mpc.solve(), 0, `case ${t}: status ${mpc.statusName}`)
    const qp = mpc.qp()
    const p: OcpProblem = { nx: qp.nx, x0: qp.x0, stages: qp.stages }
    const c = condenseOcp(p)
    dense.resetWarm()
    const d = dense.solve(c.qp)
    assert.is(d.statusName, 'optimal', `case ${t}: dense status`)
    const tr = c.unpack(d.x)
    let scale = 1
    let diff = 0
    for (let k = 0; k <= mpc.N; k++) {
      for (let i = 0; i < 12; i++) {
        diff = Math.max(diff, Math.abs(tr.x[k][i] - mpc.xPred[12 * k + i]))
        scale = Math.max(scale, Math.abs(tr.x[k][i]))
      }
      if (k === mpc.N) break
      let col = 0
      for (let i = 0; i < 4; i++) {
        for (let a = 0; a < 3; a++) {
          const planned = mpc.uPred[12 * k + 3 * i + a]
          if (mpc.contact[4 * k + i] === 0) { assert.is(planned, 0, `case ${t}: swing foot ${i} force at stage ${k}`); continue }
          diff = Math.max(diff, Math.abs(tr.u[k][col + a] - planned))
          scale = Math.max(scale, Math.abs(planned))
        }
        if (mpc.contact[4 * k + i] !== 0) col += 3
      }
    }
    assert.ok(diff <= 1e-6 * scale, `case ${t}: plan differs from the dense optimum by ${diff} (scale ${scale})`)
    const obj = d.objective + c.constant
    assert.ok(Math.abs(obj - mpc.info('objective')) <= 1e-6 * Math.max(1, Math.abs(obj)), `case ${t}: objective ${mpc.info('objective')} vs dense ${obj}`)
  }
})

test('plans (N = 20, default tolerances, warm-started sequence) keep the hard constraints and the linearized dynamics', () => {
  const mpc = make(dyn, {})
  const g = standGeometry(dyn)
  const r = rng(9)
  const mu = 0.6
  for (let t = 0; t < 60; t++) {
    setup(mpc, g, r, 0.01 * t)
    mpc.elapsed = 0.01
    assert.is(mpc.solve(), 0, `solve ${t}: ${mpc.statusName}`)
    const qp = mpc.qp()
    for (let i = 0; i < 12; i++) assert.ok(Math.abs(mpc.xPred[i] - mpc.x0[i]) < 1e-12, 'x_pred[0] = x0')
    for (let k = 0; k < mpc.N; k++) {
      const st = qp.stages[k]
      const u: number[] = []
      for (let i = 0; i < 4; i++) {
        const f = mpc.uPred.subarray(12 * k + 3 * i, 12 * k + 3 * i + 3)
        if (mpc.contact[4 * k + i] === 0) {
          assert.ok(f[0] === 0 && f[1] === 0 && f[2] === 0, `solve ${t} stage ${k}: swing foot ${i} has force`)
          continue
        }
        u.push(...f)
        const tol = 1e-6 * Math.max(1, f[2])
        assert.ok(Math.abs(f[0]) <= mu * f[2] + tol && Math.abs(f[1]) <= mu * f[2] + tol, `solve ${t} stage ${k} foot ${i}: outside the pyramid ${Array.from(f)}`)
        assert.ok(f[2] >= 1 - 1e-6 && f[2] <= 150 + 1e-6, `solve ${t} stage ${k} foot ${i}: fz ${f[2]} outside [1, 150]`)
      }
      assert.is(u.length, st.nu, 'stance feet = stage inputs')
      for (let i = 0; i < 12; i++) {
        let v = (st.c as Float64Array)[i] - mpc.xPred[12 * (k + 1) + i]
        for (let j = 0; j < 12; j++) v += (st.A as Float64Array)[12 * i + j] * mpc.xPred[12 * k + j]
        for (let a = 0; a < st.nu; a++) v += (st.B as Float64Array)[st.nu * i + a] * u[a]
        // the interior point stops at qp_tol = 1e-5 (relative residuals)
        assert.ok(Math.abs(v) < 1e-5 * Math.max(1, Math.abs(mpc.xPred[12 * (k + 1) + i])), `solve ${t} stage ${k}: dynamics residual ${v}`)
      }
    }
    for (let i = 0; i < 12; i++) assert.is(mpc.fFootWorld[i], mpc.uPred[i], 'f_foot_world = stage-0 plan')
  }
})

test('statuses: non-finite and malformed inputs → bad-input naming the input, outputs untouched; fz_min > fz_max → infeasible; recovers', () => {
  const mpc = make(dyn, {})
  const g = standGeometry(dyn)
  const r = rng(4)
  setup(mpc, g, r, 0)
  assert.is(mpc.solve(), 0)
  const f0 = Float64Array.from(mpc.fFootWorld)
  const xp0 = Float64Array.from(mpc.xPred)
  const cases: Array<[string, () => void, string]> = [
    ['x0 NaN', () => { mpc.x0[4] = NaN }, 'x0'],
    ['x0 ∞', () => { mpc.x0[11] = Infinity }, 'x0'],
    ['x_ref NaN', () => { mpc.xRef[12 * 7 + 3] = NaN }, 'x_ref'],
    ['quaternion NaN', () => { mpc.quatBaseWorld.set([NaN, 0, 0, 0]) }, 'quat_base_world'],
    ['quaternion norm 0.1', () => { mpc.quatBaseWorld.set([0.1, 0, 0, 0]) }, 'quat_base_world'],
    ['contact 2', () => { mpc.contact[5] = 2 }, 'contact'],
    ['stance foot NaN', () => { const k = 3; const i = mpc.contact.subarray(4 * k, 4 * k + 4).indexOf(1); mpc.pFootWorld[12 * k + 3 * i + 1] = NaN }, 'p_foot_world'],
    ['pitch 1.5 rad', () => { mpc.x0[1] = 1.5 }, 'pitch'],
    ['elapsed NaN', () => { mpc.elapsed = NaN }, 'elapsed_s']
  ]
  for (const [what, spoil, name] of cases) {
    setup(mpc, g, r, 0)
    mpc.elapsed = 0.01
    spoil()
    assert.is(mpc.solve(), 4, `${what}: status ${mpc.statusName}`)
    assert.is(mpc.badInputName, name, `${what}: names ${mpc.badInputName}`)
    assert.equal(Array.from(mpc.fFootWorld), Array.from(f0), `${what}: f_foot_world untouched`)
    assert.equal(Array.from(mpc.xPred), Array.from(xp0), `${what}: x_pred untouched`)
  }
  // a NaN position on a swing foot is not read
  setup(mpc, g, r, 0)
  mpc.elapsed = 0.01
  const k = 2
  const i = mpc.contact.subarray(4 * k, 4 * k + 4).indexOf(0)
  mpc.pFootWorld[12 * k + 3 * i] = NaN
  assert.is(mpc.solve(), 0, 'NaN on a swing foot is ignored')
  for (const v of mpc.xPred) assert.ok(Number.isFinite(v))
  // contradictory force bounds
  const bad = make(dyn, { fzMin: 50, fzMax: 10 })
  setup(bad, g, r, 0)
  const s = bad.solve()
  assert.is(bad.statusName, 'infeasible', `fz_min > fz_max: ${bad.statusName} (${s})`)
  for (const v of bad.fFootWorld) assert.is(v, 0, 'no plan: zero forces')
  // too little normal force allowed to hold the robot up is still a feasible QP (soft tracking)
  const weak = make(dyn, { fzMax: 5 })
  setup(weak, g, r, 0)
  assert.is(weak.solve(), 0, 'weak feet: feasible')
  for (let j = 0; j < 4; j++) assert.ok(weak.fFootWorld[3 * j + 2] <= 5 + 1e-6)
  // the first MPC recovers after the bad inputs
  setup(mpc, g, r, 0.1)
  assert.is(mpc.solve(), 0, 'recovers')
  assert.is(mpc.info('failures'), cases.length, 'failures counted')
})

test('flight phases (no stance foot at some stages, including stage 0) solve: zero forces there, the plan falls ballistically', () => {
  const mpc = make(dyn, {})
  const g = standGeometry(dyn)
  setup(mpc, g, rng(12), 0)
  for (let k = 0; k < 4; k++) mpc.contact.fill(0, 4 * k, 4 * k + 4)
  assert.is(mpc.solve(), 0, mpc.statusName)
  for (let i = 0; i < 12; i++) assert.is(mpc.fFootWorld[i], 0)
  // no force for 4 stages: v_z drops by g·dt per stage
  for (let k = 0; k < 4; k++) {
    const dv = mpc.xPred[12 * (k + 1) + 11] - mpc.xPred[12 * k + 11]
    assert.ok(Math.abs(dv + 9.81 * mpc.dt) < 1e-9, `stage ${k}: Δv_z ${dv}`)
  }
  let lifted = false
  for (let k = 4; k < mpc.N; k++) for (let i = 0; i < 4; i++) if (mpc.contact[4 * k + i] === 1 && mpc.uPred[12 * k + 3 * i + 2] > 1) lifted = true
  assert.ok(lifted, 'stance forces after the flight')
})

test('quat_base_world replaces x0\'s Euler angles (ZYX) with the yaw unwrapped to within π of the reference', () => {
  const mpc = make(dyn, {})
  const g = standGeometry(dyn)
  setup(mpc, g, rng(6), 0)
  const half = (a: number): number[] => [Math.cos(a / 2), Math.sin(a / 2)]
  // q = q_z(ψ) q_y(θ) q_x(φ) with φ = 0.1, θ = −0.2, ψ = −2.9 (≡ 3.3832 after unwrapping near 3.3)
  const [cz, sz] = half(-2.9); const [cy, sy] = half(-0.2); const [cx, sx] = half(0.1)
  const q = [cz * cy * cx + sz * sy * sx, cz * cy * sx - sz * sy * cx, cz * sy * cx + sz * cy * sx, sz * cy * cx - cz * sy * sx]
  mpc.quatBaseWorld.set(q.map((v) => 2 * v)) // any norm in [0.5, 2] is accepted
  for (let k = 0; k <= mpc.N; k++) mpc.xRef[12 * k + 2] = 3.3
  assert.is(mpc.solve(), 0, mpc.statusName)
  assert.ok(Math.abs(mpc.x0[0] - 0.1) < 1e-12 && Math.abs(mpc.x0[1] + 0.2) < 1e-12, `roll/pitch ${mpc.x0[0]}, ${mpc.x0[1]}`)
  assert.ok(Math.abs(mpc.x0[2] - (2 * Math.PI - 2.9)) < 1e-12, `yaw ${mpc.x0[2]} unwrapped to ${2 * Math.PI - 2.9}`)
  assert.ok(Math.abs(mpc.xPred[2] - mpc.x0[2]) < 1e-12, 'the plan starts there')
})

test('1000 solves allocate nothing (heap probe and memory size unchanged)', () => {
  const mpc = make(dyn, {})
  const g = standGeometry(dyn)
  const r = rng(8)
  const probe = dyn.core.fn<() => number>('mpcHeapProbe')
  setup(mpc, g, r, 0)
  mpc.solve()
  const p0 = probe()
  const p1 = probe()
  const step = p1 - p0
  const bytes = dyn.core.memory.buffer.byteLength
  let ok = 0
  for (let t = 0; t < 1000; t++) {
    setup(mpc, g, r, 0.005 * t)
    mpc.elapsed = 0.005
    if (mpc.solve() === 0) ok++
  }
  const p2 = probe()
  assert.is(p2 - p1, step, `heap grew by ${p2 - p1 - step} bytes over 1000 solves`)
  assert.is(dyn.core.memory.buffer.byteLength, bytes, 'memory size unchanged')
  assert.is(ok, 1000, 'all solves ok')
})

test('debug build (bounds checks, assertions): solves, statuses and the QP agree with the release build', async () => {
  const dd = await dynamics('debug')
  const a = make(dd, {})
  const b = make(dyn, {})
  const g = standGeometry(dd)
  for (let t = 0; t < 10; t++) {
    setup(a, g, rng(100 + t), 0.03 * t)
    setup(b, g, rng(100 + t), 0.03 * t)
    a.elapsed = 0.03; b.elapsed = 0.03
    assert.is(a.solve(), 0, `debug solve ${t}: ${a.statusName}`)
    assert.is(b.solve(), 0)
    for (let i = 0; i < 12; i++) assert.ok(Math.abs(a.fFootWorld[i] - b.fFootWorld[i]) < 1e-6 * Math.max(1, Math.abs(b.fFootWorld[i])), `debug vs release force ${i}`)
  }
  a.x0[0] = NaN
  assert.is(a.solve(), 4, 'debug: bad input status')
  const { A } = a.step([0.1, 0.2, 0.3, 0, 0, 0.3, 1, 0, 0, 0, 0, 0], new Array(12).fill(10), new Array(12).fill(0.1), [1, 0, 1, 1])
  assert.ok(A.every(Number.isFinite))
})

test.run()
