"""``compile`` (JSON, CSV, summary), ``validate``, the shared options, and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import load_program
from massage_ctl.safety import GENTLE
from massage_ctl.vocabulary import CHANNEL_KINDS, PATTERNS

from .conftest import Result

Cli = Callable[..., Result]
PROGRAMS = Path(__file__).resolve().parents[2] / "programs"

GOOD = """\
id = "my-test"
name = "My test"
description = "Light strokes."

[[phases]]
technique = "swedish"
zones = ["mid-back", "lower-back"]
intensity = 0.3
duration = "2m"
"""


def _json(cli: Cli, *args: str) -> dict[str, object]:
    result = cli("compile", *args, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert isinstance(data, dict)
    return data


def test_compile_json_is_exactly_the_design_shape(cli: Cli) -> None:
    data = _json(cli, "trigger-point-lower-back", "--device", "sim://chair")
    assert set(data) == {
        "program", "device", "safety", "duration_ms", "channels", "commands", "warnings"
    }
    assert (data["program"], data["device"], data["safety"]) == (
        "trigger-point-lower-back", "chair", "standard"
    )
    assert isinstance(data["duration_ms"], int) and data["duration_ms"] > 0
    channels = data["channels"]
    assert isinstance(channels, list) and channels
    ids = set()
    for ch in channels:
        assert set(ch) == {"id", "zone", "kind", "max"}
        assert isinstance(ch["id"], str) and isinstance(ch["zone"], str)
        assert ch["kind"] in CHANNEL_KINDS and isinstance(ch["max"], int | float)
        ids.add(ch["id"])
    commands = data["commands"]
    assert isinstance(commands, list) and commands
    for cmd in commands:
        assert set(cmd) in (
            {"t_ms", "channel", "value", "ramp_ms"},
            {"t_ms", "channel", "value", "ramp_ms", "pattern", "rate_hz"},
        )
        assert isinstance(cmd["t_ms"], int) and isinstance(cmd["ramp_ms"], int)
        assert isinstance(cmd["value"], int | float) and cmd["channel"] in ids
        if "pattern" in cmd:
            assert cmd["pattern"] in PATTERNS and isinstance(cmd["rate_hz"], int | float)
    assert [c["t_ms"] for c in commands] == sorted(c["t_ms"] for c in commands)
    assert isinstance(data["warnings"], list)
    assert any("pattern" in c for c in commands)  # the kneading runs as a device rhythm


def test_compile_json_equals_the_compiler_output(cli: Cli) -> None:
    data = _json(cli, "gentle-sciatica", "--device", "sim://pad?speed=max", "--safety", "gentle")
    expected = compile_program(
        load_program("gentle-sciatica"), load_device_profile("pad"), GENTLE
    ).to_json_dict()
    assert data == json.loads(json.dumps(expected))


def test_intensity_and_exclude_change_what_the_device_gets(cli: Cli) -> None:
    full = _json(cli, "acupressure-lower-back")
    half = _json(cli, "acupressure-lower-back", "--intensity", "0.5")
    top = max(c["value"] for c in full["commands"] if c["channel"].startswith("air."))  # type: ignore[union-attr]
    top_half = max(c["value"] for c in half["commands"] if c["channel"].startswith("air."))  # type: ignore[union-attr]
    assert top_half == pytest.approx(top * 0.5, abs=0.01)
    excluded = _json(cli, "acupressure-lower-back", "--exclude", "lower-back")
    lower = {c["id"] for c in excluded["channels"] if c["zone"] == "lower-back"}  # type: ignore[union-attr]
    assert lower
    assert all(c["value"] == 0 for c in excluded["commands"] if c["channel"] in lower)  # type: ignore[union-attr]


def test_minutes_fits_the_session(cli: Cli) -> None:
    data = _json(cli, "swedish-full-back", "--minutes", "12")
    assert abs(data["duration_ms"] - 12 * 60_000) <= 10_000  # type: ignore[operator]


def test_config_file_sets_the_default_device(cli: Cli, isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text('device = "sim://bed"\n', encoding="utf-8")
    assert _json(cli, "quick-10-minute")["device"] == "bed"
    assert _json(cli, "quick-10-minute", "--profile", "pad")["device"] == "pad"


def test_compile_csv_has_a_header_and_one_row_per_command(cli: Cli) -> None:
    data = _json(cli, "relaxation-sleep", "--profile", "bed")
    result = cli("compile", "relaxation-sleep", "--profile", "bed", "--csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0]) == ["t_ms", "channel", "value", "ramp_ms", "pattern", "rate_hz"]
    commands = data["commands"]
    assert isinstance(commands, list) and len(rows) == len(commands)
    for row, cmd in zip(rows, commands, strict=True):
        assert int(row["t_ms"]) == cmd["t_ms"] and row["channel"] == cmd["channel"]
        assert float(row["value"]) == pytest.approx(cmd["value"])
        assert row["pattern"] == cmd.get("pattern", "steady")


def test_compile_summary_is_readable(cli: Cli) -> None:
    result = cli("compile", "quick-10-minute", "--safety", "gentle")
    assert result.code == 0
    assert "quick-10-minute on chair, safety gentle" in result.out
    assert "Warnings" in result.out and "lowered to the cap 0.35" in result.out
    assert "Phases:" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--intensity", "0.05"], "--intensity: 0.05 is out of range"),
        (["--intensity", "1.5"], "--intensity: 1.5 is out of range"),
        (["--intensity", "lots"], "is not a number"),
        (["--minutes", "0"], "--minutes: 0 must be more than 0"),
        (["--minutes", "-5"], "--minutes: -5 must be more than 0"),
        (["--exclude", "elbow"], "unknown zone 'elbow'"),
        (["--json", "--csv"], "not allowed with argument"),
    ],
)
def test_bad_options_are_usage_errors(cli: Cli, args: list[str], message: str) -> None:
    result = cli("compile", "quick-10-minute", *args)
    assert result.code == 2
    assert message in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "sofa"], "unknown device profile 'sofa'"),
        (["--device", "/dev/ttyUSB0"], "without connecting"),
        (["--safety", "reckless"], "--safety: must be standard, gentle"),
        (["--safety", "missing.toml"], "unknown safety profile 'missing.toml'"),
    ],
)
def test_bad_targets_are_one_clear_error(cli: Cli, args: list[str], message: str) -> None:
    result = cli("compile", "quick-10-minute", *args)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err


def test_a_safety_file_that_tightens_applies(cli: Cli, tmp_path: Path) -> None:
    profile = tmp_path / "mine.toml"
    profile.write_text('base = "standard"\nmax_intensity = 0.4\n', encoding="utf-8")
    data = _json(cli, "quick-10-minute", "--safety", str(profile))
    assert data["safety"] == "mine (based on standard)"
    commands = data["commands"]
    assert isinstance(commands, list)
    unscaled = ("heat", "roller.position")  # °C, and where the roller is
    strengths = [c["value"] for c in commands if not c["channel"].startswith(unscaled)]
    assert strengths and max(strengths) <= 0.4


def test_validate_accepts_the_builtin_library(cli: Cli) -> None:
    files = sorted(str(p) for p in PROGRAMS.glob("*.toml"))
    result = cli("validate", *files)
    assert result.code == 0, result.out
    assert result.out.count("OK") == len(files)
    assert f"{len(files)} of {len(files)} files valid" in result.out


def test_validate_names_file_line_and_field_and_fails(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    typo = tmp_path / "typo.toml"
    typo.write_text(GOOD.replace('"lower-back"]', '"lower-bak"]'), encoding="utf-8")
    strength = tmp_path / "strength.toml"
    strength.write_text(GOOD.replace("intensity = 0.3", "intensity = 3"), encoding="utf-8")
    syntax = tmp_path / "syntax.toml"
    syntax.write_text(GOOD.replace('name = "My test"', 'name = "My test'), encoding="utf-8")
    result = cli("validate", str(good), str(typo), str(strength), str(syntax))
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("OK") and str(good) in lines[0]
    assert f"{typo}:7: phase 1.zones: unknown zone 'lower-bak'" in result.out
    assert "did you mean 'lower-back'" in result.out
    assert f"{strength}:8: phase 1.intensity: intensity must be between 0 and 1" in result.out
    assert f"{syntax}:2:" in result.out and "TOML syntax error" in result.out
    assert "1 of 4 files valid" in result.out


def test_validate_single_bad_file_and_missing_file(cli: Cli, tmp_path: Path) -> None:
    assert cli("validate", str(tmp_path / "nope.toml")).code == 1
    device = load_device_profile("chair")
    assert device.id == "chair"
    profile_file = tmp_path / "chair.toml"
    profile_file.write_text('id = "c"\nname = "c"\n[[channels]]\nid = "a"\n', encoding="utf-8")
    result = cli("validate", str(profile_file))
    assert result.code == 1
    assert "not a massage program" in result.out


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "massage_ctl", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_real_process_exit_codes_and_no_tracebacks() -> None:
    listed = _subprocess("list")
    assert listed.returncode == 0 and "trigger-point-lower-back" in listed.stdout
    missing = _subprocess("show", "no-such-program")
    assert missing.returncode == 1
    assert missing.stderr.startswith("massage-ctl: error: no built-in program 'no-such-program'")
    usage = _subprocess("compile", "quick-10-minute", "--intensity", "5")
    assert usage.returncode == 2
    for done in (listed, missing, usage):
        assert "Traceback" not in done.stderr


def test_device_given_before_the_command_is_not_lost(cli: Cli) -> None:
    assert _json(cli, "quick-10-minute")["device"] == "chair"
    data = json.loads(cli("--device", "sim://pad", "compile", "quick-10-minute", "--json").out)
    assert data["device"] == "pad"
    assert _json(cli, "quick-10-minute", "--device", "sim://bed")["device"] == "bed"


def test_validate_lists_the_warnings_it_counts(cli: Cli) -> None:
    files = sorted(str(p) for p in PROGRAMS.glob("*.toml"))
    result = cli("validate", *files)
    counted = sum(int(n) for n in re.findall(r", (\d+) warnings?\)", result.out))
    assert counted > 0  # the library has some (e.g. fitting to the session length)
    assert result.out.count("      warning: ") == counted


def test_a_compile_error_names_the_program_file_in_every_command(
    cli: Cli, tmp_path: Path
) -> None:
    deep = PROGRAMS / "deep-tissue-upper-back.toml"
    for command in ("compile", "show"):
        result = cli(command, str(deep), "--safety", "gentle")
        assert result.code == 1 and result.out == ""
        assert result.err.startswith(f"massage-ctl: error: {deep}: phase "), result.err
        assert "deep-tissue" in result.err
    # The error object itself carries it, so run, show and the UI need nothing of their own.
    with pytest.raises(CompileError) as info:
        compile_program(load_program(str(deep)), load_device_profile("chair"), GENTLE)
    assert info.value.path == str(deep)
    assert str(info.value).startswith(f"{deep}: phase ")


def test_validate_names_the_file_once_for_a_compile_error(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    text = GOOD.replace("[[phases]]", 'duration = "10s"\n\n[[phases]]', 1)
    path.write_text(text + '\n[[phases]]\ntechnique = "rest"\nduration = "1m"\n', encoding="utf-8")
    result = cli("validate", str(path))
    assert result.code == 1 and "does not compile" in result.out
    assert result.out.count(str(path)) == 1


@pytest.mark.parametrize("where", ["missing/x.svg", "folder"])
def test_show_checks_the_svg_path_before_printing_anything(
    cli: Cli, tmp_path: Path, where: str
) -> None:
    (tmp_path / "folder").mkdir()
    target = tmp_path / where
    result = cli("show", "quick-10-minute", "--svg", str(target))
    assert result.code == 1 and result.out == ""
    assert result.err.startswith(f"massage-ctl: error: cannot write the SVG file '{target}'")
