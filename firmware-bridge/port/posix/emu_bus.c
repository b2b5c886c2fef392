/*
 * emu_bus.c — discrete-event CAN bus (see emu_bus.h).
 */
#include "emu_bus.h"

#include <string.h>

/* error frame + delimiter + intermission after an ACK error, error-passive worst case:
 * passive error flag 6 + delimiter 8 + intermission 3 + suspend transmission 8 (ISO 11898-1) */
#define EMU_ERROR_FRAME_BITS 25u
#define EMU_RECOVERY_BITS (128u * 11u)

void emu_bus_init(emu_bus_t *b, uint8_t index, emu_rx_fn on_rx, emu_tx_done_fn on_tx_done,
                  emu_joint_fn joint, void *ctx)
{
    memset(b, 0, sizeof *b);
    b->index = index;
    b->on_rx = on_rx;
    b->on_tx_done = on_tx_done;
    b->joint = joint;
    b->ctx = ctx;
}

bool emu_bus_attach(emu_bus_t *b, emu_motor_t *m)
{
    if (b->n_motors >= EMU_MAX_BUS_MOTORS) {
        return false;
    }
    b->motor[b->n_motors++] = m;
    return true;
}

bool emu_bus_configure(emu_bus_t *b, const can_timing_t *t)
{
    if (t->nominal_bps == 0u) {
        return false;
    }
    b->timing = *t;
    b->configured = true;
    memset(b->pend, 0, sizeof b->pend);
    b->bridge_queued = 0u;
    b->busy = false;
    b->tec = 0u;
    b->rec = 0u;
    b->bus_off = false;
    return true;
}

static bool add_pending(emu_bus_t *b, const can_frame_t *f, uint64_t ready_ns, int src)
{
    for (unsigned i = 0u; i < EMU_MAX_PENDING; i++) {
        if (!b->pend[i].used) {
            b->pend[i].f = *f;
            b->pend[i].ready_ns = ready_ns;
            b->pend[i].src = src;
            b->pend[i].order = b->order++;
            b->pend[i].used = true;
            return true;
        }
    }
    return false;
}

bool emu_bus_bridge_send(emu_bus_t *b, const can_frame_t *f, uint64_t now_ns)
{
    if (!b->configured || b->bus_off || b->bridge_queued >= EMU_BRIDGE_TX_BUFFERS) {
        return false;
    }
    if (!add_pending(b, f, now_ns, EMU_SRC_BRIDGE)) {
        return false;
    }
    b->bridge_queued++;
    return true;
}

uint8_t emu_bus_bridge_abort(emu_bus_t *b)
{
    uint8_t n = 0u;
    for (unsigned i = 0u; i < EMU_MAX_PENDING; i++) {
        if (b->pend[i].used && b->pend[i].src == EMU_SRC_BRIDGE) {
            b->pend[i].used = false;
            n++;
        }
    }
    b->bridge_queued = (uint8_t)(b->bridge_queued - n);
    return n;
}

void emu_bus_status(const emu_bus_t *b, can_status_t *st)
{
    st->tec = b->tec;
    st->rec = b->rec;
    st->error_events = b->error_events;
    if (b->bus_off) {
        st->state = BUS_STATE_OFF;
    } else if (b->tec >= 128u || b->rec >= 128u) {
        st->state = BUS_STATE_PASSIVE;
    } else if (b->tec >= 96u || b->rec >= 96u) {
        st->state = BUS_STATE_WARNING;
    } else {
        st->state = BUS_STATE_ACTIVE;
    }
}

void emu_bus_recover(emu_bus_t *b, uint64_t now_ns)
{
    if (b->bus_off && b->recover_at_ns == 0u) {
        uint64_t bit = 1000000000u / b->timing.nominal_bps;
        b->recover_at_ns = now_ns + EMU_RECOVERY_BITS * bit;
    }
}

static uint32_t frame_ns(const emu_bus_t *b, const can_frame_t *f)
{
    uint32_t ns = can_frame_worst_ns(&b->timing, f->flags, f->len);
    return ns == UINT32_MAX ? 1000000u : ns;
}

