/*
 * t_fuzz.c — random and mutated input into the firmware's parsers (deterministic seed).
 *
 *   garbage    random byte runs with random delimiters into the bridge's link input
 *   valid-crc  well-framed frames (good header and CRC) with random types and bodies, so the body
 *              parsers and the dispatcher see arbitrary content
 *   mutated    correct COMMAND / CONFIG / HELLO frames with 1–3 bits flipped on the wire: none may
 *              be accepted (the CRC must reject them)
 *   bodies     random bodies straight into every msg_unpack_*
 *   cobs       encode/decode round trips of random data
 *   mit        random and non-finite floats into the MIT packer
 * Everything the bridge writes back must stay well-formed. Run under ASan + UBSan by the Makefile.
 */
#include <math.h>
#include <string.h>

#include "bridge.h"
#include "check.h"
#include "crc32c.h"
#include "mit.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    /* xorshift64* (Vigna 2016) */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static uint32_t rnd_below(uint32_t n)
{
    return (uint32_t)(rnd() % n);
}

/* ---- a port that swallows everything and checks the bridge's output frames ---- */

typedef struct {
    cobs_stream_t out;
    uint8_t out_buf[FRAME_MAX_RAW];
    unsigned frames_out, bad_out;
    unsigned can_frames;
} fuzz_port_t;

static size_t fp_free(void *ctx)
{
    (void)ctx;
    return 1u << 20;
}

static bool fp_write(void *ctx, const uint8_t *buf, size_t len)
{
    fuzz_port_t *p = ctx;
    for (size_t i = 0u; i < len; i++) {
        cobs_event_t e = cobs_stream_push(&p->out, buf[i]);
        if (e == COBS_FRAME) {
            frame_header_t h;
            p->frames_out++;
            p->bad_out += frame_check(p->out_buf, p->out.len, &h) != FRAME_OK;
        } else if (e == COBS_ERROR) {
            p->bad_out++;
        }
    }
    return true;
}

static bool fp_configure(void *ctx, uint8_t hw, const cfg_bus_t *bus)
{
    (void)ctx;
    (void)hw;
    (void)bus;
    return true;
}

static bool fp_send(void *ctx, uint8_t hw, const can_frame_t *f)
{
    fuzz_port_t *p = ctx;
    (void)hw;
    p->can_frames += f->len <= CAN_MAX_DATA;
    return true;
}

static uint8_t fp_abort(void *ctx, uint8_t hw)
{
    (void)ctx;
    (void)hw;
    return 0u;
}

static void fp_status(void *ctx, uint8_t hw, can_status_t *st)
{
    (void)ctx;
    (void)hw;
    memset(st, 0, sizeof *st);
}

static void fp_recover(void *ctx, uint8_t hw)
{
    (void)ctx;
    (void)hw;
}

static const bridge_port_t fuzz_port_ops = { fp_free, fp_write, fp_configure, fp_send, fp_abort, fp_status, fp_recover, NULL };

static bridge_t br;
static fuzz_port_t fport;
static uint32_t clock_us = 1000u;
static uint32_t host_seq;

static size_t wire_of(uint8_t type, const uint8_t *body, size_t blen, uint8_t *wire, size_t cap)
{
    static uint8_t raw[FRAME_MAX_RAW];
    memcpy(raw + FRAME_HEADER_LEN, body, blen);
    frame_header_t h = { FRAME_VERSION, type, (uint16_t)blen, host_seq++, clock_us };
    size_t r = frame_finish(raw, sizeof raw, &h);
    return r != 0u ? frame_to_wire(raw, r, wire, cap) : 0u;
}

static void feed(const uint8_t *b, size_t n)
{
    clock_us += 37u;
    bridge_rx_bytes(&br, b, n, clock_us);
    bridge_poll(&br, clock_us);
}

