/*
 * t_vectors.c — the firmware against the shared golden vectors (the JSON files of test/vectors, compiled into
 * build/gen/vectors.h): CRC-32C, COBS, MIT packing and reply decoding, CAN frame times, complete
 * bridge frames in both directions, and frames every receiver must reject.
 */
#include <math.h>
#include <string.h>

#include "bridge.h"
#include "can.h"
#include "check.h"
#include "cobs.h"
#include "crc32c.h"
#include "frame.h"
#include "mit.h"
#include "msg.h"
#include "vectors.h"

static void test_crc(void)
{
    for (size_t i = 0u; i < VEC_COUNT(vec_crc); i++) {
        uint32_t c = crc32c(vec_crc[i].data, vec_crc[i].len);
        CHECK(c == vec_crc[i].crc, "crc %s: 0x%08X != 0x%08X", vec_crc[i].name, (unsigned)c, (unsigned)vec_crc[i].crc);
    }
    /* the running form over two pieces equals the one-shot value */
    const vec_crc_t *v = &vec_crc[0];
    uint32_t st = crc32c_update(0xFFFFFFFFu, v->data, 4u);
    st = crc32c_update(st, v->data + 4, v->len - 4u);
    CHECK((st ^ 0xFFFFFFFFu) == v->crc, "crc split");
}

static void test_cobs(void)
{
    uint8_t enc[700];
    uint8_t dec[700];
    for (size_t i = 0u; i < VEC_COUNT(vec_cobs); i++) {
        const vec_cobs_t *c = &vec_cobs[i];
        size_t n = cobs_encode(c->dec, c->dec_len, enc, sizeof enc);
        CHECK(n == c->enc_len && memcmp(enc, c->enc, n) == 0, "cobs encode %s (len %zu vs %zu)", c->name, n, c->enc_len);
        CHECK(n <= COBS_MAX_ENCODED(c->dec_len), "cobs bound %s", c->name);
        size_t m = 0u;
        bool ok = cobs_decode(c->enc, c->enc_len, dec, sizeof dec, &m);
        CHECK(ok && m == c->dec_len && memcmp(dec, c->dec, m) == 0, "cobs decode %s", c->name);
        /* streaming decoder, one byte at a time, then the delimiter */
        cobs_stream_t s;
        cobs_stream_init(&s, dec, sizeof dec);
        cobs_event_t ev = COBS_NONE;
        for (size_t k = 0u; k < c->enc_len; k++) {
            ev = cobs_stream_push(&s, c->enc[k]);
            CHECK(ev == COBS_NONE, "stream %s early event", c->name);
        }
        ev = cobs_stream_push(&s, 0u);
        CHECK(ev == COBS_FRAME && s.len == c->dec_len && memcmp(dec, c->dec, s.len) == 0, "stream %s", c->name);
        /* too small a destination must fail, never overflow */
        if (c->dec_len > 0u) {
            CHECK(!cobs_decode(c->enc, c->enc_len, dec, c->dec_len - 1u, &m), "cobs overflow %s", c->name);
        }
        CHECK(cobs_encode(c->dec, c->dec_len, enc, c->enc_len - 1u) == 0u, "cobs encode cap %s", c->name);
    }
    for (size_t i = 0u; i < VEC_COUNT(vec_cobs_decode_only); i++) {
        const vec_cobs_t *c = &vec_cobs_decode_only[i];
        size_t m = 0u;
        bool ok = cobs_decode(c->enc, c->enc_len, dec, sizeof dec, &m);
        CHECK(ok && m == c->dec_len && memcmp(dec, c->dec, m) == 0, "cobs decode-only %s", c->name);
    }
    for (size_t i = 0u; i < VEC_COUNT(vec_cobs_invalid); i++) {
        const vec_cobs_t *c = &vec_cobs_invalid[i];
        size_t m = 0u;
        CHECK(!cobs_decode(c->enc, c->enc_len, dec, sizeof dec, &m), "cobs invalid %s accepted", c->name);
    }
    /* empty frames (consecutive delimiters) are silent */
    cobs_stream_t s;
    cobs_stream_init(&s, dec, sizeof dec);
    CHECK(cobs_stream_push(&s, 0u) == COBS_NONE && cobs_stream_push(&s, 0u) == COBS_NONE, "idle delimiters");
}

