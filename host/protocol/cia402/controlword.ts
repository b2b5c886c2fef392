// CiA 402 controlword 0x6040 commands and a per-drive device-control sequencer (CiA 402-2 / IEC
// 61800-7-201, device control state machine and controlword command coding).
//
//   command            word     mask → value     transition(s)
//   shutdown           0x0006   0x0087 → 0x0006   2, 6, 8   → ready to switch on
//   switch on          0x0007   0x008F → 0x0007   3         → switched on
//   enable operation   0x000F   0x008F → 0x000F   4         → operation enabled
//   disable operation  0x0007   0x008F → 0x0007   5         → switched on
//   disable voltage    0x0000   0x0082 → 0x0000   7, 9, 10, 12 → switch on disabled
//   quick stop         0x0002   0x0086 → 0x0002   7, 10, 11 → switch on disabled / quick stop active
//   fault reset        bit 7, rising edge          15        fault → switch on disabled
//
// The sequencer is called once per process-data cycle with the state decoded from the newest
// statusword and the host's request, and returns the controlword for this cycle. It commands one
// transition per cycle and holds that command until the statusword shows the next state, so a drive
// that answers a cycle or more late is still walked correctly. Quick stop (option code 2 on the
// emulated drive: brake, then switch on disabled) and fault reaction are the drive's own; the
// sequencer waits for them without cutting them short.
import { Cia402State, cia402StateName } from './statusword.ts'

export const Cia402Cw = {
  SHUTDOWN: 0x0006,
  SWITCH_ON: 0x0007,
  ENABLE_OPERATION: 0x000f,
  DISABLE_OPERATION: 0x0007,
  DISABLE_VOLTAGE: 0x0000,
  QUICK_STOP: 0x0002,
  /** bit 7; acts on its rising edge only */
  FAULT_RESET: 0x0080
} as const

/** What the host wants of a drive. FAULT_RESET ends in switch on disabled; ENABLE never resets a fault. */
export const Cia402Request = { DISABLE: 0, ENABLE: 1, QUICK_STOP: 2, FAULT_RESET: 3 } as const
export type Cia402RequestCode = typeof Cia402Request[keyof typeof Cia402Request]

/** Where the sequencer stands with respect to its request. */
export const Cia402SeqStatus = {
  /** walking towards the requested state */
  BUSY: 0,
  /** ENABLE reached: operation enabled */
  ENABLED: 1,
  /** DISABLE or FAULT_RESET reached: switch on disabled */
  DISABLED: 2,
  /** QUICK_STOP reached: quick stop active or switch on disabled */
  QUICK_STOPPED: 3,
  /** the drive is in fault (reaction) and the request is not FAULT_RESET */
  FAULT: 4,
  /** FAULT_RESET gave up after reset_attempts rising edges */
  FAULT_PERSISTS: 5,
  /** the awaited transition did not happen within its timeout (last_timeout_* name it) */
  TIMEOUT: 6
} as const
export type Cia402SeqStatusCode = typeof Cia402SeqStatus[keyof typeof Cia402SeqStatus]

export interface Cia402SequencerOptions {
  /** cycles a commanded transition (2, 3, 4, 5–12) may take */
  transition_timeout_cycles: number
  /** cycles the drive's own reactions may take: not ready → switch on disabled, quick stop and fault
   *  reaction (braking to a stop) */
  reaction_timeout_cycles: number
  /** rising edges of bit 7 sent before FAULT_RESET reports FAULT_PERSISTS */
  reset_attempts: number
  /** cycles to wait after each edge for the drive to leave fault */
  reset_wait_cycles: number
}

/** Defaults sized for a 1–2 ms cycle: 100 ms per transition, 5 s for a braking reaction. */
export const CIA402_SEQUENCER_DEFAULTS: Readonly<Cia402SequencerOptions> = {
  transition_timeout_cycles: 100,
  reaction_timeout_cycles: 5000,
  reset_attempts: 3,
  reset_wait_cycles: 100
}

