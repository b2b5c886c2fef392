/*
 * emu_ecat.h — an EtherCAT segment emulated at the frame level (POSIX port): a line of slaves, each
 * an ESC (registers, SII EEPROM, sync managers, FMMUs, distributed clock, SM watchdog, ESM) running a
 * CiA 402 servo drive (CoE object dictionary, mailbox SDO server, state machine, CSP/CSV/CST) whose
 * shaft is a joint of the plant. A frame sent by the master passes every slave in order and comes back.
 */
#ifndef CB_EMU_ECAT_H
#define CB_EMU_ECAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu_cia402.h"

#define EMU_ECAT_MAX_SLAVES 16u
#define EMU_ESC_MEM 0x2000u       /* registers 0x0000–0x0FFF, process RAM 0x1000–0x1FFF */
#define EMU_SII_WORDS 64u

typedef struct {
    uint8_t mem[EMU_ESC_MEM];
    uint16_t sii[EMU_SII_WORDS];
    uint8_t al_state;             /* 1, 2, 4, 8 */
    bool al_error;
    uint16_t al_code;
    uint64_t dc_offset_ns;        /* local clock = segment time + offset (0x0920 write) */
    uint64_t sm_wd_last_ns;       /* last process-data write (SM2) */
    bool outputs_valid;
    /* mailbox */
    uint8_t mbx_out_counter;
    bool mbx_in_full;
    /* segmented SDO transfer in progress */
    uint16_t seg_index; uint8_t seg_sub; bool seg_upload, seg_active, seg_toggle;
    uint32_t seg_pos, seg_size;
    uint8_t seg_buf[256];
    emu_cia402_t drive;
    uint16_t joint;               /* shaft index */
    bool present;                 /* false: unplugged (frames pass through untouched, as if the cable bypasses it) */
    uint32_t frames_seen;
    /* added by the implementation (emu_ecat.c) */
    bool mbx_out_full;            /* SM0 (master → slave) holds a request not yet taken */
    bool wd_expired;              /* 0x0440 bit 0 cleared */
    uint8_t upload_seg_max;       /* data bytes per SDO upload segment: 7 classic, larger = CoE form filling SM1 */
    uint8_t pos;                  /* position in the line while a frame passes (present slaves only) */
} emu_esc_t;

typedef struct {
    uint8_t n;
    emu_esc_t slave[EMU_ECAT_MAX_SLAVES];
    uint64_t now_ns;
    uint32_t frames, bad_frames;
} emu_ecat_t;

/* n slaves, slave k turning joint joint[k], with the emulated knee drive's parameters (emu_cia402.h) */
void emu_ecat_init(emu_ecat_t *seg, uint8_t n, const uint16_t *joint);
/*
 * The frame (in place) passes every present slave in order at time now_ns. Returns false for a frame
 * that is not EtherCAT (not processed). Latency of the return is the caller's business (emu_ecat_delay_ns).
 */
bool emu_ecat_process(emu_ecat_t *seg, uint8_t *frame, size_t len, uint64_t now_ns);
/* wire time: frame bytes at 100 Mbit/s both ways + per-slave forwarding delay */
uint64_t emu_ecat_delay_ns(const emu_ecat_t *seg, size_t len);
/* advance clocks, SM watchdogs and drive state machines to now_ns */
void emu_ecat_advance(emu_ecat_t *seg, uint64_t now_ns);
/* the drive's torque law for its shaft (state q, qd at the joint): see emu_cia402_law */
void emu_ecat_law(emu_ecat_t *seg, uint8_t k, double q, double qd, emu_law_t *law);
/* unplug / plug slave k (an unplugged slave loses its state: comes back in INIT, as after power-up) */
void emu_ecat_set_present(emu_ecat_t *seg, uint8_t k, bool present);

#endif
