/*
 * can_bit_timing.c — prescaler and quanta per bit for a CAN bit rate (see can_bit_timing.h).
 */
#include "can_bit_timing.h"

bool can_bit_timing(uint32_t clock_hz, uint32_t bps, uint32_t max_p, uint32_t min_n, uint32_t max_n, uint32_t *p,
                    uint32_t *n)
{
    if (bps == 0u) {
        return false;
    }
    for (uint32_t pp = 1u; pp <= max_p; pp++) {
        if (clock_hz % (pp * bps) != 0u) {
            continue;
        }
        uint32_t nn = clock_hz / (pp * bps);
        if (nn >= min_n && nn <= max_n) {
            *p = pp;
            *n = nn;
            return true;
        }
        if (nn < min_n) {
            return false; /* n only shrinks as p grows */
        }
    }
    return false;
}
