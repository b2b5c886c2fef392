/*
 * crt0.h — the C runtime start shared by the Cortex-M ports: the vector table's entry type, its
 * sixteen architectural entries, and crt0_start (copy .data, zero .bss, run main).
 * Vector table layout: ARMv7-M ARM (DDI 0403E) §B1.5.3 "The vector table" (entry 0 the initial
 * stack pointer, 1 reset, 2–15 system exceptions, 16 + n external interrupt n).
 * Linker symbols each port's script defines: _sidata (load address of .data), _sdata/_edata,
 * _sbss/_ebss, _estack.
 */
#ifndef CB_CRT0_H
#define CB_CRT0_H

typedef union {
    void (*handler)(void);
    void *stack_top;
} vector_t;

#define VECTOR_IRQ(n) (16u + (n)) /* table index of external interrupt n */

extern unsigned char _estack[];

void reset_handler(void);
/* any fault or an unexpected interrupt parks the CPU; the port's watchdog then resets it */
void default_handler(void);

/* the table's first sixteen entries, for a designated initializer in the port's startup.c */
#define CRT0_SYSTEM_VECTORS                                                                           \
    [0] = { .stack_top = _estack }, [1] = { .handler = reset_handler },                              \
    [2] = { .handler = default_handler },  /* NMI */                                                 \
    [3] = { .handler = default_handler },  /* HardFault */                                           \
    [4] = { .handler = default_handler },  /* MemManage */                                           \
    [5] = { .handler = default_handler },  /* BusFault */                                            \
    [6] = { .handler = default_handler },  /* UsageFault */                                          \
    [11] = { .handler = default_handler }, /* SVCall */                                              \
    [12] = { .handler = default_handler }, /* DebugMonitor */                                        \
    [14] = { .handler = default_handler }, /* PendSV */                                              \
    [15] = { .handler = default_handler }  /* SysTick */

/* copy .data from flash, zero .bss, run main; never returns. The caller has enabled the FPU and
 * whatever memory .data, .bss and the stack live in */
__attribute__((noreturn)) void crt0_start(void);

#endif
