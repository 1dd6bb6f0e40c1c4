/*
 * pad_rhythm.h - what a vibration motor of the example pads does at a given moment: the core's
 * envelope (already clamped and ramped by mp_device) times the rhythm of its pattern.
 *
 * Board-independent, shared by the ESP32 and the Arduino Mega sketches (copied into each
 * sketch's src/massage_core/ with the core). Header-only C99, also valid C++.
 */
#ifndef PAD_RHYTHM_H
#define PAD_RHYTHM_H

#include <math.h>
#include <stdint.h>

#include "mp_messages.h"

/* The rhythm's level 0..1 at `now_ms`: steady = 1, pulse = on/off halves, wave = a smooth
 * rise and fall (raised cosine). `rate_chz` is in 0.01 Hz; 0 means steady. */
static inline float pad_rhythm_level(uint8_t pattern, uint16_t rate_chz, uint32_t now_ms)
{
    uint32_t period_ms;
    float phase;
    if (pattern == MP_PATTERN_STEADY || rate_chz == 0u) {
        return 1.0f;
    }
    period_ms = 100000UL / rate_chz;
    if (period_ms == 0u) {
        return 1.0f;
    }
    phase = (float)(now_ms % period_ms) / (float)period_ms;
    if (pattern == MP_PATTERN_PULSE) {
        return phase < 0.5f ? 1.0f : 0.0f;
    }
    return 0.5f - 0.5f * cosf(6.2831853f * phase);
}

/* The motor's drive level 0..1: envelope times rhythm, clamped (a bad value never over-drives). */
static inline float pad_motor_level(float envelope, uint8_t pattern, uint16_t rate_chz,
                                    uint32_t now_ms)
{
    float level = envelope * pad_rhythm_level(pattern, rate_chz, now_ms);
    if (!(level > 0.0f)) { /* also catches NaN */
        return 0.0f;
    }
    return level > 1.0f ? 1.0f : level;
}

#endif /* PAD_RHYTHM_H */
