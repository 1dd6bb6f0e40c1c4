"""A scripted device that speaks the wire protocol, as a transport, for link-level tests.

It is deliberately tiny (the full simulator is ``massage_sim``); each test can make it drop
acknowledgements, announce another schema, or fall silent, and it records every frame it got.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from massage_ctl.clock import new_event_loop
from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.errors import DisconnectedError
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits
from massage_ctl.protocol.handshake import handshake_messages_for
from massage_ctl.protocol.messages import (
    Ack,
    Clear,
    Frame,
    Heartbeat,
    Hello,
    Message,
    SessionStart,
    Setpoint,
    Status,
    Stop,
)
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.transports.base import Transport


@dataclass
class Script:
    """How the scripted device misbehaves."""

    drop_acks: int = 0  # ignore this many acknowledged requests before answering
    schema_hash: int | None = None  # announce another schema hash
    silent: bool = False  # never answer at all
    drop_channel_infos: int = 0  # lose this many CHANNEL_INFO frames of the handshake
    status_period_s: float = 0.1
    hello_result: AckResult = AckResult.OK  # what HELLO is acknowledged with
    hello_acked: bool = True  # False: the channel table comes, the HELLO's ACK never does
    channel_0: dict[str, Any] = field(default_factory=dict)  # CHANNEL_INFO 0 fields replaced
    chatter: bytes | None = None  # sent instead of every STATUS (noise; the device seems alive)


@dataclass
class Received:
    t: float
    seq: int
    msg: Message


class ScriptedDevice(Transport):
    """A transport whose far end is a minimal protocol-speaking device."""

    kind = "sim"
    watchdog_ms = 500

    def __init__(self, profile: DeviceProfile, script: Script | None = None,
                 max_write: int = 4096) -> None:
        super().__init__(f"scripted {profile.id}")
        self.profile = profile
        self.script = script or Script()
        self.max_write = max_write
        self.received: list[Received] = []
        self.state = DeviceState.IDLE
        self.values = [0] * len(profile.channels)
        self._decoder = FrameDecoder()
        self._out: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._seq = 0
        self._ticker: asyncio.Task[None] | None = None
        self.writes: list[int] = []

    def send(self, msg: Message) -> None:
        self._seq = (self._seq + 1) & 0xFFFF
        self._out.put_nowait(encode_frame(msg, self._seq))

    def status(self) -> None:
        if self.script.chatter is not None:
            self._out.put_nowait(self.script.chatter)
            return
        self.send(Status(self.state, FaultBits(0), 0, tuple(self.values)))

    def hang_up(self) -> None:
        self._out.put_nowait(None)

    async def _open(self) -> None:
        self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while not self.script.silent:
            await asyncio.sleep(self.script.status_period_s)
            self.status()

    async def _write(self, data: bytes) -> None:
        self._take(data)

    def _take(self, data: bytes) -> None:
        self.writes.append(len(data))
        now = asyncio.get_running_loop().time()
        for item in self._decoder.feed(data):
            if isinstance(item, Frame):
                self.received.append(Received(now, item.seq, item.message))
                if not self.script.silent:
                    self._handle(item)

    def _ack(self, frame: Frame, detail: int = 0) -> None:
        if self.script.drop_acks > 0:
            self.script.drop_acks -= 1
            return
        self.send(Ack(frame.seq, frame.message.TYPE, AckResult.OK, detail))

    def _handle(self, frame: Frame) -> None:
        msg = frame.message
        if isinstance(msg, Hello):
            info, channels = handshake_messages_for(self.profile)
            if self.script.schema_hash is not None:
                info = dataclasses.replace(info, schema_hash=self.script.schema_hash)
            if self.script.channel_0:
                channels = (dataclasses.replace(channels[0], **self.script.channel_0),
                            *channels[1:])
            for m in (info, *channels):
                if m is not info and self.script.drop_channel_infos > 0:
                    self.script.drop_channel_infos -= 1  # lost on the way
                    continue
                self.send(m)
            if self.script.hello_result != AckResult.OK:
                self.send(Ack(frame.seq, frame.message.TYPE, self.script.hello_result, 0))
            elif self.script.hello_acked:
                self._ack(frame)
        elif isinstance(msg, SessionStart):
            self.state = DeviceState.RUNNING
            self._ack(frame, detail=msg.watchdog_ms)
        elif isinstance(msg, Clear):
            self.state = DeviceState.IDLE
            self._ack(frame)
        elif isinstance(msg, Stop) or (isinstance(msg, Heartbeat) and msg.stop_requested):
            self.state = DeviceState.STOPPED
            self.values = [0] * len(self.values)
            self.status()
        elif isinstance(msg, Setpoint) and self.state == DeviceState.RUNNING:
            for e in msg.entries:
                self.values[e.channel] = e.target

    async def _read(self) -> bytes:
        data = await self._out.get()
        if data is None:
            raise DisconnectedError(f"{self.description}: hung up")
        return data

    async def _close(self) -> None:
        if self._ticker:
            self._ticker.cancel()


class DirectScriptedDevice(ScriptedDevice):
    """The same device, taking bytes at once like the simulator and an idle serial port: the
    link then sends directly from timers and ``submit`` (no writer task)."""

    def can_write_now(self) -> bool:
        return self.is_open

    def _write_now(self, data: bytes) -> None:
        self._take(data)


class SometimesBackedUpDevice(DirectScriptedDevice):
    """Takes bytes at once except now and then (a stream whose OS buffer filled up): the link
    hands over between direct sends and its writer task, back and forth."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._asked = 0

    def can_write_now(self) -> bool:
        self._asked += 1
        return self.is_open and self._asked % 7 not in (0, 1, 2)


@dataclass
class Harness:
    """Runs coroutines on the virtual clock."""

    profiles: dict[str, DeviceProfile] = field(
        default_factory=lambda: {n: load_device_profile(n) for n in ("chair", "pad")}
    )

    def run(self, coro_fn: Any) -> Any:
        loop = new_event_loop(None)
        try:
            return loop.run_until_complete(coro_fn())
        finally:
            _cancel_leftovers(loop)
            loop.close()


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel tasks a test left running (device tickers, a link whose test failed) and let
    them finish, so none is destroyed pending once the loop is closed."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


@pytest.fixture
def harness() -> Harness:
    """Virtual-clock runner plus the chair and pad profiles."""
    return Harness()


@pytest.fixture(
    params=[ScriptedDevice, DirectScriptedDevice, SometimesBackedUpDevice],
    ids=["writer-task", "direct", "backed-up"],
)
def device_cls(request: pytest.FixtureRequest) -> type[ScriptedDevice]:
    """The scripted device class: only async writes, taking bytes at once, or now and then."""
    cls: type[ScriptedDevice] = request.param
    return cls


@pytest.fixture
def script_cls() -> type[Script]:
    """The misbehaviour script class."""
    return Script
