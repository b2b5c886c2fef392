/*
 * bridge.h — the portable bridge core: link framing in, per-tick CAN scheduling, reply collection,
 * watchdog, diagnostics and fault records out (PROTOCOL.md). No allocation, no globals: all state is
 * one bridge_t the port allocates statically; several instances may coexist (tests do).
 *
 * Ports (POSIX emulation, STM32G4) provide bridge_port_t and call, from one execution context:
 *   bridge_rx_bytes      bytes received from the host link
 *   bridge_can_rx        a CAN frame received on a bus
 *   bridge_can_tx_done   a frame the core handed over has been transmitted
 *   bridge_eth_rx        an Ethernet frame received on an EtherCAT bus's port
 *   bridge_poll          timers: watchdog, reply deadlines, own ticks, DIAG, HEARTBEAT, queues
 * Times are the port's monotonic clock in µs (u32, wrapping; compared by modular difference).
 */
#ifndef CB_BRIDGE_H
#define CB_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "can.h"
#include "can_sched.h"
#include "cobs.h"
#include "config.h"
#include "ecat_master.h"
#include "fault_queue.h"
#include "frame.h"
#include "msg.h"
#include "watchdog.h"

#define BRIDGE_DIAG_PERIOD_US 100000u
#define BRIDGE_HEARTBEAT_PERIOD_US 100000u
#define BRIDGE_TIMEOUT_TICKS 10u        /* ticks without reply before a slot reports TIMEOUT */
#define BRIDGE_BUS_OFF_RETRY_US 100000u /* recovery request period while bus-off */

typedef struct {
    uint8_t state;         /* BUS_STATE_* */
    uint8_t tec, rec;      /* ISO 11898-1 error counters */
    uint32_t error_events; /* cumulative protocol-error events seen by the controller */
} can_status_t;

typedef struct {
    /* free bytes in the link transmit buffer */
    size_t (*serial_tx_free)(void *ctx);
    /* queue len bytes for the link; all or nothing; false if they do not fit */
    bool (*serial_write)(void *ctx, const uint8_t *buf, size_t len);
    /* (re)configure hardware bus hw (index in INFO's list); false if the bit timing is impossible */
    bool (*can_configure)(void *ctx, uint8_t hw, const cfg_bus_t *bus);
    /* hand one frame to the controller; false if its transmit buffers are full */
    bool (*can_send)(void *ctx, uint8_t hw, const can_frame_t *f);
    /* cancel frames handed over but not yet started on the wire; returns how many */
    uint8_t (*can_abort)(void *ctx, uint8_t hw);
    void (*can_status)(void *ctx, uint8_t hw, can_status_t *st);
    /* leave bus-off (start the 128 × 11 recessive-bit recovery) */
    void (*can_recover)(void *ctx, uint8_t hw);
    /* EtherCAT buses (bus_type 3; NULL on boards without Ethernet): send one Ethernet frame without
     * FCS on the port of bus hw; false if the MAC's transmit ring is full */
    bool (*eth_send)(void *ctx, uint8_t hw, const uint8_t *frame, size_t len);
} bridge_port_t;

enum { SLOT_IDLE = 0, SLOT_QUEUED, SLOT_HANDED, SLOT_REPLIED };

typedef struct {
    uint8_t cmd[CB_MAX_SLOT_DATA]; /* payload to send this tick */
    uint8_t phase;                /* SLOT_* within the current tick */
    uint8_t flags;                /* STATE_SLOT_* for the current tick */
    uint8_t age;                  /* ticks since the last reply (255: never / saturated) */
    uint8_t len;                  /* bytes of the last reply */
    uint16_t rx_dt_us;
    uint8_t data[CB_MAX_SLOT_DATA];
    uint16_t no_reply_ticks;
    bool timeout;
    /* diagnostics of the motor in this slot */
    uint8_t fault;
    int16_t temp_dC;
    bool replied, enabled;
    uint16_t missed;
} bridge_slot_t;

