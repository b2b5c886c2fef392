// The robot's drives behind one bridge, ticked once per control period by its owner (a PlantPort):
// every `step` packs all joints' commands into one COMMAND frame; STATE frames arriving in between are
// decoded into joint positions, velocities, torques, temperatures and fault codes. Drives are MIT-mode
// CAN drives or CiA 402 drives on the bridge's EtherCAT bus (PROTOCOL.md §5), mixed in one table.
//
// CiA 402 drives follow the same phases through their device-control state machine
// (host/protocol/cia402, one sequencer per drive): warmup = disable voltage (a drive found in fault gets
// one fault reset, a rising edge of bit 7); entering = the enable walk to operation enabled, holding the
// joint (CSP: the measured position, CSV: 0 velocity, CST: 0 torque), complete once the drive reports
// operation enabled in the configured mode; soft / running = the joint command (CST: the PD law on the
// host at the tick rate); safe = joint damping in CST (τ = −kd·q̇ on the host), quick stop in CSP / CSV;
// refused / the end of a stop = disable voltage. A drive leaving operation enabled, a working counter
// short of its expected value, or the segment leaving OP while driven is a fault.
//
// Safe start (phase by phase, each tick):
//   idle      configured, drives untouched
//   warmup    "exit motor mode" (FF×7 FD) to every drive each tick for warmup_ticks: the drives stay
//             passive and answer, so the whole chain (link, bridge, decoding) runs before anything is
//             driven; watchdog trips here are harmless and re-armed
//   entering  "enter motor mode" (FF×7 FC) to every drive until each has answered once since entering
//             began (a reply proves the frame arrived; a tick cut short loses its unsent frames, so the
//             request is repeated); no answer from a drive within enter_ticks → refused
//   check     every joint inside its limits widened by safety.limit_margin_rad, else refused (and every
//             drive is sent "exit motor mode")
//   soft      the controller's command with kp, kd and τ_ff scaled by t / safety.soft_start_s
//   running   the controller's command
// Safe mode (`safe`, latched until clearFault + enable): on any fault — the bridge's watchdog tripped, no
// STATE for safety.state_timeout_ms, a drive without a reply for safety.reply_timeout_ticks, a vendor fault
// code, a temperature ≥ safety.temp_max_c, a bus error-passive / bus-off, the link lost — every drive is
// commanded joint-side damping (kp 0, kd safety.damping_kd, τ 0) with ARM, so the host keeps watching
// the drives; the reason is kept in `safeReason`. `stop` is the safe stop: damping for stop_s, then
// "exit motor mode" to every drive.
import {
  BusState, BusType, CommandFlag, CommandSlotFlag, ECAT_BPS, ECAT_BUS_DC, ECAT_BUS_TIMED, ECAT_OUT_LEN, EcatMaster, EcatSectionFlag, REPLY_ID_ANY,
  StateSlotFlag, Status, WatchdogState, type EcatSection, type Fault, type State
} from '../protocol/bridge/index.ts'
import { Cia402Request, Cia402SeqStatus, Cia402Sequencer, Cia402State, cia402StateName, type Cia402ModeCode } from '../protocol/cia402/index.ts'
import { MitSpecial } from '../protocol/mit/index.ts'
import { BridgeSession, buildConfig, faultCodeName, type BridgeSessionOptions } from './bridge-session.ts'
import { Cia402JointCodec } from './cia402-joint-codec.ts'
import { MitJointCodec, type JointCommandValues } from './mit-joint-codec.ts'
import { busTypeCode, motorsInJointOrder, safeActionCode, type JointMotor, type MotorMap } from './motor-map.ts'

export type DriverPhase = 'idle' | 'warmup' | 'entering' | 'soft' | 'running' | 'safe' | 'refused' | 'stopping' | 'stopped'

/** Joint-space command of all joints (actuator order), filled by the owner before `step`. */
export interface DriverCommand {
  /** 'pd': the fields below; 'damping': kp 0 and kd as given; 'disable': zero torque */
  mode: 'pd' | 'damping' | 'disable'
  q_des: Float64Array
  qd_des: Float64Array
  kp: Float64Array
  kd: Float64Array
  tau_ff: Float64Array
}

export function createDriverCommand (n: number): DriverCommand {
  return { mode: 'damping', q_des: new Float64Array(n), qd_des: new Float64Array(n), kp: new Float64Array(n), kd: new Float64Array(n), tau_ff: new Float64Array(n) }
}

