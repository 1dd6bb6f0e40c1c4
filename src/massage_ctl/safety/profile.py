"""Safety profiles: ``standard``, ``gentle`` (nerve-safe), and user files that only tighten.

A user profile file names a built-in ``base`` and overrides some numbers::

    base = "gentle"
    id = "my-neck"              # optional; defaults to the file stem
    max_intensity = 0.30        # may only be lower than the base's
    heat_max_c = 37

Any attempt to loosen a limit is a :class:`SafetyProfileError` naming the field.

What the numbers cover (decisions recorded in docs/SAFETY.md):
* ``max_intensity`` caps the envelope of ``vibration``, ``pressure`` and ``roller`` channels;
  ``position`` channels (where the roller is) are not an intensity and are capped by the
  device only; ``heat`` is capped by ``heat_max_c``.
* ``max_ramp_per_s`` limits envelope change of intensity channels (full scale per second).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from massage_ctl.errors import SafetyProfileError
from massage_ctl.safety.identity import derived_id, impersonates
from massage_ctl.toml_lines import TomlReadError, line_of, parse_toml, read_toml_text


class SafetyProfile(BaseModel):
    """The limits of one safety profile.

    Defaults are the ``standard`` column of the safety table (docs/SAFETY.md, README).
    """

    # strict: a file's "0.3" or true is not a number (TOML has real numbers and booleans).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    #: ``standard``, ``gentle``, or ``OWN (based on BASE)`` for a file's profile.
    id: Annotated[str, Field(min_length=1, max_length=64)]
    name: str
    description: str = ""
    max_intensity: float = Field(0.80, gt=0, le=1)
    max_ramp_per_s: float = Field(0.20, gt=0, le=1)
    percussion_allowed: bool = True
    #: ``pulse`` faster than this counts as percussion (``tap`` always does).
    percussion_pulse_hz: float = Field(2.0, gt=0, allow_inf_nan=False)
    deep_tissue_allowed: bool = True
    #: A hold is time spent continuously above ``hold_threshold`` on one channel.
    hold_threshold: float = Field(0.25, ge=0, le=1)
    max_hold_s: float = Field(90.0, gt=0)
    #: Largest stroke span in zones (``None`` = any).
    max_stroke_zones: int | None = Field(None, ge=1)
    heat_max_c: float = Field(41.0, ge=0, le=45)
    max_session_min: float = Field(30.0, gt=0)

    def tightened(
        self, overrides: dict[str, Any], *, source: str, text: str | None = None
    ) -> SafetyProfile:
        """A copy with ``overrides`` applied, refusing any that loosen a limit.

        ``source`` names the file in errors; with the file's ``text`` they name the line too.
        """
        merged = self.model_dump()
        merged.update(overrides)
        merged.update(self._derived_identity(overrides, source))
        try:
            new = SafetyProfile.model_validate(merged)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            line = line_of(text, tuple(first["loc"])) if text else None
            msg = first["msg"].removeprefix("Value error, ")
            raise SafetyProfileError(
                f"{source}{f':{line}' if line else ''}: {where}: {msg} "
                f"(got {first['input']!r:.40})",
                hint="see docs/SAFETY.md (Safety profile files) for the format",
            ) from err
        loosened = [
            name for name in overrides if _loosens(name, getattr(self, name), getattr(new, name))
        ]
        if loosened:
            line = line_of(text, (loosened[0],)) if text else None
            raise SafetyProfileError(
                f"{source}{f':{line}' if line else ''}: {', '.join(loosened)} would loosen "
                f"the {self.id!r} profile",
                hint="a safety profile file may only tighten its base profile's limits",
            )
        return new


    def _derived_identity(self, overrides: dict[str, Any], source: str) -> dict[str, str]:
        """``id`` and ``name`` of a profile derived from this one: always ``OWN (based on
        BASE)`` — a derived profile never carries a built-in's identity, even from code."""
        root = self.id if self.id in BUILTIN_NAMES else self.id.rpartition(" (based on ")[2][:-1]
        out: dict[str, str] = {}
        for key, default in (("id", "custom"), ("name", "Custom")):
            given = overrides.get(key, default)
            if not isinstance(given, str):
                raise SafetyProfileError(f"{source}: {key}: must be a string")
            own = given.removesuffix(f" (based on {root})")
            taken = impersonates(own, base=root)
            if taken:
                raise SafetyProfileError(
                    f"{source}: {key}: {own!r:.40} reads as the built-in {taken!r} profile"
                )
            out[key] = derived_id(own, root)
        return out


#: The built-in profiles' ids (the table itself is defined below the class).
BUILTIN_NAMES = ("standard", "gentle")

# Fields where a larger number is looser; booleans are looser when True.
_UPPER_LIMITS = {
    "max_intensity",
    "max_ramp_per_s",
    "percussion_pulse_hz",
    "max_hold_s",
    "heat_max_c",
    "max_session_min",
    "hold_threshold",  # a higher threshold counts fewer holds
}


def _loosens(name: str, old: Any, new: Any) -> bool:
    if name in _UPPER_LIMITS:
        # Written as "not at most the old limit" so that a value that does not compare (NaN,
        # which TOML can spell) counts as loosening instead of slipping through.
        return not new <= old
    if name in ("percussion_allowed", "deep_tissue_allowed"):
        return bool(new and not old)
    if name == "max_stroke_zones":
        return old is not None and (new is None or new > old)
    return False  # id, name, description


