/*
 * regs.h — STM32G474 registers used by the bridge, written from the reference manual's register
 * maps (no vendor HAL / CMSIS). Sources:
 *   RM0440 Rev 8  "STM32G4 Series advanced Arm-based 32-bit MCUs" (reference manual):
 *     §2.2.2 memory map (Table 4, peripheral boundary addresses), §3.7 FLASH registers,
 *     §6.4 PWR registers, §7.4 RCC registers, §9.4 GPIO registers, §29.4 TIM2–TIM5 registers,
 *     §37.8 USART registers, §40.4 IWDG registers, §44.3.3 FDCAN message RAM, §44.4 FDCAN registers,
 *     §16.3 Table 97 vector table (interrupt positions).
 *   Cortex-M4 core registers (NVIC, SCB, PRIMASK): port/cortexm/cortexm_regs.h (PM0214, ARMv7-M ARM).
 *   DS12288 Rev 6 (STM32G474xB/xC/xE datasheet) Table 13: alternate functions of PA8/PA9/PA10/PA15,
 *     PB8/PB9/PB12/PB13.
 * Offsets and bit positions are those documents' facts; names follow the manual.
 */
#ifndef CB_STM32G4_REGS_H
#define CB_STM32G4_REGS_H

#include <stdint.h>

/* 4 priority bits: RM0440 §16.1 (NVIC: 16 programmable priority levels); PM0214 §4.3.7 */
#define NVIC_PRIO_BITS 4u
#include "cortexm_regs.h" /* REG32, NVIC, SCB, PRIMASK */

/* ---- memory map (RM0440 §2.2.2) ---- */
#define TIM2_BASE 0x40000000u
#define IWDG_BASE 0x40003000u
#define FDCAN1_BASE 0x40006400u
#define FDCAN2_BASE 0x40006800u
#define FDCAN3_BASE 0x40006C00u
#define PWR_BASE 0x40007000u
#define SRAMCAN_BASE 0x4000A400u
#define USART1_BASE 0x40013800u
#define RCC_BASE 0x40021000u
#define FLASH_R_BASE 0x40022000u
#define GPIOA_BASE 0x48000000u
#define GPIOB_BASE 0x48000400u

/* ---- RCC (RM0440 §7.4) ---- */
#define RCC_CR REG32(RCC_BASE + 0x00u)
#define RCC_CR_HSION (1u << 8)
#define RCC_CR_HSIRDY (1u << 10)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_CFGR REG32(RCC_BASE + 0x08u)
#define RCC_CFGR_SW_MASK 0x3u
#define RCC_CFGR_SW_PLL 0x3u
#define RCC_CFGR_SWS_SHIFT 2u
#define RCC_CFGR_HPRE_SHIFT 4u  /* 0xxx: /1, 1000: /2 */
#define RCC_CFGR_HPRE_DIV2 0x8u
#define RCC_CFGR_PPRE1_SHIFT 8u /* 0xx: /1 */
#define RCC_CFGR_PPRE2_SHIFT 11u
#define RCC_PLLCFGR REG32(RCC_BASE + 0x0Cu)
#define RCC_PLLCFGR_SRC_HSI16 0x2u
#define RCC_PLLCFGR_SRC_HSE 0x3u
#define RCC_PLLCFGR_M_SHIFT 4u  /* PLLM = value + 1 */
#define RCC_PLLCFGR_N_SHIFT 8u  /* PLLN = value (8..127) */
#define RCC_PLLCFGR_QEN (1u << 20)
#define RCC_PLLCFGR_Q_SHIFT 21u /* 00 /2, 01 /4, 10 /6, 11 /8 */
#define RCC_PLLCFGR_REN (1u << 24)
#define RCC_PLLCFGR_R_SHIFT 25u /* 00 /2 */
#define RCC_AHB2ENR REG32(RCC_BASE + 0x4Cu)
#define RCC_AHB2ENR_GPIOAEN (1u << 0)
#define RCC_AHB2ENR_GPIOBEN (1u << 1)
#define RCC_APB1ENR1 REG32(RCC_BASE + 0x58u)
#define RCC_APB1ENR1_TIM2EN (1u << 0)
#define RCC_APB1ENR1_FDCANEN (1u << 25)
#define RCC_APB1ENR1_PWREN (1u << 28)
#define RCC_APB2ENR REG32(RCC_BASE + 0x60u)
#define RCC_APB2ENR_USART1EN (1u << 14)
#define RCC_CCIPR REG32(RCC_BASE + 0x88u)
#define RCC_CCIPR_USART1SEL_SHIFT 0u  /* 00 PCLK2 */
#define RCC_CCIPR_FDCANSEL_SHIFT 24u  /* 00 HSE, 01 PLL "Q", 10 PCLK1 */

/* ---- PWR (RM0440 §6.4) ---- */
#define PWR_CR5 REG32(PWR_BASE + 0x80u)
#define PWR_CR5_R1MODE (1u << 8) /* 0: range 1 boost mode (needed above 150 MHz) */

/* ---- FLASH (RM0440 §3.7) ---- */
#define FLASH_ACR REG32(FLASH_R_BASE + 0x00u)
#define FLASH_ACR_LATENCY_MASK 0xFu
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)

/* ---- GPIO (RM0440 §9.4) ---- */
#define GPIO_MODER(b) REG32((b) + 0x00u)
#define GPIO_OSPEEDR(b) REG32((b) + 0x08u)
#define GPIO_PUPDR(b) REG32((b) + 0x0Cu)
#define GPIO_BSRR(b) REG32((b) + 0x18u)
#define GPIO_AFRL(b) REG32((b) + 0x20u)
#define GPIO_AFRH(b) REG32((b) + 0x24u)

