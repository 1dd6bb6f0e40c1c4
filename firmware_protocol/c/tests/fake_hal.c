/* fake_hal.c - see fake_hal.h. */
#include "fake_hal.h"

#include <string.h>

static uint32_t fake_millis(void *ctx)
{
    return ((fake_hal_t *)ctx)->now_ms;
}

static void fake_set_output(void *ctx, uint8_t channel, float value, uint8_t pattern,
                            uint16_t rate_chz)
{
    fake_hal_t *f = (fake_hal_t *)ctx;
    f->out_value[channel] = value;
    f->out_pattern[channel] = pattern;
    f->out_rate[channel] = rate_chz;
}

static void fake_write(void *ctx, const uint8_t *data, size_t len)
{
    fake_hal_t *f = (fake_hal_t *)ctx;
    uint8_t scratch[MP_MAX_FRAME_BYTES];
    uint16_t seq;
    if (f->n_sent >= FAKE_MAX_SENT) {
        return;
    }
    if (mp_frame_decode(data, len, &seq, &f->sent[f->n_sent], scratch) == MP_OK) {
        f->n_sent++;
    } else {
        f->bad_sent++;
    }
}

void fake_init(fake_hal_t *f, mp_device_t *dev, const mp_device_desc_t *desc, uint32_t t0)
{
    mp_hal_t hal;
    memset(f, 0, sizeof *f);
    f->now_ms = t0;
    hal.ctx = f;
    hal.millis = fake_millis;
    hal.set_output = fake_set_output;
    hal.write_bytes = fake_write;
    mp_device_init(dev, desc, &hal);
}

void fake_send(mp_device_t *dev, const mp_message_t *msg, uint16_t seq)
{
    uint8_t wire[MP_MAX_FRAME_BYTES];
    size_t len = 0;
    if (mp_frame_encode(msg, seq, wire, sizeof wire, &len) == MP_OK) {
        mp_device_receive(dev, wire, len);
    }
}

void fake_run(fake_hal_t *f, mp_device_t *dev, uint32_t ms)
{
    uint32_t t;
    for (t = 0; t < ms; t += 10u) {
        f->now_ms += 10u;
        if (f->keepalive && f->now_ms % 100u == 0u) {
            mp_message_t hb = msg_heartbeat(0);
            fake_send(dev, &hb, f->keepalive_seq++);
        }
        mp_device_tick(dev);
    }
}

void fake_clear_sent(fake_hal_t *f)
{
    f->n_sent = 0;
}

const mp_message_t *fake_last(const fake_hal_t *f, uint8_t type)
{
    unsigned i = f->n_sent;
    while (i > 0u) {
        i--;
        if (f->sent[i].type == type) {
            return &f->sent[i];
        }
    }
    return NULL;
}

unsigned fake_count(const fake_hal_t *f, uint8_t type)
{
    unsigned i, n = 0;
    for (i = 0; i < f->n_sent; i++) {
        n += f->sent[i].type == type ? 1u : 0u;
    }
    return n;
}

static mp_message_t empty(uint8_t type)
{
    mp_message_t m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return m;
}

mp_message_t msg_hello(void)
{
    mp_message_t m = empty(MP_MSG_HELLO);
    m.u.hello.protocol_version = (uint8_t)MP_PROTOCOL_VERSION;
    m.u.hello.schema_hash = (uint32_t)MP_SCHEMA_HASH;
    return m;
}

mp_message_t msg_start(uint16_t watchdog_ms)
{
    mp_message_t m = empty(MP_MSG_SESSION_START);
    m.u.session_start.watchdog_ms = watchdog_ms;
    return m;
}

mp_message_t msg_end(void)
{
    return empty(MP_MSG_SESSION_END);
}

mp_message_t msg_stop(void)
{
    mp_message_t m = empty(MP_MSG_STOP);
    m.u.stop.reason = MP_STOP_USER;
    return m;
}

mp_message_t msg_clear(void)
{
    return empty(MP_MSG_CLEAR);
}

mp_message_t msg_heartbeat(int stop_requested)
{
    mp_message_t m = empty(MP_MSG_HEARTBEAT);
    m.u.heartbeat.stop_requested = (uint8_t)(stop_requested ? 1 : 0);
    return m;
}

mp_message_t msg_setpoint(uint8_t channel, uint16_t target, uint32_t ramp_ms, uint8_t pattern,
                          uint16_t rate_chz)
{
    mp_message_t m = empty(MP_MSG_SETPOINT);
    m.u.setpoint.entries_count = 1;
    m.u.setpoint.entries[0].channel = channel;
    m.u.setpoint.entries[0].target = target;
    m.u.setpoint.entries[0].ramp_ms = ramp_ms;
    m.u.setpoint.entries[0].pattern = pattern;
    m.u.setpoint.entries[0].rate_chz = rate_chz;
    return m;
}

void fake_start_session(fake_hal_t *f, mp_device_t *dev)
{
    mp_message_t m = msg_hello();
    fake_send(dev, &m, 1u);
    m = msg_start(500u);
    fake_send(dev, &m, 2u);
    f->keepalive = 1;
    f->keepalive_seq = 30000u;
    fake_clear_sent(f);
}
