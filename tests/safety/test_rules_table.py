"""Every number of the safety table (docs/SAFETY.md, README), each pinned by what a user gets.

| | standard | gentle |
|---|---|---|
| max intensity | 0.80 | 0.35 |
| max ramp (full scale per s) | 0.20 | 0.05 |
| percussion (tap, pulse > 2 Hz) | allowed | compile error |
| deep-tissue | allowed | compile error |
| hold above 0.25 | ≤ 90 s | ≤ 30 s |
| stroke span | any | ≤ 2 adjacent zones |
| heat ceiling | 41 °C | 38 °C |
| session | ≤ 30 min | ≤ 20 min |

Each test compiles a small program that asks for *more* than the limit and checks that the user
gets exactly the limit (or the refusal), so a limit that drifted either way is noticed.
"""

from __future__ import annotations

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program.loader import load_program_text
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.safety.checks import by_channel, longest_hold_ms, start_values
from massage_ctl.timeline import Timeline

CHAIR = load_device_profile("chair")
PAD = load_device_profile("pad")
INTENSITY_KINDS = ("vibration", "pressure", "roller")


def _program(phases: str, *, limits: str = "", duration: str = "") -> str:
    head = 'id = "t"\nname = "t"\ndescription = "t"\n'
    head += f'duration = "{duration}"\n' if duration else ""
    return head + (f"[limits]\n{limits}\n" if limits else "") + phases


def _compile(text: str, safety: SafetyProfile, device: object = CHAIR, **kw: object) -> Timeline:
    return compile_program(load_program_text(text), device, safety, **kw)  # type: ignore[arg-type]


def _peak(tl: Timeline, kinds: tuple[str, ...] = INTENSITY_KINDS) -> float:
    return max(
        (c.value for c in tl.commands if tl.channel(c.channel).kind in kinds), default=0.0
    )


PRESS = """
[[phases]]
technique = "trigger-point"
zones = ["lower-back.left"]
intensity = {intensity}
ramp = "10s"
hold = "{hold}"
release = "10s"
rest = "{rest}"
repeats = 1
"""

ROCKING = """
[[phases]]
technique = "relaxation"
mode = "rocking"
zones = ["upper-back", "mid-back", "lower-back", "hips"]
intensity = {intensity}
duration = "{duration}"
"""


# -- max intensity ------------------------------------------------------------------------------
@pytest.mark.parametrize(("safety", "cap"), [(STANDARD, 0.80), (GENTLE, 0.35)])
def test_max_intensity_standard_080_gentle_035(safety: SafetyProfile, cap: float) -> None:
    assert safety.max_intensity == cap
    tl = _compile(_program(ROCKING.format(intensity=0.95, duration="2m")), safety, PAD)
    assert _peak(tl) == pytest.approx(cap)
    assert any("lowered to the cap" in w for w in tl.warnings)


def test_the_programs_own_intensity_limit_is_tighter_than_the_profile() -> None:
    text = _program(ROCKING.format(intensity=0.95, duration="2m"), limits="max_intensity = 0.65")
    assert _peak(_compile(text, STANDARD, PAD)) == pytest.approx(0.65)


# -- ramp rate ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("safety", "per_s"), [(STANDARD, 0.20), (GENTLE, 0.05)])
def test_max_ramp_standard_020_gentle_005_per_second(safety: SafetyProfile, per_s: float) -> None:
    assert safety.max_ramp_per_s == per_s
    tl = _compile(_program(ROCKING.format(intensity=0.3, duration="2m")), safety, PAD)
    fastest = 0.0
    for cid, cmds in by_channel(tl).items():
        if tl.channel(cid).kind not in INTENSITY_KINDS:
            continue
        for cmd, start in zip(cmds, start_values(cmds), strict=True):
            change = abs(cmd.value - start)
            if change > 1e-9:
                rate = change / (cmd.ramp_ms / 1000) if cmd.ramp_ms else float("inf")
                fastest = max(fastest, rate)
    assert fastest <= per_s + 1e-6
    # The limit is used, not merely respected: the compiler lengthens ramps only as needed.
    assert fastest >= per_s * 0.5


# -- percussion ---------------------------------------------------------------------------------
TAPOTEMENT = """
[[phases]]
technique = "swedish"
stroke = "tapotement"
zones = ["mid-back", "lower-back"]
intensity = 0.3
duration = "1m"
"""

PULSE = """
[[phases]]
technique = "relaxation"
mode = "vibration"
zones = ["lower-back"]
intensity = 0.3
rate_hz = {rate}
duration = "1m"
"""


def test_percussion_standard_allows_tapping_and_fast_pulses() -> None:
    assert STANDARD.percussion_allowed and STANDARD.percussion_pulse_hz == 2.0
    _compile(_program(TAPOTEMENT), STANDARD)
    _compile(_program(PULSE.format(rate=5.0)), STANDARD)


def test_percussion_gentle_refuses_tapping_naming_the_phase() -> None:
    assert not GENTLE.percussion_allowed
    with pytest.raises(CompileError, match="tapotement") as info:
        _compile(_program(ROCKING.format(intensity=0.2, duration="1m") + TAPOTEMENT), GENTLE)
    assert "phase 2 (swedish)" in str(info.value)


def test_percussion_gentle_refuses_pulses_above_2_hz_and_allows_2_hz() -> None:
    assert GENTLE.percussion_pulse_hz == 2.0
    with pytest.raises(CompileError, match=r"2\.5 Hz is percussion"):
        _compile(_program(PULSE.format(rate=2.5)), GENTLE)
    _compile(_program(PULSE.format(rate=2.0)), GENTLE)


