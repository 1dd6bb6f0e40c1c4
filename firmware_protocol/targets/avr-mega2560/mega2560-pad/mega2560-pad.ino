// mega2560-pad.ino - a massage_ctl 4-zone vibration pad on an Arduino Mega 2560 (USB serial).
//
// The protocol, the session state machine, the watchdog, the STOP latch, clamping and ramps
// all live in the reference C core (firmware_protocol/c/src), copied in unchanged by the
// Makefile next to this folder, exactly as the ESP32 example uses it; so is the pads' rhythm
// rendering (firmware_protocol/examples/pad-common/pad_rhythm.h). This sketch only supplies
// the hardware: the Arduino millisecond clock, four PWM motor outputs,
// the serial link, a local STOP button and the chip's watchdog. See ../README.md.

#include <Arduino.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

#include "src/massage_core/mp_device.h"
#include "src/massage_core/mp_profiles.h"
#include "src/massage_core/pad_rhythm.h"

// One MOSFET-driven motor per channel, in the channel table's order:
// vib.upper-back, vib.mid-back, vib.lower-back, vib.hips. Timers 3 (pin 5) and 5 (pins
// 44, 45, 46) drive them, so the PWM never touches timer 0, which runs millis(). Pins 2 and 3
// are avoided on purpose: they are the INT4/INT5 pins, and simavr polls a low external-
// interrupt pin on every cycle, which would slow the emulation below real time.
static const uint8_t MOTOR_PINS[4] = {5, 44, 45, 46};
static const uint8_t STOP_BUTTON_PIN = 22; // a local STOP, active low (to GND)

static mp_device_t dev;
static mp_device_desc_t desc;

// What the core asked for, per motor: envelope 0..1 and the rhythm on top of it.
static float envelope[4];
static uint8_t rhythm_pattern[4];
static uint16_t rhythm_rate_chz[4];

// ------------------------------------------------------------------ hardware interface

static uint32_t hal_millis(void *ctx)
{
    (void)ctx;
    return millis();
}

static void hal_set_output(void *ctx, uint8_t channel, float value, uint8_t pattern,
                           uint16_t rate_chz)
{
    (void)ctx;
    if (channel < 4) {
        envelope[channel] = value;
        rhythm_pattern[channel] = pattern;
        rhythm_rate_chz[channel] = rate_chz;
    }
}

static void hal_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    // Blocks only while the 64-byte TX buffer drains (about 5 ms at 115200 baud); the RX
    // interrupt keeps receiving meanwhile.
    Serial.write(data, len);
}

// ---------------------------------------------------------------------------- motors

// The duty last written per motor: the PWM registers are written only when it changes.
static int16_t duty_written[4] = {-1, -1, -1, -1};

static void drive_motors()
{
    uint32_t now = millis();
    for (uint8_t i = 0; i < 4; i++) {
        float level = pad_motor_level(envelope[i], rhythm_pattern[i], rhythm_rate_chz[i], now);
        int16_t duty = (int16_t)(level * 255.0f + 0.5f);
        if (duty != duty_written[i]) {
            analogWrite(MOTOR_PINS[i], duty);
            duty_written[i] = duty;
        }
    }
}

// Sleep until the next interrupt (the 1 ms timer-0 tick or a received byte) unless bytes
// are already waiting. Interrupts are off while checking, and `sei` takes effect only after
// the next instruction, so a byte arriving in between still wakes the sleep.
static void idle_until_interrupt()
{
    cli();
    if (Serial.available() == 0) {
        sleep_enable();
        sei();
        sleep_cpu();
        sleep_disable();
    }
    sei();
}

// ------------------------------------------------------------------------ setup / loop

void setup()
{
    // Motors off before anything else (gate pull-downs hold them off during reset).
    for (uint8_t i = 0; i < 4; i++) {
        pinMode(MOTOR_PINS[i], OUTPUT);
        digitalWrite(MOTOR_PINS[i], LOW);
    }
    // Fast 8-bit PWM at 977 Hz on timers 3 and 5 (Arduino's default is phase-correct, which
    // simavr does not model for the 16-bit timers; an ERM motor does not care which).
    TCCR3A = _BV(WGM30);
    TCCR3B = _BV(WGM32) | _BV(CS31) | _BV(CS30);
    TCCR5A = _BV(WGM50);
    TCCR5B = _BV(WGM52) | _BV(CS51) | _BV(CS50);
    // Timers 1, 2 and 4 drive no motor: stop them (Arduino's init() starts every timer).
    TCCR1B = 0;
    TCCR2B = 0;
    TCCR4B = 0;
    pinMode(STOP_BUTTON_PIN, INPUT_PULLUP);
    Serial.begin(115200);

    desc = mp_profile_pad; // the pad table generated from devices/profiles/pad.toml
    desc.firmware_version = "mega2560-pad 1.0";
    mp_hal_t hal;
    hal.ctx = NULL;
    hal.millis = hal_millis;
    hal.set_output = hal_set_output;
    hal.write_bytes = hal_write;
    mp_device_init(&dev, &desc, &hal);

    // If loop() ever hangs, the core's watchdog cannot run: reset the chip instead (outputs
    // go low on reset, and the device boots IDLE and waits for a controller).
    wdt_enable(WDTO_2S);
    set_sleep_mode(SLEEP_MODE_IDLE); // timers and the UART keep running
}

void loop()
{
    uint8_t buf[32];
    size_t n = 0;
    while (Serial.available() > 0 && n < sizeof buf) {
        buf[n++] = (uint8_t)Serial.read();
    }
    if (n > 0) {
        mp_device_receive(&dev, buf, n);
    }
    static bool button_was_down = false;
    bool button_down = digitalRead(STOP_BUTTON_PIN) == LOW;
    if (button_down && !button_was_down) {
        mp_device_stop(&dev); // latched: only the controller's CLEAR + start resume
    }
    button_was_down = button_down;
    mp_device_tick(&dev);
    drive_motors();
    wdt_reset();
    idle_until_interrupt();
}
