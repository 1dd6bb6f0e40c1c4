"""Device descriptor files (a hobbyist's own device): compiled for by path, and their mistakes
reported as one screen naming the file, the line and the channel."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.errors import DeviceProfileError, SafetyProfileError
from massage_ctl.safety.profile import load_safety_profile

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
    line = _line_of(PAD, "[[channels]]")
    assert result.err.startswith(f"massage-ctl: error: {path}:{line}: TOML syntax error: ")


@pytest.mark.parametrize("command", ["compile", "run"])
def test_a_missing_descriptor_file_says_so(cli: Cli, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere.toml"
    result = cli(command, "quick-10-minute", "--device", f"sim://{missing}")
    _assert_one_screen_error(result)
    assert f"{missing}: no such device descriptor file" in result.err


# -- fuzzing: whatever the file holds, a profile or one clear error -------------------------
# Every example writes the same file name, so sharing one tmp_path between examples is safe.
_SHARED_TMP = [HealthCheck.function_scoped_fixture]


@settings(max_examples=150, deadline=None, suppress_health_check=_SHARED_TMP)
@given(st.integers(0, len(PAD) - 1), st.integers(1, 40), st.text(max_size=12))
def test_a_damaged_descriptor_loads_or_fails_cleanly(
    tmp_path: Path, start: int, length: int, replacement: str
) -> None:
    text = PAD[:start] + replacement + PAD[start + length:]
    path = _descriptor(tmp_path, text)
    try:
        profile = load_device_profile(path)
    except DeviceProfileError as err:
        assert str(err).startswith(str(path))
    else:
        assert profile.channels


@settings(max_examples=80, deadline=None, suppress_health_check=_SHARED_TMP)
@given(st.binary(max_size=300))
def test_random_bytes_as_a_descriptor_or_safety_file_are_one_clear_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    for load, error in ((load_device_profile, DeviceProfileError),
                        (load_safety_profile, SafetyProfileError)):
        try:
            load(path)
        except error as err:
            assert str(path) in str(err)
