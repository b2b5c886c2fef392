/*
 * ecat_frame.c — EtherCAT frame and datagram packing and walking (ETG.1000.4 / Beckhoff ESC datasheet
 * section II): Ethernet header with EtherType 0x88A4, a 2-byte EtherCAT header (length:11, res:1,
 * type:4 = 1), then datagrams cmd | idx | address u32 | len:11 res:3 C:1 M:1 | irq u16 | data | wkc u16,
 * all little-endian after the EtherType. Reads and writes only the caller's buffers.
 */
#include "ecat_frame.h"

#include <string.h>

#include "le.h"

#define ECAT_TYPE_COMMANDS 1u
#define ECAT_LEN_MASK 0x07FFu
#define ECAT_DG_C 0x4000u
#define ECAT_DG_M 0x8000u
#define ECAT_PAYLOAD_OFF (ECAT_ETH_HDR + ECAT_HDR)

void ecat_build_begin(ecat_builder_t *b, uint8_t *buf, size_t cap, const uint8_t src_mac[6])
{
    b->buf = buf;
    b->cap = cap;
    b->len = 0u;
    b->last_len_field = NULL;
    if (cap < ECAT_PAYLOAD_OFF) {
        b->cap = 0u; /* every append fails */
        return;
    }
    memset(buf, 0xFF, 6u); /* broadcast: the ESCs do not filter on the destination */
    memcpy(buf + 6, src_mac, 6u);
    buf[12] = (uint8_t)(ECAT_ETHERTYPE >> 8); /* EtherType is big-endian like every Ethernet field */
    buf[13] = (uint8_t)(ECAT_ETHERTYPE & 0xFFu);
    le_put_u16(buf + ECAT_ETH_HDR, 0u);
    b->len = ECAT_PAYLOAD_OFF;
}

uint8_t *ecat_build_dg(ecat_builder_t *b, uint8_t cmd, uint8_t idx, uint32_t address, const uint8_t *data,
                       uint16_t len)
{
    size_t need = (size_t)ECAT_DG_HDR + len + ECAT_DG_WKC;
    /* the EtherCAT header's 11-bit length covers all datagrams */
    if (b->cap == 0u || len > ECAT_LEN_MASK || need > b->cap - b->len ||
        b->len + need - ECAT_PAYLOAD_OFF > ECAT_LEN_MASK) {
        return NULL;
    }
    if (b->last_len_field != NULL) {
        le_put_u16(b->last_len_field, (uint16_t)(le_get_u16(b->last_len_field) | ECAT_DG_M));
    }
    uint8_t *p = b->buf + b->len;
    p[0] = cmd;
    p[1] = idx;
    le_put_u32(p + 2, address);
    le_put_u16(p + 6, len);
    le_put_u16(p + 8, 0u);
    if (data != NULL && len > 0u) {
        memcpy(p + ECAT_DG_HDR, data, len);
    } else if (len > 0u) {
        memset(p + ECAT_DG_HDR, 0, len);
    }
    le_put_u16(p + ECAT_DG_HDR + len, 0u);
    b->last_len_field = p + 6;
    b->len += need;
    return p + ECAT_DG_HDR;
}

size_t ecat_build_end(ecat_builder_t *b)
{
    if (b->cap == 0u) {
        return 0u;
    }
    size_t dlen = b->len - ECAT_PAYLOAD_OFF;
    le_put_u16(b->buf + ECAT_ETH_HDR, (uint16_t)(dlen | (ECAT_TYPE_COMMANDS << 12)));
    size_t padded = b->len < ECAT_MIN_FRAME ? ECAT_MIN_FRAME : b->len;
    if (padded > b->cap) {
        padded = b->cap;
    }
    if (padded > b->len) {
        memset(b->buf + b->len, 0, padded - b->len);
    }
    return padded;
}

unsigned ecat_frame_parse(uint8_t *frame, size_t len, ecat_dg_t *dgs, unsigned max_dgs)
{
    if (len < ECAT_PAYLOAD_OFF || len > ECAT_MAX_FRAME) {
        return 0u;
    }
    if (frame[12] != (uint8_t)(ECAT_ETHERTYPE >> 8) || frame[13] != (uint8_t)(ECAT_ETHERTYPE & 0xFFu)) {
        return 0u;
    }
    uint16_t hdr = le_get_u16(frame + ECAT_ETH_HDR);
    if ((hdr >> 12) != ECAT_TYPE_COMMANDS) {
        return 0u;
    }
    size_t end = ECAT_PAYLOAD_OFF + (size_t)(hdr & ECAT_LEN_MASK);
    if (end > len) {
        return 0u; /* header claims more than the frame holds */
    }
    size_t pos = ECAT_PAYLOAD_OFF;
    unsigned n = 0u;
    for (;;) {
        if (n == max_dgs || end - pos < (size_t)ECAT_DG_HDR + ECAT_DG_WKC) {
            return 0u;
        }
        uint8_t *p = frame + pos;
        uint16_t lf = le_get_u16(p + 6);
        uint16_t dlen = (uint16_t)(lf & ECAT_LEN_MASK);
        if ((size_t)dlen > end - pos - ECAT_DG_HDR - ECAT_DG_WKC) {
            return 0u;
        }
        ecat_dg_t *d = &dgs[n++];
        d->cmd = p[0];
        d->idx = p[1];
        d->address = le_get_u32(p + 2);
        d->len = dlen;
        d->circulated = (lf & ECAT_DG_C) != 0u;
        d->more = (lf & ECAT_DG_M) != 0u;
        d->irq = le_get_u16(p + 8);
        d->data = p + ECAT_DG_HDR;
        d->wkc = p + ECAT_DG_HDR + dlen;
        pos += (size_t)ECAT_DG_HDR + dlen + ECAT_DG_WKC;
        if (!d->more) {
            return n;
        }
    }
}

uint16_t ecat_dg_wkc(const ecat_dg_t *d)
{
    return le_get_u16(d->wkc);
}

void ecat_dg_set_wkc(ecat_dg_t *d, uint16_t wkc)
{
    le_put_u16(d->wkc, wkc);
}
