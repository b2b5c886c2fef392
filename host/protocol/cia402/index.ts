// CiA 402 drive profile, pure host side: statusword decoding, controlword sequencing, the fixed
// RxPDO / TxPDO layout of firmware-bridge/PROTOCOL.md §5, and unit scaling. No I/O, no timers, no per-cycle allocation.
export * from './statusword.ts'
export * from './controlword.ts'
export * from './pdo.ts'
export * from './scaling.ts'
