/*
 * ecat_master.h — a minimal cyclic EtherCAT master (ETG.1000; PROTOCOL.md §5): discovery, station
 * addresses, identity from the SII, mailbox and process-data sync managers, FMMUs, the CoE PDO remap
 * and mode of operation by SDO, ESM up to OP, distributed clocks (reference clock, SYNC0) and one LRW
 * datagram per cycle with working-counter checks.
 *
 * Non-blocking: the port hands every received EtherCAT frame to ecat_master_rx and calls
 * ecat_master_poll often; start-up is a chain of single-frame transactions with time-outs.
 * No allocation: all state lives in ecat_master_t.
 */
#ifndef CB_ECAT_MASTER_H
#define CB_ECAT_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecat_frame.h"
#include "ecat_sdo.h"

#define ECAT_MAX_SLAVES 16u
#define ECAT_OUT_PDO_LEN 13u /* 0x1600: 0x6040, 0x6060, 0x607A, 0x60FF, 0x6071 */
#define ECAT_IN_PDO_LEN 15u  /* 0x1A00: 0x6041, 0x6061, 0x6064, 0x606C, 0x6077, 0x603F */
#define ECAT_TRANSACTION_TIMEOUT_US 2000u
#define ECAT_STATE_TIMEOUT_US 1000000u /* ESM transition confirmation */

/* master phases */
typedef enum {
    ECAT_M_IDLE = 0,   /* not configured */
    ECAT_M_STARTUP,    /* discovery … SAFE-OP */
    ECAT_M_OP,         /* every slave in OP, cyclic exchange running */
    ECAT_M_DEGRADED,   /* cyclic exchange running but a slave is missing or out of OP; recovering */
    ECAT_M_FAILED      /* start-up failed; see last event; ecat_master_configure restarts */
} ecat_phase_t;

/* events, reported through ecat_port_t.event (the bridge turns them into FAULT records) */
typedef enum {
    ECAT_EV_STATE = 1,      /* slave reached AL state: detail = state (2, 4, 8) */
    ECAT_EV_AL_ERROR,       /* slave refused/left a state: detail = AL status code << 16 | AL status */
    ECAT_EV_WKC,            /* cyclic WKC wrong: detail = got << 16 | expected (at most once per 100 ms) */
    ECAT_EV_SLAVE_LOST,     /* slave stopped answering / left OP: detail = its AL status (0 if silent) */
    ECAT_EV_SLAVE_BACK,     /* slave returned to OP: detail = 0 */
    ECAT_EV_SDO_ABORT,      /* detail = abort code; index/sub in ecat_master_t.last_sdo */
    ECAT_EV_IDENTITY,       /* identity mismatch: detail = product code read */
    ECAT_EV_COUNT,          /* slave count differs from the configuration: detail = found */
    ECAT_EV_TIMEOUT,        /* a start-up transaction got no answer: detail = step number */
    ECAT_EV_FRAME_LOST      /* a cyclic frame did not come back: detail = consecutive losses */
} ecat_event_t;

typedef struct {
    /* send one Ethernet frame (no FCS); false if the MAC's transmit queue is full */
    bool (*eth_send)(void *ctx, uint8_t hw, const uint8_t *frame, size_t len);
    /* something to tell the host (may be NULL) */
    void (*event)(void *ctx, uint8_t hw, ecat_event_t ev, uint8_t slave, uint32_t detail);
} ecat_port_t;

typedef struct {
    uint8_t mode;              /* 0x6060: 8 CSP, 9 CSV, 10 CST */
    uint32_t expected_product; /* 0xFFFFFFFF: accept any */
} ecat_slave_cfg_t;

typedef struct {
    uint16_t station;          /* configured address: 0x1001 + position */
    uint32_t vendor, product, revision;
    uint16_t mbx_out_off, mbx_out_len, mbx_in_off, mbx_in_len;
    uint8_t al_state;          /* last AL status read (bits 0–3) */
    uint16_t al_code;
    uint8_t mbx_counter;       /* 1..7 */
    bool present, in_op;
    char name[32];             /* 0x1008 manufacturer device name (segmented upload at start-up), NUL-terminated */
    uint32_t dc_delay_ns;      /* propagation delay from the reference clock (0x0928) */
    uint32_t retry_at_us;      /* lost: next recovery attempt */
} ecat_slave_t;

typedef struct {
    uint32_t cycles, frames_lost, wkc_errors, slave_lost_events, sdo_aborts;
    uint32_t jitter_max_ns;     /* max |Δt_ref − cycle| over the current DIAG window (reset by the reader) */
    uint32_t jitter_last_ns;
    uint64_t ref_time_ns;       /* last reference-clock system time read */
} ecat_stats_t;

