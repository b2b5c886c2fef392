/*
 * ecat_master.c — the cyclic EtherCAT master (ETG.1000.4/.6 / Beckhoff ESC datasheet section II;
 * PROTOCOL.md §5): start-up as a chain of single-frame transactions, then one process-data frame
 * per cycle.
 *
 * Start-up: BRD 0x0000 (count) → BWR AL control INIT+ack → clear FMMUs/SMs → per slave: station
 * address, SII identity and mailbox geometry, mailbox SMs, PRE-OP, CoE PDO remap + 0x6060 + 0x1008
 * name, process-data SMs and FMMUs → distributed clocks (delays, offsets, SYNC0) → SAFE-OP per slave
 * → the master cycles a zero image → OP per slave. A lost slave runs the same per-slave chain (with
 * INIT first) while the others keep cycling.
 *
 * Cyclic frame: [FRMW 0x0910 at the reference clock][LRW logical 0, 13n out + 15n in][FPRD 0x0130 (6) ×n].
 * Reads frames handed to ecat_master_rx; writes ecat_master_t and sends through ecat_port_t.
 */
#include "ecat_master.h"

#include <string.h>

#include "ecat_dc.h"
#include "le.h"

#define STATION_BASE 0x1001u
#define RETRIES 3u                       /* re-sends of a timed-out transaction */
#define WKC_EVENT_US 100000u             /* ECAT_EV_WKC at most this often */
#define PROBE_US 10000u                  /* lost slave: look for it this often */
#define RECOVERY_BACKOFF_US 1000000u     /* after a failed recovery attempt */
#define SYNC0_MARGIN_NS 1000000u         /* SYNC0 starts this far ahead, on a cycle boundary */
#define MAX_DG (2u * ECAT_MAX_SLAVES + 2u)

/* ESC registers (ETG.1000.4 / Beckhoff ESC datasheet section II) */
#define REG_TYPE 0x0000u
#define REG_STATION 0x0010u
#define REG_AL_CONTROL 0x0120u
#define REG_AL_STATUS 0x0130u
#define REG_SII_CONTROL 0x0502u
#define REG_SII_ADDRESS 0x0504u
#define REG_SII_DATA 0x0508u
#define REG_FMMU 0x0600u
#define REG_SM 0x0800u
#define REG_SM1_STATUS 0x080Du
#define REG_DC_RECV 0x0900u
#define REG_DC_SYSTIME 0x0910u
#define REG_DC_OFFSET 0x0920u
#define REG_DC_DELAY 0x0928u
#define REG_DC_ACTIVATION 0x0981u
#define REG_DC_START 0x0990u
#define REG_DC_CYCLE0 0x09A0u

#define AL_INIT 1u
#define AL_PREOP 2u
#define AL_SAFEOP 4u
#define AL_OP 8u
#define AL_ERROR 0x10u
#define SII_BUSY 0x8000u
#define SII_CMD_READ 0x0100u
#define SM_MBX_FULL 0x08u

#define PD_OUT_PHYS 0x1100u
#define PD_IN_PHYS 0x1180u

/* steps: ECAT_EV_TIMEOUT reports these numbers */
enum {
    ST_IDLE = 0,
    ST_COUNT,          /* BRD 0x0000 */
    ST_INIT_ALL,       /* BWR AL control INIT + ack */
    ST_INIT_ALL_WAIT,  /* BRD AL status until every slave is in INIT */
    ST_CLEAR_ALL,      /* BWR zeros to FMMUs and SMs */
    ST_STATION,        /* APWR 0x0010 */
    ST_INIT_ONE,       /* recovery: FPWR AL control INIT + ack */
    ST_AL_WAIT,        /* FPRD AL status until want_state, then `after` */
    ST_CLEAR_ONE,      /* recovery: FPWR zeros to FMMUs and SMs */
    ST_SII_CMD,        /* FPWR SII address + read command */
    ST_SII_BUSY,       /* FPRD SII control until not busy */
    ST_SII_DATA,       /* FPRD SII data */
    ST_MBX_SM,         /* FPWR SM0/SM1 */
    ST_PREOP,          /* FPWR AL control PRE-OP */
    ST_SDO_WRITE,      /* FPWR the request into SM0 */
    ST_SDO_POLL,       /* FPRD SM1 status until mailbox full */
    ST_SDO_READ,       /* FPRD SM1 */
    ST_PD,             /* FPWR SM2/SM3 and FMMU0/FMMU1 */
    ST_DC_LATCH,       /* BWR 0x0900: latch receive times */
    ST_DC_RECV,        /* FPRD receive times, every slave */
    ST_DC_TIME,        /* FPRD system times and offsets, every slave */
    ST_DC_SET,         /* FPWR offsets and delays */
    ST_DC_SYNC,        /* FPWR SYNC0 cycle, start, activation */
    ST_SAFEOP,         /* FPWR AL control SAFE-OP */
    ST_OP_READY,       /* no frame: wait until a cycle delivered outputs */
    ST_OP,             /* FPWR AL control OP */
    ST_ERR_ACK,        /* FPWR AL control with error acknowledge, then give up */
    ST_PROBE,          /* recovery: APRD 0x0010 at the lost slave's position */
    ST_DONE
};

/* CoE writes of the PDO remap (CiA 301 / ETG.1020 sequence; mapping of PROTOCOL.md §5), then 0x6060, then the 0x1008 upload */
typedef struct {
    uint16_t index;
    uint8_t sub, size;
    uint32_t value;
} sdo_item_t;

