/* pty_link.c - see pty_link.h. */
#include "pty_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, strerror(errno));
    return -1;
}

int pty_open(pty_link_t *link, char *err, size_t errlen)
{
    struct termios tio;
    const char *name;
    int flags;

    link->master = -1;
    link->slave_keep = -1;
    link->dropped_bytes = 0;
    link->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (link->master < 0) {
        return fail(err, errlen, "posix_openpt");
    }
    if (grantpt(link->master) != 0 || unlockpt(link->master) != 0) {
        return fail(err, errlen, "grantpt/unlockpt");
    }
    name = ptsname(link->master);
    if (name == NULL || strlen(name) >= sizeof link->slave_path) {
        return fail(err, errlen, "ptsname");
    }
    strcpy(link->slave_path, name);
    /* Raw mode on the slave: no echo, no line editing, no CR/LF translation - binary frames
     * must pass untouched even before the controller configures the port. */
    link->slave_keep = open(link->slave_path, O_RDWR | O_NOCTTY);
    if (link->slave_keep < 0) {
        return fail(err, errlen, link->slave_path);
    }
    if (tcgetattr(link->slave_keep, &tio) != 0) {
        return fail(err, errlen, "tcgetattr");
    }
    cfmakeraw(&tio);
    if (tcsetattr(link->slave_keep, TCSANOW, &tio) != 0) {
        return fail(err, errlen, "tcsetattr");
    }
    flags = fcntl(link->master, F_GETFL);
    if (flags < 0 || fcntl(link->master, F_SETFL, flags | O_NONBLOCK) != 0) {
        return fail(err, errlen, "fcntl");
    }
    return 0;
}

long pty_read(pty_link_t *link, uint8_t *buf, size_t cap, int timeout_ms)
{
    struct pollfd p;
    ssize_t n;
    p.fd = link->master;
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, timeout_ms) < 0) {
        return errno == EINTR ? 0 : -1;
    }
    if ((p.revents & POLLIN) == 0) {
        return 0;
    }
    n = read(link->master, buf, cap);
    if (n < 0) {
        return (errno == EAGAIN || errno == EINTR || errno == EIO) ? 0 : -1;
    }
    return (long)n;
}

void pty_write(pty_link_t *link, const uint8_t *data, size_t len)
{
    while (len > 0u) {
        ssize_t n = write(link->master, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            link->dropped_bytes += (unsigned long)len;
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

void pty_close(pty_link_t *link)
{
    if (link->slave_keep >= 0) {
        close(link->slave_keep);
    }
    if (link->master >= 0) {
        close(link->master);
    }
}
