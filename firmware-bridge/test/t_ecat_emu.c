/*
 * t_ecat_emu.c — the emulated EtherCAT segment and its CiA 402 drives, driven by frames built here
 * byte by byte (independent of src/ecat_frame.c): addressing and WKC rules, SII, ESM, mailbox/CoE
 * SDO (expedited, segmented both ways, aborts), PDO remap, LRW through FMMUs, SM watchdog, distributed
 * clock, unplug/replug; the drive's state machine, fault handling and torque law against hand values.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "emu_ecat.h"
#include "le.h"

#define N 3u
#define OUT_LEN 13u
#define IN_LEN 15u
#define INC_PER_RAD (131072.0 * 9.0 / 6.283185307179586) /* 0x608F · 0x6091 / 2π = 187746.81 */

static uint64_t t_now = 1000000000u;

/* ---- hand-built frames ---- */

typedef struct {
    uint8_t b[1514];
    size_t len;
    size_t dg[8];
    unsigned n;
} tframe_t;

static void tf_begin(tframe_t *f)
{
    memset(f, 0, sizeof *f);
    memset(f->b, 0xFF, 6u);                 /* broadcast destination */
    f->b[6] = 0x02u;                         /* locally administered source */
    f->b[11] = 0x01u;
    f->b[12] = 0x88u;                        /* EtherType 0x88A4, big-endian */
    f->b[13] = 0xA4u;
    f->len = 16u;
}

static unsigned tf_dg(tframe_t *f, uint8_t cmd, uint32_t addr, const uint8_t *data, uint16_t len)
{
    if (f->n > 0u) {
        uint8_t *prev = &f->b[f->dg[f->n - 1u] + 6u];
        le_put_u16(prev, (uint16_t)(le_get_u16(prev) | 0x8000u)); /* M: more follow */
    }
    uint8_t *p = &f->b[f->len];
    p[0] = cmd;
    p[1] = (uint8_t)f->n;
    le_put_u32(p + 2, addr);
    le_put_u16(p + 6, len);
    le_put_u16(p + 8, 0u);
    if (data != NULL) {
        memcpy(p + 10, data, len);
    } else {
        memset(p + 10, 0, len);
    }
    le_put_u16(p + 10 + len, 0u);
    f->dg[f->n] = f->len;
    f->len += 12u + len;
    return f->n++;
}

static void tf_end(tframe_t *f)
{
    le_put_u16(&f->b[14], (uint16_t)((f->len - 16u) | 0x1000u)); /* type 1 */
    if (f->len < 60u) {
        f->len = 60u;
    }
}

static uint8_t *tf_data(tframe_t *f, unsigned i)
{
    return &f->b[f->dg[i] + 10u];
}

static uint16_t tf_wkc(const tframe_t *f, unsigned i)
{
    uint16_t len = (uint16_t)(le_get_u16(&f->b[f->dg[i] + 6u]) & 0x07FFu);
    return le_get_u16(&f->b[f->dg[i] + 10u + len]);
}

static uint16_t tf_adp(const tframe_t *f, unsigned i)
{
    return le_get_u16(&f->b[f->dg[i] + 2u]);
}

static uint16_t last_adp;

/* one datagram in one frame; data is replaced by what came back; returns the WKC */
static uint16_t xfer(emu_ecat_t *seg, uint8_t cmd, uint16_t adp, uint16_t ado, uint8_t *data, uint16_t len)
{
    tframe_t f;
    tf_begin(&f);
    tf_dg(&f, cmd, (uint32_t)adp | ((uint32_t)ado << 16), data, len);
    tf_end(&f);
    CHECK(emu_ecat_process(seg, f.b, f.len, t_now), "frame processed");
    if (data != NULL) {
        memcpy(data, tf_data(&f, 0u), len);
    }
    last_adp = tf_adp(&f, 0u);
    return tf_wkc(&f, 0u);
}

static uint16_t fpwr16(emu_ecat_t *seg, uint16_t st, uint16_t ado, uint16_t v)
{
    uint8_t b[2];
    le_put_u16(b, v);
    return xfer(seg, 5u, st, ado, b, 2u);
}

static uint16_t fprd16(emu_ecat_t *seg, uint16_t st, uint16_t ado)
{
    uint8_t b[2] = { 0u, 0u };
    (void)xfer(seg, 4u, st, ado, b, 2u);
    return le_get_u16(b);
}

static void al_read(emu_ecat_t *seg, uint16_t st, uint16_t *status, uint16_t *code)
{
    uint8_t b[6] = { 0u };
    CHECK(xfer(seg, 4u, st, 0x0130u, b, 6u) == 1u, "AL status read");
    *status = le_get_u16(b);
    *code = le_get_u16(b + 4);
}

static uint32_t sii_read(emu_ecat_t *seg, uint16_t st, uint32_t word)
{
    uint8_t b[6];
    le_put_u16(b, 0x0100u); /* command: read */
    le_put_u32(b + 2, word);
    CHECK(xfer(seg, 5u, st, 0x0502u, b, 6u) == 1u, "SII command");
    uint8_t r[10] = { 0u };
    CHECK(xfer(seg, 4u, st, 0x0502u, r, 10u) == 1u, "SII status + data");
    CHECK((le_get_u16(r) & 0x8700u) == 0u, "SII idle after the read: %04x", le_get_u16(r));
    return le_get_u32(r + 6);
}

/* ---- mailbox / SDO ---- */

static uint8_t mbx_cnt;

/* one CoE request (sdo bytes after the CoE header) and its answer in resp (128 bytes); WKC checked */
static void coe(emu_ecat_t *seg, uint16_t st, const uint8_t *sdo, uint16_t sdo_len, uint8_t *resp)
{
    uint8_t m[128];
    memset(m, 0, sizeof m);
    mbx_cnt = (uint8_t)(mbx_cnt % 7u + 1u);
    le_put_u16(m, (uint16_t)(2u + sdo_len));
    m[5] = (uint8_t)(3u | ((unsigned)mbx_cnt << 4));
    le_put_u16(m + 6, 0x2000u); /* SDO request */
    memcpy(m + 8, sdo, sdo_len);
    CHECK(xfer(seg, 5u, st, 0x1000u, m, 128u) == 1u, "mailbox write");
    uint8_t s = 0u;
    CHECK(xfer(seg, 4u, st, 0x080Du, &s, 1u) == 1u && (s & 0x08u) != 0u, "SM1 full after the request: %02x", s);
    memset(resp, 0, 128u);
    CHECK(xfer(seg, 4u, st, 0x1080u, resp, 128u) == 1u, "mailbox read");
    CHECK(xfer(seg, 4u, st, 0x080Du, &s, 1u) == 1u && (s & 0x08u) == 0u, "SM1 empty after the read");
}

