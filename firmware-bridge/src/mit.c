/*
 * mit.c — MIT-mode CAN packing (see mit.h). All arithmetic is binary32 in the reference's order of
 * operations; float→integer conversions are only done on values proven in range, so no UB.
 */
#include "mit.h"

#include <math.h>
#include <string.h>

static float clampf(float x, float lo, float hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

uint32_t mit_float_to_uint(float x, float x_min, float x_max, unsigned bits)
{
    const uint32_t top = (1u << bits) - 1u;
    float span = x_max - x_min;
    if (!(span > 0.0f) || isnan(x)) {
        return 0u;
    }
    x = clampf(x, x_min, x_max);
    float f = (x - x_min) * (float)top / span;
    if (!(f >= 0.0f)) {
        return 0u;
    }
    if (f >= (float)top) {
        return top;
    }
    return (uint32_t)f; /* truncation toward zero, as the reference's (int) cast */
}

float mit_uint_to_float(uint32_t u, float x_min, float x_max, unsigned bits)
{
    const uint32_t top = (1u << bits) - 1u;
    float span = x_max - x_min;
    return (float)u * span / (float)top + x_min;
}

uint16_t mit_float_to_u16_wrapping(float x, float x_min, float x_max)
{
    float span = x_max - x_min;
    if (!(span > 0.0f) || !isfinite(x)) {
        return 0u;
    }
    float f = (x - x_min) * 65535.0f / span;
    /* keep the conversion defined; ±2^30 counts is ~16000 turns of a 4π range */
    f = clampf(f, -1073741824.0f, 1073741824.0f);
    int32_t i = (int32_t)f;                    /* truncation toward zero, as (int) in the reference */
    return (uint16_t)((uint32_t)i & 0xFFFFu); /* two's-complement low 16 bits */
}

static float clamp_field(float x, float lo, float hi, uint8_t bit, uint8_t *mask)
{
    if (isnan(x)) {
        *mask |= (uint8_t)(MIT_CLAMP_NAN | bit);
        return clampf(0.0f, lo, hi);
    }
    if (x < lo) {
        *mask |= bit;
        return lo;
    }
    if (x > hi) {
        *mask |= bit;
        return hi;
    }
    return x;
}

uint8_t mit_pack_command(const mit_command_t *c, const mit_range_t *r, uint8_t out[MIT_FRAME_LEN])
{
    uint8_t mask = 0u;
    float p = clamp_field(c->p, r->p_min, r->p_max, MIT_CLAMP_P, &mask);
    float v = clamp_field(c->v, r->v_min, r->v_max, MIT_CLAMP_V, &mask);
    float kp = clamp_field(c->kp, r->kp_min, r->kp_max, MIT_CLAMP_KP, &mask);
    float kd = clamp_field(c->kd, r->kd_min, r->kd_max, MIT_CLAMP_KD, &mask);
    float t = clamp_field(c->t, r->t_min, r->t_max, MIT_CLAMP_T, &mask);
    uint32_t pu = mit_float_to_uint(p, r->p_min, r->p_max, 16u);
    uint32_t vu = mit_float_to_uint(v, r->v_min, r->v_max, 12u);
    uint32_t kpu = mit_float_to_uint(kp, r->kp_min, r->kp_max, 12u);
    uint32_t kdu = mit_float_to_uint(kd, r->kd_min, r->kd_max, 12u);
    uint32_t tu = mit_float_to_uint(t, r->t_min, r->t_max, 12u);
    mit_pack_fields(pu, vu, kpu, kdu, tu, out);
    return mask;
}

void mit_pack_fields(uint32_t pu, uint32_t vu, uint32_t kpu, uint32_t kdu, uint32_t tu,
                     uint8_t out[MIT_FRAME_LEN])
{
    pu &= 0xFFFFu;
    vu &= 0xFFFu;
    kpu &= 0xFFFu;
    kdu &= 0xFFFu;
    tu &= 0xFFFu;
    out[0] = (uint8_t)(pu >> 8);
    out[1] = (uint8_t)(pu & 0xFFu);
    out[2] = (uint8_t)(vu >> 4);
    out[3] = (uint8_t)(((vu & 0xFu) << 4) | (kpu >> 8));
    out[4] = (uint8_t)(kpu & 0xFFu);
    out[5] = (uint8_t)(kdu >> 4);
    out[6] = (uint8_t)(((kdu & 0xFu) << 4) | (tu >> 8));
    out[7] = (uint8_t)(tu & 0xFFu);
}

void mit_unpack_command(const uint8_t d[MIT_FRAME_LEN], const mit_range_t *r, mit_command_t *c)
{
    uint32_t pu = ((uint32_t)d[0] << 8) | d[1];
    uint32_t vu = ((uint32_t)d[2] << 4) | ((uint32_t)d[3] >> 4);
    uint32_t kpu = (((uint32_t)d[3] & 0xFu) << 8) | d[4];
    uint32_t kdu = ((uint32_t)d[5] << 4) | ((uint32_t)d[6] >> 4);
    uint32_t tu = (((uint32_t)d[6] & 0xFu) << 8) | d[7];
    c->p = mit_uint_to_float(pu, r->p_min, r->p_max, 16u);
    c->v = mit_uint_to_float(vu, r->v_min, r->v_max, 12u);
    c->kp = mit_uint_to_float(kpu, r->kp_min, r->kp_max, 12u);
    c->kd = mit_uint_to_float(kdu, r->kd_min, r->kd_max, 12u);
    c->t = mit_uint_to_float(tu, r->t_min, r->t_max, 12u);
}

void mit_pack_special(mit_special_t kind, uint8_t out[MIT_FRAME_LEN])
{
    memset(out, 0xFF, MIT_FRAME_LEN - 1u);
    out[MIT_FRAME_LEN - 1u] = (uint8_t)kind;
}

mit_special_t mit_special_of(const uint8_t *d, uint8_t len)
{
    if (len != MIT_FRAME_LEN) {
        return MIT_SPECIAL_NONE;
    }
    for (unsigned i = 0u; i + 1u < MIT_FRAME_LEN; i++) {
        if (d[i] != 0xFFu) {
            return MIT_SPECIAL_NONE;
        }
    }
    switch (d[7]) {
    case MIT_SPECIAL_CLEAR:
    case MIT_SPECIAL_ENTER:
    case MIT_SPECIAL_EXIT:
    case MIT_SPECIAL_ZERO:
        return (mit_special_t)d[7];
    default:
        return MIT_SPECIAL_NONE;
    }
}

static uint8_t temp_u8(float c)
{
    if (!(c > 0.0f)) {
        return 0u;
    }
    if (c >= 255.0f) {
        return 255u;
    }
    return (uint8_t)(c + 0.5f);
}

uint8_t mit_pack_reply(mit_protocol_t proto, const mit_reply_t *rep, const mit_range_t *r,
                       uint8_t out[MIT_FRAME_LEN])
{
    uint16_t pu = mit_float_to_u16_wrapping(rep->p, r->p_min, r->p_max);
    uint32_t vu = mit_float_to_uint(rep->v, r->v_min, r->v_max, 12u);
    uint32_t tu = mit_float_to_uint(rep->t, r->t_min, r->t_max, 12u);
    memset(out, 0, MIT_FRAME_LEN);
    out[0] = rep->id;
    if (proto == MIT_PROTO_DAMIAO) {
        out[0] = (uint8_t)((rep->id & 0x0Fu) | (uint8_t)((rep->state & 0x0Fu) << 4));
    }
    out[1] = (uint8_t)(pu >> 8);
    out[2] = (uint8_t)(pu & 0xFFu);
    out[3] = (uint8_t)(vu >> 4);
    out[4] = (uint8_t)(((vu & 0xFu) << 4) | (tu >> 8));
    out[5] = (uint8_t)(tu & 0xFFu);
    switch (proto) {
    case MIT_PROTO_CUBEMARS:
        out[6] = temp_u8(rep->temp_c);
        out[7] = rep->fault;
        return 8u;
    case MIT_PROTO_DAMIAO:
        out[6] = temp_u8(rep->temp2_c);
        out[7] = temp_u8(rep->temp_c);
        return 8u;
    case MIT_PROTO_ROBSTRIDE: {
        float t10 = clampf(rep->temp_c * 10.0f, 0.0f, 65535.0f);
        uint16_t tv = (uint16_t)(t10 + 0.5f);
        out[6] = (uint8_t)(tv >> 8);
        out[7] = (uint8_t)(tv & 0xFFu);
        return 8u;
    }
    case MIT_PROTO_CHEETAH:
    case MIT_PROTO_COUNT:
    default:
        return 6u;
    }
}

uint8_t mit_reply_key(mit_protocol_t proto, uint8_t byte0)
{
    return proto == MIT_PROTO_DAMIAO ? (uint8_t)(byte0 & 0x0Fu) : byte0;
}

bool mit_unpack_reply(mit_protocol_t proto, const uint8_t *d, uint8_t len, const mit_range_t *r,
                      mit_reply_t *out)
{
    uint8_t need = proto == MIT_PROTO_CHEETAH ? 6u : 8u;
    if ((unsigned)proto >= (unsigned)MIT_PROTO_COUNT || len < need) {
        return false;
    }
    uint32_t pu = ((uint32_t)d[1] << 8) | d[2];
    uint32_t vu = ((uint32_t)d[3] << 4) | ((uint32_t)d[4] >> 4);
    uint32_t tu = (((uint32_t)d[4] & 0xFu) << 8) | d[5];
    memset(out, 0, sizeof *out);
    out->id = mit_reply_key(proto, d[0]);
    out->p = mit_uint_to_float(pu, r->p_min, r->p_max, 16u);
    out->v = mit_uint_to_float(vu, r->v_min, r->v_max, 12u);
    out->t = mit_uint_to_float(tu, r->t_min, r->t_max, 12u);
    switch (proto) {
    case MIT_PROTO_CUBEMARS:
        out->has_temp = true;
        out->temp_c = (float)d[6];
        out->has_fault = true;
        out->fault = d[7];
        break;
    case MIT_PROTO_DAMIAO:
        out->state = (uint8_t)(d[0] >> 4);
        out->has_fault = true;
        out->fault = out->state > 1u ? out->state : 0u;
        out->has_temp = true;
        out->temp2_c = (float)d[6];
        out->temp_c = (float)d[7];
        break;
    case MIT_PROTO_ROBSTRIDE:
        out->has_temp = true;
        out->temp_c = (float)(((uint32_t)d[6] << 8) | d[7]) / 10.0f;
        break;
    case MIT_PROTO_CHEETAH:
    case MIT_PROTO_COUNT:
    default:
        break;
    }
    return true;
}

void mit_reply_diag(mit_protocol_t proto, const uint8_t *d, uint8_t len, uint8_t *fault,
                    int16_t *temp_dC, bool *enabled)
{
    *fault = 0xFFu;
    *temp_dC = INT16_MIN;
    *enabled = false;
    if (len < 8u) {
        return;
    }
    switch (proto) {
    case MIT_PROTO_CUBEMARS:
        *fault = d[7];
        *temp_dC = (int16_t)((int32_t)d[6] * 10);
        break;
    case MIT_PROTO_DAMIAO: {
        uint8_t state = (uint8_t)(d[0] >> 4);
        *fault = state > 1u ? state : 0u;
        *enabled = state == 1u;
        *temp_dC = (int16_t)((int32_t)d[7] * 10);
        break;
    }
    case MIT_PROTO_ROBSTRIDE: {
        uint32_t t10 = ((uint32_t)d[6] << 8) | d[7];
        *temp_dC = t10 > 32767u ? INT16_MAX : (int16_t)t10;
        break;
    }
    case MIT_PROTO_CHEETAH:
    case MIT_PROTO_COUNT:
    default:
        break;
    }
}
