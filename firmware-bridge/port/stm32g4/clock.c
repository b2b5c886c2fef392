/*
 * clock.c — system clock (160 MHz from the 24 MHz HSE), the µs time base (TIM2), the independent
 * watchdog and the status LED. Register facts: regs.h (RM0440 Rev 8).
 */
#include "board.h"
#include "regs.h"

bool clock_init(void)
{
    /* FPU already enabled by the reset handler */
    RCC_APB1ENR1 |= RCC_APB1ENR1_PWREN;
    (void)RCC_APB1ENR1; /* read back: the enable takes effect before the next access */

    /* HSE crystal; on failure run the same PLL from HSI16 (M 4 → 4 MHz) */
    RCC_CR |= RCC_CR_HSEON;
    bool hse = reg_wait(&RCC_CR, RCC_CR_HSERDY, true, 2000000u);
    uint32_t src = hse ? RCC_PLLCFGR_SRC_HSE : RCC_PLLCFGR_SRC_HSI16;
    uint32_t m = hse ? 6u : 4u;
    if (!hse) {
        RCC_CR |= RCC_CR_HSION;
        (void)reg_wait(&RCC_CR, RCC_CR_HSIRDY, true, 2000000u);
    }

    /* range 1 boost mode (RM0440 §6.1.5): halve the AHB clock while switching above 80 MHz */
    RCC_CFGR = (RCC_CFGR & ~(0xFu << RCC_CFGR_HPRE_SHIFT)) | (RCC_CFGR_HPRE_DIV2 << RCC_CFGR_HPRE_SHIFT);
    PWR_CR5 &= ~PWR_CR5_R1MODE;
    /* 4 wait states for 136 < HCLK ≤ 170 MHz in boost mode (RM0440 §3.3.3 Table 9) */
    FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | 4u | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN;
    while ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != 4u) {
    }

    /* VCO = 4 MHz × 80 = 320 MHz; R /2 = 160 MHz; Q /4 = 80 MHz */
    RCC_CR &= ~RCC_CR_PLLON;
    while ((RCC_CR & RCC_CR_PLLRDY) != 0u) {
    }
    RCC_PLLCFGR = src | ((m - 1u) << RCC_PLLCFGR_M_SHIFT) | (80u << RCC_PLLCFGR_N_SHIFT) |
                  RCC_PLLCFGR_QEN | (1u << RCC_PLLCFGR_Q_SHIFT) | RCC_PLLCFGR_REN | (0u << RCC_PLLCFGR_R_SHIFT);
    RCC_CR |= RCC_CR_PLLON;
    (void)reg_wait(&RCC_CR, RCC_CR_PLLRDY, true, 2000000u);

    RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_SW_MASK | (7u << RCC_CFGR_PPRE1_SHIFT) | (7u << RCC_CFGR_PPRE2_SHIFT))) |
               RCC_CFGR_SW_PLL;
    while (((RCC_CFGR >> RCC_CFGR_SWS_SHIFT) & 3u) != RCC_CFGR_SW_PLL) {
    }
    for (volatile uint32_t i = 0u; i < 200u; i++) {
        /* ≥ 1 µs at 80 MHz before restoring the AHB prescaler */
    }
    RCC_CFGR &= ~(0xFu << RCC_CFGR_HPRE_SHIFT);

    /* kernel clocks: FDCAN from PLL Q, USART1 from PCLK2 */
    RCC_CCIPR = (RCC_CCIPR & ~((3u << RCC_CCIPR_FDCANSEL_SHIFT) | (3u << RCC_CCIPR_USART1SEL_SHIFT))) |
                (1u << RCC_CCIPR_FDCANSEL_SHIFT);

    /* TIM2: 160 MHz / 160 = 1 MHz, 32-bit free run; PSC loads on the update event */
    RCC_APB1ENR1 |= RCC_APB1ENR1_TIM2EN;
    (void)RCC_APB1ENR1;
    TIM2_PSC = SYSCLK_HZ / 1000000u - 1u;
    TIM2_ARR = 0xFFFFFFFFu;
    TIM2_EGR = 1u;
    TIM2_CR1 = 1u;
    return hse;
}

uint32_t clock_now_us(void)
{
    return TIM2_CNT;
}

void iwdg_start(void)
{
    /* LSI 32 kHz / 4 = 8 kHz; 160 counts = 20 ms without a kick resets the MCU (RM0440 §40.3) */
    IWDG_KR = 0xCCCCu;
    IWDG_KR = 0x5555u;
    IWDG_PR = 0u;
    IWDG_RLR = 160u;
    while (IWDG_SR != 0u) {
    }
    IWDG_KR = 0xAAAAu;
}

void iwdg_kick(void)
{
    IWDG_KR = 0xAAAAu;
}

void led_init(void)
{
    RCC_AHB2ENR |= RCC_AHB2ENR_GPIOAEN;
    (void)RCC_AHB2ENR;
    GPIO_MODER(GPIOA_BASE) = (GPIO_MODER(GPIOA_BASE) & ~(3u << 10)) | (1u << 10); /* PA5 output */
}

void led_set(bool on)
{
    GPIO_BSRR(GPIOA_BASE) = on ? (1u << 5) : (1u << (5 + 16));
}
