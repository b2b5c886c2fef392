/*
 * emu_ecat.c — an emulated EtherCAT segment (see emu_ecat.h): each slave an ESC with registers, SII
 * EEPROM, sync managers, FMMUs, distributed clock, SM watchdog and EtherCAT state machine, running the
 * CoE mailbox SDO server of its CiA 402 drive (emu_cia402.c).
 *
 * Source of the wire facts (datagrams, addressing, WKC rules, register map, SII word addresses,
 * mailbox and CoE layouts, AL status codes): ETG.1000.4 / ETG.1000.6 and the Beckhoff ESC datasheet
 * section II, with the fixed PDO mapping of PROTOCOL.md §5. Reads: frames from the master, the
 * shaft state (through the drive). Writes: the frames in place (data, ADP, WKC), the drives' outputs.
 */
#include "emu_ecat.h"

#include <string.h>

#include "le.h"

/* ---- wire and register constants ---- */

#define ETH_HDR 14u
#define FRAME_HDR 16u               /* Ethernet + EtherCAT header */
#define DG_HDR 10u
#define MAX_DGS 128u
#define MAX_DATA 2048u            /* the 11-bit datagram length bounds every copy */

#define CMD_NOP 0u
#define CMD_APRD 1u
#define CMD_APWR 2u
#define CMD_APRW 3u
#define CMD_FPRD 4u
#define CMD_FPWR 5u
#define CMD_FPRW 6u
#define CMD_BRD 7u
#define CMD_BWR 8u
#define CMD_BRW 9u
#define CMD_LRD 10u
#define CMD_LWR 11u
#define CMD_LRW 12u
#define CMD_ARMW 13u
#define CMD_FRMW 14u

#define REG_TYPE 0x0000u
#define REG_FMMU_N 0x0004u
#define REG_SM_N 0x0005u
#define REG_RAM_KB 0x0006u
#define REG_STATION 0x0010u
#define REG_ALIAS 0x0012u
#define REG_AL_CONTROL 0x0120u
#define REG_AL_STATUS 0x0130u
#define REG_AL_CODE 0x0134u
#define REG_WD_DIV 0x0400u
#define REG_WD_PD 0x0420u
#define REG_WD_STATUS 0x0440u
#define REG_SII_CTRL 0x0502u
#define REG_SII_ADDR 0x0504u
#define REG_SII_DATA 0x0508u
#define REG_FMMU 0x0600u
#define REG_SM 0x0800u
#define REG_RX_TIME0 0x0900u
#define REG_RX_TIME1 0x0904u
#define REG_SYS_TIME 0x0910u
#define REG_RX_TIME_PU 0x0918u
#define REG_SYS_OFFSET 0x0920u
#define PROC_RAM 0x1000u

#define ESC_TYPE 0x11u              /* ET1100 */
#define ESC_FMMUS 3u
#define ESC_SMS 4u
#define N_SM 4u
#define N_FMMU 16u                  /* register space 0x0600–0x06FF */

#define AL_INIT 1u
#define AL_PREOP 2u
#define AL_BOOT 3u
#define AL_SAFEOP 4u
#define AL_OP 8u

/* AL status codes (ETG.1000.6) */
#define AL_ERR_INVALID_CHANGE 0x0011u
#define AL_ERR_UNKNOWN_STATE 0x0012u
#define AL_ERR_NO_BOOT 0x0013u
#define AL_ERR_MBX_CONFIG 0x0016u
#define AL_ERR_SM_WATCHDOG 0x001Bu
#define AL_ERR_OUTPUT_CONFIG 0x001Du
#define AL_ERR_INPUT_CONFIG 0x001Eu

/* SII words (ETG.1000.6 / ETG.2010) */
#define SII_VENDOR 0x0008u
#define SII_PRODUCT 0x000Au
#define SII_REVISION 0x000Cu
#define SII_SERIAL 0x000Eu
#define SII_MBX_RX 0x0018u
#define SII_MBX_TX 0x001Au
#define SII_MBX_PROTO 0x001Cu
#define SII_SIZE 0x003Eu
#define SII_VERSION 0x003Fu

#define MBX_OUT 0x1000u
#define MBX_IN 0x1080u
#define MBX_LEN 128u
#define MBX_HDR 6u
#define MBX_TYPE_ERR 0u
#define MBX_TYPE_COE 3u
#define MBX_ERR_UNSUPPORTED_PROTOCOL 0x0002u
#define MBX_ERR_SERVICE 0x0004u
#define MBX_ERR_SIZE_SHORT 0x0006u
#define COE_SDO_REQ 2u
#define COE_SDO_RESP 3u

/* SDO abort codes (CiA 301) */
#define ABORT_TOGGLE 0x05030000u
#define ABORT_COMMAND 0x05040001u
#define ABORT_UNSUPPORTED 0x06010000u
#define ABORT_LENGTH 0x06070010u
#define ABORT_LENGTH_HIGH 0x06070012u

#define CIA_ERR_COMM 0x8700u

/* forwarding delay of one slave, one direction (processing + two PHYs; an illustrative figure) */
#define FWD_NS 500u
#define NS_PER_BYTE 80u             /* 100 Mbit/s */

/* ---- small helpers ---- */

static uint16_t rd16(const emu_esc_t *e, uint32_t a)
{
    return le_get_u16(&e->mem[a]);
}

static uint32_t rd32(const emu_esc_t *e, uint32_t a)
{
    return le_get_u32(&e->mem[a]);
}

static uint64_t rd64(const emu_esc_t *e, uint32_t a)
{
    return (uint64_t)rd32(e, a) | ((uint64_t)rd32(e, a + 4u) << 32);
}

