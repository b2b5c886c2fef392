/*
 * startup.c — boot image header, vector table and reset handler for the i.MX RT1062 (Cortex-M7) on
 * the Teensy 4.1.
 *
 * The boot ROM reads, from the start of the QSPI NOR flash (IMXRT1060RM Rev. 3, chapter "System
 * Boot", "Serial NOR Flash boot" / "FlexSPI NOR Configuration Block"):
 *   offset 0x0000  FlexSPI NOR configuration block (512 bytes): how to read the flash (quad I/O fast
 *                  read 0xEB, W25Q64JV datasheet §8.2.11: 24-bit address on 4 lines, then mode bits
 *                  and dummy clocks = 6 clocks, then data on 4 lines)
 *   offset 0x1000  image vector table (IVT): header, entry point, boot data, self address
 *   right after    boot data: image start 0x60000000, image length, plugin flag 0
 * and jumps to the IVT's entry, reset_handler, executing in place from flash.
 *
 * Memory choice (kept simple): code and constants run from flash through the I-cache; all 512 KB of
 * FlexRAM become DTCM (16 banks of 32 KB, FLEXRAM_BANK_CFG = 10 for every bank, ITCM size 0) for
 * data, bss and stack. The reset handler reconfigures FlexRAM before touching the stack, so it is
 * written in assembly (no stack use). ENET DMA memory (.dma in OCRAM2) is made non-cacheable by MPU
 * region 0 before the D-cache is enabled; everything else uses the ARMv7-M default memory map
 * (flash and OCRAM write-back cacheable, peripherals device memory, DTCM never cached).
 *
 * Faults park the CPU; the RTWDOG then resets it (the drives stop receiving frames meanwhile and fall
 * back on their own timeouts; EtherCAT slaves leave OP on their SM watchdog).
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "crt0.h"
#include "regs.h"

extern uint32_t _sdma, _edma;
extern const uint8_t _flash_image_len[]; /* a linker symbol: its address is the image length */

void reset_continue(void);

/* ---- FlexSPI NOR configuration block (512 bytes; field offsets per the RM's configuration block
 *      table, little-endian words) ---- */
#define B4(off, v)                                                                                    \
    [(off)] = (uint8_t)((v) & 0xFFu), [(off) + 1] = (uint8_t)(((v) >> 8) & 0xFFu),                  \
    [(off) + 2] = (uint8_t)(((v) >> 16) & 0xFFu), [(off) + 3] = (uint8_t)(((v) >> 24) & 0xFFu)
/* one LUT instruction: opcode [15:10], pads [9:8] (0 = 1 line, 2 = 4 lines), operand [7:0] */
#define LUT_INSTR(op, pads, operand) (((op) << 10) | ((pads) << 8) | (operand))
#define LUT_CMD_SDR 0x01u
#define LUT_RADDR_SDR 0x02u
#define LUT_READ_SDR 0x09u
#define LUT_DUMMY_SDR 0x0Cu
#define LUT_PAIR(i0, i1) ((uint32_t)(i0) | ((uint32_t)(i1) << 16))

#define FCB_TAG 0x42464346u     /* "FCFB" */
#define FCB_VERSION 0x56010000u /* 'V' 1.0.0 */
#define FLASH_SIZE_BYTES (8u * 1024u * 1024u)

__attribute__((section(".flexspi_cfg"), used)) static const uint8_t flexspi_cfg[512] = {
    B4(0x000, FCB_TAG),
    B4(0x004, FCB_VERSION),
    [0x00C] = 1u, /* readSampleClkSrc: loop-back from the DQS pad */
    [0x00D] = 3u, /* csHoldTime */
    [0x00E] = 3u, /* csSetupTime */
    [0x044] = 1u, /* deviceType: serial NOR */
    [0x045] = 4u, /* sflashPadType: quad */
    [0x046] = 3u, /* serialClkFreq: 60 MHz (conservative; W25Q64JV allows 133 MHz) */
    B4(0x050, FLASH_SIZE_BYTES), /* sflashA1Size */
    /* LUT sequence 0 (read): 0xEB on 1 line, 24-bit address on 4, 6 dummy clocks on 4, read on 4 */
    B4(0x080, LUT_PAIR(LUT_INSTR(LUT_CMD_SDR, 0u, 0xEBu), LUT_INSTR(LUT_RADDR_SDR, 2u, 24u))),
    B4(0x084, LUT_PAIR(LUT_INSTR(LUT_DUMMY_SDR, 2u, 6u), LUT_INSTR(LUT_READ_SDR, 2u, 4u))),
    B4(0x1C0, 256u),      /* pageSize */
    B4(0x1C4, 4096u),     /* sectorSize */
    [0x1C8] = 1u,         /* ipcmdSerialClkFreq: 30 MHz */
    B4(0x1D0, 65536u),    /* blockSize */
};

/* ---- image vector table and boot data ---- */
typedef struct {
    uint32_t header; /* tag 0xD1, length 0x0020 (big-endian), version 0x41 */
    void (*entry)(void);
    uint32_t reserved1;
    const void *dcd;
    const void *boot_data;
    const void *self;
    const void *csf;
    uint32_t reserved2;
} ivt_t;

