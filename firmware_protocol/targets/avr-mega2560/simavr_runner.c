/*
 * simavr_runner.c - run an ATmega2560 firmware (ELF) under libsimavr, its UART0 on a pty.
 *
 *   simavr-runner [--tap FILE] FIRMWARE.elf
 *
 * Like a board on a USB port: the first stdout line is the port to open (e.g. /dev/pts/5),
 * and the controller connects with `massage-ctl run … --device /dev/pts/5`. --tap FILE also
 * writes every byte the firmware sends on UART0 to FILE (flushed at each frame delimiter),
 * like a logic analyser on the TX pin: tests read the board's own STATUS reports there while
 * the controller owns the port. SIGINT/SIGTERM end the emulation (exit 0).
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

    if (argc == 4 && strcmp(argv[1], "--tap") == 0) {
        tap = fopen(argv[2], "wb");
        if (tap == NULL) {
            fprintf(stderr, "simavr-runner: cannot write the tap file '%s'\n", argv[2]);
            return 1;
        }
    } else if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: simavr-runner [--tap FILE] FIRMWARE.elf\n"
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
            if (sim_us > now_us + PACE_SLACK_US) {
                usleep((useconds_t)(sim_us - now_us));
            } else if (now_us > sim_us && now_us - sim_us > worst_lag_us) {
                worst_lag_us = now_us - sim_us;
            }
        }
    }
    fprintf(stderr, "simavr-runner: stopped (AVR state %d) after %lu ms emulated in %lu ms; the "
                    "emulated clock lagged the host by at most %lu ms\n",
            state, (unsigned long)(avr->cycle / (F_CPU_HZ / 1000u)),
            (unsigned long)((wall_us() - t0) / 1000u), (unsigned long)(worst_lag_us / 1000u));
    pty_close(&link_);
    if (tap != NULL) {
        fclose(tap);
    }
    return state == cpu_Crashed ? 1 : 0;
}
