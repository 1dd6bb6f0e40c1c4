/* test_watchdog.c - the watchdog, the status stream, and a randomized safety property test. */
#include <string.h>

#include "fake_hal.h"
#include "mp_profiles.h"
#include "mp_test.h"
#include "test_suites.h"

static fake_hal_t f;
static mp_device_t dev;

static void send(mp_message_t m, uint16_t seq)
{
    fake_send(&dev, &m, seq);
}

static int all_zero(const mp_device_desc_t *desc)
{
    uint8_t i;
    for (i = 0; i < desc->n_channels; i++) {
        if (desc->channels[i].kind != MP_KIND_POSITION && f.out_value[i] != 0.0f) {
            return 0;
        }
    }
    return 1;
}

/* Start a chair session at t0 with every non-position channel well above zero. */
static void chair_running_high(uint32_t t0, uint16_t watchdog_ms)
{
    uint8_t i;
    uint16_t seq = 3;
    mp_message_t m;
    fake_init(&f, &dev, &mp_profile_chair, t0);
    m = msg_hello();
    fake_send(&dev, &m, 1u);
    m = msg_start(watchdog_ms);
    fake_send(&dev, &m, 2u);
    for (i = 0; i < mp_profile_chair.n_channels; i++) {
        send(msg_setpoint(i, 65535u, 0u, MP_PATTERN_STEADY, 0u), seq++);
    }
    /* Keep the link alive while everything ramps up. */
    for (i = 0; i < 30u; i++) {
        fake_run(&f, &dev, 100u);
        send(msg_heartbeat(0), seq++);
    }
    fake_clear_sent(&f);
}

static void heartbeats_keep_the_session_alive(void)
{
    chair_running_high(0u, 500u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    CHECK(f.out_value[0] > 0.8f);
}

static void lost_link_fades_to_zero_within_a_second(void)
{
    uint32_t waited = 0;
    chair_running_high(0u, 500u);
    /* Heartbeats stop. Just before the period nothing happens... */
    fake_run(&f, &dev, 480u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    fake_run(&f, &dev, 30u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
    CHECK(f.out_value[15] == 0.0f); /* heat off at once */
    CHECK(f.out_value[0] > 0.0f);   /* the rest fades rather than jolts */
    CHECK(fake_last(&f, MP_MSG_FAULT) != NULL);
    if (fake_last(&f, MP_MSG_FAULT) != NULL) {
        CHECK_EQ_INT(fake_last(&f, MP_MSG_FAULT)->u.fault.code, MP_FAULT_WATCHDOG);
    }
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.fault_bits, MP_FAULT_BIT_WATCHDOG);
    while (!all_zero(&mp_profile_chair) && waited < 5000u) {
        fake_run(&f, &dev, 10u);
        waited += 10u;
    }
    CHECK(waited <= 1000u);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.state, MP_STATE_LINK_LOST);
}

static void link_lost_needs_new_handshake_and_start(void)
{
    chair_running_high(0u, 250u);
    fake_run(&f, &dev, 2000u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
    /* Frames arriving again do not resume anything by themselves. */
    send(msg_heartbeat(0), 200u);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 201u);
    fake_run(&f, &dev, 200u);
    CHECK(f.out_value[0] == 0.0f);
    send(msg_start(500u), 202u);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_ACK)->u.ack.result, MP_ACK_LATCHED);
    send(msg_clear(), 203u);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_ACK)->u.ack.result, MP_ACK_BAD_STATE);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
    send(msg_hello(), 0u);
    /* HELLO clears no latch (PROTOCOL.md §6): the CLEAR after it does. */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
    send(msg_start(500u), 1u);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_ACK)->u.ack.result, MP_ACK_LATCHED);
    send(msg_clear(), 2u);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_ACK)->u.ack.result, MP_ACK_OK);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    send(msg_start(500u), 3u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.fault_bits, 0);
}

static void corrupt_frames_do_not_feed_the_watchdog(void)
{
    uint8_t wire[MP_MAX_FRAME_BYTES];
    size_t len = 0;
    mp_message_t hb = msg_heartbeat(0);
    int i;
    chair_running_high(0u, 500u);
    (void)mp_frame_encode(&hb, 900u, wire, sizeof wire, &len);
    wire[2] ^= 0x40u; /* line noise */
    for (i = 0; i < 10; i++) {
        fake_run(&f, &dev, 100u);
        mp_device_receive(&dev, wire, len);
    }
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
}

