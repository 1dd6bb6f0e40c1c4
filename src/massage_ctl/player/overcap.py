"""Believe the device: outputs it reports above the session's caps are a fault, not a hint.

The guard (safety layer 2) keeps every setpoint *sent* under the active caps; the device
(layer 3) clamps to its own limits. If the device nevertheless *reports* an output above the
active session cap — broken firmware, a driver stuck high, limits it does not enforce — the
session must end at once as a fault (STOP, reason GUARD), naming the channel and the values
(docs/SAFETY.md, "Exit paths"). Slowing ramps down, as the guard does for a mere disagreement,
is not enough.

Two details keep this honest rather than jumpy: STATUS values are quantised (1/65535 of the
range), so a small tolerance applies; and one report alone may be a glitch, so the output must
be over the cap in two consecutive reports (longer than one report).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import LinkStatus

#: Tolerance above the cap, as a share of the channel's range: STATUS quantisation (1/65535)
#: and a device's own rounding, far below anything a user could feel.
OVER_CAP_TOLERANCE_FRACTION = 0.01
#: Consecutive reports over the cap that make a fault ("longer than one report").
OVER_CAP_REPORTS = 2


@dataclass(frozen=True, slots=True)
class OverCap:
    """One channel the device reports above its active cap."""

    channel: str
    actual: float
    cap: float
    unit: str

    def message(self) -> str:
        """The plain-words reason the session ended."""
        return (
            f"the device reported {self.channel} at {self.actual:.3g}{self.unit}, above the "
            f"session's cap of {self.cap:.3g}{self.unit}: stopped as a fault (the device does "
            "not keep the limits it was given; have it checked before using it again)"
        )


class OverCapWatch:
    """Watches STATUS reports against per-channel caps (``caps``: channel id → cap)."""

    def __init__(self, profile: DeviceProfile, caps: Mapping[str, float]) -> None:
        self._limits: dict[str, tuple[float, float, str]] = {}
        for spec in profile.channels:
            if spec.kind == "position" or spec.id not in caps:
                continue  # where a roller is, is a place, not a force
            tolerance = OVER_CAP_TOLERANCE_FRACTION * (spec.max - spec.min)
            unit = " °C" if spec.kind == "heat" else ""
            self._limits[spec.id] = (caps[spec.id], tolerance, unit)
        self._over: dict[str, int] = {}

    def check(self, status: LinkStatus) -> OverCap | None:
        """Feed one report; the first channel over its cap for long enough, else None."""
        found: OverCap | None = None
        over: dict[str, int] = {}
        for channel, value in status.actual.items():
            limit = self._limits.get(channel)
            if limit is None or value <= limit[0] + limit[1]:
                continue
            over[channel] = count = self._over.get(channel, 0) + 1
            if count >= OVER_CAP_REPORTS and found is None:
                found = OverCap(channel, value, limit[0], limit[2])
        self._over = over  # a channel back under its cap starts counting afresh
        return found
