/*
 * main.c — the POSIX bridge: the portable core and its emulated drives (sim.c) behind a serial
 * line on a pseudo-terminal, in real time (CLOCK_MONOTONIC).
 *
 *   bridge-posix [--pty PATH] [--motor SPEC]... [--plant HOST:PORT] [--plant-dt-us N]
 *                [--inertia J] [--damping B] [--reply-latency-us N]
 *
 *   --pty PATH        use an existing terminal (one end of a socat pair); without it the bridge
 *                     creates a pseudo-terminal (posix_openpt) and prints "PTY <path>"
 *   --motor SPEC      BUS,CAN_ID,PROTOCOL,REPLY_ID,P_MAX,V_MAX,T_MAX,KP_MAX,KD_MAX (repeatable);
 *                     PROTOCOL: cheetah | cubemars | damiao | robstride. Default: 12 reference-firmware
 *                     drives with AK80-9 ranges, CAN ids 1–4 on buses 0–2, replies on id 0
 *   --ecat cia402     one emulated EtherCAT CiA 402 drive (repeatable), slave positions in order, on
 *                     one more bus (id = number of CAN buses; PROTOCOL.md §5). Shafts are numbered in
 *                     the order of all --motor and --ecat arguments
 *   --plant HOST:PORT external plant integrating the shafts over UDP (SHAFT.md); default: the built-in
 *                     shaft model (J q̈ = τ − b q̇)
 *   --plant-dt-us N   plant step (default 2000)
 *   --stdin-control   read fault-injection lines on stdin (HIL tests), answered "OK <line>" or
 *                     "ERR <line>" on stdout: "ecat-fault K CODE" (drive K faults with 0x603F = CODE,
 *                     decimal or 0x hex), "ecat-unplug K", "ecat-plug K" (slave K leaves / rejoins the
 *                     segment, coming back in INIT as after a power cycle)
 *   --inertia J, --damping B   built-in shaft model (default 0.01 kg·m², 0.02 N·m·s/rad)
 *   --reply-latency-us N       drive reply turnaround (default 5 µs)
 *
 * stdout: "PTY <path>" (when created), then "READY"; errors on stderr; exit 0 on SIGINT/SIGTERM or
 * when its parent process dies.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "shaft_proto.h"
#include "sim.h"

/* shortest sleep of a pass that made no progress, ns */
#define MIN_IDLE_WAIT_NS 20000u

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int set_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        return -1;
    }
    cfmakeraw(&t);
    return tcsetattr(fd, TCSANOW, &t);
}

static int open_pty(const char *path, int *keep_slave)
{
    *keep_slave = -1;
    if (path != NULL) {
        int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            fprintf(stderr, "bridge-posix: cannot open %s: %s\n", path, strerror(errno));
            return -1;
        }
        if (set_raw(fd) != 0) {
            fprintf(stderr, "bridge-posix: %s is not a terminal: %s\n", path, strerror(errno));
            close(fd);
            return -1;
        }
        return fd;
    }
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
        fprintf(stderr, "bridge-posix: cannot create a pseudo-terminal: %s\n", strerror(errno));
        return -1;
    }
    const char *name = ptsname(m);
    /* keep one slave descriptor open: with no slave open, the master reports POLLHUP forever */
    int s = name != NULL ? open(name, O_RDWR | O_NOCTTY) : -1;
    if (s < 0 || set_raw(s) != 0) {
        fprintf(stderr, "bridge-posix: cannot open the pty slave: %s\n", strerror(errno));
        return -1;
    }
    *keep_slave = s;
    printf("PTY %s\n", name);
    return m;
}

static bool parse_proto(const char *s, mit_protocol_t *p)
{
    static const char *names[] = { "cheetah", "cubemars", "damiao", "robstride" };
    for (unsigned i = 0u; i < 4u; i++) {
        if (strcmp(s, names[i]) == 0) {
            *p = (mit_protocol_t)i;
            return true;
        }
    }
    return false;
}

