/*
 * board.h — the EtherCAT-capable board: PJRC Teensy 4.1 (NXP i.MX RT1062, 600 MHz Cortex-M7,
 * 24 MHz crystal, 8 MB QSPI flash) with its on-board TI DP83825I 10/100 PHY, three classic CAN
 * transceivers on FlexCAN1–3 and a USB–UART bridge (e.g. FT232H) on LPUART4. Wiring, flashing and
 * test status: port/imxrt1062/README.md.
 *
 *   LPUART4  pin 8 TX (GPIO_B1_00), pin 7 RX (GPIO_B1_01)        ALT2   4 000 000 baud 8N1
 *   CAN1     pin 22 TX (GPIO_AD_B1_08), pin 23 RX (GPIO_AD_B1_09) ALT2
 *   CAN2     pin 1 TX (GPIO_AD_B0_02), pin 0 RX (GPIO_AD_B0_03)   ALT0
 *   CAN3     pin 31 TX (GPIO_EMC_36), pin 30 RX (GPIO_EMC_37)     ALT9   (FlexCAN3, used as classic CAN)
 *   ENET     RMII to the DP83825I (PHY address 0, RMII slave: 50 MHz reference from the MCU on
 *            GPIO_B1_10 = ENET_REF_CLK, ALT6 with SION), MDC/MDIO on GPIO_B1_14/15, PHY reset
 *            GPIO_B0_14 and power-down/interrupt GPIO_B0_15 (GPIO2 14/15)
 *   LED      pin 13 (GPIO_B0_03, GPIO2 3)
 * (Teensy 4.1 schematic and pin card, PJRC; pin facts cross-checked with PJRC's core library tables.)
 *
 * Clocks: 24 MHz crystal → ARM PLL 1200 MHz /2 = 600 MHz core (VDD_SOC 1.25 V), AHB 600 MHz,
 * IPG 150 MHz; PLL3 480 MHz → pll3_80m → LPUART 80 MHz (4 Mbaud = 80 MHz / (20 × 1), exact) and
 * pll3_sw_clk / 6 → FlexCAN 80 MHz; PLL6 (ENET PLL) → 50 MHz RMII reference; perclk = 24 MHz
 * crystal → GPT1 / 24 = 1 MHz µs clock.
 */
#ifndef CB_BOARD_H
#define CB_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"
#include "mcu_drivers.h"

#define OSC_HZ 24000000u
#define CORE_HZ 600000000u
#define IPG_HZ 150000000u
#define UART_CLK_HZ 80000000u
#define CAN_CLK_HZ 80000000u
#define LINK_BAUD 4000000u
#define BOARD_CAN_BUSES 3u
#define BOARD_ECAT_HW 3u           /* index of the EtherCAT bus in INFO's list */
#define BOARD_ECAT_BPS 100000000u
#define ENET_MAX_FRAME 1514u       /* without FCS */

/* clock.c (clock_init: false when a PLL did not lock or VDD_SOC did not settle; clock_now_us: GPT1),
 * uart.c (LPUART4), flexcan.c (FlexCAN1–3): the interface of mcu_drivers.h */
void clock_delay_us(uint32_t us);
void wdog_start(void);
void wdog_kick(void);
void lpuart4_isr(void);
void can1_isr(void);
void can2_isr(void);
void can3_isr(void);

/* enet.c */
typedef struct {
    uint32_t tx_frames, tx_full, rx_frames, rx_errors, rx_too_long;
    bool phy_found;
} enet_stats_t;

bool enet_init(const uint8_t mac[6]); /* false: no DP83825I answered on MDIO */
bool enet_send(const uint8_t *frame, size_t len);
/* next received frame (FCS stripped) into buf; false if none is waiting */
bool enet_pop_rx(uint8_t *buf, size_t cap, size_t *len, uint32_t *t_us);
bool enet_link_up(void);      /* PHY BMSR link status (one MDIO read, ~30 µs) */
void enet_get_stats(enet_stats_t *st);

#endif
