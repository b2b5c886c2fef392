/*
 * ecat_bus.c — the bridge's EtherCAT bus (see ecat_bus.h, PROTOCOL.md §5).
 *
 * The host's tick drives the segment: each accepted COMMAND sends one cyclic frame with the RxPDOs
 * of the command, and the STATE of that tick waits for the frame to come back (or the reply
 * timeout). Between host ticks — before the first COMMAND, or while the host is silent but the
 * watchdog has not tripped yet — the bridge cycles the last outputs itself every tick period, so
 * the drives' sync-manager watchdogs never see a gap the host did not cause.
 *
 * With BUS_CFG_ECAT_TIMED the bridge sends the cycles from its own clock instead, every tick period at
 * a fixed phase (what drives synchronised to SYNC0 expect: one frame per SYNC0 period, whatever the
 * host link's jitter); a COMMAND then only updates the outputs, and its STATE carries the inputs of the
 * newest cycle that came back (FRESH if one came back since the previous STATE). One frame is on the
 * segment at a time: a host tick that finds the bridge's own cycle still out sends its frame when that
 * one returns (a few tens of µs), or after ECAT_PENDING_MAX_US if it does not.
 */
#include "ecat_bus.h"

#include <string.h>

#include "fault_queue.h"

#define ECAT_PENDING_MAX_US 500u
/* the bridge's own cycles start when the host has been silent this long (ticks) */
#define ECAT_OWN_CYCLE_TICKS 3u

static uint8_t motor_of_slave(const bridge_t *b, uint8_t slave)
{
    if (b->ecat_bus < 0) {
        return CB_FAULT_NONE_ID;
    }
    const cfg_bus_t *cb = &b->cfg.bus[b->ecat_bus];
    return slave < cb->n_slots ? b->cfg.slot_motor[cb->first_slot + slave] : CB_FAULT_NONE_ID;
}

static bool port_send(void *ctx, uint8_t hw, const uint8_t *frame, size_t len)
{
    bridge_t *b = ctx;
    return b->port->eth_send != NULL && b->port->eth_send(b->ctx, hw, frame, len);
}

static void port_event(void *ctx, uint8_t hw, ecat_event_t ev, uint8_t slave, uint32_t detail)
{
    bridge_t *b = ctx;
    (void)hw;
    if (b->ecat_bus < 0) {
        return;
    }
    uint8_t motor = slave < ECAT_MAX_SLAVES ? motor_of_slave(b, slave) : CB_FAULT_NONE_ID;
    fq_push(&b->faults, b->now_us, (uint16_t)(FAULT_ECAT_BASE + (unsigned)ev), b->cfg.bus[b->ecat_bus].bus_id,
            motor, detail);
}

void ecat_bus_configure(bridge_t *b)
{
    b->ecat_bus = -1;
    b->ecat_awaiting = false;
    b->ecat_tick_fresh = false;
    b->ecat_pending = false;
    b->ecat_timed = false;
    b->ecat_rx_since_state = false;
    memset(b->ecat_out, 0, sizeof b->ecat_out);
    memset(b->ecat_lost_ticks, 0, sizeof b->ecat_lost_ticks);
    for (uint8_t i = 0u; i < b->cfg.n_buses; i++) {
        if (b->cfg.bus[i].bus_type == BUS_TYPE_ETHERCAT) {
            b->ecat_bus = (int8_t)i;
        }
    }
    b->ecat_port.eth_send = port_send;
    b->ecat_port.event = port_event;
    const uint8_t mac[6] = { 0x02u, 0xCBu, 0x00u, 0x00u, 0x00u, 0x01u }; /* locally administered */
    if (b->ecat_bus < 0) {
        b->ecat.phase = ECAT_M_IDLE;
        return;
    }
    const cfg_bus_t *cb = &b->cfg.bus[b->ecat_bus];
    ecat_slave_cfg_t slaves[CB_MAX_ECAT_SLAVES];
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        const cfg_motor_t *m = &b->cfg.motor[b->cfg.slot_motor[cb->first_slot + k]];
        slaves[k].mode = m->protocol;
        slaves[k].expected_product = m->reply_id;
    }
    ecat_master_init(&b->ecat, &b->ecat_port, b, cb->hw_index, mac);
    ecat_master_configure(&b->ecat, slaves, cb->n_slots, b->cfg.tick_period_us, b->now_us);
    b->ecat_last_cycle_us = b->now_us;
    b->ecat_timed = (cb->flags & BUS_CFG_ECAT_TIMED) != 0u;
    b->ecat_next_cycle_us = b->now_us + b->cfg.tick_period_us;
}