typedef struct {
    const ecat_port_t *port;
    void *ctx;
    uint8_t hw;
    uint8_t mac[6];

    ecat_phase_t phase;
    uint8_t n_cfg, n_found;
    ecat_slave_cfg_t cfg[ECAT_MAX_SLAVES];
    ecat_slave_t slave[ECAT_MAX_SLAVES];
    uint32_t cycle_ns;

    /* start-up machine */
    uint16_t step, sub;        /* current step and its sub-step (slave, SDO entry, …) */
    uint32_t t_sent_us;
    bool awaiting;
    uint8_t idx;               /* datagram index of the frame in flight */
    uint8_t tx[ECAT_MAX_FRAME];

    /* SDO client (one transfer at a time) */
    struct { uint16_t index; uint8_t sub; uint32_t abort; } last_sdo;

    /* cyclic */
    uint8_t out_img[ECAT_MAX_SLAVES * ECAT_OUT_PDO_LEN];
    uint8_t in_img[ECAT_MAX_SLAVES * ECAT_IN_PDO_LEN];
    uint16_t wkc, wkc_expected;
    bool cycle_in_flight, in_fresh;
    uint32_t cycle_sent_us;
    uint64_t prev_ref_ns;
    uint32_t lost_in_row;
    uint32_t last_wkc_event_us;
    ecat_stats_t stats;

    /* safe output: what to command when the host is gone (controlword) */
    bool safe_active;
    uint16_t safe_controlword; /* 0x0002 quick stop or 0x0000 disable voltage */

    uint8_t work[512];         /* scratch for SDO payloads / SII words (implementation's) */

    /* implementation state (ecat_master.c) */
    uint8_t cur;               /* slave the per-slave chain is configuring */
    uint8_t tries;             /* sends of the transaction in flight (1 + retries) */
    uint8_t n_dg;              /* datagrams in the transaction frame in flight */
    uint32_t txn_shape;        /* hash of their commands and lengths: a reply must match it */
    uint8_t seq;               /* datagram index counter */
    uint8_t want_state;        /* AL state awaited by ST_AL_WAIT … */
    uint16_t after;            /* … and the step that follows it */
    uint32_t t_wait_us;        /* start of a polled wait (AL state, SII busy, mailbox) */
    bool recovering;           /* the per-slave chain runs for one lost slave while the others cycle */
    bool own_cycles;           /* start-up, SAFE-OP → OP: the master cycles a zero image itself */
    uint32_t own_cycle_us;
    uint32_t cycles_back, cycles_mark; /* cyclic frames returned; count when OP became wanted */
    uint8_t cyc_idx, cyc_n_dg;
    bool cyc_frmw;             /* the cyclic frame in flight carries the reference-clock FRMW */
    bool in_valid;             /* some cycle has come back since configure */
    bool prev_ref_valid;
    bool wkc_event_sent;
    uint8_t sdo_item;
    ecat_sdo_t sdo;
    uint32_t sii_word[5];      /* SII words read: vendor, product, revision, rx mailbox, tx mailbox */
    uint32_t dc_loop[ECAT_MAX_SLAVES];
    uint64_t dc_sys[ECAT_MAX_SLAVES], dc_off[ECAT_MAX_SLAVES];
    bool dc_ok[ECAT_MAX_SLAVES];
    uint64_t dc_now_ns;        /* reference system time estimate at dc_now_us */
    uint32_t dc_now_us;
    uint64_t dc_start_ns;      /* SYNC0 start of the start-up: later starts stay on its grid */
} ecat_master_t;

void ecat_master_init(ecat_master_t *m, const ecat_port_t *port, void *ctx, uint8_t hw, const uint8_t mac[6]);
/* starts (or restarts) start-up for n slaves at positions 0..n-1; cycle_us = the control period */
void ecat_master_configure(ecat_master_t *m, const ecat_slave_cfg_t *slaves, uint8_t n, uint32_t cycle_us,
                           uint32_t now_us);
/* every EtherCAT frame that came back (frames not for this master are ignored) */
void ecat_master_rx(ecat_master_t *m, const uint8_t *frame, size_t len, uint32_t now_us);
/* start-up transactions, time-outs, recovery of lost slaves */
void ecat_master_poll(ecat_master_t *m, uint32_t now_us);
/*
 * One process-data cycle: copies n·ECAT_OUT_PDO_LEN bytes of outputs (slave order) and sends the LRW
 * frame (with the FRMW of the reference clock). In safe mode the controlword of every slave is replaced
 * by safe_controlword. Returns false if the segment is not yet cycling (then nothing is sent).
 * Before OP, during start-up, the master sends its own cycles from ecat_master_poll as needed.
 */
bool ecat_master_cycle(ecat_master_t *m, const uint8_t *outputs, uint32_t now_us);
/* inputs of the last cycle that came back (n·ECAT_IN_PDO_LEN bytes) and its WKC; false if none came back */
bool ecat_master_inputs(const ecat_master_t *m, const uint8_t **inputs, uint16_t *wkc, uint16_t *wkc_expected);
/* host lost: command every drive safe_controlword from now on (quick stop 0x0002 / disable 0x0000) */
void ecat_master_set_safe(ecat_master_t *m, bool on, uint16_t controlword);
/* lowest AL state over the configured slaves (0 if none answers) */
uint8_t ecat_master_lowest_state(const ecat_master_t *m);

#endif
