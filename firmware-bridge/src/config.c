/*
 * config.c — CONFIG validation and derivation (see config.h). Checks in the order of the status
 * codes of PROTOCOL.md §3.4.1; nothing in *out is trusted until CFG_OK.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "can_sched.h"
#include "frame.h"
#include "mit.h"

static const msg_bus_info_t *find_hw_bus(const msg_info_t *hw, uint8_t bus_id, uint8_t *index)
{
    for (uint8_t i = 0u; i < hw->n_buses && i < CB_MAX_BUSES; i++) {
        if (hw->bus[i].bus_id == bus_id) {
            *index = i;
            return &hw->bus[i];
        }
    }
    return NULL;
}

static uint8_t check_timing(const msg_config_t *m)
{
    if (m->tick_period_us < CFG_TICK_MIN_US || m->tick_period_us > CFG_TICK_MAX_US ||
        m->watchdog_us < CFG_WD_MIN_US || m->watchdog_us > CFG_WD_MAX_US) {
        return CFG_BAD_TIMING;
    }
    if (m->reply_timeout_us != 0u &&
        (m->reply_timeout_us < CFG_REPLY_MIN_US || m->reply_timeout_us > m->tick_period_us)) {
        return CFG_BAD_TIMING;
    }
    if (!isfinite(m->safe_kd) || m->safe_kd < 0.0f || m->safe_action > SAFE_DISABLE) {
        return CFG_BAD_TIMING;
    }
    return CFG_OK;
}

/* the fields every validated bus entry carries over */
static void take_bus(const msg_bus_cfg_t *b, uint8_t hw_index, cfg_bus_t *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->bus_id = b->bus_id;
    cb->bus_type = b->bus_type;
    cb->flags = b->flags;
    cb->slot_len = b->slot_len;
    cb->hw_index = hw_index;
    cb->timing.nominal_bps = b->nominal_bps;
    cb->timing.data_bps = b->data_bps;
}

/* EtherCAT bus entry (§5): DC and timed flags only, the fixed RxPDO length, 100 Mbit/s */
static uint8_t check_ecat_bus(const msg_bus_cfg_t *b, uint8_t hw_index, cfg_bus_t *cb)
{
    if ((b->flags & ~(uint8_t)(BUS_CFG_ECAT_DC | BUS_CFG_ECAT_TIMED)) != 0u || b->slot_len != MSG_ECAT_OUT_LEN) {
        return CFG_BAD_BUS;
    }
    if (b->nominal_bps != CFG_ECAT_BPS || b->data_bps != 0u) {
        return CFG_BAD_BITRATE;
    }
    take_bus(b, hw_index, cb);
    return CFG_OK;
}

/*
 * Wire time of the cyclic frame (§5): preamble+SFD 8, Ethernet header 14, EtherCAT header 2, FRMW of
 * the reference clock 10+8+2, LRW 10+(13+15)·n+2, n FPRDs of the AL status 10+2+2, FCS 4, inter-frame
 * gap 12 (at least the 64-byte minimum frame), 80 ns a byte at 100 Mbit/s, plus 1 µs per slave for
 * forwarding (ESC processing and PHY delays are well under that).
 */
uint32_t cfg_ecat_budget_ns(uint8_t n_slaves)
{
    uint32_t frame = 14u + 2u + 20u + 12u + (MSG_ECAT_OUT_LEN + MSG_ECAT_IN_LEN) * n_slaves + 14u * n_slaves + 4u;
    if (frame < 64u) {
        frame = 64u;
    }
    return (frame + 8u + 12u) * 80u + 1000u * n_slaves;
}

