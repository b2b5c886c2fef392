/*
 * dispatch.c — the bridge core (see bridge.h): frame intake and dispatch, the per-tick cycle
 * (COMMAND → ID-ordered frames on every bus → replies → STATE), the watchdog's safe ticks, bus
 * supervision, DIAG / HEARTBEAT / FAULT output.
 *
 * Tick cycle:  accept COMMAND at t0 → queue SEND slots per bus by arbitration key → feed the
 * controllers as they free buffers → replies matched by (reply_id, key) → STATE when all awaited
 * replies are in or t0 + reply_timeout has passed. A COMMAND arriving earlier closes the previous
 * tick first (LATE_COMMAND) and drops its unsent frames (TX_OVERRUN).
 */
#include "bridge.h"

#include <string.h>

#include "crc32c.h"
#include "ecat_bus.h"
#include "mit.h"

/* ------------------------------------------------------------------ output */

/* wraps the body at b->raw + FRAME_HEADER_LEN and writes it to the link; false if dropped */
static bool send_frame(bridge_t *b, uint8_t type, size_t body_len)
{
    if (body_len == 0u && type != MSG_HEARTBEAT) {
        return false;
    }
    frame_header_t h = { FRAME_VERSION, type, (uint16_t)body_len, b->tx_seq++, b->now_us };
    size_t raw_len = frame_finish(b->raw, sizeof b->raw, &h);
    size_t wire_len = raw_len != 0u ? frame_to_wire(b->raw, raw_len, b->wire, sizeof b->wire) : 0u;
    if (wire_len == 0u || b->port->serial_tx_free(b->ctx) < wire_len ||
        !b->port->serial_write(b->ctx, b->wire, wire_len)) {
        b->link[LINK_TX_DROPPED]++;
        return false;
    }
    b->link[LINK_TX_FRAMES]++;
    return true;
}

static uint8_t *body(bridge_t *b)
{
    return b->raw + FRAME_HEADER_LEN;
}

static uint16_t status_bits(const bridge_t *b)
{
    uint16_t s = 0u;
    if (b->cfg.valid) {
        s |= ST_CONFIGURED;
    }
    if (b->wd.state == WD_ARMED) {
        s |= ST_ARMED;
    }
    if (b->wd.state == WD_TRIPPED) {
        s |= ST_TRIPPED;
    }
    if (b->flag_overrun) {
        s |= ST_TX_OVERRUN;
    }
    if (b->flag_late) {
        s |= ST_LATE_COMMAND;
    }
    if (b->flag_seq_gap) {
        s |= ST_SEQ_GAP;
    }
    for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
        if (b->cfg.bus[i].bus_type != BUS_TYPE_ETHERCAT && b->bus[i].state >= BUS_STATE_PASSIVE) {
            s |= ST_BUS_FAULT;
        }
    }
    if (ecat_bus_fault(b)) {
        s |= ST_BUS_FAULT;
    }
    for (uint8_t i = 0u; i < b->cfg.layout.n_slots_total; i++) {
        if (b->slot[i].fault != 0u && b->slot[i].fault != 0xFFu) {
            s |= ST_MOTOR_FAULT;
        }
    }
    return s;
}

static uint8_t motor_bus_id(const bridge_t *b, uint8_t motor)
{
    return b->cfg.bus[b->cfg.motor[motor].bus].bus_id;
}

/* ------------------------------------------------------------------ tick cycle */

