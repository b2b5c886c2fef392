/*
 * mcu_bridge.h — the bridge core's port over the Cortex-M drivers (mcu_drivers.h): the entries of
 * bridge_port_t, INFO's board-independent fields, and the main loop's hand-over of what the
 * interrupts queued. A port's main builds its bridge_port_t from these (plus eth_send where it has
 * Ethernet) and fills INFO's bus list; the core's ctx is the port's mcu_io_t.
 */
#ifndef CB_MCU_BRIDGE_H
#define CB_MCU_BRIDGE_H

#include "bridge.h"
#include "mcu_drivers.h"

/* io's rings set up, then the drivers in dependency order: clocks (every other rate derives from
 * them), LED, link UART, CAN controllers. Returns clock_init's result */
bool mcu_bring_up(mcu_io_t *io);

size_t mcu_serial_tx_free(void *ctx);
bool mcu_serial_write(void *ctx, const uint8_t *buf, size_t len);
bool mcu_can_configure(void *ctx, uint8_t hw, const cfg_bus_t *bus);
bool mcu_can_send(void *ctx, uint8_t hw, const can_frame_t *f);
uint8_t mcu_can_abort(void *ctx, uint8_t hw);
void mcu_can_status(void *ctx, uint8_t hw, can_status_t *st);
void mcu_can_recover(void *ctx, uint8_t hw);

/* zeroes info and writes the fields that do not depend on the buses; the port fills bus[0 … n_buses) */
void mcu_info_init(msg_info_t *info, uint8_t n_buses, uint32_t link_baud);

/* one pass over the link receive ring and the CAN events: everything waiting goes to the core */
void mcu_bridge_service(bridge_t *b, mcu_io_t *io);

#endif
