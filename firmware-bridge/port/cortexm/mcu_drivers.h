/*
 * mcu_drivers.h — the driver interface every Cortex-M port implements (clock.c, uart.c and its CAN
 * controller driver: fdcan.c on the STM32G474, flexcan.c on the i.MX RT1062), so that the glue to
 * the bridge core (mcu_bridge.c) is written once. The port's board.h includes this and adds its own.
 *
 * The drivers do the hardware; the queues between their interrupts and the main loop are shared
 * code (byte_ring.c, can_events.c) in one mcu_io_t the port's main owns and hands to both sides.
 */
#ifndef CB_MCU_DRIVERS_H
#define CB_MCU_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"
#include "byte_ring.h"
#include "can_events.h"

#define MCU_LINK_RING_BYTES 4096u /* each way; power of two */

typedef struct {
    uint8_t link_rx_buf[MCU_LINK_RING_BYTES];
    uint8_t link_tx_buf[MCU_LINK_RING_BYTES];
    byte_ring_t link_rx;          /* produced by the UART ISR, consumed by the main loop */
    byte_ring_t link_tx;          /* produced by the main loop, consumed by the UART ISR */
    _Atomic uint32_t link_errors; /* framing, noise and overrun errors, bytes lost to a full ring */
    can_events_t can;             /* produced by the CAN ISRs, consumed by the main loop */
} mcu_io_t;

/* clock.c */
bool clock_init(void);       /* false: a clock source failed; board.h says what runs instead */
uint32_t clock_now_us(void); /* 1 MHz, free-running 32 bit */
void led_init(void);
void led_set(bool on);

/* uart.c: the host link over io's link rings (already set up): the ISR fills link_rx and drains
 * link_tx, then turns its transmit interrupt off; uart_tx_start turns it on again (main loop) */
void uart_init(mcu_io_t *io);
void uart_tx_start(void);

/* the CAN controllers, hardware bus 0 … BOARD_CAN_BUSES − 1; every call rejects other indices.
 * Received frames and transmit confirmations go to events (io->can). */
void can_hw_init(can_events_t *events);
bool can_hw_configure(uint8_t bus, const cfg_bus_t *cfg);
bool can_hw_send(uint8_t bus, const can_frame_t *f);
uint8_t can_hw_abort(uint8_t bus);
void can_hw_status(uint8_t bus, can_status_t *st); /* zeroed (active, no errors) for other indices */
void can_hw_recover(uint8_t bus);

#endif
