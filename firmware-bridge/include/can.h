/*
 * can.h — CAN / CAN FD data frames as the core and the ports exchange them, DLC coding, and the
 * worst-case frame durations used for tick budgets and by the emulated buses (PROTOCOL.md §4).
 */
#ifndef CB_CAN_H
#define CB_CAN_H

#include <stdbool.h>
#include <stdint.h>

#define CAN_MAX_DATA 64u

#define CAN_FLAG_EXT 0x01u /* 29-bit identifier */
#define CAN_FLAG_FD 0x02u  /* FD frame format (FDF) */
#define CAN_FLAG_BRS 0x04u /* bit-rate switch in the data phase (FD only) */

#define CAN_STD_ID_MAX 0x7FFu
#define CAN_EXT_ID_MAX 0x1FFFFFFFu

typedef struct {
    uint32_t id;    /* 11- or 29-bit identifier */
    uint8_t len;    /* data bytes: 0..8 classic; 0..8,12,16,20,24,32,48,64 FD */
    uint8_t flags;  /* CAN_FLAG_* */
    uint8_t data[CAN_MAX_DATA];
} can_frame_t;

typedef struct {
    uint32_t nominal_bps; /* arbitration-phase bit rate */
    uint32_t data_bps;    /* data-phase bit rate (FD with BRS), else ignored */
} can_timing_t;

/* DLC code for a payload length (FD lengths round up to the next valid size); len ≤ 64 */
uint8_t can_len_to_dlc(uint8_t len);
/* payload length of a DLC code 0..15 in FD format; classic frames cap at 8 */
uint8_t can_dlc_to_len(uint8_t dlc, bool fd);
/* smallest valid length ≥ len for the frame format */
uint8_t can_round_len(uint8_t len, bool fd);

/*
 * Worst-case duration in ns of one data frame, bit stuffing included, intermission included.
 * Classic: bits = g + 8n + 13 + floor((g + 8n − 1) / 4), g = 34 (11-bit id) or 54 (29-bit id)
 * (Davis, Burns, Bril, Lukkien, Real-Time Systems 35, 2007, eq. 2).
 * FD (ISO 11898-1:2015): arbitration bits and their maximum dynamic stuff bits at the nominal rate,
 * the rest of the dynamic-stuffed span (ESI, DLC, data), stuff count, CRC-17/21 and fixed stuff bits
 * at the data rate when BRS is set, and CRC delimiter … intermission (13 bits) at the nominal rate.
 * Returns UINT32_MAX for an invalid bit rate.
 */
uint32_t can_frame_worst_ns(const can_timing_t *t, uint8_t flags, uint8_t len);

/* worst-case bit count of a classic frame (exposed for tests: 8-byte standard frame = 135) */
uint32_t can_classic_worst_bits(bool ext, uint8_t len);

/*
 * Arbitration key: lower wins on the bus. Encodes the identifier bits in transmission order with
 * the RTR/SRR and IDE bits, so a standard frame beats an extended one with the same base id.
 */
uint32_t can_arbitration_key(uint32_t id, bool ext);

#endif
