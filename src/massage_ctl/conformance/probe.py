"""The suite's hands on the wire: raw frames out, every frame in, with times and seq.

Built on the codec (``encode_frame``, :class:`FrameDecoder`) and a transport, not on the Link:
a checker must see what the Link hides (every STATUS, duplicate ACKs, bad frames, its own seq
numbers, exact send times). All times are the event loop's (``loop.time()``), so the same
checks run on a virtual clock against the in-process simulator and in real time elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from massage_ctl.conformance.model import Recorder
from massage_ctl.errors import DisconnectedError, TransportError
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASHES,
    Ack,
    Frame,
    FrameDecoder,
    FrameError,
    Heartbeat,
    Hello,
    Message,
    Setpoint,
    Status,
    Stop,
    StopReason,
    encode_frame,
    message_to_fields,
)
from massage_ctl.transports.base import Transport

#: Controller heartbeat period (PROTOCOL.md §5.7).
HEARTBEAT_S = 0.1


@dataclass(frozen=True, slots=True)
class Received:
    """One valid frame from the device and when it arrived."""

    t: float
    frame: Frame


def describe(message: Message, seq: int | None = None) -> str:
    """``NAME(field=value, ...) seq=N`` — how reports show a frame."""
    fields = ", ".join(
        f"{k}={v}"
        for k, v in message_to_fields(message).items()
        if k != "entries" and v != []  # an empty list (no session limits) says nothing
    )
    if isinstance(message, Setpoint):
        fields = ", ".join(
            f"[ch {e.channel} target {e.target} ramp {e.ramp_ms} ms pattern {int(e.pattern)}"
            f" rate {e.rate_chz}]"
            for e in message.entries
        )
    text = f"{message.NAME}({fields})"
    return text if seq is None else f"{text} seq={seq}"


#: What asyncio counts as "now" around a timer (it uses the monotonic clock's resolution).
_CLOCK_RESOLUTION_S = time.get_clock_info("monotonic").resolution


class Probe:
    """Raw frames to one device, and every frame back, timed on the loop's clock."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        #: The protocol version spoken (the newest, unless the device speaks an older one:
        #: runner.detect_version).
        self.version = PROTOCOL_VERSION
        self.decoder = FrameDecoder(self.version)
        self.frames: list[Received] = []
        self.bad_frames: list[tuple[float, FrameError]] = []
        self.seq = 0
        self.recorder = Recorder()
        self.closed_reason: str | None = None
        #: When the last valid frame was written (what restarts a device's watchdog).
        self.last_valid_t = 0.0
        self._arrived = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._beater: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()

    # ------------------------------------------------------------------------ lifecycle
    async def open(self) -> None:
        """Open the transport and start reading."""
        await self.transport.open()
        self._reader = asyncio.create_task(self._read_loop(), name="conformance-reader")

    async def close(self) -> None:
        """Stop heartbeats and reading; close the transport."""
        await self.heartbeats(False)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self.transport.close()

    def now(self) -> float:
        """The loop's clock (seconds)."""
        return self._loop.time()

    async def _read_loop(self) -> None:
        try:
            while True:
                data = await self.transport.read()
                t = self.now()
                for item in self.decoder.feed(data):
                    if isinstance(item, FrameError):
                        self.bad_frames.append((t, item))
                    else:
                        self.frames.append(Received(t, item))
                self._arrived.set()
        except (DisconnectedError, TransportError) as err:
            self.closed_reason = str(err)
            self._arrived.set()

    def use_version(self, version: int) -> None:
        """Speak protocol ``version`` from now on (frames out, frames accepted)."""
        self.version = version
        self.decoder.version = version

    def hello(self, schema_hash: int | None = None) -> Hello:
        """A HELLO in the version spoken, with its schema hash (or ``schema_hash``)."""
        return Hello(self.version, SCHEMA_HASHES[self.version] if schema_hash is None
                     else schema_hash)

    # ------------------------------------------------------------------------- sending
    def next_seq(self) -> int:
        """The next sequence number of this controller (+1, wrapping at 16 bits)."""
        self.seq = (self.seq + 1) & 0xFFFF
        return self.seq

    async def send(self, message: Message, seq: int | None = None, *, log: bool = True) -> int:
        """Encode and write one frame; returns its seq (the next one unless given)."""
        if seq is None:
            seq = self.next_seq()
        await self.write(
            encode_frame(message, seq, self.version), describe(message, seq) if log else None
        )
        self.last_valid_t = self.now()
        return seq

    async def write(self, data: bytes, text: str | None) -> None:
        """Write raw bytes; ``text`` (if any) goes into the check's record of what was sent."""
        if self.closed_reason is not None:
            raise DisconnectedError(f"the device closed the link: {self.closed_reason}")
        await self.transport.write(data)
        if text is not None:
            self.recorder.on_sent(self.now(), text)

    async def heartbeats(self, on: bool) -> None:
        """Start or stop sending HEARTBEAT every 100 ms (PROTOCOL.md §5.7)."""
        if on and self._beater is None:
            self._beater = asyncio.create_task(self._beat(), name="conformance-heartbeat")
        elif not on and self._beater is not None:
            self._beater.cancel()
            with contextlib.suppress(asyncio.CancelledError, DisconnectedError):
                await self._beater
            self._beater = None

    async def _beat(self) -> None:
        while True:
            await self.send(Heartbeat(stop_requested=False), log=False)
            await asyncio.sleep(HEARTBEAT_S)

    async def stop_now(self) -> None:
        """STOP three times back to back with one seq (PROTOCOL.md §7.2); best effort."""
        seq = self.next_seq()
        frame = encode_frame(Stop(StopReason.USER), seq, self.version)
        with contextlib.suppress(DisconnectedError, TransportError, OSError):
            await self.write(frame * 3, f"STOP(reason=USER) seq={seq} ×3")

    # ------------------------------------------------------------------------ receiving
    def mark(self) -> int:
        """A position in the received frames; ``since(mark)`` gives what came after it."""
        return len(self.frames)

    def since(self, mark: int) -> list[Received]:
        """Frames received after ``mark``."""
        return self.frames[mark:]

    async def wait_for(
        self, match: Callable[[Received], bool], timeout_s: float, *, start: int | None = None
    ) -> Received | None:
        """The first frame from ``start`` (default: now) on that ``match`` accepts, or None."""
        index = self.mark() if start is None else start
        deadline = self.now() + timeout_s
        while True:
            while index < len(self.frames):
                item = self.frames[index]
                index += 1
                if match(item):
                    return item
            remaining = deadline - self.now()
            # A deadline closer than the clock's resolution has been reached: asyncio runs a
            # timer that close at once, without moving a virtual clock, so waiting for it would
            # spin at the same instant forever.
            if remaining <= _CLOCK_RESOLUTION_S or self.closed_reason is not None:
                return None
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def wait_ack(
        self, seq: int, type_code: int, timeout_s: float, *, start: int
    ) -> Ack | None:
        """The ACK for our frame ``seq`` of type ``type_code`` arriving after ``start``."""
        got = await self.wait_for(
            lambda r: (
                isinstance(r.frame.message, Ack)
                and r.frame.message.acked_seq == seq
                and r.frame.message.acked_type == type_code
            ),
            timeout_s,
            start=start,
        )
        return None if got is None else _as_ack(got.frame.message)

    def statuses(self, start: int) -> list[tuple[float, Status]]:
        """Every STATUS received after ``start``, with its arrival time."""
        return [
            (r.t, r.frame.message)
            for r in self.frames[start:]
            if isinstance(r.frame.message, Status)
        ]


def _as_ack(message: Message) -> Ack:
    assert isinstance(message, Ack)
    return message