const RESET_LOW = 0
const RESET_HIGH = 1
const RESET_WAIT = 2
const NONE = -1

function hex4 (x: number): string {
  return '0x' + (x & 0xffff).toString(16).toUpperCase().padStart(4, '0')
}

const CW_NAMES: Record<number, string> = {
  0x0000: 'disable voltage', 0x0002: 'quick stop', 0x0006: 'shutdown', 0x0007: 'switch on', 0x000f: 'enable operation'
}

/** Device-control sequencer of one drive. step() allocates nothing; the message getters do. */
export class Cia402Sequencer {
  readonly opts: Cia402SequencerOptions
  /** request of the newest step */
  request: number = Cia402Request.DISABLE
  status: Cia402SeqStatusCode = Cia402SeqStatus.BUSY
  /** controlword returned by the newest step */
  controlword = 0
  /** state seen at the newest step */
  state: number = Cia402State.UNKNOWN
  /** 0x603F seen at the newest step */
  error_code = 0
  /** last nonzero 0x603F seen while the drive was in fault (reaction) */
  fault_code = 0
  /** rising edges sent for the current FAULT_RESET request */
  reset_attempts = 0
  /** cycles spent in the current state under the current request */
  cycles = 0
  /** the transition awaited now (NONE = none) */
  wait_from = NONE
  wait_to = NONE
  wait_cw = 0
  /** the newest timeout: from / to states, controlword held, cycles waited (from = NONE: none yet) */
  last_timeout_from = NONE
  last_timeout_to = NONE
  last_timeout_cw = 0
  last_timeout_cycles = 0
  private resetPhase = RESET_LOW
  private resetWait = 0

  constructor (opts: Partial<Cia402SequencerOptions> = {}) {
    this.opts = { ...CIA402_SEQUENCER_DEFAULTS, ...opts }
  }

  /** Forgets all history (after a reconnect or a re-init of the drive). */
  reset (): void {
    this.request = Cia402Request.DISABLE
    this.status = Cia402SeqStatus.BUSY
    this.controlword = 0
    this.state = Cia402State.UNKNOWN
    this.error_code = 0
    this.fault_code = 0
    this.reset_attempts = 0
    this.cycles = 0
    this.wait_from = this.wait_to = NONE
    this.wait_cw = 0
    this.last_timeout_from = this.last_timeout_to = NONE
    this.last_timeout_cw = 0
    this.last_timeout_cycles = 0
    this.resetPhase = RESET_LOW
    this.resetWait = 0
  }

  /**
   * One cycle: `state` decoded from the newest statusword (decodeStatusword), `request` a
   * Cia402Request, `errorCode` the newest 0x603F. Returns the controlword to send this cycle and
   * updates status.
   */
  step (state: number, request: number, errorCode: number): number {
    if (request !== this.request) {
      this.request = request
      this.cycles = 0
      this.reset_attempts = 0
      this.resetPhase = RESET_LOW
    } else if (state !== this.state) {
      this.cycles = 0
    } else {
      this.cycles++
    }
    this.state = state
    this.error_code = errorCode & 0xffff
    const inFault = state === Cia402State.FAULT || state === Cia402State.FAULT_REACTION_ACTIVE
    if (inFault && this.error_code !== 0) this.fault_code = this.error_code
    if (state !== Cia402State.FAULT) this.resetPhase = RESET_LOW
    this.wait_from = NONE
    this.wait_to = NONE
    let cw: number
    switch (request) {
      case Cia402Request.ENABLE: cw = this.enable(state); break
      case Cia402Request.QUICK_STOP: cw = this.quickStop(state); break
      case Cia402Request.FAULT_RESET: cw = this.faultReset(state); break
      default: cw = this.disable(state); break
    }
    this.controlword = cw
    return cw
  }

