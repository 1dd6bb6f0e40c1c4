/*
 * decode_cli.c - test-only: decode frames given as hex lines on stdin, one verdict per line.
 *
 *   in:  <hex of a frame, with or without its 0x00>\n
 *   out: "ok <MESSAGE_NAME> <seq> <hex of the frame re-encoded>" or "err <kind>"
 *
 * tests/interop/test_c_decoder_fuzz.py feeds it random and mutated frames and checks that the C
 * decoder and the Python codec agree on every one.
 */
#include <stdio.h>
#include <string.h>

#include "mp_frame.h"

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int main(void)
{
    static char line[4096];
    static uint8_t wire[2048];
    static uint8_t out[MP_MAX_FRAME_BYTES];
    static uint8_t scratch[MP_MAX_FRAME_BYTES];
    static mp_message_t msg;

    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n = 0, i, len = 0;
        uint16_t seq = 0;
        mp_err_t err;
        for (i = 0; line[i] != '\0' && line[i] != '\n' && n < sizeof wire; i += 2) {
            int hi = hex_value(line[i]);
            int lo = hex_value(line[i + 1]);
            if (hi < 0 || lo < 0) {
                break;
            }
            wire[n++] = (uint8_t)(hi * 16 + lo);
        }
        err = mp_frame_decode(wire, n, &seq, &msg, scratch);
        if (err != MP_OK) {
            printf("err %s\n", mp_err_kind(err));
        } else if (mp_frame_encode(&msg, seq, out, sizeof out, &len) != MP_OK) {
            printf("err re-encode\n");
        } else {
            printf("ok %s %u ", mp_message_name(msg.type), (unsigned)seq);
            for (i = 0; i < len; i++) {
                printf("%02x", out[i]);
            }
            printf("\n");
        }
        fflush(stdout);
    }
    return 0;
}
