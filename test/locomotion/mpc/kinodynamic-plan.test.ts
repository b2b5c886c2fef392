// Kinodynamic NMPC plans checked through the dynamics core's host view (independent forward
// kinematics, frame Jacobians and centroidal map): in a trot the stance feet do not move and the
// swing feet follow the height reference; forces stay in their pyramids and are zero on swing feet.
// The QP it builds (foot rows eliminated in the build, or passed as stage equalities) has the dense
// solver's optimum on the condensed form, and the two formulations plan the same closed loop.
// Also statuses on bad inputs, allocation-freedom and a debug-build smoke pass.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dynamics, FEET, coreOptions } from './helpers.ts'
import { KinodynamicMpcHost } from '../../../host/locomotion/mpc/kinodynamic-mpc.ts'
import { writeTrotInputs, type KinoTrotOptions } from '../../../host/locomotion/mpc/kinodynamic-trot.ts'
import { DYN, type RobotDynamics } from '../../../host/core/dynamics.ts'
import { loadSolvers } from '../../../host/solvers/wasm.ts'
import { DenseQp } from '../../../host/solvers/dense-qp.ts'
import { condenseOcp } from '../../solvers/lib/random-ocp.ts'

const dyn = await dynamics()
const home = dyn.description.keyframes.home

function rpyQuat (phi: number, th: number, psi: number): number[] {
  const c = (a: number): number => Math.cos(a / 2)
  const s = (a: number): number => Math.sin(a / 2)
  const mul = (a: number[], b: number[]): number[] => [a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2], a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]]
  return mul([c(psi), 0, 0, s(psi)], mul([c(th), 0, s(th), 0], [c(phi), s(phi), 0, 0]))
}

/** Foot positions and velocities (world) of a planned stage through the host dynamics. */
function feetAt (d: RobotDynamics, x: ArrayLike<number>, vBase: ArrayLike<number>, qd: ArrayLike<number>): { p: number[][], v: number[][] } {
  d.qpos.set([x[6], x[7], x[8], ...rpyQuat(x[9], x[10], x[11]), ...Array.from(x).slice(12)])
  d.compute(DYN.POSITION | DYN.FRAMES | DYN.JACOBIANS)
  const nv = d.nv
  const qvel = [...Array.from(vBase), ...Array.from(qd)]
  return {
    p: FEET.map((n) => { const f = d.frameIndex(n); return Array.from(d.framePos.subarray(3 * f, 3 * f + 3)) }),
    v: FEET.map((n) => {
      const f = d.frameIndex(n)
      const J = d.frameJacobians.subarray(f * 6 * nv, (f + 1) * 6 * nv)
      return [0, 1, 2].map((a) => qvel.reduce((s, q, c) => s + J[a * nv + c] * q, 0))
    })
  }
}

function trotOptions (): KinoTrotOptions {
  dyn.qpos.set(home)
  dyn.compute(DYN.POSITION | DYN.FRAMES)
  const footZ = FEET.map((n) => dyn.framePos[3 * dyn.frameIndex(n) + 2])
  return { home, footZ, vx: 0.3, period: 0.4, apex: 0.06 }
}

