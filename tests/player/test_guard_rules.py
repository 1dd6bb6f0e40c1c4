"""The guard's rules as a user meets them (docs/SAFETY.md, layer 2).

Each test states something a person on the device would notice if it broke: a garbage value
sent as full strength, the "softer" key doing nothing, a program's own cap ignored, a slow
fade-in played fast, a ramp judged from where the channel is *not*.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player.guard import MAX_SCALE, Guard, timeline_caps
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.timeline import Timeline, TimelineChannel

CHAIR = load_device_profile("chair")
PAD = load_device_profile("pad")
INTENSITY = [c for c in CHAIR.channels if c.kind in ("vibration", "pressure", "roller")]
LONG_MS = 600_000  # a ramp so slow that the ramp limit never shortens the value


def _cap(channel: str, safety: SafetyProfile) -> float:
    spec = CHAIR.channel(channel)
    if spec.kind == "heat":
        return min(spec.hard_max, safety.heat_max_c)
    if spec.kind == "position":
        return spec.hard_max
    return min(spec.hard_max, safety.max_intensity)


# -- garbage in: nothing ------------------------------------------------------------------------
@settings(deadline=None)  # examples: the Hypothesis profile (tests/conftest.py)
@given(
    channel=st.sampled_from([c.id for c in CHAIR.channels]),
    safety=st.sampled_from([STANDARD, GENTLE]),
    bad=st.sampled_from([math.nan, math.inf, -math.inf]),
    scale=st.floats(0.1, MAX_SCALE),
)
def test_a_nan_or_infinite_setpoint_is_sent_as_zero_never_as_the_cap(
    channel: str, safety: SafetyProfile, bad: float, scale: float
) -> None:
    guard = Guard(CHAIR, safety)
    out = guard.apply(ChannelSetpoint(channel, bad, LONG_MS), 0.0, scale)
    assert out.value == 0.0
    assert any("invalid value" in w for w in guard.warnings)


@pytest.mark.parametrize("scale", [math.nan, -1.0, -math.inf])
def test_a_broken_live_intensity_turns_intensity_off(scale: float) -> None:
    guard = Guard(PAD, STANDARD)
    assert guard.apply(ChannelSetpoint("vib.hips", 0.5, LONG_MS), 0.0, scale).value == 0.0


# -- the live intensity (+/-) -----------------------------------------------------------------
@settings(deadline=None)  # examples: the Hypothesis profile (tests/conftest.py)
@given(
    channel=st.sampled_from([c.id for c in INTENSITY]),
    value=st.floats(0.0, 0.8),
    scale=st.floats(0.1, 1.0),
)
def test_pressing_softer_lowers_what_the_device_is_sent(
    channel: str, value: float, scale: float
) -> None:
    guard = Guard(CHAIR, STANDARD)
    out = guard.apply(ChannelSetpoint(channel, value, LONG_MS), 0.0, scale)
    assert out.value == pytest.approx(min(value * scale, _cap(channel, STANDARD)), abs=1e-9)


def test_the_softer_key_halves_a_pad_motor_and_the_harder_key_brings_it_back() -> None:
    guard = Guard(PAD, STANDARD)
    assert guard.apply(ChannelSetpoint("vib.hips", 0.6, LONG_MS), 0.0, 0.5).value == (
        pytest.approx(0.3)
    )
    assert guard.apply(ChannelSetpoint("vib.hips", 0.3, LONG_MS), 1000.0, 2.0).value == (
        pytest.approx(0.6)
    )


def test_live_intensity_at_most_undoes_the_lowest_compiled_intensity() -> None:
    # A timeline compiled at --intensity 0.1 played at 1.0 is a factor of 10, never more.
    guard = Guard(PAD, STANDARD)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.05, LONG_MS), 0.0, 20.0)
    assert out.value == pytest.approx(0.05 * MAX_SCALE) == pytest.approx(0.5)


@pytest.mark.parametrize(("channel", "value"), [("heat.lower-back", 36.0),
                                                ("roller.position", 0.7)])
def test_the_live_intensity_leaves_heat_and_roller_position_alone(
    channel: str, value: float
) -> None:
    # Softer means less pressure, not a colder pad or a roller somewhere else on the back.
    for scale in (0.3, 1.0, 2.0):
        guard = Guard(CHAIR, STANDARD)
        assert guard.apply(ChannelSetpoint(channel, value, LONG_MS), 0.0, scale).value == (
            pytest.approx(value)
        )


# -- caps ---------------------------------------------------------------------------------------
def test_the_programs_own_cap_holds_even_when_the_profile_allows_more() -> None:
    # A program written with [limits] max_intensity = 0.65 plays at 0.65, not standard's 0.8.
    timeline = Timeline(
        program="p", device="pad", safety="standard", duration_ms=1000,
        channels=(TimelineChannel("vib.hips", "hips", "vibration", 0.65),), commands=(),
        phases=(), intensity=1.0,
    )
    guard = Guard(PAD, STANDARD, timeline_caps(timeline))
    assert guard.apply(ChannelSetpoint("vib.hips", 0.8, LONG_MS), 0.0).value == (
        pytest.approx(0.65)
    )
    assert guard.apply(ChannelSetpoint("vib.hips", 0.8, LONG_MS), 1.0, 3.0).value == (
        pytest.approx(0.65)
    )


def test_a_program_compiled_softer_may_be_turned_back_up_only_to_its_own_cap() -> None:
    # Compiled at --intensity 0.5 the timeline lists cap 0.325 for a program cap of 0.65; turned
    # up to 1.0 live, the channel may reach 0.65 — and not the profile's 0.8.
    timeline = Timeline(
        program="p", device="chair", safety="standard", duration_ms=1000,
        channels=(
            TimelineChannel("seat.vibration", "hips", "vibration", 0.325),
            TimelineChannel("heat.lower-back", "lower-back", "heat", 39.0),
            TimelineChannel("roller.position", "upper-back", "position", 0.9),
        ),
        commands=(), phases=(), intensity=0.5,
    )
    caps = timeline_caps(timeline)
    assert caps["seat.vibration"] == pytest.approx(0.65)
    assert caps["heat.lower-back"] == pytest.approx(39.0)  # °C are not scaled
    assert caps["roller.position"] == pytest.approx(0.9)  # a place on the back is not either
    guard = Guard(CHAIR, STANDARD, caps)
    assert guard.apply(ChannelSetpoint("seat.vibration", 0.4, LONG_MS), 0.0, 2.0).value == (
        pytest.approx(0.65)
    )
    assert guard.apply(ChannelSetpoint("heat.lower-back", 41.0, LONG_MS), 0.0).value == (
        pytest.approx(39.0)
    )


@pytest.mark.parametrize(("safety", "cap"), [(STANDARD, 0.80), (GENTLE, 0.35)])
def test_every_intensity_channel_is_capped_at_the_profiles_max_intensity(
    safety: SafetyProfile, cap: float
) -> None:
    guard = Guard(CHAIR, safety)
    for spec in INTENSITY:
        assert guard.apply(ChannelSetpoint(spec.id, 1.0, LONG_MS), 0.0).value == (
            pytest.approx(cap)
        ), spec.id


def test_a_negative_setpoint_is_sent_as_zero() -> None:
    guard = Guard(PAD, STANDARD)
    assert guard.apply(ChannelSetpoint("vib.hips", -0.4, LONG_MS), 0.0).value == 0.0


# -- ramps --------------------------------------------------------------------------------------
def test_a_programs_slow_fade_in_is_played_slowly() -> None:
    # A 20 s fade-in must not become the 2 s the ramp limit would allow.
    guard = Guard(PAD, STANDARD)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.4, 20_000), 0.0)
    assert out.value == pytest.approx(0.4)
    assert out.ramp_ms == 20_000


@pytest.mark.parametrize(("safety", "per_s"), [(STANDARD, 0.20), (GENTLE, 0.05)])
def test_a_jump_is_slowed_to_the_profiles_ramp_rate(safety: SafetyProfile, per_s: float) -> None:
    guard = Guard(PAD, safety)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.3, 0), 0.0)
    assert out.ramp_ms == pytest.approx(0.3 / per_s * 1000, abs=1)


def test_a_pause_after_a_delayed_frame_ramps_from_where_the_channel_may_be_by_then() -> None:
    # The rise to 0.8 lands up to 100 ms late, and so may the zero sent at 1 s: by then the motor
    # may be at 0.22 (1.1 s into the rise), and the zero must not drop it faster than 0.2/s.
    guard = Guard(PAD, STANDARD)
    guard.delivery_slack_ms = 100.0
    guard.apply(ChannelSetpoint("vib.hips", 0.8, 4000), 0.0)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.0, 0), 1000.0)
    assert out.ramp_ms >= 1100


@settings(deadline=None)  # examples: the Hypothesis profile (tests/conftest.py)
@given(
    safety=st.sampled_from([STANDARD, GENTLE]),
    slack_ms=st.floats(0.0, 200.0),
    steps=st.lists(
        st.tuples(
            st.floats(0.0, 5000.0),  # ms since the previous setpoint was built
            st.floats(0.0, 1.0),  # value
            st.integers(0, 10_000),  # requested ramp
            st.floats(0.0, 1.0),  # how much of the slack this frame waits (fraction)
        ),
        min_size=1, max_size=25,
    ),
)
def test_no_delivery_delay_makes_a_change_faster_than_the_ramp_limit(
    safety: SafetyProfile, slack_ms: float, steps: list[tuple[float, float, int, float]]
) -> None:
    """An independent device: each frame lands up to the slack after it was built (in order),
    and moves the motor linearly from wherever it is then. No landing makes a change too fast."""
    guard = Guard(PAD, safety)
    guard.delivery_slack_ms = slack_ms
    rate = min(PAD.channel("vib.hips").max_ramp_per_s, safety.max_ramp_per_s)
    t = 0.0
    landed = -math.inf
    start, t0, target, ramp = 0.0, 0.0, 0.0, 0.0  # the device's current ramp
    for dt, value, ramp_ms, wait in steps:
        t += dt
        out = guard.apply(ChannelSetpoint("vib.hips", value, ramp_ms), t)
        arrival = max(landed, t + wait * slack_ms)  # frames never overtake one another
        now = start if arrival < t0 else (
            target if ramp <= 0 or arrival >= t0 + ramp
            else start + (target - start) * (arrival - t0) / ramp
        )
        assert abs(out.value - now) <= rate * out.ramp_ms / 1000.0 + 1e-6
        start, t0, target, ramp, landed = now, arrival, out.value, float(out.ramp_ms), arrival


def test_after_a_lost_frame_the_ramp_allows_for_how_far_the_device_may_have_moved() -> None:
    # The guard believes the motor settled at 0.2, but the device reports 0.6 (a frame was lost
    # and an older, higher command still runs). Half a second after that report, the motor may
    # have climbed for the report's age plus that half second plus the delivery slack; a drop
    # to zero must be slow enough from there.
    guard = Guard(PAD, STANDARD)
    guard.delivery_slack_ms = 100.0
    guard.apply(ChannelSetpoint("vib.hips", 0.2, 1000), 0.0)
    guard.observe({"vib.hips": 0.6}, 5000.0)
    assert guard.disagrees("vib.hips", 5000.0)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.0, 0), 5500.0)
    highest = 0.6 + 0.2 * (0.5 + 0.25 + 0.1)
    # Slow enough from there — and no slower: a fade the user asked for is not dragged out.
    assert highest / 0.2 * 1000 - 1 <= out.ramp_ms <= highest / 0.2 * 1000 + 1


def test_after_a_lost_frame_a_rise_is_judged_from_the_lowest_place_the_motor_can_be() -> None:
    # Same lost frame; now the program asks for 0.8. The device reported 0.6, but the guard's
    # own command (0.2) may have landed since: from 0.2 the rise to 0.8 needs 3 s.
    guard = Guard(PAD, STANDARD)
    guard.delivery_slack_ms = 100.0
    guard.apply(ChannelSetpoint("vib.hips", 0.2, 1000), 0.0)
    guard.observe({"vib.hips": 0.6}, 5000.0)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.8, 0), 5500.0)
    assert out.ramp_ms == pytest.approx(3000, abs=1)


def test_a_value_exactly_at_the_cap_is_not_reported_as_clamped() -> None:
    # The compiler writes values at the cap all the time; only a real clamp is worth a word.
    guard = Guard(PAD, GENTLE)
    guard.apply(ChannelSetpoint("vib.hips", 0.35, LONG_MS), 0.0)
    assert not any("clamped" in w for w in guard.warnings)
    guard.apply(ChannelSetpoint("vib.hips", 0.3500001, LONG_MS), 1.0)
    assert any("clamped" in w for w in guard.warnings)


def test_a_report_where_the_guard_expects_the_channel_is_no_disagreement() -> None:
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.4, 2000), 0.0)
    guard.observe({"vib.hips": 0.4}, 3000.0)
    assert not guard.disagrees("vib.hips", 3000.0)
    guard.observe({"vib.hips": 0.0}, 3100.0)  # the motor never started: a lost frame
    assert guard.disagrees("vib.hips", 3100.0)


def test_after_a_stop_the_next_rise_starts_from_zero() -> None:
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.8, 4000), 0.0)
    guard.reset(10_000.0)  # STOP: everything is at zero now
    out = guard.apply(ChannelSetpoint("vib.hips", 0.0, 0), 10_000.0)
    assert out.ramp_ms == 0  # nothing to ramp down from
    out = guard.apply(ChannelSetpoint("vib.hips", 0.4, 0), 10_000.0)
    assert out.ramp_ms == 2000  # 0 → 0.4 at 0.2/s


# -- rhythms ------------------------------------------------------------------------------------
def test_gentle_slows_a_fast_pulse_to_two_hertz_and_keeps_a_slow_one() -> None:
    guard = Guard(PAD, GENTLE)
    fast = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", 5.0), 0.0)
    assert (fast.pattern, fast.rate_hz) == ("pulse", pytest.approx(2.0))
    at_limit = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", 2.0), 1.0)
    assert (at_limit.pattern, at_limit.rate_hz) == ("pulse", pytest.approx(2.0))
    slow = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", 1.0), 2.0)
    assert (slow.pattern, slow.rate_hz) == ("pulse", pytest.approx(1.0))


def test_standard_lets_fast_pulses_and_tapping_through() -> None:
    guard = Guard(CHAIR, STANDARD)
    pulse = guard.apply(ChannelSetpoint("seat.vibration", 0.2, LONG_MS, "pulse", 5.0), 0.0)
    assert (pulse.pattern, pulse.rate_hz) == ("pulse", pytest.approx(5.0))
    tap = guard.apply(ChannelSetpoint("roller.knead", 0.2, LONG_MS, "tap", 3.0), 0.0)
    assert (tap.pattern, tap.rate_hz) == ("tap", pytest.approx(3.0))


def test_gentle_turns_tapping_into_steady_pressure() -> None:
    guard = Guard(CHAIR, GENTLE)
    tap = guard.apply(ChannelSetpoint("roller.knead", 0.2, LONG_MS, "tap", 3.0), 0.0)
    assert (tap.pattern, tap.rate_hz) == ("steady", 0.0)


def test_a_rhythm_outside_the_devices_range_is_brought_into_it() -> None:
    guard = Guard(PAD, STANDARD)  # the pad pulses at 0.5–10 Hz
    fast = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "wave", 30.0), 0.0)
    assert fast.rate_hz == pytest.approx(10.0)
    slow = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "wave", 0.1), 1.0)
    assert slow.rate_hz == pytest.approx(0.5)
    knead = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "knead", 1.0), 2.0)
    assert (knead.pattern, knead.rate_hz) == ("steady", 0.0)  # the pad cannot knead


def test_a_settled_motor_reported_a_tenth_off_is_noticed() -> None:
    # Telemetry resolves far better than 10 % of full scale; a settled pad motor (0.2/s under
    # standard) reported 0.1 below its command has missed a frame, and the player must re-send.
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.5, 2500), 0.0)
    guard.observe({"vib.hips": 0.4}, 10_000.0)
    assert guard.disagrees("vib.hips", 10_000.0)
    guard.observe({"vib.hips": 0.45}, 10_100.0)  # 5 %: within a report's age and the air lag
    assert not guard.disagrees("vib.hips", 10_100.0)


def _slowed(guard: Guard) -> bool:
    return any("ramp slowed" in w for w in guard.warnings)


def test_a_ramp_slowed_by_a_moment_is_not_worth_a_warning_but_a_noticeable_one_is() -> None:
    # The user reads these warnings during a session: a quarter second is dispatch noise.
    quiet = Guard(PAD, STANDARD)
    quiet.apply(ChannelSetpoint("vib.hips", 0.05, 0), 0.0)  # needs 250 ms at 0.2/s
    assert not _slowed(quiet)
    loud = Guard(PAD, STANDARD)
    loud.apply(ChannelSetpoint("vib.hips", 0.0502, 0), 0.0)  # needs 251 ms
    assert _slowed(loud)


def test_a_long_ramp_is_reported_once_slowed_by_more_than_a_quarter() -> None:
    quiet = Guard(PAD, STANDARD)
    quiet.apply(ChannelSetpoint("vib.hips", 0.48, 2000), 0.0)  # needs 2400 ms: +20 %
    assert not _slowed(quiet)
    loud = Guard(PAD, STANDARD)
    loud.apply(ChannelSetpoint("vib.hips", 0.52, 2000), 0.0)  # needs 2600 ms: +30 %
    assert _slowed(loud)


def test_a_broken_report_is_ignored_not_taken_for_a_lost_frame() -> None:
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.4, 2000), 0.0)
    guard.observe({"vib.hips": math.nan, "air.neck": 0.5}, 5000.0)  # garbage, and no such motor
    assert not guard.disagrees("vib.hips", 5000.0)


def test_a_report_is_judged_as_up_to_a_quarter_second_old() -> None:
    # Rising at 0.2/s, the motor is at 0.4 at 2 s and was at 0.35 at 1.75 s; a report of 0.30
    # arriving at 2 s is within a report's age and the telemetry tolerance of the latter.
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.8, 4000), 0.0)
    guard.observe({"vib.hips": 0.30}, 2000.0)
    assert not guard.disagrees("vib.hips", 2000.0)
    guard.observe({"vib.hips": 0.25}, 2100.0)  # but not far behind that
    assert guard.disagrees("vib.hips", 2100.0)


def test_a_heat_pad_is_judged_in_degrees() -> None:
    # Heat lags (0.1 °C/s on the chair): a pad reported 1 °C under its setting has not missed a
    # frame; 3 °C under has.
    guard = Guard(CHAIR, STANDARD)
    guard.apply(ChannelSetpoint("heat.lower-back", 40.0, 400_000), 0.0)
    guard.observe({"heat.lower-back": 39.0}, 500_000.0)
    assert not guard.disagrees("heat.lower-back", 500_000.0)
    guard.observe({"heat.lower-back": 37.0}, 500_100.0)
    assert guard.disagrees("heat.lower-back", 500_100.0)


def test_after_a_lost_rise_the_next_rise_starts_from_where_the_device_says_it_is() -> None:
    # The guard sent 0.4, but the device reports 0.0: the frame was lost. A rise to 0.8 must be
    # slow enough from 0 (4 s at 0.2/s), not from where the lost frame would have taken it.
    guard = Guard(PAD, STANDARD)
    guard.apply(ChannelSetpoint("vib.hips", 0.4, 2000), 0.0)
    guard.observe({"vib.hips": 0.0}, 10_000.0)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.8, 0), 10_000.0)
    assert out.ramp_ms == pytest.approx(4000, abs=1)


def test_a_change_too_large_for_an_hour_long_ramp_goes_only_as_far_as_an_hour_allows() -> None:
    # A heat pad that may change 0.005 °C/s needs over two hours from 0 to 38 °C: the guard
    # sends the longest ramp it allows (1 h) towards 18 °C, and says so.
    slow = CHAIR.model_copy(update={"channels": tuple(
        c.model_copy(update={"max_ramp_per_s": 0.005}) if c.kind == "heat" else c
        for c in CHAIR.channels
    )})
    guard = Guard(slow, GENTLE)
    out = guard.apply(ChannelSetpoint("heat.lower-back", 38.0, 0), 0.0)
    assert (out.value, out.ramp_ms) == (pytest.approx(18.0), 3_600_000)
    assert any("change too large" in w for w in guard.warnings)
    down = guard.apply(ChannelSetpoint("heat.lower-back", 0.0, 0), 3_600_000.0)
    assert down.ramp_ms == 3_600_000 and down.value == pytest.approx(0.0)
    # Down from 18.5 °C needs 3700 s: an hour takes it to 0.5 °C — down, never up.
    guard.apply(ChannelSetpoint("heat.lower-back", 18.5, 0), 7_200_000.0)
    guard.apply(ChannelSetpoint("heat.lower-back", 18.5, 0), 10_800_000.0)
    cool = guard.apply(ChannelSetpoint("heat.lower-back", 0.0, 0), 14_400_000.0)
    assert (cool.value, cool.ramp_ms) == (pytest.approx(0.5), 3_600_000)


def test_a_broken_rhythm_rate_becomes_the_slowest_the_device_has() -> None:
    guard = Guard(PAD, STANDARD)  # the pad pulses at 0.5–10 Hz
    out = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", math.nan), 0.0)
    assert (out.pattern, out.rate_hz) == ("pulse", pytest.approx(0.5))


def test_a_pulse_at_exactly_two_hertz_passes_gentle_without_a_word() -> None:
    guard = Guard(PAD, GENTLE)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", 2.0), 0.0)
    assert (out.pattern, out.rate_hz) == ("pulse", pytest.approx(2.0))
    assert guard.warnings == []


@pytest.mark.parametrize(
    ("slowest_hz", "expected"), [(2.0, ("pulse", 2.0)), (3.0, ("steady", 0.0))]
)
def test_under_gentle_a_device_that_cannot_pulse_slowly_enough_runs_steady(
    slowest_hz: float, expected: tuple[str, float]
) -> None:
    # A motor whose slowest pulse is 2 Hz may still pulse at 2 Hz; one that cannot go below
    # 3 Hz runs steady (no rhythm at all) rather than percussively.
    pad = PAD.model_copy(update={"channels": tuple(
        c.model_copy(update={"rate_hz": (slowest_hz, 10.0)}) for c in PAD.channels
    )})
    guard = Guard(pad, GENTLE)
    out = guard.apply(ChannelSetpoint("vib.hips", 0.2, LONG_MS, "pulse", 5.0), 0.0)
    assert (out.pattern, out.rate_hz) == (expected[0], pytest.approx(expected[1]))


def test_a_repeated_warning_is_shown_once_with_how_often_it_happened() -> None:
    guard = Guard(PAD, GENTLE)
    for t in range(3):
        guard.apply(ChannelSetpoint("vib.hips", 0.9, LONG_MS), t * 1000.0)
    guard.apply(ChannelSetpoint("vib.mid-back", 0.9, LONG_MS), 5000.0)
    assert guard.warnings == [
        "vib.hips: 0.9 clamped to the cap 0.35 (3×)", "vib.mid-back: 0.9 clamped to the cap 0.35"
    ]