/* the pending frame that wins arbitration at time t among those ready by t, or -1 */
static int arbitrate(const emu_bus_t *b, uint64_t t)
{
    int best = -1;
    uint32_t best_key = 0u;
    for (unsigned i = 0u; i < EMU_MAX_PENDING; i++) {
        const emu_pending_t *p = &b->pend[i];
        if (!p->used || p->ready_ns > t) {
            continue;
        }
        uint32_t key = can_arbitration_key(p->f.id, (p->f.flags & CAN_FLAG_EXT) != 0u);
        if (best < 0 || key < best_key || (key == best_key && p->order < b->pend[best].order)) {
            best = (int)i;
            best_key = key;
        }
    }
    return best;
}

static uint64_t earliest_ready(const emu_bus_t *b)
{
    uint64_t t = UINT64_MAX;
    for (unsigned i = 0u; i < EMU_MAX_PENDING; i++) {
        if (b->pend[i].used && b->pend[i].ready_ns < t) {
            t = b->pend[i].ready_ns;
        }
    }
    return t;
}

static void complete(emu_bus_t *b, const emu_pending_t *p, uint64_t t_end)
{
    b->frames++;
    if (p->src == EMU_SRC_BRIDGE) {
        if (b->bridge_queued > 0u) {
            b->bridge_queued--;
        }
        if (b->tec > 0u) {
            b->tec--; /* successful transmission */
        }
        b->on_tx_done(b->ctx, b->index, &p->f, t_end);
        for (uint8_t i = 0u; i < b->n_motors; i++) {
            emu_motor_t *m = b->motor[i];
            double q = 0.0;
            double qd = 0.0;
            b->joint(b->ctx, m->joint, &q, &qd);
            can_frame_t reply;
            if (emu_motor_on_frame(m, &p->f, q, qd, &reply)) {
                (void)add_pending(b, &reply, t_end + m->reply_latency_ns, (int)i);
            }
        }
    } else {
        b->on_rx(b->ctx, b->index, &p->f, t_end);
    }
}

void emu_bus_advance(emu_bus_t *b, uint64_t now_ns)
{
    if (!b->configured) {
        return;
    }
    if (b->bus_off) {
        if (b->recover_at_ns != 0u && now_ns >= b->recover_at_ns) {
            b->bus_off = false;
            b->recover_at_ns = 0u;
            b->tec = 0u;
            b->rec = 0u;
            b->idle_at_ns = now_ns;
        } else {
            return;
        }
    }
    for (;;) {
        if (b->busy) {
            if (b->inflight_end_ns > now_ns) {
                return;
            }
            b->busy = false;
            b->idle_at_ns = b->inflight_end_ns;
            emu_pending_t done = b->inflight;
            bool acked = done.src != EMU_SRC_BRIDGE || b->n_motors > 0u;
            if (acked) {
                complete(b, &done, b->inflight_end_ns);
            } else {
                /* ACK error: error frame, then automatic retransmission (ISO 11898-1 §10.11);
                 * an error-passive transmitter's TEC does not grow on ACK errors */
                b->error_events++;
                if (b->tec < 128u) {
                    b->tec = (uint8_t)(b->tec + 8u);
                }
                b->idle_at_ns += (uint64_t)EMU_ERROR_FRAME_BITS * 1000000000u / b->timing.nominal_bps;
                done.ready_ns = b->idle_at_ns;
                for (unsigned i = 0u; i < EMU_MAX_PENDING; i++) {
                    if (!b->pend[i].used) {
                        b->pend[i] = done;
                        break;
                    }
                }
            }
            continue;
        }
        uint64_t ready = earliest_ready(b);
        if (ready == UINT64_MAX) {
            return;
        }
        uint64_t t = ready > b->idle_at_ns ? ready : b->idle_at_ns;
        if (t > now_ns) {
            return;
        }
        int w = arbitrate(b, t);
        if (w < 0) {
            return;
        }
        b->inflight = b->pend[w];
        b->pend[w].used = false;
        uint32_t ns = frame_ns(b, &b->inflight.f);
        b->busy = true;
        b->inflight_end_ns = t + ns;
        b->busy_ns += ns;
    }
}

uint64_t emu_bus_next_event_ns(const emu_bus_t *b)
{
    if (!b->configured) {
        return UINT64_MAX;
    }
    if (b->bus_off) {
        return b->recover_at_ns != 0u ? b->recover_at_ns : UINT64_MAX;
    }
    if (b->busy) {
        return b->inflight_end_ns;
    }
    uint64_t ready = earliest_ready(b);
    if (ready == UINT64_MAX) {
        return UINT64_MAX;
    }
    return ready > b->idle_at_ns ? ready : b->idle_at_ns;
}