#define VALUE_MODE 0xFFFFFFFFu
static const sdo_item_t sdo_items[] = {
    { 0x1C12u, 0u, 1u, 0u }, { 0x1600u, 0u, 1u, 0u },
    { 0x1600u, 1u, 4u, 0x60400010u }, { 0x1600u, 2u, 4u, 0x60600008u }, { 0x1600u, 3u, 4u, 0x607A0020u },
    { 0x1600u, 4u, 4u, 0x60FF0020u }, { 0x1600u, 5u, 4u, 0x60710010u },
    { 0x1600u, 0u, 1u, 5u }, { 0x1C12u, 1u, 2u, 0x1600u }, { 0x1C12u, 0u, 1u, 1u },
    { 0x1C13u, 0u, 1u, 0u }, { 0x1A00u, 0u, 1u, 0u },
    { 0x1A00u, 1u, 4u, 0x60410010u }, { 0x1A00u, 2u, 4u, 0x60610008u }, { 0x1A00u, 3u, 4u, 0x60640020u },
    { 0x1A00u, 4u, 4u, 0x606C0020u }, { 0x1A00u, 5u, 4u, 0x60770010u }, { 0x1A00u, 6u, 4u, 0x603F0010u },
    { 0x1A00u, 0u, 1u, 6u }, { 0x1C13u, 1u, 2u, 0x1A00u }, { 0x1C13u, 0u, 1u, 1u },
    { 0x6060u, 0u, 1u, VALUE_MODE },
};
#define N_SDO_WRITES ((uint8_t)(sizeof sdo_items / sizeof sdo_items[0]))
#define SDO_NAME_INDEX 0x1008u

/* SII word addresses read at start-up (ETG.1000.6 SII categories, fixed words) */
static const uint16_t sii_words[5] = { 0x0008u, 0x000Au, 0x000Cu, 0x0018u, 0x001Au };

static bool reached(uint32_t now, uint32_t at)
{
    return (uint32_t)(now - at) < 0x80000000u;
}

static uint16_t station_of(uint8_t k)
{
    return (uint16_t)(STATION_BASE + k);
}

static uint16_t adp_of_position(uint8_t k)
{
    return (uint16_t)((0x10000u - k) & 0xFFFFu); /* auto-increment: 0, 0xFFFF, 0xFFFE … */
}

static void emit(ecat_master_t *m, ecat_event_t ev, uint8_t slave, uint32_t detail)
{
    if (m->port->event != NULL) {
        m->port->event(m->ctx, m->hw, ev, slave, detail);
    }
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)le_get_u32(p) | ((uint64_t)le_get_u32(p + 4) << 32);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    le_put_u32(p, (uint32_t)(v & 0xFFFFFFFFu));
    le_put_u32(p + 4, (uint32_t)(v >> 32));
}

static bool dc_target(const ecat_master_t *m, uint8_t k)
{
    return !m->recovering || k == m->cur;
}

/* ------------------------------------------------------------------ chain control */

static void go(ecat_master_t *m, uint16_t step, uint32_t now)
{
    m->step = step;
    m->tries = 0u;
    m->awaiting = false;
    m->t_wait_us = now;
}

static void wait_state(ecat_master_t *m, uint8_t want, uint16_t after, uint32_t now)
{
    m->want_state = want;
    m->after = after;
    go(m, ST_AL_WAIT, now);
}

/* the chain gives up: start-up fails; a recovery attempt is retried later */
static void give_up(ecat_master_t *m, uint32_t now)
{
    m->awaiting = false;
    if (m->recovering) {
        m->recovering = false;
        m->step = ST_DONE;
        m->slave[m->cur].retry_at_us = now + RECOVERY_BACKOFF_US;
    } else {
        m->step = ST_IDLE;
        m->phase = ECAT_M_FAILED;
        m->own_cycles = false;
    }
}

static void fail(ecat_master_t *m, ecat_event_t ev, uint8_t slave, uint32_t detail, uint32_t now)
{
    emit(m, ev, slave, detail);
    give_up(m, now);
}

static bool chain_is_global(uint16_t step)
{
    return step <= ST_CLEAR_ALL || step == ST_DC_LATCH || step == ST_DC_RECV || step == ST_DC_TIME;
}

static void timeout(ecat_master_t *m, uint32_t now)
{
    fail(m, ECAT_EV_TIMEOUT, chain_is_global(m->step) ? 0xFFu : m->cur, m->step, now);
}

/* a polled wait that has not come true: poll again, or give up after the ESM time-out */
static void poll_again(ecat_master_t *m, uint32_t now)
{
    m->awaiting = false;
    m->tries = 0u;
    if (reached(now, m->t_wait_us + ECAT_STATE_TIMEOUT_US)) {
        timeout(m, now);
    }
}

/* a reply with a wrong working counter counts like a lost one */
static void bad_reply(ecat_master_t *m, uint32_t now)
{
    m->awaiting = false;
    if (m->tries > RETRIES) {
        timeout(m, now);
    }
}

static void start_sdo_item(ecat_master_t *m, uint32_t now)
{
    ecat_slave_t *s = &m->slave[m->cur];
    if (m->sdo_item < N_SDO_WRITES) {
        const sdo_item_t *it = &sdo_items[m->sdo_item];
        uint32_t v = it->value == VALUE_MODE ? m->cfg[m->cur].mode : it->value;
        le_put_u32(m->work, v);
        ecat_sdo_download(&m->sdo, it->index, it->sub, m->work, it->size);
    } else {
        memset(s->name, 0, sizeof s->name);
        ecat_sdo_upload(&m->sdo, SDO_NAME_INDEX, 0u, (uint8_t *)s->name, (uint32_t)sizeof s->name - 1u);
    }
    go(m, ST_SDO_WRITE, now);
}

/* after the per-slave configuration (PD mapped): next slave, or distributed clocks */
static void slave_configured(ecat_master_t *m, uint32_t now)
{
    if (!m->recovering && m->cur + 1u < m->n_cfg) {
        m->cur++;
        go(m, ST_STATION, now);
    } else {
        go(m, ST_DC_LATCH, now);
    }
}

