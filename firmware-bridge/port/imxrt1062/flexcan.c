/*
 * flexcan.c — the three FlexCAN controllers of the i.MX RT1062 as classic CAN (ISO 11898-1, 8-byte
 * frames; FlexCAN3's FD mode stays off). Register facts: regs.h (IMXRT1060RM Rev. 3, chapter FLEXCAN).
 *
 * Per controller:
 *   MB 0–5   legacy Rx FIFO (6 frames deep), MB 6–7 its ID filter table (8 elements); the FIFO's
 *            global mask RXFGMASK = 0 accepts every standard and extended identifier;
 *   MB 8     kept inactive: the first valid MB, written inactive after every transmit request as the
 *            workaround for the FlexCAN erratum that can skip a transmit request enabled during
 *            arbitration (NXP i.MX RT1060 errata ERR005829);
 *   MB 9–11  three transmit buffers, arbitrated by identifier (CTRL1.LBUF = 0: the lowest identifier
 *            goes first, as on the bus; the same three-buffer priority queue the STM32G4 port and the
 *            emulation have).
 * Interrupts move frames into the CAN event queues the main loop reads (port/cortexm/can_events.h),
 * each entry time stamped with the µs clock:
 * the FIFO's "frame available" flag and each transmit MB's flag (transmitted, or aborted with
 * MCR.AEN = 1, told apart by the code left in the MB). Error state and counters are polled
 * (ECR, ESR1). Bus-off recovery is manual (CTRL1.BOFFREC = 1): the core asks for it and
 * can_hw_recover lets the controller run the 128 × 11 recessive-bit sequence.
 * Bit timing from the 80 MHz CAN clock: n = 8…21 time quanta per bit, 80 % nominal sample point
 * (1 Mbit/s: prescaler 4, 20 tq = 1 + PROPSEG 8 + PSEG1 7 + PSEG2 4).
 */
#include <stdatomic.h>
#include <string.h>

#include "board.h"
#include "can_bit_timing.h"
#include "regs.h"

#define MB_RESERVED 8u
#define MB_TX0 9u
#define N_TX 3u
#define TX_MASK (((1u << N_TX) - 1u) << MB_TX0)

static const uint32_t base[BOARD_CAN_BUSES] = { FLEXCAN1_BASE, FLEXCAN2_BASE, FLEXCAN3_BASE };

/* the three controllers' interrupts share one priority, so they never nest: one queue pair serves
 * them all with a single producer at a time */
static can_events_t *events;
static _Atomic uint32_t tx_busy[BOARD_CAN_BUSES]; /* MB bits handed to the controller, not yet flagged */
static uint32_t error_events[BOARD_CAN_BUSES];
static bool recovering[BOARD_CAN_BUSES];
static bool configured[BOARD_CAN_BUSES];

#define CAN(bus, off) REG32(base[bus] + (off))

