/*
 * uart.c — USART1 at 4 Mbaud to the USB–UART bridge, interrupt-driven through the 8-byte hardware
 * FIFOs into the two byte rings of the port's mcu_io_t (ISR ↔ main loop, port/cortexm/byte_ring.h).
 * Receive interrupts fire at half-full FIFO or after a 10-bit-time receiver timeout, so the CPU is
 * not interrupted per byte (RM0440 §37.5.x "USART FIFOs", "receiver timeout"). Register facts:
 * regs.h.
 */
#include <stdatomic.h>

#include "board.h"
#include "regs.h"

static mcu_io_t *io;

void uart_init(mcu_io_t *mcu_io)
{
    io = mcu_io;
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
        atomic_fetch_add_explicit(&io->link_errors, 1u, memory_order_relaxed);
    }
    if ((isr & USART_ISR_RTOF) != 0u) {
        USART1_ICR = USART_ICR_RTOCF;
    }
    while ((USART1_ISR & USART_ISR_RXFNE) != 0u) {
        if (!byte_ring_push(&io->link_rx, (uint8_t)USART1_RDR)) {
            atomic_fetch_add_explicit(&io->link_errors, 1u, memory_order_relaxed); /* ring full: byte lost */
        }
    }
    uint8_t b;
    while ((USART1_ISR & USART_ISR_TXFNF) != 0u && byte_ring_pop(&io->link_tx, &b)) {
        USART1_TDR = b;
    }
    if (byte_ring_empty(&io->link_tx)) {
        USART1_CR1 &= ~USART_CR1_TXFNFIE; /* the main loop sets it under PRIMASK, see uart_tx_start */
    }
}

void uart_tx_start(void)
{
    uint32_t pm = irq_save(); /* CR1 is also modified by the ISR */
    USART1_CR1 |= USART_CR1_TXFNFIE;
    irq_restore(pm);
}
