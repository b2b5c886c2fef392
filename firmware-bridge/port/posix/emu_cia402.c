/*
 * emu_cia402.c — an emulated CiA 402 servo drive (see emu_cia402.h).
 *
 * Device control state machine and statusword/controlword masks: CiA 402-2 / IEC 61800-7-201 (figures
 * in PROTOCOL.md §5); SDO abort codes: CiA 301. The drive's torque law goes to the plant
 * as SHAFT.md terms; units: position in encoder increments, velocity in increments/s, torque in
 * per-mille of the rated (motor) torque 0x6076, all converted through the gear 0x6091 to the joint.
 * Reads: controlword and set-points (process data or SDO), the shaft state. Writes: state, 0x603F,
 * the law.
 */
#include "emu_cia402.h"

#include <math.h>
#include <string.h>

#include "le.h"

#define TWO_PI 6.283185307179586

/* CiA 301 SDO abort codes */
#define ABORT_OUT_OF_MEMORY 0x05040005u
#define ABORT_UNSUPPORTED 0x06010000u
#define ABORT_READ_ONLY 0x06010002u
#define ABORT_NO_OBJECT 0x06020000u
#define ABORT_NOT_MAPPABLE 0x06040041u
#define ABORT_LENGTH 0x06070010u
#define ABORT_LENGTH_HIGH 0x06070012u
#define ABORT_NO_SUB 0x06090011u
#define ABORT_VALUE_RANGE 0x06090030u
#define ABORT_VALUE_HIGH 0x06090031u
#define ABORT_STATE 0x08000022u

#define AL_PREOP 2u

/* figures of the emulated knee drive (host/drivers/cia402-models.yaml 'cb-emu-knee'; illustrative, not a product) */
#define DRIVE_VENDOR 0x0000CB01u
#define DRIVE_PRODUCT 0x00402001u
#define DRIVE_REVISION 1u
#define DRIVE_TYPE 0x00020192u      /* 0x1000: profile 402 (0x192), servo drive */
#define DRIVE_MODES 0x00000380u     /* 0x6502: CSP (bit 7), CSV (bit 8), CST (bit 9) */
#define STANDSTILL_RAD_S 0.05       /* quick stop / fault reaction end below this rate */
#define POS_WINDOW_RAD 0.01         /* "target reached" in CSP */
#define VEL_WINDOW_RAD_S 0.05       /* "target reached" in CSV */

static const char device_name[] = "cb-emu CiA402 knee drive";

/* ---- scaling ---- */

static double incs_per_rad(const emu_cia402_t *d)
{
    return (double)d->incs_per_rev * (double)d->gear / TWO_PI;
}

/* joint N·m per per-mille of the rated motor torque */
static double nm_per_permille(const emu_cia402_t *d)
{
    return (double)d->rated_mNm * 1e-6 * (double)d->gear;
}

static int32_t i32_sat(double v)
{
    if (!(v > -2147483648.0)) {
        return v != v ? 0 : INT32_MIN;
    }
    if (v >= 2147483647.0) {
        return INT32_MAX;
    }
    return (int32_t)lround(v);
}

static int16_t i16_sat(double v)
{
    if (!(v > -32768.0)) {
        return v != v ? 0 : INT16_MIN;
    }
    if (v >= 32767.0) {
        return INT16_MAX;
    }
    return (int16_t)lround(v);
}

void emu_cia402_init(emu_cia402_t *d)
{
    memset(d, 0, sizeof *d);
    d->incs_per_rev = 131072u;
    d->gear = 9.0f;
    d->rated_mNm = 1000u;
    d->max_permille = 2933u;
    d->kp_csp = 60.0f;
    d->kd_csp = 1.5f;
    d->kd_csv = 1.5f;
    d->kd_qs = 2.0f;
    d->following_window_inc = (uint32_t)lround(0.5 * incs_per_rad(d)); /* 0.5 rad at the joint */
    d->serial = 1u;
    /* power-up mapping: controlword / statusword only, so that a master that skips the remap is
     * refused SAFE-OP (0x001D / 0x001E) instead of running on a short process image */
    d->rx_map[0] = 0x60400010u;
    d->n_rx = 1u;
    d->rx_assigned = 1u;
    d->tx_map[0] = 0x60410010u;
    d->n_tx = 1u;
    d->tx_assigned = 1u;
    d->state = CIA_NOT_READY;
}

