"""What a device can do per body zone, and how a phase's zones map onto it.

Techniques ask for zones in body terms; a :class:`DeviceMap` answers with channels: air cells
(``pressure``, possibly per side), vibration motors, heat pads, and the back roller (a
``position`` channel plus its intensity channel, reaching a range of spine zones). A zone the
device lacks maps to the nearest zone it has at distance 1 (with a warning); farther than that
is a :class:`CompileError`. Excluded zones are never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from massage_ctl.devices import ChannelSpec, DeviceProfile
from massage_ctl.errors import CompileError
from massage_ctl.zones import ZONES, Point


@dataclass(frozen=True, slots=True)
class Roller:
    """A back roller: where it is (``position``) and how hard it works (``intensity``)."""

    position: ChannelSpec
    intensity: ChannelSpec
    zones: tuple[str, ...]


@dataclass(slots=True)
class DeviceMap:
    """Channels per zone, with the user's excluded zones removed."""

    device: DeviceProfile
    excluded: frozenset[str]
    pressure: dict[str, list[ChannelSpec]] = field(default_factory=dict)
    vibration: dict[str, list[ChannelSpec]] = field(default_factory=dict)
    heat: dict[str, list[ChannelSpec]] = field(default_factory=dict)
    roller: Roller | None = None

    @classmethod
    def build(cls, device: DeviceProfile, excluded: frozenset[str]) -> DeviceMap:
        """Index ``device``'s channels by zone, leaving out ``excluded`` zones."""
        m = cls(device, excluded)
        for ch in device.channels:
            if ch.zone in excluded and ch.kind not in ("position", "roller"):
                continue
            if ch.kind == "pressure":
                m.pressure.setdefault(ch.zone, []).append(ch)
            elif ch.kind == "vibration":
                m.vibration.setdefault(ch.zone, []).append(ch)
            elif ch.kind == "heat":
                m.heat.setdefault(ch.zone, []).append(ch)
        positions = device.channels_of_kind("position")
        rollers = device.channels_of_kind("roller")
        if positions and rollers:
            reach = positions[0].reach or rollers[0].reach or (positions[0].zone, positions[0].zone)
            a, b = sorted((ZONES.index(reach[0]), ZONES.index(reach[1])))
            zones = tuple(z for z in ZONES[a : b + 1] if z not in excluded)
            m.roller = Roller(positions[0], rollers[0], zones)
        return m

    def for_point(
        self, channels: list[ChannelSpec], point: Point
    ) -> tuple[list[ChannelSpec], bool]:
        """The channels of one zone (``channels``) that act on ``point``; and whether a side
        was asked for but the zone has no channel of that side (both sides driven together).

        A sided point drives only its side's channels when the zone has them; a point without
        a side drives every channel of the zone (both sides together).
        """
        if point.side is None or not channels:
            return list(channels), False
        sided = [c for c in channels if c.side == point.side]
        if sided:
            return sided, False
        return list(channels), True

    def body_zones(self) -> set[str]:
        """Zones something other than heat can act on."""
        zones = set(self.pressure) | set(self.vibration)
        if self.roller:
            zones.update(self.roller.zones)
        return zones

    def roller_position(self, zone: str) -> float:
        """Roller position 0..1 for the middle of ``zone`` within the roller's reach."""
        assert self.roller is not None
        reach = self.roller.position.reach or (self.roller.zones[0], self.roller.zones[-1])
        a, b = sorted((ZONES.index(reach[0]), ZONES.index(reach[1])))
        n = b - a + 1
        return (ZONES.index(zone) - a + 0.5) / n

    def map_points(
        self, points: list[Point], available: set[str], what: str, warn: list[str]
    ) -> list[Point]:
        """Map each point onto a zone in ``available`` (nearest at distance 1, with a warning).

        Points in excluded zones, and zones with no usable neighbour, are dropped with a
        warning; if nothing of the phase is left, raise :class:`CompileError`.
        """
        out: list[Point] = []
        unreachable: list[str] = []
        for p in points:
            if p.zone in self.excluded:
                warn.append(f"{p} is excluded; skipped")
                continue
            if p.zone in available:
                out.append(p)
                continue
            i = ZONES.index(p.zone)
            near = [ZONES[j] for j in (i - 1, i + 1) if 0 <= j < len(ZONES)]
            near = [z for z in near if z in available]
            if not near:
                unreachable.append(p.zone)
                continue
            warn.append(f"the {self.device.id} device has no {what} at {p.zone}; using {near[0]}")
            out.append(Point(near[0], p.side))
        if unreachable and not out:
            raise CompileError(
                f"the {self.device.id} device has no {what} at {', '.join(unreachable)} "
                "or next to it",
                hint="use a program for the zones this device has: "
                + ", ".join(z for z in ZONES if z in available),
            )
        for zone in unreachable:
            warn.append(f"the {self.device.id} device has no {what} at {zone} or next to it; "
                        "skipped")
        if not out:
            raise CompileError(
                "every zone of this phase is excluded",
                hint="remove an --exclude option or choose another program",
            )
        return out