static void state_reached(ecat_master_t *m, uint32_t now)
{
    ecat_slave_t *s = &m->slave[m->cur];
    if (m->want_state == AL_PREOP || m->want_state == AL_SAFEOP || m->want_state == AL_OP) {
        emit(m, ECAT_EV_STATE, m->cur, m->want_state);
    }
    switch (m->after) {
    case ST_SAFEOP: /* SAFE-OP reached: next slave, or valid outputs before OP */
        if (!m->recovering && m->cur + 1u < m->n_cfg) {
            m->cur++;
            go(m, ST_SAFEOP, now);
            return;
        }
        if (!m->recovering) {
            m->cur = 0u;
            m->own_cycles = true;
            memset(m->out_img, 0, sizeof m->out_img);
            m->own_cycle_us = now - m->cycle_ns / 1000u;
        }
        m->cycles_mark = m->cycles_back;
        go(m, ST_OP_READY, now);
        return;
    case ST_OP: /* OP reached */
        s->in_op = true;
        s->present = true;
        if (m->recovering) {
            m->recovering = false;
            emit(m, ECAT_EV_SLAVE_BACK, m->cur, 0u);
            m->step = ST_DONE;
            return;
        }
        if (m->cur + 1u < m->n_cfg) {
            m->cur++;
            go(m, ST_OP, now);
            return;
        }
        m->own_cycles = false;
        m->phase = ECAT_M_OP;
        m->step = ST_DONE;
        return;
    case ST_SDO_WRITE: /* PRE-OP reached: the CoE configuration */
        m->sdo_item = 0u;
        start_sdo_item(m, now);
        return;
    default:
        go(m, m->after, now);
        return;
    }
}

/* ------------------------------------------------------------------ transactions: build */

typedef struct {
    ecat_builder_t b;
    ecat_master_t *m;
    bool ok;
} txn_t;

/* what a reply must repeat: each datagram's command and length (addresses change on the way) */
static uint32_t shape_mix(uint32_t h, uint8_t cmd, uint16_t len)
{
    return (h ^ ((uint32_t)cmd << 16 | len)) * 16777619u; /* FNV-1a step */
}

static uint8_t *add(txn_t *t, uint8_t cmd, uint32_t address, uint16_t len)
{
    uint8_t *p = ecat_build_dg(&t->b, cmd, t->m->idx, address, NULL, len);
    if (p == NULL) {
        t->ok = false;
        return NULL;
    }
    t->m->n_dg++;
    t->m->txn_shape = shape_mix(t->m->txn_shape, cmd, len);
    return p;
}

static uint8_t *add_fp(txn_t *t, uint8_t cmd, uint8_t k, uint16_t reg, uint16_t len)
{
    return add(t, cmd, ecat_addr(station_of(k), reg), len);
}

static void put_sm(uint8_t *p, uint16_t start, uint16_t len, uint8_t control)
{
    le_put_u16(p, start);
    le_put_u16(p + 2, len);
    p[4] = control;
    p[5] = 0u;
    p[6] = 1u; /* activate */
    p[7] = 0u;
}

static void put_fmmu(uint8_t *p, uint32_t logical, uint16_t len, uint16_t phys, uint8_t type)
{
    le_put_u32(p, logical);
    le_put_u16(p + 4, len);
    p[6] = 0u;  /* logical start bit */
    p[7] = 7u;  /* logical stop bit */
    le_put_u16(p + 8, phys);
    p[10] = 0u; /* physical start bit */
    p[11] = type;
    p[12] = 1u; /* activate */
}