/* ---- state machine ---- */

static bool cw_is(uint16_t cw, uint16_t mask, uint16_t value)
{
    return (cw & mask) == value;
}

static void enter_fault(emu_cia402_t *d, uint16_t code)
{
    if (d->state == CIA_FAULT || d->state == CIA_FAULT_REACTION) {
        return;
    }
    d->error_code = code;
    d->state = CIA_FAULT_REACTION;
}

/* transition 1: self-test done */
static void power_up(emu_cia402_t *d)
{
    if (d->state == CIA_NOT_READY) {
        d->state = CIA_SWITCH_ON_DISABLED;
    }
}

/* controlword-driven transitions (CiA 402-2 figure "device control": 2–12, 15, 16 not supported) */
static void apply_controlword(emu_cia402_t *d)
{
    const uint16_t cw = d->controlword;
    const bool disable_voltage = cw_is(cw, 0x0082u, 0x0000u);
    const bool quick_stop = cw_is(cw, 0x0086u, 0x0002u);
    const bool shutdown = cw_is(cw, 0x0087u, 0x0006u);
    const bool switch_on = cw_is(cw, 0x008Fu, 0x0007u);
    const bool enable_op = cw_is(cw, 0x008Fu, 0x000Fu);
    switch (d->state) {
    case CIA_SWITCH_ON_DISABLED:
        if (shutdown) {
            d->state = CIA_READY; /* 2 */
            d->error_code = 0u;   /* a communication-loss warning ends with a new start */
        }
        break;
    case CIA_READY:
        if (disable_voltage || quick_stop) {
            d->state = CIA_SWITCH_ON_DISABLED; /* 7 */
        } else if (switch_on) {
            d->state = CIA_SWITCHED_ON; /* 3 */
        } else if (enable_op) {
            d->state = CIA_OP_ENABLED; /* 3 + 4 */
        }
        break;
    case CIA_SWITCHED_ON:
        if (disable_voltage || quick_stop) {
            d->state = CIA_SWITCH_ON_DISABLED; /* 10 */
        } else if (shutdown) {
            d->state = CIA_READY; /* 6 */
        } else if (enable_op) {
            d->state = CIA_OP_ENABLED; /* 4 */
        }
        break;
    case CIA_OP_ENABLED:
        if (disable_voltage) {
            d->state = CIA_SWITCH_ON_DISABLED; /* 9 */
        } else if (quick_stop) {
            d->state = CIA_QUICK_STOP; /* 11 */
        } else if (shutdown) {
            d->state = CIA_READY; /* 8 */
        } else if (switch_on) {
            d->state = CIA_SWITCHED_ON; /* 5 */
        }
        break;
    case CIA_QUICK_STOP:
        if (disable_voltage) {
            d->state = CIA_SWITCH_ON_DISABLED; /* 12 */
        }
        break;
    case CIA_FAULT:
        /* 15: only on the rising edge of bit 7 */
        if ((cw & 0x0080u) != 0u && (d->prev_controlword & 0x0080u) == 0u) {
            d->state = CIA_SWITCH_ON_DISABLED;
            d->error_code = 0u;
        }
        break;
    case CIA_NOT_READY:
    case CIA_FAULT_REACTION:
    default:
        break;
    }
    d->prev_controlword = cw;
}

void emu_cia402_on_outputs(emu_cia402_t *d, uint16_t controlword, int8_t mode, int32_t pos, int32_t vel, int16_t torque)
{
    power_up(d);
    d->mode = mode;
    d->target_pos = pos;
    d->target_vel = vel;
    d->target_torque = torque;
    d->controlword = controlword;
    apply_controlword(d);
}

static int32_t actual_pos(const emu_cia402_t *d)
{
    double inc = (d->q - d->pos_offset) * incs_per_rad(d);
    /* the position counter wraps like an encoder register */
    double w = fmod(inc, 4294967296.0);
    if (w >= 2147483648.0) {
        w -= 4294967296.0;
    } else if (w < -2147483648.0) {
        w += 4294967296.0;
    }
    return i32_sat(w);
}

