// Clean memory: ticking (and reading ground truth) never grows MuJoCo's WASM heap, and loading and
// closing plants repeatedly reuses the freed memory instead of growing it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { standingPlant } from './helpers.ts'
import type { Plant } from '../../host/sim/plant.ts'

const heapBytes = (p: Plant): number => (p.data.qpos as Float64Array).buffer.byteLength

test('10 000 ticks with ground-truth reads and pushes: heap size unchanged', async () => {
  const plant = await standingPlant({ seed: 2 })
  for (let i = 0; i < 200; i++) { plant.tick(); plant.groundTruth() }
  const before = heapBytes(plant)
  for (let i = 0; i < 10000; i++) {
    if (i % 1000 === 0) plant.push([20, 0, 0], 0.05)
    plant.tick()
    if (i % 10 === 0) plant.groundTruth()
  }
  assert.is(heapBytes(plant), before)
  plant.close()
  plant.close() // idempotent
  assert.throws(() => plant.tick(), /closed/)
})

test('load/close cycles do not grow the heap', async () => {
  const sizes: number[] = []
  for (let k = 0; k < 12; k++) {
    const p = await standingPlant({ seed: k, world: { terrain: { kind: 'steps', height: 0.05 }, payload: { mass: 1 } } })
    for (let i = 0; i < 20; i++) p.tick()
    sizes.push(heapBytes(p))
    p.close()
  }
  assert.is(sizes[11], sizes[3], `heap sizes ${sizes.join(', ')}`)
})

test.run()
