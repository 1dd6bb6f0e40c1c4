"""The link: the wire protocol spoken over one transport (docs/LINK.md explains the choices).

One reader task decodes everything the device sends (bad frames are counted and skipped; a
transport taking ``set_receiver``, like the in-process simulator, instead hands its bytes
over by a direct call and the reader only waits for the end of the stream); one
writer task sends everything else in priority order — acknowledged control frames (and their
retries), heartbeats every 100 ms, then setpoints (one channel per frame) from the newest-wins
slots, each passed through the setpoint filter (the player's guard) as it leaves — never faster
than the device's frame budget. :meth:`Link.stop` bypasses the writer: three copies of
one STOP frame (same sequence number) go out at once, every pending retry is dropped, then
every heartbeat carries the stop flag until a STATUS shows the device stopped.

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
from collections.abc import Callable, Mapping
from typing import Any

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import DisconnectedError, LinkError, MassageCtlError
from massage_ctl.link.api import ChannelSetpoint, LinkStatus, SetpointFilter, StatusCallback
from massage_ctl.link.handshake import V1_LIMITS_NOTE, Handshake, await_handshake, negotiate_version
from massage_ctl.link.outbox import Outbox, SetpointSlots, burst_for
from massage_ctl.link.receiving import ReceivingSide
from massage_ctl.link.requests import RequestDroppedError, check_ack, start_refused
from massage_ctl.link.sender import FrameSender
from massage_ctl.link.telemetry import TelemetryDecoder, fault_bits_of
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import AckResult, StopReason
from massage_ctl.protocol.limits import session_limits_for
from massage_ctl.protocol.messages import (
    Ack,
    Clear,
    Fault,
    Hello,
    Message,
    SessionEnd,
    SessionLimit,
    SessionStart,
    Stop,
)
from massage_ctl.protocol.schema import SCHEMA_HASHES
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.transports.base import Transport

_LATCHED_STATES = ("stopped", "fault", "link-lost")
#: The link is lost after this many of the asked watchdog periods without a valid STATUS
#: (docs/LINK.md, "Silence"): by then the device's own watchdog has long fired.
SILENCE_WATCHDOG_FACTOR = 2
#: A STOP on a link already declared lost: copies sent, and how long writing them may take.
LOST_LINK_STOP_COPIES = 3
LOST_LINK_STOP_BOUND_S = 0.25
#: How long a refused start waits for a STATUS saying which fault is present.
FAULT_STATUS_WAIT_S = 0.3


class Link(ReceivingSide):
    """The controller side of the wire protocol on one open transport. See the module docstring.

    ``ack_timeout_s`` and ``retries`` govern acknowledged frames (a retry repeats the sequence
    number); ``stop_bound_s`` bounds how long :meth:`stop` waits for confirmation;
    ``silence_s``: no valid STATUS from the device for this long while connected = link lost
    (default twice the transport's watchdog period: 1 s serial, 2 s BLE; PROTOCOL.md §7.6).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        ack_timeout_s: float = 0.3,
        retries: int = 3,
        stop_bound_s: float = 1.0,
        silence_s: float | None = None,
    ) -> None:
        self.transport = transport
        self.ack_timeout_s = ack_timeout_s
        self.retries = retries
        self.stop_bound_s = stop_bound_s
        default_silence_s = SILENCE_WATCHDOG_FACTOR * transport.watchdog_ms / 1000
        self.silence_s = silence_s if silence_s is not None else default_silence_s
        self._profile: DeviceProfile | None = None
        self._telemetry: TelemetryDecoder | None = None
        self._status: LinkStatus | None = None
        self._status_event = asyncio.Event()
        self._failure: MassageCtlError | None = None
        self._failed = asyncio.Event()
        self._subs: list[StatusCallback] = []
        self._setpoint_filter: SetpointFilter | None = None
        self._decoder = FrameDecoder()
        self._out = Outbox()  # sequence numbers, control frames, heartbeats, setpoint slots
        self._pending: dict[int, tuple[str, asyncio.Future[Ack]]] = {}
        self._stop_gen = 0  # bumped by every stop(): requests begun before it are dropped
        self._handshake = Handshake()
        self._last_rx = 0.0
        self._tasks: list[asyncio.Task[Any]] = []
        self._sender = FrameSender(transport, self._out, fail=self._fail,
                                   went_silent=self._went_silent)
        self.bad_frames = 0
        self.start_sent = False  # a SESSION_START went out: the session must end with a STOP
        self.watchdog_ms: int | None = None
        self.last_fault: Fault | None = None
        #: What the last SESSION_START asked the device to enforce (empty on a v1 device).
        self.session_limits: tuple[SessionLimit, ...] = ()

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
    def protocol_version(self) -> int:
        """The wire protocol version spoken with the device (negotiated by :meth:`connect`)."""
        return self._out.version

    @property
    def limits_note(self) -> str | None:
        """What the user must be told about who enforces the session's limits, or None when
        the device enforces them too (protocol version 2 and later)."""
        return V1_LIMITS_NOTE if self._out.version < 2 else None

    @property
    def frames_sent(self) -> int:
        """Frames handed to the transport so far (STOP copies included)."""
        return self._sender.frames_sent

    @property
    def coalesced(self) -> int:
        """Setpoints replaced by a newer one before they were sent."""
        return self._out.slots.replaced if self._out.slots is not None else 0

    def set_setpoint_filter(self, setpoint_filter: SetpointFilter | None) -> None:
        """Pass every setpoint through ``setpoint_filter`` when its frame is built (the guard)."""
        self._setpoint_filter = setpoint_filter
        if self._out.slots is not None:
            self._out.slots.filter = setpoint_filter

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
            loop.create_task(self._sender.writer(), name="link-writer"),
        ]
        self._sender.running = True

        async def attempt(version: int, seconds: float) -> DeviceProfile:
            # Every frame from here on is of this version, until the next attempt.
            self._set_version(version)
            self._handshake = Handshake(version)
            tries = max(1, int(seconds / self.ack_timeout_s))

            def send_hello() -> asyncio.Task[Ack]:
                return loop.create_task(
                    self._request(Hello(version, SCHEMA_HASHES[version]), retries=tries - 1)
                )

            return await await_handshake(
                self._handshake, send_hello(), send_hello, lambda: self._failure, self._failed,
                timeout_s=seconds, poll_s=self.ack_timeout_s,
                description=self.transport.description,
            )

        _version, profile = await negotiate_version(attempt, timeout_s=timeout_s)
        self._profile = profile
        self._telemetry = TelemetryDecoder(profile)
        self._out.slots = SetpointSlots(profile, self._setpoint_filter)
        rate = profile.max_frame_rate_hz
        self._out.budget.configure(rate, burst_for(rate))
        self._out.next_hb = loop.time()
        self._last_rx = loop.time()  # the silence timer starts with the session's link
        self._sender.kick()  # heartbeats start now
        return profile

    def _set_version(self, version: int) -> None:
        self._out.version = version
        self._decoder.version = version
        self._read_status = self._status_reader(version)

    # -- acknowledged requests ----------------------------------------------------------------
    async def start_session(
        self, *, clear: bool = True, limits: Mapping[str, tuple[float, float]] | None = None
    ) -> int:
        """Start a session: CLEAR (unconditionally when ``clear``: it frees the latch the last
        session left, and is a no-op OK on an idle device), then SESSION_START (PROTOCOL.md
        §6.1); returns the watchdog period the device really uses. This is the only way outputs
        come back after a stop: it is an explicit new start. A STOP sent while this waits
        cancels it (:class:`~massage_ctl.link.requests.RequestDroppedError`); a fault whose
        cause is still present refuses it (:class:`~massage_ctl.link.requests.StartRefusedError`
        saying which fault and what to do).

        ``limits`` are the session's own limits per channel (channel id → (cap, ramp per s)):
        sent to a version-2 device (:func:`~massage_ctl.protocol.limits.session_limits_for`),
        which then enforces them too; a version-1 device cannot take them (:attr:`limits_note`
        says so to the user)."""
        gen = self._stop_gen
        if clear:
            ack = await self._request(Clear(), check=False)
            if ack.result == AckResult.LATCHED:
                raise start_refused(self.transport.description, await self._fault_bits())
            check_ack(Clear(), ack)
        if gen != self._stop_gen:
            raise RequestDroppedError(SessionStart.NAME)
        self._out.stop_flag = False
        self.start_sent = True
        sent = (
            session_limits_for(self.profile, limits) if limits and self._out.version >= 2 else ()
        )
        ack = await self._request(SessionStart(self.transport.watchdog_ms, sent))
        self.session_limits = sent
        self.watchdog_ms = ack.detail or self.transport.watchdog_ms
        self._out.latched = False
        return self.watchdog_ms

    async def end_session(self) -> None:
        """SESSION_END: the device ramps to zero and goes idle."""
        self._out.latched = True
        if self._out.slots is not None:
            self._out.slots.clear()
        await self._request(SessionEnd())

    async def _fault_bits(self) -> int:
        """The fault bits of a STATUS received from now on (bounded wait), else the newest."""
        loop = asyncio.get_running_loop()
        since = loop.time()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FAULT_STATUS_WAIT_S):
                while self._status is None or self._status.t < since:
                    self._status_event.clear()
                    await self._status_event.wait()
        return fault_bits_of(self._status.faults) if self._status else 0

    async def _request(
        self, msg: Message, *, retries: int | None = None, check: bool = True
    ) -> Ack:
        """Send ``msg`` until acknowledged (same seq on every retry); LinkError when given up,
        :class:`RequestDroppedError` when STOP is sent meanwhile (then it is never re-sent).
        With ``check`` a refusal raises (:func:`check_ack`); without, the ACK is returned."""
        self._check_alive()
        gen = self._stop_gen
        seq = self._out.next_seq()
        frame = encode_frame(msg, seq, self._out.version)
        fut: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._pending[seq] = (msg.NAME, fut)
        tries = 1 + (self.retries if retries is None else retries)
        try:
            for _ in range(tries):
                if gen != self._stop_gen:
                    raise RequestDroppedError(msg.NAME)
                self._out.control.append(frame)
                self._sender.kick()
                # asyncio.wait on a bare future makes no task (unlike wait_for).
                await asyncio.wait((fut,), timeout=self.ack_timeout_s)
                if fut.done():
                    ack = fut.result()  # raises what stop() / _fail() set
                    if gen != self._stop_gen:  # acked, but STOP was sent since: it wins
                        raise RequestDroppedError(msg.NAME)
                    return check_ack(msg, ack) if check else ack
        finally:
            self._pending.pop(seq, None)
            if fut.done() and not fut.cancelled():
                fut.exception()  # retrieved: no "exception never retrieved" noise
        raise LinkError(
            f"{self.transport.description}: no acknowledgement for {msg.NAME} "
            f"after {tries} tries",
            hint="the link is unreliable: check the cable, distance (BLE) or baud rate",
        )

    def _drop_pending(self, make_error: Callable[[str], MassageCtlError]) -> None:
        for name, fut in self._pending.values():
            if not fut.done():
                fut.set_exception(make_error(name))

    # -- setpoints and STOP -------------------------------------------------------------------
    def submit(self, setpoint: ChannelSetpoint) -> None:
        """Queue a setpoint (newest per channel wins). Dropped while stopped or not started."""
        if self._out.latched or self._out.slots is None or self._failure is not None:
            return
        self._out.slots.put(setpoint)
        self._sender.kick()

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        """STOP now: 3 copies of one STOP frame at once, every pending retry dropped, then the
        stop flag in every heartbeat until a STATUS shows the device stopped. True when
        confirmed, False after ``stop_bound_s`` or when the link is dead. Safe at any time,
        from any state, repeatedly. ``reason`` tells the device's log why (USER: the STOP key;
        SHUTDOWN: a signal; GUARD: a fault or over-cap output; ERROR: lost link, bug).

        On a link already declared lost the copies are still written, best effort and bounded
        in time (the device may only have gone mute); the answer is then False."""
        self._out.drop_all()
        self._stop_gen += 1
        self._drop_pending(RequestDroppedError)
        if not self.transport.is_open:
            return False
        frame = encode_frame(Stop(reason), self._out.next_seq(), self._out.version)
        if self._failure is not None:
            with contextlib.suppress(MassageCtlError, OSError, TimeoutError):
                async with asyncio.timeout(LOST_LINK_STOP_BOUND_S):
                    await self._sender.send_now(frame, copies=LOST_LINK_STOP_COPIES)
            return False
        loop = asyncio.get_running_loop()
        sent_at = loop.time()
        # PROTOCOL §7.2: three copies, the same seq; the device acts on the first it gets.
        try:
            await self._sender.send_now(frame, copies=3)  # then the heartbeats carry the flag
        except MassageCtlError as err:
            self._fail(err if isinstance(err, DisconnectedError) else DisconnectedError(str(err)))
            return False
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
        return st is not None and st.t >= since and st.state in _LATCHED_STATES

    # -- helpers ------------------------------------------------------------------------------
    def _check_alive(self) -> None:
        if self._failure is not None:
            raise LinkError(str(self._failure), hint=self._failure.hint)

    def _fail(self, err: MassageCtlError) -> None:
        if self._failure is not None:
            return
        self._failure = err
        self._failed.set()
        self._status_event.set()
        self._drop_pending(lambda name: LinkError(f"{name}: {err}", hint=err.hint))
        self._sender.shutdown()

    async def close(self) -> None:
        """Stop the reader and writer tasks (the transport is the caller's to close)."""
        self._sender.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, MassageCtlError):
                await task
        self._tasks = []