void emu_cia402_step(emu_cia402_t *d, double q, double qd)
{
    d->q = q;
    d->qd = qd;
    power_up(d);
    if (d->fault_pending) {
        d->fault_pending = false;
        enter_fault(d, d->injected_code);
    }
    if (d->state == CIA_OP_ENABLED && d->mode == 8) {
        /* following error: |target − actual| beyond 0x6065, in increments (wrapping difference) */
        uint32_t diff = (uint32_t)d->target_pos - (uint32_t)actual_pos(d);
        int32_t e;
        memcpy(&e, &diff, sizeof e);
        uint32_t mag = e < 0 ? 0u - (uint32_t)e : (uint32_t)e;
        if (mag > d->following_window_inc) {
            enter_fault(d, 0x8611u);
        }
    }
    bool still = fabs(qd) < STANDSTILL_RAD_S;
    if (d->state == CIA_QUICK_STOP && still) {
        d->state = CIA_SWITCH_ON_DISABLED; /* quick stop option code 2: then switch on disabled */
    } else if (d->state == CIA_FAULT_REACTION && still) {
        d->state = CIA_FAULT; /* 14 */
    }
    emu_law_t law;
    emu_cia402_law(d, q, qd, &law);
    double tau = (double)law.kp * ((double)law.q_des - q) + (double)law.kd * ((double)law.qd_des - qd) +
                 (double)law.tau_ff;
    if (tau > (double)law.tau_max) {
        tau = (double)law.tau_max;
    } else if (tau < -(double)law.tau_max) {
        tau = -(double)law.tau_max;
    }
    d->tau = (float)tau;
}

uint16_t emu_cia402_statusword(const emu_cia402_t *d)
{
    uint16_t sw;
    switch (d->state) {
    case CIA_SWITCH_ON_DISABLED: sw = 0x0040u; break;
    case CIA_READY: sw = 0x0031u; break;          /* + voltage enabled, quick stop off */
    case CIA_SWITCHED_ON: sw = 0x0033u; break;
    case CIA_OP_ENABLED: sw = 0x0037u; break;
    case CIA_QUICK_STOP: sw = 0x0017u; break;
    case CIA_FAULT_REACTION: sw = 0x001Fu; break;
    case CIA_FAULT: sw = 0x0008u; break;
    case CIA_NOT_READY:
    default: sw = 0x0000u; break;
    }
    sw |= 0x0200u; /* bit 9 remote: controlled over the fieldbus */
    if (d->error_code != 0u && d->state != CIA_FAULT && d->state != CIA_FAULT_REACTION) {
        sw |= 0x0080u; /* bit 7 warning (communication loss) */
    }
    bool reached = false;
    if (d->state == CIA_OP_ENABLED) {
        if (d->mode == 8) {
            double err = (double)d->target_pos / incs_per_rad(d) + d->pos_offset - d->q;
            reached = fabs(err) <= POS_WINDOW_RAD;
            sw |= 0x1000u; /* bit 12: drive follows the set-point */
        } else if (d->mode == 9) {
            reached = fabs((double)d->target_vel / incs_per_rad(d) - d->qd) <= VEL_WINDOW_RAD_S;
            sw |= 0x1000u;
        } else if (d->mode == 10) {
            reached = true;
            sw |= 0x1000u;
        }
    } else if (d->state == CIA_QUICK_STOP) {
        reached = fabs(d->qd) < STANDSTILL_RAD_S;
    }
    if (reached) {
        sw |= 0x0400u; /* bit 10 target reached */
    }
    if ((d->state == CIA_FAULT || d->state == CIA_FAULT_REACTION) && d->error_code == 0x8611u) {
        sw |= 0x2000u; /* bit 13 following error (CSP) */
    }
    return sw;
}

void emu_cia402_inputs(const emu_cia402_t *d, int32_t *pos, int32_t *vel, int16_t *torque)
{
    *pos = actual_pos(d);
    *vel = i32_sat(d->qd * incs_per_rad(d));
    *torque = i16_sat((double)d->tau / nm_per_permille(d));
}

