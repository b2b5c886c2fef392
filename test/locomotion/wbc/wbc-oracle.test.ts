// The whole-body controller's solution against MuJoCo (the independent oracle) on quad12 at seeded
// near-stance states and five contact sets (stance, trot pairs, one foot up, flight): the
// controller's M and h equal mj_fullM / qfrc_bias; the solution satisfies M·qdd + h = S·τ + Σ J_iᵀ f_i
// (MuJoCo's M, h and site Jacobians, τ = the solution's unclamped torque) to 1e-8; stance feet do
// not accelerate (J·qdd + J̇·v from mj_jacSite and mj_jacDot) to 1e-8; the friction pyramids,
// normal-force bounds and torque limits hold; swing forces are exactly zero; q_des / qd_des
// integrate qdd over one period. A second pass with torque limits low enough to bind checks that
// the limits are active and still respected.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MujocoOracle, relErr, sub } from '../../dynamics/helpers.ts'
import { CONTACT_SETS, nearStandState, quad12Present, quad12Wbc, quad12Xml, rng, writeReference } from './helpers.ts'

const STATES = 40
const TOL = 1e-8

if (!quad12Present) {
  console.log(`SKIP: ${quad12Xml} not found`)
  test.skip('WBC vs MuJoCo on quad12', () => {})
} else {
  for (const tauMax of [null, 9]) {
    const label = tauMax === null ? 'model torque limits' : `torque limits ${tauMax} N·m`
    test(`quad12, ${label}: solution satisfies MuJoCo's equations of motion, contacts, cones and limits`, async () => {
      const { desc, wbc } = await quad12Wbc(tauMax === null ? {} : { tau_max: new Array(12).fill(tauMax) })
      const mj = await MujocoOracle.load(quad12Xml)
      try {
        const nv = desc.nv
        const nj = wbc.nj
        const mu = wbc.getParam('mu')[0]
        const fzMax = wbc.getParam('fz_max')[0]
        const tmax = wbc.getParam('tau_max')
        const dt = wbc.getParam('dt')[0]
        const ranges = desc.bodies.flatMap((b) => b.joints).filter((jt) => jt.type !== 'free').map((jt) => jt.range ?? [-Infinity, Infinity])
        const siteIds = wbc.footNames.map((f) => mj.id('site', f))
        const bodyIds = siteIds.map((s) => mj.m.site_bodyid[s])
        const rand = rng(tauMax === null ? 5 : 6)
        let worstEom = 0
        let worstSlip = 0
        let worstM = 0
        let solved = 0
        let active = 0
        for (let s = 0; s < STATES; s++) {
          const contact = CONTACT_SETS[s % CONTACT_SETS.length]
          const st = nearStandState(desc, rand)
          wbc.qpos.set(st.qpos)
          wbc.qvel.set(st.qvel)
          writeReference(desc, wbc, st.qpos, contact, wbc.dyn.massTotal)
          wbc.update() // foot positions for the swing targets
          writeReference(desc, wbc, st.qpos, contact, wbc.dyn.massTotal)
          const status = wbc.update()
          if (status !== 0) {
            assert.ok(tauMax !== null, `state ${s}: status ${status} with the model's limits`)
            continue
          }
          solved++
          assert.is(wbc.levelStatus[0], 0, `state ${s}: level 1 met exactly`)
          mj.forward({ qpos: st.qpos, qvel: st.qvel, qacc: new Float64Array(nv) })
          const M = mj.fullM()
          const h = mj.d.qfrc_bias as Float64Array
          worstM = Math.max(worstM, relErr(wbc.M, M), relErr(wbc.bias, h))
          const qdd = wbc.qdd
          const f = wbc.fFoot
          const tau = wbc.tauWbc
          // r = M qdd + h − S τ − Σ J_iᵀ f_i
          const r = new Float64Array(nv)
          let scale = 1
          for (let i = 0; i < nv; i++) {
            let mq = 0
            for (let c = 0; c < nv; c++) mq += M[i * nv + c] * qdd[c]
            r[i] = mq + h[i] - (i >= 6 ? tau[i - 6] : 0)
            scale = Math.max(scale, Math.abs(mq), Math.abs(h[i]))
          }
          for (let k = 0; k < wbc.nfeet; k++) {
            const J = mj.jacobian('site', siteIds[k])
            for (let i = 0; i < nv; i++) for (let c = 0; c < 3; c++) r[i] -= J[c * nv + i] * f[3 * k + c]
            if (contact[k] === 1) {
              const jd = mj.jacDotTimesVel(sub(mj.d.site_xpos, 3 * siteIds[k], 3), bodyIds[k])
              for (let c = 0; c < 3; c++) {
                let a = jd[c]
                for (let i = 0; i < nv; i++) a += J[c * nv + i] * qdd[i]
                worstSlip = Math.max(worstSlip, Math.abs(a))
              }
              const [fx, fy, fz] = [f[3 * k], f[3 * k + 1], f[3 * k + 2]]
              assert.ok(Math.abs(fx) <= mu * fz + 1e-9 && Math.abs(fy) <= mu * fz + 1e-9, `state ${s} foot ${k}: force (${fx}, ${fy}, ${fz}) outside the pyramid μ = ${mu}`)
              assert.ok(fz >= -1e-9 && fz <= fzMax + 1e-9, `state ${s} foot ${k}: normal force ${fz} outside [0, ${fzMax}]`)
            } else {
              for (let c = 0; c < 3; c++) assert.is(f[3 * k + c], 0, `state ${s}: swing foot ${k} force is zero`)
            }
          }
          for (const v of r) worstEom = Math.max(worstEom, Math.abs(v) / scale)
          for (let j = 0; j < nj; j++) {
            assert.ok(Math.abs(tau[j]) <= tmax[j] * (1 + 1e-9) + 1e-9, `state ${s} joint ${j}: |τ| = ${tau[j]} > ${tmax[j]}`)
            if (Math.abs(Math.abs(tau[j]) - tmax[j]) < 1e-6) active++
            assert.ok(Math.abs(wbc.tauFf[j] - tau[j]) < 1e-9, 'τ_ff is the solution torque when within limits')
            const q = st.qpos[7 + j]; const qd = st.qvel[6 + j]; const a = qdd[6 + j]
            assert.ok(Math.abs(wbc.qdDes[j] - (qd + a * dt)) < 1e-12, 'qd_des = qd + qdd·dt')
            const qi = q + qd * dt + 0.5 * a * dt * dt
            const [lo, hi] = ranges[j]
            assert.ok(Math.abs(wbc.qDes[j] - Math.min(hi, Math.max(lo, qi))) < 1e-12, 'q_des = q + qd·dt + ½qdd·dt², within range')
          }
          mj.releaseBuffers()
        }
        console.log(`${label}: ${solved}/${STATES} solved; worst EoM residual ${worstEom.toExponential(2)} (rel.), stance-foot acceleration ${worstSlip.toExponential(2)} m/s², M/h vs MuJoCo ${worstM.toExponential(2)}, ${active} torque limits active`)
        assert.ok(worstM <= 1e-9, `controller's M, h vs MuJoCo: ${worstM}`)
        assert.ok(worstEom <= TOL, `EoM residual ${worstEom}`)
        assert.ok(worstSlip <= TOL, `stance-foot acceleration ${worstSlip}`)
        if (tauMax === null) assert.is(solved, STATES)
        else {
          assert.ok(solved >= STATES / 2, `most states solve with binding limits (${solved}/${STATES})`)
          assert.ok(active > 0, 'the lowered torque limits bind somewhere')
        }
      } finally {
        mj.dispose()
      }
    })
  }
}

test.run()
