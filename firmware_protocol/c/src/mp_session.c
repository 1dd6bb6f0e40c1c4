/*
 * mp_session.c - what the device does with each controller frame: the session state machine,
 * the STOP latch, clamping of setpoints to hard limits, ACKs and de-duplication of retries.
 */
#include "mp_session.h"

/* ------------------------------------------------------------------ outputs and stopping */

void mp_session_apply_outputs(mp_device_t *dev)
{
    uint8_t i;
    for (i = 0; i < dev->desc->n_channels; i++) {
        const mp_channel_state_t *s = &dev->ch[i];
        float value = mp_device_value(dev, i);
        /* Rhythm only where the envelope is up; a stopped channel is plain zero. */
        uint8_t pattern = value > 0.0f ? s->pattern : (uint8_t)MP_PATTERN_STEADY;
        dev->hal.set_output(dev->hal.ctx, i, value, pattern,
                            pattern == MP_PATTERN_STEADY ? 0u : s->rate_chz);
    }
}

/* Drop rhythms: whatever is left fades or halts as a plain envelope. */
static void all_steady(mp_device_t *dev)
{
    uint8_t i;
    for (i = 0; i < dev->desc->n_channels; i++) {
        dev->ch[i].pattern = MP_PATTERN_STEADY;
        dev->ch[i].rate_chz = 0;
    }
}

void mp_session_all_off_now(mp_device_t *dev)
{
    uint8_t i;
    for (i = 0; i < dev->desc->n_channels; i++) {
        mp_ramp_t *r = &dev->ch[i].ramp;
        if (dev->desc->channels[i].kind == MP_KIND_POSITION) {
            mp_ramp_jump(r, r->value); /* the carriage halts where it is */
        } else {
            mp_ramp_jump(r, 0.0f);
        }
    }
    all_steady(dev);
    mp_session_apply_outputs(dev);
}

/* Fade to zero: heat off at once, positions halt, the rest over at most `max_ms`; with
 * `within_limits` no faster than the ramp limit unless that would take longer than max_ms. */
static void fade_to_zero(mp_device_t *dev, uint32_t max_ms, int within_limits)
{
    uint8_t i;
    for (i = 0; i < dev->desc->n_channels; i++) {
        mp_channel_state_t *s = &dev->ch[i];
        uint8_t kind = dev->desc->channels[i].kind;
        uint32_t ms = max_ms;
        if (kind == MP_KIND_HEAT) {
            mp_ramp_jump(&s->ramp, 0.0f);
            continue;
        }
        if (kind == MP_KIND_POSITION) {
            mp_ramp_jump(&s->ramp, s->ramp.value);
            continue;
        }
        if (within_limits && s->max_rate_per_s > 0.0f) {
            float limit_ms = s->ramp.value / s->max_rate_per_s * 1000.0f;
            if (limit_ms < (float)max_ms) {
                ms = (uint32_t)limit_ms + 1u;
            }
        }
        mp_ramp_fade(&s->ramp, 0.0f, ms);
    }
    all_steady(dev);
    mp_session_apply_outputs(dev);
}

void mp_session_stop_now(mp_device_t *dev)
{
    mp_session_all_off_now(dev);
    if (dev->state != MP_STATE_FAULT) {
        dev->state = MP_STATE_STOPPED; /* a fault is the stronger latch; outputs are off anyway */
    }
    mp_session_send_status(dev);
}

void mp_session_link_lost(mp_device_t *dev)
{
    fade_to_zero(dev, MP_LINK_LOST_FADE_MS, 0);
    dev->state = MP_STATE_LINK_LOST;
    dev->handshake_ok = 0; /* only a new HELLO and SESSION_START run again */
    dev->fault_bits |= MP_FAULT_BIT_WATCHDOG;
    mp_session_send_fault(dev, MP_FAULT_WATCHDOG, 255u, (int32_t)dev->watchdog_ms);
    mp_session_send_status(dev);
}

/* ------------------------------------------------------------------------- setpoints */

