/* trace.c - see trace.h. */
#include "trace.h"

const char *trace_state_name(uint8_t state)
{
    switch (state) {
    case MP_STATE_IDLE:
        return "idle";
    case MP_STATE_RUNNING:
        return "running";
    case MP_STATE_STOPPED:
        return "stopped";
    case MP_STATE_LINK_LOST:
        return "link-lost";
    case MP_STATE_FAULT:
        return "fault";
    default:
        return "unknown";
    }
}

void trace_sample(FILE *out, uint32_t t_ms, const mp_device_t *dev)
{
    uint8_t i;
    fprintf(out, "{\"t_ms\": %lu, \"state\": \"%s\", \"channels\": {", (unsigned long)t_ms,
            trace_state_name(mp_device_state(dev)));
    for (i = 0; i < dev->desc->n_channels; i++) {
        fprintf(out, "%s\"%s\": %.5f", i ? ", " : "", dev->desc->channels[i].id,
                (double)mp_device_value(dev, i));
    }
    fprintf(out, "}, \"faults\": %u}\n", (unsigned)dev->fault_bits);
}

void trace_event(FILE *out, uint32_t t_ms, const char *event, const char *detail)
{
    fprintf(out, "{\"t_ms\": %lu, \"event\": \"%s\", \"detail\": \"%s\"}\n", (unsigned long)t_ms,
            event, detail);
}
