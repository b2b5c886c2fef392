/*
 * main.c — the bridge on the STM32G474: board bring-up, the core's port over the register-level
 * drivers, and the main loop. The loop never sleeps: it polls the rings the interrupts fill and
 * the core's timers, so watchdog and reply deadlines are checked within one loop pass (a few µs).
 */
#include <string.h>

#include "board.h"
#include "bridge.h"

static size_t p_tx_free(void *ctx)
{
    (void)ctx;
    return uart_tx_free();
}

static bool p_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    return uart_write(buf, len);
}

static bool p_configure(void *ctx, uint8_t hw, const cfg_bus_t *bus)
{
    (void)ctx;
    return fdcan_configure(hw, bus);
}

static bool p_send(void *ctx, uint8_t hw, const can_frame_t *f)
{
    (void)ctx;
    return fdcan_send(hw, f);
}

static uint8_t p_abort(void *ctx, uint8_t hw)
{
    (void)ctx;
    return fdcan_abort(hw);
}

static void p_status(void *ctx, uint8_t hw, can_status_t *st)
{
    (void)ctx;
    fdcan_status(hw, st);
}

static void p_recover(void *ctx, uint8_t hw)
{
    (void)ctx;
    fdcan_recover(hw);
}

static const bridge_port_t port = { p_tx_free, p_write, p_configure, p_send, p_abort, p_status, p_recover, NULL };

static bridge_t bridge;
static msg_info_t info;

int main(void)
{
    (void)clock_init();
    led_init();
    uart_init();
    fdcan_init();

    memset(&info, 0, sizeof info);
    info.proto_version = CB_PROTO_VERSION;
    info.n_buses = BOARD_CAN_BUSES;
    info.max_motors = CB_MAX_MOTORS;
    info.max_slot_len = CB_MAX_SLOT_LEN;
    info.link_baud = LINK_BAUD;
    info.max_raw_frame = FRAME_MAX_RAW;
    memcpy(info.firmware, "cb-bridge 0.1.0", 15u);
    for (uint8_t b = 0u; b < BOARD_CAN_BUSES; b++) {
        info.bus[b].bus_id = b;
        info.bus[b].bus_type = BUS_TYPE_CANFD;
        info.bus[b].caps = BUS_CAP_FD | BUS_CAP_BRS;
        info.bus[b].max_nominal_bps = 1000000u;
        info.bus[b].max_data_bps = BOARD_MAX_DATA_BPS;
    }
    bridge_init(&bridge, &port, NULL, &info, clock_now_us());
    iwdg_start();

    static uint8_t rx[256];
    for (;;) {
        size_t n = uart_read(rx, sizeof rx);
        if (n > 0u) {
            bridge_rx_bytes(&bridge, rx, n, clock_now_us());
        }
        uint8_t bus;
        can_frame_t f;
        uint32_t t;
        while (fdcan_pop_rx(&bus, &f, &t)) {
            bridge_can_rx(&bridge, bus, &f, t);
        }
        uint32_t id;
        bool ext;
        while (fdcan_pop_tx_done(&bus, &id, &ext, &t)) {
            bridge_can_tx_done(&bridge, bus, id, ext, t);
        }
        uint32_t now = clock_now_us();
        bridge_poll(&bridge, now);
        led_set(((now >> 19) & 1u) != 0u && bridge.cfg.valid); /* ~1 Hz blink once configured */
        iwdg_kick();
    }
}
