/* test_rules.c - rules PROTOCOL.md 1.1 settled: the hard max compared in raw units, one ACK per
 * SETPOINT with a reject before a clamp, rejects outside RUNNING at most every 100 ms, and
 * frames of device types neither feeding the watchdog nor counting in last_seq. */
#include "fake_hal.h"
#include "mp_profiles.h"
#include "mp_test.h"
#include "test_suites.h"

static fake_hal_t f;
static mp_device_t dev;

/* The ACKs the device sent for `seq`, counted; the last one in *last. */
static unsigned acks_for(uint16_t seq, mp_msg_ack_t *last)
{
    unsigned i;
    unsigned n = 0;
    for (i = 0; i < f.n_sent; i++) {
        if (f.sent[i].type == MP_MSG_ACK && f.sent[i].u.ack.acked_seq == seq) {
            *last = f.sent[i].u.ack;
            n++;
        }
    }
    return n;
}

static void hard_max_in_raw_units(void)
{
    mp_msg_ack_t ack = {0u, 0u, 0u, 0u};
    mp_message_t m;
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    fake_start_session(&f, &dev);
    /* chair channel 0: hard max 0.9 of 1.0 = raw round(58981.5) = 58982 (0.900008). */
    m = msg_setpoint(0u, 58982u, 0u, MP_PATTERN_STEADY, 0u);
    fake_send(&dev, &m, 10u);
    CHECK_EQ_INT(acks_for(10u, &ack), 0);
    fake_run(&f, &dev, 2000u);
    CHECK(f.out_value[0] <= 0.9f); /* never above the hard max itself */
    CHECK(f.out_value[0] > 0.89f);
    m = msg_setpoint(0u, 58983u, 0u, MP_PATTERN_STEADY, 0u);
    fake_send(&dev, &m, 11u);
    CHECK_EQ_INT(acks_for(11u, &ack), 1);
    CHECK_EQ_INT(ack.result, MP_ACK_CLAMPED);
    CHECK_EQ_INT(ack.detail, 0);
}

static void a_reject_is_reported_before_a_clamp(void)
{
    mp_msg_ack_t ack = {0u, 0u, 0u, 0u};
    mp_message_t m = msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u);
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    fake_start_session(&f, &dev);
    m.u.setpoint.entries_count = 2;
    m.u.setpoint.entries[1] = m.u.setpoint.entries[0];
    m.u.setpoint.entries[1].channel = 99u;
    fake_send(&dev, &m, 10u);
    CHECK_EQ_INT(acks_for(10u, &ack), 1);
    CHECK_EQ_INT(ack.result, MP_ACK_BAD_CHANNEL);
    CHECK_EQ_INT(ack.detail, 99);
}

static void rejects_outside_running_at_most_every_100_ms(void)
{
    mp_msg_ack_t ack = {0u, 0u, 0u, 0u};
    mp_message_t m = msg_setpoint(0u, 1000u, 0u, MP_PATTERN_STEADY, 0u);
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_send(&dev, &m, 1u);
    fake_send(&dev, &m, 2u);
    fake_send(&dev, &m, 3u);
    CHECK_EQ_INT(acks_for(1u, &ack) + acks_for(2u, &ack) + acks_for(3u, &ack), 1);
    CHECK_EQ_INT(ack.result, MP_ACK_BAD_STATE);
    fake_run(&f, &dev, 100u);
    fake_send(&dev, &m, 4u);
    CHECK_EQ_INT(acks_for(4u, &ack), 1);
}

static void device_frames_do_not_feed_the_watchdog(void)
{
    uint16_t k;
    mp_message_t status;
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev); /* watchdog 500 ms */
    f.keepalive = 0;
    status.type = MP_MSG_STATUS;
    status.u.status.state = MP_STATE_RUNNING;
    status.u.status.fault_bits = 0;
    status.u.status.last_seq = 0;
    status.u.status.values_count = 0;
    /* A TX line looped back onto RX: the device's own STATUS frames come back every 100 ms. */
    for (k = 0; k < 10u; k++) {
        fake_send(&dev, &status, (uint16_t)(1000u + k));
        fake_run(&f, &dev, 100u);
    }
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_LINK_LOST);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.last_seq, 2); /* the SESSION_START */
}

static void last_seq_is_zero_before_any_frame(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    CHECK_EQ_INT(dev.last_seq, 0);
}

void run_rules_tests(void)
{
    mp_test_run("hard max in raw units", hard_max_in_raw_units);
    mp_test_run("a reject is reported before a clamp", a_reject_is_reported_before_a_clamp);
    mp_test_run("rejects outside RUNNING at most every 100 ms",
                rejects_outside_running_at_most_every_100_ms);
    mp_test_run("device frames do not feed the watchdog", device_frames_do_not_feed_the_watchdog);
    mp_test_run("last_seq is 0 before any frame", last_seq_is_zero_before_any_frame);
}
