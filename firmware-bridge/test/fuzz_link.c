/*
 * fuzz_link.c — libFuzzer entry (make fuzz): arbitrary bytes into a configured bridge's link input,
 * in arbitrary chunking. A bench for long runs, not part of `make`.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bridge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t f_free(void *ctx) { (void)ctx; return 1u << 20; }
static bool f_write(void *ctx, const uint8_t *b, size_t n) { (void)ctx; (void)b; (void)n; return true; }
static bool f_cfg(void *ctx, uint8_t hw, const cfg_bus_t *b) { (void)ctx; (void)hw; (void)b; return true; }
static bool f_send(void *ctx, uint8_t hw, const can_frame_t *f) { (void)ctx; (void)hw; (void)f; return true; }
static uint8_t f_abort(void *ctx, uint8_t hw) { (void)ctx; (void)hw; return 0u; }
static void f_status(void *ctx, uint8_t hw, can_status_t *st) { (void)ctx; (void)hw; memset(st, 0, sizeof *st); }
static void f_recover(void *ctx, uint8_t hw) { (void)ctx; (void)hw; }
static const bridge_port_t ops = { f_free, f_write, f_cfg, f_send, f_abort, f_status, f_recover, NULL };

static bridge_t br;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msg_info_t hw;
    memset(&hw, 0, sizeof hw);
    hw.proto_version = 1u;
    hw.n_buses = 2u;
    hw.bus[0] = (msg_bus_info_t){ 0u, BUS_TYPE_CANFD, BUS_CAP_FD | BUS_CAP_BRS, 1000000u, 5000000u };
    hw.bus[1] = (msg_bus_info_t){ 1u, BUS_TYPE_CANFD, BUS_CAP_FD | BUS_CAP_BRS, 1000000u, 5000000u };
    bridge_init(&br, &ops, NULL, &hw, 0u);
    uint32_t t = 0u;
    size_t i = 0u;
    while (i < size) {
        /* the first byte of each chunk sets its length and the time step */
        size_t chunk = 1u + data[i] % 64u;
        t += (uint32_t)data[i] * 50u;
        i++;
        size_t n = chunk < size - i ? chunk : size - i;
        bridge_rx_bytes(&br, data + i, n, t);
        bridge_poll(&br, t);
        i += n;
    }
    return 0;
}
