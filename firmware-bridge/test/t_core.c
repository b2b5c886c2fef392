/*
 * t_core.c — unit checks of the core modules: watchdog state machine, ID-ordered queues, CONFIG
 * validation status codes, fault queue, MIT edge cases (NaN, wrapping positions).
 */
#include <math.h>
#include <string.h>

#include "can_sched.h"
#include "check.h"
#include "config.h"
#include "fault_queue.h"
#include "mit.h"
#include "shaft_proto.h"
#include "msg.h"
#include "watchdog.h"

static void test_watchdog(void)
{
    watchdog_t wd;
    uint32_t e = 0u;
    wd_init(&wd, 10000u);
    CHECK(!wd_check(&wd, 50000u, &e), "disarmed never trips");
    CHECK(wd_feed(&wd, 1000u, false) == WD_FEED_ARMED, "first command arms");
    CHECK(!wd_check(&wd, 10999u, &e), "9999 us: not yet");
    CHECK(wd_time_left(&wd, 10999u) == 1u, "1 us left");
    CHECK(wd_check(&wd, 11000u, &e) && e == 10000u && wd.state == WD_TRIPPED, "trips at exactly the timeout");
    CHECK(!wd_check(&wd, 20000u, &e), "trips once");
    CHECK(wd_feed(&wd, 12000u, false) == WD_FEED_REJECTED && wd.state == WD_TRIPPED, "no silent resume");
    CHECK(wd_feed(&wd, 12500u, true) == WD_FEED_REARMED && wd.state == WD_ARMED, "ARM re-arms");
    /* across the u32 µs wrap */
    wd_init(&wd, 10000u);
    (void)wd_feed(&wd, 0xFFFFF000u, false);
    CHECK(!wd_check(&wd, 0x00000100u, &e), "wrap: 4352 us elapsed");
    CHECK(wd_check(&wd, 0xFFFFF000u + 10000u, &e) && e == 10000u, "wrap: trips");
}

static void test_queue(void)
{
    sched_queue_t q;
    sched_clear(&q);
    CHECK(sched_peek(&q) == -1, "empty");
    (void)sched_push(&q, 3u, can_arbitration_key(4u, false));
    (void)sched_push(&q, 1u, can_arbitration_key(2u, false));
    (void)sched_push(&q, 0u, can_arbitration_key(1u, false));
    (void)sched_push(&q, 2u, can_arbitration_key(3u, false));
    int order[4];
    for (int i = 0; i < 4; i++) {
        order[i] = sched_peek(&q);
        sched_pop(&q);
    }
    CHECK(order[0] == 0 && order[1] == 1 && order[2] == 2 && order[3] == 3, "ID order");
    for (uint8_t i = 0u; i < CB_MAX_MOTORS; i++) {
        CHECK(sched_push(&q, i, i), "push %u", i);
    }
    CHECK(!sched_push(&q, 0u, 0u), "full queue refuses");
}

static msg_info_t hw_info(void)
{
    msg_info_t hw;
    memset(&hw, 0, sizeof hw);
    hw.n_buses = 3u;
    for (uint8_t i = 0u; i < 3u; i++) {
        hw.bus[i].bus_id = i;
        hw.bus[i].bus_type = BUS_TYPE_CANFD;
        hw.bus[i].caps = BUS_CAP_FD | BUS_CAP_BRS;
        hw.bus[i].max_nominal_bps = 1000000u;
        hw.bus[i].max_data_bps = 5000000u;
    }
    return hw;
}

static msg_config_t base_config(void)
{
    msg_config_t m;
    memset(&m, 0, sizeof m);
    m.tick_period_us = 2000u;
    m.watchdog_us = 10000u;
    m.safe_kd = 1.0f;
    m.n_buses = 3u;
    m.n_motors = 12u;
    for (uint8_t i = 0u; i < 3u; i++) {
        m.bus[i] = (msg_bus_cfg_t){ i, BUS_TYPE_CANFD, 0u, 8u, 1000000u, 0u };
    }
    for (uint8_t i = 0u; i < 12u; i++) {
        m.motor[i] = (msg_motor_cfg_t){ (uint8_t)(i / 4u), MIT_PROTO_CHEETAH, (uint8_t)(i % 4u + 1u), 0u,
                                        i % 4u + 1u, 0u, 5.0f };
    }
    return m;
}

static uint8_t build(const msg_config_t *m, uint8_t *idx)
{
    static cfg_t c;
    msg_info_t hw = hw_info();
    return cfg_build(m, &hw, &c, idx);
}

