/*
 * can_events.c — SPSC queues of CAN events, ISR → main loop (see can_events.h for the ordering).
 */
#include "can_events.h"

bool can_events_push_rx(can_events_t *q, uint8_t bus, const can_frame_t *f, uint32_t t_us)
{
    uint32_t head = atomic_load_explicit(&q->rx_head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&q->rx_tail, memory_order_acquire);
    if (head - tail >= CAN_EVENTS_RX_DEPTH) {
        can_events_count_lost(q);
        return false;
    }
    can_rx_event_t *e = &q->rx[head % CAN_EVENTS_RX_DEPTH];
    e->bus = bus;
    e->t_us = t_us;
    e->f = *f;
    atomic_store_explicit(&q->rx_head, head + 1u, memory_order_release);
    return true;
}

bool can_events_push_tx_done(can_events_t *q, uint8_t bus, uint32_t id, bool ext, uint32_t t_us)
{
    uint32_t head = atomic_load_explicit(&q->tx_done_head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&q->tx_done_tail, memory_order_acquire);
    if (head - tail >= CAN_EVENTS_TX_DONE_DEPTH) {
        return false; /* the frame still went out; only its SENT flag and bus-load share are missed */
    }
    can_tx_done_event_t *e = &q->tx_done[head % CAN_EVENTS_TX_DONE_DEPTH];
    e->bus = bus;
    e->ext = ext;
    e->id = id;
    e->t_us = t_us;
    atomic_store_explicit(&q->tx_done_head, head + 1u, memory_order_release);
    return true;
}

void can_events_count_lost(can_events_t *q)
{
    atomic_fetch_add_explicit(&q->rx_lost, 1u, memory_order_relaxed);
}

bool can_events_pop_rx(can_events_t *q, uint8_t *bus, can_frame_t *f, uint32_t *t_us)
{
    uint32_t tail = atomic_load_explicit(&q->rx_tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&q->rx_head, memory_order_acquire)) {
        return false;
    }
    const can_rx_event_t *e = &q->rx[tail % CAN_EVENTS_RX_DEPTH];
    *bus = e->bus;
    *f = e->f;
    *t_us = e->t_us;
    atomic_store_explicit(&q->rx_tail, tail + 1u, memory_order_release);
    return true;
}

bool can_events_pop_tx_done(can_events_t *q, uint8_t *bus, uint32_t *id, bool *ext, uint32_t *t_us)
{
    uint32_t tail = atomic_load_explicit(&q->tx_done_tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&q->tx_done_head, memory_order_acquire)) {
        return false;
    }
    const can_tx_done_event_t *e = &q->tx_done[tail % CAN_EVENTS_TX_DONE_DEPTH];
    *bus = e->bus;
    *id = e->id;
    *ext = e->ext;
    *t_us = e->t_us;
    atomic_store_explicit(&q->tx_done_tail, tail + 1u, memory_order_release);
    return true;
}
