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
#include "mcu_drivers.h"

#define HSE_HZ 24000000u
#define SYSCLK_HZ 160000000u
#define FDCAN_CLK_HZ 80000000u
#define LINK_BAUD 4000000u
#define BOARD_CAN_BUSES 3u
#define BOARD_MAX_DATA_BPS 5000000u /* transceiver limit (TCAN1044V: 5 Mbit/s data phase) */

/* clock.c (clock_init: false when HSE did not start, running from HSI16 instead; clock_now_us: TIM2),
 * uart.c (USART1), fdcan.c (FDCAN1–3): the interface of mcu_drivers.h */
void iwdg_start(void);
void iwdg_kick(void);
void usart1_isr(void);
void fdcan1_it0_isr(void);
void fdcan2_it0_isr(void);
void fdcan3_it0_isr(void);

#endif
