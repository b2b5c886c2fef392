// Numbers of the bridge protocol (firmware-bridge/PROTOCOL.md §3), the same values as
// firmware-bridge/include/msg.h and frame.h.

export const PROTO_VERSION = 1
export const FRAME_HEADER_LEN = 12
export const FRAME_CRC_LEN = 4
export const FRAME_OVERHEAD = 16
/** raw frame cap: 5 120 bits keeps CRC-32C at Hamming distance 6 (PROTOCOL.md §2) */
export const FRAME_MAX_RAW = 640
export const FRAME_MAX_BODY = FRAME_MAX_RAW - FRAME_OVERHEAD
/** COBS(640) + delimiter */
export const FRAME_MAX_WIRE = FRAME_MAX_RAW + Math.floor(FRAME_MAX_RAW / 254) + 2

export const MAX_BUSES = 4
export const MAX_MOTORS = 32
export const MAX_SLOT_LEN = 8
/** EtherCAT (PROTOCOL.md §5): the fixed RxPDO / TxPDO lengths, the STATE section header, the slave cap */
export const ECAT_OUT_LEN = 13
export const ECAT_IN_LEN = 15
export const ECAT_STATE_HDR = 8
export const ECAT_MAX_SLAVES = 16
export const ECAT_BPS = 100_000_000
/** EtherCAT bus flags: distributed clocks, SYNC0 every tick; cycles from the bridge's own timer */
export const ECAT_BUS_DC = 0x01
export const ECAT_BUS_TIMED = 0x02
/** EtherCAT STATE section flags */
export const EcatSectionFlag = { FRESH: 0x01, WKC_ERROR: 0x02, SAFE: 0x04 } as const
/** EtherCAT STATE section `master` */
export const EcatMaster = { IDLE: 0, STARTUP: 1, OP: 2, DEGRADED: 3, FAILED: 4 } as const
export const FIRMWARE_LEN = 16

export const MsgType = {
  HELLO: 0x01,
  INFO: 0x02,
  CONFIG: 0x03,
  CONFIG_ACK: 0x04,
  HEARTBEAT: 0x05,
  COMMAND: 0x10,
  STATE: 0x11,
  DIAG: 0x20,
  FAULT: 0x21
} as const

export const BusType = { CAN: 1, CANFD: 2, ETHERCAT: 3 } as const
export const BusCap = { FD: 0x01, BRS: 0x02, EMULATED: 0x04, ETHERCAT: 0x08 } as const
export const BusFlag = { FD: 0x01, BRS: 0x02 } as const
export const MotorFlag = { EXT_CMD: 0x01, EXT_REPLY: 0x02 } as const
export const REPLY_ID_ANY = 0xffffffff
export const SafeAction = { DAMPING: 0, DISABLE: 1 } as const

export const ConfigStatus = {
  OK: 0,
  BAD_LENGTH: 1,
  BAD_BUS: 2,
  BAD_BITRATE: 3,
  BAD_MOTOR: 4,
  BAD_TIMING: 5,
  TOO_LARGE: 6,
  BUSY: 7,
  OVER_BUDGET: 8
} as const

export const CommandFlag = { ARM: 0x0001 } as const
export const CommandSlotFlag = { SEND: 0x01 } as const
export const StateSlotFlag = { FRESH: 0x01, TIMEOUT: 0x02, SENT: 0x04 } as const
export const RX_DT_NONE = 0xffff

export const Status = {
  CONFIGURED: 0x0001,
  ARMED: 0x0002,
  TRIPPED: 0x0004,
  TX_OVERRUN: 0x0008,
  LATE_COMMAND: 0x0010,
  BUS_FAULT: 0x0020,
  MOTOR_FAULT: 0x0040,
  SEQ_GAP: 0x0080
} as const

export const WatchdogState = { DISARMED: 0, ARMED: 1, TRIPPED: 2 } as const
export const BusState = { ACTIVE: 0, WARNING: 1, PASSIVE: 2, OFF: 3 } as const

export const FaultCode = {
  WATCHDOG_TRIP: 1,
  WATCHDOG_REARM: 2,
  BUS_OFF: 3,
  BUS_ERROR_PASSIVE: 4,
  BUS_RECOVERED: 5,
  MOTOR_FAULT: 6,
  MOTOR_TIMEOUT: 7,
  RX_CRC_ERROR: 8,
  RX_FRAMING_ERROR: 9,
  SEQ_GAP: 10,
  TX_OVERRUN: 11,
  CONFIG_REJECTED: 12,
  COMMAND_REJECTED: 13,
  ECAT_STATE: 14,
  ECAT_AL_ERROR: 15,
  ECAT_WKC: 16,
  ECAT_SLAVE_LOST: 17,
  ECAT_SLAVE_BACK: 18,
  ECAT_SDO_ABORT: 19,
  ECAT_IDENTITY: 20,
  ECAT_COUNT: 21,
  ECAT_TIMEOUT: 22,
  ECAT_FRAME_LOST: 23
} as const

/** DIAG link counters, in wire order */
export const LinkCounter = {
  RX_OK: 0,
  RX_CRC: 1,
  RX_COBS: 2,
  RX_LEN: 3,
  RX_SEQ_GAPS: 4,
  RX_REJECTED: 5,
  TX_FRAMES: 6,
  TX_DROPPED: 7
} as const
export const LINK_COUNTERS = 8

export const NONE_ID = 0xff
export const TEMP_UNKNOWN = -32768
