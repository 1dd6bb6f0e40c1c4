"""The limits a guard enforces are fixed for its session, and a damaged timeline cannot loosen
or break them (docs/SAFETY.md, layer 2)."""

from __future__ import annotations

import dataclasses

import pytest

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player.guard import Guard, timeline_caps
from massage_ctl.safety import STANDARD
from massage_ctl.timeline import Timeline, TimelineChannel

PAD = load_device_profile("pad")


def test_the_limits_of_a_running_guard_cannot_be_loosened() -> None:
    guard = Guard(PAD, STANDARD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        guard.limits["vib.hips"].cap = 1.0  # type: ignore[misc]
    assert guard.apply(ChannelSetpoint("vib.hips", 1.0, 600_000), 0.0).value == (
        pytest.approx(STANDARD.max_intensity)
    )


@pytest.mark.parametrize("intensity", [0.0, -0.5])
def test_a_timeline_claiming_no_intensity_keeps_its_own_caps(intensity: float) -> None:
    # A timeline file whose "intensity" is 0 (or damaged) must neither crash the player nor
    # scale its caps: they stay what the file lists.
    timeline = Timeline(
        program="p", device="pad", safety="standard", duration_ms=1000,
        channels=(TimelineChannel("vib.hips", "hips", "vibration", 0.65),), commands=(),
        phases=(), intensity=intensity,
    )
    caps = timeline_caps(timeline)
    assert caps == {"vib.hips": pytest.approx(0.65)}
    guard = Guard(PAD, STANDARD, caps)
    assert guard.apply(ChannelSetpoint("vib.hips", 0.8, 600_000), 0.0).value == (
        pytest.approx(0.65)
    )


def test_the_slowed_ramp_warning_counts_the_change_from_where_the_channel_is() -> None:
    # A motor held at 0.5 stepped down to 0.45 at once needs a quarter second at 0.2/s: dispatch
    # noise, no warning; stepped down to 0.2 it needs 1.5 s, which the user is told about.
    for target, warned in ((0.45, False), (0.2, True)):
        guard = Guard(PAD, STANDARD)
        guard.apply(ChannelSetpoint("vib.hips", 0.5, 2500), 0.0)
        guard.apply(ChannelSetpoint("vib.hips", target, 0), 5000.0)
        assert any("ramp slowed" in w for w in guard.warnings) is warned, guard.warnings