/* builds the current step's frame; false when the step sends nothing */
static bool build(ecat_master_t *m, txn_t *t, uint32_t now)
{
    uint8_t k = m->cur;
    ecat_slave_t *s = &m->slave[k];
    uint8_t n = m->n_cfg;
    uint8_t *p;
    switch (m->step) {
    case ST_COUNT:
        add(t, ECAT_CMD_BRD, ecat_addr(0u, REG_TYPE), 2u);
        break;
    case ST_INIT_ALL:
        if ((p = add(t, ECAT_CMD_BWR, ecat_addr(0u, REG_AL_CONTROL), 2u)) != NULL) {
            le_put_u16(p, AL_INIT | AL_ERROR);
        }
        break;
    case ST_INIT_ALL_WAIT:
        add(t, ECAT_CMD_BRD, ecat_addr(0u, REG_AL_STATUS), 2u);
        break;
    case ST_CLEAR_ALL:
        add(t, ECAT_CMD_BWR, ecat_addr(0u, REG_FMMU), 0x100u);
        add(t, ECAT_CMD_BWR, ecat_addr(0u, REG_SM), 0x80u);
        break;
    case ST_STATION:
        if ((p = add(t, ECAT_CMD_APWR, ecat_addr(adp_of_position(k), REG_STATION), 2u)) != NULL) {
            le_put_u16(p, station_of(k));
        }
        break;
    case ST_PROBE:
        add(t, ECAT_CMD_APRD, ecat_addr(adp_of_position(k), REG_STATION), 2u);
        break;
    case ST_INIT_ONE:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_AL_CONTROL, 2u)) != NULL) {
            le_put_u16(p, AL_INIT | AL_ERROR);
        }
        break;
    case ST_AL_WAIT:
        add_fp(t, ECAT_CMD_FPRD, k, REG_AL_STATUS, 6u); /* status, reserved, status code */
        break;
    case ST_CLEAR_ONE:
        add_fp(t, ECAT_CMD_FPWR, k, REG_FMMU, 0x100u);
        add_fp(t, ECAT_CMD_FPWR, k, REG_SM, 0x80u);
        break;
    case ST_SII_CMD:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_SII_ADDRESS, 4u)) != NULL) {
            le_put_u32(p, sii_words[m->sub]);
        }
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_SII_CONTROL, 2u)) != NULL) {
            le_put_u16(p, SII_CMD_READ);
        }
        break;
    case ST_SII_BUSY:
        add_fp(t, ECAT_CMD_FPRD, k, REG_SII_CONTROL, 2u);
        break;
    case ST_SII_DATA:
        add_fp(t, ECAT_CMD_FPRD, k, REG_SII_DATA, 4u);
        break;
    case ST_MBX_SM:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_SM, 16u)) != NULL) {
            put_sm(p, s->mbx_out_off, s->mbx_out_len, 0x26u); /* mailbox, written by the master, irq */
            put_sm(p + 8, s->mbx_in_off, s->mbx_in_len, 0x22u); /* mailbox, read by the master, irq */
        }
        break;
    case ST_PREOP:
    case ST_SAFEOP:
    case ST_OP:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_AL_CONTROL, 2u)) != NULL) {
            le_put_u16(p, m->step == ST_PREOP ? AL_PREOP : m->step == ST_SAFEOP ? AL_SAFEOP : AL_OP);
        }
        break;
    case ST_ERR_ACK:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_AL_CONTROL, 2u)) != NULL) {
            le_put_u16(p, (uint16_t)((s->al_state & 0x0Fu) | AL_ERROR));
        }
        break;
    case ST_SDO_WRITE:
        if ((p = add(t, ECAT_CMD_FPWR, ecat_addr(s->station, s->mbx_out_off), s->mbx_out_len)) != NULL &&
            ecat_sdo_request(&m->sdo, p, s->mbx_out_len, s->mbx_counter) == 0u) {
            t->ok = false;
        }
        break;
    case ST_SDO_POLL:
        add_fp(t, ECAT_CMD_FPRD, k, REG_SM1_STATUS, 1u);
        break;
    case ST_SDO_READ:
        add(t, ECAT_CMD_FPRD, ecat_addr(s->station, s->mbx_in_off), s->mbx_in_len);
        break;
    case ST_PD:
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, (uint16_t)(REG_SM + 16u), 16u)) != NULL) {
            put_sm(p, PD_OUT_PHYS, ECAT_OUT_PDO_LEN, 0x24u); /* buffered, written by the master */
            put_sm(p + 8, PD_IN_PHYS, ECAT_IN_PDO_LEN, 0x20u); /* buffered, read by the master */
        }
        if ((p = add_fp(t, ECAT_CMD_FPWR, k, REG_FMMU, 32u)) != NULL) {
            put_fmmu(p, (uint32_t)ECAT_OUT_PDO_LEN * k, ECAT_OUT_PDO_LEN, PD_OUT_PHYS, 2u);
            put_fmmu(p + 16, (uint32_t)ECAT_OUT_PDO_LEN * n + (uint32_t)ECAT_IN_PDO_LEN * k, ECAT_IN_PDO_LEN,
                     PD_IN_PHYS, 1u);
        }
        break;
    case ST_DC_LATCH:
        add(t, ECAT_CMD_BWR, ecat_addr(0u, REG_DC_RECV), 4u);
        break;
    case ST_DC_RECV:
        for (uint8_t j = 0u; j < n; j++) {
            add_fp(t, ECAT_CMD_FPRD, j, REG_DC_RECV, 8u); /* port 0 and port 1 receive times */
        }
        break;
    case ST_DC_TIME:
        for (uint8_t j = 0u; j < n; j++) {
            add_fp(t, ECAT_CMD_FPRD, j, REG_DC_SYSTIME, 8u);
            add_fp(t, ECAT_CMD_FPRD, j, REG_DC_OFFSET, 8u);
        }
        break;
    case ST_DC_SET:
        for (uint8_t j = 0u; j < n; j++) {
            if (!dc_target(m, j)) {
                continue;
            }
            if ((p = add_fp(t, ECAT_CMD_FPWR, j, REG_DC_OFFSET, 8u)) != NULL) {
                put_u64(p, m->dc_off[j]);
            }
            if ((p = add_fp(t, ECAT_CMD_FPWR, j, REG_DC_DELAY, 4u)) != NULL) {
                le_put_u32(p, m->slave[j].dc_delay_ns);
            }
        }
        break;
    case ST_DC_SYNC: {
        /* reference time now ≈ the time read + the master's clock since; start on the start-up grid */
        uint64_t ref_now = m->dc_now_ns + (uint64_t)(uint32_t)(now - m->dc_now_us) * 1000u;
        uint64_t start = ecat_dc_start(ref_now, SYNC0_MARGIN_NS, m->cycle_ns, m->recovering ? m->dc_start_ns : 0u);
        if (!m->recovering) {
            m->dc_start_ns = start;
        }
        /* start-up: every clock reads the same time now, so one broadcast each; recovery: the one slave */
        uint8_t cmd = m->recovering ? ECAT_CMD_FPWR : ECAT_CMD_BWR;
        uint16_t adp = m->recovering ? s->station : 0u;
        add(t, cmd, ecat_addr(adp, REG_DC_ACTIVATION), 1u); /* off while the start time changes */
        if ((p = add(t, cmd, ecat_addr(adp, REG_DC_CYCLE0), 4u)) != NULL) {
            le_put_u32(p, m->cycle_ns);
        }
        if ((p = add(t, cmd, ecat_addr(adp, REG_DC_START), 8u)) != NULL) {
            put_u64(p, start);
        }
        if ((p = add(t, cmd, ecat_addr(adp, REG_DC_ACTIVATION), 1u)) != NULL) {
            p[0] = 0x03u; /* cyclic operation + SYNC0 */
        }
        break;
    }
    default:
        return false;
    }
    return true;
}

/* sends the current step's frame (a new index every send, so a late reply to an earlier one is ignored) */
static void issue(ecat_master_t *m, uint32_t now)
{
    if (m->step == ST_OP_READY) {
        if (m->cycles_back != m->cycles_mark) {
            go(m, ST_OP, now); /* a cycle came back: the slave has had valid outputs */
        } else if (reached(now, m->t_wait_us + ECAT_STATE_TIMEOUT_US)) {
            timeout(m, now);
            return;
        } else {
            return;
        }
    }
    txn_t t;
    t.m = m;
    t.ok = true;
    m->idx = (uint8_t)(m->seq++ & 0x7Fu); /* bit 7 marks cyclic frames */
    m->n_dg = 0u;
    m->txn_shape = 2166136261u;
    ecat_build_begin(&t.b, m->tx, sizeof m->tx, m->mac);
    if (!build(m, &t, now)) {
        return;
    }
    size_t len = ecat_build_end(&t.b);
    if (!t.ok || len == 0u) {
        fail(m, ECAT_EV_TIMEOUT, m->cur, m->step, now); /* cannot happen with the fixed sizes; never spin */
        return;
    }
    m->tries++;
    m->awaiting = true;
    m->t_sent_us = now;
    (void)m->port->eth_send(m->ctx, m->hw, m->tx, len); /* a refused send is retried like a lost frame */
}

