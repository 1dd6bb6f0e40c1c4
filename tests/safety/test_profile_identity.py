"""A safety profile file can never pass itself off as a built-in profile.

The profile id is what the session history records and the health report shows, so a file
based on ``standard`` that calls itself ``gentle`` must be refused, and whatever a file calls
itself, the id it is recorded under says what it is derived from (docs/SAFETY.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import SafetyProfileError
from massage_ctl.program import load_program
from massage_ctl.safety import BUILTIN_SAFETY, load_safety_profile
from massage_ctl.safety.identity import impersonates

LOOKALIKES = [
    "gentle", "Gentle", "GENTLE", " gentle ", "gentle\t", "g e n t l e", "gent1e", "g-e-n-t-l-e",
    "gеntle",  # Cyrillic е
    "ｇｅｎｔｌｅ",  # fullwidth
    "gentlé", "Ꮐentle", "Gentle (nerve-safe)", "nerve-safe",
    "standard", "Standard", "STANDARD", "5tandard", "stаndard",  # Cyrillic а
]


def _write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path) -> SafetyProfileError:
    with pytest.raises(SafetyProfileError) as info:
        load_safety_profile(path)
    assert str(info.value).startswith(str(path))
    return info.value


@pytest.mark.parametrize("base", ["standard", "gentle"])
@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_built_in_name_or_look_alike_is_refused_as_name(
    tmp_path: Path, base: str, name: str
) -> None:
    err = _refused(_write(tmp_path, f'base = "{base}"\nname = {json.dumps(name)}\n'))
    assert ":2: name: " in str(err) and "built-in" in str(err)


@pytest.mark.parametrize("own", ["gentle", "standard", "gent1e", "5tandard", "nerve-safe"])
def test_a_built_in_name_or_look_alike_is_refused_as_id(tmp_path: Path, own: str) -> None:
    err = _refused(_write(tmp_path, f'base = "standard"\nid = "{own}"\n'))
    assert ":2: id: " in str(err)


@pytest.mark.parametrize("stem", ["gentle", "Gentle", "standard", "GENTLE"])
def test_a_file_merely_named_like_a_built_in_needs_its_own_id(tmp_path: Path, stem: str) -> None:
    path = _write(tmp_path, 'base = "standard"\n', name=f"deep/{stem}.toml")
    err = _refused(path)
    assert "file name" in str(err) and "built-in" in str(err)
    # ... and with an id of its own it is fine, recorded under that id.
    path.write_text('base = "standard"\nid = "my-back"\n', encoding="utf-8")
    assert load_safety_profile(path).id == "my-back (based on standard)"


def test_a_file_may_mention_its_own_base_but_not_the_other(tmp_path: Path) -> None:
    ok = load_safety_profile(_write(tmp_path, 'base = "gentle"\nid = "gentle-neck"\n'))
    assert ok.id == "gentle-neck (based on gentle)"
    _refused(_write(tmp_path, 'base = "standard"\nid = "gentle-neck"\n'))


@pytest.mark.parametrize("value", ['["gentle"]', '{ name = "gentle" }', "1", "true"])
def test_a_base_that_is_not_a_string_is_one_clear_error(tmp_path: Path, value: str) -> None:
    err = _refused(_write(tmp_path, f"max_intensity = 0.3\nbase = {value}\n"))
    assert ":2: base: must be \"standard\" or \"gentle\"" in str(err)


@pytest.mark.parametrize("value", ['"0.3"', "true"])
def test_a_limit_of_the_wrong_type_is_refused_with_its_line(tmp_path: Path, value: str) -> None:
    err = _refused(_write(tmp_path, f'base = "standard"\nmax_intensity = {value}\n'))
    assert ":2: max_intensity: " in str(err)


def test_deep_nesting_and_a_byte_order_mark(tmp_path: Path) -> None:
    deep = _write(tmp_path, 'base = "gentle"\nx = ' + "[" * 3000 + "]" * 3000 + "\n")
    assert "nested too deeply" in str(_refused(deep))
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b'\xef\xbb\xbfbase = "gentle"\nmax_intensity = 0.3\n')
    assert load_safety_profile(bom).id == "bom (based on gentle)"


ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
names = st.text(min_size=1, max_size=30) | st.sampled_from(LOOKALIKES)
PROGRAM = load_program("quick-10-minute")
PAD = load_device_profile("pad")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(["standard", "gentle"]), own=ids | st.sampled_from(LOOKALIKES),
       name=names | st.none())
def test_what_is_recorded_for_a_file_profile_never_reads_as_a_built_in(
    tmp_path: Path, base: str, own: str, name: str | None
) -> None:
    text = f'base = "{base}"\nid = {json.dumps(own)}\n'
    if name is not None:
        text += f"name = {json.dumps(name)}\n"
    path = _write(tmp_path, text)
    try:
        profile = load_safety_profile(path)
    except SafetyProfileError:
        return
    recorded = compile_program(PROGRAM, PAD, profile).safety  # what history and JSON show
    assert recorded not in BUILTIN_SAFETY
    own_part, _, derived = recorded.rpartition(" (based on ")
    assert derived == f"{base})"
    assert impersonates(own_part, base=base) is None
    assert impersonates(profile.name.rpartition(" (based on ")[0], base=base) is None


def test_compile_json_names_the_file_profile_truthfully(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, 'base = "standard"\nid = "my-back"\nmax_intensity = 0.5\n')
    assert main(["compile", "quick-10-minute", "--json", "--safety", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["safety"] == "my-back (based on standard)"
    lying = _write(tmp_path, 'base = "standard"\nname = "Gentle"\n', name="x.toml")
    assert main(["compile", "quick-10-minute", "--json", "--safety", str(lying)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "reads as the built-in 'gentle' profile" in captured.err


def test_a_file_name_that_is_not_id_shaped_still_gives_an_id(tmp_path: Path) -> None:
    path = _write(tmp_path, 'base = "gentle"\n', name="My Neck.toml")
    assert load_safety_profile(path).id == "my-neck (based on gentle)"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"k{i} = {_toml(v)}" for i, v in enumerate(value.values())) + " }"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


scalars = st.booleans() | st.integers(-5, 5) | st.sampled_from([0.3, -1.0]) | st.text(max_size=8)
values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.text(max_size=3), scalars,
                                                                   max_size=2)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["base", "id", "name", "description",
                                               "max_intensity", "percussion_allowed"]),
                              values, max_size=4))
def test_any_value_of_any_type_gives_a_profile_or_one_clear_error(
    tmp_path: Path, fields: dict[str, object]
) -> None:
    path = _write(tmp_path, "".join(f"{k} = {_toml(v)}\n" for k, v in fields.items()))
    try:
        profile = load_safety_profile(path)
    except SafetyProfileError as err:
        assert str(err).startswith(str(path)) and "\n" not in str(err)
        return
    assert profile.id not in BUILTIN_SAFETY and "(based on " in profile.id


def test_a_profile_derived_in_code_is_never_named_as_a_built_in() -> None:
    from massage_ctl.safety import GENTLE, STANDARD

    assert STANDARD.tightened({}, source="code").id == "custom (based on standard)"
    mine = GENTLE.tightened({"id": "neck", "max_intensity": 0.2}, source="code")
    assert (mine.id, mine.name) == ("neck (based on gentle)", "Custom (based on gentle)")
    assert mine.tightened({}, source="code").id == "custom (based on gentle)"
    for lie in ("gentle", "Gentle", "gentle (based on standard)"):
        with pytest.raises(SafetyProfileError, match="reads as the built-in 'gentle'"):
            STANDARD.tightened({"id": lie}, source="code")


LOOKS = {"a": "аα4@", "e": "еε3", "o": "оο0", "s": "ѕ5$", "t": "т7", "l": "1|ⅼ", "g": "ɡ69",
         "n": "η", "d": "ԁ", "r": "г"}
SEPARATORS = ["", " ", "-", "_", ".", "\u200b", "\t", "·"]


@settings(max_examples=500, deadline=None)
@given(data=st.data(), word=st.sampled_from(["gentle", "standard"]))
def test_spellings_of_a_built_in_name_are_always_recognised(
    data: st.DataObject, word: str
) -> None:
    out = ""
    for ch in word:
        form = data.draw(st.sampled_from([ch, ch.upper(), *LOOKS.get(ch, "")]))
        if form.isascii() and form.isalpha() and data.draw(st.booleans()):
            form = chr(ord(form) + 0xFEE0)  # the fullwidth letter
        out += form + data.draw(st.sampled_from(SEPARATORS))
    out = data.draw(st.sampled_from(["", " ", "  "])) + out
    other = "gentle" if word == "standard" else "standard"
    assert impersonates(out) == word, out
    assert impersonates(out, base=other) == word, out


def test_a_name_in_another_script_is_refused_only_when_it_mostly_reads_as_a_built_in() -> None:
    # Characters the look-alike table does not know (Cherokee here) may stand for any letter,
    # but only two of them: three would refuse names in other scripts wholesale.
    assert impersonates("ᏀᎬntle") == "gentle"  # two unknown, four real letters
    assert impersonates("ᏀᎬᏁtle") is None  # three unknown
    # Only part of a built-in name is not that name.
    assert impersonates("Gentl") is None
    assert impersonates("standar") is None
