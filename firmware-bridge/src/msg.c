/*
 * msg.c — packing and unpacking of message bodies (PROTOCOL.md §3; layouts in msg.h). Writers and
 * readers go through the bounds-checked cursors of le.h; every unpack requires the exact length.
 */
#include "msg.h"

#include <string.h>

#include "le.h"

static size_t finish_w(const le_writer_t *w)
{
    return w->ok ? w->pos : 0u;
}

static bool finish_r(const le_reader_t *r)
{
    return r->ok && r->pos == r->len;
}

/* ---- HELLO ---- */

size_t msg_pack_hello(const msg_hello_t *m, uint8_t *body, size_t cap)
{
    le_writer_t w = le_writer(body, cap);
    le_w_u8(&w, m->proto_min);
    le_w_u8(&w, m->proto_max);
    le_w_u16(&w, 0u);
    le_w_u32(&w, m->nonce);
    return finish_w(&w);
}

bool msg_unpack_hello(const uint8_t *body, size_t len, msg_hello_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->proto_min = le_r_u8(&r);
    out->proto_max = le_r_u8(&r);
    (void)le_r_u16(&r);
    out->nonce = le_r_u32(&r);
    return finish_r(&r);
}

/* ---- INFO ---- */

size_t msg_pack_info(const msg_info_t *m, uint8_t *body, size_t cap)
{
    if (m->n_buses == 0u || m->n_buses > CB_MAX_BUSES) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u8(&w, m->proto_version);
    le_w_u8(&w, m->n_buses);
    le_w_u8(&w, m->max_motors);
    le_w_u8(&w, m->max_slot_len);
    le_w_u32(&w, m->nonce);
    le_w_u32(&w, m->link_baud);
    le_w_u16(&w, m->max_raw_frame);
    le_w_u16(&w, 0u);
    le_w_bytes(&w, m->firmware, CB_FIRMWARE_LEN);
    for (uint8_t i = 0u; i < m->n_buses; i++) {
        const msg_bus_info_t *b = &m->bus[i];
        le_w_u8(&w, b->bus_id);
        le_w_u8(&w, b->bus_type);
        le_w_u8(&w, b->caps);
        le_w_u8(&w, 0u);
        le_w_u32(&w, b->max_nominal_bps);
        le_w_u32(&w, b->max_data_bps);
    }
    return finish_w(&w);
}

bool msg_unpack_info(const uint8_t *body, size_t len, msg_info_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->proto_version = le_r_u8(&r);
    out->n_buses = le_r_u8(&r);
    out->max_motors = le_r_u8(&r);
    out->max_slot_len = le_r_u8(&r);
    out->nonce = le_r_u32(&r);
    out->link_baud = le_r_u32(&r);
    out->max_raw_frame = le_r_u16(&r);
    (void)le_r_u16(&r);
    le_r_bytes(&r, out->firmware, CB_FIRMWARE_LEN);
    if (!r.ok || out->n_buses == 0u || out->n_buses > CB_MAX_BUSES ||
        len != MSG_INFO_LEN((size_t)out->n_buses)) {
        return false;
    }
    for (uint8_t i = 0u; i < out->n_buses; i++) {
        msg_bus_info_t *b = &out->bus[i];
        b->bus_id = le_r_u8(&r);
        b->bus_type = le_r_u8(&r);
        b->caps = le_r_u8(&r);
        (void)le_r_u8(&r);
        b->max_nominal_bps = le_r_u32(&r);
        b->max_data_bps = le_r_u32(&r);
    }
    return finish_r(&r);
}

/* ---- CONFIG ---- */

