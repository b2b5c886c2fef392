/*
 * emu_motor.c — frame-level MIT drive emulation (see emu_motor.h).
 */
#include "emu_motor.h"

#include <string.h>

void emu_motor_init(emu_motor_t *m, uint8_t bus, uint32_t can_id, uint32_t reply_id, uint8_t key,
                    mit_protocol_t proto, const mit_range_t *range, uint32_t reply_latency_ns,
                    uint16_t joint)
{
    memset(m, 0, sizeof *m);
    m->bus = bus;
    m->can_id = can_id;
    m->reply_id = reply_id;
    m->key = key;
    m->proto = proto;
    m->range = *range;
    m->reply_latency_ns = reply_latency_ns;
    m->joint = joint;
    m->temp_c = EMU_TEMP_AMBIENT_C;
}

bool emu_motor_on_frame(emu_motor_t *m, const can_frame_t *f, double q, double qd, can_frame_t *reply)
{
    if (f->id != m->can_id || ((f->flags & CAN_FLAG_EXT) != 0u) != m->ext) {
        return false;
    }
    m->frames_rx++;
    switch (mit_special_of(f->data, f->len)) {
    case MIT_SPECIAL_ENTER:
        m->enabled = true;
        m->specials_rx++;
        break;
    case MIT_SPECIAL_EXIT:
        m->enabled = false;
        memset(&m->cmd, 0, sizeof m->cmd);
        m->specials_rx++;
        break;
    case MIT_SPECIAL_ZERO:
        m->zero_offset = q;
        m->specials_rx++;
        break;
    case MIT_SPECIAL_CLEAR:
        m->fault = 0u;
        m->specials_rx++;
        break;
    case MIT_SPECIAL_NONE:
    default:
        if (f->len >= MIT_FRAME_LEN) {
            mit_unpack_command(f->data, &m->range, &m->cmd);
        }
        break;
    }
    mit_reply_t rep;
    memset(&rep, 0, sizeof rep);
    rep.id = m->key;
    rep.p = (float)(q - m->zero_offset);
    rep.v = (float)qd;
    rep.t = m->tau;
    rep.temp_c = m->temp_c;
    rep.temp2_c = m->temp_c;
    rep.fault = m->fault;
    rep.state = m->fault != 0u ? m->fault : (m->enabled ? 1u : 0u);
    memset(reply, 0, sizeof *reply);
    reply->id = m->reply_id;
    reply->flags = (uint8_t)((m->ext ? CAN_FLAG_EXT : 0u) | (f->flags & (CAN_FLAG_FD | CAN_FLAG_BRS)));
    reply->len = mit_pack_reply(m->proto, &rep, &m->range, reply->data);
    return true;
}

float emu_motor_torque(emu_motor_t *m, double q, double qd)
{
    float tau = 0.0f;
    if (m->enabled && m->fault == 0u) {
        float p = (float)(q - m->zero_offset);
        float v = (float)qd;
        tau = m->cmd.kp * (m->cmd.p - p) + m->cmd.kd * (m->cmd.v - v) + m->cmd.t;
        if (tau > m->range.t_max) {
            tau = m->range.t_max;
        } else if (tau < m->range.t_min) {
            tau = m->range.t_min;
        }
    }
    m->tau = tau;
    return tau;
}

void emu_motor_heat(emu_motor_t *m, float dt_s)
{
    m->temp_c += dt_s * (EMU_TEMP_K * m->tau * m->tau - (m->temp_c - EMU_TEMP_AMBIENT_C) / EMU_TEMP_TAU_S);
}
