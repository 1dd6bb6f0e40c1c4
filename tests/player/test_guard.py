"""The player guard (safety layer 2): nothing above a cap or faster than the ramp limit leaves."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.errors import SafetyError
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player.guard import MAX_RAMP_MS, Guard
from massage_ctl.safety import GENTLE, STANDARD
from massage_ctl.vocabulary import PATTERNS

PROFILES = {name: load_device_profile(name) for name in ("chair", "bed", "pad")}

values = st.one_of(
    st.floats(min_value=-5, max_value=60, allow_nan=False),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, 1.0, 45.0]),
)
steps = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=20_000),  # ms since the previous setpoint
        values,
        st.integers(min_value=0, max_value=120_000),  # requested ramp_ms
        st.sampled_from(PATTERNS),
        st.floats(min_value=0, max_value=20, allow_nan=False),
        st.floats(min_value=0, max_value=20, allow_nan=False),  # live intensity scale
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150 * settings.default.max_examples // 100, deadline=None)  # profile-scaled
@given(
    device=st.sampled_from(sorted(PROFILES)),
    safety=st.sampled_from([STANDARD, GENTLE]),
    data=st.data(),
    seq=steps,
)
def test_guarded_output_never_exceeds_cap_or_ramp_limit(device, safety, data, seq) -> None:
    profile = PROFILES[device]
    spec = data.draw(st.sampled_from(profile.channels))
    guard = Guard(profile, safety)
    cap = spec.hard_max
    rate = spec.max_ramp_per_s
    if spec.kind in ("vibration", "pressure", "roller"):
        cap = min(cap, safety.max_intensity)
        rate = min(rate, safety.max_ramp_per_s)
    elif spec.kind == "heat":
        cap = min(cap, safety.heat_max_c)

    # Our own model of the output, independent of the guard's: linear ramps from where it is.
    t = 0.0
    start, t0, target, ramp = 0.0, 0.0, 0.0, 0.0
    for dt, value, ramp_ms, pattern, rate_hz, scale in seq:
        t += dt
        if ramp <= 0 or t >= t0 + ramp:
            current = target
        else:
            current = start + (target - start) * (t - t0) / ramp
        out = guard.apply(ChannelSetpoint(spec.id, value, ramp_ms, pattern, rate_hz), t, scale)
        assert 0.0 <= out.value <= cap + 1e-9
        assert 0 <= out.ramp_ms <= MAX_RAMP_MS
        change = abs(out.value - current)
        assert change <= rate * out.ramp_ms / 1000.0 + 1e-6, "ramp faster than the limit"
        assert out.pattern in spec.patterns
        if out.pattern != "steady":
            assert spec.rate_hz[0] <= out.rate_hz <= spec.rate_hz[1]
        if not safety.percussion_allowed:
            assert out.pattern != "tap"
            assert not (out.pattern == "pulse" and out.rate_hz > safety.percussion_pulse_hz)
        start, t0, target, ramp = current, t, out.value, float(out.ramp_ms)


@settings(max_examples=100, deadline=None)
@given(scale=st.floats(min_value=0, max_value=1e6), value=st.floats(min_value=0, max_value=1))
def test_live_intensity_can_never_pass_the_gentle_cap(scale: float, value: float) -> None:
    guard = Guard(PROFILES["pad"], GENTLE)
    out = guard.apply(ChannelSetpoint("vib.hips", value, 60_000), 0.0, scale)
    assert out.value <= GENTLE.max_intensity


def test_clamping_is_reported_as_a_warning() -> None:
    guard = Guard(PROFILES["chair"], GENTLE)
    out = guard.apply(ChannelSetpoint("roller.knead", 0.9, 0, "tap", 4.0), 0.0)
    assert out.value == pytest.approx(0.35)
    assert out.pattern == "steady"
    assert out.ramp_ms == 7000  # 0.35 at gentle's 0.05 per second
    text = " ".join(guard.warnings)
    assert "clamped" in text and "tapping" in text and "ramp slowed" in text


def test_timeline_cap_tightens_the_limits() -> None:
    guard = Guard(PROFILES["pad"], STANDARD, {"vib.hips": 0.5})
    assert guard.apply(ChannelSetpoint("vib.hips", 0.8, 10_000), 0.0).value == 0.5


def test_heat_is_capped_by_the_profile_ceiling() -> None:
    guard = Guard(PROFILES["chair"], GENTLE)
    out = guard.apply(ChannelSetpoint("heat.lower-back", 42.0, 0), 0.0)
    assert out.value == pytest.approx(38.0)


def test_unknown_channel_is_a_clear_safety_error() -> None:
    guard = Guard(PROFILES["pad"], STANDARD)
    with pytest.raises(SafetyError, match=r"unknown channel 'air\.neck'") as info:
        guard.apply(ChannelSetpoint("air.neck", 0.2, 1000), 0.0)
    assert info.value.hint


def test_ramp_is_judged_from_where_the_channel_is_now() -> None:
    guard = Guard(PROFILES["pad"], STANDARD)  # 0.2 per second
    guard.apply(ChannelSetpoint("vib.hips", 0.8, 4000), 0.0)
    # Half-way up (0.4 at t=2 s) a drop to zero needs 2 s, not the 4 s from the target.
    out = guard.apply(ChannelSetpoint("vib.hips", 0.0, 0), 2000.0)
    assert out.ramp_ms == 2000
    guard.reset(3000.0)
    assert guard.value_at("vib.hips", 3000.0) == 0.0
