/*
 * fdcan.c — the three FDCAN controllers of the STM32G474 at register level (RM0440 Rev 8 §44;
 * register facts in regs.h).
 *
 * Per controller: all received frames (standard and extended, no filters) go to Rx FIFO 0; the
 * three Tx buffers run as a priority queue (TXBC.TFQM = 1: the lowest identifier is sent first,
 * RM0440 §44.3.6); every transmitted frame leaves an entry in the Tx event FIFO (EFC = 1). Line 0
 * interrupts drain Rx FIFO 0 and the Tx event FIFO into the CAN event queues the main loop reads
 * (port/cortexm/can_events.h), each entry time stamped with the µs clock. Bit timing from the
 * 80 MHz kernel clock with an 80 % nominal and 75 % data sample point; transmitter delay
 * compensation above 1 Mbit/s in the data phase.
 */
#include <string.h>

#include "board.h"
#include "can_bit_timing.h"
#include "regs.h"

static const uint32_t base[BOARD_CAN_BUSES] = { FDCAN1_BASE, FDCAN2_BASE, FDCAN3_BASE };

/* the three controllers' interrupts share one priority, so they never nest: one queue pair serves
 * them all with a single producer at a time */
static can_events_t *events;
static uint32_t error_events[BOARD_CAN_BUSES];

#define FD(bus, off) REG32(base[bus] + (off))

static uint32_t ram(uint8_t bus)
{
    return SRAMCAN_BASE + (uint32_t)bus * SRAMCAN_SIZE;
}

static void gpio_af(uint32_t port, unsigned pin, uint32_t af)
{
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << (2u * pin))) | (2u << (2u * pin));
    GPIO_OSPEEDR(port) |= 3u << (2u * pin);
    if (pin < 8u) {
        GPIO_AFRL(port) = (GPIO_AFRL(port) & ~(0xFu << (4u * pin))) | (af << (4u * pin));
    } else {
        GPIO_AFRH(port) = (GPIO_AFRH(port) & ~(0xFu << (4u * (pin - 8u)))) | (af << (4u * (pin - 8u)));
    }
}

void can_hw_init(can_events_t *ev)
{
    events = ev;
    RCC_AHB2ENR |= RCC_AHB2ENR_GPIOAEN | RCC_AHB2ENR_GPIOBEN;
    RCC_APB1ENR1 |= RCC_APB1ENR1_FDCANEN;
    (void)RCC_APB1ENR1;
    gpio_af(GPIOB_BASE, 8u, 9u);   /* FDCAN1_RX */
    gpio_af(GPIOB_BASE, 9u, 9u);   /* FDCAN1_TX */
    gpio_af(GPIOB_BASE, 12u, 9u);  /* FDCAN2_RX */
    gpio_af(GPIOB_BASE, 13u, 9u);  /* FDCAN2_TX */
    gpio_af(GPIOA_BASE, 8u, 11u);  /* FDCAN3_RX */
    gpio_af(GPIOA_BASE, 15u, 11u); /* FDCAN3_TX */
    nvic_enable(IRQ_FDCAN1_IT0, 1u);
    nvic_enable(IRQ_FDCAN2_IT0, 1u);
    nvic_enable(IRQ_FDCAN3_IT0, 1u);
}

static bool wait_cccr(uint8_t bus, uint32_t mask, bool set)
{
    return reg_wait(&FD(bus, FDCAN_CCCR), mask, set, 1000000u);
}

