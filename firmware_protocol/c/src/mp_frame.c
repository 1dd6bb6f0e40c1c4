/* mp_frame.c - frame encode/decode and the stream receiver (see mp_frame.h). */
#include "mp_frame.h"

#include "mp_cobs.h"
#include "mp_crc16.h"

mp_err_t mp_frame_encode(const mp_message_t *msg, uint16_t seq, uint8_t *out, size_t cap,
                         size_t *len)
{
    uint8_t raw[MP_MAX_DECODED_BYTES];
    size_t payload_len = 0;
    size_t n;
    uint16_t crc;
    mp_err_t err;

    raw[0] = (uint8_t)MP_PROTOCOL_VERSION;
    raw[1] = msg->type;
    raw[2] = (uint8_t)(seq & 0xFFu);
    raw[3] = (uint8_t)(seq >> 8);
    err = mp_payload_encode(msg, raw + MP_HEADER_BYTES, MP_MAX_PAYLOAD_BYTES, &payload_len);
    if (err != MP_OK) {
        return err;
    }
    n = MP_HEADER_BYTES + payload_len;
    crc = mp_crc16(raw, n);
    raw[n++] = (uint8_t)(crc >> 8);
    raw[n++] = (uint8_t)(crc & 0xFFu);
    if (cap < 2u) {
        return MP_ERR_FIELD_RANGE;
    }
    n = mp_cobs_encode(raw, n, out, cap - 1u);
    if (n == 0u || n + 1u > MP_MAX_FRAME_BYTES) {
        return MP_ERR_FIELD_RANGE;
    }
    out[n++] = 0u;
    *len = n;
    return MP_OK;
}

mp_err_t mp_frame_decode(const uint8_t *wire, size_t len, uint16_t *seq, mp_message_t *msg,
                         uint8_t *scratch)
{
    size_t n;
    uint16_t crc;

    if (len > 0u && wire[len - 1u] == 0u) {
        len--;
    }
    if (len > MP_MAX_FRAME_BYTES - 1u) {
        return MP_ERR_OVERSIZED;
    }
    /* An empty frame decodes to nothing; it is then "truncated", as in the Python codec. */
    n = 0;
    if (len > 0u) {
        n = mp_cobs_decode(wire, len, scratch, MP_MAX_FRAME_BYTES);
        if (n == MP_COBS_ERROR) {
            return MP_ERR_COBS;
        }
    }
    if (n < MP_HEADER_BYTES + MP_CRC_BYTES) {
        return MP_ERR_TRUNCATED;
    }
    if (n > MP_MAX_DECODED_BYTES) {
        return MP_ERR_OVERSIZED;
    }
    crc = mp_crc16(scratch, n - MP_CRC_BYTES);
    if (scratch[n - 2u] != (uint8_t)(crc >> 8) || scratch[n - 1u] != (uint8_t)(crc & 0xFFu)) {
        return MP_ERR_CRC;
    }
    if (scratch[0] != MP_PROTOCOL_VERSION) {
        /* A foreign HELLO's first two fields are frozen in every version (PROTOCOL.md §9):
         * hand them over so the device can answer; any other foreign frame is only dropped. */
        msg->type = 0u;
        if (scratch[1] == MP_MSG_HELLO && n >= MP_HEADER_BYTES + 5u + MP_CRC_BYTES) {
            msg->type = MP_MSG_HELLO;
            msg->u.hello.protocol_version = scratch[4];
            msg->u.hello.schema_hash = (uint32_t)scratch[5] | ((uint32_t)scratch[6] << 8) |
                                       ((uint32_t)scratch[7] << 16) | ((uint32_t)scratch[8] << 24);
            *seq = (uint16_t)(scratch[2] | (uint16_t)(scratch[3] << 8));
        }
        return MP_ERR_VERSION;
    }
    if (mp_message_name(scratch[1]) == NULL) {
        return MP_ERR_UNKNOWN_TYPE;
    }
    *seq = (uint16_t)(scratch[2] | (uint16_t)(scratch[3] << 8));
    return mp_payload_decode(scratch[1], scratch + MP_HEADER_BYTES,
                             n - MP_HEADER_BYTES - MP_CRC_BYTES, msg);
}

void mp_rx_init(mp_rx_t *rx)
{
    rx->len = 0;
    rx->overflow = 0;
}

int mp_rx_push(mp_rx_t *rx, uint8_t byte, const uint8_t **frame, size_t *frame_len,
               int *oversized)
{
    if (byte != 0u) {
        if (rx->len < sizeof rx->buf - 1u) {
            rx->buf[rx->len++] = byte;
        } else {
            rx->overflow = 1; /* keep counting nothing; the frame is lost anyway */
        }
        return 0;
    }
    if (rx->len == 0u && !rx->overflow) {
        return 0;
    }
    *frame = rx->buf;
    *frame_len = rx->len;
    *oversized = rx->overflow;
    rx->len = 0;
    rx->overflow = 0;
    return 1;
}

const char *mp_err_kind(mp_err_t err)
{
    switch (err) {
    case MP_OK:
        return "ok";
    case MP_ERR_COBS:
        return "cobs";
    case MP_ERR_TRUNCATED:
        return "truncated";
    case MP_ERR_OVERSIZED:
        return "oversized";
    case MP_ERR_CRC:
        return "crc";
    case MP_ERR_VERSION:
        return "version";
    case MP_ERR_UNKNOWN_TYPE:
        return "unknown-type";
    case MP_ERR_MALFORMED:
        return "malformed";
    case MP_ERR_FIELD_RANGE:
        return "field-range";
    }
    return "unknown";
}
