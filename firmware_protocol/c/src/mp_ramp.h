/*
 * mp_ramp.h - the ramp engine: one linear envelope move per channel, stepped on a tick.
 *
 * A setpoint means "move linearly from where you are to `target` over `ramp_ms`" (docs/CONTRACTS.md §3).
 * The device never moves faster than the channel's ramp-rate limit, so a too-short ramp_ms
 * simply takes longer. Fades to zero after a lost link are the one exception: they may go down
 * faster than the limit, because less output is always the safe direction.
 */
#ifndef MP_RAMP_H
#define MP_RAMP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mp_ramp {
    float value;       /* current envelope, channel units */
    float target;      /* where the current move ends */
    float rate_per_ms; /* speed of the current move, channel units per millisecond (> 0) */
} mp_ramp_t;

/* Start at rest at `value`. */
void mp_ramp_init(mp_ramp_t *r, float value);

/*
 * Move to `target` over `ramp_ms`, but never faster than `max_rate_per_s` (units per second,
 * > 0). ramp_ms == 0 means "as fast as allowed".
 */
void mp_ramp_set(mp_ramp_t *r, float target, uint32_t ramp_ms, float max_rate_per_s);

/* Move to `target` over exactly `ramp_ms` (no rate limit; used to fade to zero). */
void mp_ramp_fade(mp_ramp_t *r, float target, uint32_t ramp_ms);

/* Jump to `value` now and stop moving (STOP: outputs off at once). */
void mp_ramp_jump(mp_ramp_t *r, float value);

/* Advance by `dt_ms`; returns the new value. Never overshoots the target. */
float mp_ramp_step(mp_ramp_t *r, uint32_t dt_ms);

#ifdef __cplusplus
}
#endif

#endif /* MP_RAMP_H */
