/*
 * frame.c — frame envelope: header, CRC-32C, COBS (PROTOCOL.md §2).
 */
#include "frame.h"

#include "crc32c.h"
#include "le.h"

bool frame_type_known(uint8_t type)
{
    switch (type) {
    case MSG_HELLO:
    case MSG_INFO:
    case MSG_CONFIG:
    case MSG_CONFIG_ACK:
    case MSG_HEARTBEAT:
    case MSG_COMMAND:
    case MSG_STATE:
    case MSG_DIAG:
    case MSG_FAULT:
        return true;
    default:
        return false;
    }
}

size_t frame_finish(uint8_t *raw, size_t cap, const frame_header_t *h)
{
    size_t len = (size_t)FRAME_OVERHEAD + h->body_len;
    if (len > FRAME_MAX_RAW || len > cap) {
        return 0u;
    }
    raw[0] = FRAME_VERSION;
    raw[1] = h->type;
    le_put_u16(raw + 2, h->body_len);
    le_put_u32(raw + 4, h->seq);
    le_put_u32(raw + 8, h->t_us);
    size_t crc_at = (size_t)FRAME_HEADER_LEN + h->body_len;
    le_put_u32(raw + crc_at, crc32c(raw, crc_at));
    return len;
}

frame_status_t frame_check(const uint8_t *raw, size_t len, frame_header_t *h)
{
    if (len < FRAME_OVERHEAD) {
        return FRAME_ERR_SHORT;
    }
    if (len > FRAME_MAX_RAW) {
        return FRAME_ERR_LONG;
    }
    size_t crc_at = len - FRAME_CRC_LEN;
    if (crc32c(raw, crc_at) != le_get_u32(raw + crc_at)) {
        return FRAME_ERR_CRC;
    }
    h->version = raw[0];
    h->type = raw[1];
    h->body_len = le_get_u16(raw + 2);
    h->seq = le_get_u32(raw + 4);
    h->t_us = le_get_u32(raw + 8);
    if (h->version != FRAME_VERSION) {
        return FRAME_ERR_VERSION;
    }
    if (!frame_type_known(h->type)) {
        return FRAME_ERR_TYPE;
    }
    if ((size_t)h->body_len != len - FRAME_OVERHEAD) {
        return FRAME_ERR_LENGTH;
    }
    return FRAME_OK;
}

size_t frame_to_wire(const uint8_t *raw, size_t len, uint8_t *wire, size_t cap)
{
    if (cap < 2u) {
        return 0u;
    }
    size_t n = cobs_encode(raw, len, wire, cap - 1u);
    if (n == 0u) {
        return 0u;
    }
    wire[n] = 0u;
    return n + 1u;
}
