/*
 * mp_channels.h - the device's description: its channel table and hard limits.
 *
 * The integrator fills in one const mp_device_desc_t for the board (host/mp_profiles.c holds
 * the shipped pad, chair and bed, generated from src/massage_ctl/devices/profiles/).
 * The core reports it in the handshake (DEVICE_INFO + one CHANNEL_INFO per channel) and
 * enforces its hard limits on every output. Numbers are kept in the wire's integer units
 * (0.001 of the channel's unit, 0.01 Hz) so the handshake reports them exactly.
 */
#ifndef MP_CHANNELS_H
#define MP_CHANNELS_H

#include <stdint.h>

#include "mp_messages.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MP_PATTERN_BIT(p) ((uint8_t)(1u << (unsigned)(p)))

/* Most channels one device may have (DEVICE_INFO.channel_count is 1..32). */
#define MP_MAX_CHANNELS 32u

/* One output of the device. Units: degrees C for heat, 0..1 scale for every other kind. */
typedef struct mp_channel_desc {
    const char *id;                /* e.g. "vib.lower-back"; at most 24 bytes */
    uint8_t zone;                  /* MP_ZONE_* body zone */
    uint8_t side;                  /* MP_SIDE_NONE, MP_SIDE_LEFT or MP_SIDE_RIGHT */
    uint8_t kind;                  /* MP_KIND_* */
    int32_t min_milli;             /* bottom of the range, 0.001 units */
    int32_t range_max_milli;       /* top of the range; wire values are fractions of it */
    int32_t hard_max_milli;        /* the device never exceeds this */
    uint32_t max_ramp_milli_per_s; /* fastest allowed envelope change, 0.001 units per s */
    uint8_t patterns;              /* MP_PATTERN_BIT() per supported pattern; steady always */
    uint16_t rate_min_chz;         /* rhythm rate range of the patterns, 0.01 Hz */
    uint16_t rate_max_chz;
    uint8_t reach_first;           /* roller reach (MP_ZONE_*), or MP_ZONE_NONE */
    uint8_t reach_last;
} mp_channel_desc_t;

/* The whole device. */
typedef struct mp_device_desc {
    const char *profile_id;       /* e.g. "pad"; at most 32 bytes */
    const char *name;             /* human-readable; at most 48 bytes */
    const char *firmware_version; /* at most 24 bytes */
    uint32_t max_frame_rate_chz;  /* frames per second the device accepts, 0.01 /s */
    const mp_channel_desc_t *channels;
    uint8_t n_channels; /* 1..MP_MAX_CHANNELS */
} mp_device_desc_t;

#ifdef __cplusplus
}
#endif

#endif /* MP_CHANNELS_H */
