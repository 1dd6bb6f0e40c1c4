/* test_device.c - the device core: handshake, session, setpoints, clamping, STOP latch. */
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

static const mp_msg_ack_t *last_ack(void)
{
    const mp_message_t *m = fake_last(&f, MP_MSG_ACK);
    static mp_msg_ack_t none;
    none.result = 0xEE; /* never a valid result: makes "no ACK" fail any result check */
    return m != NULL ? &m->u.ack : &none;
}

static void handshake_reports_the_channel_table(void)
{
    const mp_message_t *info;
    unsigned i;
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 1u);
    info = fake_last(&f, MP_MSG_DEVICE_INFO);
    CHECK(info != NULL);
    if (info != NULL) {
        CHECK_EQ_INT(info->u.device_info.channel_count, 4);
        CHECK(strcmp(info->u.device_info.profile_id, "pad") == 0);
        CHECK_EQ_INT(info->u.device_info.schema_hash, MP_SCHEMA_HASH);
        CHECK_EQ_INT(info->u.device_info.max_frame_rate_chz, 2000);
    }
    CHECK_EQ_INT(fake_count(&f, MP_MSG_CHANNEL_INFO), 4);
    for (i = 0; i < f.n_sent; i++) {
        if (f.sent[i].type == MP_MSG_CHANNEL_INFO && f.sent[i].u.channel_info.index == 2u) {
            CHECK(strcmp(f.sent[i].u.channel_info.channel_id, "vib.lower-back") == 0);
            CHECK_EQ_INT(f.sent[i].u.channel_info.zone, MP_ZONE_LOWER_BACK);
        }
    }
    /* The ACK comes last, after the whole description. */
    CHECK_EQ_INT(f.sent[f.n_sent - 1u].type, MP_MSG_ACK);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_OK);
    CHECK_EQ_INT(last_ack()->acked_type, MP_MSG_HELLO);
    CHECK_EQ_INT(f.bad_sent, 0);
}

static void schema_mismatch_is_refused_clearly(void)
{
    mp_message_t hello = msg_hello();
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    hello.u.hello.schema_hash ^= 1u;
    send(hello, 1u);
    CHECK(fake_last(&f, MP_MSG_DEVICE_INFO) != NULL); /* so the controller can say what it met */
    CHECK_EQ_INT(fake_count(&f, MP_MSG_CHANNEL_INFO), 0);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_VERSION_MISMATCH);
    send(msg_start(500u), 2u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_STATE);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
}

static void start_needs_a_handshake_and_clamps_the_watchdog(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_start(500u), 1u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_STATE);
    send(msg_hello(), 2u);
    send(msg_start(5000u), 3u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_CLAMPED);
    CHECK_EQ_INT(last_ack()->detail, 2000);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.state, MP_STATE_RUNNING);

    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 1u);
    send(msg_start(100u), 2u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_CLAMPED);
    CHECK_EQ_INT(last_ack()->detail, 250);
}

static void setpoint_ramps_linearly_and_is_not_acked(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(1u, 32768u, 1000u, MP_PATTERN_PULSE, 250u), 3u);
    CHECK_EQ_INT(fake_count(&f, MP_MSG_ACK), 0);
    fake_run(&f, &dev, 250u);
    CHECK_NEAR(f.out_value[1], 0.125, 0.01);
    CHECK_EQ_INT(f.out_pattern[1], MP_PATTERN_PULSE);
    CHECK_EQ_INT(f.out_rate[1], 250);
    fake_run(&f, &dev, 1000u);
    CHECK_NEAR(f.out_value[1], 0.5, 0.001);
    CHECK_NEAR(f.out_value[0], 0.0, 1e-9);
}

static void over_limit_setpoint_is_clamped_to_hard_max(void)
{
    unsigned t;
    fake_init(&f, &dev, &mp_profile_chair, 0u); /* air cells: hard_max 0.9, 0.5/s */
    fake_start_session(&f, &dev);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_CLAMPED);
    CHECK_EQ_INT(last_ack()->detail, 0);
    for (t = 0; t < 300u; t++) {
        fake_run(&f, &dev, 10u);
        CHECK(f.out_value[0] <= 0.9f + 1e-6f);
        if (t == 99u) {
            /* "at once" still obeys the ramp limit: 1 s at 0.5/s */
            CHECK_NEAR(f.out_value[0], 0.5, 0.01);
        }
    }
    CHECK_NEAR(f.out_value[0], 0.9, 0.001);
    /* Heat (°C): 45 requested, hard max 42. */
    send(msg_setpoint(15u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 4u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_CLAMPED);
    CHECK_EQ_INT(last_ack()->detail, 15);
}