/* ------------------------------------------------------------------ transactions: replies */

static bool wkc_is(const ecat_dg_t *d, unsigned n_dg, uint16_t wkc)
{
    for (unsigned i = 0u; i < n_dg; i++) {
        if (ecat_dg_wkc(&d[i]) != wkc) {
            return false;
        }
    }
    return true;
}

static void on_sii(ecat_master_t *m, uint32_t word, uint32_t now)
{
    ecat_slave_t *s = &m->slave[m->cur];
    m->sii_word[m->sub] = word;
    if (m->sub + 1u < 5u) {
        m->sub++;
        go(m, ST_SII_CMD, now);
        return;
    }
    s->vendor = m->sii_word[0];
    s->product = m->sii_word[1];
    s->revision = m->sii_word[2];
    s->mbx_out_off = (uint16_t)(m->sii_word[3] & 0xFFFFu);
    s->mbx_out_len = (uint16_t)(m->sii_word[3] >> 16);
    s->mbx_in_off = (uint16_t)(m->sii_word[4] & 0xFFFFu);
    s->mbx_in_len = (uint16_t)(m->sii_word[4] >> 16);
    uint32_t want = m->cfg[m->cur].expected_product;
    bool mbx_ok = s->mbx_out_len >= 16u && s->mbx_in_len >= 16u && s->mbx_out_len <= 1024u && s->mbx_in_len <= 1024u;
    if ((want != 0xFFFFFFFFu && s->product != want) || !mbx_ok) {
        fail(m, ECAT_EV_IDENTITY, m->cur, s->product, now);
        return;
    }
    go(m, ST_MBX_SM, now);
}

static void on_mailbox(ecat_master_t *m, const ecat_dg_t *d, uint32_t now)
{
    ecat_slave_t *s = &m->slave[m->cur];
    switch (ecat_sdo_response(&m->sdo, d->data, d->len)) {
    case ECAT_SDO_BUSY:
        go(m, ST_SDO_WRITE, now);
        return;
    case ECAT_SDO_IGNORED:
        m->step = ST_SDO_POLL; /* keep the wait's start */
        m->awaiting = false;
        m->tries = 0u;
        return;
    case ECAT_SDO_ABORTED:
        m->last_sdo.index = m->sdo.index;
        m->last_sdo.sub = m->sdo.sub;
        m->last_sdo.abort = m->sdo.abort;
        m->stats.sdo_aborts++;
        fail(m, ECAT_EV_SDO_ABORT, m->cur, m->sdo.abort, now);
        return;
    case ECAT_SDO_DONE:
        if (m->sdo_item < N_SDO_WRITES) {
            m->sdo_item++;
            start_sdo_item(m, now);
            return;
        }
        s->name[sizeof s->name - 1u] = '\0';
        go(m, ST_PD, now);
        return;
    }
}

static void on_dc_time(ecat_master_t *m, const ecat_dg_t *d, uint32_t now)
{
    uint8_t n = m->n_cfg;
    for (uint8_t j = 0u; j < n; j++) {
        m->dc_ok[j] = ecat_dg_wkc(&d[2u * j]) == 1u && ecat_dg_wkc(&d[2u * j + 1u]) == 1u;
        m->dc_sys[j] = get_u64(d[2u * j].data);
        m->dc_off[j] = get_u64(d[2u * j + 1u].data);
    }
    /* the time every target adopts: the reference at start-up, else a slave still in OP */
    uint8_t src = 0u;
    if (m->recovering) {
        src = m->cur;
        for (uint8_t j = 0u; j < n; j++) {
            if (j != m->cur && m->slave[j].in_op && m->dc_ok[j]) {
                src = j;
                break;
            }
        }
    }
    if (!m->dc_ok[src] || !m->dc_ok[m->cur]) {
        bad_reply(m, now);
        return;
    }
    for (uint8_t j = 0u; j < n; j++) {
        if (dc_target(m, j) && m->dc_ok[j]) {
            m->dc_off[j] = ecat_dc_offset(m->dc_off[j], m->dc_sys[j], m->slave[j].dc_delay_ns, m->dc_sys[src],
                                          m->slave[src].dc_delay_ns);
        }
    }
    m->dc_now_ns = m->dc_sys[src] - m->slave[src].dc_delay_ns;
    m->dc_now_us = now;
    go(m, ST_DC_SET, now);
}