static void finish_tick(bridge_t *b)
{
    if (!b->tick_active) {
        return;
    }
    b->tick_active = false;
    msg_state_t *st = &b->state;
    st->tick = b->tick_no;
    st->cmd_seq = b->cmd_seq;
    st->cmd_rx_t_us = b->tick_t0_us;
    st->wd_state = b->wd.state;
    for (uint8_t s = 0u; s < b->cfg.layout.n_slots_total; s++) {
        bridge_slot_t *sl = &b->slot[s];
        uint8_t motor = b->cfg.slot_motor[s];
        if (b->cfg.bus[b->cfg.motor[motor].bus].bus_type == BUS_TYPE_ETHERCAT) {
            continue; /* ecat_bus_finish_tick */
        }
        if (sl->phase == SLOT_QUEUED || sl->phase == SLOT_HANDED) {
            sl->missed++;
            if (sl->no_reply_ticks < UINT16_MAX) {
                sl->no_reply_ticks++;
            }
            if (sl->no_reply_ticks == BRIDGE_TIMEOUT_TICKS) {
                sl->timeout = true;
                fq_push(&b->faults, b->now_us, FAULT_MOTOR_TIMEOUT, motor_bus_id(b, motor), motor,
                        sl->no_reply_ticks);
            }
        }
        if ((sl->flags & STATE_SLOT_FRESH) == 0u && sl->age < 255u) {
            sl->age++;
        }
        sl->phase = SLOT_IDLE;
        msg_state_slot_t *o = &st->slot[s];
        o->flags = (uint8_t)(sl->flags | (sl->timeout ? STATE_SLOT_TIMEOUT : 0u));
        o->age = sl->age;
        o->len = sl->len;
        o->rx_dt_us = (sl->flags & STATE_SLOT_FRESH) ? sl->rx_dt_us : STATE_RX_DT_NONE;
        memcpy(o->data, sl->data, CB_MAX_SLOT_LEN);
    }
    ecat_bus_finish_tick(b, st);
    st->status = status_bits(b);
    st->fault_count = b->faults.next_index;
    size_t n = msg_pack_state(st, &b->cfg.layout, body(b), FRAME_MAX_BODY);
    if (send_frame(b, MSG_STATE, n)) {
        b->flag_overrun = false;
        b->flag_late = false;
        b->flag_seq_gap = false;
    }
    b->last_state_us = b->now_us;
}

static void feed_queues(bridge_t *b)
{
    for (uint8_t bi = 0u; bi < b->cfg.n_buses; bi++) {
        const cfg_bus_t *cb = &b->cfg.bus[bi];
        sched_queue_t *q = &b->q[bi];
        for (int s = sched_peek(q); s >= 0; s = sched_peek(q)) {
            const cfg_motor_t *m = &b->cfg.motor[b->cfg.slot_motor[s]];
            can_frame_t f;
            memset(&f, 0, sizeof f);
            f.id = m->can_id;
            f.flags = (uint8_t)(cb->frame_flags | ((m->flags & MOTOR_CFG_EXT_CMD) ? CAN_FLAG_EXT : 0u));
            f.len = can_round_len(cb->slot_len, (cb->frame_flags & CAN_FLAG_FD) != 0u);
            memcpy(f.data, b->slot[s].cmd, cb->slot_len);
            if (!b->port->can_send(b->ctx, cb->hw_index, &f)) {
                break;
            }
            sched_pop(q);
            b->slot[s].phase = SLOT_HANDED;
        }
    }
}

/* opens a tick; the slots with CMD_SLOT_SEND in cmd->slot get their payload queued */
static void start_tick(bridge_t *b, uint32_t tick_no, uint32_t cmd_seq, const msg_command_t *cmd)
{
    bool superseding_safe = b->tick_is_safe;
    if (b->tick_active) {
        b->flag_late = !b->tick_is_safe;
        finish_tick(b);
    }
    for (uint8_t bi = 0u; bi < b->cfg.n_buses; bi++) {
        if (b->cfg.bus[bi].bus_type == BUS_TYPE_ETHERCAT) {
            continue;
        }
        /* the previous tick's frames not on the wire yet: cancel those in the controller, drop ours
         * (replacing the watchdog's own safe frames by the host's is not an overrun) */
        uint32_t left = (uint32_t)b->q[bi].n + b->port->can_abort(b->ctx, b->cfg.bus[bi].hw_index);
        if (left > 0u && !superseding_safe) {
            b->bus[bi].tx_overruns += left;
            b->flag_overrun = true;
            fq_push_limited(&b->faults, b->now_us, FAULT_TX_OVERRUN, bi, b->cfg.bus[bi].bus_id,
                            CB_FAULT_NONE_ID, left);
        }
        sched_clear(&b->q[bi]);
    }
    b->awaiting = 0u;
    if (ecat_bus_start_tick(b, cmd, b->wd.state == WD_TRIPPED)) {
        b->awaiting++;
    }
    for (uint8_t bi = 0u; bi < b->cfg.n_buses; bi++) {
        const cfg_bus_t *cb = &b->cfg.bus[bi];
        if (cb->bus_type == BUS_TYPE_ETHERCAT) {
            continue;
        }
        for (uint8_t k = 0u; k < cb->n_slots; k++) {
            uint8_t s = (uint8_t)(cb->first_slot + k);
            bridge_slot_t *sl = &b->slot[s];
            sl->flags = 0u;
            sl->phase = SLOT_IDLE;
            if ((cmd->slot[s].flags & CMD_SLOT_SEND) == 0u) {
                continue;
            }
            const cfg_motor_t *m = &b->cfg.motor[b->cfg.slot_motor[s]];
            memcpy(sl->cmd, cmd->slot[s].data, CB_MAX_SLOT_DATA);
            if (sched_push(&b->q[bi], s, can_arbitration_key(m->can_id, (m->flags & MOTOR_CFG_EXT_CMD) != 0u))) {
                sl->phase = SLOT_QUEUED;
                b->awaiting++;
            }
        }
    }
    b->tick_active = true;
    b->tick_is_safe = b->wd.state == WD_TRIPPED;
    b->tick_t0_us = b->now_us;
    b->tick_no = tick_no;
    b->cmd_seq = cmd_seq;
    feed_queues(b);
}

