/*
 * fault_queue.c — FAULT record queue with per-code rate limiting (see fault_queue.h).
 */
#include "fault_queue.h"

#include <string.h>

void fq_init(fault_queue_t *fq)
{
    memset(fq, 0, sizeof *fq);
}

void fq_push(fault_queue_t *fq, uint32_t t_us, uint16_t code, uint8_t bus_id, uint8_t motor_index,
             uint32_t detail)
{
    uint32_t index = fq->next_index++;
    if (fq->count >= FAULT_QUEUE_LEN) {
        fq->dropped++;
        return;
    }
    msg_fault_t *f = &fq->q[(fq->head + fq->count) % FAULT_QUEUE_LEN];
    f->fault_index = index;
    f->t_us = t_us;
    f->code = code;
    f->bus_id = bus_id;
    f->motor_index = motor_index;
    f->detail = detail;
    fq->count++;
}

void fq_push_limited(fault_queue_t *fq, uint32_t t_us, uint16_t code, uint8_t lane, uint8_t bus_id,
                     uint8_t motor_index, uint32_t detail)
{
    if (code >= FAULT_CODE_MAX || lane > CB_MAX_BUSES) {
        return;
    }
    if (fq->emitted_once[code][lane] &&
        (uint32_t)(t_us - fq->last_emit_us[code][lane]) < FAULT_RATE_WINDOW_US) {
        return;
    }
    fq->emitted_once[code][lane] = true;
    fq->last_emit_us[code][lane] = t_us;
    fq_push(fq, t_us, code, bus_id, motor_index, detail);
}

const msg_fault_t *fq_peek(const fault_queue_t *fq)
{
    return fq->count > 0u ? &fq->q[fq->head] : NULL;
}

void fq_pop(fault_queue_t *fq)
{
    if (fq->count > 0u) {
        fq->head = (uint8_t)((fq->head + 1u) % FAULT_QUEUE_LEN);
        fq->count--;
    }
}
