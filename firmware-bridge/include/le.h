/*
 * le.h — little-endian field access and bounds-checked cursors for wire formats.
 *
 * Every multi-byte field of the bridge protocol is little-endian (PROTOCOL.md §1). These helpers
 * never depend on host byte order, never form misaligned pointers and never convert out-of-range
 * values implicitly. The cursors (le_writer_t, le_reader_t) make every access bounds-checked: an
 * access past the end sets ok = false and becomes a no-op (reads return 0), so a parser checks ok
 * once at the end instead of before every field.
 */
#ifndef CB_LE_H
#define CB_LE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void le_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static inline void le_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint16_t le_get_u16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

static inline uint32_t le_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void le_put_f32(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    le_put_u32(p, u);
}

static inline float le_get_f32(const uint8_t *p)
{
    uint32_t u = le_get_u32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Two's-complement reinterpretation without implementation-defined narrowing. */
static inline int16_t le_get_i16(const uint8_t *p)
{
    uint16_t u = le_get_u16(p);
    int16_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static inline void le_put_i16(uint8_t *p, int16_t v)
{
    uint16_t u;
    memcpy(&u, &v, sizeof u);
    le_put_u16(p, u);
}

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t pos;
    bool ok;
} le_writer_t;

typedef struct {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    bool ok;
} le_reader_t;

static inline le_writer_t le_writer(uint8_t *buf, size_t cap)
{
    le_writer_t w = { buf, cap, 0u, true };
    return w;
}

static inline le_reader_t le_reader(const uint8_t *buf, size_t len)
{
    le_reader_t r = { buf, len, 0u, true };
    return r;
}

/* reserve n bytes; NULL (and ok = false) when they do not fit */
static inline uint8_t *le_w_take(le_writer_t *w, size_t n)
{
    if (!w->ok || n > w->cap - w->pos) {
        w->ok = false;
        return NULL;
    }
    uint8_t *p = w->buf + w->pos;
    w->pos += n;
    return p;
}

static inline const uint8_t *le_r_take(le_reader_t *r, size_t n)
{
    if (!r->ok || n > r->len - r->pos) {
        r->ok = false;
        return NULL;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

static inline void le_w_u8(le_writer_t *w, uint8_t v)
{
    uint8_t *p = le_w_take(w, 1u);
    if (p != NULL) {
        p[0] = v;
    }
}

static inline void le_w_u16(le_writer_t *w, uint16_t v)
{
    uint8_t *p = le_w_take(w, 2u);
    if (p != NULL) {
        le_put_u16(p, v);
    }
}

static inline void le_w_i16(le_writer_t *w, int16_t v)
{
    uint8_t *p = le_w_take(w, 2u);
    if (p != NULL) {
        le_put_i16(p, v);
    }
}

static inline void le_w_u32(le_writer_t *w, uint32_t v)
{
    uint8_t *p = le_w_take(w, 4u);
    if (p != NULL) {
        le_put_u32(p, v);
    }
}

static inline void le_w_f32(le_writer_t *w, float v)
{
    uint8_t *p = le_w_take(w, 4u);
    if (p != NULL) {
        le_put_f32(p, v);
    }
}

static inline void le_w_bytes(le_writer_t *w, const uint8_t *src, size_t n)
{
    uint8_t *p = le_w_take(w, n);
    if (p != NULL && n > 0u) {
        memcpy(p, src, n);
    }
}

static inline void le_w_zeros(le_writer_t *w, size_t n)
{
    uint8_t *p = le_w_take(w, n);
    if (p != NULL && n > 0u) {
        memset(p, 0, n);
    }
}

static inline uint8_t le_r_u8(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 1u);
    return p != NULL ? p[0] : 0u;
}

static inline uint16_t le_r_u16(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 2u);
    return p != NULL ? le_get_u16(p) : 0u;
}

static inline int16_t le_r_i16(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 2u);
    return p != NULL ? le_get_i16(p) : 0;
}

static inline uint32_t le_r_u32(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 4u);
    return p != NULL ? le_get_u32(p) : 0u;
}

static inline float le_r_f32(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 4u);
    return p != NULL ? le_get_f32(p) : 0.0f;
}

static inline void le_r_bytes(le_reader_t *r, uint8_t *dst, size_t n)
{
    const uint8_t *p = le_r_take(r, n);
    if (p != NULL && n > 0u) {
        memcpy(dst, p, n);
    } else if (n > 0u) {
        memset(dst, 0, n);
    }
}

#endif