size_t msg_pack_config(const msg_config_t *m, uint8_t *body, size_t cap)
{
    if (m->n_buses == 0u || m->n_buses > CB_MAX_BUSES || m->n_motors > CB_MAX_MOTORS) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u32(&w, m->tick_period_us);
    le_w_u32(&w, m->watchdog_us);
    le_w_u32(&w, m->reply_timeout_us);
    le_w_f32(&w, m->safe_kd);
    le_w_u8(&w, m->safe_action);
    le_w_u8(&w, m->n_buses);
    le_w_u8(&w, m->n_motors);
    le_w_u8(&w, 0u);
    for (uint8_t i = 0u; i < m->n_buses; i++) {
        const msg_bus_cfg_t *b = &m->bus[i];
        le_w_u8(&w, b->bus_id);
        le_w_u8(&w, b->bus_type);
        le_w_u8(&w, b->flags);
        le_w_u8(&w, b->slot_len);
        le_w_u32(&w, b->nominal_bps);
        le_w_u32(&w, b->data_bps);
    }
    for (uint8_t i = 0u; i < m->n_motors; i++) {
        const msg_motor_cfg_t *mo = &m->motor[i];
        le_w_u8(&w, mo->bus_id);
        le_w_u8(&w, mo->protocol);
        le_w_u8(&w, mo->reply_key);
        le_w_u8(&w, mo->flags);
        le_w_u32(&w, mo->can_id);
        le_w_u32(&w, mo->reply_id);
        le_w_f32(&w, mo->kd_max);
    }
    return finish_w(&w);
}

bool msg_unpack_config(const uint8_t *body, size_t len, msg_config_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->tick_period_us = le_r_u32(&r);
    out->watchdog_us = le_r_u32(&r);
    out->reply_timeout_us = le_r_u32(&r);
    out->safe_kd = le_r_f32(&r);
    out->safe_action = le_r_u8(&r);
    out->n_buses = le_r_u8(&r);
    out->n_motors = le_r_u8(&r);
    (void)le_r_u8(&r);
    if (!r.ok || out->n_buses == 0u || out->n_buses > CB_MAX_BUSES ||
        out->n_motors > CB_MAX_MOTORS ||
        len != MSG_CONFIG_LEN((size_t)out->n_buses, (size_t)out->n_motors)) {
        return false;
    }
    for (uint8_t i = 0u; i < out->n_buses; i++) {
        msg_bus_cfg_t *b = &out->bus[i];
        b->bus_id = le_r_u8(&r);
        b->bus_type = le_r_u8(&r);
        b->flags = le_r_u8(&r);
        b->slot_len = le_r_u8(&r);
        b->nominal_bps = le_r_u32(&r);
        b->data_bps = le_r_u32(&r);
    }
    for (uint8_t i = 0u; i < out->n_motors; i++) {
        msg_motor_cfg_t *mo = &out->motor[i];
        mo->bus_id = le_r_u8(&r);
        mo->protocol = le_r_u8(&r);
        mo->reply_key = le_r_u8(&r);
        mo->flags = le_r_u8(&r);
        mo->can_id = le_r_u32(&r);
        mo->reply_id = le_r_u32(&r);
        mo->kd_max = le_r_f32(&r);
    }
    return finish_r(&r);
}

/* ---- CONFIG_ACK ---- */

size_t msg_pack_config_ack(const msg_config_ack_t *m, uint8_t *body, size_t cap)
{
    if (m->n_buses > CB_MAX_BUSES) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u8(&w, m->status);
    le_w_u8(&w, m->index);
    le_w_u16(&w, 0u);
    le_w_u32(&w, m->config_crc);
    le_w_u16(&w, m->command_raw_len);
    le_w_u16(&w, m->state_raw_len);
    le_w_u32(&w, m->reply_timeout_us);
    for (uint8_t i = 0u; i < m->n_buses; i++) {
        le_w_u8(&w, m->bus[i].bus_id);
        le_w_u8(&w, m->bus[i].n_slots);
        le_w_u16(&w, 0u);
        le_w_u32(&w, m->bus[i].budget_ns);
    }
    return finish_w(&w);
}

