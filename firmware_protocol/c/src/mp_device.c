/* mp_device.c - session state machine, watchdog, STOP latch, clamping, ACKs (see mp_device.h). */
#include "mp_device.h"

#include "mp_session.h"

static uint32_t elapsed(uint32_t now, uint32_t then)
{
    return (uint32_t)(now - then); /* unsigned arithmetic survives the 2^32 wrap */
}

/* The hard max in raw units, round(hard * 65535 / range) half up: exactly what a controller
 * sends for a target at the hard max, so that target is not reported CLAMPED (PROTOCOL.md
 * §5.6). 64-bit, once per channel at start-up: a float (32-bit double on AVR) would round
 * 0.9 x 65535 = 58981.5 down. */
static uint16_t hard_max_raw(int32_t hard_milli, int32_t range_milli)
{
    uint64_t n;
    if (hard_milli <= 0 || range_milli <= 0) {
        return 0u;
    }
    if (hard_milli >= range_milli) {
        return 0xFFFFu;
    }
    n = (uint64_t)(uint32_t)hard_milli * 65535u + (uint64_t)((uint32_t)range_milli / 2u);
    return (uint16_t)(n / (uint32_t)range_milli);
}

void mp_device_init(mp_device_t *dev, const mp_device_desc_t *desc, const mp_hal_t *hal)
{
    uint8_t i;
    dev->desc = desc;
    dev->hal = *hal;
    dev->state = MP_STATE_IDLE;
    dev->fault_bits = 0;
    dev->fault_active = 0;
    dev->handshake_ok = 0;
    dev->streaming = 0;
    dev->watchdog_ms = MP_WATCHDOG_DEFAULT_MS;
    dev->now_ms = hal->millis(hal->ctx);
    dev->last_tick_ms = dev->now_ms;
    dev->last_rx_ms = dev->now_ms;
    dev->last_status_ms = dev->now_ms;
    dev->last_temp_ms = dev->now_ms;
    dev->read_temp = NULL;
    dev->last_seq = 0;
    dev->reject_acked = 0;
    dev->last_reject_ms = 0;
    dev->tx_seq = 0;
    mp_session_forget_commands(dev);
    dev->frames_ok = 0;
    dev->frames_bad = 0;
    mp_rx_init(&dev->rx);
    for (i = 0; i < desc->n_channels && i < MP_MAX_CHANNELS; i++) {
        const mp_channel_desc_t *c = &desc->channels[i];
        mp_channel_state_t *s = &dev->ch[i];
        float range = c->range_max_milli > 0 ? (float)c->range_max_milli : 1.0f;
        mp_ramp_init(&s->ramp, 0.0f);
        s->hard_max = (float)c->hard_max_milli / range;
        if (s->hard_max > 1.0f) {
            s->hard_max = 1.0f;
        }
        if (s->hard_max < 0.0f) {
            s->hard_max = 0.0f;
        }
        s->hard_max_raw = hard_max_raw(c->hard_max_milli, c->range_max_milli);
        s->max_rate_per_s = (float)c->max_ramp_milli_per_s / range;
        s->session_max_raw = 65535u;
        s->rate_per_s = s->max_rate_per_s;
        s->pattern = MP_PATTERN_STEADY;
        s->rate_chz = 0;
    }
    mp_session_apply_outputs(dev);
}

/* Whether `type` is a controller->device message (the only ones a device acts on). */
static int from_controller(uint8_t type)
{
    switch (type) {
    case MP_MSG_HELLO:
    case MP_MSG_SESSION_START:
    case MP_MSG_SESSION_END:
    case MP_MSG_SETPOINT:
    case MP_MSG_HEARTBEAT:
    case MP_MSG_STOP:
    case MP_MSG_CLEAR:
        return 1;
    default:
        return 0;
    }
}

