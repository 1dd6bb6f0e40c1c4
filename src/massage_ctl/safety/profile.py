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

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from massage_ctl.errors import SafetyProfileError


class SafetyProfile(BaseModel):
    """The limits of one safety profile.

    Defaults are the ``standard`` column of the safety table (docs/SAFETY.md, README).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=40)]
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

    def tightened(self, overrides: dict[str, Any], *, source: str) -> SafetyProfile:
        """A copy with ``overrides`` applied, refusing any that loosen a limit."""
        merged = self.model_dump()
        merged.update(overrides)
        try:
            new = SafetyProfile.model_validate(merged)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise SafetyProfileError(f"{source}: {where}: {first['msg']}") from err
        loosened = [
            name for name in overrides if _loosens(name, getattr(self, name), getattr(new, name))
        ]
        if loosened:
            raise SafetyProfileError(
                f"{source}: {', '.join(loosened)} would loosen the {self.id!r} profile",
                hint="a safety profile file may only tighten its base profile's limits",
            )
        return new


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


def load_safety_profile(name_or_path: str | Path) -> SafetyProfile:
    """``standard``, ``gentle``, or a profile file that tightens one of them."""
    name = str(name_or_path)
    if name in BUILTIN_SAFETY:
        return BUILTIN_SAFETY[name]
    path = Path(name)
    if not path.is_file():
        raise SafetyProfileError(
            f"unknown safety profile {name!r}",
            hint="use standard, gentle, or the path to a safety profile .toml file",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SafetyProfileError(f"{path}: cannot read safety profile: {err}") from err
    base_name = data.pop("base", "standard")
    if base_name not in BUILTIN_SAFETY:
        raise SafetyProfileError(f"{path}: base: must be 'standard' or 'gentle', not {base_name!r}")
    data.setdefault("id", path.stem)
    data.setdefault("name", data["id"])
    return BUILTIN_SAFETY[base_name].tightened(data, source=str(path))
