"""Shared state while compiling: the tracks, the limits, and the phase being expanded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from massage_ctl.devices import ChannelSpec, DeviceProfile
from massage_ctl.motion.builder import Track
from massage_ctl.motion.devicemap import DeviceMap
from massage_ctl.safety import SafetyProfile
from massage_ctl.zones import Point

if TYPE_CHECKING:
    # Only named in annotations: the program layer builds its phase union from the technique
    # modules, which use this module, so a runtime import would be circular.
    from massage_ctl.program.definition import Program

#: Heartbeat frames the link sends each second; they share the device's frame budget.
HEARTBEAT_FRAMES_PER_S = 10


@dataclass(slots=True)
class Compilation:
    """Everything one compilation shares: device, limits, tracks, warnings (not a played
    session: that is :class:`massage_ctl.player.session.Session`)."""

    program: Program
    device: DeviceProfile
    safety: SafetyProfile
    scale: float
    map: DeviceMap
    tracks: dict[str, Track]
    #: min(safety, program) intensity cap before the overall scale.
    intensity_cap: float
    heat_cap_c: float
    warnings: list[str] = field(default_factory=list)

    def track(self, ch: ChannelSpec) -> Track:
        """The track of channel ``ch``."""
        return self.tracks[ch.id]

    def warn(self, text: str) -> None:
        """Add a warning once."""
        if text not in self.warnings:
            self.warnings.append(text)


@dataclass(slots=True)
class PhaseCtx:
    """One phase being expanded into ``[start_ms, end_ms)``."""

    s: Compilation
    label: str  # "phase 3 (trigger-point)"
    start_ms: int
    end_ms: int
    touched: set[str] = field(default_factory=set)

    def warn(self, text: str) -> None:
        """A warning naming this phase."""
        self.s.warn(f"{self.label}: {text}")

    def points(self, points: list[Point]) -> list[Point]:
        """Map the phase's points onto zones the device has (nearest, excluded dropped)."""
        notes: list[str] = []
        mapped = self.s.map.map_points(points, self.s.map.body_zones(), "massage channel", notes)
        for n in notes:
            self.warn(n)
        return mapped

    def sided(self, channels: list[ChannelSpec], point: Point) -> list[ChannelSpec]:
        """The channels of ``point``'s zone that act on its side (see ``DeviceMap.for_point``);
        warns once per zone when the device cannot tell left from right there."""
        chosen, lost = self.s.map.for_point(channels, point)
        if lost:
            self.s.warn(
                f"the {self.s.device.id} device has no left/right channels at {point.zone}: "
                "both sides are driven together (no alternation)"
            )
        return chosen

    def level(self, intensity: float) -> float:
        """Envelope value for a requested ``intensity``: capped, then scaled."""
        cap = self.s.intensity_cap
        if intensity > cap + 1e-9:
            self.warn(f"intensity {intensity:.2f} lowered to the cap {cap:.2f}")
            intensity = cap
        return intensity * self.s.scale

    def track(self, ch: ChannelSpec) -> Track:
        """The track of ``ch``, remembered as used by this phase."""
        self.touched.add(ch.id)
        return self.s.tracks[ch.id]

    def rise_ms(self, ch: ChannelSpec, level: float) -> int:
        """Shortest time ``ch`` needs to go from 0 to ``level`` (ramp limit)."""
        return self.s.tracks[ch.id].rise_ms(level)

    def release_all(self, at_ms: int | None = None) -> int:
        """Bring every intensity channel this phase used to zero; returns when they are."""
        end = at_ms if at_ms is not None else self.start_ms
        for cid in sorted(self.touched):
            tr = self.s.tracks[cid]
            if tr.spec.kind in ("position", "heat") or (tr.target <= 0 and tr.pattern == "steady"):
                continue
            t = max(at_ms if at_ms is not None else tr.last_t, tr.last_t + tr.gap_ms)
            end = max(end, tr.set(t, 0.0))
        return end