static bool near(float a, float b)
{
    float tol = 1e-6f * (fabsf(b) > 1.0f ? fabsf(b) : 1.0f);
    return fabsf(a - b) <= tol;
}

static void test_mit(void)
{
    for (size_t i = 0u; i < VEC_COUNT(vec_mit_cmds); i++) {
        const vec_mit_cmd_t *c = &vec_mit_cmds[i];
        const mit_range_t *r = &vec_mit_models[c->model].range;
        uint8_t out[8];
        uint8_t mask = mit_pack_command(&c->cmd, r, out);
        CHECK(memcmp(out, c->bytes, 8u) == 0, "mit pack %s: %02X%02X%02X%02X%02X%02X%02X%02X", c->name,
              out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7]);
        CHECK(mask == c->clamp_mask, "mit clamp mask %s: %u != %u", c->name, mask, c->clamp_mask);
        CHECK(mit_special_of(out, 8u) == MIT_SPECIAL_NONE, "mit %s mistaken for special", c->name);
    }
    for (size_t i = 0u; i < VEC_COUNT(vec_mit_specials); i++) {
        uint8_t out[8];
        mit_pack_special((mit_special_t)vec_mit_specials[i].bytes[7], out);
        CHECK(memcmp(out, vec_mit_specials[i].bytes, 8u) == 0, "special %s", vec_mit_specials[i].name);
        CHECK(mit_special_of(vec_mit_specials[i].bytes, 8u) == (mit_special_t)vec_mit_specials[i].bytes[7], "special of %s", vec_mit_specials[i].name);
    }
    for (size_t i = 0u; i < VEC_COUNT(vec_mit_replies); i++) {
        const vec_mit_reply_t *v = &vec_mit_replies[i];
        mit_reply_t rep;
        bool ok = mit_unpack_reply(v->proto, v->bytes, v->len, &vec_mit_models[v->model].range, &rep);
        CHECK(ok, "reply %s", v->name);
        CHECK(rep.id == v->id, "reply %s id %u", v->name, rep.id);
        CHECK(near(rep.p, v->p) && near(rep.v, v->v) && near(rep.t, v->t), "reply %s values %g %g %g vs %g %g %g",
              v->name, (double)rep.p, (double)rep.v, (double)rep.t, (double)v->p, (double)v->v, (double)v->t);
        CHECK(rep.has_temp == (v->has_temp != 0) && (!v->has_temp || near(rep.temp_c, v->temp_c)), "reply %s temp", v->name);
        CHECK(rep.has_fault == (v->has_fault != 0) && (!v->has_fault || rep.fault == v->fault), "reply %s fault", v->name);
        CHECK(!mit_unpack_reply(v->proto, v->bytes, (uint8_t)(v->proto == MIT_PROTO_CHEETAH ? 5u : 7u), &vec_mit_models[v->model].range, &rep),
              "reply %s too short accepted", v->name);
        /* drive-side packing of the decoded values gives the same bytes back */
        uint8_t again[8];
        uint8_t n = mit_pack_reply(v->proto, &rep, &vec_mit_models[v->model].range, again);
        CHECK(n == v->len && memcmp(again, v->bytes, 6u) == 0, "reply %s repack", v->name);
    }
}

