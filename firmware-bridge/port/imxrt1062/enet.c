/*
 * enet.c — the ENET MAC in RMII at 100 Mbit/s full duplex to the Teensy 4.1's DP83825I PHY, for the
 * EtherCAT master (raw Ethernet frames, EtherType 0x88A4). Register facts: regs.h (IMXRT1060RM
 * Rev. 3, chapter ENET); PHY registers: DP83825I datasheet (TI SLUSD57) §9.6 "Register Maps".
 *
 * Clocking: the PHY is strapped as RMII slave and takes its 50 MHz reference from the MCU: PLL6
 * divides to 50 MHz, GPR1 routes it out of ENET_REF_CLK (GPIO_B1_10, ALT6) with SION looping it back
 * as the MAC's own RMII clock. The PHY's RCSR is told it receives 50 MHz (not its 25 MHz crystal
 * mode).
 *
 * Data path: legacy 8-byte buffer descriptors (ECR.EN1588 = 0), little-endian (ECR.DBSWP = 1), in
 * .dma (OCRAM2, MPU non-cacheable: no cache maintenance; barriers order descriptor writes before the
 * "descriptor active" registers). The receiver is promiscuous: EtherCAT frames return with the
 * master's own source address and a destination the slaves left unchanged, so nothing is filtered by
 * address; the FCS is checked and stripped by the MAC. Transmit appends the FCS (BD TC bit); frames
 * are padded to the 60-byte minimum here. Nothing is interrupt-driven: the main loop polls the
 * receive ring and time-stamps frames when it takes them (at most one loop pass late).
 */
#include <string.h>

#include "board.h"
#include "regs.h"

#define N_RX 8u
#define N_TX 4u
#define BUF_SIZE 1536u  /* ≥ 1518 + VLAN tag, multiple of 64 */
#define MIN_FRAME 60u   /* without FCS */
#define PHY_ADDR 0u     /* RX_D0 and CRS_DV strapped low (Teensy 4.1) */

/* DP83825I registers (clause 22 basic set + vendor) */
#define PHY_BMCR 0x00u
#define PHY_BMCR_ANEN (1u << 12)
#define PHY_BMCR_RESTART_AN (1u << 9)
#define PHY_BMSR 0x01u
#define PHY_BMSR_LINK (1u << 2)
#define PHY_IDR1 0x02u
#define PHY_IDR2 0x03u
#define PHY_ANAR 0x04u
#define PHY_ANAR_100FD (1u << 8)
#define PHY_ANAR_SELECTOR_8023 0x01u
#define PHY_RCSR 0x17u
#define PHY_RCSR_RMII_50MHZ (1u << 7)
#define PHY_RCSR_ELAST_2BIT 0x1u
#define PHY_ID1 0x2000u         /* TI OUI bits 3–18 */
#define PHY_ID2 0xA140u         /* OUI bits 19–24, model 0x14 (DP83825), revision masked */

typedef struct {
    volatile uint16_t len;
    volatile uint16_t ctl;
    volatile uint32_t buf;
} bd_t;

__attribute__((section(".dma"), aligned(64))) static bd_t rx_bd[N_RX];
__attribute__((section(".dma"), aligned(64))) static bd_t tx_bd[N_TX];
__attribute__((section(".dma"), aligned(64))) static uint8_t rx_buf[N_RX][BUF_SIZE];
__attribute__((section(".dma"), aligned(64))) static uint8_t tx_buf[N_TX][BUF_SIZE];

static uint32_t rx_next, tx_next;
static enet_stats_t stats;

/* ---- MDIO (clause 22 frames through MMFR; completion flagged by EIR.MII) ---- */

static bool mdio_wait(void)
{
    uint32_t t0 = clock_now_us();
    while ((ENET_EIR & ENET_EIR_MII) == 0u) {
        if ((uint32_t)(clock_now_us() - t0) > 1000u) {
            return false;
        }
    }
    ENET_EIR = ENET_EIR_MII;
    return true;
}

static bool mdio_read(uint32_t reg, uint16_t *val)
{
    ENET_EIR = ENET_EIR_MII;
    ENET_MMFR = ENET_MMFR_ST | ENET_MMFR_OP_READ | (PHY_ADDR << ENET_MMFR_PA_SHIFT) |
                (reg << ENET_MMFR_RA_SHIFT) | ENET_MMFR_TA;
    if (!mdio_wait()) {
        return false;
    }
    *val = (uint16_t)(ENET_MMFR & 0xFFFFu);
    return true;
}

