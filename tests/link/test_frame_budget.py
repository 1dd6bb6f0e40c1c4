"""The frame budget (PROTOCOL §7.5), one-channel SETPOINT frames (PROTOCOL.md) and the setpoint
filter (the player's guard) applied when a frame really leaves."""

from __future__ import annotations

import asyncio
import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import LinkError
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.link.outbox import DUE_EPS_S, FrameBudget, burst_for
from massage_ctl.protocol.messages import Heartbeat, Setpoint

from .conftest import DirectScriptedDevice, Harness, ScriptedDevice, SometimesBackedUpDevice


async def _connected(device: ScriptedDevice) -> Link:
    await device.open()
    link = Link(device)
    await link.connect()
    await link.start_session()
    return link


def _setpoint_frames(device: ScriptedDevice) -> list[tuple[float, Setpoint]]:
    return [(r.t, r.msg) for r in device.received if isinstance(r.msg, Setpoint)]


def _most_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if s <= t < s + window) for s in times)


@settings(max_examples=200, deadline=None)
@given(
    rate=st.sampled_from([20.0, 50.0, 100.0, 12.5]),
    wanted=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=300),
)
def test_budget_keeps_the_rate_over_any_second_and_bursts_small(
    rate: float, wanted: list[float]
) -> None:
    budget = FrameBudget(rate, burst_for(rate))
    sent: list[float] = []
    for t in sorted(wanted):  # each frame leaves as soon as both rules allow
        now = max(t, budget.next_at - DUE_EPS_S, sent[-1] if sent else 0.0)
        budget.spend(now)
        sent.append(now)
    assert _most_in_window(sent, 1.0) <= math.floor(rate)
    # Token bucket: in any interval of length T at most burst + T × rate frames.
    for a, b in itertools.combinations(sent, 2):
        inside = sum(1 for t in sent if a <= t <= b)
        assert inside <= budget.burst + (b - a) * rate + 1e-6


def test_after_a_quiet_spell_a_burst_goes_back_to_back() -> None:
    budget = FrameBudget(50.0, burst_for(50.0))
    assert budget.burst == 5
    for _ in range(5):
        assert budget.next_at <= 10.0 + 1e-5  # free now (within the timer tolerance)
        budget.spend(10.0)
    assert budget.next_at > 10.0 + 0.9 * budget.interval  # the sixth waits for a refill


@settings(max_examples=30, deadline=None)
@given(
    device_cls=st.sampled_from([ScriptedDevice, DirectScriptedDevice, SometimesBackedUpDevice]),
    device_name=st.sampled_from(["chair", "pad"]),
    bursts=st.lists(
        st.tuples(st.floats(0.0, 0.4), st.lists(st.integers(0, 15), min_size=1, max_size=16)),
        min_size=1, max_size=6,
    ),
)
def test_every_channel_gets_its_newest_value_in_short_frames_within_budget(
    device_cls: type[ScriptedDevice], device_name: str, bursts: list[tuple[float, list[int]]]
) -> None:
    harness = Harness()
    profile = harness.profiles[device_name]
    ids = [c.id for c in profile.channels]

    async def go() -> tuple[dict[int, int], list[tuple[float, Setpoint]], list[float], list[int]]:
        device = device_cls(profile)
        link = await _connected(device)
        loop = asyncio.get_running_loop()
        newest: dict[int, int] = {}  # channel index -> raw target of its last setpoint
        start = loop.time()
        for k, (at, picks) in enumerate(sorted(bursts)):
            await asyncio.sleep(max(0.0, start + at - loop.time()))
            for i in picks:
                index = i % len(ids)
                spec = profile.channels[index]
                value = 0.01 * (1 + k) * (40 if spec.kind == "heat" else 1)
                link.submit(ChannelSetpoint(ids[index], value, 100))
                newest[index] = round(value / spec.max * 0xFFFF)
        await asyncio.sleep(2.0)
        await link.close()
        times = [r.t for r in device.received if r.t >= start]
        return newest, _setpoint_frames(device), times, device.writes

    newest, frames, times, writes = harness.run(go)
    assert max(writes) <= 20  # PROTOCOL.md: every frame fits one default BLE write
    assert all(len(f.entries) == 1 for _, f in frames)
    last = {f.entries[0].channel: f.entries[0].target for _, f in frames}
    assert all(abs(last[i] - raw) <= 1 for i, raw in newest.items())
    assert _most_in_window(times, 1.0) <= math.floor(profile.max_frame_rate_hz)
    assert _most_in_window(times, 1e-9) <= burst_for(profile.max_frame_rate_hz)


