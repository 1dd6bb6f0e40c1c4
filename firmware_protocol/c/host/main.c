/*
 * main.c - massage-device-host: the reference device core behind a pseudo terminal.
 *
 * It behaves like a board on a USB port: the first stdout line is the port to open
 * (e.g. /dev/pts/5); the controller connects there with serial:///dev/pts/5. Options:
 *   --profile NAME            the channel table to report: a shipped profile's name, as
 *                             --help lists them (default pad)
 *   --trace FILE              JSON-Lines trace: a sample every 50 ms and at every state
 *                             change, plus "rx" events when valid frames arrive
 * SIGINT/SIGTERM: outputs to zero, trace flushed, exit 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mp_device.h"
#include "mp_profiles.h"
#include "pty_link.h"
#include "trace.h"

#define TRACE_PERIOD_MS 50u
#define LOOP_WAIT_MS 5

static volatile sig_atomic_t quit = 0;
static pty_link_t link_;
static uint32_t t0_ms;

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static uint32_t host_millis(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((unsigned long long)ts.tv_sec * 1000ull +
                      (unsigned long long)ts.tv_nsec / 1000000ull);
}

static void host_set_output(void *ctx, uint8_t channel, float value, uint8_t pattern,
                            uint16_t rate_chz)
{
    /* No hardware: the trace reads the values from the core. */
    (void)ctx;
    (void)channel;
    (void)value;
    (void)pattern;
    (void)rate_chz;
}

static void host_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    pty_write(&link_, data, len);
}

static int usage(FILE *out, int status)
{
    fprintf(out, "usage: massage-device-host [--profile " MP_PROFILE_NAMES "] [--trace FILE]\n"
                 "Serves the massage_ctl wire protocol on a pseudo terminal; prints its path.\n");
    return status;
}

int main(int argc, char **argv)
{
    static mp_device_t dev;
    const mp_device_desc_t *desc = &mp_profile_pad;
    const char *trace_path = NULL;
    FILE *trace = NULL;
    mp_hal_t hal;
    char err[256];
    uint8_t buf[512];
    uint32_t last_trace_ms;
    uint8_t last_state;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            const char *p = argv[++i];
            const mp_named_profile_t *np = mp_profiles;
            while (np->name != NULL && strcmp(p, np->name) != 0) {
                np++;
            }
            if (np->name == NULL) {
                fprintf(stderr, "massage-device-host: unknown profile '%s' (%s)\n", p,
                        MP_PROFILE_NAMES);
                return 2;
            }
            desc = np->desc;
        } else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
            trace_path = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return usage(stdout, 0);
        } else {
            fprintf(stderr, "massage-device-host: bad argument '%s'\n", argv[i]);
            return usage(stderr, 2);
        }
    }
    if (trace_path != NULL) {
        trace = fopen(trace_path, "w");
        if (trace == NULL) {
            fprintf(stderr, "massage-device-host: cannot write trace file '%s'\n", trace_path);
            return 1;
        }
    }
    if (pty_open(&link_, err, sizeof err) != 0) {
        fprintf(stderr, "massage-device-host: cannot open a pseudo terminal: %s\n", err);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    hal.ctx = NULL;
    hal.millis = host_millis;
    hal.set_output = host_set_output;
    hal.write_bytes = host_write;
    t0_ms = host_millis(NULL);
    mp_device_init(&dev, desc, &hal);
    printf("%s\n", link_.slave_path);
    fflush(stdout);

    last_trace_ms = t0_ms - TRACE_PERIOD_MS;
    last_state = mp_device_state(&dev);
    while (!quit) {
        long n = pty_read(&link_, buf, sizeof buf, LOOP_WAIT_MS);
        uint32_t now;
        if (n < 0) {
            fprintf(stderr, "massage-device-host: pty read failed\n");
            break;
        }
        if (n > 0) {
            uint32_t before = dev.frames_ok;
            mp_device_receive(&dev, buf, (size_t)n);
            if (trace != NULL && dev.frames_ok != before) {
                /* Valid frames arrived: lets a trace reader time the watchdog on our clock. */
                char detail[24];
                snprintf(detail, sizeof detail, "%lu", (unsigned long)(dev.frames_ok - before));
                trace_event(trace, host_millis(NULL) - t0_ms, "rx", detail);
            }
        }
        mp_device_tick(&dev);
        now = host_millis(NULL);
        if (trace != NULL) {
            uint8_t state = mp_device_state(&dev);
            if (state != last_state) {
                trace_event(trace, now - t0_ms, "state", trace_state_name(state));
            }
            if (state != last_state || (uint32_t)(now - last_trace_ms) >= TRACE_PERIOD_MS) {
                trace_sample(trace, now - t0_ms, &dev);
                fflush(trace);
                last_trace_ms = now;
            }
            last_state = state;
        }
    }
    /* Leaving: a board losing power stops everything; say so in the trace. */
    mp_device_stop(&dev);
    if (trace != NULL) {
        trace_sample(trace, host_millis(NULL) - t0_ms, &dev);
        fclose(trace);
    }
    pty_close(&link_);
    return 0;
}
