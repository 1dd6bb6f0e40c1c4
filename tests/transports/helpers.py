"""Peers for transport tests: a pty end and a TCP echo server (the in-process echo device and
the contract itself are shipped: :mod:`massage_ctl.testing`)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass


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