/* Apply one entry; returns an AckResult (OK, CLAMPED or a rejection). */
static uint8_t apply_entry(mp_device_t *dev, const mp_setpoint_entry_t *e)
{
    const mp_channel_desc_t *c;
    mp_channel_state_t *s;
    uint8_t result = MP_ACK_OK;
    float target;
    uint16_t rate = 0;

    if (e->channel >= dev->desc->n_channels) {
        return MP_ACK_BAD_CHANNEL;
    }
    c = &dev->desc->channels[e->channel];
    s = &dev->ch[e->channel];
    if ((c->patterns & MP_PATTERN_BIT(e->pattern)) == 0u && e->pattern != MP_PATTERN_STEADY) {
        return MP_ACK_UNSUPPORTED_PATTERN;
    }
    /* Compared in raw units (PROTOCOL.md §5.6): a target at the hard max as the controller
     * encodes it is not a clamp; the output still never goes above the hard max itself. */
    target = (float)e->target / 65535.0f;
    if (e->target > s->session_max_raw) {
        /* The session's cap (version 2, PROTOCOL.md §5.4), already a raw target. */
        target = (float)s->session_max_raw / 65535.0f;
        result = MP_ACK_CLAMPED;
    }
    if (e->target > s->hard_max_raw) {
        result = MP_ACK_CLAMPED;
    }
    if (target > s->hard_max) {
        target = s->hard_max;
    }
    if (e->pattern != MP_PATTERN_STEADY) {
        /* Clamped into the channel's range without an ACK (PROTOCOL.md §5.6). */
        rate = e->rate_chz;
        if (rate < c->rate_min_chz) {
            rate = c->rate_min_chz;
        } else if (rate > c->rate_max_chz) {
            rate = c->rate_max_chz;
        }
    }
    mp_ramp_set(&s->ramp, target, e->ramp_ms, s->rate_per_s);
    s->pattern = e->pattern;
    s->rate_chz = rate;
    return result;
}

static void handle_setpoint(mp_device_t *dev, uint16_t seq, const mp_msg_setpoint_t *m)
{
    uint8_t i;
    uint8_t first = MP_ACK_OK;
    uint16_t first_channel = 0;
    if (dev->state != MP_STATE_RUNNING) {
        uint8_t result = dev->state == MP_STATE_IDLE ? MP_ACK_BAD_STATE : MP_ACK_LATCHED;
        /* At most one such reject per 100 ms: a controller still streaming setpoints into a
         * stopped device must not flood the link the STOP's STATUS travels on. */
        if (!dev->reject_acked || (uint32_t)(dev->now_ms - dev->last_reject_ms) >= 100u) {
            dev->reject_acked = 1;
            dev->last_reject_ms = dev->now_ms;
            mp_session_send_ack(dev, seq, MP_MSG_SETPOINT, result, 0u);
        }
        return;
    }
    /* Entries are independent: a bad one is skipped, the others still apply. One ACK: the
     * first rejected entry, else the first clamped one -- a reject (the controller stops the
     * session) must never hide behind a clamp it only logs (PROTOCOL.md §5.6). */
    for (i = 0; i < m->entries_count; i++) {
        uint8_t r = apply_entry(dev, &m->entries[i]);
        int rejected = r != MP_ACK_OK && r != MP_ACK_CLAMPED;
        if (r != MP_ACK_OK && (first == MP_ACK_OK || (rejected && first == MP_ACK_CLAMPED))) {
            first = r;
            first_channel = m->entries[i].channel;
        }
    }
    if (first != MP_ACK_OK) {
        mp_session_send_ack(dev, seq, MP_MSG_SETPOINT, first, first_channel);
    }
}

/* ----------------------------------------------------------- state-changing commands */

void mp_session_forget_commands(mp_device_t *dev)
{
    uint8_t i;
    for (i = 0; i < MP_CMD_HISTORY; i++) {
        dev->history[i].used = 0;
    }
    dev->history_next = 0;
    dev->have_newest = 0;
    dev->newest_cmd_seq = 0;
}

/* Serial-number order of 16-bit sequence numbers (RFC 1982): is `a` after `b`? */
static int seq_after(uint16_t a, uint16_t b)
{
    uint16_t d = (uint16_t)(a - b);
    return d != 0u && d < 0x8000u;
}

static const mp_cmd_record_t *find_command(const mp_device_t *dev, uint16_t seq, uint8_t type)
{
    uint8_t i;
    for (i = 0; i < MP_CMD_HISTORY; i++) {
        const mp_cmd_record_t *r = &dev->history[i];
        if (r->used && r->seq == seq && r->type == type) {
            return r;
        }
    }
    return NULL;
}