test('trot plan (N = 50, SQP converged at one instant): stance feet still, swing heights on the reference, forces in the pyramids', () => {
  const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 50, dt: 0.02 })
  const o = trotOptions()
  mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
  // t = 0: the first pair lifts off from the stand, so the swing references start at the ground
  writeTrotInputs(mpc, o, 0, home[0], home[1])
  mpc.elapsed = 0
  let st = -1
  for (let it = 0; it < 8; it++) st = mpc.solve()
  assert.is(st, 0, `status ${mpc.statusName}`)
  const N = mpc.N
  const nx = mpc.nx
  const nuF = mpc.nuFull
  let stanceSpeed = 0
  let stanceDrift = 0
  let zErr = 0
  let swingStages = 0
  let coneWorst = -Infinity
  let swingForce = 0
  let prev: number[][] | null = null
  for (let k = 0; k < N; k++) {
    const x = mpc.xPred.subarray(k * nx, (k + 1) * nx)
    const qd = mpc.uPred.subarray(k * nuF + 12, (k + 1) * nuF)
    const fa = feetAt(dyn, x, mpc.vBasePred.subarray(6 * k, 6 * k + 6), qd)
    for (let i = 0; i < 4; i++) {
      const f = mpc.uPred.subarray(k * nuF + 3 * i, k * nuF + 3 * i + 3)
      if (mpc.contact[4 * k + i] === 1) {
        stanceSpeed = Math.max(stanceSpeed, Math.hypot(...fa.v[i]))
        if (prev !== null && k > 0 && mpc.contact[4 * (k - 1) + i] === 1) stanceDrift = Math.max(stanceDrift, Math.hypot(...fa.p[i].map((v, a) => v - (prev as number[][])[i][a])))
        coneWorst = Math.max(coneWorst, Math.abs(f[0]) - 0.6 * f[2], Math.abs(f[1]) - 0.6 * f[2], 1 - f[2], f[2] - 150)
      } else {
        swingForce = Math.max(swingForce, Math.abs(f[0]), Math.abs(f[1]), Math.abs(f[2]))
        zErr = Math.max(zErr, Math.abs(fa.p[i][2] - mpc.zRef[4 * k + i]))
        swingStages++
      }
    }
    prev = fa.p
  }
  const msg = `stance speed ≤ ${stanceSpeed.toFixed(5)} m/s, stance drift per stage ≤ ${stanceDrift.toFixed(5)} m, swing |z − z_ref| ≤ ${zErr.toFixed(5)} m over ${swingStages} foot-stages, cone margin ${coneWorst.toExponential(2)} N, swing force ${swingForce}`
  assert.ok(stanceSpeed < 5e-3, msg)
  assert.ok(stanceDrift < 2e-3, msg)
  assert.ok(zErr < 1e-2, msg)
  assert.ok(swingStages > 50, msg)
  assert.ok(coneWorst <= 1e-6, msg)
  assert.is(swingForce, 0, msg)
  // the plan carries the weight and moves forward
  const xN = mpc.xPred.subarray(N * nx, (N + 1) * nx)
  assert.ok(Math.abs(xN[8] - home[2]) < 0.03, `height at the horizon end ${xN[8]}`)
  assert.ok(xN[6] - home[0] > 0.1, `forward motion over the horizon ${xN[6] - home[0]}`)
})

test('closed loop on its own discrete model (first input applied per stage, 1 s): every solve ok, stance feet still', () => {
  const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 50, dt: 0.02 })
  const o = trotOptions()
  mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
  let x = Array.from(mpc.x0)
  let fails = 0
  let its = 0
  for (let s = 0; s < 50; s++) {
    const t = s * mpc.dt
    mpc.x0.set(x)
    writeTrotInputs(mpc, o, t, x[6], home[1])
    mpc.elapsed = mpc.dt
    if (mpc.solve() !== 0) fails++
    its += mpc.iterations
    const u = Array.from(mpc.uPred.subarray(0, mpc.nuFull))
    x = Array.from(mpc.step(x, u, Array.from(mpc.contact.subarray(0, 4))) as Float64Array)
  }
  assert.is(fails, 0, 'all solves ok')
  assert.ok(x[6] - home[0] > 0.15, `walked ${x[6] - home[0]} m in 1 s at 0.3 m/s`)
  assert.ok(Math.abs(x[8] - home[2]) < 0.03, `height ${x[8]}`)
  assert.ok(its / 50 < 40, `mean QP iterations ${its / 50}`)
})

test('the built QP (N = 4; foot rows as stage equalities, and eliminated in the build) has the optimum of the condensed dense QP (GI solver) to 1e-6', async () => {
  for (const eliminate of [false, true]) await denseCheck(eliminate)
})

