// Gait scheduler (assembly/locomotion/gait/gait-scheduler.ts): contact sequences of each gait (duty
// factor, which feet move together), transitions only at a safe phase (every foot on the ground), a
// stand → trot start without waiting, trot → stand letting the swinging feet land first, and the horizon
// contact plan agreeing with the scheduler when it gets there.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GAIT, locoParts, type Fn } from './helpers.ts'

const DT = 0.002
const T = 0.4

async function scheduler (): Promise<Record<string, Fn>> {
  const w = await locoParts()
  w.locoGaitInit(4) // feet 0..3 = FL, FR, RL, RR
  w.locoGaitSetPeriod(T)
  return w
}

function contacts (w: Record<string, Fn>): number[] {
  return [0, 1, 2, 3].map((i) => w.locoGaitContact(i))
}

/** Runs `ticks` ticks; returns the stance fraction per foot and the set of contact patterns seen. */
function run (w: Record<string, Fn>, ticks: number): { duty: number[], patterns: Set<string> } {
  const stance = [0, 0, 0, 0]
  const patterns = new Set<string>()
  for (let k = 0; k < ticks; k++) {
    w.locoGaitAdvance(DT)
    const c = contacts(w)
    c.forEach((x, i) => { stance[i] += x })
    patterns.add(c.join(''))
  }
  return { duty: stance.map((s) => s / ticks), patterns }
}

test('stand keeps every foot down', async () => {
  const w = await scheduler()
  const r = run(w, 1000)
  assert.equal([...r.patterns], ['1111'])
  assert.is(w.locoGaitCurrent(), GAIT.stand)
})

test('trot: diagonal pairs alternate with duty 0.5; stand → trot starts at once', async () => {
  const w = await scheduler()
  w.locoGaitRequest(GAIT.trot)
  w.locoGaitAdvance(DT)
  assert.is(w.locoGaitCurrent(), GAIT.trot, 'leaving stand is always safe: the gait starts on the first tick')
  const r = run(w, Math.round(10 * T / DT))
  // FL+RR together, FR+RL together, never all four or none
  assert.equal([...r.patterns].sort(), ['0110', '1001'])
  for (const d of r.duty) assert.ok(Math.abs(d - 0.5) < 0.01, `duty ${d}`)
})

test('pace, bound and pronk move the right feet together', async () => {
  const cases: Array<[number, string[]]> = [
    [GAIT.pace, ['0101', '1010']],
    [GAIT.pronk, ['0000', '1111']]
  ]
  for (const [g, want] of cases) {
    const w = await scheduler()
    w.locoGaitRequest(g)
    const r = run(w, Math.round(10 * T / DT))
    assert.equal([...r.patterns].sort(), want, `gait ${g}`)
  }
  const w = await scheduler()
  w.locoGaitRequest(GAIT.bound)
  const r = run(w, Math.round(10 * T / DT))
  for (const p of r.patterns) {
    assert.is(p[0], p[1], `bound: front feet together (${p})`)
    assert.is(p[2], p[3], `bound: hind feet together (${p})`)
  }
  assert.ok(r.duty.every((d) => Math.abs(d - 0.4) < 0.01), `bound duty ${r.duty}`)
})

test('static walk: at least three feet stand at all times, one swings at a time', async () => {
  const w = await scheduler()
  w.locoGaitRequest(GAIT.staticWalk)
  const r = run(w, Math.round(6 * 2 * T / DT))
  for (const p of r.patterns) assert.ok(p.split('').filter((c) => c === '1').length >= 3, `pattern ${p}`)
  assert.ok(r.duty.every((d) => Math.abs(d - 0.8) < 0.01), `duty ${r.duty}`)
})

test('transitions happen only with every foot on the ground; swinging feet land first, standing feet stay', async () => {
  const w = await scheduler()
  w.locoGaitRequest(GAIT.trot)
  run(w, Math.round(2.3 * T / DT)) // mid-cycle
  for (const target of [GAIT.pace, GAIT.walkingTrot, GAIT.stand]) {
    w.locoGaitRequest(target)
    let prev = contacts(w)
    let switched = false
    for (let k = 0; k < Math.round(2 * T / DT); k++) {
      const before = w.locoGaitCurrent()
      w.locoGaitAdvance(DT)
      const c = contacts(w)
      if (w.locoGaitCurrent() !== before) {
        assert.equal(prev, [1, 1, 1, 1], `switched to ${target} from a tick with contacts ${prev}`)
        switched = true
        break
      }
      // while draining no foot lifts off
      for (let i = 0; i < 4; i++) assert.ok(!(prev[i] === 1 && c[i] === 0), `foot ${i} lifted while draining toward ${target}`)
      prev = c
    }
    assert.ok(switched, `the switch to ${target} happened within one stride`)
    assert.is(w.locoGaitCurrent(), target)
    run(w, Math.round(1.5 * T / DT))
  }
})

test('the horizon contact plan predicts the schedule', async () => {
  const w = await scheduler()
  w.locoGaitRequest(GAIT.trot)
  run(w, 77)
  const ahead = [0.01, 0.05, 0.13, 0.21, 0.37]
  const predicted = ahead.map((a) => [0, 1, 2, 3].map((i) => w.locoGaitContactAt(i, a)))
  let t = 0
  let j = 0
  while (j < ahead.length) {
    w.locoGaitAdvance(DT)
    t += DT
    if (Math.abs(t - ahead[j]) < DT / 2) {
      assert.equal(contacts(w), predicted[j], `at +${ahead[j]} s`)
      j++
    }
  }
})

test.run()