static void wr16(emu_esc_t *e, uint32_t a, uint16_t v)
{
    le_put_u16(&e->mem[a], v);
}

static void wr32(emu_esc_t *e, uint32_t a, uint32_t v)
{
    le_put_u32(&e->mem[a], v);
}

static void wr64(emu_esc_t *e, uint32_t a, uint64_t v)
{
    wr32(e, a, (uint32_t)v);
    wr32(e, a + 4u, (uint32_t)(v >> 32));
}

/* does [a, a + n) touch [r, r + m)? */
static bool touches(uint32_t a, uint32_t n, uint32_t r, uint32_t m)
{
    return a < r + m && r < a + n;
}

typedef struct {
    uint32_t start, len;
    uint8_t ctrl;
    bool on;
} sm_t;

static sm_t sm_get(const emu_esc_t *e, unsigned i)
{
    uint32_t base = REG_SM + 8u * i;
    sm_t s;
    s.start = rd16(e, base);
    s.len = rd16(e, base + 2u);
    s.ctrl = e->mem[base + 4u];
    s.on = (e->mem[base + 6u] & 1u) != 0u && s.len > 0u && s.start >= PROC_RAM && s.start + s.len <= EMU_ESC_MEM;
    return s;
}

static bool sm_mailbox(const sm_t *s)
{
    return (s->ctrl & 3u) == 2u;
}

static bool sm_master_writes(const sm_t *s)
{
    return ((s->ctrl >> 2) & 3u) == 1u;
}

static uint8_t present_count(const emu_ecat_t *seg)
{
    uint8_t n = 0u;
    for (uint8_t k = 0u; k < seg->n; k++) {
        n = (uint8_t)(n + (seg->slave[k].present ? 1u : 0u));
    }
    return n;
}

/* bytes of a PDO as mapped and assigned */
static uint32_t pdo_bytes(const uint32_t *map, uint8_t n, uint8_t assigned)
{
    uint32_t bits = 0u;
    if (assigned != 0u) {
        for (uint8_t i = 0u; i < n; i++) {
            bits += map[i] & 0xFFu;
        }
    }
    return bits / 8u;
}

/* ---- power-up ---- */

/* SII configuration-area checksum (IEC 61158-6-12 §5.4): CRC-8, x^8 + x^2 + x + 1, initial 0xFF, words 0–6 */
static uint8_t sii_crc(const uint16_t *w)
{
    uint8_t crc = 0xFFu;
    for (unsigned i = 0u; i < 14u; i++) {
        uint8_t b = (uint8_t)((i & 1u) != 0u ? w[i / 2u] >> 8 : w[i / 2u] & 0xFFu);
        crc ^= b;
        for (unsigned j = 0u; j < 8u; j++) {
            crc = (uint8_t)((crc & 0x80u) != 0u ? (uint8_t)(crc << 1) ^ 0x07u : (uint8_t)(crc << 1));
        }
    }
    return crc;
}

static void sii_put32(uint16_t *w, unsigned a, uint32_t v)
{
    w[a] = (uint16_t)(v & 0xFFFFu);
    w[a + 1u] = (uint16_t)(v >> 16);
}

static void esc_power_up(emu_esc_t *e, uint8_t k, uint16_t joint)
{
    memset(e, 0, sizeof *e);
    e->joint = joint;
    e->present = true;
    e->al_state = AL_INIT;
    e->upload_seg_max = 7u;
    emu_cia402_init(&e->drive);
    e->drive.serial = 1u + k;
    e->mem[REG_TYPE] = ESC_TYPE;
    e->mem[REG_FMMU_N] = ESC_FMMUS;
    e->mem[REG_SM_N] = ESC_SMS;
    e->mem[REG_RAM_KB] = (uint8_t)((EMU_ESC_MEM - PROC_RAM) / 1024u);
    wr16(e, REG_WD_DIV, 2498u);   /* (2498 + 2) · 40 ns = 100 µs */
    wr16(e, REG_WD_PD, 1000u);    /* 1000 · 100 µs = 100 ms */
    sii_put32(e->sii, SII_VENDOR, 0x0000CB01u);
    sii_put32(e->sii, SII_PRODUCT, 0x00402001u);
    sii_put32(e->sii, SII_REVISION, 1u);
    sii_put32(e->sii, SII_SERIAL, e->drive.serial);
    e->sii[SII_MBX_RX] = MBX_OUT;
    e->sii[SII_MBX_RX + 1u] = MBX_LEN;
    e->sii[SII_MBX_TX] = MBX_IN;
    e->sii[SII_MBX_TX + 1u] = MBX_LEN;
    e->sii[SII_MBX_PROTO] = 0x0004u; /* CoE */
    e->sii[SII_SIZE] = 0u;           /* (size in KiBit) − 1: 128 bytes */
    e->sii[SII_VERSION] = 1u;
    e->sii[7] = sii_crc(e->sii);
    wr16(e, REG_ALIAS, e->sii[4]);
}

void emu_ecat_init(emu_ecat_t *seg, uint8_t n, const uint16_t *joint)
{
    memset(seg, 0, sizeof *seg);
    seg->n = n > EMU_ECAT_MAX_SLAVES ? (uint8_t)EMU_ECAT_MAX_SLAVES : n;
    for (uint8_t k = 0u; k < seg->n; k++) {
        esc_power_up(&seg->slave[k], k, joint != NULL ? joint[k] : k);
    }
}

void emu_ecat_set_present(emu_ecat_t *seg, uint8_t k, bool present)
{
    if (k >= seg->n) {
        return;
    }
    emu_esc_t *e = &seg->slave[k];
    if (present && !e->present) {
        esc_power_up(e, k, e->joint); /* power-up: INIT, station address 0, default mapping */
    }
    e->present = present;
}

