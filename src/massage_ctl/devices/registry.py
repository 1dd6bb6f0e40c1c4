"""Finding device profiles: the shipped ones by name, or a descriptor file by path."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from massage_ctl.devices.model import DeviceProfile
from massage_ctl.errors import DeviceProfileError

BUILTIN_PROFILES: tuple[str, ...] = ("chair", "bed", "pad")


def _parse(text: str, source: str) -> DeviceProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DeviceProfileError(f"{source}: not valid TOML: {err}") from err
    try:
        return DeviceProfile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DeviceProfileError(
            f"{source}: {where or 'descriptor'}: {first['msg']}",
            hint="see docs/DEVICE_PROFILES.md for the descriptor format",
        ) from err


def load_device_profile(name_or_path: str | Path) -> DeviceProfile:
    """A shipped profile (``chair``, ``bed``, ``pad``) or a descriptor ``.toml`` file."""
    name = str(name_or_path)
    if name in BUILTIN_PROFILES:
        text = resources.files("massage_ctl.devices").joinpath(f"profiles/{name}.toml").read_text()
        return _parse(text, f"built-in profile {name!r}")
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise DeviceProfileError(f"{path}: cannot read device descriptor: {err}") from err
        return _parse(text, str(path))
    raise DeviceProfileError(
        f"unknown device profile {name!r}",
        hint="use one of: " + ", ".join(BUILTIN_PROFILES) + ", or a path to a descriptor .toml",
    )


def resolve_device_profile(device_url: str | None, profile: str | None) -> DeviceProfile:
    """The profile named by ``--profile`` or implied by a ``sim://NAME`` device URL.

    Compiling never connects to a device: a ``sim://`` URL names its profile directly; for other
    URLs ``profile`` must be given (the real device describes itself at connect time).
    """
    if profile:
        return load_device_profile(profile)
    if device_url and device_url.startswith("sim://"):
        name = device_url[len("sim://") :].split("?", 1)[0].strip("/")
        return load_device_profile(name or "chair")
    if device_url:
        raise DeviceProfileError(
            f"cannot know the channels of {device_url!r} without connecting",
            hint="add --profile NAME (chair, bed, pad or a descriptor file) to compile offline",
        )
    return load_device_profile("chair")
