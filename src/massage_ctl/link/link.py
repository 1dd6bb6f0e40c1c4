"""The link: the wire protocol spoken over one transport (docs/LINK.md explains the choices).

One reader task decodes everything the device sends (bad frames are counted and skipped); one
writer task sends everything else in priority order — acknowledged control frames (and their
retries), heartbeats every 100 ms, then packed setpoints from the newest-wins slots — never
faster than the device's frame budget. :meth:`Link.stop` bypasses the writer: three STOP frames
go out at once, then every heartbeat carries the stop flag until a STATUS shows the device
stopped.

Usage::

    link = Link(transport)           # transport already open
    profile = await link.connect()   # handshake: version + schema hash checked
    await link.start_session()
    link.submit(ChannelSetpoint("vib.hips", 0.3, 2000))
    await link.stop()
    await link.close()
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import DisconnectedError, LinkError, MassageCtlError
from massage_ctl.link.api import ChannelSetpoint, LinkStatus, StatusCallback
from massage_ctl.link.outbox import FrameBudget, SetpointSlots
from massage_ctl.link.telemetry import status_from_frame
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import AckResult, DeviceState, StopReason
from massage_ctl.protocol.errors import FrameError, VersionError
from massage_ctl.protocol.handshake import device_profile_from_handshake
from massage_ctl.protocol.messages import (
    Ack,
    ChannelInfo,
    Clear,
    DeviceInfo,
    Fault,
    Heartbeat,
    Hello,
    Message,
    SessionEnd,
    SessionStart,
    Status,
    Stop,
)
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASH
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.transports.base import Transport

HEARTBEAT_S = 0.1


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)

_EPS = 1e-6
_STOPPED = (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST)


class Link:
    """The controller side of the wire protocol on one open transport. See the module docstring.

    ``ack_timeout_s`` and ``retries`` govern acknowledged frames (a retry repeats the sequence
    number); ``stop_bound_s`` bounds how long :meth:`stop` waits for confirmation;
    ``silence_s``: no frame from the device for this long while connected = link lost.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        ack_timeout_s: float = 0.3,
        retries: int = 3,
        stop_bound_s: float = 1.0,
        silence_s: float = 1.5,
    ) -> None:
        self.transport = transport
        self.ack_timeout_s = ack_timeout_s
        self.retries = retries
        self.stop_bound_s = stop_bound_s
        self.silence_s = silence_s
        self._profile: DeviceProfile | None = None
        self._status: LinkStatus | None = None
        self._status_event = asyncio.Event()
        self._failure: MassageCtlError | None = None
        self._failed = asyncio.Event()
        self._subs: list[StatusCallback] = []
        self._decoder = FrameDecoder()
        self._seq = 0
        self._control: list[bytes] = []  # acknowledged frames waiting for the writer
        self._pending: dict[int, asyncio.Future[Ack]] = {}
        self._slots: SetpointSlots | None = None
        self._budget = FrameBudget(20.0)  # until the device tells us its own rate
        self._waiter: asyncio.Future[None] | None = None
        self._write_lock = asyncio.Lock()
        self._stop_flag = False  # heartbeats carry stop_requested until STATUS says stopped
        self._latched = True  # no setpoints until a session start
        self._handshake: list[Message] = []
        self._handshake_event = asyncio.Event()
        self._last_rx = 0.0
        self._tasks: list[asyncio.Task[Any]] = []
        self.bad_frames = 0
        self.frames_sent = 0
        self.watchdog_ms: int | None = None
        self.last_fault: Fault | None = None

    # -- ControlLink properties ---------------------------------------------------------------
    @property
    def profile(self) -> DeviceProfile:
        """The device's self-description (after :meth:`connect`)."""
        if self._profile is None:
            raise LinkError("not connected: call connect() first")
        return self._profile

    @property
    def status(self) -> LinkStatus | None:
        """The newest STATUS, or None before the first."""
        return self._status

    @property
    def failure(self) -> MassageCtlError | None:
        """Why the link died, or None."""
        return self._failure

    @property
    def coalesced(self) -> int:
        """Setpoints replaced by a newer one before they were sent."""
        return self._slots.replaced if self._slots is not None else 0

    def subscribe(self, callback: StatusCallback) -> Callable[[], None]:
        """Call ``callback`` (on the loop) with every STATUS; returns an unsubscribe function."""
        self._subs.append(callback)
        return lambda: self._subs.remove(callback) if callback in self._subs else None

    async def wait_failed(self) -> MassageCtlError:
        """Wait until the link dies; return why."""
        await self._failed.wait()
        assert self._failure is not None
        return self._failure

    # -- connecting ---------------------------------------------------------------------------
    async def connect(self, timeout_s: float = 3.0) -> DeviceProfile:
        """Start the reader/writer and do the handshake; returns the device's profile.

        Raises :class:`LinkError` naming both sides on a version or schema-hash mismatch, and
        when the device does not answer. On failure the link's tasks are already stopped.
        """
        try:
            return await self._connect(timeout_s)
        except BaseException:
            await self.close()
            raise

    async def _connect(self, timeout_s: float) -> DeviceProfile:
        loop = asyncio.get_running_loop()
        self._last_rx = loop.time()
        self._tasks = [
            loop.create_task(self._reader(), name="link-reader"),
            loop.create_task(self._writer(), name="link-writer"),
        ]
        hello = Hello(PROTOCOL_VERSION, SCHEMA_HASH)
        tries = max(1, int(timeout_s / self.ack_timeout_s))
        ack_task = loop.create_task(self._request(hello, retries=tries - 1))
        no_answer = LinkError(
            f"{self.transport.description}: no answer to the handshake within {timeout_s:g} s",
            hint="check that the device is on, the port/URL is right and the baud rate matches",
        )
        try:
            async with asyncio.timeout(timeout_s):
                while not self._handshake_done():
                    if ack_task.done():
                        if not any(isinstance(m, DeviceInfo) for m in self._handshake):
                            err = ack_task.exception()
                            raise (no_answer if err is None or "no acknowledgement" in str(err)
                                   else err)
                        await asyncio.sleep(self.ack_timeout_s)  # channel table still coming
                        continue
                    self._handshake_event.clear()
                    failed = loop.create_task(self._failed.wait())
                    hs = loop.create_task(self._handshake_event.wait())
                    await asyncio.wait({failed, hs, ack_task}, return_when="FIRST_COMPLETED")
                    failed.cancel()
                    hs.cancel()
                    if self._failure is not None:
                        raise self._failure
        except TimeoutError:
            raise no_answer from None
        finally:
            if not ack_task.done():
                ack_task.cancel()
        info = next(m for m in self._handshake if isinstance(m, DeviceInfo))
        channels = [m for m in self._handshake if isinstance(m, ChannelInfo)]
        profile = device_profile_from_handshake(info, channels)  # checks version + hash
        self._profile = profile
        self._slots = SetpointSlots(profile, self.transport.max_write)
        self._budget.interval = 1.0 / profile.max_frame_rate_hz
        return profile

    def _handshake_done(self) -> bool:
        info = next((m for m in self._handshake if isinstance(m, DeviceInfo)), None)
        if info is None:
            return False
        have = {m.index for m in self._handshake if isinstance(m, ChannelInfo)}
        return len(have) >= info.channel_count

    # -- acknowledged requests ----------------------------------------------------------------
    async def start_session(self, *, clear: bool = True) -> int:
        """Start a session (after CLEAR of a latched STOP/fault when ``clear``); returns the
        watchdog period the device really uses. This is the only way outputs come back after
        a stop: it is an explicit new start."""
        state = self._status.state if self._status else None
        if clear and state in ("stopped", "fault", "link_lost"):
            await self._request(Clear())
        self._stop_flag = False
        ack = await self._request(SessionStart(self.transport.watchdog_ms))
        self.watchdog_ms = ack.detail or self.transport.watchdog_ms
        self._latched = False
        return self.watchdog_ms

    async def end_session(self) -> None:
        """SESSION_END: the device ramps to zero and goes idle."""
        self._latched = True
        if self._slots is not None:
            self._slots.clear()
        await self._request(SessionEnd())

    async def _request(self, msg: Message, *, retries: int | None = None) -> Ack:
        """Send ``msg`` until acknowledged (same seq on every retry); LinkError when given up."""
        self._check_alive()
        seq = self._next_seq()
        frame = encode_frame(msg, seq)
        fut: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._pending[seq] = fut
        tries = 1 + (self.retries if retries is None else retries)
        try:
            for _ in range(tries):
                self._control.append(frame)
                self._kick()
                try:
                    ack = await asyncio.wait_for(asyncio.shield(fut), self.ack_timeout_s)
                except TimeoutError:
                    continue
                return self._check_ack(msg, ack)
        finally:
            self._pending.pop(seq, None)
        raise LinkError(
            f"{self.transport.description}: no acknowledgement for {msg.NAME} "
            f"after {tries} tries",
            hint="the link is unreliable: check the cable, distance (BLE) or baud rate",
        )

    def _check_ack(self, msg: Message, ack: Ack) -> Ack:
        if ack.result in (AckResult.OK, AckResult.CLAMPED):
            return ack
        if ack.result == AckResult.VERSION_MISMATCH:
            raise LinkError(
                f"the device refused protocol version {PROTOCOL_VERSION} / schema "
                f"{SCHEMA_HASH:08x}",
                hint="update the firmware or massage_ctl so both use the same protocol",
            )
        hint = "press STOP, then start again" if ack.result == AckResult.LATCHED else None
        raise LinkError(f"the device refused {msg.NAME}: {ack.result.name.lower()}", hint=hint)

    # -- setpoints and STOP -------------------------------------------------------------------
    def submit(self, setpoint: ChannelSetpoint) -> None:
        """Queue a setpoint (newest per channel wins). Dropped while stopped or not started."""
        if self._latched or self._slots is None or self._failure is not None:
            return
        self._slots.put(setpoint)
        self._kick()

    async def stop(self) -> bool:
        """STOP now: 3 frames at once, then the stop flag in every heartbeat until a STATUS
        shows the device stopped. True when confirmed, False after ``stop_bound_s`` or when
        the link is dead. Safe at any time, from any state, repeatedly."""
        self._latched = True
        self._stop_flag = True
        if self._slots is not None:
            self._slots.clear()
        self._control.clear()
        if self._failure is not None or not self.transport.is_open:
            return False
        loop = asyncio.get_running_loop()
        sent_at = loop.time()
        frame = b"".join(encode_frame(Stop(StopReason.USER), self._next_seq()) for _ in range(3))
        try:
            async with self._write_lock:
                await self.transport.write(frame)
        except MassageCtlError as err:
            self._fail(err if isinstance(err, DisconnectedError) else DisconnectedError(str(err)))
            return False
        self._budget.spend(loop.time(), 3)
        self.frames_sent += 3
        try:
            async with asyncio.timeout(self.stop_bound_s):
                while not self._confirmed_stopped(sent_at):
                    if self._failure is not None:
                        return False
                    self._status_event.clear()
                    await self._status_event.wait()
        except TimeoutError:
            return False
        return True

    def _confirmed_stopped(self, since: float) -> bool:
        st = self._status
        return st is not None and st.t >= since and st.state in ("stopped", "fault", "link_lost")

    # -- tasks --------------------------------------------------------------------------------
    async def _reader(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await self.transport.read()
            except MassageCtlError as err:
                self._fail(err)
                return
            self._last_rx = loop.time()
            for item in self._decoder.feed(data):
                if isinstance(item, FrameError):
                    self.bad_frames += 1
                    if isinstance(item, VersionError) and self._profile is None:
                        self._fail(LinkError(
                            f"the device speaks protocol version {item.version}, "
                            f"massage_ctl speaks {PROTOCOL_VERSION}",
                            hint="update the firmware or massage_ctl so both match",
                        ))
                    continue
                self._dispatch(item.message, loop.time())

    def _dispatch(self, msg: Message, now: float) -> None:
        if isinstance(msg, Status):
            if self._profile is None:
                return
            self._status = status_from_frame(msg, self._profile, now)
            if self._stop_flag and msg.state in _STOPPED:
                self._stop_flag = False
            self._status_event.set()
            for cb in list(self._subs):
                cb(self._status)
        elif isinstance(msg, Ack):
            fut = self._pending.get(msg.acked_seq)
            if fut is not None and not fut.done():
                fut.set_result(msg)
        elif isinstance(msg, DeviceInfo | ChannelInfo):
            self._handshake.append(msg)
            self._handshake_event.set()
        elif isinstance(msg, Fault):
            self.last_fault = msg

    async def _writer(self) -> None:
        loop = asyncio.get_running_loop()
        next_hb = loop.time()
        try:
            while self._failure is None:
                # _EPS: a timer counts as due within the clock's resolution; without the
                # tolerance a deadline a hair ahead would spin (forever on the virtual clock).
                now = loop.time() + _EPS
                if now < self._budget.next_at:
                    await self._idle_until(self._budget.next_at, wakeable=False)
                    continue
                if self._profile is not None and now - self._last_rx > self.silence_s:
                    self._fail(DisconnectedError(
                        f"{self.transport.description}: the device stopped answering "
                        f"({self.silence_s:g} s without a frame)"
                    ))
                    return
                frame: bytes | None = None
                if self._control:
                    frame = self._control.pop(0)
                elif self._profile is not None and now >= next_hb:
                    frame = encode_frame(Heartbeat(self._stop_flag), self._next_seq())
                    # Absolute cadence; after a stall restart from now rather than burst.
                    next_hb += HEARTBEAT_S
                    if next_hb <= now:
                        next_hb = now + HEARTBEAT_S
                elif (
                    self._slots is not None
                    and not self._latched
                    # Keep the budget (nearly) free for the next heartbeat: it may slip by at
                    # most half a frame interval (docs/LINK.md), or real-time jitter would
                    # starve setpoints on a 20 frames/s device.
                    and (self._profile is None
                         or loop.time() + self._budget.interval / 2 <= next_hb)
                ):
                    frame = self._slots.take_frame(self._seq_peek())
                    if frame is not None:
                        self._next_seq()
                if frame is None:
                    await self._idle_until(next_hb if self._profile is not None else None)
                    continue
                async with self._write_lock:
                    await self.transport.write(frame)
                self.frames_sent += 1
                self._budget.spend(loop.time())
        except MassageCtlError as err:
            self._fail(err)
        except Exception as err:  # a broken transport must not leave a silent, half-dead link
            self._fail(LinkError(f"{self.transport.description}: sending failed: {err!r}"))
            raise

    async def _idle_until(self, when: float | None, *, wakeable: bool = True) -> None:
        """Sleep until ``when`` (loop time) or, if ``wakeable``, until :meth:`_kick`.

        A bare future and a timer handle: far cheaper than ``wait_for`` (which makes a task
        per call) at 10+ wake-ups per second, which matters on the virtual clock.
        """
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        handle = None if when is None else loop.call_at(when, _resolve, fut)
        if wakeable:
            self._waiter = fut
        try:
            await fut
        finally:
            self._waiter = None
            if handle is not None:
                handle.cancel()

    def _kick(self) -> None:
        """Wake the writer (new setpoint, request or STOP)."""
        if self._waiter is not None:
            _resolve(self._waiter)

    # -- helpers ------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 0xFFFF
        return self._seq

    def _seq_peek(self) -> int:
        return (self._seq + 1) & 0xFFFF

    def _check_alive(self) -> None:
        if self._failure is not None:
            raise LinkError(str(self._failure), hint=self._failure.hint)

    def _fail(self, err: MassageCtlError) -> None:
        if self._failure is not None:
            return
        self._failure = err
        self._failed.set()
        self._status_event.set()
        for fut in self._pending.values():
            if not fut.done():
                fut.cancel()

    async def close(self) -> None:
        """Stop the reader and writer tasks (the transport is the caller's to close)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, MassageCtlError):
                await task
        self._tasks = []
