"""Peers for transport tests: an echo device (sim contract), a pty end, a TCP echo server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from massage_ctl.transports.base import Transport


class EchoDevice:
    """A tiny stand-in for ``massage_sim.SimDevice``: sends back whatever it receives."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.started = False
        self.closed = False
        self._output: Callable[[bytes], None] = lambda _data: None
        self._on_disconnect: Callable[[], None] = lambda: None

    def receive(self, data: bytes) -> None:
        self.received += data
        asyncio.get_running_loop().call_soon(self._output, bytes(data))

    def send(self, data: bytes) -> None:
        """Emit bytes on the device's own initiative (e.g. a status frame)."""
        self._output(data)

    def set_output(self, cb: Callable[[bytes], None]) -> None:
        self._output = cb

    def set_disconnect_handler(self, cb: Callable[[], None]) -> None:
        self._on_disconnect = cb

    def drop_link(self) -> None:
        """The device side cuts the link (the simulator's disconnect fault)."""
        self._on_disconnect()

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.closed = True


class PtyPeer:
    """The device end of a pseudo terminal pair; the transport opens :attr:`port`."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.port = os.ttyname(slave)
        os.close(slave)
        os.set_blocking(self.master, False)
        self._buffer = bytearray()
        self._arrived = asyncio.Event()
        self._echo = False
        asyncio.get_running_loop().add_reader(self.master, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return  # no slave open (yet/any more)
        if self._echo:
            os.write(self.master, data)
        else:
            self._buffer += data
            self._arrived.set()

    def echo(self) -> None:
        self._echo = True

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    async def read_exactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), 5)
        data, self._buffer = bytes(self._buffer[:n]), self._buffer[n:]
        return data

    def hang_up(self) -> None:
        """Close the device end: the serial side sees the cable pulled."""
        if self.master >= 0:
            asyncio.get_running_loop().remove_reader(self.master)
            os.close(self.master)
            self.master = -1


@dataclass
class EchoServer:
    """A TCP echo server on 127.0.0.1; :meth:`hang_up` closes the accepted connections."""

    server: asyncio.Server
    port: int
    writers: list[asyncio.StreamWriter]

    @classmethod
    async def start(cls) -> EchoServer:
        writers: list[asyncio.StreamWriter] = []

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writers.append(writer)
            try:
                while data := await reader.read(4096):
                    writer.write(data)
                    await writer.drain()
            except ConnectionError:
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        return cls(server, server.sockets[0].getsockname()[1], writers)

    async def hang_up(self) -> None:
        for w in self.writers:
            w.close()
        self.writers.clear()

    async def stop(self) -> None:
        await self.hang_up()
        self.server.close()
        await self.server.wait_closed()


@dataclass
class Rig:
    """A transport of one kind, and a way to make its peer vanish."""

    transport: Transport
    disconnect_peer: Callable[[], Awaitable[None]]


async def read_n(transport: Transport, n: int) -> bytes:
    """Read until ``n`` bytes arrived (reads may return any split of the stream)."""
    data = b""
    while len(data) < n:
        data += await asyncio.wait_for(transport.read(), 5)
    return data
