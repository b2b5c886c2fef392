/*
 * byte_ring.h — a single-producer / single-consumer byte ring between a UART interrupt and the main
 * loop (receive: ISR produces, loop consumes; transmit: the other way round). Lock-free with C11
 * atomics: the producer owns head, the consumer tail, both free-running modulo 2^32; an index is
 * published with release and read with acquire, so bytes are in place before they are seen.
 * The caller provides the storage; its size is a power of two so an index maps with a mask.
 */
#ifndef CB_BYTE_RING_H
#define CB_BYTE_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *buf;
    uint32_t mask; /* size − 1 */
    _Atomic uint32_t head, tail;
} byte_ring_t;

/* size: a power of two */
void byte_ring_init(byte_ring_t *r, uint8_t *buf, uint32_t size);

/* producer side */
size_t byte_ring_free(byte_ring_t *r);
bool byte_ring_push(byte_ring_t *r, uint8_t b);                      /* false: full, b dropped */
bool byte_ring_write(byte_ring_t *r, const uint8_t *buf, size_t len); /* all or nothing */

/* consumer side */
bool byte_ring_empty(byte_ring_t *r);
bool byte_ring_pop(byte_ring_t *r, uint8_t *b);                /* false: empty */
size_t byte_ring_read(byte_ring_t *r, uint8_t *buf, size_t cap); /* bytes copied, ≤ cap */

#endif
