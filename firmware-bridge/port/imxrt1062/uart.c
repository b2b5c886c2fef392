/*
 * uart.c — LPUART4 at 4 Mbaud 8N1 to the USB–UART bridge, interrupt-driven through the 4-word
 * hardware FIFOs into two single-producer / single-consumer rings (ISR ↔ main loop), as the STM32G4
 * port does. The receive interrupt fires when the FIFO holds more than one byte or after one idle
 * character (FIFO.RXIDEN), so the CPU is not interrupted per byte. Register facts: regs.h
 * (IMXRT1060RM Rev. 3, chapter LPUART).
 */
#include <stdatomic.h>

#include "board.h"
#include "regs.h"

#define U LPUART4_BASE
#define RX_RING 4096u /* power of two */
#define TX_RING 4096u
#define OSR 20u       /* 80 MHz / (20 × 1) = 4 Mbaud exactly */
#define SBR 1u

static uint8_t rx_buf[RX_RING];
static uint8_t tx_buf[TX_RING];
static _Atomic uint32_t rx_head, rx_tail; /* head written by the ISR, tail by the main loop */
static _Atomic uint32_t tx_head, tx_tail; /* head written by the main loop, tail by the ISR */
static _Atomic uint32_t errors;

void uart_init(void)
{
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
            atomic_fetch_add_explicit(&errors, 1u, memory_order_relaxed);
        }
    }
    uint32_t head = atomic_load_explicit(&rx_head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&rx_tail, memory_order_acquire);
    while (((LPUART_WATER(U) >> LPUART_WATER_RXCOUNT_SHIFT) & 7u) != 0u) {
        uint8_t b = (uint8_t)LPUART_DATA(U);
        if (head - tail < RX_RING) {
            rx_buf[head % RX_RING] = b;
            head++;
        } else {
            atomic_fetch_add_explicit(&errors, 1u, memory_order_relaxed); /* ring full: byte lost */
        }
    }
    atomic_store_explicit(&rx_head, head, memory_order_release);

    uint32_t t = atomic_load_explicit(&tx_tail, memory_order_relaxed);
    uint32_t h = atomic_load_explicit(&tx_head, memory_order_acquire);
    while (t != h && ((LPUART_WATER(U) >> LPUART_WATER_TXCOUNT_SHIFT) & 7u) < LPUART_FIFO_DEPTH) {
        LPUART_DATA(U) = tx_buf[t % TX_RING];
        t++;
    }
    atomic_store_explicit(&tx_tail, t, memory_order_release);
    if (t == h) {
        LPUART_CTRL(U) &= ~LPUART_CTRL_TIE; /* the main loop sets it under PRIMASK, see uart_write */
    }
}

size_t uart_read(uint8_t *buf, size_t cap)
{
    uint32_t tail = atomic_load_explicit(&rx_tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&rx_head, memory_order_acquire);
    size_t n = 0u;
    while (tail != head && n < cap) {
        buf[n++] = rx_buf[tail % RX_RING];
        tail++;
    }
    atomic_store_explicit(&rx_tail, tail, memory_order_release);
    return n;
}

size_t uart_tx_free(void)
{
    uint32_t head = atomic_load_explicit(&tx_head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&tx_tail, memory_order_acquire);
    return TX_RING - (size_t)(head - tail);
}

bool uart_write(const uint8_t *buf, size_t len)
{
    if (len > uart_tx_free()) {
        return false;
    }
    uint32_t head = atomic_load_explicit(&tx_head, memory_order_relaxed);
    for (size_t i = 0u; i < len; i++) {
        tx_buf[(head + (uint32_t)i) % TX_RING] = buf[i];
    }
    atomic_store_explicit(&tx_head, head + (uint32_t)len, memory_order_release);
    uint32_t pm = irq_save(); /* CTRL is also modified by the ISR */
    LPUART_CTRL(U) |= LPUART_CTRL_TIE;
    irq_restore(pm);
    return true;
}

uint32_t uart_errors(void)
{
    return atomic_load_explicit(&errors, memory_order_relaxed);
}