static void setup_bridge(void)
{
    static msg_info_t hw;
    memset(&hw, 0, sizeof hw);
    hw.proto_version = 1u;
    hw.n_buses = 3u;
    hw.max_motors = CB_MAX_MOTORS;
    hw.max_slot_len = CB_MAX_SLOT_LEN;
    hw.max_raw_frame = FRAME_MAX_RAW;
    for (uint8_t i = 0u; i < 3u; i++) {
        hw.bus[i] = (msg_bus_info_t){ i, BUS_TYPE_CANFD, BUS_CAP_FD | BUS_CAP_BRS, 1000000u, 5000000u };
    }
    memset(&fport, 0, sizeof fport);
    cobs_stream_init(&fport.out, fport.out_buf, sizeof fport.out_buf);
    bridge_init(&br, &fuzz_port_ops, &fport, &hw, clock_us);
}

static size_t config_body(uint8_t *body, size_t cap)
{
    msg_config_t m;
    memset(&m, 0, sizeof m);
    m.tick_period_us = 2000u;
    m.watchdog_us = 1000000u;
    m.safe_kd = 1.0f;
    m.n_buses = 3u;
    m.n_motors = 12u;
    for (uint8_t b = 0u; b < 3u; b++) {
        m.bus[b] = (msg_bus_cfg_t){ b, BUS_TYPE_CANFD, 0u, 8u, 1000000u, 0u };
    }
    for (uint8_t i = 0u; i < 12u; i++) {
        m.motor[i] = (msg_motor_cfg_t){ (uint8_t)(i / 4u), (uint8_t)(i / 4u == 1u ? 2u : 0u), (uint8_t)(i % 4u + 1u), 0u, i % 4u + 1u, 0u, 5.0f };
    }
    return msg_pack_config(&m, body, cap);
}