static bool cycle(bridge_t *b)
{
    b->bus[b->ecat_bus].tx_frames++;
    b->ecat_last_cycle_us = b->now_us;
    bool sent = ecat_master_cycle(&b->ecat, b->ecat_out, b->now_us);
    b->bus[b->ecat_bus].busy_ns += sent ? b->cfg.bus[b->ecat_bus].budget_ns : 0u;
    return sent;
}

bool ecat_bus_start_tick(bridge_t *b, const msg_command_t *cmd, bool safe)
{
    b->ecat_awaiting = false;
    b->ecat_tick_fresh = false;
    if (b->ecat_bus < 0) {
        return false;
    }
    const cfg_bus_t *cb = &b->cfg.bus[b->ecat_bus];
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        memcpy(&b->ecat_out[k * MSG_ECAT_OUT_LEN], cmd->slot[cb->first_slot + k].data, MSG_ECAT_OUT_LEN);
    }
    /* DAMPING → quick stop, DISABLE → disable voltage (CiA 402 controlwords, §5) */
    ecat_master_set_safe(&b->ecat, safe, b->cfg.safe_action == SAFE_DISABLE ? 0x0000u : 0x0002u);
    b->ecat_pending = false;
    if (b->ecat_timed) {
        return false; /* the next timed cycle carries these outputs */
    }
    if (b->ecat.cycle_in_flight && (uint32_t)(b->now_us - b->ecat_last_cycle_us) < ECAT_PENDING_MAX_US) {
        b->ecat_pending = true; /* sent by ecat_bus_rx / ecat_bus_poll */
        b->ecat_awaiting = b->ecat.phase == ECAT_M_OP || b->ecat.phase == ECAT_M_DEGRADED;
        return b->ecat_awaiting;
    }
    b->ecat_awaiting = cycle(b);
    return b->ecat_awaiting;
}

bool ecat_bus_rx(bridge_t *b, uint8_t hw, const uint8_t *frame, size_t len, uint32_t t_us)
{
    if (b->ecat_bus < 0 || b->cfg.bus[b->ecat_bus].hw_index != hw) {
        return false;
    }
    bool was_in_flight = b->ecat.cycle_in_flight;
    ecat_master_rx(&b->ecat, frame, len, t_us);
    if (was_in_flight && !b->ecat.cycle_in_flight) {
        b->bus[b->ecat_bus].rx_frames++;
        b->ecat_rx_since_state = true;
        if (b->ecat_pending) {
            /* the bridge's own cycle is back: now this tick's */
            b->ecat_pending = false;
            b->ecat_awaiting = cycle(b);
            return !b->ecat_awaiting;
        }
        if (b->ecat_awaiting) {
            b->ecat_awaiting = false;
            b->ecat_tick_fresh = true;
            return true;
        }
    }
    return false;
}

void ecat_bus_finish_tick(bridge_t *b, msg_state_t *st)
{
    if (b->ecat_bus < 0) {
        return;
    }
    const cfg_bus_t *cb = &b->cfg.bus[b->ecat_bus];
    msg_ecat_section_t *e = &st->ecat[b->ecat_bus];
    const uint8_t *in = NULL;
    uint16_t wkc = 0u, expected = 0u;
    bool have = ecat_master_inputs(&b->ecat, &in, &wkc, &expected);
    bool fresh = (b->ecat_timed ? b->ecat_rx_since_state : b->ecat_tick_fresh) && have;
    b->ecat_rx_since_state = false;
    e->wkc = fresh ? wkc : 0u;
    e->wkc_expected = (uint16_t)(3u * cb->n_slots);
    e->master = (uint8_t)b->ecat.phase;
    e->al_state = ecat_master_lowest_state(&b->ecat);
    e->flags = (uint8_t)((fresh ? ECAT_SEC_FRESH : 0u) | (fresh && wkc != e->wkc_expected ? ECAT_SEC_WKC_ERROR : 0u) |
                         (b->ecat.safe_active ? ECAT_SEC_SAFE : 0u));
    uint8_t n_op = 0u;
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        uint8_t s = (uint8_t)(cb->first_slot + k);
        bridge_slot_t *sl = &b->slot[s];
        if (b->ecat.slave[k].in_op) {
            n_op++;
        }
        if (have) {
            memcpy(sl->data, &in[k * MSG_ECAT_IN_LEN], MSG_ECAT_IN_LEN);
            sl->len = MSG_ECAT_IN_LEN;
        }
        if (fresh && b->ecat.slave[k].in_op) {
            sl->age = 0u;
            sl->replied = true;
        } else {
            sl->missed++;
            if (sl->age < 255u) {
                sl->age++;
            }
        }
        msg_state_slot_t *o = &st->slot[s];
        memcpy(o->data, sl->data, MSG_ECAT_IN_LEN);
        o->len = MSG_ECAT_IN_LEN;
    }
    e->n_op = n_op;
    b->ecat_awaiting = false;
    b->ecat_tick_fresh = false;
}

