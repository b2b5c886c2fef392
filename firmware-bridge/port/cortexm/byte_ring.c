/*
 * byte_ring.c — SPSC byte ring, UART ISR ↔ main loop (see byte_ring.h for the ordering).
 */
#include "byte_ring.h"

void byte_ring_init(byte_ring_t *r, uint8_t *buf, uint32_t size)
{
    r->buf = buf;
    r->mask = size - 1u;
    atomic_store_explicit(&r->head, 0u, memory_order_relaxed);
    atomic_store_explicit(&r->tail, 0u, memory_order_relaxed);
}

size_t byte_ring_free(byte_ring_t *r)
{
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    return (size_t)r->mask + 1u - (size_t)(head - tail);
}

bool byte_ring_push(byte_ring_t *r, uint8_t b)
{
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        return false;
    }
    r->buf[head & r->mask] = b;
    atomic_store_explicit(&r->head, head + 1u, memory_order_release);
    return true;
}

bool byte_ring_write(byte_ring_t *r, const uint8_t *buf, size_t len)
{
    if (len > byte_ring_free(r)) {
        return false;
    }
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    for (size_t i = 0u; i < len; i++) {
        r->buf[(head + (uint32_t)i) & r->mask] = buf[i];
    }
    atomic_store_explicit(&r->head, head + (uint32_t)len, memory_order_release);
    return true;
}

bool byte_ring_empty(byte_ring_t *r)
{
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return tail == atomic_load_explicit(&r->head, memory_order_acquire);
}

bool byte_ring_pop(byte_ring_t *r, uint8_t *b)
{
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&r->head, memory_order_acquire)) {
        return false;
    }
    *b = r->buf[tail & r->mask];
    atomic_store_explicit(&r->tail, tail + 1u, memory_order_release);
    return true;
}

size_t byte_ring_read(byte_ring_t *r, uint8_t *buf, size_t cap)
{
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t n = 0u;
    while (tail != head && n < cap) {
        buf[n++] = r->buf[tail & r->mask];
        tail++;
    }
    atomic_store_explicit(&r->tail, tail, memory_order_release);
    return n;
}
