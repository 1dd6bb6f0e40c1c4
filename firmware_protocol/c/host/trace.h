/* trace.h - the host program's JSON-Lines trace, in the simulator's record format:
 *   {"t_ms": 1200, "state": "running", "channels": {"vib.upper-back": 0.4, ...}, "faults": 0}
 *   {"t_ms": 1234, "event": "state", "detail": "stopped"}
 *   {"t_ms": 1240, "event": "rx", "detail": "2"}        (valid frames received) */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "mp_device.h"

/* One sample line: time since start, state, every channel's value in channel units. */
void trace_sample(FILE *out, uint32_t t_ms, const mp_device_t *dev);

/* One event line. */
void trace_event(FILE *out, uint32_t t_ms, const char *event, const char *detail);

/* The state's name in lower case, as the simulator's trace writes it. */
const char *trace_state_name(uint8_t state);

#endif /* TRACE_H */
