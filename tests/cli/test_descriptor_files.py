"""Device descriptor files (a hobbyist's own device): compiled for by path, and their mistakes
reported as one screen naming the file, the line and the channel."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from .conftest import Result

Cli = Callable[..., Result]

PAD = resources.files("massage_ctl.devices").joinpath("profiles/pad.toml").read_text("utf-8")


def _descriptor(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-pad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _assert_one_screen_error(result: Result) -> None:
    assert result.code == 1
    assert "Traceback" not in result.err
    assert len(result.err.splitlines()) <= 3


def test_a_program_compiles_for_a_descriptor_at_an_absolute_path(
    cli: Cli, tmp_path: Path
) -> None:
    path = _descriptor(tmp_path, PAD.replace('id = "pad"', 'id = "my-pad"'))
    result = cli("compile", "quick-10-minute", "--device", f"sim://{path}?speed=max", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["device"] == "my-pad"


def test_a_wrong_value_names_file_line_and_channel(cli: Cli, tmp_path: Path) -> None:
    text = PAD.replace("max_ramp_per_s = ", 'max_ramp_per_s = "fast" # was ', 1)
    path = _descriptor(tmp_path, text)
    result = cli("compile", "quick-10-minute", "--device", f"sim://{path}")
    _assert_one_screen_error(result)
    line = _line_of(text, '"fast"')
    assert result.err.startswith(
        f"massage-ctl: error: {path}:{line}: channel 1 ('vib.upper-back').max_ramp_per_s: "
    )
    assert "docs/DEVICE_PROFILES.md" in result.err


def test_an_unknown_key_in_a_later_channel_points_at_its_line(cli: Cli, tmp_path: Path) -> None:
    text = PAD.replace('id = "vib.lower-back"', 'id = "vib.lower-back"\nmax_rampe = 2.0')
    path = _descriptor(tmp_path, text)
    result = cli("run", "quick-10-minute", "--device", f"sim://{path}")
    _assert_one_screen_error(result)
    line = _line_of(text, "max_rampe")
    assert f"{path}:{line}: channel 3 ('vib.lower-back').max_rampe: " in result.err


def test_broken_toml_names_the_line(cli: Cli, tmp_path: Path) -> None:
    path = _descriptor(tmp_path, PAD.replace("[[channels]]", "[[channels]", 1))
    result = cli("compile", "quick-10-minute", "--device", f"sim://{path}")
    _assert_one_screen_error(result)
    assert result.err.startswith(f"massage-ctl: error: {path}: not valid TOML: ")
    assert f"line {_line_of(PAD, '[[channels]]')}" in result.err


@pytest.mark.parametrize("command", ["compile", "run"])
def test_a_missing_descriptor_file_says_so(cli: Cli, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere.toml"
    result = cli(command, "quick-10-minute", "--device", f"sim://{missing}")
    _assert_one_screen_error(result)
    assert f"{missing}: no such device descriptor file" in result.err