/* ---- TIM2, 32-bit (RM0440 §29.4) ---- */
#define TIM2_CR1 REG32(TIM2_BASE + 0x00u)
#define TIM2_EGR REG32(TIM2_BASE + 0x14u)
#define TIM2_CNT REG32(TIM2_BASE + 0x24u)
#define TIM2_PSC REG32(TIM2_BASE + 0x28u)
#define TIM2_ARR REG32(TIM2_BASE + 0x2Cu)

/* ---- IWDG (RM0440 §40.4) ---- */
#define IWDG_KR REG32(IWDG_BASE + 0x00u)
#define IWDG_PR REG32(IWDG_BASE + 0x04u)
#define IWDG_RLR REG32(IWDG_BASE + 0x08u)
#define IWDG_SR REG32(IWDG_BASE + 0x0Cu)

/* ---- USART1 (RM0440 §37.8), FIFO mode ---- */
#define USART1_CR1 REG32(USART1_BASE + 0x00u)
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_TXFNFIE (1u << 7)
#define USART_CR1_RTOIE (1u << 26)
#define USART_CR1_FIFOEN (1u << 29)
#define USART1_CR2 REG32(USART1_BASE + 0x04u)
#define USART_CR2_RTOEN (1u << 23)
#define USART1_CR3 REG32(USART1_BASE + 0x08u)
#define USART_CR3_EIE (1u << 0)
#define USART_CR3_RXFTCFG_SHIFT 25u /* 010: RX FIFO half full (4 of 8) */
#define USART_CR3_RXFTIE (1u << 28)
#define USART1_BRR REG32(USART1_BASE + 0x0Cu)
#define USART1_RTOR REG32(USART1_BASE + 0x14u)
#define USART1_ISR REG32(USART1_BASE + 0x1Cu)
#define USART_ISR_FE (1u << 1)
#define USART_ISR_NE (1u << 2)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXFNE (1u << 5)
#define USART_ISR_TXFNF (1u << 7)
#define USART_ISR_RTOF (1u << 11)
#define USART1_ICR REG32(USART1_BASE + 0x20u)
#define USART_ICR_FECF (1u << 1)
#define USART_ICR_NECF (1u << 2)
#define USART_ICR_ORECF (1u << 3)
#define USART_ICR_RTOCF (1u << 11)
#define USART1_RDR REG32(USART1_BASE + 0x24u)
#define USART1_TDR REG32(USART1_BASE + 0x28u)

/* ---- FDCAN (RM0440 §44.4) ---- */
#define FDCAN_DBTP 0x00Cu
#define FDCAN_DBTP_TDC (1u << 23)
#define FDCAN_CCCR 0x018u
#define FDCAN_CCCR_INIT (1u << 0)
#define FDCAN_CCCR_CCE (1u << 1)
#define FDCAN_CCCR_FDOE (1u << 8)
#define FDCAN_CCCR_BRSE (1u << 9)
#define FDCAN_NBTP 0x01Cu
#define FDCAN_ECR 0x040u
#define FDCAN_PSR 0x044u
#define FDCAN_PSR_LEC_MASK 0x7u
#define FDCAN_PSR_EP (1u << 5)
#define FDCAN_PSR_EW (1u << 6)
#define FDCAN_PSR_BO (1u << 7)
#define FDCAN_TDCR 0x048u
#define FDCAN_IR 0x050u
#define FDCAN_IR_RF0N (1u << 0)
#define FDCAN_IR_TEFN (1u << 10)
#define FDCAN_IE 0x054u
#define FDCAN_ILS 0x058u
#define FDCAN_ILE 0x05Cu
#define FDCAN_ILE_EINT0 (1u << 0)
#define FDCAN_RXGFC 0x080u
#define FDCAN_RXGFC_RRFE (1u << 0)
#define FDCAN_RXGFC_RRFS (1u << 1)
#define FDCAN_RXF0S 0x090u
#define FDCAN_RXF0A 0x094u
#define FDCAN_TXBC 0x0C0u
#define FDCAN_TXBC_TFQM (1u << 24)
#define FDCAN_TXFQS 0x0C4u
#define FDCAN_TXFQS_TFQF (1u << 21)
#define FDCAN_TXBRP 0x0C8u
#define FDCAN_TXBAR 0x0CCu
#define FDCAN_TXBCR 0x0D0u
#define FDCAN_TXEFS 0x0E4u
#define FDCAN_TXEFA 0x0E8u

/* message RAM per instance (RM0440 §44.3.3): 0x350 bytes, fixed layout */
#define SRAMCAN_SIZE 0x350u
#define SRAMCAN_FLS 0x000u /* 28 standard filters × 1 word */
#define SRAMCAN_FLE 0x070u /* 8 extended filters × 2 words */
#define SRAMCAN_RF0 0x0B0u /* Rx FIFO 0: 3 × 18 words */
#define SRAMCAN_RF1 0x188u /* Rx FIFO 1: 3 × 18 words */
#define SRAMCAN_TEF 0x260u /* Tx event FIFO: 3 × 2 words */
#define SRAMCAN_TFQ 0x278u /* Tx buffers: 3 × 18 words */
#define SRAMCAN_ELEM 72u    /* 2 header words + 64 data bytes */

/* interrupt positions (RM0440 Table 97) */
#define IRQ_FDCAN1_IT0 21u
#define IRQ_TIM2 28u
#define IRQ_USART1 37u
#define IRQ_FDCAN2_IT0 86u
#define IRQ_FDCAN3_IT0 88u
#define IRQ_COUNT 102u

#endif
