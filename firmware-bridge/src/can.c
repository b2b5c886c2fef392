/*
 * can.c — DLC coding and worst-case CAN / CAN FD frame durations (see can.h for the formulas).
 */
#include "can.h"

static const uint8_t fd_len_of_dlc[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64 };

uint8_t can_len_to_dlc(uint8_t len)
{
    for (uint8_t dlc = 0u; dlc < 16u; dlc++) {
        if (fd_len_of_dlc[dlc] >= len) {
            return dlc;
        }
    }
    return 15u;
}

uint8_t can_dlc_to_len(uint8_t dlc, bool fd)
{
    uint8_t d = (uint8_t)(dlc & 0x0Fu);
    if (!fd) {
        return d > 8u ? 8u : d;
    }
    return fd_len_of_dlc[d];
}

uint8_t can_round_len(uint8_t len, bool fd)
{
    if (!fd) {
        return len > 8u ? 8u : len;
    }
    return fd_len_of_dlc[can_len_to_dlc(len)];
}

uint32_t can_classic_worst_bits(bool ext, uint8_t len)
{
    uint32_t n = len > 8u ? 8u : len;
    uint32_t g = ext ? 54u : 34u;
    return g + 8u * n + 13u + (g + 8u * n - 1u) / 4u;
}

/* ceil(bits * 1e9 / bps) without overflow for bits < 2^20 */
static uint64_t bits_to_ns(uint32_t bits, uint32_t bps)
{
    return ((uint64_t)bits * 1000000000u + (uint64_t)bps - 1u) / (uint64_t)bps;
}

uint32_t can_frame_worst_ns(const can_timing_t *t, uint8_t flags, uint8_t len)
{
    bool ext = (flags & CAN_FLAG_EXT) != 0u;
    if (t->nominal_bps == 0u) {
        return UINT32_MAX;
    }
    if ((flags & CAN_FLAG_FD) == 0u) {
        return (uint32_t)bits_to_ns(can_classic_worst_bits(ext, len), t->nominal_bps);
    }
    bool brs = (flags & CAN_FLAG_BRS) != 0u;
    if (brs && t->data_bps == 0u) {
        return UINT32_MAX;
    }
    uint32_t n = can_round_len(len, true);
    /* SOF, id, RRS, IDE, FDF, res, BRS (29-bit: SOF, base id, SRR, IDE, id ext, RRS, FDF, res, BRS) */
    uint32_t arb = ext ? 36u : 17u;
    uint32_t span = arb + 5u + 8u * n; /* dynamic-stuffed: SOF … end of data */
    uint32_t stuff_all = (span - 1u) / 4u;
    uint32_t stuff_arb = (arb - 1u) / 4u;
    if (stuff_arb > stuff_all) {
        stuff_arb = stuff_all;
    }
    uint32_t crc = n <= 16u ? 17u : 21u;
    uint32_t fixed_stuff = n <= 16u ? 6u : 7u;
    uint32_t nominal_bits = arb + stuff_arb + 13u;
    uint32_t data_bits = 5u + 8u * n + (stuff_all - stuff_arb) + 4u + crc + fixed_stuff;
    uint64_t ns = bits_to_ns(nominal_bits, t->nominal_bps) +
                  bits_to_ns(data_bits, brs ? t->data_bps : t->nominal_bps);
    return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

uint32_t can_arbitration_key(uint32_t id, bool ext)
{
    if (!ext) {
        /* base id, then RTR = 0 and IDE = 0 (dominant) */
        return (id & CAN_STD_ID_MAX) << 20;
    }
    /* base id (top 11 of 29), SRR = 1, IDE = 1 (recessive), then the 18-bit extension */
    uint32_t base = (id >> 18) & CAN_STD_ID_MAX;
    return (base << 20) | (3u << 18) | (id & 0x3FFFFu);
}
