"""Fitting keeps whole technique cycles and leaves no dead time (issue 11 §3).

The checker here is independent of the compiler: it reads the released timeline only, counts
the presses each channel makes (a rise from zero) and measures the longest stretch inside each
press phase where every force channel is at zero.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.motion.presses import FIT_RANGE, MIN_HOLD_FRACTION, _keep_holds, fit_presses
from massage_ctl.program import Program, builtin_program_ids, load_program
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.techniques._phase import _PressPhase
from massage_ctl.techniques.pressing import TriggerPointPhase
from massage_ctl.timeline import Command, Timeline, value_at

DEVICES = {name: load_device_profile(name) for name in ("chair", "bed", "pad")}
PRESS_TECHNIQUES = ("trigger-point", "acupressure", "deep-tissue", "neuromuscular", "myofascial")
STEP_MS = 250
#: Strokes may pause only while the roller travels to a stroke's start (bed: ~8 s neck → hips).
STROKE_IDLE_MS = 10_000


#: A press starts from (almost) nothing: the previous phase's ramp-down may still be ending
#: (a release may run a little past its phase's end while the next press begins).
PRESS_START_BELOW = 0.1


def presses(cmds: list[Command], a: int, b: int) -> int:
    """Rises from (almost) zero that start inside [a, b)."""
    count = 0
    for k, cmd in enumerate(cmds):
        if a <= cmd.t_ms < b and cmd.value > 0:
            before = value_at(cmds[:k], cmd.t_ms) if k else 0.0
            count += before <= PRESS_START_BELOW < cmd.value
    return count


def longest_idle_ms(tl: Timeline, device: DeviceProfile, a: int, b: int) -> int:
    """Longest time in [a, b] during which no force channel is above zero (sampled)."""
    force = [c.id for c in device.channels if c.kind not in ("position", "heat")]
    cmds = {cid: list(tl.commands_for(cid)) for cid in force}
    longest, since = 0, None
    for t in range(a, b + 1, STEP_MS):
        if any(value_at(cmds[c], t) > 1e-9 for c in force):
            if since is not None:
                longest = max(longest, t - since)
            since = None
        elif since is None:
            since = t
    if since is not None:
        longest = max(longest, b - since)
    return longest


def slotted_spans(tl: Timeline, prog: Program) -> list[tuple[Any, Any]]:
    """(program phase, its span) for the phases that take their own slot."""
    spans = [s for s in tl.phases if s.name not in ("warm-up", "cool-down")]
    phases = [p for p in prog.phases if not getattr(p, "background", False)]
    assert len(spans) == len(phases)
    return list(zip(phases, spans, strict=True))


def check_cycles(tl: Timeline, prog: Program, device: DeviceProfile) -> None:
    """Whole rounds, sides balanced, no dead time beyond the (stretched) rest."""
    for phase, span in slotted_spans(tl, prog):
        if phase.technique in ("swedish", "gentle") or getattr(phase, "mode", "") in (
            "rocking", "circular"
        ):
            # Flowing strokes: nothing idle but the roller's travel to where a stroke starts.
            idle = longest_idle_ms(tl, device, span.start_ms, span.end_ms)
            assert idle <= STROKE_IDLE_MS, (span.name, "dead time", idle)
            continue
        if phase.technique == "compression":
            # Squeeze cycles: the pause between squeezes is the technique's own rest.
            idle = longest_idle_ms(tl, device, span.start_ms, span.end_ms)
            allowed = FIT_RANGE[1] * phase.release + 3_000
            assert idle <= allowed, (span.name, "dead time", idle, allowed)
            continue
        if phase.technique not in PRESS_TECHNIQUES:
            continue
        assert isinstance(phase, _PressPhase | TriggerPointPhase)
        n = len(phase.zones)
        counts = {
            c.id: presses(list(tl.commands_for(c.id)), span.start_ms, span.end_ms)
            for c in device.channels if c.kind not in ("position", "heat")
        }
        total = sum(counts.values())
        assert total > 0, (span.name, "nothing pressed")
        sided = [c for c in device.channels if c.side and counts[c.id]]
        if len({c.side for c in sided}) == 2 and {z.partition(".")[2] for z in phase.zones} == {
            "left", "right"
        } and len(phase.zones) == 2:
            left = sum(counts[c.id] for c in sided if c.side == "left")
            right = sum(counts[c.id] for c in sided if c.side == "right")
            assert left == right, (span.name, "left", left, "right", right)
        # A multi-channel press (several cells on one zone) counts once per channel.
        per_press = max(1, min(v for v in counts.values() if v)) if counts else 1
        assert total % n == 0 or per_press > 1, (span.name, total, n)
        natural_round = (phase.ramp + phase.hold + phase.release + phase.rest) * n
        length = span.end_ms - span.start_ms
        written_rounds = max(1, round(phase.natural_ms() / natural_round))
        if length >= 0.97 * phase.natural_ms() and not any("hold" in w for w in tl.warnings):
            assert total >= written_rounds * n, (span.name, total, written_rounds)
        idle = longest_idle_ms(tl, device, span.start_ms, span.end_ms)
        allowed = FIT_RANGE[1] * phase.rest + 3_000
        assert idle <= allowed, (span.name, "dead time", idle, allowed)


CASES = [
    (pid, dev, safety, minutes)
    for pid in builtin_program_ids()
    for dev in DEVICES
    for safety in (STANDARD, GENTLE)
    for minutes in (None, 8, 15)
]


@pytest.mark.parametrize(("pid", "dev", "safety", "minutes"), CASES,
                         ids=lambda v: getattr(v, "id", str(v)))
def test_builtin_programs_keep_whole_cycles(
    pid: str, dev: str, safety: SafetyProfile, minutes: float | None
) -> None:
    prog = load_program(pid)
    try:
        tl = compile_program(prog, DEVICES[dev], safety, minutes=minutes)
    except CompileError:
        return  # refusals are pinned in test_builtin_programs.py
    check_cycles(tl, prog, DEVICES[dev])


def test_issue_11_trigger_point_lower_back_keeps_six_presses_on_the_chair() -> None:
    """The program's own 20 m scaled the phase by 0.997 and lost the sixth (right) press."""
    tl = compile_program(load_program("trigger-point-lower-back"), DEVICES["chair"], STANDARD)
    span = next(s for s in tl.phases if s.technique == "trigger-point")
    left = presses(list(tl.commands_for("air.lower-back.left")), span.start_ms, span.end_ms)
    right = presses(list(tl.commands_for("air.lower-back.right")), span.start_ms, span.end_ms)
    assert (left, right) == (3, 3)
    assert longest_idle_ms(tl, DEVICES["chair"], span.start_ms, span.end_ms) <= 40_000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ramp=st.integers(5, 30), hold=st.integers(20, 90), release=st.integers(5, 30),
    rest=st.integers(5, 40), repeats=st.integers(1, 4),
    minutes=st.one_of(st.none(), st.floats(3, 30)),
    device=st.sampled_from(sorted(DEVICES)), safety=st.sampled_from([STANDARD, GENTLE]),
)
def test_fitted_lengths_keep_whole_pairs_without_gaps(
    ramp: int, hold: int, release: int, rest: int, repeats: int, minutes: float | None,
    device: str, safety: SafetyProfile,
) -> None:
    prog = Program.model_validate({
        "id": "fit", "name": "Fit", "description": "generated",
        "phases": [
            {"technique": "relaxation", "zones": ["lower-back"], "intensity": 0.2,
             "duration": "1m"},
            {"technique": "trigger-point", "zones": ["lower-back.left", "lower-back.right"],
             "intensity": 0.5, "ramp": f"{ramp}s", "hold": f"{hold}s",
             "release": f"{release}s", "rest": f"{rest}s", "repeats": repeats},
        ],
    })
    try:
        tl = compile_program(prog, DEVICES[device], safety, minutes=minutes)
    except CompileError as err:
        assert "too short" in str(err)
        return
    check_cycles(tl, prog, DEVICES[device])


