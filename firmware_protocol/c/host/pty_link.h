/* pty_link.h - a pseudo terminal standing in for a board's USB serial port (POSIX). */
#ifndef PTY_LINK_H
#define PTY_LINK_H

#include <stddef.h>
#include <stdint.h>

typedef struct pty_link {
    int master;          /* our end: what the "board" reads and writes */
    int slave_keep;      /* the slave kept open, so reads never fail while no one is attached */
    char slave_path[128];
    unsigned long dropped_bytes; /* written while the controller was not reading */
} pty_link_t;

/* Open a pty in raw mode; returns 0, or -1 with a message in `err` (size `errlen`). */
int pty_open(pty_link_t *link, char *err, size_t errlen);

/* Wait up to `timeout_ms` for input; read it into buf. Returns bytes read (0: none), -1 on
 * a fatal error. */
long pty_read(pty_link_t *link, uint8_t *buf, size_t cap, int timeout_ms);

/* Write all of `data`, or drop what the pty cannot take now (a real UART drops too). */
void pty_write(pty_link_t *link, const uint8_t *data, size_t len);

void pty_close(pty_link_t *link);

#endif /* PTY_LINK_H */
