// esp32-pad.ino - a massage_ctl 4-zone vibration pad on an ESP32 (USB serial and BLE).
//
// The protocol, the session state machine, the watchdog, the STOP latch, clamping and ramps
// all live in the reference C core (firmware_protocol/c/src), copied in unchanged by
// ./copy-core.sh. This sketch only supplies the hardware interface: a millisecond clock,
// four PWM motor outputs, and the two byte links. See README.md for wiring and flashing.
// Needs the ESP32 Arduino core 3.x (ledcAttach / esp_task_wdt_reconfigure).

#include <Arduino.h>
#include <BLE2902.h>
#include <BLEDevice.h>
#include <BLEServer.h>
#include <esp_task_wdt.h>

#include "src/massage_core/mp_device.h"
#include "src/massage_core/mp_profiles.h"
#include "src/massage_core/pad_rhythm.h"

// PROTOCOL.md §10: one service, RX (controller -> device, write without response), TX (notify).
static const char *SERVICE_UUID = "695b0001-5eba-4e84-a2a8-5b173c2558f5";
static const char *RX_CHAR_UUID = "695b0002-5eba-4e84-a2a8-5b173c2558f5";
static const char *TX_CHAR_UUID = "695b0003-5eba-4e84-a2a8-5b173c2558f5";

// One MOSFET-driven motor per channel, in the channel table's order:
// vib.upper-back, vib.mid-back, vib.lower-back, vib.hips.
static const int MOTOR_PINS[4] = {25, 26, 27, 14};
static const int STOP_BUTTON_PIN = 0;      // the board's BOOT button: a local STOP, active low
static const uint32_t PWM_FREQ_HZ = 20000; // above hearing: no motor whine
static const uint8_t PWM_BITS = 10;
static const uint32_t PWM_MAX = (1u << PWM_BITS) - 1u;
static const size_t BLE_CHUNK = 20;        // ATT payload at the default MTU

static mp_device_t dev;
static mp_device_desc_t desc;

// What the core asked for, per motor: envelope 0..1 and the rhythm on top of it.
static float envelope[4];
static uint8_t rhythm_pattern[4];
static uint16_t rhythm_rate_chz[4];

// Each link has its own frame receiver so bytes from USB and BLE can never mix inside one
// frame; only whole frames reach the core.
static mp_rx_t serial_rx;
static mp_rx_t ble_rx;

// Bytes written by the BLE task, read by loop(): a small ring buffer under a spinlock.
static uint8_t ble_ring[1024];
static size_t ble_head = 0;
static size_t ble_tail = 0;
static portMUX_TYPE ble_mux = portMUX_INITIALIZER_UNLOCKED;
static BLECharacteristic *tx_char = nullptr;
static volatile bool ble_connected = false;

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
    Serial.write(data, len);
    if (ble_connected && tx_char != nullptr) {
        // The same byte stream as serial, cut into notifications; frames end at 0x00 only.
        for (size_t off = 0; off < len; off += BLE_CHUNK) {
            size_t n = len - off < BLE_CHUNK ? len - off : BLE_CHUNK;
            tx_char->setValue(const_cast<uint8_t *>(data + off), n);
            tx_char->notify();
        }
    }
}

// ------------------------------------------------------------------------------- BLE

class ServerCallbacks : public BLEServerCallbacks {
    void onConnect(BLEServer *server) override
    {
        (void)server;
        ble_connected = true;
    }
    void onDisconnect(BLEServer *server) override
    {
        // A lost BLE link is a lost link: the core's watchdog stops the outputs.
        ble_connected = false;
        server->startAdvertising();
    }
};

class RxCallbacks : public BLECharacteristicCallbacks {
    void onWrite(BLECharacteristic *c) override
    {
        const uint8_t *data = c->getData();
        size_t len = c->getLength();
        portENTER_CRITICAL(&ble_mux);
        for (size_t i = 0; i < len; i++) {
            size_t next = (ble_head + 1) % sizeof ble_ring;
            if (next == ble_tail) {
                break; // full: drop; the controller retries what matters
            }
            ble_ring[ble_head] = data[i];
            ble_head = next;
        }
        portEXIT_CRITICAL(&ble_mux);
    }
};

