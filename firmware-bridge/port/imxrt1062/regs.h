/*
 * regs.h — i.MX RT1062 registers used by the bridge, written from the reference manual's register
 * maps (no vendor SDK). Source unless stated otherwise: "i.MX RT1060 Processor Reference Manual"
 * (IMXRT1060RM) Rev. 3, chapter given per group. Cortex-M7 system registers: "ARMv7-M Architecture
 * Reference Manual" (DDI 0403E) §B3.2 (SCB), §B3.4 (NVIC), §B3.5 (MPU), §B2.2.7 (cache maintenance).
 * Teensy 4.1 wiring (pins, PHY, straps): PJRC Teensy 4.1 schematic and the DP83825I datasheet (TI
 * SLUSD57), cited in board.h. Offsets and bit positions are those documents' facts; names follow
 * the manual.
 */
#ifndef CB_IMXRT1062_REGS_H
#define CB_IMXRT1062_REGS_H

#include <stdint.h>

/* 4 priority bits (16 levels), as NXP's MIMXRT1062 device header has it (__NVIC_PRIO_BITS) */
#define NVIC_PRIO_BITS 4u
#include "cortexm_regs.h" /* REG32, NVIC, SCB VTOR/CPACR, PRIMASK, barriers */
#define REG16(addr) (*(volatile uint16_t *)(uintptr_t)(addr))

/* ---- memory map (IMXRT1060RM Rev. 3, chapter "Memory Maps", system memory map table) ---- */
#define FLEXSPI_AMBA_BASE 0x60000000u /* serial NOR, execute in place */
#define DTCM_BASE 0x20000000u
#define OCRAM2_BASE 0x20200000u       /* 512 KB on-chip RAM outside FlexRAM */
#define DCDC_BASE 0x40080000u
#define IOMUXC_GPR_BASE 0x400AC000u
#define WDOG1_BASE 0x400B8000u
#define RTWDOG_BASE 0x400BC000u       /* "WDOG3" */
#define CCM_ANALOG_BASE 0x400D8000u
#define CCM_BASE 0x400FC000u
#define LPUART4_BASE 0x40190000u
#define GPIO2_BASE 0x401BC000u
#define FLEXCAN1_BASE 0x401D0000u
#define FLEXCAN2_BASE 0x401D4000u
#define FLEXCAN3_BASE 0x401D8000u
#define GPT1_BASE 0x401EC000u
#define IOMUXC_BASE 0x401F8000u
#define ENET_BASE 0x402D8000u         /* ENET1 */

