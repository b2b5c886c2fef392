/*
 * main.c — the bridge on the Teensy 4.1 (i.MX RT1062): board bring-up, the core's port over the
 * register-level drivers (port/cortexm/mcu_bridge.c, plus the Ethernet entry), INFO's bus list, and
 * the main loop. Three classic CAN buses (INFO bus ids 0–2) and one
 * EtherCAT bus (bus id 3) on the on-board Ethernet jack. The loop never sleeps: it polls the rings the
 * interrupts fill, the Ethernet receive ring and the core's timers, so watchdog and reply deadlines
 * are checked within one loop pass.
 */
#include "board.h"
#include "bridge.h"
#include "mcu_bridge.h"

/* locally administered, unicast; only the MAC's pause-frame address (the EtherCAT master writes the
 * source address of its frames itself) */
#ifdef CFG_ECAT_BPS
_Static_assert(BOARD_ECAT_BPS == CFG_ECAT_BPS, "INFO's EtherCAT rate is the one CONFIG accepts");
#endif

static const uint8_t own_mac[6] = { 0x02u, 0x00u, 0x00u, 0x00u, 0xCBu, 0x01u };

static bool p_eth_send(void *ctx, uint8_t hw, const uint8_t *frame, size_t len)
{
    (void)ctx;
    return hw == BOARD_ECAT_HW && enet_send(frame, len);
}

static const bridge_port_t port = { mcu_serial_tx_free, mcu_serial_write, mcu_can_configure, mcu_can_send,
                                    mcu_can_abort,      mcu_can_status,   mcu_can_recover,   p_eth_send };

static bridge_t bridge;
static msg_info_t info;
static mcu_io_t io; /* the queues between the interrupts and this loop */

int main(void)
{
    (void)mcu_bring_up(&io);
    (void)enet_init(own_mac); /* without a PHY the EtherCAT bus stays silent: the master reports it */

    mcu_info_init(&info, BOARD_CAN_BUSES + 1u, LINK_BAUD);
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
    bridge_init(&bridge, &port, &io, &info, clock_now_us());
    wdog_start();

    static uint8_t eth[ENET_MAX_FRAME];
    for (;;) {
        mcu_bridge_service(&bridge, &io);
        uint32_t t;
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
