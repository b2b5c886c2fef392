/*
 * sim.c — core + emulated buses + drives + shafts in simulated time (see sim.h).
 */
#include "sim.h"

#include <string.h>

static uint32_t us_of(uint64_t ns)
{
    return (uint32_t)(ns / 1000u); /* the core's clock: µs, wrapping u32 */
}

/* ---- bridge_port_t over the emulation ---- */

static size_t p_tx_free(void *ctx)
{
    const sim_t *s = ctx;
    return SIM_TX_RING - s->tx_len;
}

static bool p_write(void *ctx, const uint8_t *buf, size_t len)
{
    sim_t *s = ctx;
    if (len > SIM_TX_RING - s->tx_len) {
        return false;
    }
    for (size_t i = 0u; i < len; i++) {
        s->tx[(s->tx_head + s->tx_len + i) % SIM_TX_RING] = buf[i];
    }
    s->tx_len += len;
    return true;
}

static bool p_configure(void *ctx, uint8_t hw, const cfg_bus_t *bus)
{
    sim_t *s = ctx;
    return hw < s->n_buses && emu_bus_configure(&s->bus[hw], &bus->timing);
}

static bool p_send(void *ctx, uint8_t hw, const can_frame_t *f)
{
    sim_t *s = ctx;
    return hw < s->n_buses && emu_bus_bridge_send(&s->bus[hw], f, s->now_ns);
}

static uint8_t p_abort(void *ctx, uint8_t hw)
{
    sim_t *s = ctx;
    return hw < s->n_buses ? emu_bus_bridge_abort(&s->bus[hw]) : 0u;
}

static void p_status(void *ctx, uint8_t hw, can_status_t *st)
{
    const sim_t *s = ctx;
    if (hw < s->n_buses) {
        emu_bus_status(&s->bus[hw], st);
    } else {
        memset(st, 0, sizeof *st);
    }
}

static void p_recover(void *ctx, uint8_t hw)
{
    sim_t *s = ctx;
    if (hw < s->n_buses) {
        emu_bus_recover(&s->bus[hw], s->now_ns);
    }
}

/* the frame travels the segment; it comes back after the wire time (emu_ecat_delay_ns) */
static bool p_eth_send(void *ctx, uint8_t hw, const uint8_t *frame, size_t len)
{
    sim_t *s = ctx;
    if (hw != s->ecat_hw || s->ecat.n == 0u || len > ECAT_MAX_FRAME || s->eth_n >= SIM_ETH_QUEUE) {
        s->eth_dropped++;
        return false;
    }
    uint64_t due = s->now_ns + emu_ecat_delay_ns(&s->ecat, len);
    if (s->eth_n > 0u && s->eth[s->eth_n - 1u].due_ns > due) {
        due = s->eth[s->eth_n - 1u].due_ns; /* one cable: frames come back in order */
    }
    memcpy(s->eth[s->eth_n].buf, frame, len);
    s->eth[s->eth_n].len = len;
    s->eth[s->eth_n].due_ns = due;
    s->eth_n++;
    return true;
}

/* ---- emulation callbacks ---- */

static void on_rx(void *ctx, uint8_t bus, const can_frame_t *f, uint64_t t_ns)
{
    sim_t *s = ctx;
    bridge_can_rx(&s->bridge, bus, f, us_of(t_ns));
}

static void on_tx_done(void *ctx, uint8_t bus, const can_frame_t *f, uint64_t t_ns)
{
    sim_t *s = ctx;
    bridge_can_tx_done(&s->bridge, bus, f->id, (f->flags & CAN_FLAG_EXT) != 0u, us_of(t_ns));
}

static void joint_state(void *ctx, uint16_t joint, double *q, double *qd)
{
    const sim_t *s = ctx;
    if (joint < s->n_joints) {
        *q = s->q[joint];
        *qd = s->qd[joint];
    }
}

void sim_default_setup(sim_setup_t *setup)
{
    /* AK80-9 ranges: CubeMars AK manual V1.0.8 §5.3 table (see host/protocol/mit/models.ts) */
    static const mit_range_t ak80_9 = { -12.5f, 12.5f, -50.0f, 50.0f, -18.0f, 18.0f, 0.0f, 500.0f, 0.0f, 5.0f };
    memset(setup, 0, sizeof *setup);
    setup->n_buses = 3u;
    setup->n_motors = 12u;
    for (uint8_t i = 0u; i < 12u; i++) {
        setup->motor[i].bus = (uint8_t)(i / 4u);
        setup->motor[i].can_id = (uint32_t)(i % 4u) + 1u;
        setup->motor[i].reply_id = 0u; /* CAN_MASTER default 0 in the reference firmware */
        setup->motor[i].key = (uint8_t)((i % 4u) + 1u);
        setup->motor[i].proto = MIT_PROTO_CHEETAH;
        setup->motor[i].range = ak80_9;
        /* reply packed and queued in the CAN RX interrupt of the reference firmware: a few µs */
        setup->motor[i].reply_latency_ns = 5000u;
        setup->motor[i].joint = i;
    }
    setup->inertia = 0.01f;
    setup->damping = 0.02f;
    setup->link_baud = 0u;
}

