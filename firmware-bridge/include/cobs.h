/*
 * cobs.h — Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM Trans. Networking 7(2),
 * 1999): one-shot encoder/decoder and a streaming decoder for bytes that arrive in arbitrary chunks.
 *
 * Encoded data never contains 0x00; the bridge protocol ends each frame with one 0x00 (PROTOCOL.md
 * §2). A group that ends exactly on a 254-byte boundary at the end of the input is not followed by
 * an extra 0x01 code byte; the decoders accept both forms.
 */
#ifndef CB_COBS_H
#define CB_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* worst-case encoded size of n input bytes, without the 0x00 delimiter */
#define COBS_MAX_ENCODED(n) ((n) + ((n) / 254u) + 1u)

/* encode src[0..n) into dst; returns bytes written (≥ 1), 0 if dst_cap is too small */
size_t cobs_encode(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_cap);

/* decode one encoded block (no delimiter) into dst; returns false on malformed input or overflow */
bool cobs_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_cap, size_t *out_len);

typedef enum {
    COBS_NONE = 0, /* byte consumed, no frame boundary */
    COBS_FRAME,    /* a frame ended: buf[0..len) holds it until the next push */
    COBS_ERROR     /* a frame ended malformed or longer than cap; it was discarded */
} cobs_event_t;

typedef struct {
    uint8_t *buf;      /* decoded bytes of the frame in progress (caller-owned, cap bytes) */
    size_t cap;
    size_t len;        /* decoded length so far */
    uint8_t remaining; /* data bytes left in the current group */
    bool pending_zero; /* a 0x00 goes before the next group's data */
    bool started;      /* at least one encoded byte seen since the last delimiter */
    bool error;        /* this frame is already known bad (malformed or too long) */
} cobs_stream_t;

void cobs_stream_init(cobs_stream_t *s, uint8_t *buf, size_t cap);
cobs_event_t cobs_stream_push(cobs_stream_t *s, uint8_t byte);

#endif
