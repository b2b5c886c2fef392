/*
 * uart.c — USART1 at 4 Mbaud to the USB–UART bridge, interrupt-driven through the 8-byte hardware
 * FIFOs into two single-producer / single-consumer rings (ISR ↔ main loop). Receive interrupts fire
 * at half-full FIFO or after a 10-bit-time receiver timeout, so the CPU is not interrupted per byte
 * (RM0440 §37.5.x "USART FIFOs", "receiver timeout"). Register facts: regs.h.
 */
#include <stdatomic.h>

#include "board.h"
#include "regs.h"

#define RX_RING 4096u /* power of two */
#define TX_RING 4096u

static uint8_t rx_buf[RX_RING];
static uint8_t tx_buf[TX_RING];
static _Atomic uint32_t rx_head, rx_tail; /* head written by the ISR, tail by the main loop */
static _Atomic uint32_t tx_head, tx_tail; /* head written by the main loop, tail by the ISR */
static _Atomic uint32_t errors;

void uart_init(void)
{
    RCC_AHB2ENR |= RCC_AHB2ENR_GPIOAEN;
    RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
    (void)RCC_APB2ENR;
    /* PA9, PA10: alternate function 7, very high speed, pull-up on RX */
    GPIO_MODER(GPIOA_BASE) = (GPIO_MODER(GPIOA_BASE) & ~((3u << 18) | (3u << 20))) | (2u << 18) | (2u << 20);
    GPIO_OSPEEDR(GPIOA_BASE) |= (3u << 18) | (3u << 20);
    GPIO_PUPDR(GPIOA_BASE) = (GPIO_PUPDR(GPIOA_BASE) & ~(3u << 20)) | (1u << 20);
    GPIO_AFRH(GPIOA_BASE) = (GPIO_AFRH(GPIOA_BASE) & ~((0xFu << 4) | (0xFu << 8))) | (7u << 4) | (7u << 8);

    USART1_CR1 = 0u;
    USART1_BRR = SYSCLK_HZ / LINK_BAUD; /* oversampling by 16: 40, exact */
    USART1_RTOR = 10u;                  /* receiver timeout: 10 bit times of idle line */
    USART1_CR2 = USART_CR2_RTOEN;
    USART1_CR3 = USART_CR3_EIE | USART_CR3_RXFTIE | (2u << USART_CR3_RXFTCFG_SHIFT);
    USART1_CR1 = USART_CR1_FIFOEN | USART_CR1_RTOIE | USART_CR1_TE | USART_CR1_RE | USART_CR1_UE;
    nvic_enable(IRQ_USART1, 2u);
}

void usart1_isr(void)
{
    uint32_t isr = USART1_ISR;
    if ((isr & (USART_ISR_ORE | USART_ISR_FE | USART_ISR_NE)) != 0u) {
        USART1_ICR = USART_ICR_ORECF | USART_ICR_FECF | USART_ICR_NECF;
        atomic_fetch_add_explicit(&errors, 1u, memory_order_relaxed);
    }
    if ((isr & USART_ISR_RTOF) != 0u) {
        USART1_ICR = USART_ICR_RTOCF;
    }
    uint32_t head = atomic_load_explicit(&rx_head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&rx_tail, memory_order_acquire);
    while ((USART1_ISR & USART_ISR_RXFNE) != 0u) {
        uint8_t b = (uint8_t)USART1_RDR;
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
    while (t != h && (USART1_ISR & USART_ISR_TXFNF) != 0u) {
        USART1_TDR = tx_buf[t % TX_RING];
        t++;
    }
    atomic_store_explicit(&tx_tail, t, memory_order_release);
    if (t == h) {
        USART1_CR1 &= ~USART_CR1_TXFNFIE; /* the main loop sets it under PRIMASK, see uart_write */
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
    uint32_t pm = irq_save(); /* CR1 is also modified by the ISR */
    USART1_CR1 |= USART_CR1_TXFNFIE;
    irq_restore(pm);
    return true;
}

uint32_t uart_errors(void)
{
    return atomic_load_explicit(&errors, memory_order_relaxed);
}