static void on_reply(ecat_master_t *m, ecat_dg_t *d, unsigned n_dg, uint32_t now)
{
    ecat_slave_t *s = &m->slave[m->cur];
    uint8_t n = m->n_cfg;
    uint16_t w = ecat_dg_wkc(&d[0]);
    switch (m->step) {
    case ST_COUNT:
        m->n_found = (uint8_t)(w > 255u ? 255u : w);
        if (w != n) {
            fail(m, ECAT_EV_COUNT, 0xFFu, w, now);
            return;
        }
        go(m, ST_INIT_ALL, now);
        return;
    case ST_INIT_ALL:
        if (w != n) {
            bad_reply(m, now);
            return;
        }
        go(m, ST_INIT_ALL_WAIT, now);
        return;
    case ST_INIT_ALL_WAIT:
        /* BRD ORs every slave's status: exactly INIT without error means all are there */
        if (w == n && (le_get_u16(d[0].data) & 0x1Fu) == AL_INIT) {
            for (uint8_t j = 0u; j < n; j++) {
                m->slave[j].al_state = AL_INIT;
            }
            go(m, ST_CLEAR_ALL, now);
        } else {
            poll_again(m, now);
        }
        return;
    case ST_CLEAR_ALL:
        if (!wkc_is(d, n_dg, n)) {
            bad_reply(m, now);
            return;
        }
        m->cur = 0u;
        go(m, ST_STATION, now);
        return;
    case ST_PROBE: {
        uint16_t v = le_get_u16(d[0].data);
        if (w == 1u && (v == 0u || v == s->station)) {
            go(m, ST_STATION, now); /* back (address lost after power-up) or present but out of OP */
        } else {
            m->recovering = false;
            m->awaiting = false;
            m->step = ST_DONE;
            s->retry_at_us = now + PROBE_US;
        }
        return;
    }
    case ST_AL_WAIT: {
        if (w != 1u) {
            bad_reply(m, now);
            return;
        }
        uint16_t st = le_get_u16(d[0].data);
        s->al_state = (uint8_t)(st & 0x0Fu);
        s->al_code = le_get_u16(d[0].data + 4);
        if ((st & 0x1Fu) == m->want_state) {
            state_reached(m, now);
        } else if ((st & AL_ERROR) != 0u && m->want_state != AL_INIT) {
            /* refused: report, acknowledge, give up (INIT+ack clears any stale error) */
            emit(m, ECAT_EV_AL_ERROR, m->cur, ((uint32_t)s->al_code << 16) | st);
            go(m, ST_ERR_ACK, now);
        } else {
            poll_again(m, now);
        }
        return;
    }
    case ST_ERR_ACK:
        give_up(m, now);
        return;
    default:
        break;
    }
    /* the rest address one slave: every datagram must have been served once (write or read) */
    uint16_t each = (m->step == ST_DC_SYNC && !m->recovering) || m->step == ST_DC_LATCH ? n : 1u;
    if (m->step == ST_DC_LATCH && m->recovering) {
        each = w >= 1u ? w : 1u; /* a broadcast: whoever is there latches */
    }
    if (m->step != ST_DC_RECV && m->step != ST_DC_TIME && m->step != ST_SDO_WRITE && !wkc_is(d, n_dg, each)) {
        bad_reply(m, now);
        return;
    }
    switch (m->step) {
    case ST_STATION:
        s->station = station_of(m->cur);
        s->present = true;
        s->mbx_counter = 1u;
        if (m->recovering) {
            go(m, ST_INIT_ONE, now);
        } else {
            m->sub = 0u;
            go(m, ST_SII_CMD, now);
        }
        return;
    case ST_INIT_ONE:
        wait_state(m, AL_INIT, ST_CLEAR_ONE, now);
        return;
    case ST_CLEAR_ONE:
        m->sub = 0u;
        go(m, ST_SII_CMD, now);
        return;
    case ST_SII_CMD:
        go(m, ST_SII_BUSY, now);
        return;
    case ST_SII_BUSY:
        if ((le_get_u16(d[0].data) & SII_BUSY) == 0u) {
            go(m, ST_SII_DATA, now);
        } else {
            poll_again(m, now);
        }
        return;
    case ST_SII_DATA:
        on_sii(m, le_get_u32(d[0].data), now);
        return;
    case ST_MBX_SM:
        go(m, ST_PREOP, now);
        return;
    case ST_PREOP:
        wait_state(m, AL_PREOP, ST_SDO_WRITE, now);
        return;
    case ST_SDO_WRITE:
        if (w != 1u) {
            poll_again(m, now); /* mailbox still full: the slave has not taken the last one yet */
            return;
        }
        s->mbx_counter = (uint8_t)(s->mbx_counter % 7u + 1u);
        go(m, ST_SDO_POLL, now);
        return;
    case ST_SDO_POLL:
        if ((d[0].data[0] & SM_MBX_FULL) != 0u) {
            go(m, ST_SDO_READ, now);
        } else {
            poll_again(m, now);
        }
        return;
    case ST_SDO_READ:
        on_mailbox(m, &d[0], now);
        return;
    case ST_PD:
        slave_configured(m, now);
        return;
    case ST_DC_LATCH:
        go(m, ST_DC_RECV, now);
        return;
    case ST_DC_RECV: {
        for (uint8_t j = 0u; j < n; j++) {
            m->dc_ok[j] = ecat_dg_wkc(&d[j]) == 1u;
            m->dc_loop[j] = ecat_dc_loop_ns(le_get_u32(d[j].data), le_get_u32(d[j].data + 4));
        }
        if (!m->dc_ok[m->cur]) {
            bad_reply(m, now);
            return;
        }
        /* without the reference's loop time (it is lost too) the earlier delays stand */
        for (uint8_t j = 0u; j < n && m->dc_ok[0]; j++) {
            if (dc_target(m, j) && m->dc_ok[j]) {
                m->slave[j].dc_delay_ns = j == 0u ? 0u : ecat_dc_delay_ns(m->dc_loop[0], m->dc_loop[j]);
            }
        }
        go(m, ST_DC_TIME, now);
        return;
    }
    case ST_DC_TIME:
        on_dc_time(m, d, now);
        return;
    case ST_DC_SET:
        go(m, ST_DC_SYNC, now);
        return;
    case ST_DC_SYNC:
        if (!m->recovering) {
            m->cur = 0u;
        }
        go(m, ST_SAFEOP, now);
        return;
    case ST_SAFEOP:
        wait_state(m, AL_SAFEOP, ST_SAFEOP, now);
        return;
    case ST_OP:
        wait_state(m, AL_OP, ST_OP, now);
        return;
    default:
        return;
    }
}

/* ------------------------------------------------------------------ cyclic frame */

