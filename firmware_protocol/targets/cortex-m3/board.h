/*
 * board.h - the LM3S6965 evaluation board for the massage_ctl device core: a 50 MHz clock,
 * a 1 ms SysTick clock, UART0 at 115200 8N1 (interrupt-driven receive), the chip's watchdog
 * and the status LED.
 * Registers are written directly (no vendor library) so the build needs only
 * gcc-arm-none-eabi and newlib.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Clock to 50 MHz from the 8 MHz crystal through the PLL, SysTick at 1 kHz, UART0, LED. */
void board_init(void);

/* Milliseconds since board_init(); wraps at 2^32. */
uint32_t board_millis(void);

/* Take up to `cap` received bytes; returns how many. */
size_t board_uart_read(uint8_t *buf, size_t cap);

/* Send bytes on UART0 (waits while the 16-byte transmit FIFO is full). */
void board_uart_write(const uint8_t *data, size_t len);

/* Sleep until the next interrupt (SysTick or a received byte) unless bytes are waiting. */
void board_idle(void);

/* The chip's watchdog: if board_watchdog_feed() is not called for 2 s (a hung loop, which
 * also stops the core's own link watchdog), the chip resets and boots IDLE, outputs off. */
void board_watchdog_start(void);
void board_watchdog_feed(void);

/* The status LED: on while any output is above zero. */
void board_led(int on);

/* Everything off (the fault handler's last act). */
void board_outputs_off(void);

/* Interrupt handlers (startup.c puts them in the vector table). */
void board_systick_handler(void);
void board_uart0_handler(void);

#endif /* BOARD_H */
