"""Serving a :class:`SimDevice` where a serial client can reach it: a pseudo terminal or TCP.

* pty: ``os.openpty`` in raw mode; the client opens the ``/dev/pts/N`` path. An injected
  disconnect makes the line go dead for ``PTY_UNPLUGGED_S`` (a pulled and re-plugged cable).
* TCP: bound to 127.0.0.1 only, reached with pyserial's ``socket://127.0.0.1:PORT``. One client
  at a time: a new client replaces the old connection. The device keeps its latched state
  across connections (as a real device does when a cable is re-plugged); an injected disconnect
  closes the client's connection.

Both serve until ``stop`` is set (SIGTERM / SIGINT in the CLI).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tty
from collections.abc import Callable

from massage_sim.device import SimDevice

PTY_UNPLUGGED_S = 3.0


async def serve_pty(
    device: SimDevice, stop: asyncio.Event, announce: Callable[[str], None]
) -> None:
    """Serve ``device`` on a new pseudo terminal; ``announce`` gets its path first."""
    loop = asyncio.get_running_loop()
    master, slave = os.openpty()
    tty.setraw(slave)  # no echo, no line editing, no CR/LF translation: a byte is a byte
    os.set_blocking(master, False)

    def on_readable() -> None:
        try:
            data = os.read(master, 4096)
        except BlockingIOError:
            return
        except OSError:
            return  # no client has the line open right now (EIO): nothing to read
        device.receive(data)

    def write(data: bytes) -> None:
        # A UART whose receiver does not read loses bytes; it never stalls the device.
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(master, data)

    def unplugged() -> None:
        loop.call_later(PTY_UNPLUGGED_S, device.reconnect)

    device.set_output(write)
    device.set_disconnect_handler(unplugged)
    loop.add_reader(master, on_readable)
    try:
        await device.start()
        announce(os.ttyname(slave))
        await stop.wait()
    finally:
        loop.remove_reader(master)
        await device.close()
        os.close(master)
        os.close(slave)


async def serve_tcp(
    device: SimDevice, port: int, stop: asyncio.Event, announce: Callable[[str], None]
) -> None:
    """Serve ``device`` on 127.0.0.1:``port`` (0 = any free port); ``announce`` gets the URL."""
    current: list[asyncio.StreamWriter] = []

    def write(data: bytes) -> None:
        if current and not current[0].is_closing():
            current[0].write(data)

    def cut() -> None:
        for writer in current:
            writer.close()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for old in current:
            old.close()
        current[:] = [writer]
        device.reconnect()
        try:
            while data := await reader.read(4096):
                device.receive(data)
        except (ConnectionError, OSError):
            pass
        finally:
            if current and current[0] is writer:
                current.clear()
            writer.close()

    device.set_output(write)
    device.set_disconnect_handler(cut)
    server = await asyncio.start_server(client, "127.0.0.1", port)
    try:
        await device.start()
        bound = server.sockets[0].getsockname()[1]
        announce(f"socket://127.0.0.1:{bound}")
        await stop.wait()
    finally:
        server.close()
        cut()
        await device.close()
