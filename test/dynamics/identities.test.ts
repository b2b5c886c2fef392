// Identities and finite differences that check the dynamics without any other library:
// rnea = M·a + bias; g = bias(v = 0); frame velocity = J·v; M·(M⁻¹·b) = b; A_g's linear rows = m·J_com;
// and central finite differences (configuration moved along a velocity with MuJoCo's integration rule,
// step ε = 1e-6) for the frame Jacobians (positions and orientations), J̇·v, Ȧ_g·v and J_com.
// Finite-difference tolerance: 1e-6 relative (truncation O(ε²), round-off O(1e-16/ε)).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadRobot } from '../../host/robot/load.ts'
import { RobotDynamics, DYN, DYN_ALL } from '../../host/core/dynamics.ts'
import type { RobotDescription } from '../../host/robot/description.ts'
import { integrate, randomState, relErr, rng, robotCases, sub, type State } from './helpers.ts'

const EPS = 1e-6
const FD_TOL = 1e-6
const EXACT_TOL = 1e-11
const STATES = 10

const cases = robotCases().filter((c) => ['arm7', 'quad12', 'g1'].includes(c.name))

interface Snapshot { framePos: Float64Array, frameRot: Float64Array, jac: Float64Array, com: Float64Array, Ag: Float64Array }

function evalAt (dyn: RobotDynamics, qpos: ArrayLike<number>): Snapshot {
  dyn.qpos.set(qpos)
  dyn.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS | DYN.CENTROIDAL)
  return {
    framePos: Float64Array.from(dyn.framePos),
    frameRot: Float64Array.from(dyn.frameRot),
    jac: Float64Array.from(dyn.frameJacobians),
    com: Float64Array.from(dyn.com),
    Ag: Float64Array.from(dyn.centroidalMap)
  }
}

function matVec (A: ArrayLike<number>, off: number, rows: number, cols: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[r] += A[off + r * cols + c] * x[c]
  return y
}

/** ω (world) with R_plus ≈ exp([ω]·2ε)·R_minus: vee of the skew part of R_plus·R_minusᵀ / 2ε. */
function angularRate (Rp: ArrayLike<number>, Rm: ArrayLike<number>, o: number): number[] {
  const A = new Array<number>(9).fill(0)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) A[3 * i + j] += Rp[o + 3 * i + k] * Rm[o + 3 * j + k]
  return [(A[7] - A[5]) / 2 / (2 * EPS), (A[2] - A[6]) / 2 / (2 * EPS), (A[3] - A[1]) / 2 / (2 * EPS)]
}

async function setup (file: string): Promise<{ desc: RobotDescription, dyn: RobotDynamics }> {
  const desc = await loadRobot(file)
  return { desc, dyn: await RobotDynamics.create(desc) }
}

function load (dyn: RobotDynamics, s: State): void {
  dyn.qpos.set(s.qpos); dyn.qvel.set(s.qvel); dyn.qacc.set(s.qacc)
}

