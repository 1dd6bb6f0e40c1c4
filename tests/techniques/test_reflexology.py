"""Reflexology: short presses on points of the feet, only on a device that reaches the feet."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError, ProgramError
from massage_ctl.program.loader import load_program_text
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.safety.checks import longest_hold_ms
from massage_ctl.timeline import PhaseSpan, Timeline

CHAIR = load_device_profile("chair")


def _text(zones: str = '["feet.left", "feet.right"]', extra: str = "",
          duration: str = "4m") -> str:
    return (
        'id = "r"\nname = "r"\ndescription = "r"\n[[phases]]\ntechnique = "reflexology"\n'
        f'zones = {zones}\nintensity = 0.5\nduration = "{duration}"\n{extra}'
    )


def _compile(text: str, safety: SafetyProfile = STANDARD, device: str = "chair",
             **kw: object) -> Timeline:
    return compile_program(load_program_text(text), load_device_profile(device), safety,
                           **kw)  # type: ignore[arg-type]


def _span(tl: Timeline) -> PhaseSpan:
    return next(p for p in tl.phases if p.technique == "reflexology")


def _presses(tl: Timeline, channel: str) -> int:
    span = _span(tl)
    return sum(1 for c in tl.commands_for(channel)
               if span.start_ms <= c.t_ms < span.end_ms and c.value > 0)


def test_only_the_feet_are_pressed_in_short_presses_with_a_walking_rhythm() -> None:
    tl = _compile(_text())
    span = _span(tl)
    during = [c for c in tl.commands if span.start_ms <= c.t_ms < span.end_ms and c.value > 0]
    assert {c.channel for c in during} == {"air.feet"}
    # 4 minutes of ~12 s presses (2.5 s in, 5 s hold, 2.5 s out, 2 s rest): many short ones,
    # not a few long holds.
    assert _presses(tl, "air.feet") >= 15
    assert {(c.pattern, c.rate_hz) for c in during} == {("pulse", 1.0)}
    assert longest_hold_ms(list(tl.commands_for("air.feet")), 0.25, tl.duration_ms) < 15_000


def test_still_pressure_when_walk_hz_is_zero() -> None:
    tl = _compile(_text(extra="walk_hz = 0.0\n"))
    span = _span(tl)
    assert all(c.pattern == "steady" for c in tl.commands_for("air.feet")
               if span.start_ms <= c.t_ms < span.end_ms)


@pytest.mark.parametrize("device", ["bed", "pad"])
def test_a_device_without_feet_channels_refuses_it_clearly(device: str) -> None:
    with pytest.raises(CompileError) as info:
        _compile(_text(), device=device)
    text = str(info.value)
    assert f"the {device} device has no massage channel at feet" in text
    assert "phase 1 (reflexology)" in text


def test_the_bed_refusal_says_which_device_can_do_it() -> None:
    # The bed's calves are next to the feet; pressing them instead would not be reflexology.
    with pytest.raises(CompileError) as info:
        _compile(_text(), device="bed")
    assert "feet air cells or a foot roller" in (info.value.hint or "")


def test_excluding_the_feet_refuses_it() -> None:
    with pytest.raises(CompileError, match="excluded"):
        _compile(_text(), exclude=["feet"])


def test_zones_other_than_the_feet_are_a_program_error_naming_them() -> None:
    with pytest.raises(ProgramError) as info:
        load_program_text(_text(zones='["feet", "calves"]'))
    assert "reflexology works on points of the feet" in str(info.value)
    assert "'calves'" in str(info.value)


def test_walking_faster_than_2_hz_is_refused_at_load() -> None:
    with pytest.raises(ProgramError, match="walk_hz"):
        load_program_text(_text(extra="walk_hz = 3.0\n"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    intensity=st.floats(0.05, 1),
    hold_s=st.integers(1, 20),
    minutes=st.integers(1, 25),
    sides=st.sampled_from(['["feet"]', '["feet.left", "feet.right"]']),
)
def test_under_gentle_reflexology_stays_within_every_gentle_rule(
    intensity: float, hold_s: int, minutes: int, sides: str
) -> None:
    text = _text(zones=sides, duration=f"{minutes}m", extra=f'hold = "{hold_s}s"\n')
    text = text.replace("intensity = 0.5", f"intensity = {intensity!r}")
    tl = _compile(text, GENTLE)  # the compiler's own release gate (safety/checks.py) ran
    assert tl.duration_ms <= GENTLE.max_session_min * 60_000
    for ch in tl.channels:
        cmds = list(tl.commands_for(ch.id))
        if ch.kind in ("pressure", "vibration", "roller"):
            assert all(c.value <= GENTLE.max_intensity + 1e-9 for c in cmds)
            assert longest_hold_ms(cmds, GENTLE.hold_threshold, tl.duration_ms) <= 30_000
        assert all(c.pattern != "tap" for c in cmds)
        assert all(c.pattern != "pulse" or c.rate_hz <= 2.0 for c in cmds)