void can_hw_init(can_events_t *ev)
{
    events = ev;
    CCM_CCGR0 |= CCGR0_CAN1 | CCGR0_CAN1_SERIAL | CCGR0_CAN2 | CCGR0_CAN2_SERIAL;
    CCM_CCGR7 |= CCGR7_CAN3 | CCGR7_CAN3_SERIAL;
    uint32_t tx_pad = PAD_SRE | PAD_DSE(6u) | PAD_SPEED(2u);
    uint32_t rx_pad = PAD_HYS | PAD_PUS(2u) | PAD_PUE | PAD_PKE | PAD_SPEED(2u);
    /* CAN1: pin 22 GPIO_AD_B1_08 TX, pin 23 GPIO_AD_B1_09 RX, ALT2 */
    IOMUXC_PAD(PAD_AD_B1(8u)) = tx_pad;
    IOMUXC_PAD(PAD_AD_B1(9u)) = rx_pad;
    IOMUXC_MUX(PAD_AD_B1(8u)) = 2u;
    IOMUXC_MUX(PAD_AD_B1(9u)) = 2u | MUX_SION;
    IOMUXC_FLEXCAN1_RX_SELECT_INPUT = 2u; /* GPIO_AD_B1_09_ALT2 */
    /* CAN2: pin 1 GPIO_AD_B0_02 TX, pin 0 GPIO_AD_B0_03 RX, ALT0 */
    IOMUXC_PAD(PAD_AD_B0(2u)) = tx_pad;
    IOMUXC_PAD(PAD_AD_B0(3u)) = rx_pad;
    IOMUXC_MUX(PAD_AD_B0(2u)) = 0u;
    IOMUXC_MUX(PAD_AD_B0(3u)) = 0u | MUX_SION;
    IOMUXC_FLEXCAN2_RX_SELECT_INPUT = 1u; /* GPIO_AD_B0_03_ALT0 */
    /* CAN3: pin 31 GPIO_EMC_36 TX, pin 30 GPIO_EMC_37 RX, ALT9 */
    IOMUXC_PAD(PAD_EMC(36u)) = tx_pad;
    IOMUXC_PAD(PAD_EMC(37u)) = rx_pad;
    IOMUXC_MUX(PAD_EMC(36u)) = 9u;
    IOMUXC_MUX(PAD_EMC(37u)) = 9u | MUX_SION;
    IOMUXC_CANFD_IPP_IND_CANRX_SELECT_INPUT = 0u; /* GPIO_EMC_37_ALT9 */
    nvic_enable(IRQ_CAN1, 1u);
    nvic_enable(IRQ_CAN2, 1u);
    nvic_enable(IRQ_CAN3, 1u);
}

/* n ≤ 21 so that tseg1 = n − 1 − n/5 fits PROPSEG + PSEG1 (8 + 8 tq); n ≥ 8 as the manual's minimum
 * bit time; PRESDIV + 1 ≤ 256 */
#define MAX_PRESCALER 256u
#define MIN_TQ 8u
#define MAX_TQ 21u

static bool wait_mcr(uint8_t bus, uint32_t mask, bool set)
{
    return reg_wait(&CAN(bus, CAN_MCR), mask, set, 1000000u);
}

