/*
 * ecat_sdo.c — CoE SDO client (ETG.1000.6 §5.6.2, CiA 301 §7.2.4.3): mailbox header (length,
 * address, channel/priority, type 3 | counter << 4), CoE header (service 2 request / 3 response << 12),
 * then the SDO command byte, index, subindex and data.
 *   download: expedited 0x23/0x27/0x2B/0x2F (4..1 bytes), else normal 0x21 + size + as much data as
 *             the mailbox holds, then segments t<<4 | n<<1 | c answered by 0x20 | t<<4;
 *   upload:   0x40, answered expedited 0x43..0x4F or normal 0x41 + size + data, then segment requests
 *             0x60 | t<<4 answered by t<<4 | n<<1 | c with 7 bytes (classic) or mailbox-long data (CoE).
 * Reads the response buffers it is given, writes the request buffers and ecat_sdo_t.
 */
#include "ecat_sdo.h"

#include <string.h>

#include "le.h"

#define COE_HDR 2u
#define SDO_HDR 8u           /* command, index, subindex, 4 data bytes */
#define SEG_DATA 7u          /* classic segment payload */
#define SVC_REQUEST 2u
#define SVC_RESPONSE 3u
#define CMD_ABORT 0x80u
#define ABORT_LENGTH 0x06070010u /* data type length mismatch */

void ecat_sdo_download(ecat_sdo_t *s, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len)
{
    memset(s, 0, sizeof *s);
    s->index = index;
    s->sub = sub;
    s->src = data;
    s->len = len;
}

void ecat_sdo_upload(ecat_sdo_t *s, uint16_t index, uint8_t sub, uint8_t *dst, uint32_t cap)
{
    memset(s, 0, sizeof *s);
    s->index = index;
    s->sub = sub;
    s->upload = true;
    s->dst = dst;
    s->cap = cap;
}

/* mailbox + CoE headers for a request whose mailbox data (CoE header onwards) is data_len bytes */
static uint8_t *put_headers(uint8_t *mbx, size_t data_len, uint8_t counter)
{
    le_put_u16(mbx, (uint16_t)data_len);
    le_put_u16(mbx + 2, 0u);                  /* address: 0 = from the master */
    mbx[4] = 0u;                              /* channel 0, priority 0 */
    mbx[5] = (uint8_t)(ECAT_MBX_TYPE_COE | ((counter & 7u) << 4));
    le_put_u16(mbx + 6, (uint16_t)(SVC_REQUEST << 12));
    return mbx + ECAT_MBX_HDR + COE_HDR;
}

static void put_index(uint8_t *sdo, const ecat_sdo_t *s)
{
    le_put_u16(sdo + 1, s->index);
    sdo[3] = s->sub;
}

size_t ecat_sdo_request(ecat_sdo_t *s, uint8_t *mbx, size_t mbx_len, uint8_t counter)
{
    const size_t min_len = ECAT_MBX_HDR + COE_HDR + SDO_HDR;
    if (mbx_len < min_len) {
        return 0u;
    }
    memset(mbx, 0, mbx_len);
    size_t data_len = COE_HDR + SDO_HDR;
    if (s->upload) {
        uint8_t *sdo = put_headers(mbx, data_len, counter);
        if (!s->segmented) {
            sdo[0] = 0x40u;
            put_index(sdo, s);
        } else {
            sdo[0] = (uint8_t)(0x60u | ((s->toggle ? 1u : 0u) << 4));
        }
        return ECAT_MBX_HDR + data_len;
    }
    if (!s->segmented) {
        uint8_t *sdo;
        if (s->len >= 1u && s->len <= 4u) {
            /* expedited, size indicated: n = 4 − len unused bytes in bits 2–3 */
            sdo = put_headers(mbx, data_len, counter);
            sdo[0] = (uint8_t)(0x23u | ((4u - s->len) << 2));
            put_index(sdo, s);
            memcpy(sdo + 4, s->src, s->len);
            s->pending = s->len;
        } else {
            size_t room = mbx_len - min_len;
            uint32_t k = s->len < room ? s->len : (uint32_t)room;
            data_len += k;
            sdo = put_headers(mbx, data_len, counter);
            sdo[0] = 0x21u;
            put_index(sdo, s);
            le_put_u32(sdo + 4, s->len);
            if (k > 0u) {
                memcpy(sdo + SDO_HDR, s->src, k);
            }
            s->pending = k;
        }
        return ECAT_MBX_HDR + data_len;
    }
    /* download segment: 7 bytes padded (n = unused) or, when more remains, as much as the mailbox holds */
    uint32_t left = s->len - s->pos;
    size_t room = mbx_len - ECAT_MBX_HDR - COE_HDR - 1u;
    uint32_t k = left < room ? left : (uint32_t)room;
    bool last = k == left;
    uint32_t unused = k < SEG_DATA ? SEG_DATA - k : 0u;
    data_len = COE_HDR + 1u + k + unused;
    uint8_t *sdo = put_headers(mbx, data_len, counter);
    sdo[0] = (uint8_t)(((s->toggle ? 1u : 0u) << 4) | (unused << 1) | (last ? 1u : 0u));
    if (k > 0u) {
        memcpy(sdo + 1, s->src + s->pos, k);
    }
    s->pending = k;
    return ECAT_MBX_HDR + data_len;
}

