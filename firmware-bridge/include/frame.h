/*
 * frame.h — bridge frame envelope (PROTOCOL.md §2): 12-byte header, body, CRC-32C, COBS + 0x00.
 *
 * raw := header(12) body crc(4), 16 ≤ len(raw) ≤ FRAME_MAX_RAW. Builders write the body at
 * raw + FRAME_HEADER_LEN and call frame_finish; receivers run frame_check on each decoded raw frame.
 */
#ifndef CB_FRAME_H
#define CB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cobs.h"

#define FRAME_VERSION 1u
#define FRAME_HEADER_LEN 12u
#define FRAME_CRC_LEN 4u
#define FRAME_OVERHEAD (FRAME_HEADER_LEN + FRAME_CRC_LEN)
#define FRAME_MAX_RAW 640u
#define FRAME_MAX_BODY (FRAME_MAX_RAW - FRAME_OVERHEAD)
#define FRAME_MAX_WIRE (COBS_MAX_ENCODED(FRAME_MAX_RAW) + 1u)

enum {
    MSG_HELLO = 0x01,
    MSG_INFO = 0x02,
    MSG_CONFIG = 0x03,
    MSG_CONFIG_ACK = 0x04,
    MSG_HEARTBEAT = 0x05,
    MSG_COMMAND = 0x10,
    MSG_STATE = 0x11,
    MSG_DIAG = 0x20,
    MSG_FAULT = 0x21
};

typedef struct {
    uint8_t version;
    uint8_t type;
    uint16_t body_len;
    uint32_t seq;
    uint32_t t_us;
} frame_header_t;

typedef enum {
    FRAME_OK = 0,
    FRAME_ERR_SHORT,   /* fewer than 16 bytes */
    FRAME_ERR_LONG,    /* more than FRAME_MAX_RAW bytes */
    FRAME_ERR_CRC,
    FRAME_ERR_VERSION, /* header filled in; HELLO is still answered */
    FRAME_ERR_TYPE,
    FRAME_ERR_LENGTH   /* body_len disagrees with the decoded length */
} frame_status_t;

bool frame_type_known(uint8_t type);

/*
 * raw[FRAME_HEADER_LEN .. + h->body_len) holds the body. Writes the header (version forced to
 * FRAME_VERSION, body_len from h) and the CRC; returns len(raw) or 0 if it would not fit in cap or
 * exceed FRAME_MAX_RAW.
 */
size_t frame_finish(uint8_t *raw, size_t cap, const frame_header_t *h);

/* checks of PROTOCOL.md §2.2 steps 2–4; fills *h whenever the CRC is good */
frame_status_t frame_check(const uint8_t *raw, size_t len, frame_header_t *h);

/* COBS-encodes raw and appends 0x00; returns wire length or 0 if cap is too small */
size_t frame_to_wire(const uint8_t *raw, size_t len, uint8_t *wire, size_t cap);

#endif