/* ---- CCM (IMXRT1060RM Rev. 3, chapter "Clock Controller Module (CCM)", "CCM Memory Map/Register Definition") ---- */
#define CCM_CACRR REG32(CCM_BASE + 0x10u)
#define CCM_CACRR_ARM_PODF_MASK 0x7u          /* divide by value + 1 */
#define CCM_CBCDR REG32(CCM_BASE + 0x14u)
#define CCM_CBCDR_IPG_PODF_SHIFT 8u           /* 2 bits, divide by value + 1 */
#define CCM_CBCDR_AHB_PODF_SHIFT 10u          /* 3 bits */
#define CCM_CBCDR_PERIPH_CLK_SEL (1u << 25)   /* 0 pre_periph_clk, 1 periph_clk2 */
#define CCM_CBCDR_PERIPH_CLK2_PODF_SHIFT 27u  /* 3 bits */
#define CCM_CBCMR REG32(CCM_BASE + 0x18u)
#define CCM_CBCMR_PERIPH_CLK2_SEL_SHIFT 12u   /* 2 bits: 01 osc_clk (24 MHz) */
#define CCM_CBCMR_PRE_PERIPH_CLK_SEL_SHIFT 18u /* 2 bits: 11 divided PLL1 (ARM PLL) */
#define CCM_CSCMR1 REG32(CCM_BASE + 0x1Cu)
#define CCM_CSCMR1_PERCLK_PODF_MASK 0x3Fu
#define CCM_CSCMR1_PERCLK_CLK_SEL (1u << 6)   /* 1: osc_clk 24 MHz */
#define CCM_CSCMR2 REG32(CCM_BASE + 0x20u)
#define CCM_CSCMR2_CAN_CLK_PODF_SHIFT 2u      /* 6 bits */
#define CCM_CSCMR2_CAN_CLK_SEL_SHIFT 8u       /* 2 bits: 10 pll3_sw_clk / 6 = 80 MHz */
#define CCM_CSCDR1 REG32(CCM_BASE + 0x24u)
#define CCM_CSCDR1_UART_CLK_PODF_MASK 0x3Fu
#define CCM_CSCDR1_UART_CLK_SEL (1u << 6)     /* 0: pll3_80m, 1: osc_clk */
#define CCM_CDHIPR REG32(CCM_BASE + 0x48u)
#define CCM_CDHIPR_AHB_PODF_BUSY (1u << 1)
#define CCM_CDHIPR_PERIPH_CLK_SEL_BUSY (1u << 5)
#define CCM_CDHIPR_ARM_PODF_BUSY (1u << 16)
#define CCM_CCGR0 REG32(CCM_BASE + 0x68u)
#define CCM_CCGR1 REG32(CCM_BASE + 0x6Cu)
#define CCM_CCGR7 REG32(CCM_BASE + 0x84u)
#define CCM_CG(n) (3u << (2u * (n)))          /* clock gate n: 11 = on in run and wait modes */
#define CCGR0_CAN1 CCM_CG(7)
#define CCGR0_CAN1_SERIAL CCM_CG(8)
#define CCGR0_CAN2 CCM_CG(9)
#define CCGR0_CAN2_SERIAL CCM_CG(10)
#define CCGR0_GPIO2 CCM_CG(15)
#define CCGR1_ENET CCM_CG(5)
#define CCGR1_GPT1_BUS CCM_CG(10)
#define CCGR1_GPT1_SERIAL CCM_CG(11)
#define CCGR1_LPUART4 CCM_CG(12)
#define CCGR7_CAN3 CCM_CG(3)
#define CCGR7_CAN3_SERIAL CCM_CG(4)

/* ---- CCM_ANALOG PLLs (IMXRT1060RM Rev. 3, chapter "Clock Controller Module (CCM)", "CCM Analog Memory Map/Register Definition");
 *      each register has SET/CLR aliases at +4/+8 ---- */
#define ANALOG_SET 0x4u
#define ANALOG_CLR 0x8u
#define CCM_ANALOG_PLL_ARM_OFF 0x00u
#define PLL_ARM_DIV_SELECT_MASK 0x7Fu        /* Fout = 24 MHz × DIV_SELECT / 2 */
#define PLL_ARM_POWERDOWN (1u << 12)
#define PLL_ARM_ENABLE (1u << 13)
#define PLL_ARM_BYPASS (1u << 16)
#define CCM_ANALOG_PLL_USB1_OFF 0x10u         /* PLL3, 480 MHz */
#define PLL_USB1_DIV_SELECT (1u << 1)         /* 0: 20 × 24 MHz */
#define PLL_USB1_EN_USB_CLKS (1u << 6)
#define PLL_USB1_POWER (1u << 12)
#define PLL_USB1_ENABLE (1u << 13)
#define PLL_USB1_BYPASS (1u << 16)
#define CCM_ANALOG_PLL_ENET_OFF 0xE0u         /* PLL6, 500 MHz, ENET reference dividers */
#define PLL_ENET_DIV_SELECT_MASK 0x3u         /* ENET1 ref: 00 25, 01 50, 10 100, 11 125 MHz */
#define PLL_ENET_ENET2_DIV_SELECT_MASK (3u << 2)
#define PLL_ENET_POWERDOWN (1u << 12)
#define PLL_ENET_ENABLE (1u << 13)            /* ENET1 reference clock output */
#define PLL_ENET_BYPASS_CLK_SRC_MASK (3u << 14)
#define PLL_ENET_BYPASS (1u << 16)
#define PLL_LOCK (1u << 31)                   /* same position in every PLL register */
#define CCM_ANALOG(off) REG32(CCM_ANALOG_BASE + (off))

