// The kinodynamic NMPC's own thread (started by KinoThread, kinodynamic-async.ts): its own WASM instance
// on the controller's robot, one KinodynamicMpc. Loop: poll the snapshot sequence word (Atomics.wait
// with a KINO_POLL_MS timeout: the tick never wakes this thread), copy the snapshot in, one SQP-RTI solve, publish the solution into the slot (n & 1) and then the sequence n,
// mark the snapshot done. Messages only at start-up; shared memory after.
import { parentPort, workerData } from 'node:worker_threads'
import { loadRobot } from '../../robot/load.ts'
import { RobotDynamics } from '../../core/dynamics.ts'
import { KinodynamicMpcHost } from './kinodynamic-mpc.ts'
import { KC, KINO_POLL_MS, KINO_TIME_RING, kinoSharedLayout, type KinoWorkerData } from './kinodynamic-async.ts'

const data = workerData as KinoWorkerData
const port = parentPort
if (port === null) throw new Error('kinodynamic-worker.ts must run as a worker thread')

async function main (): Promise<void> {
  const desc = await loadRobot(data.robotFile)
  const dyn = await RobotDynamics.create(desc)
  const mpc = new KinodynamicMpcHost(dyn, data.feet, { N: data.horizon, dt: data.dt })
  if (mpc.snapshotLength !== data.snapLen || mpc.solutionLength !== data.solLen) {
    throw new Error(`snapshot/solution lengths ${mpc.snapshotLength}/${mpc.solutionLength} differ from the controller's ${data.snapLen}/${data.solLen}`)
  }
  const L = kinoSharedLayout(data.snapLen, data.solLen)
  const ctrl = new Int32Array(data.sab, L.ctrl, 8)
  const snap = new Float64Array(data.sab, L.snap, data.snapLen)
  const sols = [new Float64Array(data.sab, L.sol0, data.solLen), new Float64Array(data.sab, L.sol1, data.solLen)]
  const times = new Float64Array(data.sab, L.times, KINO_TIME_RING)
  // the tick may post its first snapshot as soon as it hears 'ready': count from 0, not from what is there by then
  let seen = 0
  Atomics.store(ctrl, KC.ready, 1)
  port!.postMessage({ type: 'ready' })
  let published = 0
  while (Atomics.load(ctrl, KC.stop) === 0) {
    Atomics.wait(ctrl, KC.snapSeq, seen, KINO_POLL_MS)
    const seq = Atomics.load(ctrl, KC.snapSeq)
    if (seq === seen) continue
    seen = seq
    const t0 = process.hrtime.bigint()
    mpc.snapshot.set(snap)
    const st = mpc.solveSnapshot()
    if (st === 0) {
      published++
      sols[published & 1].set(mpc.solution)
      Atomics.store(ctrl, KC.solSeq, published)
      Atomics.add(ctrl, KC.solves, 1)
    } else {
      Atomics.add(ctrl, KC.failures, 1)
    }
    const n = Atomics.load(ctrl, KC.timeCount)
    times[n % KINO_TIME_RING] = Number(process.hrtime.bigint() - t0) / 1000
    Atomics.store(ctrl, KC.timeCount, n + 1)
    Atomics.store(ctrl, KC.doneSeq, seq)
  }
}

main().catch((e: Error) => { port!.postMessage({ type: 'error', message: e.message, stack: e.stack ?? '' }) })
