/* test_framing.c - COBS and CRC-16/CCITT-FALSE. */
#include <string.h>

#include "mp_cobs.h"
#include "mp_crc16.h"
#include "mp_test.h"
#include "test_suites.h"

static void crc_check_value(void)
{
    const char *s = "123456789";
    CHECK_EQ_INT(mp_crc16((const uint8_t *)s, 9), 0x29B1);
    /* Feeding in pieces gives the same result. */
    CHECK_EQ_INT(mp_crc16_update(mp_crc16((const uint8_t *)s, 4), (const uint8_t *)s + 4, 5),
                 0x29B1);
    CHECK_EQ_INT(mp_crc16((const uint8_t *)s, 0), 0xFFFF);
}

static void cobs_known_examples(void)
{
    /* Examples from the COBS paper / common references. */
    static const uint8_t in1[] = {0x00};
    static const uint8_t out1[] = {0x01, 0x01};
    static const uint8_t in2[] = {0x11, 0x22, 0x00, 0x33};
    static const uint8_t out2[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    static const uint8_t in3[] = {0x11, 0x00, 0x00, 0x00};
    static const uint8_t out3[] = {0x02, 0x11, 0x01, 0x01, 0x01};
    uint8_t buf[16];
    CHECK_EQ_INT(mp_cobs_encode(in1, sizeof in1, buf, sizeof buf), sizeof out1);
    CHECK(memcmp(buf, out1, sizeof out1) == 0);
    CHECK_EQ_INT(mp_cobs_encode(in2, sizeof in2, buf, sizeof buf), sizeof out2);
    CHECK(memcmp(buf, out2, sizeof out2) == 0);
    CHECK_EQ_INT(mp_cobs_encode(in3, sizeof in3, buf, sizeof buf), sizeof out3);
    CHECK(memcmp(buf, out3, sizeof out3) == 0);
    CHECK_EQ_INT(mp_cobs_decode(out2, sizeof out2, buf, sizeof buf), sizeof in2);
    CHECK(memcmp(buf, in2, sizeof in2) == 0);
}

static void cobs_round_trip_all_lengths(void)
{
    /* Lengths around the 254-byte block boundary, with and without zeros. */
    static uint8_t in[600];
    static uint8_t enc[700];
    static uint8_t dec[600];
    size_t len;
    int with_zeros;
    for (with_zeros = 0; with_zeros < 2; with_zeros++) {
        for (len = 0; len < sizeof in; len += (len < 260u ? 1u : 37u)) {
            size_t i, n, m;
            for (i = 0; i < len; i++) {
                in[i] = (uint8_t)(with_zeros ? (i * 7u) % 5u : 1u + (i % 255u));
            }
            n = mp_cobs_encode(in, len, enc, sizeof enc);
            CHECK(n > 0u);
            CHECK(n <= MP_COBS_MAX_ENCODED(len));
            CHECK(memchr(enc, 0, n) == NULL);
            m = mp_cobs_decode(enc, n, dec, sizeof dec);
            CHECK_EQ_INT(m, len);
            CHECK(memcmp(dec, in, len) == 0);
        }
    }
}

static void cobs_rejects_malformed(void)
{
    static const uint8_t zero_inside[] = {0x03, 0x11, 0x00};
    static const uint8_t runs_past_end[] = {0x05, 0x11, 0x22};
    uint8_t buf[16];
    static const uint8_t empty_frame[] = {0x01};
    CHECK(mp_cobs_decode(zero_inside, sizeof zero_inside, buf, sizeof buf) == MP_COBS_ERROR);
    CHECK(mp_cobs_decode(runs_past_end, sizeof runs_past_end, buf, sizeof buf) == MP_COBS_ERROR);
    /* 0x01 is a valid encoding of nothing: not an error. */
    CHECK_EQ_INT(mp_cobs_decode(empty_frame, sizeof empty_frame, buf, sizeof buf), 0);
}

static void cobs_respects_capacity(void)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t enc[16];
    uint8_t small[4];
    size_t n = mp_cobs_encode(in, sizeof in, enc, sizeof enc);
    CHECK_EQ_INT(mp_cobs_encode(in, sizeof in, small, sizeof small), 0);
    CHECK(mp_cobs_decode(enc, n, small, sizeof small) == MP_COBS_ERROR);
}

void run_framing_tests(void)
{
    RUN(crc_check_value);
    RUN(cobs_known_examples);
    RUN(cobs_round_trip_all_lengths);
    RUN(cobs_rejects_malformed);
    RUN(cobs_respects_capacity);
}
