"""How sessions end (issues 11 and 12): what reaches the device, what is recorded, what is said.

* the program's own end is SESSION_END verified by STATUS, never a user STOP;
* every other end is a STOP with its reason (USER, SHUTDOWN, GUARD, ERROR);
* a start the device refused is not a session: no STOP latched on the idle device, no record;
* a fault still present refuses the next start in words; once its cause is gone the next
  start clears it (on the simulator, on the virtual clock);
* a device reporting outputs above the session's cap is a fault, named by channel and value.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.link.api import ChannelSetpoint, SetpointFilter
from massage_ctl.link.fake import FakeLink
from massage_ctl.link.requests import StartRefusedError
from massage_ctl.player import Session
from massage_ctl.player.events import PlayerState
from massage_ctl.player.session import LinkConnection, SessionResult, connect_link
from massage_ctl.protocol.enums import StopReason
from massage_ctl.safety import STANDARD
from massage_ctl.timeline import Timeline
from massage_ctl.transports.sim import SimTransport
from massage_sim.device import SimDevice


class _Recorder:
    """Remembers what the session told the history."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def started(self, timeline: Timeline, device: DeviceProfile) -> None:
        self.calls.append("started")

    def finished(self, outcome: PlayerState, message: str, elapsed_ms: int) -> None:
        self.calls.append(f"finished {outcome}")


def _on(link: FakeLink, timeline: Timeline, recorder: _Recorder | None = None) -> Session:
    async def connect() -> LinkConnection:
        return LinkConnection(link, [link.close])

    return Session("fake://", lambda _p: timeline, STANDARD, recorder=recorder,
                   connect=lambda: asyncio.ensure_future(connect()))


def test_a_program_that_ends_is_session_end_not_a_stop(virtual: Any, timeline: Timeline) -> None:
    link = FakeLink(load_device_profile("pad"))
    recorder = _Recorder()

    result = virtual(lambda: _on(link, timeline, recorder).run())
    assert (result.outcome, result.started, result.stop_confirmed) == ("completed", True, True)
    assert link.stops == 0 and link.state == "idle"
    assert recorder.calls == ["started", "finished completed"]


class _NeverAtRest(FakeLink):
    """SESSION_END is acknowledged, but the device goes on reporting RUNNING."""

    async def end_session(self) -> None:
        self._check()


class _Mute(_NeverAtRest):
    """... and does not confirm a STOP either."""

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        await super().stop(reason)
        return False


def test_a_session_end_the_device_does_not_confirm_is_followed_by_stop(
    virtual: Any, timeline: Timeline
) -> None:
    link = _NeverAtRest(load_device_profile("pad"))
    result = virtual(lambda: _on(link, timeline).run())
    assert result.outcome == "completed"
    assert link.stop_reasons == [StopReason.ERROR] and link.state == "stopped"
    assert result.stop_confirmed  # by the STOP's confirmation, a STATUS showing it stopped


def test_no_confirmation_is_claimed_without_the_devices_word(
    virtual: Any, timeline: Timeline
) -> None:
    link = _Mute(load_device_profile("pad"))
    result = virtual(lambda: _on(link, timeline).run())
    assert result.outcome == "completed" and not result.stop_confirmed


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [("stop", StopReason.USER), ("stopped", StopReason.USER),
     ("interrupted", StopReason.SHUTDOWN)],
)
def test_user_and_signal_stops_carry_their_reason(
    virtual: Any, timeline: Timeline, outcome: PlayerState, reason: StopReason
) -> None:
    link = FakeLink(load_device_profile("pad"))

    async def go() -> SessionResult:
        session = _on(link, timeline)
        run = asyncio.ensure_future(session.run())
        await asyncio.sleep(5.0)
        session.stop(outcome)
        return await run

    result = virtual(go)
    assert result.outcome == outcome and result.stop_confirmed
    assert link.stop_reasons[0] == reason


def test_a_device_fault_ends_with_stop_reason_guard(virtual: Any, timeline: Timeline) -> None:
    link = FakeLink(load_device_profile("pad"))

    async def go() -> SessionResult:
        run = asyncio.ensure_future(_on(link, timeline).run())
        await asyncio.sleep(5.0)
        link.inject_fault("stuck_channel")
        return await run

    result = virtual(go)
    assert result.outcome == "fault"
    assert link.stop_reasons == [StopReason.GUARD]


def test_a_lost_link_ends_with_stop_reason_error_and_no_confirmation(
    virtual: Any, timeline: Timeline
) -> None:
    link = FakeLink(load_device_profile("pad"))

    async def go() -> SessionResult:
        run = asyncio.ensure_future(_on(link, timeline).run())
        await asyncio.sleep(5.0)
        link.disconnect()
        return await run

    result = virtual(go)
    assert result.outcome == "disconnect" and not result.stop_confirmed
    assert link.stop_reasons == [StopReason.ERROR]


