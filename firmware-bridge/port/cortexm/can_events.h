/*
 * can_events.h — the single-producer / single-consumer queues that carry CAN events from the
 * controllers' interrupts to the main loop: received frames and transmit confirmations, each time
 * stamped in the ISR. Lock-free with C11 atomics: the ISR owns the heads, the loop the tails; an
 * index is published with release and read with acquire, so an entry is complete before it is seen.
 * One queue pair serves every controller of a port: their interrupts share one priority, so they
 * never nest and each queue has one producer at a time.
 */
#ifndef CB_CAN_EVENTS_H
#define CB_CAN_EVENTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "can.h"

#define CAN_EVENTS_RX_DEPTH 64u      /* power of two */
#define CAN_EVENTS_TX_DONE_DEPTH 64u /* power of two */

typedef struct {
    uint8_t bus;
    uint32_t t_us;
    can_frame_t f;
} can_rx_event_t;

typedef struct {
    uint8_t bus;
    bool ext;
    uint32_t id;
    uint32_t t_us;
} can_tx_done_event_t;

typedef struct {
    can_rx_event_t rx[CAN_EVENTS_RX_DEPTH];
    can_tx_done_event_t tx_done[CAN_EVENTS_TX_DONE_DEPTH];
    _Atomic uint32_t rx_head, rx_tail, tx_done_head, tx_done_tail; /* free-running, wrap mod 2^32 */
    _Atomic uint32_t rx_lost; /* frames dropped: queue full or the controller's own FIFO overran */
} can_events_t;

/* ISR side. false: the queue is full and the event is dropped (a lost frame is counted) */
bool can_events_push_rx(can_events_t *q, uint8_t bus, const can_frame_t *f, uint32_t t_us);
bool can_events_push_tx_done(can_events_t *q, uint8_t bus, uint32_t id, bool ext, uint32_t t_us);
void can_events_count_lost(can_events_t *q);

/* main-loop side. false: nothing waiting */
bool can_events_pop_rx(can_events_t *q, uint8_t *bus, can_frame_t *f, uint32_t *t_us);
bool can_events_pop_tx_done(can_events_t *q, uint8_t *bus, uint32_t *id, bool *ext, uint32_t *t_us);

#endif