static void test_can_timing(void)
{
    for (size_t i = 0u; i < VEC_COUNT(vec_can); i++) {
        const vec_can_t *c = &vec_can[i];
        can_timing_t t = { c->nominal_bps, c->data_bps };
        uint32_t ns = can_frame_worst_ns(&t, c->flags, c->len);
        CHECK(ns == c->ns, "can time %s: %u != %u", c->name, (unsigned)ns, (unsigned)c->ns);
        if (c->bits != 0u) {
            CHECK(can_classic_worst_bits((c->flags & CAN_FLAG_EXT) != 0u, c->len) == c->bits, "can bits %s", c->name);
        }
    }
    CHECK(can_arbitration_key(0x001u, false) < can_arbitration_key(0x002u, false), "lower id wins");
    CHECK(can_arbitration_key(0x123u, false) < can_arbitration_key(0x123u << 18, true), "standard beats extended with same base id");
    CHECK(can_len_to_dlc(13u) == 10u && can_dlc_to_len(10u, true) == 16u && can_dlc_to_len(12u, false) == 8u, "dlc coding");
}

/* packs the golden fields; returns the body length */
static size_t pack_fields(const vec_frame_t *v, uint8_t *body, size_t cap)
{
    switch (v->type) {
    case MSG_HELLO: return msg_pack_hello(v->fields, body, cap);
    case MSG_INFO: return msg_pack_info(v->fields, body, cap);
    case MSG_CONFIG: return msg_pack_config(v->fields, body, cap);
    case MSG_CONFIG_ACK: return msg_pack_config_ack(v->fields, body, cap);
    case MSG_HEARTBEAT: return msg_pack_heartbeat(v->fields, body, cap);
    case MSG_COMMAND: return msg_pack_command(v->fields, &vec_layout, body, cap);
    case MSG_STATE: return msg_pack_state(v->fields, &vec_layout, body, cap);
    case MSG_DIAG: return msg_pack_diag(v->fields, body, cap);
    case MSG_FAULT: return msg_pack_fault(v->fields, body, cap);
    default: return 0u;
    }
}

/* unpack then pack again; returns the repacked length (0 if unpack failed) */
static size_t unpack_repack(uint8_t type, const uint8_t *body, size_t len, uint8_t *out, size_t cap)
{
    static union {
        msg_hello_t hello;
        msg_info_t info;
        msg_config_t config;
        msg_config_ack_t ack;
        msg_heartbeat_t hb;
        msg_command_t cmd;
        msg_state_t state;
        msg_diag_t diag;
        msg_fault_t fault;
    } u;
    memset(&u, 0, sizeof u);
    switch (type) {
    case MSG_HELLO: return msg_unpack_hello(body, len, &u.hello) ? msg_pack_hello(&u.hello, out, cap) : 0u;
    case MSG_INFO: return msg_unpack_info(body, len, &u.info) ? msg_pack_info(&u.info, out, cap) : 0u;
    case MSG_CONFIG: return msg_unpack_config(body, len, &u.config) ? msg_pack_config(&u.config, out, cap) : 0u;
    case MSG_CONFIG_ACK: return msg_unpack_config_ack(body, len, &u.ack) ? msg_pack_config_ack(&u.ack, out, cap) : 0u;
    case MSG_HEARTBEAT: return msg_unpack_heartbeat(body, len, &u.hb) ? msg_pack_heartbeat(&u.hb, out, cap) : 0u;
    case MSG_COMMAND: return msg_unpack_command(body, len, &vec_layout, &u.cmd) ? msg_pack_command(&u.cmd, &vec_layout, out, cap) : 0u;
    case MSG_STATE: return msg_unpack_state(body, len, &vec_layout, &u.state) ? msg_pack_state(&u.state, &vec_layout, out, cap) : 0u;
    case MSG_DIAG: return msg_unpack_diag(body, len, &u.diag) ? msg_pack_diag(&u.diag, out, cap) : 0u;
    case MSG_FAULT: return msg_unpack_fault(body, len, &u.fault) ? msg_pack_fault(&u.fault, out, cap) : 0u;
    default: return 0u;
    }
}