void emu_cia402_law(const emu_cia402_t *d, double q, double qd, emu_law_t *law)
{
    (void)qd;
    memset(law, 0, sizeof *law);
    law->tau_max = (float)((double)d->max_permille * nm_per_permille(d));
    law->q_des = (float)q; /* unused at kp 0 */
    switch (d->state) {
    case CIA_OP_ENABLED:
        if (d->mode == 8) {
            /* CSP: τ = kp (q_des − q) − kd q̇, q_des = target */
            law->kp = d->kp_csp;
            law->kd = d->kd_csp;
            law->q_des = (float)((double)d->target_pos / incs_per_rad(d) + d->pos_offset);
        } else if (d->mode == 9) {
            /* CSV: τ = kd (q̇_des − q̇) */
            law->kd = d->kd_csv;
            law->qd_des = (float)((double)d->target_vel / incs_per_rad(d));
        } else if (d->mode == 10) {
            /* CST: τ = target torque */
            law->tau_ff = (float)((double)d->target_torque * nm_per_permille(d));
        }
        break;
    case CIA_QUICK_STOP:
    case CIA_FAULT_REACTION:
        law->kd = d->kd_qs; /* braking by damping: τ = −kd_qs q̇ */
        break;
    default:
        break;
    }
}

void emu_cia402_inject_fault(emu_cia402_t *d, uint16_t error_code)
{
    d->fault_pending = true;
    d->injected_code = error_code;
}

void emu_cia402_comm_lost(emu_cia402_t *d)
{
    /* 0x6007 abort connection option 3 (quick stop), as the quick stop command in each state */
    if (d->state == CIA_OP_ENABLED) {
        d->state = CIA_QUICK_STOP;
    } else if (d->state == CIA_READY || d->state == CIA_SWITCHED_ON) {
        d->state = CIA_SWITCH_ON_DISABLED;
    }
}

/* ---- object dictionary ---- */

static bool rx_mappable(uint32_t e)
{
    return e == 0x60400010u || e == 0x60600008u || e == 0x607A0020u || e == 0x60FF0020u || e == 0x60710010u ||
           e == 0x60720010u;
}

static bool tx_mappable(uint32_t e)
{
    return e == 0x60410010u || e == 0x60610008u || e == 0x60640020u || e == 0x606C0020u || e == 0x60770010u ||
           e == 0x603F0010u;
}

typedef struct {
    uint8_t b[64];
    uint32_t n;
} od_val_t;

static void v_u8(od_val_t *v, uint8_t x) { v->b[0] = x; v->n = 1u; }
static void v_u16(od_val_t *v, uint16_t x) { le_put_u16(v->b, x); v->n = 2u; }
static void v_u32(od_val_t *v, uint32_t x) { le_put_u32(v->b, x); v->n = 4u; }
static void v_i32(od_val_t *v, int32_t x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    v_u32(v, u);
}
static void v_i8(od_val_t *v, int8_t x)
{
    uint8_t u;
    memcpy(&u, &x, sizeof u);
    v_u8(v, u);
}
static void v_str(od_val_t *v, const char *s, uint32_t n)
{
    memcpy(v->b, s, n);
    v->n = n;
}

static float gain_of(const emu_cia402_t *d, uint8_t sub)
{
    return sub == 1u ? d->kp_csp : sub == 2u ? d->kd_csp : sub == 3u ? d->kd_csv : d->kd_qs;
}

