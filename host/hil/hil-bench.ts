// The hardware-in-the-loop bench: the MuJoCo plant (host/sim/plant.ts) served to the POSIX bridge's
// emulated drives over the shaft protocol (shaft-server.ts), the bridge process on a pty, and optionally
// a fault-injecting proxy (pty-proxy.ts) in front of that pty. The controller side gets only a serial
// path (`hostPath`) and talks bytes to it through host/drivers.
import { Plant, type PlantOptions } from '../sim/plant.ts'
import type { JointMotor, MotorMap } from '../drivers/motor-map.ts'
import { spawnSync } from 'node:child_process'
import { startBridgeProcess, type BridgeProcess } from './bridge-process.ts'
import { PtyProxyProcess } from './pty-proxy-process.ts'
import { ShaftServer } from './shaft-server.ts'

export interface HilBenchOptions {
  scene: string
  motorMap: MotorMap
  plant?: PlantOptions
  /** An already loaded plant to serve instead (its control period must be the map's tick period); the bench closes it. */
  plantInstance?: Plant
  /** Put the fault-injection proxy between the bridge and the host. */
  proxy?: boolean
  /** Bench mounting offsets per map entry [rad] (default: the map's zero_offset, i.e. a calibrated map). */
  mount?: ArrayLike<number>
  /** Drive reply turnaround [µs] (bridge-posix default 5). */
  replyLatencyUs?: number
  /** Fault injection into the emulated drives through the bridge's stdin (BridgeProcess.inject). */
  stdinControl?: boolean
  /**
   * SCHED_RR priority of the bridge process (default 0: leave it alone). A real bridge is its own
   * microcontroller; the emulated one shares this machine's cores with the controller, and on two cores
   * a bridge above the control worker's priority (its loop wakes every ≥ 20 µs) starves the worker: the
   * MPC's first solves stretch past the watchdog and the robot falls (measured: trot in HIL falls at
   * SCHED_RR 50, walks at 0). Give it a priority on machines with a core to spare. Refusal (no
   * CAP_SYS_NICE) is kept in rtProblems.
   */
  rtPriority?: number
}

export class HilBench {
  private constructor (
    readonly plant: Plant,
    readonly shaft: ShaftServer,
    readonly bridge: BridgeProcess,
    /** the fault-injection proxy (a child process), when asked for */
    readonly proxy: PtyProxyProcess | null,
    /** The serial path the host opens. */
    readonly hostPath: string,
    readonly motors: readonly JointMotor[],
    /** Why the bridge process did not get SCHED_RR ([] when it did or was not asked to). */
    readonly rtProblems: string[]
  ) {}

  static async start (o: HilBenchOptions): Promise<HilBench> {
    const period = o.motorMap.value.bridge.tick_period_us
    const plant = o.plantInstance ?? await Plant.load(o.scene, { ...o.plant, controlPeriod: period * 1e-6 })
    if (Math.abs(plant.controlPeriod - period * 1e-6) > 1e-9) {
      plant.close()
      throw new Error(`${o.motorMap.file}: bridge.tick_period_us ${period} does not match the plant's control period ${plant.controlPeriod * 1e6} µs`)
    }
    let shaft: ShaftServer | null = null
    let bridge: BridgeProcess | null = null
    try {
      // run the physics once before the bridge clocks it: MuJoCo's first contact steps are slow (code
      // paths compiled on first use), and a 30 ms stall right after the drives engage trips every timeout
      for (let k = 0; k < 100; k++) plant.tick()
      plant.reset()
      shaft = new ShaftServer(plant, o.motorMap.motors, o.mount)
      const port = await shaft.listen()
      bridge = await startBridgeProcess(o.motorMap.motors, { plantPort: port, plantDtUs: period, replyLatencyUs: o.replyLatencyUs, stdinControl: o.stdinControl })
      const prio = o.rtPriority ?? 0
      const rtProblems: string[] = []
      if (prio > 0 && bridge.proc.pid !== undefined) {
        const r = spawnSync('chrt', ['-r', '-p', String(prio), String(bridge.proc.pid)], { encoding: 'utf8' })
        if (r.error !== undefined || r.status !== 0) rtProblems.push(`chrt -r ${prio}: ${r.error?.message ?? r.stderr.trim()} (needs CAP_SYS_NICE)`)
      }
      const proxy = o.proxy === true ? await PtyProxyProcess.start(bridge.pty) : null
      return new HilBench(plant, shaft, bridge, proxy, proxy !== null ? proxy.hostPath : bridge.pty, o.motorMap.motors, rtProblems)
    } catch (err) {
      shaft?.close()
      await bridge?.stop()
      plant.close()
      throw err
    }
  }

  async close (): Promise<void> {
    await this.proxy?.close()
    await this.bridge.stop()
    this.shaft.close()
    this.plant.close()
  }
}