class _RefusingLink(FakeLink):
    """The device refuses the start (a fault still present): SESSION_START never goes out."""

    async def start_session(self, *, limits: object = None) -> int:
        raise StartRefusedError("pad: the session was not started: a heater is still too hot")


def test_a_refused_start_is_not_a_session(virtual: Any, timeline: Timeline) -> None:
    link = _RefusingLink(load_device_profile("pad"))
    recorder = _Recorder()
    with pytest.raises(StartRefusedError, match="still too hot"):
        virtual(lambda: _on(link, timeline, recorder).run())
    assert recorder.calls == []  # not recorded, so no pain question either
    assert link.stops == 0  # the idle device is not latched STOPPED


class _OverCapDevice(FakeLink):
    """A device that does not keep the limits it is given: it runs 1.5x what it is sent."""

    def set_setpoint_filter(self, setpoint_filter: SetpointFilter | None) -> None:
        if setpoint_filter is None:
            super().set_setpoint_filter(None)
            return
        guard = setpoint_filter

        def boosted(sp: ChannelSetpoint, now: float) -> ChannelSetpoint:
            sent = guard(sp, now)  # what the guard lets out; the device then overdoes it
            return ChannelSetpoint(sent.channel, sent.value * 1.5, sent.ramp_ms, sent.pattern,
                                   sent.rate_hz)

        super().set_setpoint_filter(boosted)


def _unlimited_pad() -> DeviceProfile:
    """The pad, announcing hard limits at full range (the safety profile still caps at 0.8)."""
    pad = load_device_profile("pad")
    channels = tuple(c.model_copy(update={"hard_max": c.max}) for c in pad.channels)
    return pad.model_copy(update={"channels": channels})


def test_outputs_reported_above_the_cap_end_the_session_as_a_fault(
    virtual: Any, timeline: Timeline
) -> None:
    link = _OverCapDevice(_unlimited_pad())
    result = virtual(lambda: _on(link, timeline).run())
    assert result.outcome == "fault", result
    assert "above the session's cap" in result.message
    assert any(c.id in result.message for c in link.profile.channels)
    assert link.stop_reasons == [StopReason.GUARD]


# -- the simulator: a fault whose cause is gone, and one still present -----------------------------
class _KeptOn:
    """The same SimDevice behind every transport (a controller ending does not power it off)."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def __getattr__(self, name: str) -> object:
        return getattr(self.device, name)

    async def close(self) -> None:
        return None


def test_a_fault_refuses_the_start_while_present_and_is_cleared_once_gone(
    virtual: Any, timeline: Timeline
) -> None:
    device = SimDevice("chair", faults="overtemp@1s")
    kept = _KeptOn(device)

    def session() -> Session:
        async def connect() -> LinkConnection:
            transport = SimTransport("chair", device_factory=lambda: kept)  # type: ignore[arg-type,return-value]
            await transport.open()
            return await connect_link(transport)

        return Session("sim://chair", _short_for, STANDARD,
                       connect=lambda: asyncio.ensure_future(connect()))

    async def go() -> tuple[SessionResult, str, str, SessionResult]:
        first = await session().run()  # the heater runs away and trips: FAULT
        try:
            await session().run()
            refused, hint = "", ""
        except StartRefusedError as err:
            refused, hint = str(err), err.hint or ""
        await asyncio.sleep(1800.0)  # half an hour later the pad has cooled
        third = await session().run()
        await device.close()
        return first, refused, hint, third

    first, refused, hint, third = virtual(go)
    assert first.outcome == "fault"
    assert "too hot" in refused and "cool" in hint
    assert (third.outcome, third.started, third.stop_confirmed) == ("completed", True, True)


def _short_for(profile: DeviceProfile) -> Timeline:
    from massage_ctl.compiler import compile_program
    from massage_ctl.program import load_program

    return compile_program(load_program("quick-10-minute"), profile, STANDARD, minutes=1)


def test_a_refused_compile_leaves_the_simulated_device_idle_not_stopped(virtual: Any) -> None:
    """E.g. a device declaring too few frames/s for the program: the handshake happened, no
    session was ever started, so no STOP may latch the idle device."""
    from massage_ctl.errors import CompileError

    def refuse(profile: DeviceProfile) -> Timeline:
        raise CompileError(f"the {profile.id} device accepts too few frames/s")

    async def go() -> tuple[str, str]:
        device = SimDevice("pad")
        kept = _KeptOn(device)

        async def connect() -> LinkConnection:
            transport = SimTransport("pad", device_factory=lambda: kept)  # type: ignore[arg-type,return-value]
            await transport.open()
            return await connect_link(transport)

        session = Session("sim://pad", refuse, STANDARD,
                          connect=lambda: asyncio.ensure_future(connect()))
        try:
            await session.run()
            error = ""
        except CompileError as err:
            error = str(err)
        await asyncio.sleep(1.0)
        state = device.core.state_name
        await device.close()
        return error, state

    error, state = virtual(go)
    assert "too few frames/s" in error
    assert state == "idle"