typedef struct {
    uint32_t start;
    const uint8_t *length; /* numerically the image length (linker symbol) */
    uint32_t plugin;
    uint32_t reserved;
} boot_data_t;

_Static_assert(sizeof(ivt_t) == 32u, "the IVT is 8 words");
_Static_assert(sizeof(boot_data_t) == 16u, "boot data: start, length, plugin, reserved");

__attribute__((section(".boot_data"), used)) static const boot_data_t boot_data = {
    FLEXSPI_AMBA_BASE, _flash_image_len, 0u, 0xFFFFFFFFu
};

__attribute__((section(".ivt"), used)) static const ivt_t ivt = {
    0x412000D1u, reset_handler, 0u, NULL, &boot_data, &ivt, NULL, 0u
};

/* ---- vector table (placed at the start of .isr_vector, 1024-aligned for VTOR) ---- */
__attribute__((section(".isr_vector"), used)) static const vector_t vectors[16u + IRQ_COUNT] = {
    CRT0_SYSTEM_VECTORS,
    [VECTOR_IRQ(IRQ_LPUART4)] = { .handler = lpuart4_isr },
    [VECTOR_IRQ(IRQ_CAN1)] = { .handler = can1_isr },
    [VECTOR_IRQ(IRQ_CAN2)] = { .handler = can2_isr },
    [VECTOR_IRQ(IRQ_CAN3)] = { .handler = can3_isr },
};

/*
 * FlexRAM: every bank DTCM (GPR17), DTCM size field 512 KB and ITCM 0 (GPR14 [23:16] = 0xA0),
 * then select GPR17 over the fuses with DTCM enabled and ITCM disabled (GPR16 [2:0] = 110).
 * Only then is the stack at the top of DTCM usable. IMXRT1060RM Rev. 3, chapter "Flexible Memory
 * array (FLEXRAM)" and the IOMUXC GPR14/16/17 descriptions.
 */
__attribute__((naked, noreturn)) void reset_handler(void)
{
    __asm__ volatile(
        "ldr r0, =0x400AC044\n"  /* IOMUXC_GPR_GPR17 */
        "ldr r1, =0xAAAAAAAA\n"
        "str r1, [r0]\n"
        "ldr r0, =0x400AC040\n"  /* IOMUXC_GPR_GPR16 */
        "ldr r1, [r0]\n"
        "bic r1, r1, #7\n"
        "orr r1, r1, #6\n"
        "str r1, [r0]\n"
        "ldr r0, =0x400AC038\n"  /* IOMUXC_GPR_GPR14 */
        "ldr r1, [r0]\n"
        "bic r1, r1, #0x00FF0000\n"
        "orr r1, r1, #0x00A00000\n"
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
        "ldr r0, =_estack\n"
        "mov sp, r0\n"
        "b reset_continue\n"
        ".ltorg\n");
}

/* clean (if it was on) and invalidate the whole L1 D-cache by set/way (ARMv7-M ARM §B2.2.7) */
static void dcache_all(volatile uint32_t *op)
{
    SCB_CSSELR = 0u; /* level 1 data cache */
    dsb();
    uint32_t ccsidr = SCB_CCSIDR;
    uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
    uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    uint32_t line_shift = (ccsidr & 7u) + 4u;
    uint32_t way_shift = (uint32_t)__builtin_clz(ways - 1u); /* 4 ways: bits 31:30 */
    for (uint32_t s = 0u; s < sets; s++) {
        for (uint32_t w = 0u; w < ways; w++) {
            *op = (w << way_shift) | (s << line_shift);
        }
    }
    dsb();
}

static void caches_init(void)
{
    /* MPU region 0: .dma (OCRAM2, 32 KB) normal memory, non-cacheable, shareable, no execute */
    MPU_CTRL = 0u;
    MPU_RNR = 0u;
    MPU_RBAR = (uint32_t)(uintptr_t)&_sdma;
    MPU_RASR = MPU_RASR_XN | MPU_RASR_AP_FULL | (1u << MPU_RASR_TEX_SHIFT) | MPU_RASR_S |
               (14u << MPU_RASR_SIZE_SHIFT) | MPU_RASR_ENABLE; /* 2^15 = 32 KB */
    MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
    dsb();
    isb();

    if ((SCB_CCR & SCB_CCR_IC) == 0u) {
        SCB_ICIALLU = 0u;
        dsb();
        isb();
        SCB_CCR |= SCB_CCR_IC;
    }
    if ((SCB_CCR & SCB_CCR_DC) == 0u) {
        dcache_all(&SCB_DCISW);
        SCB_CCR |= SCB_CCR_DC;
    } else {
        dcache_all(&SCB_DCCISW); /* left on by the boot ROM: write back, drop stale lines */
    }
    dsb();
    isb();
}

/* the caches and the MPU first (they touch neither .data nor .bss), then the C runtime start
 * (port/cortexm/crt0.c: .data, .bss, main) */
void reset_continue(void)
{
    fpu_enable();
    SCB_VTOR = (uint32_t)(uintptr_t)vectors;
    caches_init();
    memset(&_sdma, 0, (size_t)((uintptr_t)&_edma - (uintptr_t)&_sdma));
    crt0_start();
}
