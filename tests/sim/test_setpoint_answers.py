"""What the simulator answers to SETPOINTs and to frames it does not take from a controller
(PROTOCOL.md §5.6, §5.10, §7.1), on the wire and on virtual time."""

from __future__ import annotations

import asyncio

from hypothesis import example, given, settings
from hypothesis import strategies as st

from massage_ctl.protocol.enums import AckResult, DeviceState, PatternCode
from massage_ctl.protocol.messages import (
    Ack,
    Clear,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
)
from massage_ctl.protocol.units import hard_max_raw
from massage_sim import SimDevice
from massage_sim.device_core import SetpointRequest

from .helpers import Driver
from .wire_client import RawClient, heartbeats, run_virtual


async def _running(profile: str) -> tuple[SimDevice, RawClient]:
    device = SimDevice(profile)
    client = RawClient(device.receive)
    device.set_output(client.feed)
    await device.start()
    client.hello()
    client.send(Clear())
    client.send(SessionStart(2000))
    await asyncio.sleep(0.01)
    return device, client


def _acks(client: RawClient, seq: int) -> list[tuple[AckResult, int]]:
    return [(a.result, a.detail) for a in client.of_type(Ack) if a.acked_seq == seq]


def test_the_hard_max_is_compared_in_raw_units() -> None:
    # chair channel 0: hard max 0.9 of 1.0 -> raw round(58981.5) = 58982, which is 0.900008.
    assert hard_max_raw(900, 1000) == 58982

    async def main() -> None:
        device, client = await _running("chair")
        at_max = client.send(Setpoint((SetpointEntry(0, 58982, 0, PatternCode.STEADY, 0),)))
        await heartbeats(client, 2.0)
        assert _acks(client, at_max) == []  # the controller's exact hard max is no clamp
        assert device.core.actual_values()["air.neck"] <= 0.9  # and never exceeded
        above = client.send(Setpoint((SetpointEntry(0, 58983, 0, PatternCode.STEADY, 0),)))
        await asyncio.sleep(0.01)
        assert _acks(client, above) == [(AckResult.CLAMPED, 0)]
        await device.close()

    run_virtual(main)


def test_a_rejected_entry_is_reported_rather_than_an_earlier_clamp() -> None:
    d = Driver("chair")
    d.start()
    replies = d.core.setpoint(
        d.now, d.next_seq(), [SetpointRequest(0, 1.0, 0), SetpointRequest(99, 0.5, 0)]
    )
    assert [(r.result, r.detail) for r in replies] == [(AckResult.BAD_CHANNEL, 99)]
    replies = d.core.setpoint(d.now, d.next_seq(), [SetpointRequest(0, 1.0, 0)] * 2)
    assert [(r.result, r.detail) for r in replies] == [(AckResult.CLAMPED, 0)]  # one ACK


def test_rejects_outside_running_come_at_most_every_100_ms() -> None:
    d = Driver("pad")
    results = []
    for _ in range(3):  # the same instant
        results += d.core.setpoint(d.now, d.next_seq(), [SetpointRequest(0, 0.5, 0)])
    assert [r.result for r in results] == [AckResult.BAD_STATE]
    d.now += 0.1
    again = d.core.setpoint(d.now, d.next_seq(), [SetpointRequest(0, 0.5, 0)])
    assert [r.result for r in again] == [AckResult.BAD_STATE]


def test_frames_of_device_types_neither_feed_the_watchdog_nor_count_in_last_seq() -> None:
    # A TX line looped back onto RX must not keep a running device alive on its own STATUS.
    async def main() -> None:
        device, client = await _running("pad")
        before = client.last_status().last_seq
        for k in range(15):  # 3 s of STATUS frames "from the controller"; watchdog 2 s
            client.send(Status(DeviceState.RUNNING, 0, 0, ()), 1000 + k)  # type: ignore[arg-type]
            await asyncio.sleep(0.2)
        status = client.last_status()
        assert status.last_seq == before
        assert status.state == DeviceState.LINK_LOST  # 3 s without a controller frame
        await device.close()

    run_virtual(main)


def test_last_seq_is_zero_before_any_frame() -> None:
    async def main() -> None:
        device = SimDevice("pad")
        client = RawClient(device.receive)
        device.set_output(client.feed)
        await device.start()
        await asyncio.sleep(0.25)
        assert [s.last_seq for s in client.of_type(Status)] == [0, 0, 0]
        await device.close()

    run_virtual(main)


def test_session_end_reaches_zero_within_1_s_even_on_a_slow_channel() -> None:
    # PROTOCOL.md §5.5: the 1 s bound wins over the ramp limit (0.9 at 0.5/s would take 1.8 s).
    d = Driver("chair")
    d.start()
    d.set("air.shoulders.left", 0.9)
    d.run(4.0)
    assert d.value("air.shoulders.left") > 0.85
    reply = d.core.session_end(d.now, d.next_seq())
    assert reply is not None and reply.result == AckResult.OK
    d.run(0.5, step=0.01)
    assert d.value("air.shoulders.left") > 0.0  # a fall, not a jump
    d.run(0.51, step=0.01)
    assert d.value("air.shoulders.left") == 0.0


_ENTRY = st.builds(
    SetpointRequest,
    channel=st.integers(0, 20),
    target=st.floats(0.0, 1.2),
    ramp_ms=st.integers(0, 2000),
    pattern=st.sampled_from(["steady", "pulse", "wave", "knead", "roll", "tap"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ENTRY, min_size=1, max_size=24))
@example([SetpointRequest(0, 0.5, 0), SetpointRequest(0, 0.5, 0, "knead")])
def test_a_setpoint_gets_at_most_one_ack_and_never_a_clamp_over_a_reject(
    entries: list[SetpointRequest],
) -> None:
    d = Driver("chair")
    d.start()
    replies = d.core.setpoint(d.now, d.next_seq(), entries)
    assert len(replies) <= 1
    n = len(d.core.channels)
    rejected = [
        e for e in entries
        if not 0 <= e.channel < n or e.pattern not in d.core.channels[e.channel].spec.patterns
    ]  # fmt: skip
    if rejected:
        assert [(r.result, r.detail) for r in replies] == [
            (
                AckResult.BAD_CHANNEL
                if not 0 <= rejected[0].channel < n
                else AckResult.UNSUPPORTED_PATTERN,
                rejected[0].channel,
            )
        ]
    # Safety: no output is commanded above its hard max, whatever the frame held.
    d.run(3.0)
    for channel in d.core.channels:
        assert channel.actual <= channel.spec.hard_max + 1e-9


def test_two_entries_for_one_channel_in_one_frame_the_later_wins() -> None:
    # PROTOCOL.md §5.6: entries in order, each replacing what that channel was doing.
    d = Driver("pad")
    d.start()
    d.core.setpoint(d.now, d.next_seq(), [SetpointRequest(0, 0.9, 0), SetpointRequest(0, 0.1, 0)])
    d.run(2.0)
    assert abs(d.value("vib.upper-back") - 0.1) < 1e-6