/* the watchdog's own tick: the safe command to every motor */
static void start_safe_tick(bridge_t *b)
{
    msg_command_t *c = &b->cmd;
    memset(c, 0, sizeof *c);
    for (uint8_t s = 0u; s < b->cfg.layout.n_slots_total; s++) {
        const cfg_motor_t *m = &b->cfg.motor[b->cfg.slot_motor[s]];
        c->slot[s].flags = CMD_SLOT_SEND;
        if (b->cfg.bus[m->bus].bus_type == BUS_TYPE_ETHERCAT) {
            /* the last outputs; the EtherCAT bus substitutes the safe controlword (ecat_bus.c) */
            const cfg_bus_t *cb = &b->cfg.bus[m->bus];
            memcpy(c->slot[s].data, &b->ecat_out[(s - cb->first_slot) * MSG_ECAT_OUT_LEN], MSG_ECAT_OUT_LEN);
            continue;
        }
        if (b->cfg.safe_action == SAFE_DISABLE) {
            mit_pack_special(MIT_SPECIAL_EXIT, c->slot[s].data);
        } else {
            /*
             * p = 0, v = 0, kp = 0, kd = safe_kd, τ = 0. The bridge knows only the KD range, so v and τ
             * use the code of 0 in a symmetric range (2047 of 4095), p the code 32767; with kp = 0 the
             * position is irrelevant, and 2047 decodes to −span/8190 (−0.012 rad/s for ±50 rad/s).
             */
            float kd = b->cfg.safe_kd < m->kd_max ? b->cfg.safe_kd : m->kd_max;
            uint32_t kdu = mit_float_to_uint(kd, 0.0f, m->kd_max, 12u);
            mit_pack_fields(0x7FFFu, 0x7FFu, 0u, kdu, 0x7FFu, c->slot[s].data);
        }
    }
    b->own_tick++;
    b->tripped_ticks++;
    b->last_own_tick_us = b->now_us;
    start_tick(b, b->own_tick, 0u, c);
}

/* ------------------------------------------------------------------ intake */

/* COMMAND_REJECTED records are rate-limited per reason (detail 1..3 used as the lane) */
static void reject(bridge_t *b, uint16_t code, uint32_t detail)
{
    b->link[LINK_RX_REJECTED]++;
    uint8_t lane = detail < CB_MAX_BUSES ? (uint8_t)detail : CB_MAX_BUSES;
    fq_push_limited(&b->faults, b->now_us, code, lane, CB_FAULT_NONE_ID, CB_FAULT_NONE_ID, detail);
}

static void handle_hello(bridge_t *b, const uint8_t *bd, size_t len)
{
    msg_hello_t h;
    if (!msg_unpack_hello(bd, len, &h)) {
        b->link[LINK_RX_REJECTED]++;
        return;
    }
    msg_info_t info = b->hw;
    info.nonce = h.nonce;
    send_frame(b, MSG_INFO, msg_pack_info(&info, body(b), FRAME_MAX_BODY));
}

