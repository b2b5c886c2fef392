/*
 * cortexm_regs.h — the ARMv7-M core registers both ports use (Cortex-M4 on the STM32G474, Cortex-M7
 * on the i.MX RT1062), written from the architecture's register maps (no CMSIS). Sources:
 *   "ARMv7-M Architecture Reference Manual" (DDI 0403E) §B3.2 (SCB: VTOR, CPACR), §B3.4 (NVIC),
 *   §B5.2 (MRS/MSR PRIMASK, CPSID);
 *   PM0214 Rev 10 "STM32 Cortex-M4 MCUs and MPUs programming manual" §4.3 NVIC, §4.4 SCB,
 *   §4.6.1 CPACR (FPU enable).
 * How many priority bits the NVIC implements is the chip's choice: the port's regs.h defines
 * NVIC_PRIO_BITS (with its source) before including this header.
 */
#ifndef CB_CORTEXM_REGS_H
#define CB_CORTEXM_REGS_H

#include <stdbool.h>
#include <stdint.h>

#ifndef NVIC_PRIO_BITS
#error "the port's regs.h defines NVIC_PRIO_BITS before including cortexm_regs.h"
#endif

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_CPACR REG32(0xE000ED88u)
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

/* poll until any bit of mask in *reg reads as set (true) or all read clear (false), at most loops
 * reads: false on timeout, so a peripheral that never answers cannot hang bring-up */
static inline bool reg_wait(volatile uint32_t *reg, uint32_t mask, bool set, uint32_t loops)
{
    for (uint32_t i = 0u; i < loops; i++) {
        if (((*reg & mask) != 0u) == set) {
            return true;
        }
    }
    return false;
}

static inline void dsb(void)
{
    __asm__ volatile("dsb" ::: "memory");
}

static inline void isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

/* priorities sit in the top NVIC_PRIO_BITS of each byte; lower value = more urgent */
static inline void nvic_enable(uint32_t irq, uint8_t prio)
{
    NVIC_IPR_BYTE(irq) = (uint8_t)(prio << (8u - NVIC_PRIO_BITS));
    NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
}

/* PRIMASK save / disable, restore */
static inline uint32_t irq_save(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void irq_restore(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* CP10/CP11 full access: must precede the first floating-point instruction; the barriers make the
 * new access rights visible to the next instruction */
static inline void fpu_enable(void)
{
    SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;
    dsb();
    isb();
}

#endif
