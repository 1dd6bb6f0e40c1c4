"""Body zones (docs/CONTRACTS.md §4), ordered head to feet, and points with an optional side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from massage_ctl.errors import ProgramError

#: Zone names, head to feet. Order matters: "adjacent" and "nearest" use it.
ZONES: tuple[str, ...] = (
    "neck",
    "shoulders",
    "upper-back",
    "mid-back",
    "lower-back",
    "hips",
    "thighs",
    "calves",
    "feet",
)

Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")

#: Zones along the spine, which a back roller can reach. Position 0 = neck, 1 = sacrum.
SPINE_ZONES: tuple[str, ...] = ("neck", "shoulders", "upper-back", "mid-back", "lower-back", "hips")


def zone_index(zone: str) -> int:
    """Index of ``zone`` in :data:`ZONES` (head = 0)."""
    return ZONES.index(zone)


def zone_distance(a: str, b: str) -> int:
    """Number of zone steps between two zones (0 = same, 1 = adjacent)."""
    return abs(zone_index(a) - zone_index(b))


def spine_position(zone: str) -> float | None:
    """Roller position 0..1 for the middle of a spine zone, or None off the spine."""
    if zone not in SPINE_ZONES:
        return None
    n = len(SPINE_ZONES)
    return (SPINE_ZONES.index(zone) + 0.5) / n


@dataclass(frozen=True, slots=True)
class Point:
    """A zone with an optional side, written ``lower-back`` or ``lower-back.left``."""

    zone: str
    side: Side | None = None

    def __str__(self) -> str:
        return f"{self.zone}.{self.side}" if self.side else self.zone

    @classmethod
    def parse(cls, text: str) -> Point:
        """Parse ``zone`` or ``zone.side``; raises :class:`ProgramError` naming the valid ones."""
        zone, _, side = text.strip().partition(".")
        if zone not in ZONES:
            raise ProgramError(
                f"unknown zone {text!r}",
                hint="zones are: " + ", ".join(ZONES) + " (optionally .left or .right)",
            )
        if side and side not in SIDES:
            raise ProgramError(f"unknown side {side!r} in {text!r}", hint="sides are: left, right")
        return cls(zone, side if side else None)
