"""Short SETPOINT frames on slow links, the link's setpoint-delay bound, and heartbeat slip.

A frame on the wire cannot be overtaken by STOP, so a transport can ask for short frames
(``max_frame_bytes``); a burst of many channels then takes several frames, and the link's
``max_setpoint_delay_ms`` must still bound how long any setpoint waits.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.protocol.messages import Heartbeat, Setpoint

from .conftest import Harness, ScriptedDevice


class ShortFrameDevice(ScriptedDevice):
    """A scripted device behind a slow wire: frames of at most ``frame_bytes``."""

    def __init__(self, *args: Any, frame_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frame_bytes = frame_bytes

    @property
    def max_frame_bytes(self) -> int:
        return self.frame_bytes


async def _connected(device: ScriptedDevice) -> Link:
    await device.open()
    link = Link(device)
    await link.connect()
    await link.start_session()
    return link


def _setpoint_frames(device: ScriptedDevice) -> list[tuple[float, Setpoint]]:
    return [(r.t, r.msg) for r in device.received if isinstance(r.msg, Setpoint)]


def test_a_burst_is_split_into_short_frames_and_every_channel_arrives(
    harness: Harness,
) -> None:
    chair = harness.profiles["chair"]

    async def go() -> tuple[ShortFrameDevice, list[int]]:
        device = ShortFrameDevice(chair, frame_bytes=34)  # 115200 baud: 3 ms on the wire
        link = await _connected(device)
        sent_before = len(device.writes)
        for spec in chair.channels:
            link.submit(ChannelSetpoint(spec.id, 0.2 if spec.kind != "heat" else 38.0, 500))
        await asyncio.sleep(0.5)
        await link.close()
        return device, device.writes[sent_before:]

    device, writes = harness.run(go)
    frames = [f for _, f in _setpoint_frames(device)]
    assert max(writes) <= 34
    assert all(len(f.entries) <= 2 for f in frames)
    delivered = sorted(e.channel for f in frames for e in f.entries)
    assert delivered == list(range(len(chair.channels)))


def test_without_a_frame_limit_the_burst_is_one_frame(harness: Harness) -> None:
    chair = harness.profiles["chair"]

    async def go() -> list[tuple[float, Setpoint]]:
        device = ScriptedDevice(chair)
        link = await _connected(device)
        for spec in chair.channels:
            link.submit(ChannelSetpoint(spec.id, 0.2 if spec.kind != "heat" else 38.0, 500))
        await asyncio.sleep(0.3)
        await link.close()
        return _setpoint_frames(device)

    frames = harness.run(go)
    assert len(frames) == 1 and len(frames[0][1].entries) == len(chair.channels)


@settings(max_examples=30, deadline=None)
@given(
    device_name=st.sampled_from(["chair", "pad"]),
    frame_bytes=st.sampled_from([20, 29, 34, 60, 4096]),
    bursts=st.lists(
        st.tuples(st.floats(0.0, 0.4), st.lists(st.integers(0, 15), min_size=1, max_size=16)),
        min_size=1, max_size=6,
    ),
)
def test_no_setpoint_waits_longer_than_the_links_bound(
    device_name: str, frame_bytes: int, bursts: list[tuple[float, list[int]]]
) -> None:
    harness = Harness()
    profile = harness.profiles[device_name]
    ids = [c.id for c in profile.channels]

    async def go() -> tuple[float, list[tuple[float, float]]]:
        device = ShortFrameDevice(profile, frame_bytes=frame_bytes)
        link = await _connected(device)
        loop = asyncio.get_running_loop()
        submitted: dict[tuple[int, int], float] = {}  # (channel index, target raw) -> time
        start = loop.time()
        for k, (at, picks) in enumerate(sorted(bursts)):
            await asyncio.sleep(max(0.0, start + at - loop.time()))
            for i in picks:
                index = i % len(ids)
                value = 0.01 * (1 + k)  # identifies the burst; heat: a legal °C below
                spec = profile.channels[index]
                target = value * 40 if spec.kind == "heat" else value
                link.submit(ChannelSetpoint(ids[index], target, 100))
                submitted[(index, k)] = loop.time()
        await asyncio.sleep(2.0)
        await link.close()
        waits = []
        for t, frame in _setpoint_frames(device):
            for e in frame.entries:
                spec = profile.channels[e.channel]
                for (index, k), t_sub in submitted.items():
                    expected = 0.01 * (1 + k) * (40 if spec.kind == "heat" else 1)
                    raw = round(expected / spec.max * 0xFFFF)
                    if index == e.channel and abs(e.target - raw) <= 1 and t >= t_sub:
                        waits.append((t_sub, t - t_sub))
        return link.max_setpoint_delay_ms, waits

    bound_ms, waits = harness.run(go)
    assert waits, "nothing was delivered"
    assert max(w for _, w in waits) * 1000 <= bound_ms + 1e-6


def test_a_due_setpoint_goes_before_a_due_heartbeat_which_slips_one_slot(
    harness: Harness,
) -> None:
    # A device with room for 50 setpoints/s plus heartbeats: nothing needs to wait.
    fast = harness.profiles["chair"].model_copy(update={"max_frame_rate_hz": 100.0})

    async def go() -> tuple[list[float], list[float]]:
        device = ScriptedDevice(fast)
        link = await _connected(device)
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0.2)
        anchor = loop.time()
        submitted: list[float] = []
        for k in range(100):  # 2 s at 50/s, every fifth one falls on a heartbeat
            await asyncio.sleep(max(0.0, anchor + k * 0.02 - loop.time()))
            link.submit(ChannelSetpoint("air.neck", 0.1 + 0.005 * (k % 100), 0))
            submitted.append(loop.time())
        await asyncio.sleep(0.1)
        await link.close()
        written = [t for t, _ in _setpoint_frames(device) if t >= anchor]
        beats = [r.t for r in device.received if isinstance(r.msg, Heartbeat) and r.t >= anchor]
        return [w - s for w, s in zip(written, submitted, strict=True)], beats

    lateness, beats = harness.run(go)
    assert max(lateness) < 1e-3  # no setpoint held back behind a heartbeat
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(beats) >= 19 and max(gaps) <= 0.1 + 0.01 + 1e-3  # late by one slot at most