static uint8_t check_bus(const msg_config_t *m, const msg_info_t *hw, uint8_t i, cfg_bus_t *cb)
{
    const msg_bus_cfg_t *b = &m->bus[i];
    uint8_t hw_index = 0u;
    const msg_bus_info_t *h = find_hw_bus(hw, b->bus_id, &hw_index);
    if (h == NULL || b->bus_type != h->bus_type) {
        return CFG_BAD_BUS;
    }
    for (uint8_t j = 0u; j < i; j++) {
        if (m->bus[j].bus_id == b->bus_id) {
            return CFG_BAD_BUS;
        }
    }
    if (b->bus_type == BUS_TYPE_ETHERCAT) {
        for (uint8_t j = 0u; j < i; j++) {
            if (m->bus[j].bus_type == BUS_TYPE_ETHERCAT) {
                return CFG_BAD_BUS; /* one EtherCAT bus per bridge */
            }
        }
        return check_ecat_bus(b, hw_index, cb);
    }
    bool fd = (b->flags & BUS_CFG_FD) != 0u;
    bool brs = (b->flags & BUS_CFG_BRS) != 0u;
    if ((b->flags & ~(uint8_t)(BUS_CFG_FD | BUS_CFG_BRS)) != 0u || (fd && (h->caps & BUS_CAP_FD) == 0u) ||
        (brs && (!fd || (h->caps & BUS_CAP_BRS) == 0u))) {
        return CFG_BAD_BUS;
    }
    if (b->slot_len == 0u || b->slot_len > CB_MAX_SLOT_LEN) {
        return CFG_BAD_BUS;
    }
    if (b->nominal_bps < CFG_NOMINAL_MIN_BPS || b->nominal_bps > CFG_NOMINAL_MAX_BPS ||
        b->nominal_bps > h->max_nominal_bps) {
        return CFG_BAD_BITRATE;
    }
    if (brs) {
        if (b->data_bps <= b->nominal_bps || b->data_bps > CFG_DATA_MAX_BPS || b->data_bps > h->max_data_bps) {
            return CFG_BAD_BITRATE;
        }
    } else if (b->data_bps != 0u) {
        return CFG_BAD_BITRATE;
    }
    take_bus(b, hw_index, cb);
    cb->frame_flags = (uint8_t)((fd ? CAN_FLAG_FD : 0u) | (brs ? CAN_FLAG_BRS : 0u));
    return CFG_OK;
}

static bool id_ok(uint32_t id, bool ext)
{
    return id <= (ext ? CAN_EXT_ID_MAX : CAN_STD_ID_MAX);
}

static uint8_t check_motor(const msg_config_t *m, const cfg_t *c, uint8_t i, cfg_motor_t *cm)
{
    const msg_motor_cfg_t *mo = &m->motor[i];
    uint8_t bus = 0xFFu;
    for (uint8_t b = 0u; b < c->n_buses; b++) {
        if (c->bus[b].bus_id == mo->bus_id) {
            bus = b;
        }
    }
    if (bus != 0xFFu && c->bus[bus].bus_type == BUS_TYPE_ETHERCAT) {
        /* §5: protocol = mode of operation, can_id = position (checked against the slot order later) */
        if ((mo->protocol != ECAT_MODE_CSP && mo->protocol != ECAT_MODE_CSV && mo->protocol != ECAT_MODE_CST) ||
            mo->reply_key != 0u || mo->flags != 0u || mo->can_id >= CB_MAX_ECAT_SLAVES ||
            !isfinite(mo->kd_max) || !(mo->kd_max > 0.0f)) {
            return CFG_BAD_MOTOR;
        }
        memset(cm, 0, sizeof *cm);
        cm->bus = bus;
        cm->protocol = mo->protocol;
        cm->can_id = mo->can_id;
        cm->reply_id = mo->reply_id;
        cm->kd_max = mo->kd_max;
        return CFG_OK;
    }
    bool ext_cmd = (mo->flags & MOTOR_CFG_EXT_CMD) != 0u;
    bool ext_reply = (mo->flags & MOTOR_CFG_EXT_REPLY) != 0u;
    if (bus == 0xFFu || mo->protocol >= (uint8_t)MIT_PROTO_COUNT ||
        (mo->flags & ~(uint8_t)(MOTOR_CFG_EXT_CMD | MOTOR_CFG_EXT_REPLY)) != 0u ||
        !id_ok(mo->can_id, ext_cmd) ||
        (mo->reply_id != MOTOR_REPLY_ID_ANY && !id_ok(mo->reply_id, ext_reply)) ||
        !isfinite(mo->kd_max) || !(mo->kd_max > 0.0f)) {
        return CFG_BAD_MOTOR;
    }
    for (uint8_t j = 0u; j < i; j++) {
        const msg_motor_cfg_t *o = &m->motor[j];
        if (o->bus_id == mo->bus_id && o->can_id == mo->can_id &&
            ((o->flags ^ mo->flags) & MOTOR_CFG_EXT_CMD) == 0u) {
            return CFG_BAD_MOTOR;
        }
    }
    cm->bus = bus;
    cm->protocol = mo->protocol;
    cm->reply_key = mo->reply_key;
    cm->flags = mo->flags;
    cm->can_id = mo->can_id;
    cm->reply_id = mo->reply_id;
    cm->kd_max = mo->kd_max;
    cm->slot = 0u;
    return CFG_OK;
}

