/*
 * emu_bus.h — one emulated CAN / CAN FD bus at frame level, in simulated nanoseconds.
 *
 * Nodes: the bridge (three transmit buffers in priority-queue mode, like the STM32G4 FDCAN,
 * RM0440 rev 8 §44.3.6 "Tx handling") and the drives attached to the bus. A frame is on the wire for
 * its worst-case stuffed duration (can_frame_worst_ns). Whenever the bus is idle and frames are
 * pending, arbitration picks the lowest arbitration key among the frames ready at that instant;
 * frames becoming ready during a transmission wait for the next arbitration. A frame nobody
 * acknowledges (no other node on the bus) raises the transmitter's error counter and is retried.
 */
#ifndef CB_EMU_BUS_H
#define CB_EMU_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "bridge.h"
#include "can.h"
#include "emu_motor.h"

#define EMU_BRIDGE_TX_BUFFERS 3u
#define EMU_MAX_BUS_MOTORS 16u
#define EMU_MAX_PENDING (EMU_BRIDGE_TX_BUFFERS + 2u * EMU_MAX_BUS_MOTORS)
#define EMU_SRC_BRIDGE (-1)

typedef struct {
    can_frame_t f;
    uint64_t ready_ns;
    int src;        /* EMU_SRC_BRIDGE or index into motor[] */
    uint32_t order; /* FIFO tie-break among equal keys of one node */
    bool used;
} emu_pending_t;

/* callbacks into the bridge side */
typedef void (*emu_rx_fn)(void *ctx, uint8_t bus, const can_frame_t *f, uint64_t t_ns);
typedef void (*emu_tx_done_fn)(void *ctx, uint8_t bus, const can_frame_t *f, uint64_t t_ns);
/* shaft state of a joint at the time a drive samples it */
typedef void (*emu_joint_fn)(void *ctx, uint16_t joint, double *q, double *qd);

typedef struct {
    uint8_t index;
    bool configured;
    can_timing_t timing;
    emu_pending_t pend[EMU_MAX_PENDING];
    uint8_t bridge_queued;
    uint32_t order;
    bool busy;
    emu_pending_t inflight;
    uint64_t inflight_end_ns;
    uint64_t idle_at_ns;
    emu_motor_t *motor[EMU_MAX_BUS_MOTORS];
    uint8_t n_motors;
    /* bridge controller error state (ISO 11898-1 fault confinement, simplified) */
    uint8_t tec, rec;
    uint32_t error_events;
    bool bus_off;
    uint64_t recover_at_ns;
    /* statistics */
    uint64_t busy_ns;
    uint32_t frames;
    emu_rx_fn on_rx;
    emu_tx_done_fn on_tx_done;
    emu_joint_fn joint;
    void *ctx;
} emu_bus_t;

void emu_bus_init(emu_bus_t *b, uint8_t index, emu_rx_fn on_rx, emu_tx_done_fn on_tx_done,
                  emu_joint_fn joint, void *ctx);
bool emu_bus_attach(emu_bus_t *b, emu_motor_t *m);
bool emu_bus_configure(emu_bus_t *b, const can_timing_t *t);
/* the bridge hands over a frame at now_ns; false when its three buffers are busy */
bool emu_bus_bridge_send(emu_bus_t *b, const can_frame_t *f, uint64_t now_ns);
/* cancels the bridge's frames not yet started; returns how many */
uint8_t emu_bus_bridge_abort(emu_bus_t *b);
void emu_bus_status(const emu_bus_t *b, can_status_t *st);
void emu_bus_recover(emu_bus_t *b, uint64_t now_ns);
/* runs the bus up to now_ns, delivering every frame that completes by then */
void emu_bus_advance(emu_bus_t *b, uint64_t now_ns);
/* time of the next event (frame end or start), UINT64_MAX if none */
uint64_t emu_bus_next_event_ns(const emu_bus_t *b);

#endif
