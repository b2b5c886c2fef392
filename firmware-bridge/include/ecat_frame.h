/*
 * ecat_frame.h — EtherCAT frames and datagrams (ETG.1000.4; EtherType 0x88A4): pure packing and
 * walking, shared by the master and the emulated segment. Little-endian after the EtherType.
 */
#ifndef CB_ECAT_FRAME_H
#define CB_ECAT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECAT_ETHERTYPE 0x88A4u
#define ECAT_ETH_HDR 14u        /* dst, src, EtherType */
#define ECAT_HDR 2u             /* length:11 | res:1 | type:4 */
#define ECAT_DG_HDR 10u
#define ECAT_DG_WKC 2u
#define ECAT_MIN_FRAME 60u      /* Ethernet minimum without FCS */
#define ECAT_MAX_FRAME 1514u

enum {
    ECAT_CMD_NOP = 0, ECAT_CMD_APRD, ECAT_CMD_APWR, ECAT_CMD_APRW, ECAT_CMD_FPRD, ECAT_CMD_FPWR, ECAT_CMD_FPRW,
    ECAT_CMD_BRD, ECAT_CMD_BWR, ECAT_CMD_BRW, ECAT_CMD_LRD, ECAT_CMD_LWR, ECAT_CMD_LRW, ECAT_CMD_ARMW, ECAT_CMD_FRMW
};

/* a datagram inside a frame buffer (pointers into it) */
typedef struct {
    uint8_t cmd, idx;
    uint32_t address;           /* ADP | ADO << 16, or logical */
    uint16_t len;               /* data bytes */
    bool circulated, more;
    uint16_t irq;
    uint8_t *data;              /* len bytes */
    uint8_t *wkc;               /* 2 bytes, LE */
} ecat_dg_t;

/* frame builder: ethernet + EtherCAT header, then datagrams appended */
typedef struct {
    uint8_t *buf;
    size_t cap, len;
    uint8_t *last_len_field;    /* to set M on the previous datagram */
} ecat_builder_t;

void ecat_build_begin(ecat_builder_t *b, uint8_t *buf, size_t cap, const uint8_t src_mac[6]);
/* appends a datagram; data may be NULL (zeros). Returns a pointer to its data in the frame, NULL if no room */
uint8_t *ecat_build_dg(ecat_builder_t *b, uint8_t cmd, uint8_t idx, uint32_t address, const uint8_t *data,
                       uint16_t len);
/* finishes the EtherCAT length and pads to 60 bytes; returns the frame length */
size_t ecat_build_end(ecat_builder_t *b);

/* checks EtherType/type/lengths; returns the number of datagrams (0 if malformed) */
unsigned ecat_frame_parse(uint8_t *frame, size_t len, ecat_dg_t *dgs, unsigned max_dgs);

static inline uint32_t ecat_addr(uint16_t adp, uint16_t ado) { return (uint32_t)adp | ((uint32_t)ado << 16); }
uint16_t ecat_dg_wkc(const ecat_dg_t *d);
void ecat_dg_set_wkc(ecat_dg_t *d, uint16_t wkc);

#endif