void ecat_bus_poll(bridge_t *b)
{
    if (b->ecat_bus < 0) {
        return;
    }
    ecat_master_poll(&b->ecat, b->now_us);
    if (b->ecat_timed) {
        int32_t late = (int32_t)(b->now_us - b->ecat_next_cycle_us);
        if (late >= 0) {
            (void)cycle(b);
            /* a fixed grid; after a stall longer than a period, restart the grid from now */
            b->ecat_next_cycle_us += b->cfg.tick_period_us;
            if ((uint32_t)late >= b->cfg.tick_period_us) {
                b->ecat_next_cycle_us = b->now_us + b->cfg.tick_period_us;
            }
        }
        return;
    }
    uint32_t since = b->now_us - b->ecat_last_cycle_us;
    if (b->ecat_pending && since >= ECAT_PENDING_MAX_US) {
        b->ecat_pending = false;
        b->ecat_awaiting = cycle(b); /* the own cycle did not come back: counted lost by the master */
        return;
    }
    /* before the first COMMAND every tick period; once the host commands, only when it has been
     * silent for a few ticks (its next COMMAND would otherwise find this frame still out) */
    uint32_t gap = b->wd.state == WD_DISARMED ? b->cfg.tick_period_us : ECAT_OWN_CYCLE_TICKS * b->cfg.tick_period_us;
    if (!b->tick_active && !b->ecat.cycle_in_flight && since >= gap) {
        (void)cycle(b);
    }
}

void ecat_bus_diag(bridge_t *b, msg_diag_t *d)
{
    d->n_ecat = 0u;
    if (b->ecat_bus < 0) {
        return;
    }
    const cfg_bus_t *cb = &b->cfg.bus[b->ecat_bus];
    msg_diag_bus_t *o = &d->bus[b->ecat_bus];
    o->state = (uint8_t)b->ecat.phase;
    o->tec = b->ecat.n_found;
    o->rec = ecat_master_lowest_state(&b->ecat);
    o->error_events = b->ecat.stats.wkc_errors;
    o->bus_off_count = b->ecat.stats.slave_lost_events;
    o->tx_overruns = b->ecat.stats.frames_lost;
    for (uint8_t k = 0u; k < cb->n_slots; k++) {
        msg_diag_motor_t *mo = &d->motor[b->cfg.slot_motor[cb->first_slot + k]];
        mo->fault = 0xFFu; /* the host reads 0x603F from the TxPDO */
        mo->temp_dC = DIAG_TEMP_UNKNOWN;
    }
    d->n_ecat = 1u;
    d->ecat[0].bus_id = cb->bus_id;
    d->ecat[0].dc_jitter_ns = b->ecat.stats.jitter_max_ns;
    b->ecat.stats.jitter_max_ns = 0u;
}

uint32_t ecat_bus_deadline_us(const bridge_t *b, uint32_t now_us)
{
    if (b->ecat_bus < 0) {
        return UINT32_MAX;
    }
    uint32_t d = 100u; /* the master's transactions and time-outs */
    if (b->ecat_timed) {
        int32_t left = (int32_t)(b->ecat_next_cycle_us - now_us);
        uint32_t t = left > 0 ? (uint32_t)left : 0u;
        d = t < d ? t : d;
    }
    return d;
}

bool ecat_bus_fault(const bridge_t *b)
{
    return b->ecat_bus >= 0 && (b->ecat.phase == ECAT_M_DEGRADED || b->ecat.phase == ECAT_M_FAILED);
}
