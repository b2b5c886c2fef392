/*
 * clock.c — core and peripheral clocks, the µs time base (GPT1), the watchdog (RTWDOG) and the LED.
 * Register facts: regs.h (IMXRT1060RM Rev. 3, chapters CCM, CCM Analog, DCDC, GPT, WDOG, RTWDOG).
 *
 * Sequence for 600 MHz: raise VDD_SOC to 1.25 V first (the datasheet's run-mode operating point for
 * 600 MHz), run the core from the 24 MHz crystal through periph_clk2 while the ARM PLL is
 * reprogrammed, then switch back to the PLL. The µs clock runs from the crystal (perclk), so it does
 * not depend on the core clock.
 */
#include "board.h"
#include "regs.h"

static void rtwdog_config(uint32_t toval, bool enable);

static void wait_clear(volatile uint32_t *reg, uint32_t mask)
{
    (void)reg_wait(reg, mask, false, 1000000u);
}

static bool arm_600mhz(void)
{
    /* VDD_SOC 0.8 V + 18 × 25 mV = 1.25 V */
    DCDC_REG3 = (DCDC_REG3 & ~DCDC_REG3_TRG_MASK) | 18u;
    bool ok = reg_wait(&DCDC_REG0, DCDC_REG0_STS_DC_OK, true, 1000000u);

    /* core from the crystal while PLL1 changes: periph_clk2 = osc_clk / 1 */
    CCM_CBCMR = (CCM_CBCMR & ~(3u << CCM_CBCMR_PERIPH_CLK2_SEL_SHIFT)) | (1u << CCM_CBCMR_PERIPH_CLK2_SEL_SHIFT);
    CCM_CBCDR = (CCM_CBCDR & ~(7u << CCM_CBCDR_PERIPH_CLK2_PODF_SHIFT)) | CCM_CBCDR_PERIPH_CLK_SEL;
    wait_clear(&CCM_CDHIPR, CCM_CDHIPR_PERIPH_CLK_SEL_BUSY);

    /* ARM PLL: 24 MHz × 100 / 2 = 1200 MHz */
    CCM_ANALOG(CCM_ANALOG_PLL_ARM_OFF) = PLL_ARM_ENABLE | 100u;
    ok = reg_wait(&CCM_ANALOG(CCM_ANALOG_PLL_ARM_OFF), PLL_LOCK, true, 1000000u) && ok;

    /* ARM_PODF /2 = 600 MHz, AHB /1, IPG /4 = 150 MHz */
    CCM_CACRR = 1u;
    wait_clear(&CCM_CDHIPR, CCM_CDHIPR_ARM_PODF_BUSY);
    CCM_CBCDR = (CCM_CBCDR & ~((7u << CCM_CBCDR_AHB_PODF_SHIFT) | (3u << CCM_CBCDR_IPG_PODF_SHIFT))) |
                (0u << CCM_CBCDR_AHB_PODF_SHIFT) | (3u << CCM_CBCDR_IPG_PODF_SHIFT);
    wait_clear(&CCM_CDHIPR, CCM_CDHIPR_AHB_PODF_BUSY);

    /* pre_periph_clk = divided PLL1, then periph_clk = pre_periph_clk */
    CCM_CBCMR = (CCM_CBCMR & ~(3u << CCM_CBCMR_PRE_PERIPH_CLK_SEL_SHIFT)) | (3u << CCM_CBCMR_PRE_PERIPH_CLK_SEL_SHIFT);
    CCM_CBCDR &= ~CCM_CBCDR_PERIPH_CLK_SEL;
    wait_clear(&CCM_CDHIPR, CCM_CDHIPR_PERIPH_CLK_SEL_BUSY);
    return ok;
}

static bool pll3_480mhz(void)
{
    uint32_t v = CCM_ANALOG(CCM_ANALOG_PLL_USB1_OFF);
    if ((v & PLL_LOCK) != 0u && (v & PLL_USB1_BYPASS) == 0u && (v & PLL_USB1_ENABLE) != 0u) {
        return true; /* already running (the boot ROM may have started it) */
    }
    CCM_ANALOG(CCM_ANALOG_PLL_USB1_OFF) = PLL_USB1_POWER | PLL_USB1_ENABLE | PLL_USB1_EN_USB_CLKS | PLL_USB1_BYPASS;
    bool ok = reg_wait(&CCM_ANALOG(CCM_ANALOG_PLL_USB1_OFF), PLL_LOCK, true, 1000000u);
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_USB1_OFF + ANALOG_CLR) = PLL_USB1_BYPASS | PLL_USB1_DIV_SELECT;
    return ok;
}

