/*
 * simavr_runner.c - run an ATmega2560 firmware (ELF) under libsimavr, its UART0 on a pty.
 *
 *   simavr-runner [--tap FILE] [--motors FILE] FIRMWARE.elf
 *
 * Like a board on a USB port: the first stdout line is the port to open (e.g. /dev/pts/5),
 * and the controller connects with `massage-ctl run … --device /dev/pts/5`. Two probes, like
 * a logic analyser on the board, let tests watch it while the controller owns the port:
 *   --tap FILE     every byte the firmware sends on UART0 (flushed at each frame delimiter);
 *   --motors FILE  the duty (0..255) driven on the four motor pins of mega2560-pad, one line
 *                  "T_MS D0 D1 D2 D3" whenever one changes and every 100 ms of AVR time.
 * SIGINT/SIGTERM end the emulation (exit 0).
 *
 * Why not simavr's own uart_pty part: it feeds the UART from a second thread (racing the
 * emulator) and every instance re-points the shared /tmp/simavr-uart0 symlink, so two
 * runners (parallel tests) would steal each other's link. This runner is one thread: between
 * instructions it moves bytes pty -> UART0 while the UART's input FIFO has room (simavr's
 * XON/XOFF signals) and UART0 -> pty as the firmware sends them, at simavr's modelled baud.
 *
 * Time: simavr runs instructions as fast as the host allows and skips ahead while the AVR
 * sleeps. The firmware's millis() must follow wall-clock time (the controller's heartbeat
 * and the device watchdog are wall-clock periods), so the runner holds the emulated clock
 * at most PACE_SLACK_US ahead of the host's monotonic clock. If the host is too slow the
 * emulated clock falls behind; the runner reports the worst lag on exit (stderr).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

#include "pty_link.h"

#define MCU "atmega2560"
#define F_CPU_HZ 16000000u
#define SERVICE_EVERY_CYCLES 1600u /* 0.1 ms of AVR time between pty checks and pacing */
#define PACE_SLACK_US 200u
#define RX_RING 1024u

static volatile sig_atomic_t quit = 0;
static pty_link_t link_;
static int uart_xon = 0;
static uint8_t rx_ring[RX_RING]; /* bytes from the controller not yet in the UART FIFO */
static size_t rx_head = 0, rx_tail = 0;
static avr_irq_t *uart_in;
static FILE *tap;
static FILE *motors;

/*
 * The motor pins of mega2560-pad.ino, read from the AVR's registers: a pin whose compare
 * output is connected (COM bits set) drives OCR/255; otherwise its PORT bit drives 0 or 255
 * (analogWrite(0) and analogWrite(255) disconnect the timer and set the pin instead).
 * Data-space addresses from the ATmega2560 data sheet.
 */
typedef struct motor_pin {
    uint16_t tccra;   /* TCCRnA: the COM bits */
    uint8_t com_shift;
    uint16_t ocr;     /* OCRnxL */
    uint16_t port;    /* PORTx */
    uint8_t bit;
} motor_pin_t;

static const motor_pin_t MOTOR_PINS[4] = {
    {0x90, 6, 0x98, 0x2E, 3},   /* pin 5  = PE3 = OC3A */
    {0x120, 2, 0x12C, 0x10B, 5}, /* pin 44 = PL5 = OC5C */
    {0x120, 4, 0x12A, 0x10B, 4}, /* pin 45 = PL4 = OC5B */
    {0x120, 6, 0x128, 0x10B, 3}, /* pin 46 = PL3 = OC5A */
};

static int motor_duty(const avr_t *avr, const motor_pin_t *pin)
{
    if (((avr->data[pin->tccra] >> pin->com_shift) & 3u) != 0u) {
        return avr->data[pin->ocr];
    }
    return (avr->data[pin->port] >> pin->bit) & 1u ? 255 : 0;
}