static void test_config(void)
{
    static cfg_t c;
    msg_info_t hw = hw_info();
    msg_config_t m = base_config();
    uint8_t idx = 0u;
    CHECK(cfg_build(&m, &hw, &c, &idx) == CFG_OK, "base config");
    CHECK(c.command_raw_len == 144u && c.state_raw_len == 216u, "lengths %u %u", c.command_raw_len, c.state_raw_len);
    CHECK(c.bus[0].budget_ns == 1080000u, "budget %u", (unsigned)c.bus[0].budget_ns);
    CHECK(c.reply_timeout_us == 1380u, "auto reply timeout %u", (unsigned)c.reply_timeout_us);
    CHECK(c.slot_motor[5] == 5u && c.motor[5].slot == 5u && c.bus[1].first_slot == 4u, "slot map");

    m = base_config(); m.tick_period_us = 100u;
    CHECK(build(&m, &idx) == CFG_BAD_TIMING, "tick too short");
    m = base_config(); m.safe_kd = NAN;
    CHECK(build(&m, &idx) == CFG_BAD_TIMING, "NaN safe_kd");
    m = base_config(); m.bus[1].bus_id = 0u;
    CHECK(build(&m, &idx) == CFG_BAD_BUS && idx == 1u, "duplicate bus");
    m = base_config(); m.bus[2].bus_id = 7u;
    CHECK(build(&m, &idx) == CFG_BAD_BUS && idx == 2u, "unknown bus");
    m = base_config(); m.bus[0].slot_len = 9u;
    CHECK(build(&m, &idx) == CFG_BAD_BUS, "slot_len 9");
    m = base_config(); m.bus[0].flags = BUS_CFG_BRS;
    CHECK(build(&m, &idx) == CFG_BAD_BUS, "BRS without FD");
    m = base_config(); m.bus[0].nominal_bps = 2000000u;
    CHECK(build(&m, &idx) == CFG_BAD_BITRATE, "2 Mbit nominal");
    m = base_config(); m.bus[0].flags = BUS_CFG_FD | BUS_CFG_BRS; m.bus[0].data_bps = 5000000u;
    CHECK(build(&m, &idx) == CFG_OK, "FD + BRS");
    m = base_config(); m.motor[3].can_id = m.motor[2].can_id;
    CHECK(build(&m, &idx) == CFG_BAD_MOTOR && idx == 3u, "duplicate can_id");
    m = base_config(); m.motor[0].protocol = 9u;
    CHECK(build(&m, &idx) == CFG_BAD_MOTOR, "unknown protocol");
    m = base_config(); m.motor[0].can_id = 0x800u;
    CHECK(build(&m, &idx) == CFG_BAD_MOTOR, "12-bit id in an 11-bit frame");
    m = base_config(); m.motor[0].kd_max = 0.0f;
    CHECK(build(&m, &idx) == CFG_BAD_MOTOR, "kd_max 0");
    m = base_config();
    for (uint8_t b = 0u; b < 3u; b++) {
        m.bus[b].nominal_bps = 125000u;
    }
    CHECK(build(&m, &idx) == CFG_OVER_BUDGET, "4 drives at 125 kbit/s do not fit 2 ms");
    m = base_config(); m.n_motors = 32u; m.n_buses = 1u;
    for (uint8_t i = 0u; i < 32u; i++) {
        m.motor[i] = (msg_motor_cfg_t){ 0u, MIT_PROTO_CHEETAH, i, 0u, (uint32_t)i + 1u, 0u, 5.0f };
    }
    m.tick_period_us = 100000u;
    CHECK(build(&m, &idx) == CFG_OK, "32 motors on one bus fit");
    /* 20 + 4 + 32 × 14 = 472 body bytes; on four buses (PROTOCOL.md §7) 20 + 16 + 448 = 484 */
    CHECK(msg_state_len(&(msg_layout_t){ 1u, 32u, { { 0u, 2u, 32u, 8u } } }) == 472u, "32-slot STATE length");
}

static void test_faults(void)
{
    static fault_queue_t fq;
    fq_init(&fq);
    for (uint32_t i = 0u; i < FAULT_QUEUE_LEN + 3u; i++) {
        fq_push(&fq, i, FAULT_MOTOR_FAULT, 0u, 0u, i);
    }
    CHECK(fq.count == FAULT_QUEUE_LEN && fq.dropped == 3u && fq.next_index == FAULT_QUEUE_LEN + 3u, "overflow drops");
    CHECK(fq_peek(&fq)->fault_index == 0u, "oldest first");
    fq_init(&fq);
    fq_push_limited(&fq, 1000u, FAULT_RX_CRC_ERROR, CB_MAX_BUSES, 0xFFu, 0xFFu, 1u);
    fq_push_limited(&fq, 50000u, FAULT_RX_CRC_ERROR, CB_MAX_BUSES, 0xFFu, 0xFFu, 2u);
    fq_push_limited(&fq, 101000u, FAULT_RX_CRC_ERROR, CB_MAX_BUSES, 0xFFu, 0xFFu, 3u);
    CHECK(fq.count == 2u, "rate limit: one per 100 ms, got %u", fq.count);
}