static void reset_runtime(bridge_t *b)
{
    b->tick_active = false;
    b->awaiting = 0u;
    b->own_tick = 0u;
    b->tripped_ticks = 0u;
    for (uint8_t i = 0u; i < CB_MAX_BUSES; i++) {
        sched_clear(&b->q[i]);
        memset(&b->bus[i], 0, sizeof b->bus[i]);
    }
    for (uint8_t s = 0u; s < CB_MAX_MOTORS; s++) {
        memset(&b->slot[s], 0, sizeof b->slot[s]);
        b->slot[s].age = 255u;
        b->slot[s].fault = 0xFFu;
        b->slot[s].temp_dC = DIAG_TEMP_UNKNOWN;
    }
}

static void handle_config(bridge_t *b, const uint8_t *bd, size_t len)
{
    msg_config_ack_t ack;
    memset(&ack, 0, sizeof ack);
    ack.index = 0xFFu;
    ack.config_crc = crc32c(bd, len);
    uint8_t st;
    if (b->wd.state == WD_ARMED) {
        st = CFG_BUSY;
    } else if (!msg_unpack_config(bd, len, &b->cfg_msg)) {
        st = CFG_BAD_LENGTH;
    } else {
        st = cfg_build(&b->cfg_msg, &b->hw, &b->cfg_tmp, &ack.index);
    }
    if (st == CFG_OK) {
        for (uint8_t i = 0u; i < b->cfg_tmp.n_buses; i++) {
            if (b->cfg_tmp.bus[i].bus_type == BUS_TYPE_ETHERCAT) {
                if (b->port->eth_send == NULL) {
                    st = CFG_BAD_BUS;
                    ack.index = i;
                    break;
                }
                continue;
            }
            if (!b->port->can_configure(b->ctx, b->cfg_tmp.bus[i].hw_index, &b->cfg_tmp.bus[i])) {
                st = CFG_BAD_BITRATE;
                ack.index = i;
                break;
            }
        }
    }
    if (st == CFG_OK) {
        b->cfg = b->cfg_tmp;
        wd_init(&b->wd, b->cfg.watchdog_us);
        reset_runtime(b);
        ecat_bus_configure(b);
        ack.command_raw_len = b->cfg.command_raw_len;
        ack.state_raw_len = b->cfg.state_raw_len;
        ack.reply_timeout_us = b->cfg.reply_timeout_us;
        ack.n_buses = b->cfg.n_buses;
        for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
            ack.bus[i].bus_id = b->cfg.bus[i].bus_id;
            ack.bus[i].n_slots = b->cfg.bus[i].n_slots;
            ack.bus[i].budget_ns = b->cfg.bus[i].budget_ns;
        }
    } else {
        /* zeroed entries, one per bus of the rejected message when it could be read */
        uint8_t nb = len >= 18u ? bd[17] : 0u;
        ack.n_buses = nb <= CB_MAX_BUSES ? nb : 0u;
        b->link[LINK_RX_REJECTED]++;
        fq_push(&b->faults, b->now_us, FAULT_CONFIG_REJECTED, CB_FAULT_NONE_ID, ack.index, st);
    }
    ack.status = st;
    send_frame(b, MSG_CONFIG_ACK, msg_pack_config_ack(&ack, body(b), FRAME_MAX_BODY));
}

static void handle_command(bridge_t *b, const uint8_t *bd, size_t len, uint32_t seq)
{
    if (!b->cfg.valid) {
        reject(b, FAULT_COMMAND_REJECTED, 2u);
        return;
    }
    if (!msg_unpack_command(bd, len, &b->cfg.layout, &b->cmd)) {
        reject(b, FAULT_COMMAND_REJECTED, 1u);
        return;
    }
    wd_feed_t r = wd_feed(&b->wd, b->now_us, (b->cmd.flags & CMD_FLAG_ARM) != 0u);
    if (r == WD_FEED_REJECTED) {
        reject(b, FAULT_COMMAND_REJECTED, 3u);
        return;
    }
    if (r == WD_FEED_REARMED) {
        fq_push(&b->faults, b->now_us, FAULT_WATCHDOG_REARM, CB_FAULT_NONE_ID, CB_FAULT_NONE_ID,
                b->tripped_ticks);
        b->tripped_ticks = 0u;
    }
    start_tick(b, b->cmd.tick, seq, &b->cmd);
}