/**
 * With the foot rows eliminated the QP's inputs are [stance forces; v] (v: coordinates of q̇ in the
 * rows' nullspace), so the plan's forces and states are compared; with them as equalities, [forces; q̇].
 */
async function denseCheck (eliminate: boolean): Promise<void> {
  const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 4, dt: 0.02, qpTol: 1e-11, qpMaxIter: 100, eliminateFootRows: eliminate })
  const o = trotOptions()
  const w = await loadSolvers('release', process.env.CEREBELLUM_WASM_DIR !== undefined ? coreOptions('release').wasmPath : undefined)
  const dense = new DenseQp(w, { nMax: 120, meMax: 60, mcMax: 100 })
  for (let t = 0; t < 8; t++) {
    mpc.reset()
    mpc.setStateFromMujoco(home, Array.from({ length: dyn.nv }, (_, i) => 0.2 * Math.sin(1.7 * i + t)))
    writeTrotInputs(mpc, o, 0.05 * t, home[0], home[1])
    assert.is(mpc.solve(), 0, `case ${t}: ${mpc.statusName}`)
    const qp = mpc.qp()
    const c = condenseOcp({ nx: qp.nx, x0: qp.x0, stages: qp.stages })
    dense.resetWarm()
    const d = dense.solve(c.qp)
    assert.is(d.statusName, 'optimal', `case ${t}: dense`)
    const tr = c.unpack(d.x)
    let diff = 0
    let scale = 1
    for (let k = 0; k <= mpc.N; k++) {
      for (let i = 0; i < mpc.nx; i++) { diff = Math.max(diff, Math.abs(tr.x[k][i] - mpc.xPred[k * mpc.nx + i])); scale = Math.max(scale, Math.abs(tr.x[k][i])) }
      if (k === mpc.N) break
      const full: number[] = []
      for (let i = 0; i < 4; i++) if (mpc.contact[4 * k + i] === 1) full.push(...mpc.uPred.subarray(k * mpc.nuFull + 3 * i, k * mpc.nuFull + 3 * i + 3))
      if (!eliminate) full.push(...mpc.uPred.subarray(k * mpc.nuFull + 12, (k + 1) * mpc.nuFull))
      const ns = Array.from(mpc.contact.subarray(4 * k, 4 * k + 4)).reduce((p, v) => p + v, 0)
      assert.is(qp.stages[k].e?.length ?? 0, eliminate ? 0 : 3 * ns + (4 - ns), `stage ${k}: equality rows`)
      for (let a = 0; a < full.length; a++) { diff = Math.max(diff, Math.abs(tr.u[k][a] - full[a])); scale = Math.max(scale, Math.abs(full[a])) }
    }
    assert.ok(diff <= 1e-6 * scale, `${eliminate ? 'eliminated' : 'equalities'} case ${t}: plan differs from the dense optimum by ${diff} (scale ${scale})`)
  }
}

test('foot rows eliminated in the build vs passed as equalities: the same closed-loop trot (N = 50, 1 s) to 1e-8, and the same objective', () => {
  const run = (eliminate: boolean): { plans: number[][], obj: number[] } => {
    const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 50, dt: 0.02, eliminateFootRows: eliminate })
    const o = trotOptions()
    mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
    let x = Array.from(mpc.x0)
    const plans: number[][] = []
    const obj: number[] = []
    for (let s = 0; s < 50; s++) {
      mpc.x0.set(x)
      writeTrotInputs(mpc, o, s * mpc.dt, x[6], home[1])
      mpc.elapsed = mpc.dt
      assert.is(mpc.solve(), 0, `${eliminate ? 'eliminated' : 'equalities'} step ${s}: ${mpc.statusName}`)
      plans.push([...mpc.uPred, ...mpc.xPred, ...mpc.vBasePred])
      obj.push(mpc.info('objective'))
      x = Array.from(mpc.step(x, mpc.uPred.subarray(0, mpc.nuFull), mpc.contact.subarray(0, 4)) as Float64Array)
    }
    return { plans, obj }
  }
  const a = run(false)
  const b = run(true)
  let diff = 0
  let scale = 1
  for (let s = 0; s < a.plans.length; s++) {
    for (let i = 0; i < a.plans[s].length; i++) { diff = Math.max(diff, Math.abs(a.plans[s][i] - b.plans[s][i])); scale = Math.max(scale, Math.abs(a.plans[s][i])) }
    assert.ok(Math.abs(a.obj[s] - b.obj[s]) <= 1e-9 * Math.max(1, Math.abs(a.obj[s])), `step ${s}: objective ${b.obj[s]} vs ${a.obj[s]}`)
  }
  assert.ok(diff <= 1e-8 * scale, `plans differ by ${diff} (scale ${scale})`)
})

