/*
 * can_bit_timing.h — the time-quantum split of a CAN bit rate, shared by the FDCAN and FlexCAN
 * drivers: prescaler p and time quanta per bit n with n · p · bps = clock exactly, the smallest p
 * (the most quanta per bit, so the finest sample-point placement) whose n lies in the controller's
 * range. How n divides into segments is the driver's (ISO 11898-1 bit time: sync segment 1 tq +
 * tseg1 + tseg2).
 */
#ifndef CB_CAN_BIT_TIMING_H
#define CB_CAN_BIT_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* false: bps is 0 or no p ≤ max_p gives an exact n in [min_n, max_n] */
bool can_bit_timing(uint32_t clock_hz, uint32_t bps, uint32_t max_p, uint32_t min_n, uint32_t max_n, uint32_t *p,
                    uint32_t *n);

#endif