static void track_seq(bridge_t *b, uint32_t seq)
{
    if (b->rx_seq_valid) {
        uint32_t gap = seq - b->rx_seq_last - 1u;
        /* a jump backwards or by more than 2^31 is a restarted host, not a loss */
        if (gap != 0u && gap < 0x80000000u) {
            b->link[LINK_RX_SEQ_GAPS] += gap;
            b->flag_seq_gap = true;
            fq_push_limited(&b->faults, b->now_us, FAULT_SEQ_GAP, CB_MAX_BUSES, CB_FAULT_NONE_ID,
                            CB_FAULT_NONE_ID, gap);
        }
    }
    b->rx_seq_valid = true;
    b->rx_seq_last = seq;
}

static void framing_error(bridge_t *b, unsigned counter)
{
    b->link[counter]++;
    if (counter == LINK_RX_CRC) {
        fq_push_limited(&b->faults, b->now_us, FAULT_RX_CRC_ERROR, CB_MAX_BUSES, CB_FAULT_NONE_ID,
                        CB_FAULT_NONE_ID, b->link[LINK_RX_CRC]);
    } else {
        fq_push_limited(&b->faults, b->now_us, FAULT_RX_FRAMING_ERROR, CB_MAX_BUSES, CB_FAULT_NONE_ID,
                        CB_FAULT_NONE_ID, b->link[LINK_RX_COBS] + b->link[LINK_RX_LEN]);
    }
}

static void handle_raw(bridge_t *b, const uint8_t *raw, size_t len)
{
    frame_header_t h;
    frame_status_t st = frame_check(raw, len, &h);
    const uint8_t *bd = raw + FRAME_HEADER_LEN;
    size_t blen = len >= FRAME_OVERHEAD ? len - FRAME_OVERHEAD : 0u;
    switch (st) {
    case FRAME_OK:
        break;
    case FRAME_ERR_CRC:
        framing_error(b, LINK_RX_CRC);
        return;
    case FRAME_ERR_VERSION:
        /* HELLO's layout is frozen: answer it whatever version the host speaks */
        if (h.type == MSG_HELLO && (size_t)h.body_len == blen) {
            b->link[LINK_RX_OK]++;
            b->rx_seq_valid = false;
            handle_hello(b, bd, blen);
            return;
        }
        framing_error(b, LINK_RX_LEN);
        return;
    case FRAME_ERR_LONG:
        framing_error(b, LINK_RX_COBS);
        return;
    case FRAME_ERR_SHORT:
    case FRAME_ERR_TYPE:
    case FRAME_ERR_LENGTH:
    default:
        framing_error(b, LINK_RX_LEN);
        return;
    }
    b->link[LINK_RX_OK]++;
    if (h.type == MSG_HELLO) {
        b->rx_seq_valid = false; /* a (re)connecting host starts a new sequence */
    }
    track_seq(b, h.seq);
    switch (h.type) {
    case MSG_HELLO:
        handle_hello(b, bd, blen);
        break;
    case MSG_CONFIG:
        handle_config(b, bd, blen);
        break;
    case MSG_COMMAND:
        handle_command(b, bd, blen, h.seq);
        break;
    case MSG_HEARTBEAT: {
        msg_heartbeat_t hb;
        if (!msg_unpack_heartbeat(bd, blen, &hb)) {
            b->link[LINK_RX_REJECTED]++;
        }
        break;
    }
    default:
        b->link[LINK_RX_REJECTED]++; /* a bridge → host type sent to the bridge */
        break;
    }
}

/* ------------------------------------------------------------------ API */

void bridge_init(bridge_t *b, const bridge_port_t *port, void *ctx, const msg_info_t *hw,
                 uint32_t now_us)
{
    memset(b, 0, sizeof *b);
    b->port = port;
    b->ctx = ctx;
    b->hw = *hw;
    b->now_us = now_us;
    cobs_stream_init(&b->rx, b->rx_buf, sizeof b->rx_buf);
    wd_init(&b->wd, 10000u);
    fq_init(&b->faults);
    reset_runtime(b);
    b->ecat_bus = -1;
    b->last_diag_us = now_us;
    b->last_state_us = now_us;
    b->last_heartbeat_us = now_us;
}

