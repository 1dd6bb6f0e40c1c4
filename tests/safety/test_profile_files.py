"""Safety profile files may only tighten their base profile (docs/SAFETY.md): never loosen a limit,
whatever numbers (NaN and infinity included, which TOML can spell) the file holds."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import SafetyProfileError
from massage_ctl.safety.profile import GENTLE, STANDARD, SafetyProfile, load_safety_profile

#: Limits where a larger number is looser.
UPPER_LIMITS = ("max_intensity", "max_ramp_per_s", "percussion_pulse_hz", "max_hold_s",
                "heat_max_c", "max_session_min", "hold_threshold")
#: Permissions: True is looser.
PERMISSIONS = ("percussion_allowed", "deep_tissue_allowed")

#: What a TOML file can hold for a number, with the awkward values drawn often.
numbers = (
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-300])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-10, 500)
)
overrides = st.dictionaries(
    st.sampled_from([*UPPER_LIMITS, *PERMISSIONS, "max_stroke_zones"]),
    numbers | st.booleans() | st.none(),
    max_size=4,
)


def no_looser(new: SafetyProfile, base: SafetyProfile) -> list[str]:
    """The fields on which ``new`` is looser than ``base`` (or not comparable, like NaN)."""
    looser = [f for f in UPPER_LIMITS if not getattr(new, f) <= getattr(base, f)]
    looser += [f for f in PERMISSIONS if getattr(new, f) and not getattr(base, f)]
    if base.max_stroke_zones is not None and not (
        new.max_stroke_zones is not None and new.max_stroke_zones <= base.max_stroke_zones
    ):
        looser.append("max_stroke_zones")
    return looser


@settings(max_examples=400, deadline=None)
@given(base=st.sampled_from([STANDARD, GENTLE]), changes=overrides)
def test_a_profile_file_never_loosens_its_base(
    base: SafetyProfile, changes: dict[str, Any]
) -> None:
    try:
        new = base.tightened(changes, source="mine.toml")
    except SafetyProfileError as err:
        assert str(err).startswith("mine.toml: ")
        return
    assert no_looser(new, base) == []


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("max_intensity = 0.9", "max_intensity"),
        ("percussion_allowed = true", "percussion_allowed"),
        ("percussion_pulse_hz = nan", "percussion_pulse_hz"),
        ("percussion_pulse_hz = inf", "percussion_pulse_hz"),
        ("max_stroke_zones = 5", "max_stroke_zones"),
    ],
)
def test_a_file_that_loosens_gentle_is_refused_naming_the_field(
    tmp_path: Path, line: str, field: str
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(f'base = "gentle"\n{line}\n', encoding="utf-8")
    with pytest.raises(SafetyProfileError) as info:
        load_safety_profile(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert field in str(info.value)


def test_a_file_that_tightens_keeps_the_rest_of_its_base(tmp_path: Path) -> None:
    path = tmp_path / "my-neck.toml"
    path.write_text('base = "gentle"\nmax_intensity = 0.3\nheat_max_c = 37\n', encoding="utf-8")
    mine = load_safety_profile(path)
    assert mine.id == "my-neck (based on gentle)"
    assert (mine.max_intensity, mine.heat_max_c) == (0.3, 37)
    assert mine.model_dump(exclude={"id", "name", "max_intensity", "heat_max_c"}) == (
        GENTLE.model_dump(exclude={"id", "name", "max_intensity", "heat_max_c"})
    )
    assert math.isfinite(mine.percussion_pulse_hz)
