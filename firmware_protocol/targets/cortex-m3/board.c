/* board.c - see board.h. Register addresses and bits: the LM3S6965 data sheet. */
#include "board.h"

#define REG(addr) (*(volatile uint32_t *)(addr))

/* System control */
#define SYSCTL_RIS REG(0x400FE050u)
#define SYSCTL_RCC REG(0x400FE060u)
#define SYSCTL_RCGC0 REG(0x400FE100u)
#define SYSCTL_RCGC1 REG(0x400FE104u)
#define SYSCTL_RCGC2 REG(0x400FE108u)
#define RCC_MOSCDIS (1u << 0)
#define RCC_OSCSRC_MASK (3u << 4)
#define RCC_XTAL_MASK (0xFu << 6)
#define RCC_XTAL_8MHZ (0xEu << 6)
#define RCC_BYPASS (1u << 11)
#define RCC_OEN (1u << 12)
#define RCC_PWRDN (1u << 13)
#define RCC_USESYSDIV (1u << 22)
#define RCC_SYSDIV_MASK (0xFu << 23)
#define RCC_SYSDIV_4 (3u << 23) /* 400 MHz PLL / 2 / 4 = 50 MHz */
#define RIS_PLLLRIS (1u << 6)
#define SYSCLK_HZ 50000000u

/* SysTick and the interrupt controller */
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define NVIC_EN0 REG(0xE000E100u)
#define UART0_IRQ 5u

/* UART0 (a PL011) on PA0/PA1 */
#define UART0_BASE 0x4000C000u
#define UART0_DR REG(UART0_BASE + 0x000u)
#define UART0_FR REG(UART0_BASE + 0x018u)
#define UART0_IBRD REG(UART0_BASE + 0x024u)
#define UART0_FBRD REG(UART0_BASE + 0x028u)
#define UART0_LCRH REG(UART0_BASE + 0x02Cu)
#define UART0_CTL REG(UART0_BASE + 0x030u)
#define UART0_IM REG(UART0_BASE + 0x038u)
#define UART0_ICR REG(UART0_BASE + 0x044u)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)
#define GPIOA_AFSEL REG(0x40004420u)
#define GPIOA_DEN REG(0x4000451Cu)

/* The watchdog timer: the first time-out raises its interrupt (left disabled in the NVIC),
 * the second resets the chip when RESEN is set. */
#define WDT_LOAD REG(0x40000000u)
#define WDT_CTL REG(0x40000008u)
#define WDT_ICR REG(0x4000000Cu)
#define WDT_CTL_INTEN (1u << 0)
#define WDT_CTL_RESEN (1u << 1)

/* The status LED on PF0 */
#define GPIOF_DATA_PF0 REG(0x40025000u + (1u << 2))
#define GPIOF_DIR REG(0x40025400u)
#define GPIOF_DEN REG(0x4002551Cu)

#define RX_RING 512u /* ~44 ms of 115200 baud: more than one loop pass ever takes */

static volatile uint32_t millis_now;
static volatile uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head; /* written by the interrupt */
static volatile uint32_t rx_tail; /* written by the main loop */

static void clock_init(void)
{
    uint32_t rcc = SYSCTL_RCC;
    /* Run from the crystal directly while the PLL starts, then switch over once it locks. */
    rcc |= RCC_BYPASS;
    rcc &= ~RCC_USESYSDIV;
    SYSCTL_RCC = rcc;
    rcc &= ~(RCC_MOSCDIS | RCC_OSCSRC_MASK | RCC_XTAL_MASK | RCC_PWRDN | RCC_OEN);
    rcc |= RCC_XTAL_8MHZ;
    SYSCTL_RCC = rcc;
    rcc = (rcc & ~RCC_SYSDIV_MASK) | RCC_SYSDIV_4 | RCC_USESYSDIV;
    SYSCTL_RCC = rcc;
    while ((SYSCTL_RIS & RIS_PLLLRIS) == 0u) {
    }
    SYSCTL_RCC = rcc & ~RCC_BYPASS;
}

static void uart0_init(void)
{
    SYSCTL_RCGC1 |= 1u;         /* UART0 clock */
    SYSCTL_RCGC2 |= 1u | 0x20u; /* GPIO A (UART pins) and F (LED) clocks */
    (void)SYSCTL_RCGC2;         /* a few cycles before the peripherals may be touched */
    GPIOA_AFSEL |= 0x3u;
    GPIOA_DEN |= 0x3u;
    UART0_CTL = 0u;
    /* 50 MHz / (16 * 115200) = 27.127: integer 27, fraction round(0.127 * 64) = 8 */
    UART0_IBRD = 27u;
    UART0_FBRD = 8u;
    UART0_LCRH = (3u << 5) | (1u << 4); /* 8 bits, no parity, 1 stop, FIFOs on */
    UART0_IM = INT_RX | INT_RT;         /* FIFO level and receive timeout: no byte waits */
    UART0_CTL = (1u << 0) | (1u << 8) | (1u << 9); /* UARTEN, TXE, RXE */
    NVIC_EN0 = 1u << UART0_IRQ;
}

void board_init(void)
{
    clock_init();
    uart0_init();
    GPIOF_DIR |= 1u;
    GPIOF_DEN |= 1u;
    board_led(0);
    SYST_RVR = SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

uint32_t board_millis(void)
{
    return millis_now; /* one aligned 32-bit load: atomic on the M3 */
}

void board_systick_handler(void)
{
    millis_now++;
}

void board_uart0_handler(void)
{
    while ((UART0_FR & FR_RXFE) == 0u) {
        uint8_t byte = (uint8_t)UART0_DR;
        uint32_t next = (rx_head + 1u) % RX_RING;
        if (next != rx_tail) { /* full: drop, the frame's CRC fails and it is retried */
            rx_ring[rx_head] = byte;
            rx_head = next;
        }
    }
    UART0_ICR = INT_RX | INT_RT;
}

size_t board_uart_read(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap && rx_tail != rx_head) {
        buf[n++] = rx_ring[rx_tail];
        rx_tail = (rx_tail + 1u) % RX_RING;
    }
    return n;
}

void board_uart_write(const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        while ((UART0_FR & FR_TXFF) != 0u) {
        }
        UART0_DR = data[i];
    }
}

void board_idle(void)
{
    /* With interrupts masked, an interrupt that arrives between the check and WFI stays
     * pending and ends the WFI at once; it runs when they are unmasked again. */
    __asm volatile("cpsid i" ::: "memory");
    if (rx_tail == rx_head) {
        __asm volatile("wfi" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}

void board_watchdog_start(void)
{
    SYSCTL_RCGC0 |= 1u << 3; /* watchdog clock */
    (void)SYSCTL_RCGC0;
    WDT_LOAD = SYSCLK_HZ; /* 1 s to the first time-out, 2 s to the reset */
    WDT_CTL = WDT_CTL_INTEN | WDT_CTL_RESEN;
}

void board_watchdog_feed(void)
{
    WDT_ICR = 1u; /* any write reloads the counter */
}

void board_led(int on)
{
    GPIOF_DATA_PF0 = on ? 1u : 0u;
}

void board_outputs_off(void)
{
    board_led(0);
}
