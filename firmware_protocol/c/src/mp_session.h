/*
 * mp_session.h - internals of the device core shared by mp_device.c, mp_session.c and
 * mp_send.c. Not part of the integrator's API (use mp_device.h).
 */
#ifndef MP_SESSION_H
#define MP_SESSION_H

#include "mp_device.h"

/* Act on one valid frame from the controller. */
void mp_session_handle(mp_device_t *dev, uint16_t seq, const mp_message_t *msg);

/* The watchdog fired: fade to zero, heat off, latch LINK_LOST, report it. */
void mp_session_link_lost(mp_device_t *dev);

/* STOP: every output to zero at once, heat off, latch STOPPED (FAULT stays), send STATUS. */
void mp_session_stop_now(mp_device_t *dev);

/* Every output to zero at once (position channels halt), heat off. State is not changed. */
void mp_session_all_off_now(mp_device_t *dev);

/* Forget remembered commands (at init and on HELLO: a new controller numbers afresh). */
void mp_session_forget_commands(mp_device_t *dev);

/* Push every channel's current value to the hardware. */
void mp_session_apply_outputs(mp_device_t *dev);

/* Outgoing frames (mp_send.c). */
void mp_session_send_status(mp_device_t *dev);
void mp_session_send_ack(mp_device_t *dev, uint16_t seq, uint8_t type, uint8_t result,
                         uint16_t detail);
void mp_session_send_fault(mp_device_t *dev, uint8_t code, uint8_t channel, int32_t detail);
void mp_session_send_handshake(mp_device_t *dev, int with_channels);
#if MP_PROTOCOL_VERSION >= 2
void mp_session_send_temperature(mp_device_t *dev);
#endif

#endif /* MP_SESSION_H */
