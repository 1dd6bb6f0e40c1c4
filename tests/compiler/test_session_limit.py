"""The session-length limit holds for whatever a program says (issue 12 #1).

Many tiny phases used to play 40 min under ``gentle`` (limit 20) and a larger program 320 min:
each phase got at least a second and its ramps ran on past it. Phases under 1 s are now refused
when the file is read; the compiler still has to hold the limit for many short ones: it fits or
refuses, and its release gate (``checks.problems``) rejects a timeline over the limit on its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.compiler.fitting import fill
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import Program
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.safety.checks import problems
from massage_ctl.timeline import Command

DEVICES = {name: load_device_profile(name) for name in ("chair", "bed", "pad")}
#: The shortest phases a program file may hold (the model refuses anything under 1 s, see
#: tests/program/test_hostile_values.py): many of them must still never outlast the limit.
TINY = st.sampled_from(["1s", "1.5s", "2s", "3s"])


def tiny_phase(technique: str, duration: str) -> dict[str, Any]:
    if technique in ("rest",):
        return {"technique": "rest", "duration": duration}
    if technique == "heat":
        return {"technique": "heat", "zones": ["lower-back"], "target_c": 40,
                "duration": duration}
    return {"technique": technique, "zones": ["lower-back", "hips"], "intensity": 0.3,
            "duration": duration}


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    techniques=st.lists(
        st.sampled_from(["trigger-point", "swedish", "gentle", "relaxation", "compression",
                         "acupressure", "rest", "heat"]),
        min_size=200, max_size=1500,
    ),
    durations=st.lists(TINY, min_size=1500, max_size=1500),
    device=st.sampled_from(sorted(DEVICES)),
    safety=st.sampled_from([STANDARD, GENTLE]),
    minutes=st.one_of(st.none(), st.floats(5, 60)),
)
def test_many_tiny_phases_never_outlast_the_limit(
    techniques: list[str], durations: list[str], device: str, safety: SafetyProfile,
    minutes: float | None,
) -> None:
    phases = [tiny_phase(t, d) for t, d in zip(techniques, durations, strict=False)]
    prog = Program.model_validate({"id": "tiny", "name": "Tiny", "description": "generated",
                                   "phases": phases})
    try:
        tl = compile_program(prog, DEVICES[device], safety, minutes=minutes)
    except CompileError as err:
        event("refused")
        assert "too short" in str(err) or "cannot be fitted" in str(err) \
            or "nothing of it plays" in str(err), str(err)
        return
    event("compiled")
    limit = safety.max_session_min * 60_000
    assert tl.duration_ms <= limit
    assert all(c.t_ms + c.ramp_ms <= limit for c in tl.commands)


def test_1500_one_second_phases_under_gentle_are_refused_or_fit() -> None:
    phases = [tiny_phase("relaxation", "1s") for _ in range(1500)]  # 25 min of 1 s phases
    prog = Program.model_validate({"id": "tiny", "name": "Tiny", "description": "generated",
                                   "phases": phases})
    for dev in DEVICES.values():
        try:
            tl = compile_program(prog, dev, GENTLE)
        except CompileError as err:
            assert "20 min" in str(err) or "too short" in str(err)
            continue
        assert tl.duration_ms <= 20 * 60_000


def test_a_program_that_plays_nothing_on_the_device_is_an_error_naming_file_and_device() -> None:
    prog = Program.model_validate({
        "id": "heat-only", "name": "Heat", "description": "only heat",
        "phases": [tiny_phase("heat", "5m")],
    })
    with pytest.raises(CompileError) as info:
        compile_program(prog, DEVICES["pad"], STANDARD, source="my-heat.toml")
    text = str(info.value)
    assert "my-heat.toml" in text and "pad device" in text and "nothing" in text


@given(naturals=st.lists(st.integers(0, 600_000), min_size=1, max_size=300),
       extra=st.integers(0, 3_600_000))
def test_fill_gives_exactly_the_body_and_respects_the_floor(
    naturals: list[int], extra: int
) -> None:
    body = 1_000 * len(naturals) + extra
    lengths = fill(naturals, body, 1_000)
    assert sum(lengths) == body
    assert min(lengths) >= 1_000


def _timeline_over(limit_ms: int) -> Any:
    tl = compile_program(
        Program.model_validate({
            "id": "p", "name": "P", "description": "d",
            "phases": [{"technique": "relaxation", "zones": ["lower-back"], "intensity": 0.3,
                        "duration": "2m"}],
        }),
        DEVICES["chair"], STANDARD,
    )
    return tl, {c.id: 10.0 for c in tl.channels}


def test_release_gate_rejects_a_timeline_longer_than_the_session_limit() -> None:
    tl, ramps = _timeline_over(0)
    assert problems(tl, ramps, 40, max_duration_ms=tl.duration_ms) == []
    longer = replace(tl, duration_ms=tl.duration_ms + 1)
    assert any("session limit" in p for p in problems(longer, ramps, 40,
                                                       max_duration_ms=tl.duration_ms))


def test_release_gate_rejects_heat_above_the_ceiling_even_if_the_cap_says_otherwise() -> None:
    tl, ramps = _timeline_over(0)
    hot = replace(
        tl,
        commands=tuple(sorted(
            (*tl.commands, Command(1_000, "heat.lower-back", 42.0, 1_000),
             Command(60_000, "heat.lower-back", 0.0, 1_000)),
            key=lambda c: c.t_ms,
        )),
    )
    found = problems(hot, ramps, 40, heat_max_c=41.0)
    assert any("above the ceiling" in p for p in found)


def test_phases_that_overrun_their_slots_are_refitted_under_the_limit() -> None:
    """Found by hypothesis: fitted to exactly 20 min on the pad, the expanded phases ran past
    their slots and the timeline came out over the gentle limit (cf. 1,200,047 ms on the bed)."""
    prog = Program.model_validate({
        "id": "random", "name": "Random", "description": "generated",
        "phases": [
            {"duration": "3m18s", "zones": ["neck", "shoulders"], "intensity": 1.0,
             "tempo": "slow", "hold": "5s", "technique": "neuromuscular"},
            {"repeats": 1, "zones": ["shoulders"], "intensity": 0.0, "tempo": "slow",
             "technique": "myofascial"},
            {"duration": "1m25s", "zones": ["neck", "shoulders"], "intensity": 0.0,
             "tempo": "slow", "technique": "gentle", "stroke_span": 1},
            {"duration": "2m23s", "zones": ["neck", "hips", "thighs"], "intensity": 1.0,
             "tempo": "slow", "technique": "compression", "sequential": False},
            {"repeats": 1, "zones": ["neck", "shoulders"], "intensity": 0.0, "tempo": "fast",
             "technique": "relaxation"},
        ],
    })
    tl = compile_program(prog, DEVICES["pad"], GENTLE, minutes=20)
    assert tl.duration_ms <= 20 * 60_000