uint8_t cfg_build(const msg_config_t *m, const msg_info_t *hw, cfg_t *out, uint8_t *bad_index)
{
    *bad_index = 0xFFu;
    memset(out, 0, sizeof *out);
    if (m->n_buses == 0u || m->n_buses > CB_MAX_BUSES || m->n_motors > CB_MAX_MOTORS) {
        return CFG_BAD_LENGTH;
    }
    uint8_t st = check_timing(m);
    if (st != CFG_OK) {
        return st;
    }
    out->n_buses = m->n_buses;
    for (uint8_t i = 0u; i < m->n_buses; i++) {
        st = check_bus(m, hw, i, &out->bus[i]);
        if (st != CFG_OK) {
            *bad_index = i;
            return st;
        }
    }
    out->n_motors = m->n_motors;
    for (uint8_t i = 0u; i < m->n_motors; i++) {
        st = check_motor(m, out, i, &out->motor[i]);
        if (st != CFG_OK) {
            *bad_index = i;
            return st;
        }
    }
    /* slots: bus after bus, motors in table order within a bus */
    uint8_t next = 0u;
    uint32_t max_budget = 0u;
    out->layout.n_buses = m->n_buses;
    for (uint8_t b = 0u; b < out->n_buses; b++) {
        cfg_bus_t *cb = &out->bus[b];
        cb->first_slot = next;
        for (uint8_t i = 0u; i < out->n_motors; i++) {
            cfg_motor_t *cm = &out->motor[i];
            if (cm->bus != b) {
                continue;
            }
            if (cb->bus_type == BUS_TYPE_ETHERCAT) {
                if (cm->can_id != cb->n_slots) {
                    *bad_index = i; /* the k-th motor of an EtherCAT bus is the slave at position k */
                    return CFG_BAD_MOTOR;
                }
                cm->slot = next;
                out->slot_motor[next] = i;
                next++;
                cb->n_slots++;
                cb->budget_ns = cfg_ecat_budget_ns(cb->n_slots);
                continue;
            }
            cm->slot = next;
            out->slot_motor[next] = i;
            next++;
            cb->n_slots++;
            uint8_t cmd_flags = (uint8_t)(cb->frame_flags | ((cm->flags & MOTOR_CFG_EXT_CMD) ? CAN_FLAG_EXT : 0u));
            uint8_t rep_flags = (uint8_t)(cb->frame_flags | ((cm->flags & MOTOR_CFG_EXT_REPLY) ? CAN_FLAG_EXT : 0u));
            uint32_t slot_ns = sched_slot_budget_ns(&cb->timing, cmd_flags, cb->slot_len, rep_flags);
            cb->budget_ns = (slot_ns > UINT32_MAX - cb->budget_ns) ? UINT32_MAX : cb->budget_ns + slot_ns;
        }
        out->layout.bus[b].bus_id = cb->bus_id;
        out->layout.bus[b].bus_type = cb->bus_type;
        out->layout.bus[b].n_slots = cb->n_slots;
        out->layout.bus[b].slot_len = cb->slot_len;
        if (cb->budget_ns > max_budget) {
            max_budget = cb->budget_ns;
        }
    }
    out->layout.n_slots_total = next;
    size_t cmd_len = msg_command_len(&out->layout) + FRAME_OVERHEAD;
    size_t state_len = msg_state_len(&out->layout) + FRAME_OVERHEAD;
    if (cmd_len > FRAME_MAX_RAW || state_len > FRAME_MAX_RAW) {
        return CFG_TOO_LARGE;
    }
    out->command_raw_len = (uint16_t)cmd_len;
    out->state_raw_len = (uint16_t)state_len;
    for (uint8_t b = 0u; b < out->n_buses; b++) {
        if ((uint64_t)out->bus[b].budget_ns > (uint64_t)m->tick_period_us * 1000u) {
            *bad_index = b;
            return CFG_OVER_BUDGET;
        }
    }
    out->tick_period_us = m->tick_period_us;
    out->watchdog_us = m->watchdog_us;
    out->safe_kd = m->safe_kd;
    out->safe_action = m->safe_action;
    if (m->reply_timeout_us != 0u) {
        out->reply_timeout_us = m->reply_timeout_us;
    } else {
        uint32_t t = (max_budget + 999u) / 1000u + CFG_REPLY_MARGIN_US;
        uint32_t cap = m->tick_period_us - m->tick_period_us / 10u;
        out->reply_timeout_us = t < cap ? t : cap;
    }
    out->valid = true;
    return CFG_OK;
}
