// The WASM dynamics against MuJoCo (the independent oracle), on every robot model we have, at 100
// seeded random states each: mass matrix, bias forces, body and frame placements, frame Jacobians,
// frame velocities, J̇·v, centre of mass and its Jacobian, total momentum, and M⁻¹·b.
// Error = max|ours − mj| / max(1, max|mj|) per quantity; the worst per robot is printed; bound 1e-9.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadRobot } from '../../host/robot/load.ts'
import { RobotDynamics, DYN, DYN_ALL } from '../../host/core/dynamics.ts'
import { MujocoOracle, WorstErrors, randomState, relErr, rng, robotCases, sub } from './helpers.ts'

const STATES = 100
const TOL = 1e-9

for (const rc of robotCases()) {
  if (!rc.available) {
    console.log(`SKIP: ${rc.name}: ${rc.skipReason}`)
    test.skip(`${rc.name}: matches MuJoCo`, () => {})
    continue
  }
  test(`${rc.name}: matches MuJoCo at ${STATES} random states`, async () => {
    const desc = await loadRobot(rc.file)
    const dyn = await RobotDynamics.create(desc)
    const mj = await MujocoOracle.load(rc.file)
    try {
      const { nv } = dyn
      assert.is(dyn.nq, mj.m.nq)
      assert.is(nv, mj.m.nv)
      const roots = desc.bodies.filter((b) => b.parent === -1)
      assert.is(roots.length, 1, 'one root body')
      const rootId = mj.id('body', roots[0].name)
      const frames = desc.frames.map((f) => ({
        type: f.kind === 'site' ? 'site' as const : 'body' as const,
        id: mj.id(f.kind === 'site' ? 'site' : 'body', f.name),
        bodyId: mj.id('body', desc.bodies[f.body].name)
      }))
      const bodyIds = desc.bodies.map((b) => mj.id('body', b.name))
      const worst = new WorstErrors()
      const rand = rng(20240611)
      for (let s = 0; s < STATES; s++) {
        const st = randomState(desc, rand)
        dyn.qpos.set(st.qpos); dyn.qvel.set(st.qvel); dyn.qacc.set(st.qacc)
        dyn.computeAll()
        mj.forward(st)
        const d = mj.d
        worst.add('M', relErr(dyn.M, mj.fullM()))
        worst.add('bias', relErr(dyn.bias, d.qfrc_bias))
        const low = dyn.lowered
        const bp: number[] = []; const bpm: number[] = []; const br: number[] = []; const brm: number[] = []
        desc.bodies.forEach((_, b) => {
          const l = low.bodyLink[b]; const id = bodyIds[b]
          bp.push(...sub(dyn.linkPos, 3 * l, 3)); bpm.push(...sub(d.xpos, 3 * id, 3))
          br.push(...sub(dyn.linkRot, 9 * l, 9)); brm.push(...sub(d.xmat, 9 * id, 9))
        })
        worst.add('body_pos', relErr(bp, bpm))
        worst.add('body_rot', relErr(br, brm))
        frames.forEach((f, i) => {
          const kind = f.type
          const pos = kind === 'site' ? d.site_xpos : d.xpos
          const rot = kind === 'site' ? d.site_xmat : d.xmat
          worst.add(`${kind}_pos`, relErr(sub(dyn.framePos, 3 * i, 3), sub(pos, 3 * f.id, 3)))
          worst.add(`${kind}_rot`, relErr(sub(dyn.frameRot, 9 * i, 9), sub(rot, 9 * f.id, 9)))
          const J = mj.jacobian(kind, f.id)
          worst.add(`${kind}_jac`, relErr(sub(dyn.frameJacobians, 6 * nv * i, 6 * nv), J))
          const Jv = new Float64Array(6)
          for (let r = 0; r < 6; r++) for (let c = 0; c < nv; c++) Jv[r] += J[r * nv + c] * st.qvel[c]
          worst.add('frame_vel', relErr(sub(dyn.frameVelocities, 6 * i, 6), Jv))
          worst.add('frame_drift', relErr(sub(dyn.frameDrifts, 6 * i, 6), mj.jacDotTimesVel(sub(pos, 3 * f.id, 3), f.bodyId)))
        })
        worst.add('com', relErr(dyn.com, sub(d.subtree_com, 3 * rootId, 3)))
        worst.add('com_jac', relErr(dyn.comJacobian, mj.jacSubtreeCom(rootId)))
        worst.add('momentum', relErr(dyn.centroidalMomentum, mj.momentum(rootId)))
        const b = Float64Array.from({ length: nv }, (_, i) => Math.sin(1 + i + s))
        dyn.solveX.set(b)
        assert.is(dyn.compute(DYN.FACTOR), 0, 'M factorizes')
        dyn.solveM()
        worst.add('M_solve', relErr(dyn.solveX, mj.solveM(b)))
        mj.releaseBuffers()
      }
      console.log(`${rc.name}: nq ${dyn.nq} nv ${nv}, ${desc.frames.length} frames; worst rel. error over ${STATES} states: ${worst.max().toExponential(2)} (${worst.line()})`)
      for (const [k, v] of worst.worst) assert.ok(v <= TOL, `${rc.name} ${k}: relative error ${v} > ${TOL}`)
      assert.ok(DYN_ALL > 0)
    } finally {
      mj.dispose()
    }
  })
}

test.run()
