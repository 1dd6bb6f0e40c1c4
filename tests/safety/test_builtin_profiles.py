"""The two built-in safety profiles are fixed numbers nobody can change at run time, and a
tightened copy changes exactly what it was asked to (docs/SAFETY.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from massage_ctl.errors import SafetyProfileError
from massage_ctl.safety import (
    BUILTIN_SAFETY,
    GENTLE,
    STANDARD,
    SafetyProfile,
    load_safety_profile,
)

#: The safety table, field by field (README and docs/SAFETY.md).
TABLE = {
    "max_intensity": (0.80, 0.35),
    "max_ramp_per_s": (0.20, 0.05),
    "percussion_allowed": (True, False),
    "percussion_pulse_hz": (2.0, 2.0),
    "deep_tissue_allowed": (True, False),
    "hold_threshold": (0.25, 0.25),
    "max_hold_s": (90.0, 30.0),
    "max_stroke_zones": (None, 2),
    "heat_max_c": (41.0, 38.0),
    "max_session_min": (30.0, 20.0),
}


@pytest.mark.parametrize("field", sorted(TABLE))
def test_the_builtin_profiles_hold_the_safety_tables_numbers(field: str) -> None:
    standard, gentle = TABLE[field]
    assert getattr(STANDARD, field) == standard
    assert getattr(GENTLE, field) == gentle


def test_standard_and_gentle_are_the_names_a_user_types() -> None:
    assert load_safety_profile("standard") is STANDARD
    assert load_safety_profile("gentle") is GENTLE
    assert sorted(BUILTIN_SAFETY) == ["gentle", "standard"]


@pytest.mark.parametrize("field", sorted(TABLE))
def test_a_builtin_profile_cannot_be_changed_at_run_time(field: str) -> None:
    for profile in (STANDARD, GENTLE):
        before = getattr(profile, field)
        with pytest.raises(ValidationError):
            setattr(profile, field, 1.0)
        assert getattr(profile, field) == before


def test_the_builtin_table_cannot_be_swapped_for_a_looser_profile() -> None:
    looser = STANDARD.model_copy(update={"id": "gentle"})
    with pytest.raises(TypeError):
        BUILTIN_SAFETY["gentle"] = looser  # type: ignore[index]
    assert load_safety_profile("gentle") is GENTLE


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_intensity", 0.3), ("max_ramp_per_s", 0.04), ("max_hold_s", 20.0),
     ("heat_max_c", 37.0), ("max_session_min", 15.0), ("percussion_pulse_hz", 1.5),
     ("hold_threshold", 0.2), ("max_stroke_zones", 1), ("percussion_allowed", False),
     ("deep_tissue_allowed", False)],
)
def test_tightening_gentle_changes_that_field_only(field: str, value: object) -> None:
    tight = GENTLE.tightened({field: value, "id": "mine"}, source="mine.toml")
    assert getattr(tight, field) == value
    for other in TABLE:
        if other != field:
            assert getattr(tight, other) == getattr(GENTLE, other), other
    assert GENTLE.max_intensity == 0.35  # the base is untouched


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_intensity", 0.36), ("max_ramp_per_s", 0.06), ("max_hold_s", 31.0),
     ("heat_max_c", 38.5), ("max_session_min", 21.0), ("percussion_pulse_hz", 2.5),
     ("hold_threshold", 0.3), ("max_stroke_zones", 3), ("max_stroke_zones", None),
     ("percussion_allowed", True), ("deep_tissue_allowed", True)],
)
def test_loosening_gentle_by_a_hair_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(SafetyProfileError, match=f"{field} would loosen the 'gentle' profile"):
        GENTLE.tightened({field: value}, source="mine.toml")


def test_keeping_a_limit_as_it_is_counts_as_tightening() -> None:
    same = GENTLE.tightened({"max_intensity": 0.35, "max_stroke_zones": 2}, source="x.toml")
    assert same.max_intensity == 0.35 and same.max_stroke_zones == 2
    assert STANDARD.tightened({"max_stroke_zones": 4}, source="x.toml").max_stroke_zones == 4


NUMBERS = ("max_intensity", "max_ramp_per_s", "percussion_pulse_hz", "hold_threshold",
           "max_hold_s", "heat_max_c", "max_session_min")


@settings(deadline=None)  # examples: the Hypothesis profile (tests/conftest.py)
@given(field=st.sampled_from(NUMBERS), share=st.floats(0.001, 1.0),
       base=st.sampled_from([STANDARD, GENTLE]))
def test_any_tighter_positive_number_is_accepted(
    field: str, share: float, base: SafetyProfile
) -> None:
    """\"May only tighten\" means every smaller positive number is a valid profile file."""
    value = getattr(base, field) * share
    assert getattr(base.tightened({field: value}, source="x.toml"), field) == value


def test_heat_ceiling_zero_means_no_heat_and_is_accepted() -> None:
    assert GENTLE.tightened({"heat_max_c": 0}, source="no-heat.toml").heat_max_c == 0.0


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_intensity", 1.01), ("max_ramp_per_s", 1.5), ("hold_threshold", 1.2),
     ("heat_max_c", 45.5), ("percussion_pulse_hz", float("inf")),
     ("percussion_pulse_hz", float("nan")), ("max_intensity", 0.0), ("max_hold_s", 0.0)],
)
def test_a_profile_built_in_code_cannot_hold_an_impossible_limit(field: str, value: float) -> None:
    # Not only files: a profile made in code (a plug-in, a test) is held to the same ranges —
    # full scale at most, heat at most 45 °C, finite numbers.
    with pytest.raises(ValidationError, match=field):
        SafetyProfile.model_validate({"id": "x", "name": "x", field: value})