bool can_hw_configure(uint8_t bus, const cfg_bus_t *cfg)
{
    if (bus >= BOARD_CAN_BUSES || (cfg->frame_flags & (CAN_FLAG_FD | CAN_FLAG_BRS)) != 0u) {
        return false; /* classic CAN only */
    }
    /* tseg2 = n/5 → 80 % sample point; tseg1 = propseg + pseg1, each 1…8 tq; pseg2 2…8 tq */
    uint32_t p = 0u, n = 0u;
    if (!can_bit_timing(CAN_CLK_HZ, cfg->timing.nominal_bps, MAX_PRESCALER, MIN_TQ, MAX_TQ, &p, &n)) {
        return false;
    }
    uint32_t pseg2 = n / 5u;
    if (pseg2 < 2u) {
        pseg2 = 2u;
    }
    uint32_t tseg1 = n - 1u - pseg2;
    uint32_t pseg1 = tseg1 / 2u;
    uint32_t prop = tseg1 - pseg1;
    if (pseg1 < 1u || pseg1 > 8u || prop > 8u || pseg2 > 8u) {
        return false;
    }
    uint32_t rjw = pseg2 < 4u ? pseg2 : 4u;
    uint32_t ctrl1 = ((p - 1u) << CAN_CTRL1_PRESDIV_SHIFT) | ((rjw - 1u) << CAN_CTRL1_RJW_SHIFT) |
                     ((pseg1 - 1u) << CAN_CTRL1_PSEG1_SHIFT) | ((pseg2 - 1u) << CAN_CTRL1_PSEG2_SHIFT) |
                     ((prop - 1u) << CAN_CTRL1_PROPSEG_SHIFT) | CAN_CTRL1_BOFFREC;

    /* enable the module, soft reset, freeze */
    configured[bus] = false;
    CAN(bus, CAN_MCR) &= ~CAN_MCR_MDIS;
    if (!wait_mcr(bus, CAN_MCR_LPMACK, false)) {
        return false;
    }
    CAN(bus, CAN_MCR) |= CAN_MCR_SOFTRST;
    if (!wait_mcr(bus, CAN_MCR_SOFTRST, false)) {
        return false;
    }
    CAN(bus, CAN_MCR) |= CAN_MCR_FRZ | CAN_MCR_HALT;
    if (!wait_mcr(bus, CAN_MCR_FRZACK, true)) {
        return false;
    }

    CAN(bus, CAN_MCR) = CAN_MCR_FRZ | CAN_MCR_HALT | CAN_MCR_RFEN | CAN_MCR_SRXDIS | CAN_MCR_AEN |
                        CAN_MCR_WRNEN | (MB_TX0 + N_TX - 1u);
    CAN(bus, CAN_CTRL1) = ctrl1;
    /* CTRL2 keeps its reset value: RFFN = 0 (8 filter elements), TASD as the manual recommends */
    for (uint32_t mb = 0u; mb < CAN_MB_COUNT; mb++) {
        for (uint32_t w = 0u; w < 16u; w += 4u) {
            CAN(bus, CAN_MB(mb) + w) = 0u; /* also the filter table in MB 6–7 */
        }
        CAN(bus, CAN_RXIMR(mb)) = 0u;
    }
    CAN(bus, CAN_RXMGMASK) = 0u;
    CAN(bus, CAN_RX14MASK) = 0u;
    CAN(bus, CAN_RX15MASK) = 0u;
    CAN(bus, CAN_RXFGMASK) = 0u;
    for (uint32_t mb = MB_RESERVED; mb < MB_TX0 + N_TX; mb++) {
        CAN(bus, CAN_MB(mb)) = MB_CODE_TX_INACTIVE << MB_CS_CODE_SHIFT;
    }
    CAN(bus, CAN_IFLAG1) = 0xFFFFFFFFu;
    CAN(bus, CAN_IFLAG2) = 0xFFFFFFFFu;
    CAN(bus, CAN_IMASK2) = 0u;
    CAN(bus, CAN_IMASK1) = CAN_IFLAG1_FIFO_AVAIL | CAN_IFLAG1_FIFO_OVF | TX_MASK;
    atomic_store_explicit(&tx_busy[bus], 0u, memory_order_relaxed);
    error_events[bus] = 0u;
    recovering[bus] = false;

    CAN(bus, CAN_MCR) &= ~(CAN_MCR_FRZ | CAN_MCR_HALT);
    if (!wait_mcr(bus, CAN_MCR_FRZACK, false) || !wait_mcr(bus, CAN_MCR_NOTRDY, false)) {
        return false;
    }
    configured[bus] = true;
    return true;
}

static void put_data(uint32_t mb_addr, const uint8_t *d, uint8_t len)
{
    /* payload bytes are big-endian in the two data words: byte 0 in bits 31:24 of word 2 */
    uint32_t w[2] = { 0u, 0u };
    for (uint32_t i = 0u; i < len && i < 8u; i++) {
        w[i / 4u] |= (uint32_t)d[i] << (24u - 8u * (i % 4u));
    }
    REG32(mb_addr + 8u) = w[0];
    REG32(mb_addr + 12u) = w[1];
}