static void bad_entries_are_rejected_and_named(void)
{
    mp_message_t m;
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(7u, 1000u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_CHANNEL);
    CHECK_EQ_INT(last_ack()->detail, 7);
    send(msg_setpoint(2u, 30000u, 0u, MP_PATTERN_TAP, 300u), 4u); /* the pad cannot tap */
    CHECK_EQ_INT(last_ack()->result, MP_ACK_UNSUPPORTED_PATTERN);
    fake_run(&f, &dev, 500u);
    CHECK(f.out_value[2] == 0.0f);
    fake_clear_sent(&f);
    send(msg_setpoint(2u, 30000u, 0u, MP_PATTERN_WAVE, 5000u), 5u); /* 50 Hz > 10 Hz */
    CHECK_EQ_INT(fake_count(&f, MP_MSG_ACK), 0); /* clamped into range silently (§5.6) */
    fake_run(&f, &dev, 100u);
    CHECK_EQ_INT(f.out_rate[2], 1000);
    /* A good entry next to a bad one still applies. */
    m = msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u);
    m.u.setpoint.entries_count = 2;
    m.u.setpoint.entries[1] = m.u.setpoint.entries[0];
    m.u.setpoint.entries[1].channel = 9u;
    send(m, 6u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_CHANNEL);
    fake_run(&f, &dev, 100u);
    CHECK(f.out_value[0] > 0.0f);
}

static void setpoints_outside_a_session_do_nothing(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 1u);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 2u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_STATE);
    /* A stream of them gets at most one reject ACK per 100 ms. */
    fake_clear_sent(&f);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 4u);
    CHECK_EQ_INT(fake_count(&f, MP_MSG_ACK), 0);
    fake_run(&f, &dev, 100u);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 5u);
    CHECK_EQ_INT(fake_count(&f, MP_MSG_ACK), 1);
    fake_run(&f, &dev, 500u);
    CHECK(f.out_value[0] == 0.0f);
}

static void stop_zeroes_at_once_and_latches(void)
{
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(0u, 50000u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    send(msg_setpoint(15u, 60000u, 0u, MP_PATTERN_STEADY, 0u), 4u);
    send(msg_setpoint(12u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 5u); /* roller position */
    fake_run(&f, &dev, 1000u);
    CHECK(f.out_value[0] > 0.3f);
    CHECK(f.out_value[15] > 0.0f);
    send(msg_stop(), 3u); /* an old sequence number: acted on all the same */
    CHECK(f.out_value[0] == 0.0f);
    CHECK(f.out_value[15] == 0.0f); /* heat off */
    CHECK(f.out_value[12] > 0.1f);  /* the roller carriage halts where it is */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.state, MP_STATE_STOPPED);
    CHECK_EQ_INT(last_ack()->acked_type, MP_MSG_STOP);
    /* Latched: no setpoint, no start, nothing moves on its own. */
    send(msg_setpoint(0u, 50000u, 0u, MP_PATTERN_STEADY, 0u), 7u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_LATCHED);
    send(msg_start(500u), 8u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_LATCHED);
    fake_run(&f, &dev, 3000u);
    CHECK(f.out_value[0] == 0.0f);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
    /* Explicit clear, then a new start. */
    send(msg_clear(), 9u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    send(msg_start(500u), 10u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
}

static void stop_works_out_of_session_and_in_heartbeats(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_stop(), 40000u); /* never said hello */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_OK);

    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(3u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    fake_run(&f, &dev, 300u);
    send(msg_heartbeat(1), 4u);
    CHECK(f.out_value[3] == 0.0f);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
}

static void retried_commands_are_done_once(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 1u);
    send(msg_start(500u), 2u);
    send(msg_start(500u), 2u); /* the ACK was lost; the controller retries */
    CHECK_EQ_INT(last_ack()->result, MP_ACK_OK);
    CHECK_EQ_INT(fake_count(&f, MP_MSG_ACK), 3);
    /* A late CLEAR must not undo a later STOP. */
    send(msg_stop(), 5u);
    send(msg_clear(), 4u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
    send(msg_clear(), 6u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    send(msg_clear(), 6u); /* retry: same answer */
    CHECK_EQ_INT(last_ack()->result, MP_ACK_OK);
}

static void commands_across_the_sequence_wrap_are_accepted(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 65530u);
    send(msg_start(500u), 65535u);
    send(msg_stop(), 0u);
    send(msg_clear(), 1u); /* after 65535 in serial-number order: not a stale duplicate */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    CHECK_EQ_INT(last_ack()->acked_seq, 1);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_OK);
}

static void session_end_fades_within_a_second(void)
{
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(1u, 58982u, 0u, MP_PATTERN_STEADY, 0u), 3u); /* 0.9 at 0.5/s */
    send(msg_setpoint(15u, 60000u, 0u, MP_PATTERN_STEADY, 0u), 4u);
    fake_run(&f, &dev, 2000u);
    CHECK_NEAR(f.out_value[1], 0.9, 0.01);
    send(msg_end(), 5u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    CHECK(f.out_value[15] == 0.0f);
    fake_run(&f, &dev, 500u);
    CHECK(f.out_value[1] > 0.0f); /* a fade, not a jump */
    fake_run(&f, &dev, 510u);
    CHECK(f.out_value[1] == 0.0f);
}

static void a_new_hello_ends_a_running_session(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    fake_run(&f, &dev, 1000u);
    send(msg_clear(), 4u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_BAD_STATE); /* CLEAR means nothing while running */
    send(msg_hello(), 0u); /* another controller takes over */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
    CHECK(f.out_value[0] > 0.5f); /* ramps down, no jolt */
    fake_run(&f, &dev, 1010u);
    CHECK(f.out_value[0] == 0.0f);
}

static void fault_stops_and_holds_while_its_cause_lasts(void)
{
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(15u, 60000u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    fake_run(&f, &dev, 1000u);
    mp_device_raise_fault(&dev, MP_FAULT_OVER_TEMPERATURE, 15u, 44500);
    CHECK(f.out_value[15] == 0.0f);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_FAULT);
    CHECK(fake_last(&f, MP_MSG_FAULT) != NULL);
    CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.fault_bits, MP_FAULT_BIT_OVER_TEMPERATURE);
    send(msg_clear(), 4u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_LATCHED);
    mp_device_fault_gone(&dev, MP_FAULT_OVER_TEMPERATURE);
    send(msg_clear(), 5u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
}

/* The limits themselves are granted as asked: PROTOCOL.md §5.4 clamps to 250..2000 ms and
 * answers CLAMPED only when it changed the value. */
static void watchdog_at_its_limits_is_granted_as_asked(void)
{
    static const uint16_t asked[] = {250u, 2000u, 249u, 2001u};
    static const uint16_t granted[] = {250u, 2000u, 250u, 2000u};
    static const uint8_t result[] = {MP_ACK_OK, MP_ACK_OK, MP_ACK_CLAMPED, MP_ACK_CLAMPED};
    unsigned i;
    for (i = 0; i < 4u; i++) {
        fake_init(&f, &dev, &mp_profile_pad, 0u);
        send(msg_hello(), 1u);
        send(msg_start(asked[i]), 2u);
        CHECK_EQ_INT(last_ack()->result, result[i]);
        CHECK_EQ_INT(last_ack()->detail, granted[i]);
        CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_RUNNING);
    }
}

