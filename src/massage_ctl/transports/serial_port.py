"""Serial ports (USB-serial adapters, ESP32 boards, pseudo terminals) via pyserial + asyncio.

Ports are opened exclusively, so a second program (or a second massage-ctl) cannot interleave
bytes with ours; a port already in use is a clear :class:`TransportError`, not garbage frames.
"""

from __future__ import annotations

import errno
import sys

import serial
import serial_asyncio_fast

from massage_ctl.errors import TransportError
from massage_ctl.transports.byte_stream import StreamTransport
from massage_ctl.transports.url import DEFAULT_BAUD, DeviceURL


def explain_open_error(port: str, err: OSError) -> TransportError:
    """Turn pyserial's open failure into a message and hint a user can act on."""
    text = str(err)
    code = err.errno
    if code in (errno.EAGAIN, errno.EWOULDBLOCK) or "exclusively lock" in text:
        return TransportError(
            f"serial port {port} is busy: another program has it open",
            hint="close the other program (serial monitor, another massage-ctl) and try again",
        )
    if code == errno.ENOENT or "FileNotFoundError" in text:
        return TransportError(
            f"serial port {port} does not exist",
            hint="check the cable and the port name; `massage-ctl devices` lists the ports",
        )
    if code in (errno.EACCES, errno.EPERM) or "PermissionError" in text:
        if sys.platform.startswith("linux"):
            hint = (
                "add yourself to the dialout group (sudo usermod -aG dialout $USER), "
                "then log out and in again"
            )
        else:
            hint = "check that no other program uses the port and that you may access it"
        return TransportError(f"no permission to open serial port {port}", hint=hint)
    return TransportError(
        f"cannot open serial port {port}: {text}",
        hint="check the cable and the port name; `massage-ctl devices` lists the ports",
    )


class SerialTransport(StreamTransport):
    """A serial port at ``baud`` bits per second (8N1, no flow control)."""

    kind = "serial"
    watchdog_ms = 500

    def __init__(self, port: str, *, baud: int = DEFAULT_BAUD) -> None:
        super().__init__(f"serial port {port}")
        self.port = port
        self.baud = baud

    @classmethod
    def from_url(cls, url: DeviceURL) -> SerialTransport:
        """A transport for ``serial://PORT?baud=N`` or a bare port path."""
        return cls(url.target, baud=url.baud)

    async def _open(self) -> None:
        try:
            reader, writer = await serial_asyncio_fast.open_serial_connection(
                url=self.port, baudrate=self.baud, exclusive=True
            )
        except serial.SerialException as err:
            raise explain_open_error(self.port, err) from err
        except ValueError as err:  # pyserial rejects e.g. a baud rate the OS cannot set
            raise TransportError(f"cannot configure serial port {self.port}: {err}") from err
        self._attach(reader, writer)
