/*
 * watchdog.h — the bridge-side command watchdog (PROTOCOL.md §6).
 *
 * DISARMED → (valid COMMAND) → ARMED → (no valid COMMAND for timeout_us) → TRIPPED
 * → (COMMAND with ARM) → ARMED. Times are u32 µs compared by modular difference.
 */
#ifndef CB_WATCHDOG_H
#define CB_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint8_t state;         /* WD_DISARMED / WD_ARMED / WD_TRIPPED (msg.h) */
    uint32_t timeout_us;
    uint32_t last_feed_us; /* time of the last accepted COMMAND */
    uint32_t trips;        /* cumulative */
} watchdog_t;

typedef enum {
    WD_FEED_ACCEPTED = 0, /* forward the command */
    WD_FEED_ARMED,        /* first command after DISARMED: forward */
    WD_FEED_REARMED,      /* ARM flag while TRIPPED: forward, report WATCHDOG_REARM */
    WD_FEED_REJECTED      /* TRIPPED and no ARM flag: do not forward */
} wd_feed_t;

void wd_init(watchdog_t *wd, uint32_t timeout_us);
/* back to DISARMED (new configuration) */
void wd_disarm(watchdog_t *wd);
wd_feed_t wd_feed(watchdog_t *wd, uint32_t now_us, bool arm_flag);
/* true exactly once, on the ARMED → TRIPPED transition; *elapsed_us = time since the last feed */
bool wd_check(watchdog_t *wd, uint32_t now_us, uint32_t *elapsed_us);
/* µs until the deadline while ARMED (0 if due); UINT32_MAX when not ARMED */
uint32_t wd_time_left(const watchdog_t *wd, uint32_t now_us);

#endif