bool clock_init(void)
{
    /* the RTWDOG may run out of reset (NXP's start-up code disables it too): off until wdog_start;
     * WDOG1's power-down counter would assert WDOG_B after 16 s: switch it off (write-once) */
    rtwdog_config(0xFFFFu, false);
    WDOG1_WMCR = 0u;

    bool ok = arm_600mhz();
    ok = pll3_480mhz() && ok;

    /* kernel clocks: perclk = crystal / 1; LPUART = pll3_80m / 1; FlexCAN = pll3_sw_clk / 6 / 1 */
    CCM_CSCMR1 = (CCM_CSCMR1 & ~CCM_CSCMR1_PERCLK_PODF_MASK) | CCM_CSCMR1_PERCLK_CLK_SEL;
    CCM_CSCDR1 = CCM_CSCDR1 & ~(CCM_CSCDR1_UART_CLK_PODF_MASK | CCM_CSCDR1_UART_CLK_SEL);
    CCM_CSCMR2 = (CCM_CSCMR2 & ~((0x3Fu << CCM_CSCMR2_CAN_CLK_PODF_SHIFT) | (3u << CCM_CSCMR2_CAN_CLK_SEL_SHIFT))) |
                 (2u << CCM_CSCMR2_CAN_CLK_SEL_SHIFT);

    /* GPT1: perclk 24 MHz / 24 = 1 MHz, free-running 32-bit up-counter (wraps every 71.6 min,
     * exactly the core's u32 µs) */
    CCM_CCGR1 |= CCGR1_GPT1_BUS | CCGR1_GPT1_SERIAL;
    GPT1_CR = 0u;
    GPT1_CR = GPT_CR_SWR;
    wait_clear(&GPT1_CR, GPT_CR_SWR);
    GPT1_PR = OSC_HZ / 1000000u - 1u;
    GPT1_CR = GPT_CR_CLKSRC_HIGHFREQ | GPT_CR_FRR | GPT_CR_ENMOD;
    GPT1_CR |= GPT_CR_EN;
    return ok;
}

uint32_t clock_now_us(void)
{
    return GPT1_CNT;
}

void clock_delay_us(uint32_t us)
{
    uint32_t t0 = clock_now_us();
    while ((uint32_t)(clock_now_us() - t0) < us) {
    }
}

/* unlock, then the whole configuration within the unlock window (IMXRT1060RM, chapter RTWDOG,
 * "Unlocking and updating the watchdog"); UPDATE stays set so it can be reconfigured later */
static void rtwdog_config(uint32_t toval, bool enable)
{
    uint32_t pm = irq_save();
    RTWDOG_CNT = RTWDOG_UNLOCK_KEY;
    (void)RTWDOG_CS;
    RTWDOG_TOVAL = toval;
    RTWDOG_CS = RTWDOG_CS_CMD32EN | RTWDOG_CS_CLK_LPO | RTWDOG_CS_UPDATE | (enable ? RTWDOG_CS_EN : 0u);
    irq_restore(pm);
    for (uint32_t i = 0u; i < 100000u && (RTWDOG_CS & RTWDOG_CS_RCS) == 0u; i++) {
    }
}

void wdog_start(void)
{
    /* RTWDOG from the 32 kHz LPO: 656 counts ≈ 20 ms without a kick resets the MCU */
    rtwdog_config(656u, true);
}

void wdog_kick(void)
{
    RTWDOG_CNT = RTWDOG_REFRESH_KEY;
}

#define LED_PIN 3u /* GPIO2 3 = GPIO_B0_03 = Teensy pin 13 */

void led_init(void)
{
    CCM_CCGR0 |= CCGR0_GPIO2;
    IOMUXC_MUX(PAD_B0(3u)) = 5u; /* ALT5: GPIO2_IO03 */
    IOMUXC_PAD(PAD_B0(3u)) = PAD_DSE(6u);
    GPIO_GDIR(GPIO2_BASE) |= 1u << LED_PIN;
}

void led_set(bool on)
{
    if (on) {
        GPIO_DR_SET(GPIO2_BASE) = 1u << LED_PIN;
    } else {
        GPIO_DR_CLEAR(GPIO2_BASE) = 1u << LED_PIN;
    }
}