static void test_frames(void)
{
    static uint8_t raw[FRAME_MAX_RAW];
    static uint8_t wire[FRAME_MAX_WIRE];
    static uint8_t again[FRAME_MAX_BODY];
    for (size_t i = 0u; i < VEC_COUNT(vec_frames); i++) {
        const vec_frame_t *v = &vec_frames[i];
        size_t blen = pack_fields(v, raw + FRAME_HEADER_LEN, FRAME_MAX_BODY);
        frame_header_t h = { FRAME_VERSION, v->type, (uint16_t)blen, v->seq, v->t_us };
        size_t rlen = blen > 0u ? frame_finish(raw, sizeof raw, &h) : 0u;
        CHECK(rlen == v->raw_len && memcmp(raw, v->raw, rlen) == 0, "frame %s raw (len %zu vs %zu)", v->name, rlen, v->raw_len);
        size_t wlen = frame_to_wire(raw, rlen, wire, sizeof wire);
        CHECK(wlen == v->wire_len && memcmp(wire, v->wire, wlen) == 0, "frame %s wire", v->name);
        /* receive side: stream-decode the golden wire bytes, check, unpack, repack */
        cobs_stream_t s;
        static uint8_t dec[FRAME_MAX_RAW];
        cobs_stream_init(&s, dec, sizeof dec);
        cobs_event_t ev = COBS_NONE;
        for (size_t k = 0u; k < v->wire_len; k++) {
            ev = cobs_stream_push(&s, v->wire[k]);
        }
        CHECK(ev == COBS_FRAME && s.len == v->raw_len, "frame %s decode", v->name);
        frame_header_t hh;
        CHECK(frame_check(dec, s.len, &hh) == FRAME_OK && hh.type == v->type && hh.seq == v->seq && hh.t_us == v->t_us,
              "frame %s check", v->name);
        size_t n = unpack_repack(v->type, dec + FRAME_HEADER_LEN, hh.body_len, again, sizeof again);
        CHECK(n == hh.body_len && memcmp(again, dec + FRAME_HEADER_LEN, n) == 0, "frame %s unpack/repack", v->name);
        /* the body one byte shorter or longer is refused */
        CHECK(unpack_repack(v->type, dec + FRAME_HEADER_LEN, (size_t)hh.body_len - 1u, again, sizeof again) == 0u,
              "frame %s short body accepted", v->name);
    }
    for (size_t i = 0u; i < VEC_COUNT(vec_rejects); i++) {
        const vec_reject_t *r = &vec_rejects[i];
        cobs_stream_t s;
        static uint8_t dec[FRAME_MAX_RAW];
        cobs_stream_init(&s, dec, sizeof dec);
        unsigned accepted = 0u;
        frame_status_t last = FRAME_OK;
        bool cobs_err = false;
        for (size_t k = 0u; k < r->wire_len; k++) {
            cobs_event_t ev = cobs_stream_push(&s, r->wire[k]);
            if (ev == COBS_ERROR) {
                cobs_err = true;
            } else if (ev == COBS_FRAME) {
                frame_header_t h;
                last = frame_check(dec, s.len, &h);
                accepted += last == FRAME_OK;
            }
        }
        CHECK(accepted == 0u, "reject %s was accepted", r->name);
        bool right = false;
        if (strcmp(r->reason, "crc") == 0) {
            right = last == FRAME_ERR_CRC;
        } else if (strcmp(r->reason, "header") == 0) {
            right = last == FRAME_ERR_VERSION || last == FRAME_ERR_TYPE || last == FRAME_ERR_LENGTH;
        } else if (strcmp(r->reason, "length") == 0) {
            right = last == FRAME_ERR_SHORT;
        } else if (strcmp(r->reason, "cobs") == 0) {
            right = cobs_err;
        }
        CHECK(right, "reject %s: caught by the wrong check (%d)", r->name, (int)last);
    }
}

void test_vectors(void)
{
    test_crc();
    test_cobs();
    test_mit();
    test_can_timing();
    test_frames();
}