/* ---- DCDC (IMXRT1060RM Rev. 3, chapter "DCDC Converter (DCDC)", register definitions) ---- */
#define DCDC_REG0 REG32(DCDC_BASE + 0x00u)
#define DCDC_REG0_STS_DC_OK (1u << 31)
#define DCDC_REG3 REG32(DCDC_BASE + 0x0Cu)
#define DCDC_REG3_TRG_MASK 0x1Fu              /* VDD_SOC = 0.8 V + 25 mV × TRG */

/* ---- IOMUXC_GPR (IMXRT1060RM Rev. 3, chapter "IOMUX Controller (IOMUXC)", "IOMUXC GPR Memory Map/Register Definition") ---- */
#define IOMUXC_GPR_GPR1 REG32(IOMUXC_GPR_BASE + 0x04u)
#define GPR1_ENET1_CLK_SEL (1u << 13)         /* 0: ENET1 TX reference from PLL6 (internal) */
#define GPR1_ENET1_TX_CLK_DIR (1u << 17)      /* 1: ENET1_TX_CLK / REF_CLK pad is an output */
#define GPR1_ENET_IPG_CLK_S_EN (1u << 23)
#define IOMUXC_GPR_GPR14_ADDR (IOMUXC_GPR_BASE + 0x38u) /* CM7_CFGITCMSZ [19:16], CM7_CFGDTCMSZ [23:20] */
#define IOMUXC_GPR_GPR16_ADDR (IOMUXC_GPR_BASE + 0x40u) /* INIT_ITCM_EN 0, INIT_DTCM_EN 1, FLEXRAM_BANK_CFG_SEL 2 */
#define IOMUXC_GPR_GPR17_ADDR (IOMUXC_GPR_BASE + 0x44u) /* FLEXRAM_BANK_CFG: 2 bits per 32 KB bank, 10 = DTCM */

/* ---- IOMUXC pads (IMXRT1060RM Rev. 3, chapter "IOMUX Controller (IOMUXC)", "IOMUXC Memory Map/Register Definition"):
 *      SW_MUX_CTL_PAD at 0x014 + 4·index, SW_PAD_CTL_PAD at 0x204 + 4·index, index running
 *      GPIO_EMC_00..41, GPIO_AD_B0_00..15, GPIO_AD_B1_00..15, GPIO_B0_00..15, GPIO_B1_00..15 ---- */
#define PAD_EMC(n) (0u + (n))
#define PAD_AD_B0(n) (42u + (n))
#define PAD_AD_B1(n) (58u + (n))
#define PAD_B0(n) (74u + (n))
#define PAD_B1(n) (90u + (n))
#define IOMUXC_MUX(pad) REG32(IOMUXC_BASE + 0x014u + 4u * (pad))
#define IOMUXC_PAD(pad) REG32(IOMUXC_BASE + 0x204u + 4u * (pad))
#define MUX_SION (1u << 4)                    /* input path forced on (loop-back of an output) */
/* SW_PAD_CTL fields */
#define PAD_SRE (1u << 0)                     /* fast slew rate */
#define PAD_DSE(n) ((uint32_t)(n) << 3)       /* drive strength R0/n */
#define PAD_SPEED(n) ((uint32_t)(n) << 6)     /* 0 50 MHz … 3 200 MHz */
#define PAD_ODE (1u << 11)
#define PAD_PKE (1u << 12)
#define PAD_PUE (1u << 13)                    /* 1 pull, 0 keeper */
#define PAD_PUS(n) ((uint32_t)(n) << 14)      /* 0 100k down, 1 47k up, 2 100k up, 3 22k up */
#define PAD_HYS (1u << 16)
/* daisy chain (input select) registers (same chapter, "…_SELECT_INPUT DAISY Register") */
#define IOMUXC_ENET_IPG_CLK_RMII_SELECT_INPUT REG32(IOMUXC_BASE + 0x42Cu)
#define IOMUXC_ENET_MDIO_SELECT_INPUT REG32(IOMUXC_BASE + 0x430u)
#define IOMUXC_ENET0_RXDATA_SELECT_INPUT REG32(IOMUXC_BASE + 0x434u)
#define IOMUXC_ENET1_RXDATA_SELECT_INPUT REG32(IOMUXC_BASE + 0x438u)
#define IOMUXC_ENET_RXEN_SELECT_INPUT REG32(IOMUXC_BASE + 0x43Cu)
#define IOMUXC_ENET_RXERR_SELECT_INPUT REG32(IOMUXC_BASE + 0x440u)
#define IOMUXC_FLEXCAN1_RX_SELECT_INPUT REG32(IOMUXC_BASE + 0x44Cu)
#define IOMUXC_FLEXCAN2_RX_SELECT_INPUT REG32(IOMUXC_BASE + 0x450u)
#define IOMUXC_LPUART4_RX_SELECT_INPUT REG32(IOMUXC_BASE + 0x540u)
#define IOMUXC_LPUART4_TX_SELECT_INPUT REG32(IOMUXC_BASE + 0x544u)
#define IOMUXC_CANFD_IPP_IND_CANRX_SELECT_INPUT REG32(IOMUXC_BASE + 0x78Cu)

