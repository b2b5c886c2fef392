/*
 * ecat_sdo.h — CoE SDO client at mailbox level (ETG.1000.6 CoE, CiA 301 SDO protocol): builds the next
 * request into a mailbox buffer and consumes the responses of one transfer, expedited or normal /
 * segmented, download or upload. Knows nothing about how the mailbox reaches the slave.
 */
#ifndef CB_ECAT_SDO_H
#define CB_ECAT_SDO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECAT_MBX_HDR 6u        /* length u16, address u16, channel/priority u8, type/counter u8 */
#define ECAT_MBX_TYPE_COE 3u
#define ECAT_SDO_ABORT_TOGGLE 0x05030000u /* toggle bit not alternated */

typedef enum {
    ECAT_SDO_BUSY = 0,   /* send the next request (ecat_sdo_request) */
    ECAT_SDO_DONE,       /* transfer complete (upload: len bytes in dst, size announced by the server) */
    ECAT_SDO_ABORTED,    /* abort code in abort (from the server, or the client's own for a protocol error) */
    ECAT_SDO_IGNORED     /* not a response to this transfer (other mailbox type, emergency, …): keep waiting */
} ecat_sdo_status_t;

typedef struct {
    uint16_t index;
    uint8_t sub;
    bool upload;
    bool segmented;        /* initiate done, segments running */
    bool toggle;           /* toggle bit of the next segment */
    const uint8_t *src;    /* download data */
    uint8_t *dst;          /* upload destination */
    uint32_t cap;          /* upload: dst capacity */
    uint32_t len;          /* download: total bytes; upload: bytes stored in dst */
    uint32_t pos;          /* download: bytes acknowledged; upload: bytes received */
    uint32_t size;         /* upload: complete size announced (0 if not indicated) */
    uint32_t pending;      /* download: data bytes in the request in flight */
    uint32_t abort;
} ecat_sdo_t;

void ecat_sdo_download(ecat_sdo_t *s, uint16_t index, uint8_t sub, const uint8_t *data, uint32_t len);
void ecat_sdo_upload(ecat_sdo_t *s, uint16_t index, uint8_t sub, uint8_t *dst, uint32_t cap);
/*
 * Writes the next request into mbx (mbx_len bytes = the SM0 length, zero-filled behind the request);
 * counter is the mailbox counter 1..7. Returns the bytes used (header included), 0 if mbx_len is too small.
 */
size_t ecat_sdo_request(ecat_sdo_t *s, uint8_t *mbx, size_t mbx_len, uint8_t counter);
/* consumes the mailbox read from SM1 (len bytes) */
ecat_sdo_status_t ecat_sdo_response(ecat_sdo_t *s, const uint8_t *mbx, size_t len);

#endif
