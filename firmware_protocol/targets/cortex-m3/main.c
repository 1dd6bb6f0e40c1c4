/*
 * main.c - the massage_ctl reference device core on a Cortex-M3 (TI LM3S6965 evaluation
 * board; qemu-system-arm -M lm3s6965evb emulates it), serving the `chair` channel table on
 * UART0.
 *
 * The core (firmware_protocol/c/src) is compiled unchanged; this file only connects it to
 * the board: SysTick milliseconds, UART0 bytes, and the outputs. The evaluation board has no
 * motors, air pumps or heaters, so the outputs are kept in `outputs` where a real chair's
 * drivers would read them, and the board's status LED shows whether anything is on.
 */
#include <stdint.h>

#include "board.h"
#include "mp_device.h"
#include "mp_profiles.h"

static mp_device_t dev;
static mp_device_desc_t desc;
static float outputs[MP_MAX_CHANNELS]; /* channel units: 0..1, or degrees C for heat */

static uint32_t hal_millis(void *ctx)
{
    (void)ctx;
    return board_millis();
}

static void hal_set_output(void *ctx, uint8_t channel, float value, uint8_t pattern,
                           uint16_t rate_chz)
{
    (void)ctx;
    (void)pattern; /* a real chair's pump and roller drivers render the rhythm */
    (void)rate_chz;
    if (channel < MP_MAX_CHANNELS) {
        outputs[channel] = value;
    }
}

static void hal_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    board_uart_write(data, len);
}

/* Any output above zero lights the LED; a position channel is a place, not an output. */
static int anything_on(void)
{
    uint8_t i;
    for (i = 0; i < desc.n_channels; i++) {
        if (desc.channels[i].kind != MP_KIND_POSITION && outputs[i] > 0.0f) {
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    mp_hal_t hal;
    uint8_t buf[64];

    board_init();
    desc = mp_profile_chair; /* generated from src/massage_ctl/devices/profiles/chair.toml */
    desc.firmware_version = "lm3s6965-chair 1.0";
    hal.ctx = 0;
    hal.millis = hal_millis;
    hal.set_output = hal_set_output;
    hal.write_bytes = hal_write;
    mp_device_init(&dev, &desc, &hal);
    board_watchdog_start();

    for (;;) {
        size_t n = board_uart_read(buf, sizeof buf);
        if (n > 0u) {
            mp_device_receive(&dev, buf, n);
        }
        mp_device_tick(&dev); /* SysTick wakes the idle below every 1 ms */
        board_led(anything_on());
        board_watchdog_feed();
        board_idle();
    }
}