void mp_device_receive(mp_device_t *dev, const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        const uint8_t *frame;
        size_t frame_len;
        int oversized;
        uint16_t seq;
        if (!mp_rx_push(&dev->rx, data[i], &frame, &frame_len, &oversized)) {
            continue;
        }
        mp_err_t err = oversized ? MP_ERR_OVERSIZED
                                 : mp_frame_decode(frame, frame_len, &seq, &dev->in, dev->scratch);
        if (err != MP_OK) {
            /* A bad frame is dropped and does not feed the watchdog: only valid frames
             * prove the controller is still there. */
            dev->frames_bad++;
#if MP_PROTOCOL_VERSION >= 2
            /* The one exception (PROTOCOL.md §9): a HELLO of another version is answered,
             * DEVICE_INFO in our version + ACK VERSION_MISMATCH (mp_frame_decode read its
             * frozen first fields). Version-1 firmware as it shipped stayed silent. */
            if (err == MP_ERR_VERSION && dev->in.type == MP_MSG_HELLO) {
                dev->now_ms = dev->hal.millis(dev->hal.ctx);
                mp_session_handle(dev, seq, &dev->in);
            }
#endif
            continue;
        }
        dev->frames_ok++;
        dev->now_ms = dev->hal.millis(dev->hal.ctx);
        if (from_controller(dev->in.type)) {
            /* Only controller frames prove a controller is there: a TX line looped back onto
             * RX must not keep a running device alive on its own STATUS (PROTOCOL.md §7.1). */
            dev->last_rx_ms = dev->now_ms;
        }
        mp_session_handle(dev, seq, &dev->in);
    }
}

void mp_device_tick(mp_device_t *dev)
{
    uint32_t now = dev->hal.millis(dev->hal.ctx);
    uint32_t dt = elapsed(now, dev->last_tick_ms);
    uint8_t i;
    dev->now_ms = now;
    dev->last_tick_ms = now;
    if (dev->state == MP_STATE_RUNNING && elapsed(now, dev->last_rx_ms) >= dev->watchdog_ms) {
        mp_session_link_lost(dev);
    }
    for (i = 0; i < dev->desc->n_channels; i++) {
        (void)mp_ramp_step(&dev->ch[i].ramp, dt);
    }
    mp_session_apply_outputs(dev);
    if (dev->streaming && elapsed(now, dev->last_status_ms) >= MP_STATUS_PERIOD_MS) {
        mp_session_send_status(dev);
    }
#if MP_PROTOCOL_VERSION >= 2
    if (dev->streaming && dev->read_temp != NULL && elapsed(now, dev->last_temp_ms) >= 1000u) {
        dev->last_temp_ms = now;
        mp_session_send_temperature(dev);
    }
#endif
}

void mp_device_set_temp_sensor(mp_device_t *dev, mp_temp_sensor_fn read_temp)
{
    dev->read_temp = read_temp;
}

void mp_device_raise_fault(mp_device_t *dev, uint8_t code, uint8_t channel, int32_t detail)
{
    uint16_t bit;
    if (code < 1u || code > MP_FAULT_INTERNAL) {
        /* Not a FaultCode of PROTOCOL.md (an integrator's bug, or a code the controller could
         * not decode): reported as INTERNAL, and it still stops the device. */
        code = MP_FAULT_INTERNAL;
    }
    bit = (uint16_t)(1u << (code - 1u));
    dev->fault_bits |= bit;
    dev->fault_active |= bit;
    mp_session_all_off_now(dev);
    dev->state = MP_STATE_FAULT;
    mp_session_send_fault(dev, code, channel, detail);
    mp_session_send_status(dev);
}

void mp_device_stop(mp_device_t *dev)
{
    dev->now_ms = dev->hal.millis(dev->hal.ctx);
    mp_session_stop_now(dev);
}

void mp_device_fault_gone(mp_device_t *dev, uint8_t code)
{
    /* Only a FaultCode frees its own cause; any other code frees nothing (the device stays
     * off until the code it was stopped under is reported gone). */
    if (code >= 1u && code <= MP_FAULT_INTERNAL) {
        dev->fault_active &= (uint16_t)~(1u << (code - 1u));
    }
}

uint8_t mp_device_state(const mp_device_t *dev)
{
    return dev->state;
}

float mp_device_value(const mp_device_t *dev, uint8_t channel)
{
    if (channel >= dev->desc->n_channels) {
        return 0.0f;
    }
    return dev->ch[channel].ramp.value * (float)dev->desc->channels[channel].range_max_milli /
           1000.0f;
}

const char *mp_state_name(uint8_t state)
{
    switch (state) {
    case MP_STATE_IDLE:
        return "IDLE";
    case MP_STATE_RUNNING:
        return "RUNNING";
    case MP_STATE_STOPPED:
        return "STOPPED";
    case MP_STATE_LINK_LOST:
        return "LINK_LOST";
    case MP_STATE_FAULT:
        return "FAULT";
    default:
        return "?";
    }
}
