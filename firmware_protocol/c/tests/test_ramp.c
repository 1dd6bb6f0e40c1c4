/* test_ramp.c - the ramp engine: linear moves, rate limits, fades. */
#include "mp_ramp.h"
#include "mp_test.h"
#include "test_suites.h"

static void ramp_is_linear_over_ramp_ms(void)
{
    mp_ramp_t r;
    mp_ramp_init(&r, 0.0f);
    mp_ramp_set(&r, 0.5f, 1000u, 1.0f);
    CHECK_NEAR(mp_ramp_step(&r, 500u), 0.25, 1e-5);
    CHECK_NEAR(mp_ramp_step(&r, 500u), 0.5, 1e-5);
    CHECK_NEAR(mp_ramp_step(&r, 500u), 0.5, 1e-6); /* no overshoot */
}

static void ramp_never_exceeds_rate_limit(void)
{
    mp_ramp_t r;
    int i;
    float prev = 0.0f;
    mp_ramp_init(&r, 0.0f);
    mp_ramp_set(&r, 1.0f, 0u, 0.2f); /* "at once" still takes 5 s at 0.2/s */
    for (i = 0; i < 100; i++) {
        float v = mp_ramp_step(&r, 10u);
        CHECK(v - prev <= 0.2f * 0.010f + 1e-6f);
        prev = v;
    }
    CHECK_NEAR(prev, 0.2, 1e-4);
    mp_ramp_set(&r, 0.0f, 10u, 0.2f); /* a too-short ramp down is limited too */
    CHECK_NEAR(mp_ramp_step(&r, 100u), 0.18, 1e-4);
}

static void fade_ends_on_time_even_beyond_limit(void)
{
    mp_ramp_t r;
    int i;
    mp_ramp_init(&r, 0.9f);
    mp_ramp_fade(&r, 0.0f, 500u);
    for (i = 0; i < 50; i++) {
        (void)mp_ramp_step(&r, 10u);
    }
    CHECK_NEAR(r.value, 0.0, 1e-4);
    (void)mp_ramp_step(&r, 10u);
    CHECK(r.value == 0.0f);
}

static void jump_stops_at_once(void)
{
    mp_ramp_t r;
    mp_ramp_init(&r, 0.0f);
    mp_ramp_set(&r, 1.0f, 1000u, 1.0f);
    (void)mp_ramp_step(&r, 300u);
    mp_ramp_jump(&r, 0.0f);
    CHECK(r.value == 0.0f);
    CHECK(mp_ramp_step(&r, 100u) == 0.0f);
}

void run_ramp_tests(void)
{
    RUN(ramp_is_linear_over_ramp_ms);
    RUN(ramp_never_exceeds_rate_limit);
    RUN(fade_ends_on_time_even_beyond_limit);
    RUN(jump_stops_at_once);
}