@given(
    span=st.integers(1_000, 3_600_000), n=st.integers(1, 4), ramp=st.integers(0, 30_000),
    hold=st.integers(0, 90_000), release=st.integers(0, 30_000), rest=st.integers(0, 40_000),
    max_hold=st.integers(0, 90_000),
)
def test_fit_presses_fills_the_span_exactly(
    span: int, n: int, ramp: int, hold: int, release: int, rest: int, max_hold: int
) -> None:
    rounds, shape = fit_presses(span, n, ramp, hold, release, rest, max(max_hold, hold))
    assert rounds >= 1
    used = rounds * n * shape.total
    if shape.hold or shape.rest:
        assert used <= span
        assert span - used < rounds * n  # only rounding to whole ms is left over
    else:  # shorter than one press: whole ramps, the caller plays fewer presses
        assert (shape.ramp, shape.release) == (ramp, release)
    assert shape.rest <= FIT_RANGE[1] * rest + 1 or shape.hold >= hold


def test_the_roller_goes_home_only_after_every_press_is_released() -> None:
    """A press delayed by the roller's travel was still pressing when the park drove it home,
    and a 1 s holding phase played 5 s written ramps and ran 9 s past its slot."""
    prog = Program.model_validate({
        "id": "short", "name": "Short", "description": "d",
        "phases": [
            {"technique": "acupressure", "zones": ["lower-back"], "intensity": 0.3,
             "ramp": "1.5s", "hold": "0.5s", "release": "1.5s", "rest": "0.5s", "repeats": 1},
            {"technique": "relaxation", "mode": "holding", "zones": ["hips"], "intensity": 0.2,
             "duration": "1s"},
        ],
    })
    chair = DEVICES["chair"]
    tl = compile_program(prog, chair, STANDARD)
    park = list(tl.commands_for("roller.position"))[-1]
    assert park.value == 0
    for spec in chair.channels:
        if spec.kind not in ("position", "heat"):
            assert value_at(list(tl.commands_for(spec.id)), park.t_ms) == 0, spec.id
    hips = list(tl.commands_for("air.hips.left"))
    assert hips[-1].t_ms + hips[-1].ramp_ms <= 4_000 + 1_000 + 2 * 1_000  # slot + ramps


