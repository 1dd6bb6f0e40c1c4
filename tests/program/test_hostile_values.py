"""Hostile values in program files: wrong types, empty sides, absurd durations, deep nesting.

Each is a :class:`ProgramError` naming the file, the line and the field — never a traceback and
never a silent conversion (``true`` is not an intensity of 1, ``"0.5"`` is not 0.5).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import ProgramError
from massage_ctl.program import PHASE_MODELS, load_program_text

GOOD = (Path(__file__).parent / "data" / "trigger-lower-back.toml").read_text()

# key as written in GOOD → (line, field as the error names it, the value's own TOML type)
SLOTS = {
    "max_intensity = 0.7": (10, "limits.max_intensity", "number"),
    "intensity = 0.4": (16, "phase 1.intensity", "number"),
    'stroke = "effleurage"': (14, "phase 1.stroke", "string"),
    'duration = "2m"': (17, "phase 1.duration", "string"),
    'hold = "45s"': (23, "phase 2.hold", "string"),
    "repeats = 2": (24, "phase 2.repeats", "int"),
    'zones = ["lower-back.left", "lower-back.right"]': (21, "phase 2.zones", "list"),
    'name = "Trigger points, lower back"': (3, "name", "string"),
}
WRONG = {
    "bool": st.sampled_from(["true", "false"]),
    "string": st.sampled_from(['"0.5"', '"1"', '"true"', '""']),
    "number": st.sampled_from(["0.5", "1", "0", "2.5e-1"]),
    "list": st.sampled_from(["[0.5]", '["0.5"]', "[]", "[true]"]),
    "table": st.sampled_from(["{ a = 1 }", "{}"]),
    "date": st.sampled_from(["1979-05-27", "07:32:00"]),
}
# A slot's own type may take these without being wrong (an int is a number; an empty string
# is a string and is checked by its own rule, still an error but not a type error).
SAME = {"number": {"number"}, "int": set(), "string": {"string"}, "list": {"list"}}


def _error(text: str) -> ProgramError:
    with pytest.raises(ProgramError) as info:
        load_program_text(text, path="prog.toml")
    return info.value


@settings(max_examples=200, deadline=None)
@given(data=st.data(), slot=st.sampled_from(sorted(SLOTS)))
def test_a_wrong_type_names_file_line_and_field(data: st.DataObject, slot: str) -> None:
    line, field, own = SLOTS[slot]
    kinds = sorted(set(WRONG) - SAME.get(own, set()))
    value = data.draw(st.sampled_from(kinds).flatmap(lambda k: WRONG[k]))
    if own == "int" and re.fullmatch(r"\d+", value):
        return  # a whole number is a valid repeat count (0 is refused by its range)
    key = slot.split(" = ")[0]
    text = GOOD.replace(slot, f"{key} = {value}", 1)
    err = _error(text)
    assert (err.path, err.line, err.field) == ("prog.toml", line, field), str(err)
    assert "Traceback" not in str(err) and str(err).count(key) <= 2, str(err)


@pytest.mark.parametrize("value", ["true", '"0.5"', '"0.6"', "false"])
def test_intensity_is_never_a_boolean_or_a_string(value: str) -> None:
    err = _error(GOOD.replace("intensity = 0.6", f"intensity = {value}"))
    assert err.field == "phase 2.intensity" and err.line == 22
    assert "must be a number" in str(err)


@pytest.mark.parametrize("value", ['"yes"', '"true"', "1"])
def test_alternate_sides_must_be_true_or_false(value: str) -> None:
    text = GOOD.replace("repeats = 2", f"repeats = 2\nalternate_sides = {value}")
    err = _error(text)
    assert err.field == "phase 2.alternate_sides" and err.line == 25
    assert "true or false" in str(err)


@pytest.mark.parametrize(
    "point", ["lower-back.", ".left", "lower-back..left", "lower-back.left.", "lower-back.up"]
)
def test_a_point_needs_a_real_side(point: str) -> None:
    err = _error(GOOD.replace('"lower-back.right"', f'"{point}"'))
    assert err.field == "phase 2.zones" and err.line == 21
    assert "unknown zone" in str(err)


@settings(max_examples=60, deadline=None)
@given(ms=st.integers(1, 999))
def test_a_phase_shorter_than_one_second_is_refused(ms: int) -> None:
    err = _error(GOOD.replace('duration = "30s"', f'duration = "{ms / 1000}s"'))
    assert err.field == "phase 3.duration" and err.line == 28
    assert "at least 1s" in str(err)


@settings(max_examples=60, deadline=None)
@given(ms=st.integers(1, 499), key=st.sampled_from(["ramp", "release", "rest", "hold"]))
def test_a_step_shorter_than_half_a_second_is_refused(ms: int, key: str) -> None:
    text = GOOD.replace('hold = "45s"', f'hold = "45s"\n{key} = "{ms / 1000}s"'.replace(
        'hold = "45s"\nhold', "hold"))
    err = _error(text)
    assert err.field == f"phase 2.{key}" and "at least 0.5s" in str(err)


def test_a_stroke_shorter_than_two_seconds_is_refused() -> None:
    err = _error(GOOD.replace('stroke = "effleurage"', 'stroke_period = "1s"'))
    assert err.field == "phase 1.stroke_period" and err.line == 14


@settings(max_examples=60, deadline=None)
@given(digits=st.integers(13, 400), unit=st.sampled_from(["h", "m", "s"]))
def test_durations_with_hundreds_of_digits_are_one_line_errors(digits: int, unit: str) -> None:
    err = _error(GOOD.replace('"45s"', f'"{"9" * digits}{unit}"'))
    assert err.field == "phase 2.hold" and err.line == 23
    assert "24h" in str(err) and len(str(err)) < 200


@pytest.mark.parametrize("bad", ['"25h"', '"1441m"', '"86401s"'])
def test_durations_longer_than_a_day_are_refused(bad: str) -> None:
    assert "at most 24h" in str(_error(GOOD.replace('"2m"', bad)))


@pytest.mark.parametrize("depth", [40, 1000, 5000])
def test_deeply_nested_values_are_a_named_error(depth: int) -> None:
    err = _error(GOOD + "\nextra = " + "[" * depth + "]" * depth + "\n")
    assert err.line == GOOD.count("\n") + 2 and "nested too deeply" in str(err)


def test_an_integer_with_thousands_of_digits_is_a_named_error() -> None:
    err = _error(GOOD.replace("repeats = 2", "repeats = " + "9" * 5000))
    assert err.path == "prog.toml" and len(str(err)) < 300


def test_a_bad_id_is_named_once_in_plain_words() -> None:
    err = _error(GOOD.replace('id = "trigger-lower-back"', 'id = "Trigger Lower Back"'))
    assert str(err) == (
        "prog.toml:2: id: must be lowercase letters, digits and dashes (got 'Trigger Lower Back')"
    )


def test_a_byte_order_mark_is_accepted() -> None:
    assert load_program_text("\ufeff" + GOOD).id == "trigger-lower-back"


# --- every key of every technique: no silent conversion ------------------------------------------


MINIMAL = {
    "heat": 'zones = ["lower-back"]\ntarget_c = 38\nduration = "5m"\n',
    "rest": 'duration = "1m"\n',
}
ACTIVE = 'zones = ["lower-back"]\nintensity = 0.4\nduration = "2m"\n'
POOL = ["true", '"0.5"', "0.5", "7", '"slow"', '"30s"', "[1]", '["neck"]', "{ a = 1 }",
        "1979-05-27", '""']
HEADER = 'id = "p"\nname = "P"\ndescription = "d"\n\n[[phases]]\n'


@settings(max_examples=400, deadline=None)
@given(data=st.data(), technique=st.sampled_from(sorted(PHASE_MODELS)))
def test_any_key_of_any_technique_takes_only_its_own_type(
    data: st.DataObject, technique: str
) -> None:
    keys = sorted(set(PHASE_MODELS[technique].model_fields) - {"technique"})
    key = data.draw(st.sampled_from(keys))
    value = data.draw(st.sampled_from(POOL))
    body = MINIMAL.get(technique, ACTIVE)
    body = "\n".join(line for line in body.splitlines() if not line.startswith(f"{key} ="))
    if key == "repeats":
        body = body.replace('duration = "2m"', "")
    text = f'{HEADER}technique = "{technique}"\n{body}\n{key} = {value}\n'
    line = text.splitlines().index(f"{key} = {value}") + 1
    try:
        program = load_program_text(text, path="p.toml")
    except ProgramError as err:
        assert err.path == "p.toml" and err.field is not None and err.line is not None
        assert err.field.startswith("phase 1"), str(err)
        if err.field == f"phase 1.{key}":
            assert err.line == line, str(err)
        return
    # Accepted: the value is used as written, never converted from another type.
    written = tomllib.loads(f"v = {value}")["v"]
    got = getattr(program.phases[0], key)
    if isinstance(written, str) and isinstance(got, int) and not isinstance(got, bool):
        return  # a duration written as a string, held in ms
    if isinstance(got, list | tuple):
        got = list(got)
    assert type(got) is type(written) or (isinstance(got, float) and type(written) is int)