static bool mdio_write(uint32_t reg, uint16_t val)
{
    ENET_EIR = ENET_EIR_MII;
    ENET_MMFR = ENET_MMFR_ST | ENET_MMFR_OP_WRITE | (PHY_ADDR << ENET_MMFR_PA_SHIFT) |
                (reg << ENET_MMFR_RA_SHIFT) | ENET_MMFR_TA | (uint32_t)val;
    return mdio_wait();
}

/* ---- bring-up ---- */

static void clocks(void)
{
    CCM_CCGR1 |= CCGR1_ENET;
    /* PLL6 → 50 MHz ENET1 reference (bypassed while it is reprogrammed) */
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_ENET_OFF + ANALOG_SET) = PLL_ENET_BYPASS;
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_ENET_OFF + ANALOG_CLR) =
        PLL_ENET_BYPASS_CLK_SRC_MASK | PLL_ENET_ENET2_DIV_SELECT_MASK | PLL_ENET_DIV_SELECT_MASK;
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_ENET_OFF + ANALOG_SET) = PLL_ENET_ENABLE | 1u; /* DIV_SELECT 01: 50 MHz */
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_ENET_OFF + ANALOG_CLR) = PLL_ENET_POWERDOWN;
    for (uint32_t i = 0u; i < 1000000u && (CCM_ANALOG(CCM_ANALOG_PLL_ENET_OFF) & PLL_LOCK) == 0u; i++) {
    }
    REG32(CCM_ANALOG_BASE + CCM_ANALOG_PLL_ENET_OFF + ANALOG_CLR) = PLL_ENET_BYPASS;
    /* reference clock generated internally and driven out of the REF_CLK pad */
    IOMUXC_GPR_GPR1 = (IOMUXC_GPR_GPR1 & ~GPR1_ENET1_CLK_SEL) | GPR1_ENET1_TX_CLK_DIR | GPR1_ENET_IPG_CLK_S_EN;
}

static void phy_pins_and_reset(void)
{
    /* strap levels read by the PHY when it leaves reset (DP83825I §8.5.1): RX_D0 and CRS_DV low →
     * PHY address 0; RX_D1 high → RMII slave (50 MHz reference from the MAC side); RX_ER low →
     * auto-MDIX. The pads are still GPIO inputs here, so only their pulls act. */
    uint32_t down = PAD_PUS(0u) | PAD_PUE | PAD_PKE | PAD_DSE(7u);
    uint32_t up = PAD_PUS(3u) | PAD_PUE | PAD_PKE | PAD_DSE(7u);
    IOMUXC_PAD(PAD_B1(4u)) = down; /* RX_D0 */
    IOMUXC_PAD(PAD_B1(6u)) = down; /* CRS_DV */
    IOMUXC_PAD(PAD_B1(5u)) = up;   /* RX_D1 */
    IOMUXC_PAD(PAD_B1(11u)) = down; /* RX_ER */

    /* GPIO_B0_14 = RST_N, GPIO_B0_15 = PWRDN/INT, as GPIO2 outputs */
    CCM_CCGR0 |= CCGR0_GPIO2;
    IOMUXC_PAD(PAD_B0(14u)) = PAD_DSE(7u);
    IOMUXC_PAD(PAD_B0(15u)) = PAD_DSE(7u);
    IOMUXC_MUX(PAD_B0(14u)) = 5u;
    IOMUXC_MUX(PAD_B0(15u)) = 5u;
    GPIO_DR_CLEAR(GPIO2_BASE) = 1u << 15; /* powered down */
    GPIO_DR_SET(GPIO2_BASE) = 1u << 14;   /* reset released, to assert it for a defined time */
    GPIO_GDIR(GPIO2_BASE) |= (1u << 14) | (1u << 15);

    /* the 50 MHz reference must reach XI before the PHY leaves reset */
    IOMUXC_PAD(PAD_B1(10u)) = PAD_SRE | PAD_DSE(6u);
    IOMUXC_MUX(PAD_B1(10u)) = 6u | MUX_SION; /* ENET_REF_CLK, looped back into the MAC */
    IOMUXC_ENET_IPG_CLK_RMII_SELECT_INPUT = 1u; /* GPIO_B1_10_ALT6 */

    /* MDIO (open drain, pull-up) and MDC */
    IOMUXC_PAD(PAD_B1(15u)) = PAD_PUS(3u) | PAD_PUE | PAD_PKE | PAD_ODE | PAD_DSE(5u) | PAD_SRE;
    IOMUXC_PAD(PAD_B1(14u)) = PAD_SPEED(3u) | PAD_DSE(5u) | PAD_SRE;
    IOMUXC_MUX(PAD_B1(15u)) = 0u;
    IOMUXC_MUX(PAD_B1(14u)) = 0u;
    IOMUXC_ENET_MDIO_SELECT_INPUT = 2u; /* GPIO_B1_15_ALT0 */

    GPIO_DR_SET(GPIO2_BASE) = 1u << 15;   /* power on */
    clock_delay_us(10000u);
    GPIO_DR_CLEAR(GPIO2_BASE) = 1u << 14; /* reset pulse ≥ 25 µs (datasheet T1) */
    clock_delay_us(50u);
    GPIO_DR_SET(GPIO2_BASE) = 1u << 14;
    clock_delay_us(2000u);                /* reset to SMI ready (datasheet T2) */
}

