/* mp_profiles.h - the shipped device descriptions (pad, chair, bed) for the host program. */
#ifndef MP_PROFILES_H
#define MP_PROFILES_H

#include "mp_channels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reported in DEVICE_INFO.firmware_version by the host device program. */
#define MP_HOST_FIRMWARE_VERSION "massage-device-host 1.0"

extern const mp_device_desc_t mp_profile_pad;
extern const mp_device_desc_t mp_profile_chair;
extern const mp_device_desc_t mp_profile_bed;

#ifdef __cplusplus
}
#endif

#endif /* MP_PROFILES_H */