bool msg_unpack_config_ack(const uint8_t *body, size_t len, msg_config_ack_t *out)
{
    if (len < MSG_CONFIG_ACK_LEN(0u) || (len - MSG_CONFIG_ACK_LEN(0u)) % 8u != 0u ||
        (len - MSG_CONFIG_ACK_LEN(0u)) / 8u > CB_MAX_BUSES) {
        return false;
    }
    le_reader_t r = le_reader(body, len);
    out->status = le_r_u8(&r);
    out->index = le_r_u8(&r);
    (void)le_r_u16(&r);
    out->config_crc = le_r_u32(&r);
    out->command_raw_len = le_r_u16(&r);
    out->state_raw_len = le_r_u16(&r);
    out->reply_timeout_us = le_r_u32(&r);
    out->n_buses = (uint8_t)((len - MSG_CONFIG_ACK_LEN(0u)) / 8u);
    for (uint8_t i = 0u; i < out->n_buses; i++) {
        out->bus[i].bus_id = le_r_u8(&r);
        out->bus[i].n_slots = le_r_u8(&r);
        (void)le_r_u16(&r);
        out->bus[i].budget_ns = le_r_u32(&r);
    }
    return finish_r(&r);
}

/* ---- HEARTBEAT ---- */

size_t msg_pack_heartbeat(const msg_heartbeat_t *m, uint8_t *body, size_t cap)
{
    le_writer_t w = le_writer(body, cap);
    le_w_u16(&w, m->status);
    le_w_u8(&w, m->wd_state);
    le_w_u8(&w, 0u);
    le_w_u32(&w, m->fault_count);
    return finish_w(&w);
}

bool msg_unpack_heartbeat(const uint8_t *body, size_t len, msg_heartbeat_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->status = le_r_u16(&r);
    out->wd_state = le_r_u8(&r);
    (void)le_r_u8(&r);
    out->fault_count = le_r_u32(&r);
    return finish_r(&r);
}

/* ---- COMMAND / STATE ---- */

static bool layout_ok(const msg_layout_t *l)
{
    if (l->n_buses == 0u || l->n_buses > CB_MAX_BUSES) {
        return false;
    }
    unsigned total = 0u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        if (l->bus[b].bus_type == BUS_TYPE_ETHERCAT) {
            if (l->bus[b].slot_len != MSG_ECAT_OUT_LEN || l->bus[b].n_slots > CB_MAX_ECAT_SLAVES) {
                return false;
            }
        } else if (l->bus[b].slot_len == 0u || l->bus[b].slot_len > CB_MAX_SLOT_LEN) {
            return false;
        }
        total += l->bus[b].n_slots;
    }
    return total == l->n_slots_total && total <= CB_MAX_MOTORS;
}

/* section image bytes (§3.6, §3.7, §5) */
static unsigned cmd_image_len(const msg_layout_t *l, uint8_t b)
{
    if (l->bus[b].bus_type == BUS_TYPE_ETHERCAT) {
        return l->bus[b].n_slots * MSG_ECAT_OUT_LEN;
    }
    return l->bus[b].n_slots * MSG_COMMAND_SLOT((unsigned)l->bus[b].slot_len);
}

static unsigned state_image_len(const msg_layout_t *l, uint8_t b)
{
    if (l->bus[b].bus_type == BUS_TYPE_ETHERCAT) {
        return MSG_ECAT_STATE_HDR + l->bus[b].n_slots * MSG_ECAT_IN_LEN;
    }
    return l->bus[b].n_slots * MSG_STATE_SLOT((unsigned)l->bus[b].slot_len);
}

size_t msg_command_len(const msg_layout_t *l)
{
    if (!layout_ok(l)) {
        return 0u;
    }
    size_t n = 8u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        n += 4u + cmd_image_len(l, b);
    }
    return n;
}