static uint32_t od_read(const emu_cia402_t *d, uint16_t index, uint8_t sub, od_val_t *v)
{
    int32_t pos, vel;
    int16_t torque;
    emu_cia402_inputs(d, &pos, &vel, &torque);
    /* records first: sub 0 is the number of entries */
    switch (index) {
    case 0x1018:
        if (sub == 0u) { v_u8(v, 4u); return 0u; }
        if (sub > 4u) { return ABORT_NO_SUB; }
        v_u32(v, sub == 1u ? DRIVE_VENDOR : sub == 2u ? DRIVE_PRODUCT : sub == 3u ? DRIVE_REVISION : d->serial);
        return 0u;
    case 0x1600:
    case 0x1A00: {
        const uint32_t *map = index == 0x1600u ? d->rx_map : d->tx_map;
        if (sub == 0u) { v_u8(v, index == 0x1600u ? d->n_rx : d->n_tx); return 0u; }
        if (sub > 8u) { return ABORT_NO_SUB; }
        v_u32(v, map[sub - 1u]);
        return 0u;
    }
    case 0x1C12:
    case 0x1C13:
        if (sub == 0u) { v_u8(v, index == 0x1C12u ? d->rx_assigned : d->tx_assigned); return 0u; }
        if (sub > 1u) { return ABORT_NO_SUB; }
        v_u16(v, index == 0x1C12u ? 0x1600u : 0x1A00u);
        return 0u;
    case 0x608F:
    case 0x6091:
        if (sub == 0u) { v_u8(v, 2u); return 0u; }
        if (sub > 2u) { return ABORT_NO_SUB; }
        if (index == 0x608Fu) {
            v_u32(v, sub == 1u ? d->incs_per_rev : 1u); /* increments per motor revolution */
        } else {
            v_u32(v, sub == 1u ? (uint32_t)lroundf(d->gear) : 1u); /* motor revs : shaft revs */
        }
        return 0u;
    case 0x2001:
        if (sub == 0u) { v_u8(v, 4u); return 0u; }
        if (sub > 4u) { return ABORT_NO_SUB; }
        le_put_f32(v->b, gain_of(d, sub));
        v->n = 4u;
        return 0u;
    default:
        break;
    }
    if (index == 0x1000u || index == 0x1008u || index == 0x2002u || (index >= 0x6000u && index <= 0x6FFFu)) {
        /* variables: sub 0 only (checked below once the object is known) */
    } else {
        return ABORT_NO_OBJECT;
    }
    switch (index) {
    case 0x1000: v_u32(v, DRIVE_TYPE); break;
    case 0x1008: v_str(v, device_name, (uint32_t)(sizeof device_name - 1u)); break;
    case 0x2002: v_str(v, d->user_name, d->user_name_len); break;
    case 0x603F: v_u16(v, d->error_code); break;
    case 0x6040: v_u16(v, d->controlword); break;
    case 0x6041: v_u16(v, emu_cia402_statusword(d)); break;
    case 0x605A: v_u16(v, 2u); break; /* quick stop option code 2 */
    case 0x6060: v_i8(v, d->mode); break;
    case 0x6061: v_i8(v, d->mode); break;
    case 0x6064: v_i32(v, pos); break;
    case 0x6065: v_u32(v, d->following_window_inc); break;
    case 0x606C: v_i32(v, vel); break;
    case 0x6071: v_u16(v, (uint16_t)d->target_torque); break;
    case 0x6072: v_u16(v, d->max_permille); break;
    case 0x6076: v_u32(v, d->rated_mNm); break;
    case 0x6077: v_u16(v, (uint16_t)torque); break;
    case 0x607A: v_i32(v, d->target_pos); break;
    case 0x60FF: v_i32(v, d->target_vel); break;
    case 0x6502: v_u32(v, DRIVE_MODES); break;
    default: return ABORT_NO_OBJECT;
    }
    return sub == 0u ? 0u : ABORT_NO_SUB;
}

uint32_t emu_cia402_sdo_read(emu_cia402_t *d, uint16_t index, uint8_t sub, uint8_t *data, uint32_t cap, uint32_t *len)
{
    od_val_t v;
    memset(&v, 0, sizeof v);
    uint32_t rc = od_read(d, index, sub, &v);
    *len = 0u;
    if (rc != 0u) {
        return rc;
    }
    if (v.n > cap) {
        return ABORT_OUT_OF_MEMORY;
    }
    memcpy(data, v.b, v.n);
    *len = v.n;
    return 0u;
}

static uint32_t need(uint32_t len, uint32_t size)
{
    return len == size ? 0u : ABORT_LENGTH;
}