static void check_ack(uint8_t type, uint8_t result, uint16_t detail)
{
    CHECK_EQ_INT(last_ack()->acked_type, type);
    CHECK_EQ_INT(last_ack()->result, result);
    CHECK_EQ_INT(last_ack()->detail, detail);
}

/* PROTOCOL.md §5.11: only SESSION_START (the watchdog it granted) and a SETPOINT's channel
 * errors carry a detail; every other ACK says 0. §5.5: SESSION_END outside a session is OK in
 * IDLE and LATCHED in a latched state. */
static void acks_answer_as_the_protocol_says(void)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    send(msg_hello(), 1u);
    check_ack(MP_MSG_HELLO, MP_ACK_OK, 0u);
    send(msg_start(500u), 2u);
    check_ack(MP_MSG_SESSION_START, MP_ACK_OK, 500u);
    send(msg_end(), 3u);
    check_ack(MP_MSG_SESSION_END, MP_ACK_OK, 0u);
    send(msg_end(), 4u); /* already IDLE: a no-op */
    check_ack(MP_MSG_SESSION_END, MP_ACK_OK, 0u);
    send(msg_clear(), 5u);
    check_ack(MP_MSG_CLEAR, MP_ACK_OK, 0u);
    send(msg_stop(), 6u);
    check_ack(MP_MSG_STOP, MP_ACK_OK, 0u);
    send(msg_end(), 7u); /* SESSION_END never frees a STOP */
    check_ack(MP_MSG_SESSION_END, MP_ACK_LATCHED, 0u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_STOPPED);
    send(msg_start(500u), 8u);
    check_ack(MP_MSG_SESSION_START, MP_ACK_LATCHED, 0u);
    send(msg_clear(), 9u);
    check_ack(MP_MSG_CLEAR, MP_ACK_OK, 0u);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);
}

/* Start a pad session with motor 0 running, then raise fault `code`. */
static void pad_fault(uint8_t code)
{
    fake_init(&f, &dev, &mp_profile_pad, 0u);
    fake_start_session(&f, &dev);
    send(msg_setpoint(0u, 65535u, 0u, MP_PATTERN_STEADY, 0u), 3u);
    fake_run(&f, &dev, 500u);
    mp_device_raise_fault(&dev, code, 255u, 0);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_FAULT);
    CHECK(f.out_value[0] == 0.0f);
}

