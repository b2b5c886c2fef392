/*
 * watchdog.c — command watchdog state machine (see watchdog.h, PROTOCOL.md §6).
 */
#include "watchdog.h"

#include "msg.h"

void wd_init(watchdog_t *wd, uint32_t timeout_us)
{
    wd->state = WD_DISARMED;
    wd->timeout_us = timeout_us;
    wd->last_feed_us = 0u;
    wd->trips = 0u;
}

void wd_disarm(watchdog_t *wd)
{
    wd->state = WD_DISARMED;
}

wd_feed_t wd_feed(watchdog_t *wd, uint32_t now_us, bool arm_flag)
{
    switch (wd->state) {
    case WD_DISARMED:
        wd->state = WD_ARMED;
        wd->last_feed_us = now_us;
        return WD_FEED_ARMED;
    case WD_ARMED:
        wd->last_feed_us = now_us;
        return WD_FEED_ACCEPTED;
    case WD_TRIPPED:
    default:
        if (!arm_flag) {
            return WD_FEED_REJECTED;
        }
        wd->state = WD_ARMED;
        wd->last_feed_us = now_us;
        return WD_FEED_REARMED;
    }
}

bool wd_check(watchdog_t *wd, uint32_t now_us, uint32_t *elapsed_us)
{
    if (wd->state != WD_ARMED) {
        return false;
    }
    uint32_t elapsed = now_us - wd->last_feed_us;
    if (elapsed < wd->timeout_us) {
        return false;
    }
    wd->state = WD_TRIPPED;
    wd->trips++;
    *elapsed_us = elapsed;
    return true;
}

uint32_t wd_time_left(const watchdog_t *wd, uint32_t now_us)
{
    if (wd->state != WD_ARMED) {
        return UINT32_MAX;
    }
    uint32_t elapsed = now_us - wd->last_feed_us;
    return elapsed >= wd->timeout_us ? 0u : wd->timeout_us - elapsed;
}