static void rmii_pins(void)
{
    uint32_t pad = PAD_PUS(2u) | PAD_PUE | PAD_PKE | PAD_SPEED(3u) | PAD_DSE(5u) | PAD_SRE;
    static const uint8_t pins[] = { 4u, 5u, 6u, 7u, 8u, 9u, 11u }; /* RXD0 RXD1 CRS_DV TXD0 TXD1 TXEN RXER */
    for (uint32_t i = 0u; i < sizeof pins; i++) {
        IOMUXC_PAD(PAD_B1(pins[i])) = pad;
        IOMUXC_MUX(PAD_B1(pins[i])) = 3u; /* ALT3: ENET */
    }
    IOMUXC_ENET0_RXDATA_SELECT_INPUT = 1u; /* GPIO_B1_04_ALT3 */
    IOMUXC_ENET1_RXDATA_SELECT_INPUT = 1u; /* GPIO_B1_05_ALT3 */
    IOMUXC_ENET_RXEN_SELECT_INPUT = 1u;    /* GPIO_B1_06_ALT3 */
    IOMUXC_ENET_RXERR_SELECT_INPUT = 1u;   /* GPIO_B1_11_ALT3 */
}

static bool phy_init(void)
{
    uint16_t id1 = 0u, id2 = 0u;
    if (!mdio_read(PHY_IDR1, &id1) || !mdio_read(PHY_IDR2, &id2) || id1 != PHY_ID1 ||
        (id2 & 0xFFF0u) != PHY_ID2) {
        return false;
    }
    /* 50 MHz reference on XI (RMII slave), 2-bit elasticity buffer (frames up to 2400 bytes) */
    bool ok = mdio_write(PHY_RCSR, PHY_RCSR_RMII_50MHZ | PHY_RCSR_ELAST_2BIT);
    /* advertise only 100BASE-TX full duplex (what EtherCAT runs at), then auto-negotiate */
    ok = mdio_write(PHY_ANAR, PHY_ANAR_100FD | PHY_ANAR_SELECTOR_8023) && ok;
    ok = mdio_write(PHY_BMCR, PHY_BMCR_ANEN | PHY_BMCR_RESTART_AN) && ok;
    return ok;
}

static void rings_init(void)
{
    for (uint32_t i = 0u; i < N_RX; i++) {
        rx_bd[i].buf = (uint32_t)(uintptr_t)rx_buf[i];
        rx_bd[i].len = 0u;
        rx_bd[i].ctl = (uint16_t)(BD_RX_E | (i == N_RX - 1u ? BD_W : 0u));
    }
    for (uint32_t i = 0u; i < N_TX; i++) {
        tx_bd[i].buf = (uint32_t)(uintptr_t)tx_buf[i];
        tx_bd[i].len = 0u;
        tx_bd[i].ctl = (uint16_t)(i == N_TX - 1u ? BD_W : 0u);
    }
    rx_next = 0u;
    tx_next = 0u;
    dsb();
}

