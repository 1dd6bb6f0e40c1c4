/* mp_cobs.c - COBS encode/decode (see mp_cobs.h). */
#include "mp_cobs.h"

size_t mp_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    size_t out = 1;      /* next write position */
    size_t code_pos = 0; /* where the current block's code byte goes */
    uint8_t code = 1;    /* distance to the next zero, counting the code byte itself */
    int after_full = 0;  /* the last thing written closed a full 254-byte block */
    size_t i;

    if (cap < 1u) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        after_full = 0;
        if (src[i] == 0u) {
            dst[code_pos] = code;
            code_pos = out++;
            code = 1;
        } else {
            if (out >= cap) {
                return 0;
            }
            dst[out++] = src[i];
            code++;
            /* A full block of 254 data bytes ends without an implied zero. */
            if (code == 0xFFu) {
                dst[code_pos] = code;
                code_pos = out++;
                code = 1;
                after_full = 1;
            }
        }
        if (out > cap) {
            return 0;
        }
    }
    if (after_full) {
        /* The payload ended exactly with a full block: no empty final block is emitted. */
        return out - 1u;
    }
    if (code_pos >= cap) {
        return 0;
    }
    dst[code_pos] = code;
    return out;
}

size_t mp_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    size_t in = 0;
    size_t out = 0;

    while (in < len) {
        uint8_t code = src[in++];
        size_t k;
        if (code == 0u) {
            return MP_COBS_ERROR; /* a zero cannot appear inside an encoded frame */
        }
        if (in + (size_t)(code - 1u) > len) {
            return MP_COBS_ERROR; /* the block runs past the end */
        }
        for (k = 1; k < code; k++) {
            uint8_t b = src[in++];
            if (b == 0u || out >= cap) {
                return MP_COBS_ERROR;
            }
            dst[out++] = b;
        }
        /* Every block except a full one (0xFF) and the last one implies a zero byte. */
        if (code != 0xFFu && in < len) {
            if (out >= cap) {
                return MP_COBS_ERROR;
            }
            dst[out++] = 0u;
        }
    }
    return out;
}
