/*
 * msg.h — bodies of the bridge protocol's messages (PROTOCOL.md §3): C structures and their
 * little-endian packing. Every pack function returns the body length (0 if the message is invalid or
 * does not fit); every unpack function checks the exact body length and every count against the
 * limits below, and returns false (leaving *out unspecified) on any mismatch.
 *
 * COMMAND and STATE carry per-bus images whose shape comes from the configuration: their functions
 * take a msg_layout_t. Slots are stored flat, bus after bus, in configuration order.
 */
#ifndef CB_MSG_H
#define CB_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CB_PROTO_VERSION 1u
#define CB_MAX_BUSES 4u
#define CB_MAX_MOTORS 32u
#define CB_MAX_SLOT_LEN 8u   /* CAN payload per slot */
#define CB_MAX_SLOT_DATA 16u /* slot buffers: CAN payloads and EtherCAT PDOs (§5) */
#define CB_MAX_ECAT_BUSES 1u
#define CB_MAX_ECAT_SLAVES 16u
#define MSG_ECAT_OUT_LEN 13u   /* RxPDO 0x1600 (§5) */
#define MSG_ECAT_IN_LEN 15u    /* TxPDO 0x1A00 */
#define MSG_ECAT_STATE_HDR 8u
#define CB_FIRMWARE_LEN 16u
#define CB_FAULT_NONE_ID 0xFFu

enum { BUS_TYPE_CAN = 1, BUS_TYPE_CANFD = 2, BUS_TYPE_ETHERCAT = 3 };

/* INFO bus caps */
#define BUS_CAP_FD 0x01u
#define BUS_CAP_BRS 0x02u
#define BUS_CAP_EMULATED 0x04u
#define BUS_CAP_ETHERCAT 0x08u

/* CONFIG bus flags */
#define BUS_CFG_FD 0x01u
#define BUS_CFG_BRS 0x02u

/* CONFIG motor flags */
#define MOTOR_CFG_EXT_CMD 0x01u
#define MOTOR_CFG_EXT_REPLY 0x02u
#define MOTOR_REPLY_ID_ANY 0xFFFFFFFFu

enum { SAFE_DAMPING = 0, SAFE_DISABLE = 1 };

enum {
    CFG_OK = 0,
    CFG_BAD_LENGTH = 1,
    CFG_BAD_BUS = 2,
    CFG_BAD_BITRATE = 3,
    CFG_BAD_MOTOR = 4,
    CFG_BAD_TIMING = 5,
    CFG_TOO_LARGE = 6,
    CFG_BUSY = 7,
    CFG_OVER_BUDGET = 8
};

/* COMMAND flags, slot flags */
#define CMD_FLAG_ARM 0x0001u
#define CMD_SLOT_SEND 0x01u
#define STATE_SLOT_FRESH 0x01u
#define STATE_SLOT_TIMEOUT 0x02u
#define STATE_SLOT_SENT 0x04u
#define STATE_RX_DT_NONE 0xFFFFu

/* STATE / HEARTBEAT status bits */
#define ST_CONFIGURED 0x0001u
#define ST_ARMED 0x0002u
#define ST_TRIPPED 0x0004u
#define ST_TX_OVERRUN 0x0008u
#define ST_LATE_COMMAND 0x0010u
#define ST_BUS_FAULT 0x0020u
#define ST_MOTOR_FAULT 0x0040u
#define ST_SEQ_GAP 0x0080u

enum { WD_DISARMED = 0, WD_ARMED = 1, WD_TRIPPED = 2 };

enum { BUS_STATE_ACTIVE = 0, BUS_STATE_WARNING = 1, BUS_STATE_PASSIVE = 2, BUS_STATE_OFF = 3 };

