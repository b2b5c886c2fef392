/*
 * ecat_bus.h — the bridge's EtherCAT bus (PROTOCOL.md §5): glue between the tick cycle of the core
 * (dispatch.c) and the EtherCAT master (ecat_master.c). One EtherCAT bus per bridge.
 */
#ifndef CB_ECAT_BUS_H
#define CB_ECAT_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"

/* after a CONFIG was accepted: start the master on the configured slaves (or stop it) */
void ecat_bus_configure(bridge_t *b);
/* a tick opens: the command's EtherCAT images go out in one cyclic frame; true if one is awaited */
bool ecat_bus_start_tick(bridge_t *b, const msg_command_t *cmd, bool safe);
/* an Ethernet frame came back; true if it closed this tick's awaited cycle */
bool ecat_bus_rx(bridge_t *b, uint8_t hw, const uint8_t *frame, size_t len, uint32_t t_us);
/* fills the EtherCAT section and slots of the STATE about to be sent */
void ecat_bus_finish_tick(bridge_t *b, msg_state_t *st);
/* master time-outs and start-up; keeps the segment cycling between host ticks */
void ecat_bus_poll(bridge_t *b);
/* DIAG entries of the EtherCAT bus and its motors */
void ecat_bus_diag(bridge_t *b, msg_diag_t *d);
/* µs until ecat_bus_poll has work (the next timed cycle, the master's transactions) */
uint32_t ecat_bus_deadline_us(const bridge_t *b, uint32_t now_us);
/* the segment is degraded or failed (STATE's BUS_FAULT bit) */
bool ecat_bus_fault(const bridge_t *b);

#endif
