/*
 * fault_queue.h — bounded queue of FAULT records waiting for link capacity (PROTOCOL.md §3.9).
 *
 * Every record gets the next fault_index even when the queue is full and the record is dropped, so
 * the host sees the loss as a gap. Link-error codes are rate-limited to one record per window.
 */
#ifndef CB_FAULT_QUEUE_H
#define CB_FAULT_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

#define FAULT_QUEUE_LEN 16u
#define FAULT_RATE_WINDOW_US 100000u
#define FAULT_CODE_MAX 16u

typedef struct {
    msg_fault_t q[FAULT_QUEUE_LEN];
    uint8_t head;         /* oldest */
    uint8_t count;
    uint32_t next_index;  /* fault_index of the next record created */
    uint32_t dropped;
    uint32_t last_emit_us[FAULT_CODE_MAX][CB_MAX_BUSES + 1u]; /* rate limit per code and bus */
    bool emitted_once[FAULT_CODE_MAX][CB_MAX_BUSES + 1u];
} fault_queue_t;

void fq_init(fault_queue_t *fq);
/* creates a record (always; dropped only when the queue is full) */
void fq_push(fault_queue_t *fq, uint32_t t_us, uint16_t code, uint8_t bus_id, uint8_t motor_index,
             uint32_t detail);
/* same, but at most one record per FAULT_RATE_WINDOW_US for this code and lane (a configured
 * bus index, or CB_MAX_BUSES for "no bus") */
void fq_push_limited(fault_queue_t *fq, uint32_t t_us, uint16_t code, uint8_t lane, uint8_t bus_id,
                     uint8_t motor_index, uint32_t detail);
const msg_fault_t *fq_peek(const fault_queue_t *fq);
void fq_pop(fault_queue_t *fq);

#endif