static void ble_begin()
{
    BLEDevice::init(desc.name);
    BLEServer *server = BLEDevice::createServer();
    server->setCallbacks(new ServerCallbacks());
    BLEService *service = server->createService(SERVICE_UUID);
    BLECharacteristic *rx =
        service->createCharacteristic(RX_CHAR_UUID, BLECharacteristic::PROPERTY_WRITE_NR);
    rx->setCallbacks(new RxCallbacks());
    tx_char = service->createCharacteristic(TX_CHAR_UUID, BLECharacteristic::PROPERTY_NOTIFY);
    tx_char->addDescriptor(new BLE2902());
    service->start();
    BLEAdvertising *adv = BLEDevice::getAdvertising();
    adv->addServiceUUID(SERVICE_UUID);
    BLEDevice::startAdvertising();
}

// ---------------------------------------------------------------------------- links

// Push one received byte through a link's receiver; hand whole frames to the core.
static void feed(mp_rx_t *rx, uint8_t byte)
{
    static const uint8_t delimiter = 0;
    const uint8_t *frame;
    size_t len;
    int oversized;
    if (mp_rx_push(rx, byte, &frame, &len, &oversized) && !oversized) {
        mp_device_receive(&dev, frame, len);
        mp_device_receive(&dev, &delimiter, 1);
    }
}

static void poll_links()
{
    while (Serial.available() > 0) {
        feed(&serial_rx, (uint8_t)Serial.read());
    }
    for (;;) {
        uint8_t byte;
        bool have = false;
        portENTER_CRITICAL(&ble_mux);
        if (ble_tail != ble_head) {
            byte = ble_ring[ble_tail];
            ble_tail = (ble_tail + 1) % sizeof ble_ring;
            have = true;
        }
        portEXIT_CRITICAL(&ble_mux);
        if (!have) {
            break;
        }
        feed(&ble_rx, byte);
    }
}

// ---------------------------------------------------------------------------- motors

static void drive_motors()
{
    uint32_t now = millis();
    for (int i = 0; i < 4; i++) {
        float level = pad_motor_level(envelope[i], rhythm_pattern[i], rhythm_rate_chz[i], now);
        ledcWrite(MOTOR_PINS[i], (uint32_t)(level * (float)PWM_MAX + 0.5f));
    }
}

// ------------------------------------------------------------------------ setup / loop

void setup()
{
    // Motors off before anything else (the gate pull-downs hold them off during reset).
    for (int i = 0; i < 4; i++) {
        ledcAttach(MOTOR_PINS[i], PWM_FREQ_HZ, PWM_BITS);
        ledcWrite(MOTOR_PINS[i], 0);
    }
    pinMode(STOP_BUTTON_PIN, INPUT_PULLUP);
    Serial.begin(115200);

    desc = mp_profile_pad; // the pad table generated from devices/profiles/pad.toml
    desc.firmware_version = "esp32-pad 1.0";
    mp_hal_t hal;
    hal.ctx = nullptr;
    hal.millis = hal_millis;
    hal.set_output = hal_set_output;
    hal.write_bytes = hal_write;
    mp_rx_init(&serial_rx);
    mp_rx_init(&ble_rx);
    mp_device_init(&dev, &desc, &hal);
    ble_begin();

    // If loop() ever hangs, the core's watchdog cannot run: reset the chip instead (the
    // gate pull-downs turn the motors off, and the device boots IDLE).
    esp_task_wdt_config_t wdt = {};
    wdt.timeout_ms = 2000;
    wdt.idle_core_mask = 0;
    wdt.trigger_panic = true;
    esp_task_wdt_reconfigure(&wdt);
    esp_task_wdt_add(nullptr);
}

void loop()
{
    poll_links();
    static bool button_was_down = false;
    bool button_down = digitalRead(STOP_BUTTON_PIN) == LOW;
    if (button_down && !button_was_down) {
        mp_device_stop(&dev); // latched: only the controller's CLEAR + start resume
    }
    button_was_down = button_down;
    mp_device_tick(&dev);
    drive_motors();
    esp_task_wdt_reset();
    delay(2);
}