static void remember_and_ack(mp_device_t *dev, uint16_t seq, uint8_t type, uint8_t result,
                             uint16_t detail)
{
    mp_cmd_record_t *r = &dev->history[dev->history_next];
    dev->history_next = (uint8_t)((dev->history_next + 1u) % MP_CMD_HISTORY);
    r->used = 1;
    r->seq = seq;
    r->type = type;
    r->result = result;
    r->detail = detail;
    /* A STOP may arrive out of sequence; it must not move the "newest" mark backwards. */
    if (!dev->have_newest || seq_after(seq, dev->newest_cmd_seq)) {
        dev->have_newest = 1;
        dev->newest_cmd_seq = seq;
    }
    mp_session_send_ack(dev, seq, type, result, detail);
}

/* SESSION_START's limits (protocol 2): check them all first, then replace the last session's.
 * An entry for a channel the device lacks, a second one for a channel, or a ramp limit of 0
 * refuses the start: OUT_OF_RANGE, *detail = that channel (PROTOCOL.md §5.4). */
static uint8_t take_session_limits(mp_device_t *dev, const mp_msg_session_start_t *m,
                                   uint16_t *detail)
{
    uint8_t i;
#if MP_PROTOCOL_VERSION >= 2
    uint32_t seen = 0;
    for (i = 0; i < m->limits_count; i++) {
        const mp_session_limit_t *l = &m->limits[i];
        if (l->channel >= dev->desc->n_channels || (seen & (1UL << l->channel)) != 0u ||
            l->max_ramp_milli_per_s == 0u) {
            *detail = l->channel;
            return MP_ACK_OUT_OF_RANGE;
        }
        seen |= 1UL << l->channel;
    }
#else
    (void)m;
    (void)detail;
#endif
    for (i = 0; i < dev->desc->n_channels; i++) {
        dev->ch[i].session_max_raw = 65535u;
        dev->ch[i].rate_per_s = dev->ch[i].max_rate_per_s;
    }
#if MP_PROTOCOL_VERSION >= 2
    for (i = 0; i < m->limits_count; i++) {
        const mp_session_limit_t *l = &m->limits[i];
        mp_channel_state_t *s = &dev->ch[l->channel];
        int32_t range = dev->desc->channels[l->channel].range_max_milli;
        float rate = (float)l->max_ramp_milli_per_s / (float)(range > 0 ? range : 1);
        s->session_max_raw = l->max_target;
        if (rate < s->rate_per_s) {
            s->rate_per_s = rate;
        }
    }
#endif
    return MP_ACK_OK;
}

/* Execute SESSION_START / SESSION_END / CLEAR; returns the AckResult, *detail the detail. */
static uint8_t execute(mp_device_t *dev, const mp_message_t *msg, uint16_t *detail)
{
    uint8_t old = dev->state;
    *detail = 0;
    switch (msg->type) {
    case MP_MSG_SESSION_START: {
        uint16_t wd = msg->u.session_start.watchdog_ms;
        uint8_t result = MP_ACK_OK;
        if (old == MP_STATE_STOPPED || old == MP_STATE_FAULT || old == MP_STATE_LINK_LOST) {
            return MP_ACK_LATCHED;
        }
        if (old == MP_STATE_RUNNING || !dev->handshake_ok) {
            /* Stricter than PROTOCOL.md's table: no session without a matching HELLO, so a
             * controller built from another schema can never drive the outputs. */
            return MP_ACK_BAD_STATE;
        }
        if (take_session_limits(dev, &msg->u.session_start, detail) != MP_ACK_OK) {
            return MP_ACK_OUT_OF_RANGE;
        }
        if (wd < MP_WATCHDOG_MIN_MS) {
            wd = MP_WATCHDOG_MIN_MS;
            result = MP_ACK_CLAMPED;
        } else if (wd > MP_WATCHDOG_MAX_MS) {
            wd = MP_WATCHDOG_MAX_MS;
            result = MP_ACK_CLAMPED;
        }
        dev->watchdog_ms = wd;
        dev->fault_bits &= (uint16_t)~MP_FAULT_BIT_WATCHDOG;
        dev->state = MP_STATE_RUNNING;
        *detail = wd;
        return result;
    }
    case MP_MSG_SESSION_END:
        if (old == MP_STATE_RUNNING) {
            fade_to_zero(dev, MP_SESSION_END_MAX_MS, 1);
            dev->state = MP_STATE_IDLE;
            return MP_ACK_OK;
        }
        return old == MP_STATE_IDLE ? MP_ACK_OK : MP_ACK_LATCHED;
    case MP_MSG_CLEAR:
        if (old == MP_STATE_RUNNING) {
            return MP_ACK_BAD_STATE;
        }
        if (old == MP_STATE_LINK_LOST && !dev->handshake_ok) {
            /* Only a new handshake clears a lost link: a HELLO since the watchdog fired
             * (which reset handshake_ok), then this CLEAR (PROTOCOL.md §5.9). */
            return MP_ACK_BAD_STATE;
        }
        if (old == MP_STATE_FAULT && dev->fault_active != 0u) {
            return MP_ACK_LATCHED; /* the cause is still there */
        }
        if (old == MP_STATE_STOPPED || old == MP_STATE_FAULT || old == MP_STATE_LINK_LOST) {
            dev->state = MP_STATE_IDLE;
            dev->fault_bits = dev->fault_active; /* WATCHDOG and gone causes are cleared */
        }
        return MP_ACK_OK;
    default:
        return MP_ACK_BAD_STATE;
    }
}

