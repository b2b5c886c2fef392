/*
 * can_sched.h — per-bus transmit scheduling within one control tick (PROTOCOL.md §4).
 *
 * Each bus has a queue of slot indices ordered by arbitration key, so the bridge hands frames to its
 * controller in the same order the bus arbitrates them; the controller's transmit buffers run as a
 * priority queue too. Budgets are the worst-case bus time of a tick: every slot's command frame plus
 * its reply frame (counted at 8 bytes).
 */
#ifndef CB_CAN_SCHED_H
#define CB_CAN_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "can.h"
#include "msg.h"

typedef struct {
    uint8_t slot[CB_MAX_MOTORS];
    uint32_t key[CB_MAX_MOTORS];
    uint8_t n; /* queued entries, sorted ascending by key */
} sched_queue_t;

void sched_clear(sched_queue_t *q);
/* inserts keeping key order (stable for equal keys); false if full */
bool sched_push(sched_queue_t *q, uint8_t slot, uint32_t key);
/* lowest-key slot, or -1 if empty */
int sched_peek(const sched_queue_t *q);
void sched_pop(sched_queue_t *q);

/* worst-case ns of one command frame and its (8-byte) reply on a bus */
uint32_t sched_slot_budget_ns(const can_timing_t *t, uint8_t cmd_flags, uint8_t cmd_len,
                              uint8_t reply_flags);

#endif