static uint32_t abort_of(const uint8_t *r)
{
    return r[8] == 0x80u ? le_get_u32(r + 12) : 0u;
}

/* expedited download of size bytes; returns the abort code (0: done) */
static uint32_t sdo_dl(emu_ecat_t *seg, uint16_t st, uint16_t idx, uint8_t sub, uint32_t v, uint8_t size)
{
    uint8_t q[8] = { 0u }, r[128];
    q[0] = (uint8_t)(0x23u | ((4u - size) << 2));
    le_put_u16(q + 1, idx);
    q[3] = sub;
    le_put_u32(q + 4, v);
    coe(seg, st, q, 8u, r);
    if (r[8] == 0x80u) {
        CHECK((le_get_u16(r + 6) >> 12) == 2u && le_get_u16(r + 9) == idx && r[11] == sub, "abort names the object");
        return abort_of(r);
    }
    CHECK(r[8] == 0x60u && le_get_u16(r + 9) == idx && r[11] == sub && (le_get_u16(r + 6) >> 12) == 3u,
          "download response %02x", r[8]);
    return 0u;
}

static uint32_t sdo_ul(emu_ecat_t *seg, uint16_t st, uint16_t idx, uint8_t sub, uint32_t *v, uint8_t *size)
{
    uint8_t q[8] = { 0x40u }, r[128];
    le_put_u16(q + 1, idx);
    q[3] = sub;
    coe(seg, st, q, 8u, r);
    if (r[8] == 0x80u) {
        return abort_of(r);
    }
    CHECK((r[8] & 0xF3u) == 0x43u, "expedited upload response %02x", r[8]);
    *size = (uint8_t)(4u - ((r[8] >> 2) & 3u));
    *v = le_get_u32(r + 12);
    return 0u;
}

static void remap(emu_ecat_t *seg, uint16_t st, bool rx, bool tx)
{
    static const uint32_t rxe[5] = { 0x60400010u, 0x60600008u, 0x607A0020u, 0x60FF0020u, 0x60710010u };
    static const uint32_t txe[6] = { 0x60410010u, 0x60610008u, 0x60640020u, 0x606C0020u, 0x60770010u,
                                     0x603F0010u };
    uint32_t bad = 0u;
    if (rx) {
        bad |= sdo_dl(seg, st, 0x1C12u, 0u, 0u, 1u);
        bad |= sdo_dl(seg, st, 0x1600u, 0u, 0u, 1u);
        for (uint8_t i = 0u; i < 5u; i++) {
            bad |= sdo_dl(seg, st, 0x1600u, (uint8_t)(i + 1u), rxe[i], 4u);
        }
        bad |= sdo_dl(seg, st, 0x1600u, 0u, 5u, 1u);
        bad |= sdo_dl(seg, st, 0x1C12u, 1u, 0x1600u, 2u);
        bad |= sdo_dl(seg, st, 0x1C12u, 0u, 1u, 1u);
    }
    if (tx) {
        bad |= sdo_dl(seg, st, 0x1C13u, 0u, 0u, 1u);
        bad |= sdo_dl(seg, st, 0x1A00u, 0u, 0u, 1u);
        for (uint8_t i = 0u; i < 6u; i++) {
            bad |= sdo_dl(seg, st, 0x1A00u, (uint8_t)(i + 1u), txe[i], 4u);
        }
        bad |= sdo_dl(seg, st, 0x1A00u, 0u, 6u, 1u);
        bad |= sdo_dl(seg, st, 0x1C13u, 1u, 0x1A00u, 2u);
        bad |= sdo_dl(seg, st, 0x1C13u, 0u, 1u, 1u);
    }
    CHECK(bad == 0u, "remap of %04x accepted", st);
}

/* ---- process data ---- */

typedef struct {
    uint16_t cw;
    int8_t mode;
    int32_t pos, vel;
    int16_t torque;
} out_t;

typedef struct {
    uint16_t sw;
    int8_t mode;
    int32_t pos, vel;
    int16_t torque;
    uint16_t err;
} in_t;

static void put_i32(uint8_t *p, int32_t v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    le_put_u32(p, u);
}

