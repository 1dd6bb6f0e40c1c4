"""A session: connect, compile for the connected device, play, record, and always end safely.

:class:`Session` is the async core (one event loop); :class:`~massage_ctl.player.runner.
SessionRunner` puts it on a thread. Whatever way :meth:`Session.run` ends once SESSION_START
went out, the ``finally`` block brings the device to rest and hands the outcome to the
recorder, so the history never keeps a session "running" (docs/SAFETY.md, "Exit paths"):

* the program's own end: SESSION_END, then a STATUS must show every output at rest; if it
  does not, STOP (reason ERROR);
* any other end: STOP with its reason — USER (STOP key, Ctrl-C), SHUTDOWN (SIGTERM, SIGHUP),
  GUARD (a device fault, an output reported above the session's cap), ERROR (lost link, a
  controller error) — and its confirmation, bounded.

:attr:`SessionResult.stop_confirmed` is True only when a STATUS from the device showed it off.
A start that never reached the device (refused, failed, stopped before SESSION_START) is not a
session: nothing is recorded, :attr:`SessionResult.started` is False, and a refusal propagates
as the error that says why. STOP is sent once SESSION_START went out or the device reported
RUNNING, or when the user (STOP key, Ctrl-C, a signal) asks; a refused handshake or start
never latches a STOP on an idle device.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import DisconnectedError, MassageCtlError
from massage_ctl.link.api import ControlLink, LinkStatus
from massage_ctl.link.requests import RequestDroppedError
from massage_ctl.player.events import EventCallback, PlayerState, ProgressEvent
from massage_ctl.player.guard import Guard, timeline_caps
from massage_ctl.player.overcap import OverCapWatch
from massage_ctl.player.player import Player
from massage_ctl.protocol.enums import StopReason
from massage_ctl.safety import SafetyProfile
from massage_ctl.timeline import Timeline

if TYPE_CHECKING:
    from massage_ctl.link.link import Link
    from massage_ctl.transports.base import Transport


class SessionRecorder(Protocol):
    """Where a session is recorded (the history). Both calls happen on the session's loop."""

    def started(self, timeline: Timeline, device: DeviceProfile) -> None:
        """The device is connected and the program compiled; playback is about to start."""

    def finished(self, outcome: PlayerState, message: str, elapsed_ms: int) -> None:
        """The session ended with ``outcome`` (a history outcome), a plain-words message and
        how far into the program it got."""


@dataclass(slots=True)
class SessionResult:
    """How a session ended."""

    outcome: PlayerState
    message: str = ""
    #: True only when a STATUS from the device showed every output off after the end.
    stop_confirmed: bool = False
    #: True once the device acknowledged SESSION_START: only then is it a session (recorded,
    #: followed by the pain question).
    started: bool = False
    timeline: Timeline | None = None
    device: DeviceProfile | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LinkConnection:
    """A :class:`~massage_ctl.link.Link` with its transport, opened by :func:`open_link`."""

    link: ControlLink
    closers: list[Callable[[], object]] = field(default_factory=list)

    async def close(self) -> None:
        """Close the link's tasks, then the transport."""
        for closer in self.closers:
            result = closer()
            if asyncio.iscoroutine(result):
                with contextlib.suppress(MassageCtlError, OSError):
                    await result


async def open_link(device_url: str) -> LinkConnection:
    """Open the transport for ``device_url`` and do the handshake."""
    from massage_ctl.transports import open_transport

    transport = open_transport(device_url)
    await transport.open()
    return await connect_link(transport)


async def connect_link(transport: Transport, link: Link | None = None) -> LinkConnection:
    """Handshake over an open ``transport`` (with ``link``, default a new :class:`Link` on it).

    On any failure both the link and the transport are closed before the error propagates.
    """
    from massage_ctl.link.link import Link

    link = link if link is not None else Link(transport)
    conn = LinkConnection(link, [link.close, transport.close])
    try:
        await link.connect()
    except BaseException:
        await conn.close()
        raise
    return conn