static int32_t get_i32(const uint8_t *p)
{
    uint32_t u = le_get_u32(p);
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static uint32_t write_mapping(emu_cia402_t *d, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len)
{
    bool rx = index == 0x1600u;
    uint32_t *map = rx ? d->rx_map : d->tx_map;
    uint8_t *n = rx ? &d->n_rx : &d->n_tx;
    if (sub == 0u) {
        uint32_t rc = need(len, 1u);
        if (rc != 0u) {
            return rc;
        }
        if (data[0] > 8u) {
            return ABORT_VALUE_HIGH;
        }
        /* the entries are checked when the mapping is enabled (CiA 301 PDO mapping procedure) */
        for (uint8_t i = 0u; i < data[0]; i++) {
            if (!(rx ? rx_mappable(map[i]) : tx_mappable(map[i]))) {
                return ABORT_NOT_MAPPABLE;
            }
        }
        *n = data[0];
        return 0u;
    }
    if (sub > 8u) {
        return ABORT_NO_SUB;
    }
    uint32_t rc = need(len, 4u);
    if (rc != 0u) {
        return rc;
    }
    uint32_t e = le_get_u32(data);
    if (!(rx ? rx_mappable(e) : tx_mappable(e))) {
        return ABORT_NOT_MAPPABLE;
    }
    map[sub - 1u] = e;
    return 0u;
}

static uint32_t write_assign(emu_cia402_t *d, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len)
{
    bool rx = index == 0x1C12u;
    if (sub == 0u) {
        uint32_t rc = need(len, 1u);
        if (rc != 0u) {
            return rc;
        }
        if (data[0] > 1u) {
            return ABORT_VALUE_HIGH; /* one PDO per direction */
        }
        if (rx) {
            d->rx_assigned = data[0];
        } else {
            d->tx_assigned = data[0];
        }
        return 0u;
    }
    if (sub > 1u) {
        return ABORT_NO_SUB;
    }
    uint32_t rc = need(len, 2u);
    if (rc != 0u) {
        return rc;
    }
    return le_get_u16(data) == (rx ? 0x1600u : 0x1A00u) ? 0u : ABORT_VALUE_RANGE;
}

uint32_t emu_cia402_sdo_write(emu_cia402_t *d, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len, uint8_t al_state)
{
    uint32_t rc;
    switch (index) {
    case 0x1600:
    case 0x1A00:
    case 0x1C12:
    case 0x1C13:
        if (sub > (index >= 0x1C12u ? 1u : 8u)) {
            return ABORT_NO_SUB;
        }
        if (al_state != AL_PREOP) {
            return ABORT_STATE; /* the process image may change only in PRE-OP (ETG.1020) */
        }
        return index <= 0x1A00u ? write_mapping(d, index, sub, data, len) : write_assign(d, index, sub, data, len);
    case 0x1018:
    case 0x608F:
    case 0x6091:
        return sub <= (index == 0x1018u ? 4u : 2u) ? ABORT_READ_ONLY : ABORT_NO_SUB;
    case 0x2001: {
        if (sub == 0u) {
            return ABORT_READ_ONLY;
        }
        if (sub > 4u) {
            return ABORT_NO_SUB;
        }
        if ((rc = need(len, 4u)) != 0u) {
            return rc;
        }
        float g = le_get_f32(data);
        if (!(g >= 0.0f && g < 1e6f)) {
            return ABORT_VALUE_RANGE;
        }
        float *dst = sub == 1u ? &d->kp_csp : sub == 2u ? &d->kd_csp : sub == 3u ? &d->kd_csv : &d->kd_qs;
        *dst = g;
        return 0u;
    }
    default:
        break;
    }
    /* variables */
    od_val_t probe;
    rc = od_read(d, index, sub, &probe);
    if (rc != 0u) {
        return rc;
    }
    switch (index) {
    case 0x2002:
        if (len > sizeof d->user_name) {
            return ABORT_LENGTH_HIGH;
        }
        memcpy(d->user_name, data, len);
        d->user_name_len = (uint8_t)len;
        return 0u;
    case 0x6040:
        if ((rc = need(len, 2u)) != 0u) {
            return rc;
        }
        emu_cia402_on_outputs(d, le_get_u16(data), d->mode, d->target_pos, d->target_vel, d->target_torque);
        return 0u;
    case 0x6060: {
        if ((rc = need(len, 1u)) != 0u) {
            return rc;
        }
        int8_t m;
        memcpy(&m, data, 1u);
        if (m != 8 && m != 9 && m != 10) {
            return ABORT_VALUE_RANGE;
        }
        d->mode = m;
        return 0u;
    }
    case 0x6065:
        if ((rc = need(len, 4u)) != 0u) {
            return rc;
        }
        d->following_window_inc = le_get_u32(data);
        return 0u;
    case 0x6071:
        if ((rc = need(len, 2u)) != 0u) {
            return rc;
        }
        d->target_torque = le_get_i16(data);
        return 0u;
    case 0x6072:
        if ((rc = need(len, 2u)) != 0u) {
            return rc;
        }
        d->max_permille = le_get_u16(data);
        return 0u;
    case 0x607A:
    case 0x60FF:
        if ((rc = need(len, 4u)) != 0u) {
            return rc;
        }
        if (index == 0x607Au) {
            d->target_pos = get_i32(data);
        } else {
            d->target_vel = get_i32(data);
        }
        return 0u;
    default:
        return index == 0x1008u || index == 0x1000u || (index >= 0x6000u && index <= 0x6FFFu) ? ABORT_READ_ONLY
                                                                                                : ABORT_UNSUPPORTED;
    }
}