enum {
    FAULT_WATCHDOG_TRIP = 1,
    FAULT_WATCHDOG_REARM = 2,
    FAULT_BUS_OFF = 3,
    FAULT_BUS_ERROR_PASSIVE = 4,
    FAULT_BUS_RECOVERED = 5,
    FAULT_MOTOR_FAULT = 6,
    FAULT_MOTOR_TIMEOUT = 7,
    FAULT_RX_CRC_ERROR = 8,
    FAULT_RX_FRAMING_ERROR = 9,
    FAULT_SEQ_GAP = 10,
    FAULT_TX_OVERRUN = 11,
    FAULT_CONFIG_REJECTED = 12,
    FAULT_COMMAND_REJECTED = 13,
    /* EtherCAT (§5): code = FAULT_ECAT_BASE + ecat_event_t */
    FAULT_ECAT_BASE = 13,
    FAULT_ECAT_STATE = 14,
    FAULT_ECAT_AL_ERROR = 15,
    FAULT_ECAT_WKC = 16,
    FAULT_ECAT_SLAVE_LOST = 17,
    FAULT_ECAT_SLAVE_BACK = 18,
    FAULT_ECAT_SDO_ABORT = 19,
    FAULT_ECAT_IDENTITY = 20,
    FAULT_ECAT_COUNT = 21,
    FAULT_ECAT_TIMEOUT = 22,
    FAULT_ECAT_FRAME_LOST = 23
};

/* EtherCAT STATE section flags (§5) */
#define ECAT_SEC_FRESH 0x01u
#define ECAT_SEC_WKC_ERROR 0x02u
#define ECAT_SEC_SAFE 0x04u

/* DIAG link counters, in wire order */
enum {
    LINK_RX_OK = 0,
    LINK_RX_CRC,
    LINK_RX_COBS,
    LINK_RX_LEN,
    LINK_RX_SEQ_GAPS,
    LINK_RX_REJECTED,
    LINK_TX_FRAMES,
    LINK_TX_DROPPED,
    LINK_COUNTERS
};

typedef struct {
    uint8_t proto_min, proto_max;
    uint32_t nonce;
} msg_hello_t;

typedef struct {
    uint8_t bus_id, bus_type, caps;
    uint32_t max_nominal_bps, max_data_bps;
} msg_bus_info_t;

typedef struct {
    uint8_t proto_version, n_buses, max_motors, max_slot_len;
    uint32_t nonce, link_baud;
    uint16_t max_raw_frame;
    uint8_t firmware[CB_FIRMWARE_LEN]; /* ASCII, NUL-padded */
    msg_bus_info_t bus[CB_MAX_BUSES];
} msg_info_t;

typedef struct {
    uint8_t bus_id, bus_type, flags, slot_len;
    uint32_t nominal_bps, data_bps;
} msg_bus_cfg_t;

typedef struct {
    uint8_t bus_id, protocol, reply_key, flags;
    uint32_t can_id, reply_id;
    float kd_max;
} msg_motor_cfg_t;

typedef struct {
    uint32_t tick_period_us, watchdog_us, reply_timeout_us;
    float safe_kd;
    uint8_t safe_action, n_buses, n_motors;
    msg_bus_cfg_t bus[CB_MAX_BUSES];
    msg_motor_cfg_t motor[CB_MAX_MOTORS];
} msg_config_t;

typedef struct {
    uint8_t bus_id, n_slots;
    uint32_t budget_ns;
} msg_ack_bus_t;

typedef struct {
    uint8_t status, index;
    uint32_t config_crc;
    uint16_t command_raw_len, state_raw_len;
    uint32_t reply_timeout_us;
    uint8_t n_buses; /* entries that follow (not on the wire: implied by the body length) */
    msg_ack_bus_t bus[CB_MAX_BUSES];
} msg_config_ack_t;

typedef struct {
    uint16_t status;
    uint8_t wd_state;
    uint32_t fault_count;
} msg_heartbeat_t;

/* the shape of COMMAND and STATE images under one configuration */
typedef struct {
    uint8_t n_buses;
    uint8_t n_slots_total;
    struct {
        uint8_t bus_id, bus_type, n_slots, slot_len;
    } bus[CB_MAX_BUSES];
} msg_layout_t;

typedef struct {
    uint8_t flags; /* CMD_SLOT_* (CAN); EtherCAT slots are always sent */
    uint8_t data[CB_MAX_SLOT_DATA];
} msg_cmd_slot_t;

typedef struct {
    uint32_t tick;
    uint16_t flags; /* CMD_FLAG_* */
    msg_cmd_slot_t slot[CB_MAX_MOTORS];
} msg_command_t;

typedef struct {
    uint8_t flags; /* STATE_SLOT_* */
    uint8_t age;
    uint8_t len;
    uint16_t rx_dt_us;
    uint8_t data[CB_MAX_SLOT_DATA];
} msg_state_slot_t;

/* header of an EtherCAT STATE section (§5) */
typedef struct {
    uint16_t wkc, wkc_expected;
    uint8_t master, al_state, flags, n_op;
} msg_ecat_section_t;

