"""A session fitted very short never plays a dead phase: a phase that would be too short to
play anything is left out, named in a warning, and its time goes to the phases that play
(issue 11 §3: no dead time inside a session the user asked for)."""

from __future__ import annotations

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import BUILTIN_PROFILES, load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import builtin_program_ids, load_program
from massage_ctl.safety import BUILTIN_SAFETY
from massage_ctl.timeline import Timeline


def _fit(program_id: str, device: str, minutes: float) -> Timeline | None:
    try:
        return compile_program(
            load_program(program_id),
            load_device_profile(device),
            BUILTIN_SAFETY["standard"],
            minutes=minutes,
        )
    except CompileError:
        return None  # refused outright (documented per program in tests/library)


def _starts_in(timeline: Timeline, start: int, end: int) -> bool:
    return any(start <= c.t_ms < end and c.value > 0 for c in timeline.commands)


def test_a_one_minute_quick_session_leaves_out_the_presses_and_plays_all_its_minute() -> None:
    timeline = _fit("quick-10-minute", "chair", 1)
    assert timeline is not None
    left_out = [w for w in timeline.warnings if "left out" in w]
    assert left_out and "trigger-point" in left_out[0]
    assert not any("nothing plays" in w for w in timeline.warnings)
    assert all(p.technique != "trigger-point" for p in timeline.phases)
    # The minute is still the minute asked for (give or take the park and the last release).
    assert 50_000 <= timeline.duration_ms <= 60_000
    body = [p for p in timeline.phases if p.technique != "rest"]
    assert all(_starts_in(timeline, p.start_ms, p.end_ms) for p in body)


@pytest.mark.parametrize("device", BUILTIN_PROFILES)
@pytest.mark.parametrize("minutes", [1, 2, 4])
def test_no_fitted_builtin_program_has_a_phase_that_plays_nothing(
    device: str, minutes: int
) -> None:
    for program_id in builtin_program_ids():
        timeline = _fit(program_id, device, minutes)
        if timeline is None:
            continue
        assert not any("nothing plays" in w for w in timeline.warnings), (program_id, device)
        for phase in timeline.phases:
            if phase.technique in ("rest", "heat"):
                continue
            assert _starts_in(timeline, phase.start_ms, phase.end_ms), (
                f"{program_id} on {device} at {minutes} min: {phase.name!r} "
                f"({phase.start_ms}–{phase.end_ms} ms) plays nothing"
            )
