/*
 * emu_motor.h — a drive speaking MIT-mode CAN, emulated at the frame level (POSIX port).
 *
 * Behaviour follows the reference firmware (bgkatz/motorcontrol Core/Src/stm32f4xx_it.c, CAN RX
 * interrupt): every received frame addressed to the drive is answered with one reply, packed from
 * the state at reception and queued reply_latency_ns after the frame's end; FF×7 FC / FD / FE enter
 * motor mode, leave it, set the zero; any other payload is a command, applied only in motor mode.
 * The torque law is the drive's: τ = kp·(p_des − p) + kd·(v_des − v) + τ_ff, clamped to ±T_MAX.
 */
#ifndef CB_EMU_MOTOR_H
#define CB_EMU_MOTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "can.h"
#include "mit.h"

/* illustrative first-order thermal model: dT/dt = (k·τ² − (T − T_amb)) / τ_th */
#define EMU_TEMP_AMBIENT_C 25.0f
#define EMU_TEMP_K 0.005f          /* °C·s⁻¹ per (N·m)² at τ_th = 1 s scale */
#define EMU_TEMP_TAU_S 60.0f

typedef struct {
    uint8_t bus;          /* hardware bus index */
    uint32_t can_id;      /* command identifier */
    uint32_t reply_id;    /* identifier of its replies */
    bool ext;             /* 29-bit identifiers */
    uint8_t key;          /* id reported in reply byte 0 */
    mit_protocol_t proto;
    mit_range_t range;
    uint32_t reply_latency_ns;
    uint16_t joint;       /* shaft index */

    bool enabled;         /* in motor mode */
    mit_command_t cmd;    /* last command */
    double zero_offset;   /* shaft angle that reads as 0, rad */
    float tau;            /* torque applied at the last physics step, N·m */
    float temp_c;
    uint8_t fault;
    uint32_t frames_rx, specials_rx;
} emu_motor_t;

void emu_motor_init(emu_motor_t *m, uint8_t bus, uint32_t can_id, uint32_t reply_id, uint8_t key,
                    mit_protocol_t proto, const mit_range_t *range, uint32_t reply_latency_ns,
                    uint16_t joint);

/* frame f received by the drive (any id); fills *reply and returns true when it answers */
bool emu_motor_on_frame(emu_motor_t *m, const can_frame_t *f, double q, double qd, can_frame_t *reply);

/* drive torque for shaft state (q, qd); stores it in m->tau */
float emu_motor_torque(emu_motor_t *m, double q, double qd);

/* thermal model step */
void emu_motor_heat(emu_motor_t *m, float dt_s);

#endif
