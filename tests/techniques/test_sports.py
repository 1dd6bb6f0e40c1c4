"""Sports massage: brisk before activity, slow flushing and sustained holds after it; under the
gentle profile pre-activity is refused and post-activity keeps every gentle rule."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError, ProgramError
from massage_ctl.program.loader import load_program_text
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.safety.checks import longest_hold_ms, problems
from massage_ctl.timeline import Command, Timeline
from massage_ctl.zones import ZONES

DEVICES = {name: load_device_profile(name) for name in ("chair", "bed", "pad")}
LEGS = '["thighs", "calves"]'
BACK = '["mid-back", "lower-back"]'


def _text(stage: str, zones: str = BACK, intensity: float = 0.5, duration: str = "6m",
          tempo: str = "medium") -> str:
    return (
        'id = "s"\nname = "s"\ndescription = "s"\n[[phases]]\ntechnique = "sports"\n'
        f'stage = "{stage}"\nzones = {zones}\nintensity = {intensity!r}\n'
        f'tempo = "{tempo}"\nduration = "{duration}"\n'
    )


def _compile(text: str, safety: SafetyProfile = STANDARD, device: str = "chair") -> Timeline:
    return compile_program(load_program_text(text), DEVICES[device], safety)


def _in_phase(tl: Timeline) -> list[Command]:
    span = next(p for p in tl.phases if p.technique == "sports")
    return [c for c in tl.commands if span.start_ms <= c.t_ms < span.end_ms and c.value > 0]


def test_pre_activity_strokes_kneads_pumps_and_taps_briskly() -> None:
    tl = _compile(_text("pre-activity"))
    patterns = {c.pattern for c in _in_phase(tl)}
    assert {"knead", "tap", "pulse"} <= patterns  # kneading, tapotement, rhythmic compression
    assert max(c.rate_hz for c in _in_phase(tl) if c.pattern == "knead") >= 1.0  # brisk


def test_post_activity_never_taps_and_holds_a_sustained_stretch() -> None:
    tl = _compile(_text("post-activity"))
    during = _in_phase(tl)
    assert all(c.pattern not in ("tap", "pulse", "knead") for c in during)
    cells = list(tl.commands_for("air.lower-back.left"))
    # Stretch-like compression: holds of about 20 s (a brisk press holds 3 s).
    assert longest_hold_ms(cells, 0.25, tl.duration_ms) >= 15_000


def test_post_activity_is_slower_than_pre_activity() -> None:
    pre = _in_phase(_compile(_text("pre-activity"), device="pad"))
    post = _in_phase(_compile(_text("post-activity"), device="pad"))
    assert len(post) < len(pre) / 2  # fewer, longer movements


def test_the_stage_must_be_given_and_named_right() -> None:
    with pytest.raises(ProgramError, match="stage"):
        load_program_text(_text("pre-activity").replace('stage = "pre-activity"\n', ""))
    with pytest.raises(ProgramError, match="stage"):
        load_program_text(_text("warm-down"))


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_pre_activity_under_gentle_is_a_compile_error_naming_the_phase(device: str) -> None:
    with pytest.raises(CompileError) as info:
        _compile(_text("pre-activity"), GENTLE, device)
    err = info.value
    assert "phase 1 (sports)" in str(err)
    assert "percussion, not allowed under the 'gentle' profile" in str(err)
    assert "post-activity" in (err.hint or "")


zone_lists = st.lists(st.sampled_from(ZONES), min_size=1, max_size=4, unique=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stage=st.sampled_from(["pre-activity", "post-activity"]),
    zones=zone_lists,
    intensity=st.floats(0.05, 1),
    minutes=st.integers(2, 25),
    tempo=st.sampled_from(["slow", "medium", "fast"]),
    device=st.sampled_from(sorted(DEVICES)),
)
def test_a_sports_phase_under_gentle_never_breaks_a_gentle_rule(
    stage: str, zones: list[str], intensity: float, minutes: int, tempo: str, device: str
) -> None:
    """Pre-activity is always refused; post-activity compiles within every gentle rule."""
    text = _text(stage, str(zones).replace("'", '"'), intensity, f"{minutes}m", tempo)
    try:
        tl = _compile(text, GENTLE, device)
    except CompileError as err:
        if stage == "pre-activity":
            assert "percussion, not allowed under the 'gentle' profile" in str(err)
            return
        # Only the documented refusal: a phase entirely outside the device's reach.
        assert "no massage channel at" in str(err), str(err)
        return
    assert stage == "post-activity", "pre-activity must never compile under gentle"
    dev = DEVICES[device]
    ramp = {c.id: c.max_ramp_per_s if c.kind in ("position", "heat")
            else min(c.max_ramp_per_s, GENTLE.max_ramp_per_s) for c in dev.channels}
    assert problems(tl, ramp, int(dev.max_frame_rate_hz) - 10,
                    max_duration_ms=round(GENTLE.max_session_min * 60_000),
                    heat_max_c=GENTLE.heat_max_c) == []
    for ch in tl.channels:
        cmds = list(tl.commands_for(ch.id))
        if ch.kind in ("pressure", "vibration", "roller"):
            assert all(c.value <= GENTLE.max_intensity + 1e-9 for c in cmds)
            held = longest_hold_ms(cmds, GENTLE.hold_threshold, tl.duration_ms)
            assert held <= GENTLE.max_hold_s * 1000
        assert all(c.pattern != "tap" for c in cmds)
        assert all(c.pattern != "pulse" or c.rate_hz <= GENTLE.percussion_pulse_hz for c in cmds)


def test_flushing_over_one_zone_under_gentle_pauses_before_it_becomes_a_long_hold() -> None:
    # On the bed one zone is one roller station: a stroke there keeps the roller on for the
    # whole stroking part (found by the property above: a 67 s "stroke" at 0.35).
    tl = _compile(_text("post-activity", '["upper-back"]', 1.0, "4m"), GENTLE, "bed")
    for ch in tl.channels:
        if ch.kind in ("pressure", "vibration", "roller"):
            cmds = list(tl.commands_for(ch.id))
            assert longest_hold_ms(cmds, 0.25, tl.duration_ms) <= 30_000, ch.id