STANDARD = SafetyProfile(
    id="standard",
    name="Standard",
    description="Everyday limits for healthy backs: firm pressure allowed, up to 30 minutes.",
)

GENTLE = SafetyProfile(
    id="gentle",
    name="Gentle (nerve-safe)",
    description=(
        "For sciatica and nerve pain: light pressure, slow ramps, no tapping or deep pressure, "
        "small strokes, up to 20 minutes."
    ),
    max_intensity=0.35,
    max_ramp_per_s=0.05,
    percussion_allowed=False,
    deep_tissue_allowed=False,
    max_hold_s=30.0,
    max_stroke_zones=2,
    heat_max_c=38.0,
    max_session_min=20.0,
)

#: Read-only: the built-in limits are the safety table itself, so nothing at run time (a plug-in,
#: a test, a typo) can swap ``gentle`` for a looser profile. The profiles are frozen models too.
BUILTIN_SAFETY: Mapping[str, SafetyProfile] = MappingProxyType(
    {"standard": STANDARD, "gentle": GENTLE}
)


# --- profile files ------------------------------------------------------------------------------

_FILE_HINT = "see docs/SAFETY.md (Safety profile files) for the format"
#: The file's own id: like a program id, short enough to leave room for "(based on …)".
_OWN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def load_safety_profile(name_or_path: str | Path) -> SafetyProfile:
    """``standard``, ``gentle``, or a profile file that tightens one of them.

    A file's profile is identified as ``OWN (based on BASE)`` and may not take (or look like)
    the name of a built-in profile (:mod:`massage_ctl.safety.identity`).
    """
    name = str(name_or_path)
    if name in BUILTIN_SAFETY:
        return BUILTIN_SAFETY[name]
    path = Path(name)
    try:
        text = read_toml_text(path)
    except TomlReadError as err:
        if err.missing:
            close = impersonates(path.name) if path.suffix != ".toml" else None
            raise SafetyProfileError(
                f"unknown safety profile {name!r}"
                + (f" (did you mean {close!r}?)" if close else ""),
                hint="use standard, gentle, or the path to a safety profile .toml file",
            ) from err
        raise _file_error(path, err.line, None, err.message) from err
    try:
        data = parse_toml(text)
    except TomlReadError as err:
        raise _file_error(path, err.line, None, err.message) from err
    return _from_file(data, text, path)


def _file_error(
    path: Path, line: int | None, field: str | None, message: str, hint: str = _FILE_HINT
) -> SafetyProfileError:
    where = f"{path}{f':{line}' if line else ''}{f': {field}' if field else ''}"
    return SafetyProfileError(f"{where}: {message}", hint=hint)


def _from_file(data: dict[str, Any], text: str, path: Path) -> SafetyProfile:
    base_name = data.pop("base", "standard")
    if not isinstance(base_name, str) or base_name not in BUILTIN_SAFETY:
        shown = f"{base_name!r:.40}" if isinstance(base_name, str) else _toml_type(base_name)
        raise _file_error(
            path, line_of(text, ("base",)), "base",
            f"must be \"standard\" or \"gentle\" (a string), not {shown}",
        )
    own = data.pop("id", None)
    own_line = line_of(text, ("id",))
    if own is None:
        # The file name stands in for the id, made id-shaped ("My Neck.toml" → my-neck); it is
        # checked for look-alikes as written, since that is what the user sees.
        if impersonates(path.stem, base=base_name) is None:
            own = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:32] or "profile"
        else:
            own = path.stem
        own_line = None
        what = f"the file name {path.name!r} (used as the profile's id)"
    else:
        what = "id"
    if not isinstance(own, str):
        raise _file_error(path, own_line, "id", f"must be a string, not {_toml_type(own)}")
    named = data.pop("name", own)
    if not isinstance(named, str) or not named.strip() or len(named) > 60:
        raise _file_error(path, line_of(text, ("name",)), "name", "must be a short text in quotes")
    checks = (("id", own, own_line), ("name", named, line_of(text, ("name",))))
    for field, value, line in checks:
        taken = impersonates(value, base=base_name)
        if taken:
            subject = what if field == "id" else "name"
            raise _file_error(
                path, line, field,
                f"{subject} {value!r:.40} reads as the built-in {taken!r} profile; a profile "
                "file cannot take the name of a built-in one",
                hint="give it a name of its own, e.g. id = \"my-back\"; it is recorded as "
                f"'my-back (based on {base_name})'",
            )
    if not _OWN_ID.match(own):
        raise _file_error(
            path, own_line, "id",
            f"must be up to 32 lowercase letters, digits and dashes, not {own!r:.40}",
            hint='e.g. id = "my-back" (a file name that is not like that needs an id line)',
        )
    data["id"] = derived_id(own, base_name)
    data["name"] = derived_id(named.strip(), base_name)
    return BUILTIN_SAFETY[base_name].tightened(data, source=str(path), text=text)


def _toml_type(value: object) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", list: "a list",
             dict: "a table", str: "a string"}
    return kinds.get(type(value), type(value).__name__)