bool can_hw_configure(uint8_t bus, const cfg_bus_t *cfg)
{
    if (bus >= BOARD_CAN_BUSES) {
        return false;
    }
    /* nominal: 1 + tseg1 + tseg2 tq, tseg2 = n/5 → 80 % sample point; NTSEG1 ≤ 256 → n ≤ 320 */
    uint32_t np = 0u, nn = 0u;
    if (!can_bit_timing(FDCAN_CLK_HZ, cfg->timing.nominal_bps, 512u, 8u, 320u, &np, &nn)) {
        return false;
    }
    uint32_t ntseg2 = nn / 5u;
    uint32_t ntseg1 = nn - 1u - ntseg2;
    uint32_t nbtp = ((ntseg2 - 1u) << 25) | ((np - 1u) << 16) | ((ntseg1 - 1u) << 8) | (ntseg2 - 1u);
    uint32_t dbtp = 0u;
    uint32_t tdcr = 0u;
    bool brs = (cfg->frame_flags & CAN_FLAG_BRS) != 0u;
    if (brs) {
        /* data: DTSEG1 ≤ 32 → n ≤ 40, DTSEG2 ≤ 16, DBRP ≤ 32; 75 % sample point */
        uint32_t dp = 0u, dn = 0u;
        if (cfg->timing.data_bps > BOARD_MAX_DATA_BPS ||
            !can_bit_timing(FDCAN_CLK_HZ, cfg->timing.data_bps, 32u, 8u, 40u, &dp, &dn)) {
            return false;
        }
        uint32_t dtseg2 = dn / 4u;
        uint32_t dtseg1 = dn - 1u - dtseg2;
        dbtp = ((dp - 1u) << 16) | ((dtseg1 - 1u) << 8) | ((dtseg2 - 1u) << 4) | (dtseg2 - 1u);
        if (cfg->timing.data_bps > 1000000u) {
            /* transmitter delay compensation: secondary sample point at the data sample point */
            dbtp |= FDCAN_DBTP_TDC;
            tdcr = ((dp * (1u + dtseg1)) & 0x7Fu) << 8;
        }
    }

    FD(bus, FDCAN_CCCR) |= FDCAN_CCCR_INIT;
    if (!wait_cccr(bus, FDCAN_CCCR_INIT, true)) {
        return false;
    }
    FD(bus, FDCAN_CCCR) |= FDCAN_CCCR_CCE;
    for (uint32_t off = 0u; off < SRAMCAN_SIZE; off += 4u) {
        REG32(ram(bus) + off) = 0u;
    }
    uint32_t cccr = FD(bus, FDCAN_CCCR) & ~(FDCAN_CCCR_FDOE | FDCAN_CCCR_BRSE);
    if ((cfg->frame_flags & CAN_FLAG_FD) != 0u) {
        cccr |= FDCAN_CCCR_FDOE;
    }
    if (brs) {
        cccr |= FDCAN_CCCR_BRSE;
    }
    FD(bus, FDCAN_CCCR) = cccr;
    FD(bus, FDCAN_NBTP) = nbtp;
    FD(bus, FDCAN_DBTP) = dbtp;
    FD(bus, FDCAN_TDCR) = tdcr;
    /* no filter elements; non-matching standard and extended frames → FIFO 0; reject remote frames */
    FD(bus, FDCAN_RXGFC) = FDCAN_RXGFC_RRFS | FDCAN_RXGFC_RRFE;
    FD(bus, FDCAN_TXBC) = FDCAN_TXBC_TFQM;
    FD(bus, FDCAN_IR) = 0xFFFFFFu;
    FD(bus, FDCAN_IE) = FDCAN_IR_RF0N | FDCAN_IR_TEFN;
    FD(bus, FDCAN_ILS) = 0u;
    FD(bus, FDCAN_ILE) = FDCAN_ILE_EINT0;
    FD(bus, FDCAN_CCCR) &= ~FDCAN_CCCR_INIT;
    return wait_cccr(bus, FDCAN_CCCR_INIT, false);
}

bool can_hw_send(uint8_t bus, const can_frame_t *f)
{
    if (bus >= BOARD_CAN_BUSES || f->len > CAN_MAX_DATA) {
        return false;
    }
    uint32_t fqs = FD(bus, FDCAN_TXFQS);
    if ((fqs & FDCAN_TXFQS_TFQF) != 0u) {
        return false;
    }
    uint32_t idx = (fqs >> 16) & 3u;
    uint32_t el = ram(bus) + SRAMCAN_TFQ + idx * SRAMCAN_ELEM;
    bool ext = (f->flags & CAN_FLAG_EXT) != 0u;
    uint8_t dlc = can_len_to_dlc(f->len);
    uint8_t len = can_dlc_to_len(dlc, (f->flags & CAN_FLAG_FD) != 0u);
    REG32(el) = ext ? ((1u << 30) | (f->id & CAN_EXT_ID_MAX)) : ((f->id & CAN_STD_ID_MAX) << 18);
    REG32(el + 4u) = (idx << 24) | (1u << 23) /* EFC */ | (((f->flags & CAN_FLAG_FD) != 0u) ? (1u << 21) : 0u) |
                     (((f->flags & CAN_FLAG_BRS) != 0u) ? (1u << 20) : 0u) | ((uint32_t)dlc << 16);
    for (uint32_t i = 0u; i < len; i += 4u) {
        uint32_t w = 0u;
        for (uint32_t k = 0u; k < 4u && i + k < len; k++) {
            uint32_t byte = (i + k < f->len) ? f->data[i + k] : 0u;
            w |= byte << (8u * k);
        }
        REG32(el + 8u + i) = w;
    }
    FD(bus, FDCAN_TXBAR) = 1u << idx;
    return true;
}