for (const rc of cases) {
  if (!rc.available) {
    console.log(`SKIP: ${rc.name}: ${rc.skipReason}`)
    test.skip(`${rc.name}: identities`, () => {})
    continue
  }

  test(`${rc.name}: rnea = M·a + bias, g = bias(v = 0), frame velocity = J·v, M·(M⁻¹·b) = b, A_g linear = m·J_com`, async () => {
    const { desc, dyn } = await setup(rc.file)
    const { nv } = dyn
    const rand = rng(7)
    let worst = 0
    for (let s = 0; s < STATES; s++) {
      const st = randomState(desc, rand)
      load(dyn, st)
      dyn.computeAll()
      const Ma = matVec(dyn.M, 0, nv, nv, st.qacc)
      const expectTau = Ma.map((x, i) => x + dyn.bias[i])
      const e1 = relErr(dyn.tau, expectTau)
      assert.ok(e1 < EXACT_TOL, `rnea vs M·a + bias: ${e1}`)
      const gravity = Float64Array.from(dyn.gravityTorque)
      dyn.qvel.fill(0)
      dyn.compute(DYN.BIAS)
      const e2 = relErr(gravity, dyn.bias)
      assert.ok(e2 < EXACT_TOL, `g vs bias(v=0): ${e2}`)
      dyn.qvel.set(st.qvel)
      dyn.computeAll()
      for (let f = 0; f < dyn.nframe; f++) {
        const e = relErr(sub(dyn.frameVelocities, 6 * f, 6), matVec(dyn.frameJacobians, 6 * nv * f, 6, nv, st.qvel))
        assert.ok(e < EXACT_TOL, `frame ${dyn.frameNames[f]} velocity vs J·v: ${e}`)
        worst = Math.max(worst, e)
      }
      const b = Float64Array.from({ length: nv }, () => rand() - 0.5)
      dyn.solveX.set(b)
      assert.is(dyn.compute(DYN.FACTOR), 0)
      dyn.solveM()
      const e3 = relErr(matVec(dyn.M, 0, nv, nv, dyn.solveX), b)
      assert.ok(e3 < 1e-10, `M·(M⁻¹·b) vs b: ${e3}`)
      const mJ = Float64Array.from(dyn.comJacobian, (x) => x * dyn.massTotal)
      const e4 = relErr(sub(dyn.centroidalMap, 0, 3 * nv), mJ)
      assert.ok(e4 < EXACT_TOL, `A_g linear rows vs m·J_com: ${e4}`)
      worst = Math.max(worst, e1, e2, e3, e4)
    }
    console.log(`${rc.name}: identities, worst rel. error ${worst.toExponential(2)}`)
  })

  test(`${rc.name}: frame Jacobians and J_com match finite differences of placements and CoM`, async () => {
    const { desc, dyn } = await setup(rc.file)
    const { nv } = dyn
    const st = randomState(desc, rng(11))
    load(dyn, st)
    const base = evalAt(dyn, st.qpos)
    const jacFd = new Float64Array(base.jac.length)
    const comFd = new Float64Array(3 * nv)
    for (let d = 0; d < nv; d++) {
      const e = new Float64Array(nv); e[d] = 1
      const p = evalAt(dyn, integrate(desc, st.qpos, e, EPS))
      const m = evalAt(dyn, integrate(desc, st.qpos, e, -EPS))
      for (let f = 0; f < dyn.nframe; f++) {
        const o = 6 * nv * f
        for (let r = 0; r < 3; r++) jacFd[o + r * nv + d] = (p.framePos[3 * f + r] - m.framePos[3 * f + r]) / (2 * EPS)
        const w = angularRate(p.frameRot, m.frameRot, 9 * f)
        for (let r = 0; r < 3; r++) jacFd[o + (3 + r) * nv + d] = w[r]
      }
      for (let r = 0; r < 3; r++) comFd[r * nv + d] = (p.com[r] - m.com[r]) / (2 * EPS)
    }
    const eJ = relErr(base.jac, jacFd)
    const eC = relErr(base.Ag.subarray(0, 3 * nv).map((x) => x / dyn.massTotal), comFd)
    console.log(`${rc.name}: FD frame Jacobians ${eJ.toExponential(2)}, J_com ${eC.toExponential(2)}`)
    assert.ok(eJ < FD_TOL, `frame Jacobians vs FD: ${eJ}`)
    assert.ok(eC < FD_TOL, `J_com vs FD: ${eC}`)
  })

  test(`${rc.name}: J̇·v and Ȧ_g·v match finite differences along v`, async () => {
    const { desc, dyn } = await setup(rc.file)
    const { nv } = dyn
    const rand = rng(13)
    let worstJ = 0
    let worstA = 0
    for (let s = 0; s < 3; s++) {
      const st = randomState(desc, rand)
      load(dyn, st)
      dyn.compute(DYN_ALL)
      const drift = Float64Array.from(dyn.frameDrifts)
      const agDrift = Float64Array.from(dyn.centroidalDrift)
      const p = evalAt(dyn, integrate(desc, st.qpos, st.qvel, EPS))
      const m = evalAt(dyn, integrate(desc, st.qpos, st.qvel, -EPS))
      const fd = new Float64Array(6 * dyn.nframe)
      for (let f = 0; f < dyn.nframe; f++) {
        const jp = matVec(p.jac, 6 * nv * f, 6, nv, st.qvel)
        const jm = matVec(m.jac, 6 * nv * f, 6, nv, st.qvel)
        for (let r = 0; r < 6; r++) fd[6 * f + r] = (jp[r] - jm[r]) / (2 * EPS)
      }
      const ap = matVec(p.Ag, 0, 6, nv, st.qvel)
      const am = matVec(m.Ag, 0, 6, nv, st.qvel)
      const afd = ap.map((x, i) => (x - am[i]) / (2 * EPS))
      worstJ = Math.max(worstJ, relErr(drift, fd))
      worstA = Math.max(worstA, relErr(agDrift, afd))
    }
    console.log(`${rc.name}: FD J̇·v ${worstJ.toExponential(2)}, Ȧ_g·v ${worstA.toExponential(2)}`)
    assert.ok(worstJ < FD_TOL, `J̇·v vs FD: ${worstJ}`)
    assert.ok(worstA < FD_TOL, `Ȧ_g·v vs FD: ${worstA}`)
  })
}

test.run()
