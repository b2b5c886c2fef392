/*
 * t_ecat_master.c — EtherCAT frames (hand-computed byte vectors, ETG.1000.4 layout), the CoE SDO
 * client (hand-computed mailbox bytes, ETG.1000.6 / CiA 301 command bytes), distributed-clock
 * arithmetic, and the master: start-up failures on a scripted segment, then, when the emulated
 * segment is built, start-up of 4 drives to OP, cyclic WKC, a slave dropping out and coming back,
 * identity mismatch and DC jitter, all in synthetic time.
 */
#include <string.h>

#include "check.h"
#include "ecat_dc.h"
#include "ecat_frame.h"
#include "ecat_master.h"
#include "ecat_sdo.h"
#include "le.h"

#if __has_include("emu_ecat.c")
#include "emu_ecat.h"
#define HAVE_EMU_ECAT 1
#else
#define HAVE_EMU_ECAT 0
#endif

static const uint8_t mac[6] = { 0x02u, 0xCBu, 0x00u, 0x00u, 0x00u, 0x01u };

/* ------------------------------------------------------------------ (a) frames */

static void test_frame_vectors(void)
{
    uint8_t buf[ECAT_MAX_FRAME];
    ecat_builder_t b;

    /* BRD 0x0000, 2 bytes, idx 5: EtherCAT length 10 + 2 + 2 = 14 → header 0x100E */
    static const uint8_t brd[30] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0xCB, 0x00, 0x00, 0x00, 0x01, 0x88, 0xA4, 0x0E, 0x10,
        0x07, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    ecat_build_begin(&b, buf, sizeof buf, mac);
    uint8_t *p = ecat_build_dg(&b, ECAT_CMD_BRD, 5u, ecat_addr(0u, 0x0000u), NULL, 2u);
    size_t len = ecat_build_end(&b);
    CHECK(p == buf + 26, "BRD data at %ld", (long)(p - buf));
    CHECK(len == 60u, "BRD frame padded to 60, got %zu", len);
    CHECK(memcmp(buf, brd, sizeof brd) == 0, "BRD bytes");
    bool pad_zero = true;
    for (size_t i = sizeof brd; i < 60u; i++) {
        pad_zero = pad_zero && buf[i] == 0u;
    }
    CHECK(pad_zero, "padding zero");

    /* APWR 0x0010 = 0x1003 at position 2 (ADP = −2 = 0xFFFE), idx 0x11 */
    static const uint8_t apwr[14] = { 0x02, 0x11, 0xFE, 0xFF, 0x10, 0x00, 0x02, 0x00,
                                      0x00, 0x00, 0x03, 0x10, 0x00, 0x00 };
    const uint8_t addr_le[2] = { 0x03, 0x10 };
    ecat_build_begin(&b, buf, sizeof buf, mac);
    (void)ecat_build_dg(&b, ECAT_CMD_APWR, 0x11u, ecat_addr(0xFFFEu, 0x0010u), addr_le, 2u);
    len = ecat_build_end(&b);
    CHECK(len == 60u && buf[14] == 0x0E && buf[15] == 0x10, "APWR header");
    CHECK(memcmp(buf + 16, apwr, sizeof apwr) == 0, "APWR bytes");

    /* FRMW 0x0910 at station 0x1001 (8 bytes) + LRW logical 0 (4 bytes): length 20 + 16 = 36 = 0x24 */
    static const uint8_t two[16 + 36] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0xCB, 0x00, 0x00, 0x00, 0x01, 0x88, 0xA4, 0x24, 0x10,
        0x0E, 0x80, 0x01, 0x10, 0x10, 0x09, 0x08, 0x80, 0x00, 0x00, /* M bit set: 0x8008 */
        0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00,
        0x0C, 0x80, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00,
    };
    const uint8_t out4[4] = { 1, 2, 3, 4 };
    ecat_build_begin(&b, buf, sizeof buf, mac);
    (void)ecat_build_dg(&b, ECAT_CMD_FRMW, 0x80u, ecat_addr(0x1001u, 0x0910u), NULL, 8u);
    (void)ecat_build_dg(&b, ECAT_CMD_LRW, 0x80u, 0u, out4, 4u);
    len = ecat_build_end(&b);
    CHECK(len == 60u && memcmp(buf, two, sizeof two) == 0, "FRMW + LRW bytes");

    /* parse it back as if it had passed 4 slaves: FRMW WKC 4, LRW WKC 12 (3 per slave) */
    ecat_dg_t d[4];
    unsigned n = ecat_frame_parse(buf, len, d, 4u);
    CHECK(n == 2u, "2 datagrams, got %u", n);
    if (n == 2u) {
        ecat_dg_set_wkc(&d[1], 12u);
        CHECK(buf[16 + 20 + 14] == 12u && buf[16 + 20 + 15] == 0u, "LRW WKC bytes");
        CHECK(d[0].cmd == ECAT_CMD_FRMW && d[0].more && d[0].len == 8u && d[0].address == 0x09101001u, "dg 0");
        CHECK(d[1].cmd == ECAT_CMD_LRW && !d[1].more && d[1].len == 4u && d[1].data == buf + 46 &&
                  d[1].data[3] == 4u && ecat_dg_wkc(&d[1]) == 12u, "dg 1");
    }
    /* a frame of 3 that would need 4 slots, C bit decoded */
    ecat_build_begin(&b, buf, sizeof buf, mac);
    for (uint8_t i = 0u; i < 3u; i++) {
        (void)ecat_build_dg(&b, ECAT_CMD_FPRD, 7u, ecat_addr((uint16_t)(0x1001u + i), 0x0130u), NULL, 2u);
    }
    len = ecat_build_end(&b);
    buf[16 + 14 + 7] |= 0x40u; /* C on the second datagram */
    n = ecat_frame_parse(buf, len, d, 4u);
    CHECK(n == 3u && d[1].circulated && !d[0].circulated && d[2].address == 0x01301003u, "3 FPRD");
    CHECK(ecat_frame_parse(buf, len, d, 2u) == 0u, "more datagrams than slots rejected");

    /* malformed: EtherType, header length beyond the frame, datagram beyond the header length,
       truncated, M on the last datagram, type not 1 */
    uint8_t bad[64];
    memcpy(bad, two, sizeof two);
    memset(bad + sizeof two, 0, sizeof bad - sizeof two);
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 2u, "good copy parses");
    bad[12] = 0x08;
    bad[13] = 0x00;
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 0u, "wrong EtherType");
    memcpy(bad, two, sizeof two);
    le_put_u16(bad + 14, (uint16_t)(0x1000u | 60u));
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 0u, "length overrun");
    memcpy(bad, two, sizeof two);
    le_put_u16(bad + 36 + 6, 6u); /* LRW claims 6 data bytes: 2 beyond the 36 */
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 0u, "datagram overrun");
    memcpy(bad, two, sizeof two);
    CHECK(ecat_frame_parse(bad, 40u, d, 4u) == 0u, "truncated");
    CHECK(ecat_frame_parse(bad, 10u, d, 4u) == 0u, "shorter than the header");
    le_put_u16(bad + 36 + 6, 0x8004u);
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 0u, "M on the last datagram");
    memcpy(bad, two, sizeof two);
    bad[15] = 0x20;
    CHECK(ecat_frame_parse(bad, 60u, d, 4u) == 0u, "type 2");

    /* builder refuses what does not fit */
    uint8_t small[40];
    ecat_build_begin(&b, small, sizeof small, mac);
    CHECK(ecat_build_dg(&b, ECAT_CMD_LRW, 0u, 0u, NULL, 13u) == NULL, "no room");
    CHECK(ecat_build_dg(&b, ECAT_CMD_LRW, 0u, 0u, NULL, 12u) != NULL && b.len == 40u, "exact fit");
    CHECK(ecat_build_end(&b) == 40u, "no pad beyond capacity");
}

