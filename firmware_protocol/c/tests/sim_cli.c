/*
 * sim_cli.c - test-only: the device core on a virtual clock, driven line by line from stdin.
 *
 *   argv[1]: pad | chair | bed
 *   "rx HEX"   feed these bytes to the device; prints one line
 *   "tick MS"  advance the clock MS in 10 ms ticks; prints one line per tick
 *   each printed line: "<STATE> <value of channel 0> <value 1> ..." (channel units)
 *
 * tests/interop/test_c_device_properties.py drives it with hypothesis-generated controller
 * behaviour and checks the safety invariants on every line.
 */
#include <stdio.h>
#include <string.h>

#include "mp_device.h"
#include "mp_profiles.h"

static uint32_t now_ms = 1000u;

static uint32_t cli_millis(void *ctx)
{
    (void)ctx;
    return now_ms;
}

static void cli_set_output(void *ctx, uint8_t channel, float value, uint8_t pattern,
                           uint16_t rate_chz)
{
    (void)ctx;
    (void)channel;
    (void)value;
    (void)pattern;
    (void)rate_chz;
}

static void cli_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
}

static void print_line(const mp_device_t *dev)
{
    uint8_t i;
    printf("%s", mp_state_name(mp_device_state(dev)));
    for (i = 0; i < dev->desc->n_channels; i++) {
        printf(" %.6f", (double)mp_device_value(dev, i));
    }
    printf("\n");
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static unsigned long strtoul_safe(const char *s)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (unsigned long)(*s - '0');
        s++;
    }
    return v;
}

int main(int argc, char **argv)
{
    static mp_device_t dev;
    static char line[8192];
    static uint8_t bytes[4096];
    const mp_device_desc_t *desc = &mp_profile_pad;
    mp_hal_t hal;

    if (argc > 1 && strcmp(argv[1], "chair") == 0) {
        desc = &mp_profile_chair;
    } else if (argc > 1 && strcmp(argv[1], "bed") == 0) {
        desc = &mp_profile_bed;
    }
    hal.ctx = NULL;
    hal.millis = cli_millis;
    hal.set_output = cli_set_output;
    hal.write_bytes = cli_write;
    mp_device_init(&dev, desc, &hal);
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "rx ", 3) == 0) {
            size_t n = 0, i;
            for (i = 3; hex_value(line[i]) >= 0 && hex_value(line[i + 1]) >= 0 &&
                        n < sizeof bytes;
                 i += 2) {
                bytes[n++] = (uint8_t)(hex_value(line[i]) * 16 + hex_value(line[i + 1]));
            }
            mp_device_receive(&dev, bytes, n);
            print_line(&dev);
        } else if (strncmp(line, "tick ", 5) == 0) {
            unsigned long ms = strtoul_safe(line + 5);
            unsigned long t;
            for (t = 0; t < ms; t += 10u) {
                now_ms += 10u;
                mp_device_tick(&dev);
                print_line(&dev);
            }
        }
        fflush(stdout);
    }
    return 0;
}