/* ---- GPIO (IMXRT1060RM Rev. 3, chapter "General Purpose Input/Output (GPIO)", register definition) ---- */
#define GPIO_DR(b) REG32((b) + 0x00u)
#define GPIO_GDIR(b) REG32((b) + 0x04u)
#define GPIO_DR_SET(b) REG32((b) + 0x84u)
#define GPIO_DR_CLEAR(b) REG32((b) + 0x88u)

/* ---- GPT (IMXRT1060RM Rev. 3, chapter "General Purpose Timer (GPT)", register definition) ---- */
#define GPT1_CR REG32(GPT1_BASE + 0x00u)
#define GPT_CR_EN (1u << 0)
#define GPT_CR_ENMOD (1u << 1)                /* counter reset to 0 when enabled */
#define GPT_CR_CLKSRC_HIGHFREQ (2u << 6)      /* CLKSRC = 010: ipg_clk_highfreq = PERCLK_CLK_ROOT while
                                              * IOMUXC_GPR5.VREF_1M_CLK_GPT1 = 0 (reset value) */
#define GPT_CR_FRR (1u << 9)                  /* free-run: count past compare 1 to 0xFFFFFFFF */
#define GPT_CR_SWR (1u << 15)
#define GPT1_PR REG32(GPT1_BASE + 0x04u)      /* PRESCALER [11:0]: divide by value + 1 */
#define GPT1_CNT REG32(GPT1_BASE + 0x24u)

/* ---- WDOG1 (IMXRT1060RM Rev. 3, chapter "Watchdog Timer (WDOG)", register definition), 16-bit registers ---- */
#define WDOG1_WMCR REG16(WDOG1_BASE + 0x08u)
#define WDOG_WMCR_PDE (1u << 0)               /* power-down counter (16 s), write-once to clear */

/* ---- RTWDOG (IMXRT1060RM Rev. 3, chapter "Watchdog Timer (RTWDOG)", register definition) ---- */
#define RTWDOG_CS REG32(RTWDOG_BASE + 0x00u)
#define RTWDOG_CS_UPDATE (1u << 5)            /* later reconfiguration allowed */
#define RTWDOG_CS_EN (1u << 7)
#define RTWDOG_CS_CLK_LPO (1u << 8)           /* CLK [9:8] = 01: LPO clock, 32 kHz */
#define RTWDOG_CS_ULK (1u << 11)
#define RTWDOG_CS_RCS (1u << 10)
#define RTWDOG_CS_CMD32EN (1u << 13)
#define RTWDOG_CNT REG32(RTWDOG_BASE + 0x04u)
#define RTWDOG_TOVAL REG32(RTWDOG_BASE + 0x08u)
#define RTWDOG_UNLOCK_KEY 0xD928C520u
#define RTWDOG_REFRESH_KEY 0xB480A602u