typedef struct {
    uint8_t state, tec, rec;
    uint32_t error_events;
    uint32_t tx_frames, rx_frames, bus_off_count, tx_overruns;
    uint64_t busy_ns;        /* bus time of frames seen in the current DIAG window */
    uint32_t bus_off_since_us, last_recover_us;
    bool polled;
} bridge_bus_rt_t;

typedef struct bridge {
    const bridge_port_t *port;
    void *ctx;
    msg_info_t hw; /* what INFO reports (nonce filled per HELLO) */

    /* link */
    cobs_stream_t rx;
    uint8_t rx_buf[FRAME_MAX_RAW];
    uint8_t raw[FRAME_MAX_RAW];
    uint8_t wire[FRAME_MAX_WIRE];
    uint32_t tx_seq;
    bool rx_seq_valid;
    uint32_t rx_seq_last;
    uint32_t link[LINK_COUNTERS];

    /* configuration */
    cfg_t cfg;
    cfg_t cfg_tmp;
    msg_config_t cfg_msg;
    watchdog_t wd;

    /* current tick */
    bool tick_active;
    uint32_t tick_t0_us;
    uint32_t tick_no;
    uint32_t cmd_seq;
    uint8_t awaiting;
    uint32_t own_tick;       /* tick counter while TRIPPED */
    uint32_t tripped_ticks;
    uint32_t last_own_tick_us;
    bool tick_is_safe;       /* the current tick is the watchdog's own */
    bool flag_overrun, flag_late, flag_seq_gap;
    msg_command_t cmd;
    msg_state_t state;
    bridge_slot_t slot[CB_MAX_MOTORS];
    sched_queue_t q[CB_MAX_BUSES];
    bridge_bus_rt_t bus[CB_MAX_BUSES];

    /* the EtherCAT bus, if the configuration has one (ecat_bus.c) */
    int8_t ecat_bus;               /* index into cfg.bus, −1 none */
    bool ecat_awaiting;            /* this tick's cyclic frame is out */
    bool ecat_tick_fresh;          /* … and came back */
    bool ecat_pending;             /* this tick's frame waits for the bridge's own cycle in flight */
    bool ecat_timed;               /* cycles from the bridge's timer (BUS_CFG_ECAT_TIMED) */
    bool ecat_rx_since_state;      /* timed: a cycle came back since the last STATE */
    uint32_t ecat_next_cycle_us;   /* timed: when the next cycle goes out */
    uint32_t ecat_last_cycle_us;
    uint32_t ecat_lost_ticks[CB_MAX_ECAT_SLAVES];
    ecat_port_t ecat_port;
    uint8_t ecat_out[CB_MAX_ECAT_SLAVES * MSG_ECAT_OUT_LEN];
    ecat_master_t ecat;

    /* periodic output */
    uint32_t last_diag_us, last_state_us, last_heartbeat_us;
    msg_diag_t diag;
    fault_queue_t faults;
    uint32_t now_us;
} bridge_t;

/* hw: the INFO content of this board (bus list, firmware name, link rate); now_us: start time */
void bridge_init(bridge_t *b, const bridge_port_t *port, void *ctx, const msg_info_t *hw,
                 uint32_t now_us);
void bridge_rx_bytes(bridge_t *b, const uint8_t *data, size_t len, uint32_t now_us);
void bridge_can_rx(bridge_t *b, uint8_t hw_bus, const can_frame_t *f, uint32_t t_us);
void bridge_can_tx_done(bridge_t *b, uint8_t hw_bus, uint32_t id, bool ext, uint32_t t_us);
/* an Ethernet frame received on the port of EtherCAT bus hw_bus (FCS stripped) */
void bridge_eth_rx(bridge_t *b, uint8_t hw_bus, const uint8_t *frame, size_t len, uint32_t t_us);
void bridge_poll(bridge_t *b, uint32_t now_us);
/* µs until bridge_poll has work to do at the latest (ports sleep at most this long) */
uint32_t bridge_next_deadline_us(const bridge_t *b, uint32_t now_us);

#endif