/* ---- process data ---- */

/* SM2 buffer → drive, through the RxPDO mapping; objects not mapped keep their last value */
static void apply_outputs(emu_esc_t *e)
{
    sm_t s = sm_get(e, 2u);
    emu_cia402_t *d = &e->drive;
    if (!s.on || d->rx_assigned == 0u) {
        return;
    }
    uint16_t cw = d->controlword;
    int8_t mode = d->mode;
    int32_t pos = d->target_pos, vel = d->target_vel;
    int16_t torque = d->target_torque;
    uint32_t off = 0u;
    for (uint8_t i = 0u; i < d->n_rx; i++) {
        uint32_t n = (d->rx_map[i] & 0xFFu) / 8u;
        if (off + n > s.len) {
            break;
        }
        const uint8_t *p = &e->mem[s.start + off];
        uint32_t u = n == 1u ? p[0] : n == 2u ? le_get_u16(p) : le_get_u32(p);
        switch (d->rx_map[i] >> 16) {
        case 0x6040: cw = (uint16_t)u; break;
        case 0x6060: { uint8_t b = (uint8_t)u; memcpy(&mode, &b, 1u); break; }
        case 0x607A: memcpy(&pos, &u, sizeof pos); break;
        case 0x60FF: memcpy(&vel, &u, sizeof vel); break;
        case 0x6071: { uint16_t h = (uint16_t)u; memcpy(&torque, &h, sizeof torque); break; }
        case 0x6072: d->max_permille = (uint16_t)u; break;
        default: break;
        }
        off += n;
    }
    emu_cia402_on_outputs(d, cw, mode, pos, vel, torque);
}

/* drive → SM3 buffer, packed by the TxPDO mapping */
static void pack_inputs(emu_esc_t *e, const sm_t *s)
{
    emu_cia402_t *d = &e->drive;
    uint32_t off = 0u;
    if (d->tx_assigned == 0u) {
        return;
    }
    for (uint8_t i = 0u; i < d->n_tx; i++) {
        uint8_t v[8];
        uint32_t len = 0u;
        uint32_t n = (d->tx_map[i] & 0xFFu) / 8u;
        if (off + n > s->len) {
            break;
        }
        if (emu_cia402_sdo_read(d, (uint16_t)(d->tx_map[i] >> 16), (uint8_t)(d->tx_map[i] >> 8), v, sizeof v,
                                &len) == 0u && len >= n) {
            memcpy(&e->mem[s->start + off], v, n);
        }
        off += n;
    }
}

static void outputs_received(emu_ecat_t *seg, emu_esc_t *e)
{
    e->sm_wd_last_ns = seg->now_ns;
    e->wd_expired = false;
    e->outputs_valid = true;
    if (e->al_state == AL_OP) {
        apply_outputs(e);
    }
}

/* ---- EtherCAT state machine ---- */

static bool mailbox_ok(const emu_esc_t *e)
{
    sm_t s0 = sm_get(e, 0u), s1 = sm_get(e, 1u);
    return s0.on && s1.on && sm_mailbox(&s0) && sm_master_writes(&s0) && sm_mailbox(&s1) &&
           !sm_master_writes(&s1) && s0.start == e->sii[SII_MBX_RX] && s0.len == e->sii[SII_MBX_RX + 1u] &&
           s1.start == e->sii[SII_MBX_TX] && s1.len == e->sii[SII_MBX_TX + 1u];
}

/* a process-data SM of len bytes, direction master_writes, covered by an active FMMU of that direction */
static bool pd_ok(const emu_esc_t *e, unsigned sm, bool master_writes, uint32_t len)
{
    sm_t s = sm_get(e, sm);
    if (len == 0u || !s.on || sm_mailbox(&s) || (s.ctrl & 3u) != 0u || sm_master_writes(&s) != master_writes ||
        s.len != len) {
        return false;
    }
    uint8_t want = master_writes ? 2u : 1u;
    for (unsigned i = 0u; i < N_FMMU; i++) {
        uint32_t b = REG_FMMU + 16u * i;
        uint32_t flen = rd16(e, b + 4u), phys = rd16(e, b + 8u);
        if ((e->mem[b + 12u] & 1u) != 0u && (e->mem[b + 11u] & want) != 0u && phys <= s.start &&
            phys + flen >= s.start + s.len) {
            return true;
        }
    }
    return false;
}

/* 0 if cur → req is allowed now, else the AL status code */
static uint16_t esm_check(const emu_esc_t *e, uint8_t req)
{
    const emu_cia402_t *d = &e->drive;
    if (req != AL_INIT && req != AL_PREOP && req != AL_BOOT && req != AL_SAFEOP && req != AL_OP) {
        return AL_ERR_UNKNOWN_STATE;
    }
    if (req == AL_BOOT) {
        return AL_ERR_NO_BOOT;
    }
    if (req < e->al_state) {
        return 0u; /* back-steps and → INIT are always allowed */
    }
    switch (e->al_state) {
    case AL_INIT:
        if (req != AL_PREOP) {
            return AL_ERR_INVALID_CHANGE;
        }
        return mailbox_ok(e) ? 0u : AL_ERR_MBX_CONFIG;
    case AL_PREOP:
        if (req != AL_SAFEOP) {
            return AL_ERR_INVALID_CHANGE;
        }
        if (!pd_ok(e, 2u, true, pdo_bytes(d->rx_map, d->n_rx, d->rx_assigned))) {
            return AL_ERR_OUTPUT_CONFIG;
        }
        if (!pd_ok(e, 3u, false, pdo_bytes(d->tx_map, d->n_tx, d->tx_assigned))) {
            return AL_ERR_INPUT_CONFIG;
        }
        return 0u;
    case AL_SAFEOP:
        /* OP only once outputs arrived (refused with the SM watchdog code until then) */
        return e->outputs_valid ? 0u : AL_ERR_SM_WATCHDOG;
    default:
        return AL_ERR_INVALID_CHANGE;
    }
}