uint8_t can_hw_abort(uint8_t bus)
{
    if (bus >= BOARD_CAN_BUSES) {
        return 0u;
    }
    /* cancel every pending request; one already on the wire completes (counted here anyway) */
    uint32_t pending = FD(bus, FDCAN_TXBRP) & 7u;
    if (pending != 0u) {
        FD(bus, FDCAN_TXBCR) = pending;
    }
    return (uint8_t)((pending & 1u) + ((pending >> 1) & 1u) + ((pending >> 2) & 1u));
}

void can_hw_status(uint8_t bus, can_status_t *st)
{
    memset(st, 0, sizeof *st);
    if (bus >= BOARD_CAN_BUSES) {
        return;
    }
    uint32_t psr = FD(bus, FDCAN_PSR); /* reading resets LEC to 7 ("no change") */
    uint32_t ecr = FD(bus, FDCAN_ECR);
    uint32_t lec = psr & FDCAN_PSR_LEC_MASK;
    if (lec != 0u && lec != 7u) {
        error_events[bus]++;
    }
    st->tec = (uint8_t)(ecr & 0xFFu);
    st->rec = (uint8_t)((ecr >> 8) & 0x7Fu);
    st->error_events = error_events[bus];
    if ((psr & FDCAN_PSR_BO) != 0u) {
        st->state = BUS_STATE_OFF;
    } else if ((psr & FDCAN_PSR_EP) != 0u) {
        st->state = BUS_STATE_PASSIVE;
    } else if ((psr & FDCAN_PSR_EW) != 0u) {
        st->state = BUS_STATE_WARNING;
    } else {
        st->state = BUS_STATE_ACTIVE;
    }
}

void can_hw_recover(uint8_t bus)
{
    /* after bus-off the controller sets INIT; clearing it starts the 129 × 11 recessive-bit wait */
    if (bus < BOARD_CAN_BUSES && (FD(bus, FDCAN_CCCR) & FDCAN_CCCR_INIT) != 0u) {
        FD(bus, FDCAN_CCCR) &= ~FDCAN_CCCR_INIT;
    }
}

static void isr(uint8_t bus)
{
    uint32_t ir = FD(bus, FDCAN_IR);
    FD(bus, FDCAN_IR) = ir & (FDCAN_IR_RF0N | FDCAN_IR_TEFN);
    uint32_t now = clock_now_us();
    for (uint32_t guard = 0u; guard < 8u; guard++) {
        uint32_t s = FD(bus, FDCAN_RXF0S);
        if ((s & 0xFu) == 0u) {
            break;
        }
        uint32_t idx = (s >> 8) & 3u;
        uint32_t el = ram(bus) + SRAMCAN_RF0 + idx * SRAMCAN_ELEM;
        uint32_t r0 = REG32(el);
        uint32_t r1 = REG32(el + 4u);
        bool ext = (r0 & (1u << 30)) != 0u;
        bool fd = (r1 & (1u << 21)) != 0u;
        can_frame_t f;
        f.id = ext ? (r0 & CAN_EXT_ID_MAX) : ((r0 >> 18) & CAN_STD_ID_MAX);
        f.flags = (uint8_t)((ext ? CAN_FLAG_EXT : 0u) | (fd ? CAN_FLAG_FD : 0u) |
                            (((r1 & (1u << 20)) != 0u) ? CAN_FLAG_BRS : 0u));
        f.len = can_dlc_to_len((uint8_t)((r1 >> 16) & 0xFu), fd);
        for (uint32_t i = 0u; i < f.len; i += 4u) {
            uint32_t w = REG32(el + 8u + i);
            for (uint32_t k = 0u; k < 4u && i + k < f.len; k++) {
                f.data[i + k] = (uint8_t)(w >> (8u * k));
            }
        }
        (void)can_events_push_rx(events, bus, &f, now);
        FD(bus, FDCAN_RXF0A) = idx;
    }
    for (uint32_t guard = 0u; guard < 4u; guard++) {
        uint32_t s = FD(bus, FDCAN_TXEFS);
        if ((s & 7u) == 0u) {
            break;
        }
        uint32_t idx = (s >> 8) & 3u;
        uint32_t e0 = REG32(ram(bus) + SRAMCAN_TEF + idx * 8u);
        bool ext = (e0 & (1u << 30)) != 0u;
        uint32_t id = ext ? (e0 & CAN_EXT_ID_MAX) : ((e0 >> 18) & CAN_STD_ID_MAX);
        (void)can_events_push_tx_done(events, bus, id, ext, now);
        FD(bus, FDCAN_TXEFA) = idx;
    }
}

void fdcan1_it0_isr(void)
{
    isr(0u);
}

void fdcan2_it0_isr(void)
{
    isr(1u);
}

void fdcan3_it0_isr(void)
{
    isr(2u);
}