/* Append a line when a duty changed, or when `force` (the periodic line). */
static void log_motors(const avr_t *avr, int force)
{
    static int last[4] = {-1, -1, -1, -1};
    int now[4];
    int i;
    int changed = 0;
    for (i = 0; i < 4; i++) {
        now[i] = motor_duty(avr, &MOTOR_PINS[i]);
        changed |= now[i] != last[i];
        last[i] = now[i];
    }
    if (changed || force) {
        fprintf(motors, "%lu %d %d %d %d\n",
                (unsigned long)(avr->cycle / (F_CPU_HZ / 1000u)), now[0], now[1], now[2], now[3]);
        fflush(motors);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* simavr's chatter goes to stderr: stdout carries only the pty path. */
static void log_to_stderr(avr_t *avr, const int level, const char *format, va_list ap)
{
    (void)avr;
    if (level <= LOG_WARNING) {
        vfprintf(stderr, format, ap);
    }
}

/* The AVR sleeps: simavr has already moved the cycle counter on; pacing does the waiting. */
static void sleep_paced(avr_t *avr, avr_cycle_count_t how_long)
{
    (void)avr;
    (void)how_long;
}

static void uart_byte_out(avr_irq_t *irq, uint32_t value, void *param)
{
    uint8_t byte = (uint8_t)value;
    (void)irq;
    (void)param;
    pty_write(&link_, &byte, 1);
    if (tap != NULL) {
        fputc(byte, tap);
        if (byte == 0u) {
            fflush(tap);
        }
    }
}

static void feed_uart(void)
{
    while (uart_xon && rx_tail != rx_head) {
        uint8_t byte = rx_ring[rx_tail];
        rx_tail = (rx_tail + 1u) % RX_RING;
        avr_raise_irq(uart_in, byte); /* may signal XOFF (FIFO full) and stop this loop */
    }
}

static void uart_xon_hook(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    (void)param;
    uart_xon = 1;
}

static void uart_xoff_hook(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    (void)param;
    uart_xon = 0;
}

/* Read what the controller sent (as much as the ring takes) without blocking. */
static int read_pty(void)
{
    uint8_t buf[256];
    size_t room = (rx_tail + RX_RING - rx_head - 1u) % RX_RING;
    long n;
    long i;
    if (room == 0u) {
        return 0;
    }
    n = pty_read(&link_, buf, room < sizeof buf ? room : sizeof buf, 0);
    if (n < 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        rx_ring[rx_head] = buf[i];
        rx_head = (rx_head + 1u) % RX_RING;
    }
    return 0;
}

int main(int argc, char **argv)
{
    elf_firmware_t fw;
    avr_t *avr;
    char err[256];
    uint32_t flags = 0;
    uint64_t t0, next_service = 0, worst_lag_us = 0;
    int state = cpu_Running;
    const char *elf;
    int arg;
    uint64_t next_motor_line = 0;

    for (arg = 1; arg + 1 < argc; arg += 2) {
        FILE **probe = strcmp(argv[arg], "--tap") == 0      ? &tap
                       : strcmp(argv[arg], "--motors") == 0 ? &motors
                                                           : NULL;
        if (probe == NULL) {
            break;
        }
        *probe = fopen(argv[arg + 1], "wb");
        if (*probe == NULL) {
            fprintf(stderr, "simavr-runner: cannot write '%s'\n", argv[arg + 1]);
            return 1;
        }
    }
    if (arg != argc - 1 || argv[arg][0] == '-') {
        fprintf(stderr, "usage: simavr-runner [--tap FILE] [--motors FILE] FIRMWARE.elf\n"
                        "Runs an ATmega2560 firmware under simavr; its UART0 appears on a "
                        "pseudo terminal whose path is printed first.\n");
        return 2;
    }
    elf = argv[argc - 1];
    avr_global_logger_set(log_to_stderr);
    memset(&fw, 0, sizeof fw);
    if (elf_read_firmware(elf, &fw) != 0) {
        fprintf(stderr, "simavr-runner: cannot read firmware '%s' (an AVR ELF file)\n", elf);
        return 1;
    }
    /* Arduino ELFs carry no .mmcu section: the board is fixed here. */
    strcpy(fw.mmcu, MCU);
    fw.frequency = F_CPU_HZ;
    avr = avr_make_mcu_by_name(fw.mmcu);
    if (avr == NULL) {
        fprintf(stderr, "simavr-runner: this libsimavr has no %s core\n", MCU);
        return 1;
    }
    avr_init(avr);
    avr_load_firmware(avr, &fw);
    avr->sleep = sleep_paced;

    if (pty_open(&link_, err, sizeof err) != 0) {
        fprintf(stderr, "simavr-runner: cannot open a pseudo terminal: %s\n", err);
        return 1;
    }
    /* Binary frames: no console echo of UART lines, no poll-sleep (we pace ourselves). */
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    uart_in = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            uart_byte_out, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            uart_xon_hook, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            uart_xoff_hook, NULL);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("%s\n", link_.slave_path);
    fflush(stdout);

    t0 = wall_us();
    while (!quit && state != cpu_Done && state != cpu_Crashed) {
        state = avr_run(avr);
        if (avr->cycle >= next_service) {
            uint64_t sim_us = avr->cycle / (F_CPU_HZ / 1000000u);
            uint64_t now_us = wall_us() - t0;
            next_service = avr->cycle + SERVICE_EVERY_CYCLES;
            if (read_pty() != 0) {
                fprintf(stderr, "simavr-runner: pty read failed\n");
                break;
            }
            feed_uart();
            if (motors != NULL) {
                log_motors(avr, avr->cycle >= next_motor_line);
                if (avr->cycle >= next_motor_line) {
                    next_motor_line = avr->cycle + F_CPU_HZ / 10u;
                }
            }
            if (sim_us > now_us + PACE_SLACK_US) {
                usleep((useconds_t)(sim_us - now_us));
            } else if (now_us > sim_us && now_us - sim_us > worst_lag_us) {
                worst_lag_us = now_us - sim_us;
            }
        }
    }
    fprintf(stderr, "simavr-runner: %s after %lu ms emulated in %lu ms; the emulated clock "
                    "lagged the host by at most %lu ms\n",
            state == cpu_Crashed ? "the AVR crashed"
            : state == cpu_Done  ? "the AVR stopped (sleep with interrupts off)"
                                 : "stopped",
            (unsigned long)(avr->cycle / (F_CPU_HZ / 1000u)),
            (unsigned long)((wall_us() - t0) / 1000u), (unsigned long)(worst_lag_us / 1000u));
    pty_close(&link_);
    if (tap != NULL) {
        fclose(tap);
    }
    if (motors != NULL) {
        fclose(motors);
    }
    return state == cpu_Crashed ? 1 : 0;
}
