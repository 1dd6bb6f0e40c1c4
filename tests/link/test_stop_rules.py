"""STOP rules of PROTOCOL §7.2–7.3: three copies with one sequence number, every pending retry
dropped, and nothing restarts until the user explicitly starts again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from massage_ctl.link import ChannelSetpoint, Link, LinkStatus
from massage_ctl.link.requests import RequestDroppedError
from massage_ctl.protocol.enums import DeviceState
from massage_ctl.protocol.messages import Clear, Heartbeat, SessionStart, Setpoint, Stop


async def connected(device: Any) -> Link:
    await device.open()
    link = Link(device)
    await link.connect()
    return link


def _after_first_stop(device: Any) -> list[Any]:
    first = next(i for i, r in enumerate(device.received) if isinstance(r.msg, Stop))
    return device.received[first:]


def test_stop_is_three_copies_of_one_frame_with_one_sequence_number(
    harness: Any, device_cls: Any
) -> None:
    async def go() -> list[Any]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        assert await link.stop()
        await link.close()
        return [r for r in device.received if isinstance(r.msg, Stop)]

    stops = harness.run(go)
    assert len(stops) == 3
    assert len({r.seq for r in stops}) == 1  # the device de-duplicates by seq: one STOP


def test_stop_drops_a_pending_session_start_retry(harness: Any, device_cls: Any) -> None:
    async def go() -> tuple[BaseException | None, list[Any], DeviceState]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device.script.drop_acks = 100  # SESSION_START goes unanswered: the link would retry
        start = asyncio.ensure_future(link.start_session())
        await asyncio.sleep(0.05)  # the first SESSION_START is out, its retry is pending
        await link.stop()
        device.script.drop_acks = 0  # a retry from now on would be answered and applied
        err = None
        try:
            await start
        except RequestDroppedError as e:
            err = e
        await asyncio.sleep(2.0)  # several retry periods
        await link.close()
        return err, _after_first_stop(device), device.state

    err, after, state = harness.run(go)
    assert isinstance(err, RequestDroppedError) and "STOP" in str(err)
    assert not any(isinstance(r.msg, SessionStart | Clear) for r in after)
    assert state == DeviceState.STOPPED


def test_stop_drops_a_pending_clear_and_the_start_behind_it(
    harness: Any, device_cls: Any
) -> None:
    async def go() -> tuple[bool, list[Any]]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        await link.stop()
        device.script.drop_acks = 100  # the user starts again; CLEAR goes unanswered
        start = asyncio.ensure_future(link.start_session())
        await asyncio.sleep(0.05)
        before = len(device.received)
        await link.stop()  # and presses STOP again
        device.script.drop_acks = 0
        dropped = False
        try:
            await start
        except RequestDroppedError:
            dropped = True
        await asyncio.sleep(2.0)
        await link.close()
        return dropped, device.received[before:]

    dropped, after = harness.run(go)
    assert dropped
    assert not any(isinstance(r.msg, SessionStart | Clear) for r in after)


def test_a_start_acknowledged_just_before_stop_does_not_unlatch(
    harness: Any, device_cls: Any
) -> None:
    """The ACK of SESSION_START arrives, and STOP is pressed before start_session() resumes:
    the STOP wins, setpoints stay dropped."""

    async def go() -> tuple[bool, int]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        stops: list[asyncio.Future[bool]] = []

        def press_stop_when_running(status: LinkStatus) -> None:
            if status.state == "running" and not stops:
                stops.append(asyncio.ensure_future(link.stop()))

        link.subscribe(press_stop_when_running)
        orig = device._handle

        def handle(frame: Any) -> None:
            orig(frame)
            if isinstance(frame.message, SessionStart):
                device.status()  # right behind the ACK, in the same reader step

        device._handle = handle
        dropped = False
        try:
            await link.start_session()
        except RequestDroppedError:
            dropped = True
        await stops[0]
        link.submit(ChannelSetpoint("vib.hips", 0.5, 100))
        await asyncio.sleep(0.5)
        await link.close()
        return dropped, sum(isinstance(r.msg, Setpoint) for r in device.received)

    dropped, setpoints = harness.run(go)
    assert dropped
    assert setpoints == 0


def test_nothing_restarts_after_stop_until_an_explicit_start(
    harness: Any, device_cls: Any
) -> None:
    async def go() -> tuple[list[Any], list[Any], int]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        await link.stop()
        await asyncio.sleep(3.0)
        idle = _after_first_stop(device)
        mark = len(device.received)
        await link.start_session()  # the user's explicit new start
        link.submit(ChannelSetpoint("vib.hips", 0.5, 100))
        await asyncio.sleep(0.3)
        await link.close()
        stop_seq = next(r.seq for r in idle if isinstance(r.msg, Stop))
        return idle, device.received[mark:], stop_seq

    idle, restart, stop_seq = harness.run(go)
    assert not any(isinstance(r.msg, SessionStart | Clear | Setpoint) for r in idle)
    kinds = [type(r.msg) for r in restart if not isinstance(r.msg, Heartbeat)]
    assert kinds[:2] == [Clear, SessionStart]
    fresh = [r.seq for r in restart if isinstance(r.msg, Clear | SessionStart)]
    assert all(((s - stop_seq) & 0xFFFF) < 0x8000 and s != stop_seq for s in fresh)
    assert any(isinstance(r.msg, Setpoint) for r in restart)


@pytest.mark.parametrize(
    ("wire", "name"),
    [(DeviceState.IDLE, "idle"), (DeviceState.RUNNING, "running"),
     (DeviceState.STOPPED, "stopped"), (DeviceState.LINK_LOST, "link-lost"),
     (DeviceState.FAULT, "fault")],
)
def test_state_names_are_the_user_facing_ones(
    harness: Any, device_cls: Any, wire: DeviceState, name: str
) -> None:
    async def go() -> LinkStatus | None:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device.state = wire
        await asyncio.sleep(0.25)
        await link.close()
        return link.status

    status = harness.run(go)
    assert status is not None and status.state == name
    assert status.is_fault == (name in ("fault", "link-lost"))