def test_the_setpoint_filter_runs_when_the_frame_leaves(
    harness: Harness, device_cls: type[ScriptedDevice]
) -> None:
    pad = harness.profiles["pad"]  # 20 frames/s: a burst of 4 channels takes a while

    async def go() -> tuple[list[tuple[float, str]], list[tuple[float, Setpoint]], float]:
        device = device_cls(pad)
        link = await _connected(device)
        loop = asyncio.get_running_loop()
        filtered: list[tuple[float, str]] = []

        def halve(sp: ChannelSetpoint, now: float) -> ChannelSetpoint:
            filtered.append((now, sp.channel))
            return ChannelSetpoint(sp.channel, sp.value / 2, sp.ramp_ms)

        link.set_setpoint_filter(halve)
        await asyncio.sleep(0.5)
        submitted_at = loop.time()
        for spec in pad.channels:
            link.submit(ChannelSetpoint(spec.id, 0.6, 1000))
        await asyncio.sleep(1.0)
        await link.close()
        return filtered, _setpoint_frames(device), submitted_at

    filtered, frames, submitted_at = harness.run(go)
    assert [t for t, _ in filtered] == [t for t, _ in frames]  # judged as it was sent …
    assert frames[-1][0] - submitted_at >= 1 / 20  # … which for the last was later
    assert all(f.entries[0].target == round(0.3 * 0xFFFF) for _, f in frames)


def test_a_failing_setpoint_filter_ends_the_link_loudly_and_sends_nothing_unchecked(
    harness: Harness, device_cls: type[ScriptedDevice]
) -> None:
    # The filter is the player's guard: if it breaks, no setpoint may leave without it, and
    # the link must fail with a clear error (the session then stops), not go quiet.
    pad = harness.profiles["pad"]

    async def go() -> tuple[BaseException | None, list[tuple[float, Setpoint]]]:
        device = device_cls(pad)
        link = await _connected(device)

        def broken(sp: ChannelSetpoint, now: float) -> ChannelSetpoint:
            raise RuntimeError("guard bug")

        link.set_setpoint_filter(broken)
        link.submit(ChannelSetpoint(pad.channels[0].id, 0.9, 0))
        err = await asyncio.wait_for(link.wait_failed(), timeout=5.0)
        await link.close()
        return err, _setpoint_frames(device)

    err, frames = harness.run(go)
    assert isinstance(err, LinkError)
    assert "sending failed" in str(err) and "guard bug" in str(err)
    assert frames == []


def test_a_due_setpoint_goes_before_a_due_heartbeat_which_slips_one_slot(
    harness: Harness, device_cls: type[ScriptedDevice]
) -> None:
    # A device with room for 50 setpoints/s plus heartbeats: nothing needs to wait.
    fast = harness.profiles["chair"].model_copy(update={"max_frame_rate_hz": 100.0})

    async def go() -> tuple[list[float], list[float]]:
        device = device_cls(fast)
        link = await _connected(device)
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0.2)
        anchor = loop.time()
        submitted: list[float] = []
        for k in range(100):  # 2 s at 50/s, every fifth one falls on a heartbeat
            await asyncio.sleep(max(0.0, anchor + k * 0.02 + 0.0005 * (k % 3) - loop.time()))
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


class _MinMaxBudget(FrameBudget):
    """The budget's bookkeeping as first written (min/max calls): the reference for spend()."""

    def spend(self, now: float, frames: int = 1) -> None:
        sent = self._sent
        sent.extend([now] * frames)
        tokens = self._tokens + (now - self._refilled_at) / self.interval
        self._tokens = tokens = min(float(self.burst), tokens) - frames
        self._refilled_at = now
        next_at = now + max(0.0, 1.0 - tokens) * self.interval
        if len(sent) == sent.maxlen:
            next_at = max(next_at, sent[0] + 1.0)
        self.next_at = next_at + 2 * DUE_EPS_S


@settings(max_examples=300, deadline=None)
@given(
    rate=st.sampled_from([20.0, 50.0, 100.0, 12.5, 7.0]),
    steps=st.lists(
        st.tuples(st.floats(0.0, 0.5), st.sampled_from([1, 1, 1, 3])), min_size=1, max_size=200
    ),
)
def test_spend_gives_the_same_floats_as_the_min_max_formula(
    rate: float, steps: list[tuple[float, int]]
) -> None:
    fast, reference = FrameBudget(rate, burst_for(rate)), _MinMaxBudget(rate, burst_for(rate))
    now = 0.0
    for gap, frames in steps:
        now += gap
        fast.spend(now, frames)
        reference.spend(now, frames)
        assert fast.next_at == reference.next_at
        assert fast._tokens == reference._tokens
        assert list(fast._sent) == list(reference._sent)