/* ---- LPUART (IMXRT1060RM Rev. 3, chapter "Low Power Universal Asynchronous Receiver/Transmitter (LPUART)", register definition), 4-word FIFOs ---- */
#define LPUART_GLOBAL(b) REG32((b) + 0x08u)
#define LPUART_GLOBAL_RST (1u << 1)
#define LPUART_BAUD(b) REG32((b) + 0x10u)
#define LPUART_BAUD_SBR_MASK 0x1FFFu
#define LPUART_BAUD_OSR_SHIFT 24u             /* oversampling ratio = value + 1 (4..32) */
#define LPUART_STAT(b) REG32((b) + 0x14u)
#define LPUART_STAT_FE (1u << 17)
#define LPUART_STAT_NF (1u << 18)
#define LPUART_STAT_OR (1u << 19)
#define LPUART_STAT_IDLE (1u << 20)
#define LPUART_CTRL(b) REG32((b) + 0x18u)
#define LPUART_CTRL_RE (1u << 18)
#define LPUART_CTRL_TE (1u << 19)
#define LPUART_CTRL_RIE (1u << 21)
#define LPUART_CTRL_TIE (1u << 23)
#define LPUART_CTRL_ORIE (1u << 27)
#define LPUART_DATA(b) REG32((b) + 0x1Cu)
#define LPUART_FIFO(b) REG32((b) + 0x28u)
#define LPUART_FIFO_RXFE (1u << 3)
#define LPUART_FIFO_TXFE (1u << 7)
#define LPUART_FIFO_RXIDEN_1 (1u << 10)       /* RXIDEN [12:10] = 001: RDRF after 1 idle character */
#define LPUART_FIFO_RXFLUSH (1u << 14)
#define LPUART_FIFO_TXFLUSH (1u << 15)
#define LPUART_WATER(b) REG32((b) + 0x2Cu)
#define LPUART_WATER_TXWATER_SHIFT 0u
#define LPUART_WATER_TXCOUNT_SHIFT 8u         /* 3 bits */
#define LPUART_WATER_RXWATER_SHIFT 16u
#define LPUART_WATER_RXCOUNT_SHIFT 24u        /* 3 bits */
#define LPUART_FIFO_DEPTH 4u

/* ---- FlexCAN (IMXRT1060RM Rev. 3, chapter "Flexible Controller Area Network (FLEXCAN)",
 *      register definition and message buffer structure; FlexCAN3 is the instance of chapter
 *      "CAN with Flexible Data rate (CAN FD)", used here with MCR.FDEN = 0: the same classic layout) ---- */