static void test_mit_edges(void)
{
    const mit_range_t r = { -12.5f, 12.5f, -50.0f, 50.0f, -18.0f, 18.0f, 0.0f, 500.0f, 0.0f, 5.0f };
    uint8_t out[8];
    mit_command_t c = { NAN, 0.0f, NAN, 1.0f, INFINITY };
    uint8_t mask = mit_pack_command(&c, &r, out);
    CHECK((mask & MIT_CLAMP_NAN) && (mask & MIT_CLAMP_P) && (mask & MIT_CLAMP_KP) && (mask & MIT_CLAMP_T), "NaN/inf reported: %02X", mask);
    mit_command_t back;
    mit_unpack_command(out, &r, &back);
    CHECK(back.kp == 0.0f && fabsf(back.p) < 0.001f && back.t == 18.0f, "NaN packs as 0, inf clamps");
    CHECK(mit_float_to_uint(1e30f, -1.0f, 1.0f, 12u) == 4095u && mit_float_to_uint(-1e30f, -1.0f, 1.0f, 12u) == 0u, "huge clamps");
    /* the drive's reply position wraps: 12.51 rad reads as −12.490… */
    uint16_t u = mit_float_to_u16_wrapping(12.51f, -12.5f, 12.5f);
    CHECK(u == 25u, "wrap code %u", u);
    CHECK(mit_float_to_u16_wrapping(-12.51f, -12.5f, 12.5f) == 65510u, "negative wrap (trunc toward zero: -26)");
    (void)mit_float_to_u16_wrapping(1e12f, -12.5f, 12.5f); /* defined (UBSan float-cast-overflow) */
    CHECK(mit_reply_key(MIT_PROTO_DAMIAO, 0xB3u) == 3u && mit_reply_key(MIT_PROTO_CHEETAH, 0xB3u) == 0xB3u, "reply keys");
}

static void test_shaft_proto(void)
{
    shaft_joint_cmd_t c[2] = { { 1.5f, 20.0f, 1.0f, 0.5f, 0.0f, 0.25f, 18.0f }, { -3.0f, 0.0f, 2.0f, 0.0f, 1.0f, 0.0f, 120.0f } };
    shaft_joint_cmd_t c2[2];
    shaft_joint_state_t s[2] = { { 1.25, -0.5 }, { 100.0, 3.0 } };
    shaft_joint_state_t s2[2];
    uint8_t buf[SHAFT_MAX_DATAGRAM];
    uint32_t step = 0u, dt = 0u;
    uint16_t n = 0u;
    size_t len = shaft_pack_step(7u, 2000000u, 2u, c, buf, sizeof buf);
    CHECK(len == SHAFT_HEADER_LEN + 2u * SHAFT_STEP_JOINT_LEN && buf[0] == 'C' && buf[3] == 'H', "STEP size and magic");
    CHECK(shaft_unpack_step(buf, len, &step, &dt, &n, c2, 2u) && step == 7u && dt == 2000000u && n == 2u &&
          c2[1].tau_max == 120.0f && c2[0].tau_ff == 0.25f, "STEP round trip");
    CHECK(!shaft_unpack_step(buf, len - 1u, &step, &dt, &n, c2, 2u) && !shaft_unpack_step(buf, len, &step, &dt, &n, c2, 1u),
          "STEP length and joint count enforced");
    len = shaft_pack_state(7u, 2u, s, buf, sizeof buf);
    CHECK(shaft_unpack_state(buf, len, &step, &n, s2, 2u) && s2[1].q == 100.0 && s2[0].qd == -0.5, "STATE round trip");
    buf[SHAFT_HEADER_LEN + 7u] = 0x7Fu; /* q of joint 0 → NaN pattern */
    buf[SHAFT_HEADER_LEN + 6u] = 0xF8u;
    CHECK(!shaft_unpack_state(buf, len, &step, &n, s2, 2u), "non-finite state refused");
}

void test_core(void)
{
    test_shaft_proto();
    test_watchdog();
    test_queue();
    test_config();
    test_faults();
    test_mit_edges();
}