static void fuzz_link(unsigned long scale, unsigned long *counts)
{
    static uint8_t buf[2048];
    static uint8_t body[FRAME_MAX_BODY];
    static uint8_t wire[FRAME_MAX_WIRE];
    setup_bridge();
    size_t n = config_body(body, sizeof body);
    n = wire_of(MSG_CONFIG, body, n, wire, sizeof wire);
    feed(wire, n);
    CHECK(br.cfg.valid, "fuzz: configured");

    /* garbage */
    unsigned long garbage = 300000ul * scale / 100ul;
    for (unsigned long i = 0u; i < garbage; i++) {
        size_t len = 1u + rnd_below(700u);
        for (size_t k = 0u; k < len; k++) {
            uint64_t r = rnd();
            buf[k] = (r & 0x3Fu) == 0u ? 0u : (uint8_t)(r >> 8);
        }
        buf[len - 1u] = 0u;
        feed(buf, len);
    }
    counts[0] = garbage;

    /* well-framed, random content */
    static const uint8_t types[] = { MSG_HELLO, MSG_INFO, MSG_CONFIG, MSG_CONFIG_ACK, MSG_HEARTBEAT,
                                     MSG_COMMAND, MSG_STATE, MSG_DIAG, MSG_FAULT, 0x00, 0x7F, 0xFF };
    unsigned long valid = 300000ul * scale / 100ul;
    const size_t cmd_len = msg_command_len(&br.cfg.layout);
    for (unsigned long i = 0u; i < valid; i++) {
        uint8_t type = types[rnd_below((uint32_t)sizeof types)];
        size_t len;
        switch (rnd_below(4u)) {
        case 0u: len = cmd_len; type = MSG_COMMAND; break;                     /* right length */
        case 1u: len = rnd_below(64u); break;
        default: len = rnd_below(FRAME_MAX_BODY + 1u); break;
        }
        for (size_t k = 0u; k < len; k++) {
            body[k] = (uint8_t)rnd();
        }
        if (type == MSG_COMMAND && len == cmd_len && rnd_below(2u) == 0u) {
            /* make the section headers right so slot contents reach the bus */
            size_t at = 8u;
            body[6] = 3u;
            for (uint8_t b = 0u; b < 3u; b++) {
                body[at] = b;
                body[at + 1u] = BUS_TYPE_CANFD;
                body[at + 2u] = 36u;
                body[at + 3u] = 0u;
                at += 4u + 36u;
            }
        }
        size_t w = wire_of(type, body, len, wire, sizeof wire);
        feed(wire, w);
    }
    counts[1] = valid;

    /* mutated valid frames: none may be accepted */
    unsigned long mutated = 500000ul * scale / 100ul;
    unsigned long accepted = 0u;
    unsigned long before_crc = br.link[LINK_RX_CRC];
    unsigned long before_other = br.link[LINK_RX_COBS] + br.link[LINK_RX_LEN];
    for (unsigned long i = 0u; i < mutated; i++) {
        size_t len;
        uint8_t type;
        switch (rnd_below(4u)) {
        case 0u:
            type = MSG_CONFIG;
            len = config_body(body, sizeof body);
            break;
        case 1u: {
            msg_hello_t h = { 1u, 1u, (uint32_t)rnd() };
            type = MSG_HELLO;
            len = msg_pack_hello(&h, body, sizeof body);
            break;
        }
        default: {
            msg_command_t c;
            memset(&c, 0, sizeof c);
            c.tick = (uint32_t)i;
            for (unsigned s = 0u; s < 12u; s++) {
                c.slot[s].flags = (uint8_t)(rnd() & 1u);
                uint64_t r = rnd();
                memcpy(c.slot[s].data, &r, 8u);
            }
            type = MSG_COMMAND;
            len = msg_pack_command(&c, &br.cfg.layout, body, sizeof body);
            break;
        }
        }
        size_t w = wire_of(type, body, len, wire, sizeof wire);
        /* 1–3 distinct bits (a bit flipped twice would restore the frame); the delimiter stays,
         * a zero created inside splits the frame in two, both of which must fail */
        unsigned flips = 1u + rnd_below(3u);
        uint32_t done[3];
        for (unsigned k = 0u; k < flips; k++) {
            uint32_t bit;
            bool dup;
            do {
                bit = rnd_below((uint32_t)(w - 1u) * 8u);
                dup = false;
                for (unsigned j = 0u; j < k; j++) {
                    dup = dup || done[j] == bit;
                }
            } while (dup);
            done[k] = bit;
            wire[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        }
        uint32_t ok_before = br.link[LINK_RX_OK];
        feed(wire, w);
        static const uint8_t zero = 0u;
        feed(&zero, 1u);
        accepted += br.link[LINK_RX_OK] - ok_before;
    }
    counts[2] = mutated;
    counts[3] = accepted;
    counts[4] = br.link[LINK_RX_CRC] - before_crc;
    counts[5] = br.link[LINK_RX_COBS] + br.link[LINK_RX_LEN] - before_other;
    CHECK(accepted == 0u, "fuzz: %lu corrupted frames accepted", accepted);
    CHECK(fport.bad_out == 0u, "fuzz: bridge wrote %u malformed frames", fport.bad_out);

    /* still alive and answering */
    unsigned before = fport.frames_out;
    msg_hello_t h = { 1u, 1u, 42u };
    n = wire_of(MSG_HELLO, body, msg_pack_hello(&h, body, sizeof body), wire, sizeof wire);
    feed(wire, n);
    CHECK(fport.frames_out > before, "fuzz: bridge answers after fuzzing");
}

static void fuzz_bodies(unsigned long scale, unsigned long *count)
{
    static uint8_t body[FRAME_MAX_BODY + 16u];
    static msg_config_t cfg;
    static msg_command_t cmd;
    static msg_state_t st;
    static msg_diag_t diag;
    msg_layout_t l = { 3u, 12u, { { 0u, 2u, 4u, 8u }, { 1u, 2u, 4u, 8u }, { 2u, 2u, 4u, 8u } } };
    unsigned long n = 200000ul * scale / 100ul;
    for (unsigned long i = 0u; i < n; i++) {
        size_t len = rnd_below(sizeof body);
        for (size_t k = 0u; k < len; k++) {
            body[k] = (uint8_t)rnd();
        }
        msg_hello_t he;
        msg_info_t in;
        msg_config_ack_t ack;
        msg_heartbeat_t hb;
        msg_fault_t fa;
        (void)msg_unpack_hello(body, len, &he);
        (void)msg_unpack_info(body, len, &in);
        (void)msg_unpack_config(body, len, &cfg);
        (void)msg_unpack_config_ack(body, len, &ack);
        (void)msg_unpack_heartbeat(body, len, &hb);
        (void)msg_unpack_command(body, len, &l, &cmd);
        (void)msg_unpack_state(body, len, &l, &st);
        (void)msg_unpack_diag(body, len, &diag);
        (void)msg_unpack_fault(body, len, &fa);
    }
    *count = n;
}

static void fuzz_cobs(unsigned long scale, unsigned long *count)
{
    static uint8_t src[1200];
    static uint8_t enc[1300];
    static uint8_t dec[1200];
    unsigned long n = 100000ul * scale / 100ul;
    unsigned long bad = 0u;
    for (unsigned long i = 0u; i < n; i++) {
        size_t len = rnd_below((uint32_t)sizeof src);
        unsigned zero_rate = 1u + rnd_below(300u);
        for (size_t k = 0u; k < len; k++) {
            src[k] = rnd_below(zero_rate) == 0u ? 0u : (uint8_t)(1u + rnd_below(255u));
        }
        size_t e = cobs_encode(src, len, enc, sizeof enc);
        size_t d = 0u;
        bool ok = e != 0u && memchr(enc, 0, e) == NULL && cobs_decode(enc, e, dec, sizeof dec, &d);
        bad += !(ok && d == len && memcmp(src, dec, len) == 0);
    }
    CHECK(bad == 0u, "cobs round trip failed %lu times", bad);
    *count = n;
}

static float rnd_float(void)
{
    switch (rnd_below(8u)) {
    case 0u: return NAN;
    case 1u: return rnd_below(2u) ? INFINITY : -INFINITY;
    case 2u: {
        uint32_t u = (uint32_t)rnd();
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    default: return (float)((double)(int64_t)(rnd() >> 11) / 9007199254740992.0 * 200.0);
    }
}

static void fuzz_mit(unsigned long scale, unsigned long *count)
{
    const mit_range_t r = { -12.5f, 12.5f, -50.0f, 50.0f, -18.0f, 18.0f, 0.0f, 500.0f, 0.0f, 5.0f };
    unsigned long n = 200000ul * scale / 100ul;
    unsigned long out_of_range = 0u;
    for (unsigned long i = 0u; i < n; i++) {
        mit_command_t c = { rnd_float(), rnd_float(), rnd_float(), rnd_float(), rnd_float() };
        uint8_t out[8];
        uint8_t mask = mit_pack_command(&c, &r, out);
        mit_command_t back;
        mit_unpack_command(out, &r, &back);
        /* whatever went in, what a drive decodes lies inside the ranges */
        bool in = back.p >= r.p_min && back.p <= r.p_max && back.kp >= 0.0f && back.kp <= r.kp_max &&
                  back.t >= r.t_min && back.t <= r.t_max;
        out_of_range += !in || (isnan(c.p) && !(mask & MIT_CLAMP_NAN));
        (void)mit_float_to_u16_wrapping(rnd_float(), -12.5f, 12.5f);
        mit_reply_t rep;
        uint8_t d[8];
        uint64_t rr = rnd();
        memcpy(d, &rr, 8u);
        (void)mit_unpack_reply((mit_protocol_t)rnd_below(5u), d, (uint8_t)rnd_below(9u), &r, &rep);
    }
    CHECK(out_of_range == 0u, "mit: %lu packed commands outside the ranges", out_of_range);
    *count = n;
}

void test_fuzz(unsigned long scale)
{
    unsigned long link[6] = { 0 };
    unsigned long bodies = 0u, cobs = 0u, mit = 0u;
    fuzz_link(scale, link);
    fuzz_bodies(scale, &bodies);
    fuzz_cobs(scale, &cobs);
    fuzz_mit(scale, &mit);
    unsigned long frames = link[0] + link[1] + link[2];
    printf("fuzz: %lu frames into the link (garbage %lu, valid-crc %lu, mutated %lu: accepted %lu, "
           "rejected by crc %lu, by cobs/length %lu), %lu bodies, %lu cobs round trips, %lu mit packs\n",
           frames, link[0], link[1], link[2], link[3], link[4], link[5], bodies, cobs, mit);
}