#define CAN_MCR 0x000u
#define CAN_MCR_MAXMB_MASK 0x7Fu
#define CAN_MCR_AEN (1u << 12)                /* abort enable: ABORT code cancels a pending TX MB */
#define CAN_MCR_IRMQ (1u << 16)
#define CAN_MCR_SRXDIS (1u << 17)             /* no reception of own frames */
#define CAN_MCR_LPMACK (1u << 20)
#define CAN_MCR_WRNEN (1u << 21)
#define CAN_MCR_FRZACK (1u << 24)
#define CAN_MCR_SOFTRST (1u << 25)
#define CAN_MCR_NOTRDY (1u << 27)
#define CAN_MCR_HALT (1u << 28)
#define CAN_MCR_RFEN (1u << 29)               /* legacy Rx FIFO in MB 0–5, ID filter table from MB 6 */
#define CAN_MCR_FRZ (1u << 30)
#define CAN_MCR_MDIS (1u << 31)
#define CAN_CTRL1 0x004u
#define CAN_CTRL1_PROPSEG_SHIFT 0u            /* 3 bits, value + 1 tq */
#define CAN_CTRL1_LOM (1u << 3)
#define CAN_CTRL1_LBUF (1u << 4)              /* 0: lowest identifier transmitted first */
#define CAN_CTRL1_BOFFREC (1u << 6)           /* 1: no automatic bus-off recovery */
#define CAN_CTRL1_SMP (1u << 7)
#define CAN_CTRL1_CLKSRC (1u << 13)
#define CAN_CTRL1_PSEG2_SHIFT 16u             /* 3 bits, value + 1 tq */
#define CAN_CTRL1_PSEG1_SHIFT 19u             /* 3 bits, value + 1 tq */
#define CAN_CTRL1_RJW_SHIFT 22u               /* 2 bits, value + 1 tq */
#define CAN_CTRL1_PRESDIV_SHIFT 24u           /* 8 bits, tq = (value + 1) / f_can */
#define CAN_TIMER 0x008u
#define CAN_RXMGMASK 0x010u
#define CAN_RX14MASK 0x014u
#define CAN_RX15MASK 0x018u
#define CAN_ECR 0x01Cu                        /* TXERRCNT [7:0], RXERRCNT [15:8] */
#define CAN_ESR1 0x020u
#define CAN_ESR1_FLTCONF_SHIFT 4u             /* 00 active, 01 passive, 1x bus off */
#define CAN_ESR1_RXWRN (1u << 8)
#define CAN_ESR1_TXWRN (1u << 9)
#define CAN_ESR1_ERRORS (0x3Fu << 10)         /* STFERR FRMERR CRCERR ACKERR BIT0ERR BIT1ERR, clear on read */
#define CAN_IMASK1 0x028u
#define CAN_IFLAG1 0x030u
#define CAN_IFLAG2 0x02Cu
#define CAN_IMASK2 0x024u
#define CAN_IFLAG1_FIFO_AVAIL (1u << 5)       /* with RFEN: frame available in MB 0 */
#define CAN_IFLAG1_FIFO_WARN (1u << 6)
#define CAN_IFLAG1_FIFO_OVF (1u << 7)
#define CAN_CTRL2 0x034u
#define CAN_CTRL2_RFFN_SHIFT 24u              /* 0: 8 filter elements (MB 6–7) */
#define CAN_RXFGMASK 0x048u                   /* Rx FIFO global mask: 0 accepts every identifier */
#define CAN_MB(n) (0x080u + 16u * (n))        /* 8-byte payload message buffers */
#define CAN_RXIMR(n) (0x880u + 4u * (n))
#define CAN_MB_COUNT 64u
/* message buffer word 0 (CS) */
#define MB_CS_DLC_SHIFT 16u
#define MB_CS_RTR (1u << 20)
#define MB_CS_IDE (1u << 21)
#define MB_CS_SRR (1u << 22)
#define MB_CS_CODE_SHIFT 24u
#define MB_CS_CODE_MASK (0xFu << 24)
#define MB_CODE_TX_INACTIVE 0x8u
#define MB_CODE_TX_ABORT 0x9u
#define MB_CODE_TX_DATA 0xCu
/* message buffer word 1 (ID) */
#define MB_ID_STD_SHIFT 18u