static void mbx_reset(emu_esc_t *e)
{
    e->mbx_out_full = false;
    e->mbx_in_full = false;
    e->seg_active = false;
}

static void esm_enter(emu_ecat_t *seg, emu_esc_t *e, uint8_t to)
{
    uint8_t from = e->al_state;
    e->al_state = to;
    if (from == AL_OP) {
        emu_cia402_comm_lost(&e->drive); /* leaving OP: outputs no longer valid */
    }
    if (to <= AL_PREOP || from == AL_PREOP) {
        e->outputs_valid = false;
    }
    if (to == AL_INIT) {
        mbx_reset(e);
    }
    if (to == AL_OP) {
        e->sm_wd_last_ns = seg->now_ns;
        apply_outputs(e);
    }
}

static void al_control(emu_ecat_t *seg, emu_esc_t *e, uint16_t v)
{
    uint8_t req = (uint8_t)(v & 0x0Fu);
    if ((v & 0x10u) != 0u) {
        e->al_error = false; /* error acknowledge */
        e->al_code = 0u;
    } else if (e->al_error && req >= e->al_state) {
        return; /* an error indication must be acknowledged before going up */
    }
    if (req == e->al_state) {
        return;
    }
    uint16_t code = esm_check(e, req);
    if (code != 0u) {
        e->al_error = true;
        e->al_code = code;
        return;
    }
    esm_enter(seg, e, req);
}

/* the process-data watchdog runs whatever SM2's "watchdog trigger" bit says: the master's SM2 control
 * byte (0x24) leaves it clear, and a drive in OP without a watchdog would never stop */
static void watchdog(emu_ecat_t *seg, emu_esc_t *e)
{
    /* ESC datasheet: watchdog increment = (divider + 2) · 40 ns; time 0 disables the watchdog */
    uint64_t wd_ns = (uint64_t)rd16(e, REG_WD_PD) * ((uint64_t)rd16(e, REG_WD_DIV) + 2u) * 40u;
    if (e->al_state != AL_OP || wd_ns == 0u || seg->now_ns < e->sm_wd_last_ns ||
        seg->now_ns - e->sm_wd_last_ns <= wd_ns) {
        return;
    }
    e->wd_expired = true;
    e->al_state = AL_SAFEOP;
    e->al_error = true;
    e->al_code = AL_ERR_SM_WATCHDOG;
    e->outputs_valid = false;
    if (e->drive.state != CIA_FAULT && e->drive.state != CIA_FAULT_REACTION) {
        e->drive.error_code = CIA_ERR_COMM;
    }
    emu_cia402_comm_lost(&e->drive);
}

/* ---- mailbox: CoE SDO server ---- */

static uint8_t *mbx_begin(emu_esc_t *e)
{
    sm_t s1 = sm_get(e, 1u);
    memset(&e->mem[s1.start], 0, s1.len);
    return &e->mem[s1.start + MBX_HDR];
}

static void mbx_finish(emu_esc_t *e, uint8_t type, uint16_t len)
{
    sm_t s1 = sm_get(e, 1u);
    uint8_t *h = &e->mem[s1.start];
    e->mbx_out_counter = (uint8_t)(e->mbx_out_counter % 7u + 1u); /* 1..7 */
    le_put_u16(h, len);
    le_put_u16(h + 2u, 0u);
    h[4] = 0u;
    h[5] = (uint8_t)((unsigned)type | ((unsigned)e->mbx_out_counter << 4));
    e->mbx_in_full = true;
}

static void mbx_error(emu_esc_t *e, uint16_t detail)
{
    uint8_t *p = mbx_begin(e);
    le_put_u16(p, 0x0001u); /* mailbox command: error */
    le_put_u16(p + 2u, detail);
    mbx_finish(e, MBX_TYPE_ERR, 4u);
}

/* CoE header (number 0, service) then the SDO command byte; returns the SDO data start */
static uint8_t *sdo_begin(emu_esc_t *e, uint8_t service, uint8_t cmd)
{
    uint8_t *p = mbx_begin(e);
    le_put_u16(p, (uint16_t)((uint16_t)service << 12));
    p[2] = cmd;
    return p + 3u;
}

static void sdo_abort(emu_esc_t *e, uint16_t index, uint8_t sub, uint32_t code)
{
    e->seg_active = false;
    /* ETG.1000.6: an abort is an "Abort SDO Transfer Request" (CoE service 2) */
    uint8_t *p = sdo_begin(e, COE_SDO_REQ, 0x80u);
    le_put_u16(p, index);
    p[2] = sub;
    le_put_u32(p + 3u, code);
    mbx_finish(e, MBX_TYPE_COE, 10u);
}

/* initiate responses: cmd, index, sub, 4 data bytes */
static void sdo_reply(emu_esc_t *e, uint8_t cmd, uint16_t index, uint8_t sub, const uint8_t *data4)
{
    uint8_t *p = sdo_begin(e, COE_SDO_RESP, cmd);
    le_put_u16(p, index);
    p[2] = sub;
    if (data4 != NULL) {
        memcpy(p + 3u, data4, 4u);
    }
    mbx_finish(e, MBX_TYPE_COE, 10u);
}