class Session:
    """One massage session on one device. Create, :meth:`subscribe`, then ``await run()``.

    ``build_timeline(profile)`` compiles the program for the connected device (raise a
    :class:`MassageCtlError` to refuse). ``connect`` opens the link (default: :func:`open_link`
    on ``device_url``). The controls (:meth:`pause` …) must be called on the session's loop.
    """

    def __init__(
        self,
        device_url: str,
        build_timeline: Callable[[DeviceProfile], Timeline],
        safety: SafetyProfile,
        *,
        intensity: float | None = None,
        recorder: SessionRecorder | None = None,
        connect: Callable[[], asyncio.Future[LinkConnection]] | None = None,
    ) -> None:
        self.device_url = device_url
        self._build = build_timeline
        self._safety = safety
        self._intensity = intensity
        self._recorder = recorder
        self._connect = connect or (lambda: asyncio.ensure_future(open_link(device_url)))
        self._subs: list[EventCallback] = []
        self._player: Player | None = None
        self._link: ControlLink | None = None
        self._stop_task: asyncio.Task[bool] | None = None
        self._early: PlayerState | None = None  # a stop requested before playback began
        self._pause_wanted = False  # paused (maybe before the player existed)
        self._adjust_wanted = 0.0  # intensity change asked for before the player existed
        self._relayed: Player | None = None  # the player whose events reach our subscribers
        self._relaying = False
        self._stop_reason = StopReason.USER  # why the final STOP is sent (if one is)

    def subscribe(self, callback: EventCallback) -> None:
        """Receive every :class:`ProgressEvent` (on the session's loop)."""
        self._subs.append(callback)
        self._relay_events()

    def _relay_events(self) -> None:
        # The player's events are relayed only once someone listens here: a player without
        # subscribers builds no events and keeps no progress timer (it matters at ?speed=max).
        if self._subs and self._relayed is not None and not self._relaying:
            self._relaying = True
            self._relayed.subscribe(self._emit)

    def _emit(self, event: ProgressEvent) -> None:
        for cb in list(self._subs):
            cb(event)

    # -- controls -----------------------------------------------------------------------------
    # Pause and intensity given while still connecting are kept and applied when playback
    # begins: a pause the user asked for must hold, not be lost because the device was slow.
    def pause(self) -> None:
        """Pause playback (outputs ramp to zero safely)."""
        self._pause_wanted = True
        if self._player:
            self._player.pause()

    def resume(self) -> None:
        """Resume playback (outputs ramp back up safely)."""
        self._pause_wanted = False
        if self._player:
            self._player.resume()

    def adjust(self, delta: float) -> None:
        """Change the live intensity by ``delta`` (0.1 steps, 0.1–1.0, capped by the guard)."""
        if self._player:
            self._player.adjust(delta)
        else:
            self._adjust_wanted += delta

    def skip_phase(self) -> None:
        """Jump to the next phase."""
        if self._player:
            self._player.skip_phase()

    def stop(self, outcome: PlayerState = "stop") -> None:
        """STOP now: the STOP frames leave in this very loop iteration. ``outcome`` is what the
        history records: ``stop`` (STOP key), ``stopped`` (ended early), ``interrupted``
        (SIGTERM / lost terminal: the STOP's reason is then SHUTDOWN)."""
        if self._early is None:
            self._early = outcome
        reason = StopReason.SHUTDOWN if outcome == "interrupted" else StopReason.USER
        self._send_stop(reason)
        if self._player:
            self._player.request_stop(outcome)

    def _send_stop(self, reason: StopReason) -> None:
        """The STOP frames, now (once per session); the first reason given is the one sent."""
        if self._stop_task is None:
            self._stop_reason = reason
            if self._link is not None:
                self._stop_task = asyncio.get_running_loop().create_task(self._link.stop(reason))

    # -- running ------------------------------------------------------------------------------
    async def run(self) -> SessionResult:
        """Connect, compile, play and stop. Errors before playback propagate (nothing was
        driven); once playback began, every ending is a :class:`SessionResult`."""
        conn = await self._connect()
        self._link = conn.link
        if self._early is not None:
            self._send_stop(self._stop_reason)  # the user pressed STOP while connecting
        result = SessionResult("interrupted")
        unwatch: Callable[[], None] | None = None
        try:
            profile = conn.link.profile
            result.device = profile
            timeline = self._build(profile)
            result.timeline = timeline
            caps = timeline_caps(timeline)
            guard = Guard(profile, self._safety, caps)
            player = Player(conn.link, timeline, guard, intensity=self._intensity,
                            max_session_ms=self._safety.max_session_min * 60_000)
            self._relayed = player
            self._relay_events()
            if self._early is not None:  # stopped while connecting: never start
                result.outcome = self._early
                return result
            if self._adjust_wanted:
                player.adjust(self._adjust_wanted)
            if self._pause_wanted:
                player.pause()
            self._player = player
            # The device enforces these too where it can (protocol version 2, PROTOCOL.md §5.4).
            await conn.link.start_session(limits={
                cid: (lim.cap, lim.ramp_per_s) for cid, lim in guard.limits.items()
            })
            if conn.link.limits_note:  # a version-1 device: say who enforces the limits
                player.warn(conn.link.limits_note)
            # Acknowledged: now it is a session (recorded; a killed process leaves a record).
            result.started = True
            if self._recorder:
                self._recorder.started(timeline, profile)
            if self._early is not None:
                player.request_stop(self._early)
            unwatch = self._watch_caps(conn.link, profile, guard, player)
            result.outcome = await player.play()
            result.message = _final_message(player)
            result.warnings = self._guard_warnings(player)
        except asyncio.CancelledError:
            result.outcome = "interrupted"
            result.message = "the controller was interrupted"
            raise
        except RequestDroppedError:
            # STOP was pressed while the session was starting: it stays stopped.
            result.outcome = self._early or "stop"
            result.message = "STOP sent before the session started"
        except DisconnectedError as err:
            result.outcome, result.message = "disconnect", f"lost the connection: {err}"
            self._stop_reason = StopReason.ERROR
            if not result.started:
                raise
        except MassageCtlError as err:
            result.outcome, result.message = "fault", str(err)
            self._stop_reason = StopReason.ERROR
            if not result.started:
                raise
        finally:
            if unwatch is not None:
                unwatch()
            result.stop_confirmed = await self._bring_to_rest(conn.link, result.outcome)
            if result.started and self._recorder:
                elapsed = int(self._player.position_ms()) if self._player else 0
                self._recorder.finished(result.outcome, result.message, elapsed)
            await conn.close()
        return result

    def _watch_caps(
        self, link: ControlLink, profile: DeviceProfile, guard: Guard, player: Player
    ) -> Callable[[], None]:
        """End the session as a fault (STOP, reason GUARD) when the device reports an output
        above the active cap for longer than one report (:mod:`~massage_ctl.player.overcap`)."""
        watch = OverCapWatch(profile, {cid: lim.cap for cid, lim in guard.limits.items()})

        def on_status(status: LinkStatus) -> None:
            over = watch.check(status)
            if over is not None and self._stop_task is None:
                self._send_stop(StopReason.GUARD)
                player.request_stop("fault", over.message())

        return link.subscribe(on_status)

    async def _bring_to_rest(self, link: ControlLink, outcome: PlayerState) -> bool:
        """End on the device (see the module docstring); True when a STATUS showed it off."""
        running = link.status is not None and link.status.state == "running"
        if self._stop_task is None and not link.start_sent and not running:
            # Never started (handshake or start refused, compile error): an idle device is
            # left alone, no STOP latched on it. A STOP the user pressed was sent all the same.
            return _at_rest(link.status, link.profile)
        if self._stop_task is None and outcome == "completed" and link.failure is None:
            with contextlib.suppress(MassageCtlError):
                await link.end_session()
                if await _confirm_rest(link):
                    return True
            self._stop_reason = StopReason.ERROR  # SESSION_END did not bring it to rest
        if self._stop_task is None and outcome == "fault" and self._stop_reason == StopReason.USER:
            self._stop_reason = StopReason.GUARD  # the device's own fault, seen by the player
        if self._stop_task is None and outcome == "disconnect":
            self._stop_reason = StopReason.ERROR
        return await self._final_stop(link)

    async def _final_stop(self, link: ControlLink) -> bool:
        # Shielded: a second cancellation (impatient Ctrl-C) must not cut the STOP short.
        task = self._stop_task or asyncio.ensure_future(link.stop(self._stop_reason))
        self._stop_task = task
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            return await task
        except MassageCtlError:
            return False

    @staticmethod
    def _guard_warnings(player: Player) -> list[str]:
        return list(player.guard_warnings)