export interface DriverCounters {
  ticks: number
  /** ticks whose COMMAND could not be written (link down) */
  send_failures: number
  /** steps that found no new STATE since the previous step */
  missing_states: number
  safe_entries: number
  enables: number
}

export interface MitRobotDriverOptions extends BridgeSessionOptions {
  /** Ticks to wait for every drive to answer "enter motor mode" (default 100). */
  enter_ticks?: number
  /** Ticks of the warmup phase before entering motor mode (default 250 = 0.5 s at 500 Hz). */
  warmup_ticks?: number
  /** Ticks to wait in entering for the EtherCAT segment to reach OP (default 2500 = 5 s at 500 Hz). */
  ecat_startup_ticks?: number
  /** Duration of the damping phase of a safe stop [s] (default 0.5). */
  stop_s?: number
  /** Clock [ms] (default performance.now). */
  now_ms?: () => number
  /** Called on every phase change with the reason for safe / refused (for the operator's log). */
  onPhase?: (phase: DriverPhase, reason: string | null) => void
}

const cmdScratch: JointCommandValues = { q_des: 0, qd_des: 0, kp: 0, kd: 0, tau_ff: 0 }

export class MitRobotDriver {
  readonly session: BridgeSession
  readonly motors: JointMotor[]
  /** per joint: the MIT codec (null for EtherCAT joints) */
  readonly codecs: Array<MitJointCodec | null>
  /** per joint: the CiA 402 codec and device-control sequencer (null for CAN joints) */
  readonly ecodecs: Array<Cia402JointCodec | null>
  readonly sequencers: Array<Cia402Sequencer | null>
  /** the EtherCAT section of the newest STATE (null without an EtherCAT bus) */
  ecat: EcatSection | null = null
  /** the working counter of the newest STATE whose EtherCAT section was FRESH (a STATE sent before the
   * cycle frame came back reports 0, which says nothing about the slaves) */
  ecatWkc = 0
  /** STATEs whose EtherCAT section was not FRESH */
  ecatStale = 0
  readonly n: number
  /** Joint state of the newest replies, actuator order. */
  readonly q: Float64Array
  readonly qd: Float64Array
  readonly tau: Float64Array
  /** °C, NaN where the drive reports none */
  readonly temp_c: Float64Array
  readonly fault: Uint8Array
  /** ticks since each joint's last fresh reply (saturating) */
  readonly age: Uint16Array
  readonly counters: DriverCounters = { ticks: 0, send_failures: 0, missing_states: 0, safe_entries: 0, enables: 0 }
  phase: DriverPhase = 'idle'
  /** Why the driver is in safe mode or refused to enable, else null. */
  safeReason: string | null = null
  /** All safe-mode reasons so far (first 32). */
  readonly safeHistory: string[] = []

  private readonly slot: Int32Array
  private readonly entered: Uint8Array
  private readonly period_s: number
  private readonly nowMs: () => number
  private readonly enterTicks: number
  private readonly warmupTicks: number
  private readonly stopS: number
  private readonly softS: number
  private readonly tempMax: number
  private readonly stateTimeoutMs: number
  private readonly margin: number
  private readonly dampingKd: number
  private tick = 0
  private phaseTick = 0
  /** host tick of the first "enter motor mode" */
  private enterTick0 = 0
  private statesAtStep = 0
  private stoppedResolve: (() => void) | null = null
  private readonly ecatBus: number
  private readonly ecatStartupTicks: number
  private ecatWait = 0
  private readonly onPhaseChange: ((phase: DriverPhase, reason: string | null) => void) | undefined