void bridge_rx_bytes(bridge_t *b, const uint8_t *data, size_t len, uint32_t now_us)
{
    b->now_us = now_us;
    for (size_t i = 0u; i < len; i++) {
        cobs_event_t ev = cobs_stream_push(&b->rx, data[i]);
        if (ev == COBS_FRAME) {
            handle_raw(b, b->rx.buf, b->rx.len);
        } else if (ev == COBS_ERROR) {
            framing_error(b, LINK_RX_COBS);
        }
    }
}

static int8_t bus_of_hw(const bridge_t *b, uint8_t hw_bus)
{
    for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
        if (b->cfg.bus[i].hw_index == hw_bus) {
            return (int8_t)i;
        }
    }
    return -1;
}

static bool reply_matches(const cfg_motor_t *m, const can_frame_t *f)
{
    bool ext = (f->flags & CAN_FLAG_EXT) != 0u;
    if (m->reply_id != MOTOR_REPLY_ID_ANY &&
        (f->id != m->reply_id || ext != ((m->flags & MOTOR_CFG_EXT_REPLY) != 0u))) {
        return false;
    }
    return f->len >= 1u && mit_reply_key((mit_protocol_t)m->protocol, f->data[0]) == m->reply_key;
}

void bridge_can_rx(bridge_t *b, uint8_t hw_bus, const can_frame_t *f, uint32_t t_us)
{
    b->now_us = t_us;
    int8_t bi = bus_of_hw(b, hw_bus);
    if (bi < 0 || !b->cfg.valid || f->len > CAN_MAX_DATA) {
        return;
    }
    const cfg_bus_t *cb = &b->cfg.bus[bi];
    bridge_bus_rt_t *br = &b->bus[bi];
    br->rx_frames++;
    uint32_t ns = can_frame_worst_ns(&cb->timing, f->flags, f->len);
    br->busy_ns += ns == UINT32_MAX ? 0u : ns;
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        uint8_t s = (uint8_t)(cb->first_slot + k);
        uint8_t motor = b->cfg.slot_motor[s];
        const cfg_motor_t *m = &b->cfg.motor[motor];
        if (!reply_matches(m, f)) {
            continue;
        }
        bridge_slot_t *sl = &b->slot[s];
        uint8_t n = f->len < cb->slot_len ? f->len : cb->slot_len;
        memset(sl->data, 0, sizeof sl->data);
        memcpy(sl->data, f->data, n);
        sl->len = n;
        sl->age = 0u;
        sl->no_reply_ticks = 0u;
        sl->timeout = false;
        sl->replied = true;
        uint8_t fault;
        int16_t temp;
        bool enabled;
        mit_reply_diag((mit_protocol_t)m->protocol, f->data, f->len, &fault, &temp, &enabled);
        if (fault != 0u && fault != 0xFFu && fault != sl->fault) {
            fq_push(&b->faults, t_us, FAULT_MOTOR_FAULT, cb->bus_id, motor, fault);
        }
        sl->fault = fault;
        sl->temp_dC = temp;
        sl->enabled = enabled;
        /* a reply counts for this tick only once our command has been handed to the controller */
        if (b->tick_active && sl->phase == SLOT_HANDED) {
            uint32_t dt = t_us - b->tick_t0_us;
            sl->rx_dt_us = (uint16_t)(dt < STATE_RX_DT_NONE ? dt : STATE_RX_DT_NONE - 1u);
            sl->flags |= STATE_SLOT_FRESH;
            sl->phase = SLOT_REPLIED;
            if (b->awaiting > 0u) {
                b->awaiting--;
            }
        }
        return;
    }
}

void bridge_eth_rx(bridge_t *b, uint8_t hw_bus, const uint8_t *frame, size_t len, uint32_t t_us)
{
    b->now_us = t_us;
    if (b->cfg.valid && ecat_bus_rx(b, hw_bus, frame, len, t_us) && b->tick_active && b->awaiting > 0u) {
        b->awaiting--;
    }
}