static void sdo_download_done(emu_esc_t *e, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len,
                              uint8_t resp_cmd, bool initiate)
{
    uint32_t rc = emu_cia402_sdo_write(&e->drive, index, sub, data, len, e->al_state);
    if (rc != 0u) {
        sdo_abort(e, index, sub, rc);
    } else if (initiate) {
        sdo_reply(e, resp_cmd, index, sub, NULL);
    } else {
        (void)sdo_begin(e, COE_SDO_RESP, resp_cmd); /* segment response: command + 7 reserved bytes */
        mbx_finish(e, MBX_TYPE_COE, 10u);
    }
}

/* p: SDO bytes after the CoE header (n of them) */
static void sdo_server(emu_esc_t *e, const uint8_t *p, uint32_t n)
{
    const uint8_t cmd = p[0];
    const uint16_t index = n >= 3u ? le_get_u16(p + 1u) : 0u;
    const uint8_t sub = n >= 4u ? p[3] : 0u;
    const uint8_t toggle = (uint8_t)((cmd >> 4) & 1u);
    switch (cmd >> 5) {
    case 1: /* initiate download */
        e->seg_active = false;
        if ((cmd & 0x10u) != 0u) {
            sdo_abort(e, index, sub, ABORT_UNSUPPORTED); /* complete access */
        } else if ((cmd & 0x02u) != 0u) {
            uint32_t size = (cmd & 0x01u) != 0u ? 4u - ((cmd >> 2) & 3u) : 4u;
            sdo_download_done(e, index, sub, p + 4u, size, 0x60u, true);
        } else {
            uint32_t size = le_get_u32(p + 4u);
            uint32_t have = n - 8u;
            if (size > sizeof e->seg_buf) {
                sdo_abort(e, index, sub, ABORT_LENGTH_HIGH);
                break;
            }
            have = have > size ? size : have;
            memcpy(e->seg_buf, p + 8u, have);
            if (have == size) {
                sdo_download_done(e, index, sub, e->seg_buf, size, 0x60u, true);
                break;
            }
            e->seg_active = true;
            e->seg_upload = false;
            e->seg_toggle = false;
            e->seg_index = index;
            e->seg_sub = sub;
            e->seg_size = size;
            e->seg_pos = have;
            sdo_reply(e, 0x60u, index, sub, NULL);
        }
        break;
    case 0: { /* download segment */
        if (!e->seg_active || e->seg_upload) {
            sdo_abort(e, e->seg_index, e->seg_sub, ABORT_COMMAND);
            break;
        }
        if (toggle != (e->seg_toggle ? 1u : 0u)) {
            sdo_abort(e, e->seg_index, e->seg_sub, ABORT_TOGGLE);
            break;
        }
        /* classic segment: 7 bytes, n unused; CoE form: the mailbox length says how many */
        uint32_t cnt = n > 8u ? n - 1u : 7u - ((cmd >> 1) & 7u);
        if (e->seg_pos + cnt > e->seg_size) {
            sdo_abort(e, e->seg_index, e->seg_sub, ABORT_LENGTH_HIGH);
            break;
        }
        memcpy(e->seg_buf + e->seg_pos, p + 1u, cnt);
        e->seg_pos += cnt;
        e->seg_toggle = !e->seg_toggle;
        uint8_t resp = (uint8_t)(0x20u | ((unsigned)toggle << 4));
        if ((cmd & 0x01u) != 0u) {
            e->seg_active = false;
            if (e->seg_pos != e->seg_size) {
                sdo_abort(e, e->seg_index, e->seg_sub, ABORT_LENGTH);
            } else {
                sdo_download_done(e, e->seg_index, e->seg_sub, e->seg_buf, e->seg_size, resp, false);
            }
        } else {
            (void)sdo_begin(e, COE_SDO_RESP, resp);
            mbx_finish(e, MBX_TYPE_COE, 10u);
        }
        break;
    }
    case 2: { /* initiate upload */
        e->seg_active = false;
        if ((cmd & 0x10u) != 0u) {
            sdo_abort(e, index, sub, ABORT_UNSUPPORTED);
            break;
        }
        uint32_t len = 0u;
        uint32_t rc = emu_cia402_sdo_read(&e->drive, index, sub, e->seg_buf, sizeof e->seg_buf, &len);
        if (rc != 0u) {
            sdo_abort(e, index, sub, rc);
        } else if (len <= 4u) {
            uint8_t d4[4] = { 0u, 0u, 0u, 0u };
            memcpy(d4, e->seg_buf, len);
            sdo_reply(e, (uint8_t)(0x43u | ((4u - len) << 2)), index, sub, d4);
        } else {
            /* normal: the complete size only; the data follows in segments */
            uint8_t d4[4];
            le_put_u32(d4, len);
            sdo_reply(e, 0x41u, index, sub, d4);
            e->seg_active = true;
            e->seg_upload = true;
            e->seg_toggle = false;
            e->seg_index = index;
            e->seg_sub = sub;
            e->seg_size = len;
            e->seg_pos = 0u;
        }
        break;
    }
    case 3: { /* upload segment */
        if (!e->seg_active || !e->seg_upload) {
            sdo_abort(e, e->seg_index, e->seg_sub, ABORT_COMMAND);
            break;
        }
        if (toggle != (e->seg_toggle ? 1u : 0u)) {
            sdo_abort(e, e->seg_index, e->seg_sub, ABORT_TOGGLE);
            break;
        }
        sm_t s1 = sm_get(e, 1u);
        uint32_t max = e->upload_seg_max < 7u ? 7u : e->upload_seg_max;
        uint32_t room = s1.len - MBX_HDR - 3u;
        max = max > room ? room : max;
        uint32_t rest = e->seg_size - e->seg_pos;
        uint32_t cnt = rest < max ? rest : max;
        bool last = cnt == rest;
        uint32_t unused = cnt < 7u ? 7u - cnt : 0u;
        uint8_t *q = sdo_begin(e, COE_SDO_RESP, (uint8_t)(((unsigned)toggle << 4) | (unused << 1) | (last ? 1u : 0u)));
        memcpy(q, e->seg_buf + e->seg_pos, cnt);
        e->seg_pos += cnt;
        e->seg_toggle = !e->seg_toggle;
        e->seg_active = !last;
        mbx_finish(e, MBX_TYPE_COE, (uint16_t)(3u + cnt + unused));
        break;
    }
    case 4: /* abort from the client: no answer */
        e->seg_active = false;
        break;
    default:
        sdo_abort(e, index, sub, ABORT_COMMAND);
        break;
    }
}