bool can_hw_send(uint8_t bus, const can_frame_t *f)
{
    if (bus >= BOARD_CAN_BUSES || !configured[bus] || f->len > 8u ||
        (f->flags & (CAN_FLAG_FD | CAN_FLAG_BRS)) != 0u) {
        return false;
    }
    uint32_t busy = atomic_load_explicit(&tx_busy[bus], memory_order_acquire);
    uint32_t mb = MB_TX0;
    while (mb < MB_TX0 + N_TX && (busy & (1u << mb)) != 0u) {
        mb++;
    }
    if (mb == MB_TX0 + N_TX) {
        return false;
    }
    atomic_fetch_or_explicit(&tx_busy[bus], 1u << mb, memory_order_acq_rel);
    uint32_t a = base[bus] + CAN_MB(mb);
    bool ext = (f->flags & CAN_FLAG_EXT) != 0u;
    REG32(a) = MB_CODE_TX_INACTIVE << MB_CS_CODE_SHIFT;
    REG32(a + 4u) = ext ? (f->id & CAN_EXT_ID_MAX) : ((f->id & CAN_STD_ID_MAX) << MB_ID_STD_SHIFT);
    put_data(a, f->data, f->len);
    REG32(a) = (MB_CODE_TX_DATA << MB_CS_CODE_SHIFT) | (ext ? (MB_CS_IDE | MB_CS_SRR) : 0u) |
               ((uint32_t)f->len << MB_CS_DLC_SHIFT);
    /* ERR005829 workaround: write the reserved first valid MB inactive, twice */
    CAN(bus, CAN_MB(MB_RESERVED)) = MB_CODE_TX_INACTIVE << MB_CS_CODE_SHIFT;
    CAN(bus, CAN_MB(MB_RESERVED)) = MB_CODE_TX_INACTIVE << MB_CS_CODE_SHIFT;
    return true;
}

uint8_t can_hw_abort(uint8_t bus)
{
    if (bus >= BOARD_CAN_BUSES || !configured[bus]) {
        return 0u;
    }
    /* request an abort of every pending transmit MB; one already on the wire completes and is
     * then reported transmitted (counted here anyway, as on the STM32G4 port) */
    uint32_t busy = atomic_load_explicit(&tx_busy[bus], memory_order_acquire);
    uint8_t n = 0u;
    for (uint32_t mb = MB_TX0; mb < MB_TX0 + N_TX; mb++) {
        if ((busy & (1u << mb)) != 0u) {
            uint32_t a = base[bus] + CAN_MB(mb);
            uint32_t pm = irq_save();
            uint32_t cs = REG32(a);
            if (((cs & MB_CS_CODE_MASK) >> MB_CS_CODE_SHIFT) == MB_CODE_TX_DATA) {
                REG32(a) = (cs & ~MB_CS_CODE_MASK) | (MB_CODE_TX_ABORT << MB_CS_CODE_SHIFT);
                n++;
            }
            irq_restore(pm);
        }
    }
    return n;
}

void can_hw_status(uint8_t bus, can_status_t *st)
{
    memset(st, 0, sizeof *st);
    if (bus >= BOARD_CAN_BUSES || !configured[bus]) {
        return;
    }
    uint32_t esr1 = CAN(bus, CAN_ESR1); /* reading clears the error bits */
    uint32_t ecr = CAN(bus, CAN_ECR);
    if ((esr1 & CAN_ESR1_ERRORS) != 0u) {
        error_events[bus]++;
    }
    st->tec = (uint8_t)(ecr & 0xFFu);
    st->rec = (uint8_t)((ecr >> 8) & 0xFFu);
    st->error_events = error_events[bus];
    uint32_t fltconf = (esr1 >> CAN_ESR1_FLTCONF_SHIFT) & 3u;
    if (fltconf >= 2u) {
        st->state = BUS_STATE_OFF;
    } else if (fltconf == 1u) {
        st->state = BUS_STATE_PASSIVE;
    } else if ((esr1 & (CAN_ESR1_TXWRN | CAN_ESR1_RXWRN)) != 0u) {
        st->state = BUS_STATE_WARNING;
    } else {
        st->state = BUS_STATE_ACTIVE;
    }
    if (recovering[bus] && st->state != BUS_STATE_OFF) {
        CAN(bus, CAN_CTRL1) |= CAN_CTRL1_BOFFREC; /* back to manual recovery for the next bus-off */
        recovering[bus] = false;
    }
}

