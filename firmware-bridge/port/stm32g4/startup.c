/*
 * startup.c — vector table and reset handler for the STM32G474 (Cortex-M4F).
 *
 * Reset: enable the FPU before any floating-point instruction, then the C runtime start
 * (port/cortexm/crt0.c: .data, .bss, main). Interrupt positions: RM0440 Table 97.
 * Any fault parks the CPU; the independent watchdog then resets it (the drives stop receiving
 * frames meanwhile and fall back on their own CAN timeouts).
 */
#include "board.h"
#include "crt0.h"
#include "regs.h"

__attribute__((section(".isr_vector"), used)) static const vector_t vectors[16u + IRQ_COUNT] = {
    CRT0_SYSTEM_VECTORS,
    [VECTOR_IRQ(IRQ_FDCAN1_IT0)] = { .handler = fdcan1_it0_isr },
    [VECTOR_IRQ(IRQ_USART1)] = { .handler = usart1_isr },
    [VECTOR_IRQ(IRQ_FDCAN2_IT0)] = { .handler = fdcan2_it0_isr },
    [VECTOR_IRQ(IRQ_FDCAN3_IT0)] = { .handler = fdcan3_it0_isr },
};

void reset_handler(void)
{
    fpu_enable();
    crt0_start();
}