/* the slave takes the request in SM0 at once; its answer waits until SM1 is free */
static void mailbox_service(emu_esc_t *e)
{
    sm_t s0 = sm_get(e, 0u), s1 = sm_get(e, 1u);
    if (!e->mbx_out_full || e->mbx_in_full || !s0.on || !s1.on || s0.len < 16u || s1.len < 16u) {
        return;
    }
    e->mbx_out_full = false;
    const uint8_t *req = &e->mem[s0.start];
    uint32_t len = le_get_u16(req);
    if (len > s0.len - MBX_HDR) {
        len = s0.len - MBX_HDR;
    }
    if ((req[5] & 0x0Fu) != MBX_TYPE_COE) {
        mbx_error(e, MBX_ERR_UNSUPPORTED_PROTOCOL);
        return;
    }
    if (len < 2u + 8u) {
        /* every SDO request is at least command + index + sub + 4 bytes */
        mbx_error(e, MBX_ERR_SIZE_SHORT);
        return;
    }
    if ((le_get_u16(req + MBX_HDR) >> 12) != COE_SDO_REQ) {
        mbx_error(e, MBX_ERR_SERVICE);
        return;
    }
    sdo_server(e, req + MBX_HDR + 2u, len - 2u);
}

/* ---- physical memory access with sync-manager and register side effects ---- */

static void refresh_registers(const emu_ecat_t *seg, emu_esc_t *e)
{
    wr16(e, REG_AL_STATUS, (uint16_t)(e->al_state | (e->al_error ? 0x10u : 0u)));
    wr16(e, REG_AL_CODE, e->al_code);
    wr16(e, REG_WD_STATUS, (uint16_t)(e->wd_expired ? 0u : 1u));
    e->mem[REG_SM + 5u] = e->mbx_out_full ? 0x08u : 0u;
    e->mem[REG_SM + 8u + 5u] = e->mbx_in_full ? 0x08u : 0u;
    wr64(e, REG_SYS_TIME, seg->now_ns + (uint64_t)e->pos * FWD_NS + e->dc_offset_ns);
}

static bool reg_writable(uint32_t a)
{
    if (a >= PROC_RAM) {
        return a < EMU_ESC_MEM;
    }
    if (a < REG_STATION || (a >= REG_AL_STATUS && a < 0x0140u) || (a >= REG_WD_STATUS && a < 0x0442u) ||
        (a >= REG_SII_DATA && a < 0x0510u)) {
        return false;
    }
    if (a >= REG_SM && a < REG_SM + 8u * 16u && ((a & 7u) == 5u || (a & 7u) == 7u)) {
        return false; /* SM status, PDI control */
    }
    /* receive times and system time: a write to 0x0910 feeds the drift control loop, which these
     * perfect clocks do not need; the write is accepted and counted */
    return !(a >= REG_RX_TIME0 && a < REG_SYS_OFFSET);
}

static void sii_command(emu_esc_t *e)
{
    uint16_t ctrl = rd16(e, REG_SII_CTRL);
    if (((ctrl >> 8) & 7u) == 1u) {
        uint32_t w = rd32(e, REG_SII_ADDR);
        for (uint32_t i = 0u; i < 2u; i++) {
            /* words past the image read as an erased EEPROM */
            uint16_t v = w + i < EMU_SII_WORDS ? e->sii[w + i] : 0xFFFFu;
            wr16(e, REG_SII_DATA + 2u * i, v);
        }
    }
    wr16(e, REG_SII_CTRL, (uint16_t)(ctrl & 0x00FFu)); /* done at once: command bits and busy clear */
}

static void dc_latch(const emu_ecat_t *seg, emu_esc_t *e)
{
    /* the frame reached this slave's port 0 after pos forwarding delays; it comes back through
     * port 1 after running to the end of the line and back */
    uint8_t n = present_count(seg);
    uint64_t t0 = seg->now_ns + (uint64_t)e->pos * FWD_NS;
    wr32(e, REG_RX_TIME0, (uint32_t)t0);
    wr64(e, REG_RX_TIME_PU, t0);
    if ((unsigned)e->pos + 1u < n) {
        wr32(e, REG_RX_TIME1, (uint32_t)(seg->now_ns + (uint64_t)(2u * (n - 1u) - e->pos) * FWD_NS));
    }
}

static bool esc_read(emu_ecat_t *seg, emu_esc_t *e, uint32_t addr, uint8_t *dst, uint32_t len)
{
    for (unsigned i = 0u; i < N_SM; i++) {
        sm_t s = sm_get(e, i);
        if (!s.on || !touches(addr, len, s.start, s.len)) {
            continue;
        }
        if (sm_master_writes(&s)) {
            return false;
        }
        if (sm_mailbox(&s) ? (!e->mbx_in_full || e->al_state < AL_PREOP) : e->al_state < AL_SAFEOP) {
            return false; /* empty mailbox, or process data not enabled: no WKC */
        }
        if (!sm_mailbox(&s)) {
            pack_inputs(e, &s);
        }
    }
    if (addr < PROC_RAM) {
        refresh_registers(seg, e);
    }
    for (uint32_t i = 0u; i < len; i++) {
        dst[i] = addr + i < EMU_ESC_MEM ? e->mem[addr + i] : 0u;
    }
    sm_t s1 = sm_get(e, 1u);
    if (s1.on && sm_mailbox(&s1) && touches(addr, len, s1.start + s1.len - 1u, 1u)) {
        e->mbx_in_full = false; /* last byte read: the buffer is free again */
        mailbox_service(e);
    }
    return true;
}