static bool send_cycle(ecat_master_t *m, uint32_t now)
{
    uint8_t n = m->n_cfg;
    if (m->cycle_in_flight) {
        m->stats.frames_lost++;
        m->lost_in_row++;
        m->prev_ref_valid = false;
        emit(m, ECAT_EV_FRAME_LOST, 0xFFu, m->lost_in_row);
        m->cycle_in_flight = false;
    }
    if (m->safe_active) {
        for (uint8_t k = 0u; k < n; k++) {
            le_put_u16(&m->out_img[(size_t)k * ECAT_OUT_PDO_LEN], m->safe_controlword);
        }
    }
    ecat_builder_t b;
    m->cyc_idx = (uint8_t)(0x80u | (m->seq++ & 0x7Fu));
    ecat_build_begin(&b, m->tx, sizeof m->tx, m->mac);
    /* the reference clock reads its system time, every other slave is set to it (drift control) */
    m->cyc_frmw = m->slave[0].in_op || m->own_cycles;
    m->cyc_n_dg = 0u;
    if (m->cyc_frmw) {
        (void)ecat_build_dg(&b, ECAT_CMD_FRMW, m->cyc_idx, ecat_addr(station_of(0u), REG_DC_SYSTIME), NULL, 8u);
        m->cyc_n_dg++;
    }
    uint8_t *p = ecat_build_dg(&b, ECAT_CMD_LRW, m->cyc_idx, 0u, NULL,
                               (uint16_t)(n * (ECAT_OUT_PDO_LEN + ECAT_IN_PDO_LEN)));
    if (p == NULL) {
        return false;
    }
    memcpy(p, m->out_img, (size_t)n * ECAT_OUT_PDO_LEN);
    m->cyc_n_dg++;
    for (uint8_t k = 0u; k < n; k++) {
        /* AL status, reserved, AL status code: why a slave left OP */
        (void)ecat_build_dg(&b, ECAT_CMD_FPRD, m->cyc_idx, ecat_addr(station_of(k), REG_AL_STATUS), NULL, 6u);
        m->cyc_n_dg++;
    }
    size_t len = ecat_build_end(&b);
    if (!m->port->eth_send(m->ctx, m->hw, m->tx, len)) {
        return false;
    }
    m->cycle_in_flight = true;
    m->in_fresh = false;
    m->cycle_sent_us = now;
    m->stats.cycles++;
    return true;
}

static void slave_lost(ecat_master_t *m, uint8_t k, uint16_t wkc, uint16_t st, uint16_t code, uint32_t now)
{
    ecat_slave_t *s = &m->slave[k];
    s->in_op = false;
    if (wkc != 0u && (st & AL_ERROR) != 0u) {
        s->al_code = code;
        emit(m, ECAT_EV_AL_ERROR, k, ((uint32_t)code << 16) | st); /* e.g. 0x001B: SM watchdog */
    }
    s->present = wkc != 0u;
    s->retry_at_us = now;
    m->stats.slave_lost_events++;
    emit(m, ECAT_EV_SLAVE_LOST, k, wkc != 0u ? st : 0u);
    if (m->phase == ECAT_M_OP) {
        m->phase = ECAT_M_DEGRADED; /* during start-up the chain finishes first, then recovery starts */
    }
}

static void on_cycle(ecat_master_t *m, ecat_dg_t *d, unsigned n_dg, uint32_t now)
{
    uint8_t n = m->n_cfg;
    if (!m->cycle_in_flight || n_dg != m->cyc_n_dg || d[0].idx != m->cyc_idx) {
        return;
    }
    /* the shape sent: [FRMW 8] LRW 28n, FPRD 6 × n */
    unsigned first = m->cyc_frmw ? 1u : 0u;
    bool shape = d[first].cmd == ECAT_CMD_LRW && d[first].len == n * (ECAT_OUT_PDO_LEN + ECAT_IN_PDO_LEN) &&
                 (first == 0u || (d[0].cmd == ECAT_CMD_FRMW && d[0].len == 8u));
    for (unsigned k = first + 1u; k < n_dg; k++) {
        shape = shape && d[k].cmd == ECAT_CMD_FPRD && d[k].len == 6u;
    }
    if (!shape) {
        return;
    }
    m->cycle_in_flight = false;
    m->lost_in_row = 0u;
    m->cycles_back++;
    unsigned i = 0u;
    if (m->cyc_frmw) {
        const ecat_dg_t *f = &d[i++];
        if (ecat_dg_wkc(f) != 0u) {
            uint64_t ref = get_u64(f->data);
            if (m->prev_ref_valid) {
                /* jitter = |Δt_ref − cycle| between consecutive cycles */
                uint64_t dt = ref - m->prev_ref_ns;
                uint64_t dev = dt > m->cycle_ns ? dt - m->cycle_ns : m->cycle_ns - dt;
                uint32_t j = dev > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)dev;
                m->stats.jitter_last_ns = j;
                if (j > m->stats.jitter_max_ns) {
                    m->stats.jitter_max_ns = j;
                }
            }
            m->prev_ref_ns = ref;
            m->prev_ref_valid = true;
            m->stats.ref_time_ns = ref;
        } else {
            m->prev_ref_valid = false;
        }
    } else {
        m->prev_ref_valid = false;
    }
    const ecat_dg_t *l = &d[i++];
    memcpy(m->in_img, l->data + (size_t)n * ECAT_OUT_PDO_LEN, (size_t)n * ECAT_IN_PDO_LEN);
    m->wkc = ecat_dg_wkc(l);
    m->in_valid = true;
    m->in_fresh = true;
    bool cycling = m->phase == ECAT_M_OP || m->phase == ECAT_M_DEGRADED;
    if (cycling && m->wkc != m->wkc_expected) {
        m->stats.wkc_errors++;
        if (!m->wkc_event_sent || reached(now, m->last_wkc_event_us + WKC_EVENT_US)) {
            m->wkc_event_sent = true;
            m->last_wkc_event_us = now;
            emit(m, ECAT_EV_WKC, 0xFFu, ((uint32_t)m->wkc << 16) | m->wkc_expected);
        }
    }
    for (uint8_t k = 0u; k < n; k++, i++) {
        uint16_t w = ecat_dg_wkc(&d[i]);
        uint16_t st = le_get_u16(d[i].data);
        ecat_slave_t *s = &m->slave[k];
        if (!s->in_op) {
            continue; /* configured (or being recovered) by the transaction chain */
        }
        s->al_state = w != 0u ? (uint8_t)(st & 0x0Fu) : 0u;
        if (w == 0u || (st & 0x1Fu) != AL_OP) {
            slave_lost(m, k, w, st, le_get_u16(d[i].data + 4), now);
        }
    }
}

/* ------------------------------------------------------------------ API */