static void handle_command(mp_device_t *dev, uint16_t seq, const mp_message_t *msg)
{
    const mp_cmd_record_t *seen = find_command(dev, seq, msg->type);
    uint8_t old = dev->state;
    uint8_t result;
    uint16_t detail;

    if (msg->type == MP_MSG_STOP) {
        mp_session_stop_now(dev); /* acted on at receipt, whatever its sequence number */
        if (seen != NULL) {
            mp_session_send_ack(dev, seq, msg->type, seen->result, seen->detail);
        } else {
            remember_and_ack(dev, seq, msg->type, MP_ACK_OK, 0u);
        }
        return;
    }
    if (seen != NULL) {
        /* A retry of a command already done: same answer, not done twice. */
        mp_session_send_ack(dev, seq, msg->type, seen->result, seen->detail);
        return;
    }
    if (dev->have_newest && seq_after(dev->newest_cmd_seq, seq)) {
        /* Older than a command already executed and forgotten: a late duplicate. Doing it
         * now could undo a later command (e.g. a CLEAR overtaking a STOP), so ignore it. */
        return;
    }
    result = execute(dev, msg, &detail);
    remember_and_ack(dev, seq, msg->type, result, detail);
    if (dev->state != old) {
        mp_session_send_status(dev);
    }
}

/* --------------------------------------------------------------------------- dispatch */

static void handle_hello(mp_device_t *dev, uint16_t seq, const mp_msg_hello_t *m)
{
    int match = m->protocol_version == MP_PROTOCOL_VERSION &&
                m->schema_hash == (uint32_t)MP_SCHEMA_HASH;
    uint8_t old = dev->state;
    mp_session_forget_commands(dev); /* a (re)started controller numbers afresh */
    dev->streaming = 1;              /* STATUS at 10 Hz from the first HELLO on */
    if (old == MP_STATE_RUNNING) {
        /* A new controller never inherits a running session: end it like SESSION_END. */
        fade_to_zero(dev, MP_SESSION_END_MAX_MS, 1);
        dev->state = MP_STATE_IDLE;
    }
    /* HELLO clears no latch (STOPPED, FAULT, LINK_LOST): the controller's CLEAR does, and
     * only after this HELLO for LINK_LOST (PROTOCOL.md §6). */
    /* DEVICE_INFO goes out either way, so a mismatched controller can say what it met. */
    mp_session_send_handshake(dev, match);
    dev->handshake_ok = match;
    mp_session_send_ack(dev, seq, MP_MSG_HELLO, match ? MP_ACK_OK : MP_ACK_VERSION_MISMATCH,
                        0u);
    if (dev->state != old) {
        mp_session_send_status(dev);
    }
}

void mp_session_handle(mp_device_t *dev, uint16_t seq, const mp_message_t *msg)
{
    switch (msg->type) {
    case MP_MSG_HELLO:
        handle_hello(dev, seq, &msg->u.hello);
        break;
    case MP_MSG_HEARTBEAT:
        if (msg->u.heartbeat.stop_requested) {
            mp_session_stop_now(dev);
        }
        break;
    case MP_MSG_SETPOINT:
        handle_setpoint(dev, seq, &msg->u.setpoint);
        break;
    case MP_MSG_STOP:
    case MP_MSG_SESSION_START:
    case MP_MSG_SESSION_END:
    case MP_MSG_CLEAR:
        handle_command(dev, seq, msg);
        break;
    default:
        return; /* device->controller messages are not for us; ignore them */
    }
    dev->last_seq = seq;
}
