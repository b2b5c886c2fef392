/*
 * board.h — the reference board: NUCLEO-G474RE (STM32G474RET6, 24 MHz HSE crystal X3) with an
 * FT232H USB–UART bridge on USART1 and three CAN FD transceivers (e.g. TI TCAN1044V, 3.3 V I/O)
 * on FDCAN1–3. Pinout and clock tree: firmware-bridge/README.md.
 *
 *   USART1  PA9 TX, PA10 RX   AF7   4 000 000 baud 8N1
 *   FDCAN1  PB8 RX, PB9 TX    AF9
 *   FDCAN2  PB12 RX, PB13 TX  AF9
 *   FDCAN3  PA8 RX, PA15 TX   AF11   (DS12288 Table 13)
 *   LED LD2 PA5 (heartbeat)
 *
 * Clocks: HSE 24 MHz → PLL (M 6, N 80: VCO 320 MHz) → R /2 = SYSCLK 160 MHz (range 1 boost,
 * 4 flash wait states), Q /4 = 80 MHz FDCAN kernel clock (the CiA 601-3 recommended 80 MHz),
 * APB1 = APB2 = 160 MHz; USART1 from PCLK2: BRR = 160 MHz / 4 Mbaud = 40, exact.
 */
#ifndef CB_BOARD_H
#define CB_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"

#define HSE_HZ 24000000u
#define SYSCLK_HZ 160000000u
#define FDCAN_CLK_HZ 80000000u
#define LINK_BAUD 4000000u
#define BOARD_CAN_BUSES 3u
#define BOARD_MAX_DATA_BPS 5000000u /* transceiver limit (TCAN1044V: 5 Mbit/s data phase) */

/* clock.c */
bool clock_init(void);        /* false: HSE did not start, running from HSI16 instead */
uint32_t clock_now_us(void);  /* TIM2, 1 MHz, free-running 32 bit */
void iwdg_start(void);
void iwdg_kick(void);
void led_init(void);
void led_set(bool on);

/* uart.c */
void uart_init(void);
size_t uart_read(uint8_t *buf, size_t cap);
size_t uart_tx_free(void);
bool uart_write(const uint8_t *buf, size_t len);
uint32_t uart_errors(void);
void usart1_isr(void);

/* fdcan.c */
void fdcan_init(void);
bool fdcan_configure(uint8_t bus, const cfg_bus_t *cfg);
bool fdcan_send(uint8_t bus, const can_frame_t *f);
uint8_t fdcan_abort(uint8_t bus);
void fdcan_status(uint8_t bus, can_status_t *st);
void fdcan_recover(uint8_t bus);
bool fdcan_pop_rx(uint8_t *bus, can_frame_t *f, uint32_t *t_us);
bool fdcan_pop_tx_done(uint8_t *bus, uint32_t *id, bool *ext, uint32_t *t_us);
void fdcan1_it0_isr(void);
void fdcan2_it0_isr(void);
void fdcan3_it0_isr(void);

#endif