  /** Why the drive is not operation enabled, naming its state and 0x603F (for error messages). */
  get reason (): string {
    const st = cia402StateName(this.state)
    // the current 0x603F; where the status is about a fault, the code latched while it was active
    const kind = this.status
    const aboutFault = kind === Cia402SeqStatus.FAULT || kind === Cia402SeqStatus.FAULT_PERSISTS ||
      (kind === Cia402SeqStatus.DISABLED && this.request === Cia402Request.FAULT_RESET)
    const code = this.error_code !== 0 || !aboutFault ? this.error_code : this.fault_code
    const err = code !== 0 ? ` (error code ${hex4(code)})` : ''
    switch (kind) {
      case Cia402SeqStatus.ENABLED: return 'operation enabled'
      case Cia402SeqStatus.FAULT_PERSISTS:
        return `fault persists after ${this.reset_attempts} reset attempts: drive in ${st}${err}`
      case Cia402SeqStatus.FAULT: return `drive in ${st}${err}; a fault reset is required`
      case Cia402SeqStatus.TIMEOUT: return `${this.timeoutText()}: drive in ${st}${err}`
      case Cia402SeqStatus.QUICK_STOPPED: return `quick stop requested: drive in ${st}${err}`
      case Cia402SeqStatus.DISABLED:
        return `${this.request === Cia402Request.FAULT_RESET ? 'fault reset done' : 'disable requested'}: drive in ${st}${err}`
    }
    const to = this.wait_to !== NONE ? `, waiting for ${cia402StateName(this.wait_to)}` : ''
    return `drive in ${st}${to}${err}`
  }

  /** The newest timeout in words ('' if none). */
  timeoutText (): string {
    if (this.last_timeout_from === NONE) return ''
    const cw = this.last_timeout_cw
    return `transition ${cia402StateName(this.last_timeout_from)} → ${cia402StateName(this.last_timeout_to)} ` +
      `(controlword ${hex4(cw)}${cw in CW_NAMES ? ' ' + CW_NAMES[cw] : ''}) did not happen within ${this.last_timeout_cycles} cycles`
  }

  // --- per request -------------------------------------------------------------------------------

