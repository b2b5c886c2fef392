/*
 * startup.c — vector table and reset handler for the STM32G474 (Cortex-M4F).
 *
 * Reset: enable the FPU (PM0214 §4.6.1, CPACR CP10/CP11 full access) before any floating-point
 * instruction, copy .data from flash, zero .bss, run main. Interrupt positions: RM0440 Table 97.
 * Any fault parks the CPU; the independent watchdog then resets it (the drives stop receiving
 * frames meanwhile and fall back on their own CAN timeouts).
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "regs.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void reset_handler(void);
void default_handler(void);

typedef union {
    void (*handler)(void);
    void *stack_top;
} vector_t;

#define EXC(n) (n)          /* system exception number */
#define IRQ(n) (16u + (n))  /* external interrupt n */

__attribute__((section(".isr_vector"), used)) static const vector_t vectors[16u + IRQ_COUNT] = {
    [0] = { .stack_top = &_estack },
    [EXC(1)] = { .handler = reset_handler },
    [EXC(2)] = { .handler = default_handler },  /* NMI */
    [EXC(3)] = { .handler = default_handler },  /* HardFault */
    [EXC(4)] = { .handler = default_handler },  /* MemManage */
    [EXC(5)] = { .handler = default_handler },  /* BusFault */
    [EXC(6)] = { .handler = default_handler },  /* UsageFault */
    [EXC(11)] = { .handler = default_handler }, /* SVCall */
    [EXC(12)] = { .handler = default_handler }, /* DebugMonitor */
    [EXC(14)] = { .handler = default_handler }, /* PendSV */
    [EXC(15)] = { .handler = default_handler }, /* SysTick */
    [IRQ(IRQ_FDCAN1_IT0)] = { .handler = fdcan1_it0_isr },
    [IRQ(IRQ_USART1)] = { .handler = usart1_isr },
    [IRQ(IRQ_FDCAN2_IT0)] = { .handler = fdcan2_it0_isr },
    [IRQ(IRQ_FDCAN3_IT0)] = { .handler = fdcan3_it0_isr },
};

void default_handler(void)
{
    for (;;) {
        __asm__ volatile("nop");
    }
}

void reset_handler(void)
{
    SCB_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n isb" ::: "memory");
    size_t data_len = (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata);
    size_t bss_len = (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss);
    memcpy(&_sdata, &_sidata, data_len);
    memset(&_sbss, 0, bss_len);
    (void)main();
    default_handler();
}
