/*
 * mp_frame.h - whole frames: header + payload + CRC, COBS-stuffed, 0x00-delimited.
 *
 *   decoded frame:  version u8 | type u8 | seq u16 LE | payload | CRC-16 BE over all before
 *   on the wire:    COBS(decoded frame) 0x00        (at most MP_MAX_FRAME_BYTES bytes)
 *
 * Checks are made in the Python codec's order: size, COBS, length, CRC, version, type, payload,
 * so both sides name the same error for the same bytes.
 */
#ifndef MP_FRAME_H
#define MP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "mp_messages.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Encode `msg` with sequence number `seq` into `out` (capacity `cap`, MP_MAX_FRAME_BYTES is
 * always enough), including the trailing 0x00. Sets *len. MP_ERR_FIELD_RANGE if the message
 * does not fit a frame or `out` is too small.
 */
mp_err_t mp_frame_encode(const mp_message_t *msg, uint16_t seq, uint8_t *out, size_t cap,
                         size_t *len);

/*
 * Decode one frame of `len` wire bytes (with or without its trailing 0x00). On success fills
 * *seq and *msg. `scratch` (at least MP_MAX_FRAME_BYTES bytes) holds the decoded bytes.
 */
mp_err_t mp_frame_decode(const uint8_t *wire, size_t len, uint16_t *seq, mp_message_t *msg,
                         uint8_t *scratch);

/* Stream receiver: feed it bytes as they come; it hands back one frame at a time. */
typedef struct mp_rx {
    uint8_t buf[MP_MAX_FRAME_BYTES];
    size_t len;
    int overflow; /* more than a frame's worth arrived without a delimiter: skip to next 0x00 */
} mp_rx_t;

void mp_rx_init(mp_rx_t *rx);

/*
 * Push one byte. Returns 1 when `byte` completed a frame candidate: then *frame / *frame_len
 * point at its bytes (valid until the next push) and *oversized tells whether it was too long
 * (its bytes were dropped). Empty frames (two delimiters in a row) are skipped.
 */
int mp_rx_push(mp_rx_t *rx, uint8_t byte, const uint8_t **frame, size_t *frame_len,
               int *oversized);

/* The lower-case error kind the Python codec and the test vectors use ("crc", ...). */
const char *mp_err_kind(mp_err_t err);

#ifdef __cplusplus
}
#endif

#endif /* MP_FRAME_H */