static bool parse_motor(const char *spec, sim_motor_setup_t *m)
{
    char proto[16];
    unsigned bus = 0u, id = 0u, reply = 0u;
    float p = 0.0f, v = 0.0f, t = 0.0f, kp = 0.0f, kd = 0.0f;
    if (sscanf(spec, "%u,%u,%15[a-z],%u,%f,%f,%f,%f,%f", &bus, &id, proto, &reply, &p, &v, &t, &kp, &kd) != 9 ||
        bus >= SIM_MAX_BUSES || id > CAN_STD_ID_MAX || reply > CAN_STD_ID_MAX || !parse_proto(proto, &m->proto) ||
        !(p > 0.0f && v > 0.0f && t > 0.0f && kp > 0.0f && kd > 0.0f)) {
        return false;
    }
    m->bus = (uint8_t)bus;
    m->can_id = id;
    m->reply_id = reply;
    m->key = (uint8_t)(m->proto == MIT_PROTO_DAMIAO ? (id & 0x0Fu) : (id & 0xFFu));
    m->range = (mit_range_t){ -p, p, -v, v, -t, t, 0.0f, kp, 0.0f, kd };
    m->reply_latency_ns = 5000u;
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: bridge-posix [--pty PATH] [--motor BUS,CAN_ID,PROTOCOL,REPLY_ID,P_MAX,V_MAX,T_MAX,KP_MAX,KD_MAX]... [--ecat cia402]...\n"
                    "                    [--plant HOST:PORT] [--plant-dt-us N] [--inertia J] [--damping B] [--reply-latency-us N]\n");
}

typedef struct {
    int fd;
    struct sockaddr_in to;
    uint32_t dt_ns;
    uint64_t next_ns;
    uint32_t step;
    uint32_t late;
} plant_t;

static int plant_open(plant_t *pl, const char *hostport, uint32_t dt_us)
{
    char host[64];
    unsigned port = 0u;
    if (sscanf(hostport, "%63[^:]:%u", host, &port) != 2 || port == 0u || port > 65535u) {
        fprintf(stderr, "bridge-posix: --plant wants HOST:PORT, got %s\n", hostport);
        return -1;
    }
    memset(&pl->to, 0, sizeof pl->to);
    pl->to.sin_family = AF_INET;
    pl->to.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &pl->to.sin_addr) != 1) {
        fprintf(stderr, "bridge-posix: --plant host must be an IPv4 address, got %s\n", host);
        return -1;
    }
    pl->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (pl->fd < 0) {
        fprintf(stderr, "bridge-posix: socket: %s\n", strerror(errno));
        return -1;
    }
    pl->dt_ns = dt_us * 1000u;
    return 0;
}

static void plant_step(plant_t *pl, sim_t *s)
{
    shaft_joint_cmd_t j[SHAFT_MAX_JOINTS];
    uint8_t buf[SHAFT_MAX_DATAGRAM];
    for (uint16_t i = 0u; i < s->n_joints; i++) {
        emu_law_t law;
        sim_joint_law(s, i, &law);
        j[i].tau = sim_joint_torque(s, i);
        j[i].kp = law.kp;
        j[i].kd = law.kd;
        j[i].q_des = law.q_des;
        j[i].qd_des = law.qd_des;
        j[i].tau_ff = law.tau_ff;
        j[i].tau_max = law.tau_max;
    }
    size_t n = shaft_pack_step(pl->step++, pl->dt_ns, s->n_joints, j, buf, sizeof buf);
    (void)sendto(pl->fd, buf, n, 0, (const struct sockaddr *)&pl->to, sizeof pl->to);
}

static void plant_receive(plant_t *pl, sim_t *s)
{
    uint8_t buf[SHAFT_MAX_DATAGRAM];
    shaft_joint_state_t j[SHAFT_MAX_JOINTS];
    for (;;) {
        ssize_t r = recv(pl->fd, buf, sizeof buf, 0);
        if (r <= 0) {
            return;
        }
        uint32_t step = 0u;
        uint16_t n = 0u;
        if (!shaft_unpack_state(buf, (size_t)r, &step, &n, j, SHAFT_MAX_JOINTS)) {
            fprintf(stderr, "bridge-posix: malformed plant datagram (%zd bytes) ignored\n", r);
            continue;
        }
        if (step + 1u != pl->step) {
            pl->late++;
        }
        for (uint16_t i = 0u; i < n && i < s->n_joints; i++) {
            sim_set_joint(s, i, j[i].q, j[i].qd);
        }
    }
}

static sim_t sim;
static sim_setup_t setup;

