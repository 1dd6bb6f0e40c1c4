/*
 * mp_cobs.h - Consistent Overhead Byte Stuffing (COBS) for the massage_ctl wire protocol.
 *
 * A frame on the wire is COBS(payload) followed by one 0x00 delimiter. COBS removes every 0x00
 * from the payload so the delimiter is unambiguous; a receiver that joins mid-stream
 * resynchronises at the next 0x00.
 *
 * Portable C99, no malloc, no stdio.
 */
#ifndef MP_COBS_H
#define MP_COBS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest encoded size of `len` payload bytes (without the 0x00 delimiter). */
#define MP_COBS_MAX_ENCODED(len) ((len) + ((len) / 254u) + 1u)

/*
 * Encode `len` bytes of `src` into `dst` (capacity `cap`). Does not append the delimiter.
 * Returns the encoded length, or 0 if `dst` is too small.
 */
size_t mp_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);

/* mp_cobs_decode's result for malformed input (0 is a valid, empty result). */
#define MP_COBS_ERROR ((size_t)-1)

/*
 * Decode `len` COBS bytes (no delimiter) from `src` into `dst` (capacity `cap`).
 * Returns the decoded length (0 for the one-byte frame 0x01), or MP_COBS_ERROR if the input
 * is malformed (a zero byte inside, a code that runs past the end) or `dst` is too small.
 * `dst` may equal `src` (in-place decoding).
 */
size_t mp_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* MP_COBS_H */