/* stores upload data behind what was received, as far as dst holds */
static void take(ecat_sdo_t *s, const uint8_t *p, uint32_t n)
{
    if (s->pos < s->cap) {
        uint32_t room = s->cap - s->pos;
        uint32_t k = n < room ? n : room;
        memcpy(s->dst + s->pos, p, k);
        s->len = s->pos + k;
    }
    s->pos += n;
}

static ecat_sdo_status_t fail(ecat_sdo_t *s, uint32_t code)
{
    s->abort = code;
    return ECAT_SDO_ABORTED;
}

ecat_sdo_status_t ecat_sdo_response(ecat_sdo_t *s, const uint8_t *mbx, size_t len)
{
    if (len < ECAT_MBX_HDR + COE_HDR + SDO_HDR) {
        return ECAT_SDO_IGNORED;
    }
    size_t mlen = le_get_u16(mbx);
    if ((mbx[5] & 0x0Fu) != ECAT_MBX_TYPE_COE || mlen < COE_HDR + SDO_HDR || ECAT_MBX_HDR + mlen > len) {
        return ECAT_SDO_IGNORED;
    }
    unsigned svc = le_get_u16(mbx + 6) >> 12;
    const uint8_t *sdo = mbx + ECAT_MBX_HDR + COE_HDR;
    uint8_t cmd = sdo[0];
    bool same = le_get_u16(sdo + 1) == s->index && sdo[3] == s->sub;
    /* "Abort SDO Transfer" travels as an SDO request (service 2) in CoE; accept either service */
    if (cmd == CMD_ABORT && (svc == SVC_REQUEST || svc == SVC_RESPONSE)) {
        return fail(s, le_get_u32(sdo + 4));
    }
    if (svc != SVC_RESPONSE) {
        return ECAT_SDO_IGNORED; /* emergency, SDO information, … */
    }
    uint8_t scs = (uint8_t)(cmd & 0xE0u);
    bool t = ((cmd >> 4) & 1u) != 0u;
    if (!s->upload) {
        if (!s->segmented) {
            if (cmd != 0x60u || !same) {
                return ECAT_SDO_IGNORED;
            }
            s->pos = s->pending;
            if (s->pos >= s->len) {
                return ECAT_SDO_DONE;
            }
            s->segmented = true;
            s->toggle = false;
            return ECAT_SDO_BUSY;
        }
        if (scs != 0x20u) {
            return ECAT_SDO_IGNORED;
        }
        if (t != s->toggle) {
            return fail(s, ECAT_SDO_ABORT_TOGGLE);
        }
        s->pos += s->pending;
        s->toggle = !s->toggle;
        return s->pos >= s->len ? ECAT_SDO_DONE : ECAT_SDO_BUSY;
    }
    if (!s->segmented) {
        if (scs != 0x40u || !same) {
            return ECAT_SDO_IGNORED;
        }
        if ((cmd & 0x02u) != 0u) {
            /* expedited: bit 0 s (size indicated), bits 2–3 n unused of 4 */
            uint32_t n = (cmd & 0x01u) != 0u ? (uint32_t)((cmd >> 2) & 3u) : 0u;
            s->size = 4u - n;
            take(s, sdo + 4, s->size);
            return ECAT_SDO_DONE;
        }
        s->size = (cmd & 0x01u) != 0u ? le_get_u32(sdo + 4) : 0u;
        uint32_t here = (uint32_t)(mlen - COE_HDR - SDO_HDR);
        if (s->size != 0u && here > s->size) {
            here = s->size;
        }
        take(s, sdo + SDO_HDR, here);
        if (s->size != 0u && s->pos >= s->size) {
            return ECAT_SDO_DONE;
        }
        s->segmented = true;
        s->toggle = false;
        return ECAT_SDO_BUSY;
    }
    if (scs != 0x00u) {
        return ECAT_SDO_IGNORED;
    }
    if (t != s->toggle) {
        return fail(s, ECAT_SDO_ABORT_TOGGLE);
    }
    /* classic segment: 7 bytes of which n unused; CoE larger segment: the mailbox length says */
    uint32_t seg = (uint32_t)(mlen - COE_HDR - 1u);
    if (seg == SEG_DATA) {
        seg -= (uint32_t)((cmd >> 1) & 7u);
    }
    take(s, sdo + 1, seg);
    s->toggle = !s->toggle;
    if ((cmd & 0x01u) != 0u) {
        return s->size != 0u && s->pos != s->size ? fail(s, ABORT_LENGTH) : ECAT_SDO_DONE;
    }
    return ECAT_SDO_BUSY;
}