def _rests(cmds: list[Command], a: int, b: int) -> list[int]:
    """Time from each release's end to the next rise, inside [a, b)."""
    inside = [c for c in cmds if a <= c.t_ms < b]
    out: list[int] = []
    for off, on in itertools.pairwise(inside):
        if off.value == 0 and on.value > 0:
            out.append(on.t_ms - (off.t_ms + off.ramp_ms))
    return out


def test_the_first_press_waits_for_the_roller_as_planned_and_keeps_its_rest() -> None:
    """The roller travelled at the phase's start and the first press began ~4 s late, eating
    its rest (2.7 s instead of the others' 6.7 s on the bed)."""
    tl = compile_program(load_program("quick-10-minute"), DEVICES["bed"], STANDARD, minutes=12)
    span = next(s for s in tl.phases if s.technique == "trigger-point")
    rests = _rests(list(tl.commands_for("roller.pressure")), span.start_ms, span.end_ms)
    assert len(rests) >= 3
    assert max(rests) - min(rests) <= 1_000, rests


SUSTAINED = ("trigger-point", "acupressure", "deep-tissue", "neuromuscular", "myofascial")


@pytest.mark.parametrize("dev", sorted(DEVICES))
@pytest.mark.parametrize("minutes", [None, 1, 4, 12])
def test_a_press_never_rises_while_the_previous_phase_is_still_releasing(
    dev: str, minutes: float | None
) -> None:
    for pid in builtin_program_ids():
        for safety in (STANDARD, GENTLE):
            try:
                tl = compile_program(load_program(pid), DEVICES[dev], safety, minutes=minutes)
            except CompileError:
                continue
            for span in tl.phases:
                if span.technique not in SUSTAINED:
                    continue
                for ch in tl.channels:
                    cmds = list(tl.commands_for(ch.id))
                    # The phase's first command on the channel (its first press's rise).
                    k = next((k for k, c in enumerate(cmds) if c.t_ms >= span.start_ms), 0)
                    first = cmds[k] if 0 < k < len(cmds) else None
                    if (first is not None and first.t_ms < span.end_ms and first.value > 0
                            and ch.kind not in ("position", "heat")):
                        left = value_at(cmds[:k], first.t_ms)
                        assert left == 0, (pid, dev, safety.id, span.name, ch.id)


def test_a_fitted_press_keeps_half_its_hold_or_the_phase_is_refused() -> None:
    """A 1-minute fit played trigger-point "presses" with hold 0 s (taps, not the technique)."""
    tl = compile_program(load_program("quick-10-minute"), DEVICES["chair"], STANDARD, minutes=1)
    # Not one press with half its hold fits: the phase is left out, named, and its time goes
    # to the others (tests/compiler/test_short_fits.py) rather than play taps or nothing.
    assert any("(trigger-point): left out" in w for w in tl.warnings)
    assert all(s.technique != "trigger-point" for s in tl.phases)
    for pid in builtin_program_ids():
        for dev in sorted(DEVICES):
            for minutes in (1, 3, 5, 8):
                try:
                    tl = compile_program(load_program(pid), DEVICES[dev], STANDARD,
                                         minutes=minutes)
                except CompileError:
                    continue
                for w in tl.warnings:
                    m = re.search(r"\((\S+)\): presses shortened to fit: hold (\d+) s instead "
                                  r"of (\d+) s", w)
                    if m and m[1] in SUSTAINED:
                        assert int(m[2]) >= int(m[3]) * MIN_HOLD_FRACTION - 1, (pid, dev, w)


@given(
    span=st.integers(1_000, 3_600_000), n=st.integers(1, 4), ramp=st.integers(0, 30_000),
    hold=st.integers(1_000, 90_000), release=st.integers(0, 30_000),
    rest=st.integers(0, 40_000), fastest=st.integers(0, 10_000),
)
def test_kept_holds_fit_the_span_and_keep_half_the_hold(
    span: int, n: int, ramp: int, hold: int, release: int, rest: int, fastest: int
) -> None:
    ramp, release = max(ramp, fastest), max(release, fastest)
    min_hold = round(hold * MIN_HOLD_FRACTION)
    rounds, shape = _keep_holds(span, n, ramp, hold, release, rest, hold, min_hold, fastest)
    if rounds == 0:  # no room: the caller leaves the presses out (and says so)
        assert span // n < ramp + min_hold + release
        return
    assert rounds * n * shape.total <= span
    assert shape.hold >= min_hold
    assert min(shape.ramp, shape.release) >= fastest
