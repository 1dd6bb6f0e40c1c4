/* mp_ramp.c - linear, rate-limited envelope moves (see mp_ramp.h). */
#include "mp_ramp.h"

static float abs_diff(float a, float b)
{
    return a > b ? a - b : b - a;
}

void mp_ramp_init(mp_ramp_t *r, float value)
{
    r->value = value;
    r->target = value;
    r->rate_per_ms = 1.0f;
}

void mp_ramp_set(mp_ramp_t *r, float target, uint32_t ramp_ms, float max_rate_per_s)
{
    float max_per_ms = max_rate_per_s / 1000.0f;
    float rate = max_per_ms;
    if (ramp_ms > 0u) {
        rate = abs_diff(target, r->value) / (float)ramp_ms;
        if (rate > max_per_ms) {
            rate = max_per_ms;
        }
    }
    if (!(rate > 0.0f)) {
        /* Zero distance (or a bad limit): keep a positive speed so the move still ends. */
        rate = max_per_ms > 0.0f ? max_per_ms : 1e-6f;
    }
    r->target = target;
    r->rate_per_ms = rate;
}

void mp_ramp_fade(mp_ramp_t *r, float target, uint32_t ramp_ms)
{
    float dist = abs_diff(target, r->value);
    r->target = target;
    if (ramp_ms == 0u || dist <= 0.0f) {
        r->value = target;
        r->rate_per_ms = 1.0f;
        return;
    }
    r->rate_per_ms = dist / (float)ramp_ms;
}

void mp_ramp_jump(mp_ramp_t *r, float value)
{
    mp_ramp_init(r, value);
}

float mp_ramp_step(mp_ramp_t *r, uint32_t dt_ms)
{
    float step = r->rate_per_ms * (float)dt_ms;
    if (abs_diff(r->target, r->value) <= step) {
        r->value = r->target;
    } else if (r->target > r->value) {
        r->value += step;
    } else {
        r->value -= step;
    }
    return r->value;
}
