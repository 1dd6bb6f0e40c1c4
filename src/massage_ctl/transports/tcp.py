"""TCP sockets (``socket://HOST:PORT``), e.g. a simulator served by ``massage-sim serve --tcp``.

The URL form is pyserial's; the connection itself is a plain asyncio TCP stream (TCP_NODELAY is
asyncio's default, so small frames are not held back by Nagle's algorithm).
"""

from __future__ import annotations

import asyncio
import socket

from massage_ctl.errors import TransportError
from massage_ctl.transports.byte_stream import StreamTransport
from massage_ctl.transports.url import DeviceURL

#: Give up connecting after this long (a LAN or localhost answers in milliseconds).
CONNECT_TIMEOUT_S = 5.0


class SocketTransport(StreamTransport):
    """A TCP connection carrying the same byte stream as a serial port."""

    kind = "socket"
    watchdog_ms = 500

    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"socket {host}:{port}")
        self.host = host
        self.port = port

    @classmethod
    def from_url(cls, url: DeviceURL) -> SocketTransport:
        """A transport for ``socket://HOST:PORT``."""
        assert url.host is not None and url.port is not None  # guaranteed by the URL parser
        return cls(url.host, url.port)

    async def _open(self) -> None:
        where = f"{self.host}:{self.port}"
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT_S
            )
        except ConnectionRefusedError as err:
            raise TransportError(
                f"nothing is listening at {where}",
                hint=f"start the simulator with `massage-sim serve --tcp {self.port}` "
                "or check host and port",
            ) from err
        except socket.gaierror as err:
            raise TransportError(
                f"unknown host {self.host!r}: {err.strerror}", hint="check the host name"
            ) from err
        except TimeoutError as err:
            raise TransportError(
                f"no answer from {where} within {CONNECT_TIMEOUT_S:g} s",
                hint="check host, port and firewall",
            ) from err
        except OSError as err:
            raise TransportError(f"cannot connect to {where}: {err}") from err
        self._attach(reader, writer)
