/*
 * broken_device.c - deliberately broken builds of the host device, for the conformance
 * suite's own tests only (tests/conformance). NEVER build firmware from this file.
 *
 * `make broken-host` compiles host/main.c with its three calls into the core renamed
 * (mp_device_init/receive/tick -> broken_device_*) and links these wrappers, which call the
 * unchanged core and then break exactly one rule, chosen at compile time:
 *   MP_TEST_BROKEN_WATCHDOG  the watchdog never expires (PROTOCOL.md 7.1)
 *   MP_TEST_BROKEN_LATCH     STOP zeroes the outputs but the device drops back to IDLE (5.8, 6)
 *   MP_TEST_BROKEN_HARDMAX   reports its hard max but clamps only to the range max (5.6)
 * The suite must fail the checks of that rule and only those.
 */
#include "mp_device.h"

void broken_device_init(mp_device_t *dev, const mp_device_desc_t *desc, const mp_hal_t *hal);
void broken_device_receive(mp_device_t *dev, const uint8_t *data, size_t len);
void broken_device_tick(mp_device_t *dev);

void broken_device_init(mp_device_t *dev, const mp_device_desc_t *desc, const mp_hal_t *hal)
{
    mp_device_init(dev, desc, hal);
#ifdef MP_TEST_BROKEN_HARDMAX
    {
        uint8_t i;
        for (i = 0; i < MP_MAX_CHANNELS; i++) {
            dev->ch[i].hard_max = 1.0f; /* the range max: the hard max is ignored */
            dev->ch[i].hard_max_raw = 0xFFFFu;
        }
    }
#endif
}

void broken_device_receive(mp_device_t *dev, const uint8_t *data, size_t len)
{
    mp_device_receive(dev, data, len);
#ifdef MP_TEST_BROKEN_LATCH
    if (dev->state == MP_STATE_STOPPED) {
        dev->state = MP_STATE_IDLE; /* forgets the STOP latch, silently */
    }
#endif
}

void broken_device_tick(mp_device_t *dev)
{
#ifdef MP_TEST_BROKEN_WATCHDOG
    dev->last_rx_ms = dev->hal.millis(dev->hal.ctx); /* as if a valid frame just arrived */
#endif
    mp_device_tick(dev);
}