void bridge_can_tx_done(bridge_t *b, uint8_t hw_bus, uint32_t id, bool ext, uint32_t t_us)
{
    b->now_us = t_us;
    int8_t bi = bus_of_hw(b, hw_bus);
    if (bi < 0 || !b->cfg.valid) {
        return;
    }
    const cfg_bus_t *cb = &b->cfg.bus[bi];
    bridge_bus_rt_t *br = &b->bus[bi];
    br->tx_frames++;
    uint8_t flags = (uint8_t)(cb->frame_flags | (ext ? CAN_FLAG_EXT : 0u));
    uint32_t ns = can_frame_worst_ns(&cb->timing, flags, cb->slot_len);
    br->busy_ns += ns == UINT32_MAX ? 0u : ns;
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        uint8_t s = (uint8_t)(cb->first_slot + k);
        const cfg_motor_t *m = &b->cfg.motor[b->cfg.slot_motor[s]];
        if (m->can_id == id && ((m->flags & MOTOR_CFG_EXT_CMD) != 0u) == ext) {
            if (b->slot[s].phase == SLOT_HANDED || b->slot[s].phase == SLOT_REPLIED) {
                b->slot[s].flags |= STATE_SLOT_SENT;
            }
            return;
        }
    }
}

static void supervise_buses(bridge_t *b)
{
    for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
        const cfg_bus_t *cb = &b->cfg.bus[i];
        if (cb->bus_type == BUS_TYPE_ETHERCAT) {
            continue; /* supervised by its master */
        }
        bridge_bus_rt_t *br = &b->bus[i];
        can_status_t st;
        b->port->can_status(b->ctx, cb->hw_index, &st);
        uint8_t prev = br->polled ? br->state : BUS_STATE_ACTIVE;
        br->polled = true;
        if (st.state != prev) {
            if (st.state == BUS_STATE_OFF) {
                br->bus_off_count++;
                br->bus_off_since_us = b->now_us;
                br->last_recover_us = b->now_us;
                fq_push(&b->faults, b->now_us, FAULT_BUS_OFF, cb->bus_id, CB_FAULT_NONE_ID, st.tec);
                b->port->can_recover(b->ctx, cb->hw_index);
            } else if (st.state == BUS_STATE_PASSIVE && prev < BUS_STATE_PASSIVE) {
                fq_push(&b->faults, b->now_us, FAULT_BUS_ERROR_PASSIVE, cb->bus_id, CB_FAULT_NONE_ID,
                        ((uint32_t)st.tec << 8) | st.rec);
            } else if (st.state <= BUS_STATE_WARNING && prev >= BUS_STATE_PASSIVE) {
                fq_push(&b->faults, b->now_us, FAULT_BUS_RECOVERED, cb->bus_id, CB_FAULT_NONE_ID, st.state);
            }
        } else if (st.state == BUS_STATE_OFF &&
                   (uint32_t)(b->now_us - br->last_recover_us) >= BRIDGE_BUS_OFF_RETRY_US) {
            br->last_recover_us = b->now_us;
            b->port->can_recover(b->ctx, cb->hw_index);
        }
        br->state = st.state;
        br->tec = st.tec;
        br->rec = st.rec;
        br->error_events = st.error_events;
    }
}

static void send_diag(bridge_t *b)
{
    msg_diag_t *d = &b->diag;
    uint32_t window = b->now_us - b->last_diag_us;
    memset(d, 0, sizeof *d);
    d->window_us = window;
    d->n_buses = b->cfg.n_buses;
    d->n_motors = b->cfg.n_motors;
    memcpy(d->link, b->link, sizeof d->link);
    for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
        bridge_bus_rt_t *br = &b->bus[i];
        msg_diag_bus_t *o = &d->bus[i];
        o->bus_id = b->cfg.bus[i].bus_id;
        o->state = br->state;
        o->tec = br->tec;
        o->rec = br->rec;
        uint64_t load = window > 0u ? br->busy_ns / window : 0u; /* ns / µs = permille */
        o->load_permille = (uint16_t)(load > 65535u ? 65535u : load);
        uint32_t budget = b->cfg.bus[i].budget_ns / b->cfg.tick_period_us;
        o->budget_permille = (uint16_t)(budget > 65535u ? 65535u : budget);
        o->tx_frames = br->tx_frames;
        o->rx_frames = br->rx_frames;
        o->error_events = br->error_events;
        o->bus_off_count = br->bus_off_count;
        o->tx_overruns = br->tx_overruns;
        br->busy_ns = 0u;
    }
    for (uint8_t mi = 0u; mi < b->cfg.n_motors; mi++) {
        const bridge_slot_t *sl = &b->slot[b->cfg.motor[mi].slot];
        msg_diag_motor_t *o = &d->motor[mi];
        o->motor_index = mi;
        o->fault = sl->fault;
        o->temp_dC = sl->temp_dC;
        o->missed = sl->missed;
        o->flags = (uint8_t)((sl->replied ? DIAG_MOTOR_REPLIED : 0u) | (sl->enabled ? DIAG_MOTOR_ENABLED : 0u));
    }
    ecat_bus_diag(b, d);
    send_frame(b, MSG_DIAG, msg_pack_diag(d, body(b), FRAME_MAX_BODY));
    b->last_diag_us = b->now_us;
}