static void watchdog_survives_the_millisecond_wrap(void)
{
    chair_running_high(0xFFFFF000UL, 500u); /* the clock wraps during the session */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    fake_run(&f, &dev, 600u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
}

static void status_streams_at_10_hz(void)
{
    unsigned n;
    const mp_message_t *st;
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_run(&f, &dev, 1000u);
    CHECK_EQ_INT(fake_count(&f, MP_MSG_STATUS), 0); /* silent until a controller speaks */
    fake_start_session(&f, &dev);
    f.keepalive = 0; /* heartbeats by hand, to check last_seq */
    send(msg_setpoint(2u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 77u);
    fake_clear_sent(&f);
    fake_run(&f, &dev, 300u);
    send(msg_heartbeat(0), 78u);
    fake_run(&f, &dev, 300u);
    send(msg_heartbeat(0), 79u);
    fake_run(&f, &dev, 400u);
    n = fake_count(&f, MP_MSG_STATUS);
    CHECK(n >= 9u && n <= 11u);
    st = fake_last(&f, MP_MSG_STATUS);
    CHECK_EQ_INT(st->u.status.state, MP_STATE_RUNNING);
    CHECK_EQ_INT(st->u.status.last_seq, 79);
    CHECK_EQ_INT(st->u.status.values_count, 4);
    CHECK(st->u.status.values[2] > 60000u); /* 1.0/s pad motor: full after 1 s */
}

/* xorshift32: a fixed-seed generator so a failure is reproducible. */
static uint32_t rng_state = 0x12345678u;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state % n;
}

/*
 * Property: whatever the controller sends (random commands, random setpoints, corrupted
 * bytes, silences), no output ever exceeds its hard max or moves faster than its ramp
 * limit upward, and after a STOP every output stays zero until CLEAR and a new start.
 */
static void random_traffic_never_breaks_the_safety_rules(void)
{
    const mp_device_desc_t *desc = &mp_profile_chair;
    float prev[MP_MAX_CHANNELS];
    uint16_t seq = 1;
    int run, step;
    for (run = 0; run < 40; run++) {
        fake_init(&f, &dev, desc, rnd(100000u));
        memset(prev, 0, sizeof prev);
        for (step = 0; step < 300; step++) {
            uint32_t what = rnd(100u);
            uint8_t i;
            int stopped_before = mp_device_state(&dev) == MP_STATE_STOPPED;
            if (what < 5u) {
                send(msg_hello(), seq++);
            } else if (what < 12u) {
                send(msg_start((uint16_t)rnd(3000u)), seq++);
            } else if (what < 15u) {
                send(msg_stop(), (uint16_t)rnd(65536u));
            } else if (what < 19u) {
                send(msg_clear(), seq++);
            } else if (what < 22u) {
                send(msg_end(), seq++);
            } else if (what < 60u) {
                send(msg_setpoint((uint8_t)rnd(20u), (uint16_t)rnd(65536u), rnd(3000u),
                                  (uint8_t)rnd(6u), (uint16_t)rnd(2000u)),
                     seq++);
            } else if (what < 65u) {
                uint8_t junk[24];
                for (i = 0; i < sizeof junk; i++) {
                    junk[i] = (uint8_t)rnd(256u);
                }
                mp_device_receive(&dev, junk, sizeof junk);
            } else {
                send(msg_heartbeat(0), seq++);
            }
            fake_run(&f, &dev, 10u * (1u + rnd(20u)));
            for (i = 0; i < desc->n_channels; i++) {
                const mp_channel_desc_t *c = &desc->channels[i];
                float v = f.out_value[i];
                float up_limit = (float)c->max_ramp_milli_per_s / 1000.0f * 0.21f;
                CHECK(v <= (float)c->hard_max_milli / 1000.0f + 1e-4f);
                CHECK(v >= 0.0f);
                /* Between observations at most 200 ms pass. */
                CHECK(v - prev[i] <= up_limit + 1e-4f);
                if (stopped_before && mp_device_state(&dev) == MP_STATE_STOPPED &&
                    c->kind != MP_KIND_POSITION) {
                    CHECK(v == 0.0f);
                }
                prev[i] = v;
            }
        }
    }
    CHECK_EQ_INT(f.bad_sent, 0);
}

/* Ten reports a second, not nine: over 10 s of a session on the usual 10 ms tick the
 * controller gets 100 STATUS frames (PROTOCOL.md: STATUS at 10 Hz). */
static void status_keeps_its_10_hz_over_a_long_run(void)
{
    unsigned n;
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    fake_clear_sent(&f);
    fake_run(&f, &dev, 10000u);
    n = fake_count(&f, MP_MSG_STATUS);
    CHECK(n >= 99u && n <= 101u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
}

void run_watchdog_tests(void)
{
    RUN(heartbeats_keep_the_session_alive);
    RUN(lost_link_fades_to_zero_within_a_second);
    RUN(link_lost_needs_new_handshake_and_start);
    RUN(corrupt_frames_do_not_feed_the_watchdog);
    RUN(watchdog_survives_the_millisecond_wrap);
    RUN(status_streams_at_10_hz);
    RUN(status_keeps_its_10_hz_over_a_long_run);
    RUN(random_traffic_never_breaks_the_safety_rules);
}
