"""User configuration: where files live, and the defaults a user sets in ``config.toml``.

The config file (TOML, documented in ``docs/CONFIG.md``) sets the default device, safety
profile, intensity and zones to avoid; command-line options override it
(:func:`effective_options`). When the environment variable ``MASSAGE_CTL_HOME`` is set it is the
one directory for both config and data (tests and portable installs); otherwise the platform's
usual places are used (platformdirs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from massage_ctl.errors import ConfigError, MassageCtlError
from massage_ctl.safety import BUILTIN_SAFETY
from massage_ctl.toml_lines import TomlReadError, parse_toml, read_toml_text
from massage_ctl.zones import ZONES

APP_NAME = "massage-ctl"
HOME_ENV = "MASSAGE_CTL_HOME"
CONFIG_FILE_NAME = "config.toml"
HISTORY_FILE_NAME = "history.sqlite3"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Where massage-ctl keeps its files.

    ``config_file`` is the user's ``config.toml``; ``data_dir`` holds the session history
    (``history_db``). Nothing is created here: the code that writes a file creates its folder.
    """

    config_file: Path
    data_dir: Path
    history_db: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AppPaths:
        """``$MASSAGE_CTL_HOME`` when set (and not empty), else the platform's directories."""
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV, "").strip()
        if home:
            base = Path(home).expanduser()
            return cls(base / CONFIG_FILE_NAME, base, base / HISTORY_FILE_NAME)
        config_dir = platformdirs.user_config_path(APP_NAME, appauthor=False)
        data_dir = platformdirs.user_data_path(APP_NAME, appauthor=False)
        return cls(config_dir / CONFIG_FILE_NAME, data_dir, data_dir / HISTORY_FILE_NAME)


class UserConfig(BaseModel):
    """The contents of ``config.toml``. Every key is optional; unknown keys are an error."""

    # strict: "0.5" or true is not an intensity, "yes" is not a boolean.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    #: Device URL used when ``--device`` is not given (docs/CONFIG.md).
    device: Annotated[str, Field(min_length=1)] = "sim://chair"
    #: ``standard``, ``gentle`` or the path to a safety profile file.
    safety: Annotated[str, Field(min_length=1)] = "standard"
    #: Overall intensity scale, 0.1–1.0.
    intensity: Annotated[float, Field(ge=0.1, le=1.0)] = 1.0
    #: Body zones no program may touch (e.g. an injured area).
    exclude: Annotated[tuple[str, ...], Field(strict=False)] = ()  # TOML gives a list
    #: Set by the TUI once the user has read the first-run medical note.
    acknowledged_medical_note: bool = False

    #: Where each key was written (file, and line where known), for errors found later: a
    #: value is only fully checked when it is used (a safety file is read, a URL parsed).
    _origin: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        # Equal settings are equal configs, wherever they were read from.
        if not isinstance(other, UserConfig):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash(tuple(self.model_dump().values()))

    def origin(self, key: str) -> tuple[str, int | None] | None:
        """``(config file, line)`` where ``key`` was set, or None if it is a default."""
        return self._origin.get(key)

    @field_validator("device")
    @classmethod
    def _device_has_no_spaces(cls, value: str) -> str:
        if value != value.strip() or any(ch.isspace() for ch in value):
            raise ValueError("a device URL has no spaces, e.g. 'sim://chair' or '/dev/ttyUSB0'")
        return value

    @field_validator("safety")
    @classmethod
    def _safety_is_known(cls, value: str) -> str:
        if value in BUILTIN_SAFETY or value.endswith(".toml"):
            return value
        raise ValueError(
            f"must be {', '.join(BUILTIN_SAFETY)} or the path to a safety profile .toml file"
        )

    @field_validator("exclude")
    @classmethod
    def _exclude_are_zones(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [z for z in value if z not in ZONES]
        if unknown:
            raise ValueError(f"unknown zone {unknown[0]!r}; zones are: {', '.join(ZONES)}")
        # Keep head-to-feet order and drop duplicates: the list is shown back to the user.
        return tuple(z for z in ZONES if z in value)


class ConfigFileError(ConfigError):
    """A config file problem that names the file, and where known the line and the field."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = str(path) + (f":{line}" if line else "") + (f": {field}" if field else "")
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = str(path)
        self.line = line
        self.field = field


_HINT = "see docs/CONFIG.md for the config file format"


def _line_of_key(text: str, key: str) -> int | None:
    """1-based line where top-level ``key = ...`` is written, if it can be found."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def parse_config(text: str, path: Path | str = CONFIG_FILE_NAME) -> UserConfig:
    """Parse config TOML ``text``; errors name ``path``, the line and the field.

    A relative safety profile path is taken relative to the config file's folder, so the
    config means the same thing from any working directory.
    """
    try:
        data: dict[str, Any] = parse_toml(text)
    except TomlReadError as err:
        reason = err.message.removeprefix("TOML syntax error: ")
        raise ConfigFileError(
            f"not valid TOML: {reason}", path=path, line=err.line, hint=_HINT
        ) from err
    try:
        config = UserConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = [str(p) for p in first["loc"]]
        key = loc[0] if loc else ""
        field = key + "".join(f"[{p}]" for p in loc[1:])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown setting; known ones are: " + ", ".join(UserConfig.model_fields)
        raise ConfigFileError(
            message, path=path, line=_line_of_key(text, key), field=field or None, hint=_HINT
        ) from err
    safety = config.safety
    if safety not in BUILTIN_SAFETY and not Path(safety).expanduser().is_absolute():
        resolved = Path(path).parent / Path(safety)
        config = config.model_copy(update={"safety": str(resolved)})
    config._origin = {key: (str(path), _line_of_key(text, key)) for key in data}
    return config


def load_config(path: Path | str | None = None) -> UserConfig:
    """The user's configuration; defaults when the file does not exist.

    ``path`` defaults to :attr:`AppPaths.config_file`. Raises :class:`ConfigFileError` (a
    :class:`ConfigError`) naming file, line and field when the file is invalid.
    """
    file = Path(path) if path is not None else AppPaths.from_env().config_file
    try:
        text = read_toml_text(file)
    except TomlReadError as err:
        if err.missing:
            return UserConfig()
        raise ConfigFileError(
            f"cannot read config file: {err.message}", path=file, line=err.line, hint=_HINT
        ) from err
    return parse_config(text, file)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_config(config: UserConfig) -> str:
    """``config`` as TOML text that :func:`parse_config` reads back to an equal config."""
    lines = ["# massage-ctl configuration — see docs/CONFIG.md"]
    for key, value in config.model_dump().items():
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_config(config: UserConfig, path: Path | str | None = None) -> Path:
    """Write ``config`` (atomically: a crash never leaves half a file). Returns the path."""
    file = Path(path) if path is not None else AppPaths.from_env().config_file
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(dump_config(config))
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise ConfigFileError(f"cannot write config file: {err}", path=file) from err
    return file


@dataclass(frozen=True, slots=True)
class EffectiveOptions:
    """The options a command runs with: command line over config file over defaults."""

    device: str
    safety: str
    intensity: float
    exclude: tuple[str, ...]
    #: ``key → (config file, line)`` for the options that came from the config file.
    from_config: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)

    def config_note(self, key: str) -> str | None:
        """``"set in /…/config.toml:3 (device)"`` when ``key`` came from the config file."""
        origin = self.from_config.get(key)
        if origin is None:
            return None
        file, line = origin
        return f"set in {file}{f':{line}' if line else ''} ({key})"


