/*
 * ecat_dc.c — distributed-clock arithmetic (ETG.1000.4 / Beckhoff ESC datasheet section I): the frame
 * runs down the line and back, so the delay from the reference to slave k is half the difference of
 * their round trips; the offset makes every system time read the reference's.
 */
#include "ecat_dc.h"

uint32_t ecat_dc_loop_ns(uint32_t t_port0, uint32_t t_port1)
{
    return t_port1 != 0u ? t_port1 - t_port0 : 0u; /* u32 latches wrap every 4.3 s: difference mod 2^32 */
}

uint32_t ecat_dc_delay_ns(uint32_t loop_ref, uint32_t loop_slave)
{
    /* d_k = (loop_ref − loop_k) / 2; a slave cannot see more of the line than the reference */
    return loop_ref > loop_slave ? (loop_ref - loop_slave) / 2u : 0u;
}

uint64_t ecat_dc_offset(uint64_t off, uint64_t sys, uint32_t delay, uint64_t sys_src, uint32_t delay_src)
{
    return off + (sys_src - delay_src) - (sys - delay);
}

uint64_t ecat_dc_start(uint64_t now_ns, uint32_t margin_ns, uint32_t cycle_ns, uint64_t base_ns)
{
    uint64_t earliest = now_ns + margin_ns;
    if (cycle_ns == 0u || earliest <= base_ns) {
        return earliest > base_ns ? earliest : base_ns;
    }
    uint64_t m = (earliest - base_ns + cycle_ns - 1u) / cycle_ns;
    return base_ns + m * cycle_ns;
}