/* ---- ENET (IMXRT1060RM Rev. 3, chapter "10/100-Mbps Ethernet MAC (ENET)", register definition) ---- */
#define ENET_EIR REG32(ENET_BASE + 0x004u)
#define ENET_EIR_MII (1u << 23)
#define ENET_EIMR REG32(ENET_BASE + 0x008u)
#define ENET_RDAR REG32(ENET_BASE + 0x010u)
#define ENET_TDAR REG32(ENET_BASE + 0x014u)
#define ENET_DAR_ACTIVE (1u << 24)
#define ENET_ECR REG32(ENET_BASE + 0x024u)
#define ENET_ECR_RESET (1u << 0)
#define ENET_ECR_ETHEREN (1u << 1)
#define ENET_ECR_DBSWP (1u << 8)              /* descriptors little-endian */
#define ENET_ECR_RESERVED_ONES 0x70000000u    /* reset value of bits 30:28, written back as read */
#define ENET_MMFR REG32(ENET_BASE + 0x040u)
#define ENET_MMFR_ST (1u << 30)               /* ST = 01: clause 22 */
#define ENET_MMFR_OP_WRITE (1u << 28)
#define ENET_MMFR_OP_READ (2u << 28)
#define ENET_MMFR_PA_SHIFT 23u
#define ENET_MMFR_RA_SHIFT 18u
#define ENET_MMFR_TA (2u << 16)
#define ENET_MSCR REG32(ENET_BASE + 0x044u)
#define ENET_MSCR_MII_SPEED_SHIFT 1u          /* MDC = module clock / ((MII_SPEED + 1) × 2) */
#define ENET_RCR REG32(ENET_BASE + 0x084u)
#define ENET_RCR_MII_MODE (1u << 2)           /* must be 1 */
#define ENET_RCR_PROM (1u << 3)
#define ENET_RCR_RMII_MODE (1u << 8)
#define ENET_RCR_CRCFWD (1u << 14)            /* 1: strip the FCS */
#define ENET_RCR_MAX_FL_SHIFT 16u
#define ENET_TCR REG32(ENET_BASE + 0x0C4u)
#define ENET_TCR_FDEN (1u << 2)
#define ENET_PALR REG32(ENET_BASE + 0x0E4u)
#define ENET_PAUR REG32(ENET_BASE + 0x0E8u)
#define ENET_IAUR REG32(ENET_BASE + 0x118u)
#define ENET_IALR REG32(ENET_BASE + 0x11Cu)
#define ENET_GAUR REG32(ENET_BASE + 0x120u)
#define ENET_GALR REG32(ENET_BASE + 0x124u)
#define ENET_TFWR REG32(ENET_BASE + 0x144u)
#define ENET_TFWR_STRFWD (1u << 8)
#define ENET_RDSR REG32(ENET_BASE + 0x180u)
#define ENET_TDSR REG32(ENET_BASE + 0x184u)
#define ENET_MRBR REG32(ENET_BASE + 0x188u)   /* R_BUF_SIZE [13:4], multiple of 16 */
#define ENET_RSFL REG32(ENET_BASE + 0x190u)
#define ENET_TACC REG32(ENET_BASE + 0x1C0u)
#define ENET_RACC REG32(ENET_BASE + 0x1C4u)
#define ENET_RACC_LINEDIS (1u << 6)           /* discard frames with MII errors */
/* legacy buffer descriptor (8 bytes; same chapter, "Legacy buffer descriptors"),
 * little-endian with ECR.DBSWP: halfword 0 length, halfword 1 control/status, word 1 buffer */
#define BD_RX_E (1u << 15)                    /* empty: owned by the MAC */
#define BD_W (1u << 13)                       /* wrap: last descriptor of the ring */
#define BD_L (1u << 11)                       /* last buffer of a frame */
#define BD_RX_ERRORS 0x0037u                  /* LG (5), NO (4), CR (2), OV (1), TR (0) */
#define BD_TX_R (1u << 15)                    /* ready: owned by the MAC */
#define BD_TX_TC (1u << 10)                   /* append the FCS */

/* ---- Cortex-M7 caches and MPU (ARMv7-M ARM §B3.2, §B3.5, §B2.2.7); the rest of the core:
 *      port/cortexm/cortexm_regs.h ---- */
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_CCR_DC (1u << 16)
#define SCB_CCR_IC (1u << 17)
#define SCB_CCSIDR REG32(0xE000ED80u)
#define SCB_CSSELR REG32(0xE000ED84u)
#define MPU_CTRL REG32(0xE000ED94u)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)         /* default memory map behind the regions */
#define MPU_RNR REG32(0xE000ED98u)
#define MPU_RBAR REG32(0xE000ED9Cu)
#define MPU_RASR REG32(0xE000EDA0u)
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_SIZE_SHIFT 1u                /* region = 2^(SIZE + 1) bytes */
#define MPU_RASR_S (1u << 18)
#define MPU_RASR_TEX_SHIFT 19u                /* TEX 001, C 0, B 0: normal, non-cacheable */
#define MPU_RASR_AP_FULL (3u << 24)
#define MPU_RASR_XN (1u << 28)
#define SCB_ICIALLU REG32(0xE000EF50u)
#define SCB_DCISW REG32(0xE000EF60u)
#define SCB_DCCISW REG32(0xE000EF74u)

/* interrupt positions (IMXRT1060RM Rev. 3, chapter "Interrupts and DMA Events", CM7 interrupt table) */
#define IRQ_LPUART4 23u
#define IRQ_CAN1 36u
#define IRQ_CAN2 37u
#define IRQ_ENET 114u
#define IRQ_CAN3 154u
#define IRQ_COUNT 160u

#endif
