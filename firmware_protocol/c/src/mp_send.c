/* mp_send.c - the frames the device sends: STATUS, ACK, FAULT, DEVICE_INFO, CHANNEL_INFO. */
#include "mp_session.h"

static void send(mp_device_t *dev)
{
    size_t len = 0;
    if (mp_frame_encode(&dev->out, dev->tx_seq, dev->tx, sizeof dev->tx, &len) == MP_OK) {
        dev->tx_seq++;
        dev->hal.write_bytes(dev->hal.ctx, dev->tx, len);
    }
}

/* Copy a C string into a length-prefixed message string, cut at `max` bytes. */
static uint8_t copy_str(char *dst, const char *src, uint8_t max)
{
    uint8_t n = 0;
    if (src != NULL) {
        while (n < max && src[n] != '\0') {
            dst[n] = src[n];
            n++;
        }
    }
    dst[n] = '\0';
    return n;
}

/* A fraction of range max (0..1) as the wire's u16. */
static uint16_t to_raw(float fraction)
{
    if (!(fraction > 0.0f)) {
        return 0;
    }
    if (fraction >= 1.0f) {
        return 65535u;
    }
    return (uint16_t)(fraction * 65535.0f + 0.5f);
}

void mp_session_send_status(mp_device_t *dev)
{
    mp_msg_status_t *m = &dev->out.u.status;
    uint8_t i;
    dev->out.type = MP_MSG_STATUS;
    m->state = dev->state;
    m->fault_bits = dev->fault_bits;
    m->last_seq = dev->last_seq;
    m->values_count = dev->desc->n_channels;
    for (i = 0; i < dev->desc->n_channels; i++) {
        m->values[i] = to_raw(dev->ch[i].ramp.value);
    }
    dev->last_status_ms = dev->now_ms;
    send(dev);
}

void mp_session_send_ack(mp_device_t *dev, uint16_t seq, uint8_t type, uint8_t result,
                         uint16_t detail)
{
    mp_msg_ack_t *m = &dev->out.u.ack;
    dev->out.type = MP_MSG_ACK;
    m->acked_seq = seq;
    m->acked_type = type;
    m->result = result;
    m->detail = detail;
    send(dev);
}

#if MP_PROTOCOL_VERSION >= 2
void mp_session_send_temperature(mp_device_t *dev)
{
    mp_msg_temperature_t *m = &dev->out.u.temperature;
    uint8_t i;
    dev->out.type = MP_MSG_TEMPERATURE;
    m->readings_count = 0;
    for (i = 0; i < dev->desc->n_channels; i++) {
        int32_t milli;
        if (dev->desc->channels[i].kind == MP_KIND_HEAT &&
            dev->read_temp(dev->hal.ctx, i, &milli)) {
            m->readings[m->readings_count].channel = i;
            m->readings[m->readings_count].temp_milli = milli;
            m->readings_count++;
        }
    }
    if (m->readings_count > 0u) {
        send(dev);
    }
}
#endif

void mp_session_send_fault(mp_device_t *dev, uint8_t code, uint8_t channel, int32_t detail)
{
    mp_msg_fault_t *m = &dev->out.u.fault;
    dev->out.type = MP_MSG_FAULT;
    m->code = code;
    m->channel = channel;
    m->detail = detail;
    send(dev);
}

void mp_session_send_handshake(mp_device_t *dev, int with_channels)
{
    const mp_device_desc_t *d = dev->desc;
    uint8_t i;
    {
        mp_msg_device_info_t *m = &dev->out.u.device_info;
        dev->out.type = MP_MSG_DEVICE_INFO;
        m->protocol_version = (uint8_t)MP_PROTOCOL_VERSION;
        m->schema_hash = (uint32_t)MP_SCHEMA_HASH;
        m->max_frame_rate_chz = d->max_frame_rate_chz;
        m->channel_count = d->n_channels;
        m->profile_id_len = copy_str(m->profile_id, d->profile_id, 32u);
        m->name_len = copy_str(m->name, d->name, 48u);
        m->firmware_version_len = copy_str(m->firmware_version, d->firmware_version, 24u);
        send(dev);
    }
    if (!with_channels) {
        return;
    }
    for (i = 0; i < d->n_channels; i++) {
        const mp_channel_desc_t *c = &d->channels[i];
        mp_msg_channel_info_t *m = &dev->out.u.channel_info;
        dev->out.type = MP_MSG_CHANNEL_INFO;
        m->index = i;
        m->channel_id_len = copy_str(m->channel_id, c->id, 24u);
        m->zone = c->zone;
        m->side = c->side;
        m->kind = c->kind;
        m->min_milli = c->min_milli;
        m->range_max_milli = c->range_max_milli;
        m->hard_max_milli = c->hard_max_milli;
        m->max_ramp_milli_per_s = c->max_ramp_milli_per_s;
        m->patterns = (uint8_t)(c->patterns | MP_PATTERN_BIT(MP_PATTERN_STEADY));
        m->rate_min_chz = c->rate_min_chz;
        m->rate_max_chz = c->rate_max_chz;
        m->reach_first = c->reach_first;
        m->reach_last = c->reach_last;
        send(dev);
    }
}