static int32_t get_i32(const uint8_t *p)
{
    uint32_t u = le_get_u32(p);
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* one LRW over the process image (outputs at 13·k, inputs at 13·N + 15·k); returns the WKC */
static uint16_t cycle(emu_ecat_t *seg, const out_t *out, in_t *in)
{
    uint8_t img[N * (OUT_LEN + IN_LEN)];
    memset(img, 0, sizeof img);
    for (unsigned k = 0u; k < N; k++) {
        uint8_t *p = img + OUT_LEN * k;
        le_put_u16(p, out[k].cw);
        memcpy(p + 2, &out[k].mode, 1u);
        put_i32(p + 3, out[k].pos);
        put_i32(p + 7, out[k].vel);
        le_put_i16(p + 11, out[k].torque);
    }
    t_now += 1000000u;
    emu_ecat_advance(seg, t_now);
    uint16_t wkc = xfer(seg, 12u, 0x0000u, 0x0000u, img, (uint16_t)sizeof img);
    for (unsigned k = 0u; k < N && in != NULL; k++) {
        const uint8_t *p = img + OUT_LEN * N + IN_LEN * k;
        in[k].sw = le_get_u16(p);
        memcpy(&in[k].mode, p + 2, 1u);
        in[k].pos = get_i32(p + 3);
        in[k].vel = get_i32(p + 7);
        in[k].torque = le_get_i16(p + 11);
        in[k].err = le_get_u16(p + 13);
    }
    return wkc;
}

/* two cycles: the inputs of a frame are read before its outputs are applied */
static uint16_t cycle2(emu_ecat_t *seg, const out_t *out, in_t *in)
{
    (void)cycle(seg, out, in);
    return cycle(seg, out, in);
}

static void set_cw(out_t *out, uint16_t cw)
{
    for (unsigned k = 0u; k < N; k++) {
        out[k].cw = cw;
    }
}

/* ---- tests ---- */

static void test_addressing(emu_ecat_t *seg)
{
    uint8_t junk[60] = { 0u };
    junk[12] = 0x08u; /* IPv4 */
    CHECK(!emu_ecat_process(seg, junk, sizeof junk, t_now), "a non-EtherCAT frame is not processed");

    uint8_t type = 0u;
    CHECK(xfer(seg, 7u, 0x0000u, 0x0000u, &type, 1u) == N, "BRD: WKC = slaves");
    CHECK(type == 0x11u, "ESC type %02x", type);
    CHECK(last_adp == N, "BRD: every slave increments ADP (%u)", last_adp);

    for (uint16_t k = 0u; k < N; k++) {
        uint8_t b[2];
        le_put_u16(b, (uint16_t)(0x1001u + k));
        CHECK(xfer(seg, 2u, (uint16_t)(0u - k), 0x0010u, b, 2u) == 1u, "APWR station address %u", k);
    }
    for (uint16_t k = 0u; k < N; k++) {
        uint8_t b[2] = { 0u, 0u };
        CHECK(xfer(seg, 4u, (uint16_t)(0x1001u + k), 0x0010u, b, 2u) == 1u, "FPRD %u", k);
        CHECK(le_get_u16(b) == 0x1001u + k, "station %u reads back %04x", k, le_get_u16(b));
    }
    uint8_t b[2] = { 0u, 0u };
    CHECK(xfer(seg, 4u, 0x1009u, 0x0010u, b, 2u) == 0u, "FPRD of an absent station: WKC 0");
    CHECK(xfer(seg, 1u, 0xFFFFu, 0x0010u, b, 2u) == 1u && le_get_u16(b) == 0x1002u,
          "APRD −1 addresses the second slave (%04x)", le_get_u16(b));
    CHECK(last_adp == (uint16_t)(0xFFFFu + N), "ADP −1 comes back as −1 + n = %u", last_adp);
    CHECK(xfer(seg, 1u, (uint16_t)(0u - N), 0x0010u, b, 2u) == 0u && last_adp == 0u,
          "APRD −n: nobody, ADP comes back 0");

    /* two datagrams in one frame: each slave takes both in order */
    tframe_t f;
    tf_begin(&f);
    uint8_t z[2] = { 0u, 0u };
    tf_dg(&f, 7u, 0u, z, 1u);
    tf_dg(&f, 4u, 0x1003u | (0x0010u << 16), z, 2u);
    tf_end(&f);
    CHECK(emu_ecat_process(seg, f.b, f.len, t_now), "two datagrams");
    CHECK(tf_wkc(&f, 0u) == N && tf_wkc(&f, 1u) == 1u && le_get_u16(tf_data(&f, 1u)) == 0x1003u,
          "two datagrams: WKCs %u %u", tf_wkc(&f, 0u), tf_wkc(&f, 1u));

    /* APRW swaps: the old value comes back, the new one stays (+1 read +2 write) */
    uint8_t c[4];
    le_put_u32(c, 1000000u);
    CHECK(xfer(seg, 3u, 0xFFFEu, 0x09A0u, c, 4u) == 3u && le_get_u32(c) == 0u, "APRW: WKC 3, old value 0");
    CHECK(fprd16(seg, 0x1003u, 0x09A0u) == (1000000u & 0xFFFFu), "APRW wrote the SYNC0 cycle time");
    le_put_u32(c, 7u);
    CHECK(xfer(seg, 9u, 0u, 0x09A0u, c, 4u) == 3u * N, "BRW: WKC 3 per slave");
}

static void test_sii(emu_ecat_t *seg)
{
    CHECK(sii_read(seg, 0x1001u, 0x0008u) == 0x0000CB01u, "SII vendor");
    CHECK(sii_read(seg, 0x1002u, 0x000Au) == 0x00402001u, "SII product");
    CHECK(sii_read(seg, 0x1003u, 0x000Eu) == 3u, "SII serial of the third slave");
    CHECK(sii_read(seg, 0x1001u, 0x0018u) == (0x1000u | (128u << 16)), "SII receive mailbox 0x1000/128");
    CHECK(sii_read(seg, 0x1001u, 0x001Au) == (0x1080u | (128u << 16)), "SII send mailbox 0x1080/128");
    CHECK((sii_read(seg, 0x1001u, 0x001Cu) & 0x4u) != 0u, "SII: CoE");
}

static void test_dc(emu_ecat_t *seg)
{
    uint8_t z[4] = { 0u };
    t_now += 12345u;
    CHECK(xfer(seg, 8u, 0u, 0x0900u, z, 4u) == N, "BWR 0x0900 latches receive times");
    for (uint16_t k = 0u; k < N; k++) {
        uint8_t r[8] = { 0u };
        CHECK(xfer(seg, 4u, (uint16_t)(0x1001u + k), 0x0900u, r, 8u) == 1u, "receive times %u", k);
        CHECK(le_get_u32(r) == (uint32_t)(t_now + 500u * k), "port 0 time of slave %u: now + k·500 ns", k);
        if (k + 1u < N) {
            CHECK(le_get_u32(r + 4) - le_get_u32(r) == 2u * 500u * (N - 1u - k), "port 1 − port 0 of slave %u", k);
        }
    }
    uint8_t off[8];
    uint64_t o = 5000000000ull;
    le_put_u32(off, (uint32_t)o);
    le_put_u32(off + 4, (uint32_t)(o >> 32));
    CHECK(xfer(seg, 5u, 0x1001u, 0x0920u, off, 8u) == 1u, "system time offset written");
    uint8_t st[8] = { 0u };
    CHECK(xfer(seg, 4u, 0x1001u, 0x0910u, st, 8u) == 1u, "system time read");
    uint64_t sys = le_get_u32(st) | ((uint64_t)le_get_u32(st + 4) << 32);
    CHECK(sys == t_now + o, "system time = segment time + offset");
    /* FRMW: the reference clock (first slave) reads, the others write: WKC n */
    memset(st, 0, sizeof st);
    CHECK(xfer(seg, 14u, 0x1001u, 0x0910u, st, 8u) == N, "FRMW WKC");
    sys = le_get_u32(st) | ((uint64_t)le_get_u32(st + 4) << 32);
    CHECK(sys == t_now + o, "FRMW carries the reference time");
    memset(st, 0, sizeof st);
    CHECK(xfer(seg, 13u, 0xFFFFu, 0x0910u, st, 8u) == N, "ARMW WKC");
    sys = le_get_u32(st) | ((uint64_t)le_get_u32(st + 4) << 32);
    CHECK(sys == t_now + 500u, "ARMW: the second slave's (unoffset) clock, one forwarding delay later");
    uint8_t act = 0x03u;
    CHECK(xfer(seg, 5u, 0x1001u, 0x0981u, &act, 1u) == 1u, "SYNC0 activation written");
    act = 0u;
    CHECK(xfer(seg, 4u, 0x1001u, 0x0981u, &act, 1u) == 1u && act == 0x03u, "SYNC0 activation stored");
    CHECK(emu_ecat_delay_ns(seg, 60u) == (60u + 12u) * 80u + 2u * N * 500u, "wire delay");
}

static void test_esm_mailbox(emu_ecat_t *seg)
{
    uint16_t s, c;
    CHECK(fpwr16(seg, 0x1002u, 0x0120u, 0x0008u) == 1u, "AL control written");
    al_read(seg, 0x1002u, &s, &c);
    CHECK(s == 0x11u && c == 0x0011u, "INIT → OP refused: %04x %04x", s, c);
    CHECK(fpwr16(seg, 0x1001u, 0x0120u, 0x0002u) == 1u, "AL control");
    al_read(seg, 0x1001u, &s, &c);
    CHECK(s == 0x11u && c == 0x0016u, "INIT → PRE-OP without mailbox SMs: %04x %04x", s, c);

    uint8_t sm[16] = { 0u };
    le_put_u16(sm, 0x1000u);
    le_put_u16(sm + 2, 128u);
    sm[4] = 0x26u; /* mailbox, written by the master */
    sm[6] = 1u;
    le_put_u16(sm + 8, 0x1080u);
    le_put_u16(sm + 10, 128u);
    sm[12] = 0x22u; /* mailbox, read by the master */
    sm[14] = 1u;
    CHECK(xfer(seg, 8u, 0u, 0x0800u, sm, 16u) == N, "BWR mailbox SMs");
    uint8_t m[128] = { 0u };
    CHECK(xfer(seg, 5u, 0x1001u, 0x1000u, m, 128u) == 0u, "no mailbox in INIT");

    CHECK(fpwr16(seg, 0x1001u, 0x0120u, 0x0002u) == 1u, "AL control");
    al_read(seg, 0x1001u, &s, &c);
    CHECK(s == 0x11u, "an error indication must be acknowledged first: %04x", s);
    uint8_t req[2];
    le_put_u16(req, 0x0012u);
    CHECK(xfer(seg, 8u, 0u, 0x0120u, req, 2u) == N, "BWR AL control PRE-OP + ack");
    for (uint16_t k = 0u; k < N; k++) {
        al_read(seg, (uint16_t)(0x1001u + k), &s, &c);
        CHECK(s == 0x02u && c == 0u, "slave %u PRE-OP: %04x %04x", k, s, c);
    }

    /* SDO: expedited both ways */
    const uint16_t st = 0x1001u;
    uint32_t v = 0u;
    uint8_t size = 0u;
    CHECK(sdo_dl(seg, st, 0x6072u, 0u, 2000u, 2u) == 0u, "download 0x6072");
    CHECK(seg->slave[0].drive.max_permille == 2000u, "0x6072 reached the drive");
    CHECK(sdo_ul(seg, st, 0x6072u, 0u, &v, &size) == 0u && v == 2000u && size == 2u, "upload 0x6072: %u/%u", v, size);
    CHECK(sdo_dl(seg, st, 0x6072u, 0u, 2933u, 2u) == 0u, "restore 0x6072");
    CHECK(sdo_ul(seg, st, 0x1018u, 1u, &v, &size) == 0u && v == 0x0000CB01u && size == 4u, "0x1018:01");
    CHECK(sdo_ul(seg, st, 0x1018u, 0u, &v, &size) == 0u && v == 4u && size == 1u, "0x1018:00");
    CHECK(sdo_ul(seg, st, 0x6091u, 1u, &v, &size) == 0u && v == 9u, "gear motor revs");
    CHECK(sdo_ul(seg, st, 0x608Fu, 1u, &v, &size) == 0u && v == 131072u, "encoder increments");
    CHECK(sdo_ul(seg, st, 0x6065u, 0u, &v, &size) == 0u && v == 93873u, "following window 0.5 rad = %u inc", v);
    CHECK(sdo_ul(seg, st, 0x2001u, 1u, &v, &size) == 0u, "0x2001:01");
    float g;
    memcpy(&g, &v, sizeof g);
    CHECK(g == 60.0f, "kp 60 N·m/rad");
    CHECK(sdo_ul(seg, st, 0x1234u, 0u, &v, &size) == 0x06020000u, "unknown object");
    CHECK(sdo_ul(seg, st, 0x1018u, 9u, &v, &size) == 0x06090011u, "unknown subindex");
    CHECK(sdo_dl(seg, st, 0x6041u, 0u, 0u, 2u) == 0x06010002u, "statusword read-only");
    CHECK(sdo_dl(seg, st, 0x6040u, 0u, 6u, 4u) == 0x06070010u, "controlword with 4 bytes: length");
    CHECK(sdo_dl(seg, st, 0x1600u, 1u, 0x12340010u, 4u) == 0x06040041u, "not mappable");

    /* a read of an empty mailbox: no WKC */
    uint8_t r[128];
    CHECK(xfer(seg, 4u, st, 0x1080u, r, 128u) == 0u, "empty mailbox read: WKC 0");
    /* answers wait in SM1: a second request waits in SM0, a third finds SM0 full (no WKC) */
    uint8_t mb[3][128];
    for (unsigned i = 0u; i < 3u; i++) {
        memset(mb[i], 0, 128u);
        le_put_u16(mb[i], 10u);
        mb[i][5] = (uint8_t)(3u | ((i + 1u) << 4));
        le_put_u16(mb[i] + 6, 0x2000u);
        mb[i][8] = 0x40u;
        le_put_u16(mb[i] + 9, 0x1018u);
        mb[i][11] = (uint8_t)(1u + i);
    }
    CHECK(xfer(seg, 5u, st, 0x1000u, mb[0], 128u) == 1u, "request 1 taken");
    CHECK(xfer(seg, 5u, st, 0x1000u, mb[1], 128u) == 1u, "request 2 waits in SM0");
    uint8_t s0st = 0u;
    CHECK(xfer(seg, 4u, st, 0x0805u, &s0st, 1u) == 1u && s0st == 0x08u, "SM0 full: %02x", s0st);
    CHECK(xfer(seg, 5u, st, 0x1000u, mb[2], 128u) == 0u, "request 3 refused: SM0 full");
    CHECK(xfer(seg, 4u, st, 0x1080u, r, 128u) == 1u && r[8] == 0x43u && le_get_u32(r + 12) == 0x0000CB01u,
          "answer 1: vendor");
    CHECK(xfer(seg, 4u, st, 0x1080u, r, 128u) == 1u && r[11] == 2u && le_get_u32(r + 12) == 0x00402001u,
          "answer 2: product, once SM1 was free");
    CHECK(xfer(seg, 4u, st, 0x1080u, r, 128u) == 0u, "no answer 3");
    /* a mailbox that is not CoE: mailbox error, unsupported protocol */
    mb[0][5] = 0x12u; /* EoE */
    CHECK(xfer(seg, 5u, st, 0x1000u, mb[0], 128u) == 1u, "EoE request");
    CHECK(xfer(seg, 4u, st, 0x1080u, r, 128u) == 1u && (r[5] & 0x0Fu) == 0u && le_get_u16(r + 6) == 1u &&
          le_get_u16(r + 8) == 0x0002u, "mailbox error: unsupported protocol");

    /* segmented upload of 0x1008, classic 7-byte segments */
    static const char name[] = "cb-emu CiA402 knee drive";
    uint8_t q[8] = { 0x40u, 0x08u, 0x10u, 0u };
    coe(seg, st, q, 8u, r);
    CHECK(r[8] == 0x41u && le_get_u32(r + 12) == sizeof name - 1u, "normal upload response, size %u",
          le_get_u32(r + 12));
    char got[64] = { 0 };
    uint32_t have = 0u;
    unsigned segs = 0u;
    for (uint8_t t = 0u; segs < 10u; t ^= 1u, segs++) {
        uint8_t sq[8] = { (uint8_t)(0x60u | ((unsigned)t << 4)) };
        coe(seg, st, sq, 8u, r);
        uint8_t cmd = r[8];
        CHECK((cmd & 0xE0u) == 0x00u && ((cmd >> 4) & 1u) == t, "segment %u toggle", segs);
        uint32_t n = 7u - ((cmd >> 1) & 7u);
        CHECK(le_get_u16(r) == 10u, "classic segment mailbox length");
        memcpy(got + have, r + 9, n);
        have += n;
        if ((cmd & 1u) != 0u) {
            break;
        }
    }
    CHECK(segs == 3u && have == sizeof name - 1u && memcmp(got, name, have) == 0, "0x1008 = '%s' in %u segments",
          got, segs + 1u);
    /* a repeated toggle is refused */
    coe(seg, st, q, 8u, r);
    uint8_t s0[8] = { 0x60u };
    coe(seg, st, s0, 8u, r);
    CHECK(r[8] == 0x00u, "first segment");
    coe(seg, st, s0, 8u, r);
    CHECK(abort_of(r) == 0x05030000u, "toggle not alternated: %08x", abort_of(r));
    coe(seg, st, s0, 8u, r);
    CHECK(abort_of(r) == 0x05040001u, "segment without a transfer: %08x", abort_of(r));
    /* the CoE form: one segment filling the mailbox */
    seg->slave[0].upload_seg_max = 119u;
    coe(seg, st, q, 8u, r);
    coe(seg, st, s0, 8u, r);
    CHECK(r[8] == 0x01u && le_get_u16(r) == 3u + sizeof name - 1u && memcmp(r + 9, name, sizeof name - 1u) == 0,
          "large segment: cmd %02x len %u", r[8], le_get_u16(r));
    seg->slave[0].upload_seg_max = 7u;

    /* segmented download of 0x2002 (user name): initiate without data, 7 + 7 + 6 bytes */
    static const char user[] = "left-front knee 0001";
    uint8_t di[8] = { 0x21u, 0x02u, 0x20u, 0u };
    le_put_u32(di + 4, sizeof user - 1u);
    coe(seg, st, di, 8u, r);
    CHECK(r[8] == 0x60u, "download initiate response");
    uint8_t d0[8] = { 0x00u };
    memcpy(d0 + 1, user, 7u);
    coe(seg, st, d0, 8u, r);
    CHECK(r[8] == 0x20u, "segment 0 response %02x", r[8]);
    uint8_t d1[8] = { 0x10u };
    memcpy(d1 + 1, user + 7, 7u);
    coe(seg, st, d1, 8u, r);
    CHECK(r[8] == 0x30u, "segment 1 response %02x", r[8]);
    uint8_t d2[8] = { (uint8_t)(0x00u | (1u << 1) | 1u) };
    memcpy(d2 + 1, user + 14, 6u);
    coe(seg, st, d2, 8u, r);
    CHECK(r[8] == 0x20u, "last segment response %02x", r[8]);
    CHECK(seg->slave[0].drive.user_name_len == sizeof user - 1u &&
          memcmp(seg->slave[0].drive.user_name, user, sizeof user - 1u) == 0, "0x2002 written");
    /* wrong toggle in a download */
    coe(seg, st, di, 8u, r);
    coe(seg, st, d1, 8u, r);
    CHECK(abort_of(r) == 0x05030000u, "download toggle: %08x", abort_of(r));
    /* CoE form: the whole string in one large segment */
    static const char user2[] = "a longer name that needs a big segment, 48 chars";
    le_put_u32(di + 4, sizeof user2 - 1u);
    coe(seg, st, di, 8u, r);
    uint8_t big[64] = { 0x01u };
    memcpy(big + 1, user2, sizeof user2 - 1u);
    coe(seg, st, big, (uint16_t)sizeof user2, r);
    CHECK(r[8] == 0x20u && seg->slave[0].drive.user_name_len == sizeof user2 - 1u &&
          memcmp(seg->slave[0].drive.user_name, user2, sizeof user2 - 1u) == 0, "large download segment");
    /* normal download with all data in the initiate */
    uint8_t ni[8 + 5] = { 0x21u, 0x02u, 0x20u, 0u, 5u, 0u, 0u, 0u, 'k', 'n', 'e', 'e', '!' };
    coe(seg, st, ni, sizeof ni, r);
    CHECK(r[8] == 0x60u && seg->slave[0].drive.user_name_len == 5u, "normal download in the initiate");
    /* a declared size that does not match the data */
    le_put_u32(di + 4, 10u);
    coe(seg, st, di, 8u, r);
    coe(seg, st, d2, 8u, r);
    CHECK(abort_of(r) == 0x06070010u, "short download: %08x", abort_of(r));
}

static void config_pd(emu_ecat_t *seg, uint16_t k)
{
    const uint16_t st = (uint16_t)(0x1001u + k);
    uint8_t sm[16] = { 0u };
    le_put_u16(sm, 0x1100u);
    le_put_u16(sm + 2, OUT_LEN);
    sm[4] = 0x24u; /* buffered, written by the master */
    sm[6] = 1u;
    le_put_u16(sm + 8, 0x1180u);
    le_put_u16(sm + 10, IN_LEN);
    sm[12] = 0x20u; /* buffered, read by the master */
    sm[14] = 1u;
    CHECK(xfer(seg, 5u, st, 0x0810u, sm, 16u) == 1u, "SM2/SM3");
    uint8_t fm[32] = { 0u };
    le_put_u32(fm, OUT_LEN * k);
    le_put_u16(fm + 4, OUT_LEN);
    fm[7] = 7u;
    le_put_u16(fm + 8, 0x1100u);
    fm[11] = 2u;
    fm[12] = 1u;
    le_put_u32(fm + 16, OUT_LEN * N + IN_LEN * k);
    le_put_u16(fm + 20, IN_LEN);
    fm[23] = 7u;
    le_put_u16(fm + 24, 0x1180u);
    fm[27] = 1u;
    fm[28] = 1u;
    CHECK(xfer(seg, 5u, st, 0x0600u, fm, 32u) == 1u, "FMMU0/1");
}

static void test_safeop_op(emu_ecat_t *seg, out_t *out, in_t *in)
{
    uint16_t s, c;
    for (uint16_t k = 0u; k < N; k++) {
        config_pd(seg, k);
    }
    CHECK(fpwr16(seg, 0x1001u, 0x0120u, 0x0004u) == 1u, "AL control");
    al_read(seg, 0x1001u, &s, &c);
    CHECK(s == 0x12u && c == 0x001Du, "SAFE-OP with the power-up mapping: %04x %04x", s, c);
    remap(seg, 0x1001u, true, false);
    CHECK(fpwr16(seg, 0x1001u, 0x0120u, 0x0014u) == 1u, "AL control");
    al_read(seg, 0x1001u, &s, &c);
    CHECK(s == 0x12u && c == 0x001Eu, "SAFE-OP with only the outputs remapped: %04x %04x", s, c);
    remap(seg, 0x1001u, false, true);
    remap(seg, 0x1002u, true, true);
    remap(seg, 0x1003u, true, true);
    CHECK(cycle(seg, out, in) == 0u, "LRW in PRE-OP: process data SMs closed, WKC 0");
    uint8_t req[2];
    le_put_u16(req, 0x0014u);
    CHECK(xfer(seg, 8u, 0u, 0x0120u, req, 2u) == N, "BWR SAFE-OP");
    for (uint16_t k = 0u; k < N; k++) {
        al_read(seg, (uint16_t)(0x1001u + k), &s, &c);
        CHECK(s == 0x04u && c == 0u, "slave %u SAFE-OP: %04x %04x", k, s, c);
    }
    CHECK(sdo_dl(seg, 0x1001u, 0x1600u, 0u, 0u, 1u) == 0x08000022u, "mapping fixed outside PRE-OP");
    CHECK(sdo_dl(seg, 0x1001u, 0x6060u, 0u, 8u, 1u) == 0u, "mode by SDO");
    CHECK(sdo_dl(seg, 0x1001u, 0x6060u, 0u, 3u, 1u) == 0x06090030u, "unsupported mode");
    le_put_u16(req, 0x0008u);
    CHECK(fpwr16(seg, 0x1001u, 0x0120u, 0x0008u) == 1u, "AL control");
    al_read(seg, 0x1001u, &s, &c);
    CHECK(s == 0x14u && c == 0x001Bu, "OP before any outputs: %04x %04x", s, c);
    CHECK(cycle(seg, out, in) == 3u * N, "LRW in SAFE-OP: WKC 3 per slave");
    CHECK((in[0].sw & 0x4Fu) == 0x40u && (in[0].sw & 0x0200u) != 0u, "switch on disabled, remote: %04x", in[0].sw);
    le_put_u16(req, 0x0018u);
    CHECK(xfer(seg, 8u, 0u, 0x0120u, req, 2u) == N, "BWR OP");
    for (uint16_t k = 0u; k < N; k++) {
        al_read(seg, (uint16_t)(0x1001u + k), &s, &c);
        CHECK(s == 0x08u && c == 0u, "slave %u OP: %04x %04x", k, s, c);
    }
}

static float law_tau(const emu_law_t *l, double q, double qd)
{
    double t = (double)l->kp * ((double)l->q_des - q) + (double)l->kd * ((double)l->qd_des - qd) + (double)l->tau_ff;
    return (float)(t > (double)l->tau_max ? (double)l->tau_max : t < -(double)l->tau_max ? -(double)l->tau_max : t);
}

static void test_cia402_pdo(emu_ecat_t *seg, out_t *out, in_t *in)
{
    emu_law_t law;
    for (uint8_t k = 0u; k < N; k++) {
        emu_ecat_law(seg, k, 1.5, 0.0, &law); /* shafts at 1.5 rad */
        out[k].mode = 8;
        out[k].pos = 281620; /* 1.5 rad · 187746.81 inc/rad */
    }
    set_cw(out, 0x0006u);
    CHECK(cycle2(seg, out, in) == 3u * N, "WKC");
    CHECK((in[0].sw & 0x6Fu) == 0x21u, "ready to switch on: %04x", in[0].sw);
    set_cw(out, 0x0007u);
    (void)cycle2(seg, out, in);
    CHECK((in[1].sw & 0x6Fu) == 0x23u, "switched on: %04x", in[1].sw);
    set_cw(out, 0x000Fu);
    (void)cycle2(seg, out, in);
    CHECK((in[2].sw & 0x6Fu) == 0x27u, "operation enabled: %04x", in[2].sw);
    CHECK(in[0].mode == 8 && in[0].pos == 281620 && in[0].err == 0u, "inputs: mode %d pos %d", in[0].mode, in[0].pos);
    CHECK((in[0].sw & 0x0400u) != 0u, "target reached at the target");

    /* CSP: kp 60, kd 1.5, q_des = π/2 (294912 inc = 1/4 joint turn) */
    out[0].pos = 294912;
    (void)cycle(seg, out, in);
    emu_ecat_law(seg, 0u, 1.5, 0.2, &law);
    CHECK(law.kp == 60.0f && law.kd == 1.5f && fabsf(law.q_des - 1.5707963f) < 1e-6f && law.qd_des == 0.0f &&
          law.tau_ff == 0.0f, "CSP law: kp %g kd %g q_des %.7f", (double)law.kp, (double)law.kd, (double)law.q_des);
    CHECK(fabsf(law.tau_max - 26.397f) < 1e-4f, "tau_max 2933 ‰ · 1 N·m · 9 = %g", (double)law.tau_max);
    /* τ = 60 (π/2 − 1.5) − 1.5 · 0.2 = 3.94778 */
    CHECK(fabsf(law_tau(&law, 1.5, 0.2) - 3.947780f) < 1e-4f, "CSP torque %g", (double)law_tau(&law, 1.5, 0.2));
    CHECK(fabsf(seg->slave[0].drive.tau - 3.947780f) < 1e-4f, "drive torque %g", (double)seg->slave[0].drive.tau);
    (void)cycle(seg, out, in);
    /* 0x6077: 3.94778 N·m / (1 N·m · 9) · 1000 = 438.6 ‰ */
    CHECK(in[0].torque == 439, "torque actual %d ‰", in[0].torque);
    CHECK((in[0].sw & 0x0400u) == 0u, "target not reached 0.07 rad away");

    /* CSV: kp 0, kd 1.5, qd_des = 294912 inc/s = π/2 rad/s */
    out[0].mode = 9;
    out[0].vel = 294912;
    (void)cycle(seg, out, in);
    emu_ecat_law(seg, 0u, 1.5, 1.0, &law);
    CHECK(law.kp == 0.0f && law.kd == 1.5f && fabsf(law.qd_des - 1.5707963f) < 1e-6f && law.tau_ff == 0.0f,
          "CSV law: qd_des %.7f", (double)law.qd_des);
    (void)cycle(seg, out, in);
    CHECK(in[0].mode == 9 && in[0].vel == 187747, "CSV: mode display %d, velocity 1 rad/s = %d inc/s", in[0].mode,
          in[0].vel);

    /* CST: τ_ff = 500 ‰ · 1 N·m · 9 = 4.5 N·m */
    out[0].mode = 10;
    out[0].torque = 500;
    (void)cycle(seg, out, in);
    emu_ecat_law(seg, 0u, 1.5, 0.0, &law);
    CHECK(law.kp == 0.0f && law.kd == 0.0f && fabsf(law.tau_ff - 4.5f) < 1e-6f, "CST law: tau_ff %g",
          (double)law.tau_ff);
    (void)cycle(seg, out, in);
    CHECK(in[0].torque == 500, "CST torque actual %d", in[0].torque);
    out[0].torque = 10000; /* beyond 0x6072: clamped at 26.397 N·m */
    (void)cycle(seg, out, in);
    emu_ecat_law(seg, 0u, 1.5, 0.0, &law);
    CHECK(fabsf(law_tau(&law, 1.5, 0.0) - 26.397f) < 1e-4f && fabsf(seg->slave[0].drive.tau - 26.397f) < 1e-4f,
          "torque limit");
    out[0].torque = 0;
    out[0].mode = 8;
    out[0].pos = 281620;

    /* quick stop: damping kd 2.0 until the shaft is still, then switch on disabled */
    out[0].cw = 0x0002u;
    (void)cycle(seg, out, in);
    emu_ecat_law(seg, 0u, 1.5, 1.0, &law);
    (void)cycle(seg, out, in);
    CHECK((in[0].sw & 0x6Fu) == 0x07u, "quick stop active: %04x", in[0].sw);
    CHECK(law.kp == 0.0f && law.kd == 2.0f && law.qd_des == 0.0f && law.tau_ff == 0.0f, "quick stop law");
    CHECK(fabsf(law_tau(&law, 1.5, 1.0) + 2.0f) < 1e-6f, "braking torque −2 N·m at 1 rad/s");
    emu_ecat_law(seg, 0u, 1.5, 0.01, &law);
    (void)cycle(seg, out, in);
    CHECK((in[0].sw & 0x4Fu) == 0x40u, "stopped: switch on disabled %04x", in[0].sw);
    CHECK(law.kd == 0.0f && law.kp == 0.0f, "disabled: no torque");

    /* injected fault, seen through PDO and SDO */
    out[0].cw = 0x0006u;
    (void)cycle(seg, out, in);
    out[0].cw = 0x000Fu;
    (void)cycle2(seg, out, in);
    CHECK((in[0].sw & 0x6Fu) == 0x27u, "re-enabled: %04x", in[0].sw);
    emu_cia402_inject_fault(&seg->slave[0].drive, 0x4310u);
    emu_ecat_law(seg, 0u, 1.5, 1.0, &law);
    (void)cycle(seg, out, in);
    CHECK((in[0].sw & 0x4Fu) == 0x0Fu && law.kd == 2.0f, "fault reaction active: %04x", in[0].sw);
    emu_ecat_law(seg, 0u, 1.5, 0.0, &law);
    (void)cycle(seg, out, in);
    CHECK((in[0].sw & 0x4Fu) == 0x08u && in[0].err == 0x4310u, "fault %04x, code %04x", in[0].sw, in[0].err);
    uint32_t v = 0u;
    uint8_t size = 0u;
    CHECK(sdo_ul(seg, 0x1001u, 0x603Fu, 0u, &v, &size) == 0u && v == 0x4310u, "0x603F by SDO in OP: %04x", v);
    out[0].cw = 0x0080u;
    (void)cycle2(seg, out, in);
    CHECK((in[0].sw & 0x4Fu) == 0x40u && in[0].err == 0u, "fault reset: %04x", in[0].sw);
}

static void test_watchdog_unplug(emu_ecat_t *seg, out_t *out, in_t *in)
{
    uint16_t s, c;
    set_cw(out, 0x0006u);
    (void)cycle(seg, out, in);
    set_cw(out, 0x000Fu);
    (void)cycle2(seg, out, in);
    CHECK((in[1].sw & 0x6Fu) == 0x27u, "slave 1 enabled: %04x", in[1].sw);
    emu_law_t law;
    emu_ecat_law(seg, 1u, 1.5, 1.0, &law); /* moving: the quick stop has something to brake */
    uint64_t last = t_now;
    emu_ecat_advance(seg, last + 100000000u);
    t_now = last + 100000000u;
    al_read(seg, 0x1002u, &s, &c);
    CHECK(s == 0x08u, "100 ms: still OP");
    emu_ecat_advance(seg, last + 100000001u);
    t_now = last + 100000001u;
    al_read(seg, 0x1002u, &s, &c);
    CHECK(s == 0x14u && c == 0x001Bu, "SM watchdog: SAFE-OP + error, %04x %04x", s, c);
    CHECK(fprd16(seg, 0x1002u, 0x0440u) == 0u, "0x0440: expired");
    CHECK(seg->slave[1].drive.state == CIA_QUICK_STOP && seg->slave[1].drive.error_code == 0x8700u,
          "drive in quick stop after the communication loss");
    emu_ecat_law(seg, 1u, 1.5, 0.5, &law);
    CHECK(law.kd == 2.0f && law.kp == 0.0f, "braking");
    CHECK(cycle(seg, out, in) == 3u * N, "SAFE-OP still exchanges");
    CHECK(fprd16(seg, 0x1002u, 0x0440u) == 1u, "0x0440: OK again");

    /* back to OP for the unplug test */
    uint8_t req[2];
    le_put_u16(req, 0x0018u);
    CHECK(xfer(seg, 8u, 0u, 0x0120u, req, 2u) == N, "BWR OP + ack");
    al_read(seg, 0x1002u, &s, &c);
    CHECK(s == 0x08u, "OP again: %04x", s);
    CHECK(cycle(seg, out, in) == 3u * N, "WKC 9");

    emu_ecat_set_present(seg, 1u, false);
    CHECK(cycle(seg, out, in) == 3u * (N - 1u), "slave 2 unplugged: WKC 6");
    uint8_t t = 0u;
    CHECK(xfer(seg, 7u, 0u, 0u, &t, 1u) == N - 1u, "BRD counts the slaves left");
    uint8_t b[2] = { 0u, 0u };
    CHECK(xfer(seg, 1u, 0xFFFFu, 0x0010u, b, 2u) == 1u && le_get_u16(b) == 0x1003u, "position 1 is now the third");
    CHECK(emu_ecat_delay_ns(seg, 60u) == (60u + 12u) * 80u + 2u * (N - 1u) * 500u, "shorter line");
    emu_ecat_set_present(seg, 1u, true);
    CHECK(xfer(seg, 4u, 0x1002u, 0x0010u, b, 2u) == 0u, "replugged: its station address is gone");
    CHECK(xfer(seg, 1u, 0xFFFFu, 0x0010u, b, 2u) == 1u && le_get_u16(b) == 0u, "replugged: station 0");
    uint8_t al[2] = { 0u };
    CHECK(xfer(seg, 1u, 0xFFFFu, 0x0130u, al, 2u) == 1u && le_get_u16(al) == 0x01u, "replugged: INIT");
    CHECK(cycle(seg, out, in) == 3u * (N - 1u), "replugged in INIT: WKC 6");
    CHECK(seg->slave[1].drive.n_rx == 1u, "replugged: power-up mapping");
}

/* the drive alone: state machine corners, following error, fault reset edge */
static void test_drive(void)
{
    emu_cia402_t d;
    emu_cia402_init(&d);
    CHECK((emu_cia402_statusword(&d) & 0x4Fu) == 0x00u, "not ready at power-up");
    emu_cia402_step(&d, 0.0, 0.0);
    CHECK((emu_cia402_statusword(&d) & 0x4Fu) == 0x40u, "switch on disabled after the self-test");
    emu_cia402_on_outputs(&d, 0x0007u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED, "switch on from switch on disabled: ignored");
    emu_cia402_on_outputs(&d, 0x0006u, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x000Fu, 8, 0, 0, 0);
    CHECK(d.state == CIA_OP_ENABLED, "ready → operation enabled (3 + 4)");
    emu_cia402_on_outputs(&d, 0x0007u, 8, 0, 0, 0);
    CHECK((emu_cia402_statusword(&d) & 0x6Fu) == 0x23u, "disable operation → switched on");
    emu_cia402_on_outputs(&d, 0x0000u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED, "disable voltage");
    emu_cia402_on_outputs(&d, 0x0006u, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x000Fu, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x0006u, 8, 0, 0, 0);
    CHECK(d.state == CIA_READY, "shutdown from operation enabled → ready");

    /* following error in CSP: 0.6 rad away with a 0.5 rad window */
    emu_cia402_on_outputs(&d, 0x000Fu, 8, 0, 0, 0);
    emu_cia402_step(&d, 0.4, 0.0);
    CHECK(d.state == CIA_OP_ENABLED, "0.4 rad: inside the window");
    emu_cia402_step(&d, 0.6, 2.0);
    CHECK(d.state == CIA_FAULT_REACTION && d.error_code == 0x8611u, "following error: %04x", d.error_code);
    CHECK((emu_cia402_statusword(&d) & 0x2000u) != 0u, "statusword bit 13");
    emu_cia402_step(&d, 0.6, 0.0);
    CHECK((emu_cia402_statusword(&d) & 0x4Fu) == 0x08u, "fault");

    /* fault reset on the rising edge only */
    emu_cia402_on_outputs(&d, 0x0080u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED && d.error_code == 0u, "reset");
    emu_cia402_inject_fault(&d, 0x3220u);
    emu_cia402_step(&d, 0.0, 0.0);
    CHECK(d.state == CIA_FAULT && d.error_code == 0x3220u, "undervoltage at standstill: straight to fault");
    emu_cia402_on_outputs(&d, 0x0080u, 8, 0, 0, 0);
    CHECK(d.state == CIA_FAULT, "bit 7 held high: no second reset");
    emu_cia402_on_outputs(&d, 0x0000u, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x0080u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED, "0 → 1 again: reset");
    emu_cia402_on_outputs(&d, 0x0086u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED, "shutdown with bit 7 set is not a shutdown");

    /* quick stop from switched on goes straight to switch on disabled */
    emu_cia402_on_outputs(&d, 0x0006u, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x0007u, 8, 0, 0, 0);
    emu_cia402_on_outputs(&d, 0x0002u, 8, 0, 0, 0);
    CHECK(d.state == CIA_SWITCH_ON_DISABLED, "quick stop in switched on");

    emu_law_t law;
    emu_cia402_law(&d, 0.0, 0.0, &law);
    CHECK(law.kp == 0.0f && law.kd == 0.0f && law.tau_ff == 0.0f, "disabled: zeros");
    int32_t p, v;
    int16_t t;
    d.q = -1.0;
    d.qd = -0.5;
    emu_cia402_inputs(&d, &p, &v, &t);
    CHECK(p == -187747 && v == -93873, "actual values at −1 rad, −0.5 rad/s: %d %d", p, v);
}

void test_ecat_emu(void)
{
    static emu_ecat_t seg;
    const uint16_t joints[N] = { 4u, 5u, 6u };
    emu_ecat_init(&seg, (uint8_t)N, joints);
    out_t out[N];
    in_t in[N];
    memset(out, 0, sizeof out);
    memset(in, 0, sizeof in);
    test_addressing(&seg);
    test_sii(&seg);
    test_dc(&seg);
    test_esm_mailbox(&seg);
    test_safeop_op(&seg, out, in);
    test_cia402_pdo(&seg, out, in);
    test_watchdog_unplug(&seg, out, in);
    test_drive();
}
