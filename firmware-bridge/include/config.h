/*
 * config.h — validation of a CONFIG message against the bridge's hardware (INFO) and the derived
 * run-time configuration: slot map, COMMAND/STATE layout and per-bus budgets (PROTOCOL.md §3.3–3.4).
 */
#ifndef CB_CONFIG_H
#define CB_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "can.h"
#include "msg.h"

#define CFG_TICK_MIN_US 500u
#define CFG_TICK_MAX_US 100000u
#define CFG_WD_MIN_US 1000u
#define CFG_WD_MAX_US 1000000u
#define CFG_REPLY_MIN_US 100u
#define CFG_NOMINAL_MIN_BPS 125000u
#define CFG_NOMINAL_MAX_BPS 1000000u
#define CFG_DATA_MAX_BPS 8000000u
/* automatic reply timeout: worst-case bus budget + this margin, at most 90 % of the tick */
#define CFG_REPLY_MARGIN_US 300u
#define CFG_ECAT_BPS 100000000u
#define BUS_CFG_ECAT_DC 0x01u    /* EtherCAT bus flag: distributed clocks, SYNC0 every tick */
#define BUS_CFG_ECAT_TIMED 0x02u /* EtherCAT bus flag: cycles from the bridge's own timer, not per COMMAND */
enum { ECAT_MODE_CSP = 8, ECAT_MODE_CSV = 9, ECAT_MODE_CST = 10 };

typedef struct {
    uint8_t bus_id, bus_type, flags, slot_len;
    uint8_t hw_index;    /* position of this bus in INFO's list: the port's bus number */
    uint8_t n_slots;
    uint8_t first_slot;  /* global index of the bus's slot 0 */
    uint8_t frame_flags; /* CAN_FLAG_FD / CAN_FLAG_BRS of command frames */
    can_timing_t timing;
    uint32_t budget_ns;
} cfg_bus_t;

typedef struct {
    uint8_t bus;      /* index into cfg_t.bus */
    uint8_t protocol; /* mit_protocol_t */
    uint8_t reply_key, flags;
    uint32_t can_id, reply_id;
    float kd_max;
    uint8_t slot;     /* global slot index */
} cfg_motor_t;

typedef struct {
    bool valid;
    uint32_t tick_period_us, watchdog_us, reply_timeout_us;
    float safe_kd;
    uint8_t safe_action, n_buses, n_motors;
    cfg_bus_t bus[CB_MAX_BUSES];
    cfg_motor_t motor[CB_MAX_MOTORS];
    uint8_t slot_motor[CB_MAX_MOTORS]; /* global slot → motor index */
    msg_layout_t layout;
    uint16_t command_raw_len, state_raw_len;
} cfg_t;

/*
 * Validates m against hw and fills *out. Returns CFG_OK or a CFG_* status with *bad_index set to the
 * offending bus or motor entry (0xFF when the error is global). *out is valid only on CFG_OK.
 */
/* cyclic frame time of an EtherCAT bus with n slaves (PROTOCOL.md §5) */
uint32_t cfg_ecat_budget_ns(uint8_t n_slaves);

uint8_t cfg_build(const msg_config_t *m, const msg_info_t *hw, cfg_t *out, uint8_t *bad_index);

#endif