void can_hw_recover(uint8_t bus)
{
    /* with BOFFREC cleared the controller leaves bus-off after 128 × 11 recessive bits */
    if (bus < BOARD_CAN_BUSES && configured[bus]) {
        CAN(bus, CAN_CTRL1) &= ~CAN_CTRL1_BOFFREC;
        recovering[bus] = true;
    }
}

static void push_rx(uint8_t bus, uint32_t a, uint32_t now)
{
    uint32_t cs = REG32(a);
    uint32_t id = REG32(a + 4u);
    uint32_t w0 = REG32(a + 8u);
    uint32_t w1 = REG32(a + 12u);
    if ((cs & MB_CS_RTR) != 0u) {
        return; /* remote frames carry no drive reply */
    }
    bool ext = (cs & MB_CS_IDE) != 0u;
    uint32_t dlc = (cs >> MB_CS_DLC_SHIFT) & 0xFu;
    can_frame_t f;
    f.id = ext ? (id & CAN_EXT_ID_MAX) : ((id >> MB_ID_STD_SHIFT) & CAN_STD_ID_MAX);
    f.flags = ext ? CAN_FLAG_EXT : 0u;
    f.len = (uint8_t)(dlc > 8u ? 8u : dlc);
    for (uint32_t i = 0u; i < 8u; i++) {
        uint32_t w = i < 4u ? w0 : w1;
        f.data[i] = (uint8_t)(w >> (24u - 8u * (i % 4u)));
    }
    (void)can_events_push_rx(events, bus, &f, now);
}

static void isr(uint8_t bus)
{
    uint32_t now = clock_now_us();
    uint32_t flags = CAN(bus, CAN_IFLAG1) & CAN(bus, CAN_IMASK1);
    for (uint32_t guard = 0u; guard < 8u && (CAN(bus, CAN_IFLAG1) & CAN_IFLAG1_FIFO_AVAIL) != 0u; guard++) {
        push_rx(bus, base[bus] + CAN_MB(0u), now);
        CAN(bus, CAN_IFLAG1) = CAN_IFLAG1_FIFO_AVAIL; /* pops the FIFO */
    }
    if ((flags & CAN_IFLAG1_FIFO_OVF) != 0u) {
        CAN(bus, CAN_IFLAG1) = CAN_IFLAG1_FIFO_OVF | CAN_IFLAG1_FIFO_WARN;
        can_events_count_lost(events);
    }
    uint32_t done = flags & TX_MASK;
    for (uint32_t mb = MB_TX0; done != 0u && mb < MB_TX0 + N_TX; mb++) {
        if ((done & (1u << mb)) == 0u) {
            continue;
        }
        uint32_t a = base[bus] + CAN_MB(mb);
        uint32_t cs = REG32(a);
        uint32_t id = REG32(a + 4u);
        CAN(bus, CAN_IFLAG1) = 1u << mb;
        atomic_fetch_and_explicit(&tx_busy[bus], ~(1u << mb), memory_order_acq_rel);
        if (((cs & MB_CS_CODE_MASK) >> MB_CS_CODE_SHIFT) == MB_CODE_TX_ABORT) {
            continue; /* cancelled before it reached the wire */
        }
        bool ext = (cs & MB_CS_IDE) != 0u;
        uint32_t tx_id = ext ? (id & CAN_EXT_ID_MAX) : ((id >> MB_ID_STD_SHIFT) & CAN_STD_ID_MAX);
        (void)can_events_push_tx_done(events, bus, tx_id, ext, now);
    }
    (void)CAN(bus, CAN_TIMER); /* unlock the last MB read */
}

void can1_isr(void)
{
    isr(0u);
}

void can2_isr(void)
{
    isr(1u);
}

void can3_isr(void)
{
    isr(2u);
}
