/*
 * uart.c — LPUART4 at 4 Mbaud 8N1 to the USB–UART bridge, interrupt-driven through the 4-word
 * hardware FIFOs into the two byte rings of the port's mcu_io_t (ISR ↔ main loop,
 * port/cortexm/byte_ring.h), as the STM32G4 port does. The receive interrupt fires when the FIFO
 * holds more than one byte or after one idle character (FIFO.RXIDEN), so the CPU is not
 * interrupted per byte. Register facts: regs.h (IMXRT1060RM Rev. 3, chapter LPUART).
 */
#include <stdatomic.h>

#include "board.h"
#include "regs.h"

#define U LPUART4_BASE
#define OSR 20u /* 80 MHz / (20 × 1) = 4 Mbaud exactly */
#define SBR 1u

static mcu_io_t *io;

void uart_init(mcu_io_t *mcu_io)
{
    io = mcu_io;
    CCM_CCGR1 |= CCGR1_LPUART4;
    /* pin 8 = GPIO_B1_00 = LPUART4_TX, pin 7 = GPIO_B1_01 = LPUART4_RX, both ALT2 */
    IOMUXC_PAD(PAD_B1(0u)) = PAD_SRE | PAD_DSE(6u) | PAD_SPEED(2u);
    IOMUXC_PAD(PAD_B1(1u)) = PAD_HYS | PAD_PUS(3u) | PAD_PUE | PAD_PKE | PAD_SPEED(2u);
    IOMUXC_MUX(PAD_B1(0u)) = 2u;
    IOMUXC_MUX(PAD_B1(1u)) = 2u;
    IOMUXC_LPUART4_TX_SELECT_INPUT = 2u; /* GPIO_B1_00_ALT2 */
    IOMUXC_LPUART4_RX_SELECT_INPUT = 2u; /* GPIO_B1_01_ALT2 */

    LPUART_GLOBAL(U) = LPUART_GLOBAL_RST;
    LPUART_GLOBAL(U) = 0u;
    LPUART_BAUD(U) = ((OSR - 1u) << LPUART_BAUD_OSR_SHIFT) | SBR;
    LPUART_FIFO(U) = LPUART_FIFO_RXFE | LPUART_FIFO_TXFE | LPUART_FIFO_RXIDEN_1 | LPUART_FIFO_RXFLUSH |
                     LPUART_FIFO_TXFLUSH;
    LPUART_WATER(U) = (1u << LPUART_WATER_RXWATER_SHIFT) | (1u << LPUART_WATER_TXWATER_SHIFT);
    LPUART_STAT(U) = LPUART_STAT_OR | LPUART_STAT_NF | LPUART_STAT_FE | LPUART_STAT_IDLE; /* w1c */
    LPUART_CTRL(U) = LPUART_CTRL_RIE | LPUART_CTRL_ORIE | LPUART_CTRL_TE | LPUART_CTRL_RE;
    nvic_enable(IRQ_LPUART4, 2u);
}

void lpuart4_isr(void)
{
    uint32_t stat = LPUART_STAT(U);
    uint32_t w1c = stat & (LPUART_STAT_OR | LPUART_STAT_NF | LPUART_STAT_FE | LPUART_STAT_IDLE);
    if (w1c != 0u) {
        LPUART_STAT(U) = w1c;
        if ((w1c & (LPUART_STAT_OR | LPUART_STAT_NF | LPUART_STAT_FE)) != 0u) {
            atomic_fetch_add_explicit(&io->link_errors, 1u, memory_order_relaxed);
        }
    }
    while (((LPUART_WATER(U) >> LPUART_WATER_RXCOUNT_SHIFT) & 7u) != 0u) {
        if (!byte_ring_push(&io->link_rx, (uint8_t)LPUART_DATA(U))) {
            atomic_fetch_add_explicit(&io->link_errors, 1u, memory_order_relaxed); /* ring full: byte lost */
        }
    }
    uint8_t b;
    while (((LPUART_WATER(U) >> LPUART_WATER_TXCOUNT_SHIFT) & 7u) < LPUART_FIFO_DEPTH &&
           byte_ring_pop(&io->link_tx, &b)) {
        LPUART_DATA(U) = b;
    }
    if (byte_ring_empty(&io->link_tx)) {
        LPUART_CTRL(U) &= ~LPUART_CTRL_TIE; /* the main loop sets it under PRIMASK, see uart_tx_start */
    }
}

void uart_tx_start(void)
{
    uint32_t pm = irq_save(); /* CTRL is also modified by the ISR */
    LPUART_CTRL(U) |= LPUART_CTRL_TIE;
    irq_restore(pm);
}