  constructor (readonly map: MotorMap, jointNames: readonly string[], path: string, opts: MitRobotDriverOptions = {}) {
    this.motors = motorsInJointOrder(map, jointNames)
    this.n = this.motors.length
    const b = map.value.bridge
    const cfg = buildConfig({
      tick_period_us: b.tick_period_us,
      watchdog_us: b.watchdog_us,
      reply_timeout_us: b.reply_timeout_us,
      safe_kd: b.safe_kd,
      safe_action: safeActionCode(b.safe_action),
      buses: b.buses.map((x) => x.type === 'ethercat'
        // PROTOCOL.md §5: DC flag, the RxPDO length, 100 Mbit/s
        ? { bus_id: x.id, bus_type: BusType.ETHERCAT, flags: (x.dc ? ECAT_BUS_DC : 0) | (x.timed ? ECAT_BUS_TIMED : 0), slot_len: ECAT_OUT_LEN, nominal_bps: ECAT_BPS, data_bps: 0 }
        : { bus_id: x.id, bus_type: busTypeCode(x.type), flags: x.type === 'canfd' ? (x.data_bitrate > 0 ? 3 : 1) : 0, slot_len: 8, nominal_bps: x.bitrate, data_bps: x.data_bitrate }),
      // motor table in map order: the bridge's motor index is the map index
      motors: map.motors.map((m) => m.model.kind === 'mit'
        ? {
            bus_id: m.bus, protocol: m.model.protocol, reply_key: m.reply_key, flags: m.extended ? 3 : 0,
            can_id: m.can_id, reply_id: m.reply_id === REPLY_ID_ANY ? REPLY_ID_ANY : m.reply_id, kd_max: m.model.range.kd_max
          }
        // EtherCAT (§5): protocol = mode of operation, can_id = position, reply_id = product code
        : { bus_id: m.bus, protocol: m.ecat!.mode, reply_key: 0, flags: 0, can_id: m.ecat!.position, reply_id: m.model.product_code, kd_max: 1 })
    })
    this.session = new BridgeSession(path, cfg, { baudRate: b.baud, ...opts })
    this.codecs = this.motors.map((m) => m.model.kind === 'mit' ? new MitJointCodec(m) : null)
    this.ecodecs = this.motors.map((m) => {
      if (m.model.kind !== 'cia402' || m.ecat === null) return null
      const d = m.model
      // the map's transmission after the drive's output: θ_out = direction · gear_ratio · q + zero_offset
      return new Cia402JointCodec({
        scaling: {
          incs_per_rev: d.incs_per_rev, gear: d.gear * m.gear_ratio, rated_torque_mNm: d.rated_torque_mNm,
          max_torque_permille: d.max_torque_permille, direction: m.direction, zero_offset_inc: Math.round(m.zero_offset / (2 * Math.PI) * d.incs_per_rev * d.gear)
        },
        mode: m.ecat.mode as Cia402ModeCode,
        q_min: m.q_min,
        q_max: m.q_max
      })
    })
    this.sequencers = this.motors.map((m) => m.ecat !== null ? new Cia402Sequencer() : null)
    this.ecatBus = this.session.layout.buses.findIndex((x) => x.bus_type === BusType.ETHERCAT)
    this.ecatStartupTicks = opts.ecat_startup_ticks ?? 2500
    this.slot = Int32Array.from(this.motors, (m) => this.session.layout.motor_slot[m.index])
    this.q = new Float64Array(this.n)
    this.qd = new Float64Array(this.n)
    this.tau = new Float64Array(this.n)
    this.temp_c = new Float64Array(this.n).fill(NaN)
    this.fault = new Uint8Array(this.n)
    this.age = new Uint16Array(this.n).fill(0xffff)
    this.entered = new Uint8Array(this.n)
    this.period_s = b.tick_period_us * 1e-6
    this.nowMs = opts.now_ms ?? (() => performance.now())
    this.enterTicks = opts.enter_ticks ?? 100
    this.warmupTicks = opts.warmup_ticks ?? 250
    this.stopS = opts.stop_s ?? 0.5
    this.onPhaseChange = opts.onPhase
    const s = map.value.safety
    this.softS = s.soft_start_s
    this.tempMax = s.temp_max_c
    this.stateTimeoutMs = s.state_timeout_ms
    this.margin = s.limit_margin_rad
    this.dampingKd = s.damping_kd
    this.session.onState((st) => this.onState(st))
    this.session.onFault((f) => this.onFault(f))
    this.session.onPhase((p) => { if (p === 'lost') this.enterSafe(`link to the bridge lost (${this.session.link.path})`) })
  }

  /** Opens the link and handshakes with the bridge (drives untouched). */
  async connect (open_timeout_ms = 2000): Promise<void> {
    await this.session.connect(open_timeout_ms)
  }