# -- deep tissue --------------------------------------------------------------------------------
DEEP = """
[[phases]]
technique = "deep-tissue"
zones = ["lower-back"]
intensity = 0.5
repeats = 1
"""


def test_deep_tissue_standard_allowed_gentle_compile_error() -> None:
    assert STANDARD.deep_tissue_allowed and not GENTLE.deep_tissue_allowed
    _compile(_program(DEEP), STANDARD)
    with pytest.raises(CompileError, match="deep-tissue is not allowed") as info:
        _compile(_program(DEEP), GENTLE)
    assert "phase 1 (deep-tissue)" in str(info.value)


# -- sustained holds ----------------------------------------------------------------------------
def _longest_hold_s(tl: Timeline) -> float:
    grouped = by_channel(tl)
    return max(
        longest_hold_ms(grouped[c.id], 0.25, tl.duration_ms) / 1000
        for c in tl.channels if c.kind == "pressure"
    )


@pytest.mark.parametrize(
    ("safety", "limit_s", "intensity"), [(STANDARD, 90, 0.6), (GENTLE, 30, 0.33)]
)
def test_hold_above_025_standard_90_s_gentle_30_s(
    safety: SafetyProfile, limit_s: float, intensity: float
) -> None:
    """A press asked to hold 2 minutes is shortened to the profile's limit — not further.

    The long rest leaves the fitting room to keep one press per round at the limit (with a
    10 s rest the phase, sized for a 120 s hold, is filled with two shorter presses instead).
    """
    assert safety.hold_threshold == 0.25 and safety.max_hold_s == limit_s
    tl = _compile(_program(PRESS.format(intensity=intensity, hold="120s", rest="100s")), safety)
    longest = _longest_hold_s(tl)
    assert limit_s - 10 <= longest <= limit_s
    assert any("hold" in w for w in tl.warnings)


def test_a_hold_within_the_limit_is_left_alone() -> None:
    tl = _compile(_program(PRESS.format(intensity=0.6, hold="45s", rest="10s")), STANDARD)
    assert 45 <= _longest_hold_s(tl) <= 60
    assert not any("hold" in w for w in tl.warnings)


# -- stroke span --------------------------------------------------------------------------------
GENTLE_STROKE = """
[[phases]]
technique = "gentle"
zones = ["upper-back", "mid-back", "lower-back"]
intensity = 0.3
stroke_span = 3
duration = "2m"
"""

EFFLEURAGE = """
[[phases]]
technique = "swedish"
stroke = "effleurage"
zones = ["shoulders", "upper-back", "mid-back", "lower-back", "hips"]
intensity = 0.3
duration = "2m"
"""


def test_stroke_span_gentle_is_at_most_2_adjacent_zones() -> None:
    assert GENTLE.max_stroke_zones == 2
    tl = _compile(_program(GENTLE_STROKE), GENTLE)
    assert any("stroke span narrowed" in w for w in tl.warnings)
    tl = _compile(_program(EFFLEURAGE), GENTLE)
    assert any("stroke span narrowed" in w for w in tl.warnings)


def test_stroke_span_standard_is_any() -> None:
    assert STANDARD.max_stroke_zones is None
    tl = _compile(_program(EFFLEURAGE), STANDARD)
    assert not any("stroke span" in w for w in tl.warnings)


# -- heat ---------------------------------------------------------------------------------------
HEAT = """
[[phases]]
technique = "heat"
zones = ["lower-back"]
target_c = 45
duration = "10m"
"""


@pytest.mark.parametrize(("safety", "ceiling"), [(STANDARD, 41.0), (GENTLE, 38.0)])
def test_heat_ceiling_standard_41_gentle_38_c(safety: SafetyProfile, ceiling: float) -> None:
    assert safety.heat_max_c == ceiling
    tl = _compile(_program(HEAT), safety)
    assert _peak(tl, ("heat",)) == pytest.approx(ceiling)


# -- session length -----------------------------------------------------------------------------
@pytest.mark.parametrize(("safety", "limit_min"), [(STANDARD, 30), (GENTLE, 20)])
def test_session_standard_30_gentle_20_minutes(safety: SafetyProfile, limit_min: int) -> None:
    """Asked for 45 minutes, the session is fitted down to the limit, and fills it."""
    assert safety.max_session_min == limit_min
    tl = _compile(_program(ROCKING.format(intensity=0.3, duration="45m")), safety, PAD)
    assert limit_min * 60_000 - 60_000 <= tl.duration_ms <= limit_min * 60_000
    tl = _compile(_program(ROCKING.format(intensity=0.3, duration="5m")), safety, PAD,
                  minutes=45)
    assert limit_min * 60_000 - 60_000 <= tl.duration_ms <= limit_min * 60_000


def test_a_profile_that_allows_tapping_but_not_deep_tissue_refuses_it_in_any_phase() -> None:
    # A user's file: standard, but no deep tissue (a disc problem). Percussion stays allowed.
    mine = STANDARD.tightened({"deep_tissue_allowed": False, "id": "no-deep"}, source="x.toml")
    text = _program(ROCKING.format(intensity=0.2, duration="1m") + TAPOTEMENT + DEEP)
    with pytest.raises(CompileError, match="deep-tissue is not allowed") as info:
        _compile(text, mine)
    assert "phase 3 (deep-tissue)" in str(info.value)
