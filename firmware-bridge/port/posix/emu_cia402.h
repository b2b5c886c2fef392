/*
 * emu_cia402.h — a CiA 402 servo drive (IEC 61800-7-201) as seen through its object dictionary and
 * process data: device control state machine, modes CSP/CSV/CST, scaling, quick stop and fault
 * reaction, injectable faults. Its torque law is handed to the plant in the form of SHAFT.md (kp, kd,
 * q_des, qd_des, tau_ff, tau_max), which the plant integrates implicitly.
 */
#ifndef CB_EMU_CIA402_H
#define CB_EMU_CIA402_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    float kp, kd, q_des, qd_des, tau_ff, tau_max; /* joint frame, SI */
} emu_law_t;

typedef enum {
    CIA_NOT_READY = 0, CIA_SWITCH_ON_DISABLED, CIA_READY, CIA_SWITCHED_ON, CIA_OP_ENABLED, CIA_QUICK_STOP,
    CIA_FAULT_REACTION, CIA_FAULT
} cia_state_t;

typedef struct {
    /* parameters (object dictionary; host/drivers/cia402-models.yaml 'cb-emu-knee') */
    uint32_t incs_per_rev;   /* 0x608F */
    float gear;              /* 0x6091:01 / 0x6091:02 */
    uint32_t rated_mNm;      /* 0x6076 */
    uint16_t max_permille;   /* 0x6072 */
    float kp_csp, kd_csp, kd_csv, kd_qs; /* 0x2001:01..04 */
    uint32_t following_window_inc;       /* 0x6065 */
    int8_t mode;             /* 0x6060 */
    /* PDO mapping as configured (0x1600/0x1A00 entries, 0x1C12/0x1C13) */
    uint32_t rx_map[8], tx_map[8];
    uint8_t n_rx, n_tx, rx_assigned, tx_assigned; /* rx_assigned: 0x1C12:00 count (entry = 0x1600) */
    /* state */
    cia_state_t state;
    uint16_t controlword, prev_controlword, error_code; /* 0x603F */
    int32_t target_pos, target_vel; int16_t target_torque;
    double pos_offset;       /* shaft angle reading as 0 increments */
    bool fault_pending;      /* injected fault, reacts at the next step */
    uint16_t injected_code;
    double q, qd;            /* last shaft state seen */
    float tau;               /* torque applied (joint), for 0x6077 */
    uint32_t serial;         /* 0x1018:04 (the segment numbers its slaves) */
    char user_name[64];      /* 0x2002 (writable string: exercises segmented SDO download) */
    uint8_t user_name_len;
} emu_cia402_t;

void emu_cia402_init(emu_cia402_t *d);
/* outputs from process data (controlword first) then one state-machine step */
void emu_cia402_on_outputs(emu_cia402_t *d, uint16_t controlword, int8_t mode, int32_t pos, int32_t vel, int16_t torque);
void emu_cia402_step(emu_cia402_t *d, double q, double qd); /* state machine, ramps, following error */
uint16_t emu_cia402_statusword(const emu_cia402_t *d);
void emu_cia402_inputs(const emu_cia402_t *d, int32_t *pos, int32_t *vel, int16_t *torque);
void emu_cia402_law(const emu_cia402_t *d, double q, double qd, emu_law_t *law);
void emu_cia402_inject_fault(emu_cia402_t *d, uint16_t error_code);
/* SM watchdog expired / ESM left OP: quick stop (CiA 402 reaction to a communication loss) */
void emu_cia402_comm_lost(emu_cia402_t *d);
/* CoE object access (SDO server): returns 0 or a CiA 301 abort code */
uint32_t emu_cia402_sdo_read(emu_cia402_t *d, uint16_t index, uint8_t sub, uint8_t *data, uint32_t cap, uint32_t *len);
uint32_t emu_cia402_sdo_write(emu_cia402_t *d, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len, uint8_t al_state);

#endif