  /** Starts the safe start at the next step (from idle, or after clearFault). */
  enable (): void {
    if (this.phase !== 'idle') throw new Error(`cannot enable the drives in phase '${this.phase}'${this.safeReason !== null ? ` (${this.safeReason})` : ''}`)
    this.entered.fill(0)
    this.counters.enables++
    this.setPhase(this.warmupTicks > 0 ? 'warmup' : 'entering')
  }

  /** Leaves safe / refused for idle (the drives keep damping until enable). Throws while the link is down. */
  clearFault (): void {
    if (this.session.phase !== 'configured') throw new Error(`the bridge link is ${this.session.phase}`)
    if (this.phase === 'safe' || this.phase === 'refused') {
      this.safeReason = null
      this.setPhase('idle')
    }
  }

  /** Whether the joint state is usable by a controller (running, or soft start). */
  get sensorsValid (): boolean {
    return (this.phase === 'running' || this.phase === 'soft') && this.age.every((a) => a < this.map.value.safety.reply_timeout_ticks)
  }

  /** Soft-start gain scale of the current tick (1 when running). */
  get gainScale (): number {
    if (this.phase === 'running') return 1
    if (this.phase !== 'soft') return 0
    return this.softS > 0 ? Math.min(1, this.phaseTick * this.period_s / this.softS) : 1
  }

  /** One control period: checks timeouts, packs every drive's frame for the phase, sends one COMMAND. */
  step (cmd: DriverCommand): void {
    this.counters.ticks++
    const s = this.session
    if (s.counters.states === this.statesAtStep && this.tick > 0) this.counters.missing_states++
    this.statesAtStep = s.counters.states
    for (let j = 0; j < this.n; j++) if (this.age[j] < 0xffff) this.age[j]++
    // entering has its own limit (enter_ticks); the link's silence counts once the drives are driven
    const driven = this.phase === 'soft' || this.phase === 'running'
    if (driven && s.phase === 'configured' && this.nowMs() - s.lastStateAt_ms > this.stateTimeoutMs) {
      this.enterSafe(`no STATE from the bridge for ${(this.nowMs() - s.lastStateAt_ms).toFixed(1)} ms (limit ${this.stateTimeoutMs} ms)`)
    }
    if (driven) {
      const lim = this.map.value.safety.reply_timeout_ticks
      for (let j = 0; j < this.n; j++) {
        if (this.age[j] > lim) { this.enterSafe(`${this.motors[j].joint} (bus ${this.motors[j].bus}, id ${this.motors[j].can_id}) sent no reply for ${this.age[j]} ticks`); break }
      }
    }
    const slots = s.command.slot
    const flags = CommandFlag.ARM
    let send = true
    switch (this.phase) {
      case 'idle':
      case 'stopped':
        send = false
        break
      case 'warmup':
        for (let j = 0; j < this.n; j++) this.packOff(j, slots[this.slot[j]], true)
        if (this.phaseTick + 1 >= this.warmupTicks) this.setPhase('entering')
        break
      case 'entering': {
        // the EtherCAT segment's start-up (PROTOCOL.md §5) does not count against enter_ticks
        const ecatUp = this.ecatBus < 0 || (this.ecat !== null && this.ecat.master === EcatMaster.OP)
        if (!ecatUp && ++this.ecatWait > this.ecatStartupTicks) {
          this.refuse(`the EtherCAT segment did not reach OP within ${this.ecatStartupTicks} ticks (${this.ecatText()})`)
          break
        }
        for (let j = 0; j < this.n; j++) {
          const sl = slots[this.slot[j]]
          sl.flags = CommandSlotFlag.SEND
          const mc = this.codecs[j]
          if (mc !== null) {
            if (this.entered[j] === 0) mc.packSpecial(MitSpecial.ENTER, sl.data, 0)
            else mc.packDamping(0, sl.data, 0)
          } else {
            const ec = this.ecodecs[j]!
            const seq = this.sequencers[j]!
            const cw = seq.step(ec.state, ecatUp ? Cia402Request.ENABLE : Cia402Request.DISABLE, ec.error_code)
            ec.packHold(this.q[j], cw, sl.data, 0)
            if (seq.status === Cia402SeqStatus.ENABLED && ec.mode_ok) this.entered[j] = 1
            if (seq.status === Cia402SeqStatus.FAULT || seq.status === Cia402SeqStatus.FAULT_PERSISTS || seq.status === Cia402SeqStatus.TIMEOUT) {
              this.refuse(`${this.motors[j].joint} (EtherCAT position ${this.motors[j].can_id}) did not enable: ${seq.reason}`)
            }
          }
        }
        if (this.phase !== 'entering') break
        if (this.entered.every((e) => e === 1)) this.checkLimits()
        else if (this.phaseTick - this.ecatWait >= this.enterTicks) {
          const silent = this.motors.map((m, j) => this.entered[j] === 1
            ? ''
            : m.ecat !== null ? `${m.joint} (EtherCAT position ${m.ecat.position}: ${this.sequencers[j]!.reason})` : `${m.joint} (bus ${m.bus}, id ${m.can_id})`)
            .filter((x) => x !== '')
          this.refuse(`no answer to "enter motor mode" / the CiA 402 enable within ${this.enterTicks} ticks from ${silent.join(', ')}`)
        }
        break
      }
      case 'soft':
      case 'running': {
        if (this.phase === 'soft' && this.gainScale >= 1) this.setPhase('running')
        const k = this.gainScale
        for (let j = 0; j < this.n; j++) {
          const sl = slots[this.slot[j]]
          sl.flags = CommandSlotFlag.SEND
          if (cmd.mode === 'pd') {
            cmdScratch.q_des = cmd.q_des[j]
            cmdScratch.qd_des = cmd.qd_des[j]
            cmdScratch.kp = k * cmd.kp[j]
            cmdScratch.kd = k * cmd.kd[j]
            cmdScratch.tau_ff = k * cmd.tau_ff[j]
            const mc = this.codecs[j]
            if (mc !== null) mc.pack(cmdScratch, sl.data, 0)
            else {
              const ec = this.ecodecs[j]!
              ec.pack(cmdScratch, this.q[j], this.qd[j], this.sequencers[j]!.step(ec.state, Cia402Request.ENABLE, ec.error_code), sl.data, 0)
            }
          } else {
            this.packDamp(j, sl, cmd.mode === 'damping' ? cmd.kd[j] : 0)
          }
        }
        break
      }
      case 'safe':
        for (let j = 0; j < this.n; j++) this.packDamp(j, slots[this.slot[j]], this.dampingKd)
        break
      case 'refused':
        // "exit motor mode" / disable voltage until the owner clears the fault
        for (let j = 0; j < this.n; j++) this.packOff(j, slots[this.slot[j]], false)
        break
      case 'stopping':
        for (let j = 0; j < this.n; j++) {
          if (this.phaseTick * this.period_s < this.stopS) this.packDamp(j, slots[this.slot[j]], this.dampingKd)
          else this.packOff(j, slots[this.slot[j]], false)
        }
        if (this.phaseTick * this.period_s >= this.stopS + 0.02) {
          this.setPhase('stopped')
          this.stoppedResolve?.()
        }
        break
    }
    if (send && s.phase === 'configured') {
      if (!s.sendCommand(this.tick, flags)) this.counters.send_failures++
    } else if (send) {
      this.counters.send_failures++
    }
    this.tick = (this.tick + 1) >>> 0
    this.phaseTick++
  }