void sim_init(sim_t *s, const sim_setup_t *setup, uint64_t now_ns)
{
    memset(s, 0, sizeof *s);
    s->now_ns = now_ns;
    s->phys_t_ns = now_ns;
    s->n_buses = setup->n_buses > SIM_MAX_BUSES ? SIM_MAX_BUSES : setup->n_buses;
    s->n_motors = setup->n_motors > SIM_MAX_MOTORS ? SIM_MAX_MOTORS : setup->n_motors;
    s->inertia = setup->inertia > 0.0f ? setup->inertia : 0.01f;
    s->damping = setup->damping >= 0.0f ? setup->damping : 0.0f;
    s->external_plant = setup->external_plant;
    uint8_t n_ecat = setup->n_ecat > EMU_ECAT_MAX_SLAVES ? (uint8_t)EMU_ECAT_MAX_SLAVES : setup->n_ecat;
    s->n_joints = (uint8_t)(s->n_motors + n_ecat > SIM_MAX_MOTORS ? SIM_MAX_MOTORS : s->n_motors + n_ecat);
    for (uint8_t j = 0u; j < SIM_MAX_MOTORS; j++) {
        s->motor_of_joint[j] = -1;
        s->slave_of_joint[j] = -1;
    }
    for (uint8_t b = 0u; b < s->n_buses; b++) {
        emu_bus_init(&s->bus[b], b, on_rx, on_tx_done, joint_state, s);
    }
    for (uint8_t i = 0u; i < s->n_motors; i++) {
        const sim_motor_setup_t *m = &setup->motor[i];
        uint16_t joint = m->joint < s->n_joints ? m->joint : i;
        emu_motor_init(&s->motor[i], m->bus, m->can_id, m->reply_id, m->key, m->proto, &m->range,
                       m->reply_latency_ns, joint);
        s->motor_of_joint[joint] = (int8_t)i;
        if (m->bus < s->n_buses) {
            (void)emu_bus_attach(&s->bus[m->bus], &s->motor[i]);
        }
    }
    s->port.serial_tx_free = p_tx_free;
    s->port.serial_write = p_write;
    s->port.can_configure = p_configure;
    s->port.can_send = p_send;
    s->port.can_abort = p_abort;
    s->port.can_status = p_status;
    s->port.can_recover = p_recover;
    s->port.eth_send = p_eth_send;
    uint16_t ecat_joint[EMU_ECAT_MAX_SLAVES];
    for (uint8_t k = 0u; k < n_ecat; k++) {
        ecat_joint[k] = setup->ecat_joint[k] < s->n_joints ? setup->ecat_joint[k] : (uint16_t)(s->n_motors + k);
        s->slave_of_joint[ecat_joint[k]] = (int8_t)k;
    }
    emu_ecat_init(&s->ecat, n_ecat, ecat_joint);
    s->ecat_hw = s->n_buses;
    memset(&s->info, 0, sizeof s->info);
    s->info.proto_version = CB_PROTO_VERSION;
    s->info.n_buses = (uint8_t)(s->n_buses + (n_ecat > 0u ? 1u : 0u));
    s->info.max_motors = CB_MAX_MOTORS;
    s->info.max_slot_len = CB_MAX_SLOT_LEN;
    s->info.link_baud = setup->link_baud;
    s->info.max_raw_frame = FRAME_MAX_RAW;
    memcpy(s->info.firmware, "cb-bridge 0.1.0", 15u);
    for (uint8_t b = 0u; b < s->n_buses; b++) {
        s->info.bus[b].bus_id = b;
        s->info.bus[b].bus_type = BUS_TYPE_CANFD;
        s->info.bus[b].caps = BUS_CAP_FD | BUS_CAP_BRS | BUS_CAP_EMULATED;
        s->info.bus[b].max_nominal_bps = 1000000u;
        s->info.bus[b].max_data_bps = 5000000u;
    }
    if (n_ecat > 0u) {
        s->info.bus[s->ecat_hw].bus_id = s->ecat_hw;
        s->info.bus[s->ecat_hw].bus_type = BUS_TYPE_ETHERCAT;
        s->info.bus[s->ecat_hw].caps = BUS_CAP_ETHERCAT | BUS_CAP_EMULATED;
        s->info.bus[s->ecat_hw].max_nominal_bps = CFG_ECAT_BPS;
    }
    bridge_init(&s->bridge, &s->port, s, &s->info, us_of(now_ns));
}

void sim_rx(sim_t *s, const uint8_t *data, size_t len, uint64_t now_ns)
{
    sim_advance(s, now_ns);
    bridge_rx_bytes(&s->bridge, data, len, us_of(now_ns));
}

size_t sim_tx_take(sim_t *s, uint8_t *out, size_t cap)
{
    size_t n = s->tx_len < cap ? s->tx_len : cap;
    for (size_t i = 0u; i < n; i++) {
        out[i] = s->tx[(s->tx_head + i) % SIM_TX_RING];
    }
    s->tx_head = (s->tx_head + n) % SIM_TX_RING;
    s->tx_len -= n;
    return n;
}

size_t sim_tx_pending(const sim_t *s)
{
    return s->tx_len;
}