size_t msg_state_len(const msg_layout_t *l)
{
    if (!layout_ok(l)) {
        return 0u;
    }
    size_t n = 20u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        n += 4u + state_image_len(l, b);
    }
    return n;
}

size_t msg_pack_command(const msg_command_t *m, const msg_layout_t *l, uint8_t *body, size_t cap)
{
    if (!layout_ok(l)) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u32(&w, m->tick);
    le_w_u16(&w, m->flags);
    le_w_u8(&w, l->n_buses);
    le_w_u8(&w, 0u);
    unsigned s = 0u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        uint8_t sl = l->bus[b].slot_len;
        le_w_u8(&w, l->bus[b].bus_id);
        le_w_u8(&w, l->bus[b].bus_type);
        le_w_u16(&w, (uint16_t)cmd_image_len(l, b));
        bool ecat = l->bus[b].bus_type == BUS_TYPE_ETHERCAT;
        for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
            if (!ecat) {
                le_w_u8(&w, m->slot[s].flags);
            }
            le_w_bytes(&w, m->slot[s].data, sl);
        }
    }
    return finish_w(&w);
}

bool msg_unpack_command(const uint8_t *body, size_t len, const msg_layout_t *l, msg_command_t *out)
{
    if (!layout_ok(l) || len != msg_command_len(l)) {
        return false;
    }
    le_reader_t r = le_reader(body, len);
    out->tick = le_r_u32(&r);
    out->flags = le_r_u16(&r);
    uint8_t n_sections = le_r_u8(&r);
    (void)le_r_u8(&r);
    if (n_sections != l->n_buses) {
        return false;
    }
    unsigned s = 0u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        uint8_t sl = l->bus[b].slot_len;
        uint8_t id = le_r_u8(&r);
        uint8_t type = le_r_u8(&r);
        uint16_t image_len = le_r_u16(&r);
        if (!r.ok || id != l->bus[b].bus_id || type != l->bus[b].bus_type || image_len != cmd_image_len(l, b)) {
            return false;
        }
        bool ecat = type == BUS_TYPE_ETHERCAT;
        for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
            out->slot[s].flags = ecat ? CMD_SLOT_SEND : le_r_u8(&r);
            le_r_bytes(&r, out->slot[s].data, sl);
        }
    }
    return finish_r(&r);
}

size_t msg_pack_state(const msg_state_t *m, const msg_layout_t *l, uint8_t *body, size_t cap)
{
    if (!layout_ok(l)) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u32(&w, m->tick);
    le_w_u32(&w, m->cmd_seq);
    le_w_u32(&w, m->cmd_rx_t_us);
    le_w_u16(&w, m->status);
    le_w_u8(&w, m->wd_state);
    le_w_u8(&w, l->n_buses);
    le_w_u32(&w, m->fault_count);
    unsigned s = 0u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        uint8_t sl = l->bus[b].slot_len;
        le_w_u8(&w, l->bus[b].bus_id);
        le_w_u8(&w, l->bus[b].bus_type);
        le_w_u16(&w, (uint16_t)state_image_len(l, b));
        if (l->bus[b].bus_type == BUS_TYPE_ETHERCAT) {
            const msg_ecat_section_t *e = &m->ecat[b];
            le_w_u16(&w, e->wkc);
            le_w_u16(&w, e->wkc_expected);
            le_w_u8(&w, e->master);
            le_w_u8(&w, e->al_state);
            le_w_u8(&w, e->flags);
            le_w_u8(&w, e->n_op);
            for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
                le_w_bytes(&w, m->slot[s].data, MSG_ECAT_IN_LEN);
            }
            continue;
        }
        for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
            const msg_state_slot_t *st = &m->slot[s];
            le_w_u8(&w, st->flags);
            le_w_u8(&w, st->age);
            le_w_u8(&w, st->len > sl ? sl : st->len);
            le_w_u8(&w, 0u);
            le_w_u16(&w, st->rx_dt_us);
            le_w_bytes(&w, st->data, sl);
        }
    }
    return finish_w(&w);
}

