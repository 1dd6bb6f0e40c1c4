"""Every problem with a value from config.toml names config.toml, the line and the key.

A device URL or safety profile that is wrong only shows when it is used; the error must still
say it came from the config file, or the user looks for it on a command line they never typed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from massage_ctl.cli.main import main
from massage_ctl.config import ConfigFileError, effective_options, load_config

PAD = resources.files("massage_ctl.devices").joinpath("profiles/pad.toml").read_text("utf-8")


def _config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        ('intensity = 0.5\ndevice = "usb://chair"\n', 2, "device", "unknown device URL scheme"),
        ('device = "sim://chair?speed=1e-300"\n', 1, "device", "speed="),
        ('\n\nsafety = "missing.toml"\n', 3, "safety", "unknown safety profile"),
    ],
)
def test_a_bad_value_from_the_config_names_it(
    isolated_home: Path, text: str, line: int, key: str, words: str
) -> None:
    path = _config(isolated_home, text)
    with pytest.raises(ConfigFileError) as info:
        effective_options(load_config(), {})
    assert str(info.value).startswith(f"{path}:{line}: {key}: ")
    assert words in str(info.value) and f"--{key}" in (info.value.hint or "")


def test_the_command_line_overrides_a_bad_config_value(isolated_home: Path) -> None:
    _config(isolated_home, 'device = "usb://chair"\nsafety = "missing.toml"\n')
    opts = effective_options(load_config(), {"device": "sim://pad", "safety": "gentle"})
    assert (opts.device, opts.safety) == ("sim://pad", "gentle")
    assert opts.from_config == {}


def test_a_safety_file_from_the_config_that_impersonates_names_both_files(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_home / "gentle.toml").write_text('base = "standard"\n', encoding="utf-8")
    config = _config(isolated_home, 'safety = "gentle.toml"\n')
    assert main(["compile", "quick-10-minute"]) == 1
    err = capsys.readouterr().err
    assert f"{config}:1: safety: {isolated_home / 'gentle.toml'}: " in err
    assert "built-in" in err and "Traceback" not in err


def test_a_broken_descriptor_named_by_the_config_names_both_files(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    descriptor = isolated_home / "my-pad.toml"
    descriptor.write_text(PAD.replace("max_ramp_per_s = 1.0", "max_ramp_per_s = nan", 1),
                          encoding="utf-8")
    config = _config(isolated_home, f'device = "sim://{descriptor}"\n')
    assert main(["compile", "quick-10-minute"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"massage-ctl: error: {config}:1: device: {descriptor}:")
    assert "max_ramp_per_s: must be a finite number" in err


@pytest.mark.parametrize("kind", ["config", "safety", "descriptor"])
def test_every_file_type_accepts_a_byte_order_mark(isolated_home: Path, kind: str) -> None:
    bom = b"\xef\xbb\xbf"
    if kind == "config":
        (isolated_home / "config.toml").write_bytes(bom + b'intensity = 0.5\n')
        assert load_config().intensity == 0.5
    elif kind == "safety":
        (isolated_home / "mine.toml").write_bytes(bom + b'base = "gentle"\n')
        _config(isolated_home, 'safety = "mine.toml"\n')
        assert effective_options(load_config(), {}).safety.endswith("mine.toml")
    else:
        (isolated_home / "pad2.toml").write_bytes(bom + PAD.encode())
        _config(isolated_home, f'device = "sim://{isolated_home / "pad2.toml"}"\n')
        assert main(["compile", "quick-10-minute", "--json"]) == 0


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 3000 + "]" * 3000 + "\n", "intensity = true\n", 'intensity = "0.5"\n',
     "acknowledged_medical_note = 1\n", "exclude = \"neck\"\n", "intensity = 1" + "0" * 5000],
)
def test_hostile_config_files_are_one_named_error(isolated_home: Path, text: str) -> None:
    path = _config(isolated_home, text)
    with pytest.raises(ConfigFileError) as info:
        load_config()
    assert str(info.value).startswith(f"{path}") and len(str(info.value)) < 300
