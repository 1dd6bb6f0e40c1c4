"""Where the device goes a way the guard's model does not, the next ramp allows for it — and
only there (docs/SAFETY.md, layer 2; the module doc of ``player/guard.py``).

A channel the model has holding still can still be seen creeping up or sinking (a lost frame
left it on an older command). Whatever comes next must be safe from wherever the device may
have got to by the time it lands: the last report, moved on at the safe rate for the report's
age and the delivery slack (and, for an air cell, the lag of the pressure it reports behind its
drive). A channel that does what the model says is timed from the model: no slower than needed.
"""

from __future__ import annotations

import math

import pytest

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player import Guard
from massage_ctl.safety import STANDARD

PAD = load_device_profile("pad")
CHAIR = load_device_profile("chair")
RATE = 0.2  # standard's ramp limit, below both channels' own
SLACK_MS = 120.0
AGE_S = 0.25  # a report is at most this old (10 Hz status plus transit)
#: (device, channel, how far an air cell's drive may run from the pressure it reports)
CHANNELS = [(PAD, "vib.hips", 0.0), (CHAIR, "air.upper-back", RATE * 1.0)]


def _settled_at(device: object, channel: str, value: float, reports: list[float]) -> Guard:
    """A guard whose ``channel`` rose to ``value`` and held there (reports agreeing) until
    3 s, then reported ``reports`` at 3.1 s, 3.2 s, …"""
    assert device is PAD or device is CHAIR
    guard = Guard(device, STANDARD)
    guard.delivery_slack_ms = SLACK_MS
    guard.apply(ChannelSetpoint(channel, value, round(value / RATE * 1000)), 0.0)
    for t in range(100, 3001, 100):
        guard.observe({channel: min(value, RATE * t / 1000.0)}, float(t))
    for i, seen in enumerate(reports, 1):
        guard.observe({channel: seen}, 3000.0 + 100.0 * i)
    return guard


def _ms(change: float) -> int:
    return math.ceil(change / RATE * 1000 - 1e-6)


@pytest.mark.parametrize(("device", "channel", "lag"), CHANNELS)
def test_a_held_channel_rises_and_pauses_at_the_full_safe_rate(
    device: object, channel: str, lag: float
) -> None:
    # Holding still as the model says: a rise from 0.3 to 0.6 takes exactly the safe 1.5 s,
    # and so does a pause from 0.3.
    up = _settled_at(device, channel, 0.3, [0.3, 0.3])
    assert up.apply(ChannelSetpoint(channel, 0.6, 0), 3200.0).ramp_ms == _ms(0.3)
    down = _settled_at(device, channel, 0.3, [0.3, 0.3])
    assert down.apply(ChannelSetpoint(channel, 0.0, 0), 3200.0).ramp_ms == _ms(0.3)


@pytest.mark.parametrize(("device", "channel", "lag"), CHANNELS)
def test_a_channel_sinking_below_a_model_that_holds_rises_from_where_it_may_have_sunk_to(
    device: object, channel: str, lag: float
) -> None:
    guard = _settled_at(device, channel, 0.3, [0.29, 0.28])
    assert not guard.disagrees(channel, 3200.0)  # still within the telemetry tolerance
    out = guard.apply(ChannelSetpoint(channel, 0.6, 0), 3200.0)
    lowest = 0.28 - RATE * (AGE_S + SLACK_MS / 1000.0) - lag
    assert out.ramp_ms >= _ms(0.6 - lowest), out


@pytest.mark.parametrize(("device", "channel", "lag"), CHANNELS)
def test_a_channel_creeping_above_a_model_that_holds_pauses_from_where_it_may_have_crept_to(
    device: object, channel: str, lag: float
) -> None:
    guard = _settled_at(device, channel, 0.3, [0.31, 0.32])
    assert not guard.disagrees(channel, 3200.0)
    out = guard.apply(ChannelSetpoint(channel, 0.0, 0), 3200.0)
    highest = 0.32 + RATE * (AGE_S + SLACK_MS / 1000.0) + lag
    assert out.ramp_ms >= _ms(highest), out


def test_a_rise_during_a_fade_the_device_follows_is_timed_from_the_model() -> None:
    # Held at 0.6, then fading at 0.1/s as commanded (the reports follow): 1 s later the motor
    # is at 0.5, and at most 0.012 lower when a new command lands 120 ms later. A rise to 0.8
    # then needs at most (0.8 - 0.488) / 0.2 s — falling reports are no reason to wait longer.
    guard = _settled_at(PAD, "vib.hips", 0.6, [0.6] * 5)
    guard.apply(ChannelSetpoint("vib.hips", 0.0, 6000), 3500.0)
    for t in range(3600, 4501, 100):
        guard.observe({"vib.hips": 0.6 - 0.1 * (t - 3500) / 1000.0}, float(t))
    assert not guard.disagrees("vib.hips", 4500.0)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.8, 0), 4500.0)
    assert _ms(0.8 - 0.5) <= out.ramp_ms <= _ms(0.8 - (0.5 - 0.1 * SLACK_MS / 1000.0)), out


def test_one_report_tells_no_direction_so_both_ways_are_allowed() -> None:
    # The first report of a channel after a quiet start (telemetry lost until now) agrees
    # with the model, but one value cannot say whether the device is creeping up or sinking:
    # a pause allows for a rise, a rise for a sink, as far as the report's age and the
    # delivery slack let the device move.
    moved = RATE * (AGE_S + SLACK_MS / 1000.0)
    for target, needed in ((0.0, 0.3 + moved), (0.6, 0.3 + moved)):
        guard = Guard(PAD, STANDARD)
        guard.delivery_slack_ms = SLACK_MS
        guard.apply(ChannelSetpoint("vib.hips", 0.3, 1500), 0.0)
        guard.observe({"vib.hips": 0.3}, 3000.0)
        out = guard.apply(ChannelSetpoint("vib.hips", target, 0), 3000.0)
        assert out.ramp_ms >= _ms(needed), (target, out)