static bool esc_write(emu_ecat_t *seg, emu_esc_t *e, uint32_t addr, const uint8_t *src, uint32_t len)
{
    for (unsigned i = 0u; i < N_SM; i++) {
        sm_t s = sm_get(e, i);
        if (!s.on || !touches(addr, len, s.start, s.len)) {
            continue;
        }
        if (!sm_master_writes(&s)) {
            return false;
        }
        if (sm_mailbox(&s) ? (e->mbx_out_full || e->al_state < AL_PREOP) : e->al_state < AL_SAFEOP) {
            return false; /* mailbox still full, or process data not enabled */
        }
    }
    for (uint32_t i = 0u; i < len; i++) {
        if (reg_writable(addr + i)) {
            e->mem[addr + i] = src[i];
        }
    }
    if (addr >= PROC_RAM) {
        for (unsigned i = 0u; i < N_SM; i++) {
            sm_t s = sm_get(e, i);
            if (!s.on || !touches(addr, len, s.start + s.len - 1u, 1u)) {
                continue; /* a buffer is complete when its last byte is written */
            }
            if (sm_mailbox(&s)) {
                e->mbx_out_full = true;
                mailbox_service(e);
            } else if (i == 2u) {
                outputs_received(seg, e);
            }
        }
        return true;
    }
    if (touches(addr, len, REG_AL_CONTROL, 2u)) {
        al_control(seg, e, rd16(e, REG_AL_CONTROL));
    }
    if (touches(addr, len, REG_SII_CTRL, 2u)) {
        sii_command(e);
    }
    if (touches(addr, len, REG_RX_TIME0, 4u)) {
        dc_latch(seg, e);
    }
    if (touches(addr, len, REG_SYS_OFFSET, 8u)) {
        e->dc_offset_ns = rd64(e, REG_SYS_OFFSET);
    }
    if (touches(addr, len, REG_SM, 16u)) {
        /* a mailbox SM switched off forgets its content */
        if ((e->mem[REG_SM + 6u] & 1u) == 0u) {
            e->mbx_out_full = false;
        }
        if ((e->mem[REG_SM + 8u + 6u] & 1u) == 0u) {
            e->mbx_in_full = false;
        }
    }
    return true;
}

/* ---- datagrams ---- */

typedef struct {
    uint8_t *hdr;   /* 10 bytes */
    uint8_t *data;
    uint16_t len;
} dg_t;

static void add_wkc(dg_t *d, unsigned n)
{
    uint8_t *w = d->data + d->len;
    le_put_u16(w, (uint16_t)(le_get_u16(w) + n));
}

static void logical(emu_ecat_t *seg, emu_esc_t *e, uint8_t cmd, dg_t *d)
{
    uint8_t orig[MAX_DATA], tmp[MAX_DATA];
    const uint64_t la = le_get_u32(d->hdr + 2u);
    bool rd_hit = false, wr_hit = false;
    memcpy(orig, d->data, d->len);
    /* reads first: the inputs go out with the frame; then the outputs it brought (its original data) */
    for (unsigned pass = 0u; pass < 2u; pass++) {
        bool want_read = pass == 0u;
        if (want_read ? cmd == CMD_LWR : cmd == CMD_LRD) {
            continue;
        }
        for (unsigned i = 0u; i < N_FMMU; i++) {
            uint32_t b = REG_FMMU + 16u * i;
            uint8_t type = e->mem[b + 11u];
            if ((e->mem[b + 12u] & 1u) == 0u || (type & (want_read ? 1u : 2u)) == 0u) {
                continue;
            }
            /* byte-granular mapping (start bit 0, stop bit 7); bit-wise FMMUs are not emulated */
            uint64_t ls = rd32(e, b), lend = ls + rd16(e, b + 4u);
            uint64_t lo = ls > la ? ls : la, hi = lend < la + d->len ? lend : la + d->len;
            if (lo >= hi) {
                continue;
            }
            uint32_t off = (uint32_t)(lo - la), cnt = (uint32_t)(hi - lo);
            uint32_t phys = rd16(e, b + 8u) + (uint32_t)(lo - ls);
            if (want_read) {
                if (esc_read(seg, e, phys, tmp, cnt)) {
                    memcpy(d->data + off, tmp, cnt);
                    rd_hit = true;
                }
            } else if (esc_write(seg, e, phys, orig + off, cnt)) {
                wr_hit = true;
            }
        }
    }
    if (cmd == CMD_LRW) {
        add_wkc(d, (rd_hit ? 1u : 0u) + (wr_hit ? 2u : 0u));
    } else {
        add_wkc(d, (rd_hit || wr_hit) ? 1u : 0u);
    }
}

