"""Finding device profiles: the shipped ones by name, or a descriptor file by path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from massage_ctl.devices.descriptor import DeviceProfile
from massage_ctl.errors import DeviceProfileError
from massage_ctl.toml_lines import TomlReadError, line_of, parse_toml, read_toml_text

#: The profile a device URL or ``--profile`` falls back to (``sim://chair``).
DEFAULT_PROFILE = "chair"


def _shipped_profiles() -> tuple[str, ...]:
    """The shipped profiles, found from their files in ``devices/profiles/`` (adding one is
    adding its ``.toml`` file): the default first, then by name."""
    folder = resources.files("massage_ctl.devices").joinpath("profiles")
    names = sorted(
        entry.name.removesuffix(".toml") for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )
    return tuple(sorted(names, key=lambda n: n != DEFAULT_PROFILE))


BUILTIN_PROFILES: tuple[str, ...] = _shipped_profiles()



_HINT = "see docs/DEVICE_PROFILES.md for the descriptor format"


def _parse(text: str, source: str) -> DeviceProfile:
    try:
        data = parse_toml(text)
    except TomlReadError as err:
        raise DeviceProfileError(
            f"{source}{f':{err.line}' if err.line else ''}: {err.message}", hint=_HINT
        ) from err
    try:
        return DeviceProfile.model_validate(data)
    except ValidationError as err:
        errors = err.errors()
        first = errors[0]
        loc = tuple(first["loc"])
        message = _plain(first["type"], loc, first["input"]) or first["msg"]
        if first["type"] == "implausible_channel":
            # The channel's own check names the field in its context: point at that line.
            ctx = first.get("ctx", {})
            loc += (str(ctx["field"]),)
            message = str(ctx["problem"])
        line = line_of(text, loc)
        hint = _HINT
        if len(errors) > 1:
            more = len(errors) - 1
            hint += f"; {more} more problem{'s' * (more > 1)} after this one"
        raise DeviceProfileError(
            f"{source}{f':{line}' if line else ''}: {_field(loc, data) or 'descriptor'}: "
            f"{message.removeprefix('Value error, ')}",
            hint=hint,
        ) from err


_PATTERN_WORDS = {
    "id": "lower-case letters, digits, - and _",
    "name": "printable text, not blank",
}


def _plain(kind: str, loc: tuple[str | int, ...], value: object) -> str | None:
    """pydantic's wording for the common mistakes, in words a device builder understands."""
    shown = ("true" if value else "false") if isinstance(value, bool) else f"{value!r:.40}"
    if kind == "string_pattern_mismatch":
        if loc[:1] == ("channels",):
            return f"must be lower-case letters, digits, '.', '_' and '-' (got {shown})"
        return f"must be {_PATTERN_WORDS.get(str(loc[-1]), 'valid')} (got {shown})"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number (without quotes), not {shown}"
    if kind == "string_type":
        return f"must be text in quotes, not {shown}"
    return None


def _field(loc: tuple[str | int, ...], data: dict[str, Any]) -> str:
    """``channel 2 ('air.neck').max``: channels counted from 1, as a reader counts the
    ``[[channels]]`` blocks, and named by their id when they have one."""
    out = ""
    for i, part in enumerate(loc):
        if i == 1 and loc[0] == "channels" and isinstance(part, int):
            out = f"channel {part + 1}"
            channels = data.get("channels")
            entry = channels[part] if isinstance(channels, list) and part < len(channels) else None
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                out += f" ({entry['id']!r})"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def load_device_profile(name_or_path: str | Path) -> DeviceProfile:
    """A shipped profile (:data:`BUILTIN_PROFILES`) or a descriptor ``.toml`` file."""
    name = str(name_or_path)
    if name in BUILTIN_PROFILES:
        text = resources.files("massage_ctl.devices").joinpath(f"profiles/{name}.toml").read_text()
        return _parse(text, f"built-in profile {name!r}")
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        try:
            text = read_toml_text(path)
        except TomlReadError as err:
            where = f"{path}{f':{err.line}' if err.line else ''}"
            raise DeviceProfileError(
                f"{where}: cannot read device descriptor: {err.message}", hint=_HINT
            ) from err
        return _parse(text, str(path)).with_source(str(path))
    if path.suffix == ".toml":
        raise DeviceProfileError(
            f"{path}: no such device descriptor file",
            hint="check the path (sim:///abs/path.toml for an absolute one), or use one of: "
            + ", ".join(BUILTIN_PROFILES),
        )
    raise DeviceProfileError(
        f"unknown device profile {name!r}",
        hint="use one of: " + ", ".join(BUILTIN_PROFILES) + ", or a path to a descriptor .toml",
    )