/* one fault-injection line from stdin (--stdin-control) */
static void stdin_command(sim_t *s, char *line)
{
    char op[24];
    unsigned k = 0u;
    char code[24] = "0";
    int n = sscanf(line, "%23s %u %23s", op, &k, code);
    bool ok = false;
    if (n >= 2 && k < s->ecat.n) {
        if (strcmp(op, "ecat-fault") == 0 && n == 3) {
            unsigned long c = strtoul(code, NULL, 0);
            if (c > 0u && c <= 0xFFFFu) {
                emu_cia402_inject_fault(&s->ecat.slave[k].drive, (uint16_t)c);
                ok = true;
            }
        } else if (strcmp(op, "ecat-unplug") == 0) {
            emu_ecat_set_present(&s->ecat, (uint8_t)k, false);
            ok = true;
        } else if (strcmp(op, "ecat-plug") == 0) {
            emu_ecat_set_present(&s->ecat, (uint8_t)k, true);
            ok = true;
        }
    }
    printf("%s %s\n", ok ? "OK" : "ERR", line);
    fflush(stdout);
}

/* reads whatever stdin has; runs complete lines */
static void stdin_poll(sim_t *s, char *buf, size_t cap, size_t *len)
{
    for (;;) {
        ssize_t r = read(STDIN_FILENO, buf + *len, cap - 1u - *len);
        if (r <= 0) {
            return;
        }
        *len += (size_t)r;
        buf[*len] = '\0';
        char *nl;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            stdin_command(s, buf);
            size_t rest = *len - (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, rest);
            *len = rest;
            buf[*len] = '\0';
        }
        if (*len == cap - 1u) {
            *len = 0u; /* an overlong line: dropped */
        }
    }
}

