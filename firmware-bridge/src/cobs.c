/*
 * cobs.c — COBS encoding and decoding (see cobs.h). Every write is checked against the destination
 * capacity; the streaming decoder holds at most one frame and resynchronises at each 0x00.
 */
#include "cobs.h"

size_t cobs_encode(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_cap)
{
    if (dst_cap < COBS_MAX_ENCODED(n) || dst_cap == 0u) {
        return 0u;
    }
    size_t code_pos = 0u; /* where the current group's code byte goes */
    size_t o = 1u;
    uint8_t code = 1u;    /* group length + 1 */
    for (size_t i = 0u; i < n; i++) {
        if (src[i] == 0u) {
            dst[code_pos] = code;
            code_pos = o++;
            code = 1u;
        } else {
            dst[o++] = src[i];
            code++;
            /* a full group of 254 bytes: close it, and open a new one only if input follows */
            if (code == 0xFFu && i + 1u < n) {
                dst[code_pos] = code;
                code_pos = o++;
                code = 1u;
            }
        }
    }
    dst[code_pos] = code;
    return o;
}

bool cobs_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_cap, size_t *out_len)
{
    cobs_stream_t s;
    cobs_stream_init(&s, dst, dst_cap);
    *out_len = 0u;
    for (size_t i = 0u; i < n; i++) {
        if (src[i] == 0u) {
            return false;
        }
        (void)cobs_stream_push(&s, src[i]);
    }
    if (s.error || s.remaining != 0u || !s.started) {
        return false;
    }
    *out_len = s.len;
    return true;
}

void cobs_stream_init(cobs_stream_t *s, uint8_t *buf, size_t cap)
{
    s->buf = buf;
    s->cap = cap;
    s->len = 0u;
    s->remaining = 0u;
    s->pending_zero = false;
    s->started = false;
    s->error = false;
}

static void stream_reset(cobs_stream_t *s)
{
    s->len = 0u;
    s->remaining = 0u;
    s->pending_zero = false;
    s->started = false;
    s->error = false;
}

static void stream_append(cobs_stream_t *s, uint8_t b)
{
    if (s->len >= s->cap) {
        s->error = true;
        return;
    }
    s->buf[s->len++] = b;
}

cobs_event_t cobs_stream_push(cobs_stream_t *s, uint8_t byte)
{
    if (byte == 0u) {
        if (!s->started) {
            stream_reset(s); /* idle delimiter or empty frame: not an error */
            return COBS_NONE;
        }
        bool bad = s->error || s->remaining != 0u;
        /* the zero owed after the last group is dropped: it is the frame end itself */
        s->started = false;
        s->remaining = 0u;
        s->pending_zero = false;
        s->error = false;
        if (bad) {
            s->len = 0u;
            return COBS_ERROR;
        }
        return COBS_FRAME;
    }
    if (!s->started) {
        s->len = 0u;
        s->started = true;
    }
    if (s->error) {
        return COBS_NONE; /* discard until the delimiter */
    }
    if (s->remaining == 0u) {
        /* code byte: opens a group of byte − 1 data bytes */
        if (s->pending_zero) {
            stream_append(s, 0u);
        }
        s->remaining = (uint8_t)(byte - 1u);
        s->pending_zero = (byte != 0xFFu);
    } else {
        stream_append(s, byte);
        s->remaining--;
    }
    return COBS_NONE;
}