bool msg_unpack_state(const uint8_t *body, size_t len, const msg_layout_t *l, msg_state_t *out)
{
    if (!layout_ok(l) || len != msg_state_len(l)) {
        return false;
    }
    le_reader_t r = le_reader(body, len);
    out->tick = le_r_u32(&r);
    out->cmd_seq = le_r_u32(&r);
    out->cmd_rx_t_us = le_r_u32(&r);
    out->status = le_r_u16(&r);
    out->wd_state = le_r_u8(&r);
    uint8_t n_sections = le_r_u8(&r);
    out->fault_count = le_r_u32(&r);
    if (n_sections != l->n_buses) {
        return false;
    }
    unsigned s = 0u;
    for (uint8_t b = 0u; b < l->n_buses; b++) {
        uint8_t sl = l->bus[b].slot_len;
        uint8_t id = le_r_u8(&r);
        uint8_t type = le_r_u8(&r);
        uint16_t image_len = le_r_u16(&r);
        if (!r.ok || id != l->bus[b].bus_id || type != l->bus[b].bus_type || image_len != state_image_len(l, b)) {
            return false;
        }
        if (type == BUS_TYPE_ETHERCAT) {
            msg_ecat_section_t *e = &out->ecat[b];
            e->wkc = le_r_u16(&r);
            e->wkc_expected = le_r_u16(&r);
            e->master = le_r_u8(&r);
            e->al_state = le_r_u8(&r);
            e->flags = le_r_u8(&r);
            e->n_op = le_r_u8(&r);
            for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
                msg_state_slot_t *st = &out->slot[s];
                memset(st, 0, sizeof *st);
                st->len = MSG_ECAT_IN_LEN;
                le_r_bytes(&r, st->data, MSG_ECAT_IN_LEN);
            }
            continue;
        }
        for (uint8_t k = 0u; k < l->bus[b].n_slots; k++, s++) {
            msg_state_slot_t *st = &out->slot[s];
            st->flags = le_r_u8(&r);
            st->age = le_r_u8(&r);
            st->len = le_r_u8(&r);
            (void)le_r_u8(&r);
            st->rx_dt_us = le_r_u16(&r);
            le_r_bytes(&r, st->data, sl);
            if (st->len > sl) {
                return false;
            }
        }
    }
    return finish_r(&r);
}

/* ---- DIAG ---- */

size_t msg_pack_diag(const msg_diag_t *m, uint8_t *body, size_t cap)
{
    if (m->n_buses > CB_MAX_BUSES || m->n_motors > CB_MAX_MOTORS) {
        return 0u;
    }
    le_writer_t w = le_writer(body, cap);
    le_w_u32(&w, m->window_us);
    le_w_u8(&w, m->n_buses);
    le_w_u8(&w, m->n_motors);
    le_w_u16(&w, 0u);
    for (unsigned i = 0u; i < LINK_COUNTERS; i++) {
        le_w_u32(&w, m->link[i]);
    }
    for (uint8_t i = 0u; i < m->n_buses; i++) {
        const msg_diag_bus_t *b = &m->bus[i];
        le_w_u8(&w, b->bus_id);
        le_w_u8(&w, b->state);
        le_w_u8(&w, b->tec);
        le_w_u8(&w, b->rec);
        le_w_u16(&w, b->load_permille);
        le_w_u16(&w, b->budget_permille);
        le_w_u32(&w, b->tx_frames);
        le_w_u32(&w, b->rx_frames);
        le_w_u32(&w, b->error_events);
        le_w_u32(&w, b->bus_off_count);
        le_w_u32(&w, b->tx_overruns);
    }
    for (uint8_t i = 0u; i < m->n_motors; i++) {
        const msg_diag_motor_t *mo = &m->motor[i];
        le_w_u8(&w, mo->motor_index);
        le_w_u8(&w, mo->fault);
        le_w_i16(&w, mo->temp_dC);
        le_w_u16(&w, mo->missed);
        le_w_u8(&w, mo->flags);
        le_w_u8(&w, 0u);
    }
    for (uint8_t i = 0u; i < m->n_ecat && i < CB_MAX_ECAT_BUSES; i++) {
        le_w_u8(&w, m->ecat[i].bus_id);
        le_w_u8(&w, 0u);
        le_w_u16(&w, 0u);
        le_w_u32(&w, m->ecat[i].dc_jitter_ns);
    }
    return finish_w(&w);
}

