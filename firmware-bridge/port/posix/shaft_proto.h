/*
 * shaft_proto.h — the loopback protocol between the POSIX bridge's emulated drives and an external
 * plant that integrates their shafts (SHAFT.md). Little-endian UDP datagrams on 127.0.0.1.
 */
#ifndef CB_SHAFT_PROTO_H
#define CB_SHAFT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHAFT_MAGIC 0x48534243u /* "CBSH" */
#define SHAFT_VERSION 1u
#define SHAFT_STEP 1u
#define SHAFT_STATE 2u
#define SHAFT_HEADER_LEN 20u
#define SHAFT_STEP_JOINT_LEN 28u
#define SHAFT_STATE_JOINT_LEN 16u
#define SHAFT_MAX_JOINTS 32u
#define SHAFT_MAX_DATAGRAM (SHAFT_HEADER_LEN + SHAFT_MAX_JOINTS * SHAFT_STEP_JOINT_LEN)

typedef struct {
    float tau;    /* torque the drive applies now, from the last reported state, N·m */
    float kp, kd; /* its gains (N·m/rad, N·m·s/rad): lets a plant integrate the PD implicitly */
    float q_des, qd_des, tau_ff; /* rad (joint frame), rad/s, N·m */
    float tau_max;               /* the drive's torque limit, N·m */
} shaft_joint_cmd_t;

typedef struct {
    double q, qd; /* shaft angle rad, rate rad/s, in the plant's joint frame */
} shaft_joint_state_t;

size_t shaft_pack_step(uint32_t step, uint32_t dt_ns, uint16_t n, const shaft_joint_cmd_t *j,
                       uint8_t *out, size_t cap);
bool shaft_unpack_step(const uint8_t *buf, size_t len, uint32_t *step, uint32_t *dt_ns, uint16_t *n,
                       shaft_joint_cmd_t *j, uint16_t max_joints);
size_t shaft_pack_state(uint32_t step, uint16_t n, const shaft_joint_state_t *j, uint8_t *out, size_t cap);
bool shaft_unpack_state(const uint8_t *buf, size_t len, uint32_t *step, uint16_t *n,
                        shaft_joint_state_t *j, uint16_t max_joints);

#endif
