/*
 * sim.h — the POSIX bridge without its I/O: the portable core, its emulated buses and drives, and
 * the shafts the drives turn, advanced together in simulated time (ns). The pty main loop drives it
 * with the monotonic clock; the C tests drive it with a synthetic clock.
 *
 * Shafts: by default a built-in model per joint, J·q̈ = τ − b·q̇, integrated with semi-implicit
 * Euler in SIM_SUBSTEP_NS steps, the drive's torque law re-evaluated every substep (the real drives
 * close their PD loop at tens of kHz). With an external plant (SHAFT.md), the plant integrates
 * instead and sim_set_joint() writes back what it reports.
 */
#ifndef CB_SIM_H
#define CB_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"
#include "emu_bus.h"
#include "emu_ecat.h"
#include "emu_motor.h"

#define SIM_MAX_BUSES CB_MAX_BUSES
#define SIM_MAX_MOTORS CB_MAX_MOTORS
#define SIM_TX_RING 16384u
#define SIM_SUBSTEP_NS 100000u
#define SIM_ETH_QUEUE 4u /* EtherCAT frames on the segment at once */

typedef struct {
    uint8_t bus;
    uint32_t can_id, reply_id;
    uint8_t key;
    mit_protocol_t proto;
    mit_range_t range;
    uint32_t reply_latency_ns;
    uint16_t joint;       /* shaft index (order of --motor / --ecat) */
} sim_motor_setup_t;

typedef struct {
    uint8_t n_buses;
    uint8_t n_motors;
    sim_motor_setup_t motor[SIM_MAX_MOTORS];
    /* EtherCAT segment: n_ecat emulated CiA 402 drives on one more bus (id = n_buses), slave k turning
     * shaft ecat_joint[k] */
    uint8_t n_ecat;
    uint16_t ecat_joint[EMU_ECAT_MAX_SLAVES];
    float inertia;   /* kg·m², per joint */
    float damping;   /* N·m·s/rad */
    uint32_t link_baud;
    bool external_plant;
} sim_setup_t;

typedef struct {
    bridge_t bridge;
    bridge_port_t port;
    msg_info_t info;
    emu_bus_t bus[SIM_MAX_BUSES];
    emu_motor_t motor[SIM_MAX_MOTORS];
    uint8_t n_buses, n_motors;
    uint8_t n_joints;                    /* CAN drives + EtherCAT drives */
    int8_t motor_of_joint[SIM_MAX_MOTORS]; /* CAN drive turning the shaft, or −1 */
    int8_t slave_of_joint[SIM_MAX_MOTORS]; /* EtherCAT slave turning the shaft, or −1 */
    emu_ecat_t ecat;
    uint8_t ecat_hw;                     /* INFO index of the EtherCAT bus */
    struct {
        uint8_t buf[ECAT_MAX_FRAME];
        size_t len;
        uint64_t due_ns;
    } eth[SIM_ETH_QUEUE];
    uint8_t eth_n;
    uint32_t eth_dropped;
    double q[SIM_MAX_MOTORS], qd[SIM_MAX_MOTORS]; /* shaft angle rad, rate rad/s */
    float inertia, damping;
    bool external_plant;
    uint64_t phys_t_ns;
    uint64_t now_ns;
    uint8_t tx[SIM_TX_RING];
    size_t tx_head, tx_len;
} sim_t;

void sim_init(sim_t *s, const sim_setup_t *setup, uint64_t now_ns);
/* bytes from the host */
void sim_rx(sim_t *s, const uint8_t *data, size_t len, uint64_t now_ns);
/* up to cap bytes for the host; returns the count */
size_t sim_tx_take(sim_t *s, uint8_t *out, size_t cap);
size_t sim_tx_pending(const sim_t *s);
/* runs everything up to now_ns, in event order */
void sim_advance(sim_t *s, uint64_t now_ns);
/* next time sim_advance has work (absolute ns) */
uint64_t sim_next_event_ns(const sim_t *s);
/* external plant: torque of each joint now, the drive's law (SHAFT.md terms), and its reported state */
float sim_joint_torque(sim_t *s, uint16_t joint);
void sim_joint_law(sim_t *s, uint16_t joint, emu_law_t *law);
void sim_set_joint(sim_t *s, uint16_t joint, double q, double qd);
/* default hardware: 12 reference-firmware drives, ids 1..4 on buses 0..2, AK80-9 ranges */
void sim_default_setup(sim_setup_t *setup);

#endif
