/*
 * mp_device.h - the device-side core of the massage_ctl wire protocol.
 *
 * Portable C99: no malloc, no stdio. The integrator provides a tiny hardware interface
 * (mp_hal_t: read milliseconds, set an output, write bytes) and a const channel table
 * (mp_device_desc_t), then calls:
 *
 *     mp_device_init(&dev, &my_desc, &my_hal);
 *     loop: mp_device_receive(&dev, bytes, n);   // whatever arrived from USB / BLE
 *           mp_device_tick(&dev);                // at least every 10 ms
 *
 * Session states (DeviceState, PROTOCOL.md §6): IDLE -> RUNNING (SESSION_START after a
 * matching HELLO) -> IDLE (SESSION_END, or a new HELLO). STOP (a STOP frame, or a HEARTBEAT
 * with stop_requested) is acted on at once in any state: every output to zero, heat off,
 * STOPPED latched until CLEAR and a new SESSION_START. The watchdog: in RUNNING, no valid frame
 * for the negotiated period (clamped to 250..2000 ms) fades every output to zero within
 * MP_LINK_LOST_FADE_MS, heat off at once, and latches LINK_LOST; only a new HELLO, then CLEAR
 * (-> IDLE) and SESSION_START run again. HELLO itself clears no latch; every HELLO forgets
 * the remembered commands (a new controller numbers from 1 again). A hardware fault reported with mp_device_raise_fault() stops
 * like STOP and latches FAULT until its cause is gone and the controller sends CLEAR.
 *
 * Position channels (a roller's place along the spine) are the one exception to "to zero":
 * on STOP, link loss and session end the carriage halts where it is instead of travelling to
 * position 0, because moving a pressing roller is the opposite of stopping.
 */
#ifndef MP_DEVICE_H
#define MP_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "mp_channels.h"
#include "mp_frame.h"
#include "mp_messages.h"
#include "mp_ramp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MP_WATCHDOG_MIN_MS 250u
#define MP_WATCHDOG_MAX_MS 2000u
#define MP_WATCHDOG_DEFAULT_MS 500u
#define MP_STATUS_PERIOD_MS 100u   /* STATUS at 10 Hz */
#define MP_LINK_LOST_FADE_MS 500u  /* PROTOCOL.md §7.1: zero within 1 s of the watchdog firing */
#define MP_SESSION_END_MAX_MS 1000u /* SESSION_END fade: ramp limits, but at most 1 s */

/*
 * The hardware interface. Every function is called from mp_device_* only (never from an
 * interrupt); `ctx` is passed back untouched.
 */
typedef struct mp_hal {
    void *ctx;
    /* Milliseconds from any fixed origin; may wrap at 2^32. */
    uint32_t (*millis)(void *ctx);
    /*
     * Drive output `channel` to `value` in channel units (0..1, or degrees C for heat where 0
     * means heater off), running rhythm `pattern` (MP_PATTERN_*) at `rate_chz` (0.01 Hz) on top
     * of that envelope. Called for every channel on every tick.
     */
    void (*set_output)(void *ctx, uint8_t channel, float value, uint8_t pattern,
                       uint16_t rate_chz);
    /* Send bytes to the controller (whole frames; drop them if the link cannot take them). */
    void (*write_bytes)(void *ctx, const uint8_t *data, size_t len);
} mp_hal_t;

/* How many recent state-changing commands are remembered for de-duplication. */
#define MP_CMD_HISTORY 8u

/* One remembered command and the ACK it got. */
typedef struct mp_cmd_record {
    uint8_t used;
    uint8_t type;
    uint16_t seq;
    uint8_t result;
    uint16_t detail;
} mp_cmd_record_t;

/* Per-channel live state. Values are fractions of the channel's range max (0..1). */
typedef struct mp_channel_state {
    mp_ramp_t ramp;
    float hard_max;      /* hard_max / range_max */
    uint16_t hard_max_raw; /* the hard max as a raw target (PROTOCOL.md §5.6) */
    float max_rate_per_s; /* ramp limit as a fraction of range max per second */
    /* The running session's own limits (protocol 2, SESSION_START; PROTOCOL.md §5.4). The
     * channel obeys the tighter of these and the hard limits. 65535 / hard rate: none. */
    uint16_t session_max_raw; /* compared with SETPOINT.target as raw values */
    float rate_per_s;         /* min(max_rate_per_s, the session's ramp limit) */
    uint8_t pattern;
    uint16_t rate_chz;
} mp_channel_state_t;

