"""``list``, ``show`` and ``schema`` as a user sees them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from massage_ctl.devices import load_device_profile
from massage_ctl.program import builtin_program_ids, load_program

from .conftest import Result

Cli = Callable[..., Result]


def test_list_shows_every_builtin_program_with_its_facts(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no cell wraps
    result = cli("list")
    assert result.code == 0
    for pid in builtin_program_ids():
        assert pid in result.out
    row = next(line for line in result.out.splitlines() if "trigger-point-lower-back" in line)
    assert "Trigger points, lower back" in row
    assert "trigger-point" in row and "20m" in row and "mid-back–hips" in row


def test_list_on_a_narrow_terminal_puts_the_name_under_the_id(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    result = cli("list")
    lines = result.out.splitlines()
    i = next(i for i, line in enumerate(lines) if "gentle-sciatica" in line)
    assert "Gentle, nerve-safe (sciatica)" in lines[i + 1]
    assert max(len(line) for line in lines) <= 90


def test_show_describes_the_program_and_charts_every_channel(cli: Cli) -> None:
    result = cli("show", "trigger-point-lower-back", "--device", "sim://chair")
    assert result.code == 0, result.err
    program = load_program("trigger-point-lower-back")
    out = result.out
    assert program.name in out
    assert "For:" in out and "Not for:" in out
    for line in program.suitable_for + program.not_for:
        assert line in out
    rows = [line for line in out.splitlines() if "│" in line]
    for ch in load_device_profile("chair").channels:
        assert any(row.startswith(ch.id + " ") for row in rows), ch.id
    # The trigger-point presses show up on both lower-back air cells, and the heat row peaks at 40.
    for side in ("left", "right"):
        row = next(r for r in rows if r.startswith(f"air.lower-back.{side}"))
        assert "▅" in row and "peak 0.60" in row
    assert "pad up to 40 °C (set 40)" in out  # expected pad temperature and setpoint
    assert "trigger points left and right (trigger-point)" in out
    assert "No warnings" in out


def test_show_under_gentle_lists_what_was_lowered(cli: Cli) -> None:
    result = cli("show", "quick-10-minute", "--profile", "pad", "--safety", "gentle")
    assert result.code == 0, result.err
    assert "safety gentle" in result.out
    assert "lowered to the cap 0.35" in result.out
    for ch in load_device_profile("pad").channels:
        assert ch.id in result.out


def test_show_svg_writes_an_svg_of_the_chart(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    result = cli("show", "gentle-sciatica", "--profile", "bed", "--svg", str(target))
    assert result.code == 0, result.err
    root = ET.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext()).replace("\xa0", " ")
    assert "heat.lower-back" in text and "roller.pressure" in text
    assert "No warnings" in text


def test_show_refuses_deep_tissue_under_gentle_with_one_clear_message(cli: Cli) -> None:
    result = cli("show", "deep-tissue-upper-back", "--safety", "gentle")
    assert result.code == 1
    assert result.out == ""
    assert "deep-tissue is not allowed under the 'gentle' safety profile" in result.err
    assert result.err.startswith("massage-ctl: error:")


def test_show_unwritable_svg_is_an_error_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("show", "quick-10-minute", "--svg", str(tmp_path / "missing" / "x.svg"))
    assert result.code == 1
    assert "cannot write the SVG file" in result.err


def test_show_unknown_program_suggests_close_ids(cli: Cli) -> None:
    result = cli("show", "trigger-point-lowerback")
    assert result.code == 1
    assert "did you mean" in result.err and "trigger-point-lower-back" in result.err


def test_schema_is_a_json_schema_that_accepts_programs_and_rejects_typos(cli: Cli) -> None:
    result = cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {
        "id": "x",
        "name": "X",
        "description": "d",
        "phases": [{"technique": "rest", "duration": "1m"}],
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "phases": [{"technique": "rest", "duraton": "1m"}]})
    assert not validator.is_valid({**good, "phases": [{"technique": "rest", "duration": "1 min"}]})
