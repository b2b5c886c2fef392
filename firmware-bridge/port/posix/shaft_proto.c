/*
 * shaft_proto.c — pack/unpack of the shaft loopback datagrams (SHAFT.md).
 *
 * Header (20 bytes): u32 magic "CBSH", u16 version 1, u16 type, u32 step, u32 dt_ns (STEP; 0 in
 * STATE), u16 n_joints, u16 reserved.
 */
#include "shaft_proto.h"

#include <math.h>
#include <string.h>

#include "le.h"

static double get_f64(le_reader_t *r)
{
    const uint8_t *p = le_r_take(r, 8u);
    if (p == NULL) {
        return 0.0;
    }
    uint64_t u = (uint64_t)le_get_u32(p) | ((uint64_t)le_get_u32(p + 4) << 32);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void put_f64(le_writer_t *w, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    le_w_u32(w, (uint32_t)(u & 0xFFFFFFFFu));
    le_w_u32(w, (uint32_t)(u >> 32));
}

static void header(le_writer_t *w, uint16_t type, uint32_t step, uint32_t dt_ns, uint16_t n)
{
    le_w_u32(w, SHAFT_MAGIC);
    le_w_u16(w, SHAFT_VERSION);
    le_w_u16(w, type);
    le_w_u32(w, step);
    le_w_u32(w, dt_ns);
    le_w_u16(w, n);
    le_w_u16(w, 0u);
}

static bool read_header(le_reader_t *r, uint16_t type, uint32_t *step, uint32_t *dt_ns, uint16_t *n)
{
    uint32_t magic = le_r_u32(r);
    uint16_t version = le_r_u16(r);
    uint16_t t = le_r_u16(r);
    *step = le_r_u32(r);
    *dt_ns = le_r_u32(r);
    *n = le_r_u16(r);
    (void)le_r_u16(r);
    return r->ok && magic == SHAFT_MAGIC && version == SHAFT_VERSION && t == type;
}

size_t shaft_pack_step(uint32_t step, uint32_t dt_ns, uint16_t n, const shaft_joint_cmd_t *j,
                       uint8_t *out, size_t cap)
{
    le_writer_t w = le_writer(out, cap);
    header(&w, SHAFT_STEP, step, dt_ns, n);
    for (uint16_t i = 0u; i < n; i++) {
        le_w_f32(&w, j[i].tau);
        le_w_f32(&w, j[i].kp);
        le_w_f32(&w, j[i].kd);
        le_w_f32(&w, j[i].q_des);
        le_w_f32(&w, j[i].qd_des);
        le_w_f32(&w, j[i].tau_ff);
        le_w_f32(&w, j[i].tau_max);
    }
    return w.ok ? w.pos : 0u;
}

bool shaft_unpack_step(const uint8_t *buf, size_t len, uint32_t *step, uint32_t *dt_ns, uint16_t *n,
                       shaft_joint_cmd_t *j, uint16_t max_joints)
{
    le_reader_t r = le_reader(buf, len);
    if (!read_header(&r, SHAFT_STEP, step, dt_ns, n) || *n > max_joints ||
        len != SHAFT_HEADER_LEN + (size_t)*n * SHAFT_STEP_JOINT_LEN) {
        return false;
    }
    for (uint16_t i = 0u; i < *n; i++) {
        j[i].tau = le_r_f32(&r);
        j[i].kp = le_r_f32(&r);
        j[i].kd = le_r_f32(&r);
        j[i].q_des = le_r_f32(&r);
        j[i].qd_des = le_r_f32(&r);
        j[i].tau_ff = le_r_f32(&r);
        j[i].tau_max = le_r_f32(&r);
    }
    return r.ok;
}

size_t shaft_pack_state(uint32_t step, uint16_t n, const shaft_joint_state_t *j, uint8_t *out, size_t cap)
{
    le_writer_t w = le_writer(out, cap);
    header(&w, SHAFT_STATE, step, 0u, n);
    for (uint16_t i = 0u; i < n; i++) {
        put_f64(&w, j[i].q);
        put_f64(&w, j[i].qd);
    }
    return w.ok ? w.pos : 0u;
}

bool shaft_unpack_state(const uint8_t *buf, size_t len, uint32_t *step, uint16_t *n,
                        shaft_joint_state_t *j, uint16_t max_joints)
{
    le_reader_t r = le_reader(buf, len);
    uint32_t dt = 0u;
    if (!read_header(&r, SHAFT_STATE, step, &dt, n) || *n > max_joints ||
        len != SHAFT_HEADER_LEN + (size_t)*n * SHAFT_STATE_JOINT_LEN) {
        return false;
    }
    for (uint16_t i = 0u; i < *n; i++) {
        j[i].q = get_f64(&r);
        j[i].qd = get_f64(&r);
        if (!isfinite(j[i].q) || !isfinite(j[i].qd)) {
            return false;
        }
    }
    return r.ok;
}