/*
 * Optional board hook (protocol 2): the measured temperature of heat channel `channel` in
 * 0.001 degrees C. Return 1 and set *milli when the channel has a sensor, 0 when not. The
 * device then sends TEMPERATURE once per second with every channel that has one; without a
 * hook (the default) it sends none, and the controller shows the setpoint instead.
 */
typedef int (*mp_temp_sensor_fn)(void *ctx, uint8_t channel, int32_t *milli);

/* The device. Treat every field as private; use the functions below. */
typedef struct mp_device {
    const mp_device_desc_t *desc;
    mp_hal_t hal;
    uint8_t state;          /* MP_STATE_* */
    uint16_t fault_bits;    /* MP_FAULT_BIT_* latched until CLEAR */
    uint16_t fault_active;  /* causes the integrator still reports */
    int handshake_ok;       /* a matching HELLO since boot / since the last link loss */
    int streaming;          /* a controller has spoken to us: send STATUS at 10 Hz */
    uint16_t watchdog_ms;
    uint32_t now_ms;        /* latest clock reading */
    uint32_t last_tick_ms;  /* when the ramps were last stepped */
    uint32_t last_rx_ms;
    uint32_t last_status_ms;
    uint32_t last_temp_ms;
    mp_temp_sensor_fn read_temp; /* NULL: no temperature sensors */
    uint16_t last_seq;      /* last controller frame applied (STATUS.last_seq) */
    int reject_acked;       /* a SETPOINT outside RUNNING was answered at last_reject_ms */
    uint32_t last_reject_ms;
    uint16_t tx_seq;
    /* De-duplication of retried state-changing commands (same seq + type => same ACK,
     * not executed again), and refusal of stale ones older than the newest. */
    mp_cmd_record_t history[MP_CMD_HISTORY];
    uint8_t history_next;
    int have_newest;
    uint16_t newest_cmd_seq;
    /* Counters for diagnostics. */
    uint32_t frames_ok;
    uint32_t frames_bad;
    mp_channel_state_t ch[MP_MAX_CHANNELS];
    mp_rx_t rx;
    mp_message_t in;   /* scratch: last decoded message */
    mp_message_t out;  /* scratch: message being sent */
    uint8_t scratch[MP_MAX_FRAME_BYTES];
    uint8_t tx[MP_MAX_FRAME_BYTES];
} mp_device_t;

/* Start in IDLE with every output at zero (and drive them to zero at once). */
void mp_device_init(mp_device_t *dev, const mp_device_desc_t *desc, const mp_hal_t *hal);

/* Feed bytes received from the controller; complete frames are acted on at once. */
void mp_device_receive(mp_device_t *dev, const uint8_t *data, size_t len);

/* Advance time: ramps, watchdog, outputs, STATUS. Call at least every 10 ms. */
void mp_device_tick(mp_device_t *dev);

/*
 * The board detected a fault (MP_FAULT_OVER_TEMPERATURE, ...): outputs to zero, heat off,
 * FAULT latched and reported. `channel` is a channel index or 255; `detail` code-specific.
 * A code that is not an MP_FAULT_* (1..MP_FAULT_INTERNAL) is reported as MP_FAULT_INTERNAL.
 */
void mp_device_raise_fault(mp_device_t *dev, uint8_t code, uint8_t channel, int32_t detail);

/* Register the board's temperature sensors (see mp_temp_sensor_fn); NULL: none. */
void mp_device_set_temp_sensor(mp_device_t *dev, mp_temp_sensor_fn read_temp);

/* A local STOP (the board's own stop button, power going down): exactly like a STOP frame. */
void mp_device_stop(mp_device_t *dev);

/* The cause of fault `code` has gone; a CLEAR may now leave FAULT. Report it under the code
 * the device was stopped with (MP_FAULT_INTERNAL for a code that was not an MP_FAULT_*). */
void mp_device_fault_gone(mp_device_t *dev, uint8_t code);

/* The current state (MP_STATE_*). */
uint8_t mp_device_state(const mp_device_t *dev);

/* The current value of a channel in channel units (degrees C for heat). */
float mp_device_value(const mp_device_t *dev, uint8_t channel);

/* The state's name ("IDLE", "RUNNING", ...), for traces and logs. */
const char *mp_state_name(uint8_t state);

#ifdef __cplusplus
}
#endif

#endif /* MP_DEVICE_H */
