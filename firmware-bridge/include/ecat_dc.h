/*
 * ecat_dc.h — distributed-clock arithmetic of the master (ETG.1000.4 / Beckhoff ESC datasheet section I,
 * "Distributed Clocks"): propagation delays from latched receive times, system-time offsets, SYNC0
 * start times. Pure functions; the register traffic is in ecat_master.c.
 */
#ifndef CB_ECAT_DC_H
#define CB_ECAT_DC_H

#include <stdint.h>

/*
 * Round trip behind a slave in a line: port-1 receive time − port-0 receive time of one latched
 * frame (local clock, so the offset cancels). A closed port 1 (last slave) latches nothing: 0.
 */
uint32_t ecat_dc_loop_ns(uint32_t t_port0, uint32_t t_port1);
/* delay from the reference (first slave, loop time loop_ref) to a slave further down: half the difference */
uint32_t ecat_dc_delay_ns(uint32_t loop_ref, uint32_t loop_slave);
/*
 * New 0x0920 offset of a slave so that its system time equals the source's: one frame read both
 * system times (sys_src at the source, sys at the slave), the frame reached them delay_src and delay
 * after the reference.  off' = off + (sys_src − delay_src) − (sys − delay)   (mod 2^64)
 */
uint64_t ecat_dc_offset(uint64_t off, uint64_t sys, uint32_t delay, uint64_t sys_src, uint32_t delay_src);
/* first SYNC0 start ≥ now + margin on the grid base + m·cycle (base = an earlier start, or 0) */
uint64_t ecat_dc_start(uint64_t now_ns, uint32_t margin_ns, uint32_t cycle_ns, uint64_t base_ns);

#endif
