/*
 * crc32c.h — CRC-32C (Castagnoli) used by every bridge frame (PROTOCOL.md §2).
 */
#ifndef CB_CRC32C_H
#define CB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* running form: start with 0xFFFFFFFF, finish by XOR with 0xFFFFFFFF */
uint32_t crc32c_update(uint32_t state, const uint8_t *p, size_t n);

/* CRC-32C of p[0..n) */
uint32_t crc32c(const uint8_t *p, size_t n);

#endif
