/* fake_hal.h - a hardware interface for unit tests: a hand-driven clock, recorded outputs and
 * the device's sent frames decoded into a list. */
#ifndef FAKE_HAL_H
#define FAKE_HAL_H

#include "mp_device.h"

#define FAKE_MAX_SENT 256u

typedef struct fake_hal {
    uint32_t now_ms;
    float out_value[MP_MAX_CHANNELS];
    uint8_t out_pattern[MP_MAX_CHANNELS];
    uint16_t out_rate[MP_MAX_CHANNELS];
    mp_message_t sent[FAKE_MAX_SENT]; /* decoded frames the device sent, oldest first */
    unsigned n_sent;
    unsigned bad_sent; /* frames the device sent that did not decode (must stay 0) */
    int keepalive;     /* fake_run sends a HEARTBEAT every 100 ms, like a live controller */
    uint16_t keepalive_seq;
} fake_hal_t;

/* A fresh fake and a device on it (pad, chair or bed description). */
void fake_init(fake_hal_t *f, mp_device_t *dev, const mp_device_desc_t *desc, uint32_t t0);

/* Send one message from the "controller" with sequence number `seq`. */
void fake_send(mp_device_t *dev, const mp_message_t *msg, uint16_t seq);

/* Let `ms` pass in ticks of 10 ms (with heartbeats if f->keepalive). */
void fake_run(fake_hal_t *f, mp_device_t *dev, uint32_t ms);

/* Forget recorded frames. */
void fake_clear_sent(fake_hal_t *f);

/* The last sent message of `type`, or NULL; and how many of that type were sent. */
const mp_message_t *fake_last(const fake_hal_t *f, uint8_t type);
unsigned fake_count(const fake_hal_t *f, uint8_t type);

/* Controller messages, ready to send. */
mp_message_t msg_hello(void);
mp_message_t msg_start(uint16_t watchdog_ms);
mp_message_t msg_end(void);
mp_message_t msg_stop(void);
mp_message_t msg_clear(void);
mp_message_t msg_heartbeat(int stop_requested);
mp_message_t msg_setpoint(uint8_t channel, uint16_t target, uint32_t ramp_ms, uint8_t pattern,
                          uint16_t rate_chz);

/* HELLO + SESSION_START(500) with seqs 1 and 2, keepalive on; the sent list is cleared. */
void fake_start_session(fake_hal_t *f, mp_device_t *dev);

#endif /* FAKE_HAL_H */