  /**
   * A passive drive: MIT "exit motor mode"; CiA 402 disable voltage (in warmup a drive found in fault
   * gets a fault reset, which also ends in switch on disabled).
   */
  private packOff (j: number, sl: { flags: number, data: Uint8Array }, resetFaults: boolean): void {
    sl.flags = CommandSlotFlag.SEND
    const mc = this.codecs[j]
    if (mc !== null) { mc.packSpecial(MitSpecial.EXIT, sl.data, 0); return }
    const ec = this.ecodecs[j]!
    const inFault = ec.state === Cia402State.FAULT || ec.state === Cia402State.FAULT_REACTION_ACTIVE
    const cw = this.sequencers[j]!.step(ec.state, resetFaults && inFault ? Cia402Request.FAULT_RESET : Cia402Request.DISABLE, ec.error_code)
    ec.packHold(this.q[j], cw, sl.data, 0)
  }

  /** Joint damping kd (N·m·s/rad, joint side): MIT kp 0; CiA 402 CST τ = −kd·q̇ on the host, CSP / CSV quick stop. */
  private packDamp (j: number, sl: { flags: number, data: Uint8Array }, kd: number): void {
    sl.flags = CommandSlotFlag.SEND
    const mc = this.codecs[j]
    if (mc !== null) { mc.packDamping(kd, sl.data, 0); return }
    const ec = this.ecodecs[j]!
    const seq = this.sequencers[j]!
    if (ec.mode === 10) {
      cmdScratch.q_des = this.q[j]
      cmdScratch.qd_des = 0
      cmdScratch.kp = 0
      cmdScratch.kd = kd
      cmdScratch.tau_ff = 0
      ec.pack(cmdScratch, this.q[j], this.qd[j], seq.step(ec.state, Cia402Request.ENABLE, ec.error_code), sl.data, 0)
    } else {
      ec.packHold(this.q[j], seq.step(ec.state, Cia402Request.QUICK_STOP, ec.error_code), sl.data, 0)
    }
  }

