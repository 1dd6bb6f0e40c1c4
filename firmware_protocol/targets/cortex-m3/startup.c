/*
 * startup.c - reset and the vector table for the LM3S6965 (Cortex-M3).
 *
 * Reset copies initialised data from flash to SRAM, zeroes .bss and calls main(). Every
 * exception the firmware does not handle stops in fault_handler with interrupts off: the
 * outputs were last written by the core and the board's own watchdog (or a person) must
 * reset it; it never runs on from an unknown state.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t _stack_top;
extern uint32_t _data_load;
extern uint32_t _data_start;
extern uint32_t _data_end;
extern uint32_t _bss_start;
extern uint32_t _bss_end;

int main(void);
void reset_handler(void);

static void fault_handler(void)
{
    board_outputs_off();
    __asm volatile("cpsid i");
    for (;;) {
        __asm volatile("wfi");
    }
}

void reset_handler(void)
{
    const uint32_t *src = &_data_load;
    uint32_t *dst;
    for (dst = &_data_start; dst < &_data_end;) {
        *dst++ = *src++;
    }
    for (dst = &_bss_start; dst < &_bss_end;) {
        *dst++ = 0u;
    }
    (void)main();
    fault_handler(); /* main() never returns; if it did, stop */
}

typedef void (*vector_t)(void);

/* Cortex-M3 system exceptions, then the LM3S6965's interrupts up to UART0 (IRQ 5). */
__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + 6] = {
    (vector_t)(uintptr_t)&_stack_top,
    reset_handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,    /* reserved */
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,             /* reserved */
    fault_handler, /* PendSV */
    board_systick_handler,
    fault_handler, /* IRQ 0: GPIO A */
    fault_handler, /* IRQ 1: GPIO B */
    fault_handler, /* IRQ 2: GPIO C */
    fault_handler, /* IRQ 3: GPIO D */
    fault_handler, /* IRQ 4: GPIO E */
    board_uart0_handler,
};