test('rank-deficient foot rows (a foot listed twice, all feet in stance): both formulations leave them to the OCP solver, which reports the rank error', () => {
  for (const eliminate of [false, true]) {
    const mpc = new KinodynamicMpcHost(dyn, ['FL_foot', 'FL_foot', 'RL_foot', 'RR_foot'], { N: 10, dt: 0.02, eliminateFootRows: eliminate })
    mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
    for (let k = 0; k <= mpc.N; k++) mpc.xRef.set(mpc.x0, k * mpc.nx)
    mpc.contact.fill(1)
    assert.is(mpc.solve(), 3, `${eliminate ? 'eliminated' : 'equalities'}: ${mpc.statusName}`)
    assert.is(mpc.info('qpError'), 1, 'OCP_E_EQ_RANK')
    assert.is(mpc.info('qpErrorStage'), 0)
  }
})

test('statuses, allocation-freedom over 200 solves, and a debug-build smoke pass', async () => {
  const mpc = new KinodynamicMpcHost(dyn, FEET, { N: 20, dt: 0.02 })
  const o = trotOptions()
  mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
  writeTrotInputs(mpc, o, 0, home[0], home[1])
  assert.is(mpc.solve(), 0)
  const f0 = Array.from(mpc.fFootWorld)
  mpc.x0[3] = NaN
  assert.is(mpc.solve(), 4)
  assert.is(mpc.badInputName, 'x0')
  assert.equal(Array.from(mpc.fFootWorld), f0, 'outputs untouched')
  mpc.setStateFromMujoco(home, new Array(dyn.nv).fill(0))
  mpc.contact[3] = 7
  assert.is(mpc.solve(), 4)
  assert.is(mpc.badInputName, 'contact')
  writeTrotInputs(mpc, o, 0, home[0], home[1])
  const k = Array.from(mpc.contact).indexOf(0)
  mpc.zRef[k] = Infinity
  assert.is(mpc.solve(), 4)
  assert.is(mpc.badInputName, 'p_foot_world', 'a swing reference names the foot input')
  writeTrotInputs(mpc, o, 0, home[0], home[1])
  assert.is(mpc.solve(), 0, 'recovers')
  const probe = dyn.core.fn<() => number>('mpcHeapProbe')
  const p0 = probe()
  const p1 = probe()
  const bytes = dyn.core.memory.buffer.byteLength
  for (let s = 0; s < 200; s++) {
    writeTrotInputs(mpc, o, 0.01 * s, home[0], home[1])
    mpc.elapsed = 0.01
    mpc.solve()
  }
  assert.is(probe() - p1, p1 - p0, 'heap unchanged over 200 solves')
  assert.is(dyn.core.memory.buffer.byteLength, bytes)
  // debug build
  const dd = await dynamics('debug')
  const md = new KinodynamicMpcHost(dd, FEET, { N: 10, dt: 0.02 })
  md.setStateFromMujoco(home, new Array(dd.nv).fill(0))
  writeTrotInputs(md, o, 0, home[0], home[1])
  assert.is(md.solve(), 0, `debug: ${md.statusName}`)
  md.elapsed = 0.02
  assert.is(md.solve(), 0, `debug warm: ${md.statusName}`)
})

test.run()
