/* test_vectors.c - the shared test vectors (firmware_protocol/vectors/), converted to C by
 * tools/vectors_to_c.py at build time into build/mp_vectors.h. */
#include <string.h>

#include "mp_cobs.h"
#include "mp_crc16.h"
#include "mp_frame.h"
#include "mp_messages.h"
#include "mp_test.h"
#include "test_suites.h"

/* Feed a byte stream through the receiver; each frame must give the next expected verdict:
 * a message name, or "error:KIND". */
static void check_stream(const uint8_t *wire, size_t n, const char *const *expect, size_t count)
{
    static mp_rx_t rx;
    static mp_message_t msg;
    uint8_t scratch[MP_MAX_FRAME_BYTES];
    char verdict[40];
    size_t i, seen = 0;
    mp_rx_init(&rx);
    for (i = 0; i < n; i++) {
        const uint8_t *frame;
        size_t len;
        int oversized;
        if (!mp_rx_push(&rx, wire[i], &frame, &len, &oversized)) {
            continue;
        }
        if (oversized) {
            strcpy(verdict, "error:oversized");
        } else {
            uint16_t seq;
            mp_err_t err = mp_frame_decode(frame, len, &seq, &msg, scratch);
            if (err == MP_OK) {
                strcpy(verdict, mp_message_name(msg.type));
            } else {
                strcpy(verdict, "error:");
                strcat(verdict, mp_err_kind(err));
            }
        }
        CHECK(seen < count);
        if (seen < count && strcmp(verdict, expect[seen]) != 0) {
            printf("  frame %u: got %s, expected %s\n", (unsigned)seen, verdict, expect[seen]);
            CHECK(0);
        }
        seen++;
    }
    CHECK_EQ_INT(seen, count);
}

#include "mp_vectors.h"

void run_vector_tests(void)
{
    run_generated_vectors();
}