static void flush_faults(bridge_t *b)
{
    const msg_fault_t *f;
    while ((f = fq_peek(&b->faults)) != NULL) {
        size_t n = msg_pack_fault(f, body(b), FRAME_MAX_BODY);
        /* keep the record queued until the link has room for it */
        if (b->port->serial_tx_free(b->ctx) < COBS_MAX_ENCODED(FRAME_OVERHEAD + n) + 1u) {
            return;
        }
        send_frame(b, MSG_FAULT, n);
        fq_pop(&b->faults);
    }
}

void bridge_poll(bridge_t *b, uint32_t now_us)
{
    b->now_us = now_us;
    if (b->cfg.valid) {
        uint32_t elapsed = 0u;
        if (wd_check(&b->wd, now_us, &elapsed)) {
            fq_push(&b->faults, now_us, FAULT_WATCHDOG_TRIP, CB_FAULT_NONE_ID, CB_FAULT_NONE_ID, elapsed);
            b->tripped_ticks = 0u;
            start_safe_tick(b);
        } else if (b->wd.state == WD_TRIPPED &&
                   (uint32_t)(now_us - b->last_own_tick_us) >= b->cfg.tick_period_us) {
            start_safe_tick(b);
        }
        feed_queues(b);
        ecat_bus_poll(b);
        if (b->tick_active &&
            (b->awaiting == 0u || (uint32_t)(now_us - b->tick_t0_us) >= b->cfg.reply_timeout_us)) {
            finish_tick(b);
        }
        supervise_buses(b);
    }
    flush_faults(b);
    if (b->cfg.valid && (uint32_t)(now_us - b->last_diag_us) >= BRIDGE_DIAG_PERIOD_US) {
        send_diag(b);
    }
    if ((uint32_t)(now_us - b->last_state_us) >= BRIDGE_HEARTBEAT_PERIOD_US &&
        (uint32_t)(now_us - b->last_heartbeat_us) >= BRIDGE_HEARTBEAT_PERIOD_US) {
        msg_heartbeat_t hb = { status_bits(b), b->wd.state, b->faults.next_index };
        send_frame(b, MSG_HEARTBEAT, msg_pack_heartbeat(&hb, body(b), FRAME_MAX_BODY));
        b->last_heartbeat_us = now_us;
    }
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static uint32_t until(uint32_t now, uint32_t since, uint32_t period)
{
    uint32_t e = now - since;
    return e >= period ? 0u : period - e;
}

uint32_t bridge_next_deadline_us(const bridge_t *b, uint32_t now_us)
{
    uint32_t d = until(now_us, b->last_heartbeat_us, BRIDGE_HEARTBEAT_PERIOD_US);
    if (b->faults.count > 0u) {
        d = min_u32(d, 1000u);
    }
    if (!b->cfg.valid) {
        return d;
    }
    d = min_u32(d, until(now_us, b->last_diag_us, BRIDGE_DIAG_PERIOD_US));
    d = min_u32(d, wd_time_left(&b->wd, now_us));
    if (b->wd.state == WD_TRIPPED) {
        d = min_u32(d, until(now_us, b->last_own_tick_us, b->cfg.tick_period_us));
    }
    if (b->tick_active) {
        d = min_u32(d, b->awaiting == 0u ? 0u : until(now_us, b->tick_t0_us, b->cfg.reply_timeout_us));
    }
    /* the master's transactions and the segment's own (timed) cycles */
    d = min_u32(d, ecat_bus_deadline_us(b, now_us));
    /* bus supervision */
    return min_u32(d, 1000u);
}
