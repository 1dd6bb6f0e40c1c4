"""Sessions end to end: whole programs through codec and simulator on the virtual clock, and a
STOP pressed while the session is still starting."""

from __future__ import annotations

import asyncio
from typing import Any

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.link.fake import FakeLink
from massage_ctl.link.requests import RequestDroppedError
from massage_ctl.player import ProgressEvent, Session
from massage_ctl.player.session import LinkConnection
from massage_ctl.program import load_program
from massage_ctl.protocol.enums import StopReason
from massage_ctl.safety import STANDARD
from massage_ctl.timeline import Timeline


def test_a_whole_short_program_completes_on_the_virtual_clock(
    virtual: Any, timeline: Timeline
) -> None:
    """60 s on sim://pad?speed=max: no deadline may turn into a wait that spins the clock."""

    async def go() -> tuple[Any, float, list[ProgressEvent]]:
        events: list[ProgressEvent] = []
        session = Session("sim://pad?speed=max", lambda _p: timeline, STANDARD)
        session.subscribe(events.append)
        t0 = asyncio.get_running_loop().time()
        result = await asyncio.wait_for(session.run(), timeout=600)  # virtual seconds
        return result, asyncio.get_running_loop().time() - t0, events

    result, took_s, events = virtual(go)
    assert result.outcome == "completed" and result.stop_confirmed
    assert 60.0 <= took_s < 62.0
    assert events[-1].kind == "finished"
    assert max(e.elapsed_ms for e in events) == timeline.duration_ms
    # Telemetry reached the player: outputs were really driven, then brought back to zero.
    assert any(v > 0.1 for e in events for v in e.actual.values())


def test_a_compiled_built_in_program_completes_on_the_chair(virtual: Any) -> None:
    program = load_program("quick-10-minute")

    def build(profile: DeviceProfile) -> Timeline:
        timeline: Timeline = compile_program(program, profile, STANDARD, minutes=2)
        return timeline

    async def go() -> tuple[Any, float]:
        session = Session("sim://chair?speed=max", build, STANDARD)
        t0 = asyncio.get_running_loop().time()
        result = await session.run()
        return result, asyncio.get_running_loop().time() - t0

    result, took_s = virtual(go)
    assert result.outcome == "completed", result.message
    assert result.timeline is not None
    assert took_s >= result.timeline.duration_ms / 1000


class _SlowStartLink(FakeLink):
    """A link whose session start waits for the device, and which STOP interrupts."""

    def __init__(self, profile: DeviceProfile) -> None:
        super().__init__(profile)
        self.gate = asyncio.Event()
        self.stopped_while_starting = False

    async def start_session(self, *, limits: object = None) -> int:
        await self.gate.wait()
        if self.stopped_while_starting:
            raise RequestDroppedError("SESSION_START")
        return await super().start_session()

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        if not self.gate.is_set():
            self.stopped_while_starting = True
            self.gate.set()
        return await super().stop(reason)


def _start_session(
    link: FakeLink, timeline: Timeline, connected: asyncio.Event | None = None
) -> tuple[Session, asyncio.Future[Any]]:
    """A session on ``link`` (its handshake waits for ``connected``, if given), running."""

    async def connect() -> LinkConnection:
        if connected is not None:
            await connected.wait()
        return LinkConnection(link, [link.close])

    session = Session("fake://", lambda _p: timeline, STANDARD,
                      connect=lambda: asyncio.ensure_future(connect()))
    return session, asyncio.ensure_future(session.run())


def test_stop_while_the_session_starts_keeps_it_stopped(virtual: Any, timeline: Timeline) -> None:
    pad = load_device_profile("pad")

    async def go() -> tuple[Any, _SlowStartLink]:
        link = _SlowStartLink(pad)
        session, run = _start_session(link, timeline)
        await asyncio.sleep(0.1)
        session.stop()
        result = await run
        await asyncio.sleep(1.0)
        return result, link

    result, link = virtual(go)
    assert result.outcome == "stop"
    assert link.starts == 0 and link.state == "stopped"
    assert link.sent == []  # not one setpoint left for the device


def test_stop_while_connecting_never_starts_the_session(virtual: Any, timeline: Timeline) -> None:
    pad = load_device_profile("pad")

    async def go() -> tuple[Any, FakeLink]:
        link = FakeLink(pad)
        connected = asyncio.Event()  # a slow handshake: the user presses STOP meanwhile
        session, run = _start_session(link, timeline, connected)
        await asyncio.sleep(0.1)
        session.stop()
        connected.set()
        result = await run
        await asyncio.sleep(1.0)
        return result, link

    result, link = virtual(go)
    assert result.outcome == "stop"
    assert link.starts == 0  # SESSION_START never sent
    assert link.sent == []  # not one setpoint
    assert link.state == "stopped"  # and the device got a STOP all the same


def test_pause_and_intensity_given_while_connecting_hold_once_playback_begins(
    virtual: Any, timeline: Timeline
) -> None:
    pad = load_device_profile("pad")

    async def go() -> tuple[FakeLink, list[float], float]:
        link = FakeLink(pad)
        connected = asyncio.Event()  # a slow handshake: the user acts meanwhile
        session, run = _start_session(link, timeline, connected)
        await asyncio.sleep(0.1)
        session.adjust(-0.3)
        session.pause()
        connected.set()
        await asyncio.sleep(3.0)  # paused: nothing may be driven
        paused_values = [sp.value for _, sp in link.sent]
        session.resume()
        await asyncio.sleep(3.0)
        intensity = session._player.intensity if session._player else -1.0
        session.stop()
        await run
        return link, paused_values, intensity

    link, paused_values, intensity = virtual(go)
    assert all(v == 0.0 for v in paused_values)
    assert any(sp.value > 0 for _, sp in link.sent)  # resume really plays
    assert intensity == round(timeline.intensity - 0.3, 1)


def test_a_listener_added_while_the_session_plays_gets_progress(
    virtual: Any, timeline: Timeline
) -> None:
    """The session relays the player's events only once someone listens; a late listener
    still gets progress and the final event."""

    async def go() -> tuple[Any, list[ProgressEvent]]:
        events: list[ProgressEvent] = []
        session = Session("sim://pad?speed=max", lambda _p: timeline, STANDARD)
        task = asyncio.ensure_future(session.run())
        await asyncio.sleep(20.0)
        session.subscribe(events.append)
        result = await asyncio.wait_for(task, timeout=600)
        return result, events

    result, events = virtual(go)
    assert result.outcome == "completed"
    progress = [e for e in events if e.kind == "progress"]
    assert progress and progress[0].elapsed_ms >= 15_000
    assert max(e.elapsed_ms for e in events) == timeline.duration_ms
    assert events[-1].kind == "finished"


def test_a_runner_listener_added_after_start_gets_progress_on_the_runner_thread(
    timeline: Timeline,
) -> None:
    """Subscribing from another thread while the session runs is handed to the session's loop
    (a first listener wakes the player there); its events arrive on the runner thread."""
    import threading

    from massage_ctl.player.runner import SessionRunner

    session = Session("sim://pad?speed=30", lambda _p: timeline, STANDARD)
    runner = SessionRunner(session, speed=30.0)
    events: list[tuple[ProgressEvent, str]] = []
    runner.start()
    runner.subscribe(lambda e: events.append((e, threading.current_thread().name)))
    result = runner.wait(timeout=60)
    assert result.outcome == "completed"
    assert any(e.kind == "progress" for e, _ in events)
    assert events[-1][0].kind == "finished"
    assert {name for _, name in events} == {"massage-session"}