  private enable (s: number): number {
    const t = this.opts.transition_timeout_cycles
    const r = this.opts.reaction_timeout_cycles
    switch (s) {
      case Cia402State.SWITCH_ON_DISABLED: return this.toward(Cia402Cw.SHUTDOWN, Cia402State.READY_TO_SWITCH_ON, t)
      case Cia402State.READY_TO_SWITCH_ON: return this.toward(Cia402Cw.SWITCH_ON, Cia402State.SWITCHED_ON, t)
      case Cia402State.SWITCHED_ON: return this.toward(Cia402Cw.ENABLE_OPERATION, Cia402State.OPERATION_ENABLED, t)
      case Cia402State.OPERATION_ENABLED: return this.done(Cia402Cw.ENABLE_OPERATION, Cia402SeqStatus.ENABLED)
      // keep the quick-stop command until the drive has braked and reached switch on disabled
      case Cia402State.QUICK_STOP_ACTIVE: return this.toward(Cia402Cw.QUICK_STOP, Cia402State.SWITCH_ON_DISABLED, r)
      case Cia402State.FAULT_REACTION_ACTIVE: return this.awaitFault()
      case Cia402State.FAULT: return this.done(Cia402Cw.DISABLE_VOLTAGE, Cia402SeqStatus.FAULT)
    }
    return this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.SWITCH_ON_DISABLED, r) // not ready / unknown
  }

  private disable (s: number): number {
    switch (s) {
      case Cia402State.SWITCH_ON_DISABLED: return this.done(Cia402Cw.DISABLE_VOLTAGE, Cia402SeqStatus.DISABLED)
      case Cia402State.FAULT_REACTION_ACTIVE: return this.awaitFault()
      case Cia402State.FAULT: return this.done(Cia402Cw.DISABLE_VOLTAGE, Cia402SeqStatus.FAULT)
      case Cia402State.NOT_READY:
      case Cia402State.UNKNOWN:
        return this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.SWITCH_ON_DISABLED, this.opts.reaction_timeout_cycles)
    }
    return this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.SWITCH_ON_DISABLED, this.opts.transition_timeout_cycles)
  }

  private quickStop (s: number): number {
    switch (s) {
      case Cia402State.OPERATION_ENABLED:
        return this.toward(Cia402Cw.QUICK_STOP, Cia402State.QUICK_STOP_ACTIVE, this.opts.transition_timeout_cycles)
      case Cia402State.QUICK_STOP_ACTIVE:
      case Cia402State.SWITCH_ON_DISABLED:
      case Cia402State.NOT_READY:
        return this.done(Cia402Cw.QUICK_STOP, Cia402SeqStatus.QUICK_STOPPED)
      case Cia402State.READY_TO_SWITCH_ON:
      case Cia402State.SWITCHED_ON:
        return this.toward(Cia402Cw.QUICK_STOP, Cia402State.SWITCH_ON_DISABLED, this.opts.transition_timeout_cycles)
      case Cia402State.FAULT_REACTION_ACTIVE:
      case Cia402State.FAULT:
        return this.done(Cia402Cw.QUICK_STOP, Cia402SeqStatus.FAULT)
    }
    return this.toward(Cia402Cw.QUICK_STOP, Cia402State.SWITCH_ON_DISABLED, this.opts.reaction_timeout_cycles)
  }

  // fault: 0 on one cycle, 0x80 on the next, then 0 for reset_wait_cycles; repeat up to
  // reset_attempts times. Bit 7 is never high on two consecutive cycles.
  private faultReset (s: number): number {
    switch (s) {
      case Cia402State.SWITCH_ON_DISABLED: return this.done(Cia402Cw.DISABLE_VOLTAGE, Cia402SeqStatus.DISABLED)
      case Cia402State.FAULT_REACTION_ACTIVE: return this.awaitFault()
      case Cia402State.NOT_READY:
      case Cia402State.UNKNOWN:
        return this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.SWITCH_ON_DISABLED, this.opts.reaction_timeout_cycles)
      case Cia402State.FAULT: break
      default:
        return this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.SWITCH_ON_DISABLED, this.opts.transition_timeout_cycles)
    }
    this.status = Cia402SeqStatus.BUSY
    this.wait_from = Cia402State.FAULT
    this.wait_to = Cia402State.SWITCH_ON_DISABLED
    this.wait_cw = Cia402Cw.FAULT_RESET
    if (this.resetPhase === RESET_LOW) {
      this.resetPhase = RESET_HIGH
      return Cia402Cw.DISABLE_VOLTAGE
    }
    if (this.resetPhase === RESET_HIGH) {
      if (this.reset_attempts >= this.opts.reset_attempts) {
        this.status = Cia402SeqStatus.FAULT_PERSISTS
        this.wait_from = this.wait_to = NONE
        return Cia402Cw.DISABLE_VOLTAGE
      }
      this.reset_attempts++
      this.resetPhase = RESET_WAIT
      this.resetWait = 0
      return Cia402Cw.FAULT_RESET
    }
    if (++this.resetWait >= this.opts.reset_wait_cycles) this.resetPhase = RESET_HIGH
    return Cia402Cw.DISABLE_VOLTAGE
  }

  private awaitFault (): number {
    const cw = this.toward(Cia402Cw.DISABLE_VOLTAGE, Cia402State.FAULT, this.opts.reaction_timeout_cycles)
    if (this.status === Cia402SeqStatus.BUSY) this.status = Cia402SeqStatus.FAULT
    return cw
  }

  private done (cw: number, status: Cia402SeqStatusCode): number {
    this.status = status
    return cw
  }

  // hold cw until the drive reaches `to`; TIMEOUT once `limit` cycles pass in the same state
  private toward (cw: number, to: number, limit: number): number {
    this.wait_from = this.state
    this.wait_to = to
    this.wait_cw = cw
    if (this.cycles >= limit) {
      this.status = Cia402SeqStatus.TIMEOUT
      this.last_timeout_from = this.state
      this.last_timeout_to = to
      this.last_timeout_cw = cw
      this.last_timeout_cycles = limit
    } else {
      this.status = Cia402SeqStatus.BUSY
    }
    return cw
  }
}