bool enet_init(const uint8_t mac[6])
{
    memset(&stats, 0, sizeof stats);
    clocks();
    phy_pins_and_reset();

    ENET_ECR = ENET_ECR_RESET;
    for (uint32_t i = 0u; i < 100000u && (ENET_ECR & ENET_ECR_RESET) != 0u; i++) {
    }
    /* MDC ≤ 2.5 MHz: 150 MHz IPG / ((29 + 1) × 2) = 2.5 MHz (slower if the module clock is lower) */
    ENET_MSCR = 29u << ENET_MSCR_MII_SPEED_SHIFT;
    stats.phy_found = phy_init();
    rmii_pins();

    rings_init();
    ENET_EIMR = 0u;
    ENET_EIR = 0xFFFFFFFFu;
    ENET_RCR = (1522u << ENET_RCR_MAX_FL_SHIFT) | ENET_RCR_CRCFWD | ENET_RCR_RMII_MODE | ENET_RCR_PROM |
               ENET_RCR_MII_MODE;
    ENET_TCR = ENET_TCR_FDEN;
    ENET_TFWR = ENET_TFWR_STRFWD;
    ENET_RSFL = 0u; /* receive store and forward */
    ENET_RACC = ENET_RACC_LINEDIS;
    ENET_TACC = 0u;
    ENET_PALR = ((uint32_t)mac[0] << 24) | ((uint32_t)mac[1] << 16) | ((uint32_t)mac[2] << 8) | (uint32_t)mac[3];
    ENET_PAUR = ((uint32_t)mac[4] << 24) | ((uint32_t)mac[5] << 16) | 0x8808u; /* pause EtherType */
    ENET_IAUR = 0u;
    ENET_IALR = 0u;
    ENET_GAUR = 0u;
    ENET_GALR = 0u;
    ENET_RDSR = (uint32_t)(uintptr_t)rx_bd;
    ENET_TDSR = (uint32_t)(uintptr_t)tx_bd;
    ENET_MRBR = BUF_SIZE;
    ENET_ECR = (ENET_ECR & ENET_ECR_RESERVED_ONES) | ENET_ECR_DBSWP | ENET_ECR_ETHEREN;
    ENET_RDAR = ENET_DAR_ACTIVE;
    return stats.phy_found;
}

bool enet_send(const uint8_t *frame, size_t len)
{
    if (len < 14u || len > ENET_MAX_FRAME) {
        return false;
    }
    bd_t *bd = &tx_bd[tx_next];
    if ((bd->ctl & BD_TX_R) != 0u) {
        stats.tx_full++;
        return false;
    }
    memcpy(tx_buf[tx_next], frame, len);
    size_t wire = len;
    if (wire < MIN_FRAME) {
        memset(&tx_buf[tx_next][len], 0, MIN_FRAME - len);
        wire = MIN_FRAME;
    }
    bd->len = (uint16_t)wire;
    dsb(); /* buffer and length visible before the MAC may own the descriptor */
    bd->ctl = (uint16_t)(BD_TX_R | BD_L | BD_TX_TC | (tx_next == N_TX - 1u ? BD_W : 0u));
    dsb();
    ENET_TDAR = ENET_DAR_ACTIVE;
    tx_next = (tx_next + 1u) % N_TX;
    stats.tx_frames++;
    return true;
}

bool enet_pop_rx(uint8_t *buf, size_t cap, size_t *len, uint32_t *t_us)
{
    for (uint32_t guard = 0u; guard < N_RX; guard++) {
        bd_t *bd = &rx_bd[rx_next];
        uint16_t ctl = bd->ctl;
        if ((ctl & BD_RX_E) != 0u) {
            return false;
        }
        uint32_t now = clock_now_us();
        size_t n = bd->len;
        bool good = (ctl & BD_L) != 0u && (ctl & BD_RX_ERRORS) == 0u;
        if (good && n <= cap) {
            memcpy(buf, rx_buf[rx_next], n);
        } else if (good) {
            stats.rx_too_long++;
        } else {
            stats.rx_errors++; /* CRC, alignment, overrun, truncation, or a frame split over buffers */
        }
        dsb();
        bd->ctl = (uint16_t)(BD_RX_E | (rx_next == N_RX - 1u ? BD_W : 0u));
        dsb();
        ENET_RDAR = ENET_DAR_ACTIVE;
        rx_next = (rx_next + 1u) % N_RX;
        if (good && n <= cap) {
            stats.rx_frames++;
            *len = n;
            *t_us = now;
            return true;
        }
    }
    return false;
}

bool enet_link_up(void)
{
    uint16_t bmsr = 0u;
    /* the link bit latches low: read twice for the current state */
    return mdio_read(PHY_BMSR, &bmsr) && mdio_read(PHY_BMSR, &bmsr) && (bmsr & PHY_BMSR_LINK) != 0u;
}

void enet_get_stats(enet_stats_t *st)
{
    *st = stats;
}