  /** The EtherCAT section in words, for messages. */
  private ecatText (): string {
    const e = this.ecat
    if (e === null) return 'no STATE with an EtherCAT section yet'
    const masters = ['idle', 'start-up', 'OP', 'degraded', 'failed']
    const bus = this.session.layout.buses[this.ecatBus]
    const last = this.session.faultLog.filter((f) => f.code.startsWith('ECAT_')).pop()
    return `bus ${bus.bus_id}: master ${masters[e.master] ?? e.master}, working counter ${e.wkc}/${e.wkc_expected}, ${e.n_op} of ${bus.n_slots} slaves in OP, lowest AL state ${e.al_state}` +
      (last !== undefined ? `; last bridge record ${last.code} detail 0x${last.detail.toString(16)}` : '')
  }

  /**
   * Safe stop: damping for stop_s, then "exit motor mode"; resolves once done. The owner keeps calling
   * step (the driver needs the ticks); with no owner ticking, call runStop instead.
   */
  async stop (): Promise<void> {
    if (this.phase === 'idle' || this.phase === 'stopped') { this.setPhase('stopped'); return }
    const done = new Promise<void>((resolve) => { this.stoppedResolve = resolve })
    this.setPhase('stopping')
    await done
  }

  /** Safe stop ticking by itself at the control period (when no owner calls step any more). */
  async runStop (cmd: DriverCommand): Promise<void> {
    if (this.phase === 'idle' || this.phase === 'stopped') { this.setPhase('stopped'); return }
    this.setPhase('stopping')
    while (this.phase === 'stopping') {
      this.step(cmd)
      await new Promise((resolve) => setTimeout(resolve, this.period_s * 1000))
    }
  }

  async close (): Promise<void> {
    await this.session.close()
  }

  /** Enters safe mode (latched) with a reason; no-op when already safe, refused or stopped. */
  enterSafe (reason: string): void {
    if (this.phase === 'safe' || this.phase === 'refused' || this.phase === 'stopped' || this.phase === 'idle') return
    this.safeReason = reason
    if (this.safeHistory.length < 32) this.safeHistory.push(reason)
    this.counters.safe_entries++
    this.setPhase('safe')
  }

  private refuse (reason: string): void {
    this.safeReason = reason
    if (this.safeHistory.length < 32) this.safeHistory.push(reason)
    this.setPhase('refused')
  }

  private setPhase (p: DriverPhase): void {
    this.phase = p
    this.phaseTick = 0
    if (p === 'entering') this.enterTick0 = this.tick
    this.onPhaseChange?.(p, p === 'safe' || p === 'refused' ? this.safeReason : null)
  }

  private checkLimits (): void {
    const bad: string[] = []
    for (let j = 0; j < this.n; j++) {
      const m = this.motors[j]
      const q = this.q[j]
      if (!(q >= m.q_min - this.margin && q <= m.q_max + this.margin)) bad.push(`${m.joint} at ${q.toFixed(3)} rad outside [${m.q_min}, ${m.q_max}] ± ${this.margin}`)
    }
    if (bad.length > 0) this.refuse(`positions disagree with the joint limits: ${bad.join('; ')}`)
    else this.setPhase('soft')
  }

