"""A tiny raw controller for tests: encodes frames with the codec and collects the replies."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from massage_ctl.clock import new_event_loop
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.errors import FrameError
from massage_ctl.protocol.messages import Frame, Hello, Message, Status
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASH
from massage_ctl.protocol.stream import FrameDecoder

T = TypeVar("T")


class RawClient:
    """Numbers outgoing frames and decodes everything received into :attr:`frames`."""

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self._send = send
        self.seq = 0
        self.decoder = FrameDecoder()
        self.frames: list[Frame] = []
        self.errors: list[FrameError] = []

    def feed(self, data: bytes) -> None:
        for item in self.decoder.feed(data):
            if isinstance(item, FrameError):
                self.errors.append(item)
            else:
                self.frames.append(item)

    def send(self, msg: Message, seq: int | None = None) -> int:
        if seq is None:
            self.seq += 1
            seq = self.seq
        self._send(encode_frame(msg, seq))
        return seq

    def hello(self) -> int:
        return self.send(Hello(PROTOCOL_VERSION, SCHEMA_HASH))

    def of_type(self, cls: type[T]) -> list[T]:
        return [f.message for f in self.frames if isinstance(f.message, cls)]  # type: ignore[misc]

    def last_status(self) -> Status:
        return self.of_type(Status)[-1]


def run_virtual(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on a virtual-time loop (as fast as possible)."""
    loop = new_event_loop(None)
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


async def heartbeats(client: RawClient, seconds: float) -> None:
    """Send a heartbeat every 100 ms for ``seconds`` of loop time."""
    from massage_ctl.protocol.messages import Heartbeat

    for _ in range(round(seconds * 10)):
        client.send(Heartbeat(False))
        await asyncio.sleep(0.1)