/* ------------------------------------------------------------------ (b) SDO client */

static void resp(uint8_t *mbx, uint16_t mlen, uint8_t cmd, uint16_t index, uint8_t sub, const uint8_t *data,
                 size_t n)
{
    memset(mbx, 0, 128u);
    le_put_u16(mbx, mlen);
    mbx[5] = 0x03u;
    le_put_u16(mbx + 6, 0x3000u); /* SDO response */
    mbx[8] = cmd;
    le_put_u16(mbx + 9, index);
    mbx[11] = sub;
    if (data != NULL) {
        memcpy(mbx + 12, data, n);
    }
}

static void test_sdo_vectors(void)
{
    uint8_t mbx[128], r[128];
    ecat_sdo_t s;

    /* expedited download, 1 byte: 0x6060:00 = 8, counter 1 → type byte 0x13, command 0x2F */
    const uint8_t one = 8u;
    static const uint8_t exp1[16] = { 0x0A, 0x00, 0x00, 0x00, 0x00, 0x13, 0x00, 0x20,
                                      0x2F, 0x60, 0x60, 0x00, 0x08, 0x00, 0x00, 0x00 };
    ecat_sdo_download(&s, 0x6060u, 0u, &one, 1u);
    size_t n = ecat_sdo_request(&s, mbx, sizeof mbx, 1u);
    CHECK(n == 16u && memcmp(mbx, exp1, 16u) == 0 && mbx[16] == 0u && mbx[127] == 0u, "expedited 1 byte");
    resp(r, 10u, 0x60u, 0x6060u, 0u, NULL, 0u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_DONE, "download response");

    /* expedited 4 bytes 0x1600:01 = 0x60400010 (command 0x23), 2 bytes 0x1C12:01 = 0x1600 (0x2B) */
    uint8_t v4[4];
    le_put_u32(v4, 0x60400010u);
    static const uint8_t exp4[16] = { 0x0A, 0x00, 0x00, 0x00, 0x00, 0x23, 0x00, 0x20,
                                      0x23, 0x00, 0x16, 0x01, 0x10, 0x00, 0x40, 0x60 };
    ecat_sdo_download(&s, 0x1600u, 1u, v4, 4u);
    CHECK(ecat_sdo_request(&s, mbx, sizeof mbx, 2u) == 16u && memcmp(mbx, exp4, 16u) == 0, "expedited 4 bytes");
    le_put_u32(v4, 0x1600u);
    ecat_sdo_download(&s, 0x1C12u, 1u, v4, 2u);
    (void)ecat_sdo_request(&s, mbx, sizeof mbx, 2u);
    CHECK(mbx[8] == 0x2Bu && mbx[12] == 0x00u && mbx[13] == 0x16u && mbx[14] == 0u, "expedited 2 bytes");
    resp(r, 10u, 0x60u, 0x1C12u, 2u, NULL, 0u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_IGNORED, "response for another subindex ignored");

    /* expedited upload 0x6061:00, counter 3; answer 0x4F (1 byte) = 8 */
    static const uint8_t up[16] = { 0x0A, 0x00, 0x00, 0x00, 0x00, 0x33, 0x00, 0x20,
                                    0x40, 0x61, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00 };
    uint8_t dst[32];
    memset(dst, 0xEE, sizeof dst);
    ecat_sdo_upload(&s, 0x6061u, 0u, dst, sizeof dst);
    CHECK(ecat_sdo_request(&s, mbx, sizeof mbx, 3u) == 16u && memcmp(mbx, up, 16u) == 0, "upload initiate");
    const uint8_t eight[4] = { 8, 0, 0, 0 };
    resp(r, 10u, 0x4Fu, 0x6061u, 0u, eight, 4u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_DONE && s.len == 1u && dst[0] == 8u && dst[1] == 0xEEu,
          "expedited upload 1 byte");

    /* normal download of 20 bytes through a 20-byte mailbox: initiate 0x21 + size 20 + 4 bytes,
       segment t=0 with 11 bytes (n = 0, c = 0), segment t=1 with 5 bytes (n = 2, c = 1 → 0x15) */
    uint8_t data[20];
    for (uint8_t i = 0u; i < 20u; i++) {
        data[i] = i;
    }
    static const uint8_t init[20] = { 0x0E, 0x00, 0x00, 0x00, 0x00, 0x13, 0x00, 0x20, 0x21, 0x02,
                                      0x20, 0x01, 0x14, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03 };
    static const uint8_t seg1[20] = { 0x0E, 0x00, 0x00, 0x00, 0x00, 0x23, 0x00, 0x20, 0x00, 0x04,
                                      0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E };
    static const uint8_t seg2[20] = { 0x0A, 0x00, 0x00, 0x00, 0x00, 0x33, 0x00, 0x20, 0x15, 0x0F,
                                      0x10, 0x11, 0x12, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
    ecat_sdo_download(&s, 0x2002u, 1u, data, 20u);
    CHECK(ecat_sdo_request(&s, mbx, 20u, 1u) == 20u && memcmp(mbx, init, 20u) == 0, "normal initiate");
    resp(r, 10u, 0x60u, 0x2002u, 1u, NULL, 0u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_BUSY && s.pos == 4u, "initiate acknowledged");
    CHECK(ecat_sdo_request(&s, mbx, 20u, 2u) == 20u && memcmp(mbx, seg1, 20u) == 0, "segment 1 (t=0)");
    resp(r, 10u, 0x20u, 0u, 0u, NULL, 0u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_BUSY && s.pos == 15u, "segment 1 acknowledged");
    CHECK(ecat_sdo_request(&s, mbx, 20u, 3u) == 16u && memcmp(mbx, seg2, 20u) == 0, "segment 2 (t=1, n=2, c)");
    ecat_sdo_t again = s;
    resp(r, 10u, 0x30u, 0u, 0u, NULL, 0u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_DONE && s.pos == 20u, "download complete");
    resp(r, 10u, 0x20u, 0u, 0u, NULL, 0u); /* server answers with the old toggle */
    CHECK(ecat_sdo_response(&again, r, sizeof r) == ECAT_SDO_ABORTED && again.abort == ECAT_SDO_ABORT_TOGGLE,
          "toggle not alternated");

    /* segmented upload of 0x1008 (20 bytes): initiate 0x41 size 20 + "Cere"; segment t=0 classic
       7 bytes "bellum "; segment t=1 CoE larger form, 9 bytes, c (0x11) "emulated." */
    ecat_sdo_upload(&s, 0x1008u, 0u, dst, 31u);
    memset(dst, 0, sizeof dst);
    (void)ecat_sdo_request(&s, mbx, sizeof mbx, 4u);
    CHECK(mbx[8] == 0x40u && mbx[9] == 0x08u && mbx[10] == 0x10u, "upload 0x1008 initiate");
    uint8_t payload[8];
    le_put_u32(payload, 20u);
    memcpy(payload + 4, "Cere", 4u);
    resp(r, 14u, 0x41u, 0x1008u, 0u, payload, 8u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_BUSY && s.size == 20u && s.pos == 4u, "normal response");
    static const uint8_t ureq0[16] = { 0x0A, 0x00, 0x00, 0x00, 0x00, 0x53, 0x00, 0x20,
                                       0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
    CHECK(ecat_sdo_request(&s, mbx, sizeof mbx, 5u) == 16u && memcmp(mbx, ureq0, 16u) == 0, "segment request t=0");
    resp(r, 10u, 0x00u, 0u, 0u, NULL, 0u);
    memcpy(r + 9, "bellum ", 7u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_BUSY && s.pos == 11u, "classic segment");
    (void)ecat_sdo_request(&s, mbx, sizeof mbx, 6u);
    CHECK(mbx[8] == 0x70u, "segment request t=1: 0x%02X", mbx[8]);
    resp(r, 12u, 0x11u, 0u, 0u, NULL, 0u);
    memcpy(r + 9, "emulated.", 9u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_DONE && s.len == 20u &&
              memcmp(dst, "Cerebellum emulated.", 21u) == 0, "larger segment, upload complete");

    /* 6 bytes: initiate with no data, one classic segment with n = 1, c (t=0 → 0x03) */
    ecat_sdo_upload(&s, 0x1009u, 0u, dst, sizeof dst);
    le_put_u32(payload, 6u);
    resp(r, 10u, 0x41u, 0x1009u, 0u, payload, 4u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_BUSY, "size only");
    resp(r, 10u, 0x03u, 0u, 0u, NULL, 0u);
    memcpy(r + 9, "abcdef", 6u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_DONE && s.len == 6u && memcmp(dst, "abcdef", 6u) == 0,
          "classic last segment with n = 1");

    /* abort and unrelated mailbox traffic */
    ecat_sdo_upload(&s, 0x2222u, 0u, dst, sizeof dst);
    r[0] = 0u;
    le_put_u32(payload, 0x06020000u);
    resp(r, 10u, 0x41u, 0x2222u, 0u, payload, 4u);
    le_put_u16(r + 6, 0x1000u); /* CoE emergency */
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_IGNORED, "emergency ignored");
    resp(r, 10u, 0x80u, 0x2222u, 0u, payload, 4u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_ABORTED && s.abort == 0x06020000u, "abort code");
    resp(r, 200u, 0x41u, 0x2222u, 0u, payload, 4u);
    CHECK(ecat_sdo_response(&s, r, sizeof r) == ECAT_SDO_IGNORED, "mailbox length beyond the buffer");
    CHECK(ecat_sdo_request(&s, mbx, 15u, 1u) == 0u, "mailbox too small");
}

/* ------------------------------------------------------------------ DC arithmetic */

static void test_dc_math(void)
{
    CHECK(ecat_dc_loop_ns(1000u, 1600u) == 600u, "loop");
    CHECK(ecat_dc_loop_ns(0xFFFFFF00u, 0x00000100u) == 0x200u, "loop across the u32 wrap");
    CHECK(ecat_dc_loop_ns(1000u, 0u) == 0u, "closed port");
    CHECK(ecat_dc_delay_ns(600u, 200u) == 200u && ecat_dc_delay_ns(200u, 600u) == 0u, "delay");
    /* slave reads 5000 at delay 100, reference reads 12000: 0 + 12000 − 4900 = 7100 */
    CHECK(ecat_dc_offset(0u, 5000u, 100u, 12000u, 0u) == 7100u, "offset");
    CHECK(ecat_dc_offset(7100u, 12100u, 100u, 12000u, 0u) == 7100u, "aligned clock keeps its offset");
    CHECK(ecat_dc_start(2500000u, 1000000u, 2000000u, 0u) == 4000000u, "start on the grid");
    CHECK(ecat_dc_start(2500000u, 1000000u, 2000000u, 1000000u) == 5000000u, "start on a shifted grid");
}

/* ------------------------------------------------------------------ master against a scripted segment */

#define QCAP 8u
typedef struct {
    uint8_t frame[QCAP][ECAT_MAX_FRAME];
    size_t len[QCAP];
    unsigned n, sent;
    unsigned ev_count[16];
    uint32_t ev_detail[16];
    uint8_t ev_slave[16];
} fake_t;

static bool fake_send(void *ctx, uint8_t hw, const uint8_t *frame, size_t len)
{
    fake_t *f = ctx;
    (void)hw;
    if (f->n == QCAP || len > ECAT_MAX_FRAME) {
        return false;
    }
    memcpy(f->frame[f->n], frame, len);
    f->len[f->n++] = len;
    f->sent++;
    return true;
}

static void fake_event(void *ctx, uint8_t hw, ecat_event_t ev, uint8_t slave, uint32_t detail)
{
    fake_t *f = ctx;
    (void)hw;
    if ((unsigned)ev < 16u) {
        f->ev_count[ev]++;
        f->ev_detail[ev] = detail;
        f->ev_slave[ev] = slave;
    }
}

static const ecat_port_t fake_port = { fake_send, fake_event };
static fake_t fk;
static ecat_master_t mst;

static void test_master_scripted(void)
{
    ecat_slave_cfg_t cfg[4];
    for (unsigned k = 0u; k < 4u; k++) {
        cfg[k].mode = 8u;
        cfg[k].expected_product = 0x00402001u;
    }
    /* the first frame is BRD 0x0000; 3 slaves answer where 4 are configured */
    memset(&fk, 0, sizeof fk);
    ecat_master_init(&mst, &fake_port, &fk, 0u, mac);
    ecat_master_configure(&mst, cfg, 4u, 2000u, 100u);
    CHECK(mst.phase == ECAT_M_STARTUP, "start-up");
    ecat_master_poll(&mst, 100u);
    CHECK(fk.n == 1u && fk.len[0] == 60u, "one frame");
    ecat_dg_t d[4];
    CHECK(ecat_frame_parse(fk.frame[0], fk.len[0], d, 4u) == 1u && d[0].cmd == ECAT_CMD_BRD && d[0].address == 0u &&
              d[0].len == 2u, "BRD 0x0000");
    ecat_master_poll(&mst, 150u);
    CHECK(fk.n == 1u, "one frame in flight");
    ecat_dg_set_wkc(&d[0], 3u);
    fk.n = 0u;
    ecat_master_rx(&mst, fk.frame[0], fk.len[0], 200u);
    CHECK(mst.phase == ECAT_M_FAILED && fk.ev_count[ECAT_EV_COUNT] == 1u && fk.ev_detail[ECAT_EV_COUNT] == 3u &&
              mst.n_found == 3u, "count mismatch");
    CHECK(!ecat_master_cycle(&mst, NULL, 300u), "no cycling after a failed start-up");

    /* nothing answers: 1 + 3 sends 2 ms apart, then ECAT_EV_TIMEOUT for step 1 and FAILED */
    memset(&fk, 0, sizeof fk);
    ecat_master_configure(&mst, cfg, 4u, 2000u, 1000u);
    for (uint32_t t = 1000u; t < 20000u; t += 100u) {
        ecat_master_poll(&mst, t);
        fk.n = 0u;
    }
    CHECK(fk.sent == 4u && fk.ev_count[ECAT_EV_TIMEOUT] == 1u && fk.ev_detail[ECAT_EV_TIMEOUT] == 1u &&
              mst.phase == ECAT_M_FAILED, "time-out after 3 retries: sent %u", fk.sent);

    /* a reply with an unknown index is ignored; the frame in flight still counts */
    memset(&fk, 0, sizeof fk);
    ecat_master_configure(&mst, cfg, 4u, 2000u, 0u);
    ecat_master_poll(&mst, 0u);
    (void)ecat_frame_parse(fk.frame[0], fk.len[0], d, 4u);
    ecat_dg_set_wkc(&d[0], 4u);
    fk.frame[0][17] ^= 0x7Fu;
    ecat_master_rx(&mst, fk.frame[0], fk.len[0], 10u);
    CHECK(mst.step == 1u && mst.awaiting, "stale index ignored");
    fk.frame[0][17] ^= 0x7Fu;
    fk.n = 0u;
    ecat_master_rx(&mst, fk.frame[0], fk.len[0], 20u);
    CHECK(mst.step == 2u && fk.n == 1u, "count right: INIT request sent at once");
    CHECK(ecat_frame_parse(fk.frame[0], fk.len[0], d, 4u) == 1u && d[0].cmd == ECAT_CMD_BWR &&
              d[0].address == 0x01200000u && le_get_u16(d[0].data) == 0x0011u, "BWR AL control INIT + ack");

    ecat_master_set_safe(&mst, true, 0x0002u);
    CHECK(mst.safe_active && mst.safe_controlword == 2u, "safe mode");
    CHECK(ecat_master_lowest_state(&mst) == 0u, "nothing known: state 0");
}

/* ------------------------------------------------------------------ robustness */

/* random and mutated frames / mailboxes: no crash, no sanitizer report, no out-of-frame datagram */
static void test_garbage(void)
{
    uint32_t rng = 12345u;
    uint8_t f[ECAT_MAX_FRAME], valid[ECAT_MAX_FRAME];
    ecat_dg_t d[8];
    ecat_builder_t b;
    ecat_build_begin(&b, valid, sizeof valid, mac);
    (void)ecat_build_dg(&b, ECAT_CMD_FRMW, 0x80u, ecat_addr(0x1001u, 0x0910u), NULL, 8u);
    (void)ecat_build_dg(&b, ECAT_CMD_LRW, 0x80u, 0u, NULL, 56u);
    (void)ecat_build_dg(&b, ECAT_CMD_FPRD, 0x80u, ecat_addr(0x1001u, 0x0130u), NULL, 6u);
    size_t vlen = ecat_build_end(&b);
    bool inside = true;
    for (unsigned it = 0u; it < 20000u; it++) {
        rng = rng * 1103515245u + 12345u;
        size_t len = 14u + (rng >> 8) % 200u;
        memcpy(f, valid, vlen);
        if ((it & 1u) != 0u) {
            for (size_t i = 16u; i < len; i++) {
                rng = rng * 1103515245u + 12345u;
                f[i] = (uint8_t)(rng >> 24);
            }
        } else {
            len = vlen;
            for (unsigned j = 0u; j < 1u + it % 3u; j++) {
                rng = rng * 1103515245u + 12345u;
                f[14u + (rng >> 8) % (vlen - 14u)] ^= (uint8_t)(1u << ((rng >> 4) & 7u));
            }
        }
        unsigned n = ecat_frame_parse(f, len, d, 8u);
        for (unsigned i = 0u; i < n; i++) {
            inside = inside && d[i].wkc + 2 <= f + len && d[i].data >= f + 26;
        }
        ecat_master_rx(&mst, f, len, 1000u + it);
        ecat_sdo_t s;
        uint8_t dst[8];
        ecat_sdo_upload(&s, 0x1008u, 0u, dst, sizeof dst);
        s.segmented = (it & 2u) != 0u;
        (void)ecat_sdo_response(&s, f + 16, len - 16u);
        inside = inside && s.len <= sizeof dst;
    }
    CHECK(inside, "datagrams inside their frame, uploads inside their buffer");
}

/* ------------------------------------------------------------------ (c) against the emulated segment */

#if HAVE_EMU_ECAT
static emu_ecat_t seg;

typedef struct {
    uint32_t now_us, last_cycle_us, rng;
    bool cycling;
    uint8_t out[ECAT_MAX_SLAVES * ECAT_OUT_PDO_LEN];
} run_t;

/* 50–100 µs per step (a pseudo-random walk, so DC jitter is real); cycle every 2 ms once cycling */
static void run_for(run_t *r, uint32_t dt_us)
{
    uint32_t end = r->now_us + dt_us;
    while ((uint32_t)(end - r->now_us) < 0x80000000u && r->now_us != end) {
        r->rng = r->rng * 1103515245u + 12345u;
        r->now_us += 50u + (r->rng >> 16) % 51u;
        uint64_t now_ns = (uint64_t)r->now_us * 1000u;
        emu_ecat_advance(&seg, now_ns);
        ecat_master_poll(&mst, r->now_us);
        if (r->cycling && r->now_us - r->last_cycle_us >= 2000u) {
            r->last_cycle_us = r->now_us;
            (void)ecat_master_cycle(&mst, r->out, r->now_us);
        }
        unsigned n = fk.n;
        fk.n = 0u;
        for (unsigned i = 0u; i < n; i++) {
            (void)emu_ecat_process(&seg, fk.frame[i], fk.len[i], now_ns);
            ecat_master_rx(&mst, fk.frame[i], fk.len[i], r->now_us);
        }
    }
}

static bool run_until_phase(run_t *r, ecat_phase_t phase, uint32_t max_us)
{
    for (uint32_t t = 0u; t < max_us && mst.phase != phase; t += 1000u) {
        run_for(r, 1000u);
        if (mst.phase == phase && phase == ECAT_M_OP && !r->cycling) {
            r->cycling = true;
            r->last_cycle_us = r->now_us;
        }
    }
    return mst.phase == phase;
}

static void emu_start(run_t *r, const ecat_slave_cfg_t *cfg, uint8_t n)
{
    static const uint16_t joints[4] = { 0u, 1u, 2u, 3u };
    uint8_t n_seg = n > 4u ? 4u : n;
    memset(&fk, 0, sizeof fk);
    memset(r, 0, sizeof *r);
    r->now_us = 5000u;
    r->rng = 7u;
    emu_ecat_init(&seg, n_seg, joints);
    ecat_master_init(&mst, &fake_port, &fk, 0u, mac);
    ecat_master_configure(&mst, cfg, n, 2000u, r->now_us);
}

/* one SDO transfer straight through the emulated slave k's mailbox, using mbx_use bytes of SM0;
   *rounds = request/response exchanges */
static ecat_sdo_status_t emu_sdo(const run_t *r, uint8_t k, ecat_sdo_t *s, size_t mbx_use, unsigned *rounds)
{
    uint8_t f[ECAT_MAX_FRAME];
    ecat_builder_t b;
    ecat_dg_t d[1];
    uint16_t station = (uint16_t)(0x1001u + k);
    for (*rounds = 0u; *rounds < 64u; (*rounds)++) {
        ecat_build_begin(&b, f, sizeof f, mac);
        uint8_t *p = ecat_build_dg(&b, ECAT_CMD_FPWR, 1u, ecat_addr(station, 0x1000u), NULL, 128u);
        (void)ecat_sdo_request(s, p, mbx_use, (uint8_t)(*rounds % 7u + 1u));
        size_t len = ecat_build_end(&b);
        (void)emu_ecat_process(&seg, f, len, (uint64_t)r->now_us * 1000u);
        if (ecat_frame_parse(f, len, d, 1u) != 1u || ecat_dg_wkc(&d[0]) != 1u) {
            return ECAT_SDO_IGNORED;
        }
        ecat_build_begin(&b, f, sizeof f, mac);
        (void)ecat_build_dg(&b, ECAT_CMD_FPRD, 2u, ecat_addr(station, 0x1080u), NULL, 128u);
        len = ecat_build_end(&b);
        (void)emu_ecat_process(&seg, f, len, (uint64_t)r->now_us * 1000u);
        if (ecat_frame_parse(f, len, d, 1u) != 1u || ecat_dg_wkc(&d[0]) != 1u) {
            return ECAT_SDO_IGNORED;
        }
        ecat_sdo_status_t st = ecat_sdo_response(s, d[0].data, d[0].len);
        if (st != ECAT_SDO_BUSY) {
            (*rounds)++;
            return st;
        }
    }
    return ECAT_SDO_BUSY;
}

static uint64_t get_u64_mem(unsigned k, unsigned reg)
{
    return (uint64_t)le_get_u32(&seg.slave[k].mem[reg]) | ((uint64_t)le_get_u32(&seg.slave[k].mem[reg + 4u]) << 32);
}

static uint16_t statusword(unsigned k)
{
    return le_get_u16(&mst.in_img[k * ECAT_IN_PDO_LEN]);
}

/* every drive: controlword cw, CSP, target = actual position (no following error) */
static void command_all(run_t *r, uint16_t cw)
{
    for (unsigned k = 0u; k < 4u; k++) {
        uint8_t *o = &r->out[k * ECAT_OUT_PDO_LEN];
        memset(o, 0, ECAT_OUT_PDO_LEN);
        le_put_u16(o, cw);
        o[2] = 8u;
        memcpy(o + 3, &mst.in_img[k * ECAT_IN_PDO_LEN + 3u], 4u);
    }
}

static void test_master_emulated(void)
{
    ecat_slave_cfg_t cfg[5];
    for (unsigned k = 0u; k < 5u; k++) {
        cfg[k].mode = 8u;
        cfg[k].expected_product = 0x00402001u;
    }
    run_t r;
    emu_start(&r, cfg, 4u);
    /* clocks that disagree at start: offsets already in 0x0920 (as after an earlier master run) */
    for (unsigned k = 0u; k < 4u; k++) {
        uint64_t off = 1000000000u * (uint64_t)k + 12345u * k + 777777u;
        seg.slave[k].dc_offset_ns = off;
        le_put_u32(&seg.slave[k].mem[0x0920], (uint32_t)(off & 0xFFFFFFFFu));
        le_put_u32(&seg.slave[k].mem[0x0924], (uint32_t)(off >> 32));
    }
    bool op = run_until_phase(&r, ECAT_M_OP, 2000000u);
    CHECK(op, "4 slaves to OP: phase %d step %u events timeout %u (detail %u) al %u sdo %u (0x%08X)",
          (int)mst.phase, mst.step, fk.ev_count[ECAT_EV_TIMEOUT], fk.ev_detail[ECAT_EV_TIMEOUT],
          fk.ev_count[ECAT_EV_AL_ERROR], fk.ev_count[ECAT_EV_SDO_ABORT], mst.last_sdo.abort);
    if (!op) {
        return;
    }
    CHECK(fk.ev_count[ECAT_EV_STATE] == 12u && fk.ev_detail[ECAT_EV_STATE] == 8u && fk.ev_slave[ECAT_EV_STATE] == 3u,
          "PRE-OP, SAFE-OP, OP reported for each of 4 slaves: %u", fk.ev_count[ECAT_EV_STATE]);
    bool ident = true, names = true;
    for (unsigned k = 0u; k < 4u; k++) {
        const ecat_slave_t *s = &mst.slave[k];
        ident = ident && s->vendor == 0x0000CB01u && s->product == 0x00402001u && s->revision == 1u &&
                s->station == 0x1001u + k && s->mbx_out_len >= 16u && s->in_op && s->al_state == 8u;
        names = names && strlen(s->name) > 4u; /* the emulated 0x1008 upload is always segmented */
    }
    CHECK(ident, "identity, station addresses, OP");
    CHECK(names, "0x1008 names by segmented upload: '%s'", mst.slave[0].name);
    /* line of 4: each slave sees the frame later than the one before it */
    CHECK(mst.slave[0].dc_delay_ns == 0u && mst.slave[1].dc_delay_ns > 0u &&
              mst.slave[2].dc_delay_ns > mst.slave[1].dc_delay_ns && mst.slave[3].dc_delay_ns > mst.slave[2].dc_delay_ns,
          "propagation delays %u %u %u", mst.slave[1].dc_delay_ns, mst.slave[2].dc_delay_ns, mst.slave[3].dc_delay_ns);
    CHECK(ecat_master_lowest_state(&mst) == 8u, "lowest state OP");
    /* every system time now reads the reference's (the emulated clocks differ only by 0x0920);
       SYNC0: one start time on the cycle grid, 2 ms cycle, cyclic operation + SYNC0 active */
    bool aligned = true, sync = true;
    uint64_t start0 = get_u64_mem(0u, 0x0990u);
    for (unsigned k = 0u; k < 4u; k++) {
        aligned = aligned && seg.slave[k].dc_offset_ns == seg.slave[0].dc_offset_ns;
        sync = sync && get_u64_mem(k, 0x0990u) == start0 && le_get_u32(&seg.slave[k].mem[0x09A0]) == 2000000u &&
               seg.slave[k].mem[0x0981] == 3u;
    }
    CHECK(aligned && seg.slave[0].dc_offset_ns == 777777u, "system-time offsets: %llu %llu",
          (unsigned long long)seg.slave[0].dc_offset_ns, (unsigned long long)seg.slave[3].dc_offset_ns);
    CHECK(sync && start0 % 2000000u == 0u && start0 > 0u, "SYNC0 start %llu", (unsigned long long)start0);

    /* cyclic: WKC 3n, no loss, reference clock advancing with the cycle; jitter within one loop step */
    run_for(&r, 10000u);
    mst.stats.jitter_max_ns = 0u;
    uint64_t ref0 = mst.stats.ref_time_ns;
    uint32_t cycles0 = mst.stats.cycles;
    run_for(&r, 100000u);
    const uint8_t *in = NULL;
    uint16_t wkc = 0u, expected = 0u;
    CHECK(ecat_master_inputs(&mst, &in, &wkc, &expected) && wkc == 12u && expected == 12u, "WKC %u of %u", wkc,
          expected);
    CHECK(mst.stats.frames_lost == 0u && mst.stats.wkc_errors == 0u && fk.ev_count[ECAT_EV_WKC] == 0u, "clean cycles");
    uint32_t cycles = mst.stats.cycles - cycles0;
    CHECK(cycles >= 45u && cycles <= 50u, "cycles in 100 ms: %u", cycles);
    uint64_t dref = mst.stats.ref_time_ns - ref0;
    CHECK(dref >= 98000000u && dref <= 102000000u, "reference clock over 100 ms: %llu ns", (unsigned long long)dref);
    CHECK(mst.stats.jitter_max_ns > 0u && mst.stats.jitter_max_ns <= 100000u && mst.stats.jitter_last_ns <= 100000u,
          "DC jitter max %u last %u ns", mst.stats.jitter_max_ns, mst.stats.jitter_last_ns);

    /* the SDO client against the emulated server: 60 bytes into 0x2002 through 32 bytes of mailbox
       (initiate with 16 bytes, segments of 23 and 21), read back with 7-byte classic segments, then with
       CoE segments filling the mailbox */
    uint8_t text[60], rd[64];
    for (unsigned i = 0u; i < sizeof text; i++) {
        text[i] = (uint8_t)('A' + i % 26u);
    }
    ecat_sdo_t s;
    unsigned rounds = 0u;
    ecat_sdo_download(&s, 0x2002u, 0u, text, sizeof text);
    CHECK(emu_sdo(&r, 1u, &s, 32u, &rounds) == ECAT_SDO_DONE && rounds == 3u, "segmented download: %u rounds", rounds);
    memset(rd, 0, sizeof rd);
    ecat_sdo_upload(&s, 0x2002u, 0u, rd, sizeof rd);
    CHECK(emu_sdo(&r, 1u, &s, 128u, &rounds) == ECAT_SDO_DONE && rounds == 10u && s.len == 60u && s.size == 60u &&
              memcmp(rd, text, sizeof text) == 0, "classic segmented upload: %u rounds", rounds);
    seg.slave[1].upload_seg_max = 100u;
    memset(rd, 0, sizeof rd);
    ecat_sdo_upload(&s, 0x2002u, 0u, rd, sizeof rd);
    CHECK(emu_sdo(&r, 1u, &s, 128u, &rounds) == ECAT_SDO_DONE && rounds == 2u && s.len == 60u &&
              memcmp(rd, text, sizeof text) == 0, "CoE segmented upload: %u rounds", rounds);
    ecat_sdo_download(&s, 0x1018u, 1u, text, 4u);
    CHECK(emu_sdo(&r, 1u, &s, 128u, &rounds) == ECAT_SDO_ABORTED && s.abort == 0x06010002u, "read-only: 0x%08X",
          s.abort);

    /* CiA 402 through the process image: shutdown → switch on → enable operation */
    command_all(&r, 0x0006u);
    run_for(&r, 10000u);
    command_all(&r, 0x0007u);
    run_for(&r, 10000u);
    command_all(&r, 0x000Fu);
    run_for(&r, 10000u);
    bool enabled = true;
    for (unsigned k = 0u; k < 4u; k++) {
        enabled = enabled && (statusword(k) & 0x006Fu) == 0x0027u && mst.in_img[k * ECAT_IN_PDO_LEN + 2u] == 8u;
    }
    CHECK(enabled, "operation enabled, CSP displayed: statusword 0x%04X", statusword(0));
    /* host lost: safe mode quick-stops every drive although the outputs still say enable */
    ecat_master_set_safe(&mst, true, 0x0002u);
    run_for(&r, 20000u);
    bool stopped = true;
    for (unsigned k = 0u; k < 4u; k++) {
        uint16_t sw = statusword(k);
        stopped = stopped && ((sw & 0x006Fu) == 0x0007u || (sw & 0x004Fu) == 0x0040u);
    }
    CHECK(stopped, "safe mode: quick stop / switch on disabled, statusword 0x%04X", statusword(0));
    CHECK(le_get_u16(mst.out_img) == 0x0002u && le_get_u16(r.out) == 0x000Fu, "controlword replaced in the image");
    ecat_master_set_safe(&mst, false, 0u);

    /* slave 2 unplugged: WKC 9, SLAVE_LOST (silent: detail 0), DEGRADED; WKC events rate-limited */
    emu_ecat_set_present(&seg, 2u, false);
    run_for(&r, 50000u);
    CHECK(fk.ev_count[ECAT_EV_SLAVE_LOST] == 1u && fk.ev_slave[ECAT_EV_SLAVE_LOST] == 2u &&
              fk.ev_detail[ECAT_EV_SLAVE_LOST] == 0u && mst.phase == ECAT_M_DEGRADED && !mst.slave[2].in_op,
          "slave 2 lost: %u events, phase %d", fk.ev_count[ECAT_EV_SLAVE_LOST], (int)mst.phase);
    (void)ecat_master_inputs(&mst, &in, &wkc, &expected);
    CHECK(wkc == 9u && expected == 12u, "WKC without slave 2: %u", wkc);
    CHECK(fk.ev_count[ECAT_EV_WKC] == 1u && fk.ev_detail[ECAT_EV_WKC] == ((9u << 16) | 12u) &&
              mst.stats.wkc_errors >= 20u, "one WKC event in 50 ms, %u counted", mst.stats.wkc_errors);
    CHECK(ecat_master_lowest_state(&mst) == 0u, "a silent slave makes the lowest state 0");
    run_for(&r, 100000u);
    CHECK(fk.ev_count[ECAT_EV_WKC] == 2u, "WKC events at most every 100 ms: %u", fk.ev_count[ECAT_EV_WKC]);
    CHECK(mst.phase == ECAT_M_DEGRADED && fk.ev_count[ECAT_EV_SLAVE_BACK] == 0u, "still degraded");

    /* plugged back in (INIT, no station address): reconfigured while the others cycle, OP, WKC 12 */
    uint32_t lost_before = mst.stats.frames_lost;
    emu_ecat_set_present(&seg, 2u, true);
    bool back = run_until_phase(&r, ECAT_M_OP, 1000000u);
    CHECK(back && fk.ev_count[ECAT_EV_SLAVE_BACK] == 1u && fk.ev_slave[ECAT_EV_SLAVE_BACK] == 2u && mst.slave[2].in_op,
          "slave 2 back: phase %d step %u timeouts %u", (int)mst.phase, mst.step, fk.ev_count[ECAT_EV_TIMEOUT]);
    run_for(&r, 20000u);
    (void)ecat_master_inputs(&mst, &in, &wkc, &expected);
    CHECK(wkc == 12u && mst.stats.frames_lost == lost_before && strlen(mst.slave[2].name) > 4u,
          "WKC 12 again: %u, frames lost %u", wkc, mst.stats.frames_lost - lost_before);
    CHECK(seg.slave[2].dc_offset_ns == seg.slave[0].dc_offset_ns && get_u64_mem(2u, 0x0990u) % 2000000u == 0u &&
              seg.slave[2].mem[0x0981] == 3u && mst.slave[2].dc_delay_ns == mst.slave[1].dc_delay_ns * 2u,
          "recovered slave's clock: offset, SYNC0 on the grid, delay");
    mst.stats.jitter_max_ns = 0u;
    run_for(&r, 50000u);
    CHECK(mst.stats.jitter_max_ns <= 100000u, "reference clock steady after recovery: %u ns", mst.stats.jitter_max_ns);

    /* the reference clock itself drops out and returns: its clock is set from slave 1's, the FRMW resumes */
    emu_ecat_set_present(&seg, 0u, false);
    run_for(&r, 30000u);
    CHECK(mst.phase == ECAT_M_DEGRADED && fk.ev_slave[ECAT_EV_SLAVE_LOST] == 0u, "reference clock lost");
    emu_ecat_set_present(&seg, 0u, true);
    back = run_until_phase(&r, ECAT_M_OP, 1000000u);
    run_for(&r, 10000u);
    mst.stats.jitter_max_ns = 0u;
    run_for(&r, 20000u);
    CHECK(back && seg.slave[0].dc_offset_ns == 777777u && seg.slave[1].dc_offset_ns == 777777u &&
              mst.stats.jitter_max_ns > 0u &&
              mst.stats.jitter_max_ns <= 100000u,
          "reference clock back: offset %llu vs %llu, jitter %u", (unsigned long long)seg.slave[0].dc_offset_ns,
          (unsigned long long)seg.slave[1].dc_offset_ns, mst.stats.jitter_max_ns);
    lost_before = mst.stats.frames_lost;

    /* a cycle that does not come back before the next one is counted lost */
    uint32_t sent = fk.sent;
    (void)ecat_master_cycle(&mst, r.out, r.now_us);
    CHECK(fk.sent == sent + 1u && mst.cycle_in_flight, "cycle sent");
    fk.n = 0u; /* dropped on the wire */
    (void)ecat_master_cycle(&mst, r.out, r.now_us + 2000u);
    CHECK(mst.stats.frames_lost == lost_before + 1u && fk.ev_count[ECAT_EV_FRAME_LOST] == 1u &&
              fk.ev_detail[ECAT_EV_FRAME_LOST] == 1u, "frame lost");

    /* the host stops cycling for 150 ms: every SM watchdog (100 ms) expires, the slaves fall to
       SAFE-OP + error 0x001B; when cycles resume, all four are reported and brought back to OP */
    run_for(&r, 5000u);
    memset(&fk.ev_count, 0, sizeof fk.ev_count);
    r.cycling = false;
    run_for(&r, 150000u);
    r.cycling = true;
    run_for(&r, 2500u);
    CHECK(fk.ev_count[ECAT_EV_SLAVE_LOST] == 4u && fk.ev_detail[ECAT_EV_SLAVE_LOST] == 0x14u &&
              fk.ev_count[ECAT_EV_AL_ERROR] == 4u && fk.ev_detail[ECAT_EV_AL_ERROR] == ((0x001Bu << 16) | 0x14u) &&
              mst.phase == ECAT_M_DEGRADED,
          "SM watchdog: %u lost (0x%X), %u AL errors (0x%X)", fk.ev_count[ECAT_EV_SLAVE_LOST],
          fk.ev_detail[ECAT_EV_SLAVE_LOST], fk.ev_count[ECAT_EV_AL_ERROR], fk.ev_detail[ECAT_EV_AL_ERROR]);
    back = run_until_phase(&r, ECAT_M_OP, 2000000u);
    run_for(&r, 10000u);
    (void)ecat_master_inputs(&mst, &in, &wkc, &expected);
    CHECK(back && fk.ev_count[ECAT_EV_SLAVE_BACK] == 4u && wkc == 12u && mst.stats.jitter_last_ns <= 100000u,
          "all back after the watchdog: %u, WKC %u", fk.ev_count[ECAT_EV_SLAVE_BACK], wkc);

    /* returned cyclic and start-up frames with flipped bits: nothing read outside them (ASan), and the
       master keeps going (a corrupted status may cost a recovery, never a crash) */
    uint32_t rng = 99u;
    for (unsigned it = 0u; it < 3000u; it++) {
        r.now_us += 2000u;
        emu_ecat_advance(&seg, (uint64_t)r.now_us * 1000u);
        ecat_master_poll(&mst, r.now_us);
        (void)ecat_master_cycle(&mst, r.out, r.now_us);
        unsigned n = fk.n;
        fk.n = 0u;
        for (unsigned i = 0u; i < n; i++) {
            (void)emu_ecat_process(&seg, fk.frame[i], fk.len[i], (uint64_t)r.now_us * 1000u);
            rng = rng * 1103515245u + 12345u;
            if ((rng >> 30) != 0u) {
                size_t at = 16u + (rng >> 8) % (fk.len[i] - 16u);
                fk.frame[i][at] ^= (uint8_t)(1u << ((rng >> 4) & 7u));
            }
            ecat_master_rx(&mst, fk.frame[i], fk.len[i], r.now_us);
        }
    }
    back = run_until_phase(&r, ECAT_M_OP, 3000000u);
    CHECK(back, "OP after corrupted frames: phase %d", (int)mst.phase);

    /* wrong product on slave 1: ECAT_EV_IDENTITY with the product read, FAILED */
    cfg[1].expected_product = 0x00402002u;
    emu_start(&r, cfg, 4u);
    CHECK(run_until_phase(&r, ECAT_M_FAILED, 500000u) && fk.ev_count[ECAT_EV_IDENTITY] == 1u &&
              fk.ev_slave[ECAT_EV_IDENTITY] == 1u && fk.ev_detail[ECAT_EV_IDENTITY] == 0x00402001u,
          "identity mismatch");
    cfg[1].expected_product = 0xFFFFFFFFu; /* any */

    /* mode 0x55 on slave 2: the drive aborts the 0x6060 download (value range) → SDO_ABORT, FAILED */
    cfg[2].mode = 0x55u;
    emu_start(&r, cfg, 4u);
    CHECK(run_until_phase(&r, ECAT_M_FAILED, 500000u) && fk.ev_count[ECAT_EV_SDO_ABORT] == 1u &&
              fk.ev_slave[ECAT_EV_SDO_ABORT] == 2u && fk.ev_detail[ECAT_EV_SDO_ABORT] == 0x06090030u &&
              mst.last_sdo.index == 0x6060u && mst.last_sdo.sub == 0u && mst.stats.sdo_aborts == 1u,
          "SDO abort 0x%08X", fk.ev_detail[ECAT_EV_SDO_ABORT]);
    cfg[2].mode = 9u;

    /* 5 configured, 4 on the wire */
    emu_start(&r, cfg, 5u);
    CHECK(run_until_phase(&r, ECAT_M_FAILED, 100000u) && fk.ev_detail[ECAT_EV_COUNT] == 4u, "count mismatch");
}
#endif

void test_ecat_master(void)
{
    test_frame_vectors();
    test_sdo_vectors();
    test_dc_math();
    test_master_scripted();
    test_garbage();
#if HAVE_EMU_ECAT
    test_master_emulated();
#endif
}
