"""Loading programs, and the error for every kind of bad input (file, line, field, hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_ctl.errors import ProgramError, ProgramNotFoundError
from massage_ctl.program import (
    TECHNIQUES,
    load_program,
    load_program_file,
    parse_duration_ms,
    program_json_schema,
)
from massage_ctl.techniques.pressing import TriggerPointPhase
from massage_ctl.techniques.swedish import SwedishPhase

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "trigger-lower-back.toml").read_text()


def write(tmp_path: Path, text: str | bytes, name: str = "prog.toml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


def load_error(tmp_path: Path, text: str | bytes) -> ProgramError:
    path = write(tmp_path, text)
    with pytest.raises(ProgramError) as info:
        load_program_file(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    return info.value


def test_example_programs_load() -> None:
    prog = load_program_file(DATA / "trigger-lower-back.toml")
    assert prog.id == "trigger-lower-back"
    assert isinstance(prog.phases[0], SwedishPhase)
    tp = prog.phases[1]
    assert isinstance(tp, TriggerPointPhase)
    assert tp.hold == 45_000 and tp.repeats == 2 and tp.alternate_sides
    assert prog.limits.max_intensity == 0.7
    assert load_program(DATA / "gentle-sciatica.toml").duration == 15 * 60_000


@pytest.mark.parametrize(
    ("text", "ms"), [("90s", 90_000), ("2m30s", 150_000), ("20m", 1_200_000), ("1h", 3_600_000)]
)
def test_durations_read_like_people_write_them(text: str, ms: int) -> None:
    assert parse_duration_ms(text) == ms


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace("intensity = 0.4", "intensity = = 0.4"))
    assert err.line == 16
    assert "TOML syntax error" in str(err) and ":16:" in str(err)


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in str(load_error(tmp_path, "  \n"))


def test_binary_files(tmp_path: Path) -> None:
    assert "binary" in str(load_error(tmp_path, b"\x89PNG\x00\x01\x02"))
    err = load_error(tmp_path, b'id = "x"\nname = "\xff\xfe"\n')
    assert "UTF-8" in str(err) and err.line == 2


def test_device_profile_is_not_a_program(tmp_path: Path) -> None:
    device = Path("src/massage_ctl/devices/profiles/pad.toml").read_text()
    err = load_error(tmp_path, device)
    assert "not a massage program" in str(err) and "device profile" in str(err)


def test_random_toml_is_not_a_program(tmp_path: Path) -> None:
    err = load_error(tmp_path, "[server]\nport = 8080\n")
    assert "not a massage program" in str(err)
    assert err.hint and "[[phases]]" in err.hint


def test_unknown_technique_lists_valid_ones(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace('"trigger-point"', '"trigger-piont"'))
    assert err.field == "phase 2" and err.line == 19
    assert "unknown technique 'trigger-piont'" in str(err)
    assert err.hint and "did you mean 'trigger-point'" in err.hint
    assert all(t in err.hint for t in TECHNIQUES)


def test_unknown_zone_lists_zones(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace('"lower-back.left"', '"lowerback.left"'))
    assert err.field == "phase 2.zones" and err.line == 21
    assert "unknown zone 'lowerback.left'" in str(err)
    assert err.hint and "mid-back" in err.hint


@pytest.mark.parametrize("bad", ['"0s"', '"-4s"', '"0m"'])
def test_zero_or_negative_duration(tmp_path: Path, bad: str) -> None:
    err = load_error(tmp_path, GOOD.replace('"45s"', bad))
    assert err.field == "phase 2.hold" and err.line == 23
    assert err.hint and "90s" in err.hint


def test_duration_without_unit(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace('"30s"', "30"))
    assert err.field == "phase 3.duration" and err.line == 28


@pytest.mark.parametrize("bad", ["1.6", "-0.1"])
def test_intensity_outside_0_1(tmp_path: Path, bad: str) -> None:
    err = load_error(tmp_path, GOOD.replace("intensity = 0.6", f"intensity = {bad}"))
    assert err.field == "phase 2.intensity" and err.line == 22
    assert "between 0 and 1" in str(err)


def test_misspelt_key_suggests_closest(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace("hold =", "hlod ="))
    assert err.field == "phase 2.hlod" and err.line == 23
    assert err.hint and "did you mean 'hold'" in err.hint


def test_misspelt_key_in_limits_table(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace("max_intensity", "max_intensty"))
    assert err.field == "limits.max_intensty" and err.line == 10
    assert err.hint and "'max_intensity'" in err.hint


def test_misspelt_top_level_key(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace("not_for", "not_fro"))
    assert err.field == "not_fro" and err.line == 6


def test_duration_and_repeats_together_refused(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace('repeats = 2', 'repeats = 2\nduration = "5m"'))
    assert err.field == "phase 2" and err.line == 19 and "not both" in str(err)


def test_deep_tissue_takes_at_most_two_zones(tmp_path: Path) -> None:
    text = (DATA / "deep-shoulders.toml").read_text()
    err = load_error(tmp_path, text.replace('["shoulders"]', '["neck", "shoulders", "upper-back"]'))
    assert err.field == "phase 1.zones"


def test_unknown_program_id_suggests_close_ids(tmp_path: Path) -> None:
    with pytest.raises(ProgramNotFoundError) as info:
        load_program("no-such-program-anywhere")
    assert info.value.hint and "massage-ctl list" in info.value.hint
    with pytest.raises(ProgramNotFoundError):
        load_program(tmp_path / "missing.toml")


def test_json_schema_has_every_technique() -> None:
    schema = program_json_schema()
    text = str(schema)
    assert all(f"'{t}'" in text for t in TECHNIQUES)
    assert schema["properties"]["phases"]["items"]["discriminator"]["propertyName"] == "technique"
    assert schema["additionalProperties"] is False
