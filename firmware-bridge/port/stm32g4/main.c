/*
 * main.c — the bridge on the STM32G474: board bring-up, the core's port over the register-level
 * drivers (port/cortexm/mcu_bridge.c), INFO's bus list, and the main loop. The loop never sleeps:
 * it polls the rings the interrupts fill and the core's timers, so watchdog and reply deadlines are
 * checked within one loop pass (a few µs).
 */
#include "board.h"
#include "bridge.h"
#include "mcu_bridge.h"

static const bridge_port_t port = { mcu_serial_tx_free, mcu_serial_write, mcu_can_configure, mcu_can_send,
                                    mcu_can_abort,      mcu_can_status,   mcu_can_recover,   NULL };

static bridge_t bridge;
static msg_info_t info;
static mcu_io_t io; /* the queues between the interrupts and this loop */

int main(void)
{
    (void)mcu_bring_up(&io);

    mcu_info_init(&info, BOARD_CAN_BUSES, LINK_BAUD);
    for (uint8_t b = 0u; b < BOARD_CAN_BUSES; b++) {
        info.bus[b].bus_id = b;
        info.bus[b].bus_type = BUS_TYPE_CANFD;
        info.bus[b].caps = BUS_CAP_FD | BUS_CAP_BRS;
        info.bus[b].max_nominal_bps = 1000000u;
        info.bus[b].max_data_bps = BOARD_MAX_DATA_BPS;
    }
    bridge_init(&bridge, &port, &io, &info, clock_now_us());
    iwdg_start();

    for (;;) {
        mcu_bridge_service(&bridge, &io);
        uint32_t now = clock_now_us();
        bridge_poll(&bridge, now);
        led_set(((now >> 19) & 1u) != 0u && bridge.cfg.valid); /* ~1 Hz blink once configured */
        iwdg_kick();
    }
}
