"""User configuration: where files live, the config file, and CLI-over-config merging."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.config import (
    AppPaths,
    ConfigFileError,
    UserConfig,
    effective_options,
    load_config,
    parse_config,
    save_config,
)
from massage_ctl.errors import ConfigError
from massage_ctl.zones import ZONES


def test_massage_ctl_home_holds_config_and_data(isolated_home: Path) -> None:
    paths = AppPaths.from_env()
    assert paths.config_file == isolated_home / "config.toml"
    assert paths.data_dir == isolated_home
    assert paths.history_db.parent == isolated_home


def test_without_massage_ctl_home_platform_dirs_are_used(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    monkeypatch.delenv("MASSAGE_CTL_HOME")
    paths = AppPaths.from_env()
    assert isolated_home not in paths.config_file.parents
    assert "massage-ctl" in str(paths.config_file.parent)
    assert "massage-ctl" in str(paths.history_db.parent)


def test_missing_file_gives_documented_defaults() -> None:
    config = load_config()
    assert config == UserConfig()
    assert (config.device, config.safety, config.intensity) == ("sim://chair", "standard", 1.0)
    assert config.exclude == () and config.acknowledged_medical_note is False


def test_config_file_in_home_is_read(isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text(
        'device = "sim://pad"\nsafety = "gentle"\nintensity = 0.5\nexclude = ["neck", "hips"]\n'
    )
    config = load_config()
    assert config.device == "sim://pad"
    assert config.safety == "gentle"
    assert config.intensity == 0.5
    assert config.exclude == ("neck", "hips")


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('device = "sim://bed"\n\nintensity = 2.0\n', 3, "intensity", "less than or equal"),
        ('safety = "standard"\nexclude = ["neck", "elbow"]\n', 2, "exclude", "'elbow'"),
        ('colour = "blue"\n', 1, "colour", "unknown setting"),
        ('safety = "extreme"\n', 1, "safety", "gentle"),
        ("intensity = 'high'\n", 1, "intensity", "number"),
    ],
)
def test_bad_values_name_file_line_and_field(
    isolated_home: Path, text: str, line: int, field: str, words: str
) -> None:
    path = isolated_home / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigFileError) as info:
        load_config()
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert str(err).startswith(f"{path}:{line}: {field}: ")
    assert words in str(err)
    assert err.hint


def test_broken_toml_names_file_and_line(isolated_home: Path) -> None:
    path = isolated_home / "config.toml"
    path.write_text('device = "sim://pad"\nintensity = \n')
    with pytest.raises(ConfigError) as info:
        load_config()
    assert str(info.value).startswith(f"{path}:2: not valid TOML")


def test_relative_safety_profile_is_relative_to_the_config_file(isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text('safety = "profiles/my-neck.toml"\n')
    assert load_config().safety == str(isolated_home / "profiles" / "my-neck.toml")


configs = st.builds(
    UserConfig,
    device=st.sampled_from(["sim://chair", "sim://pad?speed=max", "/dev/ttyUSB0", "ble://Pad"]),
    safety=st.sampled_from(["standard", "gentle", "/etc/massage/ünïcode \"q\".toml"]),
    intensity=st.floats(0.1, 1.0),
    exclude=st.lists(st.sampled_from(ZONES), max_size=4).map(tuple),
    acknowledged_medical_note=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(config=configs)
def test_save_then_load_gives_the_same_config(config: UserConfig) -> None:
    path = save_config(config)
    assert path == AppPaths.from_env().config_file
    assert load_config() == config


def test_cli_options_override_config() -> None:
    config = parse_config('device = "sim://pad"\nsafety = "gentle"\nintensity = 0.4\n')
    cli = {"device": "sim://bed", "safety": None, "intensity": 0.3, "exclude": None}
    opts = effective_options(config, cli)
    assert (opts.device, opts.safety, opts.intensity) == ("sim://bed", "gentle", 0.3)
    assert effective_options(config, None).device == "sim://pad"


def test_excluded_zones_add_up_and_are_never_dropped_by_the_cli() -> None:
    import argparse

    config = parse_config('exclude = ["lower-back"]\n')
    args = argparse.Namespace(device=None, safety=None, intensity=None, exclude=["neck"])
    assert effective_options(config, args).exclude == ("neck", "lower-back")


@pytest.mark.parametrize(
    ("cli", "flag"),
    [({"intensity": 1.5}, "--intensity"), ({"exclude": ["knee"]}, "--exclude"),
     ({"safety": "wild"}, "--safety")],
)
def test_bad_cli_value_is_a_config_error_naming_the_option(
    cli: dict[str, object], flag: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{flag}: "):
        effective_options(UserConfig(), cli)