int main(int argc, char **argv)
{
    const char *pty_path = NULL;
    const char *plant_addr = NULL;
    uint32_t plant_dt_us = 2000u;
    uint8_t n_custom = 0u;
    uint16_t n_joints = 0u; /* shafts in --motor / --ecat order */
    long latency_us = -1;
    bool stdin_control = false;
    sim_default_setup(&setup);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--stdin-control") == 0) {
            stdin_control = true;
            continue;
        }
        if (v == NULL) {
            usage();
            return 2;
        }
        if (strcmp(a, "--pty") == 0) {
            pty_path = v;
        } else if (strcmp(a, "--motor") == 0) {
            if (n_joints >= SIM_MAX_MOTORS || !parse_motor(v, &setup.motor[n_custom])) {
                fprintf(stderr, "bridge-posix: bad --motor %s\n", v);
                usage();
                return 2;
            }
            setup.motor[n_custom].joint = n_joints++;
            n_custom++;
        } else if (strcmp(a, "--ecat") == 0) {
            if (n_joints >= SIM_MAX_MOTORS || setup.n_ecat >= EMU_ECAT_MAX_SLAVES || strcmp(v, "cia402") != 0) {
                fprintf(stderr, "bridge-posix: bad --ecat %s (the emulated drive is 'cia402'; at most %u)\n", v,
                        EMU_ECAT_MAX_SLAVES);
                usage();
                return 2;
            }
            setup.ecat_joint[setup.n_ecat++] = n_joints++;
        } else if (strcmp(a, "--plant") == 0) {
            plant_addr = v;
        } else if (strcmp(a, "--plant-dt-us") == 0) {
            plant_dt_us = (uint32_t)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--inertia") == 0) {
            setup.inertia = strtof(v, NULL);
        } else if (strcmp(a, "--damping") == 0) {
            setup.damping = strtof(v, NULL);
        } else if (strcmp(a, "--reply-latency-us") == 0) {
            latency_us = strtol(v, NULL, 10);
        } else {
            usage();
            return 2;
        }
        i++;
    }
    if (n_custom > 0u || setup.n_ecat > 0u) {
        setup.n_motors = n_custom;
        setup.n_buses = 0u;
        for (uint8_t i = 0u; i < n_custom; i++) {
            if (setup.motor[i].bus + 1u > setup.n_buses) {
                setup.n_buses = (uint8_t)(setup.motor[i].bus + 1u);
            }
        }
    }
    if (latency_us >= 0) {
        for (uint8_t i = 0u; i < setup.n_motors; i++) {
            setup.motor[i].reply_latency_ns = (uint32_t)latency_us * 1000u;
        }
    }
    if (plant_dt_us < 100u || plant_dt_us > 100000u || !(setup.inertia > 0.0f) || setup.damping < 0.0f) {
        fprintf(stderr, "bridge-posix: --plant-dt-us must be 100..100000, --inertia > 0, --damping >= 0\n");
        return 2;
    }

    plant_t plant;
    memset(&plant, 0, sizeof plant);
    plant.fd = -1;
    if (plant_addr != NULL) {
        if (plant_open(&plant, plant_addr, plant_dt_us) != 0) {
            return 1;
        }
        setup.external_plant = true;
    }
    int keep_slave = -1;
    int fd = open_pty(pty_path, &keep_slave);
    if (fd < 0) {
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    uint64_t now = mono_ns();
    sim_init(&sim, &setup, now);
    plant.next_ns = now;
    printf("READY\n");
    fflush(stdout);

    /* a test harness that dies must not leave the bridge running: exit when reparented */
    const pid_t parent = getppid();
    uint64_t next_parent_check = now;
    static uint8_t rx[4096];
    static char cmd_line[256];
    size_t cmd_len = 0u;
    if (stdin_control) {
        (void)fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    }
    static uint8_t out[8192];
    size_t out_len = 0u;
    size_t out_off = 0u;
    while (!stop_requested) {
        bool progress = false;
        now = mono_ns();
        if (now >= next_parent_check) {
            if (getppid() != parent) {
                break;
            }
            next_parent_check = now + 100000000u;
        }
        for (;;) {
            ssize_t r = read(fd, rx, sizeof rx);
            if (r <= 0) {
                break;
            }
            sim_rx(&sim, rx, (size_t)r, now);
            progress = true;
        }
        if (plant.fd >= 0) {
            plant_receive(&plant, &sim);
            if (now >= plant.next_ns) {
                plant_step(&plant, &sim);
                plant.next_ns += plant.dt_ns;
                if (plant.next_ns < now) {
                    plant.next_ns = now + plant.dt_ns; /* fell behind: skip, do not burst */
                }
            }
        }
        if (stdin_control) {
            stdin_poll(&sim, cmd_line, sizeof cmd_line, &cmd_len);
        }
        sim_advance(&sim, now);
        for (;;) {
            if (out_off == out_len) {
                out_off = 0u;
                out_len = sim_tx_take(&sim, out, sizeof out);
                if (out_len == 0u) {
                    break;
                }
            }
            ssize_t w = write(fd, out + out_off, out_len - out_off);
            if (w <= 0) {
                break; /* EAGAIN: the host is not reading; the core counts what it cannot queue */
            }
            out_off += (size_t)w;
            progress = true;
        }
        uint64_t next = sim_next_event_ns(&sim);
        if (plant.fd >= 0 && plant.next_ns < next) {
            next = plant.next_ns;
        }
        uint64_t t = mono_ns();
        uint64_t wait = next > t ? next - t : 0u;
        /* an event already due that this pass could not move (the host is not reading, so the core
         * cannot queue what is due) must not turn the loop into a spin: with SCHED_FIFO a spin
         * starves the kernel's pty work and the host never drains the output */
        if (wait < MIN_IDLE_WAIT_NS && !progress) {
            wait = MIN_IDLE_WAIT_NS;
        }
        if (wait > 10000000u) {
            wait = 10000000u;
        }
        struct pollfd pfd[3];
        nfds_t nfd = 1u;
        pfd[0].fd = fd;
        pfd[0].events = (short)(POLLIN | (out_off < out_len ? POLLOUT : 0));
        pfd[0].revents = 0;
        if (plant.fd >= 0) {
            pfd[1].fd = plant.fd;
            pfd[1].events = POLLIN;
            pfd[1].revents = 0;
            nfd = 2u;
        }
        if (stdin_control) {
            pfd[nfd].fd = STDIN_FILENO;
            pfd[nfd].events = POLLIN;
            pfd[nfd].revents = 0;
            nfd++;
        }
        struct timespec ts = { (time_t)(wait / 1000000000u), (long)(wait % 1000000000u) };
        if (ppoll(pfd, nfd, &ts, NULL) < 0 && errno != EINTR) {
            fprintf(stderr, "bridge-posix: ppoll: %s\n", strerror(errno));
            return 1;
        }
        if ((pfd[0].revents & (POLLHUP | POLLERR)) != 0 && keep_slave < 0) {
            /* the other end of a socat pair went away: keep serving, without spinning */
            struct timespec pause = { 0, 10000000 };
            nanosleep(&pause, NULL);
        }
    }
    if (keep_slave >= 0) {
        close(keep_slave);
    }
    close(fd);
    if (plant.fd >= 0) {
        close(plant.fd);
    }
    return 0;
}
