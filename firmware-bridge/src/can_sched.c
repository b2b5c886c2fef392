/*
 * can_sched.c — ID-ordered transmit queues and per-tick bus budgets (see can_sched.h).
 */
#include "can_sched.h"

void sched_clear(sched_queue_t *q)
{
    q->n = 0u;
}

bool sched_push(sched_queue_t *q, uint8_t slot, uint32_t key)
{
    if (q->n >= CB_MAX_MOTORS) {
        return false;
    }
    uint8_t i = q->n;
    while (i > 0u && q->key[i - 1u] > key) {
        q->key[i] = q->key[i - 1u];
        q->slot[i] = q->slot[i - 1u];
        i--;
    }
    q->key[i] = key;
    q->slot[i] = slot;
    q->n++;
    return true;
}

int sched_peek(const sched_queue_t *q)
{
    return q->n > 0u ? (int)q->slot[0] : -1;
}

void sched_pop(sched_queue_t *q)
{
    if (q->n == 0u) {
        return;
    }
    for (uint8_t i = 1u; i < q->n; i++) {
        q->key[i - 1u] = q->key[i];
        q->slot[i - 1u] = q->slot[i];
    }
    q->n--;
}

uint32_t sched_slot_budget_ns(const can_timing_t *t, uint8_t cmd_flags, uint8_t cmd_len,
                              uint8_t reply_flags)
{
    uint32_t a = can_frame_worst_ns(t, cmd_flags, cmd_len);
    uint32_t b = can_frame_worst_ns(t, reply_flags, 8u);
    if (a == UINT32_MAX || b == UINT32_MAX || a > UINT32_MAX - b) {
        return UINT32_MAX;
    }
    return a + b;
}
