/*
 * mcu_bridge.c — the bridge core's port over the Cortex-M drivers (see mcu_bridge.h). The core's
 * ctx is the port's mcu_io_t: the link goes through its rings, the CAN calls straight to the
 * controllers (one set per chip).
 */
#include <string.h>

#include "mcu_bridge.h"

bool mcu_bring_up(mcu_io_t *io)
{
    byte_ring_init(&io->link_rx, io->link_rx_buf, MCU_LINK_RING_BYTES);
    byte_ring_init(&io->link_tx, io->link_tx_buf, MCU_LINK_RING_BYTES);
    bool clock_ok = clock_init();
    led_init();
    uart_init(io);
    can_hw_init(&io->can);
    return clock_ok;
}

size_t mcu_serial_tx_free(void *ctx)
{
    mcu_io_t *io = ctx;
    return byte_ring_free(&io->link_tx);
}

bool mcu_serial_write(void *ctx, const uint8_t *buf, size_t len)
{
    mcu_io_t *io = ctx;
    if (!byte_ring_write(&io->link_tx, buf, len)) {
        return false;
    }
    uart_tx_start();
    return true;
}

bool mcu_can_configure(void *ctx, uint8_t hw, const cfg_bus_t *bus)
{
    (void)ctx;
    return can_hw_configure(hw, bus);
}

bool mcu_can_send(void *ctx, uint8_t hw, const can_frame_t *f)
{
    (void)ctx;
    return can_hw_send(hw, f);
}

uint8_t mcu_can_abort(void *ctx, uint8_t hw)
{
    (void)ctx;
    return can_hw_abort(hw);
}

void mcu_can_status(void *ctx, uint8_t hw, can_status_t *st)
{
    (void)ctx;
    can_hw_status(hw, st);
}

void mcu_can_recover(void *ctx, uint8_t hw)
{
    (void)ctx;
    can_hw_recover(hw);
}

void mcu_info_init(msg_info_t *info, uint8_t n_buses, uint32_t link_baud)
{
    static const char firmware[] = "cb-bridge 0.1.0";
    _Static_assert(sizeof firmware - 1u <= sizeof info->firmware, "INFO's firmware field holds the name");
    memset(info, 0, sizeof *info);
    info->proto_version = CB_PROTO_VERSION;
    info->n_buses = n_buses;
    info->max_motors = CB_MAX_MOTORS;
    info->max_slot_len = CB_MAX_SLOT_LEN;
    info->link_baud = link_baud;
    info->max_raw_frame = FRAME_MAX_RAW;
    memcpy(info->firmware, firmware, sizeof firmware - 1u);
}

void mcu_bridge_service(bridge_t *b, mcu_io_t *io)
{
    static uint8_t rx[256]; /* one pass takes at most this much of the link ring */
    size_t n = byte_ring_read(&io->link_rx, rx, sizeof rx);
    if (n > 0u) {
        bridge_rx_bytes(b, rx, n, clock_now_us());
    }
    uint8_t bus;
    can_frame_t f;
    uint32_t t;
    while (can_events_pop_rx(&io->can, &bus, &f, &t)) {
        bridge_can_rx(b, bus, &f, t);
    }
    uint32_t id;
    bool ext;
    while (can_events_pop_tx_done(&io->can, &bus, &id, &ext, &t)) {
        bridge_can_tx_done(b, bus, id, ext, t);
    }
}
