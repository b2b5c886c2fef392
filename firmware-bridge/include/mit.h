/*
 * mit.h — MIT-mode CAN packing (the protocol of the MIT Mini Cheetah actuators, Ben Katz's
 * motorcontrol firmware, also spoken by CubeMars AK, Damiao and Robstride drives).
 *
 * Command (8 bytes, big-endian bit fields): p 16 bit, v 12, kp 12, kd 12, τ 12.
 * Quantisation is the reference firmware's (bgkatz/motorcontrol Core/Src/math_ops.c,
 * float_to_uint / uint_to_float): in binary32, u = (int)((x − x_min) · (2^bits − 1) / (x_max − x_min)),
 * i.e. truncation toward zero, and x = u · span / (2^bits − 1) + x_min. The bridge uses this module
 * for its own safe command (watchdog), for the diagnostics it decodes from replies and, in the POSIX
 * port, to emulate drives. The host packs its commands with host/protocol/mit/, which implements the
 * same arithmetic; both are tested against test/vectors/mit.json.
 */
#ifndef CB_MIT_H
#define CB_MIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIT_FRAME_LEN 8u

typedef enum {
    MIT_PROTO_CHEETAH = 0,   /* reference firmware: 6-byte reply id, p, v, τ */
    MIT_PROTO_CUBEMARS = 1,  /* AK series: 8-byte reply, + temperature, error code */
    MIT_PROTO_DAMIAO = 2,    /* DM-J series: byte 0 = id | state << 4, + MOS and rotor temperature */
    MIT_PROTO_ROBSTRIDE = 3, /* RS series in MIT protocol mode: + temperature ×10, big-endian u16 */
    MIT_PROTO_COUNT
} mit_protocol_t;

/* field ranges of one drive model; commands are clamped into them before packing */
typedef struct {
    float p_min, p_max;   /* rad */
    float v_min, v_max;   /* rad/s */
    float t_min, t_max;   /* N·m */
    float kp_min, kp_max; /* N·m/rad */
    float kd_min, kd_max; /* N·m·s/rad */
} mit_range_t;

typedef struct {
    float p;  /* desired position, rad */
    float v;  /* desired velocity, rad/s */
    float kp; /* N·m/rad */
    float kd; /* N·m·s/rad */
    float t;  /* feed-forward torque, N·m */
} mit_command_t;

/* clamp report bits returned by mit_pack_command */
#define MIT_CLAMP_P 0x01u
#define MIT_CLAMP_V 0x02u
#define MIT_CLAMP_KP 0x04u
#define MIT_CLAMP_KD 0x08u
#define MIT_CLAMP_T 0x10u
#define MIT_CLAMP_NAN 0x20u /* a field was NaN: packed as 0 clamped into range; do not send */

typedef enum {
    MIT_SPECIAL_NONE = 0,
    MIT_SPECIAL_CLEAR = 0xFB, /* Damiao / Robstride: clear fault */
    MIT_SPECIAL_ENTER = 0xFC, /* enter motor mode */
    MIT_SPECIAL_EXIT = 0xFD,  /* exit motor mode */
    MIT_SPECIAL_ZERO = 0xFE   /* set the current position as zero */
} mit_special_t;

typedef struct {
    uint8_t id;       /* drive id from byte 0 (Damiao: low nibble) */
    float p, v, t;    /* rad, rad/s, N·m */
    bool has_temp;
    float temp_c;     /* °C (Damiao: rotor/coil) */
    float temp2_c;    /* Damiao: MOS temperature, °C */
    bool has_fault;
    uint8_t fault;    /* vendor code, 0 = none */
    uint8_t state;    /* Damiao state nibble (0 disabled, 1 enabled, ≥ 8 fault) */
} mit_reply_t;

/* reference quantisation; x outside [x_min, x_max] or NaN is clamped first (never UB) */
uint32_t mit_float_to_uint(float x, float x_min, float x_max, unsigned bits);
float mit_uint_to_float(uint32_t u, float x_min, float x_max, unsigned bits);

/*
 * Reference quantisation without clamping, as the drives do for their replies: the 16-bit field
 * keeps the low 16 bits of the truncated value, so a multi-turn position wraps with period
 * 65536 · span / 65535 (bgkatz can.c pack_reply).
 */
uint16_t mit_float_to_u16_wrapping(float x, float x_min, float x_max);

/* clamps into r, packs 8 bytes into out; returns MIT_CLAMP_* bits (0: nothing clamped) */
uint8_t mit_pack_command(const mit_command_t *c, const mit_range_t *r, uint8_t out[MIT_FRAME_LEN]);
/* places already-quantised fields (p 16 bit, others 12 bit; excess bits masked) */
void mit_pack_fields(uint32_t pu, uint32_t vu, uint32_t kpu, uint32_t kdu, uint32_t tu,
                     uint8_t out[MIT_FRAME_LEN]);
void mit_unpack_command(const uint8_t d[MIT_FRAME_LEN], const mit_range_t *r, mit_command_t *c);

void mit_pack_special(mit_special_t kind, uint8_t out[MIT_FRAME_LEN]);
/* FF×7 followed by FB/FC/FD/FE in an 8-byte payload; MIT_SPECIAL_NONE otherwise */
mit_special_t mit_special_of(const uint8_t *d, uint8_t len);

/* drive-side reply packing (emulation); returns the payload length (6 or 8) */
uint8_t mit_pack_reply(mit_protocol_t proto, const mit_reply_t *rep, const mit_range_t *r,
                       uint8_t out[MIT_FRAME_LEN]);
bool mit_unpack_reply(mit_protocol_t proto, const uint8_t *d, uint8_t len, const mit_range_t *r,
                      mit_reply_t *out);

/* the drive id a reply carries in byte 0 */
uint8_t mit_reply_key(mit_protocol_t proto, uint8_t byte0);

/* fault code and temperature (0.1 °C, INT16_MIN unknown) of a reply, without the ranges */
void mit_reply_diag(mit_protocol_t proto, const uint8_t *d, uint8_t len, uint8_t *fault,
                    int16_t *temp_dC, bool *enabled);

#endif