_CLI_FLAGS = {"device": "--device", "safety": "--safety", "intensity": "--intensity"}


def effective_options(
    config: UserConfig, cli_args: argparse.Namespace | Mapping[str, Any] | None = None
) -> EffectiveOptions:
    """Merge command-line options over ``config``.

    ``cli_args`` is the parsed argparse namespace (or a mapping); an option that is absent or
    ``None`` was not given. ``device``, ``safety`` and ``intensity`` from the command line
    replace the config's. ``exclude`` is the *union* of both: a zone the user put on the avoid
    list (usually an injury) is never silently re-enabled by a one-off command line.
    """
    given: Mapping[str, Any]
    if cli_args is None:
        given = {}
    elif isinstance(cli_args, argparse.Namespace):
        given = vars(cli_args)
    else:
        given = cli_args
    merged: dict[str, Any] = config.model_dump()
    for key in _CLI_FLAGS:
        if given.get(key) is not None:
            merged[key] = given[key]
    extra_zones = given.get("exclude") or ()
    merged["exclude"] = tuple(config.exclude) + tuple(extra_zones)
    try:
        checked = UserConfig.model_validate(merged)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        flag = _CLI_FLAGS.get(key, "--exclude" if key == "exclude" else key)
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{flag}: {message}", hint="see massage-ctl --help") from err
    origins = {
        key: origin
        for key in ("device", "safety", "intensity", "exclude")
        if (origin := config.origin(key)) is not None
        and (key == "exclude" or given.get(key) is None)
    }
    _check_from_config(checked, origins)
    return EffectiveOptions(
        checked.device, checked.safety, checked.intensity, checked.exclude, origins
    )


def _check_from_config(
    config: UserConfig, origins: Mapping[str, tuple[str, int | None]]
) -> None:
    """Check the device URL and safety profile the config file names, so a problem with them
    names config.toml, the line and the key — not only the URL or the profile file."""
    # Imported here: the transports and the safety loader are not needed to read a config.
    from massage_ctl.safety import load_safety_profile
    from massage_ctl.transports.url import parse_device_url

    checks = (("device", parse_device_url), ("safety", load_safety_profile))
    for key, check in checks:
        if key not in origins:
            continue
        try:
            check(getattr(config, key))
        except MassageCtlError as err:
            file, line = origins[key]
            raise ConfigFileError(
                str(err), path=file, line=line, field=key,
                hint=(err.hint + "; " if err.hint else "")
                + f"fix {key} in the config file, or override it with --{key}",
            ) from err