bool msg_unpack_diag(const uint8_t *body, size_t len, msg_diag_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->window_us = le_r_u32(&r);
    out->n_buses = le_r_u8(&r);
    out->n_motors = le_r_u8(&r);
    (void)le_r_u16(&r);
    size_t base = MSG_DIAG_LEN((size_t)out->n_buses, (size_t)out->n_motors);
    if (!r.ok || out->n_buses > CB_MAX_BUSES || out->n_motors > CB_MAX_MOTORS || len < base ||
        (len - base) % MSG_DIAG_ECAT_LEN != 0u || (len - base) / MSG_DIAG_ECAT_LEN > CB_MAX_ECAT_BUSES) {
        return false;
    }
    out->n_ecat = (uint8_t)((len - base) / MSG_DIAG_ECAT_LEN);
    for (unsigned i = 0u; i < LINK_COUNTERS; i++) {
        out->link[i] = le_r_u32(&r);
    }
    for (uint8_t i = 0u; i < out->n_buses; i++) {
        msg_diag_bus_t *b = &out->bus[i];
        b->bus_id = le_r_u8(&r);
        b->state = le_r_u8(&r);
        b->tec = le_r_u8(&r);
        b->rec = le_r_u8(&r);
        b->load_permille = le_r_u16(&r);
        b->budget_permille = le_r_u16(&r);
        b->tx_frames = le_r_u32(&r);
        b->rx_frames = le_r_u32(&r);
        b->error_events = le_r_u32(&r);
        b->bus_off_count = le_r_u32(&r);
        b->tx_overruns = le_r_u32(&r);
    }
    for (uint8_t i = 0u; i < out->n_motors; i++) {
        msg_diag_motor_t *mo = &out->motor[i];
        mo->motor_index = le_r_u8(&r);
        mo->fault = le_r_u8(&r);
        mo->temp_dC = le_r_i16(&r);
        mo->missed = le_r_u16(&r);
        mo->flags = le_r_u8(&r);
        (void)le_r_u8(&r);
    }
    for (uint8_t i = 0u; i < out->n_ecat; i++) {
        out->ecat[i].bus_id = le_r_u8(&r);
        (void)le_r_u8(&r);
        (void)le_r_u16(&r);
        out->ecat[i].dc_jitter_ns = le_r_u32(&r);
    }
    return finish_r(&r);
}

/* ---- FAULT ---- */

size_t msg_pack_fault(const msg_fault_t *m, uint8_t *body, size_t cap)
{
    le_writer_t w = le_writer(body, cap);
    le_w_u32(&w, m->fault_index);
    le_w_u32(&w, m->t_us);
    le_w_u16(&w, m->code);
    le_w_u8(&w, m->bus_id);
    le_w_u8(&w, m->motor_index);
    le_w_u32(&w, m->detail);
    return finish_w(&w);
}

bool msg_unpack_fault(const uint8_t *body, size_t len, msg_fault_t *out)
{
    le_reader_t r = le_reader(body, len);
    out->fault_index = le_r_u32(&r);
    out->t_us = le_r_u32(&r);
    out->code = le_r_u16(&r);
    out->bus_id = le_r_u8(&r);
    out->motor_index = le_r_u8(&r);
    out->detail = le_r_u32(&r);
    return finish_r(&r);
}