void ecat_master_init(ecat_master_t *m, const ecat_port_t *port, void *ctx, uint8_t hw, const uint8_t mac[6])
{
    memset(m, 0, sizeof *m);
    m->port = port;
    m->ctx = ctx;
    m->hw = hw;
    memcpy(m->mac, mac, 6u);
    m->phase = ECAT_M_IDLE;
}

void ecat_master_configure(ecat_master_t *m, const ecat_slave_cfg_t *slaves, uint8_t n, uint32_t cycle_us,
                           uint32_t now_us)
{
    if (n > ECAT_MAX_SLAVES) {
        n = ECAT_MAX_SLAVES;
    }
    m->n_cfg = n;
    m->n_found = 0u;
    memset(m->cfg, 0, sizeof m->cfg);
    memcpy(m->cfg, slaves, (size_t)n * sizeof *slaves);
    memset(m->slave, 0, sizeof m->slave);
    for (uint8_t k = 0u; k < n; k++) {
        m->slave[k].station = station_of(k);
        m->slave[k].mbx_counter = 1u;
    }
    m->cycle_ns = cycle_us * 1000u;
    m->wkc_expected = (uint16_t)(3u * n);
    m->wkc = 0u;
    memset(m->out_img, 0, sizeof m->out_img);
    memset(m->in_img, 0, sizeof m->in_img);
    memset(&m->stats, 0, sizeof m->stats);
    memset(&m->last_sdo, 0, sizeof m->last_sdo);
    m->cycle_in_flight = false;
    m->in_fresh = false;
    m->in_valid = false;
    m->prev_ref_valid = false;
    m->lost_in_row = 0u;
    m->wkc_event_sent = false;
    m->own_cycles = false;
    m->recovering = false;
    m->cycles_back = 0u;
    m->cur = 0u;
    m->sub = 0u;
    m->dc_start_ns = 0u;
    m->phase = n > 0u ? ECAT_M_STARTUP : ECAT_M_IDLE;
    go(m, n > 0u ? ST_COUNT : ST_IDLE, now_us);
}

void ecat_master_rx(ecat_master_t *m, const uint8_t *frame, size_t len, uint32_t now_us)
{
    ecat_dg_t d[MAX_DG];
    if (m->phase == ECAT_M_IDLE) {
        return;
    }
    /* parse a copy: the caller's frame is const and the walk hands out mutable pointers */
    uint8_t buf[ECAT_MAX_FRAME];
    if (len > sizeof buf) {
        return;
    }
    memcpy(buf, frame, len);
    unsigned n_dg = ecat_frame_parse(buf, len, d, MAX_DG);
    if (n_dg == 0u) {
        return;
    }
    if ((d[0].idx & 0x80u) != 0u) {
        on_cycle(m, d, n_dg, now_us);
        return;
    }
    uint32_t shape = 2166136261u;
    for (unsigned i = 0u; i < n_dg; i++) {
        shape = shape_mix(shape, d[i].cmd, d[i].len);
    }
    if (!m->awaiting || d[0].idx != m->idx || n_dg != m->n_dg || shape != m->txn_shape ||
        m->phase == ECAT_M_FAILED) {
        return; /* late reply to an earlier send, or not ours, or mangled */
    }
    m->awaiting = false;
    on_reply(m, d, n_dg, now_us);
    if (!m->awaiting && m->step != ST_IDLE && m->step != ST_DONE && m->phase != ECAT_M_FAILED) {
        issue(m, now_us); /* next transaction at once: start-up is a chain of round trips */
    }
}

void ecat_master_poll(ecat_master_t *m, uint32_t now_us)
{
    if (m->phase == ECAT_M_IDLE || m->phase == ECAT_M_FAILED) {
        return;
    }
    if (m->own_cycles && reached(now_us, m->own_cycle_us + m->cycle_ns / 1000u)) {
        m->own_cycle_us = now_us;
        (void)send_cycle(m, now_us);
    }
    if (m->awaiting) {
        if (reached(now_us, m->t_sent_us + ECAT_TRANSACTION_TIMEOUT_US)) {
            m->awaiting = false;
            if (m->tries > RETRIES) {
                timeout(m, now_us);
                return;
            }
            issue(m, now_us);
        }
        return;
    }
    if (m->step == ST_DONE) {
        bool any_lost = false;
        for (uint8_t k = 0u; k < m->n_cfg; k++) {
            if (m->slave[k].in_op) {
                continue;
            }
            any_lost = true;
            if (reached(now_us, m->slave[k].retry_at_us)) {
                m->cur = k;
                m->recovering = true;
                go(m, ST_PROBE, now_us);
                break;
            }
        }
        m->phase = any_lost ? ECAT_M_DEGRADED : ECAT_M_OP;
        if (m->step == ST_DONE) {
            return;
        }
    }
    if (m->step != ST_IDLE) {
        issue(m, now_us);
    }
}

bool ecat_master_cycle(ecat_master_t *m, const uint8_t *outputs, uint32_t now_us)
{
    if (m->phase != ECAT_M_OP && m->phase != ECAT_M_DEGRADED) {
        return false;
    }
    if (outputs != NULL) {
        memcpy(m->out_img, outputs, (size_t)m->n_cfg * ECAT_OUT_PDO_LEN);
    }
    return send_cycle(m, now_us);
}

bool ecat_master_inputs(const ecat_master_t *m, const uint8_t **inputs, uint16_t *wkc, uint16_t *wkc_expected)
{
    *inputs = m->in_img;
    *wkc = m->wkc;
    *wkc_expected = m->wkc_expected;
    return m->in_valid;
}

void ecat_master_set_safe(ecat_master_t *m, bool on, uint16_t controlword)
{
    m->safe_active = on;
    m->safe_controlword = controlword;
}

uint8_t ecat_master_lowest_state(const ecat_master_t *m)
{
    /* a silent slave counts as 0: the bridge must not report OP while one is missing */
    uint8_t low = 0xFFu;
    for (uint8_t k = 0u; k < m->n_cfg; k++) {
        if (m->slave[k].al_state < low) {
            low = m->slave[k].al_state;
        }
    }
    return low == 0xFFu ? 0u : low;
}