void sim_joint_law(sim_t *s, uint16_t joint, emu_law_t *law)
{
    memset(law, 0, sizeof *law);
    if (joint >= s->n_joints) {
        return;
    }
    if (s->slave_of_joint[joint] >= 0) {
        emu_ecat_law(&s->ecat, (uint8_t)s->slave_of_joint[joint], s->q[joint], s->qd[joint], law);
        return;
    }
    if (s->motor_of_joint[joint] < 0) {
        return;
    }
    const emu_motor_t *m = &s->motor[s->motor_of_joint[joint]];
    bool on = m->enabled && m->fault == 0u;
    law->kp = on ? m->cmd.kp : 0.0f;
    law->kd = on ? m->cmd.kd : 0.0f;
    law->q_des = (float)((double)m->cmd.p + m->zero_offset); /* joint frame */
    law->qd_des = m->cmd.v;
    law->tau_ff = on ? m->cmd.t : 0.0f;
    law->tau_max = m->range.t_max;
}

float sim_joint_torque(sim_t *s, uint16_t joint)
{
    if (joint >= s->n_joints) {
        return 0.0f;
    }
    if (s->motor_of_joint[joint] >= 0) {
        return emu_motor_torque(&s->motor[s->motor_of_joint[joint]], s->q[joint], s->qd[joint]);
    }
    emu_law_t l;
    sim_joint_law(s, joint, &l);
    float tau = l.kp * (float)((double)l.q_des - s->q[joint]) + l.kd * (float)((double)l.qd_des - s->qd[joint]) + l.tau_ff;
    return tau > l.tau_max ? l.tau_max : (tau < -l.tau_max ? -l.tau_max : tau);
}

void sim_set_joint(sim_t *s, uint16_t joint, double q, double qd)
{
    if (joint < s->n_joints) {
        s->q[joint] = q;
        s->qd[joint] = qd;
    }
}

/* physics up to t: fixed substeps of the built-in shaft model */
static void physics_to(sim_t *s, uint64_t t)
{
    while (s->phys_t_ns + SIM_SUBSTEP_NS <= t) {
        const double dt = (double)SIM_SUBSTEP_NS * 1e-9;
        for (uint8_t j = 0u; j < s->n_joints; j++) {
            float tau = sim_joint_torque(s, j);
            if (s->motor_of_joint[j] >= 0) {
                emu_motor_heat(&s->motor[s->motor_of_joint[j]], (float)dt);
            }
            if (!s->external_plant) {
                /* semi-implicit Euler: J q̈ = τ − b q̇ */
                s->qd[j] += dt * ((double)tau - (double)s->damping * s->qd[j]) / (double)s->inertia;
                s->q[j] += dt * s->qd[j];
            }
        }
        s->phys_t_ns += SIM_SUBSTEP_NS;
    }
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t sim_next_event_ns(const sim_t *s)
{
    /* physics is not an event: shaft states are only observed at frame events, and step_to brings
     * the substeps up to date before each one */
    uint64_t t = UINT64_MAX;
    for (uint8_t b = 0u; b < s->n_buses; b++) {
        t = min_u64(t, emu_bus_next_event_ns(&s->bus[b]));
    }
    if (s->eth_n > 0u) {
        t = min_u64(t, s->eth[0].due_ns);
    }
    uint32_t now_us = us_of(s->now_ns);
    t = min_u64(t, s->now_ns + (uint64_t)bridge_next_deadline_us(&s->bridge, now_us) * 1000u);
    return t;
}

static void step_to(sim_t *s, uint64_t t)
{
    s->now_ns = t;
    physics_to(s, t);
    for (uint8_t b = 0u; b < s->n_buses; b++) {
        emu_bus_advance(&s->bus[b], t);
    }
    if (s->ecat.n > 0u) {
        emu_ecat_advance(&s->ecat, t);
        while (s->eth_n > 0u && s->eth[0].due_ns <= t) {
            /* the frame passes the slaves and returns; the master sees it at its due time */
            (void)emu_ecat_process(&s->ecat, s->eth[0].buf, s->eth[0].len, s->eth[0].due_ns);
            bridge_eth_rx(&s->bridge, s->ecat_hw, s->eth[0].buf, s->eth[0].len, us_of(t));
            s->eth_n--;
            memmove(&s->eth[0], &s->eth[1], s->eth_n * sizeof s->eth[0]);
        }
    }
    bridge_poll(&s->bridge, us_of(t));
}

void sim_advance(sim_t *s, uint64_t now_ns)
{
    unsigned stalled = 0u;
    for (unsigned guard = 0u; guard < 10000000u; guard++) {
        uint64_t t = sim_next_event_ns(s);
        if (t > now_ns) {
            break;
        }
        if (t < s->now_ns) {
            t = s->now_ns;
        }
        /* events at one instant cascade (a buffer freed, a reply queued) but only finitely */
        stalled = t == s->now_ns ? stalled + 1u : 0u;
        if (stalled > 64u) {
            break;
        }
        step_to(s, t);
    }
    if (now_ns > s->now_ns) {
        step_to(s, now_ns);
    }
}
