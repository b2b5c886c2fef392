/*
 * main.c — the bridge on the Teensy 4.1 (i.MX RT1062): board bring-up, the core's port over the
 * register-level drivers, and the main loop. Three classic CAN buses (INFO bus ids 0–2) and one
 * EtherCAT bus (bus id 3) on the on-board Ethernet jack. The loop never sleeps: it polls the rings the
 * interrupts fill, the Ethernet receive ring and the core's timers, so watchdog and reply deadlines
 * are checked within one loop pass.
 */
#include <string.h>

#include "board.h"
#include "bridge.h"

/* locally administered, unicast; only the MAC's pause-frame address (the EtherCAT master writes the
 * source address of its frames itself) */
#ifdef CFG_ECAT_BPS
_Static_assert(BOARD_ECAT_BPS == CFG_ECAT_BPS, "INFO's EtherCAT rate is the one CONFIG accepts");
#endif

static const uint8_t own_mac[6] = { 0x02u, 0x00u, 0x00u, 0x00u, 0xCBu, 0x01u };

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
    return hw < BOARD_CAN_BUSES && flexcan_configure(hw, bus);
}

static bool p_send(void *ctx, uint8_t hw, const can_frame_t *f)
{
    (void)ctx;
    return hw < BOARD_CAN_BUSES && flexcan_send(hw, f);
}

static uint8_t p_abort(void *ctx, uint8_t hw)
{
    (void)ctx;
    return hw < BOARD_CAN_BUSES ? flexcan_abort(hw) : 0u;
}

static void p_status(void *ctx, uint8_t hw, can_status_t *st)
{
    (void)ctx;
    flexcan_status(hw, st); /* zeroed (active, no errors) for a bus that is not a CAN bus */
}

static void p_recover(void *ctx, uint8_t hw)
{
    (void)ctx;
    flexcan_recover(hw);
}

static bool p_eth_send(void *ctx, uint8_t hw, const uint8_t *frame, size_t len)
{
    (void)ctx;
    return hw == BOARD_ECAT_HW && enet_send(frame, len);
}

static const bridge_port_t port = { p_tx_free, p_write, p_configure, p_send, p_abort,
                                    p_status,  p_recover, p_eth_send };

static bridge_t bridge;
static msg_info_t info;

int main(void)
{
    (void)clock_init();
    led_init();
    uart_init();
    flexcan_init();
    (void)enet_init(own_mac); /* without a PHY the EtherCAT bus stays silent: the master reports it */

    memset(&info, 0, sizeof info);
    info.proto_version = CB_PROTO_VERSION;
    info.n_buses = BOARD_CAN_BUSES + 1u;
    info.max_motors = CB_MAX_MOTORS;
    info.max_slot_len = CB_MAX_SLOT_LEN;
    info.link_baud = LINK_BAUD;
    info.max_raw_frame = FRAME_MAX_RAW;
    memcpy(info.firmware, "cb-bridge 0.1.0", 15u);
    for (uint8_t b = 0u; b < BOARD_CAN_BUSES; b++) {
        info.bus[b].bus_id = b;
        info.bus[b].bus_type = BUS_TYPE_CAN;
        info.bus[b].caps = 0u;
        info.bus[b].max_nominal_bps = 1000000u;
        info.bus[b].max_data_bps = 0u;
    }
    info.bus[BOARD_ECAT_HW].bus_id = BOARD_ECAT_HW;
    info.bus[BOARD_ECAT_HW].bus_type = BUS_TYPE_ETHERCAT;
    info.bus[BOARD_ECAT_HW].caps = BUS_CAP_ETHERCAT;
    info.bus[BOARD_ECAT_HW].max_nominal_bps = BOARD_ECAT_BPS;
    info.bus[BOARD_ECAT_HW].max_data_bps = 0u;
    bridge_init(&bridge, &port, NULL, &info, clock_now_us());
    wdog_start();

    static uint8_t rx[256];
    static uint8_t eth[ENET_MAX_FRAME];
    for (;;) {
        size_t n = uart_read(rx, sizeof rx);
        if (n > 0u) {
            bridge_rx_bytes(&bridge, rx, n, clock_now_us());
        }
        uint8_t bus;
        can_frame_t f;
        uint32_t t;
        while (flexcan_pop_rx(&bus, &f, &t)) {
            bridge_can_rx(&bridge, bus, &f, t);
        }
        uint32_t id;
        bool ext;
        while (flexcan_pop_tx_done(&bus, &id, &ext, &t)) {
            bridge_can_tx_done(&bridge, bus, id, ext, t);
        }
        size_t len;
        while (enet_pop_rx(eth, sizeof eth, &len, &t)) {
            bridge_eth_rx(&bridge, BOARD_ECAT_HW, eth, len, t);
        }
        uint32_t now = clock_now_us();
        bridge_poll(&bridge, now);
        led_set(((now >> 19) & 1u) != 0u && bridge.cfg.valid); /* ~1 Hz blink once configured */
        wdog_kick();
    }
}