  private onState (st: State): void {
    const active = this.phase === 'entering' || this.phase === 'soft' || this.phase === 'running'
    if (this.ecatBus >= 0) {
      const e = this.ecat = st.ecat[this.ecatBus]
      if ((e.flags & EcatSectionFlag.FRESH) !== 0) this.ecatWkc = e.wkc
      else this.ecatStale++
    }
    for (let j = 0; j < this.n; j++) {
      const sl = st.slot[this.slot[j]]
      if ((sl.flags & StateSlotFlag.FRESH) === 0 || sl.len === 0) continue
      const ec = this.ecodecs[j]
      if (ec !== null) {
        if (!ec.decode(sl.data, 0)) continue
        this.q[j] = ec.q
        this.qd[j] = ec.qd
        this.tau[j] = ec.tau
        this.fault[j] = ec.state === Cia402State.FAULT || ec.state === Cia402State.FAULT_REACTION_ACTIVE ? 1 : 0
        this.age[j] = 0
        continue
      }
      const c = this.codecs[j]!
      if (!c.decode(sl.data, 0, sl.len)) continue
      this.q[j] = c.q
      this.qd[j] = c.qd
      this.tau[j] = c.tau
      this.temp_c[j] = c.temp_c
      this.fault[j] = c.fault
      this.age[j] = 0
      // a reply proves "enter motor mode" arrived only if that tick sent it: not the first entering tick
      // (a reply the drive queued for the warmup's last frame may still count for it, PROTOCOL.md §4)
      if (this.phase === 'entering' && st.cmd_seq !== 0 && (sl.flags & StateSlotFlag.SENT) !== 0 &&
          ((st.tick - this.enterTick0) | 0) > 0 && ((this.tick - st.tick) | 0) > 0) this.entered[j] = 1
    }
    // entering has its own limit (enter_ticks); faults count once the drives are driven
    if (!active || this.phase === 'entering') return
    if (st.wd_state === WatchdogState.TRIPPED) { this.enterSafe('the bridge watchdog tripped: it damps the drives (commands stopped arriving in time)'); return }
    for (let j = 0; j < this.n; j++) {
      const m = this.motors[j]
      const ec = this.ecodecs[j]
      if (ec !== null) {
        if (this.fault[j] !== 0) { this.enterSafe(`${m.joint} (EtherCAT position ${m.can_id}) in ${cia402StateName(ec.state)}, error code 0x${ec.error_code.toString(16).padStart(4, '0')} (${m.model.vendor} ${m.model.name})`); return }
        if (ec.state !== Cia402State.OPERATION_ENABLED) { this.enterSafe(`${m.joint} (EtherCAT position ${m.can_id}) left operation enabled: ${cia402StateName(ec.state)}`); return }
        continue
      }
      if (this.fault[j] !== 0) { this.enterSafe(`${m.joint} reports fault code ${this.fault[j]} (${m.model.vendor} ${m.model.name})`); return }
      if (this.temp_c[j] >= this.tempMax) { this.enterSafe(`${m.joint} at ${this.temp_c[j].toFixed(1)} °C ≥ ${this.tempMax} °C`); return }
    }
    const e = this.ecat
    if (e !== null && (e.master !== EcatMaster.OP || (e.flags & EcatSectionFlag.WKC_ERROR) !== 0)) {
      this.enterSafe(`EtherCAT ${this.ecatText()}`)
      return
    }
    if ((st.status & Status.BUS_FAULT) !== 0) {
      const d = this.session.diag
      const bad = d.bus.slice(0, d.n_buses).filter((b) => b.state >= BusState.PASSIVE).map((b) => `bus ${b.bus_id} ${b.state === BusState.OFF ? 'bus-off' : 'error-passive'}`)
      this.enterSafe(`bus fault${bad.length > 0 ? `: ${bad.join(', ')}` : ''}`)
    }
  }

  private onFault (f: Fault): void {
    if (this.phase !== 'soft' && this.phase !== 'running') return
    const name = faultCodeName(f.code)
    // a drive's silence is judged by the host's own count (safety.reply_timeout_ticks), not MOTOR_TIMEOUT
    if (name === 'WATCHDOG_TRIP' || name === 'BUS_OFF' || name === 'MOTOR_FAULT' || name === 'ECAT_SLAVE_LOST' || name === 'ECAT_AL_ERROR') {
      const who = f.motor_index !== 0xff ? ` (${this.map.motors[f.motor_index]?.joint ?? `motor ${f.motor_index}`})` : f.bus_id !== 0xff ? ` (bus ${f.bus_id})` : ''
      this.enterSafe(`bridge fault ${name}${who}, detail ${f.detail}`)
    }
  }
}