#: "At rest" after SESSION_END: every non-position output within this share of its range of
#: zero (air cells empty with a lag; 0.5 % of full scale is not felt).
REST_TOLERANCE_FRACTION = 0.005
#: SESSION_END fades within 1 s (PROTOCOL.md §5.5); allow the lag of air cells and transit.
REST_CONFIRM_BOUND_S = 3.0


def _at_rest(status: LinkStatus | None, profile: DeviceProfile | None = None) -> bool:
    """True when ``status`` shows the device not running with every output at rest."""
    if status is None or status.state == "running":
        return False
    for channel, value in status.actual.items():
        spec = profile.channel(channel) if profile is not None else None
        if spec is not None and spec.kind == "position":
            continue  # a roller's place, not a force
        span = (spec.max - spec.min) if spec is not None else 1.0
        if abs(value) > REST_TOLERANCE_FRACTION * span:
            return False
    return True


async def _confirm_rest(link: ControlLink) -> bool:
    """Wait (bounded) for a STATUS received from now on that shows the device at rest."""
    loop = asyncio.get_running_loop()
    since = loop.time()
    done: asyncio.Future[bool] = loop.create_future()
    profile = link.profile

    def on_status(status: LinkStatus) -> None:
        if not done.done() and status.t >= since and _at_rest(status, profile):
            done.set_result(True)

    unsubscribe = link.subscribe(on_status)
    try:
        await asyncio.wait((done,), timeout=REST_CONFIRM_BOUND_S)
    finally:
        unsubscribe()
    return done.done()


def _final_message(player: Player) -> str:
    if player.message:  # the player said why it ended (e.g. the session-length limit)
        return player.message
    return {
        "completed": "program completed",
        "stop": "STOP sent — device stopped",
        "stopped": "session ended early",
    }.get(player.outcome or "", player.message)