static void slave_datagram(emu_ecat_t *seg, emu_esc_t *e, dg_t *d)
{
    const uint8_t cmd = d->hdr[0];
    const uint16_t adp = le_get_u16(d->hdr + 2u);
    const uint32_t ado = le_get_u16(d->hdr + 4u);
    uint8_t tmp[MAX_DATA];
    bool addressed;
    switch (cmd) {
    case CMD_APRD: case CMD_APWR: case CMD_APRW: case CMD_ARMW:
    case CMD_BRD: case CMD_BWR: case CMD_BRW:
        addressed = adp == 0u || (cmd >= CMD_BRD && cmd <= CMD_BRW);
        le_put_u16(d->hdr + 2u, (uint16_t)(adp + 1u)); /* every slave increments the position */
        break;
    case CMD_FPRD: case CMD_FPWR: case CMD_FPRW: case CMD_FRMW:
        addressed = adp == rd16(e, REG_STATION);
        break;
    case CMD_LRD: case CMD_LWR: case CMD_LRW:
        logical(seg, e, cmd, d);
        return;
    default:
        return;
    }
    bool rmw = cmd == CMD_ARMW || cmd == CMD_FRMW;
    if (!addressed && !rmw) {
        return;
    }
    bool do_read = rmw ? addressed : (cmd == CMD_APRD || cmd == CMD_FPRD || cmd == CMD_BRD || cmd == CMD_APRW ||
                                      cmd == CMD_FPRW || cmd == CMD_BRW);
    bool do_write = rmw ? !addressed : (cmd == CMD_APWR || cmd == CMD_FPWR || cmd == CMD_BWR || cmd == CMD_APRW ||
                                        cmd == CMD_FPRW || cmd == CMD_BRW);
    bool rw = cmd == CMD_APRW || cmd == CMD_FPRW || cmd == CMD_BRW;
    unsigned wkc = 0u;
    bool read_ok = false;
    if (do_read) {
        read_ok = esc_read(seg, e, ado, tmp, d->len);
        wkc += read_ok ? 1u : 0u;
    }
    if (do_write && esc_write(seg, e, ado, d->data, d->len)) {
        wkc += rw ? 2u : 1u;
    }
    if (read_ok) {
        for (uint32_t i = 0u; i < d->len; i++) {
            /* broadcast reads OR every slave's data together */
            d->data[i] = cmd == CMD_BRD || cmd == CMD_BRW ? (uint8_t)(d->data[i] | tmp[i]) : tmp[i];
        }
    }
    add_wkc(d, wkc);
}

/* the EtherCAT datagrams of a frame; 0 if it is not a well-formed EtherCAT frame */
static unsigned parse(uint8_t *frame, size_t len, dg_t *dgs)
{
    if (len < FRAME_HDR || frame[12] != 0x88u || frame[13] != 0xA4u) {
        return 0u;
    }
    uint16_t h = le_get_u16(frame + ETH_HDR);
    size_t end = FRAME_HDR + (h & 0x07FFu);
    if ((h >> 12) != 1u || end > len) {
        return 0u;
    }
    size_t off = FRAME_HDR;
    unsigned n = 0u;
    for (;;) {
        if (off + DG_HDR + 2u > end || n == MAX_DGS) {
            return 0u;
        }
        uint16_t l = le_get_u16(frame + off + 6u);
        uint16_t dlen = (uint16_t)(l & 0x07FFu);
        if (off + DG_HDR + dlen + 2u > end) {
            return 0u;
        }
        dgs[n].hdr = frame + off;
        dgs[n].data = frame + off + DG_HDR;
        dgs[n].len = dlen;
        n++;
        off += DG_HDR + dlen + 2u;
        if ((l & 0x8000u) == 0u) {
            return n;
        }
    }
}

bool emu_ecat_process(emu_ecat_t *seg, uint8_t *frame, size_t len, uint64_t now_ns)
{
    dg_t dgs[MAX_DGS];
    if (len < FRAME_HDR || frame[12] != 0x88u || frame[13] != 0xA4u) {
        return false;
    }
    unsigned n = parse(frame, len, dgs);
    if (n == 0u) {
        seg->bad_frames++;
        return false;
    }
    if (now_ns > seg->now_ns) {
        seg->now_ns = now_ns;
    }
    seg->frames++;
    uint8_t pos = 0u;
    for (uint8_t k = 0u; k < seg->n; k++) {
        emu_esc_t *e = &seg->slave[k];
        if (!e->present) {
            continue; /* an unplugged slave: the frame passes untouched */
        }
        e->pos = pos++;
        e->frames_seen++;
        watchdog(seg, e);
        for (unsigned i = 0u; i < n; i++) {
            slave_datagram(seg, e, &dgs[i]);
        }
    }
    return true;
}

uint64_t emu_ecat_delay_ns(const emu_ecat_t *seg, size_t len)
{
    /* the frame's tail leaves the master after its wire time (preamble + SFD + FCS included) and
     * comes back after passing every slave out and back */
    size_t bytes = (len < 60u ? 60u : len) + 8u + 4u;
    return (uint64_t)bytes * NS_PER_BYTE + 2u * (uint64_t)present_count(seg) * FWD_NS;
}

void emu_ecat_advance(emu_ecat_t *seg, uint64_t now_ns)
{
    if (now_ns > seg->now_ns) {
        seg->now_ns = now_ns;
    }
    for (uint8_t k = 0u; k < seg->n; k++) {
        emu_esc_t *e = &seg->slave[k];
        if (!e->present) {
            continue;
        }
        watchdog(seg, e);
        emu_cia402_step(&e->drive, e->drive.q, e->drive.qd);
    }
}

void emu_ecat_law(emu_ecat_t *seg, uint8_t k, double q, double qd, emu_law_t *law)
{
    if (k >= seg->n || !seg->slave[k].present) {
        memset(law, 0, sizeof *law); /* unpowered */
        return;
    }
    emu_cia402_t *d = &seg->slave[k].drive;
    emu_cia402_step(d, q, qd);
    emu_cia402_law(d, q, qd, law);
}