typedef struct {
    uint32_t tick, cmd_seq, cmd_rx_t_us;
    uint16_t status;
    uint8_t wd_state;
    uint32_t fault_count;
    msg_state_slot_t slot[CB_MAX_MOTORS];
    msg_ecat_section_t ecat[CB_MAX_BUSES]; /* by bus position; used for EtherCAT buses */
} msg_state_t;

typedef struct {
    uint8_t bus_id, state, tec, rec;
    uint16_t load_permille, budget_permille;
    uint32_t tx_frames, rx_frames, error_events, bus_off_count, tx_overruns;
} msg_diag_bus_t;

typedef struct {
    uint8_t motor_index, fault;
    int16_t temp_dC;
    uint16_t missed;
    uint8_t flags;
} msg_diag_motor_t;

#define DIAG_MOTOR_REPLIED 0x01u
#define DIAG_MOTOR_ENABLED 0x02u
#define DIAG_TEMP_UNKNOWN INT16_MIN

typedef struct {
    uint32_t window_us;
    uint8_t n_buses, n_motors;
    uint32_t link[LINK_COUNTERS];
    msg_diag_bus_t bus[CB_MAX_BUSES];
    msg_diag_motor_t motor[CB_MAX_MOTORS];
    uint8_t n_ecat;
    struct {
        uint8_t bus_id;
        uint32_t dc_jitter_ns;
    } ecat[CB_MAX_ECAT_BUSES];
} msg_diag_t;

typedef struct {
    uint32_t fault_index, t_us;
    uint16_t code;
    uint8_t bus_id, motor_index;
    uint32_t detail;
} msg_fault_t;

/* body lengths */
#define MSG_HELLO_LEN 8u
#define MSG_INFO_LEN(nb) (32u + 12u * (nb))
#define MSG_CONFIG_LEN(nb, nm) (20u + 12u * (nb) + 16u * (nm))
#define MSG_CONFIG_ACK_LEN(nb) (16u + 8u * (nb))
#define MSG_HEARTBEAT_LEN 8u
#define MSG_DIAG_LEN(nb, nm) (40u + 28u * (nb) + 8u * (nm)) /* + 8 per EtherCAT bus */
#define MSG_DIAG_ECAT_LEN 8u
#define MSG_FAULT_LEN 16u
#define MSG_COMMAND_SLOT(slot_len) (1u + (slot_len))
#define MSG_STATE_SLOT(slot_len) (6u + (slot_len))

size_t msg_pack_hello(const msg_hello_t *m, uint8_t *body, size_t cap);
bool msg_unpack_hello(const uint8_t *body, size_t len, msg_hello_t *out);
size_t msg_pack_info(const msg_info_t *m, uint8_t *body, size_t cap);
bool msg_unpack_info(const uint8_t *body, size_t len, msg_info_t *out);
size_t msg_pack_config(const msg_config_t *m, uint8_t *body, size_t cap);
bool msg_unpack_config(const uint8_t *body, size_t len, msg_config_t *out);
size_t msg_pack_config_ack(const msg_config_ack_t *m, uint8_t *body, size_t cap);
bool msg_unpack_config_ack(const uint8_t *body, size_t len, msg_config_ack_t *out);
size_t msg_pack_heartbeat(const msg_heartbeat_t *m, uint8_t *body, size_t cap);
bool msg_unpack_heartbeat(const uint8_t *body, size_t len, msg_heartbeat_t *out);

/* body lengths of COMMAND / STATE under a layout */
size_t msg_command_len(const msg_layout_t *l);
size_t msg_state_len(const msg_layout_t *l);
size_t msg_pack_command(const msg_command_t *m, const msg_layout_t *l, uint8_t *body, size_t cap);
bool msg_unpack_command(const uint8_t *body, size_t len, const msg_layout_t *l, msg_command_t *out);
size_t msg_pack_state(const msg_state_t *m, const msg_layout_t *l, uint8_t *body, size_t cap);
bool msg_unpack_state(const uint8_t *body, size_t len, const msg_layout_t *l, msg_state_t *out);

size_t msg_pack_diag(const msg_diag_t *m, uint8_t *body, size_t cap);
bool msg_unpack_diag(const uint8_t *body, size_t len, msg_diag_t *out);
size_t msg_pack_fault(const msg_fault_t *m, uint8_t *body, size_t cap);
bool msg_unpack_fault(const uint8_t *body, size_t len, msg_fault_t *out);

#endif
