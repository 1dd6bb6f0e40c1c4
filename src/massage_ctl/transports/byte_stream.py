"""Shared plumbing for transports built on asyncio streams (serial ports and TCP sockets)."""

from __future__ import annotations

import asyncio
import contextlib

from massage_ctl.errors import DisconnectedError
from massage_ctl.transports.base import Transport

#: Largest chunk one read returns; the link's stream decoder takes any length.
READ_CHUNK = 4096
#: How long close() waits for the OS to release the port before giving up on a clean close.
CLOSE_TIMEOUT_S = 1.0


class StreamTransport(Transport):
    """A :class:`Transport` over an ``asyncio`` reader/writer pair set by ``_open``."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    def _attach(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Called by ``_open`` of subclasses once the OS connection exists."""
        self._reader, self._writer = reader, writer

    async def _write(self, data: bytes) -> None:
        writer = self._writer
        if writer is None or writer.is_closing():
            raise DisconnectedError(f"{self.description}: connection closed")
        try:
            writer.write(data)
            await writer.drain()
        except (OSError, RuntimeError) as err:
            # RuntimeError: asyncio refuses writes to a transport closed underneath us.
            raise DisconnectedError(f"{self.description}: {err}") from err

    def can_write_now(self) -> bool:
        """True while asyncio holds none of our bytes back (the OS buffer had room so far)."""
        writer = self._writer
        return (
            self._is_open and writer is not None and not writer.is_closing()
            and writer.transport.get_write_buffer_size() == 0
        )

    def _write_now(self, data: bytes) -> None:
        writer = self._writer
        if writer is None or writer.is_closing():
            raise DisconnectedError(f"{self.description}: connection closed")
        try:
            writer.write(data)  # with an empty buffer asyncio writes to the OS at once
        except (OSError, RuntimeError) as err:
            raise DisconnectedError(f"{self.description}: {err}") from err

    async def _read(self) -> bytes:
        reader = self._reader
        if reader is None:
            raise DisconnectedError(f"{self.description}: connection closed")
        try:
            data = await reader.read(READ_CHUNK)
        except OSError as err:
            raise DisconnectedError(f"{self.description}: {err}") from err
        if not data:
            raise DisconnectedError(f"{self.description}: the device closed the connection")
        return data

    async def _close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is None:
            return
        writer.close()
        # The peer may already be gone; a failed or slow close must not hang a STOP path.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), CLOSE_TIMEOUT_S)
