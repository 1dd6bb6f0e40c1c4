"""A queue of received byte chunks that ends in a disconnect: the read side of sim and BLE.

Callbacks (a simulator's output, BLE notifications) push chunks as they arrive; ``read`` joins
everything already waiting into one byte string, so many small notifications reassemble into
the stream the link decodes. After the peer is gone, what arrived before the drop is still
delivered, and every later ``read`` raises :class:`DisconnectedError`.
"""

from __future__ import annotations

import asyncio

from massage_ctl.errors import DisconnectedError


class ChunkQueue:
    """Received chunks in order, then (maybe) an end marker."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.ended = False

    def push(self, data: bytes | bytearray) -> None:
        """Add received bytes (ignored after :meth:`end`, as on a dropped link)."""
        if data and not self.ended:
            self._queue.put_nowait(bytes(data))

    def end(self) -> None:
        """Mark the stream as ended: the peer is gone or the transport closed."""
        if not self.ended:
            self.ended = True
            self._queue.put_nowait(None)

    async def read(self, description: str) -> bytes:
        """All bytes waiting (at least one); :class:`DisconnectedError` once ended."""
        chunks: list[bytes] = []
        item = await self._queue.get()
        while item is not None:
            chunks.append(item)
            if self._queue.empty():
                return b"".join(chunks)
            item = self._queue.get_nowait()
        self._queue.put_nowait(None)  # keep the marker: every later read fails the same way
        if chunks:
            return b"".join(chunks)
        raise DisconnectedError(f"{description}: the device dropped the link")