/* Only the FaultCodes of PROTOCOL.md (1..6, INTERNAL the last) are sent as themselves: any
 * other code is an integrator's bug, sent as INTERNAL (a code the controller could decode), and
 * still stops the device. A cause reported gone under such a code frees nothing. */
static void fault_codes_outside_the_fault_code_list_still_stop_as_internal(void)
{
    static const uint8_t bad[] = {0u, 7u, 16u, 17u, 200u};
    unsigned i;
    for (i = 0; i < 5u; i++) {
        pad_fault(bad[i]);
        CHECK_EQ_INT(fake_last(&f, MP_MSG_FAULT)->u.fault.code, MP_FAULT_INTERNAL);
        CHECK_EQ_INT(fake_last(&f, MP_MSG_STATUS)->u.status.fault_bits, MP_FAULT_BIT_INTERNAL);
    }
    mp_device_fault_gone(&dev, 16u);
    send(msg_clear(), 4u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_LATCHED);
    mp_device_fault_gone(&dev, MP_FAULT_INTERNAL);
    send(msg_clear(), 5u); /* a new seq: 4 again would be answered as the duplicate it is */
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_IDLE);

    pad_fault(MP_FAULT_HARDWARE);
    /* No such codes: the hardware fault is still there (36 would alias its bit if the code
     * range were not checked before shifting). */
    mp_device_fault_gone(&dev, 36u);
    mp_device_fault_gone(&dev, 0u);
    send(msg_clear(), 4u);
    CHECK_EQ_INT(last_ack()->result, MP_ACK_LATCHED);
    CHECK_EQ_INT(mp_device_state(&dev), MP_STATE_FAULT);
}

#if MP_PROTOCOL_VERSION >= 2
static int pad_at_31_5_c(void *ctx, uint8_t channel, int32_t *milli)
{
    (void)ctx;
    (void)channel;
    *milli = 31500;
    return 1;
}

/* PROTOCOL.md §5.14: with a sensor hook, TEMPERATURE every 1000 ms (not 1010, not 2000), naming
 * each heat channel with what its sensor measures. */
static void temperature_is_sent_every_second_with_each_heat_channel(void)
{
    uint32_t at[3];
    unsigned seen = 0u;
    unsigned before;
    const mp_message_t *m;
    fake_init(&f, &dev, &mp_profile_chair, 0u);
    mp_device_set_temp_sensor(&dev, pad_at_31_5_c);
    fake_start_session(&f, &dev);
    fake_clear_sent(&f);
    before = 0u;
    while (seen < 3u && f.now_ms < 10000u) {
        fake_run(&f, &dev, 10u);
        if (fake_count(&f, MP_MSG_TEMPERATURE) != before) {
            before = fake_count(&f, MP_MSG_TEMPERATURE);
            at[seen++] = f.now_ms;
        }
        if (f.n_sent > FAKE_MAX_SENT - 8u) {
            fake_clear_sent(&f);
            before = 0u;
        }
    }
    CHECK_EQ_INT(seen, 3);
    CHECK_EQ_INT(at[1] - at[0], 1000);
    CHECK_EQ_INT(at[2] - at[1], 1000);
    m = fake_last(&f, MP_MSG_TEMPERATURE);
    CHECK(m != NULL);
    if (m != NULL) {
        CHECK(m->u.temperature.readings_count >= 1u);
        CHECK_EQ_INT(m->u.temperature.readings[0].temp_milli, 31500);
        CHECK_EQ_INT(mp_profile_chair.channels[m->u.temperature.readings[0].channel].kind,
                     MP_KIND_HEAT);
    }
}
#endif

void run_device_tests(void)
{
    RUN(handshake_reports_the_channel_table);
    RUN(schema_mismatch_is_refused_clearly);
    RUN(start_needs_a_handshake_and_clamps_the_watchdog);
    RUN(setpoint_ramps_linearly_and_is_not_acked);
    RUN(over_limit_setpoint_is_clamped_to_hard_max);
    RUN(bad_entries_are_rejected_and_named);
    RUN(setpoints_outside_a_session_do_nothing);
    RUN(stop_zeroes_at_once_and_latches);
    RUN(stop_works_out_of_session_and_in_heartbeats);
    RUN(retried_commands_are_done_once);
    RUN(commands_across_the_sequence_wrap_are_accepted);
    RUN(session_end_fades_within_a_second);
    RUN(a_new_hello_ends_a_running_session);
    RUN(fault_stops_and_holds_while_its_cause_lasts);
    RUN(watchdog_at_its_limits_is_granted_as_asked);
    RUN(acks_answer_as_the_protocol_says);
    RUN(fault_codes_outside_the_fault_code_list_still_stop_as_internal);
#if MP_PROTOCOL_VERSION >= 2
    RUN(temperature_is_sent_every_second_with_each_heat_channel);
#endif
    run_watchdog_tests();
}
